/* Tests for the effect direction tables (src/core/direction.c): the 70 % rule of Thomson &
 * Thomas (2013) on hand-made cells, and the sign test per domain against R's binom.test values
 * computed by hand here (two-sided, p = 1/2: 2 * P[X <= min(x, n - x)]):
 *   binom.test(3, 3)$p.value = 2 * 0.5^3 = 0.25
 *   binom.test(2, 3)$p.value = 2 * (1 + 3) / 8 = 1            (capped at 1)
 *   binom.test(9, 9)$p.value = 2 * 0.5^9 = 0.00390625
 *   binom.test(1, 6)$p.value = 2 * (1 + 6) / 64 = 0.21875
 *   binom.test(8, 10)$p.value = 2 * (1 + 10 + 45) / 1024 = 0.109375 */
#include <gsl/gsl_errno.h>
#include <string.h>

#include "helpers.h"
#include "metasum/metasum.h"

static void setup(void) { gsl_set_error_handler_off(); }

TestSuite(direction, .init = setup);

Test(direction, seventy_percent_rule)
{
    cr_expect_str_eq(msum_edp_direction(7, 3, 0, 0), "benefit", "7 of 10 is 70 %");
    cr_expect_str_eq(msum_edp_direction(6, 4, 0, 0), "conflicting", "6 of 10");
    cr_expect_str_eq(msum_edp_direction(1, 3, 0, 0), "harm", "3 of 4 = 75 %");
    cr_expect_str_eq(msum_edp_direction(0, 0, 2, 5), "no change", "unrated do not count");
    cr_expect_str_eq(msum_edp_direction(1, 0, 1, 0), "conflicting", "50 % benefit, 50 % none");
    cr_expect_str_eq(msum_edp_direction(0, 0, 0, 3), "not rated");
    cr_expect_null(msum_edp_direction(0, 0, 0, 0));
}

static msum_swim_row R(const char *src, const char *prep, const char *ref, const char *oc,
                       msum_direction d)
{
    return (msum_swim_row){.id = "x", .source = src, .preparation = prep, .outcome = oc,
                           .comparator = "UVB", .direction = d, .input = MSUM_INPUT_DIRECTION,
                           .value = NAN, .rom = NAN, .time = NAN, .ref = ref};
}

static const msum_swim_outcome dict[] = {
    {"viability", MSUM_BENEFIT_INCREASE, "Cells", "Viability"},
    {"ros", MSUM_BENEFIT_DECREASE, "Oxidative", "ROS"},
    {"proliferation", MSUM_BENEFIT_INCREASE, "Cells", "Proliferation"},
    {"ev_yield", MSUM_BENEFIT_NONE, "Vesicles", "EV yield"},
};

static long find2(const msum_table *t, const char *c1, const char *v1, const char *c2,
                  const char *v2, const char *c3, const char *v3)
{
    int i1 = msum_table_col_index(t, c1), i2 = msum_table_col_index(t, c2),
        i3 = msum_table_col_index(t, c3);
    for (size_t r = 0; r < msum_table_nrows(t); r++)
        if (!strcmp(msum_table_text(t, r, (size_t)i1), v1) &&
            !strcmp(msum_table_text(t, r, (size_t)i2), v2) &&
            !strcmp(msum_table_text(t, r, (size_t)i3), v3))
            return (long)r;
    return -1;
}

static double num(const msum_table *t, long r, const char *col)
{
    int c = msum_table_col_index(t, col);
    cr_assert(c >= 0 && r >= 0, "no column %s or row", col);
    return msum_table_num(t, (size_t)r, (size_t)c);
}

static const char *text(const msum_table *t, long r, const char *col)
{
    int c = msum_table_col_index(t, col);
    cr_assert(c >= 0 && r >= 0, "no column %s or row", col);
    return msum_table_text(t, (size_t)r, (size_t)c);
}

/* Four studies; A tested two preparations.  Domain Cells: A-Ex benefit (2 of 2), A-CM benefit,
 * B-Ex benefit (3 of 4 = 75 %), C-Ex conflicting (1 up, 1 down) -> 3 votes of 3, p = 0.25.
 * Domain Oxidative: A-Ex benefit, B-Ex harm, D-EV benefit -> 2 of 3, p = 1.  Domain Vesicles:
 * D-EV not rated.  Exposure and head-to-head rows are left out. */
