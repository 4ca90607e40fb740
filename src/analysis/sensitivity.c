/* Kind "sensitivity": leave-one-out, cumulative and influence analyses of one set of effects
 * (per --by group), as metafor 3.8 leave1out, cumul and influence (with rstandard), one row per
 * study; and the leave-one-out, cumulative, influence and Baujat plots. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis_int.h"
#include "metasum/sensitivity.h"
#include "studies.h"

#define PLOTS "leave1out,cumul,influence,baujat"
static const char *const plot_names[] = {"leave1out", "baujat", "cumul", "influence"};
#define NPLOT_NAMES 4

enum { A_LEAVE1OUT, A_CUMUL, A_INFLUENCE };

typedef struct {
    msum_pool_opts pool;
    msum_measure measure;
    int analysis, decreasing;
    const char *order;
} sens_args;

static const msum_an_coldef refit_cols[] = {
    {"k", MSUM_COL_INT, "studies in the fit"},
    {"estimate", MSUM_COL_NUM, "pooled estimate"},
    {"se", MSUM_COL_NUM, "its standard error"},
    {"stat", MSUM_COL_NUM, "z (or t) statistic"},
    {"pval", MSUM_COL_NUM, "two-sided p-value"},
    {"ci_lb", MSUM_COL_NUM, "lower confidence bound"},
    {"ci_ub", MSUM_COL_NUM, "upper confidence bound"},
    {"Q", MSUM_COL_NUM, "Cochran's Q"},
    {"Q_p", MSUM_COL_NUM, "p-value of Q"},
    {"tau2", MSUM_COL_NUM, "between-study variance"},
    {"I2", MSUM_COL_NUM, "I2 (percent)"},
    {"H2", MSUM_COL_NUM, "H2"},
    {"fallback", MSUM_COL_TEXT, "why the fit used another estimator than asked, if it did"},
};

static const msum_an_coldef infl_cols[] = {
    {"rstudent", MSUM_COL_NUM, "externally studentised residual"},
    {"resid", MSUM_COL_NUM, "yi minus the estimate without the study"},
    {"resid_se", MSUM_COL_NUM, "SE of resid"},
    {"rstandard", MSUM_COL_NUM, "internally standardised residual"},
    {"dffits", MSUM_COL_NUM, "DFFITS"},
    {"cook_d", MSUM_COL_NUM, "Cook's distance"},
    {"cov_r", MSUM_COL_NUM, "covariance ratio"},
    {"tau2_del", MSUM_COL_NUM, "tau2 without the study"},
    {"QE_del", MSUM_COL_NUM, "Q without the study"},
    {"hat", MSUM_COL_NUM, "hat value"},
    {"weight", MSUM_COL_NUM, "weight (percent)"},
    {"dfbetas", MSUM_COL_NUM, "DFBETAS of the estimate"},
    {"inf", MSUM_COL_INT, "1: influential by metafor's rule"},
    {"fallback", MSUM_COL_TEXT, "why the deleted fit used another estimator, if it did"},
};

/* The table of analysis a->analysis with its columns (by columns, line, id, the numbers);
 * MSUM_OK, MSUM_EDATA (a by column named as an output column; reported) or MSUM_ENOMEM. */
