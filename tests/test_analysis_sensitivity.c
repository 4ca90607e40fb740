/* Kind "sensitivity" through the analysis layer's public header alone (msum_analysis_run):
 * leave-one-out, cumulative and influence tables against metafor 3.8 (tests/ref/bias_refs.R ->
 * tests/ref/expected/sensitivity.csv, BCG log risk ratios), rows left out, the plots and the
 * spec errors. */
#include <stdio.h>
#include <string.h>

#include "helpers.h"
#include "metasum/analysis.h"
#include "metasum/diag.h"
#include "metasum/table.h"
#include "refvals.h"

#define REF "ref/expected/sensitivity.csv"
#define BCG "ref/inputs/bcg_rr_yivi.csv"
#define ITER 1e-7 /* REML fits against metafor with threshold 1e-12 */

static void spec_sens(msum_spec *s, const char *dataset, const char *analysis)
{
    msum_spec_init(s);
    s->kind = MSUM_KIND_SENSITIVITY;
    s->dataset = dataset;
    s->analysis = analysis;
}

static double num(const msum_table *t, size_t row, const char *col)
{
    int c = msum_table_col_index(t, col);
    cr_assert(c >= 0, "no column %s", col);
    return msum_table_num(t, row, (size_t)c);
}

static void run_ok(const msum_spec *s, msum_result *r, size_t ntables)
{
    msum_diags *d = msum_diags_new();
    memset(r, 0, sizeof *r);
    int st = msum_analysis_run(s, r, d);
    char buf[512] = "";
    if (msum_diags_count(d)) msum_diag_format(msum_diags_get(d, 0), buf, sizeof buf);
    cr_assert_eq(st, MSUM_OK, "status %d: %s", st, buf);
    cr_assert_eq(r->ntables, ntables);
    msum_diags_free(d);
}

/* Column col of rows 0..12 of t against quantity q[1..13] of case cs. */
static void expect_col(const msum_table *t, const char *col, const char *cs, const char *q)
{
    cr_assert_eq(msum_table_nrows(t), 13);
    for (size_t i = 0; i < 13; i++) {
        char qn[64], what[160];
        snprintf(qn, sizeof qn, "%s[%zu]", q, i + 1);
        snprintf(what, sizeof what, "%s %s", cs, qn);
        assert_close(num(t, i, col), ref_value(REF, cs, qn), ITER, what);
    }
}

static void expect_refits(const msum_table *t, const char *cs)
{
    static const char *const q[][2] = {
        {"estimate", "estimate"}, {"se", "se"},       {"stat", "zval"}, {"pval", "pval"},
        {"ci_lb", "ci.lb"},       {"ci_ub", "ci.ub"}, {"Q", "Q"},       {"Q_p", "Qp"},
        {"tau2", "tau2"},         {"I2", "I2"},       {"H2", "H2"}};
    for (size_t i = 0; i < sizeof q / sizeof q[0]; i++) expect_col(t, q[i][0], cs, q[i][1]);
}

/* leave1out(rma(yi, vi, method = "REML")) on BCG: each study omitted in turn. */
Test(analysis_sensitivity, leave1out_as_metafor)
{
    msum_spec s;
    msum_result r;
    spec_sens(&s, BCG, "leave1out");
    run_ok(&s, &r, 1);
    const msum_table *t = msum_result_table(&r, "leave1out");
    cr_assert_not_null(t);
    expect_refits(t, "bcg_REML_leave1out");
    /* without study 1 (Aronson 1948, line 2 of the file) */
    assert_close(num(t, 0, "estimate"), -0.707083784699262, ITER, "leave1out estimate[1]");
    assert_close(num(t, 0, "line"), 2, 0, "line");
    assert_close(num(t, 12, "k"), 12, 0, "k");
    msum_result_free(&r);

    /* the Knapp-Hartung test reaches every refit */
    spec_sens(&s, BCG, "leave1out");
    s.test = "knha";
    run_ok(&s, &r, 1);
    expect_col(msum_result_table(&r, "leave1out"), "stat", "bcg_REML_knha_leave1out", "zval");
    msum_result_free(&r);
}

