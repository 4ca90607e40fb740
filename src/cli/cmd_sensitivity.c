/* metasum sensitivity: leave-one-out, cumulative and influence analyses of one set of effects,
 * as metafor 3.8 leave1out, cumul and influence (with rstandard); one row per study. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "analysis.h"
#include "metasum/render.h"
#include "metasum/sensitivity.h"
#include "studies.h"

void usage_sensitivity(FILE *fp)
{
    fprintf(fp,
"About:   Sensitivity of a pooled estimate as R's metafor: leave-one-out (each study\n"
"         omitted in turn), cumulative (studies added in input order or by a column) and\n"
"         case-deletion influence diagnostics (externally studentised residuals, DFFITS,\n"
"         Cook's distance, covariance ratio, tau2 and QE without the study, hat, weight,\n"
"         DFBETAS and metafor's 'influential' flag), fast at any k.\n"
"Usage:   metasum sensitivity [OPTIONS] FILE   (FILE '-' reads standard input)\n"
"\n"
"Options:\n"
"    -a, --analysis A    leave1out, cumul or influence [leave1out]\n"
"    -m, --method NAME   tau2 estimator [REML]: EE FE CE DL HE HS SJ ML REML PM EB\n"
"    -t, --test NAME     test and CI of each estimate [z]: z, t, knha, adhoc\n"
"    -l, --level X       confidence level, 0.95 or 95 [95]\n"
"        --measure M     effect measure for rows that allow several (MD, SMD, ROM, RR, OR, RD)\n"
"        --filter COL=VAL  only rows whose COL equals VAL\n"
"    -b, --by COL[,COL]  the analysis per distinct value of these columns (first appearance\n"
"                        order); group columns come first in the output\n"
"        --order COL     cumul: add the studies in increasing order of this numeric column\n"
"                        (ties in input order) [input order]\n"
"        --decreasing    cumul: decreasing order of --order\n"
"    -d, --digits N      significant digits, 0 = shortest exact [7]\n"
"    -f, --format F      csv, tsv, md, json, html [csv]\n"
"    -o, --output FILE   write there (atomically) instead of standard output\n"
"        --meta          CSV/TSV: leading '# key: value' lines with the settings\n"
"        --plot [NAME=]FILE  also draw a plot there (no --by): leave1out (a forest plot of\n"
"                        the estimates without each study; the default), cumul (a\n"
"                        forest plot of the cumulative estimates, in --order), influence\n"
"                        (a panel of the influence diagnostics per study, influential ones\n"
"                        in red, as metafor's plot(influence(res))) or baujat\n"
"                        (contribution to Q against influence on the common-effect\n"
"                        estimate, as metafor's baujat on an FE fit); a FILE named\n"
"                        baujat*, cumul* or influence* needs no NAME=; the extension\n"
"                        chooses SVG, PNG or PDF\n"
"\n"
"Output columns: group columns (--by), line, id (the id, study or author column), then\n"
"    leave1out/cumul: k, estimate, se, stat, pval, ci_lb, ci_ub, Q, Q_p, tau2, I2, H2;\n"
"    influence: rstudent, resid, resid_se, rstandard, dffits, cook_d, cov_r, tau2_del,\n"
"    QE_del, hat, weight, dfbetas, inf (1 = influential); then fallback (why a refit used\n"
"    another estimator than asked, if one did).\n"
"\n"
"Exit codes: 0 ok, 1 data errors, 2 usage, 3 I/O, 4 numerical failure.\n"
"\n"
"Examples:\n"
"    metasum sensitivity --measure RR datasets/bcg/effects.csv\n"
"    metasum sensitivity -a cumul --order year --measure RR datasets/bcg/effects.csv\n"
"    metasum sensitivity -a influence --measure RR datasets/bcg/effects.csv\n"
"    metasum sensitivity --measure RR --plot baujat.svg datasets/bcg/effects.csv\n");
}

enum { A_LEAVE1OUT, A_CUMUL, A_INFLUENCE };

typedef struct {
    msum_pool_opts pool;
    msum_measure measure;
    int analysis, decreasing;
    const char *filter, *order, *by, *output, *file;
    msum_write_opts wo;
    msum_format format;
    const char *plot[4]; /* --plot arguments */
    int nplot;
} sens_args;

