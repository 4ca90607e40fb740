/* Tests for the measures of proportions, incidence rates, raw correlations and ratios with a CI
 * (src/core/measures.c) and their back-transforms (src/core/escalc.c): metafor 3.8 escalc,
 * rma(method = "REML", tight convergence) and predict(transf = ...) values from
 * tests/ref/mh_refs.R (tests/ref/expected/mh_measures.csv) on dat.debruin2009,
 * dat.pagliaro1992 (zero events), dat.nielweise2008 and dat.molloy2014; hand calculations in
 * comments for each conversion. */
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "helpers.h"
#include "metasum/metasum.h"
#include "refvals.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif
#define M_E_VALUE 2.71828182845904523536

#define EXP "ref/expected/mh_measures.csv"
#define TOL 1e-9   /* closed forms */
#define ITOL 1e-8  /* REML against tightly converged metafor */

static void setup(void) { gsl_set_error_handler_off(); }

TestSuite(measures, .init = setup);

enum { MAXK = 64 };

static int ref_find(const char *casename, const char *q, double *v)
{
    FILE *fp = fopen(EXP, "r");
    cr_assert_not_null(fp, "cannot open " EXP);
    char line[512], want[256];
    snprintf(want, sizeof want, "%s,%s,", casename, q);
    int found = 0;
    while (!found && fgets(line, sizeof line, fp))
        if (strncmp(line, want, strlen(want)) == 0) {
            const char *s = line + strlen(want);
            *v = strncmp(s, "NA", 2) == 0 ? NAN : strtod(s, NULL);
            found = 1;
        }
    fclose(fp);
    return found;
}

/* assert_close tolerance that is relative also below 1 (absolute 1e-15 at 0) */
static double rel(double tol, double e) { return e != 0 ? tol * fmin(1, fabs(e)) : 1e-15; }

static void check_escalc(const char *cs, int k, const double *yi, const double *vi)
{
    for (int i = 0; i < k; i++) { /* relative: rates' vi are ~1e-6 */
        char q[32];
        snprintf(q, sizeof q, "yi[%d]", i + 1);
        assert_close(yi[i], ref_value(EXP, cs, q), rel(TOL, ref_value(EXP, cs, q)), q);
        snprintf(q, sizeof q, "vi[%d]", i + 1);
        assert_close(vi[i], ref_value(EXP, cs, q), rel(TOL, ref_value(EXP, cs, q)), q);
    }
}

/* REML fit and, when the reference has them, the back-transformed prediction (n: the sample
 * size of the Freeman-Tukey inverse). */
static void check_reml(const char *cs, msum_measure m, int k, const double *yi,
                       const double *vi, double n)
{
    msum_pool_opts po = MSUM_POOL_OPTS_DEFAULT;
    /* the threshold is absolute in tau2 (rates have tau2 ~ 1e-7): scaled as in mh_refs.R */
    double mv = 0;
    for (int i = 0; i < k; i++) mv += vi[i] / k;
    po.threshold = 1e-13 * mv;
    po.qprofile = 0;
    msum_pool_result r;
    cr_assert_eq(msum_pool(yi, vi, (size_t)k, &po, &r), MSUM_OK, "%s", cs);
    char what[96];
    const struct {
        const char *q;
        double v, tol;
    } f[] = {{"beta", r.estimate, ITOL}, {"se", r.se, ITOL}, {"ci.lb", r.ci_lb, ITOL},
             {"ci.ub", r.ci_ub, ITOL},   {"tau2", r.tau2, ITOL}, {"QE", r.QE, TOL},
             {"I2", r.I2, ITOL},         {"H2", r.H2, ITOL}};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        snprintf(what, sizeof what, "%s %s", cs, f[i].q);
        double e = ref_value(EXP, cs, f[i].q);
        assert_close(f[i].v, e, rel(f[i].tol, e), what);
    }
    const struct {
        const char *q;
        double v;
    } b[] = {{"bt.pred", r.estimate}, {"bt.ci.lb", r.ci_lb}, {"bt.ci.ub", r.ci_ub},
             {"bt.pi.lb", r.pi_lb},   {"bt.pi.ub", r.pi_ub}};
    for (size_t i = 0; i < sizeof b / sizeof b[0]; i++) {
        double e;
        if (!ref_find(cs, b[i].q, &e)) continue;
        snprintf(what, sizeof what, "%s %s", cs, b[i].q);
        assert_close(msum_measure_transf_n(m, b[i].v, n), e, rel(ITOL, e), what);
    }
}

