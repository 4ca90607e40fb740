/* Mixed-effects meta-regression matching metafor 3.8 rma.uni(yi, vi, mods = ...).
 *
 * Model: yi = x_i'beta + u_i + e_i, u_i ~ N(0, tau2), e_i ~ N(0, vi).  Weighted least squares with
 * W = diag(1/(vi + tau2)); the residual tau2 by REML, ML or EB (Fisher scoring), PM (root of
 * the generalized Q), DL, HE, HS or SJ (closed forms), or fixed at 0 (EE/FE/CE).  Coefficients with SEs, z or Knapp-Hartung t tests, the omnibus
 * moderator test QM, the residual heterogeneity test QE and the pseudo-R2.  Every quantity uses
 * O(k p^2) sums built from the hat values (no k x k matrix).  Formulas: src/core/metareg.c.
 *
 * A design (msum_design) holds the model matrix: an intercept, continuous moderators and
 * dummy-coded categorical moderators with a named reference level.
 */
#ifndef METASUM_METAREG_H
#define METASUM_METAREG_H

#include <math.h>
#include <stddef.h>

#include "metasum/pool.h"

/* ---- design matrices ---------------------------------------------------------------------- */

typedef struct msum_design msum_design;

/* A k-row design holding only the intercept column (coefficient "intrcpt", as metafor).
 * NULL on allocation failure or k = 0. */
msum_design *msum_design_new(size_t k);
void msum_design_free(msum_design *d);
/* A k-row design without the intercept column (metafor mods = ~ ... - 1): QM then tests every
 * coefficient, no R2 is computed, and the first categorical moderator added is coded by all of
 * its levels (R's coding). */
msum_design *msum_design_new_nointercept(size_t k);
int msum_design_has_intercept(const msum_design *d);

/* Add a continuous moderator: one coefficient named `name` (metafor: the variable name).
 * x has k values.  Returns MSUM_OK, MSUM_EDATA (a value is NaN or infinite), MSUM_EINVAL,
 * MSUM_ENOMEM. */
int msum_design_add_num(msum_design *d, const char *name, const double *x);

/* Add a categorical moderator, dummy (treatment) coded: one coefficient per level other than the
 * reference, named "name[level]" (metafor names it "factor(name)level").  Levels are the
 * distinct texts of x (k entries, none NULL) in byte (C locale) order, which is R's factor()
 * order for ASCII names of one case (R in an English locale ignores case: "MSC" < "hucMSC" here,
 * "hucMSC" < "MSC" there); the reference is `ref` when given (it must be one of
 * the levels: MSUM_EDATA otherwise), else the first level (R's factor() default).
 * More than MSUM_DESIGN_MAX_LEVELS levels is MSUM_EDOM: each level is a design column and a
 * fit costs O(k p^2) per iteration, so a factor such as a study id would not finish.
 * Returns MSUM_OK, MSUM_EDATA (unknown ref; a single level adds no column and is MSUM_EDATA
 * too, since the moderator cannot be estimated), MSUM_EDOM, MSUM_EINVAL, MSUM_ENOMEM. */
#define MSUM_DESIGN_MAX_LEVELS 100
int msum_design_add_factor(msum_design *d, const char *name, const char *const *x,
                           const char *ref);

/* Add the interaction of two moderators (R's a:b): one column per pair of their columns, the
 * product, named "colA:colB" (e.g. "ablat:year", "ablat:alloc[random]"), term "a:b".  Each side
 * is continuous (x non-NULL, k values) or categorical (t non-NULL, k texts, reference ref or
 * NULL).  A categorical side times a continuous one is coded by its non-reference levels when
 * the continuous side's main effect is already in the design (R's a*b, ~ x + x:factor(g)), else
 * by every level (R's ~ x:factor(g), ~ factor(g) + x:factor(g)); of two categorical sides, each
 * by its non-reference levels when its own main effect is in the design, else by every level.
 * Returns MSUM_OK, MSUM_EDATA (as the add functions), MSUM_EINVAL, MSUM_ENOMEM. */
