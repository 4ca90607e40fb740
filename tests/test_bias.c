/* Publication bias tests (regtest, ranktest, trimfill, fsn) against metafor 3.8
 * (tests/ref/bias_refs.R -> tests/ref/expected/bias.csv) and the degenerate cases. */
#include <criterion/criterion.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "helpers.h"
#include "metasum/metasum.h"
#include "ref_csv.h"
#include "refvals.h"

#define REF "ref/expected/bias.csv"
#define CLOSED 1e-9
#define ITER 1e-8

static void setup(void) { gsl_set_error_handler_off(); }

/* 1 when the reference script recorded that metafor refused the call. */
static int refused(const char *casename)
{
    FILE *fp = fopen(REF, "r");
    cr_assert_not_null(fp);
    char line[512], want[256];
    snprintf(want, sizeof want, "%s,refused,", casename);
    int found = 0;
    while (!found && fgets(line, sizeof line, fp)) found = strncmp(line, want, strlen(want)) == 0;
    fclose(fp);
    return found;
}

static double tol_for(msum_estimator m)
{
    return m == MSUM_EST_REML || m == MSUM_EST_ML ? ITER : CLOSED;
}

static void check_regtest(const char *ds, msum_estimator m, msum_test test)
{
    ref_data d;
    ref_data_load(&d, ds);
    msum_reg_predictor preds[] = {MSUM_REG_SEI, MSUM_REG_VI, MSUM_REG_NI, MSUM_REG_NINV,
                                  MSUM_REG_SQRTNINV};
    size_t npred = d.has_ni ? 5 : 2;
    for (int model = 0; model < 2; model++)
        for (size_t p = 0; p < npred; p++) {
            char cs[128], what[192];
            snprintf(cs, sizeof cs, "%s_%s%s_regtest_%s_%s", ds, msum_estimator_name(m),
                     test == MSUM_TEST_KNHA ? "_knha" : "", model ? "lm" : "rma",
                     msum_reg_predictor_name(preds[p]));
            msum_regtest_opts o = MSUM_REGTEST_OPTS_DEFAULT;
            o.model = model ? MSUM_REG_LM : MSUM_REG_RMA;
            o.predictor = preds[p];
            o.fit.method = m;
            o.fit.test = test;
            o.fit.threshold = 1e-12;
            o.fit.maxiter = 1000;
            msum_regtest_result r;
            int st = msum_regtest(d.yi, d.vi, d.has_ni ? d.ni : NULL, d.k, &o, &r);
            if (model && strcmp(ds, "identical") == 0) {
                /* R's lm reports t from rounding noise (residual SS ~ 1e-33); metasum says the
                 * fit is perfect and the test undefined */
                cr_expect_eq(st, MSUM_EDOM, "%s", cs);
                cr_expect(strstr(r.reason, "perfect fit") != NULL);
                continue;
            }
            cr_assert_eq(st, MSUM_OK, "%s: status %d (%s)", cs, st, r.reason);
            cr_expect(r.defined);
            double tol = model ? CLOSED : tol_for(m);
            const char *q[] = {"zval", "pval", "dfs", "coef", "coef.se", "est", "ci.lb", "ci.ub"};
            double v[] = {r.stat, r.pval, r.df, r.coef, r.coef_se, r.est, r.ci_lb, r.ci_ub};
            for (size_t j = 0; j < sizeof q / sizeof q[0]; j++) {
                snprintf(what, sizeof what, "%s %s", cs, q[j]);
                assert_close(v[j], ref_value(REF, cs, q[j]), tol, what);
            }
            if (!model) {
                snprintf(what, sizeof what, "%s tau2", cs);
                assert_close(r.tau2, ref_value(REF, cs, "tau2"), tol, what);
            }
        }
}

TestSuite(bias, .init = setup);

