/* metasum pool --method MH | PETO: Mantel-Haenszel and Peto pooling of 2x2 tables (counts rows)
 * and of two-group incidence rates (rates rows), one output row (one per group with --by), as
 * metafor's rma.mh() and rma.peto().  Formulas: src/core/mh.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis.h"
#include "cli.h"
#include "metasum/dataset.h"
#include "metasum/reader.h"

static const char *const CMD = "pool";

int cli_pool_mh_method(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = NULL;
        if (strcmp(a, "--") == 0) break;
        if ((strcmp(a, "--method") == 0 || strcmp(a, "-m") == 0) && i + 1 < argc) v = argv[++i];
        else if (strncmp(a, "--method=", 9) == 0) v = a + 9;
        if (v && (strcmp(v, "MH") == 0 || strcmp(v, "PETO") == 0)) return 1;
    }
    return 0;
}

typedef struct {
    int peto;
    msum_measure measure; /* OR, RR, RD, IRR, IRD */
    msum_mh_opts mh;
    const char *file, *filter, *output;
    const char *by;       /* --by COL: one fit per distinct value, in order of first appearance */
    msum_format format;
    msum_write_opts wo;
} mh_args;

static int parse_policy(const char *opt, const char *v, msum_cc_policy *p)
{
    if (msum_cc_policy_parse(v, p)) return 1;
    cli_error(CMD, "%s: found '%s', expected only0, all, if0all or none", opt, v);
    return 0;
}

static int parse_add(const char *opt, const char *v, double *x)
{
    if (msum_parse_double(v, strlen(v), x) == 1 && *x >= 0) return 1;
    cli_error(CMD, "%s: found '%s', expected a number >= 0", opt, v);
    return 0;
}

static int mh_measure_ok(msum_measure m)
{
    return m == MSUM_MEASURE_OR || m == MSUM_MEASURE_RR || m == MSUM_MEASURE_RD ||
           m == MSUM_MEASURE_IRR || m == MSUM_MEASURE_IRD || m == MSUM_MEASURE_PETO;
}

/* PETO pools odds ratios only; the measure defaults to OR.  Returns 1, or 0 after saying why
 * (to stderr, or into diags for a report's spec). */
static int check_measure(mh_args *a, const analysis_spec *spec)
{
    if (a->peto && a->measure != MSUM_MEASURE_NONE && a->measure != MSUM_MEASURE_OR &&
        a->measure != MSUM_MEASURE_PETO) {
        if (!spec) cli_error(CMD, "--method PETO pools odds ratios: --measure must be OR (or "
                             "left out)");
        return 0;
    }
    if (a->peto) a->measure = MSUM_MEASURE_PETO;
    if (a->measure == MSUM_MEASURE_NONE) a->measure = MSUM_MEASURE_OR;
    return 1;
}

static void args_init(mh_args *a)
{
    static const msum_mh_opts mo = MSUM_MH_OPTS_DEFAULT;
    static const msum_write_opts wo = MSUM_WRITE_OPTS_DEFAULT;
    memset(a, 0, sizeof *a);
    a->mh = mo;
    a->wo = wo;
    a->wo.meta = 0;
    a->format = MSUM_FMT_CSV;
    a->output = "-";
}

