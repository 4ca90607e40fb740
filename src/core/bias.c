/* Publication bias tests matching metafor 3.8: regtest (Egger et al. 1997; Sterling-Moreno 2014
 * PET/PEESE limit estimates), ranktest (Begg & Mazumdar 1994, Kendall's tau as R's cor.test),
 * trimfill (Duval & Tweedie 2000, estimators L0, R0, Q0) and fsn (Rosenthal 1979, Orwin 1983,
 * Rosenberg 2005).  Fits go through msum_pool and msum_metareg.
 */
#include "metasum/bias.h"

#include <float.h>
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "metasum/metasum.h"

static const char *const predictor_names[] = {"sei", "vi", "ni", "ninv", "sqrtni", "sqrtninv"};
static const char *const tf_names[] = {"L0", "R0", "Q0"};
static const char *const fsn_names[] = {"Rosenthal", "Orwin", "Rosenberg"};

static int parse_name(const char *s, const char *const *names, size_t n, int *out)
{
    if (!s || !out) return MSUM_EINVAL;
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(s, names[i]) == 0) {
            *out = (int)i;
            return MSUM_OK;
        }
    return MSUM_EINVAL;
}

#define NAMES_N(a) (sizeof a / sizeof a[0])

const char *msum_reg_predictor_name(msum_reg_predictor p)
{
    return (unsigned)p < NAMES_N(predictor_names) ? predictor_names[p] : "?";
}

int msum_reg_predictor_parse(const char *s, msum_reg_predictor *out)
{
    int v = 0, st = parse_name(s, predictor_names, NAMES_N(predictor_names), &v);
    if (st == MSUM_OK) *out = (msum_reg_predictor)v;
    return st;
}

const char *msum_tf_estimator_name(msum_tf_estimator e)
{
    return (unsigned)e < NAMES_N(tf_names) ? tf_names[e] : "?";
}

int msum_tf_estimator_parse(const char *s, msum_tf_estimator *out)
{
    int v = 0, st = parse_name(s, tf_names, NAMES_N(tf_names), &v);
    if (st == MSUM_OK) *out = (msum_tf_estimator)v;
    return st;
}

const char *msum_fsn_type_name(msum_fsn_type t)
{
    return (unsigned)t < NAMES_N(fsn_names) ? fsn_names[t] : "?";
}

int msum_fsn_type_parse(const char *s, msum_fsn_type *out)
{
    int v = 0, st = parse_name(s, fsn_names, NAMES_N(fsn_names), &v);
    if (st == MSUM_OK) *out = (msum_fsn_type)v;
    return st;
}

/* yi finite, vi finite and > 0 (vi may be NULL when not needed). */
static int check_data(const double *yi, const double *vi, size_t k)
{
    for (size_t i = 0; i < k; i++) {
        if (!isfinite(yi[i])) return MSUM_EDATA;
        if (vi && !(isfinite(vi[i]) && vi[i] > 0)) return MSUM_EDATA;
    }
    return MSUM_OK;
}

/* ------------------------------------------------------------------------------------------ */
/* regtest: yi ~ 1 + x with x the predictor (metafor regtest.rma).  model "rma" is
 * rma.uni(yi, vi, mods = cbind(1, x), intercept = FALSE) with the fit's estimator and test;
 * model "lm" is lm(yi ~ x, weights = 1/vi), which is the fixed-effect meta-regression with the
 * residual variance s2 = RSS/(k-2) scaling the covariance: metafor's FE fit with test = "knha". */

static void regtest_init(msum_regtest_result *r, const msum_regtest_opts *o, size_t k)
{
    memset(r, 0, sizeof *r);
    r->reason = "";
    r->model = o->model;
    r->predictor = o->predictor;
    r->k = k;
    r->coef = r->coef_se = r->stat = r->df = r->pval = NAN;
    r->est = r->ci_lb = r->ci_ub = r->tau2 = NAN;
    r->method_used = o->fit.method;
}

