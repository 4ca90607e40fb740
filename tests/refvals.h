/* Reference-value lookup for tests: the files in tests/ref/expected/ hold case,quantity,value rows
 * (metafor output, %.12g, NA for not defined); see tests/ref/PROVENANCE.md. */
#ifndef METASUM_TEST_REFVALS_H
#define METASUM_TEST_REFVALS_H

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Value of `quantity` for `casename` in a reference file (NaN for NA); fails the test when the
 * row is missing.  Paths are relative to tests/. */
static inline double ref_value(const char *path, const char *casename, const char *quantity)
{
    FILE *fp = fopen(path, "r");
    cr_assert_not_null(fp, "cannot open %s (tests run from tests/)", path);
    char line[512], want[256];
    snprintf(want, sizeof want, "%s,%s,", casename, quantity);
    double v = NAN;
    int found = 0;
    while (fgets(line, sizeof line, fp))
        if (strncmp(line, want, strlen(want)) == 0) {
            const char *s = line + strlen(want);
            v = strncmp(s, "NA", 2) == 0 ? NAN : strtod(s, NULL);
            found = 1;
            break;
        }
    fclose(fp);
    cr_assert(found, "%s: no row %s", path, want);
    return v;
}

/* BCG log risk ratios (metafor escalc, tests/ref/inputs/bcg_rr_yivi.csv) with the moderators. */
static inline void ref_bcg(double yi[13], double vi[13], double ablat[13], char alloc[13][16])
{
    FILE *fp = fopen("ref/inputs/bcg_rr_yivi.csv", "r");
    cr_assert_not_null(fp, "cannot open ref/inputs/bcg_rr_yivi.csv");
    char line[512];
    cr_assert_not_null(fgets(line, sizeof line, fp));
    cr_assert(strncmp(line, "study,author,year,ablat,alloc,tpos,tneg,cpos,cneg,yi,vi", 55) == 0);
    for (int i = 0; i < 13; i++) {
        cr_assert_not_null(fgets(line, sizeof line, fp));
        char *f[11], *p = line;
        for (int c = 0; c < 11; c++) {
            f[c] = p;
            p += strcspn(p, ",\n");
            if (*p) *p++ = '\0';
        }
        ablat[i] = strtod(f[3], NULL);
        snprintf(alloc[i], 16, "%s", f[4]);
        yi[i] = strtod(f[9], NULL);
        vi[i] = strtod(f[10], NULL);
    }
    fclose(fp);
}

/* Column `col` of a plain reference input CSV (no quoted fields; "NA" = NaN) into out[0..max);
 * returns the number of data rows.  Fails the test when the column is missing. */
static inline int ref_column(const char *path, const char *col, double *out, int max)
{
    FILE *fp = fopen(path, "r");
    cr_assert_not_null(fp, "cannot open %s (tests run from tests/)", path);
    char line[1024];
    cr_assert_not_null(fgets(line, sizeof line, fp));
    int want = -1, c = 0;
    for (char *p = line;; c++) {
        size_t len = strcspn(p, ",\r\n");
        if (len == strlen(col) && strncmp(p, col, len) == 0) want = c;
        if (p[len] != ',') break;
        p += len + 1;
    }
    cr_assert(want >= 0, "%s: no column %s", path, col);
    int n = 0;
    while (fgets(line, sizeof line, fp)) {
        cr_assert_lt(n, max, "%s: more than %d rows", path, max);
        char *p = line;
        for (int j = 0; j < want; j++) p += strcspn(p, ",") + 1;
        out[n++] = strncmp(p, "NA", 2) == 0 ? NAN : strtod(p, NULL);
    }
    fclose(fp);
    return n;
}

#endif