static int parse_args(int argc, char **argv, mh_args *a)
{
    args_init(a);
    int format_set = 0, digits_set = 0;
    for (int i = 1; i < argc; i++) {
        const char *v, *arg = argv[i];
        int r;
        if ((r = cli_opt(CMD, argc, argv, &i, "--method", "-m", &v)) != 0) {
            if (r < 0) return 0;
            a->peto = strcmp(v, "PETO") == 0;
            if (!a->peto && strcmp(v, "MH") != 0) {
                cli_error(CMD, "--method: found '%s'; MH or PETO cannot be combined with "
                          "another estimator", v);
                return 0;
            }
        } else if ((r = cli_opt(CMD, argc, argv, &i, "--measure", NULL, &v)) != 0) {
            if (r < 0) return 0;
            if (!msum_measure_parse(v, &a->measure) || !mh_measure_ok(a->measure)) {
                cli_error(CMD, "--measure: found '%s', expected OR, RR, RD, IRR or IRD with "
                          "--method MH, OR with --method PETO", v);
                return 0;
            }
        } else if ((r = cli_opt(CMD, argc, argv, &i, "--add", NULL, &v)) != 0) {
            if (r < 0 || !parse_add("--add", v, &a->mh.add[0])) return 0;
        } else if ((r = cli_opt(CMD, argc, argv, &i, "--to", NULL, &v)) != 0) {
            if (r < 0 || !parse_policy("--to", v, &a->mh.to[0])) return 0;
        } else if ((r = cli_opt(CMD, argc, argv, &i, "--mh-add", NULL, &v)) != 0) {
            if (r < 0 || !parse_add("--mh-add", v, &a->mh.add[1])) return 0;
        } else if ((r = cli_opt(CMD, argc, argv, &i, "--mh-to", NULL, &v)) != 0) {
            if (r < 0 || !parse_policy("--mh-to", v, &a->mh.to[1])) return 0;
        } else if (strcmp(arg, "--no-drop00") == 0) {
            a->mh.drop00[0] = 0;
        } else if (strcmp(arg, "--mh-drop00") == 0) {
            a->mh.drop00[1] = 1;
        } else if (strcmp(arg, "--no-correct") == 0) {
            a->mh.correct = 0;
        } else if ((r = cli_opt(CMD, argc, argv, &i, "--level", "-l", &v)) != 0) {
            if (r < 0 || !cli_opt_level(CMD, "--level", v, &a->mh.level)) return 0;
        } else if ((r = cli_opt(CMD, argc, argv, &i, "--filter", NULL, &v)) != 0) {
            if (r < 0) return 0;
            a->filter = v;
        } else if ((r = cli_opt(CMD, argc, argv, &i, "--by", "-b", &v)) != 0) {
            if (r < 0) return 0;
            if (!*v || strchr(v, ',')) {
                cli_error(CMD, "--by: found '%s', expected one column with --method MH or PETO",
                          v);
                return 0;
            }
            a->by = v;
        } else if ((r = cli_opt(CMD, argc, argv, &i, "--digits", "-d", &v)) != 0) {
            if (r < 0 || !cli_opt_digits(CMD, v, &a->wo.digits)) return 0;
            digits_set = 1;
        } else if ((r = cli_opt(CMD, argc, argv, &i, "--format", "-f", &v)) != 0) {
            if (r < 0 || !cli_opt_format(CMD, v, &a->format)) return 0;
            format_set = 1;
        } else if ((r = cli_opt(CMD, argc, argv, &i, "--output", "-o", &v)) != 0) {
            if (r < 0) return 0;
            a->output = v;
        } else if (strcmp(arg, "--meta") == 0) {
            a->wo.meta = 1;
        } else if (arg[0] == '-' && arg[1] != '\0') {
            cli_error(CMD, "option '%s' is not available with --method MH or PETO (see "
                      "'metasum pool --help')", arg);
            return 0;
        } else if (a->file) {
            cli_error(CMD, "one input file expected, found '%s' and '%s'", a->file, arg);
            return 0;
        } else {
            a->file = arg;
        }
    }
    if (!a->file) {
        cli_error(CMD, "no input file (see 'metasum pool --help')");
        return 0;
    }
    /* as metasum pool: a summary to read on a terminal, 4 decimals in text */
    if (!format_set && strcmp(a->output, "-") == 0 && isatty(STDOUT_FILENO))
        a->format = MSUM_FMT_TEXT;
    if (a->format == MSUM_FMT_TEXT && !digits_set) a->wo.digits = 4;
    return check_measure(a, NULL);
}

/* The columns of the four numbers of each row: a, b, c, d (2x2) or x1, t1, x2, t2 (rates),
 * and with --by the group of each row (an index into the distinct keys, first appearance). */
