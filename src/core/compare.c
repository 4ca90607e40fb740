/* Result tables of a group comparison: the subgroup fits and tests (subgroup.c), the
 * meta-regression (metareg.c) and pairwise differences, as msum_table values for every writer.
 */
#include "metasum/compare.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "metasum/escalc.h"
#include "metasum/metasum.h"
#include "tbuild.h"

static int is_log(const msum_compare_info *info)
{
    return msum_measure_scale(info->measure) == MSUM_SCALE_LOG;
}

static void scale_meta(msum_tb *b, const msum_compare_info *info)
{
    char buf[96];
    const char *m = msum_measure_name(info->measure);
    snprintf(buf, sizeof buf, "%s (%s scale)", *m ? m : "GEN",
             *msum_scale_name(msum_measure_scale(info->measure))
                 ? msum_scale_name(msum_measure_scale(info->measure)) : "natural");
    msum_tb_meta(b, "scale", buf);
    if (info->by) msum_tb_meta(b, "by", info->by);
}

static void fit_meta(msum_tb *b, msum_estimator method, msum_test test, double level)
{
    char buf[32];
    msum_tb_meta(b, "method", msum_estimator_name(method));
    msum_tb_meta(b, "test", msum_test_name(test));
    msum_fmt_num(level, 0, buf, sizeof buf);
    msum_tb_meta(b, "level", buf);
}

int msum_compare_groups_table(const msum_subgroup_result *r, const msum_compare_info *info,
                              msum_table **out)
{
    if (!r || !info || !out) return MSUM_EINVAL;
    const msum_tb_col cols[] = {
        {"group", MSUM_COL_TEXT, "level of the grouping column"},
        {"k", MSUM_COL_INT, "rows in the group"},
        {"estimate", MSUM_COL_NUM, "pooled estimate (analysis scale)"},
        {"se", MSUM_COL_NUM, "its standard error (Knapp-Hartung under knha)"},
        {"stat", MSUM_COL_NUM, "z or t statistic"},
        {"df", MSUM_COL_NUM, "t degrees of freedom (NA for z)"},
        {"pval", MSUM_COL_NUM, "two-sided p-value"},
        {"ci_lb", MSUM_COL_NUM, "CI lower bound"}, {"ci_ub", MSUM_COL_NUM, "CI upper bound"},
        {"pi_lb", MSUM_COL_NUM, "prediction interval lower bound"},
        {"pi_ub", MSUM_COL_NUM, "prediction interval upper bound"},
        {"exp_estimate", MSUM_COL_NUM, "exp(estimate) on log scales"},
        {"exp_ci_lb", MSUM_COL_NUM, "exp(ci_lb)"}, {"exp_ci_ub", MSUM_COL_NUM, "exp(ci_ub)"},
        {"tau2", MSUM_COL_NUM, "between-study variance within the group"},
        {"tau", MSUM_COL_NUM, "sqrt(tau2)"},
        {"I2", MSUM_COL_NUM, "I2 in percent (metafor's definition)"},
        {"H2", MSUM_COL_NUM, "H2 (metafor's definition)"},
        {"QE", MSUM_COL_NUM, "Cochran's Q"}, {"QEdf", MSUM_COL_INT, "k - 1"},
        {"QEp", MSUM_COL_NUM, "p-value of QE"},
        {"method_used", MSUM_COL_TEXT, "tau2 estimator whose value is used"},
        {"fallback", MSUM_COL_TEXT, "why method_used differs from the method asked for"},
        {"notes", MSUM_COL_TEXT, "why the group could not be fitted (its values NA)"}};
    size_t nc = sizeof cols / sizeof cols[0];
    msum_tb b;
    msum_tb_init(&b, "groups", "Pooled estimate per group", cols, nc);
    int lg = is_log(info);
    msum_estimator method = MSUM_EST_REML;
    msum_test test = MSUM_TEST_Z;
    double level = info->level;
    for (size_t g = 0; g < r->G; g++) {
        const msum_subgroup_level *L = &r->levels[g];
        const msum_pool_result *f = &L->fit;
        msum_tb_row(&b);
        msum_tb_text(&b, "group", L->level);
        msum_tb_num(&b, "k", (double)L->k);
        if (L->status != MSUM_OK && L->status != MSUM_ENOCONV) {
            /* the fit's own reason when it has one (e.g. an overflowing estimate) */
            msum_tb_text(&b, "notes", *f->notes ? f->notes
                                               : msum_strerror((msum_status)L->status));
            continue;
        }
        method = f->method;
        test = f->test;
        level = f->level;
        msum_tb_num(&b, "estimate", f->estimate);
        msum_tb_num(&b, "se", f->se);
        msum_tb_num(&b, "stat", f->stat);
        msum_tb_num(&b, "df", f->df);
        msum_tb_num(&b, "pval", f->pval);
        msum_tb_num(&b, "ci_lb", f->ci_lb);
        msum_tb_num(&b, "ci_ub", f->ci_ub);
        msum_tb_num(&b, "pi_lb", f->pi_lb);
        msum_tb_num(&b, "pi_ub", f->pi_ub);
        msum_tb_num(&b, "exp_estimate", lg ? exp(f->estimate) : NAN);
        msum_tb_num(&b, "exp_ci_lb", lg ? exp(f->ci_lb) : NAN);
        msum_tb_num(&b, "exp_ci_ub", lg ? exp(f->ci_ub) : NAN);
        msum_tb_num(&b, "tau2", f->tau2);
        msum_tb_num(&b, "tau", f->tau);
        msum_tb_num(&b, "I2", f->I2);
        msum_tb_num(&b, "H2", f->H2);
        msum_tb_num(&b, "QE", f->QE);
        msum_tb_num(&b, "QEdf", f->QEdf);
        msum_tb_num(&b, "QEp", f->QEp);
        msum_tb_text(&b, "method_used", msum_estimator_name(f->method_used));
        msum_tb_text(&b, "fallback", f->fallback);
    }
    scale_meta(&b, info);
    fit_meta(&b, method, test, level);
    msum_tb_meta(&b, "I2", "metafor: 100 tau2 / (tau2 + vt) for random effects, Q-based for FE");
    return msum_tb_finish(&b, out);
}