Test(bias, regtest_bcg) {
    check_regtest("bcg", MSUM_EST_REML, MSUM_TEST_Z);
    check_regtest("bcg", MSUM_EST_DL, MSUM_TEST_Z);
    check_regtest("bcg", MSUM_EST_FE, MSUM_TEST_Z);
    check_regtest("bcg", MSUM_EST_REML, MSUM_TEST_KNHA);
}

Test(bias, regtest_hackshaw_molloy_normand) {
    const char *ds[] = {"hackshaw", "molloy", "normand", "boundary", "identical"};
    for (int i = 0; i < 5; i++) {
        check_regtest(ds[i], MSUM_EST_REML, MSUM_TEST_Z);
        if (i < 3) check_regtest(ds[i], MSUM_EST_DL, MSUM_TEST_Z);
    }
}

static void check_trimfill(const char *ds, msum_estimator m)
{
    ref_data d;
    ref_data_load(&d, ds);
    const char *sides[] = {"auto", "left", "right"};
    for (int e = 0; e < 3; e++)
        for (int s = 0; s < 3; s++) {
            char cs[128], what[192];
            snprintf(cs, sizeof cs, "%s_%s_trimfill_%s_%s", ds, msum_estimator_name(m),
                     msum_tf_estimator_name((msum_tf_estimator)e), sides[s]);
            msum_trimfill_opts o = MSUM_TRIMFILL_OPTS_DEFAULT;
            o.estimator = (msum_tf_estimator)e;
            o.side = (msum_tf_side)s;
            o.pool.method = m;
            o.pool.threshold = 1e-12;
            msum_trimfill_result r;
            int st = msum_trimfill(d.yi, d.vi, d.k, &o, &r);
            if (refused(cs)) {
                /* metafor stops; metasum gives a defined answer or says why not */
                cr_expect(st == MSUM_OK || st == MSUM_EDOM, "%s: status %d", cs, st);
                cr_expect(r.reason[0] != '\0', "%s: no reason", cs);
                msum_trimfill_result_free(&r);
                continue;
            }
            cr_assert_eq(st, MSUM_OK, "%s: status %d (%s)", cs, st, r.reason);
            double tol = tol_for(m);
            snprintf(what, sizeof what, "%s k0", cs);
            assert_close((double)r.k0, ref_value(REF, cs, "k0"), 0, what);
            assert_close((double)(r.side == MSUM_TF_SIDE_RIGHT), ref_value(REF, cs, "side.right"),
                         0, what);
            assert_close((double)r.pooled.k, ref_value(REF, cs, "k"), 0, what);
            const char *q[] = {"se.k0", "p.k0", "beta", "se", "zval", "pval", "ci.lb", "ci.ub",
                               "tau2", "QE", "I2"};
            double v[] = {r.se_k0, r.p_k0, r.pooled.estimate, r.pooled.se, r.pooled.stat,
                          r.pooled.pval, r.pooled.ci_lb, r.pooled.ci_ub, r.pooled.tau2,
                          r.pooled.QE, r.pooled.I2};
            for (size_t j = 0; j < sizeof q / sizeof q[0]; j++) {
                snprintf(what, sizeof what, "%s %s", cs, q[j]);
                double ev = ref_value(REF, cs, q[j]);
                if (j == 0 && isnan(ev) && strcmp(ds, "identical") == 0) {
                    /* metafor's se.k0 comes from rounding noise here (NaN); metasum evaluates
                     * the formula at k0 = 0 */
                    cr_expect(isfinite(v[j]), "%s", what);
                    continue;
                }
                assert_close(v[j], ev, tol, what);
            }
            for (size_t j = 0; j < r.k0; j++) {
                char qn[32];
                snprintf(qn, sizeof qn, "yi.fill[%zu]", j + 1);
                snprintf(what, sizeof what, "%s %s", cs, qn);
                assert_close(r.yi_fill[j], ref_value(REF, cs, qn), tol, what);
                snprintf(qn, sizeof qn, "vi.fill[%zu]", j + 1);
                assert_close(r.vi_fill[j], ref_value(REF, cs, qn), 1e-14, qn);
            }
            msum_trimfill_result_free(&r);
        }
}