/* Without an analysis (a report's page): the three tables; cumul in the order of a column. */
Test(analysis_sensitivity, all_three_tables_and_ordered_cumul)
{
    msum_spec s;
    msum_result r;
    spec_sens(&s, BCG, NULL);
    s.order = "year";
    run_ok(&s, &r, 3);
    cr_expect_str_eq(msum_table_name(r.tables[0]), "leave1out");
    cr_expect_str_eq(msum_table_name(r.tables[1]), "cumul");
    cr_expect_str_eq(msum_table_name(r.tables[2]), "influence");
    expect_refits(r.tables[0], "bcg_REML_leave1out");
    expect_refits(r.tables[1], "bcg_REML_cumul_ordered");
    const msum_table *t = r.tables[2];
    static const char *const q[][2] = {
        {"rstudent", "rstudent"}, {"dffits", "dffits"}, {"cook_d", "cook.d"},
        {"cov_r", "cov.r"},       {"tau2_del", "tau2.del"}, {"QE_del", "QE.del"},
        {"hat", "hat"},           {"weight", "weight"},   {"dfbetas", "dfbs"},
        {"inf", "inf"}};
    for (size_t i = 0; i < sizeof q / sizeof q[0]; i++)
        expect_col(t, q[i][0], "bcg_REML_influence", q[i][1]);
    expect_col(t, "rstandard", "bcg_REML_rstandard", "z");
    cr_expect_str_eq(msum_table_meta(r.tables[1], "order"), "year");
    msum_result_free(&r);

    /* input order, DL */
    spec_sens(&s, BCG, "cumul");
    s.method = "DL";
    run_ok(&s, &r, 1);
    expect_refits(r.tables[0], "bcg_DL_cumul");
    msum_result_free(&r);
}

/* A row without a variance is left out (counted in k_skipped, with a warning): the BCG numbers
 * are unchanged. */
Test(analysis_sensitivity, rows_left_out)
{
    const char *path = "../build/tests/analysis_sensitivity_na.csv";
    FILE *in = fopen(BCG, "r"), *out = fopen(path, "w");
    cr_assert(in && out);
    char line[512];
    for (int n = 0; fgets(line, sizeof line, in); n++) {
        fputs(line, out);
        if (n == 3) fputs("99,Nobody,1999,10,random,1,2,3,4,0.5,\n", out);
    }
    fclose(in);
    fclose(out);
    msum_spec s;
    msum_result r;
    spec_sens(&s, path, "leave1out");
    msum_diags *d = msum_diags_new();
    memset(&r, 0, sizeof r);
    cr_assert_eq(msum_analysis_run(&s, &r, d), MSUM_OK);
    cr_expect_eq(r.k_skipped, 1);
    cr_expect_eq(msum_diags_errors(d), 0);
    cr_expect_geq(msum_diags_count(d), 1, "a warning names the row left out");
    expect_refits(msum_result_table(&r, "leave1out"), "bcg_REML_leave1out");
    msum_result_free(&r);
    msum_diags_free(d);
}

Test(analysis_sensitivity, plots_and_spec_errors)
{
    msum_spec s;
    msum_result r;
    spec_sens(&s, BCG, "influence");
    s.plots = "leave1out,cumul,influence,baujat";
    run_ok(&s, &r, 1);
    cr_expect_eq(r.nplots, 4);
    cr_expect_not_null(msum_result_plot(&r, "baujat"));
    msum_result_free(&r);

    struct {
        const char *analysis, *order, *plots, *by, *column;
    } bad[] = {
        {"leave1out", "year", NULL, NULL, "order"}, /* order: cumul only */
        {"cumul", "nosuch", NULL, NULL, "order"},   /* no such column */
        {NULL, NULL, "funnel", NULL, "plots"},      /* a bias plot */
        {NULL, NULL, "baujat", "alloc", "plots"},   /* one group only */
        {NULL, NULL, NULL, "nosuch", "by"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        spec_sens(&s, BCG, bad[i].analysis);
        s.order = bad[i].order;
        s.plots = bad[i].plots;
        s.by = bad[i].by;
        s.origin = "analyses.csv";
        s.line = 9;
        msum_diags *d = msum_diags_new();
        memset(&r, 0, sizeof r);
        cr_expect_eq(msum_analysis_run(&s, &r, d), MSUM_EINVAL, "case %zu", i);
        cr_assert_geq(msum_diags_count(d), 1);
        const msum_diag *dg = msum_diags_get(d, msum_diags_count(d) - 1);
        cr_expect_str_eq(dg->file, "analyses.csv", "case %zu", i);
        cr_expect_eq(dg->line, 9);
        cr_expect_str_eq(dg->column, bad[i].column, "case %zu", i);
        msum_result_free(&r);
        msum_diags_free(d);
    }

    /* k = 1: no leave-one-out */
    spec_sens(&s, "ref/inputs/edge_k1.csv", "leave1out");
    msum_diags *d = msum_diags_new();
    memset(&r, 0, sizeof r);
    cr_expect_eq(msum_analysis_run(&s, &r, d), MSUM_EDATA);
    msum_result_free(&r);
    msum_diags_free(d);
}
