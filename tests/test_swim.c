/* Tests for synthesis without meta-analysis (src/core/swim.c): binomial intervals and the sign
 * test against R (tests/ref/expected/vote_counting.csv: prop.test(correct = FALSE), binom.test),
 * and the SWiM tables against hand calculations written here (numbers from the exosome review:
 * ADSC-Ex 28.19 % vs ADSC-CM 18.08 % viability gain; iPSC-EV 16 times the EV yield of MSC-EV). */
#include <gsl/gsl_errno.h>
#include <string.h>

#include "helpers.h"
#include "metasum/metasum.h"
#include "refvals.h"

static void setup(void) { gsl_set_error_handler_off(); }

TestSuite(swim, .init = setup);

static const char *REF = "ref/expected/vote_counting.csv";

Test(swim, wilson_clopper_pearson_sign_test_match_r)
{
    static const int cases[][2] = {{5, 5}, {3, 4}, {0, 3}, {7, 10}, {1, 1}, {12, 20}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        char cs[32];
        double x = cases[c][0], n = cases[c][1], lb, ub;
        snprintf(cs, sizeof cs, "vote_%d_%d", cases[c][0], cases[c][1]);
        cr_assert_eq(msum_wilson_ci(x, n, 0.95, &lb, &ub), MSUM_OK);
        assert_close(lb, ref_value(REF, cs, "wilson.lb"), 1e-10, cs);
        assert_close(ub, ref_value(REF, cs, "wilson.ub"), 1e-10, cs);
        cr_assert_eq(msum_clopper_pearson_ci(x, n, 0.95, &lb, &ub), MSUM_OK);
        assert_close(lb, ref_value(REF, cs, "cp.lb"), 1e-9, cs);
        assert_close(ub, ref_value(REF, cs, "cp.ub"), 1e-9, cs);
        assert_close(msum_sign_test_p(x, n), ref_value(REF, cs, "sign.pval"), 1e-10, cs);
    }
    double lb, ub;
    cr_expect_eq(msum_wilson_ci(4, 3, 0.95, &lb, &ub), MSUM_EINVAL);
    cr_expect_eq(msum_wilson_ci(0, 0, 0.95, &lb, &ub), MSUM_EINVAL);
    cr_expect(isnan(msum_sign_test_p(1.5, 3)));
}

/* Wilson for 3 of 3 by hand: lb = 1 / (1 + z^2/3), z = 1.959963984540054. */
Test(swim, wilson_by_hand)
{
    double z = 1.959963984540054, lb, ub;
    msum_wilson_ci(3, 3, 0.95, &lb, &ub);
    assert_close(lb, 1 / (1 + z * z / 3), 1e-12, "lb");
    assert_close(ub, 1, 0, "ub");
    assert_close(msum_sign_test_p(3, 3), 0.25, 1e-15, "2 * 0.5^3");
    assert_close(msum_sign_test_p(2, 4), 1, 1e-15, "balanced");
}

/* A small review: rows of the exosome skin-ageing literature (directions as reported). */
#define ROW(id, src, prep, model, expo, oc, cmp, ex, dir, in, val, rom, t, tu, ref) \
    {id, src, prep, model, expo, oc, cmp, ex, dir, in, val, rom, t, tu, ref, 0}
