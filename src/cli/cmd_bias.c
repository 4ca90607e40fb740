/* metasum bias: publication bias of one set of effects, as metafor 3.8 regtest, ranktest,
 * trimfill and fsn; one row per test. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "metasum/bias.h"
#include "metasum/reader.h"
#include "metasum/render.h"
#include "analysis.h"
#include "studies.h"

void usage_bias(FILE *fp)
{
    fprintf(fp,
"About:   Publication bias tests as R's metafor: Egger-type regression test (regtest, with\n"
"         its limit estimate: PET with sei, PEESE with vi), Begg & Mazumdar's rank\n"
"         correlation test (ranktest), trim and fill (trimfill) and fail-safe N (fsn:\n"
"         Rosenthal, Orwin, Rosenberg).  One row per test; a test that is not defined for\n"
"         the data (k < 3, a constant predictor, ...) has NA numbers and says why (note).\n"
"Usage:   metasum bias [OPTIONS] FILE        (FILE '-' reads standard input)\n"
"\n"
"Options:\n"
"    -m, --method NAME   tau2 estimator of the fits [REML]: EE FE CE DL HE ML REML\n"
"                        (trimfill also HS SJ PM EB with --side given)\n"
"    -t, --test NAME     test of the regtest model [z]: z, t, knha, adhoc\n"
"    -l, --level X       confidence level, 0.95 or 95 [95]\n"
"        --measure M     effect measure for rows that allow several (MD, SMD, ROM, RR, OR, RD)\n"
"        --filter COL=VAL  only rows whose COL equals VAL\n"
"    -b, --by COL[,COL]  the tests per distinct value of these columns (first appearance\n"
"                        order); group columns come first in the output\n"
"        --model M       regtest model: rma (meta-regression) or lm (weighted least squares)\n"
"                        [rma]\n"
"        --predictor P   regtest predictor: sei, vi, ni, ninv, sqrtni, sqrtninv [sei]\n"
"        --estimator E   trimfill estimator: L0, R0, Q0 [L0]\n"
"        --side S        trimfill side of the missing studies: auto, left, right [auto]\n"
"        --alpha X       fsn significance level [0.05]\n"
"        --target X      fsn Orwin target effect [half the mean effect]\n"
"    -d, --digits N      significant digits, 0 = shortest exact [7]\n"
"    -f, --format F      csv, tsv, md, json, html [csv]\n"
"    -o, --output FILE   write there (atomically) instead of standard output\n"
"        --meta          CSV/TSV: leading '# key: value' lines with the settings\n"
"        --plot [NAME=]FILE  also draw a plot there (no --by): funnel_trimfill (the\n"
"                        funnel with the filled studies drawn open; the default),\n"
"                        funnel_contour (significance contours p < 0.10, 0.05, 0.01\n"
"                        around 0), funnel_egger (funnel_trimfill with the Egger line\n"
"                        yi = b0 + b1 sei of --model) or radial (Galbraith plot of the\n"
"                        --method fit); a FILE named funnel_contour*, funnel_egger* or\n"
"                        radial* needs no NAME=; the extension chooses SVG, PNG or PDF\n"
"                        (several --plot allowed)\n"
"\n"
"Output columns: group columns (--by), test, method, k, stat, df, pval, estimate\n"
"    (regtest: limit estimate; ranktest: Kendall's tau; trimfill: pooled estimate with the\n"
"    filled studies; fsn: mean effect), ci_lb, ci_ub, k0, se_k0, side, fsnum, note.\n"
"\n"
"Exit codes: 0 ok, 1 data errors, 2 usage, 3 I/O, 4 numerical failure.\n"
"\n"
"Examples:\n"
"    metasum bias --measure RR datasets/bcg/effects.csv\n"
"    metasum bias --measure RR --predictor vi --estimator R0 datasets/bcg/effects.csv\n"
"    metasum bias --measure RR --plot funnel_contour.png datasets/bcg/effects.csv\n");
}

typedef struct {
    msum_pool_opts pool;
    msum_measure measure;
    msum_reg_model model;
    msum_reg_predictor predictor;
    msum_tf_estimator estimator;
    msum_tf_side side;
    double alpha, target;
    const char *filter, *by, *output, *file;
    msum_write_opts wo;
    msum_format format;
    const char *plot[4]; /* --plot arguments */
    int nplot;
} bias_args;

