/* Reading an effect file into per-study arrays for the bias and sensitivity kinds: each row's
 * yi/vi through escalc (or as given), its sample size, its label and its --by group; and the
 * settings, tables and messages those kinds share. */
#include "studies.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metasum/dataset.h"
#include "metasum/reader.h"

int msum_an_studies_fit(const msum_spec *s, msum_measure *measure, msum_pool_opts *po,
                        msum_diags *diags)
{
    static const msum_pool_opts def = MSUM_POOL_OPTS_DEFAULT;
    *po = def;
    *measure = MSUM_MEASURE_NONE;
    if (msum_an_given(s->measure) &&
        (!msum_measure_parse(s->measure, measure) || *measure == MSUM_MEASURE_NONE)) {
        msum_an_spec_error(diags, s, "measure", "found '%s', expected one measure (kind %s)",
                           s->measure, msum_kind_name(s->kind));
        return 0;
    }
    if (msum_an_given(s->method) && msum_estimator_parse(s->method, &po->method) != MSUM_OK) {
        msum_an_spec_error(diags, s, "method",
                           "found '%s', expected EE, FE, CE, DL, HE, HS, SJ, ML, REML, PM or EB "
                           "(MH and PETO are methods of kind pool)", s->method);
        return 0;
    }
    if (msum_an_given(s->test) && msum_test_parse(s->test, &po->test) != MSUM_OK) {
        msum_an_spec_error(diags, s, "test", "found '%s', expected z, t, knha or adhoc",
                           s->test);
        return 0;
    }
    if (!isnan(s->level)) po->level = s->level;
    return 1;
}

void msum_an_studies_free(msum_an_studies *s)
{
    if (!s) return;
    if (!s->view) {
        for (size_t i = 0; s->label && i < s->k; i++) free(s->label[i]);
        for (size_t i = 0; s->group && i < s->k; i++) free(s->group[i]);
        free(s->by);
        free(s->by_buf);
        free(s->name);
        free(s->columns);
    }
    free(s->yi);
    free(s->vi);
    free(s->ni);
    free(s->key);
    free(s->line);
    free(s->label);
    free(s->group);
    memset(s, 0, sizeof *s);
}

typedef struct {
    const char *key;
    size_t i, first;
} gitem;

static int cmp_key(const void *a, const void *b)
{
    const gitem *p = a, *q = b;
    int c = strcmp(p->key, q->key);
    return c ? c : (p->i > q->i) - (p->i < q->i);
}

static int cmp_first(const void *a, const void *b)
{
    const gitem *p = a, *q = b;
    if (p->first != q->first) return (p->first > q->first) - (p->first < q->first);
    return (p->i > q->i) - (p->i < q->i);
}

int msum_an_studies_groups(const msum_an_studies *s, size_t **order, size_t **start,
                           size_t *ngroups)
{
    size_t k = s->k;
    gitem *g = malloc((k ? k : 1) * sizeof *g);
    *order = malloc((k ? k : 1) * sizeof **order);
    *start = malloc((k + 1) * sizeof **start);
    if (!g || !*order || !*start) {
        free(g);
        free(*order);
        free(*start);
        *order = *start = NULL;
        return 0;
    }
    for (size_t i = 0; i < k; i++) g[i] = (gitem){s->group ? s->group[i] : "", i, i};
    qsort(g, k, sizeof *g, cmp_key);
    for (size_t i = 1; i < k; i++)
        if (strcmp(g[i].key, g[i - 1].key) == 0) g[i].first = g[i - 1].first;
    qsort(g, k, sizeof *g, cmp_first);
    size_t n = 0;
    for (size_t i = 0; i < k; i++) {
        if (i == 0 || g[i].first != g[i - 1].first) (*start)[n++] = i;
        (*order)[i] = g[i].i;
    }
    (*start)[n] = k;
    *ngroups = n;
    free(g);
    return 1;
}

