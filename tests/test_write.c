/* Tests for number formatting (src/io/fmt.c) and the CSV/TSV writers (src/io/write_csv.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "metasum/metasum.h"

static void fmt_is(double v, int digits, const char *want)
{
    char buf[64];
    msum_fmt_num(v, digits, buf, sizeof buf);
    cr_expect_str_eq(buf, want, "msum_fmt_num(%.17g, %d)", v, digits);
}

Test(fmt, digits_na_inf_and_shortest)
{
    fmt_is(NAN, 7, "NA");
    fmt_is(INFINITY, 7, "Inf");
    fmt_is(-INFINITY, 0, "-Inf");
    fmt_is(-0.0, 7, "0");
    fmt_is(-0.714532348365, 7, "-0.7145323");
    fmt_is(7.05426734852e-05, 4, "7.054e-05");
    fmt_is(0.1, 0, "0.1");             /* shortest round trip, not 0.10000000000000001 */
    fmt_is(1.0 / 3.0, 0, "0.3333333333333333");
    fmt_is(13, 0, "13");
    fmt_is(10, 0, "10");              /* not "1e+01" */
    fmt_is(-2000, 0, "-2000");
}

static char *render(const msum_table *t, int tsv)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    msum_write_opts o = MSUM_WRITE_OPTS_DEFAULT;
    cr_assert_eq(tsv ? msum_write_tsv(t, fp, &o) : msum_write_csv(t, fp, &o), MSUM_OK);
    fclose(fp);
    return buf;
}

Test(write_csv, quoting_na_and_types)
{
    msum_table *t = msum_table_new("t", "T");
    msum_table_add_col(t, "label", MSUM_COL_TEXT, NULL);
    msum_table_add_col(t, "estimate", MSUM_COL_NUM, NULL);
    msum_table_add_col(t, "k", MSUM_COL_INT, NULL);
    msum_table_add_row(t);
    msum_table_set_text(t, 0, 0, "Ferguson & Simes, 1949 \"BCG\"");
    msum_table_set_num(t, 0, 1, -0.714532348365);
    msum_table_set_num(t, 0, 2, 13);
    msum_table_add_row(t);
    msum_table_set_text(t, 1, 0, "a\tb");
    char *csv = render(t, 0);
    cr_expect_str_eq(csv, "label,estimate,k\n"
                          "\"Ferguson & Simes, 1949 \"\"BCG\"\"\",-0.7145323,13\n"
                          "a\tb,NA,NA\n");
    char *tsv = render(t, 1);
    cr_expect_str_eq(tsv, "label\testimate\tk\n"
                          "Ferguson & Simes, 1949 \"BCG\"\t-0.7145323\t13\n"
                          "a b\tNA\tNA\n");
    free(csv);
    free(tsv);
    msum_table_free(t);
}
