/* Whole-file validation: the dataset as read and typed, then the checks that need the whole
 * file or its neighbours -- required columns, unique ids, dictionary keys, provenance, and the
 * warnings (direction-only rows, source x outcome groups with one numeric effect).
 */
#include "metasum/validate.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "metasum/dataset.h"
#include "metasum/dict.h"
#include "metasum/metasum.h"
#include "metasum/provenance.h"

/* The dictionary file `base` beside path (NULL when path is stdin or the file does not exist);
 * malloc'd. */
static char *beside(const char *path, const char *base)
{
    if (strcmp(path, "-") == 0) return NULL;
    const char *slash = strrchr(path, '/');
    size_t dir = slash ? (size_t)(slash - path) + 1 : 0;
    char *p = malloc(dir + strlen(base) + 1);
    if (!p) return NULL;
    memcpy(p, path, dir);
    strcpy(p + dir, base);
    if (access(p, F_OK) != 0) {
        free(p);
        return NULL;
    }
    return p;
}

typedef struct {
    const char *col;      /* effect-file column holding the key */
    const char *file;     /* default file name beside the effect file */
    int required;         /* the column must exist and be filled when the dictionary exists */
    msum_dict *dict;
} dict_use;

static void pos(const msum_dataset *ds, size_t r, int c, long *line, long *col)
{
    if (c >= 0) msum_dataset_pos(ds, r, (size_t)c, line, col);
    else {
        *line = msum_dataset_line(ds, r);
        *col = 0;
    }
}

/* Fields whose numbers must appear in the quote: every reported number except the sampling
 * variance and the sample sizes (usually stated in methods and legends, not beside the result). */
static int quoted_field(int f)
{
    return f != MSUM_F_VI && f != MSUM_F_N1I && f != MSUM_F_N2I && f != MSUM_F_NI;
}

/* Rows sorted by the text of one or two columns (then by row), so equal keys are adjacent and
 * the first of a run is the first in the file: duplicates and groups in O(n log n). */
typedef struct {
    const char *k1, *k2;
    size_t row;
} keyed;

static int cmp_keyed(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    int c = strcmp(x->k1, y->k1);
    if (c == 0) c = strcmp(x->k2, y->k2);
    return c ? c : (x->row > y->row) - (x->row < y->row);
}

static size_t *sorted_rows(const msum_dataset *ds, int c1, int c2)
{
    size_t n = msum_dataset_nrows(ds);
    keyed *k = malloc((n ? n : 1) * sizeof *k);
    size_t *idx = malloc((n ? n : 1) * sizeof *idx);
    if (!k || !idx) {
        free(k);
        free(idx);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        k[i].k1 = msum_dataset_cell(ds, i, (size_t)c1);
        k[i].k2 = c2 >= 0 ? msum_dataset_cell(ds, i, (size_t)c2) : "";
        k[i].row = i;
    }
    qsort(k, n, sizeof *k, cmp_keyed);
    for (size_t i = 0; i < n; i++) idx[i] = k[i].row;
    free(k);
    return idx;
}

static int same_key(const msum_dataset *ds, size_t a, size_t b, int c1, int c2)
{
    if (strcmp(msum_dataset_cell(ds, a, (size_t)c1), msum_dataset_cell(ds, b, (size_t)c1)) != 0)
        return 0;
    return c2 < 0 ||
           strcmp(msum_dataset_cell(ds, a, (size_t)c2), msum_dataset_cell(ds, b, (size_t)c2)) == 0;
}

static int check_ids(const msum_dataset *ds, msum_diags *dg)
{
    const char *name = msum_dataset_name(ds);
    int c = msum_dataset_col(ds, "id");
    if (c < 0) {
        msum_diags_add(dg, MSUM_DIAG_ERROR, name, 1, 0, "id",
                       "missing required column (found none in the header, expected a unique "
                       "identifier per row)");
        return MSUM_OK;
    }
    size_t n = msum_dataset_nrows(ds);
    size_t *idx = sorted_rows(ds, c, -1);
    if (!idx) return MSUM_ENOMEM;
    for (size_t i = 0, first = 0; i < n; i++) {
        size_t r = idx[i];
        const char *id = msum_dataset_cell(ds, r, (size_t)c);
        long line, col;
        pos(ds, r, c, &line, &col);
        if (!*id) {
            msum_diags_add(dg, MSUM_DIAG_ERROR, name, line, col, "id",
                           "found '', expected a unique row identifier");
            continue;
        }
        if (i == 0 || !same_key(ds, idx[i - 1], r, c, -1)) {
            first = r;
            continue;
        }
        msum_diags_add(dg, MSUM_DIAG_ERROR, name, line, col, "id",
                       "found '%s' again, expected unique ids (first on line %ld)", id,
                       msum_dataset_line(ds, first));
    }
    free(idx);
    return MSUM_OK;
}

