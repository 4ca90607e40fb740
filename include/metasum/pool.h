/* Intercept-only pooling (fixed and random effects) matching metafor 3.8 rma.uni.
 *
 * One call fits the model yi ~ N(mu, vi + tau2) for k studies: the tau2 estimator, the pooled
 * estimate with its test and CI, the prediction interval, heterogeneity (QE, I2, H2 in both the
 * tau2-based metafor definition and the Q-based definition of R's meta), the Q-profile CI for
 * tau2 (Viechtbauer 2007) and the fit statistics.  Everything is computed from O(k) sums
 * (sum w, sum w^2, sum w^3, sum w r^2, sum w^2 r^2): time O(k) per iteration, no extra memory
 * beyond the caller's arrays.  Formulas and papers: docs/METHODS.md and src/core/pool.c.
 *
 * Non-convergence never aborts: with opts.fallback set, REML/ML/EB fall back to PM, PM to DL,
 * and the result records the estimator actually used and why.
 */
#ifndef METASUM_POOL_H
#define METASUM_POOL_H

#include <math.h>
#include <stddef.h>

/* tau2 estimator (metafor rma.uni `method=`).  EE, FE and CE are the same common-effect fit
 * (tau2 = 0); they differ only in name, as in metafor. */
typedef enum {
    MSUM_EST_EE,   /* equal effects                             method="EE"   */
    MSUM_EST_FE,   /* fixed effects                             method="FE"   */
    MSUM_EST_CE,   /* common effect                             method="CE"   */
    MSUM_EST_DL,   /* DerSimonian & Laird 1986                  method="DL"   */
    MSUM_EST_HE,   /* Hedges 1983 / Hedges & Olkin 1985         method="HE"   */
    MSUM_EST_HS,   /* Hunter & Schmidt 2004                     method="HS"   */
    MSUM_EST_SJ,   /* Sidik & Jonkman 2005                      method="SJ"   */
    MSUM_EST_ML,   /* maximum likelihood (Viechtbauer 2005)     method="ML"   */
    MSUM_EST_REML, /* restricted ML (Viechtbauer 2005)          method="REML" */
    MSUM_EST_PM,   /* Paule & Mandel 1982                       method="PM"   */
    MSUM_EST_EB    /* empirical Bayes (Morris 1983), = PM value method="EB"   */
} msum_estimator;

/* Test and CI for the pooled estimate (metafor `test=`). */
typedef enum {
    MSUM_TEST_Z,          /* normal (Wald) z test                        test="z"     */
    MSUM_TEST_T,          /* t(k-1) with the usual SE                    test="t"     */
    MSUM_TEST_KNHA,       /* Knapp & Hartung 2003 / Hartung-Knapp        test="knha"  */
    MSUM_TEST_KNHA_ADHOC  /* Knapp-Hartung with s2w floored at 1         test="adhoc" */
} msum_test;

/* Critical value of the prediction interval (metafor predict(`pi.type=`)). */
typedef enum {
    MSUM_PI_DEFAULT, /* z under the z test, t(k-1) under t/knha/adhoc (metafor default) */
    MSUM_PI_T_K2     /* t(k-2) whatever the test (Higgins, Thompson & Spiegelhalter 2009;
                        metafor pi.type="Riley"); t(k-1) when tau2 is fixed, t(1) at least */
} msum_pi_type;

typedef struct {
    msum_estimator method; /* [REML] */
    msum_test test;        /* [z] */
    msum_pi_type pi_type;  /* [default] */
    double level;          /* confidence level in (0,1) [0.95] */
    double threshold;      /* > 0: Fisher scoring stops when |change in tau2| <= threshold, as
                              metafor (its default is 1e-5); 0: run to full precision,
                              |change| <= 1e-13 (tau2 + harmonic mean of vi), and return an
                              optimum on the boundary as exactly 0 [0] */
    double tol;            /* absolute tolerance in tau2 of the PM and Q-profile roots
                              [1e-12] (Newton steps, Brent as the safeguard); metafor's
                              uniroot default is about 1.2e-4 */
    int maxiter;           /* Fisher scoring / root finding iterations [1000]; metafor: 100
                              (threshold 1e-5 and maxiter 100 retrace metafor's defaults) */
    double step_adj;       /* Fisher scoring step length factor (metafor stepadj) [1] */
    int fallback;          /* on non-convergence fall back REML/ML/EB -> PM -> DL [1];
                              0: return MSUM_ENOCONV instead */
    double tau2_max;       /* search limit [100]: the Q-profile searches [0, max(tau2_max,
                              10 tau2)] (metafor confint); PM starts from [0, tau2_max] and
                              widens it tenfold until it brackets the root */
    int qprofile;          /* compute the Q-profile CI for tau2 (and tau, I2, H2) [1] */
    double tau2_fixed;     /* NaN: estimate tau2; otherwise use this value (metafor tau2=) [NaN] */
} msum_pool_opts;

#define MSUM_POOL_OPTS_DEFAULT \
    {MSUM_EST_REML, MSUM_TEST_Z, MSUM_PI_DEFAULT, 0.95, 0.0, 1e-12, 1000, 1.0, 1, 100.0, 1, \
     NAN}

/* Q-profile confidence interval of one heterogeneity quantity (metafor confint.rma.uni). */
typedef struct {
    double est, lb, ub;
} msum_interval;