typedef struct {
    size_t n, cap;
    double *x[4];
    size_t *g;
    char **key;
    size_t nkey;
} cellcols;

static void cells_free(cellcols *c)
{
    for (int j = 0; j < 4; j++) free(c->x[j]);
    free(c->g);
    for (size_t i = 0; c->key && i < c->nkey; i++) free(c->key[i]);
    free(c->key);
}

/* Append a row; key (NULL without --by) is its group.  Returns 0 on allocation failure. */
static int cells_push(cellcols *c, const double v[4], const char *key)
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 64;
        for (int j = 0; j < 4; j++) {
            double *p = realloc(c->x[j], cap * sizeof *p);
            if (!p) return 0;
            c->x[j] = p;
        }
        size_t *g = realloc(c->g, cap * sizeof *g);
        char **k = realloc(c->key, (cap + 1) * sizeof *k);
        if (g) c->g = g;
        if (k) c->key = k;
        if (!g || !k) return 0;
        c->cap = cap;
    }
    size_t gi = 0;
    if (key) {
        while (gi < c->nkey && strcmp(c->key[gi], key) != 0) gi++;
        if (gi == c->nkey) {
            if (!(c->key[gi] = strdup(key))) return 0;
            c->nkey++;
        }
    }
    for (int j = 0; j < 4; j++) c->x[j][c->n] = v[j];
    c->g[c->n] = gi;
    c->n++;
    return 1;
}

/* Read the rows: counts rows (bi = n1i - ai, di = n2i - ci when only the sizes are given) or
 * rates rows, as the measure asks; rows of another form are an error.  Returns an EXIT_* code. */
static int read_cells(const mh_args *a, msum_diags *d, cellcols *c)
{
    msum_reader *rd = NULL;
    msum_typer *ty = NULL;
    int rates = a->measure == MSUM_MEASURE_IRR || a->measure == MSUM_MEASURE_IRD;
    msum_input want = rates ? MSUM_INPUT_RATES : MSUM_INPUT_COUNTS;
    int st = msum_reader_open(a->file, NULL, d, &rd);
    if (st == MSUM_OK) st = msum_reader_filter(rd, a->filter);
    if (st == MSUM_OK) st = msum_typer_new(msum_reader_header(rd), a->file, d, &ty);
    int rc = st == MSUM_OK ? EXIT_OK : st == MSUM_EIO ? EXIT_IO : EXIT_DATA;
    int by = a->by && rc == EXIT_OK ? msum_typer_col(ty, a->by) : -1;
    if (a->by && rc == EXIT_OK && by < 0) {
        msum_diags_add(d, MSUM_DIAG_ERROR, a->file, 1, 0, a->by,
                       "--by: found no such column, expected a column of the header");
        rc = EXIT_USAGE;
    }
    msum_row row;
    msum_record rec;
    int got = 0;
    while (rc == EXIT_OK && (got = msum_reader_next(rd, &row)) == 1) {
        if (msum_typer_row(ty, &row, &rec, d) > 0) continue;
        if (rec.input != want) {
            int ic = msum_typer_col(ty, "input");
            long col = ic >= 0 && (size_t)ic < row.n ? row.col[ic] : 0;
            msum_diags_add(d, MSUM_DIAG_ERROR, a->file, row.row_line, col,
                           ic >= 0 ? "input" : NULL, "found a %s row, expected %s rows for "
                           "--method %s --measure %s", msum_input_name(rec.input),
                           msum_input_name(want), a->peto ? "PETO" : "MH",
                           msum_measure_name(a->measure));
            continue;
        }
        const double *x = rec.x;
        double v[4];
        if (rates) {
            v[0] = x[MSUM_F_X1I], v[1] = x[MSUM_F_T1I], v[2] = x[MSUM_F_X2I], v[3] = x[MSUM_F_T2I];
        } else {
            v[0] = x[MSUM_F_AI], v[2] = x[MSUM_F_CI];
            v[1] = isnan(x[MSUM_F_BI]) ? x[MSUM_F_N1I] - v[0] : x[MSUM_F_BI];
            v[3] = isnan(x[MSUM_F_DI]) ? x[MSUM_F_N2I] - v[2] : x[MSUM_F_DI];
        }
        const char *key = by >= 0 ? ((size_t)by < row.n ? row.cell[by] : "") : NULL;
        if (!cells_push(c, v, key)) {
            cli_error(CMD, "out of memory");
            rc = EXIT_NUMERICAL;
        }
    }
    if (rc == EXIT_OK && (got < 0 || msum_diags_errors(d))) rc = EXIT_DATA;
    msum_typer_free(ty);
    msum_reader_free(rd);
    return rc;
}