static int undefined(int *defined, const char **reason, const char *why)
{
    *defined = 0;
    *reason = why;
    return MSUM_EDOM;
}

int msum_regtest(const double *yi, const double *vi, const double *ni, size_t k,
                 const msum_regtest_opts *opts, msum_regtest_result *out)
{
    static const msum_regtest_opts defaults = MSUM_REGTEST_OPTS_DEFAULT;
    const msum_regtest_opts *o = opts ? opts : &defaults;
    if (!out) return MSUM_EINVAL;
    regtest_init(out, o, k);
    if ((unsigned)o->model > MSUM_REG_LM || (unsigned)o->predictor > MSUM_REG_SQRTNINV)
        return MSUM_EINVAL;
    int need_ni = o->predictor >= MSUM_REG_NI;
    if (k > 0 && (!yi || !vi || (need_ni && !ni))) return MSUM_EINVAL;
    int st = check_data(yi, vi, k);
    if (st != MSUM_OK) return st;
    if (need_ni)
        for (size_t i = 0; i < k; i++)
            if (!(isfinite(ni[i]) && ni[i] > 0)) return MSUM_EDATA;
    if (k < 3)
        return undefined(&out->defined, &out->reason,
                         "fewer than 3 studies: the slope has no residual degrees of freedom");

    double *X = malloc(2 * k * sizeof *X);
    if (!X) return MSUM_ENOMEM;
    int constant = 1;
    for (size_t i = 0; i < k; i++) {
        double x;
        switch (o->predictor) {
        case MSUM_REG_SEI: x = sqrt(vi[i]); break;
        case MSUM_REG_VI: x = vi[i]; break;
        case MSUM_REG_NI: x = ni[i]; break;
        case MSUM_REG_NINV: x = 1 / ni[i]; break;
        case MSUM_REG_SQRTNI: x = sqrt(ni[i]); break;
        default: x = 1 / sqrt(ni[i]); break;
        }
        X[2 * i] = 1;
        X[2 * i + 1] = x;
        if (x != X[1]) constant = 0;
    }
    if (constant) {
        free(X);
        return undefined(&out->defined, &out->reason,
                         need_ni ? "the predictor is constant (all ni equal)"
                                 : "the predictor is constant (all vi equal)");
    }
    msum_metareg_opts fo = o->fit;
    fo.r2 = 0;
    if (o->model == MSUM_REG_LM) {
        fo.method = MSUM_EST_FE;
        fo.test = MSUM_TEST_KNHA;
    }
    const char *names[2] = {"intrcpt", msum_reg_predictor_name(o->predictor)};
    msum_metareg_result r;
    st = msum_metareg_x(yi, vi, k, X, 2, 1, names, &fo, &r);
    free(X);
    if (st != MSUM_OK) {
        if (st == MSUM_ENOCONV) msum_metareg_result_free(&r);
        return st;
    }
    out->method_used = r.method_used;
    if (o->model == MSUM_REG_LM && !(r.s2w > 0)) {
        msum_metareg_result_free(&r);
        return undefined(&out->defined, &out->reason,
                         "perfect fit: the residual sum of squares is 0 (t = 0/0)");
    }
    out->defined = 1;
    out->coef = r.beta[1];
    out->coef_se = r.se[1];
    out->stat = r.stat[1];
    out->pval = r.pval[1];
    out->df = r.df;
    if (o->model == MSUM_REG_RMA) out->tau2 = r.tau2;
    if (o->predictor == MSUM_REG_SEI || o->predictor == MSUM_REG_VI ||
        o->predictor == MSUM_REG_NINV || o->predictor == MSUM_REG_SQRTNINV) {
        out->est = r.beta[0];
        out->ci_lb = r.ci_lb[0];
        out->ci_ub = r.ci_ub[0];
    }
    msum_metareg_result_free(&r);
    return MSUM_OK;
}