static const char *const plot_names[] = {"leave1out", "baujat", "cumul", "influence"};
#define NPLOT_NAMES 4

/* The plot a --plot argument asks for ("NAME=FILE", else baujat, cumul or influence for a file
 * named so, else leave1out), with *file set to the file part. */
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
    if (strncmp(base, "cumul", 5) == 0) return plot_names[2];
    if (strncmp(base, "influence", 9) == 0) return plot_names[3];
    return strncmp(base, "baujat", 6) == 0 ? plot_names[1] : plot_names[0];
}

static void args_init(sens_args *a)
{
    static const msum_pool_opts po = MSUM_POOL_OPTS_DEFAULT;
    static const msum_write_opts wo = MSUM_WRITE_OPTS_DEFAULT;
    memset(a, 0, sizeof *a);
    a->pool = po;
    a->pool.qprofile = 0;
    a->wo = wo;
    a->wo.meta = 0;
    a->output = "-";
}

static int parse_args(int argc, char **argv, sens_args *a)
{
    const char *cmd = "sensitivity";
    args_init(a);
    for (int i = 1; i < argc; i++) {
        const char *v, *arg = argv[i];
        int r;
        if ((r = cli_opt(cmd, argc, argv, &i, "--analysis", "-a", &v)) != 0) {
            if (r < 0) return 0;
            if (strcmp(v, "leave1out") == 0) a->analysis = A_LEAVE1OUT;
            else if (strcmp(v, "cumul") == 0) a->analysis = A_CUMUL;
            else if (strcmp(v, "influence") == 0) a->analysis = A_INFLUENCE;
            else return cli_error(cmd, "--analysis: found '%s', expected leave1out, cumul or "
                                  "influence", v), 0;
        } else if ((r = cli_opt(cmd, argc, argv, &i, "--method", "-m", &v)) != 0) {
            if (r < 0) return 0;
            if (msum_estimator_parse(v, &a->pool.method) != MSUM_OK)
                return cli_error(cmd, "--method: found '%s', expected one of EE, FE, CE, DL, "
                                 "HE, HS, SJ, ML, REML, PM, EB", v), 0;
        } else if ((r = cli_opt(cmd, argc, argv, &i, "--test", "-t", &v)) != 0) {
            if (r < 0) return 0;
            if (msum_test_parse(v, &a->pool.test) != MSUM_OK)
                return cli_error(cmd, "--test: found '%s', expected z, t, knha or adhoc", v), 0;
        } else if ((r = cli_opt(cmd, argc, argv, &i, "--level", "-l", &v)) != 0) {
            if (r < 0 || !cli_opt_level(cmd, "--level", v, &a->pool.level)) return 0;
        } else if ((r = cli_opt(cmd, argc, argv, &i, "--measure", NULL, &v)) != 0) {
            if (r < 0) return 0;
            if (!msum_measure_parse(v, &a->measure) || a->measure == MSUM_MEASURE_NONE)
                return cli_error(cmd, "--measure: found '%s', expected one of MD, SMD, ROM, "
                                 "RR, OR, RD, ZCOR, GEN", v), 0;
        } else if ((r = cli_opt(cmd, argc, argv, &i, "--filter", NULL, &v)) != 0) {
            if (r < 0) return 0;
            a->filter = v;
        } else if ((r = cli_opt(cmd, argc, argv, &i, "--by", "-b", &v)) != 0) {
            if (r < 0) return 0;
            if (!*v) return cli_error(cmd, "--by: expected column names, found nothing"), 0;
            a->by = v;
        } else if ((r = cli_opt(cmd, argc, argv, &i, "--order", NULL, &v)) != 0) {
            if (r < 0) return 0;
            a->order = v;
        } else if ((r = cli_opt(cmd, argc, argv, &i, "--digits", "-d", &v)) != 0) {
            if (r < 0 || !cli_opt_digits(cmd, v, &a->wo.digits)) return 0;
        } else if ((r = cli_opt(cmd, argc, argv, &i, "--format", "-f", &v)) != 0) {
            if (r < 0 || !cli_opt_format(cmd, v, &a->format)) return 0;
        } else if ((r = cli_opt(cmd, argc, argv, &i, "--output", "-o", &v)) != 0) {
            if (r < 0) return 0;
            a->output = v;
        } else if ((r = cli_opt(cmd, argc, argv, &i, "--plot", NULL, &v)) != 0) {
            if (r < 0) return 0;
            const char *file;
            msum_render_format f;
            plot_kind(v, &file);
            if (msum_render_format_of(file, &f) != MSUM_OK)
                return cli_error(cmd, "--plot: found '%s', expected [leave1out=|cumul=|influence=|"
                                 "baujat=]FILE "
                                 "ending in .svg, .png or .pdf", v), 0;
            if (a->nplot == (int)(sizeof a->plot / sizeof *a->plot))
                return cli_error(cmd, "--plot: at most %zu plots",
                                 sizeof a->plot / sizeof *a->plot), 0;
            a->plot[a->nplot++] = v;
        } else if (strcmp(arg, "--decreasing") == 0) {
            a->decreasing = 1;
        } else if (strcmp(arg, "--meta") == 0) {
            a->wo.meta = 1;
        } else if (arg[0] == '-' && arg[1] != '\0') {
            cli_error(cmd, "unknown option '%s' (see 'metasum sensitivity --help')", arg);
            return 0;
        } else if (a->file) {
            cli_error(cmd, "one input file expected, found '%s' and '%s'", a->file, arg);
            return 0;
        } else {
            a->file = arg;
        }
    }
    if (!a->file) {
        cli_error(cmd, "no input file (see 'metasum sensitivity --help')");
        return 0;
    }
    if (a->order && a->analysis != A_CUMUL)
        return cli_error(cmd, "--order applies to --analysis cumul only"), 0;
    return 1;
}