int msum_an_studies_view(const msum_an_studies *s, const size_t *idx, size_t n,
                         msum_an_studies *out)
{
    memset(out, 0, sizeof *out);
    out->view = 1;
    out->k = n;
    out->measure = s->measure;
    out->nby = s->nby;
    out->by = s->by;
    out->name = s->name;
    out->columns = s->columns;
    size_t m = n ? n : 1;
    out->yi = malloc(m * sizeof *out->yi);
    out->vi = malloc(m * sizeof *out->vi);
    out->ni = malloc(m * sizeof *out->ni);
    out->line = malloc(m * sizeof *out->line);
    if (s->key) out->key = malloc(m * sizeof *out->key);
    if (s->label) out->label = malloc(m * sizeof *out->label);
    if (s->group) out->group = malloc(m * sizeof *out->group);
    if (!out->yi || !out->vi || !out->ni || !out->line || (s->key && !out->key) ||
        (s->label && !out->label) || (s->group && !out->group)) {
        msum_an_studies_free(out);
        return 0;
    }
    for (size_t j = 0; j < n; j++) {
        size_t i = idx[j];
        out->yi[j] = s->yi[i];
        out->vi[j] = s->vi[i];
        out->ni[j] = s->ni[i];
        out->line[j] = s->line[i];
        if (s->key) out->key[j] = s->key[i];
        if (s->label) out->label[j] = s->label[i];
        if (s->group) out->group[j] = s->group[i];
    }
    return 1;
}

void msum_an_studies_set_group(const msum_an_studies *s, size_t i, msum_table *t, size_t r,
                               size_t col0)
{
    if (!s->group) return;
    const char *p = s->group[i];
    for (size_t c = 0; c < s->nby; c++) {
        size_t n = strcspn(p, "\x1f");
        char buf[256];
        snprintf(buf, sizeof buf, "%.*s", (int)n, p);
        msum_table_set_text(t, r, col0 + c, buf);
        p += n;
        if (*p) p++;
    }
}

static int grow(msum_an_studies *s, size_t *cap, int want_key, int want_label)
{
    if (s->k < *cap) return 1;
    size_t n = *cap ? 2 * *cap : 64;
    double *a = realloc(s->yi, n * sizeof *a);
    if (a) s->yi = a;
    double *b = realloc(s->vi, n * sizeof *b);
    if (b) s->vi = b;
    double *c = realloc(s->ni, n * sizeof *c);
    if (c) s->ni = c;
    long *l = realloc(s->line, n * sizeof *l);
    if (l) s->line = l;
    if (!a || !b || !c || !l) return 0;
    if (want_key) {
        double *kk = realloc(s->key, n * sizeof *kk);
        if (!kk) return 0;
        s->key = kk;
    }
    if (want_label) {
        char **lb = realloc(s->label, n * sizeof *lb);
        if (!lb) return 0;
        s->label = lb;
    }
    if (s->nby) {
        char **gr = realloc(s->group, n * sizeof *gr);
        if (!gr) return 0;
        s->group = gr;
    }
    *cap = n;
    return 1;
}

static double sample_size(const msum_record *r)
{
    const double *x = r->x;
    if (!isnan(x[MSUM_F_NI])) return x[MSUM_F_NI];
    if (!isnan(x[MSUM_F_N1I]) && !isnan(x[MSUM_F_N2I])) return x[MSUM_F_N1I] + x[MSUM_F_N2I];
    if (!isnan(x[MSUM_F_AI]) && !isnan(x[MSUM_F_BI]) && !isnan(x[MSUM_F_CI]) &&
        !isnan(x[MSUM_F_DI]))
        return x[MSUM_F_AI] + x[MSUM_F_BI] + x[MSUM_F_CI] + x[MSUM_F_DI];
    return NAN;
}