static int new_table(const msum_spec *spec, const sens_args *a, const msum_an_studies *s,
                     msum_table **out, msum_diags *diags)
{
    static const char *const names[] = {"leave1out", "cumul", "influence"};
    static const char *const titles[] = {"Leave-one-out analysis", "Cumulative meta-analysis",
                                         "Influence diagnostics"};
    msum_table *t = msum_table_new(names[a->analysis], titles[a->analysis]);
    if (!t) return MSUM_ENOMEM;
    const msum_an_coldef *c = a->analysis == A_INFLUENCE ? infl_cols : refit_cols;
    size_t n = a->analysis == A_INFLUENCE ? sizeof infl_cols / sizeof infl_cols[0]
                                          : sizeof refit_cols / sizeof refit_cols[0];
    msum_an_coldef *all = malloc((n + 2) * sizeof *all);
    int st = all ? MSUM_OK : MSUM_ENOMEM;
    if (all) {
        all[0] = (msum_an_coldef){"line", MSUM_COL_INT, "input line of the study"};
        all[1] = (msum_an_coldef){"id", MSUM_COL_TEXT,
                                  a->analysis == A_CUMUL ? "study added last"
                                                         : "study omitted / diagnosed"};
        memcpy(all + 2, c, n * sizeof *c);
        st = msum_an_studies_columns(s, spec, t, all, n + 2, diags);
    }
    free(all);
    if (st == MSUM_OK && msum_table_reserve(t, 0) != MSUM_OK) st = MSUM_ENOMEM;
    if (st != MSUM_OK) {
        msum_table_free(t);
        return st;
    }
    *out = t;
    return MSUM_OK;
}

static long study_row(msum_table *t, const msum_an_studies *s, size_t i)
{
    long r = msum_table_add_row(t);
    if (r < 0) return r;
    msum_an_studies_set_group(s, i, t, (size_t)r, 0);
    msum_table_set_num(t, (size_t)r, s->nby, (double)s->line[i]);
    if (s->label) msum_table_set_text(t, (size_t)r, s->nby + 1, s->label[i]);
    return r;
}

static void set_nums(msum_table *t, const msum_an_studies *s, long r, const double *v, size_t n)
{
    for (size_t j = 0; j < n; j++) msum_table_set_num(t, (size_t)r, s->nby + j + 2, v[j]);
}

static void set_fallback(msum_table *t, long r, const char *why)
{
    int c = msum_table_col_index(t, "fallback");
    if (c >= 0 && why && *why) msum_table_set_text(t, (size_t)r, (size_t)c, why);
}

static int run(const sens_args *a, const msum_an_studies *s, msum_table *t)
{
    size_t k = s->k;
    int st;
    if (a->analysis != A_INFLUENCE) {
        msum_sens_row *rows = malloc(k * sizeof *rows);
        if (!rows) return MSUM_ENOMEM;
        st = a->analysis == A_CUMUL
                 ? msum_cumul(s->yi, s->vi, k, a->order ? s->key : NULL, a->decreasing,
                              &a->pool, rows)
                 : msum_leave1out(s->yi, s->vi, k, &a->pool, rows);
        for (size_t i = 0; st == MSUM_OK && i < k; i++) {
            const msum_sens_row *w = &rows[i];
            long r = study_row(t, s, w->study);
            if (r < 0) {
                st = MSUM_ENOMEM;
                break;
            }
            double v[] = {(double)w->k, w->estimate, w->se, w->stat, w->pval, w->ci_lb,
                          w->ci_ub, w->Q, w->Qp, w->tau2, w->I2, w->H2};
            set_nums(t, s, r, v, sizeof v / sizeof v[0]);
            set_fallback(t, r, w->fallback);
        }
        free(rows);
        return st;
    }
    msum_infl_row *inf = malloc(k * sizeof *inf);
    msum_resid_row *rs = malloc(k * sizeof *rs);
    st = inf && rs ? msum_influence(s->yi, s->vi, k, &a->pool, inf) : MSUM_ENOMEM;
    if (st == MSUM_OK) st = msum_rstandard(s->yi, s->vi, k, &a->pool, rs);
    for (size_t i = 0; st == MSUM_OK && i < k; i++) {
        const msum_infl_row *w = &inf[i];
        long r = study_row(t, s, i);
        if (r < 0) {
            st = MSUM_ENOMEM;
            break;
        }
        double v[] = {w->rstudent, w->resid, w->resid_se, rs[i].z, w->dffits, w->cook_d,
                      w->cov_r, w->tau2_del, w->QE_del, w->hat, w->weight, w->dfbetas,
                      (double)w->inf};
        set_nums(t, s, r, v, sizeof v / sizeof v[0]);
        set_fallback(t, r, w->fallback);
    }
    free(inf);
    free(rs);
    return st;
}