/* ------------------------------------------------------------------------------------------ */
/* ranktest: Kendall's tau-b between the standardised deviates (yi - mu_FE)/sqrt(vi - 1/sum w)
 * and vi (Begg & Mazumdar 1994; metafor ranktest), tested as R's cor.test(method = "kendall",
 * exact = TRUE): without ties the exact null distribution of the number of concordant pairs
 * (Kendall 1970: permutations of n with j inversions), with ties the normal approximation with
 * the ties-corrected variance of S and no continuity correction. */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Tie groups of x: sums over groups of t(t-1), t(t-1)(t-2), t(t-1)(2t+5). */
typedef struct {
    double a, b, c;
    int any;
} ties;

static int tie_sums(const double *x, size_t n, ties *t)
{
    double *s = malloc(n * sizeof *s);
    if (!s) return MSUM_ENOMEM;
    memcpy(s, x, n * sizeof *s);
    qsort(s, n, sizeof *s, cmp_double);
    memset(t, 0, sizeof *t);
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && s[j] == s[i]) j++;
        double m = (double)(j - i);
        if (m > 1) {
            t->any = 1;
            t->a += m * (m - 1);
            t->b += m * (m - 1) * (m - 2);
            t->c += m * (m - 1) * (2 * m + 5);
        }
        i = j;
    }
    free(s);
    return MSUM_OK;
}

/* S = concordant - discordant pairs of (x, y) in O(n log n) (Knight 1966): sort by x then y,
 * count the pairs tied in x (n1) and in both (n3), merge-sort by y counting the exchanges (the
 * discordant pairs D), count the pairs tied in y (n2); S = n(n-1)/2 - n1 - n2 + n3 - 2 D. */
typedef struct {
    double x, y;
} xy;

static int cmp_xy(const void *a, const void *b)
{
    const xy *p = a, *q = b;
    if (p->x != q->x) return (p->x > q->x) - (p->x < q->x);
    return (p->y > q->y) - (p->y < q->y);
}

static double tied_pairs(const double *v, size_t n, const xy *pv, int both)
{
    double t = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        if (pv)
            while (j < n && pv[j].x == pv[i].x && (!both || pv[j].y == pv[i].y)) j++;
        else
            /* cppcheck-suppress nullPointer ; v is given whenever pv is NULL */
            while (j < n && v[j] == v[i]) j++;
        double m = (double)(j - i);
        t += m * (m - 1) / 2;
        i = j;
    }
    return t;
}

/* Bottom-up merge sort of y (n values), returning the number of exchanges: pairs i < j with
 * y_i > y_j (ties are not exchanged). */
static double sort_count(double *y, double *tmp, size_t n)
{
    double swaps = 0;
    for (size_t w = 1; w < n; w *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * w) {
            size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            size_t i = lo, j = mid, o = lo;
            while (i < mid && j < hi) {
                if (y[j] < y[i]) {
                    swaps += (double)(mid - i);
                    tmp[o++] = y[j++];
                } else {
                    tmp[o++] = y[i++];
                }
            }
            while (i < mid) tmp[o++] = y[i++];
            while (j < hi) tmp[o++] = y[j++];
        }
        memcpy(y, tmp, n * sizeof *y);
    }
    return swaps;
}

static int kendall_s(const double *x, const double *y, size_t n, double *S)
{
    xy *p = malloc(n * sizeof *p);
    double *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
    if (!p || !a || !b) {
        free(p);
        free(a);
        free(b);
        return MSUM_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) p[i] = (xy){x[i], y[i]};
    qsort(p, n, sizeof *p, cmp_xy);
    double n1 = tied_pairs(NULL, n, p, 0), n3 = tied_pairs(NULL, n, p, 1);
    for (size_t i = 0; i < n; i++) a[i] = p[i].y;
    double d = sort_count(a, b, n), n2 = tied_pairs(a, n, NULL, 0);
    double nn = (double)n;
    *S = nn * (nn - 1) / 2 - n1 - n2 + n3 - 2 * d;
    free(p);
    free(a);
    free(b);
    return MSUM_OK;
}

