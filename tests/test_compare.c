/* Tests for the result tables of a group comparison (src/core/compare.c): shape, metadata, the
 * exp() columns on log scales only, pair selection, and values carried over from the fits
 * (BCG by allocation, tests/ref/expected/bcg_rr_subgroups.csv). */
#include <gsl/gsl_errno.h>
#include <string.h>

#include "helpers.h"
#include "metasum/metasum.h"
#include "refvals.h"

static void setup(void) { gsl_set_error_handler_off(); }

TestSuite(compare, .init = setup);

static msum_subgroup_result bcg_groups(void)
{
    double yi[13], vi[13], ablat[13];
    char alloc[13][16];
    const char *g[13];
    ref_bcg(yi, vi, ablat, alloc);
    for (int i = 0; i < 13; i++) g[i] = alloc[i];
    msum_subgroup_result r;
    cr_assert_eq(msum_subgroup(yi, vi, g, 13, "alloc", NULL, NULL, &r), MSUM_OK);
    return r;
}

static double cell(const msum_table *t, size_t row, const char *col)
{
    int c = msum_table_col_index(t, col);
    cr_assert(c >= 0, "no column %s", col);
    return msum_table_num(t, row, (size_t)c);
}

Test(compare, groups_table_on_log_and_natural_scales)
{
    msum_subgroup_result r = bcg_groups();
    msum_compare_info info = {"alloc", MSUM_MEASURE_RR, 0.95, 0};
    msum_table *t;
    cr_assert_eq(msum_compare_groups_table(&r, &info, &t), MSUM_OK);
    cr_expect_eq(msum_table_nrows(t), 3);
    cr_expect_str_eq(msum_table_text(t, 1, 0), "random");
    assert_close(cell(t, 1, "estimate"),
                 ref_value("ref/expected/bcg_rr_subgroups.csv", "bcg_rr_alloc_random_REML_tight",
                           "estimate"), 1e-8, "random estimate");
    assert_close(cell(t, 1, "exp_estimate"), exp(cell(t, 1, "estimate")), 1e-15, "exp");
    cr_expect_str_eq(msum_table_meta(t, "scale"), "RR (log scale)");
    cr_expect_str_eq(msum_table_meta(t, "method"), "REML");
    cr_expect_str_eq(msum_table_meta(t, "table"), "groups");
    cr_expect_str_eq(msum_table_meta(t, "metasum_version"), MSUM_VERSION);
    msum_table_free(t);
    info.measure = MSUM_MEASURE_MD;
    cr_assert_eq(msum_compare_groups_table(&r, &info, &t), MSUM_OK);
    cr_expect(isnan(cell(t, 1, "exp_estimate")), "no exp() on a difference scale");
    msum_table_free(t);
    msum_subgroup_result_free(&r);
}

Test(compare, between_table_has_both_tests)
{
    msum_subgroup_result r = bcg_groups();
    msum_compare_info info = {"alloc", MSUM_MEASURE_RR, 0.95, 0};
    msum_table *t;
    cr_assert_eq(msum_compare_between_table(&r, &info, &t), MSUM_OK);
    cr_assert_eq(msum_table_nrows(t), 2);
    assert_close(cell(t, 0, "stat"), r.Qb, 0, "Q between");
    assert_close(cell(t, 1, "stat"), r.me.QM, 0, "QM");
    assert_close(cell(t, 1, "tau2"), r.me.tau2, 0, "common tau2");
    msum_table_free(t);
    msum_subgroup_result_free(&r);
}

Test(compare, pairs_all_or_named)
{
    msum_subgroup_result r = bcg_groups();
    msum_compare_info info = {"alloc", MSUM_MEASURE_RR, 0.95, 0};
    msum_table *t;
    const char *bad = NULL;
    cr_assert_eq(msum_compare_pairs_table(&r, NULL, 0, &info, &t, &bad), MSUM_OK);
    cr_expect_eq(msum_table_nrows(t), 3, "3 levels: 3 pairs");
    msum_table_free(t);
    const char *pairs[] = {"random", "systematic"};
    cr_assert_eq(msum_compare_pairs_table(&r, pairs, 1, &info, &t, &bad), MSUM_OK);
    cr_assert_eq(msum_table_nrows(t), 1);
    const char *cs = "bcg_rr_subgroup_diff_random_systematic_tight";
    assert_close(cell(t, 0, "diff"), ref_value("ref/expected/bcg_rr_subgroups.csv", cs, "diff"),
                 1e-8, "diff");
    assert_close(cell(t, 0, "exp_diff"), exp(cell(t, 0, "diff")), 1e-15, "exp_diff");
    msum_table_free(t);
    const char *nope[] = {"random", "nope"};
    cr_expect_eq(msum_compare_pairs_table(&r, nope, 1, &info, &t, &bad), MSUM_EDATA);
    cr_expect_str_eq(bad, "nope");
    msum_subgroup_result_free(&r);
}

Test(compare, metareg_and_model_tables)
{
    msum_subgroup_result r = bcg_groups();
    msum_compare_info info = {"alloc", MSUM_MEASURE_RR, 0.95, 0};
    msum_table *t;
    cr_assert_eq(msum_compare_metareg_table(&r.me, &info, &t), MSUM_OK);
    cr_expect_eq(msum_table_nrows(t), 3);
    cr_expect_str_eq(msum_table_text(t, 2, 0), "alloc[systematic]");
    msum_table_free(t);
    cr_assert_eq(msum_compare_model_table(&r.me, &info, &t), MSUM_OK);
    assert_close(cell(t, 0, "QM"),
                 ref_value("ref/expected/bcg_rr_metareg.csv", "bcg_rr_mods_alloc_REML_tight",
                           "QM"), 1e-8, "QM");
    assert_close(cell(t, 0, "k"), 13, 0, "k");
    msum_table_free(t);
    msum_subgroup_result_free(&r);
}
