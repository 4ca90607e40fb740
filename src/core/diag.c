/* Diagnostics list: collects every problem of a run so validation can report them all. */
#include "metasum/metasum.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct msum_diags {
    msum_diag *v;
    size_t n, cap;
    size_t nerr, nwarn;
};

msum_diags *msum_diags_new(void) { return calloc(1, sizeof(msum_diags)); }

static void diag_release(msum_diag *dg)
{
    free((char *)dg->file);
    free((char *)dg->column);
    free((char *)dg->message);
}

void msum_diags_free(msum_diags *d)
{
    if (!d) return;
    for (size_t i = 0; i < d->n; i++) diag_release(&d->v[i]);
    free(d->v);
    free(d);
}

static char *dup_or_null(const char *s)
{
    if (!s) return NULL;
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p) memcpy(p, s, n);
    return p;
}

int msum_diags_add(msum_diags *d, msum_severity sev, const char *file, long line, long col,
                   const char *column, const char *fmt, ...)
{
    if (!d) return MSUM_EINVAL;
    if (d->n == d->cap) {
        size_t cap = d->cap ? 2 * d->cap : 16;
        msum_diag *v = realloc(d->v, cap * sizeof *v);
        if (!v) return MSUM_ENOMEM;
        d->v = v;
        d->cap = cap;
    }
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (len < 0) return MSUM_EINVAL;
    char *msg = malloc((size_t)len + 1);
    if (!msg) return MSUM_ENOMEM;
    va_start(ap, fmt);
    vsnprintf(msg, (size_t)len + 1, fmt, ap);
    va_end(ap);

    /* The message, file and column texts move into the list's slot (released with the list). */
    msum_diag *dg = &d->v[d->n];
    *dg = (msum_diag){sev, dup_or_null(file ? file : "-"), line, col, dup_or_null(column), msg};
    if (!dg->file || (column && !dg->column)) {
        diag_release(dg); /* frees msg too */
        /* cppcheck-suppress memleak ; released through dg->message above */
        return MSUM_ENOMEM;
    }
    d->n++;
    if (sev == MSUM_DIAG_ERROR) d->nerr++;
    else if (sev == MSUM_DIAG_WARNING) d->nwarn++;
    /* cppcheck-suppress memleak ; msg is owned by d->v[d->n - 1] now */
    return MSUM_OK;
}

size_t msum_diags_count(const msum_diags *d) { return d ? d->n : 0; }
size_t msum_diags_errors(const msum_diags *d) { return d ? d->nerr : 0; }
size_t msum_diags_warnings(const msum_diags *d) { return d ? d->nwarn : 0; }

const msum_diag *msum_diags_get(const msum_diags *d, size_t i)
{
    return (d && i < d->n) ? &d->v[i] : NULL;
}

static int diag_before(const msum_diag *p, const msum_diag *x) /* p strictly before x */
{
    int c = strcmp(p->file, x->file);
    return c < 0 || (c == 0 && (p->line < x->line || (p->line == x->line && p->col < x->col)));
}

/* Merge sort (stable: equal keys keep their insertion order), O(n log n): a file with an error
 * on each of a million rows is sorted in a moment.  tmp holds n elements. */
static void diag_msort(msum_diag *v, msum_diag *tmp, size_t n)
{
    if (n < 2) return;
    size_t h = n / 2;
    diag_msort(v, tmp, h);
    diag_msort(v + h, tmp, n - h);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n) tmp[k++] = diag_before(&v[j], &v[i]) ? v[j++] : v[i++];
    while (i < h) tmp[k++] = v[i++];
    memcpy(v, tmp, k * sizeof *v); /* v[j..n) is already in place */
}

void msum_diags_sort(msum_diags *d)
{
    if (!d || d->n < 2) return;
    msum_diag *tmp = malloc(d->n * sizeof *tmp);
    if (tmp) {
        diag_msort(d->v, tmp, d->n);
        free(tmp);
        return;
    }
    for (size_t i = 1; i < d->n; i++) { /* out of memory: insertion sort in place */
        msum_diag x = d->v[i];
        size_t j = i;
        for (; j > 0 && diag_before(&x, &d->v[j - 1]); j--) d->v[j] = d->v[j - 1];
        d->v[j] = x;
    }
}

/* Is the file name a worksheet's ("book.xlsx:Sheet", as the reader names workbook input)? */
static int is_sheet(const char *file)
{
    for (const char *p = file; (p = strchr(p, ':')) != NULL; p++)
        if (p - file >= 5 && (strncasecmp(p - 5, ".xlsx", 5) == 0 ||
                             strncasecmp(p - 5, ".xlsm", 5) == 0))
            return 1;
    return 0;
}

int msum_diag_format(const msum_diag *dg, char *buf, size_t size)
{
    static const char *const sev[] = {"error", "warning", "note"};
    char where[64] = "";
    if (is_sheet(dg->file) && dg->line > 0) {
        /* spreadsheet cells as Excel writes them: Sheet!B3 (a whole row: Sheet!3) */
        char letters[8];
        size_t n = 0;
        for (long c = dg->col; c > 0 && n < sizeof letters - 1; c = (c - 1) / 26)
            letters[n++] = (char)('A' + (c - 1) % 26);
        char *w = where;
        *w++ = '!';
        while (n > 0) *w++ = letters[--n];
        snprintf(w, sizeof where - (size_t)(w - where), "%ld:", dg->line);
    } else if (dg->line > 0 && dg->col > 0)
        snprintf(where, sizeof where, "%ld:%ld:", dg->line, dg->col);
    else if (dg->line > 0) snprintf(where, sizeof where, "%ld:", dg->line);
    const char *sep = where[0] == '!' ? "" : ":";
    if (dg->column)
        return snprintf(buf, size, "%s%s%s %s: column '%s': %s", dg->file, sep, where,
                        sev[dg->severity], dg->column, dg->message);
    return snprintf(buf, size, "%s%s%s %s: %s", dg->file, sep, where, sev[dg->severity],
                    dg->message);
}