typedef struct {
    const char *name;
    msum_coltype type;
    const char *desc;
} coldef;

static const coldef refit_cols[] = {
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

static const coldef infl_cols[] = {
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

static msum_table *new_table(const sens_args *a, const cli_studies *s)
{
    static const char *const names[] = {"leave1out", "cumul", "influence"};
    static const char *const titles[] = {"Leave-one-out analysis", "Cumulative meta-analysis",
                                         "Influence diagnostics"};
    msum_table *t = msum_table_new(names[a->analysis], titles[a->analysis]);
    if (!t) return NULL;
    const coldef *c = a->analysis == A_INFLUENCE ? infl_cols : refit_cols;
    size_t n = a->analysis == A_INFLUENCE ? sizeof infl_cols / sizeof infl_cols[0]
                                          : sizeof refit_cols / sizeof refit_cols[0];
    int ok = 1;
    for (size_t i = 0; ok && i < s->nby; i++)
        ok = msum_table_add_col(t, s->by[i], MSUM_COL_TEXT, "group column (--by)") >= 0;
    for (size_t i = 0; ok && i < n; i++)
        if (msum_table_col_index(t, c[i].name) >= 0 ||
            msum_table_col_index(t, "line") >= 0 || msum_table_col_index(t, "id") >= 0) {
            cli_error("sensitivity", "--by: a group column is also an output column");
            msum_table_free(t);
            return NULL;
        }
    ok = ok && msum_table_add_col(t, "line", MSUM_COL_INT, "input line of the study") >= 0 &&
             msum_table_add_col(t, "id", MSUM_COL_TEXT,
                                a->analysis == A_CUMUL ? "study added last"
                                                       : "study omitted / diagnosed") >= 0;
    for (size_t i = 0; ok && i < n; i++)
        ok = msum_table_add_col(t, c[i].name, c[i].type, c[i].desc) >= 0;
    if (!ok || msum_table_reserve(t, 0) != MSUM_OK) {
        msum_table_free(t);
        return NULL;
    }
    return t;
}

static long study_row(msum_table *t, const cli_studies *s, size_t i)
{
    long r = msum_table_add_row(t);
    if (r < 0) return r;
    cli_studies_set_group(s, i, t, (size_t)r, 0);
    msum_table_set_num(t, (size_t)r, s->nby, (double)s->line[i]);
    if (s->label) msum_table_set_text(t, (size_t)r, s->nby + 1, s->label[i]);
    return r;
}

static void set_nums(msum_table *t, const cli_studies *s, long r, const double *v, size_t n)
{
    for (size_t j = 0; j < n; j++) msum_table_set_num(t, (size_t)r, s->nby + j + 2, v[j]);
}

static void set_fallback(msum_table *t, long r, const char *why)
{
    int c = msum_table_col_index(t, "fallback");
    if (c >= 0 && why && *why) msum_table_set_text(t, (size_t)r, (size_t)c, why);
}

static int run(const sens_args *a, const cli_studies *s, msum_table *t)
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

/* The table of analysis a->analysis over every group, with its settings as metadata; NULL
 * after saying why (*rc: the exit code). */
static msum_table *sens_table(const sens_args *a, const cli_studies *s, const char *input,
                              int *rc)
{
    msum_table *t = NULL;
    size_t *order = NULL, *start = NULL, ng = 0;
    *rc = EXIT_OK;
    if (!cli_studies_groups(s, &order, &start, &ng)) {
        *rc = EXIT_NUMERICAL;
        return NULL;
    }
    for (size_t g = 0; g < ng; g++) {
        size_t n = start[g + 1] - start[g];
        if (n < 2 && a->analysis != A_CUMUL) {
            cli_error("sensitivity", "%s: %s needs at least 2 studies%s, found %zu%s",
                      input, a->analysis == A_INFLUENCE ? "influence" : "leave1out",
                      s->nby ? " per group" : "", n, s->nby ? " in a group" : "");
            *rc = EXIT_DATA;
            goto out;
        }
    }
    t = new_table(a, s);
    if (!t) {
        *rc = s->nby ? EXIT_USAGE : EXIT_NUMERICAL;
        goto out;
    }
    for (size_t g = 0; g < ng; g++) {
        cli_studies v;
        int st = cli_studies_view(s, order + start[g], start[g + 1] - start[g], &v)
                     ? run(a, &v, t)
                     : MSUM_ENOMEM;
        cli_studies_free(&v);
        if (st != MSUM_OK) {
            cli_error("sensitivity", "%s: %s", input, msum_strerror(st));
            *rc = st == MSUM_EDATA ? EXIT_DATA : EXIT_NUMERICAL;
            msum_table_free(t);
            t = NULL;
            goto out;
        }
    }
    char lv[32];
    msum_table_set_meta(t, "estimator", msum_estimator_name(a->pool.method));
    msum_table_set_meta(t, "test", msum_test_name(a->pool.test));
    msum_fmt_num(a->pool.level, 0, lv, sizeof lv);
    msum_table_set_meta(t, "level", lv);
    msum_table_set_meta(t, "measure", msum_measure_name(s->measure));
    msum_table_set_meta(t, "input", input);
    if (a->order) msum_table_set_meta(t, "order", a->order);
out:
    free(order);
    free(start);
    return t;
}

/* Study labels of a plot: the id/study/author column, else the input line. */
static char **study_labels(const cli_studies *s, const char *prefix)
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

/* The Baujat plot (common-effect fit, as Baujat et al. 2002), the leave-one-out forest plot
 * (one row per omitted study, the full fit's diamond below) or the cumulative forest plot (one
 * row per step, labelled by the study added, in the --order of the analysis; metafor
 * forest(cumul(res))).  NULL when the analysis fails or
 * memory runs out (*why says which). */
/* The influence panel: rstudent, dffits, cook.d, cov.r, tau2.del, QE.del, hat and weight per
 * study with reference lines at 0, 0, the median of chi-square(1), 1, the fit's tau2 and Q,
 * 1/k and 100/k (the values of a study that changes nothing); influential studies in red. */
static char *influence_plot(const sens_args *a, const cli_studies *s, const char *title,
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
        svg = analysis_svg_influence(&d);
        *why = "out of memory";
    }
    free(inf);
    free(v);
    free(flag);
    return svg;
}

static char *sens_plot(const sens_args *a, const cli_studies *s, const char *kind,
                       const char *title, const char **why)
{
    size_t k = s->k;
    char xlab[96];
    int log_scale = cli_studies_axis(s->measure, xlab, sizeof xlab);
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
            svg = analysis_svg_baujat(&d);
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
        svg = analysis_svg_forest(&d);
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

static int write_plots(const sens_args *a, const cli_studies *s)
{
    for (int p = 0; p < a->nplot; p++) {
        const char *file, *kind = plot_kind(a->plot[p], &file), *why;
        if (s->nby) {
            cli_error("sensitivity", "--plot %s: the plot needs one group (drop --by)",
                      a->plot[p]);
            return EXIT_USAGE;
        }
        char *svg = sens_plot(a, s, kind, NULL, &why);
        if (!svg) {
            cli_error("sensitivity", "--plot %s: %s", a->plot[p], why);
            return EXIT_NUMERICAL;
        }
        int st = msum_render_file(svg, strlen(svg), file);
        free(svg);
        if (st != MSUM_OK) {
            cli_error("sensitivity", "cannot write %s: %s", file, msum_strerror(st));
            return st == MSUM_ENOMEM ? EXIT_NUMERICAL : EXIT_IO;
        }
    }
    return EXIT_OK;
}

int cmd_sensitivity(int argc, char **argv)
{
    sens_args a;
    if (!parse_args(argc, argv, &a)) return EXIT_USAGE;
    cli_studies s;
    int rc = cli_studies_read("sensitivity", a.file, a.filter, a.measure, a.pool.level,
                              a.order, a.by, &s);
    if (rc != EXIT_OK) return rc;
    msum_table *t = sens_table(&a, &s, a.file, &rc);
    if (t) {
        const msum_table *ts[] = {t};
        if (msum_write_file(a.output, ts, 1, a.format, &a.wo) != MSUM_OK) {
            cli_error("sensitivity", "cannot write %s",
                      strcmp(a.output, "-") == 0 ? "standard output" : a.output);
            rc = EXIT_IO;
        }
    }
    if (rc == EXIT_OK) rc = write_plots(&a, &s);
    msum_table_free(t);
    cli_studies_free(&s);
    return rc;
}

/* ---- as a report analysis: leave1out, cumul (input order) and influence tables ---------- */

int analysis_sensitivity(const analysis_spec *spec, const char *path, analysis_output *out,
                         msum_diags *diags)
{
    sens_args a;
    args_init(&a);
    int st0 = cli_studies_spec(spec, "sensitivity", plot_names, NPLOT_NAMES,
                               "leave1out, cumul, influence or baujat", &a.measure, &a.pool, diags);
    if (st0 != MSUM_OK) return st0;
    char *bylist = *spec->by ? analysis_list(spec->by) : NULL;
    cli_studies s;
    int rc = cli_studies_read("report", path, spec->filter, a.measure, a.pool.level, NULL,
                              bylist, &s);
    free(bylist);
    if (rc != EXIT_OK) return analysis_status(rc);
    int st = MSUM_OK;
    static const int which[] = {A_LEAVE1OUT, A_CUMUL, A_INFLUENCE};
    for (size_t w = 0; st == MSUM_OK && w < 3; w++) {
        a.analysis = which[w];
        msum_table *t = sens_table(&a, &s, spec->dataset, &rc);
        st = t ? analysis_add_table(out, t) : analysis_status(rc);
    }
    const char *title = *spec->title ? spec->title : spec->id;
    for (size_t p = 0; st == MSUM_OK && p < NPLOT_NAMES; p++) {
        if (!analysis_list_has(spec->plots, plot_names[p])) continue;
        const char *why = NULL;
        char *svg = s.nby ? NULL : sens_plot(&a, &s, plot_names[p], title, &why);
        if (svg) {
            st = analysis_add_plot(out, plot_names[p], svg);
        } else {
            msum_diags_add(diags, MSUM_DIAG_ERROR, spec->manifest, spec->line, 0, "plots",
                           "%s: %s", plot_names[p],
                           s.nby ? "the plot needs one group (no 'by')" : why);
            st = MSUM_EDATA;
        }
    }
    cli_studies_free(&s);
    return st;
}
