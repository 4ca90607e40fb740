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
    o.method = (msum_estimator)99;
    cr_expect_eq(msum_metareg(yi, vi, d, &o, &r), MSUM_EINVAL, "no such estimator");
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

/* ------------------------------------------------------------------------------------------ */
/* Parity with metafor over every estimator and model form (tests/ref/expected/
 * metareg_parity.csv from tests/ref/metareg_refs.R, tight convergence): raw model matrices
 * carrying metafor's coefficient names, so each coefficient is looked up by its name. */

static const char *PAR = "ref/expected/metareg_parity.csv";

typedef struct {
    char (*key)[256];
    double *val;
    size_t n;
} partab;

static partab par_load(void)
{
    FILE *fp = fopen(PAR, "r");
    cr_assert_not_null(fp, "cannot open %s", PAR);
    partab t = {malloc(6000 * sizeof *t.key), malloc(6000 * sizeof(double)), 0};
    char line[256];
    cr_assert_not_null(fgets(line, sizeof line, fp));
    while (fgets(line, sizeof line, fp)) {
        cr_assert(t.n < 6000);
        char *c = strrchr(line, ',');
        cr_assert_not_null(c);
        *c = '\0';
        snprintf(t.key[t.n], sizeof t.key[0], "%s", line);
        t.val[t.n++] = strncmp(c + 1, "NA", 2) == 0 ? NAN : strtod(c + 1, NULL);
    }
    fclose(fp);
    return t;
}

static void par_free(partab *t)
{
    free(t->key);
    free(t->val);
}

/* Value of case,quantity; *found = 0 when absent. */
static double par_get(const partab *t, const char *cas, const char *q, int *found)
{
    char k[256];
    snprintf(k, sizeof k, "%s,%s", cas, q);
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->key[i], k) == 0) {
            *found = 1;
            return t->val[i];
        }
    *found = 0;
    return NAN;
}

static double par_need(const partab *t, const char *cas, const char *q)
{
    int f;
    double v = par_get(t, cas, q, &f);
    cr_assert(f, "%s: no %s,%s", PAR, cas, q);
    return v;
}

static double year[13];

static void bcg_year(void)
{
    FILE *fp = fopen("ref/inputs/bcg_rr_yivi.csv", "r");
    cr_assert_not_null(fp);
    char line[512];
    cr_assert_not_null(fgets(line, sizeof line, fp));
    for (int i = 0; i < 13; i++) {
        cr_assert_not_null(fgets(line, sizeof line, fp));
        char *c = strchr(strchr(line, ',') + 1, ',');
        char *d = strchr(c + 1, ',');
        *d = '\0';
        year[i] = strtod(c + 1, NULL);
    }
    fclose(fp);
}

/* A model of the reference file: its model matrix (row-major, 13 x p), names, intercept. */
typedef struct {
    const char *model;
    size_t p;
    int intercept;
    const char *names[4];
} mform;

static const mform forms[] = {
    {"ablat_year", 3, 1, {"intrcpt", "ablat", "year"}},
    {"alloc", 3, 1, {"intrcpt", "factor(alloc)random", "factor(alloc)systematic"}},
    {"noint_alloc", 3, 0,
     {"factor(alloc)alternate", "factor(alloc)random", "factor(alloc)systematic"}},
    {"noint_ablat", 1, 0, {"ablat"}},
    {"ablat_x_year", 4, 1, {"intrcpt", "ablat", "year", "ablat:year"}},
    {"ablat_colon_alloc", 4, 1,
     {"intrcpt", "ablat:factor(alloc)alternate", "ablat:factor(alloc)random",
      "ablat:factor(alloc)systematic"}},
    {"scaled", 3, 1, {"intrcpt", "scale(ablat)", "scale(year, scale = FALSE)"}}};

/* The model matrix of a form, computed by hand from the data (R's scale(): centred and divided
 * by the sample SD; scale = FALSE: centred only). */
