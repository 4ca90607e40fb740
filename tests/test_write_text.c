/* Tests for the text format (src/io/write_text.c) and msum_fmt_ci (src/io/fmt.c).  The pooled
 * summary is checked against metafor 3.8's printed output of the same fit
 * (tests/ref/print/bcg_rr_print.txt, from tests/ref/print_refs.R), fed the metafor values of
 * tests/ref/metafor38/expected/bcg_rr.csv (case bcg_rr_REML_tight and its _predict). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "metasum/metasum.h"

static void ci_is(double e, double l, double u, int dec, const char *want)
{
    char buf[128];
    msum_fmt_ci(e, l, u, dec, buf, sizeof buf);
    cr_expect_str_eq(buf, want, "msum_fmt_ci(%g, %g, %g, %d)", e, l, u, dec);
}

Test(fmt_ci, decimals_and_na)
{
    /* exp() of metafor's REML fit of BCG (RR): exp(-0.714532342158) = 0.48942, CI exp(-1.06690)
     * = 0.34407, exp(-0.36217) = 0.69617 */
    ci_is(0.489420, 0.344074, 0.696166, 2, "0.49 [0.34, 0.70]");
    ci_is(0.489420, 0.344074, 0.696166, 3, "0.489 [0.344, 0.696]");
    ci_is(-15.106, -32.641, 2.429, 1, "-15.1 [-32.6, 2.4]");
    ci_is(-0.001, -0.5, 0.2, 2, "0.00 [-0.50, 0.20]"); /* no "-0.00" */
    ci_is(NAN, 0.1, INFINITY, 2, "NA [0.10, NA]");
    ci_is(1.5, 1, 2, 0, "2 [1, 2]");
}

static char *text_of(const msum_table *t, int digits)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    msum_write_opts o = MSUM_WRITE_OPTS_DEFAULT;
    o.digits = digits;
    cr_assert_eq(msum_write_text(t, fp, &o), MSUM_OK);
    fclose(fp);
    return buf;
}

static void set(msum_table *t, const char *col, double v)
{
    int c = msum_table_col_index(t, col);
    cr_assert(c >= 0, "%s", col);
    msum_table_set_num(t, 0, (size_t)c, v);
}

static void set_txt(msum_table *t, const char *col, const char *v)
{
    int c = msum_table_col_index(t, col);
    cr_assert(c >= 0, "%s", col);
    msum_table_set_text(t, 0, (size_t)c, v);
}

/* A one-row pooled table (the columns of metasum pool) holding metafor's numbers. */
static msum_table *bcg_pool(void)
{
    static const char *const num[] = {
        "k", "k_skipped", "estimate", "se", "stat", "pval", "df", "ci_lb", "ci_ub", "pi_lb",
        "pi_ub", "exp_estimate", "exp_ci_lb", "exp_ci_ub", "exp_pi_lb", "exp_pi_ub", "tau2",
        "se_tau2", "tau2_ci_lb", "tau2_ci_ub", "tau", "I2", "I2_ci_lb", "I2_ci_ub", "H2", "QE",
        "QEdf", "QEp", "level", "tau_ci_lb", "tau_ci_ub", "H2_ci_lb", "H2_ci_ub"};
    static const char *const txt[] = {"measure", "scale", "tau2_ci_status", "method",
                                      "method_used", "fallback", "test", "notes"};
    msum_table *t = msum_table_new("pool", "Pooled estimates");
    for (size_t i = 0; i < sizeof num / sizeof *num; i++)
        msum_table_add_col(t, num[i], i == 0 || i == 1 ? MSUM_COL_INT : MSUM_COL_NUM, NULL);
    for (size_t i = 0; i < sizeof txt / sizeof *txt; i++)
        msum_table_add_col(t, txt[i], MSUM_COL_TEXT, NULL);
    msum_table_add_row(t);
    set(t, "k", 13);
    set(t, "k_skipped", 0);
    set(t, "estimate", -0.714532342158);
    set(t, "se", 0.179781516105);
    set(t, "stat", -3.97444830613);
    set(t, "pval", 7.05425810164e-05);
    set(t, "ci_lb", -1.06689763881);
    set(t, "ci_ub", -0.362167045506);
    set(t, "pi_lb", -1.8666922179);
    set(t, "pi_ub", 0.437627533587);
    set(t, "exp_estimate", exp(-0.714532342158));
    set(t, "exp_ci_lb", exp(-1.06689763881));
    set(t, "exp_ci_ub", exp(-0.362167045506));
    set(t, "exp_pi_lb", exp(-1.8666922179));
    set(t, "exp_pi_ub", exp(0.437627533587));
    set(t, "tau2", 0.313243258136);
    set(t, "se_tau2", 0.166425752837);
    set(t, "tau", 0.559681389843);
    set(t, "I2", 92.2213845213);
    set(t, "H2", 12.8557582353);
    set(t, "QE", 152.233008082);
    set(t, "QEdf", 12);
    set(t, "QEp", 1.99676459085e-26);
    set(t, "level", 0.95);
    set_txt(t, "measure", "RR");
    set_txt(t, "scale", "log");
    set_txt(t, "method", "REML");
    set_txt(t, "method_used", "REML");
    set_txt(t, "test", "z");
    return t;
}