int msum_compare_between_table(const msum_subgroup_result *r, const msum_compare_info *info,
                               msum_table **out)
{
    if (!r || !info || !out) return MSUM_EINVAL;
    const msum_tb_col cols[] = {
        {"test", MSUM_COL_TEXT, "Q_between (separate tau2 per group, as R meta) or QM "
                                "(common tau2: mixed-effects model with the groups as factor)"},
        {"tau2_model", MSUM_COL_TEXT, "separate or common"},
        {"groups", MSUM_COL_INT, "levels that entered the test"},
        {"stat", MSUM_COL_NUM, "chi-square statistic (F under knha/t for QM)"},
        {"df1", MSUM_COL_INT, "degrees of freedom (numerator)"},
        {"df2", MSUM_COL_INT, "denominator df of the F test (NA: chi-square)"},
        {"pval", MSUM_COL_NUM, "p-value"},
        {"tau2", MSUM_COL_NUM, "common residual tau2 (QM row)"},
        {"estimate", MSUM_COL_NUM, "fixed-effect mean of the group estimates (Q_between row)"},
        {"se", MSUM_COL_NUM, "its SE"},
        {"fallback", MSUM_COL_TEXT, "why the QM fit's estimator differs from the method asked "
                                    "for"},
        {"notes", MSUM_COL_TEXT, "why a test is missing (its values NA)"}};
    msum_tb b;
    msum_tb_init(&b, "between", "Tests for subgroup differences", cols,
                 sizeof cols / sizeof cols[0]);
    msum_tb_row(&b);
    msum_tb_text(&b, "test", "Q_between");
    msum_tb_text(&b, "tau2_model", "separate");
    msum_tb_num(&b, "groups", (double)r->G_used);
    msum_tb_num(&b, "stat", r->Qb);
    msum_tb_num(&b, "df1", r->Qb_df);
    msum_tb_num(&b, "pval", r->Qb_p);
    msum_tb_num(&b, "estimate", r->between_estimate);
    msum_tb_num(&b, "se", r->between_se);
    if (r->G_used < 2) msum_tb_text(&b, "notes", "fewer than two groups with an estimate and SE");
    msum_tb_row(&b);
    msum_tb_text(&b, "test", "QM");
    msum_tb_text(&b, "tau2_model", "common");
    msum_tb_num(&b, "groups", (double)r->G);
    if (r->me_status == MSUM_OK) {
        msum_tb_num(&b, "stat", r->me.QM);
        msum_tb_num(&b, "df1", r->me.QMdf);
        msum_tb_num(&b, "df2", r->me.QMdf2);
        msum_tb_num(&b, "pval", r->me.QMp);
        msum_tb_num(&b, "tau2", r->me.tau2);
        msum_tb_text(&b, "fallback", r->me.fallback);
    } else {
        msum_tb_text(&b, "notes", *r->me.message ? r->me.message
                                                : msum_strerror((msum_status)r->me_status));
    }
    scale_meta(&b, info);
    if (r->G > 0) {
        const msum_pool_result *f = &r->levels[0].fit;
        fit_meta(&b, f->method, f->test, f->level);
    }
    msum_tb_meta(&b, "Q_between", "sum (mu_g - mu_FE)^2 / SE_g^2 over groups, df G-1");
    return msum_tb_finish(&b, out);
}

