/* Kind "summarize" through the analysis layer's public header alone (msum_analysis_run): vote
 * counts of tests/fixtures/swim_small.csv checked by hand, the evidence map plot, spec errors. */
#include <math.h>
#include <string.h>

#include "helpers.h"
#include "metasum/analysis.h"
#include "metasum/diag.h"
#include "metasum/table.h"

static double num(const msum_table *t, size_t row, const char *col)
{
    int c = msum_table_col_index(t, col);
    cr_assert(c >= 0, "no column %s", col);
    return msum_table_num(t, row, (size_t)c);
}

/* The row of t whose source and outcome are these; fails when there is none. */
static size_t cell(const msum_table *t, const char *source, const char *outcome)
{
    int cs = msum_table_col_index(t, "source"), co = msum_table_col_index(t, "outcome");
    cr_assert(cs >= 0 && co >= 0);
    for (size_t i = 0; i < msum_table_nrows(t); i++) {
        const char *s = msum_table_text(t, i, (size_t)cs), *o = msum_table_text(t, i, (size_t)co);
        if (s && o && strcmp(s, source) == 0 && strcmp(o, outcome) == 0) return i;
    }
    cr_assert_fail("no cell %s x %s", source, outcome);
    return 0;
}

/* hucMSC x ros: Kim2019 decrease and Wu2020 increase, ROS beneficial when it decreases: two
 * votes, one beneficial, one harmful.  Wilson 95 % interval of 1/2 (z = 1.959963984540054):
 * (p + z^2/2n -+ z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n) = 0.5 -+ 0.40546879...; the exact
 * sign test of 1 of 2 has p = 1.  ADSC x ros: Guo2019's two rows agree, so one vote (one per
 * study and cell), beneficial; Wilson of 1/1: lower bound 1 / (1 + z^2) = 0.20654931. */
Test(analysis_summarize, votes_by_hand)
{
    msum_spec s;
    msum_spec_init(&s);
    s.kind = MSUM_KIND_SUMMARIZE;
    s.dataset = "fixtures/swim_small.csv";
    s.outcomes = "fixtures/swim_small_outcomes.csv";
    s.table = "votes";
    msum_result r = {0};
    msum_diags *d = msum_diags_new();
    cr_assert_eq(msum_analysis_run(&s, &r, d), MSUM_OK);
    cr_assert_eq(r.ntables, 1);
    const msum_table *t = msum_result_table(&r, "votes");
    cr_assert_not_null(t);
    double z = 1.959963984540054, n = 2, p = 0.5;
    double half = z * sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n);
    size_t i = cell(t, "hucMSC", "ros");
    assert_close(num(t, i, "n_votes"), 2, 0, "votes");
    assert_close(num(t, i, "n_beneficial"), 1, 0, "beneficial");
    assert_close(num(t, i, "n_harmful"), 1, 0, "harmful");
    assert_close(num(t, i, "prop_beneficial"), 0.5, 1e-12, "proportion");
    assert_close(num(t, i, "ci_lb"), 0.5 - half, 1e-9, "Wilson lower");
    assert_close(num(t, i, "ci_ub"), 0.5 + half, 1e-9, "Wilson upper");
    assert_close(num(t, i, "sign_pval"), 1, 1e-12, "sign test");
    i = cell(t, "ADSC", "ros");
    assert_close(num(t, i, "n_votes"), 1, 0, "one vote per study");
    assert_close(num(t, i, "ci_lb"), 1 / (1 + z * z), 1e-9, "Wilson lower of 1/1");
    msum_result_free(&r);

    /* every row a vote: Guo2019's two ROS rows count twice */
    s.per_row = 1;
    cr_assert_eq(msum_analysis_run(&s, &r, d), MSUM_OK);
    t = msum_result_table(&r, "votes");
    assert_close(num(t, cell(t, "ADSC", "ros"), "n_votes"), 2, 0, "per row");
    msum_result_free(&r);
    msum_diags_free(d);
}

Test(analysis_summarize, evidence_map_plot_and_spec_errors)
{
    msum_spec s;
    msum_spec_init(&s);
    s.kind = MSUM_KIND_SUMMARIZE;
    s.dataset = "fixtures/swim_small.csv";
    s.outcomes = "fixtures/swim_small_outcomes.csv";
    s.plots = "evidence_map";
    msum_result r = {0};
    msum_diags *d = msum_diags_new();
    cr_assert_eq(msum_analysis_run(&s, &r, d), MSUM_OK);
    cr_expect_eq(r.ntables, 8, "all eight tables: findings, comparisons, timecourse, domains, "
                               "effect_direction, evidence_map, votes, magnitudes");
    cr_expect_str_eq(msum_table_name(r.tables[0]), "findings");
    cr_expect(msum_result_plot(&r, "evidence_map") &&
              strstr(msum_result_plot(&r, "evidence_map"), "<svg"));
    msum_result_free(&r);

    s.origin = "analyses.csv";
    s.line = 3;
    const char *field[] = {"table", "by", "plots"};
    for (int c = 0; c < 3; c++) {
        msum_spec_init(&s);
        s.kind = MSUM_KIND_SUMMARIZE;
        s.dataset = "fixtures/swim_small.csv";
        s.origin = "analyses.csv";
        s.line = 3;
        if (c == 0) s.table = "forest";
        if (c == 1) s.by = "source,year";
        if (c == 2) s.plots = "forest";
        msum_diags *e = msum_diags_new();
        cr_expect_eq(msum_analysis_run(&s, &r, e), MSUM_EINVAL);
        cr_assert_geq(msum_diags_count(e), 1);
        const msum_diag *dg = msum_diags_get(e, 0);
        cr_expect_str_eq(dg->column, field[c]);
        cr_expect_eq(dg->line, 3);
        msum_result_free(&r);
        msum_diags_free(e);
    }
    msum_diags_free(d);
}