static msum_swim_row rows[] = {
    ROW("r1", "ADSC", "Ex", "HDF", "UVB", "viability", "UVB", 0, MSUM_DIR_INCREASE,
        MSUM_INPUT_PERCENT, 28.19, 0, NAN, NULL, "Guo"),
    ROW("r2", "ADSC", "CM", "HDF", "UVB", "viability", "UVB", 0, MSUM_DIR_INCREASE,
        MSUM_INPUT_PERCENT, 18.08, 0, NAN, NULL, "Guo"),
    ROW("r3", "ADSC", "Ex", "HDF", "UVB", "ros", "UVB", 0, MSUM_DIR_DECREASE,
        MSUM_INPUT_DIRECTION, NAN, NAN, NAN, NULL, "Guo"),
    ROW("r4", "ADSC", "Ex", "HDF", "UVB", "mmp1", "UVB", 0, MSUM_DIR_DECREASE,
        MSUM_INPUT_DIRECTION, NAN, NAN, NAN, NULL, "Guo"),
    ROW("r5", "ADSC", NULL, "HDF", "UVB", "viability", "untreated", 1, MSUM_DIR_DECREASE,
        MSUM_INPUT_DIRECTION, NAN, NAN, NAN, NULL, "Guo"),
    ROW("r6", "iPSC", "EV", "MSC", NULL, "ev_yield", "MSC-EV", 0, MSUM_DIR_INCREASE,
        MSUM_INPUT_FOLD, 16, 0, NAN, NULL, "Lu"),
    ROW("d7", "ADSC", "Ex", "SD rat", "UVB", "dermal_thickness", "UVB", 0, MSUM_DIR_INCREASE,
        MSUM_INPUT_DIRECTION, NAN, NAN, 7, "day", "Xu"),
    ROW("d14", "ADSC", "Ex", "SD rat", "UVB", "dermal_thickness", "UVB", 0, MSUM_DIR_INCREASE,
        MSUM_INPUT_DIRECTION, NAN, NAN, 14, "day", "Xu"),
    ROW("d28", "ADSC", "Ex", "SD rat", "UVB", "dermal_thickness", "UVB", 0, MSUM_DIR_INCREASE,
        MSUM_INPUT_DIRECTION, NAN, NAN, 28, "day", "Xu"),
    ROW("m1", "ADSC", "Ex", "SD rat", "UVB", "mmp1", "UVB", 0, MSUM_DIR_NO_CHANGE,
        MSUM_INPUT_DIRECTION, NAN, NAN, 7, "day", "Xu"),
};
enum { NROWS = sizeof rows / sizeof rows[0] };

static const msum_swim_outcome dict[] = {
    {"viability", MSUM_BENEFIT_INCREASE, NULL, NULL},
    {"ros", MSUM_BENEFIT_DECREASE, NULL, NULL},
    {"mmp1", MSUM_BENEFIT_DECREASE, NULL, NULL},
    {"ev_yield", MSUM_BENEFIT_NONE, NULL, NULL},
    {"dermal_thickness", MSUM_BENEFIT_INCREASE, NULL, NULL},
    {"wrinkles", MSUM_BENEFIT_DECREASE, NULL, NULL}};
enum { NDICT = sizeof dict / sizeof dict[0] };

static void fill_roms(void)
{
    rows[0].rom = log1p(28.19 / 100);
    rows[1].rom = log1p(18.08 / 100);
    rows[5].rom = log(16);
}

/* Find the row of a table whose text columns c1, c2 (, c3) hold v1, v2 (, v3). */
static long find(const msum_table *t, const char *c1, const char *v1, const char *c2,
                 const char *v2, const char *c3, const char *v3)
{
    int i1 = msum_table_col_index(t, c1), i2 = msum_table_col_index(t, c2);
    int i3 = c3 ? msum_table_col_index(t, c3) : -1;
    for (size_t r = 0; r < msum_table_nrows(t); r++) {
        const char *a = msum_table_text(t, r, (size_t)i1), *b = msum_table_text(t, r, (size_t)i2);
        const char *c = i3 >= 0 ? msum_table_text(t, r, (size_t)i3) : NULL;
        if (a && b && !strcmp(a, v1) && !strcmp(b, v2) && (!c3 || (c && !strcmp(c, v3))))
            return (long)r;
    }
    return -1;
}

static double num(const msum_table *t, long r, const char *col)
{
    int c = msum_table_col_index(t, col);
    cr_assert(c >= 0 && r >= 0, "no column %s or row", col);
    return msum_table_num(t, (size_t)r, (size_t)c);
}

Test(swim, classify_standardises_direction)
{
    msum_direction d;
    cr_expect_eq(msum_swim_classify(&rows[0], MSUM_BENEFIT_INCREASE, &d), 1);
    cr_expect_eq(msum_swim_classify(&rows[2], MSUM_BENEFIT_DECREASE, &d), 1, "ROS down is good");
    cr_expect_eq(msum_swim_classify(&rows[2], MSUM_BENEFIT_INCREASE, &d), -1);
    cr_expect_eq(msum_swim_classify(&rows[9], MSUM_BENEFIT_DECREASE, &d), 0);
    cr_expect_eq(msum_swim_classify(&rows[5], MSUM_BENEFIT_NONE, &d), 2, "yield: no good side");
    msum_swim_row r = rows[0];
    r.direction = MSUM_DIR_NONE;
    r.rom = -0.1;
    cr_expect_eq(msum_swim_classify(&r, MSUM_BENEFIT_INCREASE, &d), -1, "sign of the ROM");
    cr_expect_eq(d, MSUM_DIR_DECREASE);
}

