/* Publication bias: the regression test for funnel plot asymmetry (Egger et al. 1997 and its
 * variants), the rank correlation test (Begg & Mazumdar 1994), trim and fill (Duval & Tweedie
 * 2000) and fail-safe N (Rosenthal 1979, Orwin 1983, Rosenberg 2005), matching metafor 3.8
 * regtest(), ranktest(), trimfill() and fsn().
 *
 * Every test that is not defined for its input (too few studies, a constant predictor, equal
 * variances, identical effects) returns MSUM_EDOM with `defined = 0` and a static `reason`; the
 * numbers are then NaN.  Defined results have `defined = 1` and `reason = ""`.
 */
#ifndef METASUM_BIAS_H
#define METASUM_BIAS_H

#include <stddef.h>

#include "metasum/metareg.h"
#include "metasum/pool.h"

/* ---- regression test (metafor regtest) ----------------------------------------------------- */

typedef enum {
    MSUM_REG_SEI,      /* sqrt(vi): Egger's test, limit estimate = PET      predictor="sei"      */
    MSUM_REG_VI,       /* vi: limit estimate = PEESE                         predictor="vi"       */
    MSUM_REG_NI,       /* sample size                                        predictor="ni"       */
    MSUM_REG_NINV,     /* 1/ni                                               predictor="ninv"     */
    MSUM_REG_SQRTNI,   /* sqrt(ni)                                           predictor="sqrtni"   */
    MSUM_REG_SQRTNINV  /* 1/sqrt(ni)                                         predictor="sqrtninv" */
} msum_reg_predictor;

typedef enum {
    MSUM_REG_RMA, /* mixed-effects meta-regression with the fit's tau2 estimator  model="rma" */
    MSUM_REG_LM   /* weighted least squares, weights 1/vi, t(k-2) tests           model="lm"  */
} msum_reg_model;

typedef struct {
    msum_reg_model model;         /* [rma] */
    msum_reg_predictor predictor; /* [sei] */
    msum_metareg_opts fit;        /* estimator, test, level, convergence of the rma model
                                     [MSUM_METAREG_OPTS_DEFAULT]; lm uses only fit.level */
} msum_regtest_opts;

#define MSUM_REGTEST_OPTS_DEFAULT {MSUM_REG_RMA, MSUM_REG_SEI, MSUM_METAREG_OPTS_DEFAULT}

typedef struct {
    int defined;              /* 1 when the test was computed */
    const char *reason;       /* why not (static text), or "" */
    msum_reg_model model;
    msum_reg_predictor predictor;
    size_t k;
    double coef, coef_se;     /* slope of the predictor and its SE */
    double stat;              /* z (rma with test z) or t value of the slope */
    double df;                /* k - 2 for t tests (lm; rma with t/knha/adhoc); NaN for z */
    double pval;              /* two-sided */
    double est, ci_lb, ci_ub; /* limit estimate: the intercept (predictor -> 0) with its CI, for
                                 sei, vi, ninv and sqrtninv; NaN for ni and sqrtni (as metafor) */
    double tau2;              /* residual tau2 of the rma model (NaN for lm) */
    msum_estimator method_used;
} msum_regtest_result;

/* Regression test for funnel plot asymmetry.  yi, vi (every vi > 0) and, for the ni-based
 * predictors, ni have k values (ni may be NULL otherwise).  Not defined (MSUM_EDOM): k < 3 (the
 * slope has k - 2 residual df), a constant predictor (all vi, or all ni, equal: metafor stops),
 * a perfect lm fit (residual SS 0: t = 0/0).  Returns MSUM_OK, MSUM_EDOM, MSUM_EINVAL (NULL
 * pointers, bad options, missing ni), MSUM_EDATA (bad yi/vi/ni), MSUM_ENOCONV, MSUM_ENOMEM. */
int msum_regtest(const double *yi, const double *vi, const double *ni, size_t k,
                 const msum_regtest_opts *o, msum_regtest_result *out);

const char *msum_reg_predictor_name(msum_reg_predictor p); /* "sei", "vi", "ni", "ninv", ... */
int msum_reg_predictor_parse(const char *s, msum_reg_predictor *out);

/* ---- rank correlation test (metafor ranktest) --------------------------------------------- */

typedef struct {
    int defined;
    const char *reason;
    size_t k;
    double tau;   /* Kendall's tau-b between (yi - mu_FE)/sqrt(vi - 1/sum w) and vi */
    double S;     /* concordant minus discordant pairs */
    double z;     /* normal statistic (ties-corrected variance); NaN when exact */
    double pval;  /* two-sided */
    int exact;    /* 1: exact null distribution of Kendall's statistic, as R's
                     cor.test(exact = TRUE) that metafor requests: no ties and k <= 170 (R
                     returns NaN beyond); 0: normal approximation */
} msum_ranktest_result;

/* Begg & Mazumdar's rank correlation test.  Not defined (MSUM_EDOM) for k < 2, or when either
 * variable is constant (all vi equal; identical standardised effects).  Returns MSUM_OK,
 * MSUM_EDOM, MSUM_EINVAL, MSUM_EDATA, MSUM_ENOMEM. */
