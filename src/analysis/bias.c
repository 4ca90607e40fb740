/* Kind "bias": publication bias of one set of effects (per --by group), as metafor 3.8
 * regtest, ranktest, trimfill and fsn, one row per test; and the funnel plots (trim and fill,
 * contour-enhanced, Egger line) and the radial plot. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis_int.h"
#include "metasum/bias.h"
#include "studies.h"

#define PLOTS "funnel_trimfill,funnel_contour,funnel_egger,radial"
/* in the order the report shows them */
static const char *const plot_names[] = {"funnel_trimfill", "funnel_contour", "radial",
                                         "funnel_egger"};
#define NPLOT_NAMES 4

typedef struct {
    msum_pool_opts pool;
    msum_measure measure;
    msum_reg_model model;
    msum_reg_predictor predictor;
    msum_tf_estimator estimator;
    msum_tf_side side;
    double alpha, target;
} bias_args;

/* The spec's settings; 0 after a spec error. */
static int bias_args_of(const msum_spec *s, bias_args *a, msum_diags *diags)
{
    memset(a, 0, sizeof *a);
    a->alpha = isnan(s->alpha) ? 0.05 : s->alpha;
    a->target = s->target;
    if (!msum_an_studies_fit(s, &a->measure, &a->pool, diags)) return 0;
    if (msum_an_given(s->model)) a->model = strcmp(s->model, "lm") == 0 ? MSUM_REG_LM
                                                                        : MSUM_REG_RMA;
    if (msum_an_given(s->predictor) &&
        msum_reg_predictor_parse(s->predictor, &a->predictor) != MSUM_OK) {
        msum_an_spec_error(diags, s, "predictor", "found '%s', expected sei, vi, ni, ninv, "
                           "sqrtni or sqrtninv", s->predictor);
        return 0;
    }
    if (msum_an_given(s->estimator) &&
        msum_tf_estimator_parse(s->estimator, &a->estimator) != MSUM_OK) {
        msum_an_spec_error(diags, s, "estimator", "found '%s', expected L0, R0 or Q0",
                           s->estimator);
        return 0;
    }
    if (msum_an_given(s->side))
        a->side = strcmp(s->side, "left") == 0    ? MSUM_TF_SIDE_LEFT
                  : strcmp(s->side, "right") == 0 ? MSUM_TF_SIDE_RIGHT
                                                  : MSUM_TF_SIDE_AUTO;
    return 1;
}

static const msum_an_coldef cols[] = {
    {"test", MSUM_COL_TEXT, "regtest, ranktest, trimfill or fsn"},
    {"method", MSUM_COL_TEXT, "model/predictor (regtest), estimator (trimfill), type (fsn)"},
    {"k", MSUM_COL_INT, "studies (trimfill: with the filled ones)"},
    {"stat", MSUM_COL_NUM, "test statistic (z or t; ranktest: z, NA when exact)"},
    {"df", MSUM_COL_NUM, "degrees of freedom of a t statistic"},
    {"pval", MSUM_COL_NUM, "p-value (fsn Rosenthal one-sided)"},
    {"estimate", MSUM_COL_NUM, "limit estimate / Kendall's tau / filled estimate / mean"},
    {"ci_lb", MSUM_COL_NUM, "lower confidence bound of the estimate"},
    {"ci_ub", MSUM_COL_NUM, "upper confidence bound of the estimate"},
    {"k0", MSUM_COL_INT, "trimfill: estimated number of missing studies"},
    {"se_k0", MSUM_COL_NUM, "trimfill: SE of k0"},
    {"side", MSUM_COL_TEXT, "trimfill: side of the missing studies"},
    {"fsnum", MSUM_COL_NUM, "fail-safe N"},
    {"note", MSUM_COL_TEXT, "why a test is not defined, or how it was computed"},
};

static void put_text(msum_table *t, long r, const char *col, const char *v)
{
    int c = msum_table_col_index(t, col);
    if (r >= 0 && c >= 0 && v && *v) msum_table_set_text(t, (size_t)r, (size_t)c, v);
}

