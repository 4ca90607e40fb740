/* Tests for subgroup analyses (src/core/subgroup.c) against metafor 3.8 on BCG by allocation
 * (tests/ref/expected/bcg_rr_subgroups.csv, bcg_rr_metareg.csv; tests/ref/PROVENANCE.md):
 * per-group fits, Q between with separate tau2, the common-tau2 QM, and the pairwise difference
 * random - systematic; a k = 1 level; the ratio scale by hand. */
#include <gsl/gsl_errno.h>
#include <string.h>

#include "helpers.h"
#include "metasum/metasum.h"
#include "refvals.h"

static void setup(void) { gsl_set_error_handler_off(); }

TestSuite(subgroup, .init = setup);

static const char *SUB = "ref/expected/bcg_rr_subgroups.csv";
static const char *MR = "ref/expected/bcg_rr_metareg.csv";

static double yi[13], vi[13], ablat[13];
static char alloc[13][16];
static const char *grp[13];

static void load(void)
{
    ref_bcg(yi, vi, ablat, alloc);
    for (int i = 0; i < 13; i++) grp[i] = alloc[i];
}

static void check(msum_estimator m, const char *suffix, const char *between, double tol)
{
    load();
    msum_pool_opts o = MSUM_POOL_OPTS_DEFAULT;
    o.method = m;
    msum_subgroup_result r;
    cr_assert_eq(msum_subgroup(yi, vi, grp, 13, "alloc", &o, NULL, &r), MSUM_OK);
    cr_assert_eq(r.G, 3);
    static const char *const lv[] = {"alternate", "random", "systematic"};
    for (size_t g = 0; g < 3; g++) {
        char cs[96], what[160];
        cr_expect_str_eq(r.levels[g].level, lv[g], "alphabetical levels");
        snprintf(cs, sizeof cs, "bcg_rr_alloc_%s_%s", lv[g], suffix);
        cr_expect_eq(r.levels[g].status, MSUM_OK);
        cr_expect_eq(r.levels[g].k, (size_t)ref_value(SUB, cs, "k"));
        snprintf(what, sizeof what, "%s estimate", cs);
        assert_close(r.levels[g].fit.estimate, ref_value(SUB, cs, "estimate"), tol, what);
        snprintf(what, sizeof what, "%s se", cs);
        assert_close(r.levels[g].fit.se, ref_value(SUB, cs, "se"), tol, what);
        snprintf(what, sizeof what, "%s tau2", cs);
        assert_close(r.levels[g].fit.tau2, ref_value(SUB, cs, "tau2"), tol, what);
        snprintf(what, sizeof what, "%s QE", cs);
        assert_close(r.levels[g].fit.QE, ref_value(SUB, cs, "QE"), tol, what);
    }
    if (between) {
        char fit[96];
        snprintf(fit, sizeof fit, "%s_fit", between);
        assert_close(r.Qb, ref_value(SUB, between, "Q"), tol, "Q between");
        assert_close(r.Qb_df, ref_value(SUB, between, "df"), 0, "df");
        assert_close(r.Qb_p, ref_value(SUB, between, "pval"), tol, "p between");
        assert_close(r.between_estimate, ref_value(SUB, fit, "estimate"), tol, "FE of groups");
        assert_close(r.between_se, ref_value(SUB, fit, "se"), tol, "its SE");
    }
    msum_subgroup_result_free(&r);
}

Test(subgroup, reml_groups_and_q_between_match_metafor)
{
    check(MSUM_EST_REML, "REML_tight", "bcg_rr_subgroup_between_tight", 1e-8);
}

Test(subgroup, dl_and_fe_groups_match_metafor)
{
    check(MSUM_EST_DL, "DL", "bcg_rr_subgroup_between_DL", 1e-9);
    check(MSUM_EST_FE, "FE", NULL, 1e-9);
}

