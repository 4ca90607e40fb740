/* Internal: filling an msum_table row by row with one sticky status, shared by the analyses that
 * produce tables (swim.c, compare.c).  Not part of the public API. */
#ifndef METASUM_TBUILD_H
#define METASUM_TBUILD_H

#include <stddef.h>

#include "metasum/table.h"

typedef struct {
    const char *name;
    msum_coltype type;
    const char *desc;
} msum_tb_col;

typedef struct {
    msum_table *t;
    long row;
    int st;     /* first failure (MSUM_ENOMEM, MSUM_EINVAL); later calls do nothing */
} msum_tb;

/* New table with the given columns; its first metadata key is "table" = name. */
void msum_tb_init(msum_tb *b, const char *name, const char *title, const msum_tb_col *cols,
                  size_t ncols);
void msum_tb_row(msum_tb *b);                                  /* append a row */
void msum_tb_text(msum_tb *b, const char *col, const char *s); /* NULL or "" -> NA */
void msum_tb_num(msum_tb *b, const char *col, double v);
void msum_tb_meta(msum_tb *b, const char *key, const char *value);
/* Add the "metasum_version" metadata and hand the table out (or free it and return the failure). */
int msum_tb_finish(msum_tb *b, msum_table **out);

#endif