/* P(T <= q) for T the number of concordant pairs among n with no ties (R's pkendall): the
 * distribution of the number of inversions of a random permutation, built one element at a
 * time as probabilities (p_m(j) = mean of p_{m-1}(j - i), i = 0..m-1) with running sums. */
static int kendall_cdf(size_t n, double q, double *p)
{
    size_t top = n * (n - 1) / 2;
    double *a = calloc(top + 1, sizeof *a), *b = calloc(top + 1, sizeof *b);
    if (!a || !b) {
        free(a);
        free(b);
        return MSUM_ENOMEM;
    }
    a[0] = 1;
    for (size_t m = 2; m <= n; m++) {
        size_t hi = m * (m - 1) / 2, prev = (m - 1) * (m - 2) / 2;
        double run = 0;
        for (size_t j = 0; j <= hi; j++) {
            if (j <= prev) run += a[j];
            if (j >= m && j - m <= prev) run -= a[j - m];
            b[j] = run / (double)m;
        }
        double *t = a;
        a = b;
        b = t;
    }
    double s = 0;
    for (size_t j = 0; j <= top && (double)j <= q; j++) s += a[j];
    free(a);
    free(b);
    *p = fmin(1, s);
    return MSUM_OK;
}

int msum_ranktest(const double *yi, const double *vi, size_t k, msum_ranktest_result *out)
{
    if (!out) return MSUM_EINVAL;
    memset(out, 0, sizeof *out);
    out->reason = "";
    out->k = k;
    out->tau = out->S = out->z = out->pval = NAN;
    if (k > 0 && (!yi || !vi)) return MSUM_EINVAL;
    int st = check_data(yi, vi, k);
    if (st != MSUM_OK) return st;
    if (k < 2) return undefined(&out->defined, &out->reason, "fewer than 2 studies");

    double sw = 0, swy = 0;
    for (size_t i = 0; i < k; i++) sw += 1 / vi[i];
    for (size_t i = 0; i < k; i++) swy += (yi[i] - yi[0]) / vi[i];
    double theta = yi[0] + swy / sw, vb = 1 / sw;
    double *x = malloc(k * sizeof *x);
    if (!x) return MSUM_ENOMEM;
    for (size_t i = 0; i < k; i++) x[i] = (yi[i] - theta) / sqrt(vi[i] - vb);

    ties tx, ty;
    st = tie_sums(x, k, &tx);
    if (st == MSUM_OK) st = tie_sums(vi, k, &ty);
    if (st != MSUM_OK) {
        free(x);
        return st;
    }
    double S;
    st = kendall_s(x, vi, k, &S);
    if (st != MSUM_OK) {
        free(x);
        return st;
    }
    double n = (double)k, T0 = n * (n - 1) / 2, T1 = tx.a / 2, T2 = ty.a / 2;
    int xconst = T1 == T0, yconst = T2 == T0;
    free(x);
    if (xconst || yconst || !isfinite(S))
        return undefined(&out->defined, &out->reason,
                         yconst ? "all vi are equal: Kendall's tau is undefined"
                                : "all standardised effects are equal: Kendall's tau is "
                                  "undefined");
    out->defined = 1;
    out->S = S;
    out->tau = S / sqrt((T0 - T1) * (T0 - T2));
    if (!tx.any && !ty.any && k <= 170) {
        /* R: q = round((tau + 1) n (n - 1) / 4), the number of concordant pairs */
        double q = (S + T0) / 2, p;
        if (q > T0 / 2) {
            st = kendall_cdf(k, q - 1, &p);
            p = 1 - p;
        } else {
            st = kendall_cdf(k, q, &p);
        }
        if (st != MSUM_OK) return st;
        out->exact = 1;
        out->pval = fmin(1, 2 * p);
        return MSUM_OK;
    }
    double var = (n * (n - 1) * (2 * n + 5) - tx.c - ty.c) / 18 +
                 tx.a * ty.a / (2 * n * (n - 1)) + tx.b * ty.b / (9 * n * (n - 1) * (n - 2));
    out->z = S / sqrt(var);
    out->pval = 2 * fmin(gsl_cdf_ugaussian_P(out->z), gsl_cdf_ugaussian_Q(out->z));
    return MSUM_OK;
}