static const struct {
    const char *name;
    msum_coltype type;
    const char *desc;
} cols[] = {
    {"method", MSUM_COL_TEXT, "MH (Mantel-Haenszel) or PETO (Peto's one-step odds ratio)"},
    {"measure", MSUM_COL_TEXT, "effect measure"},
    {"scale", MSUM_COL_TEXT, "scale of estimate, ci_lb, ci_ub"},
    {"k", MSUM_COL_INT, "tables (or pairs of rates) in the fit"},
    {"k_yi", MSUM_COL_INT, "studies with an escalc yi (Q has k_yi - 1 df)"},
    {"estimate", MSUM_COL_NUM, "pooled effect (log scale for OR, RR, IRR, PETO)"},
    {"se", MSUM_COL_NUM, "its standard error (Robins-Breslow-Greenland, Greenland-Robins)"},
    {"zval", MSUM_COL_NUM, "z value"},
    {"pval", MSUM_COL_NUM, "two-sided p-value"},
    {"ci_lb", MSUM_COL_NUM, "lower CI bound"},
    {"ci_ub", MSUM_COL_NUM, "upper CI bound"},
    {"exp_estimate", MSUM_COL_NUM, "exp(estimate) for log-scale measures"},
    {"exp_ci_lb", MSUM_COL_NUM, "exp(ci_lb)"},
    {"exp_ci_ub", MSUM_COL_NUM, "exp(ci_ub)"},
    {"QE", MSUM_COL_NUM, "Cochran's Q of the escalc yi/vi around the estimate"},
    {"QEdf", MSUM_COL_INT, "its df, k_yi - 1"},
    {"QEp", MSUM_COL_NUM, "its chi-square p-value"},
    {"I2", MSUM_COL_NUM, "I^2 (percent) from Q"},
    {"H2", MSUM_COL_NUM, "H^2 from Q"},
    {"cmh", MSUM_COL_NUM, "Cochran-Mantel-Haenszel test (1 df; OR and IRR)"},
    {"cmh_p", MSUM_COL_NUM, "its p-value"},
    {"tarone", MSUM_COL_NUM, "Tarone's test of equal odds ratios (k_pos - 1 df; OR)"},
    {"tarone_p", MSUM_COL_NUM, "its p-value"},
    {"breslow_day", MSUM_COL_NUM, "Breslow-Day test (k_pos - 1 df; OR)"},
    {"breslow_day_p", MSUM_COL_NUM, "its p-value"},
    {"k_pos", MSUM_COL_INT, "tables in Tarone's test (OR); with Peto variance > 0 (PETO)"},
    {"level", MSUM_COL_NUM, "CI level"},
};
enum { NCOLS = sizeof cols / sizeof cols[0] };

static void result_row(msum_table *t, size_t row, size_t off, const mh_args *a,
                       const msum_mh_result *r);

/* One row per fit: n fits, the group keys (NULL without --by, then n = 1) in a first column
 * named by --by; ok[i] = 0 leaves row i's numbers NA. */
