/* Tests for the findings sentences and citation labels (src/core/swim_findings.c): the sentences of
 * a small synthesis written out by hand here from its rows (28.19 / 18.08 = 1.5592 -> "1.56";
 * binom.test(2, 2)$p.value = 0.5). */
#include <gsl/gsl_errno.h>
#include <string.h>

#include "helpers.h"
#include "metasum/metasum.h"

static void setup(void) { gsl_set_error_handler_off(); }

TestSuite(findings, .init = setup);

static msum_swim_row R(const char *src, const char *prep, const char *ref, const char *oc,
                       msum_direction d)
{
    return (msum_swim_row){.id = "x", .source = src, .preparation = prep, .outcome = oc,
                           .model = "HDF", .exposure = "UVB", .comparator = "UVB",
                           .direction = d, .input = MSUM_INPUT_DIRECTION, .value = NAN,
                           .rom = NAN, .time = NAN, .ref = ref};
}

static const msum_swim_outcome dict[] = {
    {"viability", MSUM_BENEFIT_INCREASE, "Cells", "Viability"},
    {"senescence", MSUM_BENEFIT_DECREASE, "Senescence", "Senescence"},
    {"collagen_iii", MSUM_BENEFIT_NONE, "Matrix", "Collagen III"},
};

static const char *sentence(const msum_table *t, size_t r)
{
    cr_assert(r < msum_table_nrows(t), "no sentence %zu", r);
    return msum_table_text(t, r, (size_t)msum_table_col_index(t, "finding"));
}

Test(findings, sentences_by_hand)
{
    msum_swim_row m[8];
    size_t n = 0;
    m[n] = R("ADSC", "Ex", "Gao", "viability", MSUM_DIR_INCREASE);
    m[n].input = MSUM_INPUT_PERCENT, m[n].value = 28.19, m[n++].rom = log1p(0.2819);
    m[n] = R("ADSC", "CM", "Gao", "viability", MSUM_DIR_INCREASE);
    m[n].input = MSUM_INPUT_PERCENT, m[n].value = 18.08, m[n++].rom = log1p(0.1808);
    for (int i = 0; i < 3; i++) { /* passages 5, 15, 28, protection weakening */
        m[n] = R("ADSC", "CM", "Guo", "senescence", MSUM_DIR_DECREASE);
        m[n].time = (double[]){5, 15, 28}[i];
        m[n].time_unit = "passage";
        m[n++].rank = i + 1;
    }
    for (int i = 0; i < 2; i++) { /* an outcome without a good direction, days 7 and 14 */
        m[n] = R("ADSC", "Ex", "Liang", "collagen_iii", MSUM_DIR_DECREASE);
        m[n].model = "SD rat";
        m[n].time = 7 * (i + 1);
        m[n++].time_unit = "day";
    }
    msum_table *cmp, *tc, *edp, *dom, *f;
    cr_assert_eq(msum_swim_comparisons(m, n, dict, 3, NULL, &cmp), MSUM_OK);
    cr_assert_eq(msum_swim_timecourse(m, n, dict, 3, NULL, &tc), MSUM_OK);
    cr_assert_eq(msum_swim_direction(m, n, dict, 3, &edp, &dom), MSUM_OK);
    static const char *const keys[] = {"Gao", "Guo"}, *const labels[] = {"Gao [27]", "Guo [26]"};
    cr_assert_eq(msum_swim_cite(&cmp, "ref", keys, labels, 2), MSUM_OK);
    cr_assert_eq(msum_swim_cite(&tc, "refs", keys, labels, 2), MSUM_OK);
    cr_expect_eq(msum_swim_cite(&tc, "refs", keys, labels, 2), MSUM_EINVAL, "only once");
    cr_assert_eq(msum_swim_findings(cmp, tc, dom, &f), MSUM_OK);
    cr_assert_eq(msum_table_nrows(f), 4);
    cr_expect_str_eq(sentence(f, 0), "Reported numbers compared: Viability (HDF, UVB): ADSC-Ex "
                                     "28.19 % vs ADSC-CM 18.08 %, 1.56 times the gain (Gao [27]).");
    cr_expect_str_eq(sentence(f, 1), "ADSC-CM in HDF after UVB, at passage 5, 15 and 28 (Guo "
                                     "[26]): Senescence improved at every time point, the effect "
                                     "weakens from passage 5 to 15 to 28.");
    cr_expect_str_eq(sentence(f, 2), "ADSC-Ex in SD rat after UVB, at day 7 and 14 (Liang): "
                                     "Collagen III decreased (not rated) at every time point.");
    cr_expect_str_eq(sentence(f, 3),
                     "Effect direction: 3 of the 3 study \xc3\x97 domain cells with a clear "
                     "direction show benefit (1 more is not rated). Sign test per domain: "
                     "p \xe2\x89\xa5 0.05 in every domain (2 domains with a direction, 1 to 2 "
                     "cells).");
    cr_expect_str_eq(msum_table_meta(f, "table"), "findings");
    msum_table_free(f);
    /* no tables: no sentences */
    cr_assert_eq(msum_swim_findings(NULL, NULL, NULL, &f), MSUM_OK);
    cr_expect_eq(msum_table_nrows(f), 0);
    msum_table_free(f);
    msum_table_free(cmp);
    msum_table_free(tc);
    msum_table_free(edp);
    msum_table_free(dom);
}

