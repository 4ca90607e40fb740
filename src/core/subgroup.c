/* Subgroup analyses: per-level pooled fits, the test for subgroup differences with separate
 * tau2 (Borenstein et al. 2009 ch. 19; R meta's Q.b.random) and with a common tau2 (the
 * mixed-effects moderator test of metafor rma(mods = ~ factor(g))), and pairwise differences of
 * two pooled estimates (Altman & Bland 2003, "Interaction revisited").
 */
#include "metasum/subgroup.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metasum/metasum.h"

typedef struct {
    const char *g;
    size_t i;
} keyed;

static int cmp_keyed(const void *pa, const void *pb)
{
    const keyed *a = pa, *b = pb;
    int c = strcmp(a->g, b->g);
    return c ? c : (a->i > b->i) - (a->i < b->i);
}

void msum_subgroup_result_free(msum_subgroup_result *r)
{
    if (!r) return;
    for (size_t g = 0; r->levels && g < r->G; g++) free(r->levels[g].level);
    free(r->levels);
    msum_metareg_result_free(&r->me);
    r->levels = NULL;
    r->G = 0;
}

int msum_subgroup_find(const msum_subgroup_result *r, const char *level)
{
    for (size_t g = 0; r && level && g < r->G; g++)
        if (strcmp(r->levels[g].level, level) == 0) return (int)g;
    return -1;
}

/* Test for subgroup differences with a separate tau2 per group: the fixed-effect (inverse
 * variance) mean of the group estimates mu_g with weights 1/SE_g^2 and Q_between = sum
 * (mu_g - mean)^2 / SE_g^2 on G-1 df (R meta: Q.b.random; metafor: QE of rma(est, sei = se,
 * method = "FE")).  SE_g is whatever the group's fit reports (Knapp-Hartung under knha). */
static int usable(double y, double se)
{
    return isfinite(y) && se > 0 && isfinite(se);
}

int msum_subgroup_qbetween(const double *est, const double *se, size_t G,
                           msum_subgroup_between *out)
{
    if (!out || (G && (!est || !se))) return MSUM_EINVAL;
    double S1 = 0, Sy = 0;
    out->G_used = 0;
    for (size_t g = 0; g < G; g++) {
        if (!usable(est[g], se[g])) continue;
        S1 += 1 / (se[g] * se[g]);
        Sy += est[g] / (se[g] * se[g]);
        out->G_used++;
    }
    out->Qb = out->Qb_df = out->Qb_p = out->estimate = out->se = NAN;
    if (out->G_used < 1) return MSUM_OK;
    double mu = Sy / S1, Q = 0;
    for (size_t g = 0; g < G; g++)
        if (usable(est[g], se[g])) Q += (est[g] - mu) * (est[g] - mu) / (se[g] * se[g]);
    out->estimate = mu;
    out->se = 1 / sqrt(S1);
    if (out->G_used < 2) return MSUM_OK;
    out->Qb = Q;
    out->Qb_df = (double)(out->G_used - 1);
    out->Qb_p = gsl_cdf_chisq_Q(Q, out->Qb_df);
    return MSUM_OK;
}

/* Q_between of the levels whose fit has an estimate (status OK or ENOCONV). */
static int q_between(msum_subgroup_result *r)
{
    double *est = malloc((r->G + 1) * sizeof *est), *se = malloc((r->G + 1) * sizeof *se);
    if (!est || !se) {
        free(est);
        free(se);
        return MSUM_ENOMEM;
    }
    for (size_t g = 0; g < r->G; g++) {
        const msum_subgroup_level *L = &r->levels[g];
        int ok = L->status == MSUM_OK || L->status == MSUM_ENOCONV;
        est[g] = ok ? L->fit.estimate : NAN;
        se[g] = ok ? L->fit.se : NAN;
    }
    msum_subgroup_between b;
    msum_subgroup_qbetween(est, se, r->G, &b);
    r->G_used = b.G_used;
    r->Qb = b.Qb;
    r->Qb_df = b.Qb_df;
    r->Qb_p = b.Qb_p;
    r->between_estimate = b.estimate;
    r->between_se = b.se;
    free(est);
    free(se);
    return MSUM_OK;
}

