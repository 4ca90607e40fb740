/* Kind compare through the library alone (include/metasum/analysis.h, msum_analysis_run): BCG
 * log risk ratios (datasets/bcg/effects.csv, measure RR) by allocation and on latitude, against
 * metafor 3.8 (tests/ref/metafor_refs.R, values in tests/ref/expected/bcg_rr_subgroups.csv and
 * bcg_rr_metareg.csv; the "_tight" cases, control = list(threshold = 1e-12), since metasum
 * iterates to full precision). */
#include <math.h>
#include <string.h>

#include "helpers.h"
#include "metasum/analysis.h"
#include "metasum/diag.h"
#include "metasum/table.h"

static double num(const msum_table *t, const char *key_col, const char *key, const char *col)
{
    int kc = msum_table_col_index(t, key_col), c = msum_table_col_index(t, col);
    cr_assert(kc >= 0 && c >= 0, "columns %s, %s", key_col, col);
    for (size_t r = 0; r < msum_table_nrows(t); r++) {
        const char *v = msum_table_text(t, r, (size_t)kc);
        if (v && strcmp(v, key) == 0) return msum_table_num(t, r, (size_t)c);
    }
    cr_assert_fail("no row %s = %s", key_col, key);
    return NAN;
}

static double cell(const msum_table *t, size_t row, const char *col)
{
    int c = msum_table_col_index(t, col);
    cr_assert(c >= 0, "column %s", col);
    return msum_table_num(t, row, (size_t)c);
}

static void bcg_spec(msum_spec *s)
{
    msum_spec_init(s);
    s->kind = MSUM_KIND_COMPARE;
    s->dataset = "bcg/effects.csv";
    s->basedir = "../datasets"; /* the tests run in tests/ */
    s->measure = "RR";
    s->method = "REML";
}

/* rma(yi, vi, subset = alloc == g) per group, and the tests for subgroup differences: QM of
 * rma(yi, vi, mods = ~ factor(alloc)) (common tau2) and Q_between of the separate fits. */
Test(analysis_compare, subgroups_by_alloc_match_metafor)
{
    msum_spec s;
    bcg_spec(&s);
    s.by = "alloc";
    msum_result r = {0};
    msum_diags *d = msum_diags_new();
    cr_assert_eq(msum_analysis_run(&s, &r, d), MSUM_OK);
    cr_expect_eq(msum_diags_count(d), 0);
    cr_expect_eq(r.k_skipped, 0);
    cr_expect_eq(r.ntables, 5, "groups, between, metareg, model, pairs");

    const msum_table *g = msum_result_table(&r, "groups");
    cr_assert_not_null(g);
    /* bcg_rr_alloc_random_REML_tight, bcg_rr_alloc_alternate_REML_tight */
    assert_close(num(g, "group", "random", "k"), 7, 0, "random k");
    assert_close(num(g, "group", "random", "estimate"), -0.970964704263, 1e-9, "random est");
    assert_close(num(g, "group", "random", "se"), 0.275956102973, 1e-9, "random se");
    assert_close(num(g, "group", "random", "tau2"), 0.392528006901, 1e-9, "random tau2");
    assert_close(num(g, "group", "random", "I2"), 89.9343157013, 1e-9, "random I2");
    assert_close(num(g, "group", "random", "QE"), 110.213261175, 1e-9, "random QE");
    assert_close(num(g, "group", "random", "QEdf"), 6, 0, "random QEdf");
    assert_close(num(g, "group", "alternate", "estimate"), -0.540792961849, 1e-9, "alternate");
    assert_close(num(g, "group", "alternate", "tau2"), 0.132577039878, 1e-9, "alternate tau2");
    assert_close(num(g, "group", "random", "exp_estimate"), exp(-0.970964704263), 1e-9,
                 "exp_estimate");

    const msum_table *b = msum_result_table(&r, "between");
    cr_assert_not_null(b);
    /* bcg_rr_mods_alloc_REML_tight: QM 1.76751140193 on 2 df, p 0.413228032757, tau2 */
    assert_close(num(b, "test", "QM", "stat"), 1.76751140193, 1e-9, "QM");
    assert_close(num(b, "test", "QM", "df1"), 2, 0, "QM df");
    assert_close(num(b, "test", "QM", "pval"), 0.413228032757, 1e-9, "QM p");
    assert_close(num(b, "test", "QM", "tau2"), 0.361503664324, 1e-9, "QM tau2");
    /* bcg_rr_subgroup_between: Q 1.86144614123, df 2, p 0.394268523295, from the group fits
     * at metafor's default threshold (1e-5): the fully converged group estimates move Q by
     * about 1e-6 */
    assert_close(num(b, "test", "Q_between", "stat"), 1.86144614123, 1e-5, "Q_between");
    assert_close(num(b, "test", "Q_between", "df1"), 2, 0, "Q_between df");
    assert_close(num(b, "test", "Q_between", "pval"), 0.394268523295, 1e-5, "Q_between p");

    const msum_table *m = msum_result_table(&r, "metareg");
    cr_assert_not_null(m);
    assert_close(num(m, "coef", "intrcpt", "estimate"), -0.517955777155, 1e-9, "intrcpt");
    assert_close(num(m, "coef", "intrcpt", "se"), 0.441194460387, 1e-9, "intrcpt se");
    assert_close(num(m, "coef", "alloc[random]", "estimate"), -0.447818401391, 1e-9, "random");
    assert_close(num(m, "coef", "alloc[systematic]", "estimate"), 0.0890382162317, 1e-9,
                 "systematic");
    const msum_table *mo = msum_result_table(&r, "model");
    cr_assert_not_null(mo);
    assert_close(cell(mo, 0, "QM"), 1.76751140193, 1e-9, "model QM");
    assert_close(cell(mo, 0, "QEdf"), 10, 0, "model QEdf");
    assert_close(cell(mo, 0, "QE"), 132.367638263, 1e-9, "model QE");
    cr_expect_str_eq(msum_table_meta(g, "input"), "bcg/effects.csv");
    msum_result_free(&r);
    msum_diags_free(d);
}