/* ------------------------------------------------------------------------------------------ */
/* trimfill (Duval & Tweedie 2000; metafor trimfill.rma.uni).  On the side where studies are
 * missing (effects flipped to the left side when they are missing on the right), the effects are
 * sorted; each iteration refits on the k - k0 smallest, ranks |yi - beta| (ties by position) and
 * updates k0 from the signed ranks:
 *   L0 = (4 Sr - k(k+1)) / (2k - 1),   Sr = sum of the positive ranks,
 *   R0 = k - (largest negative rank) - 1,
 *   Q0 = k - 1/2 - sqrt(2k^2 - 4 Sr + 1/4),
 * rounded half to even (R's round) and floored at 0, until k0 repeats.  SEs as metafor (from the
 * unrounded k0):  var(Sr) = (k(k+1)(2k+1) + 10k0^3 + 27k0^2 + 17k0 - 18k k0^2 - 18k k0
 * + 6k^2 k0)/24;  se(L0) = 4 sqrt(var Sr)/(2k - 1), se(Q0) = 2 sqrt(var Sr)/sqrt((k - 1/2)^2
 * - k0(2k - k0 - 1)), se(R0) = sqrt(2 max(0, k0) + 2).  The k0 largest are mirrored about the
 * last trimmed estimate.  R0 with no negative rank (metafor stops) takes 0 as the largest. */

typedef struct {
    double y;
    size_t i;
} keyed;

static int cmp_keyed(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    if (x->y != y->y) return (x->y > y->y) - (x->y < y->y);
    return (x->i > y->i) - (x->i < y->i);
}

static int cmp_abs_keyed(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    double ax = fabs(x->y), ay = fabs(y->y);
    if (ax != ay) return (ax > ay) - (ax < ay);
    return (x->i > y->i) - (x->i < y->i);
}

void msum_trimfill_result_free(msum_trimfill_result *r)
{
    if (!r) return;
    free(r->yi_fill);
    free(r->vi_fill);
    r->yi_fill = r->vi_fill = NULL;
}

static int tf_side(const double *yi, const double *vi, size_t k, const msum_pool_opts *po,
                   msum_tf_side *side)
{
    size_t same = 1;
    while (same < k && vi[same] == vi[0]) same++;
    if (same == k) return MSUM_EDATA; /* sqrt(vi) collinear with the intercept */
    double *X = malloc(2 * k * sizeof *X);
    if (!X) return MSUM_ENOMEM;
    for (size_t i = 0; i < k; i++) {
        X[2 * i] = 1;
        X[2 * i + 1] = sqrt(vi[i]);
    }
    msum_metareg_opts mo = MSUM_METAREG_OPTS_DEFAULT;
    mo.method = po->method;
    mo.threshold = po->threshold;
    mo.maxiter = po->maxiter;
    mo.r2 = 0;
    msum_metareg_result r;
    const char *names[2] = {"intrcpt", "sqrt(vi)"};
    int st = msum_metareg_x(yi, vi, k, X, 2, 1, names, &mo, &r);
    free(X);
    if (st == MSUM_OK) *side = r.beta[1] < 0 ? MSUM_TF_SIDE_RIGHT : MSUM_TF_SIDE_LEFT;
    if (st == MSUM_OK || st == MSUM_ENOCONV) msum_metareg_result_free(&r);
    return st;
}

