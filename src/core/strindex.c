/* Sorted text index (strindex.h): qsort by (text, position), lower-bound binary search. */
#include "strindex.h"

#include <stdlib.h>
#include <string.h>

static int by_text(const void *a, const void *b)
{
    const msum_strix *x = a, *y = b;
    int c = strcmp(x->text, y->text);
    return c ? c : (x->pos > y->pos) - (x->pos < y->pos);
}

msum_strix *msum_strix_new(const char *const *texts, size_t n)
{
    msum_strix *v = malloc((n ? n : 1) * sizeof *v);
    if (!v) return NULL;
    for (size_t i = 0; i < n; i++) v[i] = (msum_strix){texts[i], i};
    qsort(v, n, sizeof *v, by_text);
    return v;
}

long msum_strix_find(const msum_strix *v, size_t n, const char *text)
{
    size_t lo = 0, hi = n; /* the first entry whose text is >= text */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(v[mid].text, text) < 0) lo = mid + 1;
        else hi = mid;
    }
    return lo < n && strcmp(v[lo].text, text) == 0 ? (long)v[lo].pos : -1;
}
