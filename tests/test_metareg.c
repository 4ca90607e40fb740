/* Tests for meta-regression (src/core/metareg.c): every quantity metafor 3.8 reports for
 * rma(yi, vi, mods = ~ factor(alloc) | ~ ablat | ~ ablat + factor(alloc)) on the BCG log risk
 * ratios, for FE, DL, ML and REML with z and Knapp-Hartung tests (tests/ref/expected/
 * bcg_rr_metareg.csv, see tests/ref/PROVENANCE.md), plus designs and rank deficiency. */
#include <gsl/gsl_errno.h>
#include <string.h>

#include "helpers.h"
#include "metasum/metasum.h"
#include "refvals.h"

static void setup(void) { gsl_set_error_handler_off(); }

TestSuite(metareg, .init = setup);

static const char *REF = "ref/expected/bcg_rr_metareg.csv";

static double yi[13], vi[13], ablat[13];
static char alloc[13][16];

/* The BCG design for a model name of the reference file: "alloc", "ablat", "ablat_alloc". */
static msum_design *bcg_design(const char *model)
{
    ref_bcg(yi, vi, ablat, alloc);
    const char *al[13];
    for (int i = 0; i < 13; i++) al[i] = alloc[i];
    msum_design *d = msum_design_new(13);
    cr_assert_not_null(d);
    if (strstr(model, "ablat")) cr_assert_eq(msum_design_add_num(d, "ablat", ablat), MSUM_OK);
    if (strstr(model, "alloc"))
        cr_assert_eq(msum_design_add_factor(d, "alloc", al, NULL), MSUM_OK);
    return d;
}

/* metafor names factor levels "factor(alloc)random"; metasum "alloc[random]". */
static void metafor_name(const char *ours, char *buf, size_t size)
{
    const char *b = strchr(ours, '[');
    if (!b) {
        snprintf(buf, size, "%s", ours);
        return;
    }
    snprintf(buf, size, "factor(%.*s)%.*s", (int)(b - ours), ours, (int)(strlen(b) - 2), b + 1);
}

/* Fit one reference case and compare every reported quantity at relative tolerance tol. */
static void check_case(const char *model, msum_estimator m, msum_test t, int tight, double tol)
{
    char cs[128];
    snprintf(cs, sizeof cs, "bcg_rr_mods_%s_%s%s%s", model,
             m == MSUM_EST_REML ? "REML" : m == MSUM_EST_ML ? "ML" : m == MSUM_EST_DL ? "DL" : "FE",
             t == MSUM_TEST_KNHA ? "_knha" : "", tight ? "_tight" : "");
    msum_design *d = bcg_design(model);
    msum_metareg_opts o = MSUM_METAREG_OPTS_DEFAULT;
    o.method = m;
    o.test = t;
    if (!tight) { /* metafor's default stopping rule */
        o.threshold = 1e-5;
        o.maxiter = 100;
    }
    msum_metareg_result r;
    cr_assert_eq(msum_metareg(yi, vi, d, &o, &r), MSUM_OK, "%s", cs);
    cr_expect_eq(r.k, (size_t)ref_value(REF, cs, "k"), "%s k", cs);
    const char *stat = t == MSUM_TEST_KNHA ? "tval" : "zval";
    for (size_t j = 0; j < r.p; j++) {
        char mn[64], q[128];
        metafor_name(r.names[j], mn, sizeof mn);
        struct { const char *q; double v; } co[] = {
            {"estimate", r.beta[j]}, {"se", r.se[j]}, {stat, r.stat[j]}, {"pval", r.pval[j]},
            {"ci.lb", r.ci_lb[j]}, {"ci.ub", r.ci_ub[j]}};
        for (size_t c = 0; c < sizeof co / sizeof co[0]; c++) {
            snprintf(q, sizeof q, "%s[%s]", co[c].q, mn);
            char what[256];
            snprintf(what, sizeof what, "%s %s", cs, q);
            assert_close(co[c].v, ref_value(REF, cs, q), tol, what);
        }
    }
    struct { const char *q; double v; } sc[] = {
        {"tau2", r.tau2}, {"se.tau2", r.se_tau2}, {"tau", r.tau}, {"I2", r.I2}, {"H2", r.H2},
        {"vt", r.vt}, {"R2", r.R2}, {"QE", r.QE}, {"QEdf", r.QEdf}, {"QEp", r.QEp},
        {"QM", r.QM}, {"QMdf", r.QMdf}, {"QMp", r.QMp}, {"logLik", r.logLik},
        {"deviance", r.deviance}, {"AIC", r.AIC}, {"BIC", r.BIC}, {"AICc", r.AICc}};
    for (size_t c = 0; c < sizeof sc / sizeof sc[0]; c++) {
        char what[256];
        snprintf(what, sizeof what, "%s %s", cs, sc[c].q);
        /* tau2 = 0 exactly for FE: compare absolutely */
        assert_close(sc[c].v, ref_value(REF, cs, sc[c].q), tol, what);
    }
    if (t == MSUM_TEST_KNHA) {
        assert_close(r.df, ref_value(REF, cs, "df"), 0, "df");
        assert_close(r.QMdf2, ref_value(REF, cs, "QMdf2"), 0, "QMdf2");
        assert_close(r.s2w, ref_value(REF, cs, "s2w"), tol, "s2w");
    }
    msum_metareg_result_free(&r);
    msum_design_free(d);
}