/* The table of analysis a->analysis over every group, with its settings as metadata, into
 * *out.  Returns MSUM_OK or a status after saying why. */
static int sens_table(const msum_spec *spec, const sens_args *a, const msum_an_studies *s,
                      msum_table **out, msum_diags *diags)
{
    msum_table *t = NULL;
    size_t *order = NULL, *start = NULL, ng = 0;
    if (!msum_an_studies_groups(s, &order, &start, &ng)) return MSUM_ENOMEM;
    int st = MSUM_OK;
    for (size_t g = 0; g < ng; g++) {
        size_t n = start[g + 1] - start[g];
        if (n < 2 && a->analysis != A_CUMUL) {
            msum_diags_add(diags, MSUM_DIAG_ERROR, s->name, 0, 0, NULL,
                           "%s needs at least 2 studies%s, found %zu%s",
                           a->analysis == A_INFLUENCE ? "influence" : "leave1out",
                           s->nby ? " per group" : "", n, s->nby ? " in a group" : "");
            st = MSUM_EDATA;
            goto out;
        }
    }
    if ((st = new_table(spec, a, s, &t, diags)) != MSUM_OK) goto out;
    for (size_t g = 0; g < ng; g++) {
        msum_an_studies v;
        st = msum_an_studies_view(s, order + start[g], start[g + 1] - start[g], &v)
                 ? run(a, &v, t)
                 : MSUM_ENOMEM;
        msum_an_studies_free(&v);
        if (st != MSUM_OK) {
            msum_diags_add(diags, MSUM_DIAG_ERROR, s->name, 0, 0, NULL, "%s",
                           msum_strerror(st));
            msum_table_free(t);
            goto out;
        }
    }
    msum_an_studies_meta(s, spec, &a->pool, t);
    if (a->order && a->analysis == A_CUMUL) msum_table_set_meta(t, "order", a->order);
    *out = t;
out:
    free(order);
    free(start);
    return st;
}

/* Study labels of a plot: the id/study/author column, else the input line. */
static char **study_labels(const msum_an_studies *s, const char *prefix)
{
    char **lab = calloc(s->k + 1, sizeof *lab);
    for (size_t i = 0; lab && i < s->k; i++) {
        char buf[320];
        if (s->label) snprintf(buf, sizeof buf, "%s%.256s", prefix, s->label[i]);
        else snprintf(buf, sizeof buf, "%sline %ld", prefix, s->line[i]);
        if (!(lab[i] = strdup(buf))) {
            for (size_t j = 0; j < i; j++) free(lab[j]);
            free(lab);
            return NULL;
        }
    }
    return lab;
}

static void labels_free(char **lab, size_t k)
{
    for (size_t i = 0; lab && i < k; i++) free(lab[i]);
    free(lab);
}

/* The influence panel: rstudent, dffits, cook.d, cov.r, tau2.del, QE.del, hat and weight per
 * study with reference lines at 0, 0, the median of chi-square(1), 1, the fit's tau2 and Q,
 * 1/k and 100/k (the values of a study that changes nothing); influential studies in red. */
