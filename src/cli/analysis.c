/* Running one manifest analysis: resolve its dataset, dispatch on its kind; shared helpers. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "cli.h"
#include "metasum/findings.h"
#include "metasum/reader.h"

static const struct {
    const char *kind;
    analysis_fn run;
} kinds[] = {
    {"effects", analysis_effects},
    {"pool", analysis_pool},
    {"compare", analysis_compare},
    {"summarize", analysis_summarize},
    {"bias", analysis_bias},
    {"sensitivity", analysis_sensitivity},
    {"table", analysis_table},
};

/* The findings table (metasum/findings.h) after the kind's tables, unless the kind's runner
 * made its own (the page shows it first wherever it is; the workbook keeps its sheet order). */
static int add_findings(const char *kind, analysis_output *out)
{
    for (size_t i = 0; i < out->ntables; i++)
        if (strcmp(msum_table_name(out->tables[i]), "findings") == 0) return MSUM_OK;
    msum_table *f = NULL;
    int st = msum_findings_make(kind, (const msum_table *const *)out->tables, out->ntables, &f);
    if (st != MSUM_OK || !f) return st;
    return analysis_add_table(out, f);
}

int analysis_run(const analysis_spec *spec, const char *basedir, analysis_output *out,
                 msum_diags *diags)
{
    analysis_fn run = NULL;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(spec->kind, kinds[i].kind) == 0) run = kinds[i].run;
    if (!run) {
        msum_diags_add(diags, MSUM_DIAG_ERROR, spec->manifest, spec->line, 0, "kind",
                       "found '%s', expected effects, pool, compare, summarize, bias, "
                       "sensitivity or table",
                       spec->kind);
        return MSUM_EDATA;
    }
    size_t plen = strlen(basedir) + strlen(spec->dataset) + 2;
    char *path = malloc(plen);
    if (!path) return MSUM_ENOMEM;
    if (spec->dataset[0] == '/') snprintf(path, plen, "%s", spec->dataset);
    else snprintf(path, plen, "%s/%s", basedir, spec->dataset);
    int st = run(spec, path, out, diags);
    free(path);
    return st == MSUM_OK ? add_findings(spec->kind, out) : st;
}

int analysis_status(int exit_code)
{
    switch (exit_code) {
    case EXIT_OK: return MSUM_OK;
    case EXIT_IO: return MSUM_EIO;
    case EXIT_NUMERICAL: return MSUM_ENOCONV;
    default: return MSUM_EDATA;
    }
}

char *analysis_list(const char *s)
{
    char *c = strdup(s ? s : "");
    for (char *p = c; p && *p; p++)
        if (*p == ';') *p = ',';
    return c;
}

int analysis_list_has(const char *list, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = list; p && *p;) {
        const char *end = strchr(p, ';');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == n && memcmp(p, word, n) == 0) return 1;
        p += len + (end != NULL);
    }
    return 0;
}

/* Capture what a plot writer prints into a string. */
#define CAPTURE(call)                                                                          \
    do {                                                                                       \
        char *buf = NULL;                                                                      \
        size_t len = 0;                                                                        \
        FILE *fp = open_memstream(&buf, &len);                                                 \
        if (!fp) return NULL;                                                                  \
        int st_ = (call);                                                                      \
        if (fclose(fp) != 0 || st_ != MSUM_OK) {                                               \
            free(buf);                                                                         \
            return NULL;                                                                       \
        }                                                                                      \
        return buf;                                                                            \
    } while (0)

char *analysis_svg_forest(const msum_forest_data *d) { CAPTURE(msum_svg_forest(fp, d)); }
char *analysis_svg_funnel(const msum_funnel_data *d) { CAPTURE(msum_svg_funnel(fp, d)); }
char *analysis_svg_heatmap(const msum_heatmap_data *d) { CAPTURE(msum_svg_heatmap(fp, d)); }
char *analysis_svg_bias_funnel(const msum_bias_funnel_data *d)
{
    CAPTURE(msum_svg_bias_funnel(fp, d));
}
char *analysis_svg_baujat(const msum_baujat_data *d) { CAPTURE(msum_svg_baujat(fp, d)); }
char *analysis_svg_radial(const msum_radial_data *d) { CAPTURE(msum_svg_radial(fp, d)); }
char *analysis_svg_influence(const msum_influence_panel_data *d)
{
    CAPTURE(msum_svg_influence(fp, d));
}

/* For each of the nc columns: is every non-missing cell an integer (and at least one there)?
 * One pass over the CSV; a calloc'ed array the caller frees, or NULL. */
