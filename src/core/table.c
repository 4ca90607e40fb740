/* Tidy result tables: the one data model every analysis produces and every writer renders. */
#include "metasum/metasum.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *name, *desc;
    msum_coltype type;
} column;

typedef union {
    double num;
    char *text;
} cell;

/* Text cells live in blocks owned by the table (one allocation per 64 KiB of text, not one per
 * cell); a replaced cell's old text stays until the table is freed. */
typedef struct strblock {
    struct strblock *next;
    size_t used, cap;
    char data[];
} strblock;

struct msum_table {
    char *name, *title;
    column *cols;
    size_t ncols, colcap;
    cell *cells;     /* row-major, nrows x ncols; fixed once the first row exists */
    size_t nrows, rowcap;
    char **meta;     /* key, value pairs */
    size_t nmeta, metacap;
    strblock *text;  /* text of the cells, newest block first */
};

/* A copy of s in the table's text blocks, or NULL when memory runs out. */
static char *cell_strdup(msum_table *t, const char *s)
{
    size_t n = strlen(s) + 1;
    strblock *b = t->text;
    if (!b || b->cap - b->used < n) {
        size_t cap = n > 65536 ? n : 65536;
        if (!(b = malloc(sizeof *b + cap))) return NULL;
        b->next = t->text;
        b->used = 0;
        b->cap = cap;
        t->text = b;
    }
    char *p = b->data + b->used;
    memcpy(p, s, n);
    b->used += n;
    return p;
}

static char *xstrdup(const char *s)
{
    if (!s) return NULL;
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p) memcpy(p, s, n);
    return p;
}

msum_table *msum_table_new(const char *name, const char *title)
{
    msum_table *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    t->name = xstrdup(name ? name : "table");
    t->title = xstrdup(title ? title : (name ? name : "table"));
    if (!t->name || !t->title) {
        msum_table_free(t);
        return NULL;
    }
    return t;
}

void msum_table_free(msum_table *t)
{
    if (!t) return;
    for (strblock *b = t->text, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    for (size_t c = 0; c < t->ncols; c++) {
        free(t->cols[c].name);
        free(t->cols[c].desc);
    }
    for (size_t i = 0; i < 2 * t->nmeta; i++) free(t->meta[i]);
    free(t->meta);
    free(t->cols);
    free(t->cells);
    free(t->name);
    free(t->title);
    free(t);
}

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap) return 1;
    size_t n = *cap ? *cap : 8;
    while (n < need) n *= 2;
    void *q = realloc(*p, n * elem);
    if (!q) return 0;
    *p = q;
    *cap = n;
    return 1;
}

int msum_table_add_col(msum_table *t, const char *name, msum_coltype type, const char *desc)
{
    if (!t || !name || t->nrows > 0) return -1; /* the shape is fixed once rows exist */
    if (!grow((void **)&t->cols, &t->colcap, t->ncols + 1, sizeof(column))) return -1;
    column c = {xstrdup(name), xstrdup(desc), type};
    if (!c.name || (desc && !c.desc)) {
        free(c.name);
        free(c.desc);
        return -1;
    }
    t->cols[t->ncols] = c;
    return (int)t->ncols++;
}

int msum_table_reserve(msum_table *t, size_t nrows)
{
    if (!t) return MSUM_EINVAL;
    if (t->ncols == 0 || nrows > SIZE_MAX / sizeof(cell) / t->ncols) return MSUM_OK;
    return grow((void **)&t->cells, &t->rowcap, nrows * t->ncols, sizeof(cell)) ? MSUM_OK
                                                                               : MSUM_ENOMEM;
}

long msum_table_add_row(msum_table *t)
{
    if (!t) return -1;
    if (!grow((void **)&t->cells, &t->rowcap, (t->nrows + 1) * t->ncols, sizeof(cell)))
        return -1;
    cell *row = t->cells + t->nrows * t->ncols;
    for (size_t c = 0; c < t->ncols; c++) {
        if (t->cols[c].type == MSUM_COL_TEXT) row[c].text = NULL;
        else row[c].num = NAN;
    }
    return (long)t->nrows++;
}