static double var_sr(double k, double k0)
{
    return (k * (k + 1) * (2 * k + 1) + 10 * k0 * k0 * k0 + 27 * k0 * k0 + 17 * k0 -
            18 * k * k0 * k0 - 18 * k * k0 + 6 * k * k * k0) / 24;
}

/* One trim step: k0 and its SE from the signed ranks of yc (k values) about beta. */
static int tf_step(const keyed *s, size_t k, double beta, msum_tf_estimator e, keyed *work,
                   double *k0_out, double *se_out)
{
    for (size_t j = 0; j < k; j++) {
        work[j].y = s[j].y - beta;
        work[j].i = j;
    }
    qsort(work, k, sizeof *work, cmp_abs_keyed);
    double kk = (double)k, sr = 0, maxneg = 0, k0, se;
    for (size_t r = 0; r < k; r++) {
        double rank = (double)(r + 1);
        if (work[r].y > 0) sr += rank;
        if (work[r].y < 0) maxneg = rank;
    }
    if (e == MSUM_TF_R0) {
        k0 = kk - maxneg - 1;
        se = sqrt(2 * fmax(0, k0) + 2);
    } else if (e == MSUM_TF_L0) {
        k0 = (4 * sr - kk * (kk + 1)) / (2 * kk - 1);
        se = 4 * sqrt(var_sr(kk, k0)) / (2 * kk - 1);
    } else {
        double rad = 2 * kk * kk - 4 * sr + 0.25;
        if (rad < 0) return MSUM_EDOM;
        k0 = kk - 0.5 - sqrt(rad);
        se = 2 * sqrt(var_sr(kk, k0)) / sqrt((kk - 0.5) * (kk - 0.5) - k0 * (2 * kk - k0 - 1));
    }
    *k0_out = fmax(0, nearbyint(k0));
    *se_out = isnan(se) ? se : fmax(0, se);
    return MSUM_OK;
}