Test(direction, cells_and_domain_sign_test)
{
    msum_swim_row m[] = {
        R("A", "Ex", "Aa", "viability", MSUM_DIR_INCREASE),
        R("A", "Ex", "Aa", "proliferation", MSUM_DIR_INCREASE),
        R("A", "CM", "Aa", "viability", MSUM_DIR_INCREASE),
        R("B", "Ex", "Bb", "viability", MSUM_DIR_INCREASE),
        R("B", "Ex", "Bb", "viability", MSUM_DIR_INCREASE),
        R("B", "Ex", "Bb", "proliferation", MSUM_DIR_INCREASE),
        R("B", "Ex", "Bb", "proliferation", MSUM_DIR_DECREASE),
        R("C", "Ex", "Cc", "viability", MSUM_DIR_INCREASE),
        R("C", "Ex", "Cc", "viability", MSUM_DIR_DECREASE),
        R("A", "Ex", "Aa", "ros", MSUM_DIR_DECREASE),
        R("B", "Ex", "Bb", "ros", MSUM_DIR_INCREASE),
        R("D", "EV", "Dd", "ros", MSUM_DIR_DECREASE),
        R("D", "EV", "Dd", "ev_yield", MSUM_DIR_INCREASE),
        R("D", "EV", "Dd", "ev_yield", MSUM_DIR_INCREASE),
        R(NULL, NULL, "Aa", "viability", MSUM_DIR_DECREASE), /* exposure: left out */
        R("D", "EV", "Dd", "viability", MSUM_DIR_INCREASE),  /* head-to-head: left out */
    };
    size_t n = sizeof m / sizeof m[0];
    m[n - 2].about_exposure = 1;
    m[n - 1].comparator = "A-Ex";
    msum_table *edp, *dom;
    cr_assert_eq(msum_swim_direction(m, n, dict, 4, &edp, &dom), MSUM_OK);
    cr_expect_eq(msum_table_nrows(edp), 8, "A-Ex x2, A-CM, B-Ex x2, C-Ex, D-EV x2");
    long r = find2(edp, "group", "B-Ex", "ref", "Bb", "domain", "Cells");
    assert_close(num(edp, r, "n_findings"), 4, 0, "four findings");
    assert_close(num(edp, r, "n_beneficial"), 3, 0, "three up");
    cr_expect_str_eq(text(edp, r, "direction"), "benefit", "75 %");
    cr_expect_str_eq(text(edp, r, "outcomes"), "Viability, Proliferation");
    r = find2(edp, "group", "C-Ex", "ref", "Cc", "domain", "Cells");
    cr_expect_str_eq(text(edp, r, "direction"), "conflicting");
    r = find2(edp, "group", "D-EV", "ref", "Dd", "domain", "Vesicles");
    cr_expect_str_eq(text(edp, r, "direction"), "not rated");
    /* groups in order of first row (A-Ex, A-CM, B-Ex, C-Ex, D-EV); domains in dictionary order */
    cr_expect_str_eq(text(edp, 0, "group"), "A-Ex");
    cr_expect_str_eq(text(edp, 0, "domain"), "Cells");
    cr_expect_str_eq(text(edp, 1, "domain"), "Oxidative");
    cr_expect_str_eq(text(edp, 2, "group"), "A-CM");
    cr_expect_str_eq(text(edp, 7, "domain"), "Vesicles");
    cr_assert_eq(msum_table_nrows(dom), 3, "Cells, Oxidative, Vesicles");
    cr_expect_str_eq(text(dom, 0, "domain"), "Cells");
    assert_close(num(dom, 0, "n_units"), 4, 0, "A-Ex, A-CM, B-Ex, C-Ex");
    assert_close(num(dom, 0, "n_benefit"), 3, 0, "benefit");
    assert_close(num(dom, 0, "n_conflicting"), 1, 0, "C");
    assert_close(num(dom, 0, "n_votes"), 3, 0, "votes");
    assert_close(num(dom, 0, "sign_pval"), 0.25, 1e-15, "binom.test(3, 3)");
    assert_close(num(dom, 1, "n_benefit"), 2, 0, "A, D");
    assert_close(num(dom, 1, "n_harm"), 1, 0, "B");
    assert_close(num(dom, 1, "sign_pval"), 1, 1e-12, "binom.test(2, 3)");
    assert_close(num(dom, 1, "prop_benefit"), 2.0 / 3, 1e-15, "2 of 3");
    assert_close(num(dom, 2, "n_not_rated"), 1, 0, "EV yield has no good side");
    cr_expect(isnan(num(dom, 2, "sign_pval")), "no votes, no test");
    msum_table_free(edp);
    msum_table_free(dom);
}

/* Larger domains: 9 of 9 units beneficial, 1 of 6, 8 of 10 (sign test values in the header). */
Test(direction, sign_test_values)
{
    static const struct {
        int ben, harm;
        double p;
    } c[] = {{9, 0, 0.00390625}, {1, 5, 0.21875}, {8, 2, 0.109375}};
    static char refs[32][8];
    for (size_t k = 0; k < 3; k++) {
        msum_swim_row m[32];
        size_t n = 0;
        for (int i = 0; i < c[k].ben + c[k].harm; i++) {
            snprintf(refs[i], sizeof refs[i], "S%d", i);
            m[n++] = R("A", "Ex", refs[i], "viability",
                       i < c[k].ben ? MSUM_DIR_INCREASE : MSUM_DIR_DECREASE);
        }
        msum_table *edp, *dom;
        cr_assert_eq(msum_swim_direction(m, n, dict, 4, &edp, &dom), MSUM_OK);
        assert_close(num(dom, 0, "n_benefit"), c[k].ben, 0, "benefit");
        assert_close(num(dom, 0, "sign_pval"), c[k].p, 1e-14, "binom.test");
        msum_table_free(edp);
        msum_table_free(dom);
    }
}

/* Without a dictionary every outcome is its own domain (its key as label). */
Test(direction, no_dictionary)
{
    msum_swim_row m[] = {R("A", "Ex", "Aa", "viability", MSUM_DIR_INCREASE),
                         R("A", "Ex", "Aa", "ros", MSUM_DIR_DECREASE)};
    msum_table *edp, *dom;
    cr_assert_eq(msum_swim_direction(m, 2, NULL, 0, &edp, &dom), MSUM_OK);
    cr_expect_eq(msum_table_nrows(dom), 2);
    cr_expect_str_eq(text(dom, 0, "domain"), "viability");
    cr_expect_str_eq(text(edp, 0, "direction"), "not rated", "no beneficial direction known");
    msum_table_free(edp);
    msum_table_free(dom);
    cr_expect_eq(msum_swim_direction(NULL, 1, NULL, 0, &edp, &dom), MSUM_EINVAL);
}
