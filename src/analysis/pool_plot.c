/* Kind "pool": the forest and funnel plots of the fits (metafor forest.rma / funnel.rma, RevMan
 * layout), with the study labels and arm data read again from the dataset. */
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metasum/dataset.h"
#include "metasum/dict.h"
#include "metasum/reader.h"
#include "metasum/subgroup.h"
#include "metasum/write.h"
#include "pool_int.h"

typedef pool_group group;
typedef pool_groups groups;
typedef pool_bycols bycols;

double msum_an_pool_pft_hm(const double *vi, size_t k)
{
    double s = 0;
    for (size_t i = 0; i < k; i++) s += 1 / ((1 / vi[i] - 2) / 4);
    return (double)k / s;
}

/* The natural-scale axis of a forest or funnel plot for a one-group measure that has a
 * back-transform (PLO, PAS, PFT, PLN, IRLN, IRS), else none. */
static msum_plot_transf plot_transf(msum_measure m, const double *vi, size_t k)
{
    msum_scale sc = msum_measure_scale(m);
    if (m < MSUM_MEASURE_PR || m > MSUM_MEASURE_IRFT || sc == MSUM_SCALE_NATURAL)
        return (msum_plot_transf){MSUM_MEASURE_NONE, NAN};
    return (msum_plot_transf){m, sc == MSUM_SCALE_FREEMAN_TUKEY ? msum_an_pool_pft_hm(vi, k)
                                                                : NAN};
}


/* What the plots show beside the numbers, read again from the dataset by input line: study
 * labels (the `study` column, else `author` with `year`), the arm data (events and totals, or
 * mean, SD and n per arm) and, when one value holds throughout, the arms' names and the
 * outcome's unit (column `scale` of outcomes.csv beside the dataset).  Lines increase with the
 * rows, so lookups bisect. */
typedef struct {
    size_t n;
    long *line;
    char **label;
    double *year;  /* the year column as a number (NaN: none), for sort = year */
    size_t ncols;  /* 0, 4 (counts) or 6 (continuous) */
    char **cells;  /* n * ncols texts */
    char *arm[2];  /* treatment, comparator; NULL when they vary or are missing */
    char *unit;    /* the outcome's unit, or NULL */
} study_info;

static void info_free(study_info *L)
{
    for (size_t i = 0; i < L->n; i++) free(L->label[i]);
    for (size_t i = 0; L->cells && i < L->n * L->ncols; i++) free(L->cells[i]);
    free(L->line);
    free(L->label);
    free(L->year);
    free(L->cells);
    free(L->arm[0]);
    free(L->arm[1]);
    free(L->unit);
}

/* The one value of column c throughout, or NULL (also for a missing column). */
static char *same_value(const msum_dataset *ds, int c)
{
    size_t n = msum_dataset_nrows(ds);
    if (c < 0 || n == 0) return NULL;
    const char *v = msum_dataset_cell(ds, 0, (size_t)c);
    for (size_t i = 1; i < n; i++)
        if (strcmp(msum_dataset_cell(ds, i, (size_t)c), v) != 0) return NULL;
    return *v ? strdup(v) : NULL;
}

/* Arm data of row i: events/total per arm (counts; a total is n1i/n2i or events + non-events)
 * or mean, SD, n per arm (continuous), as the dataset spells them.  Missing: "". */
static int arm_cells(const msum_dataset *ds, size_t i, size_t ncols, const int *c, char **out)
{
    for (size_t j = 0; j < ncols; j++) {
        char buf[64] = "";
        const char *v = c[j] >= 0 ? msum_dataset_cell(ds, i, (size_t)c[j]) : "";
        if (ncols == 4 && (j == 1 || j == 3)) { /* total: n, else events + non-events */
            const char *ev = c[j - 1] >= 0 ? msum_dataset_cell(ds, i, (size_t)c[j - 1]) : "";
            const char *n = c[4 + j / 2] >= 0 ? msum_dataset_cell(ds, i, (size_t)c[4 + j / 2]) : "";
            char *e1, *e2;
            double a = strtod(ev, &e1), b = strtod(v, &e2);
            if (*n) snprintf(buf, sizeof buf, "%s", n);
            else if (*ev && *v && !*e1 && !*e2) msum_fmt_num(a + b, 0, buf, sizeof buf);
            v = buf;
        }
        if (!(out[j] = strdup(v))) return MSUM_ENOMEM;
    }
    return MSUM_OK;
}