static char *influence_plot(const sens_args *a, const msum_an_studies *s, const char *title,
                            const char **why)
{
    size_t k = s->k;
    msum_infl_row *inf = malloc(k * sizeof *inf);
    double *v = malloc(8 * k * sizeof *v);
    int *flag = malloc(k * sizeof *flag);
    msum_pool_result full;
    char *svg = NULL;
    int st = inf && v && flag ? msum_influence(s->yi, s->vi, k, &a->pool, inf) : MSUM_ENOMEM;
    if (st == MSUM_OK) st = msum_pool(s->yi, s->vi, k, &a->pool, &full);
    *why = msum_strerror(st);
    if (st == MSUM_OK) {
        msum_influence_panel_data d = {
            .title = title, .k = k, .labels = (const char *const *)s->label, .npanels = 8,
            .names = {"rstudent", "dffits", "cook.d", "cov.r", "tau2.del", "QE.del", "hat",
                      "weight"},
            .ref = {0, 0, 0.45493642311957283, 1, full.tau2, full.QE, 1.0 / (double)k,
                    100.0 / (double)k},
            .flag = flag};
        for (size_t i = 0; i < k; i++) {
            const msum_infl_row *w = &inf[i];
            double row[8] = {w->rstudent, w->dffits, w->cook_d, w->cov_r,
                             w->tau2_del, w->QE_del, w->hat, w->weight};
            for (size_t p = 0; p < 8; p++) v[p * k + i] = row[p];
            flag[i] = w->inf;
        }
        for (size_t p = 0; p < 8; p++) d.values[p] = v + p * k;
        svg = msum_an_svg_influence(&d);
        *why = "out of memory";
    }
    free(inf);
    free(v);
    free(flag);
    return svg;
}

/* The Baujat plot (common-effect fit, as Baujat et al. 2002), the leave-one-out forest plot
 * (one row per omitted study, the full fit's diamond below), the cumulative forest plot (one
 * row per step, labelled by the study added, in the order of the analysis; metafor
 * forest(cumul(res))) or the influence panel.  NULL when the analysis fails or memory runs out
 * (*why says which). */
static char *sens_plot(const sens_args *a, const msum_an_studies *s, const char *kind,
                       const char *title, const char **why)
{
    size_t k = s->k;
    char xlab[96];
    int log_scale = msum_an_studies_axis(s->measure, xlab, sizeof xlab);
    char *svg = NULL;
    *why = "out of memory";
    if (k < 2) {
        *why = "needs at least 2 studies";
        return NULL;
    }
    if (strcmp(kind, "influence") == 0) return influence_plot(a, s, title, why);
    if (strcmp(kind, "baujat") == 0) {
        msum_pool_opts fe = a->pool;
        fe.method = MSUM_EST_FE;
        fe.test = MSUM_TEST_Z;
        double *x = malloc(k * sizeof *x), *y = malloc(k * sizeof *y);
        char **lab = study_labels(s, "");
        int st = x && y && lab ? msum_baujat(s->yi, s->vi, k, &fe, x, y) : MSUM_ENOMEM;
        if (st == MSUM_OK) {
            msum_baujat_data d = {.title = title, .k = k, .labels = (const char *const *)lab,
                                  .x = x, .y = y};
            svg = msum_an_svg_baujat(&d);
        } else {
            *why = msum_strerror(st);
        }
        free(x);
        free(y);
        labels_free(lab, k);
        return svg;
    }
    msum_sens_row *rows = malloc(k * sizeof *rows);
    double *est = malloc(k * sizeof *est), *lb = malloc(k * sizeof *lb),
           *ub = malloc(k * sizeof *ub);
    int cumul = strcmp(kind, "cumul") == 0;
    char **lab = study_labels(s, cumul ? "+ " : "Omitting ");
    const char **rowlab = malloc(k * sizeof *rowlab);
    msum_pool_result full;
    /* above MSUM_FOREST_MAX_STUDIES the forest plot draws the summary row only */
    int rows_drawn = k <= MSUM_FOREST_MAX_STUDIES;
    int st = !(rows && est && lb && ub && lab && rowlab) ? MSUM_ENOMEM
             : !rows_drawn                               ? MSUM_OK
             : cumul ? msum_cumul(s->yi, s->vi, k, a->order ? s->key : NULL, a->decreasing,
                                  &a->pool, rows)
                     : msum_leave1out(s->yi, s->vi, k, &a->pool, rows);
    if (st == MSUM_OK) st = msum_pool(s->yi, s->vi, k, &a->pool, &full);
    if (st == MSUM_OK) {
        for (size_t i = 0; i < k; i++) {
            est[i] = rows_drawn ? rows[i].estimate : NAN;
            lb[i] = rows_drawn ? rows[i].ci_lb : NAN;
            ub[i] = rows_drawn ? rows[i].ci_ub : NAN;
            rowlab[i] = lab[rows_drawn ? rows[i].study : i];
        }
        char model[96];
        snprintf(model, sizeof model, "All %zu studies (%s)", k,
                 msum_estimator_name(full.method_used));
        msum_plot_pooled pooled = {.label = model, .est = full.estimate, .ci_lb = full.ci_lb,
                                   .ci_ub = full.ci_ub, .pi_lb = NAN, .pi_ub = NAN};
        msum_forest_data d = {.title = title, .xlab = xlab, .log_scale = log_scale,
                              .null_value = 0, .k = k, .labels = rowlab,
                              .yi = est, .ci_lb = lb, .ci_ub = ub, .pooled = &pooled,
                              .npooled = cumul ? 0 : 1}; /* cumul: the last row is the fit */
        svg = msum_an_svg_forest(&d);
    } else {
        *why = msum_strerror(st);
    }
    free(rows);
    free(est);
    free(lb);
    free(ub);
    free(rowlab);
    labels_free(lab, k);
    return svg;
}