static long add_row(msum_table *t, const msum_an_studies *s, const char *test,
                    const char *method)
{
    long r = msum_table_add_row(t);
    if (r >= 0) {
        if (s->k) msum_an_studies_set_group(s, 0, t, (size_t)r, 0);
        put_text(t, r, "test", test);
        put_text(t, r, "method", method);
    }
    return r;
}

static void put(msum_table *t, long r, const char *col, double v)
{
    int c = msum_table_col_index(t, col);
    if (r >= 0 && c >= 0) msum_table_set_num(t, (size_t)r, (size_t)c, v);
}

static void note(msum_table *t, long r, const char *s) { put_text(t, r, "note", s); }

static int fill_table(const bias_args *a, const msum_an_studies *s, msum_table *t)
{
    const double *ni = s->ni;
    for (size_t i = 0; i < s->k && ni; i++)
        if (isnan(ni[i])) ni = NULL;
    char m[64];

    /* regtest */
    msum_regtest_opts ro = MSUM_REGTEST_OPTS_DEFAULT;
    ro.model = a->model;
    ro.predictor = a->predictor;
    ro.fit.method = a->pool.method;
    ro.fit.test = a->pool.test;
    ro.fit.level = a->pool.level;
    msum_regtest_result rg;
    snprintf(m, sizeof m, "%s/%s", a->model == MSUM_REG_LM ? "lm" : "rma",
             msum_reg_predictor_name(a->predictor));
    long r = add_row(t, s, "regtest", m);
    int st = msum_regtest(s->yi, s->vi, ni, s->k, &ro, &rg);
    put(t, r, "k", (double)s->k);
    if (st == MSUM_OK) {
        put(t, r, "stat", rg.stat);
        put(t, r, "df", rg.df);
        put(t, r, "pval", rg.pval);
        put(t, r, "estimate", rg.est);
        put(t, r, "ci_lb", rg.ci_lb);
        put(t, r, "ci_ub", rg.ci_ub);
    } else if (st == MSUM_EDOM) {
        note(t, r, rg.reason);
    } else if (st == MSUM_EINVAL && a->predictor >= MSUM_REG_NI && !ni) {
        note(t, r, "no sample size (ni, n1i + n2i or a 2x2 table) for every study");
    } else if (st == MSUM_EINVAL) {
        note(t, r, "the rma model needs EE, FE, CE, DL, HE, ML or REML");
    } else {
        note(t, r, msum_strerror(st));
    }

    /* ranktest */
    msum_ranktest_result rk;
    r = add_row(t, s, "ranktest", "Kendall");
    st = msum_ranktest(s->yi, s->vi, s->k, &rk);
    put(t, r, "k", (double)s->k);
    if (st == MSUM_OK) {
        put(t, r, "stat", rk.z);
        put(t, r, "pval", rk.pval);
        put(t, r, "estimate", rk.tau);
        note(t, r, rk.exact ? "exact p" : "normal approximation");
    } else {
        note(t, r, st == MSUM_EDOM ? rk.reason : msum_strerror(st));
    }

    /* trimfill */
    msum_trimfill_opts to = MSUM_TRIMFILL_OPTS_DEFAULT;
    to.estimator = a->estimator;
    to.side = a->side;
    to.pool = a->pool;
    to.pool.qprofile = 0;
    msum_trimfill_result tf;
    r = add_row(t, s, "trimfill", msum_tf_estimator_name(a->estimator));
    st = msum_trimfill(s->yi, s->vi, s->k, &to, &tf);
    if (st == MSUM_OK) {
        put(t, r, "k", (double)tf.pooled.k);
        put(t, r, "stat", tf.pooled.stat);
        put(t, r, "df", tf.pooled.df);
        put(t, r, "pval", tf.pooled.pval);
        put(t, r, "estimate", tf.pooled.estimate);
        put(t, r, "ci_lb", tf.pooled.ci_lb);
        put(t, r, "ci_ub", tf.pooled.ci_ub);
        put(t, r, "k0", (double)tf.k0);
        put(t, r, "se_k0", tf.se_k0);
        put_text(t, r, "side", tf.side == MSUM_TF_SIDE_RIGHT ? "right" : "left");
        note(t, r, tf.reason);
    } else {
        put(t, r, "k", (double)s->k);
        note(t, r, st == MSUM_EDOM ? tf.reason
                   : st == MSUM_EINVAL ? "the automatic side needs EE, FE, CE, DL, HE, ML or "
                                         "REML (give a side: left or right)"
                                       : msum_strerror(st));
    }
    if (st == MSUM_OK || st == MSUM_EDOM) msum_trimfill_result_free(&tf);

    /* fsn */
    for (int ty = MSUM_FSN_ROSENTHAL; ty <= MSUM_FSN_ROSENBERG; ty++) {
        msum_fsn_opts fo = MSUM_FSN_OPTS_DEFAULT;
        fo.type = (msum_fsn_type)ty;
        fo.alpha = a->alpha;
        fo.target = a->target;
        msum_fsn_result fr;
        r = add_row(t, s, "fsn", msum_fsn_type_name(fo.type));
        st = msum_fsn(s->yi, s->vi, s->k, &fo, &fr);
        put(t, r, "k", (double)s->k);
        if (st == MSUM_OK) {
            put(t, r, "pval", fr.pval);
            put(t, r, "estimate", fr.meanes);
            put(t, r, "fsnum", fr.fsnum);
        } else {
            note(t, r, st == MSUM_EDOM ? fr.reason : msum_strerror(st));
        }
    }
    return MSUM_OK;
}