static msum_table *result_table(const mh_args *a, const msum_mh_result *res, size_t n,
                                char *const *key, const int *ok)
{
    msum_table *t = msum_table_new("pool", a->peto ? "Peto pooling" : "Mantel-Haenszel pooling");
    if (!t) return NULL;
    size_t off = key ? 1 : 0;
    if (key && msum_table_add_col(t, a->by, MSUM_COL_TEXT, "the group (--by)") < 0) goto fail;
    for (int i = 0; i < NCOLS; i++)
        if (msum_table_add_col(t, cols[i].name, cols[i].type, cols[i].desc) < 0) goto fail;
    for (size_t g = 0; g < n; g++) {
        long row = msum_table_add_row(t);
        if (row < 0) goto fail;
        if (key) msum_table_set_text(t, (size_t)row, 0, key[g]);
        msum_table_set_text(t, (size_t)row, off, a->peto ? "PETO" : "MH");
        msum_table_set_text(t, (size_t)row, off + 1, msum_measure_name(a->measure));
        msum_table_set_text(t, (size_t)row, off + 2,
                            msum_scale_name(msum_measure_scale(a->measure)));
        if (ok[g]) result_row(t, (size_t)row, off, a, &res[g]);
    }
    msum_table_set_meta(t, "method", a->peto ? "Peto (metafor rma.peto)"
                                             : "Mantel-Haenszel (metafor rma.mh)");
    return t;
fail:
    msum_table_free(t);
    return NULL;
}

/* The numbers of one fit into row `row` (columns from `off`). */
static void result_row(msum_table *t, size_t row, size_t off, const mh_args *a,
                       const msum_mh_result *r)
{
    int lg = msum_measure_scale(r->measure) == MSUM_SCALE_LOG;
    const double num[NCOLS] = {
        NAN, NAN, NAN, (double)r->k, (double)r->k_yi, r->beta, r->se, r->zval, r->pval, r->ci_lb,
        r->ci_ub, lg ? exp(r->beta) : NAN, lg ? exp(r->ci_lb) : NAN, lg ? exp(r->ci_ub) : NAN,
        r->Q, r->k_yi ? (double)(r->k_yi - 1) : NAN, r->Qp, r->I2, r->H2, r->cmh, r->cmh_p,
        r->tarone, r->tarone_p, r->bd, r->bd_p,
        r->measure == MSUM_MEASURE_OR || r->measure == MSUM_MEASURE_PETO ? (double)r->k_pos : NAN,
        a->mh.level};
    for (int i = 3; i < NCOLS; i++) msum_table_set_num(t, row, off + (size_t)i, num[i]);
}

static int fit_one(const mh_args *a, const cellcols *c, msum_mh_result *r);

/* Fit every group (one without --by): res[g], st[g] for g < the number of groups (c->nkey with
 * --by, else 1).  Returns 0 on allocation failure. */
static int fit_groups(const mh_args *a, const cellcols *c, msum_mh_result *res, int *st)
{
    size_t ng = a->by ? c->nkey : 1;
    cellcols sub = {0};
    for (int j = 0; j < 4; j++)
        if (!(sub.x[j] = malloc((c->n + 1) * sizeof(double)))) {
            cells_free(&sub);
            return 0;
        }
    for (size_t g = 0; g < ng; g++) {
        sub.n = 0;
        for (size_t i = 0; i < c->n; i++) {
            if (a->by && c->g[i] != g) continue;
            for (int j = 0; j < 4; j++) sub.x[j][sub.n] = c->x[j][i];
            sub.n++;
        }
        st[g] = fit_one(a, &sub, &res[g]);
    }
    cells_free(&sub);
    return 1;
}

static int fit_one(const mh_args *a, const cellcols *c, msum_mh_result *r)
{
    if (a->peto) return msum_peto(c->n, c->x[0], c->x[1], c->x[2], c->x[3], &a->mh, r);
    if (a->measure == MSUM_MEASURE_IRR || a->measure == MSUM_MEASURE_IRD)
        return msum_mh_rates(a->measure, c->n, c->x[0], c->x[1], c->x[2], c->x[3], &a->mh, r);
    return msum_mh(a->measure, c->n, c->x[0], c->x[1], c->x[2], c->x[3], &a->mh, r);
}

