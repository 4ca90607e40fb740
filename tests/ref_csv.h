/* Columns of a reference input CSV (tests/ref/inputs/, plain comma-separated, no quoting) by
 * header name, for the bias and sensitivity tests. */
#ifndef METASUM_TEST_REF_CSV_H
#define METASUM_TEST_REF_CSV_H

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REF_CSV_MAX 64

/* Reads column `name` of `path` (relative to tests/) into out (up to REF_CSV_MAX rows); returns
 * the number of rows.  Fails the test when the file or the column is missing. */
static inline size_t ref_csv_column(const char *path, const char *name, double *out)
{
    FILE *fp = fopen(path, "r");
    cr_assert_not_null(fp, "cannot open %s (tests run from tests/)", path);
    char line[1024];
    cr_assert_not_null(fgets(line, sizeof line, fp));
    int col = -1, c = 0;
    for (char *p = line; *p && col < 0; c++) {
        size_t n = strcspn(p, ",\r\n");
        if (n == strlen(name) && strncmp(p, name, n) == 0) col = c;
        p += n;
        if (*p == ',') p++;
        else break;
    }
    cr_assert(col >= 0, "%s: no column %s", path, name);
    size_t rows = 0;
    while (rows < REF_CSV_MAX && fgets(line, sizeof line, fp)) {
        char *p = line;
        for (int j = 0; j < col; j++) p += strcspn(p, ",") + 1;
        out[rows++] = strtod(p, NULL);
    }
    fclose(fp);
    return rows;
}

/* A reference data set: yi, vi and, where the file has them, ni (NaN otherwise). */
typedef struct {
    const char *name;
    size_t k;
    double yi[REF_CSV_MAX], vi[REF_CSV_MAX], ni[REF_CSV_MAX], year[REF_CSV_MAX];
    int has_ni, has_year;
} ref_data;

static inline void ref_data_load(ref_data *d, const char *name)
{
    memset(d, 0, sizeof *d);
    d->name = name;
    const char *path = strcmp(name, "bcg") == 0        ? "ref/inputs/bcg_rr_yivi.csv"
                       : strcmp(name, "hackshaw") == 0 ? "ref/inputs/hackshaw1998.csv"
                       : strcmp(name, "molloy") == 0   ? "ref/inputs/molloy2014_zcor_yivi.csv"
                       : strcmp(name, "normand") == 0
                           ? "ref/metafor38/inputs/normand1999_md_yivi.csv"
                       : strcmp(name, "boundary") == 0  ? "ref/inputs/edge_boundary.csv"
                       : strcmp(name, "identical") == 0 ? "ref/inputs/edge_identical.csv"
                       : strcmp(name, "k2") == 0        ? "ref/inputs/edge_k2.csv"
                                                        : NULL;
    cr_assert_not_null(path, "unknown data set %s", name);
    d->k = ref_csv_column(path, "yi", d->yi);
    cr_assert_eq(ref_csv_column(path, "vi", d->vi), d->k);
    for (size_t i = 0; i < d->k; i++) d->ni[i] = d->year[i] = NAN;
    if (strcmp(name, "bcg") == 0) {
        /* ni = tpos + tneg + cpos + cneg, as the reference script */
        double t[REF_CSV_MAX];
        const char *cols[] = {"tpos", "tneg", "cpos", "cneg"};
        for (size_t i = 0; i < d->k; i++) d->ni[i] = 0;
        for (int c = 0; c < 4; c++) {
            ref_csv_column(path, cols[c], t);
            for (size_t i = 0; i < d->k; i++) d->ni[i] += t[i];
        }
        d->has_ni = 1;
    } else if (strcmp(name, "molloy") == 0) {
        ref_csv_column(path, "ni", d->ni);
        d->has_ni = 1;
    }
    if (strcmp(name, "bcg") == 0 || strcmp(name, "hackshaw") == 0) {
        ref_csv_column(path, "year", d->year);
        d->has_year = 1;
    }
}

#endif
