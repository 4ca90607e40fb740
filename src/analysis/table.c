/* Kind "table": the CSV file itself as a table (dictionaries, references), and the reading of
 * CSV text into a typed table that other kinds share. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis_int.h"
#include "metasum/diag.h"
#include "metasum/reader.h"

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


msum_table *msum_an_table_from_csv(const char *csv, size_t len, const char *name,
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


int msum_an_table(const msum_spec *spec, const char *path, msum_result *out, msum_diags *diags)
{
    /* the settings first: a bad setting is reported whatever the file holds */
    if (msum_an_given(spec->filter))
        return msum_an_spec_error(diags, spec, "filter",
                                  "kind 'table' shows the whole file; a filter is not supported");
    if (msum_an_given(spec->plots))
        return msum_an_spec_error(diags, spec, "plots", "found '%s', but kind 'table' draws no "
                                  "plots", spec->plots);
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
        msum_row row;
        int more;
        while (st == MSUM_OK && (more = msum_reader_next(r, &row)) > 0) {}
        if (st == MSUM_OK && (more < 0 || msum_diags_errors(diags))) st = MSUM_EDATA;
        msum_reader_free(r);
    }
    if (st == MSUM_OK) {
        char stem[256];
        const char *base = strrchr(spec->dataset, '/');
        snprintf(stem, sizeof stem, "%s", base ? base + 1 : spec->dataset);
        char *dot = strrchr(stem, '.');
        if (dot) *dot = 0;
        msum_table *t = msum_an_table_from_csv(
            buf, len, stem, msum_an_given(spec->title) ? spec->title : spec->id, NULL, 0);
        if (t) msum_table_set_meta(t, "input", spec->dataset);
        st = msum_result_add_table(out, t);
    }
    free(buf);
    return st;
}