typedef struct {
    msum_estimator method;      /* as requested */
    msum_estimator method_used; /* the estimator whose tau2 the numbers below use */
    const char *fallback;       /* static text saying why method_used != method, or "" */
    msum_test test;
    double level;
    size_t k;                   /* number of studies */

    /* pooled estimate */
    double estimate;            /* mu-hat = sum w y / sum w */
    double se;                  /* its SE (Knapp-Hartung adjusted under knha/adhoc) */
    double stat;                /* z value (test z) or t value (t, knha, adhoc) */
    double pval;                /* two-sided */
    double df;                  /* k-1 for t/knha/adhoc; NaN for z */
    double ci_lb, ci_ub;        /* CI for mu */
    double pi_lb, pi_ub;        /* prediction interval for a new true effect */
    double pi_se;               /* sqrt(se^2 + tau2) */
    double s2w;                 /* Knapp-Hartung scaling factor (NaN unless knha/adhoc) */

    /* heterogeneity */
    double tau2, se_tau2, tau;  /* se_tau2 NaN for EE/FE/CE and when undefined */
    double vt;                  /* typical within-study variance (k-1)/(S1 - S2/S1), w = 1/vi */
    double I2, H2;              /* metafor's definition: tau2-based for random-effects fits
                                   (100 tau2/(tau2+vt), (tau2+vt)/vt), Q-based for EE/FE/CE */
    double I2_Q, H2_Q;          /* Q-based (Higgins & Thompson 2002; R meta): 100 (QE-(k-1))/QE
                                   floored at 0, QE/(k-1) (not floored); 0 and 1 for k = 1 */
    double QE, QEdf, QEp;       /* Cochran's Q at tau2 = 0, df k-1, chi-square p */

    /* Q-profile CI (Viechtbauer 2007): filled when opts.qprofile, k >= 2, tau2 is estimated
     * (not EE/FE/CE, not tau2_fixed) and every vi > 0 (as metafor); else NaN */
    msum_interval tau2_ci, tau_ci, I2_ci, H2_ci;
    int lb_sign, ub_sign;       /* as metafor prints them: -1 "<0" (only in the null set),
                                   +1 ">limit": the bound lies above the search limit
                                   max(tau2_max, 10 tau2) and the limit is reported; 0 otherwise
                                   (a lower bound of exactly 0 has sign 0, as in metafor) */
    int ci_null;                /* 1 when QE < chi2 lower quantile: both bounds below 0, the CI
                                   is the null set (reported as 0, 0) */

    /* fit */
    int iterations;             /* Fisher scoring / root-finding iterations (0 closed form) */
    int converged;              /* 1 unless the requested iteration failed */
    double logLik, deviance, AIC, BIC, AICc; /* metafor fitstats(): restricted likelihood for
                                   REML fits, ML likelihood for every other estimator; a value
                                   metafor gives as +-Inf (BIC, AICc at k = 1) is NaN here */
    char notes[160];            /* why a value above is NaN where metafor prints a number or
                                   an infinity (e.g. "BIC, AICc not defined at k = 1"); "" */
} msum_pool_result;

/* Fit the intercept-only model to yi/vi (k >= 1; every vi finite and >= 0, every yi finite).
 * `o` may be NULL for the defaults.  k = 1 follows metafor: tau2 = 0, I2 = 0, H2 = 1, QE = 0,
 * the z test, no Q-profile CI.
 * Returns MSUM_OK; MSUM_EINVAL for NULL pointers or bad options; MSUM_EDOM for k = 0;
 * MSUM_EDATA for a non-finite yi or a negative/non-finite vi; MSUM_ENOCONV if the iteration
 * failed and opts.fallback is 0, or the whole fallback chain failed (out->iterations and
 * out->converged say so).  A vi of 0 is accepted where metafor accepts it: QE, I2, H2, vt and
 * the Q-profile CI are then NaN; DL, HS and PM, and any fit ending with tau2 = 0 (an infinite
 * weight), return MSUM_EDATA. */
int msum_pool(const double *yi, const double *vi, size_t k, const msum_pool_opts *o,
              msum_pool_result *out);

/* Pooling many groups: the chi-square quantiles of the Q-profile CI depend only on k - 1 and the
 * level, so a caller pooling groups one after another keeps the last few here (GSL-style
 * workspace, a plain value the caller owns: zero it with `msum_pool_cache c = {0};`, no free). */
typedef struct {
    double tail[4], df[4], x[4];
    int upper[4], n, next;
} msum_pool_cache;

/* msum_pool() with a cache of quantiles (NULL: none); the results are the same bytes. */
int msum_pool_cached(const double *yi, const double *vi, size_t k, const msum_pool_opts *o,
                     msum_pool_cache *cache, msum_pool_result *out);

/* Percent weights of each study in a fit (metafor weights()): 100 w_i / sum w, w_i = 1/(vi +
 * tau2) using r->tau2.  weight_pct has k entries.  Returns MSUM_OK or MSUM_EINVAL. */
int msum_pool_weights(const double *vi, size_t k, const msum_pool_result *r, double *weight_pct);

/* Names as metafor spells them ("REML", "knha", ...) and their parsers (case-insensitive;
 * "HK"/"hartung" accepted for knha).  Parsers return MSUM_OK or MSUM_EINVAL. */
const char *msum_estimator_name(msum_estimator m);
int msum_estimator_parse(const char *s, msum_estimator *out);
const char *msum_test_name(msum_test t);
int msum_test_parse(const char *s, msum_test *out);

/* 1 for EE/FE/CE (tau2 fixed at 0), else 0. */
int msum_estimator_is_fixed(msum_estimator m);

#endif
