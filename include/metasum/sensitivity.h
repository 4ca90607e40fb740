/* Sensitivity and influence analyses of the intercept-only model, matching metafor 3.8
 * leave1out(), cumul(), influence(), rstandard() and rstudent() for rma.uni fits.
 *
 * Leave-one-out and influence refit the model without each study.  For EE/FE/CE, DL, HE, ML and
 * REML (and a fixed tau2) the deleted fits come from the full data's sums: the sums at tau2 = 0
 * are downdated in O(1), and sums at another tau2 are expanded about the full-data tau2 from
 * precomputed power sums of the weights (exact to rounding; an O(k) pass where the expansion
 * would not converge).  ML/REML Fisher scoring starts from the full-data tau2.  Other estimators
 * refit from scratch (O(k) each, O(k^2) in all).  No k x k matrix is formed.
 */
#ifndef METASUM_SENSITIVITY_H
#define METASUM_SENSITIVITY_H

#include <stddef.h>

#include "metasum/pool.h"

/* One refit: leave1out (study omitted) or cumul (studies up to and including `study`). */
typedef struct {
    size_t study;                   /* 0-based input row omitted / last added */
    size_t k;                       /* studies in this fit */
    int status;                     /* MSUM_OK, or the msum_pool status of a failed refit (then
                                       the numbers are NaN) */
    const char *fallback;           /* "" or, when msum_pool fell back to another estimator for
                                       this refit, why (static text) */
    double estimate, se, stat, pval, ci_lb, ci_ub; /* stat: z, or t under t/knha/adhoc */
    double Q, Qp;                   /* Cochran's Q (tau2 = 0) and its p */
    double tau2, I2, H2;            /* metafor's definitions (tau2 = 0 for EE/FE/CE) */
} msum_sens_row;

/* Leave-one-out: rows[i] is the fit without study i (k rows).  Needs k >= 2 (MSUM_EDOM
 * otherwise: metafor stops at k = 1); a deleted fit with one study follows msum_pool's k = 1
 * rules.  `o` may be NULL for the defaults; o->qprofile is ignored.  Returns MSUM_OK (single
 * rows may carry a failed status), MSUM_EINVAL, MSUM_EDATA (bad yi/vi), MSUM_EDOM, MSUM_ENOMEM. */
int msum_leave1out(const double *yi, const double *vi, size_t k, const msum_pool_opts *o,
                   msum_sens_row *rows);

/* Cumulative meta-analysis: rows[j] is the fit to the first j + 1 studies in the order of `key`
 * (k values; ascending, or descending when `decreasing`; ties keep the input order, as R's
 * order()) or in input order when key is NULL.  k >= 1.  Returns as msum_leave1out. */
int msum_cumul(const double *yi, const double *vi, size_t k, const double *key, int decreasing,
               const msum_pool_opts *o, msum_sens_row *rows);

/* Case-deletion diagnostics (Viechtbauer & Cheung 2010; metafor influence.rma.uni), per study i
 * with mu, vb the full fit's estimate and variance and mu(-i), vb(-i), tau2(-i), s2w(-i) those of
 * the fit without i (s2w = 1 unless Knapp-Hartung):
 *   resid = yi - mu(-i), resid_se = sqrt((vi + tau2(-i)) s2w(-i) + vb(-i)), rstudent = ratio;
 *   dffits = (mu - mu(-i)) / sqrt(s2w(-i) hat (tau2(-i) + vi));
 *   cook_d = (mu - mu(-i))^2 / vb;  cov_r = vb(-i) / vb;
 *   dfbetas = (mu - mu(-i)) / sqrt(s2w(-i) / sum_j 1/(vj + tau2(-i)))  (all k studies);
 *   hat = w_i / sum w, weight = 100 hat (full fit);
 *   inf = |dffits| > 3 sqrt(1/(k-1)) or pchisq(cook_d, 1) > 0.5 or hat > 3/k or |dfbetas| > 1. */
typedef struct {
    int status;                /* MSUM_OK or the status of the failed deleted fit */
    const char *fallback;      /* "" or why the deleted fit used another estimator */
    double resid, resid_se, rstudent;
    double dffits, cook_d, cov_r;
    double tau2_del, QE_del;   /* tau2 and Cochran's Q without study i */
    double hat, weight;        /* weight in percent */
    double dfbetas;
    int inf;                   /* 1: flagged as influential ("*" in metafor) */
} msum_infl_row;

/* Influence diagnostics for k >= 2 studies (MSUM_EDOM otherwise).  Returns as msum_leave1out. */
int msum_influence(const double *yi, const double *vi, size_t k, const msum_pool_opts *o,
                   msum_infl_row *rows);

/* A residual, its SE and their ratio. */
typedef struct {
    double resid, se, z;
} msum_resid_row;

/* Internally standardised residuals (metafor rstandard, type "marginal"):
 * resid = yi - mu (0 below 100 DBL_EPSILON), se = sqrt(vi + tau2 - 1/sum w), w = 1/(vi + tau2).
 * k >= 1.  Returns MSUM_OK or the msum_pool status. */
int msum_rstandard(const double *yi, const double *vi, size_t k, const msum_pool_opts *o,
                   msum_resid_row *rows);

/* Externally standardised residuals (metafor rstudent): the resid, resid_se and rstudent of
 * msum_influence().  k >= 2. */
int msum_rstudent(const double *yi, const double *vi, size_t k, const msum_pool_opts *o,
                  msum_resid_row *rows);

/* Baujat plot coordinates (Baujat et al. 2002; metafor baujat() on the rma.uni fit with options
 * o), per study i: x[i] = (yi - mu)^2 / (vi + tau2), its contribution to Cochran's Q under a
 * common-effect fit (its squared Pearson residual otherwise), and y[i] = (mu(-i) - mu)^2 /
 * vb(-i), its influence on the pooled estimate, with mu, tau2 of the full fit and mu(-i), vb(-i)
 * the estimate and its variance without study i (msum_leave1out; NaN where that refit failed).
 * k >= 2 (MSUM_EDOM otherwise).  Returns as msum_leave1out. */
int msum_baujat(const double *yi, const double *vi, size_t k, const msum_pool_opts *o,
                double *x, double *y);

#endif