static void info_read(const char *path, const char *filter, const msum_read_opts *o,
                      study_info *L)
{
    memset(L, 0, sizeof *L);
    msum_diags *d = msum_diags_new();
    msum_dataset *ds = NULL;
    if (!d || msum_dataset_read_opts(path, filter, o, d, &ds) != MSUM_OK) goto out;
    /* any case, aliases and --col study=... / author=... / year=... (docs/columns.md) */
    int c_study = msum_dataset_role_col(ds, "study"),
        c_author = msum_dataset_role_col(ds, "author"), c_year = msum_dataset_role_col(ds, "year");
    size_t n = msum_dataset_nrows(ds);
    if (n == 0) goto out;
    /* arm columns: counts ai, bi, ci, di (+ n1i, n2i), or continuous m, sd, n per arm */
    static const char *const cnt[] = {"ai", "bi", "ci", "di", "n1i", "n2i"};
    static const char *const con[] = {"m1i", "sd1i", "n1i", "m2i", "sd2i", "n2i"};
    int cc[6];
    for (int j = 0; j < 6; j++) cc[j] = msum_dataset_role_col(ds, cnt[j]);
    if (cc[0] >= 0 && cc[2] >= 0 && (cc[1] >= 0 || cc[4] >= 0) && (cc[3] >= 0 || cc[5] >= 0)) {
        L->ncols = 4;
    } else {
        for (int j = 0; j < 6; j++) cc[j] = msum_dataset_role_col(ds, con[j]);
        L->ncols = 6;
        for (int j = 0; j < 6; j++)
            if (cc[j] < 0) L->ncols = 0;
    }
    L->line = malloc(n * sizeof *L->line);
    L->label = calloc(n, sizeof *L->label);
    L->year = malloc(n * sizeof *L->year);
    L->cells = L->ncols ? calloc(n * L->ncols, sizeof *L->cells) : NULL;
    if (!L->line || !L->label || !L->year || (L->ncols && !L->cells)) goto out;
    for (size_t i = 0; i < n; i++) {
        char buf[256] = "";
        if (c_study >= 0) snprintf(buf, sizeof buf, "%s", msum_dataset_cell(ds, i, c_study));
        else if (c_author >= 0 && c_year >= 0)
            snprintf(buf, sizeof buf, "%s %s", msum_dataset_cell(ds, i, c_author),
                     msum_dataset_cell(ds, i, c_year));
        else if (c_author >= 0) snprintf(buf, sizeof buf, "%s", msum_dataset_cell(ds, i, c_author));
        if (!(L->label[i] = strdup(buf))) break;
        const char *yr = c_year >= 0 ? msum_dataset_cell(ds, i, c_year) : "";
        if (msum_parse_double(yr, strlen(yr), &L->year[i]) != 1) L->year[i] = NAN;
        L->line[i] = msum_dataset_line(ds, i);
        L->n = i + 1;
        if (L->ncols && arm_cells(ds, i, L->ncols, cc, L->cells + i * L->ncols) != MSUM_OK) break;
    }
    L->arm[0] = same_value(ds, msum_dataset_col(ds, "treatment"));
    L->arm[1] = same_value(ds, msum_dataset_col(ds, "comparator"));
    char *outcome = same_value(ds, msum_dataset_col(ds, "outcome"));
    if (outcome) {
        /* the outcome dictionary beside the dataset */
        const char *slash = strrchr(path, '/');
        size_t dir = slash ? (size_t)(slash - path) + 1 : 0;
        char *dict_path = malloc(dir + sizeof "outcomes.csv");
        msum_dict *dict = NULL;
        msum_diags *dd = msum_diags_new();
        if (dict_path && dd) {
            memcpy(dict_path, path, dir);
            memcpy(dict_path + dir, "outcomes.csv", sizeof "outcomes.csv");
            if (msum_dict_read(dict_path, "outcome", dd, &dict) == MSUM_OK) {
                const char *u = msum_dict_get(dict, outcome, "scale");
                if (u && *u) L->unit = strdup(u);
            }
        }
        msum_dict_free(dict);
        msum_diags_free(dd);
        free(dict_path);
        free(outcome);
    }
out:
    msum_dataset_free(ds);
    msum_diags_free(d);
}

/* Row of a study in L by input line, or -1. */
static long info_find(const study_info *L, long line)
{
    size_t lo = 0, hi = L->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (L->line[mid] < line) lo = mid + 1;
        else hi = mid;
    }
    return lo < L->n && L->line[lo] == line ? (long)lo : -1;
}

