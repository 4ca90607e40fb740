/* Kind "bias" through the analysis layer's public header alone (msum_analysis_run): the table
 * against metafor 3.8 (tests/ref/bias_refs.R -> tests/ref/expected/bias.csv, BCG log risk
 * ratios), the settings of the spec, the plots and the spec errors. */
#include <stdio.h>
#include <string.h>

#include "helpers.h"
#include "metasum/analysis.h"
#include "metasum/diag.h"
#include "metasum/table.h"
#include "refvals.h"

#define REF "ref/expected/bias.csv"
#define BCG "ref/inputs/bcg_rr_yivi.csv"
#define ITER 1e-7 /* REML fits against metafor with threshold 1e-12 */

static void spec_bias(msum_spec *s, const char *dataset)
{
    msum_spec_init(s);
    s->kind = MSUM_KIND_BIAS;
    s->dataset = dataset;
}

static double num(const msum_table *t, size_t row, const char *col)
{
    int c = msum_table_col_index(t, col);
    cr_assert(c >= 0, "no column %s", col);
    return msum_table_num(t, row, (size_t)c);
}

static const char *text(const msum_table *t, size_t row, const char *col)
{
    int c = msum_table_col_index(t, col);
    cr_assert(c >= 0, "no column %s", col);
    return msum_table_text(t, row, (size_t)c);
}

/* The bias table of spec s; the diagnostics are freed, the result is the caller's. */
static const msum_table *run_ok(const msum_spec *s, msum_result *r)
{
    msum_diags *d = msum_diags_new();
    memset(r, 0, sizeof *r);
    int st = msum_analysis_run(s, r, d);
    char buf[512] = "";
    if (msum_diags_count(d)) msum_diag_format(msum_diags_get(d, 0), buf, sizeof buf);
    cr_assert_eq(st, MSUM_OK, "status %d: %s", st, buf);
    msum_diags_free(d);
    const msum_table *t = msum_result_table(r, "bias");
    cr_assert_not_null(t);
    cr_assert_eq(msum_table_nrows(t), 6, "regtest, ranktest, trimfill, three fsn");
    return t;
}

/* regtest row 0 against case cs (rma: z test; lm: t with dfs) */
static void check_regtest(const msum_table *t, const char *cs)
{
    char what[160];
    static const char *const q[][2] = {{"stat", "zval"}, {"pval", "pval"}, {"df", "dfs"},
                                       {"estimate", "est"}, {"ci_lb", "ci.lb"},
                                       {"ci_ub", "ci.ub"}};
    for (size_t i = 0; i < sizeof q / sizeof q[0]; i++) {
        snprintf(what, sizeof what, "%s %s", cs, q[i][1]);
        assert_close(num(t, 0, q[i][0]), ref_value(REF, cs, q[i][1]), ITER, what);
    }
}

static void check_trimfill(const msum_table *t, const char *cs)
{
    char what[160];
    static const char *const q[][2] = {{"k0", "k0"},       {"se_k0", "se.k0"}, {"k", "k"},
                                       {"estimate", "beta"}, {"stat", "zval"}, {"pval", "pval"},
                                       {"ci_lb", "ci.lb"}, {"ci_ub", "ci.ub"}};
    for (size_t i = 0; i < sizeof q / sizeof q[0]; i++) {
        snprintf(what, sizeof what, "%s %s", cs, q[i][1]);
        assert_close(num(t, 2, q[i][0]), ref_value(REF, cs, q[i][1]), ITER, what);
    }
    cr_expect_str_eq(text(t, 2, "side"), ref_value(REF, cs, "side.right") == 1 ? "right"
                                                                               : "left");
}

/* BCG with the defaults: REML, Egger's test on sei (rma), trim and fill L0 on the automatic
 * side, fail-safe N at alpha 0.05. */
