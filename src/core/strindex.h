/* Internal (not a public header): texts sorted once with their positions, so that finding
 * repeats is a scan of neighbours and each lookup a binary search -- O(n log n) for n header
 * names or dictionary keys, never O(n^2).  Used by the typer, datasets, dictionaries and SWiM.
 */
#ifndef METASUM_CORE_STRINDEX_H
#define METASUM_CORE_STRINDEX_H

#include <stddef.h>

typedef struct {
    const char *text; /* borrowed */
    size_t pos;       /* index in the original order */
} msum_strix;

/* texts[0..n) in text order, ties by position (so a repeat follows its first use); malloc'ed,
 * the caller frees; NULL when out of memory.  The texts must outlive the index. */
msum_strix *msum_strix_new(const char *const *texts, size_t n);

/* Position of the first occurrence of `text`, or -1. */
long msum_strix_find(const msum_strix *v, size_t n, const char *text);

#endif