static const char *models[] = {"alloc", "ablat", "ablat_alloc"};

/* Closed forms (FE, DL): floating-point agreement. */
Test(metareg, fe_and_dl_match_metafor)
{
    for (int i = 0; i < 3; i++) {
        check_case(models[i], MSUM_EST_FE, MSUM_TEST_Z, 0, 1e-9);
        check_case(models[i], MSUM_EST_DL, MSUM_TEST_Z, 0, 1e-9);
        check_case(models[i], MSUM_EST_DL, MSUM_TEST_KNHA, 0, 1e-9);
    }
}

/* Tightly converged ML/REML against metafor's tight runs (threshold 1e-12). */
Test(metareg, reml_ml_tight_match_metafor)
{
    for (int i = 0; i < 3; i++) {
        check_case(models[i], MSUM_EST_REML, MSUM_TEST_Z, 1, 1e-8);
        check_case(models[i], MSUM_EST_ML, MSUM_TEST_Z, 1, 1e-8);
        check_case(models[i], MSUM_EST_REML, MSUM_TEST_KNHA, 1, 1e-8);
        check_case(models[i], MSUM_EST_ML, MSUM_TEST_KNHA, 1, 1e-8);
    }
}

/* With metafor's own stopping rule (threshold 1e-5, maxiter 100) the same iterates result. */
Test(metareg, reml_default_convergence_matches_metafor)
{
    for (int i = 0; i < 3; i++) {
        check_case(models[i], MSUM_EST_REML, MSUM_TEST_Z, 0, 1e-9);
        check_case(models[i], MSUM_EST_REML, MSUM_TEST_KNHA, 0, 1e-9);
    }
}

Test(metareg, factor_levels_names_and_reference)
{
    const char *x[5] = {"b", "a", "c", "a", "b"};
    msum_design *d = msum_design_new(5);
    cr_assert_eq(msum_design_add_factor(d, "g", x, NULL), MSUM_OK);
    cr_expect_eq(msum_design_ncoef(d), 3);
    cr_expect_str_eq(msum_design_coef_name(d, 1), "g[b]", "alphabetical, first = reference");
    cr_expect_str_eq(msum_design_coef_name(d, 2), "g[c]");
    cr_expect_str_eq(msum_design_coef_term(d, 2), "g");
    cr_expect_str_eq(msum_design_ref_level(d, "g"), "a");
    assert_close(msum_design_x(d, 0, 1), 1, 0, "row b in g[b]");
    assert_close(msum_design_x(d, 1, 1), 0, 0, "row a in g[b]");
    msum_design_free(d);
    d = msum_design_new(5);
    cr_assert_eq(msum_design_add_factor(d, "g", x, "c"), MSUM_OK);
    cr_expect_str_eq(msum_design_coef_name(d, 1), "g[a]");
    cr_expect_str_eq(msum_design_coef_name(d, 2), "g[b]");
    cr_expect_eq(msum_design_add_factor(d, "h", x, "zzz"), MSUM_EDATA, "unknown reference");
    const char *one[5] = {"a", "a", "a", "a", "a"};
    cr_expect_eq(msum_design_add_factor(d, "h", one, NULL), MSUM_EDATA, "a single level");
    double bad[5] = {1, 2, NAN, 4, 5};
    cr_expect_eq(msum_design_add_num(d, "z", bad), MSUM_EDATA);
    msum_design_free(d);
}

