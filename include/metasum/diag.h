/* Diagnostics: a growable list of file:line:col messages.
 *
 * Validation reports every problem it finds in one pass; the CLI prints the list in GNU
 * format  FILE:LINE:COL: error: column 'x': MESSAGE  (LINE is the physical line, header = 1;
 * COL is the 1-based byte column of the field's first character; 0 means "whole line/file").
 */
#ifndef METASUM_DIAG_H
#define METASUM_DIAG_H

#include <stddef.h>

typedef enum { MSUM_DIAG_ERROR, MSUM_DIAG_WARNING, MSUM_DIAG_NOTE } msum_severity;

typedef struct {
    msum_severity severity;
    const char *file;   /* owned by the list */
    long line;          /* 1-based physical line, 0 if not tied to a line */
    long col;           /* 1-based byte column, 0 if not tied to a column */
    const char *column; /* CSV column name the problem concerns, or NULL; owned by the list */
    const char *message;/* owned by the list */
} msum_diag;

typedef struct msum_diags msum_diags;

msum_diags *msum_diags_new(void);
void msum_diags_free(msum_diags *d);

/* Append a diagnostic; message is printf-formatted.  Strings are copied.  Returns MSUM_OK or
 * MSUM_ENOMEM (the list stays valid). */
int msum_diags_add(msum_diags *d, msum_severity sev, const char *file, long line, long col,
                   const char *column, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 7, 8)))
#endif
    ;

size_t msum_diags_count(const msum_diags *d);
size_t msum_diags_errors(const msum_diags *d);
size_t msum_diags_warnings(const msum_diags *d);
const msum_diag *msum_diags_get(const msum_diags *d, size_t i);

/* Sort by file, line, column (stable), so messages read top to bottom. */
void msum_diags_sort(msum_diags *d);

/* Format one diagnostic as "file:line:col: error: column 'x': message" (no newline) into buf;
 * returns the length snprintf would have written. */
int msum_diag_format(const msum_diag *dg, char *buf, size_t size);

#endif