int msum_subgroup(const double *yi, const double *vi, const char *const *group, size_t k,
                  const char *name, const msum_pool_opts *o, const char *ref_level,
                  msum_subgroup_result *out)
{
    if (!out) return MSUM_EINVAL;
    memset(out, 0, sizeof *out);
    if (!yi || !vi || !group || k == 0) return MSUM_EINVAL;
    msum_pool_opts def = MSUM_POOL_OPTS_DEFAULT;
    if (!o) o = &def;
    for (size_t i = 0; i < k; i++)
        if (!group[i]) return MSUM_EINVAL;

    keyed *idx = malloc(k * sizeof *idx);
    double *y = malloc(k * sizeof *y), *v = malloc(k * sizeof *v);
    int st = MSUM_ENOMEM;
    if (!idx || !y || !v) goto done;
    for (size_t i = 0; i < k; i++) idx[i] = (keyed){group[i], i};
    qsort(idx, k, sizeof *idx, cmp_keyed); /* by level, rows in input order within a level */
    size_t G = 0;
    for (size_t i = 0; i < k; i++)
        if (i == 0 || strcmp(idx[i - 1].g, idx[i].g) != 0) G++;
    out->levels = calloc(G, sizeof *out->levels);
    if (!out->levels) goto done;
    out->G = G;
    for (size_t a = 0, g = 0; a < k; g++) {
        msum_subgroup_level *L = &out->levels[g];
        size_t e = a, m = 0, n = strlen(idx[a].g) + 1;
        if (!(L->level = malloc(n))) goto done;
        memcpy(L->level, idx[a].g, n);
        for (; e < k && strcmp(idx[e].g, idx[a].g) == 0; e++) {
            y[m] = yi[idx[e].i];
            v[m++] = vi[idx[e].i];
        }
        L->k = m;
        L->status = msum_pool(y, v, m, o, &L->fit);
        if (L->status == MSUM_ENOMEM) goto done;
        a = e;
    }
    if (q_between(out) != MSUM_OK) goto done;

    /* Common tau2: the moderator test of yi ~ factor(group). */
    msum_metareg_opts mo = MSUM_METAREG_OPTS_DEFAULT;
    mo.method = o->method;
    mo.test = o->test;
    mo.level = o->level;
    mo.threshold = o->threshold;
    mo.maxiter = o->maxiter;
    mo.step_adj = o->step_adj;
    mo.fallback = o->fallback;
    mo.tau2_fixed = o->tau2_fixed;
    msum_design *d = msum_design_new(k);
    if (!d) goto done;
    if (G < 2) {
        out->me_status = MSUM_EDATA;
        snprintf(out->me.message, sizeof out->me.message, "a single group: nothing to compare");
    } else if (G > MSUM_SUBGROUP_MAX_FACTOR) {
        out->me_status = MSUM_EDOM;
        snprintf(out->me.message, sizeof out->me.message,
                 "%zu groups: the common-tau2 model is fitted for at most %d (its design has one "
                 "column per group); Q_between covers any number", G, MSUM_SUBGROUP_MAX_FACTOR);
    } else {
        out->me_status = msum_design_add_factor(d, name ? name : "group", group, ref_level);
        if (out->me_status == MSUM_OK) {
            out->me_status = msum_metareg(yi, vi, d, &mo, &out->me);
            if (out->me_status == MSUM_EINVAL)
                snprintf(out->me.message, sizeof out->me.message,
                         "the common-tau2 model rejects these options");
        }
        else
            snprintf(out->me.message, sizeof out->me.message, "unknown reference level '%s'",
                     ref_level ? ref_level : "");
    }
    msum_design_free(d);
    if (out->me_status == MSUM_ENOMEM) goto done;
    st = MSUM_OK;
done:
    free(idx);
    free(y);
    free(v);
    if (st != MSUM_OK) msum_subgroup_result_free(out);
    return st;
}

/* Difference of two independent estimates with SE = sqrt(SE_A^2 + SE_B^2) and a Wald z test
 * (Altman & Bland 2003); on log scales (ROM, RR, OR) also the ratio exp(diff) with its CI. */
int msum_compare_pair(double est_a, double se_a, double est_b, double se_b, double level,
                      int log_scale, msum_pair_result *out)
{
    if (!out) return MSUM_EINVAL;
    if (!isfinite(est_a) || !isfinite(est_b) || !(se_a >= 0) || !(se_b >= 0) ||
        !isfinite(se_a) || !isfinite(se_b) || !(level > 0 && level < 1))
        return MSUM_EINVAL;
    double crit = gsl_cdf_ugaussian_Qinv((1 - level) / 2);
    out->diff = est_a - est_b;
    out->se = sqrt(se_a * se_a + se_b * se_b);
    out->z = out->diff / out->se;
    out->pval = 2 * gsl_cdf_ugaussian_Q(fabs(out->z));
    out->ci_lb = out->diff - crit * out->se;
    out->ci_ub = out->diff + crit * out->se;
    out->ratio = log_scale ? exp(out->diff) : NAN;
    out->ratio_lb = log_scale ? exp(out->ci_lb) : NAN;
    out->ratio_ub = log_scale ? exp(out->ci_ub) : NAN;
    return MSUM_OK;
}