int msum_trimfill(const double *yi, const double *vi, size_t k, const msum_trimfill_opts *opts,
                  msum_trimfill_result *out)
{
    static const msum_trimfill_opts defaults = MSUM_TRIMFILL_OPTS_DEFAULT;
    const msum_trimfill_opts *o = opts ? opts : &defaults;
    if (!out) return MSUM_EINVAL;
    memset(out, 0, sizeof *out);
    out->reason = "";
    out->se_k0 = out->p_k0 = NAN;
    if (k > 0 && (!yi || !vi)) return MSUM_EINVAL;
    if ((unsigned)o->estimator > MSUM_TF_Q0 || (unsigned)o->side > MSUM_TF_SIDE_RIGHT ||
        o->maxiter < 1)
        return MSUM_EINVAL;
    int st = check_data(yi, vi, k);
    if (st != MSUM_OK) return st;
    if (k < 3) return undefined(&out->defined, &out->reason, "fewer than 3 studies");

    msum_pool_opts po = o->pool;
    po.qprofile = 0;
    int identical = 1;
    for (size_t i = 1; i < k; i++)
        if (yi[i] != yi[0]) identical = 0;
    if (identical) {
        /* every deviation from the estimate is 0: no study is trimmed or filled */
        out->defined = 1;
        out->reason = "identical effects: no asymmetry, nothing to fill";
        out->side = o->side == MSUM_TF_SIDE_RIGHT ? MSUM_TF_SIDE_RIGHT : MSUM_TF_SIDE_LEFT;
        double kk = (double)k;
        out->se_k0 = o->estimator == MSUM_TF_R0   ? sqrt(2)
                     : o->estimator == MSUM_TF_L0 ? 4 * sqrt(var_sr(kk, 0)) / (2 * kk - 1)
                                                  : 2 * sqrt(var_sr(kk, 0)) / (kk - 0.5);
        if (o->estimator == MSUM_TF_R0) out->p_k0 = 0.5;
        return msum_pool(yi, vi, k, &o->pool, &out->pooled);
    }
    msum_tf_side side = o->side;
    if (side == MSUM_TF_SIDE_AUTO) {
        int m = po.method;
        if (!(msum_estimator_is_fixed(po.method) || m == MSUM_EST_DL || m == MSUM_EST_HE ||
              m == MSUM_EST_ML || m == MSUM_EST_REML))
            return MSUM_EINVAL;
        st = tf_side(yi, vi, k, &po, &side);
        if (st == MSUM_EDATA)
            return undefined(&out->defined, &out->reason,
                             "the side cannot be chosen: all vi are equal (give the side)");
        if (st != MSUM_OK) return st;
    }
    out->side = side;
    double sign = side == MSUM_TF_SIDE_RIGHT ? -1 : 1;

    keyed *s = malloc(k * sizeof *s), *work = malloc(k * sizeof *work);
    double *ty = malloc(k * sizeof *ty), *tv = malloc(k * sizeof *tv);
    if (!s || !work || !ty || !tv) {
        st = MSUM_ENOMEM;
        goto done;
    }
    for (size_t i = 0; i < k; i++) {
        s[i].y = sign * yi[i];
        s[i].i = i;
    }
    qsort(s, k, sizeof *s, cmp_keyed); /* stable: ties keep input order, as R's sort */

    double k0 = 0, k0sav = -1, se = NAN, beta = NAN;
    int iter = 0;
    while (k0 != k0sav) {
        k0sav = k0;
        if (++iter > o->maxiter) {
            st = undefined(&out->defined, &out->reason,
                           "trim and fill did not converge within maxiter iterations");
            goto done;
        }
        size_t kt = k - (size_t)k0;
        for (size_t j = 0; j < kt; j++) {
            ty[j] = s[j].y;
            tv[j] = vi[s[j].i];
        }
        msum_pool_result fr;
        st = msum_pool(ty, tv, kt, &po, &fr);
        if (st != MSUM_OK) goto done;
        beta = fr.estimate;
        st = tf_step(s, k, beta, o->estimator, work, &k0, &se);
        if (st == MSUM_EDOM) {
            st = undefined(&out->defined, &out->reason,
                           "Q0 is undefined here (2k^2 - 4 Sr + 1/4 < 0)");
            goto done;
        }
        if (k0 > (double)k - 1) k0 = (double)k - 1; /* keep one study to refit on */
    }
    out->iterations = iter;
    out->k0 = (size_t)k0;
    out->se_k0 = se;
    if (o->estimator == MSUM_TF_R0) out->p_k0 = pow(0.5, k0 + 1);
    size_t nk0 = out->k0, kt = k + nk0;
    double *ay = malloc(kt * sizeof *ay), *av = malloc(kt * sizeof *av);
    if (nk0 > 0) {
        out->yi_fill = malloc(nk0 * sizeof *out->yi_fill);
        out->vi_fill = malloc(nk0 * sizeof *out->vi_fill);
    }
    if (!ay || !av || (nk0 > 0 && (!out->yi_fill || !out->vi_fill))) {
        free(ay);
        free(av);
        msum_trimfill_result_free(out);
        st = MSUM_ENOMEM;
        goto done;
    }
    memcpy(ay, yi, k * sizeof *ay);
    memcpy(av, vi, k * sizeof *av);
    for (size_t j = 0; j < nk0; j++) {
        const keyed *src = &s[k - nk0 + j];
        /* mirror about beta in the flipped scale, then flip back */
        out->yi_fill[j] = sign * (2 * beta - src->y);
        out->vi_fill[j] = vi[src->i];
        ay[k + j] = out->yi_fill[j];
        av[k + j] = out->vi_fill[j];
    }
    st = msum_pool(ay, av, kt, &o->pool, &out->pooled);
    free(ay);
    free(av);
    if (st == MSUM_OK) out->defined = 1;
    else msum_trimfill_result_free(out);
done:
    free(s);
    free(work);
    free(ty);
    free(tv);
    return st;
}