static const msum_measure PROP[5] = {MSUM_MEASURE_PR, MSUM_MEASURE_PLN, MSUM_MEASURE_PLO,
                                     MSUM_MEASURE_PAS, MSUM_MEASURE_PFT};

Test(measures, proportions_match_escalc_and_reml)
{
    static const char *const data[2] = {"debruin2009", "pagliaro1992"};
    for (int d = 0; d < 2; d++) {
        char path[96];
        snprintf(path, sizeof path, "ref/inputs/mh_%s.csv", data[d]);
        double xi[MAXK], ni[MAXK], yi[MAXK], vi[MAXK];
        int k = ref_column(path, "xi", xi, MAXK);
        ref_column(path, "ni", ni, MAXK);
        double hm = msum_harmonic_mean((size_t)k, ni);
        for (int j = 0; j < 5; j++) {
            msum_escalc_opts o = MSUM_ESCALC_OPTS_DEFAULT;
            o.add = msum_measure_default_add(PROP[j]);
            for (int i = 0; i < k; i++) {
                msum_effect e;
                cr_assert_eq(msum_escalc_prop(PROP[j], xi[i], ni[i], &o, &e), MSUM_OK, "%s",
                             e.message);
                cr_expect_eq(e.measure, PROP[j]);
                yi[i] = e.yi;
                vi[i] = e.vi;
            }
            char cs[64];
            snprintf(cs, sizeof cs, "%s_%s", data[d], msum_measure_name(PROP[j]));
            check_escalc(cs, k, yi, vi);
            if (d == 0) check_reml(cs, PROP[j], k, yi, vi, hm);
            if (d == 0 && PROP[j] == MSUM_MEASURE_PFT)
                for (int i = 0; i < k; i++) {
                    char q[32];
                    snprintf(q, sizeof q, "ipft[%d]", i + 1);
                    assert_close(msum_transf_ipft(yi[i], ni[i]), ref_value(EXP, cs, q), TOL, q);
                }
        }
    }
}

Test(measures, rates_match_escalc_and_reml)
{
    const char *path = "ref/inputs/mh_nielweise2008.csv";
    double x1[MAXK], t1[MAXK], x2[MAXK], t2[MAXK], yi[MAXK], vi[MAXK];
    int k = ref_column(path, "x1i", x1, MAXK);
    ref_column(path, "t1i", t1, MAXK);
    ref_column(path, "x2i", x2, MAXK);
    ref_column(path, "t2i", t2, MAXK);
    const msum_measure two[3] = {MSUM_MEASURE_IRR, MSUM_MEASURE_IRD, MSUM_MEASURE_IRSD};
    const msum_measure one[4] = {MSUM_MEASURE_IR, MSUM_MEASURE_IRLN, MSUM_MEASURE_IRS,
                                 MSUM_MEASURE_IRFT};
    for (int j = 0; j < 7; j++) {
        msum_measure m = j < 3 ? two[j] : one[j - 3];
        msum_escalc_opts o = MSUM_ESCALC_OPTS_DEFAULT;
        o.add = msum_measure_default_add(m);
        for (int i = 0; i < k; i++) {
            msum_effect e;
            int st = j < 3 ? msum_escalc_rates(m, x1[i], t1[i], x2[i], t2[i], &o, &e)
                           : msum_escalc_rate(m, x1[i], t1[i], &o, &e);
            cr_assert_eq(st, MSUM_OK, "%s", e.message);
            yi[i] = e.yi;
            vi[i] = e.vi;
        }
        char cs[64];
        snprintf(cs, sizeof cs, "nielweise2008_%s", msum_measure_name(m));
        check_escalc(cs, k, yi, vi);
        check_reml(cs, m, k, yi, vi, NAN);
    }
}