/* The bias table of the studies (one block of rows per by group), with its settings as
 * metadata, into *out.  Returns MSUM_OK, MSUM_EDATA (reported) or MSUM_ENOMEM. */
static int bias_table(const msum_spec *spec, const bias_args *a, const msum_an_studies *s,
                      msum_table **out, msum_diags *diags)
{
    size_t *order = NULL, *start = NULL, ng = 0;
    msum_table *t = msum_table_new("bias", "Publication bias");
    int st = t && msum_an_studies_groups(s, &order, &start, &ng) ? MSUM_OK : MSUM_ENOMEM;
    if (st == MSUM_OK)
        st = msum_an_studies_columns(s, spec, t, cols, sizeof cols / sizeof cols[0], diags);
    for (size_t g = 0; st == MSUM_OK && g < ng; g++) {
        msum_an_studies v;
        st = msum_an_studies_view(s, order + start[g], start[g + 1] - start[g], &v)
                 ? fill_table(a, &v, t)
                 : MSUM_ENOMEM;
        msum_an_studies_free(&v);
    }
    free(order);
    free(start);
    if (st != MSUM_OK) {
        msum_table_free(t);
        return st;
    }
    msum_an_studies_meta(s, spec, &a->pool, t);
    *out = t;
    return MSUM_OK;
}

/* A funnel plot of the studies: with trim and fill's filled studies (open) around the
 * estimate on the filled data, or the contour-enhanced funnel around 0; or the radial plot.
 * NULL when the plot cannot be drawn (*why says why: trim and fill not defined, out of
 * memory). */