/* The common-tau2 test is metafor's rma(yi, vi, mods = ~ factor(alloc)). */
Test(subgroup, common_tau2_qm_matches_metafor)
{
    load();
    msum_subgroup_result r;
    cr_assert_eq(msum_subgroup(yi, vi, grp, 13, "alloc", NULL, NULL, &r), MSUM_OK);
    cr_assert_eq(r.me_status, MSUM_OK);
    assert_close(r.me.QM, ref_value(MR, "bcg_rr_mods_alloc_REML_tight", "QM"), 1e-8, "QM");
    assert_close(r.me.QMp, ref_value(MR, "bcg_rr_mods_alloc_REML_tight", "QMp"), 1e-8, "QMp");
    assert_close(r.me.tau2, ref_value(MR, "bcg_rr_mods_alloc_REML_tight", "tau2"), 1e-8, "tau2");
    cr_expect_eq(msum_metareg_coef(&r.me, "alloc[random]"), 1, "named after the grouping");
    msum_subgroup_result_free(&r);
    msum_pool_opts o = MSUM_POOL_OPTS_DEFAULT;
    o.test = MSUM_TEST_KNHA;
    cr_assert_eq(msum_subgroup(yi, vi, grp, 13, "alloc", &o, NULL, &r), MSUM_OK);
    assert_close(r.me.QM, ref_value(MR, "bcg_rr_mods_alloc_REML_knha_tight", "QM"), 1e-8, "F");
    assert_close(r.me.QMdf2, 10, 0, "QMdf2");
    msum_subgroup_result_free(&r);
    cr_assert_eq(msum_subgroup(yi, vi, grp, 13, "alloc", NULL, "nope", &r), MSUM_OK);
    cr_expect_eq(r.me_status, MSUM_EDATA, "unknown reference level");
    msum_subgroup_result_free(&r);
}

Test(subgroup, pairwise_difference_matches_metafor)
{
    load();
    msum_subgroup_result r;
    cr_assert_eq(msum_subgroup(yi, vi, grp, 13, "alloc", NULL, NULL, &r), MSUM_OK);
    int a = msum_subgroup_find(&r, "random"), b = msum_subgroup_find(&r, "systematic");
    cr_assert(a >= 0 && b >= 0);
    msum_pair_result p;
    cr_assert_eq(msum_compare_pair(r.levels[a].fit.estimate, r.levels[a].fit.se,
                                   r.levels[b].fit.estimate, r.levels[b].fit.se, 0.95, 1, &p),
                 MSUM_OK);
    const char *cs = "bcg_rr_subgroup_diff_random_systematic_tight";
    assert_close(p.diff, ref_value(SUB, cs, "diff"), 1e-8, "diff");
    assert_close(p.se, ref_value(SUB, cs, "se"), 1e-8, "se");
    assert_close(p.z, ref_value(SUB, cs, "zval"), 1e-8, "z");
    assert_close(p.pval, ref_value(SUB, cs, "pval"), 1e-8, "p");
    assert_close(p.ci_lb, ref_value(SUB, cs, "ci.lb"), 1e-8, "ci.lb");
    assert_close(p.ci_ub, ref_value(SUB, cs, "ci.ub"), 1e-8, "ci.ub");
    assert_close(p.ratio, exp(p.diff), 1e-15, "ratio of risk ratios");
    assert_close(p.ratio_lb, exp(p.ci_lb), 1e-15, "ratio lb");
    msum_subgroup_result_free(&r);
}

/* By hand: 0.5 - 0.2 with SEs 0.3 and 0.4 -> SE 0.5, z 0.6, p = 2 Q(0.6) = 0.5485062355001472. */
Test(subgroup, pair_by_hand)
{
    msum_pair_result p;
    cr_assert_eq(msum_compare_pair(0.5, 0.3, 0.2, 0.4, 0.95, 0, &p), MSUM_OK);
    assert_close(p.diff, 0.3, 1e-15, "diff");
    assert_close(p.se, 0.5, 1e-15, "se");
    assert_close(p.z, 0.6, 1e-15, "z");
    assert_close(p.pval, 0.5485062355001472, 1e-12, "p");
    assert_close(p.ci_lb, 0.3 - 1.959963984540054 * 0.5, 1e-12, "lb");
    cr_expect(isnan(p.ratio), "no ratio on a difference scale");
    cr_expect_eq(msum_compare_pair(NAN, 0.3, 0.2, 0.4, 0.95, 0, &p), MSUM_EINVAL);
}

