/* Writers: render msum_table values as CSV, TSV, Markdown, JSON, HTML or XLSX.
 *
 * One file per format in src/io/.  Numbers go through one formatter (msum_fmt_num), so digits and
 * NA are decided once.  Writers write to a FILE* they do not close; atomic file output (write to
 * a temporary name, rename into place) is msum_atomic_* below.
 */
#ifndef METASUM_WRITE_H
#define METASUM_WRITE_H

#include <stddef.h>
#include <stdio.h>

#include "metasum/table.h"

typedef enum {
    MSUM_FMT_CSV, MSUM_FMT_TSV, MSUM_FMT_MARKDOWN, MSUM_FMT_JSON, MSUM_FMT_HTML, MSUM_FMT_XLSX
} msum_format;

typedef struct {
    int digits;        /* significant digits for numbers; 0 = shortest round-trip form */
    int header;        /* write the header row (CSV/TSV) */
    int meta;          /* write the table's metadata (CSV/TSV: as leading "# key: value" lines) */
} msum_write_opts;

#define MSUM_WRITE_OPTS_DEFAULT {7, 1, 0}

/* Format a number: NaN -> "NA", +-Inf -> "Inf"/"-Inf", otherwise %.{digits}g in the C locale
 * (digits 0: the shortest text that reads back as the same double).  -0 prints as 0.
 * Returns the length written (buf always NUL-terminated when size > 0). */
int msum_fmt_num(double v, int digits, char *buf, size_t size);

/* Format name <-> enum ("csv", "tsv", "md", "json", "html", "xlsx"). */
const char *msum_format_name(msum_format f);
int msum_format_parse(const char *s, msum_format *out);

/* Write one table as CSV (RFC 4180) / TSV.  Returns MSUM_OK or MSUM_EIO. */
int msum_write_csv(const msum_table *t, FILE *fp, const msum_write_opts *o);
int msum_write_tsv(const msum_table *t, FILE *fp, const msum_write_opts *o);

/* Write one table in the given text format (not XLSX). */
int msum_write_table(const msum_table *t, msum_format f, FILE *fp, const msum_write_opts *o);

#endif