static void form_matrix(const mform *f, double *X)
{
    ref_bcg(yi, vi, ablat, alloc);
    bcg_year();
    double ma = 0, my = 0, sa = 0;
    for (int i = 0; i < 13; i++) {
        ma += ablat[i] / 13;
        my += year[i] / 13;
    }
    for (int i = 0; i < 13; i++) sa += (ablat[i] - ma) * (ablat[i] - ma) / 12;
    sa = sqrt(sa);
    for (int i = 0; i < 13; i++) {
        double *x = X + i * f->p;
        int alt = strcmp(alloc[i], "alternate") == 0, ran = strcmp(alloc[i], "random") == 0,
            sys = strcmp(alloc[i], "systematic") == 0;
        const char *m = f->model;
        if (strcmp(m, "ablat_year") == 0) {
            x[0] = 1, x[1] = ablat[i], x[2] = year[i];
        } else if (strcmp(m, "alloc") == 0) {
            x[0] = 1, x[1] = ran, x[2] = sys;
        } else if (strcmp(m, "noint_alloc") == 0) {
            x[0] = alt, x[1] = ran, x[2] = sys;
        } else if (strcmp(m, "noint_ablat") == 0) {
            x[0] = ablat[i];
        } else if (strcmp(m, "ablat_x_year") == 0) {
            x[0] = 1, x[1] = ablat[i], x[2] = year[i], x[3] = ablat[i] * year[i];
        } else if (strcmp(m, "ablat_colon_alloc") == 0) {
            x[0] = 1, x[1] = ablat[i] * alt, x[2] = ablat[i] * ran, x[3] = ablat[i] * sys;
        } else {
            x[0] = 1, x[1] = (ablat[i] - ma) / sa, x[2] = year[i] - my;
        }
    }
}

/* Fit one case (form, estimator, test) and compare every quantity the reference holds. */
static int par_case(const partab *t, const mform *f, msum_estimator m, msum_test test)
{
    char cs[96];
    snprintf(cs, sizeof cs, "bcg_mr_%s_%s%s", f->model, msum_estimator_name(m),
             test == MSUM_TEST_KNHA ? "_knha" : "");
    int found;
    par_get(t, cs, "k", &found);
    if (!found) return 0;
    double X[13 * 4];
    form_matrix(f, X);
    msum_metareg_opts o = MSUM_METAREG_OPTS_DEFAULT;
    o.method = m;
    o.test = test;
    msum_metareg_result r;
    cr_assert_eq(msum_metareg_x(yi, vi, 13, X, f->p, f->intercept, f->names, &o, &r), MSUM_OK,
                 "%s: %s", cs, r.message);
    /* closed forms 1e-9; iterative (ML, REML, PM, EB) and their Q-profile 1e-8.  The
     * uncentred ablat * year design (columns near 1, 40, 1960, 80000) makes X'WX so ill
     * conditioned that metafor's solve() and the Cholesky solution here part in the 9th
     * digit: 1e-8 there. */
    int iter = m == MSUM_EST_ML || m == MSUM_EST_REML || m == MSUM_EST_PM || m == MSUM_EST_EB;
    double tol = iter || strcmp(f->model, "ablat_x_year") == 0 ? 1e-8 : 1e-9;
    char what[192];
    const char *stat = test == MSUM_TEST_Z ? "zval" : "tval";
    for (size_t j = 0; j < r.p; j++) {
        struct { const char *q; double v; } co[] = {
            {"estimate", r.beta[j]}, {"se", r.se[j]}, {stat, r.stat[j]}, {"pval", r.pval[j]},
            {"ci.lb", r.ci_lb[j]}, {"ci.ub", r.ci_ub[j]}};
        for (size_t c = 0; c < sizeof co / sizeof co[0]; c++) {
            char q[96];
            snprintf(q, sizeof q, "%s[%s]", co[c].q, f->names[j]);
            snprintf(what, sizeof what, "%s %s", cs, q);
            assert_close(co[c].v, par_need(t, cs, q), tol, what);
        }
    }
    struct { const char *q; double v; } sc[] = {
        {"p", (double)r.p}, {"s2w", r.s2w}, {"tau2", r.tau2}, {"se.tau2", r.se_tau2},
        {"tau", r.tau}, {"I2", r.I2}, {"H2", r.H2}, {"vt", r.vt}, {"R2", r.R2}, {"QE", r.QE},
        {"QEdf", r.QEdf}, {"QEp", r.QEp}, {"QM", r.QM}, {"QMdf", r.QMdf}, {"QMp", r.QMp},
        {"logLik", r.logLik}, {"deviance", r.deviance}, {"AIC", r.AIC}, {"BIC", r.BIC},
        {"AICc", r.AICc}, {"df", r.df}, {"QMdf2", r.QMdf2}};
    for (size_t c = 0; c < sizeof sc / sizeof sc[0]; c++) {
        double want = par_get(t, cs, sc[c].q, &found);
        if (!found) continue;
        snprintf(what, sizeof what, "%s %s", cs, sc[c].q);
        assert_close(sc[c].v, want, tol, what);
    }
    for (size_t i = 0; i < 13; i++) {
        char q[32];
        snprintf(q, sizeof q, "weight[%zu]", i + 1);
        snprintf(what, sizeof what, "%s %s", cs, q);
        assert_close(r.weight[i], par_need(t, cs, q), tol, what);
        snprintf(q, sizeof q, "hat[%zu]", i + 1);
        snprintf(what, sizeof what, "%s %s", cs, q);
        assert_close(r.hat[i], par_need(t, cs, q), tol, what);
    }
    char ci[112];
    snprintf(ci, sizeof ci, "%s_confint", cs);
    par_get(t, ci, "tau2", &found);
    if (found) {
        struct { const char *q; msum_interval v; } iv[] = {
            {"tau2", r.tau2_ci}, {"tau", r.tau_ci}, {"I2", r.I2_ci}, {"H2", r.H2_ci}};
        for (size_t c = 0; c < 4; c++) {
            char q[32];
            snprintf(q, sizeof q, "%s.ci.lb", iv[c].q);
            snprintf(what, sizeof what, "%s %s", ci, q);
            assert_close(iv[c].v.lb, par_need(t, ci, q), 1e-8, what);
            snprintf(q, sizeof q, "%s.ci.ub", iv[c].q);
            snprintf(what, sizeof what, "%s %s", ci, q);
            assert_close(iv[c].v.ub, par_need(t, ci, q), 1e-8, what);
        }
        cr_expect_eq(r.lb_sign, (int)par_need(t, ci, "lb.sign"), "%s lb.sign", ci);
        cr_expect_eq(r.ub_sign, (int)par_need(t, ci, "ub.sign"), "%s ub.sign", ci);
        cr_expect_eq(r.ci_null, (int)par_need(t, ci, "ci.null"), "%s ci.null", ci);
    }
    msum_metareg_result_free(&r);
    return 1;
}