Test(swim, votes_per_source_outcome_keep_exposure_apart)
{
    fill_roms();
    msum_table *t;
    cr_assert_eq(msum_swim_votes(rows, NROWS, dict, NDICT, NULL, &t), MSUM_OK);
    long r = find(t, "source", "ADSC", "outcome", "viability", "effect_of", "treatment");
    assert_close(num(t, r, "n_rows"), 2, 0, "two treatment rows");
    assert_close(num(t, r, "n_studies"), 1, 0, "of one study (Ex and CM)");
    assert_close(num(t, r, "n_beneficial"), 1, 0, "one vote");
    assert_close(num(t, r, "prop_beneficial"), 1, 0, "1/1");
    assert_close(num(t, r, "sign_pval"), 1, 1e-15, "one vote: p = 1");
    double z = 1.959963984540054;
    assert_close(num(t, r, "ci_lb"), 1 / (1 + z * z), 1e-12, "Wilson 1/1");
    long dt = find(t, "source", "ADSC", "outcome", "dermal_thickness", NULL, NULL);
    assert_close(num(t, dt, "n_rows"), 3, 0, "days 7, 14, 28");
    assert_close(num(t, dt, "n_beneficial"), 1, 0, "one study, one vote");
    long x = find(t, "source", "ADSC", "outcome", "viability", "effect_of", "exposure");
    assert_close(num(t, x, "n_harmful"), 1, 0, "UVB lowers viability: harmful, its own cell");
    long m = find(t, "source", "ADSC", "outcome", "mmp1", "effect_of", "treatment");
    assert_close(num(t, m, "n_beneficial"), 1, 0, "MMP-1 down");
    assert_close(num(t, m, "n_no_change"), 1, 0, "no change at day 7");
    assert_close(num(t, m, "n_votes"), 1, 0, "no-change rows are not votes");
    assert_close(num(t, m, "sign_pval"), 1, 0, "1 of 1");
    long y = find(t, "source", "iPSC", "outcome", "ev_yield", "effect_of", "treatment");
    cr_expect_eq(y, -1, "iPSC-EV vs MSC-EV is head-to-head, not an effect against a control");
    cr_expect_str_eq(msum_table_meta(t, "method"),
                     "vote counting (SWiM); Wilson score CI; exact two-sided sign test");
    cr_expect_str_eq(msum_table_meta(t, "metasum_version"), MSUM_VERSION);
    cr_expect_str_eq(msum_table_meta(t, "table"), "votes");
    msum_table_free(t);
    /* split by preparation: ADSC-Ex and ADSC-CM viability separate */
    msum_swim_opts o = MSUM_SWIM_OPTS_DEFAULT;
    o.by_preparation = 1;
    cr_assert_eq(msum_swim_votes(rows, NROWS, dict, NDICT, &o, &t), MSUM_OK);
    r = find(t, "preparation", "CM", "outcome", "viability", NULL, NULL);
    assert_close(num(t, r, "n_rows"), 1, 0, "ADSC-CM alone");
    msum_table_free(t);
    /* per row: every row votes */
    o = (msum_swim_opts)MSUM_SWIM_OPTS_DEFAULT;
    o.per_row = 1;
    cr_assert_eq(msum_swim_votes(rows, NROWS, dict, NDICT, &o, &t), MSUM_OK);
    r = find(t, "source", "ADSC", "outcome", "viability", "effect_of", "treatment");
    assert_close(num(t, r, "n_beneficial"), 2, 0, "two row votes");
    assert_close(num(t, r, "sign_pval"), 0.5, 1e-15, "2 * 0.5^2");
    assert_close(num(t, r, "ci_lb"), 1 / (1 + z * z / 2), 1e-12, "Wilson 2/2");
    msum_table_free(t);
}

