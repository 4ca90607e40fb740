/* A tidy result table: named, typed columns, rows of cells, and key/value metadata.
 *
 * Every analysis (effects, pool, compare, summarize) produces msum_table values; every writer
 * (CSV, TSV, XLSX, Markdown, JSON, HTML) renders them.  Metadata carries what a reader needs to
 * interpret the numbers: scale, method, settings, metasum version.
 */
#ifndef METASUM_TABLE_H
#define METASUM_TABLE_H

#include <stddef.h>

typedef enum {
    MSUM_COL_TEXT, /* UTF-8 text */
    MSUM_COL_NUM,  /* double; NaN is NA; printed with the writer's digits */
    MSUM_COL_INT   /* integer stored in a double (counts, df, k); NaN is NA */
} msum_coltype;

typedef struct msum_table msum_table;

/* name: a short identifier (file-name safe, e.g. "pool"); title: a human heading. */
msum_table *msum_table_new(const char *name, const char *title);
void msum_table_free(msum_table *t);

/* Add a column; returns its index, or -1 on allocation failure.  `desc` may be NULL. */
int msum_table_add_col(msum_table *t, const char *name, msum_coltype type, const char *desc);

/* Append an empty row (all cells NA); returns its index, or -1 on allocation failure. */
long msum_table_add_row(msum_table *t);

/* Make room for nrows rows in all (after the columns are added), so that adding them does not
 * reallocate.  A hint: the table is unchanged.  Returns MSUM_OK, MSUM_EINVAL (NULL) or
 * MSUM_ENOMEM. */
int msum_table_reserve(msum_table *t, size_t nrows);

/* Set a cell.  Text is copied (NULL means NA).  Return MSUM_OK, MSUM_EINVAL on a bad index
 * or a type mismatch, MSUM_ENOMEM. */
int msum_table_set_text(msum_table *t, size_t row, size_t col, const char *s);
int msum_table_set_num(msum_table *t, size_t row, size_t col, double v);

/* Metadata (key -> value), kept in insertion order; setting a key again replaces it. */
int msum_table_set_meta(msum_table *t, const char *key, const char *value);
const char *msum_table_meta(const msum_table *t, const char *key); /* NULL if absent */
size_t msum_table_nmeta(const msum_table *t);
const char *msum_table_meta_key(const msum_table *t, size_t i);
const char *msum_table_meta_value(const msum_table *t, size_t i);

const char *msum_table_name(const msum_table *t);
const char *msum_table_title(const msum_table *t);
size_t msum_table_ncols(const msum_table *t);
size_t msum_table_nrows(const msum_table *t);
const char *msum_table_col_name(const msum_table *t, size_t col);
const char *msum_table_col_desc(const msum_table *t, size_t col); /* NULL if none */
msum_coltype msum_table_col_type(const msum_table *t, size_t col);
int msum_table_col_index(const msum_table *t, const char *name); /* -1 if absent */

/* Cell access: text is NULL for NA; numbers are NaN for NA. */
const char *msum_table_text(const msum_table *t, size_t row, size_t col);
double msum_table_num(const msum_table *t, size_t row, size_t col);
int msum_table_is_na(const msum_table *t, size_t row, size_t col);

#endif
