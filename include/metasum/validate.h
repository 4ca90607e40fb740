/* Whole-file validation of an effect CSV, streamed (memory grows with the ids, not the rows):
 * the row checks every analysis runs (msum_typer_row, msum_typer_effect: syntax, numbers, words,
 * fields per form, impossible values, effects; duplicated effects; a header with no rows),
 * plus required columns, unique ids, dictionary keys, provenance (numbers in the quote, quote in
 * the source text) and the warnings of datasets/README.md ("Validation").  Every problem goes to one diagnostics list.
 */
#ifndef METASUM_VALIDATE_H
#define METASUM_VALIDATE_H

#include "metasum/diag.h"
#include "metasum/record.h"
#include "metasum/reader.h"

typedef struct {
    /* Dictionary files; NULL = the file of that name beside the effect file, when it exists
     * (references.csv, outcomes.csv, sources.csv, preparations.csv). */
    const char *refs, *outcomes, *sources, *preparations;
    /* Source text the quotes must come from, already normalised with msum_text_normalize;
     * NULL = no quote-in-source check. */
    const char *norm_source;
    /* Measure of continuous and median_iqr rows (MD, SMD, ROM) or of counts rows (RR, OR, RD),
     * as `pool --measure`: those rows' effects are then computed and checked exactly as the
     * analyses do.  NONE = only the checks that hold for every measure. */
    msum_measure measure;
    /* How to read the effect file (delimiter, decimal mark, sheet, column mapping, missing
     * values: msum_dataset_read_opts); NULL = the curated format (msum_dataset_read). */
    const msum_read_opts *read;
} msum_validate_opts;

#define MSUM_VALIDATE_OPTS_DEFAULT {NULL, NULL, NULL, NULL, NULL, MSUM_MEASURE_NONE, NULL}

/* Validate one effect file ("-" = stdin: no dictionaries beside it).  Returns MSUM_OK when the
 * file (and its dictionaries) could be read -- check msum_diags_errors for data problems --,
 * MSUM_EIO when a file could not be read (diags says which), MSUM_ENOMEM.  *nrows (may be NULL)
 * receives the number of data rows read. */
int msum_validate_file(const char *path, const msum_validate_opts *o, msum_diags *diags,
                       size_t *nrows);

#endif