int cmd_pool_mh(int argc, char **argv)
{
    mh_args a;
    if (!parse_args(argc, argv, &a)) return EXIT_USAGE;
    msum_diags *d = msum_diags_new();
    if (!d) return EXIT_NUMERICAL;
    cellcols c = {0};
    msum_table *t = NULL;
    msum_mh_result *res = NULL;
    int *st = NULL, *ok = NULL;
    int rc = read_cells(&a, d, &c);
    cli_print_diags(stderr, d);
    if (rc != EXIT_OK) goto out;
    size_t ng = a.by ? c.nkey : 1;
    res = calloc(ng + 1, sizeof *res);
    st = calloc(ng + 1, sizeof *st);
    ok = calloc(ng + 1, sizeof *ok);
    if (!res || !st || !ok || !fit_groups(&a, &c, res, st)) {
        cli_error(CMD, "out of memory");
        rc = EXIT_NUMERICAL;
        goto out;
    }
    for (size_t g = 0; g < ng; g++) {
        ok[g] = st[g] == MSUM_OK;
        if (ok[g]) continue;
        const char *why = st[g] == MSUM_EDOM ? " (no table to pool, or no events in any table)"
                                             : "";
        if (!a.by) {
            cli_error(CMD, "%s: %s%s", a.file, msum_strerror(st[g]), why);
            rc = st[g] == MSUM_EDATA ? EXIT_DATA : EXIT_NUMERICAL;
            goto out;
        }
        fprintf(stderr, "%s: warning: column '%s': group '%s': %s%s; its row is NA\n", a.file,
                a.by, c.key[g], msum_strerror(st[g]), why);
    }
    if (!(t = result_table(&a, res, ng, a.by ? c.key : NULL, ok))) {
        cli_error(CMD, "out of memory");
        rc = EXIT_NUMERICAL;
        goto out;
    }
    const msum_table *ts[] = {t};
    if (msum_write_file(a.output, ts, 1, a.format, &a.wo) != MSUM_OK) {
        cli_error(CMD, "cannot write %s", strcmp(a.output, "-") == 0 ? "standard output"
                                                                    : a.output);
        rc = EXIT_IO;
    }
out:
    msum_table_free(t);
    cells_free(&c);
    free(res);
    free(st);
    free(ok);
    msum_diags_free(d);
    return rc;
}

/* ---- as a report analysis ---------------------------------------------------------------- */

int analysis_pool_mh(const analysis_spec *spec, const char *path, analysis_output *out,
                     msum_diags *diags)
{
    mh_args a;
    args_init(&a);
    a.file = path;
    a.filter = *spec->filter ? spec->filter : NULL;
    a.peto = strcmp(spec->method, "PETO") == 0;
    if ((*spec->measure &&
         (!msum_measure_parse(spec->measure, &a.measure) || !mh_measure_ok(a.measure))) ||
        !check_measure(&a, spec)) {
        msum_diags_add(diags, MSUM_DIAG_ERROR, spec->manifest, spec->line, 0, "measure",
                       "found '%s', expected OR, RR, RD, IRR or IRD with method MH, OR with "
                       "PETO", spec->measure);
        return MSUM_EDATA;
    }
    cellcols c = {0};
    msum_mh_result r;
    int st = analysis_status(read_cells(&a, diags, &c));
    if (st == MSUM_OK && (st = fit_one(&a, &c, &r)) != MSUM_OK)
        msum_diags_add(diags, MSUM_DIAG_ERROR, path, 0, 0, NULL, "%s", msum_strerror(st));
    if (st == MSUM_OK) {
        int one = 1;
        msum_table *t = result_table(&a, &r, 1, NULL, &one);
        if (t) msum_table_set_meta(t, "input", spec->dataset);
        st = analysis_add_table(out, t);
    }
    cells_free(&c);
    return st;
}
