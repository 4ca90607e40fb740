/* Result tables of a comparison of groups (metasum compare; the report uses them too): per-group
 * fits, the tests for subgroup differences, meta-regression coefficients and model statistics,
 * and pairwise differences.  Every table's metadata names the measure and scale, the estimator,
 * the test, the level and the metasum version.  Columns: docs/compare.md.
 */
#ifndef METASUM_COMPARE_H
#define METASUM_COMPARE_H

#include <stddef.h>

#include "metasum/metareg.h"
#include "metasum/record.h"
#include "metasum/subgroup.h"
#include "metasum/table.h"

typedef struct {
    const char *by;        /* the grouping column's name (metadata "by") */
    msum_measure measure;  /* measure of the estimates: log scales get exp() columns */
    double level;          /* confidence level of the pairwise CIs [0.95] */
    double pft_n;          /* PFT predictions: the n of transf.ipft.hm (0 or NaN: none) */
} msum_compare_info;

/* One row per level: k, estimate, SE, test, CI, prediction interval, tau2, I2, H2, QE, the
 * estimator used and any fallback ("groups"). */
int msum_compare_groups_table(const msum_subgroup_result *r, const msum_compare_info *info,
                              msum_table **out);

/* The two tests for subgroup differences: Q between with separate tau2 and QM with a common
 * tau2 ("between"). */
int msum_compare_between_table(const msum_subgroup_result *r, const msum_compare_info *info,
                               msum_table **out);

/* Meta-regression coefficients, one row per coefficient ("metareg"), and the model's statistics
 * in one row ("model"). */
int msum_compare_metareg_table(const msum_metareg_result *m, const msum_compare_info *info,
                               msum_table **out);
int msum_compare_model_table(const msum_metareg_result *m, const msum_compare_info *info,
                             msum_table **out);

/* Predictions of a meta-regression at nrows rows of moderator values x0 (nrows x m->p,
 * row-major, the intercept's 1 included), with CI and prediction interval ("predict"), and
 * their back-transforms as the pool table names them: exp_* (always; NA off log scales),
 * r_* (ZCOR: tanh) and bt_* (PLO, PAS, PFT with info->pft_n, IRS), the last two only on
 * those scales. */
int msum_compare_predict_table(const msum_metareg_result *m, const double *x0, size_t nrows,
                               msum_pi_type pi_type, const msum_compare_info *info,
                               msum_table **out);

/* Per-row weights (percent) and hat values of a meta-regression ("studies"); lines holds the
 * input line of each of the m->k rows. */
int msum_compare_studies_table(const msum_metareg_result *m, const long *lines,
                               const msum_compare_info *info, msum_table **out);

/* Pairwise differences a - b of the levels' pooled estimates ("pairs").  pairs holds 2*npairs
 * level names (a1, b1, a2, b2, ...); NULL means every pair of levels in level order.  Returns
 * MSUM_EDATA when a named level does not exist (*bad_level then points at it). */
int msum_compare_pairs_table(const msum_subgroup_result *r, const char *const *pairs,
                             size_t npairs, const msum_compare_info *info, msum_table **out,
                             const char **bad_level);

#endif