Test(bias, trimfill) {
    check_trimfill("bcg", MSUM_EST_REML);
    check_trimfill("bcg", MSUM_EST_DL);
    check_trimfill("bcg", MSUM_EST_FE);
    check_trimfill("hackshaw", MSUM_EST_REML);
    check_trimfill("hackshaw", MSUM_EST_DL);
    check_trimfill("molloy", MSUM_EST_REML);
    check_trimfill("molloy", MSUM_EST_DL);
    check_trimfill("normand", MSUM_EST_REML);
    check_trimfill("normand", MSUM_EST_DL);
    check_trimfill("boundary", MSUM_EST_REML);
    check_trimfill("identical", MSUM_EST_REML);
}

Test(bias, ranktest_and_fsn) {
    const char *ds[] = {"bcg", "hackshaw", "molloy", "normand"};
    for (int i = 0; i < 4; i++) {
        ref_data d;
        ref_data_load(&d, ds[i]);
        char cs[128], what[192];
        msum_ranktest_result rk;
        cr_assert_eq(msum_ranktest(d.yi, d.vi, d.k, &rk), MSUM_OK);
        snprintf(cs, sizeof cs, "%s_ranktest", ds[i]);
        assert_close(rk.tau, ref_value(REF, cs, "tau"), CLOSED, cs);
        assert_close(rk.pval, ref_value(REF, cs, "pval"), CLOSED, cs);
        snprintf(cs, sizeof cs, "%s_ranktest_normal", ds[i]);
        if (!rk.exact) {
            assert_close(rk.z, ref_value(REF, cs, "z"), CLOSED, cs);
        }

        struct {
            msum_fsn_type t;
            double target;
            int weighted;
            const char *suffix;
        } f[] = {{MSUM_FSN_ROSENTHAL, NAN, 0, "Rosenthal"},
                 {MSUM_FSN_ORWIN, NAN, 0, "Orwin"},
                 {MSUM_FSN_ORWIN, 0.05, 0, "Orwin_target"},
                 {MSUM_FSN_ORWIN, NAN, 1, "Orwin_weighted"},
                 {MSUM_FSN_ROSENBERG, NAN, 0, "Rosenberg"}};
        for (int j = 0; j < 5; j++) {
            msum_fsn_opts o = MSUM_FSN_OPTS_DEFAULT;
            o.type = f[j].t;
            o.target = f[j].target;
            o.weighted = f[j].weighted;
            msum_fsn_result r;
            cr_assert_eq(msum_fsn(d.yi, d.vi, d.k, &o, &r), MSUM_OK);
            snprintf(cs, sizeof cs, "%s_fsn_%s", ds[i], f[j].suffix);
            const char *q[] = {"fsnum", "pval", "meanes", "target"};
            double v[] = {r.fsnum, r.pval, r.meanes, r.target};
            for (int m = 0; m < 4; m++) {
                snprintf(what, sizeof what, "%s %s", cs, q[m]);
                assert_close(v[m], ref_value(REF, cs, q[m]), CLOSED, what);
            }
        }
        msum_fsn_opts o = MSUM_FSN_OPTS_DEFAULT;
        o.alpha = 0.1;
        msum_fsn_result r;
        cr_assert_eq(msum_fsn(d.yi, d.vi, d.k, &o, &r), MSUM_OK);
        snprintf(cs, sizeof cs, "%s_fsn_Rosenthal_a10", ds[i]);
        assert_close(r.fsnum, ref_value(REF, cs, "fsnum"), 0, cs);
    }
}

/* A tie in vi: R's cor.test (exact = TRUE, as metafor asks) uses the normal approximation with
 * the ties-corrected variance. */