/* The measures a form needing one can take, for the message. */
static const char *measures_of(msum_input in)
{
    switch (in) {
    case MSUM_INPUT_COUNTS: return "RR, OR or RD";
    case MSUM_INPUT_PROPORTION: return "PR, PLN, PLO, PAS or PFT";
    case MSUM_INPUT_RATE: return "IR, IRLN, IRS or IRFT";
    case MSUM_INPUT_RATES: return "IRR, IRD or IRSD";
    case MSUM_INPUT_CONTINUOUS:
    case MSUM_INPUT_MEDIAN: return "MD, SMD or ROM";
    default: return NULL;
    }
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

/* The by columns of the header; 0 after a spec error (or on allocation failure, *nomem). */
static int resolve_by(const msum_spec *sp, const msum_typer *ty, msum_an_studies *s, int **c_by,
                      msum_diags *diags, int *nomem)
{
    size_t n = 1;
    for (const char *p = sp->by; *p; p++) n += *p == ',';
    s->by_buf = strdup(sp->by);
    s->by = calloc(n, sizeof *s->by);
    *c_by = calloc(n, sizeof **c_by);
    if (!s->by_buf || !s->by || !*c_by) {
        *nomem = 1;
        return 0;
    }
    for (char *p = s->by_buf, *next; p; p = next) {
        next = strchr(p, ',');
        if (next) *next++ = '\0';
        if (!*p) continue;
        if (((*c_by)[s->nby] = msum_typer_col(ty, p)) < 0) {
            msum_an_spec_error(diags, sp, "by", "%s has no column '%s'", s->name, p);
            return 0;
        }
        s->by[s->nby++] = p;
    }
    return 1;
}

int msum_an_studies_read(const msum_spec *sp, const char *path, msum_measure measure,
                         double level, const char *key_col, msum_an_studies *s,
                         msum_diags *d)
{
    memset(s, 0, sizeof *s);
    msum_reader *rd = NULL;
    msum_typer *ty = NULL;
    int *c_by = NULL, nomem = 0;
    int st = msum_reader_open_opts(path, NULL, &sp->read, d, &rd);
    if (st != MSUM_OK) {
        rd = NULL;
        st = st == MSUM_ENOMEM ? MSUM_ENOMEM
             : st == MSUM_EPARSE || st == MSUM_EDATA ? MSUM_EDATA
                                                    : MSUM_EIO;
        goto done;
    }
    if (!(s->name = strdup(msum_reader_name(rd)))) {
        st = MSUM_ENOMEM;
        goto done;
    }
    st = msum_reader_filter(rd, sp->filter);
    if (st == MSUM_OK) st = msum_typer_from_reader(rd, &sp->read, d, &ty);
    if (st != MSUM_OK) {
        if (st != MSUM_ENOMEM) st = MSUM_EDATA;
        goto done;
    }
    if (!(s->columns = strdup(msum_typer_columns(ty)))) {
        st = MSUM_ENOMEM;
        goto done;
    }
    int c_key = -1, c_label = msum_typer_role_col(ty, "id");
    if (c_label < 0) c_label = msum_typer_role_col(ty, "study");
    if (c_label < 0) c_label = msum_typer_role_col(ty, "author");
    int c_input = msum_typer_role_col(ty, "input");
    if (key_col && (c_key = msum_typer_col(ty, key_col)) < 0) {
        st = msum_an_spec_error(d, sp, "order", "%s has no column '%s'", s->name, key_col);
        goto done;
    }
    if (msum_an_given(sp->by) && !resolve_by(sp, ty, s, &c_by, d, &nomem)) {
        st = nomem ? MSUM_ENOMEM : MSUM_EINVAL;
        goto done;
    }
    msum_escalc_opts eo = MSUM_ESCALC_OPTS_DEFAULT;
    eo.level = level;
    if ((st = msum_an_cc_opts(sp, path, &eo, d)) != MSUM_OK) goto done;
    size_t cap = 0, nrows = 0, novar = 0;
    msum_row row;
    msum_record rec;
    int more;
    while ((more = msum_reader_next(rd, &row)) > 0) {
        nrows++;
        int omitted = 0;
        if (msum_typer_row_na(ty, &row, &rec, d, &omitted) > 0) continue;
        if (omitted) { /* na.omit: warned about by the typer */
            s->skipped++;
            continue;
        }
        const char *need = measures_of(rec.input);
        msum_measure want = MSUM_MEASURE_NONE;
        if (need) {
            if (measure == MSUM_MEASURE_NONE) {
                long line, colno;
                cell_pos(&row, c_input, &line, &colno);
                st = msum_an_spec_error(d, sp, "measure", "%s:%ld: rows of form '%s' need a "
                                        "measure (%s)", s->name, line,
                                        msum_input_name(rec.input), need);
                goto done;
            }
            want = measure;
        } else if (rec.input == MSUM_INPUT_CORRELATION && measure == MSUM_MEASURE_COR) {
            want = measure;
        }
        msum_effect e;
        st = msum_typer_effect(ty, &row, &rec, want, &eo, &e, d);
        if (st == MSUM_EINVAL) {
            if (want == MSUM_MEASURE_NONE)
                msum_an_spec_error(d, sp, "measure", "%s:%ld: %s", s->name, row.row_line,
                                   e.message);
            else
                msum_an_spec_error(d, sp, "measure", "%s:%ld: %s does not apply to rows of "
                                   "form '%s'", s->name, row.row_line, msum_measure_name(want),
                                   msum_input_name(rec.input));
            st = MSUM_EINVAL;
            goto done;
        }
        if (st != MSUM_OK) { /* reported at its cell */
            st = MSUM_OK;
            continue;
        }
        if (isnan(e.yi) || isnan(e.vi)) {
            novar++;
            continue;
        }
        int missing = 0;
        for (size_t j = 0; j < s->nby && !missing; j++) {
            long line, colno;
            cell_pos(&row, c_by[j], &line, &colno);
            missing = msum_check_group_value((size_t)c_by[j] < row.n ? row.cell[c_by[j]] : "",
                                             s->name, line, colno, s->by[j], d);
        }
        if (missing) {
            s->skipped++;
            continue;
        }
        if (s->k > 0 && e.measure != s->measure) {
            msum_diags_add(d, MSUM_DIAG_ERROR, s->name, row.row_line, 0, NULL,
                           "found measure %s, expected %s: one analysis holds one measure "
                           "(select the rows with a filter)",
                           msum_measure_name(e.measure), msum_measure_name(s->measure));
            continue;
        }
        s->measure = e.measure;
        if (!grow(s, &cap, c_key >= 0, c_label >= 0)) {
            st = MSUM_ENOMEM;
            goto done;
        }
        size_t i = s->k;
        s->yi[i] = e.yi;
        s->vi[i] = e.vi;
        s->ni[i] = sample_size(&rec);
        s->line[i] = row.row_line;
        if (c_key >= 0) {
            double v = NAN;
            const char *txt = (size_t)c_key < row.n ? row.cell[c_key] : "";
            size_t len = (size_t)c_key < row.n ? row.len[c_key] : 0;
            if (msum_parse_double(txt, len, &v) != 1) {
                msum_diags_add(d, MSUM_DIAG_ERROR, s->name, row.row_line,
                               (size_t)c_key < row.n ? row.col[c_key] : 0, key_col,
                               "found '%s', expected a number to order by", txt);
                continue;
            }
            s->key[i] = v;
        }
        if (s->nby) {
            size_t len = 0;
            for (size_t j = 0; j < s->nby; j++)
                len += ((size_t)c_by[j] < row.n ? row.len[c_by[j]] : 0) + 1;
            char *g = malloc(len + 1), *q = g;
            if (!g) {
                st = MSUM_ENOMEM;
                goto done;
            }
            for (size_t j = 0; j < s->nby; j++) {
                size_t n = (size_t)c_by[j] < row.n ? row.len[c_by[j]] : 0;
                if (j) *q++ = '\x1f';
                if (n) memcpy(q, row.cell[c_by[j]], n);
                q += n;
            }
            *q = '\0';
            s->group[i] = g;
        }
        if (c_label >= 0) {
            const char *txt = (size_t)c_label < row.n ? row.cell[c_label] : "";
            if (!(s->label[i] = strdup(txt))) {
                st = MSUM_ENOMEM;
                goto done;
            }
        }
        s->k++;
    }
    if (more == 0) msum_check_has_rows(s->name, nrows, sp->filter, d);
    msum_reader_note_blank(rd, d);
    if (novar > 0)
        msum_diags_add(d, MSUM_DIAG_WARNING, s->name, 0, 0, NULL,
                       "%zu row%s without a variance left out (percent_change, fold_change or "
                       "direction rows)", novar, novar == 1 ? "" : "s");
    s->skipped += novar;
    st = more < 0 || msum_diags_errors(d) > 0 ? MSUM_EDATA : MSUM_OK;
    if (st == MSUM_OK && s->k == 0) {
        msum_diags_add(d, MSUM_DIAG_ERROR, s->name, 0, 0, NULL,
                       "no row has an effect with a variance");
        st = MSUM_EDATA;
    }
done:
    free(c_by);
    msum_typer_free(ty);
    msum_reader_free(rd);
    if (st != MSUM_OK) msum_an_studies_free(s);
    return st;
}

int msum_an_studies_columns(const msum_an_studies *st, const msum_spec *s, msum_table *t,
                            const msum_an_coldef *cols, size_t ncols, msum_diags *diags)
{
    for (size_t i = 0; i < st->nby; i++)
        if (msum_table_add_col(t, st->by[i], MSUM_COL_TEXT, "group column (by)") < 0)
            return MSUM_ENOMEM;
    for (size_t i = 0; i < ncols; i++) {
        if (msum_table_col_index(t, cols[i].name) >= 0)
            return msum_an_spec_error(diags, s, "by", "column '%s' is also an output column",
                                      cols[i].name);
        if (msum_table_add_col(t, cols[i].name, cols[i].type, cols[i].desc) < 0)
            return MSUM_ENOMEM;
    }
    return MSUM_OK;
}

void msum_an_studies_meta(const msum_an_studies *st, const msum_spec *s,
                          const msum_pool_opts *po, msum_table *t)
{
    char lv[32];
    msum_table_set_meta(t, "estimator", msum_estimator_name(po->method));
    msum_table_set_meta(t, "test", msum_test_name(po->test));
    msum_fmt_num(po->level, 0, lv, sizeof lv);
    msum_table_set_meta(t, "level", lv);
    msum_table_set_meta(t, "measure", msum_measure_name(st->measure));
    msum_table_set_meta(t, "input", s->dataset);
    if (st->columns && *st->columns) msum_table_set_meta(t, "columns", st->columns);
}

int msum_an_studies_axis(msum_measure m, char *buf, size_t size)
{
    static const char *const name[MSUM_MEASURE_COUNT_] = {
        [MSUM_MEASURE_MD] = "Mean difference", [MSUM_MEASURE_SMD] = "Standardised mean difference",
        [MSUM_MEASURE_ROM] = "Ratio of means", [MSUM_MEASURE_RR] = "Risk ratio",
        [MSUM_MEASURE_OR] = "Odds ratio",      [MSUM_MEASURE_RD] = "Risk difference",
        [MSUM_MEASURE_ZCOR] = "Fisher z",      [MSUM_MEASURE_GEN] = "Estimate"};
    const char *s = (unsigned)m < MSUM_MEASURE_COUNT_ && name[m] ? name[m] : "Estimate";
    int log_scale = msum_measure_scale(m) == MSUM_SCALE_LOG;
    snprintf(buf, size, "%s%s", s, log_scale ? " (log scale)" : "");
    return log_scale;
}

int msum_an_studies_plot_error(msum_diags *diags, const msum_spec *s, const msum_an_studies *st,
                               const char *plot, const char *why)
{
    if (msum_an_given(s->origin))
        msum_diags_add(diags, MSUM_DIAG_ERROR, s->origin, s->line, 0, "plots", "%s: %s", plot,
                       why);
    else
        msum_diags_add(diags, MSUM_DIAG_ERROR, st->name, 0, 0, NULL, "plot %s: %s", plot, why);
    return MSUM_EDATA;
}