/* The spec's settings; 0 after a spec error.  *which: the analyses to run (all three when
 * none is given). */
static int sens_args_of(const msum_spec *s, sens_args *a, int which[3], size_t *nwhich,
                        msum_diags *diags)
{
    memset(a, 0, sizeof *a);
    if (!msum_an_studies_fit(s, &a->measure, &a->pool, diags)) return 0;
    a->pool.qprofile = 0;
    a->decreasing = s->decreasing;
    a->order = msum_an_given(s->order) ? s->order : NULL;
    *nwhich = 0;
    if (!msum_an_given(s->analysis)) {
        for (int w = A_LEAVE1OUT; w <= A_INFLUENCE; w++) which[(*nwhich)++] = w;
    } else {
        which[(*nwhich)++] = strcmp(s->analysis, "cumul") == 0       ? A_CUMUL
                             : strcmp(s->analysis, "influence") == 0 ? A_INFLUENCE
                                                                     : A_LEAVE1OUT;
        if (a->order && which[0] != A_CUMUL) {
            msum_an_spec_error(diags, s, "order", "applies to analysis cumul only, found "
                               "analysis %s", s->analysis);
            return 0;
        }
    }
    return 1;
}

int msum_an_sensitivity(const msum_spec *spec, const char *path, msum_result *out,
                        msum_diags *diags)
{
    sens_args a;
    int which[3];
    size_t nwhich;
    if (!msum_an_check_plots(spec, PLOTS, diags) ||
        !sens_args_of(spec, &a, which, &nwhich, diags))
        return MSUM_EINVAL;
    if (msum_an_given(spec->plots) && msum_an_given(spec->by))
        return msum_an_spec_error(diags, spec, "plots",
                                  "the plot needs one group, not one per by group");
    msum_an_studies s;
    int st = msum_an_studies_read(spec, path, a.measure, a.pool.level, a.order, &s, diags);
    if (st != MSUM_OK) return st;
    out->k_skipped = s.skipped;
    for (size_t w = 0; st == MSUM_OK && w < nwhich; w++) {
        a.analysis = which[w];
        msum_table *t = NULL;
        st = sens_table(spec, &a, &s, &t, diags);
        if (st == MSUM_OK) st = msum_result_add_table(out, t);
    }
    const char *title = msum_an_given(spec->title) ? spec->title : spec->id;
    for (size_t p = 0; st == MSUM_OK && p < NPLOT_NAMES; p++) {
        if (!msum_an_list_has(spec->plots, plot_names[p])) continue;
        const char *why = NULL;
        char *svg = sens_plot(&a, &s, plot_names[p], title, &why);
        st = svg ? msum_result_add_plot(out, plot_names[p], svg)
                 : msum_an_studies_plot_error(diags, spec, &s, plot_names[p], why);
    }
    msum_an_studies_free(&s);
    return st;
}