Test(bias, ranktest_ties_normal) {
    ref_data d;
    ref_data_load(&d, "bcg");
    d.vi[1] = d.vi[0];
    msum_ranktest_result rk;
    cr_assert_eq(msum_ranktest(d.yi, d.vi, d.k, &rk), MSUM_OK);
    cr_expect(!rk.exact);
    assert_close(rk.tau, ref_value(REF, "bcgtie_ranktest", "tau"), CLOSED, "tie tau");
    assert_close(rk.pval, ref_value(REF, "bcgtie_ranktest", "pval"), CLOSED, "tie p");
}

/* Degenerate inputs: defined answers with a status and a reason, never silent NaN. */
Test(bias, degenerate) {
    double y2[] = {0.1, 0.9}, v2[] = {0.04, 0.09};
    msum_regtest_result rg;
    cr_expect_eq(msum_regtest(y2, v2, NULL, 2, NULL, &rg), MSUM_EDOM);
    cr_expect(!rg.defined && strstr(rg.reason, "fewer than 3"));
    /* constant predictor: all vi equal */
    double y3[] = {0.1, 0.5, 0.3, 0.2}, v3[] = {0.04, 0.04, 0.04, 0.04};
    cr_expect_eq(msum_regtest(y3, v3, NULL, 4, NULL, &rg), MSUM_EDOM);
    cr_expect(strstr(rg.reason, "constant") != NULL);
    double ni[] = {50, 50, 50, 50}, v4[] = {0.04, 0.05, 0.06, 0.07};
    msum_regtest_opts o = MSUM_REGTEST_OPTS_DEFAULT;
    o.predictor = MSUM_REG_NINV;
    cr_expect_eq(msum_regtest(y3, v4, ni, 4, &o, &rg), MSUM_EDOM);
    cr_expect(strstr(rg.reason, "all ni equal") != NULL);
    o.predictor = MSUM_REG_NI;
    cr_expect_eq(msum_regtest(y3, v4, NULL, 4, &o, &rg), MSUM_EINVAL); /* ni missing */
    /* lm on identical effects: residual SS 0 */
    double yid[] = {0.25, 0.25, 0.25, 0.25};
    o = (msum_regtest_opts)MSUM_REGTEST_OPTS_DEFAULT;
    o.model = MSUM_REG_LM;
    cr_expect_eq(msum_regtest(yid, v4, NULL, 4, &o, &rg), MSUM_EDOM);
    cr_expect(strstr(rg.reason, "perfect fit") != NULL);

    msum_ranktest_result rk;
    cr_expect_eq(msum_ranktest(y2, v2, 1, &rk), MSUM_EDOM);
    cr_expect_eq(msum_ranktest(y3, v3, 4, &rk), MSUM_EDOM);
    cr_expect(strstr(rk.reason, "all vi are equal") != NULL);
    cr_expect_eq(msum_ranktest(yid, v4, 4, &rk), MSUM_EDOM);
    cr_expect(isnan(rk.tau));
    /* k = 2: one pair, tau = +-1, exact p = 1 (R: cor.test on 2 points) */
    cr_expect_eq(msum_ranktest(y2, v2, 2, &rk), MSUM_OK);
    assert_close(fabs(rk.tau), 1, 0, "k2 tau");
    assert_close(rk.pval, 1, 0, "k2 p");

    msum_trimfill_result tf;
    cr_expect_eq(msum_trimfill(y2, v2, 2, NULL, &tf), MSUM_EDOM);
    cr_expect(strstr(tf.reason, "fewer than 3") != NULL);
    msum_trimfill_result_free(&tf);
    cr_expect_eq(msum_trimfill(yid, v4, 4, NULL, &tf), MSUM_OK);
    cr_expect_eq(tf.k0, 0);
    assert_close(tf.pooled.estimate, 0.25, 1e-15, "identical pooled");
    cr_expect(strstr(tf.reason, "identical") != NULL);
    msum_trimfill_result_free(&tf);
    /* all vi equal: the side cannot be chosen automatically, but can be given */
    cr_expect_eq(msum_trimfill(y3, v3, 4, NULL, &tf), MSUM_EDOM);
    msum_trimfill_result_free(&tf);
    msum_trimfill_opts to = MSUM_TRIMFILL_OPTS_DEFAULT;
    to.side = MSUM_TF_SIDE_LEFT;
    cr_expect_eq(msum_trimfill(y3, v3, 4, &to, &tf), MSUM_OK);
    msum_trimfill_result_free(&tf);

    msum_fsn_result fs;
    cr_expect_eq(msum_fsn(y2, v2, 0, NULL, &fs), MSUM_EDOM);
    /* Orwin with a zero mean and the default target 0: N = Inf (metafor) */
    double yz[] = {-0.5, 0.5};
    msum_fsn_opts fo = MSUM_FSN_OPTS_DEFAULT;
    fo.type = MSUM_FSN_ORWIN;
    cr_expect_eq(msum_fsn(yz, NULL, 2, &fo, &fs), MSUM_OK);
    cr_expect(isinf(fs.fsnum));
}