static void check_keys(const msum_dataset *ds, const dict_use *u, msum_diags *dg)
{
    const char *name = msum_dataset_name(ds);
    int c = msum_dataset_col(ds, u->col);
    if (c < 0) {
        if (u->required)
            msum_diags_add(dg, MSUM_DIAG_ERROR, name, 1, 0, u->col,
                           "found no such column, expected a missing required column '%s' "
                           "(keys into %s)", u->col, msum_dict_name(u->dict));
        return;
    }
    for (size_t r = 0; r < msum_dataset_nrows(ds); r++) {
        const char *k = msum_dataset_cell(ds, r, (size_t)c);
        long line, col;
        pos(ds, r, c, &line, &col);
        if (!*k) {
            if (u->required)
                msum_diags_add(dg, MSUM_DIAG_ERROR, name, line, col, u->col,
                               "found '', expected a key of %s", msum_dict_name(u->dict));
            continue;
        }
        if (msum_dict_find(u->dict, k) < 0)
            msum_diags_add(dg, MSUM_DIAG_ERROR, name, line, col, u->col,
                           "found '%s', expected a key of %s", k, msum_dict_name(u->dict));
    }
}

/* Text of a cell for a message: at most ~60 bytes, cut on a character boundary. */
static const char *shorten(const char *s, char *buf, size_t size)
{
    size_t n = strlen(s);
    if (n < 64 && n < size) return s;
    size_t cut = 60 < size - 4 ? 60 : size - 4;
    while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80) cut--;
    memcpy(buf, s, cut);
    strcpy(buf + cut, "...");
    return buf;
}

static int check_provenance(const msum_dataset *ds, const char *norm_source, msum_diags *dg)
{
    const char *name = msum_dataset_name(ds);
    int qc = msum_dataset_col(ds, "quote");
    if (qc < 0) return MSUM_OK;
    char buf[96];
    for (size_t r = 0; r < msum_dataset_nrows(ds); r++) {
        const char *q = msum_dataset_cell(ds, r, (size_t)qc);
        if (!*q) continue;
        const msum_record *rec = msum_dataset_record(ds, r);
        for (int f = 0; f < MSUM_F_COUNT_; f++) {
            if (isnan(rec->x[f]) || !quoted_field(f)) continue;
            int has = msum_text_has_number(q, rec->x[f]);
            if (has < 0) return MSUM_ENOMEM;
            if (has) continue;
            int c = msum_dataset_col(ds, msum_field_name((msum_field)f));
            long line, col;
            pos(ds, r, c, &line, &col);
            double nums[8];
            size_t k = msum_text_numbers(q, nums, 8);
            char list[128] = "";
            for (size_t i = 0; i < k && i < 8; i++) {
                size_t l = strlen(list);
                snprintf(list + l, sizeof list - l, "%s%g", i ? ", " : "", nums[i]);
            }
            if (k > 8) strncat(list, ", ...", sizeof list - strlen(list) - 1);
            msum_diags_add(dg, MSUM_DIAG_ERROR, name, line, col, msum_field_name((msum_field)f),
                           "found '%s', expected a number stated in the quote (%s%s)",
                           msum_dataset_cell(ds, r, (size_t)c),
                           k ? "it states " : "it states no number", list);
        }
        if (norm_source) {
            int in = msum_quote_in_source(q, norm_source);
            if (in < 0) return MSUM_ENOMEM;
            if (!in) {
                long line, col;
                pos(ds, r, qc, &line, &col);
                msum_diags_add(dg, MSUM_DIAG_ERROR, name, line, col, "quote",
                               "found '%s', expected a verbatim span of the source text (compared "
                               "without white space, full-width forms folded)",
                               shorten(q, buf, sizeof buf));
            }
        }
    }
    return MSUM_OK;
}

static void check_words(const msum_dataset *ds, msum_diags *dg)
{
    static const struct {
        const char *col;
        const char *const words[8];
        const char *expected;
    } w[] = {
        {"effect_of", {"treatment", "exposure"}, "treatment or exposure"},
        {"time_unit", {"min", "h", "day", "week", "month", "year", "passage"},
         "one of min, h, day, week, month, year, passage"},
    };
    for (size_t i = 0; i < sizeof w / sizeof w[0]; i++) {
        int c = msum_dataset_col(ds, w[i].col);
        if (c < 0) continue;
        for (size_t r = 0; r < msum_dataset_nrows(ds); r++) {
            const char *s = msum_dataset_cell(ds, r, (size_t)c);
            if (!*s) continue;
            int ok = 0;
            for (size_t k = 0; k < 8 && w[i].words[k]; k++) ok |= strcmp(s, w[i].words[k]) == 0;
            if (!ok) {
                long line, col;
                pos(ds, r, c, &line, &col);
                msum_diags_add(dg, MSUM_DIAG_ERROR, msum_dataset_name(ds), line, col, w[i].col,
                               "found '%s', expected %s", s, w[i].expected);
            }
        }
    }
}