int msum_compare_metareg_table(const msum_metareg_result *m, const msum_compare_info *info,
                               msum_table **out)
{
    if (!m || !info || !out) return MSUM_EINVAL;
    const msum_tb_col cols[] = {
        {"coef", MSUM_COL_TEXT, "coefficient: intrcpt, a moderator, or moderator[level] "
                                "(metafor: factor(moderator)level)"},
        {"estimate", MSUM_COL_NUM, "coefficient"}, {"se", MSUM_COL_NUM, "standard error"},
        {"stat", MSUM_COL_NUM, "z or t statistic"},
        {"df", MSUM_COL_NUM, "t degrees of freedom k - p (NA for z)"},
        {"pval", MSUM_COL_NUM, "two-sided p-value"},
        {"ci_lb", MSUM_COL_NUM, "CI lower bound"}, {"ci_ub", MSUM_COL_NUM, "CI upper bound"},
        {"exp_estimate", MSUM_COL_NUM, "exp(estimate) on log scales: a ratio"},
        {"exp_ci_lb", MSUM_COL_NUM, "exp(ci_lb)"}, {"exp_ci_ub", MSUM_COL_NUM, "exp(ci_ub)"}};
    msum_tb b;
    msum_tb_init(&b, "metareg", "Meta-regression coefficients", cols,
                 sizeof cols / sizeof cols[0]);
    int lg = is_log(info);
    for (size_t j = 0; j < m->p; j++) {
        msum_tb_row(&b);
        msum_tb_text(&b, "coef", m->names[j]);
        msum_tb_num(&b, "estimate", m->beta[j]);
        msum_tb_num(&b, "se", m->se[j]);
        msum_tb_num(&b, "stat", m->stat[j]);
        msum_tb_num(&b, "df", m->df);
        msum_tb_num(&b, "pval", m->pval[j]);
        msum_tb_num(&b, "ci_lb", m->ci_lb[j]);
        msum_tb_num(&b, "ci_ub", m->ci_ub[j]);
        msum_tb_num(&b, "exp_estimate", lg ? exp(m->beta[j]) : NAN);
        msum_tb_num(&b, "exp_ci_lb", lg ? exp(m->ci_lb[j]) : NAN);
        msum_tb_num(&b, "exp_ci_ub", lg ? exp(m->ci_ub[j]) : NAN);
    }
    scale_meta(&b, info);
    fit_meta(&b, m->method_used, m->test, m->level);
    if (*m->fallback) msum_tb_meta(&b, "fallback", m->fallback);
    return msum_tb_finish(&b, out);
}

