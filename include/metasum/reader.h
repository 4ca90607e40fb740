/* Streaming CSV reader (libcsv, strict mode) with physical line:column positions.
 *
 * Reads a file or stdin ("-") chunk by chunk (256 KiB) and hands out one row at a time, so memory
 * does not grow with the file; rows live in buffers reused from chunk to chunk (no allocation
 * per row).  UTF-8 BOM stripped; LF, CRLF and CR line ends; quoted fields with commas and
 * newlines; spaces are data (no trimming); empty lines skipped.  Positions are physical:
 * header = line 1, lines inside quoted fields count, CRLF is one line end; columns are 1-based
 * bytes after the BOM, a quoted field's column is that of its opening quote.  Malformed CSV,
 * NUL bytes and over-long fields (fatal), ragged rows and invalid UTF-8 (not fatal) go to the
 * diagnostics list given at open time, with the header name of the column when known.
 * The rules are listed in datasets/README.md ("Reading rules").
 */
#ifndef METASUM_READER_H
#define METASUM_READER_H

#include <stddef.h>
#include <stdio.h>

#include "metasum/diag.h"

typedef struct msum_reader msum_reader;

/* One row.  Pointers stay valid until the next msum_reader_next() or msum_reader_free(). */
typedef struct {
    size_t n;                 /* number of fields */
    const char *const *cell;  /* NUL-terminated field texts (quotes removed) */
    const size_t *len;        /* field lengths in bytes */
    const long *line;         /* physical line of each field's first byte */
    const long *col;          /* 1-based byte column of each field's first byte */
    long row_line;            /* physical line where the row starts */
} msum_row;

/* Open path ("-" = stdin).  `name` is used in diagnostics (NULL: the path).  The reader reads the
 * header row at once; `diags` receives every problem and must outlive the reader.
 * Returns MSUM_OK, MSUM_EIO (cannot open: *out NULL, a diagnostic says why), MSUM_ENOMEM. */
int msum_reader_open(const char *path, const char *name, msum_diags *diags, msum_reader **out);

/* Read from an open stream (not closed by the reader). */
int msum_reader_open_fp(FILE *fp, const char *name, msum_diags *diags, msum_reader **out);

/* Read from memory, feeding libcsv `chunk` bytes at a time (0 = default); for tests. */
int msum_reader_open_mem(const char *buf, size_t len, const char *name, size_t chunk,
                         msum_diags *diags, msum_reader **out);

/* Longest field accepted, in bytes of its text (quotes removed): a longer field is a fatal
 * error at its line:col ("field longer than N bytes (--max-field)"), found while reading, so
 * at most the limit plus one read chunk is buffered.  A NUL byte is fatal at once too. */
#define MSUM_MAX_FIELD_DEFAULT ((size_t)1 << 20)

/* Set the limit for readers opened from now on (0: back to MSUM_MAX_FIELD_DEFAULT).  The one
 * process-wide setting of the library: a program sets it once at start-up (metasum
 * --max-field), before any reader is opened; not for use while other threads open readers. */
void msum_reader_set_max_field(size_t bytes);
size_t msum_reader_max_field(void);

/* The header row (n = 0 for an empty file). */
const msum_row *msum_reader_header(const msum_reader *r);

/* Next data row: 1 = a row in *row, 0 = end of input, negative = a fatal problem, -status
 * (-MSUM_EPARSE malformed CSV, -MSUM_EIO read error, -MSUM_ENOMEM; described in diags; every
 * row before the fault has been returned; later calls return the same value).  A ragged row is
 * reported in diags and still returned (with its own n) so callers can go on checking the
 * rest.  Fields may contain NUL bytes (reported): use len, not strlen. */
int msum_reader_next(msum_reader *r, msum_row *row);

/* Keep only rows matching `spec`, "COL=VALUE[;COL=VALUE...]" (every clause must hold; exact
 * text match).  Call after open, before the first msum_reader_next().  An unknown column is
 * reported in diags.  Returns MSUM_OK (also for NULL or ""), MSUM_EDATA, MSUM_ENOMEM. */
int msum_reader_filter(msum_reader *r, const char *spec);

/* The name used in diagnostics. */
const char *msum_reader_name(const msum_reader *r);

void msum_reader_free(msum_reader *r);

/* Strict number parsing, shared by every reader of numbers (C locale, whole field consumed,
 * finite, no leading/trailing space, no hex, no comma decimal).  Returns 1 and sets *out on a
 * number, 0 for a missing value ("" or "NA": *out = NaN), -1 for text that is not a number. */
int msum_parse_double(const char *s, size_t len, double *out);

#endif