/* The axis title: the measure on its natural scale, with the outcome's unit for a mean
 * difference. */
static void measure_axis(msum_measure m, const char *unit, char *buf, size_t size)
{
    static const char *const name[MSUM_MEASURE_COUNT_] = {
        [MSUM_MEASURE_MD] = "Mean difference", [MSUM_MEASURE_SMD] = "Standardised mean difference",
        [MSUM_MEASURE_ROM] = "Ratio of means", [MSUM_MEASURE_RR] = "Risk ratio",
        [MSUM_MEASURE_OR] = "Odds ratio",      [MSUM_MEASURE_RD] = "Risk difference",
        [MSUM_MEASURE_ZCOR] = "Correlation",   [MSUM_MEASURE_GEN] = "Estimate",
        [MSUM_MEASURE_PR] = "Proportion",      [MSUM_MEASURE_PLN] = "Proportion",
        [MSUM_MEASURE_PLO] = "Proportion",     [MSUM_MEASURE_PAS] = "Proportion",
        [MSUM_MEASURE_PFT] = "Proportion",     [MSUM_MEASURE_IR] = "Incidence rate",
        [MSUM_MEASURE_IRLN] = "Incidence rate", [MSUM_MEASURE_IRS] = "Incidence rate"};
    const char *s = (unsigned)m < MSUM_MEASURE_COUNT_ && name[m] ? name[m] : "Estimate";
    if (m == MSUM_MEASURE_MD && unit) snprintf(buf, size, "%s (%s)", s, unit);
    else if (msum_measure_scale(m) == MSUM_SCALE_LOG) snprintf(buf, size, "%s (log scale)", s);
    else snprintf(buf, size, "%s", s);
}

/* "Random effects (REML), z test", "Common effect, z test", "Random effects (PM; REML did
 * not converge), Knapp-Hartung t test". */
static void model_label(const msum_pool_result *r, const char *prefix, char *buf, size_t size)
{
    char model[96];
    const char *est = msum_estimator_name(r->method_used);
    if (msum_estimator_is_fixed(r->method_used))
        snprintf(model, sizeof model, "%s", r->method_used == MSUM_EST_EE   ? "Equal effects"
                                            : r->method_used == MSUM_EST_FE ? "Fixed effect"
                                                                            : "Common effect");
    else if (r->method_used != r->method)
        snprintf(model, sizeof model, "Random effects (%s; %s did not converge)", est,
                 msum_estimator_name(r->method));
    else
        snprintf(model, sizeof model, "Random effects (%s)", est);
    const char *test = r->test == MSUM_TEST_Z      ? "z test"
                       : r->test == MSUM_TEST_T    ? "t test"
                       : r->test == MSUM_TEST_KNHA ? "Knapp\xe2\x80\x93Hartung t test"
                                                   : "Knapp\xe2\x80\x93Hartung t test (ad hoc)";
    snprintf(buf, size, "%s%s, %s", prefix, model, test);
}

/* A fit as the plot's pooled row: the fit's own numbers, nothing recomputed.  No prediction
 * interval for common-effect fits (it is the CI) and no tau2 there; no Q at k = 1. */
static msum_plot_pooled plot_pooled(const msum_pool_result *r, const char *label)
{
    int fixed = msum_estimator_is_fixed(r->method_used);
    return (msum_plot_pooled){.label = label, .est = r->estimate, .ci_lb = r->ci_lb,
                              .ci_ub = r->ci_ub, .pi_lb = fixed ? NAN : r->pi_lb,
                              .pi_ub = fixed ? NAN : r->pi_ub, .stats = 1,
                              .tau2 = fixed ? NAN : r->tau2, .Q = r->k >= 2 ? r->QE : NAN,
                              .Q_df = r->QEdf, .Q_p = r->QEp, .I2 = r->I2, .stat = r->stat,
                              .stat_df = r->df, .pval = r->pval, .level = r->level};
}

/* The forest plot of the pooled groups: one block per group (with its diamond, heterogeneity
 * and test lines) when grouped, then the overall fit of all studies and the test for subgroup
 * differences (msum_subgroup_qbetween on the groups' fits, as msum_subgroup computes it);
 * else the studies and the pooled diamond with its lines. */