int msum_compare_model_table(const msum_metareg_result *m, const msum_compare_info *info,
                             msum_table **out)
{
    if (!m || !info || !out) return MSUM_EINVAL;
    const msum_tb_col cols[] = {
        {"k", MSUM_COL_INT, "rows"}, {"p", MSUM_COL_INT, "coefficients"},
        {"method_used", MSUM_COL_TEXT, "tau2 estimator"},
        {"tau2", MSUM_COL_NUM, "residual between-study variance"},
        {"se_tau2", MSUM_COL_NUM, "its SE"}, {"tau", MSUM_COL_NUM, "sqrt(tau2)"},
        {"I2", MSUM_COL_NUM, "residual I2 in percent"}, {"H2", MSUM_COL_NUM, "residual H2"},
        {"R2", MSUM_COL_NUM, "pseudo-R2 in percent: (tau2_RE - tau2) / tau2_RE, floored at 0"},
        {"tau2_RE", MSUM_COL_NUM, "tau2 of the intercept-only model used by R2"},
        {"QE", MSUM_COL_NUM, "residual heterogeneity test"}, {"QEdf", MSUM_COL_INT, "k - p"},
        {"QEp", MSUM_COL_NUM, "p-value of QE"},
        {"QM", MSUM_COL_NUM, "omnibus test of the moderators (chi-square, F under knha)"},
        {"QMdf", MSUM_COL_INT, "moderator coefficients tested"},
        {"QMdf2", MSUM_COL_INT, "denominator df of the F test (NA: chi-square)"},
        {"QMp", MSUM_COL_NUM, "p-value of QM"},
        {"logLik", MSUM_COL_NUM, "log-likelihood (restricted for REML)"},
        {"deviance", MSUM_COL_NUM, NULL}, {"AIC", MSUM_COL_NUM, NULL},
        {"BIC", MSUM_COL_NUM, NULL}, {"AICc", MSUM_COL_NUM, NULL},
        {"s2w", MSUM_COL_NUM, "Knapp-Hartung scale factor (1 under z and t)"},
        {"vt", MSUM_COL_NUM, "typical within-study variance (k - p)/tr(P), W = diag(1/vi)"},
        {"tau2_ci_lb", MSUM_COL_NUM, "Q-profile CI of tau2, lower bound"},
        {"tau2_ci_ub", MSUM_COL_NUM, "Q-profile CI of tau2, upper bound"},
        {"tau_ci_lb", MSUM_COL_NUM, "sqrt(tau2_ci_lb)"},
        {"tau_ci_ub", MSUM_COL_NUM, "sqrt(tau2_ci_ub)"},
        {"I2_ci_lb", MSUM_COL_NUM, "100 tau2_ci_lb / (vt + tau2_ci_lb)"},
        {"I2_ci_ub", MSUM_COL_NUM, "100 tau2_ci_ub / (vt + tau2_ci_ub)"},
        {"H2_ci_lb", MSUM_COL_NUM, "1 + tau2_ci_lb / vt"},
        {"H2_ci_ub", MSUM_COL_NUM, "1 + tau2_ci_ub / vt"},
        {"fallback", MSUM_COL_TEXT, "why method_used differs from the method asked for"}};
    msum_tb b;
    msum_tb_init(&b, "model", "Meta-regression model", cols, sizeof cols / sizeof cols[0]);
    msum_tb_row(&b);
    msum_tb_num(&b, "k", (double)m->k);
    msum_tb_num(&b, "p", (double)m->p);
    msum_tb_text(&b, "method_used", msum_estimator_name(m->method_used));
    msum_tb_num(&b, "tau2", m->tau2);
    msum_tb_num(&b, "se_tau2", m->se_tau2);
    msum_tb_num(&b, "tau", m->tau);
    msum_tb_num(&b, "I2", m->I2);
    msum_tb_num(&b, "H2", m->H2);
    msum_tb_num(&b, "R2", m->R2);
    msum_tb_num(&b, "tau2_RE", m->tau2_RE);
    msum_tb_num(&b, "QE", m->QE);
    msum_tb_num(&b, "QEdf", m->QEdf);
    msum_tb_num(&b, "QEp", m->QEp);
    msum_tb_num(&b, "QM", m->QM);
    msum_tb_num(&b, "QMdf", m->QMdf);
    msum_tb_num(&b, "QMdf2", m->QMdf2);
    msum_tb_num(&b, "QMp", m->QMp);
    msum_tb_num(&b, "logLik", m->logLik);
    msum_tb_num(&b, "deviance", m->deviance);
    msum_tb_num(&b, "AIC", m->AIC);
    msum_tb_num(&b, "BIC", m->BIC);
    msum_tb_num(&b, "AICc", m->AICc);
    msum_tb_num(&b, "s2w", m->s2w);
    msum_tb_num(&b, "vt", m->vt);
    msum_tb_num(&b, "tau2_ci_lb", m->tau2_ci.lb);
    msum_tb_num(&b, "tau2_ci_ub", m->tau2_ci.ub);
    msum_tb_num(&b, "tau_ci_lb", m->tau_ci.lb);
    msum_tb_num(&b, "tau_ci_ub", m->tau_ci.ub);
    msum_tb_num(&b, "I2_ci_lb", m->I2_ci.lb);
    msum_tb_num(&b, "I2_ci_ub", m->I2_ci.ub);
    msum_tb_num(&b, "H2_ci_lb", m->H2_ci.lb);
    msum_tb_num(&b, "H2_ci_ub", m->H2_ci.ub);
    msum_tb_text(&b, "fallback", m->fallback);
    scale_meta(&b, info);
    fit_meta(&b, m->method_used, m->test, m->level);
    return msum_tb_finish(&b, out);
}

