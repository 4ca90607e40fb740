/* Dictionaries (references, outcomes, sources, preparations): small CSVs read whole with the
 * streaming reader, keys checked for presence and uniqueness, looked up by key.
 */
#include "metasum/dict.h"

#include <stdlib.h>
#include <string.h>

#include "metasum/metasum.h"
#include "metasum/reader.h"
#include "../core/strindex.h"

struct msum_dict {
    char *name;
    size_t ncols, nrows, cap;
    char **colname;
    char **cell; /* nrows * ncols, each malloc'd ("" for short rows) */
    int keycol;
    msum_benefit *benefit;
    msum_strix *bykey; /* keys in text order: lookups are O(log n) */
};

void msum_dict_free(msum_dict *d)
{
    if (!d) return;
    for (size_t i = 0; i < d->ncols; i++) free(d->colname[i]);
    for (size_t i = 0; i < d->nrows * d->ncols; i++) free(d->cell[i]);
    free(d->colname);
    free(d->cell);
    free(d->benefit);
    free(d->bykey);
    free(d->name);
    free(d);
}

static const char *const benefit_names[] = {"", "increase", "decrease", "none"};

const char *msum_benefit_name(msum_benefit b)
{
    return (b >= 0 && b <= MSUM_BENEFIT_NONE) ? benefit_names[b] : "";
}

static int add_row(msum_dict *d, const msum_row *row)
{
    if (d->nrows == d->cap) {
        size_t cap = d->cap ? 2 * d->cap : 32;
        char **c = realloc(d->cell, cap * d->ncols * sizeof *c);
        if (!c) return MSUM_ENOMEM;
        d->cell = c;
        msum_benefit *b = realloc(d->benefit, cap * sizeof *b);
        if (!b) return MSUM_ENOMEM;
        d->benefit = b;
        d->cap = cap;
    }
    char **c = d->cell + d->nrows * d->ncols;
    for (size_t j = 0; j < d->ncols; j++) {
        c[j] = strdup(j < row->n ? row->cell[j] : "");
        if (!c[j]) {
            while (j-- > 0) free(c[j]);
            return MSUM_ENOMEM;
        }
    }
    d->benefit[d->nrows] = MSUM_BENEFIT_UNKNOWN;
    d->nrows++;
    return MSUM_OK;
}

/* Sort the keys once: a repeated key follows its first use, so repeats are found by a scan
 * (O(n log n), not a comparison of every pair) and msum_dict_find is a binary search. */
static int index_keys(msum_dict *d, const char *key, const long *lines, const long *kpos,
                      msum_diags *diags)
{
    if (d->keycol < 0) return MSUM_OK;
    const char **keys = malloc((d->nrows ? d->nrows : 1) * sizeof *keys);
    if (!keys) return MSUM_ENOMEM;
    for (size_t r = 0; r < d->nrows; r++) keys[r] = d->cell[r * d->ncols + (size_t)d->keycol];
    d->bykey = msum_strix_new(keys, d->nrows);
    free(keys);
    if (!d->bykey) return MSUM_ENOMEM;
    for (size_t k = 1, first = 0; k < d->nrows; k++) {
        const msum_strix *e = &d->bykey[k], *f = &d->bykey[first];
        if (strcmp(e->text, f->text) != 0) {
            first = k;
            continue;
        }
        if (*e->text) /* an empty key is reported as such */
            msum_diags_add(diags, MSUM_DIAG_ERROR, d->name, kpos[2 * e->pos],
                           kpos[2 * e->pos + 1], key,
                           "found '%s' again, expected unique keys (first on line %ld)", e->text,
                           lines[f->pos]);
    }
    return MSUM_OK;
}