int msum_design_add_interaction(msum_design *d, const char *a, const double *xa,
                                const char *const *ta, const char *ref_a, const char *b,
                                const double *xb, const char *const *tb, const char *ref_b);

size_t msum_design_nrows(const msum_design *d);
size_t msum_design_ncoef(const msum_design *d);
/* Coefficient name ("intrcpt", "ablat", "alloc[random]") and the moderator it belongs to
 * ("intrcpt", "ablat", "alloc"). */
const char *msum_design_coef_name(const msum_design *d, size_t j);
const char *msum_design_coef_term(const msum_design *d, size_t j);
/* Element (row i, coefficient j) of the model matrix. */
double msum_design_x(const msum_design *d, size_t i, size_t j);
/* The reference level of the categorical moderator `name`, or NULL. */
const char *msum_design_ref_level(const msum_design *d, const char *name);

/* ---- fitting ------------------------------------------------------------------------------ */

typedef struct {
    msum_estimator method; /* any tau2 estimator of msum_pool [REML] */
    msum_test test;        /* z, t, knha or adhoc [z] */
    double level;          /* confidence level in (0,1) [0.95] */
    double threshold;      /* > 0: Fisher scoring (ML, REML, EB) stops when |change in tau2| <=
                              threshold, as metafor (its default is 1e-5); 0: run to full
                              precision, |change| <= 1e-13 (tau2 + harmonic mean of vi), and
                              return an optimum on the boundary as exactly 0 [0] */
    int maxiter;           /* Fisher scoring iterations [100, as metafor] */
    double step_adj;       /* Fisher scoring step length factor (metafor stepadj) [1] */
    int fallback;          /* REML/ML not converged: maximise the same likelihood by a grid
                              search and Brent's root of its score instead (DL if even that
                              fails) and say so [1]; 0: return MSUM_ENOCONV */
    int ll0check;          /* metafor's ll0check: after ML/REML, set tau2 = 0 when the
                              likelihood there is higher by more than 1.2e-4 [1] */
    double tau2_fixed;     /* NaN: estimate tau2; otherwise use this value (metafor tau2=) [NaN] */
    int r2;                /* compute the pseudo-R2 (refits the intercept-only model) [1] */
    int qprofile;          /* compute the Q-profile CI of tau2, tau, I2, H2 [1] */
} msum_metareg_opts;

#define MSUM_METAREG_OPTS_DEFAULT {MSUM_EST_REML, MSUM_TEST_Z, 0.95, 0.0, 100, 1.0, 1, 1, NAN, 1, 1}

typedef struct {
    msum_estimator method;      /* as requested */
    msum_estimator method_used; /* whose tau2 the numbers use (DL after a failed fallback) */
    const char *fallback;       /* static text saying why method_used != method, or "" */
    msum_test test;
    double level;
    size_t k, p;                /* studies, coefficients */
    size_t m;                   /* coefficients tested by QM: all but the intercept */
    int intercept;              /* 1 when coefficient 0 is the intercept */
    int tau2_estimated;         /* 1 when tau2 was estimated (not EE/FE/CE, not fixed) */

    char **names;               /* p coefficient names (owned) */
    double *beta, *se, *stat, *pval, *ci_lb, *ci_ub; /* p each (owned) */
    double *vb;                 /* p x p covariance of beta, row-major, KH-scaled (owned) */
    double df;                  /* k - p for t/knha/adhoc; NaN for z */
    double s2w;                 /* Knapp-Hartung factor; 1 unless knha/adhoc */

    double tau2, se_tau2, tau;  /* residual heterogeneity; se_tau2 NaN for EE/FE/CE/HE */
    double vt;                  /* typical within-study variance (k-p)/tr(P), W = diag(1/vi) */
    double I2, H2;              /* residual I2 (percent) and H2, metafor's definitions */
    double QE, QEdf, QEp;       /* residual heterogeneity test, df k - p */
    double QM, QMdf, QMdf2, QMp;/* omnibus test of the m moderators: chi-square(QMdf) under z,
                                   F(QMdf, QMdf2 = k - p) under t/knha/adhoc (QMdf2 NaN for z) */
    double R2;                  /* pseudo-R2 in percent, NaN without intercept or moderators */
    double tau2_RE;             /* tau2 of the intercept-only fit used by R2 (NaN if none) */
    double logLik, deviance, AIC, BIC, AICc; /* metafor fitstats(): restricted likelihood for
                                   REML fits, ML likelihood otherwise */
    double *weight;             /* k percent weights 100 w_i / sum w, w = 1/(vi + tau2) (metafor
                                   weights()) (owned) */
    double *hat;                /* k hat values w_i x_i'(X'WX)^-1 x_i (metafor hatvalues())
                                   (owned) */

    /* Q-profile CI of the residual tau2 (Viechtbauer 2007; metafor confint.rma.uni): the
     * bounds solve RSS(tau2) = chi2 quantiles on k - p df over [0, max(100, 10 tau2)]; tau
     * through sqrt, I2 = 100 t/(vt + t) and H2 = 1 + t/vt.  Filled when opts.qprofile, tau2
     * is estimated and k > p; else NaN.  Bound signs and ci_null as msum_pool_result. */
    msum_interval tau2_ci, tau_ci, I2_ci, H2_ci;
    int lb_sign, ub_sign, ci_null;

    int iterations;             /* Fisher scoring iterations (0 for closed forms) */
    int converged;              /* 0 when the requested iteration failed */
    char message[256];          /* why a fit failed (e.g. which moderators are collinear) */
} msum_metareg_result;