/* Every estimator (EE, FE, CE, DL, HE, HS, SJ, ML, REML, PM, EB) with z and Knapp-Hartung tests
 * on ~ ablat + year and ~ factor(alloc): coefficients, tau2 and its SE, I2, H2, vt, R2, QE, QM,
 * s2w, fit statistics (deviance, AICc), weights, hat values and the Q-profile CI of tau2, tau,
 * I2 and H2. */
Test(metareg_parity, every_estimator_matches_metafor)
{
    partab t = par_load();
    int n = 0;
    for (int f = 0; f < 2; f++)
        for (int m = MSUM_EST_EE; m <= MSUM_EST_EB; m++) {
            n += par_case(&t, &forms[f], (msum_estimator)m, MSUM_TEST_Z);
            n += par_case(&t, &forms[f], (msum_estimator)m, MSUM_TEST_KNHA);
        }
    cr_expect_eq(n, 2 * (11 + 8), "cases checked");
    par_free(&t);
}

/* Models without an intercept (QM tests every coefficient, no R2), interactions (a*b, a:factor)
 * and scaled / centred moderators. */
Test(metareg_parity, no_intercept_interactions_and_scaling_match_metafor)
{
    partab t = par_load();
    int n = 0;
    for (size_t f = 2; f < sizeof forms / sizeof forms[0]; f++)
        for (int m = MSUM_EST_EE; m <= MSUM_EST_EB; m++) {
            n += par_case(&t, &forms[f], (msum_estimator)m, MSUM_TEST_Z);
            n += par_case(&t, &forms[f], (msum_estimator)m, MSUM_TEST_KNHA);
        }
    cr_expect_eq(n, 25, "cases checked");
    par_free(&t);
}