/* ------------------------------------------------------------------------------------------ */
/* fsn (metafor fsn):
 *   Rosenthal 1979 (Stouffer): z = |sum z_i| / sqrt(k), z_i = y_i/sqrt(v_i), p = 1 - Phi(z),
 *     N = max(0, k (z / z_{1-alpha})^2 - k);
 *   Orwin 1983: N = max(0, k (mean - target) / target), target = mean/2 unless given (its sign
 *     matched to the mean's), +Inf for target 0; the mean plain or inverse-variance weighted;
 *   Rosenberg 2005: mu = sum w y / sum w, z = mu sqrt(sum w), p two-sided,
 *     N = max(0, k ((sum w y / z_{1-alpha/2})^2 - sum w) / sum w).
 * N is rounded up unless it lies within sqrt(DBL_EPSILON) of an integer (then rounded). */

int msum_fsn(const double *yi, const double *vi, size_t k, const msum_fsn_opts *opts,
             msum_fsn_result *out)
{
    static const msum_fsn_opts defaults = MSUM_FSN_OPTS_DEFAULT;
    const msum_fsn_opts *o = opts ? opts : &defaults;
    if (!out) return MSUM_EINVAL;
    memset(out, 0, sizeof *out);
    out->reason = "";
    out->type = o->type;
    out->alpha = o->alpha;
    out->fsnum = out->pval = out->meanes = out->target = NAN;
    if ((unsigned)o->type > MSUM_FSN_ROSENBERG || !(o->alpha > 0 && o->alpha < 1))
        return MSUM_EINVAL;
    int need_vi = o->type != MSUM_FSN_ORWIN || o->weighted;
    if (k > 0 && (!yi || (need_vi && !vi))) return MSUM_EINVAL;
    int st = check_data(yi, need_vi ? vi : NULL, k);
    if (st != MSUM_OK) return st;
    if (k == 0) return undefined(&out->defined, &out->reason, "no studies");
    double kk = (double)k, n;
    if (o->type == MSUM_FSN_ROSENTHAL) {
        double sz = 0;
        for (size_t i = 0; i < k; i++) sz += yi[i] / sqrt(vi[i]);
        double z = fabs(sz / sqrt(kk)), za = gsl_cdf_ugaussian_Qinv(o->alpha);
        out->pval = gsl_cdf_ugaussian_Q(z);
        n = fmax(0, kk * (z / za) * (z / za) - kk);
    } else if (o->type == MSUM_FSN_ORWIN) {
        double sw = 0, swy = 0;
        for (size_t i = 0; i < k; i++) {
            double w = o->weighted ? 1 / vi[i] : 1;
            sw += w;
            swy += w * yi[i];
        }
        double m = swy / sw, t = isnan(o->target) ? m / 2 : o->target;
        if (t == 0) {
            n = INFINITY;
        } else {
            if ((t > 0) - (t < 0) != (m > 0) - (m < 0)) t = -t; /* R: sign(t) != sign(m) */
            n = fmax(0, kk * (m - t) / t);
        }
        out->meanes = m;
        out->target = t;
    } else {
        double sw = 0, swy = 0;
        for (size_t i = 0; i < k; i++) {
            sw += 1 / vi[i];
            swy += yi[i] / vi[i];
        }
        double m = swy / sw, z = m * sqrt(sw), za = gsl_cdf_ugaussian_Qinv(o->alpha / 2);
        double wp = (swy / za) * (swy / za) - sw;
        out->meanes = m;
        out->pval = 2 * gsl_cdf_ugaussian_Q(fabs(z));
        n = fmax(0, kk * wp / sw);
    }
    if (isfinite(n) && fabs(n - nearbyint(n)) >= sqrt(DBL_EPSILON))
        n = ceil(n);
    else if (isfinite(n))
        n = nearbyint(n);
    out->fsnum = n;
    out->defined = 1;
    return MSUM_OK;
}
