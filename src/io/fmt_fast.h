/* Internal: a fast exact "%.{digits}g" for streaming commands that print millions of numbers.
 * Not public API (msum_fmt_num in include/metasum/write.h calls it; it matches msum_fmt_num_slow
 * byte for byte). */
#ifndef METASUM_FMT_FAST_H
#define METASUM_FMT_FAST_H

#include <stddef.h>

/* Same text as msum_fmt_num(v, digits, buf, size) for every input; a fast path for
 * 1 <= digits <= 15 and |v| within about 1e-7..1e22 of the digits' scale when size >= 48,
 * snprintf otherwise. */
int msum_fmt_num_fast(double v, int digits, char *buf, size_t size);

/* The snprintf-based reference both fall back to (src/io/fmt.c). */
int msum_fmt_num_slow(double v, int digits, char *buf, size_t size);

#endif