static const char *const plot_names[] = {"funnel_trimfill", "funnel_contour", "radial",
                                         "funnel_egger"};
#define NPLOT_NAMES 4

/* The plot a --plot argument asks for ("NAME=FILE", else funnel_contour, funnel_egger or
 * radial for a file named so, else funnel_trimfill), with *file set to the file part. */
static const char *plot_kind(const char *arg, const char **file)
{
    *file = arg;
    for (size_t i = 0; i < NPLOT_NAMES; i++) {
        size_t n = strlen(plot_names[i]);
        if (strncmp(arg, plot_names[i], n) == 0 && arg[n] == '=') {
            *file = arg + n + 1;
            return plot_names[i];
        }
    }
    const char *base = strrchr(arg, '/');
    base = base ? base + 1 : arg;
    if (strncmp(base, "radial", 6) == 0) return plot_names[2];
    if (strncmp(base, "funnel_egger", 12) == 0) return plot_names[3];
    return strncmp(base, "funnel_contour", 14) == 0 ? plot_names[1] : plot_names[0];
}

static void args_init(bias_args *a)
{
    static const msum_pool_opts po = MSUM_POOL_OPTS_DEFAULT;
    static const msum_write_opts wo = MSUM_WRITE_OPTS_DEFAULT;
    memset(a, 0, sizeof *a);
    a->pool = po;
    a->wo = wo;
    a->wo.meta = 0;
    a->alpha = 0.05;
    a->target = NAN;
    a->output = "-";
}