int msum_compare_predict_table(const msum_metareg_result *m, const double *x0, size_t nrows,
                               msum_pi_type pi_type, const msum_compare_info *info,
                               msum_table **out)
{
    if (!m || !info || !out || (nrows && !x0)) return MSUM_EINVAL;
    static const char *const bt[] = {"pred", "ci_lb", "ci_ub", "pi_lb", "pi_ub"};
    msum_scale sc = msum_measure_scale(info->measure);
    /* r_* for ZCOR, bt_* for the one-group scales, named as the pool table names them */
    const char *pre = sc == MSUM_SCALE_FISHER_Z ? "r_" : sc >= MSUM_SCALE_LOGIT ? "bt_" : NULL;
    char btname[5][16];
    msum_tb_col cols[19] = {
        {"row", MSUM_COL_INT, "the row of --newmods (1-based)"},
        {"mods", MSUM_COL_TEXT, "the moderator values, one per coefficient but the intercept"},
        {"pred", MSUM_COL_NUM, "predicted effect x0'beta (analysis scale)"},
        {"se", MSUM_COL_NUM, "its SE"},
        {"ci_lb", MSUM_COL_NUM, "CI lower bound"}, {"ci_ub", MSUM_COL_NUM, "CI upper bound"},
        {"pi_lb", MSUM_COL_NUM, "prediction interval lower bound (NA for FE)"},
        {"pi_ub", MSUM_COL_NUM, "prediction interval upper bound"},
        {"pi_df", MSUM_COL_NUM, "df of the PI's t quantile (NA: normal)"},
        {"exp_pred", MSUM_COL_NUM, "exp(pred) on log scales"},
        {"exp_ci_lb", MSUM_COL_NUM, "exp(ci_lb)"}, {"exp_ci_ub", MSUM_COL_NUM, "exp(ci_ub)"},
        {"exp_pi_lb", MSUM_COL_NUM, "exp(pi_lb)"}, {"exp_pi_ub", MSUM_COL_NUM, "exp(pi_ub)"}};
    size_t ncol = 14;
    for (int i = 0; pre && i < 5; i++) {
        snprintf(btname[i], sizeof btname[i], "%s%s", pre, bt[i]);
        cols[ncol++] = (msum_tb_col){
            btname[i], MSUM_COL_NUM,
            sc == MSUM_SCALE_FISHER_Z
                ? "tanh() of the value (correlation; ZCOR only)"
                : "back-transformed value: inverse logit (PLO), arcsine (PAS), Freeman-Tukey "
                  "with the harmonic mean of n (PFT), square (IRS)"};
    }
    msum_tb b;
    msum_tb_init(&b, "predict", "Predictions at new moderator values", cols, ncol);
    int lg = is_log(info);
    size_t first = m->intercept ? 1 : 0;
    double n = info->pft_n > 0 ? info->pft_n : NAN;
    for (size_t r = 0; r < nrows && b.st == MSUM_OK; r++) {
        const double *x = x0 + r * m->p;
        msum_metareg_pred p;
        if (msum_metareg_predict(m, x, pi_type, &p) != MSUM_OK) return MSUM_EINVAL;
        char buf[512];
        size_t len = 0;
        buf[0] = '\0';
        for (size_t j = first; j < m->p && len < sizeof buf - 40; j++) {
            char num[32];
            msum_fmt_num(x[j], 0, num, sizeof num);
            len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s", j > first ? ";" : "",
                                    num);
        }
        msum_tb_row(&b);
        msum_tb_num(&b, "row", (double)(r + 1));
        msum_tb_text(&b, "mods", buf);
        msum_tb_num(&b, "pred", p.pred);
        msum_tb_num(&b, "se", p.se);
        msum_tb_num(&b, "ci_lb", p.ci_lb);
        msum_tb_num(&b, "ci_ub", p.ci_ub);
        msum_tb_num(&b, "pi_lb", p.pi_lb);
        msum_tb_num(&b, "pi_ub", p.pi_ub);
        msum_tb_num(&b, "pi_df", p.pi_df);
        msum_tb_num(&b, "exp_pred", lg ? exp(p.pred) : NAN);
        msum_tb_num(&b, "exp_ci_lb", lg ? exp(p.ci_lb) : NAN);
        msum_tb_num(&b, "exp_ci_ub", lg ? exp(p.ci_ub) : NAN);
        msum_tb_num(&b, "exp_pi_lb", lg ? exp(p.pi_lb) : NAN);
        msum_tb_num(&b, "exp_pi_ub", lg ? exp(p.pi_ub) : NAN);
        const double v[] = {p.pred, p.ci_lb, p.ci_ub, p.pi_lb, p.pi_ub};
        for (int i = 0; pre && i < 5; i++)
            msum_tb_num(&b, btname[i], msum_measure_transf_n(info->measure, v[i], n));
    }
    scale_meta(&b, info);
    fit_meta(&b, m->method_used, m->test, m->level);
    msum_tb_meta(&b, "pi_type", pi_type == MSUM_PI_T_K2 ? "riley: t(k - p - 1)" : "default");
    if (sc == MSUM_SCALE_FREEMAN_TUKEY) {
        char nb[32];
        msum_fmt_num(n, 0, nb, sizeof nb);
        msum_tb_meta(&b, "pft_n", nb);
    }
    return msum_tb_finish(&b, out);
}