/* Hand-checked exact Kendall distribution: n = 4 has 24 permutations with inversion counts
 * 1,3,5,6,5,3,1 (Mahonian numbers); perfect agreement gives q = 6 concordant pairs and
 * p = 2 * 1/24. */
Test(bias, kendall_exact_small) {
    double yi[] = {0.1, 0.2, 0.3, 0.4}, vi[] = {0.01, 0.02, 0.03, 0.04};
    msum_ranktest_result rk;
    cr_assert_eq(msum_ranktest(yi, vi, 4, &rk), MSUM_OK);
    cr_expect(rk.exact);
    /* the standardised deviates need not be monotone in yi: check against the definition */
    double pr[] = {1, 3, 5, 6, 5, 3, 1};
    double q = (rk.S + 6) / 2, p = 0;
    if (q > 3)
        for (int j = (int)q; j <= 6; j++) p += pr[j] / 24;
    else
        for (int j = 0; j <= (int)q; j++) p += pr[j] / 24;
    assert_close(rk.pval, fmin(1, 2 * p), 1e-15, "n=4 exact p");
}

/* Kendall's S by the O(k log k) count against the O(k^2) definition, with ties in both
 * variables (values from small sets) and without. */
Test(bias, kendall_s_matches_pairs) {
    enum { K = 300 };
    static double yi[K], vi[K], x[K];
    unsigned s = 7;
    for (int rep = 0; rep < 2; rep++) {
        for (int i = 0; i < K; i++) {
            s = s * 1103515245u + 12345u;
            unsigned r = s >> 8;
            yi[i] = rep ? (double)(r % 7) / 10 : (double)(r % 100003) / 1e5;
            vi[i] = rep ? 0.01 * (1 + (r / 7) % 5) : 0.01 + (double)((r / 7) % 99991) / 1e6;
        }
        double sw = 0, swy = 0;
        for (int i = 0; i < K; i++) sw += 1 / vi[i];
        for (int i = 0; i < K; i++) swy += (yi[i] - yi[0]) / vi[i];
        double theta = yi[0] + swy / sw;
        for (int i = 0; i < K; i++) x[i] = (yi[i] - theta) / sqrt(vi[i] - 1 / sw);
        double S = 0;
        for (int i = 0; i < K; i++)
            for (int j = i + 1; j < K; j++) {
                double dx = x[j] - x[i], dy = vi[j] - vi[i];
                S += (double)(((dx > 0) - (dx < 0)) * ((dy > 0) - (dy < 0)));
            }
        msum_ranktest_result rk;
        cr_assert_eq(msum_ranktest(yi, vi, K, &rk), MSUM_OK);
        assert_close(rk.S, S, 0, rep ? "S with ties" : "S without ties");
        cr_expect_eq(rk.exact, 0); /* k > 170, or ties */
    }
}