static char *forest_svg(const pool_fits *f, const char *title, const char *favours,
                        msum_forest_sort sort, const study_info *L)
{
    const groups *gs = f->gs;
    const bycols *by = f->by;
    const msum_pool_result *res = f->res;
    size_t k = 0, ng = 0;
    msum_measure m = MSUM_MEASURE_NONE;
    int one_measure = 1;
    for (size_t i = 0; i < gs->n; i++) {
        if (!gs->g[i].k) continue;
        k += gs->g[i].k, ng++;
        if (m != MSUM_MEASURE_NONE && gs->g[i].measure != m) one_measure = 0;
        m = gs->g[i].measure;
    }
    int list = k <= MSUM_FOREST_MAX_STUDIES; /* study rows are drawn */
    size_t nc = list ? L->ncols : 0;
    char **labels = calloc(k + 1, sizeof *labels), **glabels = calloc(ng + 1, sizeof *glabels);
    double *yi = malloc((k + 1) * sizeof *yi), *vi = malloc((k + 1) * sizeof *vi),
           *lb = malloc((k + 1) * sizeof *lb), *ub = malloc((k + 1) * sizeof *ub),
           *w = malloc((k + 1) * sizeof *w);
    size_t *grp = malloc((k + 1) * sizeof *grp);
    double *yearkey = malloc((k + 1) * sizeof *yearkey);
    const char **cells = calloc(k * nc + 1, sizeof *cells);
    msum_plot_pooled *gp = calloc(ng + 1, sizeof *gp);
    double *gest = malloc((ng + 1) * sizeof *gest), *gse = malloc((ng + 1) * sizeof *gse);
    char *svg = NULL, *fav = favours ? strdup(favours) : NULL;
    int log_scale = 0, zscale = 0;
    int ok = labels && glabels && yi && vi && lb && ub && w && grp && yearkey && cells && gp &&
             gest && gse &&
             (fav || !favours);
    size_t j = 0, gj = 0;
    double z = gsl_cdf_ugaussian_Pinv(0.5 + f->po->level / 2);
    for (size_t i = 0; ok && i < gs->n; i++) {
        const group *g = &gs->g[i];
        const msum_pool_result *r = &res[i];
        if (g->k == 0) continue;
        log_scale |= msum_measure_scale(g->measure) == MSUM_SCALE_LOG;
        zscale |= msum_measure_scale(g->measure) == MSUM_SCALE_FISHER_Z;
        ok = msum_pool_weights(g->vi, g->k, r, w + j) == MSUM_OK;
        char gl[256];
        msum_an_pool_group_label(by, g->key, gl, sizeof gl);
        ok = ok && (glabels[gj] = strdup(gl)) != NULL;
        for (size_t s = 0; ok && s < g->k; s++, j++) {
            if (list) {
                char buf[256];
                long row = info_find(L, g->line[s]);
                if (row >= 0 && *L->label[row]) snprintf(buf, sizeof buf, "%s", L->label[row]);
                else if (g->id && g->id[s]) snprintf(buf, sizeof buf, "%s", g->id[s]);
                else snprintf(buf, sizeof buf, "line %ld", g->line[s]);
                ok = (labels[j] = strdup(buf)) != NULL;
                yearkey[j] = row >= 0 && L->year ? L->year[row] : NAN;
                for (size_t c = 0; c < nc; c++)
                    cells[j * nc + c] = row >= 0 ? L->cells[(size_t)row * nc + c] : "";
            }
            yi[j] = g->yi[s];
            vi[j] = g->vi[s];
            lb[j] = g->yi[s] - z * sqrt(g->vi[s]);
            ub[j] = g->yi[s] + z * sqrt(g->vi[s]);
            grp[j] = gj;
        }
        if (ok) gp[gj] = plot_pooled(r, by->n ? glabels[gj] : NULL);
        gest[gj] = r->estimate;
        gse[gj] = r->se;
        gj++;
    }
    msum_pool_result all;
    msum_plot_pooled overall;
    msum_subgroup_between sg = {0};
    int has_overall = 0;
    char model[160], xlab[160];
    if (ok && by->n && ng >= 2 && one_measure) {
        /* the overall diamond: every study in one fit, with the groups' options */
        has_overall = msum_pool(yi, vi, k, f->po, &all) == MSUM_OK;
        if (has_overall) model_label(&all, "Overall: ", model, sizeof model);
        overall = plot_pooled(&all, model);
        msum_subgroup_qbetween(gest, gse, ng, &sg); /* the groups' own fits */
    }
    if (ok) {
        if (!by->n) {
            model_label(&res[0], "", model, sizeof model);
            gp[0].label = model;
        }
        if (one_measure) measure_axis(m, L->unit, xlab, sizeof xlab);
        msum_forest_data fd = {.title = title, .log_scale = log_scale ? 1 : zscale ? 2 : 0,
                               .xlab = one_measure ? xlab : NULL, .null_value = 0, .k = k,
                               .labels = (const char *const *)labels, .yi = yi, .ci_lb = lb,
                               .ci_ub = ub, .weights = w, .sort = sort, .sg_df = 0};
        /* The weights are the weights table's: percent within each group's own fit. */
        fd.weights_percent = 1;
        char est_head[48]; /* the intervals' level, as the numbers are */
        snprintf(est_head, sizeof est_head, "Estimate [%g%% CI]", 100 * f->po->level);
        fd.est_head = est_head;
        fd.sort_key = yearkey;
        if (one_measure) fd.transf = plot_transf(m, vi, k);
        if (m >= MSUM_MEASURE_PR && m <= MSUM_MEASURE_IRFT) fd.null_value = NAN; /* no null */
        if (nc) {
            static const char *const cnt_heads[] = {"Events", "Total", "Events", "Total"};
            static const char *const con_heads[] = {"Mean", "SD", "N", "Mean", "SD", "N"};
            fd.ncols = nc;
            fd.col_heads = nc == 4 ? cnt_heads : con_heads;
            fd.cols = cells;
            fd.col_span[0] = L->arm[0] ? L->arm[0] : "Treatment";
            fd.col_span[1] = L->arm[1] ? L->arm[1] : "Comparator";
        }
        if (fav) {
            char *sep = strpbrk(fav, ",;");
            if (sep) {
                *sep = '\0';
                fd.favours_lo = *fav ? fav : NULL;
                fd.favours_hi = sep[1] ? sep + 1 : NULL;
            }
        }
        if (by->n) {
            fd.weight_head = "Weight in group";
            fd.group = grp;
            fd.ngroups = gj;
            fd.group_labels = (const char *const *)glabels;
            fd.group_pooled = gp;
            if (has_overall) {
                fd.pooled = &overall;
                fd.npooled = 1;
            }
            if (sg.G_used >= 2) {
                fd.sg_Q = sg.Qb;
                fd.sg_df = sg.Qb_df;
                fd.sg_p = sg.Qb_p;
            }
        } else {
            fd.pooled = gp;
            fd.npooled = 1;
        }
        svg = msum_an_svg_forest(&fd);
    }
    for (size_t i = 0; labels && i < k; i++) free(labels[i]);
    for (size_t i = 0; glabels && i < ng; i++) free(glabels[i]);
    free(labels);
    free(glabels);
    free(yi);
    free(vi);
    free(lb);
    free(ub);
    free(w);
    free(grp);
    free(yearkey);
    free(gest);
    free(gse);
    free(cells);
    free(gp);
    free(fav);
    return svg;
}