/* Predictions at new moderator values (metafor predict(newmods = ...)) with CI and PI, and the
 * t(k - p - 1) PI of pi.type = "riley" (t(k - 2) for one moderator; here k - p - 1 = 9). */
Test(metareg_parity, predictions_match_metafor)
{
    partab t = par_load();
    static const double nx[3][3] = {{1, 10, 1950}, {1, 30, 1970}, {1, 50, 1980}};
    static const msum_estimator ms[] = {MSUM_EST_REML, MSUM_EST_DL};
    double X[13 * 4];
    form_matrix(&forms[0], X);
    for (int e = 0; e < 2; e++)
        for (int kh = 0; kh < 2; kh++)
            for (int riley = 0; riley < 2; riley++) {
                char cs[96];
                snprintf(cs, sizeof cs, "bcg_mr_ablat_year_%s%s_predict%s",
                         msum_estimator_name(ms[e]), kh ? "_knha" : "", riley ? "_riley" : "");
                msum_metareg_opts o = MSUM_METAREG_OPTS_DEFAULT;
                o.method = ms[e];
                o.test = kh ? MSUM_TEST_KNHA : MSUM_TEST_Z;
                msum_metareg_result r;
                cr_assert_eq(msum_metareg_x(yi, vi, 13, X, 3, 1, forms[0].names, &o, &r),
                             MSUM_OK);
                for (int i = 0; i < 3; i++) {
                    msum_metareg_pred p;
                    cr_assert_eq(msum_metareg_predict(&r, nx[i], riley ? MSUM_PI_T_K2
                                                                       : MSUM_PI_DEFAULT, &p),
                                 MSUM_OK);
                    struct { const char *q; double v; } pq[] = {
                        {"pred", p.pred}, {"se", p.se}, {"ci.lb", p.ci_lb}, {"ci.ub", p.ci_ub},
                        {"pi.lb", p.pi_lb}, {"pi.ub", p.pi_ub}};
                    for (size_t c = 0; c < 6; c++) {
                        char q[32], what[160];
                        snprintf(q, sizeof q, "%s[%d]", pq[c].q, i + 1);
                        snprintf(what, sizeof what, "%s %s", cs, q);
                        assert_close(pq[c].v, par_need(&t, cs, q), 1e-8, what);
                    }
                }
                msum_metareg_result_free(&r);
            }
    /* no intercept: the level means themselves */
    double Xn[13 * 4];
    form_matrix(&forms[2], Xn);
    msum_metareg_result r;
    cr_assert_eq(msum_metareg_x(yi, vi, 13, Xn, 3, 0, forms[2].names, NULL, &r), MSUM_OK);
    for (int i = 0; i < 3; i++) {
        double x0[3] = {i == 0, i == 1, i == 2};
        msum_metareg_pred p;
        cr_assert_eq(msum_metareg_predict(&r, x0, MSUM_PI_DEFAULT, &p), MSUM_OK);
        char q[32];
        snprintf(q, sizeof q, "pi.ub[%d]", i + 1);
        assert_close(p.pi_ub, par_need(&t, "bcg_mr_noint_alloc_REML_predict", q), 1e-8, q);
        snprintf(q, sizeof q, "pred[%d]", i + 1);
        assert_close(p.pred, par_need(&t, "bcg_mr_noint_alloc_REML_predict", q), 1e-8, q);
    }
    msum_metareg_result_free(&r);
    par_free(&t);
}

/* Numerical finish with moderators (tests/ref/expected/numerical_finish.csv): HE's se(tau2)
 * (was NA; metafor's sqrt(2 tr(PVPV) + 4 tau2 tr(PV) + 2 tau2^2 (k-p)) / (k-p)) on
 * dat.linde2005 ~ duration, and metafor's convergence control (threshold 1e-4, stepadj 0.5,
 * maxiter 50) retraced on dat.raudenbush1985 ~ weeks. */