/* Key checks need the line of each kept row; kept beside the rows while reading. */
int msum_dict_read(const char *path, const char *key, msum_diags *diags, msum_dict **out)
{
    *out = NULL;
    msum_reader *rd = NULL;
    int rc = msum_reader_open(path, NULL, diags, &rd);
    if (rc != MSUM_OK) return rc;
    msum_dict *d = calloc(1, sizeof *d);
    long *lines = NULL, *kpos = NULL; /* per row: its line; its key's line and column */
    if (!d || !(d->name = strdup(msum_reader_name(rd)))) {
        rc = MSUM_ENOMEM;
        goto fail;
    }
    const msum_row *h = msum_reader_header(rd);
    d->keycol = -1;
    d->colname = calloc(h->n ? h->n : 1, sizeof *d->colname);
    if (!d->colname) {
        rc = MSUM_ENOMEM;
        goto fail;
    }
    int bcol = -1;
    for (size_t j = 0; j < h->n; j++) {
        if (!(d->colname[j] = strdup(h->cell[j]))) {
            rc = MSUM_ENOMEM;
            goto fail;
        }
        d->ncols = j + 1;
        if (d->keycol < 0 && strcmp(h->cell[j], key) == 0) d->keycol = (int)j;
        if (bcol < 0 && strcmp(h->cell[j], "beneficial") == 0) bcol = (int)j;
    }
    int is_outcomes = strcmp(key, "outcome") == 0;
    if (d->keycol < 0)
        msum_diags_add(diags, MSUM_DIAG_ERROR, d->name, 1, 0, NULL,
                       "found no column '%s', expected the key column of this dictionary", key);
    if (is_outcomes && bcol < 0 && h->n > 0)
        msum_diags_add(diags, MSUM_DIAG_ERROR, d->name, 1, 0, NULL,
                       "found no column 'beneficial', expected one (increase, decrease or none "
                       "per outcome)");
    msum_row row;
    int got;
    size_t lcap = 0;
    while ((got = msum_reader_next(rd, &row)) == 1) {
        if ((rc = add_row(d, &row)) != MSUM_OK) goto fail;
        if (d->nrows > lcap) {
            lcap = lcap ? 2 * lcap : 32;
            long *l = realloc(lines, lcap * sizeof *l);
            if (l) lines = l;
            long *kp = l ? realloc(kpos, 2 * lcap * sizeof *kp) : NULL;
            if (!kp) {
                rc = MSUM_ENOMEM;
                goto fail;
            }
            kpos = kp;
        }
        lines[d->nrows - 1] = row.row_line;
        size_t r = d->nrows - 1;
        if (d->keycol >= 0) {
            const char *k = d->cell[r * d->ncols + (size_t)d->keycol];
            long kl = (size_t)d->keycol < row.n ? row.line[d->keycol] : row.row_line;
            long kc = (size_t)d->keycol < row.n ? row.col[d->keycol] : 0;
            if (!*k)
                msum_diags_add(diags, MSUM_DIAG_ERROR, d->name, kl, kc, key,
                               "found '', expected a key");
            kpos[2 * r] = kl;
            kpos[2 * r + 1] = kc;
        }
        if (bcol >= 0) {
            const char *b = d->cell[r * d->ncols + (size_t)bcol];
            int ok = 0;
            for (int v = 1; v <= MSUM_BENEFIT_NONE; v++)
                if (strcmp(b, benefit_names[v]) == 0) {
                    d->benefit[r] = (msum_benefit)v;
                    ok = 1;
                }
            if (!ok && is_outcomes)
                msum_diags_add(diags, MSUM_DIAG_ERROR, d->name,
                               (size_t)bcol < row.n ? row.line[bcol] : row.row_line,
                               (size_t)bcol < row.n ? row.col[bcol] : 0, "beneficial",
                               "found '%s', expected increase, decrease or none", b);
        }
    }
    if (got >= 0 || -got == MSUM_EPARSE) rc = index_keys(d, key, lines, kpos, diags);
    free(lines);
    free(kpos);
    msum_reader_free(rd);
    if (rc != MSUM_OK) {
        msum_dict_free(d);
        return rc;
    }
    if (got < 0 && -got != MSUM_EPARSE) {
        msum_dict_free(d);
        return -got;
    }
    *out = d;
    return got < 0 ? MSUM_EPARSE : MSUM_OK;
fail:
    free(lines);
    free(kpos);
    msum_reader_free(rd);
    msum_dict_free(d);
    return rc;
}

const char *msum_dict_name(const msum_dict *d) { return d->name; }
size_t msum_dict_size(const msum_dict *d) { return d->nrows; }

const char *msum_dict_key(const msum_dict *d, size_t i)
{
    return (i < d->nrows && d->keycol >= 0) ? d->cell[i * d->ncols + (size_t)d->keycol] : NULL;
}

long msum_dict_find(const msum_dict *d, const char *key)
{
    if (!d || !d->bykey || !key) return -1;
    return msum_strix_find(d->bykey, d->nrows, key);
}

const char *msum_dict_get(const msum_dict *d, const char *key, const char *column)
{
    long i = msum_dict_find(d, key);
    if (i < 0) return NULL;
    for (size_t j = 0; j < d->ncols; j++)
        if (strcmp(d->colname[j], column) == 0) return d->cell[(size_t)i * d->ncols + j];
    return NULL;
}

msum_benefit msum_dict_beneficial(const msum_dict *d, const char *outcome)
{
    long i = msum_dict_find(d, outcome);
    return i < 0 ? MSUM_BENEFIT_UNKNOWN : d->benefit[i];
}