/* Zero events: to = "all" and "if0all", add given for PFT (metafor's default there is 0), and
 * rates with zero events (tests/ref/inputs/mh_rates_zero.csv). */
Test(measures, zero_event_corrections_match_escalc)
{
    double xi[MAXK], ni[MAXK], yi[MAXK], vi[MAXK];
    int k = ref_column("ref/inputs/mh_pagliaro1992.csv", "xi", xi, MAXK);
    ref_column("ref/inputs/mh_pagliaro1992.csv", "ni", ni, MAXK);
    const struct {
        const char *cs;
        msum_measure m;
        msum_cc_policy to;
        double add;
        int given;
    } v[] = {{"pagliaro1992_PLO_toall", MSUM_MEASURE_PLO, MSUM_CC_ALL, 0.5, 0},
             {"pagliaro1992_PR_if0all_add025", MSUM_MEASURE_PR, MSUM_CC_IF0ALL, 0.25, 1},
             {"pagliaro1992_PFT_add05", MSUM_MEASURE_PFT, MSUM_CC_ONLY0, 0.5, 1}};
    for (size_t j = 0; j < sizeof v / sizeof v[0]; j++) {
        msum_escalc_opts o = MSUM_ESCALC_OPTS_DEFAULT;
        o.to = v[j].to;
        o.add = v[j].add;
        o.add_given = v[j].given;
        o.any_zero = 1; /* pagliaro1992 has two studies with 0 events */
        for (int i = 0; i < k; i++) {
            msum_effect e;
            cr_assert_eq(msum_escalc_prop(v[j].m, xi[i], ni[i], &o, &e), MSUM_OK, "%s",
                         e.message);
            yi[i] = e.yi;
            vi[i] = e.vi;
        }
        check_escalc(v[j].cs, k, yi, vi);
    }
    const char *path = "ref/inputs/mh_rates_zero.csv";
    double x1[MAXK], t1[MAXK], x2[MAXK], t2[MAXK];
    k = ref_column(path, "x1i", x1, MAXK);
    ref_column(path, "t1i", t1, MAXK);
    ref_column(path, "x2i", x2, MAXK);
    ref_column(path, "t2i", t2, MAXK);
    const msum_measure ms[7] = {MSUM_MEASURE_IRR, MSUM_MEASURE_IRD, MSUM_MEASURE_IRSD,
                                MSUM_MEASURE_IR,  MSUM_MEASURE_IRLN, MSUM_MEASURE_IRS,
                                MSUM_MEASURE_IRFT};
    for (int j = 0; j < 7; j++) {
        msum_escalc_opts o = MSUM_ESCALC_OPTS_DEFAULT;
        for (int i = 0; i < k; i++) {
            msum_effect e;
            int st = j < 3 ? msum_escalc_rates(ms[j], x1[i], t1[i], x2[i], t2[i], &o, &e)
                           : msum_escalc_rate(ms[j], x1[i], t1[i], &o, &e);
            cr_assert_eq(st, MSUM_OK, "%s", e.message);
            yi[i] = e.yi;
            vi[i] = e.vi;
        }
        char cs[64];
        snprintf(cs, sizeof cs, "rates_zero_%s", msum_measure_name(ms[j]));
        check_escalc(cs, k, yi, vi);
    }
}