int msum_compare_studies_table(const msum_metareg_result *m, const long *lines,
                               const msum_compare_info *info, msum_table **out)
{
    if (!m || !lines || !info || !out) return MSUM_EINVAL;
    const msum_tb_col cols[] = {
        {"line", MSUM_COL_INT, "line of the row in the input file"},
        {"weight", MSUM_COL_NUM, "percent weight 100 w_i / sum w, w = 1/(vi + tau2)"},
        {"hat", MSUM_COL_NUM, "hat value (leverage) w_i x_i'(X'WX)^-1 x_i"}};
    msum_tb b;
    msum_tb_init(&b, "studies", "Meta-regression weights and hat values per row", cols,
                 sizeof cols / sizeof cols[0]);
    for (size_t i = 0; i < m->k; i++) {
        msum_tb_row(&b);
        msum_tb_num(&b, "line", (double)lines[i]);
        msum_tb_num(&b, "weight", m->weight[i]);
        msum_tb_num(&b, "hat", m->hat[i]);
    }
    scale_meta(&b, info);
    fit_meta(&b, m->method_used, m->test, m->level);
    return msum_tb_finish(&b, out);
}

int msum_compare_pairs_table(const msum_subgroup_result *r, const char *const *pairs,
                             size_t npairs, const msum_compare_info *info, msum_table **out,
                             const char **bad_level)
{
    if (!r || !info || !out) return MSUM_EINVAL;
    *out = NULL;
    if (bad_level) *bad_level = NULL;
    const msum_tb_col cols[] = {
        {"a", MSUM_COL_TEXT, "first group"}, {"b", MSUM_COL_TEXT, "second group"},
        {"diff", MSUM_COL_NUM, "estimate_a - estimate_b"},
        {"se", MSUM_COL_NUM, "sqrt(se_a^2 + se_b^2)"},
        {"stat", MSUM_COL_NUM, "z = diff / se"}, {"pval", MSUM_COL_NUM, "two-sided normal p-value"},
        {"ci_lb", MSUM_COL_NUM, "CI lower bound of diff"},
        {"ci_ub", MSUM_COL_NUM, "CI upper bound of diff"},
        {"exp_diff", MSUM_COL_NUM, "exp(diff) on log scales: ratio of the two pooled ratios"},
        {"exp_ci_lb", MSUM_COL_NUM, "exp(ci_lb)"}, {"exp_ci_ub", MSUM_COL_NUM, "exp(ci_ub)"},
        {"notes", MSUM_COL_TEXT, "why a difference is missing (its values NA)"}};
    for (size_t i = 0; pairs && i < 2 * npairs; i++)
        if (msum_subgroup_find(r, pairs[i]) < 0) {
            if (bad_level) *bad_level = pairs[i];
            return MSUM_EDATA;
        }
    msum_tb b;
    msum_tb_init(&b, "pairs", "Pairwise differences of pooled estimates", cols,
                 sizeof cols / sizeof cols[0]);
    size_t n = pairs ? npairs : r->G * (r->G ? r->G - 1 : 0) / 2;
    size_t ga = 0, gb = 1;
    for (size_t i = 0; i < n && b.st == MSUM_OK; i++) {
        size_t a, c;
        if (pairs) {
            a = (size_t)msum_subgroup_find(r, pairs[2 * i]);
            c = (size_t)msum_subgroup_find(r, pairs[2 * i + 1]);
        } else {
            a = ga;
            c = gb;
            if (++gb == r->G) {
                ga++;
                gb = ga + 1;
            }
        }
        const msum_subgroup_level *A = &r->levels[a], *B = &r->levels[c];
        msum_tb_row(&b);
        msum_tb_text(&b, "a", A->level);
        msum_tb_text(&b, "b", B->level);
        msum_pair_result p;
        int ok = (A->status == MSUM_OK || A->status == MSUM_ENOCONV) &&
                 (B->status == MSUM_OK || B->status == MSUM_ENOCONV) &&
                 msum_compare_pair(A->fit.estimate, A->fit.se, B->fit.estimate, B->fit.se,
                                   info->level, is_log(info), &p) == MSUM_OK;
        if (!ok) {
            msum_tb_text(&b, "notes", "a group has no estimate with a finite SE");
            continue;
        }
        msum_tb_num(&b, "diff", p.diff);
        msum_tb_num(&b, "se", p.se);
        msum_tb_num(&b, "stat", p.z);
        msum_tb_num(&b, "pval", p.pval);
        msum_tb_num(&b, "ci_lb", p.ci_lb);
        msum_tb_num(&b, "ci_ub", p.ci_ub);
        msum_tb_num(&b, "exp_diff", p.ratio);
        msum_tb_num(&b, "exp_ci_lb", p.ratio_lb);
        msum_tb_num(&b, "exp_ci_ub", p.ratio_ub);
    }
    scale_meta(&b, info);
    char buf[32];
    msum_fmt_num(info->level, 0, buf, sizeof buf);
    msum_tb_meta(&b, "method", "difference of independent pooled estimates, SE = sqrt(se_a^2 + "
                               "se_b^2), normal (Wald) test and CI");
    msum_tb_meta(&b, "level", buf);
    return msum_tb_finish(&b, out);
}
