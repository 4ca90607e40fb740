/* Reading an effect CSV into per-study arrays for the bias and sensitivity commands: each row's
 * yi/vi through msum_escalc (or as given), its sample size and its label. */
#include "studies.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "metasum/dataset.h"
#include "metasum/reader.h"

void cli_studies_free(cli_studies *s)
{
    if (!s) return;
    if (!s->view) {
        for (size_t i = 0; s->label && i < s->k; i++) free(s->label[i]);
        for (size_t i = 0; s->group && i < s->k; i++) free(s->group[i]);
        free(s->by);
        free(s->by_buf);
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

int cli_studies_groups(const cli_studies *s, size_t **order, size_t **start, size_t *ngroups)
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

int cli_studies_view(const cli_studies *s, const size_t *idx, size_t n, cli_studies *out)
{
    memset(out, 0, sizeof *out);
    out->view = 1;
    out->k = n;
    out->measure = s->measure;
    out->nby = s->nby;
    out->by = s->by;
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
        cli_studies_free(out);
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

void cli_studies_set_group(const cli_studies *s, size_t i, msum_table *t, size_t r, size_t col0)
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

static int grow(cli_studies *s, size_t *cap, int want_key, int want_label)
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

int cli_studies_read(const char *cmd, const char *file, const char *filter, msum_measure measure,
                     double level, const char *key_col, const char *by, cli_studies *s)
{
    memset(s, 0, sizeof *s);
    msum_diags *d = msum_diags_new();
    if (!d) return EXIT_NUMERICAL;
    msum_reader *rd = NULL;
    msum_typer *ty = NULL;
    int *c_by = NULL;
    int rc = EXIT_OK, st = msum_reader_open(file, NULL, d, &rd);
    if (st != MSUM_OK) {
        rc = st == MSUM_ENOMEM ? EXIT_NUMERICAL : EXIT_IO;
        goto done;
    }
    const char *fname = msum_reader_name(rd);
    st = msum_reader_filter(rd, filter);
    if (st == MSUM_OK) st = msum_typer_new(msum_reader_header(rd), fname, d, &ty);
    if (st != MSUM_OK) {
        rc = st == MSUM_ENOMEM ? EXIT_NUMERICAL : EXIT_DATA;
        goto done;
    }
    int c_key = -1, c_label = msum_typer_col(ty, "id");
    if (c_label < 0) c_label = msum_typer_col(ty, "study");
    if (c_label < 0) c_label = msum_typer_col(ty, "author");
    if (key_col && (c_key = msum_typer_col(ty, key_col)) < 0) {
        cli_error(cmd, "--order: %s has no column '%s'", fname, key_col);
        rc = EXIT_USAGE;
        goto done;
    }
    if (by) {
        size_t n = 1;
        for (const char *p = by; *p; p++) n += *p == ',';
        s->by_buf = strdup(by);
        s->by = calloc(n, sizeof *s->by);
        c_by = calloc(n, sizeof *c_by);
        if (!s->by_buf || !s->by || !c_by) {
            rc = EXIT_NUMERICAL;
            goto done;
        }
        for (char *p = s->by_buf, *next; p; p = next) {
            next = strchr(p, ',');
            if (next) *next++ = '\0';
            if ((c_by[s->nby] = msum_typer_col(ty, p)) < 0) {
                cli_error(cmd, "--by: %s has no column '%s'", fname, p);
                rc = EXIT_USAGE;
                goto done;
            }
            s->by[s->nby++] = p;
        }
    }
    msum_escalc_opts eo = MSUM_ESCALC_OPTS_DEFAULT;
    eo.level = level;
    size_t cap = 0;
    msum_row row;
    msum_record rec;
    int more;
    while ((more = msum_reader_next(rd, &row)) > 0) {
        if (msum_typer_row(ty, &row, &rec, d) > 0) continue;
        int needs = rec.input == MSUM_INPUT_CONTINUOUS || rec.input == MSUM_INPUT_MEDIAN ||
                    rec.input == MSUM_INPUT_COUNTS;
        if (needs && measure == MSUM_MEASURE_NONE) {
            cli_error(cmd, "%s:%ld: rows of form '%s' need --measure (%s)", fname, row.row_line,
                      msum_input_name(rec.input),
                      rec.input == MSUM_INPUT_COUNTS ? "RR, OR or RD" : "MD, SMD or ROM");
            rc = EXIT_USAGE;
            goto done;
        }
        msum_effect e;
        st = msum_escalc(&rec, needs ? measure : MSUM_MEASURE_NONE, &eo, &e);
        if (st != MSUM_OK) {
            const char *cname = e.field >= 0 ? msum_field_name(e.field) : "input";
            int col = msum_typer_col(ty, cname);
            long line = row.row_line, colno = 0;
            if (col >= 0 && (size_t)col < row.n) {
                line = row.line[col];
                colno = row.col[col];
            }
            msum_diags_add(d, MSUM_DIAG_ERROR, fname, line, colno, col >= 0 ? cname : NULL,
                           "%s", e.message);
            continue;
        }
        if (isnan(e.yi) || isnan(e.vi)) {
            s->skipped++;
            continue;
        }
        if (s->k > 0 && e.measure != s->measure) {
            msum_diags_add(d, MSUM_DIAG_ERROR, fname, row.row_line, 0, NULL,
                           "found measure %s, expected %s: one analysis holds one measure "
                           "(select the rows with --filter)",
                           msum_measure_name(e.measure), msum_measure_name(s->measure));
            continue;
        }
        s->measure = e.measure;
        if (!grow(s, &cap, c_key >= 0, c_label >= 0)) {
            rc = EXIT_NUMERICAL;
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
                msum_diags_add(d, MSUM_DIAG_ERROR, fname, row.row_line,
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
                rc = EXIT_NUMERICAL;
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
            s->label[i] = strdup(txt);
            if (!s->label[i]) {
                rc = EXIT_NUMERICAL;
                goto done;
            }
        }
        s->k++;
    }
    if (more < 0) rc = EXIT_DATA;
    if (rc == EXIT_OK && msum_diags_errors(d) > 0) rc = EXIT_DATA;
    if (rc == EXIT_OK && s->k == 0) {
        cli_error(cmd, "%s: no row has an effect with a variance", fname);
        rc = EXIT_DATA;
    }
done:
    free(c_by);
    cli_print_diags(stderr, d);
    msum_typer_free(ty);
    msum_reader_free(rd);
    msum_diags_free(d);
    if (rc != EXIT_OK) cli_studies_free(s);
    return rc;
}

int cli_studies_axis(msum_measure m, char *buf, size_t size)
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

int cli_studies_spec(const analysis_spec *spec, const char *kind, const char *const *names,
                     size_t nnames, const char *expected, msum_measure *measure,
                     msum_pool_opts *po, msum_diags *diags)
{
    if ((*spec->measure && (!msum_measure_parse(spec->measure, measure) ||
                            *measure == MSUM_MEASURE_NONE)) ||
        (*spec->method && msum_estimator_parse(spec->method, &po->method) != MSUM_OK) ||
        (*spec->test && msum_test_parse(spec->test, &po->test) != MSUM_OK)) {
        msum_diags_add(diags, MSUM_DIAG_ERROR, spec->manifest, spec->line, 0, NULL,
                       "unknown measure '%s', method '%s' or test '%s' (see 'metasum %s "
                       "--help')", spec->measure, spec->method, spec->test, kind);
        return MSUM_EDATA;
    }
    for (const char *p = spec->plots; *p;) {
        size_t n = strcspn(p, ";");
        int known = 0;
        for (size_t i = 0; i < nnames; i++)
            known |= n == strlen(names[i]) && strncmp(p, names[i], n) == 0;
        if (!known) {
            msum_diags_add(diags, MSUM_DIAG_ERROR, spec->manifest, spec->line, 0, "plots",
                           "found '%.*s', expected %s for kind %s", (int)n, p, expected, kind);
            return MSUM_EDATA;
        }
        p += n + (p[n] == ';');
    }
    return MSUM_OK;
}