Test(measures, cor_matches_escalc_and_reml)
{
    const char *path = "ref/inputs/mh_molloy2014.csv";
    double ri[MAXK], ni[MAXK], yi[MAXK], vi[MAXK];
    int k = ref_column(path, "ri", ri, MAXK);
    ref_column(path, "ni", ni, MAXK);
    for (int i = 0; i < k; i++) {
        msum_effect e;
        cr_assert_eq(msum_escalc_cor(ri[i], ni[i], NULL, &e), MSUM_OK, "%s", e.message);
        cr_expect_eq(e.scale, MSUM_SCALE_NATURAL);
        yi[i] = e.yi;
        vi[i] = e.vi;
    }
    check_escalc("molloy2014_COR", k, yi, vi);
    check_reml("molloy2014_COR", MSUM_MEASURE_COR, k, yi, vi, NAN);
}

/* Hand calculations, one per conversion:
 *   PR   xi 3 of 10: yi 0.3, vi 0.3 * 0.7 / 10 = 0.021.
 *   PLO  xi 0 of 10, add 1/2: x 0.5, mi 10.5, yi ln(0.5/10.5) = -ln 21 = -3.044522437723423,
 *        vi 1/0.5 + 1/10.5 = 2.0952380952380953; conversion "cc_add_0.5".
 *   PFT  xi 0 of 1: yi (asin 0 + asin sqrt(1/2))/2 = pi/8, vi 1/(4+2) = 1/6.
 *   COR  r 0.5, n 11: vi (1 - 0.25)^2 / 10 = 0.05625.
 *   IR   4 events in 200: yi 0.02, vi 0.02/200 = 1e-4.  IRFT 0 in 4 (add 0): yi (0 + sqrt(1/4))/2
 *        = 0.25, vi 1/16.  IRR 2/100 vs 4/100: yi ln 0.5, vi 1/2 + 1/4 = 0.75.
 *   ratio HR 0.5 [0.25, 1] at 95 %: yi ln 0.5, se ln 4 / (2 * 1.959963984540054)
 *        = 0.353653019151067, vi 0.12507045795466495; "ratio_to_log;ci_to_se". */
Test(measures, hand_calculations)
{
    msum_escalc_opts o = MSUM_ESCALC_OPTS_DEFAULT;
    msum_effect e;
    cr_assert_eq(msum_escalc_prop(MSUM_MEASURE_PR, 3, 10, &o, &e), MSUM_OK);
    assert_close(e.yi, 0.3, 1e-15, "PR yi");
    assert_close(e.vi, 0.021, 1e-15, "PR vi");
    cr_assert_eq(msum_escalc_prop(MSUM_MEASURE_PLO, 0, 10, &o, &e), MSUM_OK);
    assert_close(e.yi, -3.044522437723423, 1e-15, "PLO yi");
    assert_close(e.vi, 2.0952380952380953, 1e-15, "PLO vi");
    char buf[64];
    msum_effect_conversion(&e, buf, sizeof buf);
    cr_expect_str_eq(buf, "cc_add_0.5");
    cr_expect_eq(e.scale, MSUM_SCALE_LOGIT);
    o.add = 0;
    cr_assert_eq(msum_escalc_prop(MSUM_MEASURE_PFT, 0, 1, &o, &e), MSUM_OK);
    assert_close(e.yi, M_PI / 8, 1e-15, "PFT yi");
    assert_close(e.vi, 1.0 / 6, 1e-15, "PFT vi");
    cr_assert_eq(msum_escalc_cor(0.5, 11, &o, &e), MSUM_OK);
    assert_close(e.vi, 0.05625, 1e-15, "COR vi");
    cr_assert_eq(msum_escalc_rate(MSUM_MEASURE_IR, 4, 200, &o, &e), MSUM_OK);
    assert_close(e.yi, 0.02, 1e-15, "IR yi");
    assert_close(e.vi, 1e-4, 1e-15, "IR vi");
    cr_assert_eq(msum_escalc_rate(MSUM_MEASURE_IRFT, 0, 4, &o, &e), MSUM_OK);
    assert_close(e.yi, 0.25, 1e-15, "IRFT yi");
    assert_close(e.vi, 1.0 / 16, 1e-15, "IRFT vi");
    cr_assert_eq(msum_escalc_rates(MSUM_MEASURE_IRR, 2, 100, 4, 100, &o, &e), MSUM_OK);
    assert_close(e.yi, log(0.5), 1e-15, "IRR yi");
    assert_close(e.vi, 0.75, 1e-15, "IRR vi");
    cr_assert_eq(msum_escalc_ratio(MSUM_MEASURE_GEN_LOG, 0.5, 0.25, 1, &o, &e), MSUM_OK);
    assert_close(e.yi, log(0.5), 1e-15, "ratio yi");
    assert_close(e.sei, 0.353653019151067, 1e-14, "ratio se");
    assert_close(e.vi, 0.12507045795466495, 1e-14, "ratio vi");
    msum_effect_conversion(&e, buf, sizeof buf);
    cr_expect_str_eq(buf, "ci_to_se;ratio_to_log");
    cr_expect_eq(e.scale, MSUM_SCALE_LOG);
}