/* Re-levelling the factor changes the parametrisation, not the fit: with reference "random"
 * the intercept is the "random" coefficient sum of the default fit, QM and tau2 are equal. */
Test(metareg, releveling_is_the_same_model)
{
    msum_design *d = bcg_design("alloc");
    const char *al[13];
    for (int i = 0; i < 13; i++) al[i] = alloc[i];
    msum_design *d2 = msum_design_new(13);
    cr_assert_eq(msum_design_add_factor(d2, "alloc", al, "random"), MSUM_OK);
    msum_metareg_result a, b;
    cr_assert_eq(msum_metareg(yi, vi, d, NULL, &a), MSUM_OK);
    cr_assert_eq(msum_metareg(yi, vi, d2, NULL, &b), MSUM_OK);
    assert_close(b.beta[0], a.beta[0] + a.beta[msum_metareg_coef(&a, "alloc[random]")], 1e-9,
                 "random level mean");
    assert_close(b.QM, a.QM, 1e-9, "QM");
    assert_close(b.tau2, a.tau2, 1e-9, "tau2");
    cr_expect_eq(msum_metareg_coef(&b, "alloc[alternate]"), 1);
    msum_metareg_result_free(&a);
    msum_metareg_result_free(&b);
    msum_design_free(d);
    msum_design_free(d2);
}

Test(metareg, rank_deficient_design_names_the_moderators)
{
    msum_design *d = bcg_design("alloc");
    double twice[13];
    for (int i = 0; i < 13; i++) twice[i] = strcmp(alloc[i], "random") == 0 ? 2.0 : 0.0;
    cr_assert_eq(msum_design_add_num(d, "rand2", twice), MSUM_OK);
    msum_metareg_result r;
    cr_expect_eq(msum_metareg(yi, vi, d, NULL, &r), MSUM_EDATA);
    cr_expect(strstr(r.message, "'alloc'") && strstr(r.message, "'rand2'"), "message: %s",
              r.message);
    cr_expect_null(strstr(r.message, "intrcpt"), "the intercept is not involved: %s", r.message);
    msum_design_free(d);
    double c[13];
    for (int i = 0; i < 13; i++) c[i] = 7;
    d = bcg_design("ablat");
    cr_assert_eq(msum_design_add_num(d, "const", c), MSUM_OK);
    cr_expect_eq(msum_metareg(yi, vi, d, NULL, &r), MSUM_EDATA);
    cr_expect(strstr(r.message, "'intrcpt'") && strstr(r.message, "'const'"), "%s", r.message);
    msum_design_free(d);
}

Test(metareg, bad_input)
{
    msum_design *d = bcg_design("ablat");
    msum_metareg_result r;
    msum_metareg_opts o = MSUM_METAREG_OPTS_DEFAULT;
    o.method = MSUM_EST_PM;
    cr_expect_eq(msum_metareg(yi, vi, d, &o, &r), MSUM_EINVAL, "PM not offered with mods");
    vi[3] = 0;
    cr_expect_eq(msum_metareg(yi, vi, d, NULL, &r), MSUM_EDATA);
    cr_expect(strstr(r.message, "study 4") != NULL, "%s", r.message);
    msum_design_free(d);
    /* 2 studies, 2 coefficients: no residual df, tau2 set to 0 and said so */
    double y2[2] = {0.1, 0.5}, v2[2] = {0.1, 0.2}, X[4] = {1, 0, 1, 1};
    cr_expect_eq(msum_metareg_x(y2, v2, 2, X, 2, 1, NULL, NULL, &r), MSUM_OK);
    assert_close(r.tau2, 0, 0, "tau2");
    assert_close(r.beta[1], 0.4, 1e-12, "difference of two studies");
    cr_expect_str_eq(r.names[1], "X2");
    cr_expect(strlen(r.fallback) > 0);
    msum_metareg_result_free(&r);
    double X3[6] = {1, 0, 0, 1, 1, 0};
    cr_expect_eq(msum_metareg_x(y2, v2, 2, X3, 3, 1, NULL, NULL, &r), MSUM_EDATA, "k < p");
}