static int numeric(const msum_record *r)
{
    return r->input != MSUM_INPUT_NONE && r->input != MSUM_INPUT_DIRECTION;
}

/* Warnings: direction-only rows, and source x outcome groups with a single numeric effect
 * (nothing to pool or compare).  Rows of the insult alone (effect_of = exposure) are left out of
 * the groups. */
static int warnings(const msum_dataset *ds, msum_diags *dg)
{
    const char *name = msum_dataset_name(ds);
    int ci = msum_dataset_col(ds, "input");
    int cs = msum_dataset_col(ds, "source"), co = msum_dataset_col(ds, "outcome");
    int ce = msum_dataset_col(ds, "effect_of");
    size_t n = msum_dataset_nrows(ds);
    for (size_t r = 0; r < n; r++) {
        if (msum_dataset_record(ds, r)->input != MSUM_INPUT_DIRECTION) continue;
        long line, col;
        pos(ds, r, ci, &line, &col);
        msum_diags_add(dg, MSUM_DIAG_WARNING, name, line, col, ci >= 0 ? "input" : NULL,
                       "direction-only row: counted in vote counts and the evidence map, "
                       "not pooled");
    }
    if (cs < 0 || co < 0) return MSUM_OK;
    size_t *idx = sorted_rows(ds, cs, co);
    if (!idx) return MSUM_ENOMEM;
    for (size_t i = 0; i < n;) {
        size_t j = i, k = 0, last = 0;
        for (; j < n && same_key(ds, idx[i], idx[j], cs, co); j++) {
            size_t r = idx[j];
            if (!numeric(msum_dataset_record(ds, r))) continue;
            if (ce >= 0 && strcmp(msum_dataset_cell(ds, r, (size_t)ce), "exposure") == 0) continue;
            k++;
            last = r;
        }
        const char *s = msum_dataset_cell(ds, idx[i], (size_t)cs);
        const char *o = msum_dataset_cell(ds, idx[i], (size_t)co);
        if (k == 1 && *s && *o)
            msum_diags_add(dg, MSUM_DIAG_WARNING, name, msum_dataset_line(ds, last), 0, NULL,
                           "source '%s' x outcome '%s' has k = 1 numeric effect: nothing to "
                           "pool or compare", s, o);
        i = j;
    }
    free(idx);
    return MSUM_OK;
}

int msum_validate_file(const char *path, const msum_validate_opts *o, msum_diags *dg,
                       size_t *nrows)
{
    msum_validate_opts def = MSUM_VALIDATE_OPTS_DEFAULT;
    if (!o) o = &def;
    if (nrows) *nrows = 0;
    dict_use uses[] = {
        {"ref", "references.csv", 1, NULL},
        {"outcome", "outcomes.csv", 1, NULL},
        {"source", "sources.csv", 0, NULL},
        {"preparation", "preparations.csv", 0, NULL},
    };
    const char *given[] = {o->refs, o->outcomes, o->sources, o->preparations};
    msum_dataset *ds = NULL;
    int rc = o->read ? msum_dataset_read_opts(path, NULL, o->read, dg, &ds)
                     : msum_dataset_read(path, dg, &ds);
    if (rc == MSUM_EIO || rc == MSUM_ENOMEM) return rc;
    rc = MSUM_OK;
    if (nrows) *nrows = msum_dataset_nrows(ds);
    for (size_t i = 0; i < 4; i++) {
        char *p = given[i] ? NULL : beside(path, uses[i].file);
        const char *file = given[i] ? given[i] : p;
        if (file) {
            int drc = msum_dict_read(file, uses[i].col, dg, &uses[i].dict);
            if (drc == MSUM_EIO || drc == MSUM_ENOMEM) rc = drc;
        }
        free(p);
    }
    if (rc == MSUM_OK) {
        rc = check_ids(ds, dg);
        for (size_t i = 0; i < 4; i++)
            if (uses[i].dict) check_keys(ds, &uses[i], dg);
        check_words(ds, dg);
        if (rc == MSUM_OK) rc = check_provenance(ds, o->norm_source, dg);
        if (rc == MSUM_OK) rc = warnings(ds, dg);
    }
    for (size_t i = 0; i < 4; i++) msum_dict_free(uses[i].dict);
    msum_dataset_free(ds);
    return rc;
}
