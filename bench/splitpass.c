/* A second floor for `make bench` (bench/README.md): what reading workload (a) costs without
 * libcsv.  Unquoted lines are split with memchr, the numbers in columns 2 and 3 (yi, vi) go
 * through metasum's strict parser (msum_parse_double) into two growing arrays, and line numbers
 * are counted.  No UTF-8 check, no quoted fields (a quote stops it): it measures the room a
 * fast path for unquoted data would have in the reader, not a replacement for it.
 *
 * Usage: splitpass FILE   prints "rows lines sum(yi/vi)"
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metasum/reader.h"

#define CHUNK (1 << 16)
#define MAXF 8

/* Split one line [p, nl) at commas; returns the number of fields (at most MAXF). */
static int split(const char *p, const char *nl, const char **f, size_t *fl)
{
    int nf = 0;
    for (;;) {
        const char *c = memchr(p, ',', (size_t)(nl - p));
        f[nf] = p;
        if (!c || nf == MAXF - 1) {
            fl[nf++] = (size_t)(nl - p);
            return nf;
        }
        fl[nf++] = (size_t)(c - p);
        p = c + 1;
    }
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fputs("usage: splitpass FILE\n", stderr);
        return 2;
    }
    FILE *fp = fopen(argv[1], "rb");
    if (!fp) {
        perror(argv[1]);
        return 3;
    }
    static char buf[2 * CHUNK];
    size_t have = 0, k = 0, cap = 1024;
    double *y = malloc(cap * sizeof *y), *v = malloc(cap * sizeof *v);
    long line = 0;
    int rc = 0;
    if (!y || !v) rc = 1;
    while (rc == 0) {
        size_t n = fread(buf + have, 1, sizeof buf - have, fp);
        const char *p = buf, *end = buf + have + n;
        int eof = n == 0;
        while (p < end) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            if (!nl) {
                if (!eof) break;
                nl = end;
            }
            line++;
            if (memchr(p, '"', (size_t)(nl - p))) {
                fprintf(stderr, "splitpass: %s:%ld: quoted field\n", argv[1], line);
                rc = 1;
                break;
            }
            const char *f[MAXF];
            size_t fl[MAXF];
            if (line > 1 && split(p, nl, f, fl) >= 3) {
                if (k == cap) {
                    double *ny = realloc(y, 2 * cap * sizeof *y), *nv;
                    if (ny) y = ny;
                    nv = ny ? realloc(v, 2 * cap * sizeof *v) : NULL;
                    if (!nv) {
                        rc = 1;
                        break;
                    }
                    v = nv;
                    cap *= 2;
                }
                if (msum_parse_double(f[1], fl[1], &y[k]) != 1 ||
                    msum_parse_double(f[2], fl[2], &v[k]) != 1) {
                    fprintf(stderr, "splitpass: %s:%ld: not a number\n", argv[1], line);
                    rc = 1;
                    break;
                }
                k++;
            }
            p = nl + 1;
        }
        if (eof || rc) break;
        have = (size_t)(end - p);
        if (have == sizeof buf) {
            fprintf(stderr, "splitpass: %s:%ld: line too long\n", argv[1], line + 1);
            rc = 1;
            break;
        }
        memmove(buf, p, have);
    }
    fclose(fp);
    if (rc == 0) {
        double s = 0;
        for (size_t i = 0; i < k; i++) s += y[i] / v[i];
        printf("%zu %ld %.17g\n", k, line, s);
    }
    free(y);
    free(v);
    return rc;
}