static int parse_args(int argc, char **argv, bias_args *a)
{
    args_init(a);
    for (int i = 1; i < argc; i++) {
        const char *v, *arg = argv[i];
        int r;
        if ((r = cli_opt("bias", argc, argv, &i, "--method", "-m", &v)) != 0) {
            if (r < 0 || msum_estimator_parse(v, &a->pool.method) != MSUM_OK)
                return r < 0 ? 0 : (cli_error("bias", "--method: found '%s', expected one of "
                                              "EE, FE, CE, DL, HE, HS, SJ, ML, REML, PM, EB", v),
                                    0);
        } else if ((r = cli_opt("bias", argc, argv, &i, "--test", "-t", &v)) != 0) {
            if (r < 0 || msum_test_parse(v, &a->pool.test) != MSUM_OK)
                return r < 0 ? 0 : (cli_error("bias", "--test: found '%s', expected z, t, knha "
                                              "or adhoc", v), 0);
        } else if ((r = cli_opt("bias", argc, argv, &i, "--level", "-l", &v)) != 0) {
            if (r < 0 || !cli_opt_level("bias", "--level", v, &a->pool.level)) return 0;
        } else if ((r = cli_opt("bias", argc, argv, &i, "--measure", NULL, &v)) != 0) {
            if (r < 0) return 0;
            if (!msum_measure_parse(v, &a->measure) || a->measure == MSUM_MEASURE_NONE) {
                cli_error("bias", "--measure: found '%s', expected one of MD, SMD, ROM, RR, "
                          "OR, RD, ZCOR, GEN", v);
                return 0;
            }
        } else if ((r = cli_opt("bias", argc, argv, &i, "--filter", NULL, &v)) != 0) {
            if (r < 0) return 0;
            a->filter = v;
        } else if ((r = cli_opt("bias", argc, argv, &i, "--by", "-b", &v)) != 0) {
            if (r < 0) return 0;
            if (!*v) return cli_error("bias", "--by: expected column names, found nothing"), 0;
            a->by = v;
        } else if ((r = cli_opt("bias", argc, argv, &i, "--model", NULL, &v)) != 0) {
            if (r < 0) return 0;
            if (strcmp(v, "rma") == 0) a->model = MSUM_REG_RMA;
            else if (strcmp(v, "lm") == 0) a->model = MSUM_REG_LM;
            else return cli_error("bias", "--model: found '%s', expected rma or lm", v), 0;
        } else if ((r = cli_opt("bias", argc, argv, &i, "--predictor", NULL, &v)) != 0) {
            if (r < 0 || msum_reg_predictor_parse(v, &a->predictor) != MSUM_OK)
                return r < 0 ? 0 : (cli_error("bias", "--predictor: found '%s', expected sei, "
                                              "vi, ni, ninv, sqrtni or sqrtninv", v), 0);
        } else if ((r = cli_opt("bias", argc, argv, &i, "--estimator", NULL, &v)) != 0) {
            if (r < 0 || msum_tf_estimator_parse(v, &a->estimator) != MSUM_OK)
                return r < 0 ? 0 : (cli_error("bias", "--estimator: found '%s', expected L0, "
                                              "R0 or Q0", v), 0);
        } else if ((r = cli_opt("bias", argc, argv, &i, "--side", NULL, &v)) != 0) {
            if (r < 0) return 0;
            if (strcmp(v, "auto") == 0) a->side = MSUM_TF_SIDE_AUTO;
            else if (strcmp(v, "left") == 0) a->side = MSUM_TF_SIDE_LEFT;
            else if (strcmp(v, "right") == 0) a->side = MSUM_TF_SIDE_RIGHT;
            else return cli_error("bias", "--side: found '%s', expected auto, left or right",
                                  v), 0;
        } else if ((r = cli_opt("bias", argc, argv, &i, "--alpha", NULL, &v)) != 0) {
            if (r < 0) return 0;
            if (msum_parse_double(v, strlen(v), &a->alpha) != 1 ||
                !(a->alpha > 0 && a->alpha < 1))
                return cli_error("bias", "--alpha: found '%s', expected a number in (0, 1)",
                                 v), 0;
        } else if ((r = cli_opt("bias", argc, argv, &i, "--target", NULL, &v)) != 0) {
            if (r < 0) return 0;
            if (msum_parse_double(v, strlen(v), &a->target) != 1)
                return cli_error("bias", "--target: found '%s', expected a number", v), 0;
        } else if ((r = cli_opt("bias", argc, argv, &i, "--digits", "-d", &v)) != 0) {
            if (r < 0 || !cli_opt_digits("bias", v, &a->wo.digits)) return 0;
        } else if ((r = cli_opt("bias", argc, argv, &i, "--format", "-f", &v)) != 0) {
            if (r < 0 || !cli_opt_format("bias", v, &a->format)) return 0;
        } else if ((r = cli_opt("bias", argc, argv, &i, "--output", "-o", &v)) != 0) {
            if (r < 0) return 0;
            a->output = v;
        } else if ((r = cli_opt("bias", argc, argv, &i, "--plot", NULL, &v)) != 0) {
            if (r < 0) return 0;
            const char *file;
            msum_render_format f;
            plot_kind(v, &file);
            if (msum_render_format_of(file, &f) != MSUM_OK)
                return cli_error("bias", "--plot: found '%s', expected [funnel_trimfill=|"
                                 "funnel_contour=|funnel_egger=|radial=]FILE ending in .svg, "
                                 ".png or .pdf", v), 0;
            if (a->nplot == (int)(sizeof a->plot / sizeof *a->plot))
                return cli_error("bias", "--plot: at most %zu plots",
                                 sizeof a->plot / sizeof *a->plot), 0;
            a->plot[a->nplot++] = v;
        } else if (strcmp(arg, "--meta") == 0) {
            a->wo.meta = 1;
        } else if (arg[0] == '-' && arg[1] != '\0') {
            cli_error("bias", "unknown option '%s' (see 'metasum bias --help')", arg);
            return 0;
        } else if (a->file) {
            cli_error("bias", "one input file expected, found '%s' and '%s'", a->file, arg);
            return 0;
        } else {
            a->file = arg;
        }
    }
    if (!a->file) {
        cli_error("bias", "no input file (see 'metasum bias --help')");
        return 0;
    }
    return 1;
}