/* rma(yi, vi, mods = ~ ablat) and predict(res, newmods = 30). */
Test(analysis_compare, metareg_on_ablat_matches_metafor)
{
    msum_spec s;
    bcg_spec(&s);
    s.mods = "ablat";
    s.newmods = "30";
    s.table = "metareg,model,predict";
    msum_result r = {0};
    msum_diags *d = msum_diags_new();
    cr_assert_eq(msum_analysis_run(&s, &r, d), MSUM_OK);
    cr_expect_eq(r.ntables, 3);
    const msum_table *m = msum_result_table(&r, "metareg");
    cr_assert_not_null(m);
    /* bcg_rr_mods_ablat_REML_tight */
    assert_close(num(m, "coef", "intrcpt", "estimate"), 0.251468210007, 1e-9, "intrcpt");
    assert_close(num(m, "coef", "intrcpt", "se"), 0.249095396618, 1e-9, "intrcpt se");
    assert_close(num(m, "coef", "ablat", "estimate"), -0.0291017250116, 1e-9, "ablat");
    assert_close(num(m, "coef", "ablat", "se"), 0.00719532722093, 1e-9, "ablat se");
    const msum_table *mo = msum_result_table(&r, "model");
    cr_assert_not_null(mo);
    assert_close(cell(mo, 0, "tau2"), 0.0763479639559, 1e-9, "tau2");
    assert_close(cell(mo, 0, "se_tau2"), 0.0590472289048, 1e-8, "se_tau2");
    assert_close(cell(mo, 0, "I2"), 68.3912248384, 1e-9, "I2");
    assert_close(cell(mo, 0, "QE"), 30.7330900107, 1e-9, "QE");
    assert_close(cell(mo, 0, "QM"), 16.358232147, 1e-9, "QM");
    assert_close(cell(mo, 0, "QMdf"), 1, 0, "QMdf");
    assert_close(cell(mo, 0, "QMp"), 5.24279397414e-05, 1e-8, "QMp");
    const msum_table *p = msum_result_table(&r, "predict");
    cr_assert_not_null(p);
    /* bcg_rr_mods_ablat_REML_tight_predict_ablat30 */
    assert_close(cell(p, 0, "pred"), -0.621583540342, 1e-9, "pred");
    assert_close(cell(p, 0, "se"), 0.106924050516, 1e-9, "pred se");
    assert_close(cell(p, 0, "ci_lb"), -0.831150828436, 1e-9, "ci_lb");
    assert_close(cell(p, 0, "pi_lb"), -1.20227795896, 1e-9, "pi_lb");
    assert_close(cell(p, 0, "pi_ub"), -0.0408891217199, 1e-8, "pi_ub");
    msum_result_free(&r);
    msum_diags_free(d);
}

/* Settings are checked by the analysis: a wrong one is a spec error naming the setting, at the
 * manifest line when the spec came from one. */
Test(analysis_compare, spec_errors_name_the_setting)
{
    static const struct {
        const char *field, *value, *shown; /* the setting, its value, what the message quotes */
    } bad[] = {{"pairs", "random:nope", "'nope'"},  {"by", "nope", "'nope'"},
               {"table", "everything", "'everything'"}, {"mods", "ablat+year", "'ablat+year'"},
               {"plots", "funnel", "'funnel'"},     {"method", "MH", "'MH'"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        msum_spec s;
        bcg_spec(&s);
        s.by = "alloc";
        s.origin = "analyses.csv";
        s.line = 12;
        if (strcmp(bad[i].field, "pairs") == 0) s.pairs = bad[i].value;
        if (strcmp(bad[i].field, "by") == 0) s.by = bad[i].value;
        if (strcmp(bad[i].field, "table") == 0) s.table = bad[i].value;
        if (strcmp(bad[i].field, "mods") == 0) s.mods = bad[i].value;
        if (strcmp(bad[i].field, "plots") == 0) s.plots = bad[i].value;
        if (strcmp(bad[i].field, "method") == 0) s.method = bad[i].value;
        msum_result r = {0};
        msum_diags *d = msum_diags_new();
        cr_expect_eq(msum_analysis_run(&s, &r, d), MSUM_EINVAL, "%s", bad[i].field);
        cr_expect_eq(r.ntables, 0, "%s", bad[i].field);
        cr_assert_eq(msum_diags_errors(d), 1, "%s", bad[i].field);
        const msum_diag *g = msum_diags_get(d, 0);
        cr_expect_str_eq(g->file, "analyses.csv");
        cr_expect_eq(g->line, 12);
        cr_expect_str_eq(g->column, bad[i].field);
        cr_expect(strstr(g->message, bad[i].shown) != NULL, "%s", g->message);
        msum_result_free(&r);
        msum_diags_free(d);
    }
}