/* Fit yi ~ design with the options (NULL = defaults).  yi, vi have msum_design_nrows(d) values;
 * every yi finite, every vi finite and > 0.  On success the caller frees the arrays with
 * msum_metareg_result_free().  Returns MSUM_OK; MSUM_EINVAL (NULL pointer, bad option or an
 * unsupported estimator); MSUM_EDATA (bad yi/vi, k < p, or a rank-deficient design:
 * out->message names the moderators involved); MSUM_ENOCONV (not converged and fallback off:
 * out is filled with the last iterate and must be freed too); MSUM_ENOMEM.  After any other
 * error nothing needs freeing. */
int msum_metareg(const double *yi, const double *vi, const msum_design *d,
                 const msum_metareg_opts *o, msum_metareg_result *out);

/* The same from a raw model matrix X (k x p, row-major).  `intercept` says whether column 0 is
 * the intercept (then QM tests columns 1..p-1 and R2 is computed); names may be NULL
 * ("X1", "X2", ... as metafor). */
int msum_metareg_x(const double *yi, const double *vi, size_t k, const double *X, size_t p,
                   int intercept, const char *const *names, const msum_metareg_opts *o,
                   msum_metareg_result *out);

/* Free the arrays of a result (not the struct itself); accepts a zeroed struct. */
void msum_metareg_result_free(msum_metareg_result *r);

/* Index of a coefficient by name, or -1. */
int msum_metareg_coef(const msum_metareg_result *r, const char *name);

/* A prediction from a fitted model at moderator values x0 (metafor predict(newmods = ...)). */
typedef struct {
    double pred, se;      /* x0'beta and sqrt(x0' Vb x0) */
    double ci_lb, ci_ub;  /* CI: z, or t(k - p) under t/knha/adhoc */
    double pi_lb, pi_ub;  /* prediction interval pred -+ crit sqrt(se^2 + tau2); NaN for
                             EE/FE/CE.  crit as the CI (MSUM_PI_DEFAULT) or t(k - p - 1) when
                             tau2 was estimated, t(k - p) when fixed, at least t(1)
                             (MSUM_PI_T_K2: metafor pi.type = "riley"; t(k - 2) for one
                             moderator) */
    double pi_df;         /* df of the PI's t quantile, NaN for a normal quantile */
} msum_metareg_pred;

/* Predict at x0 (r->p values, the intercept's 1 included when the model has one).
 * Returns MSUM_OK or MSUM_EINVAL. */
int msum_metareg_predict(const msum_metareg_result *r, const double *x0, msum_pi_type pi_type,
                         msum_metareg_pred *out);

#endif
