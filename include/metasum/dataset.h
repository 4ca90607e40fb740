/* A whole effect file in memory: header, every row's text and typed record, with positions.
 *
 * Built on the streaming reader.  For the curated datasets and small user files (validate,
 * summarize, report); the large-k paths (pool, effects) stream rows instead.
 */
#ifndef METASUM_DATASET_H
#define METASUM_DATASET_H

#include <stddef.h>

#include "metasum/diag.h"
#include "metasum/record.h"

/* Row typer: maps a header's columns to record fields once, then types rows one at a time.
 * Used by the streaming paths (pool, effects at large k) and by msum_dataset_read().
 *
 * Without an `input` column the form is inferred from the header (yi -> generic, m1i ->
 * continuous, ai -> counts, ri -> correlation, pct -> percent_change, fold -> fold_change);
 * without a `measure` column generic rows are on the unnamed scale GEN.
 */
#include "metasum/reader.h"

typedef struct msum_typer msum_typer;

/* Build from the header row; header problems (duplicate names, no way to tell the form) go to
 * diags.  Returns MSUM_OK, MSUM_EDATA (header unusable; *out NULL), MSUM_ENOMEM. */
int msum_typer_new(const msum_row *header, const char *name, msum_diags *diags,
                   msum_typer **out);
void msum_typer_free(msum_typer *t);

/* Type one row: strict numbers, known enums, the fields its form needs, impossible values
 * (src/core/checks.c), and the SD-may-be-an-SEM warning.  Every problem goes to diags with the
 * cell's line:col and column name.  A cell that is not a number (or not a known word) is
 * reported once: the form's missing-field message is then left out, as it is for a short row
 * (reported by the reader).  `measure` is set from its column on any row when given; generic
 * rows without a measure column are GEN.  Returns the number of errors found in this row
 * (0 = the record is usable); the record is always filled (NaN where missing or bad). */
size_t msum_typer_row(const msum_typer *t, const msum_row *row, msum_record *rec,
                      msum_diags *diags);

/* Column index of a header name, or -1 (for pass-through and grouping columns). */
int msum_typer_col(const msum_typer *t, const char *colname);

typedef struct msum_dataset msum_dataset;

/* Read and type every row of an effect CSV.  Problems go to diags (all of them, one run);
 * rows with errors are still kept.  Returns MSUM_OK (check msum_diags_errors), MSUM_EIO,
 * MSUM_EPARSE (malformed CSV: rows up to the fault are kept), MSUM_ENOMEM. */
int msum_dataset_read(const char *path, msum_diags *diags, msum_dataset **out);
void msum_dataset_free(msum_dataset *ds);

const char *msum_dataset_name(const msum_dataset *ds); /* the file name used in diagnostics */
size_t msum_dataset_ncols(const msum_dataset *ds);
const char *msum_dataset_colname(const msum_dataset *ds, size_t col);
int msum_dataset_col(const msum_dataset *ds, const char *name); /* index or -1 */
size_t msum_dataset_nrows(const msum_dataset *ds);
/* Cell text ("" when the row is short); never NULL for valid indexes. */
const char *msum_dataset_cell(const msum_dataset *ds, size_t row, size_t col);
/* Cell text by column name, or NULL if the column does not exist. */
const char *msum_dataset_get(const msum_dataset *ds, size_t row, const char *colname);
long msum_dataset_line(const msum_dataset *ds, size_t row);           /* row's first line */
void msum_dataset_pos(const msum_dataset *ds, size_t row, size_t col, long *line, long *colno);
const msum_record *msum_dataset_record(const msum_dataset *ds, size_t row);

#endif