Test(analysis_bias, bcg_defaults_as_metafor)
{
    msum_spec s;
    msum_result r;
    spec_bias(&s, BCG);
    const msum_table *t = run_ok(&s, &r);
    cr_expect_str_eq(text(t, 0, "test"), "regtest");
    cr_expect_str_eq(text(t, 0, "method"), "rma/sei");
    assert_close(num(t, 0, "k"), 13, 0, "k");
    check_regtest(t, "bcg_REML_regtest_rma_sei");
    /* the Egger test of metafor's documentation: z = -0.8033, p = 0.4218 */
    assert_close(num(t, 0, "stat"), -0.803329193090805, ITER, "BCG regtest z");
    assert_close(num(t, 1, "estimate"), ref_value(REF, "bcg_ranktest", "tau"), 1e-12, "tau");
    assert_close(num(t, 1, "pval"), ref_value(REF, "bcg_ranktest", "pval"), 1e-9, "rank p");
    check_trimfill(t, "bcg_REML_trimfill_L0_auto");
    assert_close(num(t, 2, "k0"), 1, 0, "BCG trimfill k0");
    static const char *const fsn[] = {"Rosenthal", "Orwin", "Rosenberg"};
    for (size_t i = 0; i < 3; i++) {
        char cs[64];
        snprintf(cs, sizeof cs, "bcg_fsn_%s", fsn[i]);
        cr_expect_str_eq(text(t, 3 + i, "method"), fsn[i]);
        assert_close(num(t, 3 + i, "fsnum"), ref_value(REF, cs, "fsnum"), 0, cs);
        assert_close(num(t, 3 + i, "pval"), ref_value(REF, cs, "pval"), 1e-9, cs);
    }
    cr_expect_str_eq(msum_table_meta(t, "estimator"), "REML");
    cr_expect_str_eq(msum_table_meta(t, "input"), BCG);
    cr_expect_eq(r.k_skipped, 0);
    msum_result_free(&r);
}

/* Every bias setting of the spec reaches its test: DL, lm on vi, R0 on the left, Orwin's
 * target 0.05, Rosenthal at alpha 0.10. */
Test(analysis_bias, settings_of_the_spec)
{
    msum_spec s;
    msum_result r;
    spec_bias(&s, BCG);
    s.method = "DL";
    s.model = "lm";
    s.predictor = "vi";
    s.estimator = "R0";
    s.side = "left";
    s.target = 0.05;
    s.alpha = 0.10;
    const msum_table *t = run_ok(&s, &r);
    check_regtest(t, "bcg_DL_regtest_lm_vi");
    check_trimfill(t, "bcg_DL_trimfill_R0_left");
    assert_close(num(t, 3, "fsnum"), ref_value(REF, "bcg_fsn_Rosenthal_a10", "fsnum"), 0,
                 "Rosenthal alpha 0.10");
    assert_close(num(t, 4, "fsnum"), ref_value(REF, "bcg_fsn_Orwin_target", "fsnum"), 0,
                 "Orwin target 0.05");
    msum_result_free(&r);

    /* regtest on the sample size: ni = tpos + tneg + cpos + cneg, the 2x2 cells taken under
     * their names in this file */
    spec_bias(&s, BCG);
    s.predictor = "ni";
    s.read.columns = "ai=tpos;bi=tneg;ci=cpos;di=cneg";
    t = run_ok(&s, &r);
    assert_close(num(t, 0, "stat"), ref_value(REF, "bcg_REML_regtest_rma_ni", "zval"), ITER,
                 "regtest ni z");
    msum_result_free(&r);
}

/* The user's own file: a ';'-separated export with decimal commas and its own header names,
 * mapped with columns (as --col), gives metafor's numbers. */
Test(analysis_bias, mapped_columns_and_decimal_commas)
{
    double yi[13], vi[13], ablat[13];
    char alloc[13][16];
    ref_bcg(yi, vi, ablat, alloc);
    const char *path = "../build/tests/analysis_bias_mapped.csv";
    FILE *fp = fopen(path, "w");
    cr_assert_not_null(fp);
    fprintf(fp, "Trial;Effect;Variance\n");
    for (int i = 0; i < 13; i++) {
        char a[64], b[64];
        snprintf(a, sizeof a, "%.17g", yi[i]);
        snprintf(b, sizeof b, "%.17g", vi[i]);
        for (char *p = a; *p; p++) *p = *p == '.' ? ',' : *p;
        for (char *p = b; *p; p++) *p = *p == '.' ? ',' : *p;
        fprintf(fp, "%d;%s;%s\n", i + 1, a, b);
    }
    fclose(fp);
    msum_spec s;
    msum_result r;
    spec_bias(&s, path);
    s.read.columns = "yi=Effect;vi=Variance";
    const msum_table *t = run_ok(&s, &r);
    check_regtest(t, "bcg_REML_regtest_rma_sei");
    check_trimfill(t, "bcg_REML_trimfill_L0_auto");
    cr_expect_not_null(msum_table_meta(t, "columns"), "the mapping is in the metadata");
    msum_result_free(&r);
}