static cell *cell_at(const msum_table *t, size_t row, size_t col)
{
    if (!t || row >= t->nrows || col >= t->ncols) return NULL;
    return t->cells + row * t->ncols + col;
}

int msum_table_set_text(msum_table *t, size_t row, size_t col, const char *s)
{
    cell *c = cell_at(t, row, col);
    if (!c || t->cols[col].type != MSUM_COL_TEXT) return MSUM_EINVAL;
    char *copy = NULL;
    if (s && !(copy = cell_strdup(t, s))) return MSUM_ENOMEM;
    c->text = copy;
    return MSUM_OK;
}

int msum_table_set_num(msum_table *t, size_t row, size_t col, double v)
{
    cell *c = cell_at(t, row, col);
    if (!c || t->cols[col].type == MSUM_COL_TEXT) return MSUM_EINVAL;
    c->num = v;
    return MSUM_OK;
}

int msum_table_set_meta(msum_table *t, const char *key, const char *value)
{
    if (!t || !key || !value) return MSUM_EINVAL;
    char *v = xstrdup(value);
    if (!v) return MSUM_ENOMEM;
    for (size_t i = 0; i < t->nmeta; i++)
        if (strcmp(t->meta[2 * i], key) == 0) {
            free(t->meta[2 * i + 1]);
            t->meta[2 * i + 1] = v;
            return MSUM_OK;
        }
    char *k = xstrdup(key);
    if (!k || !grow((void **)&t->meta, &t->metacap, 2 * (t->nmeta + 1), sizeof(char *))) {
        free(k);
        free(v);
        return MSUM_ENOMEM;
    }
    t->meta[2 * t->nmeta] = k;
    t->meta[2 * t->nmeta + 1] = v;
    t->nmeta++;
    return MSUM_OK;
}

const char *msum_table_meta(const msum_table *t, const char *key)
{
    for (size_t i = 0; t && i < t->nmeta; i++)
        if (strcmp(t->meta[2 * i], key) == 0) return t->meta[2 * i + 1];
    return NULL;
}

size_t msum_table_nmeta(const msum_table *t) { return t ? t->nmeta : 0; }
const char *msum_table_meta_key(const msum_table *t, size_t i)
{
    return (t && i < t->nmeta) ? t->meta[2 * i] : NULL;
}
const char *msum_table_meta_value(const msum_table *t, size_t i)
{
    return (t && i < t->nmeta) ? t->meta[2 * i + 1] : NULL;
}

const char *msum_table_name(const msum_table *t) { return t->name; }
const char *msum_table_title(const msum_table *t) { return t->title; }
size_t msum_table_ncols(const msum_table *t) { return t ? t->ncols : 0; }
size_t msum_table_nrows(const msum_table *t) { return t ? t->nrows : 0; }
const char *msum_table_col_name(const msum_table *t, size_t col)
{
    return (t && col < t->ncols) ? t->cols[col].name : NULL;
}
const char *msum_table_col_desc(const msum_table *t, size_t col)
{
    return (t && col < t->ncols) ? t->cols[col].desc : NULL;
}
msum_coltype msum_table_col_type(const msum_table *t, size_t col)
{
    return (t && col < t->ncols) ? t->cols[col].type : MSUM_COL_TEXT;
}

int msum_table_col_index(const msum_table *t, const char *name)
{
    for (size_t c = 0; t && c < t->ncols; c++)
        if (strcmp(t->cols[c].name, name) == 0) return (int)c;
    return -1;
}

const char *msum_table_text(const msum_table *t, size_t row, size_t col)
{
    const cell *c = cell_at(t, row, col);
    return (c && t->cols[col].type == MSUM_COL_TEXT) ? c->text : NULL;
}

double msum_table_num(const msum_table *t, size_t row, size_t col)
{
    const cell *c = cell_at(t, row, col);
    return (c && t->cols[col].type != MSUM_COL_TEXT) ? c->num : NAN;
}

int msum_table_is_na(const msum_table *t, size_t row, size_t col)
{
    const cell *c = cell_at(t, row, col);
    if (!c) return 1;
    return t->cols[col].type == MSUM_COL_TEXT ? c->text == NULL : isnan(c->num);
}
