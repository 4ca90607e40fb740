/* Internal text helpers shared by the writers in src/io/ (not a public header): UTF-8 decoding
 * with replacement of invalid bytes, XML escaping, the spreadsheet formula guard, metadata with
 * the metasum version, and locale-proof fixed-point numbers for SVG coordinates.
 */
#ifndef METASUM_IO_TEXT_H
#define METASUM_IO_TEXT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "metasum/table.h"
#include "metasum/write.h"

#define MSUM_IO_REPLACEMENT 0xFFFDu

/* Decode one code point from NUL-terminated s (s[0] != 0).  Invalid UTF-8 (bad lead byte,
 * truncated or overlong sequence, surrogate, > U+10FFFF) yields U+FFFD and consumes one byte.
 * Returns the number of bytes consumed (>= 1). */
size_t msum_io_utf8_next(const char *s, uint32_t *cp);
/* The same for the n >= 1 bytes at s (not NUL-terminated): a sequence cut by the end is
 * invalid. */
size_t msum_io_utf8_next_n(const char *s, size_t n, uint32_t *cp);

/* Append the UTF-8 encoding of cp to fp / to buf (buf needs 4 bytes; returns bytes written). */
void msum_io_put_cp(FILE *fp, uint32_t cp);
size_t msum_io_encode_cp(uint32_t cp, char *buf);

/* 1 when s needs no escaping anywhere: only printable ASCII (0x20-0x7E) and none of the bytes
 * in `special`.  The writers' fast path. */
int msum_io_plain_ascii(const char *s, const char *special);

/* Number of code points in s (invalid bytes count one each). */
size_t msum_io_utf8_len(const char *s);

/* Copy s with invalid UTF-8 replaced and C0/DEL controls other than TAB, LF, CR replaced by
 * U+FFFD; malloc'd, NULL on allocation failure. */
char *msum_io_clean_dup(const char *s);

/* XML/HTML text and attribute escaping: & < > " ' as entities; invalid UTF-8, controls other
 * than TAB/LF/CR, U+FFFE/U+FFFF as U+FFFD.  newline_space 0: TAB/LF/CR as character
 * references (kept exactly, even in attributes); 1: as a space; 2: LF (or CR LF) as "<br/>\n",
 * TAB and a lone CR as a space (HTML paragraphs). */
void msum_io_put_xml(FILE *fp, const char *s, int newline_space);

/* Like msum_io_put_xml but at most max_cp code points, with "…" when shortened. */
void msum_io_put_xml_trunc(FILE *fp, const char *s, size_t max_cp);

/* 1 when s is a plain decimal number in the C locale ("-0.5", "+1e3", "2."). */
int msum_io_plain_number(const char *s);

/* 1 for a p-value column of a table, by its name (pval, QEp, QMp, QE_p, Qb_p, sign_pval, ...):
 * the text writer prints it as metafor does, the XLSX writer gives it a p-value format. */
int msum_io_is_pval_col(const char *name);

/* Metadata as written by every format: the table's key/value pairs in their order, then
 * "metasum_version" last (the table's own value, else MSUM_VERSION), wherever the table has it:
 * keys a layer adds after the table was built (compare's "input") come before it as in tables
 * built in one go (pool's). */
size_t msum_io_nmeta(const msum_table *t);
void msum_io_meta(const msum_table *t, size_t i, const char **key, const char **value);

/* Fixed-point text with `dec` decimals, '.' whatever LC_NUMERIC says, "-0.00" printed as
 * "0.00".  Returns buf. */
char *msum_io_fixed(double v, int dec, char *buf, size_t size);

/* Replace the locale's decimal point by '.' in a number just printed with snprintf. */
void msum_io_c_decimal(char *buf, size_t size);

/* Several tables as a JSON array of msum_write_json objects (write_json.c). */
int msum_io_write_json_array(const msum_table *const *ts, size_t n, FILE *fp,
                             const msum_write_opts *o);

#endif