Test(metareg_numerical, he_se_and_convergence_control)
{
    static const char *NF = "ref/expected/numerical_finish.csv";
    double y[64], v[64], dur[64];
    size_t k = 0;
    FILE *fp = fopen("ref/inputs/linde2005_rr_yivi.csv", "r");
    cr_assert_not_null(fp);
    char line[256];
    cr_assert_not_null(fgets(line, sizeof line, fp));
    while (k < 64 && fgets(line, sizeof line, fp)) {
        char *a = strchr(line, ',');
        dur[k] = strtod(a + 1, &a);
        y[k] = strtod(a + 1, &a);
        v[k] = strtod(a + 1, NULL);
        k++;
    }
    fclose(fp);
    msum_design *d = msum_design_new(k);
    cr_assert_eq(msum_design_add_num(d, "duration", dur), MSUM_OK);
    msum_metareg_opts o = MSUM_METAREG_OPTS_DEFAULT;
    o.method = MSUM_EST_HE;
    msum_metareg_result r;
    cr_assert_eq(msum_metareg(y, v, d, &o, &r), MSUM_OK);
    const char *cs = "linde2005_mods_duration_HE";
    cr_expect_eq(r.k, (size_t)ref_value(NF, cs, "k"));
    assert_close(r.se_tau2, ref_value(NF, cs, "se.tau2"), 1e-9, "HE se.tau2");
    assert_close(r.tau2, ref_value(NF, cs, "tau2"), 1e-9, "HE tau2");
    assert_close(r.beta[1], ref_value(NF, cs, "estimate[duration]"), 1e-9, "HE duration");
    msum_metareg_result_free(&r);
    msum_design_free(d);

    fp = fopen("ref/inputs/raudenbush1985.csv", "r");
    cr_assert_not_null(fp);
    cr_assert_not_null(fgets(line, sizeof line, fp));
    k = 0;
    while (k < 64 && fgets(line, sizeof line, fp)) {
        char *a = strchr(line, ',');
        dur[k] = strtod(a + 1, &a);
        y[k] = strtod(a + 1, &a);
        v[k] = strtod(a + 1, NULL);
        k++;
    }
    fclose(fp);
    d = msum_design_new(k);
    cr_assert_eq(msum_design_add_num(d, "weeks", dur), MSUM_OK);
    o = (msum_metareg_opts)MSUM_METAREG_OPTS_DEFAULT;
    cr_assert_eq(msum_metareg(y, v, d, &o, &r), MSUM_OK);
    cs = "raudenbush1985_mods_weeks_REML_tight";
    assert_close(r.tau2, ref_value(NF, cs, "tau2"), 1e-8, "REML tight");
    msum_metareg_result_free(&r);
    o.threshold = 1e-4;
    o.step_adj = 0.5;
    o.maxiter = 50;
    cr_assert_eq(msum_metareg(y, v, d, &o, &r), MSUM_OK);
    cs = "raudenbush1985_mods_weeks_REML_ctl";
    assert_close(r.tau2, ref_value(NF, cs, "tau2"), 1e-9, "REML, metafor control");
    assert_close(r.se_tau2, ref_value(NF, cs, "se.tau2"), 1e-9, "REML, metafor control");
    assert_close(r.beta[1], ref_value(NF, cs, "estimate[weeks]"), 1e-9, "REML, metafor control");
    msum_metareg_result_free(&r);
    msum_design_free(d);
}

/* The design API builds the same model matrices as R's model.matrix for these forms, so the
 * fits equal metafor's: ~ factor(alloc) - 1 (every level without intercept), ~ ablat:factor(alloc)
 * (every level when the factor has no main effect), ~ ablat * year (products), and a*b with a
 * factor (non-reference levels, as R's ablat*factor(alloc)). */