static char *funnel_plot(const bias_args *a, const msum_an_studies *s, const char *kind,
                         const char *title, const char **why)
{
    size_t k = s->k;
    if (strcmp(kind, "radial") == 0) {
        /* the radial plot of the fit with the chosen estimator (metafor radial(res)) */
        msum_pool_opts po = a->pool;
        po.qprofile = 0;
        msum_pool_result fit;
        int st = msum_pool(s->yi, s->vi, k, &po, &fit);
        if (st != MSUM_OK) {
            *why = msum_strerror(st);
            return NULL;
        }
        msum_radial_data d = {.title = title, .k = k,
                              .labels = (const char *const *)s->label, .yi = s->yi,
                              .vi = s->vi, .tau2 = fit.tau2, .est = fit.estimate};
        char *svg = msum_an_svg_radial(&d);
        *why = "out of memory";
        return svg;
    }
    char xlab[96];
    msum_bias_funnel_data d = {.title = title, .xlab = xlab, .k = k, .yi = s->yi, .est = NAN};
    d.log_scale = msum_an_studies_axis(s->measure, xlab, sizeof xlab);
    double *sei = malloc((k + 1) * sizeof *sei), *sef = NULL;
    *why = "out of memory";
    if (!sei) return NULL;
    for (size_t i = 0; i < k; i++) sei[i] = sqrt(s->vi[i]);
    d.sei = sei;
    msum_trimfill_result tf;
    int have_tf = 0;
    char *svg = NULL;
    if (strcmp(kind, "funnel_contour") == 0) {
        d.contours = 1;
        d.ref = 0;
        svg = msum_an_svg_bias_funnel(&d);
    } else {
        msum_trimfill_opts to = MSUM_TRIMFILL_OPTS_DEFAULT;
        to.estimator = a->estimator;
        to.side = a->side;
        to.pool = a->pool;
        to.pool.qprofile = 0;
        int st = msum_trimfill(s->yi, s->vi, k, &to, &tf);
        have_tf = st == MSUM_OK || st == MSUM_EDOM;
        if (st == MSUM_OK) {
            sef = malloc((tf.k0 + 1) * sizeof *sef);
            for (size_t i = 0; sef && i < tf.k0; i++) sef[i] = sqrt(tf.vi_fill[i]);
            d.kfill = tf.k0;
            d.yi_fill = tf.yi_fill;
            d.sei_fill = sef;
            d.est = tf.pooled.estimate;
            if (strcmp(kind, "funnel_egger") == 0) {
                /* Egger's regression on sei (the observed studies), with the model and method */
                msum_regtest_opts ro = MSUM_REGTEST_OPTS_DEFAULT;
                ro.model = a->model;
                ro.predictor = MSUM_REG_SEI;
                ro.fit.method = a->pool.method;
                ro.fit.test = a->pool.test;
                ro.fit.level = a->pool.level;
                msum_regtest_result rg;
                int rs = msum_regtest(s->yi, s->vi, NULL, k, &ro, &rg);
                if (rs != MSUM_OK) {
                    *why = rs == MSUM_EDOM ? rg.reason : msum_strerror(rs);
                    free(sef);
                    sef = NULL;
                } else {
                    d.egger = 1;
                    d.egger_b0 = rg.est;
                    d.egger_b1 = rg.coef;
                }
            }
            if (sef) svg = msum_an_svg_bias_funnel(&d);
        } else {
            *why = st == MSUM_EDOM ? tf.reason : msum_strerror(st);
            if (st == MSUM_EINVAL) *why = "the automatic side needs EE, FE, CE, DL, HE, ML or "
                                          "REML (give a side: left or right)";
        }
    }
    if (have_tf) msum_trimfill_result_free(&tf);
    free(sei);
    free(sef);
    return svg;
}

int msum_an_bias(const msum_spec *spec, const char *path, msum_result *out, msum_diags *diags)
{
    bias_args a;
    if (!msum_an_check_plots(spec, PLOTS, diags) || !bias_args_of(spec, &a, diags))
        return MSUM_EINVAL;
    if (msum_an_given(spec->plots) && msum_an_given(spec->by))
        return msum_an_spec_error(diags, spec, "plots",
                                  "a funnel plot needs one group, not one per by group");
    msum_an_studies s;
    int st = msum_an_studies_read(spec, path, a.measure, a.pool.level, NULL, &s, diags);
    if (st != MSUM_OK) return st;
    out->k_skipped = s.skipped;
    msum_table *t = NULL;
    st = bias_table(spec, &a, &s, &t, diags);
    if (st == MSUM_OK) st = msum_result_add_table(out, t);
    const char *title = msum_an_given(spec->title) ? spec->title : spec->id;
    for (size_t p = 0; st == MSUM_OK && p < NPLOT_NAMES; p++) {
        if (!msum_an_list_has(spec->plots, plot_names[p])) continue;
        const char *why = NULL;
        char *svg = funnel_plot(&a, &s, plot_names[p], title, &why);
        st = svg ? msum_result_add_plot(out, plot_names[p], svg)
                 : msum_an_studies_plot_error(diags, spec, &s, plot_names[p], why);
    }
    msum_an_studies_free(&s);
    return st;
}