/* Back-transforms by measure (metafor transf.*), by hand:
 *   ilogit(0) = 1/2, ilogit(ln 3) = 3/4; iarcsin(pi/6) = sin^2(pi/6) = 1/4, iarcsin(-0.1) = 0,
 *   iarcsin(2) = 1; isqrt(0.3) = 0.09, isqrt(-1) = 0; exp for PLN, IRLN, IRR, PETO, GEN_LOG;
 *   ipft(pi/8, n = 1): sin(pi/4) = s, s + (s - 1/s) = 0, so 1/2 (1 - 1) = 0;
 *   ipft above transf.pft(1, n) = 1; harmonic mean of 2, 3, 6 = 3 / (1/2 + 1/3 + 1/6) = 3. */
Test(measures, back_transforms_by_measure)
{
    assert_close(msum_measure_transf(MSUM_MEASURE_PLO, 0), 0.5, 1e-15, "ilogit 0");
    assert_close(msum_measure_transf(MSUM_MEASURE_PLO, log(3.0)), 0.75, 1e-15, "ilogit ln3");
    assert_close(msum_measure_transf(MSUM_MEASURE_PAS, M_PI / 6), 0.25, 1e-15, "iarcsin");
    cr_expect_eq(msum_measure_transf(MSUM_MEASURE_PAS, -0.1), 0);
    cr_expect_eq(msum_measure_transf(MSUM_MEASURE_PAS, 2), 1);
    assert_close(msum_measure_transf(MSUM_MEASURE_IRS, 0.3), 0.09, 1e-15, "isqrt");
    cr_expect_eq(msum_measure_transf(MSUM_MEASURE_IRS, -1), 0);
    const msum_measure lg[5] = {MSUM_MEASURE_PLN, MSUM_MEASURE_IRLN, MSUM_MEASURE_IRR,
                                MSUM_MEASURE_PETO, MSUM_MEASURE_GEN_LOG};
    for (int i = 0; i < 5; i++) assert_close(msum_measure_transf(lg[i], 1), M_E_VALUE, 1e-15,
                                                 "exp");
    cr_expect(isnan(msum_measure_transf(MSUM_MEASURE_PFT, 0.5)), "PFT needs n");
    assert_close(msum_measure_transf_n(MSUM_MEASURE_PFT, M_PI / 8, 1), 0, 1e-15, "ipft");
    cr_expect_eq(msum_transf_ipft(1.6, 10), 1);
    cr_expect_eq(msum_transf_ipft(0.01, 10), 0);
    double n[4] = {2, NAN, 3, 6};
    assert_close(msum_harmonic_mean(4, n), 3, 1e-15, "harmonic mean");
    const msum_measure nat[6] = {MSUM_MEASURE_PR, MSUM_MEASURE_IR, MSUM_MEASURE_IRD,
                                 MSUM_MEASURE_IRSD, MSUM_MEASURE_IRFT, MSUM_MEASURE_COR};
    for (int i = 0; i < 6; i++) cr_expect_eq(msum_measure_transf(nat[i], 0.3), 0.3);
    cr_expect_str_eq(msum_scale_name(MSUM_SCALE_FREEMAN_TUKEY), "freeman_tukey");
    cr_expect_eq(msum_measure_default_add(MSUM_MEASURE_PFT), 0);
    cr_expect_eq(msum_measure_default_add(MSUM_MEASURE_PLO), 0.5);
}