Test(write_text, pool_as_metafor_prints_it)
{
    msum_table *t = bcg_pool();
    char *s = text_of(t, 4);
    /* lines of metafor's print(rma(yi, vi, data = dat)) and predict(res, transf = exp), with
     * metafor's single-space gaps widened to two in the predict table */
    static const char *const want[] = {
        "Random-Effects Model (k = 13; tau^2 estimator: REML)\n",
        "\ntau^2 (estimated amount of total heterogeneity): 0.3132 (SE = 0.1664)\n",
        "\ntau (square root of estimated tau^2 value):      0.5597\n",
        "\nI^2 (total heterogeneity / total variability):   92.22%\n",
        "\nH^2 (total variability / sampling variability):  12.86\n",
        "\nTest for Heterogeneity:\nQ(df = 12) = 152.2330, p-val < .0001\n",
        "\nestimate      se     zval    pval    ci.lb    ci.ub\n"
        " -0.7145  0.1798  -3.9744  <.0001  -1.0669  -0.3622\n",
        "\nlog RR  -0.7145  -1.0669  -0.3622  -1.8667  0.4376\n",
        "\nRR       0.4894   0.3441   0.6962   0.1546  1.5490\n"};
    for (size_t i = 0; i < sizeof want / sizeof *want; i++)
        cr_expect(strstr(s, want[i]) != NULL, "missing %s in:\n%s", want[i], s);
    cr_expect(strncmp(s, want[0], strlen(want[0])) == 0);
    /* the Q-profile section only when the table has the CI */
    cr_expect(strstr(s, "Q-profile") == NULL);
    free(s);

    /* knha: t with its df; a p-value at or above 10^-4 printed with "= " */
    set_txt(t, "test", "knha");
    set(t, "df", 12);
    set(t, "pval", 0.00190);
    set(t, "QEp", 0.0183);
    s = text_of(t, 4);
    cr_expect(strstr(s, "\nestimate      se     tval  df    pval    ci.lb    ci.ub\n") != NULL,
              "%s", s);
    cr_expect(strstr(s, "  12  0.0019  ") != NULL, "%s", s);
    cr_expect(strstr(s, "p-val = 0.0183\n") != NULL, "%s", s);
    free(s);

    /* a common-effect fit: metafor's header, no tau^2 lines, no prediction interval */
    set_txt(t, "method_used", "FE");
    set(t, "pi_lb", NAN);
    set(t, "pi_ub", NAN);
    set(t, "exp_pi_lb", NAN);
    set(t, "exp_pi_ub", NAN);
    s = text_of(t, 4);
    cr_expect(strncmp(s, "Fixed-Effects Model (k = 13)\n\nI^2", 33) == 0, "%s", s);
    cr_expect(strstr(s, "tau^2") == NULL, "%s", s);
    cr_expect(strstr(s, "pi.lb") == NULL, "%s", s);
    free(s);
    msum_table_free(t);
}