/* Lists of keys keep their separators; unknown keys stay as they are. */
Test(findings, cite_lists)
{
    msum_table *t = msum_table_new("x", "x");
    msum_table_add_col(t, "refs", MSUM_COL_TEXT, NULL);
    msum_table_add_row(t);
    msum_table_add_row(t);
    msum_table_add_row(t);
    msum_table_set_text(t, 0, 0, "Gao2021, Liu2019");
    msum_table_set_text(t, 1, 0, "Gao2021; Other");
    static const char *const keys[] = {"Gao2021", "Liu2019"},
                             *const labels[] = {"Gao2021 [27]", "Liu2019 [35]"};
    cr_assert_eq(msum_swim_cite(&t, "refs", keys, labels, 2), MSUM_OK);
    int c = msum_table_col_index(t, "citation");
    cr_assert_eq(c, 1);
    cr_expect_str_eq(msum_table_text(t, 0, 1), "Gao2021 [27], Liu2019 [35]");
    cr_expect_str_eq(msum_table_text(t, 1, 1), "Gao2021 [27]; Other");
    cr_expect(msum_table_is_na(t, 2, 1), "no refs, no citation");
    cr_expect_str_eq(msum_table_text(t, 0, 0), "Gao2021, Liu2019", "the keys are kept");
    cr_expect_eq(msum_swim_cite(&t, "nope", keys, labels, 2), MSUM_EINVAL);
    msum_table_free(t);
}

/* The vote-count sentence from a domains table written by hand: A has 9 of 9 cells showing
 * benefit, binom.test(9, 9)$p.value = 2 * 0.5^9 = 0.00390625 -> "0.0039"; B has 1 of 6 (5 harm),
 * binom.test(1, 6)$p.value = 2 * (1 + 6) / 64 = 0.21875 -> "0.22"; C has one conflicting cell
 * and no vote.  Totals: 10 of 15 cells show benefit, 5 harm, 1 more conflicting. */
Test(findings, vote_sentence_by_hand)
{
    static const char *const cols[] = {"n_no_change", "n_conflicting", "n_not_rated",
                                       "n_votes", "n_benefit", "n_harm", "sign_pval"};
    static const double v[3][7] = {{0, 0, 0, 9, 9, 0, 0.00390625},
                                   {0, 0, 0, 6, 1, 5, 0.21875},
                                   {0, 1, 0, 0, 0, 0, NAN}};
    msum_table *dom = msum_table_new("domains", "domains");
    msum_table_add_col(dom, "domain", MSUM_COL_TEXT, NULL);
    for (size_t c = 0; c < 7; c++) msum_table_add_col(dom, cols[c], MSUM_COL_NUM, NULL);
    for (size_t r = 0; r < 3; r++) {
        msum_table_add_row(dom);
        msum_table_set_text(dom, r, 0, (const char *[]){"A", "B", "C"}[r]);
        for (size_t c = 0; c < 7; c++) msum_table_set_num(dom, r, c + 1, v[r][c]);
    }
    msum_table *f;
    cr_assert_eq(msum_swim_findings(NULL, NULL, dom, &f), MSUM_OK);
    cr_assert_eq(msum_table_nrows(f), 1);
    cr_expect_str_eq(sentence(f, 0),
                     "Effect direction: 10 of the 15 study \xc3\x97 domain cells with a clear "
                     "direction show benefit, 5 harm (1 more is conflicting). Sign test per "
                     "domain: p < 0.05 for A (9 of 9, p = 0.0039); the other domain with a "
                     "direction has 6 cells (p = 0.22).");
    msum_table_free(f);
    msum_table_free(dom);
}

/* Keys are found by binary search: 2 * 10^4 rows citing two of 5 * 10^4 references (listed in
 * reverse order, one key twice: its first label is used) compared each key of a row with every
 * reference (10^5 finding rows on 5 * 10^4 references: 150 s for summarize's comparisons). */
Test(findings, cite_many_references, .timeout = 5)
{
    enum { NR = 20000, NK = 50000 };
    static char kb[NK][8], lb[NK + 1][16];
    static const char *keys[NK + 1], *labels[NK + 1];
    for (int i = 0; i < NK; i++) {
        snprintf(kb[i], sizeof kb[i], "R%d", i);
        snprintf(lb[i], sizeof lb[i], "R%d [%d]", i, i + 1);
        keys[NK - 1 - i] = kb[i];
        labels[NK - 1 - i] = lb[i];
    }
    snprintf(lb[NK], sizeof lb[NK], "R7 [again]");
    keys[NK] = kb[7];
    labels[NK] = lb[NK];
    msum_table *t = msum_table_new("x", "x");
    msum_table_add_col(t, "ref", MSUM_COL_TEXT, NULL);
    char cell[32];
    for (int r = 0; r < NR; r++) {
        msum_table_add_row(t);
        snprintf(cell, sizeof cell, "R%d; R%d", r, NK - 1 - r);
        msum_table_set_text(t, (size_t)r, 0, cell);
    }
    cr_assert_eq(msum_swim_cite(&t, "ref", keys, labels, NK + 1), MSUM_OK);
    cr_expect_str_eq(msum_table_text(t, 0, 1), "R0 [1]; R49999 [50000]");
    cr_expect_str_eq(msum_table_text(t, 7, 1), "R7 [8]; R49992 [49993]");
    cr_expect_str_eq(msum_table_text(t, NR - 1, 1), "R19999 [20000]; R30000 [30001]");
    msum_table_free(t);
}