Test(measures, invalid_inputs)
{
    msum_escalc_opts o = MSUM_ESCALC_OPTS_DEFAULT;
    msum_effect e;
    cr_expect_eq(msum_escalc_prop(MSUM_MEASURE_PR, 11, 10, &o, &e), MSUM_EDATA);
    cr_expect_eq(e.field, MSUM_F_XI);
    cr_expect_str_eq(e.message, "xi (11) is above ni (10); expected events <= the group size");
    cr_expect_eq(msum_escalc_prop(MSUM_MEASURE_PR, 1, 0, &o, &e), MSUM_EDATA);
    cr_expect_eq(e.field, MSUM_F_NI);
    cr_expect_eq(msum_escalc_prop(MSUM_MEASURE_IRR, 1, 10, &o, &e), MSUM_EINVAL);
    o.to = MSUM_CC_NONE;
    cr_expect_eq(msum_escalc_prop(MSUM_MEASURE_PLN, 0, 10, &o, &e), MSUM_EDOM);
    cr_expect(isnan(e.yi));
    cr_expect_eq(msum_escalc_rate(MSUM_MEASURE_IR, 1, 0, &o, &e), MSUM_EDATA);
    cr_expect_eq(e.field, MSUM_F_TI);
    cr_expect_str_eq(e.message, "ti is 0; expected a person-time > 0");
    cr_expect_eq(msum_escalc_rates(MSUM_MEASURE_IRD, -1, 1, 1, 1, &o, &e), MSUM_EDATA);
    cr_expect_eq(e.field, MSUM_F_X1I);
    cr_expect_eq(msum_escalc_cor(0.5, 3, &o, &e), MSUM_EDOM);
    cr_expect_eq(msum_escalc_cor(1.5, 30, &o, &e), MSUM_EDATA);
    cr_expect_eq(msum_escalc_ratio(MSUM_MEASURE_MD, 0.5, 0.25, 1, &o, &e), MSUM_EINVAL);
    cr_expect_eq(msum_escalc_ratio(MSUM_MEASURE_GEN_LOG, 2, 0.25, 1, &o, &e), MSUM_EDATA);
    cr_expect_eq(e.field, MSUM_F_YI);
    cr_expect_eq(msum_escalc_ratio(MSUM_MEASURE_OR, 0.5, 0, 1, &o, &e), MSUM_EDATA);
    cr_expect_eq(e.field, MSUM_F_CI_LB);
}

/* The record forms proportion, rate, rates, ratio and correlation-as-COR go through
 * msum_escalc; values by hand as in hand_calculations.  PFT of 0 of 10: without add_given no
 * correction (metafor's default add is 0 for PFT): yi = (0 + asin sqrt(1/11))/2
 * = 0.15313868458483473; with add 1/2 given: x 0.5, n 11: (asin sqrt(0.5/12) + asin
 * sqrt(1.5/12))/2, vi 1/(4 * 11 + 2) = 1/46. */
