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

/* The effect of a typed row, checked the same way by every command (validate and the
 * analyses call this after msum_typer_row() found no error, so they accept and reject the same
 * rows with the same messages).  `measure` is the measure of the row (NONE: the form's own; for
 * continuous, median_iqr and counts rows the caller's choice).  A 2x2 table with no events in
 * either arm gets a warning saying what the continuity correction of `eo` does with it (as
 * metafor's escalc, drop00 = FALSE).  Runs msum_escalc(); a data problem (MSUM_EDATA, MSUM_EDOM)
 * is an error at the cell of the field at fault (the input cell when there is none).  Returns
 * MSUM_OK (*eff filled), MSUM_EDATA (reported), or MSUM_EINVAL (the measure does not apply to
 * the row, or a form with several measures got NONE: not reported, eff->message says why). */
#include "metasum/escalc.h"
int msum_typer_effect(const msum_typer *t, const msum_row *row, const msum_record *rec,
                      msum_measure measure, const msum_escalc_opts *eo, msum_effect *eff,
                      msum_diags *diags);

/* A file must have rows: call with the number of data rows read after the last one.  When
 * nrows is 0, adds "NAME:1: error: found a header and no data rows, expected at least one row"
 * (with a filter, the reader has said that it matched no row) and returns 1; else 0.  Every
 * command calls it, so k = 0 is the same error everywhere. */
int msum_check_has_rows(const char *name, size_t nrows, const char *filter, msum_diags *diags);

/* The one rule for a row whose grouping value (a --by column) is missing: "" or "NA", as for
 * numbers.  The row is left out of every group with a warning at its cell, as metafor leaves out
 * rows with a missing moderator (na.action = na.omit).  Returns 1 (warned: leave the row out)
 * or 0 (the value is there); diags NULL = no warning.  pool and compare both call it, for
 * the rows they would pool (a row without a variance is skipped whatever its group). */
int msum_check_group_value(const char *value, const char *name, long line, long col,
                           const char *column, msum_diags *diags);

/* Duplicated effects.  Two numeric rows (not direction-only) with the same study (column
 * `study`, else `ref`), the same outcome (column `outcome`, when the file has one) and the same
 * numbers (input, measure and every numeric field, time included) are one effect entered twice:
 * a warning on the later row naming the first, or an error when the file has an `id` column and
 * both rows have the same id (a copied row).  Rows are compared by 64-bit hashes, kept in row
 * order (9 bytes a row, 13 with an id column, and 1 to 2 bytes of a Bloom filter); the texts a
 * message names are kept only for the rows the filter says may repeat an earlier one.  A file
 * without a study or ref column is not checked (nothing names the study), nor is a row whose
 * study is empty.  validate, pool and effects run it on the rows without errors. */
typedef struct msum_dups msum_dups;
int msum_dups_new(const msum_typer *t, msum_dups **out); /* MSUM_OK or MSUM_ENOMEM */
void msum_dups_free(msum_dups *d);
/* Note one typed row.  Returns MSUM_OK or MSUM_ENOMEM. */
int msum_dups_row(msum_dups *d, const msum_row *row, const msum_record *rec);
/* After the last row: adds the warnings and errors (at each later row's study cell, in row
 * order) and releases the rows' hashes.  Returns MSUM_OK or MSUM_ENOMEM. */
int msum_dups_finish(msum_dups *d, msum_diags *diags);
/* After msum_dups_finish(): 1 when the row starting on row_line was reported as a copy (an
 * error), else 0. */
int msum_dups_is_copy(const msum_dups *d, long row_line);

/* Column index of a header name, or -1 (for pass-through and grouping columns). */
int msum_typer_col(const msum_typer *t, const char *colname);

/* Build from an open reader: its header, name and decimal mark, with o's column mapping
 * (o->columns, "FIELD=Header;...") and missing-value rule (o NULL: defaults).  Header names
 * are matched to fields in any case, then through the aliases of docs/columns.md; the mapping
 * comes first.  What was taken as what is msum_typer_columns().  When the form cannot be told,
 * a note after the error lists the header and suggests --col options.  Returns as
 * msum_typer_new (a mapping naming no column or no field is MSUM_EDATA). */
int msum_typer_from_reader(const msum_reader *rd, const msum_read_opts *o, msum_diags *diags,
                           msum_typer **out);

/* msum_typer_row, and with the typer's missing rule MSUM_MISSING_OMIT and omitted non-NULL: a
 * row whose form lacks a field is reported as a warning naming it, *omitted = 1 and 0 is
 * returned (the caller leaves the row out and counts it).  msum_typer_row treats it as an
 * error. */
size_t msum_typer_row_na(const msum_typer *t, const msum_row *row, msum_record *rec,
                         msum_diags *diags, int *omitted);

/* Column of a role ("m1i", "study", "author", "year", "id", "input", ...) after mapping and
 * aliases, or -1; the header name of a column (NULL when out of range). */
int msum_typer_role_col(const msum_typer *t, const char *role);
const char *msum_typer_colname(const msum_typer *t, int col);

/* Columns taken for a role under another name: "m1i=Mean_T;sd1i=SD_T" ("" when none). */
const char *msum_typer_columns(const msum_typer *t);

/* A study label for a row: `study`, else "author year" (or author), each under any mapped or
 * aliased name; else "line N" and 0 is returned (1 for a label from the data). */
int msum_typer_label(const msum_typer *t, const msum_row *row, char *buf, size_t size);

typedef struct msum_dataset msum_dataset;

/* Read and type every row of an effect CSV.  Problems go to diags (all of them, one run);
 * rows with errors are still kept.  Returns MSUM_OK (check msum_diags_errors), MSUM_EIO,
 * MSUM_EPARSE (malformed CSV: rows up to the fault are kept), MSUM_ENOMEM. */
int msum_dataset_read(const char *path, msum_diags *diags, msum_dataset **out);
void msum_dataset_free(msum_dataset *ds);

/* The same, keeping only the rows that match `filter` (msum_reader_filter(); NULL or "" keeps
 * every row).  An unknown filter column is reported in diags and returns MSUM_EDATA. */
int msum_dataset_read_filtered(const char *path, const char *filter, msum_diags *diags,
                               msum_dataset **out);

/* The same with a user's reading options (msum_reader_open_opts, msum_typer_from_reader).
 * Rows left out under MSUM_MISSING_OMIT are kept (with their warning) and flagged:
 * msum_dataset_omitted().  Blank rows are counted: msum_dataset_blank_rows(). */
int msum_dataset_read_opts(const char *path, const char *filter, const msum_read_opts *o,
                           msum_diags *diags, msum_dataset **out);
int msum_dataset_omitted(const msum_dataset *ds, size_t row);
size_t msum_dataset_blank_rows(const msum_dataset *ds);
/* Columns taken under another name (msum_typer_columns); "" when none. */
const char *msum_dataset_columns(const msum_dataset *ds);
/* Column of a role after mapping and aliases (msum_typer_role_col), or -1. */
int msum_dataset_role_col(const msum_dataset *ds, const char *role);

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

/* msum_typer_effect() for a row of a dataset (same checks, messages and positions). */
int msum_dataset_effect(const msum_dataset *ds, size_t row, msum_measure measure,
                        const msum_escalc_opts *eo, msum_effect *eff, msum_diags *diags);

#endif