static const struct {
    const char *name;
    msum_coltype type;
    const char *desc;
} cols[] = {
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

static long add_row(msum_table *t, const cli_studies *s, const char *test, const char *method)
{
    long r = msum_table_add_row(t);
    if (r >= 0) {
        if (s->k) cli_studies_set_group(s, 0, t, (size_t)r, 0);
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

static int fill_table(const bias_args *a, const cli_studies *s, msum_table *t)
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
                                         "REML (give --side)"
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

/* The bias table of the studies (one block of rows per --by group), with its settings as
 * metadata; NULL after saying why (*rc: the exit code). */
static msum_table *bias_table(const bias_args *a, const cli_studies *s, const char *input,
                              int *rc)
{
    size_t *order = NULL, *start = NULL, ng = 0;
    msum_table *t = msum_table_new("bias", "Publication bias");
    int ok = t != NULL && cli_studies_groups(s, &order, &start, &ng);
    *rc = EXIT_OK;
    for (size_t i = 0; ok && i < s->nby; i++)
        ok = msum_table_add_col(t, s->by[i], MSUM_COL_TEXT, "group column (--by)") >= 0;
    for (size_t i = 0; ok && i < sizeof cols / sizeof cols[0]; i++) {
        if (msum_table_col_index(t, cols[i].name) >= 0) {
            cli_error("bias", "--by: column '%s' is also an output column", cols[i].name);
            *rc = EXIT_USAGE;
            ok = 0;
            break;
        }
        ok = msum_table_add_col(t, cols[i].name, cols[i].type, cols[i].desc) >= 0;
    }
    for (size_t g = 0; ok && g < ng; g++) {
        cli_studies v;
        ok = cli_studies_view(s, order + start[g], start[g + 1] - start[g], &v);
        if (ok) ok = fill_table(a, &v, t) == MSUM_OK;
        cli_studies_free(&v);
    }
    free(order);
    free(start);
    if (!ok) {
        if (*rc == EXIT_OK) {
            cli_error("bias", "out of memory");
            *rc = EXIT_NUMERICAL;
        }
        msum_table_free(t);
        return NULL;
    }
    char lv[32];
    msum_table_set_meta(t, "estimator", msum_estimator_name(a->pool.method));
    msum_table_set_meta(t, "test", msum_test_name(a->pool.test));
    msum_fmt_num(a->pool.level, 0, lv, sizeof lv);
    msum_table_set_meta(t, "level", lv);
    msum_table_set_meta(t, "measure", msum_measure_name(s->measure));
    msum_table_set_meta(t, "input", input);
    return t;
}

/* A funnel plot of the studies: with trim and fill's filled studies (open) around the
 * estimate on the filled data, or the contour-enhanced funnel around 0.  NULL when the plot
 * cannot be drawn (*why says why: trim and fill not defined, out of memory). */
static char *funnel_plot(const bias_args *a, const cli_studies *s, const char *kind,
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
        char *svg = analysis_svg_radial(&d);
        *why = "out of memory";
        return svg;
    }
    char xlab[96];
    msum_bias_funnel_data d = {.title = title, .xlab = xlab, .k = k, .yi = s->yi, .est = NAN};
    d.log_scale = cli_studies_axis(s->measure, xlab, sizeof xlab);
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
        svg = analysis_svg_bias_funnel(&d);
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
                /* Egger's regression on sei (the observed studies), with --model and --method */
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
            if (sef) svg = analysis_svg_bias_funnel(&d);
        } else {
            *why = st == MSUM_EDOM ? tf.reason : msum_strerror(st);
            if (st == MSUM_EINVAL) *why = "the automatic side needs EE, FE, CE, DL, HE, ML or "
                                          "REML (give --side)";
        }
    }
    if (have_tf) msum_trimfill_result_free(&tf);
    free(sei);
    free(sef);
    return svg;
}