/* A level with one study is reported (tau2 0, SE = sqrt(vi)) and enters Q between. */
Test(subgroup, single_study_level_is_kept)
{
    double y[5] = {0.1, 0.3, 0.2, 0.9, 0.5}, v[5] = {0.04, 0.05, 0.06, 0.09, 0.02};
    const char *g[5] = {"A", "A", "A", "B", "C"};
    msum_pool_opts o = MSUM_POOL_OPTS_DEFAULT;
    o.method = MSUM_EST_FE;
    msum_subgroup_result r;
    cr_assert_eq(msum_subgroup(y, v, g, 5, "alloc", &o, NULL, &r), MSUM_OK);
    cr_assert_eq(r.G, 3);
    cr_expect_eq(r.levels[1].k, 1);
    assert_close(r.levels[1].fit.estimate, 0.9, 1e-15, "B = its study");
    assert_close(r.levels[1].fit.se, 0.3, 1e-15, "sqrt(0.09)");
    cr_expect_eq(r.G_used, 3);
    /* by hand: A = FE mean of 3 studies; Q between over A, B, C */
    double wA = 1 / 0.04 + 1 / 0.05 + 1 / 0.06;
    double mA = (0.1 / 0.04 + 0.3 / 0.05 + 0.2 / 0.06) / wA;
    double w[3] = {wA, 1 / 0.09, 1 / 0.02}, m[3] = {mA, 0.9, 0.5};
    double S = w[0] + w[1] + w[2], mu = (w[0] * m[0] + w[1] * m[1] + w[2] * m[2]) / S, Q = 0;
    for (int i = 0; i < 3; i++) Q += w[i] * (m[i] - mu) * (m[i] - mu);
    assert_close(r.Qb, Q, 1e-12, "Q between by hand");
    assert_close(r.Qb_df, 2, 0, "df");
    /* with FE the common-tau2 QM equals Q between (the same weights) */
    assert_close(r.me.QM, Q, 1e-10, "FE: QM = Q between");
    msum_subgroup_result_free(&r);
}

/* Over MSUM_SUBGROUP_MAX_FACTOR groups: no common-tau2 model (EDOM, said why), Q_between still. */
Test(subgroup, many_groups_skip_the_common_model)
{
    enum { G = MSUM_SUBGROUP_MAX_FACTOR + 1, K = 2 * G };
    double y[K], v[K];
    char names[G][8];
    const char *g[K];
    for (int i = 0; i < G; i++) snprintf(names[i], sizeof names[i], "g%03d", i);
    for (int i = 0; i < K; i++) {
        y[i] = (i % 7) / 10.0;
        v[i] = 0.01 + (i % 3) / 100.0;
        g[i] = names[i % G];
    }
    msum_subgroup_result r;
    cr_assert_eq(msum_subgroup(y, v, g, K, "g", NULL, NULL, &r), MSUM_OK);
    cr_expect_eq(r.G, G);
    cr_expect_eq(r.me_status, MSUM_EDOM);
    cr_expect(strstr(r.me.message, "at most") != NULL, "%s", r.me.message);
    cr_expect(isfinite(r.Qb));
    assert_close(r.Qb_df, G - 1, 0, "df");
    msum_subgroup_result_free(&r);
}

/* The test for subgroup differences from group estimates and SEs alone (callers that have the
 * groups' fits): metafor's rma(est, sei = se, method = "FE") on the three REML subgroup fits of
 * BCG by allocation, QE = 1.8614 on 2 df.  A group without an SE is left out. */
Test(subgroup, qbetween_from_group_fits)
{
    const char *lv[3] = {"random", "alternate", "systematic"};
    double est[4], se[4];
    for (int g = 0; g < 3; g++) {
        char q[64];
        snprintf(q, sizeof q, "group.estimate[%s]", lv[g]);
        est[g] = ref_value(SUB, "bcg_rr_subgroup_between", q);
        snprintf(q, sizeof q, "group.se[%s]", lv[g]);
        se[g] = ref_value(SUB, "bcg_rr_subgroup_between", q);
    }
    est[3] = 0.5;
    se[3] = NAN;
    msum_subgroup_between b;
    cr_assert_eq(msum_subgroup_qbetween(est, se, 4, &b), MSUM_OK);
    cr_expect_eq(b.G_used, 3);
    assert_close(b.Qb, ref_value(SUB, "bcg_rr_subgroup_between", "Q"), 1e-9, "Q between");
    assert_close(b.Qb_df, 2, 0, "df");
    assert_close(b.Qb_p, ref_value(SUB, "bcg_rr_subgroup_between", "pval"), 1e-9, "p");
    cr_assert_eq(msum_subgroup_qbetween(est, se, 1, &b), MSUM_OK);
    cr_expect(b.G_used == 1 && isnan(b.Qb) && isfinite(b.estimate));
    cr_expect_eq(msum_subgroup_qbetween(NULL, se, 2, &b), MSUM_EINVAL);
}
