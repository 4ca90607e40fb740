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

/* ---- A table row by row: sinks ----
 *
 * An analysis that streams (msum_analysis_stream, analysis.h) hands its table to a sink instead
 * of building it: begin() with the columns (and metadata) as a table without rows, row() once
 * per row, end().  A writer consumes the rows as they come (msum_csv_sink_new, write.h), or a
 * table is built from them (msum_table_sink_new).
 *
 * All rows or none: begin()'s `checked` is 1 when every row to come is known to be valid (a
 * second pass over the data); when it is 0 a data error may still turn up after some rows, and
 * end() with a status other than MSUM_OK then tells the sink to drop every row it was given.
 * A sink that cannot keep the rows until then may drop them itself and ask for them again:
 * row() returns MSUM_SINK_AGAIN, the analysis goes on checking without handing rows over, and
 * when no error turned up it calls begin() again (checked = 1) with every row. */
typedef struct {
    const char *text; /* MSUM_COL_TEXT: len bytes (not NUL-terminated); NULL = NA */
    size_t len;
    double num;       /* MSUM_COL_NUM, MSUM_COL_INT: NaN = NA */
} msum_cell;

/* row()'s "drop what you kept; pass the rows again once they are checked" (not a status). */
#define MSUM_SINK_AGAIN 100

typedef struct {
    /* columns: names, types, descriptions and metadata (no rows); valid until end(). */
    int (*begin)(void *ctx, const msum_table *columns, int checked);
    /* cells[0..ncols) in the columns' order; valid during the call only.  MSUM_OK,
     * MSUM_SINK_AGAIN, or a status that stops the analysis (MSUM_ENOMEM, MSUM_EIO). */
    int (*row)(void *ctx, const msum_cell *cells);
    /* status MSUM_OK: the rows are complete; otherwise drop them.  Returns MSUM_OK or the
     * sink's own failure (MSUM_EIO: a write failed). */
    int (*end)(void *ctx, int status);
    void *ctx;
} msum_sink;

/* A sink that builds a table from the rows.  Text columns whose every value is an integer (and
 * at least one is there) become MSUM_COL_INT (input columns passed through as text: counts,
 * years); an empty text is NA.  Returns MSUM_OK or MSUM_ENOMEM (*out zeroed). */
int msum_table_sink_new(msum_sink *out);
/* The table, after end() with MSUM_OK (NULL otherwise); the caller owns it and frees it. */
msum_table *msum_table_sink_take(msum_sink *s);
/* Free the sink (and a table not taken); accepts a zeroed sink. */
void msum_table_sink_free(msum_sink *s);

#endif