/* A study whose rows disagree casts no vote; two agreeing studies cast two. */
Test(swim, mixed_study_is_not_a_vote)
{
    msum_swim_row m[4];
    for (int i = 0; i < 4; i++) m[i] = rows[6]; /* ADSC-Ex dermal thickness, Xu */
    m[1].direction = MSUM_DIR_DECREASE;          /* Xu disagrees with itself */
    m[2].ref = "Li";
    m[3].ref = "Wang";
    msum_table *t;
    cr_assert_eq(msum_swim_votes(m, 4, dict, NDICT, NULL, &t), MSUM_OK);
    assert_close(num(t, 0, "n_studies"), 3, 0, "Xu, Li, Wang");
    assert_close(num(t, 0, "n_mixed"), 1, 0, "Xu");
    assert_close(num(t, 0, "n_beneficial"), 2, 0, "Li, Wang");
    assert_close(num(t, 0, "n_votes"), 2, 0, "mixed is not a vote");
    msum_table_free(t);
}

Test(swim, evidence_map_shows_gaps)
{
    fill_roms();
    msum_table *t;
    msum_swim_opts o = MSUM_SWIM_OPTS_DEFAULT;
    o.gaps = 1;
    cr_assert_eq(msum_swim_evidence_map(rows, NROWS, dict, NDICT, &o, &t), MSUM_OK);
    /* 3 sources (MSC only as the comparator of iPSC-EV) x 6 outcomes (all in the dictionary) */
    cr_expect_eq(msum_table_nrows(t), 18);
    long r = find(t, "source", "iPSC", "outcome", "wrinkles", NULL, NULL);
    assert_close(num(t, r, "n_rows"), 0, 0, "a gap");
    cr_expect_str_eq(msum_table_text(t, (size_t)r, (size_t)msum_table_col_index(t, "summary")),
                     "no evidence");
    r = find(t, "source", "ADSC", "outcome", "viability", NULL, NULL);
    assert_close(num(t, r, "n_treatment"), 2, 0, "treatment");
    assert_close(num(t, r, "n_exposure"), 1, 0, "exposure");
    cr_expect_str_eq(msum_table_text(t, (size_t)r, (size_t)msum_table_col_index(t, "summary")),
                     "2 beneficial; exposure: 1 harmful");
    cr_expect_str_eq(msum_table_text(t, (size_t)r,
                                     (size_t)msum_table_col_index(t, "preparations")), "CM, Ex");
    r = find(t, "source", "iPSC", "outcome", "ev_yield", NULL, NULL);
    assert_close(num(t, r, "n_head_to_head"), 1, 0, "iPSC-EV vs MSC-EV");
    assert_close(num(t, r, "n_treatment"), 0, 0, "no effect against a control");
    cr_expect_str_eq(msum_table_text(t, (size_t)r, (size_t)msum_table_col_index(t, "summary")),
                     "1 head-to-head");
    r = find(t, "source", "MSC", "outcome", "ev_yield", NULL, NULL);
    assert_close(num(t, r, "n_as_comparator"), 1, 0, "MSC-EV, the comparator of iPSC-EV");
    cr_expect_str_eq(msum_table_text(t, (size_t)r, (size_t)msum_table_col_index(t, "status")),
                     "comparator");
    msum_table_free(t);
}

/* By default only cells with evidence are listed, in dictionary order of the outcomes; a cell
 * whose rows are all on an outcome without a beneficial direction is "not rated", and "mixed"
 * only where rated rows disagree. */
Test(swim, evidence_map_statuses_and_order)
{
    fill_roms();
    msum_swim_row m[NROWS + 2];
    memcpy(m, rows, sizeof rows);
    m[NROWS] = rows[5];
    m[NROWS].comparator = "untreated"; /* iPSC-EV yield against a control: not rated */
    m[NROWS + 1] = rows[2];
    m[NROWS + 1].direction = MSUM_DIR_INCREASE; /* ADSC ROS: down in r3, up here: mixed */
    msum_table *t;
    cr_assert_eq(msum_swim_evidence_map(m, NROWS + 2, dict, NDICT, NULL, &t), MSUM_OK);
    int cs = msum_table_col_index(t, "status"), co = msum_table_col_index(t, "outcome");
    /* cells: ADSC viability, ros, mmp1, dermal_thickness; iPSC ev_yield; MSC ev_yield */
    cr_assert_eq(msum_table_nrows(t), 6, "no empty cells");
    static const char *const order[] = {"viability", "ros", "mmp1", "ev_yield", "ev_yield",
                                        "dermal_thickness"};
    for (size_t i = 0; i < 6; i++)
        cr_expect_str_eq(msum_table_text(t, i, (size_t)co), order[i], "row %zu", i);
    long r = find(t, "source", "ADSC", "outcome", "ros", NULL, NULL);
    cr_expect_str_eq(msum_table_text(t, (size_t)r, (size_t)cs), "mixed");
    r = find(t, "source", "iPSC", "outcome", "ev_yield", NULL, NULL);
    cr_expect_str_eq(msum_table_text(t, (size_t)r, (size_t)cs), "not rated");
    r = find(t, "source", "ADSC", "outcome", "mmp1", NULL, NULL);
    cr_expect_str_eq(msum_table_text(t, (size_t)r, (size_t)cs), "mixed",
                     "r4 decrease (beneficial) and m1 no change disagree");
    msum_table_free(t);
}