Test(measures, record_forms_through_escalc)
{
    msum_escalc_opts o = MSUM_ESCALC_OPTS_DEFAULT;
    msum_effect e;
    msum_record r;
    msum_record_clear(&r);
    r.input = MSUM_INPUT_PROPORTION;
    r.x[MSUM_F_XI] = 0;
    r.x[MSUM_F_NI] = 10;
    cr_assert_eq(msum_escalc(&r, MSUM_MEASURE_PFT, &o, &e), MSUM_OK, "%s", e.message);
    assert_close(e.yi, 0.5 * asin(sqrt(1.0 / 11)), 1e-15, "PFT no add");
    cr_expect_eq(e.conv, 0u);
    o.add_given = 1;
    cr_assert_eq(msum_escalc(&r, MSUM_MEASURE_PFT, &o, &e), MSUM_OK, "%s", e.message);
    assert_close(e.yi, 0.5 * (asin(sqrt(0.5 / 12)) + asin(sqrt(1.5 / 12))), 1e-15, "PFT add");
    assert_close(e.vi, 1.0 / 46, 1e-15, "PFT vi, n 11");
    cr_expect_eq(msum_escalc(&r, MSUM_MEASURE_OR, &o, &e), MSUM_EINVAL);
    cr_expect_eq(msum_escalc(&r, MSUM_MEASURE_NONE, &o, &e), MSUM_EINVAL);

    msum_record_clear(&r);
    r.input = MSUM_INPUT_RATE;
    r.x[MSUM_F_XI] = 4;
    r.x[MSUM_F_TI] = 200;
    cr_assert_eq(msum_escalc(&r, MSUM_MEASURE_IRLN, &o, &e), MSUM_OK, "%s", e.message);
    assert_close(e.yi, log(0.02), 1e-15, "IRLN yi");
    assert_close(e.vi, 0.25, 1e-15, "IRLN vi");

    msum_record_clear(&r);
    r.input = MSUM_INPUT_RATES;
    r.x[MSUM_F_X1I] = 2;
    r.x[MSUM_F_T1I] = 100;
    r.x[MSUM_F_X2I] = 4;
    r.x[MSUM_F_T2I] = 100;
    cr_assert_eq(msum_escalc(&r, MSUM_MEASURE_IRD, &o, &e), MSUM_OK, "%s", e.message);
    assert_close(e.yi, -0.02, 1e-15, "IRD yi");   /* 0.02 - 0.04 */
    assert_close(e.vi, 6e-4, 1e-15, "IRD vi");    /* 0.02/100 + 0.04/100 */

    msum_record_clear(&r);
    r.input = MSUM_INPUT_RATIO;
    r.x[MSUM_F_RATIO] = 0.5;
    r.x[MSUM_F_CI_LB] = 0.25;
    r.x[MSUM_F_CI_UB] = 1;
    cr_assert_eq(msum_escalc(&r, MSUM_MEASURE_NONE, &o, &e), MSUM_OK, "%s", e.message);
    cr_expect_eq(e.measure, MSUM_MEASURE_GEN_LOG);
    assert_close(e.sei, 0.353653019151067, 1e-14, "ratio se");
    r.measure = MSUM_MEASURE_OR;
    cr_assert_eq(msum_escalc(&r, MSUM_MEASURE_NONE, &o, &e), MSUM_OK, "%s", e.message);
    cr_expect_eq(e.measure, MSUM_MEASURE_OR);
    r.measure = MSUM_MEASURE_MD;
    cr_expect_eq(msum_escalc(&r, MSUM_MEASURE_NONE, &o, &e), MSUM_EINVAL);

    msum_record_clear(&r);
    r.input = MSUM_INPUT_CORRELATION;
    r.x[MSUM_F_RI] = 0.5;
    r.x[MSUM_F_NI] = 11;
    cr_assert_eq(msum_escalc(&r, MSUM_MEASURE_COR, &o, &e), MSUM_OK, "%s", e.message);
    cr_expect_eq(e.measure, MSUM_MEASURE_COR);
    assert_close(e.vi, 0.05625, 1e-15, "COR vi");
    cr_assert_eq(msum_escalc(&r, MSUM_MEASURE_NONE, &o, &e), MSUM_OK, "%s", e.message);
    cr_expect_eq(e.measure, MSUM_MEASURE_ZCOR);
}
