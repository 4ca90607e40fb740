/* Kind "pool" with method MH or PETO: Mantel-Haenszel and Peto pooling of 2x2 tables (counts
 * rows) and of two-group incidence rates (rates rows), one row per --by group, as metafor's
 * rma.mh() and rma.peto().  Formulas: src/core/mh.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metasum/dataset.h"
#include "metasum/diag.h"
#include "metasum/mh.h"
#include "metasum/reader.h"
#include "pool_int.h"

typedef struct {
    int peto;
    msum_measure measure; /* OR, RR, RD, IRR, IRD, PETO */
    msum_mh_opts mh;
    const char *by;       /* one column: one fit per distinct value, in order of first appearance */
} mh_args;

static int mh_measure_ok(msum_measure m)
{
    return m == MSUM_MEASURE_OR || m == MSUM_MEASURE_RR || m == MSUM_MEASURE_RD ||
           m == MSUM_MEASURE_IRR || m == MSUM_MEASURE_IRD || m == MSUM_MEASURE_PETO;
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
 * rates rows, as the measure asks; rows of another form are an error.  Returns an MSUM_*
 * status (MSUM_EINVAL: a spec error). */
static int read_cells(const msum_spec *s, const mh_args *a, const char *path, msum_diags *d,
                      cellcols *c, char **columns)
{
    size_t errs0 = msum_diags_errors(d); /* the caller's list may hold others' errors */
    msum_reader *rd = NULL;
    msum_typer *ty = NULL;
    int rates = a->measure == MSUM_MEASURE_IRR || a->measure == MSUM_MEASURE_IRD;
    msum_input want = rates ? MSUM_INPUT_RATES : MSUM_INPUT_COUNTS;
    int st = msum_reader_open_opts(path, NULL, &s->read, d, &rd);
    if (st == MSUM_OK) st = msum_reader_filter(rd, s->filter);
    if (st == MSUM_OK) st = msum_typer_from_reader(rd, &s->read, d, &ty);
    if (st != MSUM_OK) {
        msum_reader_free(rd);
        return st == MSUM_EIO || st == MSUM_ENOMEM ? st : MSUM_EDATA;
    }
    const char *fname = msum_reader_name(rd);
    *columns = *msum_typer_columns(ty) ? strdup(msum_typer_columns(ty)) : NULL;
    int by = a->by ? msum_typer_col(ty, a->by) : -1;
    if (a->by && by < 0) {
        msum_an_spec_error(d, s, "by", "%s has no column '%s'", fname, a->by);
        st = MSUM_EINVAL;
    }
    msum_row row;
    msum_record rec;
    int got = 0;
    size_t nrows = 0;
    while (st == MSUM_OK && (got = msum_reader_next(rd, &row)) == 1) {
        nrows++;
        /* --missing omit (the default): a row without a count is left out with a warning,
         * as pool's other methods and metafor's rma.mh / rma.peto (na.omit) do */
        int omitted = 0;
        if (msum_typer_row_na(ty, &row, &rec, d, &omitted) > 0 || omitted) continue;
        if (rec.input != want) {
            int ic = msum_typer_role_col(ty, "input");
            long col = ic >= 0 && (size_t)ic < row.n ? row.col[ic] : 0;
            msum_diags_add(d, MSUM_DIAG_ERROR, fname, row.row_line, col,
                           ic >= 0 ? msum_typer_colname(ty, ic) : NULL,
                           "found a %s row, expected %s rows for method %s, measure %s",
                           msum_input_name(rec.input), msum_input_name(want),
                           a->peto ? "PETO" : "MH", msum_measure_name(a->measure));
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
        if (!cells_push(c, v, key)) st = MSUM_ENOMEM;
    }
    if (st == MSUM_OK && got == 0) msum_check_has_rows(fname, nrows, s->filter, d);
    msum_reader_note_blank(rd, d);
    if (st == MSUM_OK && (got < 0 || msum_diags_errors(d) > errs0)) st = MSUM_EDATA;
    msum_typer_free(ty);
    msum_reader_free(rd);
    return st;
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

static int fit_one(const mh_args *a, const cellcols *c, msum_mh_result *r)
{
    if (a->peto) return msum_peto(c->n, c->x[0], c->x[1], c->x[2], c->x[3], &a->mh, r);
    if (a->measure == MSUM_MEASURE_IRR || a->measure == MSUM_MEASURE_IRD)
        return msum_mh_rates(a->measure, c->n, c->x[0], c->x[1], c->x[2], c->x[3], &a->mh, r);
    return msum_mh(a->measure, c->n, c->x[0], c->x[1], c->x[2], c->x[3], &a->mh, r);
}

/* One row per fit: n fits, the group keys (NULL without --by, then n = 1) in a first column
 * named by --by; ok[i] = 0 leaves row i's numbers NA. */
static msum_table *result_table(const mh_args *a, const msum_mh_result *res, size_t n,
                                char *const *key, const int *ok)
{
    msum_table *t = msum_table_new("pool", a->peto ? "Peto pooling" : "Mantel-Haenszel pooling");
    if (!t) return NULL;
    size_t off = key ? 1 : 0;
    if (key && msum_table_add_col(t, a->by, MSUM_COL_TEXT, "the group (by)") < 0) goto fail;
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

/* Fit every group (one without --by): res[g], st[g] for g < the number of groups (c->nkey with
 * --by, else 1).  Returns MSUM_OK or MSUM_ENOMEM. */
static int fit_groups(const mh_args *a, const cellcols *c, msum_mh_result *res, int *st)
{
    size_t ng = a->by ? c->nkey : 1;
    cellcols sub = {0};
    for (int j = 0; j < 4; j++)
        if (!(sub.x[j] = malloc((c->n + 1) * sizeof(double)))) {
            cells_free(&sub);
            return MSUM_ENOMEM;
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
    return MSUM_OK;
}

/* Settings that MH and PETO do not take (their names in msum_settings), given in s? */
static const char *not_mh_given(const msum_spec *s)
{
    if (msum_an_given(s->test)) return "test";
    if (msum_an_given(s->pi_type)) return "pi_type";
    if (!isnan(s->threshold)) return "threshold";
    if (s->maxiter >= 0) return "maxiter";
    if (!isnan(s->step_adj)) return "step_adj";
    if (s->no_fallback) return "no_fallback";
    if (s->weights) return "weights";
    if (s->ci_text) return "ci_text";
    if (msum_an_given(s->plots)) return "plots";
    if (msum_an_given(s->favours)) return "favours";
    if (msum_an_given(s->sort)) return "sort";
    return NULL;
}

/* The MH/Peto options of a spec.  Returns MSUM_OK, or MSUM_EINVAL after a spec error. */
static int spec_args(const msum_spec *s, mh_args *a, msum_diags *d)
{
    static const msum_mh_opts mo = MSUM_MH_OPTS_DEFAULT;
    memset(a, 0, sizeof *a);
    a->mh = mo;
    a->peto = strcmp(s->method, "PETO") == 0;
    a->measure = MSUM_MEASURE_NONE;
    int ok = 1;
    const char *no = not_mh_given(s);
    if (no) {
        msum_an_spec_error(d, s, no, "not available with method %s", s->method);
        ok = 0;
    }
    if (msum_an_given(s->measure) &&
        (!msum_measure_parse(s->measure, &a->measure) || !mh_measure_ok(a->measure))) {
        msum_an_spec_error(d, s, "measure", "found '%s', expected OR, RR, RD, IRR or IRD with "
                           "method MH, OR with method PETO", s->measure);
        ok = 0;
    } else if (a->peto && a->measure != MSUM_MEASURE_NONE && a->measure != MSUM_MEASURE_OR &&
               a->measure != MSUM_MEASURE_PETO) {
        msum_an_spec_error(d, s, "measure", "found '%s', expected OR (or none): method PETO "
                           "pools odds ratios", s->measure);
        ok = 0;
    }
    if (a->peto) a->measure = MSUM_MEASURE_PETO;
    if (a->measure == MSUM_MEASURE_NONE) a->measure = MSUM_MEASURE_OR;
    if (msum_an_given(s->by)) {
        if (strchr(s->by, ',')) {
            msum_an_spec_error(d, s, "by", "found '%s', expected one column with method MH or "
                               "PETO", s->by);
            ok = 0;
        }
        a->by = s->by;
    }
    if (!isnan(s->add)) a->mh.add[0] = s->add;
    if (!isnan(s->mh_add)) a->mh.add[1] = s->mh_add;
    if (msum_an_given(s->to)) msum_cc_policy_parse(s->to, &a->mh.to[0]);
    if (msum_an_given(s->mh_to)) msum_cc_policy_parse(s->mh_to, &a->mh.to[1]);
    if (s->no_drop00) a->mh.drop00[0] = 0;
    if (s->mh_drop00) a->mh.drop00[1] = 1;
    if (s->no_correct) a->mh.correct = 0;
    if (!isnan(s->level)) a->mh.level = s->level;
    return ok ? MSUM_OK : MSUM_EINVAL;
}

int msum_an_pool_mh(const msum_spec *s, const char *path, msum_result *out, msum_diags *diags)
{
    mh_args a;
    int st = spec_args(s, &a, diags);
    if (st != MSUM_OK) return st;
    cellcols c = {0};
    char *columns = NULL;
    msum_mh_result *res = NULL;
    int *fst = NULL, *ok = NULL;
    st = read_cells(s, &a, path, diags, &c, &columns);
    size_t ng = a.by ? c.nkey : 1;
    if (st == MSUM_OK) {
        res = calloc(ng + 1, sizeof *res);
        fst = calloc(ng + 1, sizeof *fst);
        ok = calloc(ng + 1, sizeof *ok);
        st = res && fst && ok ? fit_groups(&a, &c, res, fst) : MSUM_ENOMEM;
    }
    for (size_t g = 0; st == MSUM_OK && g < ng; g++) {
        ok[g] = fst[g] == MSUM_OK;
        if (ok[g]) continue;
        const char *why = fst[g] == MSUM_EDOM ? " (no table to pool, or no events in any table)"
                                              : "";
        if (!a.by) {
            msum_diags_add(diags, MSUM_DIAG_ERROR, s->dataset, 0, 0, NULL, "%s%s",
                           msum_strerror(fst[g]), why);
            st = fst[g];
        } else {
            msum_diags_add(diags, MSUM_DIAG_WARNING, s->dataset, 0, 0, a.by,
                           "group '%s': %s%s; its row is NA", c.key[g], msum_strerror(fst[g]),
                           why);
        }
    }
    if (st == MSUM_OK) {
        msum_table *t = result_table(&a, res, ng, a.by ? c.key : NULL, ok);
        if (t) {
            msum_table_set_meta(t, "input", s->dataset);
            if (columns) msum_table_set_meta(t, "columns", columns);
        }
        st = msum_result_add_table(out, t);
    }
    cells_free(&c);
    free(columns);
    free(res);
    free(fst);
    free(ok);
    return st;
}