static int write_plots(const bias_args *a, const cli_studies *s)
{
    for (int p = 0; p < a->nplot; p++) {
        const char *file, *kind = plot_kind(a->plot[p], &file), *why;
        if (s->nby) {
            cli_error("bias", "--plot %s: a funnel plot needs one group (drop --by)", a->plot[p]);
            return EXIT_USAGE;
        }
        char *svg = funnel_plot(a, s, kind, NULL, &why);
        if (!svg) {
            cli_error("bias", "--plot %s: %s", a->plot[p], why);
            return EXIT_DATA;
        }
        int st = msum_render_file(svg, strlen(svg), file);
        free(svg);
        if (st != MSUM_OK) {
            cli_error("bias", "cannot write %s: %s", file, msum_strerror(st));
            return st == MSUM_ENOMEM ? EXIT_NUMERICAL : EXIT_IO;
        }
    }
    return EXIT_OK;
}

int cmd_bias(int argc, char **argv)
{
    bias_args a;
    if (!parse_args(argc, argv, &a)) return EXIT_USAGE;
    cli_studies s;
    int rc = cli_studies_read("bias", a.file, a.filter, a.measure, a.pool.level, NULL, a.by, &s);
    if (rc != EXIT_OK) return rc;
    msum_table *t = bias_table(&a, &s, a.file, &rc);
    if (t) {
        const msum_table *ts[] = {t};
        if (msum_write_file(a.output, ts, 1, a.format, &a.wo) != MSUM_OK) {
            cli_error("bias", "cannot write %s",
                      strcmp(a.output, "-") == 0 ? "standard output" : a.output);
            rc = EXIT_IO;
        }
    }
    if (rc == EXIT_OK) rc = write_plots(&a, &s);
    msum_table_free(t);
    cli_studies_free(&s);
    return rc;
}

/* ---- as a report analysis ---------------------------------------------------------------- */

int analysis_bias(const analysis_spec *spec, const char *path, analysis_output *out,
                  msum_diags *diags)
{
    bias_args a;
    args_init(&a);
    int st0 = cli_studies_spec(spec, "bias", plot_names, NPLOT_NAMES,
                               "funnel_trimfill, funnel_contour, funnel_egger or radial",
                               &a.measure, &a.pool, diags);
    if (st0 != MSUM_OK) return st0;
    char *bylist = *spec->by ? analysis_list(spec->by) : NULL;
    cli_studies s;
    int rc = cli_studies_read("report", path, spec->filter, a.measure, a.pool.level, NULL,
                              bylist, &s);
    free(bylist);
    if (rc != EXIT_OK) return analysis_status(rc);
    msum_table *t = bias_table(&a, &s, spec->dataset, &rc);
    int st = t ? analysis_add_table(out, t) : analysis_status(rc);
    const char *title = *spec->title ? spec->title : spec->id;
    for (size_t p = 0; st == MSUM_OK && p < NPLOT_NAMES; p++) {
        if (!analysis_list_has(spec->plots, plot_names[p])) continue;
        const char *why = NULL;
        char *svg = s.nby ? NULL : funnel_plot(&a, &s, plot_names[p], title, &why);
        if (svg) {
            st = analysis_add_plot(out, plot_names[p], svg);
        } else {
            msum_diags_add(diags, MSUM_DIAG_ERROR, spec->manifest, spec->line, 0, "plots",
                           "%s: %s", plot_names[p],
                           s.nby ? "a funnel plot needs one group (no 'by')" : why);
            st = MSUM_EDATA;
        }
    }
    cli_studies_free(&s);
    return st;
}