int msum_ranktest(const double *yi, const double *vi, size_t k, msum_ranktest_result *out);

/* ---- trim and fill (metafor trimfill) ----------------------------------------------------- */

typedef enum { MSUM_TF_L0, MSUM_TF_R0, MSUM_TF_Q0 } msum_tf_estimator;
typedef enum { MSUM_TF_SIDE_AUTO, MSUM_TF_SIDE_LEFT, MSUM_TF_SIDE_RIGHT } msum_tf_side;

typedef struct {
    msum_tf_estimator estimator; /* [L0] */
    msum_tf_side side;           /* [auto]: metafor's rule, the sign of the slope of
                                    rma(yi, vi, mods = sqrt(vi)) with pool.method: negative ->
                                    missing on the right, else on the left */
    int maxiter;                 /* trim-and-fill iterations [100, as metafor] */
    msum_pool_opts pool;         /* every fit (metafor passes only method and control; its final
                                    fit uses test z, level 95 %) [MSUM_POOL_OPTS_DEFAULT] */
} msum_trimfill_opts;

#define MSUM_TRIMFILL_OPTS_DEFAULT {MSUM_TF_L0, MSUM_TF_SIDE_AUTO, 100, MSUM_POOL_OPTS_DEFAULT}

typedef struct {
    int defined;
    const char *reason;
    msum_tf_side side;      /* the side used: LEFT or RIGHT */
    size_t k0;              /* estimated number of missing studies */
    double se_k0;           /* its SE (metafor se.k0) */
    double p_k0;            /* R0 only: P(k0 >= observed) under no asymmetry; NaN otherwise */
    int iterations;
    double *yi_fill, *vi_fill; /* k0 filled studies, mirrored about the trimmed estimate, in
                                  metafor's order (owned; NULL when k0 = 0) */
    msum_pool_result pooled;   /* the fit to the k + k0 studies (= the original fit if k0 = 0) */
} msum_trimfill_result;

/* Trim and fill.  Not defined (MSUM_EDOM): k < 3; identical effects (nothing to trim: k0 = 0
 * is reported with defined = 1 and that reason); Q0 with 2k^2 - 4 Sr + 1/4 < 0 (the estimator's
 * square root is imaginary; metafor stops); no convergence within maxiter (metafor stops).
 * side AUTO needs an estimator msum_metareg supports (EE/FE/CE, DL, HE, ML, REML): MSUM_EINVAL
 * otherwise.  Free the result with msum_trimfill_result_free() after MSUM_OK or MSUM_EDOM. */
int msum_trimfill(const double *yi, const double *vi, size_t k, const msum_trimfill_opts *o,
                  msum_trimfill_result *out);
void msum_trimfill_result_free(msum_trimfill_result *r);

const char *msum_tf_estimator_name(msum_tf_estimator e); /* "L0", "R0", "Q0" */
int msum_tf_estimator_parse(const char *s, msum_tf_estimator *out);

/* ---- fail-safe N (metafor fsn) ------------------------------------------------------------ */

typedef enum {
    MSUM_FSN_ROSENTHAL, /* Stouffer's combined z, one-sided alpha             type="Rosenthal" */
    MSUM_FSN_ORWIN,     /* studies of effect 0 that bring the mean to target  type="Orwin"     */
    MSUM_FSN_ROSENBERG  /* fixed-effect weighted z, two-sided alpha           type="Rosenberg" */
} msum_fsn_type;

typedef struct {
    msum_fsn_type type; /* [Rosenthal] */
    double alpha;       /* [0.05] */
    double target;      /* Orwin: NaN = half the mean effect [NaN] */
    int weighted;       /* Orwin: inverse-variance mean instead of the plain mean [0] */
} msum_fsn_opts;

#define MSUM_FSN_OPTS_DEFAULT {MSUM_FSN_ROSENTHAL, 0.05, NAN, 0}

typedef struct {
    int defined;
    const char *reason;
    msum_fsn_type type;
    double fsnum;  /* fail-safe N: rounded up unless within 1.5e-8 of an integer (as metafor);
                      +Inf for Orwin with target 0 */
    double alpha;
    double pval;   /* Rosenthal: one-sided Stouffer p; Rosenberg: two-sided; NaN for Orwin */
    double meanes; /* Orwin, Rosenberg: the mean effect; NaN for Rosenthal */
    double target; /* Orwin: the target used (sign matched to meanes); NaN otherwise */
} msum_fsn_result;

/* Fail-safe N.  vi is needed (> 0) for Rosenthal, Rosenberg and weighted Orwin; it may be NULL
 * for the plain Orwin.  Not defined (MSUM_EDOM) for k = 0.  Returns MSUM_OK, MSUM_EDOM,
 * MSUM_EINVAL, MSUM_EDATA. */
int msum_fsn(const double *yi, const double *vi, size_t k, const msum_fsn_opts *o,
             msum_fsn_result *out);

const char *msum_fsn_type_name(msum_fsn_type t); /* "Rosenthal", "Orwin", "Rosenberg" */
int msum_fsn_type_parse(const char *s, msum_fsn_type *out);

#endif