Test(analysis_bias, plots_and_spec_errors)
{
    msum_spec s;
    msum_result r = {0};
    spec_bias(&s, BCG);
    s.plots = "funnel_trimfill,funnel_contour,funnel_egger,radial";
    s.title = "BCG";
    run_ok(&s, &r);
    cr_expect_eq(r.nplots, 4);
    for (size_t i = 0; i < r.nplots; i++) cr_expect(strstr(r.plots[i], "<svg") != NULL);
    cr_expect_not_null(msum_result_plot(&r, "radial"));
    msum_result_free(&r);

    /* an unknown plot name is a spec error at the manifest line, naming the column */
    msum_diags *d = msum_diags_new();
    s.plots = "funnel_trimfill,forest";
    s.origin = "analyses.csv";
    s.line = 4;
    cr_expect_eq(msum_analysis_run(&s, &r, d), MSUM_EINVAL);
    cr_assert_eq(msum_diags_errors(d), 1);
    const msum_diag *dg = msum_diags_get(d, 0);
    cr_expect_str_eq(dg->file, "analyses.csv");
    cr_expect_eq(dg->line, 4);
    cr_expect_str_eq(dg->column, "plots");
    cr_expect(strstr(dg->message, "found 'forest'") != NULL, "%s", dg->message);
    msum_result_free(&r);
    msum_diags_free(d);

    /* a funnel plot draws one group */
    d = msum_diags_new();
    s.plots = "funnel_contour";
    s.by = "alloc";
    cr_expect_eq(msum_analysis_run(&s, &r, d), MSUM_EINVAL);
    cr_expect_str_eq(msum_diags_get(d, 0)->column, "plots");
    msum_result_free(&r);
    msum_diags_free(d);

    /* trim and fill is not defined for k = 2: the plot cannot be drawn */
    d = msum_diags_new();
    spec_bias(&s, "ref/inputs/edge_k2.csv");
    s.plots = "funnel_trimfill";
    cr_expect_eq(msum_analysis_run(&s, &r, d), MSUM_EDATA);
    cr_expect(msum_diags_errors(d) == 1);
    msum_result_free(&r);
    msum_diags_free(d);

    /* a by column that the file does not have names the setting */
    d = msum_diags_new();
    spec_bias(&s, BCG);
    s.by = "nosuch";
    cr_expect_eq(msum_analysis_run(&s, &r, d), MSUM_EINVAL);
    cr_expect_str_eq(msum_diags_get(d, 0)->column, "by");
    msum_result_free(&r);
    msum_diags_free(d);
}

/* One block of rows per by group, the group values first. */
Test(analysis_bias, by_groups)
{
    msum_spec s;
    msum_result r = {0};
    spec_bias(&s, BCG);
    s.by = "alloc";
    msum_diags *d = msum_diags_new();
    cr_assert_eq(msum_analysis_run(&s, &r, d), MSUM_OK);
    const msum_table *t = msum_result_table(&r, "bias");
    cr_assert_eq(msum_table_nrows(t), 18, "three alloc groups of six rows");
    cr_expect_str_eq(msum_table_col_name(t, 0), "alloc");
    cr_expect_str_eq(text(t, 0, "alloc"), "random");
    /* BCG allocation: random 7 trials, alternate 2, systematic 4 */
    assert_close(num(t, 0, "k") + num(t, 6, "k") + num(t, 12, "k"), 13, 0, "k");
    msum_result_free(&r);
    msum_diags_free(d);
}