Test(swim, comparisons_adsc_and_ipsc_by_hand)
{
    fill_roms();
    msum_table *t;
    cr_assert_eq(msum_swim_comparisons(rows, NROWS, dict, NDICT, NULL, &t), MSUM_OK);
    long r = find(t, "kind", "across rows", "a", "ADSC-Ex", "b", "ADSC-CM");
    cr_assert(r >= 0, "ADSC-Ex vs ADSC-CM, larger |ROM| first");
    assert_close(num(t, r, "abs_diff"), 10.11, 1e-12, "28.19 - 18.08 points");
    assert_close(num(t, r, "value_ratio"), 28.19 / 18.08, 1e-12, "1.56 times the gain");
    assert_close(num(t, r, "value_ratio"), 1.5592, 1e-4, "1.56 times the gain, printed digits");
    assert_close(num(t, r, "a_rom"), 0.2484, 1e-4, "ln 1.2819");
    assert_close(num(t, r, "b_rom"), 0.1662, 1e-4, "ln 1.1808");
    assert_close(num(t, r, "rom_diff"), log(1.2819) - log(1.1808), 1e-12, "ROM difference");
    assert_close(num(t, r, "rom_diff"), 0.0822, 1e-4, "0.0822");
    assert_close(num(t, r, "ratio"), 1.2819 / 1.1808, 1e-12, "ratio of ratios");
    long h = find(t, "kind", "head-to-head", "a", "iPSC-EV", "b", "MSC-EV");
    cr_assert(h >= 0, "iPSC-EV vs MSC-EV");
    assert_close(num(t, h, "log2_ratio"), 4, 1e-12, "16 = 2^4");
    assert_close(num(t, h, "rom_diff"), 2.772588722239781, 1e-12, "ln 16");
    cr_expect_eq(msum_table_nrows(t), 2, "nothing else is comparable");
    msum_table_free(t);
}

Test(swim, magnitudes_type7_quartiles)
{
    msum_swim_row m[4];
    double v[4] = {0.4, 0.1, 0.3, 0.2};
    for (int i = 0; i < 4; i++) {
        m[i] = rows[0];
        m[i].rom = v[i];
    }
    msum_table *t;
    cr_assert_eq(msum_swim_magnitudes(m, 4, NULL, &t), MSUM_OK);
    cr_assert_eq(msum_table_nrows(t), 1);
    /* R: quantile(c(.1,.2,.3,.4)) = 0.1 0.175 0.25 0.325 0.4 */
    assert_close(num(t, 0, "median"), 0.25, 1e-12, "median");
    assert_close(num(t, 0, "q1"), 0.175, 1e-12, "q1");
    assert_close(num(t, 0, "q3"), 0.325, 1e-12, "q3");
    assert_close(num(t, 0, "min"), 0.1, 0, "min");
    assert_close(num(t, 0, "max"), 0.4, 0, "max");
    assert_close(num(t, 0, "median_ratio"), exp(0.25), 1e-12, "exp(median)");
    cr_expect_str_eq(msum_table_meta(t, "scale"), "ROM (log ratio)");
    msum_table_free(t);
}

Test(swim, timecourse_days_in_order)
{
    fill_roms();
    msum_table *t;
    cr_assert_eq(msum_swim_timecourse(rows, NROWS, dict, NDICT, NULL, &t), MSUM_OK);
    cr_expect_eq(msum_table_nrows(t), 3, "only dermal thickness has 2+ time points");
    static const double days[] = {7, 14, 28};
    for (int i = 0; i < 3 && i < (int)msum_table_nrows(t); i++) {
        assert_close(num(t, i, "time"), days[i], 0, "days 7, 14, 28");
        assert_close(num(t, i, "n_beneficial"), 1, 0, "thicker dermis");
    }
    msum_table_free(t);
}