Test(metareg_parity, design_api_codes_as_r)
{
    partab t = par_load();
    ref_bcg(yi, vi, ablat, alloc);
    bcg_year();
    const char *al[13];
    for (int i = 0; i < 13; i++) al[i] = alloc[i];
    msum_metareg_result r;

    msum_design *d = msum_design_new_nointercept(13);
    cr_assert_eq(msum_design_has_intercept(d), 0);
    cr_assert_eq(msum_design_add_factor(d, "alloc", al, NULL), MSUM_OK);
    cr_expect_eq(msum_design_ncoef(d), 3, "every level");
    cr_expect_str_eq(msum_design_coef_name(d, 0), "alloc[alternate]");
    cr_assert_eq(msum_metareg(yi, vi, d, NULL, &r), MSUM_OK);
    assert_close(r.beta[0], par_need(&t, "bcg_mr_noint_alloc_REML",
                                     "estimate[factor(alloc)alternate]"), 1e-8, "noint beta");
    assert_close(r.QM, par_need(&t, "bcg_mr_noint_alloc_REML", "QM"), 1e-8, "noint QM");
    cr_expect(isnan(r.R2), "no R2 without intercept");
    msum_metareg_result_free(&r);
    msum_design_free(d);

    d = msum_design_new(13);
    cr_assert_eq(msum_design_add_interaction(d, "ablat", ablat, NULL, NULL, "alloc", NULL, al,
                                             NULL),
                 MSUM_OK);
    cr_expect_eq(msum_design_ncoef(d), 4, "intercept + one column per level");
    cr_expect_str_eq(msum_design_coef_name(d, 2), "ablat:alloc[random]");
    cr_expect_str_eq(msum_design_coef_term(d, 2), "ablat:alloc");
    cr_assert_eq(msum_metareg(yi, vi, d, NULL, &r), MSUM_OK);
    assert_close(r.beta[2], par_need(&t, "bcg_mr_ablat_colon_alloc_REML",
                                     "estimate[ablat:factor(alloc)random]"), 1e-8, "a:f beta");
    assert_close(r.tau2, par_need(&t, "bcg_mr_ablat_colon_alloc_REML", "tau2"), 1e-8, "a:f");
    msum_metareg_result_free(&r);
    msum_design_free(d);

    d = msum_design_new(13);
    cr_assert_eq(msum_design_add_num(d, "ablat", ablat), MSUM_OK);
    cr_assert_eq(msum_design_add_num(d, "year", year), MSUM_OK);
    cr_assert_eq(msum_design_add_interaction(d, "ablat", ablat, NULL, NULL, "year", year, NULL,
                                             NULL),
                 MSUM_OK);
    cr_expect_str_eq(msum_design_coef_name(d, 3), "ablat:year");
    msum_metareg_opts o = MSUM_METAREG_OPTS_DEFAULT;
    o.method = MSUM_EST_DL;
    cr_assert_eq(msum_metareg(yi, vi, d, &o, &r), MSUM_OK);
    assert_close(r.beta[3], par_need(&t, "bcg_mr_ablat_x_year_DL", "estimate[ablat:year]"), 1e-8,
                 "a*b beta");
    msum_metareg_result_free(&r);
    msum_design_free(d);

    /* ablat * alloc: main effects present, so the interaction takes the non-reference levels */
    d = msum_design_new(13);
    cr_assert_eq(msum_design_add_num(d, "ablat", ablat), MSUM_OK);
    cr_assert_eq(msum_design_add_factor(d, "alloc", al, NULL), MSUM_OK);
    cr_assert_eq(msum_design_add_interaction(d, "ablat", ablat, NULL, NULL, "alloc", NULL, al,
                                             NULL),
                 MSUM_OK);
    cr_expect_eq(msum_design_ncoef(d), 6);
    cr_expect_str_eq(msum_design_coef_name(d, 4), "ablat:alloc[random]");
    cr_expect_str_eq(msum_design_coef_name(d, 5), "ablat:alloc[systematic]");
    msum_design_free(d);
    par_free(&t);
}

/* Meta-regressions with the (restricted) likelihood maximal on the boundary return tau2 = 0
 * exactly (tightly converged metafor stops at 1.9e-13 and 6.5e-13; an absolute stopping rule
 * of 1e-10 left 1e-11 here): dat.raudenbush1985 ~ I(weeks > 1) under REML and
 * ~ weeks + factor(setting) under ML.  The rest of the fit agrees with metafor's to 1e-8. */
