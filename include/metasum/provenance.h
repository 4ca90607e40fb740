/* Provenance checks (pure): does a row's quote state the numbers the row reports, and does the
 * quote occur in the source text?
 *
 * Normalisation, applied the same way to quotes and to source texts before matching
 * (msum_text_normalize; documented in datasets/README.md):
 *   - every white-space character is removed (ASCII space, tab, CR, LF, VT, FF, U+00A0, U+2000-
 *     U+200B, U+202F, U+205F, U+3000);
 *   - full-width forms U+FF01-U+FF5E become the ASCII characters U+0021-U+007E;
 *   - CJK punctuation: U+3001 (、) becomes ',', U+3002 (。) becomes '.';
 *   - curly quotes U+2018/U+2019 become ', U+201C/U+201D become ";
 *   - subscript and superscript digits (U+2080-U+2089, U+2070, U+00B9, U+00B2, U+00B3,
 *     U+2074-U+2079) become ASCII digits;
 *   - invalid UTF-8 bytes are kept as they are.
 * Number tokens are then runs of ASCII digits with at most one '.' followed by digits; a run of
 * 1-3 digits followed by ",ddd" groups also counts as the grouped number (1,000 -> 1000 as well
 * as 1 and 000).  Signs are not part of tokens: a row value v matches a token t when |v| = t
 * (relative difference <= 1e-9), since quotes state magnitudes and words give the sign.
 */
#ifndef METASUM_PROVENANCE_H
#define METASUM_PROVENANCE_H

#include <stddef.h>

/* Normalised copy of s[0..len) (malloc'd, NUL-terminated; the caller frees), or NULL when out
 * of memory. */
char *msum_text_normalize(const char *s, size_t len);

/* Numbers stated in a text (normalised first): writes up to max of them to out (may be NULL)
 * and returns how many there are. */
size_t msum_text_numbers(const char *text, double *out, size_t max);

/* 1 when |v| is among the numbers of text, 0 when not, -1 when out of memory. */
int msum_text_has_number(const char *text, double v);

/* 1 when the normalised quote is a substring of norm_source (a text already normalised with
 * msum_text_normalize), 0 when not, -1 when out of memory.  An empty quote is never found. */
int msum_quote_in_source(const char *quote, const char *norm_source);

#endif
