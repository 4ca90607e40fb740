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

/* How to read a user's file (the CLI's --delim, --decimal, --sheet, --col, --missing). */
typedef enum {
    MSUM_MISSING_OMIT = 0, /* a row without a value its form needs is left out, with a warning
                            * (metafor's na.action = "na.omit") */
    MSUM_MISSING_ERROR     /* ... is an error */
} msum_missing;

typedef struct {
    char delim;          /* ',', ';', '\t', or 0: detected from the header line */
    char decimal;        /* '.', ',', or 0: ',' when the delimiter is ';', else '.' */
    const char *sheet;   /* XLSX: worksheet name; NULL: the first */
    const char *columns; /* "FIELD=Header;..." column mapping (msum_typer_from_reader); NULL */
    msum_missing missing;
} msum_read_opts;

#define MSUM_READ_OPTS_DEFAULT {0, 0, NULL, NULL, MSUM_MISSING_OMIT}

/* Open a user's file: like msum_reader_open, with the delimiter given or detected (the most
 * frequent of ',' ';' tab in the header line outside quotes; ',' on a tie), the decimal mark
 * given or implied by the delimiter, and *.xlsx paths read as workbooks (the first worksheet
 * or o->sheet; positions are sheet row and column numbers, and the name used in diagnostics
 * is "PATH:SHEET", printed as PATH:SHEET!B3).  A ZIP archive given as CSV text (stdin, or a
 * workbook without the .xlsx name) is MSUM_EPARSE with one message.  `o` may be NULL
 * (defaults).  Returns as msum_reader_open, plus MSUM_EPARSE / MSUM_EDATA for a workbook that
 * cannot be read or has no such sheet (a diagnostic says why). */
int msum_reader_open_opts(const char *path, const char *name, const msum_read_opts *o,
                          msum_diags *diags, msum_reader **out);

/* The same from memory (`chunk` as in msum_reader_open_mem; no workbooks). */
int msum_reader_open_mem_opts(const char *buf, size_t len, const char *name, size_t chunk,
                              const msum_read_opts *o, msum_diags *diags, msum_reader **out);

/* The delimiter and decimal mark in use; whether the decimal mark was implied by a detected
 * ';' (for messages about a wrong guess). */
char msum_reader_delim(const msum_reader *r);
char msum_reader_decimal(const msum_reader *r);
int msum_reader_decimal_detected(const msum_reader *r);

/* Blank rows (every field empty, as a spreadsheet's ",,," line) skipped so far.  Such rows
 * are never handed out, by any open function. */
size_t msum_reader_blank_rows(const msum_reader *r);

/* Add "skipped N blank rows" as a note to diags when N > 0 (call after the last row). */
void msum_reader_note_blank(const msum_reader *r, msum_diags *diags);
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

/* A workbook's sheets, by name, ", " between ("About, Data"); NULL for CSV input. */
const char *msum_reader_sheets(const msum_reader *r);

void msum_reader_free(msum_reader *r);

/* Strict number parsing, shared by every reader of numbers (C locale, whole field consumed,
 * finite, no leading/trailing space, no hex, no comma decimal).  Returns 1 and sets *out on a
 * number, 0 for a missing value ("" or "NA": *out = NaN), -1 for text that is not a number. */
int msum_parse_double(const char *s, size_t len, double *out);

/* The same with a decimal mark: '.' is msum_parse_double; ',' reads "1,5" (and refuses any
 * '.', which may be a thousands separator), by the same strict grammar. */
int msum_parse_double_dec(const char *s, size_t len, char decimal, double *out);

#endif