/* Several rows of one source-preparation in a comparison group are combined (median), so the
 * table has one row per pair of source-preparations, not per pair of rows. */
Test(swim, comparisons_combine_rows_of_one_preparation)
{
    fill_roms();
    msum_swim_row m[3] = {rows[0], rows[1], rows[0]};
    m[2].id = "r1b";
    m[2].value = 30;
    m[2].rom = log1p(0.30);
    msum_table *t;
    cr_assert_eq(msum_swim_comparisons(m, 3, dict, NDICT, NULL, &t), MSUM_OK);
    cr_assert_eq(msum_table_nrows(t), 1, "one pair: ADSC-Ex (2 rows) vs ADSC-CM");
    assert_close(num(t, 0, "a_n"), 2, 0, "two rows");
    assert_close(num(t, 0, "b_n"), 1, 0, "one row");
    assert_close(num(t, 0, "a_value"), (28.19 + 30) / 2, 1e-12, "median of two percents");
    assert_close(num(t, 0, "a_rom"), (log(1.2819) + log(1.30)) / 2, 1e-12, "median ROM");
    cr_expect(msum_table_is_na(t, 0, (size_t)msum_table_col_index(t, "a_id")), "no single id");
    msum_table_free(t);
}

/* The evidence map is a grid of sources x outcomes: 100 x 100 cells are built, 101 x 100 are
 * refused (MSUM_EDOM) at once; a file where every row had its own source and outcome made a
 * grid quadratic in rows (4000 rows: 17 s and 2.3 GB). */
Test(swim, evidence_map_grid_is_bounded, .timeout = 20)
{
    enum { NS = 101, NO = 100 };
    static char src[NS][8], oc[NO][8];
    static msum_swim_row r[NS + NO];
    for (int i = 0; i < NS; i++) snprintf(src[i], sizeof src[i], "s%d", i);
    for (int i = 0; i < NO; i++) snprintf(oc[i], sizeof oc[i], "o%d", i);
    /* rows 0..NS-1: source i, outcome i % NO; then one row per outcome from source 0 */
    for (int i = 0; i < NS + NO; i++) {
        r[i] = (msum_swim_row){.id = "x", .ref = "R", .source = src[i < NS ? i : 0],
                               .outcome = oc[i < NS ? i % NO : i - NS], .rom = NAN,
                               .value = NAN, .time = NAN};
    }
    msum_table *t = NULL;
    msum_swim_opts o = MSUM_SWIM_OPTS_DEFAULT;
    o.gaps = 1;
    cr_expect_eq(msum_swim_evidence_map(r, NS + NO, NULL, 0, &o, &t), MSUM_EDOM);
    cr_expect_null(t);
    /* without source s100: 100 x 100 = MSUM_SWIM_MAP_MAX_CELLS cells */
    r[NS - 1].source = src[0];
    cr_assert_eq(msum_swim_evidence_map(r, NS + NO, NULL, 0, &o, &t), MSUM_OK);
    cr_expect_eq(msum_table_nrows(t), (size_t)MSUM_SWIM_MAP_MAX_CELLS);
    msum_table_free(t);
}

/* magnitude_rank: passages 5, 15, 28 ranked 1, 2, 3 (the protection is largest at P5) is an
 * effect that weakens; ranks 3, 2, 1 one that strengthens; 1, 3, 2 varies; one unranked time
 * point gives no trend. */