/* Non-convergence is not an abort: when Fisher scoring stops (here after 1 iteration) the same
 * likelihood is maximised by a grid and Brent's root of the score, which reaches metafor's
 * tightly converged REML / ML values; without fallback the status is MSUM_ENOCONV. */
Test(metareg, nonconvergence_falls_back_to_a_safeguarded_search)
{
    msum_design *d = bcg_design("ablat_alloc");
    msum_metareg_opts o = MSUM_METAREG_OPTS_DEFAULT;
    o.maxiter = 1;
    msum_metareg_result r;
    static const msum_estimator m[] = {MSUM_EST_REML, MSUM_EST_ML};
    static const char *const cs[] = {"bcg_rr_mods_ablat_alloc_REML_tight",
                                     "bcg_rr_mods_ablat_alloc_ML_tight"};
    for (int i = 0; i < 2; i++) {
        o.method = m[i];
        cr_assert_eq(msum_metareg(yi, vi, d, &o, &r), MSUM_OK);
        cr_expect_eq(r.converged, 0, "Fisher scoring did not converge");
        cr_expect_eq(r.method_used, m[i], "still the requested estimator");
        cr_expect(strstr(r.fallback, "Brent") != NULL, "%s", r.fallback);
        assert_close(r.tau2, ref_value(REF, cs[i], "tau2"), 1e-8, cs[i]);
        assert_close(r.se_tau2, ref_value(REF, cs[i], "se.tau2"), 1e-8, cs[i]);
        assert_close(r.beta[1], ref_value(REF, cs[i], "estimate[ablat]"), 1e-8, cs[i]);
        assert_close(r.QM, ref_value(REF, cs[i], "QM"), 1e-8, cs[i]);
        msum_metareg_result_free(&r);
    }
    o.method = MSUM_EST_REML;
    o.fallback = 0;
    cr_expect_eq(msum_metareg(yi, vi, d, &o, &r), MSUM_ENOCONV);
    cr_expect_eq(r.converged, 0);
    msum_metareg_result_free(&r);
    msum_design_free(d);
}

/* A factor of more than MSUM_DESIGN_MAX_LEVELS (100) levels is refused at once (MSUM_EDOM):
 * a study id as a moderator (p = k) took minutes per fit (O(k p^2) per iteration; 21.6 s at
 * k = 500, 151 s at k = 1000).  100 levels (99 dummy columns + intercept) are still fitted. */
Test(metareg, factor_with_too_many_levels_is_refused, .timeout = 20)
{
    enum { K = 2000 };
    static char names[K][8];
    const char *x[K];
    for (int i = 0; i < K; i++) {
        snprintf(names[i], sizeof names[i], "s%d", i);
        x[i] = names[i];
    }
    msum_design *d = msum_design_new(K);
    cr_expect_eq(msum_design_add_factor(d, "study", x, NULL), MSUM_EDOM);
    cr_expect_eq(msum_design_ncoef(d), 1, "nothing added: the intercept only");
    for (int i = 0; i < K; i++) x[i] = names[i % 101];
    cr_expect_eq(msum_design_add_factor(d, "g101", x, NULL), MSUM_EDOM, "101 levels");
    for (int i = 0; i < K; i++) x[i] = names[i % 100];
    cr_expect_eq(msum_design_add_factor(d, "g100", x, NULL), MSUM_OK, "100 levels");
    cr_expect_eq(msum_design_ncoef(d), 100);
    msum_design_free(d);
}