char *msum_an_pool_funnel(const group *g, const msum_pool_result *r, const char *title)
{
    double *sei = malloc((g->k + 1) * sizeof *sei);
    if (!sei) return NULL;
    for (size_t i = 0; i < g->k; i++) sei[i] = sqrt(g->vi[i]);
    char xlab[160];
    measure_axis(g->measure, NULL, xlab, sizeof xlab);
    msum_funnel_data fd = {.title = title, .xlab = xlab,
                           .log_scale = msum_measure_scale(g->measure) == MSUM_SCALE_LOG,
                           .transf = plot_transf(g->measure, g->vi, g->k),
                           .k = g->k, .yi = g->yi, .sei = sei, .est = r->estimate};
    char *svg = msum_an_svg_funnel(&fd);
    free(sei);
    return svg;
}

char *msum_an_pool_forest(const pool_fits *f, const msum_spec *s, const char *path,
                          const char *title)
{
    static const char *const sorts[] = {"input", "effect", "weight", "year"};
    msum_forest_sort sort = MSUM_FOREST_SORT_INPUT;
    for (int i = 0; i < 4; i++)
        if (s->sort && strcmp(s->sort, sorts[i]) == 0) sort = (msum_forest_sort)i;
    /* study information: read only when the study rows will be drawn */
    size_t k = 0;
    for (size_t i = 0; i < f->gs->n; i++) k += f->gs->g[i].k;
    study_info L;
    if (k <= MSUM_FOREST_MAX_STUDIES) info_read(path, s->filter, &s->read, &L);
    else memset(&L, 0, sizeof L);
    char *svg = forest_svg(f, title, msum_an_given(s->favours) ? s->favours : NULL, sort, &L);
    info_free(&L);
    return svg;
}
