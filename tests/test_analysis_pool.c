/* Kind pool through the public header alone (include/metasum/analysis.h): pooled and weights
 * tables, groups, MH, plots and spec errors, without the CLI.  Reference values: metafor 3.8
 * with control = list(threshold = 1e-12) (../shared/reference/expected/bcg_rr.csv, cases
 * bcg_rr_REML_tight; tests/ref/expected/bcg_rr_subgroups.csv, cases *_REML_tight;
 * tests/ref/expected/mh_by_OR.csv, rma.mh per allocation). */
#include <math.h>
#include <string.h>

#include "helpers.h"
#include "metasum/analysis.h"
#include "metasum/diag.h"
#include "metasum/table.h"

static void bcg_spec(msum_spec *s)
{
    msum_spec_init(s);
    s->kind = MSUM_KIND_POOL;
    s->dataset = "bcg/effects.csv";
    s->basedir = "../datasets"; /* the tests run in tests/ */
    s->measure = "RR";
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

/* The last diagnostic added, formatted. */
static void last_diag(msum_diags *d, char *buf, size_t size)
{
    cr_assert(msum_diags_count(d) > 0);
    msum_diag_format(msum_diags_get(d, msum_diags_count(d) - 1), buf, size);
}

Test(analysis_pool, bcg_reml_pooled_and_weights)
{
    msum_spec s;
    bcg_spec(&s);
    s.weights = 1;
    msum_result r = {0};
    msum_diags *d = msum_diags_new();
    cr_assert_eq(msum_analysis_run(&s, &r, d), MSUM_OK);
    cr_expect_eq(r.ntables, 2);
    cr_expect_eq(r.k_skipped, 0);
    const msum_table *t = msum_result_table(&r, "pool");
    cr_assert_not_null(t);
    cr_assert_eq(msum_table_nrows(t), 1);
    cr_expect_eq(num(t, 0, "k"), 13);
    assert_close(num(t, 0, "estimate"), -0.714532342158, 1e-7, "estimate");
    assert_close(num(t, 0, "se"), 0.179781516105, 1e-7, "se");
    assert_close(num(t, 0, "tau2"), 0.313243258136, 1e-7, "tau2");
    assert_close(num(t, 0, "I2"), 92.2213845213, 1e-7, "I2");
    assert_close(num(t, 0, "QE"), 152.233008082, 1e-10, "QE");
    cr_expect_eq(num(t, 0, "QEdf"), 12);
    assert_close(num(t, 0, "QEp"), 1.99676459085e-26, 1e-9, "QEp");
    cr_expect_str_eq(text(t, 0, "method"), "REML");
    cr_expect_str_eq(text(t, 0, "method_used"), "REML");
    /* metafor weights(): percent, 100 w_i / sum w with w_i = 1/(vi + tau2) */
    const msum_table *w = msum_result_table(&r, "pool_weights");
    cr_assert_not_null(w);
    cr_assert_eq(msum_table_nrows(w), 13);
    assert_close(num(w, 0, "weight"), 5.05948273437, 1e-7, "weight[1]");
    assert_close(num(w, 7, "weight"), 10.1894390371, 1e-7, "weight[8]");
    cr_expect_str_eq(text(w, 0, "method_used"), "REML");
    msum_result_free(&r);
    msum_diags_free(d);
}

Test(analysis_pool, by_alloc_one_row_per_group)
{
    msum_spec s;
    bcg_spec(&s);
    s.by = "alloc";
    msum_result r = {0};
    msum_diags *d = msum_diags_new();
    cr_assert_eq(msum_analysis_run(&s, &r, d), MSUM_OK);
    const msum_table *t = msum_result_table(&r, "pool");
    cr_assert_not_null(t);
    cr_assert_eq(msum_table_nrows(t), 3);
    cr_expect_null(msum_result_table(&r, "pool_weights"), "weights only when asked for");
    static const struct {
        const char *alloc;
        double k, estimate, tau2;
    } want[] = {{"random", 7, -0.970964704263, 0.392528006901},
                {"alternate", 2, -0.540792961849, 0.132577039878},
                {"systematic", 4, -0.424207391511, 0.400345880175}};
    for (size_t i = 0; i < 3; i++) {
        cr_expect_str_eq(text(t, i, "alloc"), want[i].alloc, "groups in order of appearance");
        cr_expect_eq(num(t, i, "k"), want[i].k);
        assert_close(num(t, i, "estimate"), want[i].estimate, 1e-7, want[i].alloc);
        assert_close(num(t, i, "tau2"), want[i].tau2, 1e-7, want[i].alloc);
    }
    msum_result_free(&r);
    msum_diags_free(d);
}

Test(analysis_pool, mh_by_alloc)
{
    msum_spec s;
    bcg_spec(&s);
    s.measure = "OR";
    s.method = "MH";
    s.by = "alloc";
    msum_result r = {0};
    msum_diags *d = msum_diags_new();
    cr_assert_eq(msum_analysis_run(&s, &r, d), MSUM_OK);
    const msum_table *t = msum_result_table(&r, "pool");
    cr_assert_not_null(t);
    cr_assert_eq(msum_table_nrows(t), 3);
    cr_expect_str_eq(text(t, 0, "method"), "MH");
    assert_close(num(t, 0, "estimate"), -0.353090074194204, 1e-9, "random");
    assert_close(num(t, 0, "cmh"), 44.8866091139854, 1e-9, "random cmh");
    assert_close(num(t, 1, "estimate"), -0.840665081558294, 1e-9, "alternate");
    assert_close(num(t, 2, "QE"), 17.0478636889321, 1e-9, "systematic QE");
    assert_close(num(t, 2, "QEp"), 0.000690902382406357, 1e-9, "systematic QEp");
    msum_result_free(&r);

    /* settings MH does not take are spec errors naming them */
    s.test = "knha";
    cr_expect_eq(msum_analysis_run(&s, &r, d), MSUM_EINVAL);
    char buf[512];
    last_diag(d, buf, sizeof buf);
    cr_expect(strstr(buf, "column 'test'") && strstr(buf, "not available with method MH"), "%s",
              buf);
    msum_result_free(&r);
    msum_diags_free(d);
}

/* Rows without a variance are left out, counted and warned about: pool_forms.csv has six rows,
 * of which a3 (percent_change) and a5 (direction) have no variance. */
Test(analysis_pool, rows_without_variance)
{
    msum_spec s;
    msum_spec_init(&s);
    s.kind = MSUM_KIND_POOL;
    s.dataset = "cli/data/pool_forms.csv";
    s.basedir = "../tests";
    s.by = "outcome";
    msum_result r = {0};
    msum_diags *d = msum_diags_new();
    cr_assert_eq(msum_analysis_run(&s, &r, d), MSUM_OK);
    cr_expect_eq(r.k_skipped, 2);
    cr_expect_eq(msum_diags_errors(d), 0);
    char buf[512];
    last_diag(d, buf, sizeof buf);
    cr_expect(strstr(buf, "warning: 2 rows without a variance skipped"), "%s", buf);
    const msum_table *t = msum_result_table(&r, "pool");
    cr_assert_not_null(t);
    cr_expect_eq(num(t, 0, "k"), 3);
    cr_expect_eq(num(t, 0, "k_skipped"), 1);
    cr_expect_eq(num(t, 1, "k"), 1);
    cr_expect_eq(num(t, 1, "k_skipped"), 1);
    msum_result_free(&r);
    msum_diags_free(d);
}

Test(analysis_pool, plots_and_plot_errors)
{
    msum_spec s;
    bcg_spec(&s);
    s.plots = "forest,funnel";
    s.favours = "BCG,control";
    msum_result r = {0};
    msum_diags *d = msum_diags_new();
    cr_assert_eq(msum_analysis_run(&s, &r, d), MSUM_OK);
    const char *forest = msum_result_plot(&r, "forest");
    cr_assert_not_null(forest);
    cr_expect(strstr(forest, "<svg") && strstr(forest, "Favours BCG"));
    cr_expect(strstr(forest, "Aronson 1948"), "study labels from author and year");
    cr_expect_not_null(msum_result_plot(&r, "funnel"));
    msum_result_free(&r);

    /* an unknown plot name, and a funnel plot of several groups, are spec errors at the
     * manifest line */
    s.origin = "analyses.csv";
    s.line = 4;
    s.plots = "forest,violin";
    cr_expect_eq(msum_analysis_run(&s, &r, d), MSUM_EINVAL);
    char buf[512];
    last_diag(d, buf, sizeof buf);
    cr_expect(strstr(buf, "analyses.csv:4") && strstr(buf, "column 'plots'") &&
                  strstr(buf, "'violin'"), "%s", buf);
    msum_result_free(&r);
    s.plots = "funnel";
    s.by = "alloc";
    cr_expect_eq(msum_analysis_run(&s, &r, d), MSUM_EINVAL);
    last_diag(d, buf, sizeof buf);
    cr_expect(strstr(buf, "a funnel plot needs one group, found 3"), "%s", buf);
    msum_result_free(&r);

    /* a --by column the file does not have */
    s.plots = NULL;
    s.by = "allocation";
    cr_expect_eq(msum_analysis_run(&s, &r, d), MSUM_EINVAL);
    last_diag(d, buf, sizeof buf);
    cr_expect(strstr(buf, "column 'by'") && strstr(buf, "no column 'allocation'"), "%s", buf);
    msum_result_free(&r);
    msum_diags_free(d);
}

/* --method MH / PETO leave rows without counts out (--missing omit, the default), as the other
 * methods and metafor's rma.mh / rma.peto do.  dat.yusuf1985, table 9 (tests/ref/sweep_refs.R):
 * 28 rows, two without counts (lines 25, 26), six double-zero tables; metafor 3.8
 * rma.mh(ai, n1i, ci, n2i) and rma.peto(ai, n1i, ci, n2i) omit the two with a warning. */
Test(analysis_pool, mh_and_peto_omit_rows_without_counts)
{
    static const char *const methods[] = {"MH", "PETO"};
    static const double est[] = {-0.0668228589507936, -0.0667805469462288};
    static const double se[] = {0.102634901142391, 0.102570479079194};
    static const double qe[] = {13.8258132663529, 18.015546399074};
    for (int m = 0; m < 2; m++) {
        msum_spec s;
        msum_spec_init(&s);
        s.kind = MSUM_KIND_POOL;
        s.dataset = "ref/inputs/sweep_yusuf1985.csv";
        s.basedir = "../tests";
        s.method = methods[m];
        s.measure = m == 0 ? "OR" : NULL;
        msum_result r = {0};
        msum_diags *d = msum_diags_new();
        cr_assert_eq(msum_analysis_run(&s, &r, d), MSUM_OK, "%s", methods[m]);
        cr_expect_eq(msum_diags_errors(d), 0);
        char buf[512];
        msum_diag_format(msum_diags_get(d, msum_diags_count(d) - 1), buf, sizeof buf);
        cr_expect(strstr(buf, ":26: warning: row left out"), "%s", buf);
        const msum_table *t = msum_result_table(&r, "pool");
        cr_assert_not_null(t);
        cr_expect_eq(num(t, 0, "k"), 26);
        cr_expect_eq(num(t, 0, "k_yi"), 20);
        assert_close(num(t, 0, "estimate"), est[m], 1e-10, "estimate");
        assert_close(num(t, 0, "se"), se[m], 1e-10, "se");
        assert_close(num(t, 0, "QE"), qe[m], 1e-10, "QE");
        msum_result_free(&r);
        msum_diags_free(d);
    }
}