Test(swim, timecourse_trend_from_ranks)
{
    static const double ranks[][3] = {{1, 2, 3}, {3, 2, 1}, {1, 3, 2}, {2, 2, 2}, {1, 0, 2}};
    static const char *const want[] = {"weakens", "strengthens", "varies", "constant", NULL};
    for (size_t c = 0; c < 5; c++) {
        msum_swim_row m[3];
        static const double passage[] = {15, 5, 28}; /* out of order on purpose */
        for (int i = 0; i < 3; i++) {
            m[i] = rows[6];
            m[i].time = passage[i];
            m[i].time_unit = "passage";
        }
        /* ranks given per passage 5, 15, 28 */
        m[1].rank = ranks[c][0];
        m[0].rank = ranks[c][1];
        m[2].rank = ranks[c][2];
        msum_table *t;
        cr_assert_eq(msum_swim_timecourse(m, 3, dict, NDICT, NULL, &t), MSUM_OK);
        cr_assert_eq(msum_table_nrows(t), 3);
        int ct = msum_table_col_index(t, "trend");
        for (size_t i = 0; i < 3; i++) {
            if (want[c])
                cr_expect_str_eq(msum_table_text(t, i, (size_t)ct), want[c], "case %zu", c);
            else cr_expect(msum_table_is_na(t, i, (size_t)ct), "case %zu: no trend", c);
        }
        assert_close(num(t, 0, "time"), 5, 0, "passage 5 first");
        if (ranks[c][0] > 0) assert_close(num(t, 0, "magnitude_rank"), ranks[c][0], 0, "rank");
        msum_table_free(t);
    }
}

/* Outcomes are found in the dictionary by binary search: 10^5 rows on a dictionary of 5 * 10^4
 * outcomes (listed in reverse text order, one key twice) scanned the dictionary once per cell
 * and per comparison row (over 10 s for these two tables; well under 1 s by binary search).  The
 * first entry of a repeated key is the one used, as before; each of the 10^5 (source, outcome)
 * cells holds one row, hence one vote. */
Test(swim, large_dictionary_found_by_binary_search, .timeout = 8)
{
    enum { N = 100000, ND = 50000 };
    static char src[7][4], oc[ND][8];
    static msum_swim_row r[N];
    static msum_swim_outcome d[ND + 1];
    for (int i = 0; i < 7; i++) snprintf(src[i], sizeof src[i], "s%d", i);
    for (int i = 0; i < ND; i++) {
        snprintf(oc[i], sizeof oc[i], "o%05d", i);
        d[ND - 1 - i] = (msum_swim_outcome){oc[i], MSUM_BENEFIT_INCREASE, NULL, NULL};
    }
    d[0] = (msum_swim_outcome){oc[7], MSUM_BENEFIT_DECREASE, NULL, "first entry"};
    d[ND] = (msum_swim_outcome){oc[ND - 1], MSUM_BENEFIT_INCREASE, NULL, NULL};
    for (int i = 0; i < N; i++)
        r[i] = (msum_swim_row){.id = "x", .ref = "R", .source = src[i % 7],
                               .outcome = oc[i % ND], .model = "m", .direction = MSUM_DIR_INCREASE,
                               .input = MSUM_INPUT_PERCENT, .value = 10 + i % 5,
                               .rom = log1p((10 + i % 5) / 100.0), .time = NAN};
    msum_table *t = NULL;
    cr_assert_eq(msum_swim_votes(r, N, d, ND + 1, NULL, &t), MSUM_OK);
    cr_expect_eq(msum_table_nrows(t), (size_t)N);
    long x = find(t, "source", "s0", "outcome", "o00007", NULL, NULL); /* row 7 is s0 */
    cr_assert(x >= 0);
    cr_expect_str_eq(msum_table_text(t, (size_t)x, (size_t)msum_table_col_index(t, "beneficial")),
                     "decrease", "the first entry of o00007");
    assert_close(num(t, x, "n_harmful"), 1, 0, "an increase of an outcome to decrease");
    x = find(t, "source", "s1", "outcome", "o00001", NULL, NULL);
    assert_close(num(t, x, "n_beneficial"), 1, 0, "an increase of an outcome to increase");
    msum_table_free(t);
    cr_assert_eq(msum_swim_comparisons(r, N, d, ND + 1, NULL, &t), MSUM_OK);
    /* outcome o00007: rows 7 and 50007, from sources s0 and s6 (i % 7): one pair */
    long n7 = 0;
    int co = msum_table_col_index(t, "outcome"), cl = msum_table_col_index(t, "label");
    for (size_t i = 0; i < msum_table_nrows(t); i++)
        if (!strcmp(msum_table_text(t, i, (size_t)co), "o00007")) {
            n7++;
            cr_expect_str_eq(msum_table_text(t, i, (size_t)cl), "first entry");
        }
    cr_expect_eq(n7, 1);
    msum_table_free(t);
}