Test(write_text, confint_section_and_notes)
{
    msum_table *t = bcg_pool();
    /* metafor confint(res) of the tightly converged fit (tests/ref/print/bcg_rr_print.txt) */
    set(t, "tau2_ci_lb", 0.11971);
    set(t, "tau2_ci_ub", 1.11149);
    set(t, "tau_ci_lb", 0.34600);
    set(t, "tau_ci_ub", 1.05427);
    set(t, "I2_ci_lb", 81.92057);
    set(t, "I2_ci_ub", 97.67807);
    set(t, "H2_ci_lb", 5.531149);
    set(t, "H2_ci_ub", 43.06771);
    set_txt(t, "tau2_ci_status", "ub_above_limit");
    set_txt(t, "fallback", "REML did not converge");
    set_txt(t, "method_used", "PM");
    char *s = text_of(t, 4);
    cr_expect(strstr(s, "Random-Effects Model (k = 13; tau^2 estimator: PM)\n"
                        "Note: REML did not converge\n") != NULL, "%s", s);
    cr_expect(strstr(s, "\n        estimate    ci.lb    ci.ub\n"
                        "tau^2     0.3132   0.1197   1.1115\n"
                        "tau       0.5597   0.3460   1.0543\n"
                        "I^2(%)   92.2214  81.9206  97.6781\n"
                        "H^2      12.8558   5.5311  43.0677\n"
                        "Note: the upper bound of the CI for tau^2 lies above the search limit\n")
                  != NULL, "%s", s);
    free(s);
    msum_table_free(t);
}

Test(write_text, generic_table_columns)
{
    msum_table *t = msum_table_new("weights", "Study weights");
    msum_table_add_col(t, "study", MSUM_COL_TEXT, NULL);
    msum_table_add_col(t, "k", MSUM_COL_INT, NULL);
    msum_table_add_col(t, "yi", MSUM_COL_NUM, NULL);
    msum_table_add_col(t, "pval", MSUM_COL_NUM, NULL);
    msum_table_set_meta(t, "scale", "log");
    msum_table_add_row(t);
    msum_table_set_text(t, 0, 0, "Aronson\t1948");
    msum_table_set_num(t, 0, 1, 13);
    msum_table_set_num(t, 0, 2, -0.88931133392);
    msum_table_set_num(t, 0, 3, 3e-5);
    msum_table_add_row(t);
    msum_table_set_num(t, 1, 3, 0.25);
    char *s = text_of(t, 3);
    cr_expect_str_eq(s, "Study weights\n"
                        "scale: log\n"
                        "\n"
                        "study          k      yi   pval\n"
                        "Aronson 1948  13  -0.889  <.001\n"
                        "NA            NA      NA  0.250\n");
    free(s);
    msum_table_free(t);

    /* wider than 80 characters: column blocks, each with its header */
    t = msum_table_new("wide", "Wide");
    char name[32];
    for (int c = 0; c < 12; c++) {
        snprintf(name, sizeof name, "column_%02d", c);
        msum_table_add_col(t, name, MSUM_COL_NUM, NULL);
    }
    msum_table_add_row(t);
    for (int c = 0; c < 12; c++) msum_table_set_num(t, 0, (size_t)c, c);
    s = text_of(t, 4);
    /* 9-character columns with 2-space gaps: 7 fit in 80 (7*9 + 6*2 = 75) */
    cr_expect(strstr(s, "column_06\n") != NULL, "%s", s);
    cr_expect(strstr(s, "\n\ncolumn_07  column_08") != NULL, "%s", s);
    for (char *line = s; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
        cr_expect(strcspn(line, "\n") <= 80, "line over 80 characters in:\n%s", s);
    free(s);
    msum_table_free(t);
}

Test(write_text, format_name_and_dispatch)
{
    msum_format f;
    cr_expect(msum_format_parse("text", &f) && f == MSUM_FMT_TEXT);
    cr_expect_str_eq(msum_format_name(MSUM_FMT_TEXT), "text");
    msum_table *t = bcg_pool();
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    const msum_table *ts[] = {t};
    cr_expect_eq(msum_write_tables(ts, 1, MSUM_FMT_TEXT, fp, NULL), MSUM_OK);
    fclose(fp);
    cr_expect(strncmp(buf, "Random-Effects Model (k = 13;", 29) == 0, "%s", buf);
    free(buf);
    msum_table_free(t);
}
