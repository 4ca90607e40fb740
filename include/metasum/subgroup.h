/* Subgroup analyses and pairwise comparisons of pooled estimates (e.g. exosome sources).
 *
 * Per-level intercept-only fits (msum_pool on each level's rows; levels with k = 1 are reported,
 * not dropped), the test for subgroup differences both ways:
 *  - separate tau2 per subgroup (as R's meta): Q_between = sum (mu_g - mu_FE)^2 / SE_g^2 on G-1
 *    df, mu_FE the inverse-variance (fixed-effect) mean of the group estimates;
 *  - common tau2: the moderator test QM of the mixed-effects model yi ~ factor(group)
 *    (metafor rma(yi, vi, mods = ~ factor(g))), via msum_metareg;
 * and the difference of two pooled estimates, SE = sqrt(SE_A^2 + SE_B^2), with its ratio on log
 * scales.
 */
#ifndef METASUM_SUBGROUP_H
#define METASUM_SUBGROUP_H

#include <stddef.h>

#include "metasum/metareg.h"
#include "metasum/pool.h"

/* Most groups for which the common-tau2 model (one design column per group, O(k G^2) per
 * iteration) is fitted; beyond it me_status is MSUM_EDOM and only Q_between is given. */
#define MSUM_SUBGROUP_MAX_FACTOR MSUM_DESIGN_MAX_LEVELS

typedef struct {
    char *level;             /* the group's text (owned) */
    size_t k;                /* rows in the group */
    int status;              /* msum_pool status of this group's fit (MSUM_OK, ...) */
    msum_pool_result fit;    /* its pooled fit (valid when status is MSUM_OK or ENOCONV) */
} msum_subgroup_level;

typedef struct {
    size_t G;                     /* number of levels */
    msum_subgroup_level *levels;  /* G levels in byte (C locale) order of their text (owned) */

    /* separate tau2: fixed-effect meta-analysis of the group estimates with their SEs */
    size_t G_used;                /* levels with a finite estimate and SE > 0 */
    double Qb, Qb_df, Qb_p;       /* Q between, G_used - 1 df, chi-square p (NaN if G_used < 2) */
    double between_estimate, between_se; /* the fixed-effect mean of the group estimates */

    /* common tau2: yi ~ factor(group) by msum_metareg (method and test of the pool options) */
    int me_status;                /* msum_metareg status (MSUM_EINVAL for options it rejects,
                                     MSUM_EDATA for G < 2 or k < G, MSUM_EDOM for
                                     G > MSUM_SUBGROUP_MAX_FACTOR); me.message says why */
    msum_metareg_result me;       /* the model (owned; freed by msum_subgroup_result_free) */
} msum_subgroup_result;

/* Fit every level of `group` (k texts, none NULL) and test the differences.  `name` names the
 * grouping in the common-tau2 model's coefficients ("name[level]"; NULL: "group").  `o` may be
 * NULL (defaults); `ref_level` names the reference of the common-tau2 model (NULL: the first
 * level).  Returns MSUM_OK (per-level problems are in levels[g].status and me_status), MSUM_EINVAL,
 * MSUM_ENOMEM.  Free with msum_subgroup_result_free(). */
int msum_subgroup(const double *yi, const double *vi, const char *const *group, size_t k,
                  const char *name, const msum_pool_opts *o, const char *ref_level,
                  msum_subgroup_result *out);

void msum_subgroup_result_free(msum_subgroup_result *r);

/* The test for subgroup differences with a separate tau2 per group (the Q_between of
 * msum_subgroup) from G group estimates and their SEs, for callers that have the groups' fits
 * already: the fixed-effect mean of the estimates with weights 1/se^2 and Q_between =
 * sum (est_g - mean)^2 / se_g^2 on G_used - 1 df.  Groups with a non-finite estimate or an SE
 * that is not finite and > 0 are left out (G_used counts the others); Qb, Qb_df, Qb_p are NaN
 * when G_used < 2, the mean and its SE when G_used < 1.  Returns MSUM_OK or MSUM_EINVAL. */
typedef struct {
    size_t G_used;
    double Qb, Qb_df, Qb_p;
    double estimate, se;
} msum_subgroup_between;

int msum_subgroup_qbetween(const double *est, const double *se, size_t G,
                           msum_subgroup_between *out);

/* Index of a level by text, or -1. */
int msum_subgroup_find(const msum_subgroup_result *r, const char *level);

/* Difference of two independent estimates a - b. */
typedef struct {
    double diff, se, z, pval, ci_lb, ci_ub;  /* normal (Wald) test and CI */
    double ratio, ratio_lb, ratio_ub;       /* exp(diff) and its CI on log scales; else NaN */
} msum_pair_result;

/* diff = est_a - est_b, se = sqrt(se_a^2 + se_b^2), z = diff/se, two-sided normal p, CI at
 * `level`; with log_scale also exp() of the three.  Returns MSUM_OK or MSUM_EINVAL (a NaN, a
 * negative SE, level outside (0,1)). */
int msum_compare_pair(double est_a, double se_a, double est_b, double se_b, double level,
                      int log_scale, msum_pair_result *out);

#endif