static unsigned char *integer_columns(const char *csv, size_t len, size_t nc)
{
    unsigned char *isint = malloc(nc + 1), *any = calloc(nc + 1, 1);
    msum_reader *r = NULL;
    msum_diags *d = msum_diags_new();
    int ok = isint && any && d && msum_reader_open_mem(csv, len, "table", 0, d, &r) == MSUM_OK;
    if (isint) memset(isint, 1, nc + 1);
    msum_row row;
    while (ok && msum_reader_next(r, &row) == 1)
        for (size_t c = 0; c < nc && c < row.n; c++) {
            double v;
            int got = msum_parse_double(row.cell[c], row.len[c], &v);
            if (got < 0 || (got == 1 && v != floor(v))) isint[c] = 0;
            any[c] |= got == 1;
        }
    for (size_t c = 0; ok && c < nc; c++) isint[c] &= any[c];
    msum_reader_free(r);
    msum_diags_free(d);
    free(any);
    if (!ok) {
        free(isint);
        return NULL;
    }
    return isint;
}


msum_table *analysis_table_from_csv(const char *csv, size_t len, const char *name,
                                    const char *title, const char *const *numeric, size_t nnum)
{
    msum_diags *d = msum_diags_new();
    msum_reader *r = NULL;
    msum_table *t = msum_table_new(name, title);
    if (!d || !t || msum_reader_open_mem(csv, len, "effects", 0, d, &r) != MSUM_OK) {
        msum_diags_free(d);
        msum_table_free(t);
        return NULL;
    }
    const msum_row *h = msum_reader_header(r);
    size_t nc = h->n;
    msum_coltype *type = calloc(nc + 1, sizeof *type);
    unsigned char *isint = integer_columns(csv, len, nc);
    int ok = type && isint;
    for (size_t c = 0; ok && c < nc; c++) {
        const char *nm = h->cell[c];
        int computed = 0;
        for (size_t i = 0; i < nnum; i++) computed |= strcmp(nm, numeric[i]) == 0;
        type[c] = computed ? MSUM_COL_NUM
                  : strcmp(nm, "line") == 0 || isint[c] ? MSUM_COL_INT
                                                        : MSUM_COL_TEXT;
        ok = msum_table_add_col(t, nm, type[c], NULL) >= 0;
    }
    msum_row row;
    while (ok && msum_reader_next(r, &row) == 1) {
        long i = msum_table_add_row(t);
        ok = i >= 0;
        for (size_t c = 0; ok && c < nc && c < row.n; c++) {
            double v;
            if (type[c] == MSUM_COL_TEXT) {
                if (row.len[c] && strcmp(row.cell[c], "NA") != 0)
                    ok = msum_table_set_text(t, (size_t)i, c, row.cell[c]) == MSUM_OK;
            } else if (msum_parse_double(row.cell[c], row.len[c], &v) == 1) {
                msum_table_set_num(t, (size_t)i, c, v);
            }
        }
    }
    free(type);
    free(isint);
    msum_reader_free(r);
    msum_diags_free(d);
    if (!ok) {
        msum_table_free(t);
        return NULL;
    }
    return t;
}


int analysis_table(const analysis_spec *spec, const char *path, analysis_output *out,
                   msum_diags *diags)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        msum_diags_add(diags, MSUM_DIAG_ERROR, path, 0, 0, NULL, "cannot open: %s",
                       strerror(errno));
        return MSUM_EIO;
    }
    char *buf = NULL;
    size_t len = 0, cap = 0, got;
    int st = MSUM_OK;
    do {
        if (cap - len < 65536) {
            char *nb = realloc(buf, cap = 2 * cap + 65536);
            if (!nb) {
                st = MSUM_ENOMEM;
                break;
            }
            buf = nb;
        }
        got = fread(buf + len, 1, cap - len, fp);
        len += got;
    } while (got > 0);
    if (ferror(fp)) st = MSUM_EIO;
    fclose(fp);
    /* a strict pass first, so a malformed file is reported with its positions */
    msum_reader *r = NULL;
    if (st == MSUM_OK && (st = msum_reader_open_mem(buf, len, spec->dataset, 0, diags, &r)) ==
                             MSUM_OK) {
        st = msum_reader_filter(r, spec->filter);
        msum_row row;
        int more;
        while (st == MSUM_OK && (more = msum_reader_next(r, &row)) > 0) {}
        if (st == MSUM_OK && (more < 0 || msum_diags_errors(diags))) st = MSUM_EDATA;
        msum_reader_free(r);
    }
    if (st == MSUM_OK && *spec->filter) {
        msum_diags_add(diags, MSUM_DIAG_ERROR, spec->manifest, spec->line, 0, "filter",
                       "kind 'table' shows the whole file; a filter is not supported");
        st = MSUM_EDATA;
    }
    if (st == MSUM_OK) {
        char stem[256];
        const char *base = strrchr(spec->dataset, '/');
        snprintf(stem, sizeof stem, "%s", base ? base + 1 : spec->dataset);
        char *dot = strrchr(stem, '.');
        if (dot) *dot = 0;
        msum_table *t = analysis_table_from_csv(buf, len, stem,
                                                *spec->title ? spec->title : spec->id, NULL, 0);
        if (t) msum_table_set_meta(t, "input", spec->dataset);
        st = analysis_add_table(out, t);
    }
    free(buf);
    return st;
}
