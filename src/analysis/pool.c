/* Kind "pool": stream an effect CSV, compute each row's yi/vi (escalc), group the rows (--by)
 * and pool each group with msum_pool (metafor rma.uni); the pooled table (one row per group),
 * the per-study weights table and the forest/funnel plots (pool_plot.c).  Only doubles are
 * kept per row (yi, vi; the line and id too when weights or a forest plot are asked for), so
 * a million rows fit in a few MB.  Methods MH and PETO: pool_mh.c. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metasum/dataset.h"
#include "metasum/diag.h"
#include "metasum/escalc.h"
#include "metasum/reader.h"
#include "metasum/write.h"
#include "pool_int.h"

typedef pool_group group;
typedef pool_studies studies;
typedef pool_groups groups;
typedef pool_bycols bycols;

/* ---- groups ------------------------------------------------------------------------------ */

static uint64_t hash_key(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603u;
    for (size_t i = 0; i < len; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211u;
    return h;
}

static int groups_rehash(groups *gs)
{
    size_t n = gs->nslot ? gs->nslot * 2 : 64;
    size_t *slot = calloc(n, sizeof *slot);
    if (!slot) return MSUM_ENOMEM;
    for (size_t i = 0; i < gs->n; i++) {
        size_t j = hash_key(gs->g[i].key, strlen(gs->g[i].key)) & (n - 1);
        while (slot[j]) j = (j + 1) & (n - 1);
        slot[j] = i + 1;
    }
    free(gs->slot);
    gs->slot = slot;
    gs->nslot = n;
    return MSUM_OK;
}

/* The group of a key, created in order of first appearance; NULL on allocation failure. */
static group *groups_get(groups *gs, const char *key, size_t len)
{
    if (gs->nslot == 0 || 2 * (gs->n + 1) > gs->nslot)
        if (groups_rehash(gs) != MSUM_OK) return NULL;
    size_t j = hash_key(key, len) & (gs->nslot - 1);
    while (gs->slot[j]) {
        group *g = &gs->g[gs->slot[j] - 1];
        if (strlen(g->key) == len && memcmp(g->key, key, len) == 0) return g;
        j = (j + 1) & (gs->nslot - 1);
    }
    if (gs->n == gs->cap) {
        size_t cap = gs->cap ? 2 * gs->cap : 16;
        group *ng = realloc(gs->g, cap * sizeof *ng);
        if (!ng) return NULL;
        gs->g = ng;
        gs->cap = cap;
    }
    group *g = &gs->g[gs->n];
    memset(g, 0, sizeof *g);
    g->key = malloc(len + 1);
    if (!g->key) return NULL;
    memcpy(g->key, key, len);
    g->key[len] = '\0';
    gs->slot[j] = ++gs->n;
    return g;
}

static int studies_grow(studies *st, size_t cap, int keep)
{
    double *y = realloc(st->yi, cap * sizeof *y);
    if (!y) return MSUM_ENOMEM;
    st->yi = y;
    double *v = realloc(st->vi, cap * sizeof *v);
    if (!v) return MSUM_ENOMEM;
    st->vi = v;
    if (st->gi) {
        size_t *gi = realloc(st->gi, cap * sizeof *gi);
        if (!gi) return MSUM_ENOMEM;
        st->gi = gi;
    }
    if (keep) {
        long *l = realloc(st->line, cap * sizeof *l);
        if (!l) return MSUM_ENOMEM;
        st->line = l;
        char **s = realloc(st->id, cap * sizeof *s);
        if (!s) return MSUM_ENOMEM;
        st->id = s;
    }
    st->cap = cap;
    return MSUM_OK;
}

static void studies_free(studies *st)
{
    if (st->id)
        for (size_t j = 0; j < st->n; j++) free(st->id[j]);
    free(st->id);
    free(st->line);
    free(st->yi);
    free(st->vi);
    free(st->gi);
    memset(st, 0, sizeof *st);
}

/* Append a study of group gi. */
static int group_add(groups *gs, size_t gi, double yi, double vi, long line, const char *id,
                     int keep)
{
    studies *st = &gs->in;
    group *g = &gs->g[gi];
    if (st->n == st->cap && studies_grow(st, st->cap ? 2 * st->cap : 1024, keep) != MSUM_OK)
        return MSUM_ENOMEM;
    if (!st->gi && g->k > 0 && gs->last != gi + 1) {
        /* the group's rows are interleaved with another's: from now on keep every study's
         * group (those so far are runs: group h holds first .. first + k - 1) */
        if (!(st->gi = malloc(st->cap * sizeof *st->gi))) return MSUM_ENOMEM;
        for (size_t h = 0; h < gs->n; h++)
            for (size_t j = 0; j < gs->g[h].k; j++) st->gi[gs->g[h].first + j] = h;
    }
    if (g->k == 0) g->first = st->n;
    gs->last = gi + 1;
    size_t j = st->n;
    st->yi[j] = yi;
    st->vi[j] = vi;
    if (st->gi) st->gi[j] = gi;
    if (keep) {
        st->line[j] = line;
        st->id[j] = id ? strdup(id) : NULL;
        if (id && !st->id[j]) return MSUM_ENOMEM;
    }
    st->n++;
    g->k++;
    return MSUM_OK;
}

/* Lay the studies out group by group (a stable counting sort: each group keeps the input order)
 * and point every group at its slice. */
static int groups_finish(groups *gs, int keep)
{
    studies *in = &gs->in, *by = &gs->by;
    if (!in->gi) { /* already group by group */
        for (size_t i = 0; i < gs->n; i++) {
            group *g = &gs->g[i];
            int any = in->n > 0; /* no arithmetic on NULL arrays */
            g->yi = any ? in->yi + g->first : NULL;
            g->vi = any ? in->vi + g->first : NULL;
            g->line = keep && any ? in->line + g->first : NULL;
            g->id = keep && any ? in->id + g->first : NULL;
        }
        *by = *in;
        memset(in, 0, sizeof *in);
        return MSUM_OK;
    }
    if (studies_grow(by, in->n ? in->n : 1, keep) != MSUM_OK) return MSUM_ENOMEM;
    size_t off = 0;
    for (size_t i = 0; i < gs->n; i++) {
        group *g = &gs->g[i];
        g->yi = by->yi + off;
        g->vi = by->vi + off;
        g->line = keep ? by->line + off : NULL;
        g->id = keep ? by->id + off : NULL;
        g->fill = 0;
        off += g->k;
    }
    for (size_t j = 0; j < in->n; j++) {
        group *g = &gs->g[in->gi[j]];
        size_t t = g->fill++;
        g->yi[t] = in->yi[j];
        g->vi[t] = in->vi[j];
        if (keep) {
            g->line[t] = in->line[j];
            g->id[t] = in->id[j]; /* moved */
        }
    }
    by->n = in->n;
    if (in->id) memset(in->id, 0, in->n * sizeof *in->id);
    studies_free(in);
    return MSUM_OK;
}

static void groups_free(groups *gs)
{
    for (size_t i = 0; i < gs->n; i++) free(gs->g[i].key);
    studies_free(&gs->in);
    studies_free(&gs->by);
    free(gs->g);
    free(gs->slot);
}

/* ---- the settings ------------------------------------------------------------------------ */

typedef struct {
    msum_pool_opts pool;
    msum_measure measure;
    int keep; /* keep each study's line and id (weights, forest plots) */
    msum_escalc_opts cc; /* --add, --to (msum_an_cc_opts) and, under --to if0all, whether
                            any row of the input has a zero count */
} pool_cfg;

static void bycols_free(bycols *b)
{
    free(b->col);
    free(b->name);
    free(b->spec);
}

/* Resolve --by against the header.  Returns MSUM_OK, MSUM_ENOMEM, or MSUM_EINVAL after a
 * spec error naming the column. */
static int resolve_by(const msum_spec *s, const msum_typer *t, const char *fname, bycols *b,
                      msum_diags *d)
{
    memset(b, 0, sizeof *b);
    if (!msum_an_given(s->by)) return MSUM_OK;
    size_t n = 1;
    for (const char *p = s->by; *p; p++) n += *p == ',';
    b->spec = strdup(s->by);
    b->col = calloc(n, sizeof *b->col);
    b->name = calloc(n, sizeof *b->name);
    if (!b->spec || !b->col || !b->name) return MSUM_ENOMEM;
    for (char *p = b->spec, *next; p; p = next) {
        next = strchr(p, ',');
        if (next) *next++ = '\0';
        int c = msum_typer_col(t, p);
        if (c < 0) {
            msum_an_spec_error(d, s, "by", "%s has no column '%s'", fname, p);
            return MSUM_EINVAL;
        }
        b->col[b->n] = c;
        b->name[b->n++] = p;
    }
    return MSUM_OK;
}

static int form_needs_measure(msum_input in)
{
    return in == MSUM_INPUT_CONTINUOUS || in == MSUM_INPUT_MEDIAN || in == MSUM_INPUT_COUNTS ||
           in == MSUM_INPUT_PROPORTION || in == MSUM_INPUT_RATE || in == MSUM_INPUT_RATES;
}

static void cell_pos(const msum_row *row, int col, long *line, long *colno)
{
    if (col >= 0 && (size_t)col < row->n) {
        *line = row->line[col];
        *colno = row->col[col];
    } else {
        *line = row->row_line;
        *colno = 0;
    }
}

/* --to if0all: does any row that read_rows will see have a zero count (escalc's to =
 * "if0all" looks at the whole data)?  A first pass over the file; its problems are left to
 * read_rows, which reports them. */
int msum_an_scan_zero_cells(const msum_spec *s, const char *path, int *any_zero)
{
    *any_zero = 0;
    msum_diags *scratch = msum_diags_new();
    if (!scratch) return MSUM_ENOMEM;
    msum_reader *rd = NULL;
    msum_typer *ty = NULL;
    int st = msum_reader_open_opts(path, NULL, &s->read, scratch, &rd);
    if (st == MSUM_OK) st = msum_reader_filter(rd, s->filter);
    if (st == MSUM_OK) st = msum_typer_from_reader(rd, &s->read, scratch, &ty);
    if (st == MSUM_OK) {
        msum_row row;
        msum_record rec;
        int omitted;
        while (!*any_zero && msum_reader_next(rd, &row) > 0)
            if (msum_typer_row_na(ty, &row, &rec, scratch, &omitted) == 0 && !omitted)
                *any_zero = msum_escalc_has_zero_cell(&rec);
    }
    msum_typer_free(ty);
    msum_reader_free(rd);
    msum_diags_free(scratch);
    return st == MSUM_ENOMEM ? st : MSUM_OK;
}

int msum_an_cc_opts(const msum_spec *s, const char *path, msum_escalc_opts *eo, msum_diags *d)
{
    if (!isnan(s->add)) {
        eo->add = s->add;
        eo->add_given = 1;
    }
    if (!msum_an_given(s->to)) return MSUM_OK;
    if (!msum_cc_policy_parse(s->to, &eo->to))
        return msum_an_spec_error(d, s, "to", "found '%s', expected only0, all, if0all or none",
                                  s->to);
    if (eo->to != MSUM_CC_IF0ALL || !path) return MSUM_OK;
    if (strcmp(path, "-") == 0)
        return msum_an_spec_error(d, s, "to", "found 'if0all' with standard input, expected "
                                  "only0, all or none (if0all reads the file twice)");
    return msum_an_scan_zero_cells(s, path, &eo->any_zero);
}

/* Read every row of `path` into groups.  Returns MSUM_OK, or a status after problems were
 * reported in `d`: MSUM_EDATA / MSUM_EPARSE (the data), MSUM_EINVAL (the spec), MSUM_EIO,
 * MSUM_ENOMEM.  *columns: the columns taken under another name (msum_typer_columns), or NULL;
 * *nread: the rows read (those the filter keeps). */
static int read_rows(const msum_spec *s, const pool_cfg *a, const char *path, msum_diags *d,
                     groups *gs, bycols *by, size_t *nskipped, int *has_id, char **columns,
                     size_t *nread)
{
    size_t errs0 = msum_diags_errors(d); /* the caller's list may hold others' errors */
    msum_reader *rd;
    int st = msum_reader_open_opts(path, NULL, &s->read, d, &rd);
    if (st != MSUM_OK) return st == MSUM_EPARSE ? MSUM_EDATA : st;
    const char *fname = msum_reader_name(rd);
    st = msum_reader_filter(rd, s->filter);
    if (st != MSUM_OK) {
        msum_reader_free(rd);
        return st == MSUM_ENOMEM ? st : MSUM_EDATA;
    }
    msum_typer *ty;
    st = msum_typer_from_reader(rd, &s->read, d, &ty);
    if (st != MSUM_OK) {
        msum_reader_free(rd);
        return st == MSUM_ENOMEM ? st : MSUM_EDATA;
    }
    *columns = *msum_typer_columns(ty) ? strdup(msum_typer_columns(ty)) : NULL;
    int rc = MSUM_OK;
    char *key = NULL;
    msum_dups *dups = NULL;
    size_t keycap = 0;
    if ((rc = resolve_by(s, ty, fname, by, d)) != MSUM_OK) goto done;
    int c_id = a->keep ? msum_typer_role_col(ty, "id") : -1;
    int c_measure = msum_typer_role_col(ty, "measure"),
        c_input = msum_typer_role_col(ty, "input");
    *has_id = c_id >= 0;
    msum_escalc_opts eo = a->cc;
    eo.level = a->pool.level;
    msum_row row;
    msum_record rec;
    int more;
    size_t nrows = 0;
    if (msum_dups_new(ty, &dups) != MSUM_OK) {
        rc = MSUM_ENOMEM;
        goto done;
    }
    while ((more = msum_reader_next(rd, &row)) > 0) {
        nrows++;
        int omitted = 0;
        if (msum_typer_row_na(ty, &row, &rec, d, &omitted) > 0) continue;
        long line, colno;
        msum_measure want = MSUM_MEASURE_NONE;
        msum_effect e; /* not cleared: it is large, and each path below sets what it uses */
        if (omitted) {
            e.yi = e.vi = NAN; /* na.omit: counted in k_skipped of its group */
            goto grouped;
        }
        /* a duplicate is reported after the last row (a copy is an error: nothing is pooled) */
        if (msum_dups_row(dups, &row, &rec) != MSUM_OK) {
            rc = MSUM_ENOMEM;
            break;
        }
        if (form_needs_measure(rec.input)) {
            if (a->measure == MSUM_MEASURE_NONE) {
                cell_pos(&row, c_input, &line, &colno);
                msum_an_spec_error(d, s, "measure", "%s:%ld: rows of form '%s' need a measure "
                                   "(%s)", fname, line, msum_input_name(rec.input),
                          rec.input == MSUM_INPUT_COUNTS       ? "RR, OR or RD"
                          : rec.input == MSUM_INPUT_PROPORTION ? "PR, PLN, PLO, PAS or PFT"
                          : rec.input == MSUM_INPUT_RATE       ? "IR, IRLN, IRS or IRFT"
                          : rec.input == MSUM_INPUT_RATES      ? "IRR, IRD or IRSD"
                                                               : "MD, SMD or ROM");
                rc = MSUM_EINVAL;
                goto done;
            }
            want = a->measure;
        } else if (rec.input == MSUM_INPUT_CORRELATION && a->measure == MSUM_MEASURE_COR) {
            want = a->measure;
        }
        if (rec.input == MSUM_INPUT_GENERIC && !isnan(rec.x[MSUM_F_VI])) {
            /* the common large-k case: yi and vi as given (what msum_escalc returns too),
             * without its per-row CI */
            e.measure = rec.measure;
            e.yi = rec.x[MSUM_F_YI];
            e.vi = rec.x[MSUM_F_VI];
            st = MSUM_OK;
        } else {
            st = msum_typer_effect(ty, &row, &rec, want, &eo, &e, d);
        }
        if (st == MSUM_EINVAL && want != MSUM_MEASURE_NONE) {
            msum_an_spec_error(d, s, "measure", "%s:%ld: %s does not apply to rows of form '%s'",
                               fname, row.row_line, msum_measure_name(want),
                               msum_input_name(rec.input));
            rc = MSUM_EINVAL;
            goto done;
        }
        if (st != MSUM_OK) continue; /* reported at its cell */
    grouped:;
        /* A row left out for a missing group value is warned about only when it would have
         * been pooled; one without a variance is counted as skipped either way (an omitted
         * row has its own warning). */
        int novar = isnan(e.vi) || isnan(e.yi), missing = 0;
        for (size_t i = 0; i < by->n && !missing; i++) {
            cell_pos(&row, by->col[i], &line, &colno);
            missing = msum_check_group_value((size_t)by->col[i] < row.n ? row.cell[by->col[i]]
                                                                        : "",
                                             fname, line, colno, by->name[i], novar ? NULL : d);
        }
        if (missing) {
            if (novar && !omitted) (*nskipped)++;
            continue;
        }
        /* the group key */
        size_t klen = 0;
        for (size_t i = 0; i < by->n; i++) {
            const char *v = (size_t)by->col[i] < row.n ? row.cell[by->col[i]] : "";
            size_t n = (size_t)by->col[i] < row.n ? row.len[by->col[i]] : 0;
            if (klen + n + 2 > keycap) {
                keycap = 2 * (klen + n + 2) + 64;
                char *nk = realloc(key, keycap);
                if (!nk) {
                    rc = MSUM_ENOMEM;
                    goto done;
                }
                key = nk;
            }
            if (i) key[klen++] = '\x1f';
            memcpy(key + klen, v, n);
            klen += n;
        }
        group *g = groups_get(gs, klen ? key : "", klen);
        if (!g) {
            rc = MSUM_ENOMEM;
            goto done;
        }
        if (novar) {
            g->skipped++;
            if (!omitted) (*nskipped)++;
            continue;
        }
        if (g->measure == MSUM_MEASURE_NONE) {
            g->measure = e.measure;
            g->measure_line = row.row_line;
        } else if (g->measure != e.measure) {
            cell_pos(&row, c_measure >= 0 ? c_measure : c_input, &line, &colno);
            msum_diags_add(d, MSUM_DIAG_ERROR, fname, line, colno,
                           c_measure >= 0 ? msum_typer_colname(ty, c_measure) : NULL,
                           "found measure %s, expected %s as on line %ld: one pooled group "
                           "holds one measure (group the rows with --by measure)",
                           msum_measure_name(e.measure), msum_measure_name(g->measure),
                           g->measure_line);
            continue;
        }
        const char *id = c_id >= 0 && (size_t)c_id < row.n ? row.cell[c_id] : NULL;
        if (group_add(gs, (size_t)(g - gs->g), e.yi, e.vi, row.row_line, id, a->keep) !=
            MSUM_OK) {
            rc = MSUM_ENOMEM;
            goto done;
        }
    }
    if (more < 0 && rc == MSUM_OK) rc = MSUM_EDATA;
    if ((rc == MSUM_OK || rc == MSUM_EDATA) && msum_dups_finish(dups, d) != MSUM_OK)
        rc = MSUM_ENOMEM;
    if (more == 0 && rc == MSUM_OK) msum_check_has_rows(fname, nrows, s->filter, d);
    msum_reader_note_blank(rd, d);
    *nread = nrows;
    if (rc == MSUM_OK && msum_diags_errors(d) > errs0) rc = MSUM_EDATA;
    if (rc == MSUM_OK && groups_finish(gs, a->keep) != MSUM_OK) rc = MSUM_ENOMEM;
done:
    free(key);
    msum_dups_free(dups);
    msum_typer_free(ty);
    msum_reader_free(rd);
    return rc;
}

/* ---- output ------------------------------------------------------------------------------ */

/* Add a column or fail; every column index is kept in an enum-free way by name lookup. */
static int add_col(msum_table *t, const char *name, msum_coltype type, const char *desc)
{
    return msum_table_add_col(t, name, type, desc) >= 0;
}

static void set_num(msum_table *t, long row, const char *col, double v)
{
    int c = msum_table_col_index(t, col);
    if (c >= 0) msum_table_set_num(t, (size_t)row, (size_t)c, v);
}

static void set_text(msum_table *t, long row, const char *col, const char *v)
{
    int c = msum_table_col_index(t, col);
    if (c >= 0) msum_table_set_text(t, (size_t)row, (size_t)c, v);
}

/* Write the group's key values into the group columns of a row. */
static void set_group_cols(msum_table *t, long row, const bycols *by, const char *key)
{
    const char *p = key;
    for (size_t i = 0; i < by->n; i++) {
        const char *end = strchr(p, '\x1f');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        char *v = malloc(n + 1);
        if (!v) return;
        memcpy(v, p, n);
        v[n] = '\0';
        msum_table_set_text(t, (size_t)row, i, v);
        free(v);
        p = end ? end + 1 : p + n;
    }
}

static const char *ci_method_name(msum_test t)
{
    switch (t) {
    case MSUM_TEST_T: return "t(k-1)";
    case MSUM_TEST_KNHA: return "Hartung-Knapp t(k-1)";
    case MSUM_TEST_KNHA_ADHOC: return "Hartung-Knapp t(k-1), factor >= 1";
    default: return "normal";
    }
}

static const char *tau2_ci_status(const msum_pool_result *r)
{
    if (isnan(r->tau2_ci.lb) && isnan(r->tau2_ci.ub)) return NULL;
    if (r->ci_null) return "null_set";
    if (r->lb_sign > 0) return "both_above_limit";
    if (r->ub_sign > 0) return "ub_above_limit";
    return "ok";
}

/* The columns of the pooled table after the group columns, in output order; the five
 * back-transform columns (exp_* or r_*) go where BT_HERE stands. */
enum {
    C_K, C_KSKIP, C_MEASURE, C_SCALE, C_EST, C_SE, C_STAT, C_PVAL, C_DF, C_CILB, C_CIUB, C_PILB,
    C_PIUB, BT_HERE, C_TAU2 = BT_HERE, C_SETAU2, C_TAU2LB, C_TAU2UB, C_TAU2ST, C_TAU, C_I2,
    C_I2LB, C_I2UB, C_I2DEF, C_H2, C_I2Q, C_H2Q, C_QE, C_QEDF, C_QEP, C_ESTOR, C_ESTUSED,
    C_FALLBACK, C_CONV, C_ITER, C_TEST, C_CIMETH, C_LEVEL, C_LOGLIK, C_AIC, C_BIC, C_DEV,
    C_AICC, C_VT, C_TAULB, C_TAUUB, C_H2LB, C_H2UB, C_PIDF, C_NOTES, C_VERSION, C_N
};

static const struct {
    const char *name;
    msum_coltype type;
    const char *desc;
} pool_cols[C_N] = {
    [C_K] = {"k", MSUM_COL_INT, "studies pooled"},
    [C_KSKIP] = {"k_skipped", MSUM_COL_INT, "rows of the group without a variance (not pooled)"},
    [C_MEASURE] = {"measure", MSUM_COL_TEXT, "effect measure"},
    [C_SCALE] = {"scale", MSUM_COL_TEXT, "scale of estimate: natural, log or fisher_z"},
    [C_EST] = {"estimate", MSUM_COL_NUM, "pooled estimate"},
    [C_SE] = {"se", MSUM_COL_NUM, "standard error (Hartung-Knapp adjusted under knha/adhoc)"},
    [C_STAT] = {"stat", MSUM_COL_NUM, "z (test z) or t statistic"},
    [C_PVAL] = {"pval", MSUM_COL_NUM, "two-sided p-value"},
    [C_DF] = {"df", MSUM_COL_NUM, "degrees of freedom of t (NA for z)"},
    [C_CILB] = {"ci_lb", MSUM_COL_NUM, "CI lower bound"},
    [C_CIUB] = {"ci_ub", MSUM_COL_NUM, "CI upper bound"},
    [C_PILB] = {"pi_lb", MSUM_COL_NUM, "prediction interval lower bound (NA for EE/FE/CE)"},
    [C_PIUB] = {"pi_ub", MSUM_COL_NUM, "prediction interval upper bound"},
    [C_TAU2] = {"tau2", MSUM_COL_NUM, "between-study variance"},
    [C_SETAU2] = {"se_tau2", MSUM_COL_NUM, "standard error of tau2"},
    [C_TAU2LB] = {"tau2_ci_lb", MSUM_COL_NUM, "Q-profile CI lower bound (Viechtbauer 2007)"},
    [C_TAU2UB] = {"tau2_ci_ub", MSUM_COL_NUM, "Q-profile CI upper bound"},
    [C_TAU2ST] = {"tau2_ci_status", MSUM_COL_TEXT,
                  "ok, null_set (both bounds below 0, shown as 0), ub_above_limit, "
                  "both_above_limit"},
    [C_TAU] = {"tau", MSUM_COL_NUM, "sqrt(tau2)"},
    [C_I2] = {"I2", MSUM_COL_NUM, "I2 in percent, definition in I2_definition (as metafor)"},
    [C_I2LB] = {"I2_ci_lb", MSUM_COL_NUM, "I2 at tau2_ci_lb"},
    [C_I2UB] = {"I2_ci_ub", MSUM_COL_NUM, "I2 at tau2_ci_ub"},
    [C_I2DEF] = {"I2_definition", MSUM_COL_TEXT, "how I2 and H2 were computed"},
    [C_H2] = {"H2", MSUM_COL_NUM, "H2 with the definition of I2"},
    [C_I2Q] = {"I2_Q", MSUM_COL_NUM,
               "Q-based I2 = 100 max(0, QE - df)/QE (Higgins & Thompson 2002; R meta)"},
    [C_H2Q] = {"H2_Q", MSUM_COL_NUM, "Q-based H2 = QE/df"},
    [C_QE] = {"QE", MSUM_COL_NUM, "Cochran's Q"},
    [C_QEDF] = {"QEdf", MSUM_COL_INT, "k - 1"},
    [C_QEP] = {"QEp", MSUM_COL_NUM, "p-value of Q (chi-square)"},
    [C_ESTOR] = {"method", MSUM_COL_TEXT, "tau2 estimator asked for (metafor method)"},
    [C_ESTUSED] = {"method_used", MSUM_COL_TEXT, "tau2 estimator the numbers use"},
    [C_FALLBACK] = {"fallback", MSUM_COL_TEXT, "why method_used differs from method"},
    [C_CONV] = {"converged", MSUM_COL_INT, "1 unless the asked-for estimator failed"},
    [C_ITER] = {"iterations", MSUM_COL_INT, "Fisher scoring / root search iterations"},
    [C_TEST] = {"test", MSUM_COL_TEXT, "z, t, knha or adhoc"},
    [C_CIMETH] = {"ci_method", MSUM_COL_TEXT, "distribution of the CI and prediction interval"},
    [C_LEVEL] = {"level", MSUM_COL_NUM, "confidence level"},
    [C_LOGLIK] = {"logLik", MSUM_COL_NUM, "log-likelihood (restricted for REML)"},
    [C_AIC] = {"AIC", MSUM_COL_NUM, "AIC"},
    [C_BIC] = {"BIC", MSUM_COL_NUM, "BIC"},
    [C_DEV] = {"deviance", MSUM_COL_NUM, "deviance (metafor fitstats)"},
    [C_AICC] = {"AICc", MSUM_COL_NUM, "AICc"},
    [C_VT] = {"vt", MSUM_COL_NUM, "typical within-study variance (k-1)/(S1 - S2/S1), w = 1/vi"},
    [C_TAULB] = {"tau_ci_lb", MSUM_COL_NUM, "sqrt(tau2_ci_lb)"},
    [C_TAUUB] = {"tau_ci_ub", MSUM_COL_NUM, "sqrt(tau2_ci_ub)"},
    [C_H2LB] = {"H2_ci_lb", MSUM_COL_NUM, "H2 at tau2_ci_lb"},
    [C_H2UB] = {"H2_ci_ub", MSUM_COL_NUM, "H2 at tau2_ci_ub"},
    [C_PIDF] = {"pi_df", MSUM_COL_NUM,
                "df of the prediction interval's t quantile (NA: normal); --pi-type riley: "
                "k - 2"},
    [C_NOTES] = {"notes", MSUM_COL_TEXT, "why a value of the row is NA (e.g. BIC at k = 1)"},
    [C_VERSION] = {"metasum_version", MSUM_COL_TEXT, "metasum version"},
};

static const char *const weight_cols[] = {"line", "id", "measure", "yi", "vi", "weight", "tau2",
                                           "method_used"};

/* Add the group columns, named as in the input unless that name is also an output column
 * (e.g. --by measure): then "by_<name>". */
static int add_group_cols(msum_table *t, const bycols *by, int weights)
{
    int ok = 1;
    char name[256];
    for (size_t i = 0; i < by->n; i++) {
        const char *nm = by->name[i];
        int clash = 0;
        if (weights) {
            for (size_t c = 0; c < sizeof weight_cols / sizeof weight_cols[0]; c++)
                clash |= strcmp(nm, weight_cols[c]) == 0;
        } else {
            for (int c = 0; c < C_N; c++) clash |= strcmp(nm, pool_cols[c].name) == 0;
            clash |= strncmp(nm, "exp_", 4) == 0 || strncmp(nm, "r_", 2) == 0;
        }
        snprintf(name, sizeof name, "%s%s", clash ? "by_" : "", nm);
        ok &= add_col(t, name, MSUM_COL_TEXT, "group");
    }
    return ok;
}

/* df of the prediction interval's t quantile, NaN for a normal one (metafor predict(),
 * pi.type = "riley" for MSUM_PI_T_K2; as msum_pool computes it). */
static double pi_df(const msum_pool_result *r, const msum_pool_opts *o)
{
    if (isnan(r->pi_lb)) return NAN;
    if (o->pi_type == MSUM_PI_T_K2) return fmax(1, (double)r->k - (isnan(o->tau2_fixed) ? 2 : 1));
    return r->test == MSUM_TEST_Z ? NAN : r->df;
}

/* any_z: bit 1 some group is on the Fisher z scale, bit 2 on a logit, arcsine, Freeman-Tukey or
 * square-root scale (bt_* columns: proportions and rates). */
static msum_table *pooled_table(const groups *gs, const bycols *by, const msum_pool_result *res,
                                int any_log, int any_z, const msum_pool_opts *po)
{
    msum_table *t = msum_table_new("pool", "Pooled estimates");
    if (!t) return NULL;
    int ok = 1, idx[C_N], bt_exp[5], bt_r[5], bt_p[5], any_bt = any_z & 2;
    any_z &= 1;
    static const char *const bt[] = {"estimate", "ci_lb", "ci_ub", "pi_lb", "pi_ub"};
    ok &= add_group_cols(t, by, 0);
    for (int c = 0; c < C_N; c++) {
        if (c == BT_HERE) {
            char name[32];
            for (int i = 0; i < 5; i++) {
                bt_exp[i] = bt_r[i] = -1;
                if (any_log) {
                    snprintf(name, sizeof name, "exp_%s", bt[i]);
                    ok &= (bt_exp[i] = msum_table_add_col(
                               t, name, MSUM_COL_NUM,
                               "exp() of the value (ratio scale; log measures only)")) >= 0;
                }
            }
            for (int i = 0; i < 5 && any_z; i++) {
                snprintf(name, sizeof name, "r_%s", bt[i]);
                ok &= (bt_r[i] = msum_table_add_col(
                           t, name, MSUM_COL_NUM,
                           "tanh() of the value (correlation; ZCOR only)")) >= 0;
            }
            for (int i = 0; i < 5; i++) {
                bt_p[i] = -1;
                if (!any_bt) continue;
                snprintf(name, sizeof name, "bt_%s", bt[i]);
                ok &= (bt_p[i] = msum_table_add_col(
                           t, name, MSUM_COL_NUM,
                           "back-transformed value: inverse logit (PLO), arcsine (PAS), "
                           "Freeman-Tukey with the harmonic mean of n (PFT), square (IRS)")) >= 0;
            }
        }
        ok &= (idx[c] = msum_table_add_col(t, pool_cols[c].name, pool_cols[c].type,
                                           pool_cols[c].desc)) >= 0;
    }
    if (!ok || msum_table_reserve(t, gs->n) != MSUM_OK) {
        msum_table_free(t);
        return NULL;
    }
#define NUM(c, v) msum_table_set_num(t, (size_t)row, (size_t)idx[c], (v))
#define TXT(c, v) /* "" is no value: NA, as every missing cell */                              \
    msum_table_set_text(t, (size_t)row, (size_t)idx[c], (v) && *(v) ? (v) : NULL)
    for (size_t gi = 0; gi < gs->n; gi++) {
        const group *g = &gs->g[gi];
        const msum_pool_result *r = &res[gi];
        long row = msum_table_add_row(t);
        if (row < 0) {
            msum_table_free(t);
            return NULL;
        }
        set_group_cols(t, row, by, g->key);
        NUM(C_K, (double)g->k);
        NUM(C_KSKIP, (double)g->skipped);
        TXT(C_ESTOR, msum_estimator_name(r->method));
        TXT(C_TEST, msum_test_name(r->test));
        NUM(C_LEVEL, r->level);
        TXT(C_VERSION, MSUM_VERSION);
        if (g->k == 0) {
            TXT(C_FALLBACK, "no row with a variance to pool");
            continue;
        }
        msum_scale sc = msum_measure_scale(g->measure);
        TXT(C_MEASURE, msum_measure_name(g->measure));
        TXT(C_SCALE, msum_scale_name(sc));
        double v[] = {r->estimate, r->ci_lb, r->ci_ub, r->pi_lb, r->pi_ub};
        const int vc[] = {C_EST, C_CILB, C_CIUB, C_PILB, C_PIUB};
        /* PFT: metafor's transf.ipft.hm with the harmonic mean of the studies' n, each n
         * recovered from its variance 1/(4n + 2) */
        double hm = sc == MSUM_SCALE_FREEMAN_TUKEY ? msum_an_pool_pft_hm(g->vi, g->k) : NAN;
        for (int i = 0; i < 5; i++) {
            NUM(vc[i], v[i]);
            int c = sc == MSUM_SCALE_LOG        ? bt_exp[i]
                    : sc == MSUM_SCALE_FISHER_Z ? bt_r[i]
                    : sc >= MSUM_SCALE_LOGIT    ? bt_p[i]
                                                : -1;
            if (c >= 0)
                msum_table_set_num(t, (size_t)row, (size_t)c,
                                   msum_measure_transf_n(g->measure, v[i], hm));
        }
        NUM(C_SE, r->se);
        NUM(C_STAT, r->stat);
        NUM(C_PVAL, r->pval);
        NUM(C_DF, r->df);
        NUM(C_TAU2, r->tau2);
        NUM(C_SETAU2, r->se_tau2);
        NUM(C_TAU2LB, r->tau2_ci.lb);
        NUM(C_TAU2UB, r->tau2_ci.ub);
        TXT(C_TAU2ST, tau2_ci_status(r));
        NUM(C_TAU, r->tau);
        NUM(C_I2, r->I2);
        NUM(C_I2LB, r->I2_ci.lb);
        NUM(C_I2UB, r->I2_ci.ub);
        TXT(C_I2DEF, msum_estimator_is_fixed(r->method_used)
                         ? "Q-based: 100 (QE - df)/QE"
                         : "tau2-based: 100 tau2/(tau2 + vt)");
        NUM(C_H2, r->H2);
        NUM(C_I2Q, r->I2_Q);
        NUM(C_H2Q, r->H2_Q);
        NUM(C_QE, r->QE);
        NUM(C_QEDF, r->QEdf);
        NUM(C_QEP, r->QEp);
        TXT(C_ESTUSED, msum_estimator_name(r->method_used));
        TXT(C_FALLBACK, r->fallback);
        NUM(C_CONV, r->converged);
        NUM(C_ITER, r->iterations);
        TXT(C_CIMETH, ci_method_name(r->test));
        NUM(C_LOGLIK, r->logLik);
        NUM(C_AIC, r->AIC);
        NUM(C_BIC, r->BIC);
        NUM(C_DEV, r->deviance);
        NUM(C_AICC, r->AICc);
        NUM(C_VT, r->vt);
        NUM(C_TAULB, r->tau_ci.lb);
        NUM(C_TAUUB, r->tau_ci.ub);
        NUM(C_H2LB, r->H2_ci.lb);
        NUM(C_H2UB, r->H2_ci.ub);
        NUM(C_PIDF, pi_df(r, po));
        TXT(C_NOTES, r->notes);
    }
#undef NUM
#undef TXT
    return t;
}

static msum_table *weights_table(const groups *gs, const bycols *by, const msum_pool_result *res,
                                 int has_id)
{
    msum_table *t = msum_table_new("pool_weights", "Study weights");
    if (!t) return NULL;
    int ok = add_group_cols(t, by, 1);
    ok &= add_col(t, "line", MSUM_COL_INT, "input line of the study");
    if (has_id) ok &= add_col(t, "id", MSUM_COL_TEXT, "the row's id");
    ok &= add_col(t, "measure", MSUM_COL_TEXT, "effect measure");
    ok &= add_col(t, "yi", MSUM_COL_NUM, "effect size");
    ok &= add_col(t, "vi", MSUM_COL_NUM, "sampling variance");
    ok &= add_col(t, "weight", MSUM_COL_NUM, "percent weight 100 w_i / sum w, w = 1/(vi + tau2)");
    ok &= add_col(t, "tau2", MSUM_COL_NUM, "tau2 of the group's fit");
    ok &= add_col(t, "method_used", MSUM_COL_TEXT, "tau2 estimator the weights use");
    if (!ok) {
        msum_table_free(t);
        return NULL;
    }
    for (size_t gi = 0; gi < gs->n; gi++) {
        const group *g = &gs->g[gi];
        if (g->k == 0) continue;
        double *w = malloc(g->k * sizeof *w);
        if (!w || msum_pool_weights(g->vi, g->k, &res[gi], w) != MSUM_OK) {
            free(w);
            msum_table_free(t);
            return NULL;
        }
        for (size_t j = 0; j < g->k; j++) {
            long row = msum_table_add_row(t);
            if (row < 0) {
                free(w);
                msum_table_free(t);
                return NULL;
            }
            set_group_cols(t, row, by, g->key);
            set_num(t, row, "line", (double)g->line[j]);
            if (has_id) set_text(t, row, "id", g->id[j]);
            set_text(t, row, "measure", msum_measure_name(g->measure));
            set_num(t, row, "yi", g->yi[j]);
            set_num(t, row, "vi", g->vi[j]);
            set_num(t, row, "weight", w[j]);
            set_num(t, row, "tau2", res[gi].tau2);
            set_text(t, row, "method_used", msum_estimator_name(res[gi].method_used));
        }
        free(w);
    }
    return t;
}

void msum_an_pool_group_label(const bycols *by, const char *key, char *buf, size_t size)
{
    if (by->n == 0) {
        snprintf(buf, size, "all rows");
        return;
    }
    size_t j = 0;
    const char *p = key;
    for (size_t i = 0; i < by->n && j + 1 < size; i++) {
        const char *end = strchr(p, '\x1f');
        int n = end ? (int)(end - p) : (int)strlen(p);
        j += (size_t)snprintf(buf + j, size - j, "%s%s=%.*s", i ? "," : "", by->name[i], n, p);
        if (j >= size) break;
        p = end ? end + 1 : p + n;
    }
}

/* Pool every group that has rows (in *res, calloc'ed, one per group).  Returns MSUM_OK, or the
 * failing status with the group's index in *failed. */
static int fit_groups(const pool_cfg *a, const groups *gs, msum_pool_result **res,
                       int *any_log, int *any_z, size_t *failed)
{
    *res = calloc(gs->n ? gs->n : 1, sizeof **res);
    if (!*res) return MSUM_ENOMEM;
    msum_pool_cache cache = {0};
    for (size_t i = 0; i < gs->n; i++) {
        const group *g = &gs->g[i];
        msum_pool_result *r = &(*res)[i];
        if (g->k == 0) {
            r->method = r->method_used = a->pool.method;
            r->test = a->pool.test;
            r->level = a->pool.level;
            continue;
        }
        int st = msum_pool_cached(g->yi, g->vi, g->k, &a->pool, &cache, r);
        if (st != MSUM_OK) {
            *failed = i;
            return st;
        }
        msum_scale sc = msum_measure_scale(g->measure);
        *any_log |= sc == MSUM_SCALE_LOG;
        *any_z |= sc == MSUM_SCALE_FISHER_Z;
        *any_z |= (sc >= MSUM_SCALE_LOGIT) << 1;
    }
    return MSUM_OK;
}

/* --ci-text: the pooled table with column estimate_ci, "0.49 [0.34, 0.70]", before estimate:
 * the row's estimate and CI on the natural scale (its exp_*, r_* or bt_* columns where it has
 * them), `dec` decimals.  A table's shape is fixed once it has rows, so this is a copy (with
 * the metadata); NULL when out of memory. */
static msum_table *with_ci_text(const msum_table *t, int dec)
{
    static const char *const pre[] = {"exp_", "r_", "bt_", ""};
    size_t nc = msum_table_ncols(t), nr = msum_table_nrows(t);
    int at = msum_table_col_index(t, "estimate");
    msum_table *o = msum_table_new(msum_table_name(t), msum_table_title(t));
    int ok = o && at >= 0 && msum_table_reserve(o, nr) == MSUM_OK;
    for (size_t c = 0; ok && c < nc; c++) {
        if ((int)c == at)
            ok = msum_table_add_col(o, "estimate_ci", MSUM_COL_TEXT,
                                    "estimate [CI] as text, back-transformed for log, Fisher z, "
                                    "logit, arcsine, Freeman-Tukey and square-root measures") >=
                 0;
        ok = ok && msum_table_add_col(o, msum_table_col_name(t, c), msum_table_col_type(t, c),
                                      msum_table_col_desc(t, c)) >= 0;
    }
    for (size_t i = 0; ok && i < msum_table_nmeta(t); i++)
        ok = msum_table_set_meta(o, msum_table_meta_key(t, i), msum_table_meta_value(t, i)) ==
             MSUM_OK;
    for (size_t row = 0; ok && row < nr; row++) {
        ok = msum_table_add_row(o) >= 0;
        for (size_t c = 0; ok && c < nc; c++) {
            size_t to = c + ((int)c >= at);
            if (msum_table_is_na(t, row, c)) continue;
            ok = (msum_table_col_type(t, c) == MSUM_COL_TEXT
                      ? msum_table_set_text(o, row, to, msum_table_text(t, row, c))
                      : msum_table_set_num(o, row, to, msum_table_num(t, row, c))) == MSUM_OK;
        }
        for (size_t p = 0; ok && p < 4; p++) {
            char name[3][32];
            int ci[3];
            snprintf(name[0], sizeof name[0], "%sestimate", pre[p]);
            snprintf(name[1], sizeof name[1], "%sci_lb", pre[p]);
            snprintf(name[2], sizeof name[2], "%sci_ub", pre[p]);
            for (int j = 0; j < 3; j++) ci[j] = msum_table_col_index(t, name[j]);
            if (ci[0] < 0 || ci[1] < 0 || ci[2] < 0 || msum_table_is_na(t, row, (size_t)ci[0]))
                continue;
            char buf[160];
            msum_fmt_ci(msum_table_num(t, row, (size_t)ci[0]),
                        msum_table_num(t, row, (size_t)ci[1]),
                        msum_table_num(t, row, (size_t)ci[2]), dec, buf, sizeof buf);
            ok = msum_table_set_text(o, row, (size_t)at, buf) == MSUM_OK;
            break;
        }
    }
    if (!ok) {
        msum_table_free(o);
        return NULL;
    }
    return o;
}

/* The settings every pooled table carries. */
static void set_meta(msum_table *t, const msum_spec *s, const pool_cfg *a, const char *columns)
{
    char lv[32];
    msum_table_set_meta(t, "estimator", msum_estimator_name(a->pool.method));
    msum_table_set_meta(t, "test", msum_test_name(a->pool.test));
    msum_fmt_num(a->pool.level, 0, lv, sizeof lv);
    msum_table_set_meta(t, "level", lv);
    msum_table_set_meta(t, "input", s->dataset);
    if (columns) msum_table_set_meta(t, "columns", columns);
}

/* ---- the spec ---------------------------------------------------------------------------- */

/* Settings that only MH/PETO take (their names in msum_settings), given in s? */
static const char *mh_only_given(const msum_spec *s)
{
    if (!isnan(s->mh_add)) return "mh_add";
    if (msum_an_given(s->mh_to)) return "mh_to";
    if (s->no_drop00) return "no_drop00";
    if (s->mh_drop00) return "mh_drop00";
    if (s->no_correct) return "no_correct";
    return NULL;
}

/* The pool options of a spec (the defaults where it gives none).  Returns MSUM_OK, or
 * MSUM_EINVAL after a spec error. */
static int spec_cfg(const msum_spec *s, pool_cfg *a, msum_diags *d)
{
    static const msum_pool_opts po = MSUM_POOL_OPTS_DEFAULT;
    memset(a, 0, sizeof *a);
    a->pool = po;
    a->measure = MSUM_MEASURE_NONE;
    int ok = 1;
    if (msum_an_given(s->method) && msum_estimator_parse(s->method, &a->pool.method) != MSUM_OK) {
        msum_an_spec_error(d, s, "method", "found '%s', expected one of EE, FE, CE, DL, HE, HS, "
                           "SJ, ML, REML, PM, EB, MH or PETO", s->method);
        ok = 0;
    }
    if (msum_an_given(s->test) && msum_test_parse(s->test, &a->pool.test) != MSUM_OK) {
        msum_an_spec_error(d, s, "test", "found '%s', expected z, t, knha or adhoc", s->test);
        ok = 0;
    }
    if (msum_an_given(s->measure) &&
        (!msum_measure_parse(s->measure, &a->measure) || a->measure == MSUM_MEASURE_NONE)) {
        msum_an_spec_error(d, s, "measure", "found '%s', expected one measure of "
                           "docs/measures.md", s->measure);
        ok = 0;
    }
    if (!isnan(s->level)) a->pool.level = s->level;
    if (!isnan(s->threshold)) a->pool.threshold = s->threshold;
    if (!isnan(s->step_adj)) a->pool.step_adj = s->step_adj;
    if (s->maxiter >= 0) a->pool.maxiter = s->maxiter;
    if (s->no_fallback) a->pool.fallback = 0;
    if (msum_an_given(s->pi_type))
        a->pool.pi_type = strcmp(s->pi_type, "riley") == 0 ? MSUM_PI_T_K2 : MSUM_PI_DEFAULT;
    /* --add and --to; the zero-count scan of --to if0all comes with the file (msum_an_pool),
     * standard input is refused here with the other settings */
    a->cc = (msum_escalc_opts)MSUM_ESCALC_OPTS_DEFAULT;
    if (msum_an_cc_opts(s, s->dataset && strcmp(s->dataset, "-") == 0 ? "-" : NULL, &a->cc,
                        d) != MSUM_OK)
        ok = 0;
    const char *mh = mh_only_given(s);
    if (mh) {
        msum_an_spec_error(d, s, mh, "applies to methods MH and PETO only, found method %s",
                           msum_estimator_name(a->pool.method));
        ok = 0;
    }
    if (msum_an_given(s->favours)) {
        const char *sep = strpbrk(s->favours, ",;");
        if (!sep || strpbrk(sep + 1, ",;")) {
            msum_an_spec_error(d, s, "favours", "found '%s', expected LEFT,RIGHT (e.g. "
                               "\"BCG,control\")", s->favours);
            ok = 0;
        }
    }
    if (!msum_an_check_plots(s, "forest,funnel", d)) ok = 0;
    a->keep = s->weights || msum_an_list_has(s->plots, "forest");
    return ok ? MSUM_OK : MSUM_EINVAL;
}

/* ---- the kind ---------------------------------------------------------------------------- */

int msum_an_pool(const msum_spec *s, const char *path, msum_result *out, msum_diags *diags)
{
    if (msum_an_given(s->method) &&
        (strcmp(s->method, "MH") == 0 || strcmp(s->method, "PETO") == 0))
        return msum_an_pool_mh(s, path, out, diags);
    pool_cfg a;
    int st = spec_cfg(s, &a, diags);
    if (st != MSUM_OK) return st;
    groups gs = {0};
    bycols by = {0};
    size_t nskipped = 0, failed = 0;
    int has_id = 0, any_log = 0, any_z = 0;
    char *columns = NULL;
    msum_pool_result *res = NULL;
    msum_table *t = NULL;
    size_t nread = 0;
    if (a.cc.to == MSUM_CC_IF0ALL) st = msum_an_scan_zero_cells(s, path, &a.cc.any_zero);
    if (st == MSUM_OK)
        st = read_rows(s, &a, path, diags, &gs, &by, &nskipped, &has_id, &columns, &nread);
    size_t npooled = 0;
    for (size_t i = 0; st == MSUM_OK && i < gs.n; i++) npooled += gs.g[i].k;
    if (st == MSUM_OK && npooled == 0) {
        msum_diags_add(diags, MSUM_DIAG_ERROR, s->dataset, 0, 0, NULL,
                       "nothing to pool: no row has a variance%s",
                       nskipped ? " (for effects without one, see 'metasum summarize')" : "");
        st = MSUM_EDATA;
    }
    if (st == MSUM_OK && nskipped > 0)
        msum_diags_add(diags, MSUM_DIAG_WARNING, s->dataset, 0, 0, NULL,
                       "%zu row%s without a variance skipped (percent_change, fold_change or "
                       "direction rows; see column k_skipped)", nskipped,
                       nskipped == 1 ? "" : "s");
    if (st == MSUM_OK) {
        out->k_skipped = nread - npooled; /* no variance, or a missing value (na.omit) */
        st = fit_groups(&a, &gs, &res, &any_log, &any_z, &failed);
        if (st != MSUM_OK && st != MSUM_ENOMEM) {
            char label[256];
            msum_an_pool_group_label(&by, gs.g[failed].key, label, sizeof label);
            const char *why = res && res[failed].notes[0] ? res[failed].notes : NULL;
            msum_diags_add(diags, MSUM_DIAG_ERROR, s->dataset, 0, 0, NULL, "%s: %s%s%s%s", label,
                           msum_strerror(st),
                           st == MSUM_ENOCONV ? " (the estimator did not converge; drop "
                                                "--no-fallback to fall back to PM and DL)"
                                              : "",
                           why ? ": " : "", why ? why : "");
            /* the rows were read fine; their numbers defeat the fit: a numerical failure */
            if (st == MSUM_EDATA) st = MSUM_EDOM;
        }
    }
    if (st == MSUM_OK) {
        t = pooled_table(&gs, &by, res, any_log, any_z, &a.pool);
        if (t) set_meta(t, s, &a, columns);
        if (t && s->ci_text) {
            msum_table *ct = with_ci_text(t, s->digits > 0 ? s->digits : 2);
            msum_table_free(t);
            t = ct;
        }
        st = msum_result_add_table(out, t);
    }
    if (st == MSUM_OK && s->weights) {
        t = weights_table(&gs, &by, res, has_id);
        if (t) set_meta(t, s, &a, columns);
        st = msum_result_add_table(out, t);
    }
    const char *title = msum_an_given(s->title) ? s->title : s->id;
    pool_fits f = {&gs, &by, res, &a.pool};
    if (st == MSUM_OK && msum_an_list_has(s->plots, "forest"))
        st = msum_result_add_plot(out, "forest", msum_an_pool_forest(&f, s, path, title));
    if (st == MSUM_OK && msum_an_list_has(s->plots, "funnel")) {
        if (gs.n != 1 || gs.g[0].k == 0) {
            msum_an_spec_error(diags, s, "plots", "a funnel plot needs one group, found %zu "
                               "(by %s)", gs.n, s->by ? s->by : "");
            st = MSUM_EINVAL;
        } else {
            st = msum_result_add_plot(out, "funnel", msum_an_pool_funnel(&gs.g[0], &res[0],
                                                                         title));
        }
    }
    free(res);
    groups_free(&gs);
    bycols_free(&by);
    free(columns);
    return st;
}