Test(metareg_numerical, boundary_optimum_is_exactly_zero)
{
    static const char *NF = "ref/expected/numerical_finish.csv";
    double y[64], v[64], wk[64], gt1[64];
    char set[64][16];
    const char *sp[64];
    size_t k = 0;
    FILE *fp = fopen("ref/inputs/raudenbush1985.csv", "r");
    cr_assert_not_null(fp);
    char line[256];
    cr_assert_not_null(fgets(line, sizeof line, fp));
    while (k < 64 && fgets(line, sizeof line, fp)) {
        char *a = strchr(line, ',');
        wk[k] = strtod(a + 1, &a);
        y[k] = strtod(a + 1, &a);
        v[k] = strtod(a + 1, &a);
        snprintf(set[k], sizeof set[k], "%.*s", (int)strcspn(a + 1, "\r\n"), a + 1);
        sp[k] = set[k];
        gt1[k] = wk[k] > 1;
        k++;
    }
    fclose(fp);
    msum_design *d = msum_design_new(k);
    cr_assert_eq(msum_design_add_num(d, "weeks>1", gt1), MSUM_OK);
    msum_metareg_result r;
    cr_assert_eq(msum_metareg(y, v, d, NULL, &r), MSUM_OK);
    const char *cs = "raudenbush1985_mods_weeks_gt1_REML_tight";
    cr_expect(r.tau2 == 0, "REML tau2 %.17g, expected exactly 0", r.tau2);
    assert_close(r.beta[1], ref_value(NF, cs, "estimate[I(weeks > 1)TRUE]"), 1e-8, cs);
    assert_close(r.se_tau2, ref_value(NF, cs, "se.tau2"), 1e-8, cs);
    assert_close(r.QM, ref_value(NF, cs, "QM"), 1e-8, cs);
    assert_close(r.logLik, ref_value(NF, cs, "logLik"), 1e-8, cs);
    msum_metareg_result_free(&r);
    msum_design_free(d);

    d = msum_design_new(k);
    cr_assert_eq(msum_design_add_num(d, "weeks", wk), MSUM_OK);
    cr_assert_eq(msum_design_add_factor(d, "setting", sp, NULL), MSUM_OK);
    msum_metareg_opts o = MSUM_METAREG_OPTS_DEFAULT;
    o.method = MSUM_EST_ML;
    cr_assert_eq(msum_metareg(y, v, d, &o, &r), MSUM_OK);
    cs = "raudenbush1985_mods_weeks_setting_ML_tight";
    cr_expect(r.tau2 == 0, "ML tau2 %.17g, expected exactly 0", r.tau2);
    assert_close(r.beta[2], ref_value(NF, cs, "estimate[factor(setting)indiv]"), 1e-8, cs);
    assert_close(r.se_tau2, ref_value(NF, cs, "se.tau2"), 1e-8, cs);
    assert_close(r.AICc, ref_value(NF, cs, "AICc"), 1e-8, cs);
    /* metafor's absolute rule (here 1e-10) stops short of the boundary */
    o.threshold = 1e-10;
    msum_metareg_result r2;
    cr_assert_eq(msum_metareg(y, v, d, &o, &r2), MSUM_OK);
    cr_expect(r2.tau2 > 0 && r2.tau2 < 1e-9, "absolute rule: %.17g", r2.tau2);
    msum_metareg_result_free(&r2);
    msum_metareg_result_free(&r);
    msum_design_free(d);
}

/* A factor of more than MSUM_DESIGN_MAX_LEVELS (100) levels is refused at once (MSUM_EDOM):
 * a study id as a moderator (p = k) took minutes per fit (O(k p^2) per iteration; 21.6 s at
 * k = 500, 151 s at k = 1000).  100 levels (99 dummy columns + intercept) are still fitted. */
Test(metareg, factor_with_too_many_levels_is_refused, .timeout = 20)
{
    enum { K = 2000 };
    static char names[K][16];
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

/* A rank-deficient raw matrix without names is an error naming metafor's X1, X2, ... (it
 * dereferenced the NULL names before): column 3 = column 2 + column 1... here x3 = 2 x2. */
Test(metareg, rank_deficient_matrix_without_names)
{
    const double y5[] = {0.1, 0.3, 0.2, 0.5, 0.4}, v5[] = {0.1, 0.1, 0.2, 0.2, 0.1};
    double X[5 * 3];
    for (int i = 0; i < 5; i++) {
        X[3 * i] = 1;
        X[3 * i + 1] = i;
        X[3 * i + 2] = 2 * i;
    }
    msum_metareg_result r;
    cr_assert_eq(msum_metareg_x(y5, v5, 5, X, 3, 1, NULL, NULL, &r), MSUM_EDATA);
    cr_expect(strstr(r.message, "'X2'") != NULL && strstr(r.message, "'X3'") != NULL, "%s",
              r.message);
}
