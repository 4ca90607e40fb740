/* Intercept-only fixed- and random-effects pooling, matching metafor 3.8 rma.uni / confint /
 * predict / fitstats, computed in O(k) time and memory from weighted sums.
 * Implements DerSimonian & Laird 1986, Hedges 1983, Hunter & Schmidt 2004, Sidik & Jonkman 2005,
 * Paule & Mandel 1982, Morris 1983 (EB), Viechtbauer 2005 (ML/REML Fisher scoring), Viechtbauer
 * 2007 (Q-profile CI), Knapp & Hartung 2003, Higgins & Thompson 2002 (I2, H2).
 */
#include "metasum/pool.h"

#include <float.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_roots.h>
#include <math.h>
#include <string.h>
#include <strings.h>

#include "dist.h"
#include "metasum/metasum.h"

/* metafor's control tol default (.Machine$double.eps^0.25): the margin by which the likelihood
 * at tau2 = 0 must beat the Fisher scoring optimum before ML/REML reset tau2 to 0. */
#define LL0_MARGIN 1.220703125e-4

#define LOG_2PI 1.8378770664093454836 /* log(2 pi) */

/* ------------------------------------------------------------------------------------------ */
/* Weighted sums at one tau2.
 *
 * For the intercept-only model with w_i = 1/(v_i + tau2), mu = sum w y / S1 and r_i = y_i - mu:
 *   S1 = sum w, S2 = sum w^2, S3 = sum w^3, Q = sum w r^2 (generalized Q), Q2 = sum w^2 r^2.
 * Then tr P = S1 - S2/S1, tr P^2 = S2 - 2 S3/S1 + (S2/S1)^2 and y'P^2 y = Q2, where
 * P = W - w w'/S1 is metafor's projection matrix.  One pass over the data: deviations are taken
 * from a centre c (the previous mu) and corrected by delta = mu - c; when the correction would
 * cancel more than one bit the pass is repeated around the new mu, so Q is always, in effect,
 * the stable sum of w (y - mu)^2. */

typedef struct {
    const double *y, *v;
    size_t k;
    double c;                   /* centre for the next pass: the last mu */
    double log_tau2[2], log[2]; /* sum_log() at two tau2 values (NaN: none yet) */
    msum_pool_cache *cache;     /* quantiles of the Q-profile CI, or NULL */
} fitdata;

typedef struct {
    double s1, s2, s3, mu, q, q2;
} wsums;

static void sums_pass(const fitdata *d, double tau2, int order2, wsums *s, double *a_wee_out,
                      double *a_w2ee_out)
{
    const double *y = d->y, *v = d->v, c = d->c;
    double a1 = 0, a_we = 0, a_wee = 0, a2 = 0, a3 = 0, a_w2e = 0, a_w2ee = 0;
    if (order2) {
        for (size_t i = 0; i < d->k; i++) {
            double w = 1.0 / (v[i] + tau2), e = y[i] - c, we = w * e, w2 = w * w;
            a1 += w;
            a_we += we;
            a_wee += we * e;
            a2 += w2;
            a3 += w2 * w;
            a_w2e += w2 * e;
            a_w2ee += w2 * e * e;
        }
    } else {
        for (size_t i = 0; i < d->k; i++) {
            double w = 1.0 / (v[i] + tau2), e = y[i] - c, we = w * e;
            a1 += w;
            a_we += we;
            a_wee += we * e;
        }
    }
    double delta = a_we / a1;
    s->s1 = a1;
    s->mu = c + delta;
    s->q = a_wee - delta * a_we;
    s->s2 = order2 ? a2 : NAN;
    s->s3 = order2 ? a3 : NAN;
    s->q2 = order2 ? a_w2ee - 2.0 * delta * a_w2e + delta * delta * a2 : NAN;
    *a_wee_out = a_wee;
    *a_w2ee_out = a_w2ee;
}

static void sums_at(fitdata *d, double tau2, int order2, wsums *s)
{
    double a_wee, a_w2ee;
    sums_pass(d, tau2, order2, s, &a_wee, &a_w2ee);
    int cancel = s->q < 0.5 * a_wee || (order2 && s->q2 < 0.5 * a_w2ee);
    if (cancel && s->mu != d->c) {
        d->c = s->mu;
        sums_pass(d, tau2, order2, s, &a_wee, &a_w2ee);
    }
    d->c = s->mu;
    if (s->q < 0) s->q = 0;
    if (order2 && s->q2 < 0) s->q2 = 0;
}

static double tr_p(const wsums *s) { return s->s1 - s->s2 / s->s1; }

static double tr_pp(const wsums *s)
{
    double r = s->s2 / s->s1;
    return s->s2 - 2.0 * s->s3 / s->s1 + r * r;
}

/* Unweighted moments: mean of y, sum (y - ybar)^2, sum v, sum v^2. */
typedef struct {
    double ybar, ss, sv, svv;
} umoments;

static void unweighted(const fitdata *d, umoments *m)
{
    double sy = 0, sv = 0, svv = 0;
    for (size_t i = 0; i < d->k; i++) {
        sy += d->y[i] - d->y[0];
        sv += d->v[i];
        svv += d->v[i] * d->v[i];
    }
    double ybar = d->y[0] + sy / (double)d->k, ss = 0;
    for (size_t i = 0; i < d->k; i++) ss += (d->y[i] - ybar) * (d->y[i] - ybar);
    m->ybar = ybar;
    m->ss = ss;
    m->sv = sv;
    m->svv = svv;
}

/* sum log(v_i + tau2): a sum of logs, never the log of a product (a product of k variances
 * under- or overflows long before k = 10^3, and log(0) = -Inf would make that likelihood win).
 * The likelihood comparison and the fit statistics ask for tau2 = 0 and the estimate: the last
 * two are remembered. */
static double sum_log_pass(const fitdata *d, double tau2)
{
    double total = 0;
    for (size_t i = 0; i < d->k; i++) total += log(d->v[i] + tau2);
    return total;
}

static double sum_log(fitdata *d, double tau2)
{
    int slot = tau2 == 0 ? 0 : 1;
    if (d->log_tau2[slot] != tau2) {
        d->log[slot] = sum_log_pass(d, tau2);
        d->log_tau2[slot] = tau2;
    }
    return d->log[slot];
}

/* Log-likelihoods of metafor's rma.uni (intercept-only, p = 1).  slog = sum log(v + tau2),
 * s1 = sum w, rss = sum w r^2.
 * ML:   -k/2 log(2 pi) - 1/2 slog - 1/2 rss
 * REML: -(k-1)/2 log(2 pi) + 1/2 log k - 1/2 slog - 1/2 log s1 - 1/2 rss  (metafor REMLf=TRUE) */
static double loglik_ml(size_t k, double slog, double rss)
{
    return -0.5 * (double)k * LOG_2PI - 0.5 * slog - 0.5 * rss;
}

static double loglik_reml(size_t k, double slog, double s1, double rss)
{
    return -0.5 * ((double)k - 1) * LOG_2PI + 0.5 * log((double)k) - 0.5 * slog -
           0.5 * log(s1) - 0.5 * rss;
}

/* ------------------------------------------------------------------------------------------ */
/* Root finding on the generalized Q (PM and the Q-profile CI): Newton steps on O(k) sums,
 * with GSL's Brent solver as the safeguard. */

typedef struct {
    fitdata *d;
    double target;
    int evals;
} qroot;

static double q_minus_target(double tau2, void *p)
{
    qroot *r = p;
    wsums s;
    sums_at(r->d, tau2, 0, &s);
    r->evals++;
    return s.q - r->target;
}

/* Root of Q(tau2) = target in [lo, hi] (Q is decreasing: dQ/dtau2 = -sum w^2 r^2).  The caller
 * has checked the bracket.  Returns MSUM_OK or MSUM_ENOCONV; *iter counts solver iterations. */
static int q_root(fitdata *d, double target, double lo, double hi, double tol, int maxiter,
                  double *root, int *iter)
{
    qroot r = {d, target, 0};
    gsl_function f = {q_minus_target, &r};
    gsl_root_fsolver *s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    if (!s) return MSUM_ENOMEM;
    int st = gsl_root_fsolver_set(s, &f, lo, hi), it = 0;
    while (st == GSL_SUCCESS && it < maxiter) {
        it++;
        st = gsl_root_fsolver_iterate(s);
        if (st != GSL_SUCCESS) break;
        lo = gsl_root_fsolver_x_lower(s);
        hi = gsl_root_fsolver_x_upper(s);
        st = gsl_root_test_interval(lo, hi, tol, 4 * DBL_EPSILON);
        if (st == GSL_SUCCESS) break;
        if (st == GSL_CONTINUE) st = GSL_SUCCESS;
    }
    int ok = st == GSL_SUCCESS && gsl_root_test_interval(lo, hi, tol, 4 * DBL_EPSILON) ==
                                      GSL_SUCCESS;
    *root = gsl_root_fsolver_root(s);
    *iter = it;
    gsl_root_fsolver_free(s);
    return ok ? MSUM_OK : MSUM_ENOCONV;
}

/* Root of Q(tau2) = target to the right of x0, where Q(x0) > target.  Q is convex and
 * decreasing in tau2 (each w (y - mu)^2 is jointly convex in mu and tau2, and the minimum over
 * mu keeps convexity), so Newton steps with dQ/dtau2 = -sum w^2 r^2 (one pass for both) rise
 * monotonically to the root and converge quadratically; they stop when a step is below tol.
 * After maxiter steps, or on a non-finite value, Brent's method takes over on [x, hi]. */
static int q_root_newton(fitdata *d, double target, double x0, double hi, double tol,
                         int maxiter, double *root, int *iter)
{
    double x = x0;
    int it = 0;
    while (it < maxiter) {
        wsums s;
        sums_at(d, x, 1, &s);
        it++;
        double f = s.q - target;
        if (f <= 0) break; /* on the root, up to rounding */
        double step = f / s.q2, nx = x + step;
        if (!isfinite(nx) || !(step > 0)) break;
        if (nx >= hi) {
            x = fmin(x, hi);
            break;
        }
        x = nx;
        if (step <= tol + 4 * DBL_EPSILON * x) {
            *root = x;
            *iter = it;
            return MSUM_OK;
        }
    }
    wsums s;
    sums_at(d, x, 0, &s);
    /* reached it, up to rounding: Q is recomputed around a moving centre, so at the root it can
     * come out a few ulps either side of the target, and Brent's bracket [x, hi] would then
     * not straddle the root */
    if (s.q <= target || s.q - target <= 16 * DBL_EPSILON * target) {
        *root = x;
        *iter = it;
        return MSUM_OK;
    }
    int bit = 0, st = q_root(d, target, x, hi, tol, maxiter, root, &bit);
    *iter = it + bit;
    return st;
}

/* ------------------------------------------------------------------------------------------ */
/* tau2 estimators.  Each returns MSUM_OK (tau2, se_tau2, iterations set) or MSUM_ENOCONV /
 * MSUM_EDATA.  `w0` are the sums at tau2 = 0 (weights 1/v_i), QE = w0.q. */

typedef struct {
    double tau2, se_tau2;
    int iterations;
} tau2_fit;

/* se of a Q-type estimator (DL, HS): metafor's
 * sqrt((2(k-1) + 4 tau2 tr P + 2 tau2^2 tr P^2)) / denom with P at w = 1/v. */
static double se_qtype(size_t k, const wsums *w0, double tau2, double denom)
{
    double t = fmax(tau2, 0);
    return sqrt(2.0 * ((double)k - 1) + 4.0 * t * tr_p(w0) + 2.0 * t * t * tr_pp(w0)) / denom;
}

/* DerSimonian & Laird 1986, metafor method="DL":
 *   tau2 = max(0, (QE - (k-1)) / (S1 - S2/S1)),  w = 1/v. */
static void est_dl(size_t k, const wsums *w0, tau2_fit *f)
{
    double trp = tr_p(w0);
    f->tau2 = fmax(0, (w0->q - ((double)k - 1)) / trp);
    f->se_tau2 = se_qtype(k, w0, f->tau2, trp);
}

/* Hunter & Schmidt 2004, metafor method="HS":  tau2 = max(0, (QE - k) / S1),  w = 1/v. */
static void est_hs(size_t k, const wsums *w0, tau2_fit *f)
{
    f->tau2 = fmax(0, (w0->q - (double)k) / w0->s1);
    f->se_tau2 = se_qtype(k, w0, f->tau2, w0->s1);
}

/* Hedges 1983 / Hedges & Olkin 1985 (unweighted method of moments), metafor method="HE":
 *   tau2 = max(0, sum (y - ybar)^2/(k-1) - mean(v)).
 * se (metafor): sqrt(2 tr(PVPV) + 4 tau2 tr(PV) + 2 tau2^2 (k-1)) / (k-1), P = I - J/k, with
 * tr(PV) = (k-1)/k sum v and tr(PVPV) = sum v^2 (1 - 2/k) + (sum v)^2 / k^2. */
static double he_raw(size_t k, const umoments *m)
{
    return m->ss / ((double)k - 1) - m->sv / (double)k;
}

static void est_he(size_t k, const umoments *m, tau2_fit *f)
{
    double kk = (double)k, t = fmax(0, he_raw(k, m));
    double trpv = (kk - 1) / kk * m->sv;
    double trpvpv = m->svv * (1 - 2 / kk) + m->sv * m->sv / (kk * kk);
    f->tau2 = t;
    f->se_tau2 = sqrt(2 * trpvpv + 4 * t * trpv + 2 * t * t * (kk - 1)) / (kk - 1);
}

/* Sidik & Jonkman 2005, metafor method="SJ":
 *   tau0 = sum (y - ybar)^2 / k;  tau2 = tau0 * Q(tau0) / (k-1),  Q with w = 1/(v + tau0).
 * se (metafor): tau0/(k-1) * sqrt(2 tr(PVPV) + 4 tau2 tr(P^2 V) + 2 tau2^2 tr(P^2)), P at tau0;
 * with a_i = w_i v_i: tr(PVPV) = sum a^2 - 2 sum w a^2 / S1 + (sum w a)^2 / S1^2 and
 * tr(P^2 V) = sum v w^2 - 2 sum v w^3 / S1 + S2 sum v w^2 / S1^2. */
static int est_sj(fitdata *d, const umoments *m, tau2_fit *f)
{
    size_t k = d->k;
    double tau0 = m->ss / (double)k;
    double aa = 0, waa = 0, vw2 = 0, vw3 = 0;
    for (size_t i = 0; i < k; i++) {
        double w = 1.0 / (d->v[i] + tau0), a = w * d->v[i];
        if (!isfinite(w)) return MSUM_EDATA;
        aa += a * a;
        waa += w * a * a;
        vw2 += a * w;
        vw3 += a * w * w;
    }
    wsums s;
    sums_at(d, tau0, 1, &s);
    double t = fmax(0, tau0 * s.q / ((double)k - 1));
    double trpvpv = aa - 2 * waa / s.s1 + vw2 * vw2 / (s.s1 * s.s1);
    double trppv = vw2 - 2 * vw3 / s.s1 + s.s2 * vw2 / (s.s1 * s.s1);
    f->tau2 = t;
    f->se_tau2 = tau0 / ((double)k - 1) * sqrt(2 * trpvpv + 4 * t * trppv + 2 * t * t * tr_pp(&s));
    return MSUM_OK;
}

/* Paule & Mandel 1982, metafor method="PM": the root of the generalized Q,
 *   Q(tau2) = sum w (y - mu)^2 = k - 1,  w = 1/(v + tau2);  0 when QE < k - 1.
 * Newton steps from 0 (q_root_newton; Brent's method as the safeguard) on [0, hi]; hi starts
 * at opts.tau2_max (metafor: max(100, 10 mad(y)^2)) and grows tenfold until it brackets the
 * root, where metafor stops with an error instead.  (metafor uses uniroot, i.e. Brent.)
 * se (metafor): sqrt(2 k^2 / (k-1)) / S1 at the estimate. */
static int est_pm(fitdata *d, const wsums *w0, const msum_pool_opts *o, tau2_fit *f)
{
    double target = (double)d->k - 1, t = 0;
    int iters = 0;
    if (w0->q >= target) {
        double hi = o->tau2_max;
        wsums s;
        sums_at(d, hi, 0, &s);
        while (s.q > target) {
            if (!(hi < 1e300)) return MSUM_ENOCONV;
            hi *= 10;
            sums_at(d, hi, 0, &s);
        }
        int st = q_root_newton(d, target, 0, hi, o->tol, o->maxiter, &t, &iters);
        if (st != MSUM_OK) return st;
    }
    wsums s;
    sums_at(d, t, 0, &s);
    double kk = (double)d->k;
    f->tau2 = t;
    f->se_tau2 = sqrt(2 * kk * kk / (kk - 1)) / s.s1;
    f->iterations = iters;
    return MSUM_OK;
}

/* Fisher scoring for ML and REML (Viechtbauer 2005) and EB (Morris 1983), metafor
 * method="ML"/"REML"/"EB", started from max(0, HE) as metafor does:
 *   ML:   step = (sum w^2 r^2 - S1) / S2
 *   REML: step = (sum w^2 r^2 - tr P) / tr P^2
 *   EB:   step = (Q k/(k-1) - k) / S1
 * times opts.step_adj, halved while tau2 + step < 0.
 * Stopping: with opts.threshold > 0 metafor's rule, |change| <= threshold (its iterates are
 * retraced).  With threshold 0 (the default) the iteration runs to full precision, relative to
 * the scale of the variances: |change| <= FISHER_RELTOL (tau2 + vh), vh = k / sum(1/vi) the
 * harmonic mean of the vi; Fisher scoring converges only linearly, so an absolute rule leaves
 * small tau2 (dat.cohen1981 ML: 1.2e-3) wrong in the 7th digit.  In that mode an optimum on the
 * boundary is returned as exactly 0: when the score at 0 is <= 0 (0 is a local maximum;
 * EB: Q(0) k/(k-1) <= k, its root is 0) and the converged value's likelihood is not above the
 * likelihood at 0, it is the boundary approached by halving steps, and tau2 is set to 0 (the
 * halving iterates would otherwise stop at 1e-11, a value of the threshold's size).
 * After convergence ML/REML compare the likelihood at tau2 = 0 and take 0 when it is higher by
 * more than metafor's tol (its ll0check).  se: ML sqrt(2/S2), REML sqrt(2/tr P^2),
 * EB sqrt(2 k^2/(k-1))/S1. */
#define FISHER_RELTOL 1e-13

static double fisher_loglik(fitdata *d, msum_estimator m, double tau2)
{
    wsums s;
    sums_at(d, tau2, 0, &s);
    return m == MSUM_EST_ML ? loglik_ml(d->k, sum_log(d, tau2), s.q)
                            : loglik_reml(d->k, sum_log(d, tau2), s.s1, s.q);
}

static int est_fisher(fitdata *d, msum_estimator m, const wsums *w0, const umoments *um,
                      int allvipos, const msum_pool_opts *o, tau2_fit *f)
{
    size_t k = d->k;
    double kk = (double)k, tau2 = fmax(0, he_raw(k, um)), change = HUGE_VAL;
    int iter = 0, conv = 1, exact = o->threshold == 0;
    /* the boundary is a maximum: score (or EB's target function) at 0 is <= 0 */
    int bound0 = 0;
    double vh = 0, ll0 = NAN;
    if (exact && allvipos) {
        vh = kk / w0->s1;
        double score0 = m == MSUM_EST_ML     ? w0->q2 - w0->s1
                        : m == MSUM_EST_REML ? w0->q2 - tr_p(w0)
                                             : w0->q * kk / (kk - 1) - kk;
        bound0 = score0 <= 0;
        if (bound0 && m == MSUM_EST_EB) tau2 = 0;
        if (bound0 && m != MSUM_EST_EB) ll0 = fisher_loglik(d, m, 0);
    }
    wsums s;
    for (;;) {
        if (exact ? change <= FISHER_RELTOL * (tau2 + vh) : change <= o->threshold) break;
        iter++;
        double old = tau2, adj;
        sums_at(d, tau2, m != MSUM_EST_EB, &s);
        if (m == MSUM_EST_ML)
            adj = (s.q2 - s.s1) / s.s2;
        else if (m == MSUM_EST_REML)
            adj = (s.q2 - tr_p(&s)) / tr_pp(&s);
        else
            adj = (s.q * kk / (kk - 1) - kk) / s.s1;
        adj *= o->step_adj;
        if (isnan(adj)) adj = 0;
        if (tau2 + adj < 0) {
            if (tau2 <= 0)
                adj = 0;
            else
                while (tau2 + adj < 0) adj /= 2;
        }
        tau2 += adj;
        change = fabs(old - tau2);
        if (!isfinite(tau2)) {
            conv = 0;
            break;
        }
        if (iter > o->maxiter) {
            conv = 0;
            break;
        }
    }
    f->iterations = iter;
    if (!conv) return MSUM_ENOCONV;
    /* iterates halving towards the boundary: snap to it */
    if (bound0 && m != MSUM_EST_EB && tau2 > 0 && !(fisher_loglik(d, m, tau2) > ll0)) tau2 = 0;

    sums_at(d, tau2, 1, &s);
    if (m != MSUM_EST_EB && allvipos) {
        double l0, ll;
        if (m == MSUM_EST_ML) {
            l0 = loglik_ml(k, sum_log(d, 0), w0->q);
            ll = loglik_ml(k, sum_log(d, tau2), s.q);
        } else {
            l0 = loglik_reml(k, sum_log(d, 0), w0->s1, w0->q);
            ll = loglik_reml(k, sum_log(d, tau2), s.s1, s.q);
        }
        if (l0 - ll > LL0_MARGIN && tau2 > (exact ? 0 : o->threshold)) {
            tau2 = 0;
            sums_at(d, tau2, 1, &s);
        }
    }
    f->tau2 = tau2;
    if (m == MSUM_EST_ML)
        f->se_tau2 = sqrt(2 / s.s2);
    else if (m == MSUM_EST_REML)
        f->se_tau2 = sqrt(2 / tr_pp(&s));
    else
        f->se_tau2 = sqrt(2 * kk * kk / (kk - 1)) / s.s1;
    return MSUM_OK;
}

/* se of tau2 when tau2 is fixed by the caller: metafor evaluates the estimator's formula at the
 * fixed value. */
static void se_fixed(fitdata *d, msum_estimator m, const wsums *w0, const umoments *um,
                     tau2_fit *f)
{
    size_t k = d->k;
    double kk = (double)k, t = f->tau2;
    wsums s;
    switch (m) {
    case MSUM_EST_DL: f->se_tau2 = se_qtype(k, w0, t, tr_p(w0)); break;
    case MSUM_EST_HS: f->se_tau2 = se_qtype(k, w0, t, w0->s1); break;
    case MSUM_EST_HE: {
        double trpv = (kk - 1) / kk * um->sv;
        double trpvpv = um->svv * (1 - 2 / kk) + um->sv * um->sv / (kk * kk);
        double u = fmax(t, 0);
        f->se_tau2 = sqrt(2 * trpvpv + 4 * u * trpv + 2 * u * u * (kk - 1)) / (kk - 1);
        break;
    }
    case MSUM_EST_ML: sums_at(d, t, 1, &s); f->se_tau2 = sqrt(2 / s.s2); break;
    case MSUM_EST_REML: sums_at(d, t, 1, &s); f->se_tau2 = sqrt(2 / tr_pp(&s)); break;
    case MSUM_EST_PM:
    case MSUM_EST_EB:
        sums_at(d, t, 0, &s);
        f->se_tau2 = sqrt(2 * kk * kk / (kk - 1)) / s.s1;
        break;
    default: f->se_tau2 = NAN; break; /* SJ: metafor's formula needs its tau0 fit */
    }
}

/* ------------------------------------------------------------------------------------------ */

static const char *const est_names[] = {"EE", "FE", "CE", "DL", "HE", "HS",
                                        "SJ", "ML", "REML", "PM", "EB"};
static const char *const test_names[] = {"z", "t", "knha", "adhoc"};

const char *msum_estimator_name(msum_estimator m)
{
    return (unsigned)m < sizeof est_names / sizeof est_names[0] ? est_names[m] : "?";
}

int msum_estimator_parse(const char *s, msum_estimator *out)
{
    if (!s || !out) return MSUM_EINVAL;
    for (size_t i = 0; i < sizeof est_names / sizeof est_names[0]; i++)
        if (strcasecmp(s, est_names[i]) == 0) {
            *out = (msum_estimator)i;
            return MSUM_OK;
        }
    return MSUM_EINVAL;
}

const char *msum_test_name(msum_test t)
{
    return (unsigned)t < sizeof test_names / sizeof test_names[0] ? test_names[t] : "?";
}

int msum_test_parse(const char *s, msum_test *out)
{
    if (!s || !out) return MSUM_EINVAL;
    for (size_t i = 0; i < sizeof test_names / sizeof test_names[0]; i++)
        if (strcasecmp(s, test_names[i]) == 0) {
            *out = (msum_test)i;
            return MSUM_OK;
        }
    if (strcasecmp(s, "hk") == 0 || strcasecmp(s, "hksj") == 0 || strcasecmp(s, "hartung") == 0) {
        *out = MSUM_TEST_KNHA;
        return MSUM_OK;
    }
    return MSUM_EINVAL;
}

int msum_estimator_is_fixed(msum_estimator m)
{
    return m == MSUM_EST_EE || m == MSUM_EST_FE || m == MSUM_EST_CE;
}

static int needs_positive_vi(msum_estimator m)
{
    return m == MSUM_EST_DL || m == MSUM_EST_HS || m == MSUM_EST_PM;
}

/* Estimate tau2 with one estimator (no fallback). */
static int estimate_tau2(fitdata *d, msum_estimator m, const wsums *w0, const umoments *um,
                         int allvipos, const msum_pool_opts *o, tau2_fit *f)
{
    f->iterations = 0;
    f->se_tau2 = NAN;
    if (needs_positive_vi(m) && !allvipos) return MSUM_EDATA;
    switch (m) {
    case MSUM_EST_DL: est_dl(d->k, w0, f); return MSUM_OK;
    case MSUM_EST_HS: est_hs(d->k, w0, f); return MSUM_OK;
    case MSUM_EST_HE: est_he(d->k, um, f); return MSUM_OK;
    case MSUM_EST_SJ: return est_sj(d, um, f);
    case MSUM_EST_PM: return est_pm(d, w0, o, f);
    case MSUM_EST_ML:
    case MSUM_EST_REML:
    case MSUM_EST_EB: return est_fisher(d, m, w0, um, allvipos, o, f);
    default: f->tau2 = 0; return MSUM_OK;
    }
}

/* Chi-square quantile with `tail` probability in the upper (upper = 1) or lower tail, by
 * Newton's method on GSL's distribution function from the Wilson-Hilferty approximation.
 * GSL's own inverse breaks down above ~1e5 df (it returns 1.33e5 for the upper 2.5 % point at
 * df = 1e5) and costs ~1 us per call, which dominates pooling 10^4 small groups; for df < 3,
 * where the approximation is a poor start, GSL's inverse is used. */
static double chisq_quantile(double tail, double df, int upper)
{
    if (df < 3) return upper ? gsl_cdf_chisq_Qinv(tail, df) : gsl_cdf_chisq_Pinv(tail, df);
    double z = upper ? gsl_cdf_ugaussian_Qinv(tail) : gsl_cdf_ugaussian_Pinv(tail);
    double h = 2 / (9 * df), c = 1 - h + z * sqrt(h), x = df * c * c * c;
    if (!(x > 0)) x = df * 1e-3;
    for (int i = 0; i < 50 && df <= 1e6; i++) {
        double f = upper ? tail - gsl_cdf_chisq_Q(x, df) : gsl_cdf_chisq_P(x, df) - tail;
        double d = gsl_ran_chisq_pdf(x, df);
        if (!(d > 0) || !isfinite(f)) break;
        double step = f / d, nx = x - step;
        if (!(nx > 0)) nx = x / 2;
        if (fabs(nx - x) <= 4 * DBL_EPSILON * x) {
            x = nx;
            break;
        }
        x = nx;
    }
    return x;
}

/* chisq_quantile() through the caller's cache (NULL: none); it is a pure function. */
static double chisq_quantile_cached(msum_pool_cache *c, double tail, double df, int upper)
{
    if (!c) return chisq_quantile(tail, df, upper);
    for (int i = 0; i < c->n; i++)
        if (c->tail[i] == tail && c->df[i] == df && c->upper[i] == upper) return c->x[i];
    double x = chisq_quantile(tail, df, upper);
    int j = c->next;
    c->tail[j] = tail;
    c->df[j] = df;
    c->upper[j] = upper;
    c->x[j] = x;
    c->next = (j + 1) % 4;
    if (c->n < 4) c->n++;
    return x;
}

/* Q-profile CI for tau2 (Viechtbauer 2007), as metafor confint.rma.uni(type="QP"): the bounds
 * solve Q(tau2) = chi2_{k-1, 1-a/2} (lower) and Q(tau2) = chi2_{k-1, a/2} (upper) on
 * [0, max(tau2_max, 10 tau2)].  Bound types: QE < chi2_{a/2} -> both 0, the null set;
 * Q(max) > chi2_{a/2} -> upper reported as max (sign +1); Q(max) > chi2_{1-a/2} -> both at max;
 * QE < chi2_{1-a/2} -> lower 0.  I2 and H2 bounds map through vt, tau through sqrt. */
static int qprofile(fitdata *d, const msum_pool_opts *o, msum_pool_result *r, double q_at_est)
{
    double df = (double)r->k - 1, a = 1 - r->level;
    double crit_u = chisq_quantile_cached(d->cache, a / 2, df, 1),
           crit_l = chisq_quantile_cached(d->cache, a / 2, df, 0);
    double tmax = fmax(o->tau2_max, 10 * r->tau2), lb = NAN, ub = NAN;
    int lbs = 0, ubs = 0, null = 0, it, st;
    if (!isfinite(crit_u) || !isfinite(crit_l)) return MSUM_ENOCONV;
    wsums smax;
    sums_at(d, tmax, 0, &smax);
    double qmin = r->QE, qmax = smax.q, est = r->tau2;

    if (qmin < crit_l) {
        lb = ub = 0;
        lbs = ubs = -1;
        null = 1;
    } else if (qmax > crit_l) {
        ub = tmax;
        ubs = 1;
    } else {
        double lo = 0, hi = tmax;
        if (est > 0 && est < tmax) {
            if (q_at_est > crit_l) lo = est; else hi = est;
        }
        st = q_root_newton(d, crit_l, lo, hi, o->tol, o->maxiter, &ub, &it);
        if (st == MSUM_ENOMEM) return st;
        if (st != MSUM_OK) ub = NAN;
    }
    if (qmax > crit_u) {
        lb = ub = tmax;
        lbs = ubs = 1;
    } else if (qmin < crit_u) {
        lb = 0;
    } else {
        double lo = 0, hi = tmax;
        if (est > 0 && est < tmax) {
            if (q_at_est > crit_u) lo = est; else hi = est;
        }
        st = q_root_newton(d, crit_u, lo, hi, o->tol, o->maxiter, &lb, &it);
        if (st == MSUM_ENOMEM) return st;
        if (st != MSUM_OK) lb = NAN;
    }
    r->tau2_ci = (msum_interval){r->tau2, lb, ub};
    r->tau_ci = (msum_interval){r->tau, lb >= 0 ? sqrt(lb) : NAN, ub >= 0 ? sqrt(ub) : NAN};
    r->I2_ci = (msum_interval){r->I2, 100 * lb / (r->vt + lb), 100 * ub / (r->vt + ub)};
    r->H2_ci = (msum_interval){r->H2, lb / r->vt + 1, ub / r->vt + 1};
    r->lb_sign = lbs;
    r->ub_sign = ubs;
    r->ci_null = null;
    return MSUM_OK;
}

static int check_opts(const msum_pool_opts *o)
{
    if ((unsigned)o->method > MSUM_EST_EB || (unsigned)o->test > MSUM_TEST_KNHA_ADHOC ||
        (unsigned)o->pi_type > MSUM_PI_T_K2)
        return MSUM_EINVAL;
    if (!(o->level > 0 && o->level < 1) || !(o->threshold >= 0) || !(o->tol > 0) ||
        o->maxiter < 1 || !(o->step_adj > 0) || !(o->tau2_max > 0))
        return MSUM_EINVAL;
    if (!isnan(o->tau2_fixed) && !(o->tau2_fixed >= 0 && isfinite(o->tau2_fixed)))
        return MSUM_EINVAL;
    return MSUM_OK;
}

static void result_init(msum_pool_result *r, const msum_pool_opts *o, size_t k)
{
    memset(r, 0, sizeof *r);
    r->method = r->method_used = o->method;
    r->fallback = "";
    r->test = o->test;
    r->level = o->level;
    r->k = k;
    double *nan_fields[] = {&r->estimate, &r->se, &r->stat, &r->pval, &r->df, &r->ci_lb,
                            &r->ci_ub, &r->pi_lb, &r->pi_ub, &r->pi_se, &r->s2w, &r->tau2,
                            &r->se_tau2, &r->tau, &r->vt, &r->I2, &r->H2, &r->I2_Q, &r->H2_Q,
                            &r->QE, &r->QEdf, &r->QEp, &r->logLik, &r->deviance, &r->AIC,
                            &r->BIC, &r->AICc};
    for (size_t i = 0; i < sizeof nan_fields / sizeof nan_fields[0]; i++) *nan_fields[i] = NAN;
    msum_interval na = {NAN, NAN, NAN};
    r->tau2_ci = r->tau_ci = r->I2_ci = r->H2_ci = na;
    r->converged = 1;
}

/* The fallback chain after an iterative estimator fails: REML/ML/EB -> PM -> DL.  `first` is
 * the requested estimator, `m` the one that just failed; the reason names the whole path. */
static int fallback_next(msum_estimator first, msum_estimator m, msum_estimator *next,
                         const char **why)
{
    if (m == MSUM_EST_REML || m == MSUM_EST_ML || m == MSUM_EST_EB) {
        *next = MSUM_EST_PM;
        *why = m == MSUM_EST_REML ? "REML Fisher scoring did not converge; used PM"
               : m == MSUM_EST_ML ? "ML Fisher scoring did not converge; used PM"
                                  : "EB Fisher scoring did not converge; used PM";
        return 1;
    }
    if (m == MSUM_EST_PM) {
        *next = MSUM_EST_DL;
        *why = first == MSUM_EST_REML ? "REML Fisher scoring did not converge and the PM root "
                                        "search failed; used DL"
               : first == MSUM_EST_ML ? "ML Fisher scoring did not converge and the PM root "
                                        "search failed; used DL"
               : first == MSUM_EST_EB ? "EB Fisher scoring did not converge and the PM root "
                                        "search failed; used DL"
                                      : "PM root search failed; used DL";
        return 1;
    }
    return 0;
}

/* Fit statistics as metafor's fitstats(): REML likelihood for REML fits, ML otherwise.
 * parms = 1 (mu) + 1 when tau2 was estimated. */
static void fit_stats(fitdata *d, msum_pool_result *r, const wsums *s, int allvipos,
                      int tau2_estimated)
{
    size_t k = d->k;
    double kk = (double)k, parms = 1 + tau2_estimated;
    double slog = sum_log(d, r->tau2);
    if (r->method_used == MSUM_EST_REML) {
        double ll = loglik_reml(k, slog, s->s1, s->q), n = kk - 1, m = fmax(n, parms + 2);
        r->logLik = ll;
        r->deviance = -2 * ll;
        r->AIC = -2 * ll + 2 * parms;
        r->BIC = -2 * ll + parms * log(n);
        r->AICc = -2 * ll + 2 * parms * m / (m - parms - 1);
    } else {
        double ll = loglik_ml(k, slog, s->q), m = fmax(kk, parms + 2);
        r->logLik = ll;
        if (k <= 1)
            r->deviance = 0;
        else if (allvipos)
            r->deviance = slog - sum_log(d, 0) + s->q;
        else
            r->deviance = -2 * ll;
        r->AIC = -2 * ll + 2 * parms;
        r->BIC = -2 * ll + parms * log(kk);
        r->AICc = -2 * ll + 2 * parms * m / (m - parms - 1);
    }
    /* Infinities are not numbers a reader can use (metafor prints BIC = -Inf for REML at k = 1,
     * where log(k - 1) = -Inf): they become NaN, and notes names them with the reason. */
    struct { double *v; const char *name; } fs[] = {{&r->logLik, "logLik"},
        {&r->deviance, "deviance"}, {&r->AIC, "AIC"}, {&r->BIC, "BIC"}, {&r->AICc, "AICc"}};
    size_t used = 0;
    for (size_t i = 0; i < sizeof fs / sizeof fs[0]; i++) {
        if (isfinite(*fs[i].v)) continue;
        *fs[i].v = NAN;
        int n = snprintf(r->notes + used, sizeof r->notes - used, "%s%s", used ? ", " : "",
                         fs[i].name);
        if (n > 0 && (size_t)n < sizeof r->notes - used) used += (size_t)n;
    }
    if (used)
        snprintf(r->notes + used, sizeof r->notes - used, " not defined at k = %zu (%s)", k,
                 k <= parms ? "too few studies for the parameters" : "non-finite likelihood");
}

int msum_pool(const double *yi, const double *vi, size_t k, const msum_pool_opts *opts,
              msum_pool_result *out)
{
    return msum_pool_cached(yi, vi, k, opts, NULL, out);
}

int msum_pool_cached(const double *yi, const double *vi, size_t k, const msum_pool_opts *opts,
                     msum_pool_cache *cache, msum_pool_result *out)
{
    static const msum_pool_opts defaults = MSUM_POOL_OPTS_DEFAULT;
    const msum_pool_opts *o = opts ? opts : &defaults;
    if (!out || (k > 0 && (!yi || !vi))) return MSUM_EINVAL;
    int st = check_opts(o);
    if (st != MSUM_OK) return st;
    result_init(out, o, k);
    if (k == 0) return MSUM_EDOM;

    int allvipos = 1;
    for (size_t i = 0; i < k; i++) {
        if (!isfinite(yi[i]) || !isfinite(vi[i]) || vi[i] < 0) return MSUM_EDATA;
        if (vi[i] == 0) allvipos = 0;
        /* a positive vi whose weight 1/vi is not a finite double (vi < ~5.6e-309) */
        if (vi[i] > 0 && !isfinite(1 / vi[i])) {
            snprintf(out->notes, sizeof out->notes,
                     "vi = %.3g (study %zu of the group) is too small: its weight 1/vi is not a "
                     "finite number", vi[i], i + 1);
            return MSUM_EDATA;
        }
    }
    msum_pool_result *r = out;
    fitdata d = {yi, vi, k, yi[0], {NAN, NAN}, {NAN, NAN}, cache};
    double kk = (double)k;
    int fixed_model = msum_estimator_is_fixed(o->method);
    int tau2_fixed = !fixed_model && !isnan(o->tau2_fixed);

    /* Heterogeneity at tau2 = 0: QE, vt, Q-based I2/H2 (metafor: only with all vi > 0). */
    wsums w0 = {0};
    if (allvipos) {
        sums_at(&d, 0, 1, &w0);
        if (k > 1) {
            r->QE = w0.q;
            r->QEdf = kk - 1;
            r->QEp = gsl_cdf_chisq_Q(w0.q, kk - 1);
            r->vt = (kk - 1) / tr_p(&w0);
            r->I2_Q = fmax(0, 100 * (w0.q - (kk - 1)) / w0.q);
            r->H2_Q = w0.q / (kk - 1);
        } else {
            r->QE = 0;
            r->QEdf = 0;
            r->QEp = 1;
            r->vt = 0;
            r->I2_Q = 0;
            r->H2_Q = 1;
        }
    }
    umoments um;
    unweighted(&d, &um);

    /* tau2 */
    tau2_fit f = {0, NAN, 0};
    if (fixed_model) {
        f.tau2 = 0;
    } else if (tau2_fixed) {
        f.tau2 = o->tau2_fixed;
        if (k > 1) se_fixed(&d, o->method, &w0, &um, &f);
    } else if (k == 1) {
        f.tau2 = 0; /* metafor: method "k1", heterogeneity not estimable */
    } else {
        msum_estimator m = o->method;
        st = estimate_tau2(&d, m, &w0, &um, allvipos, o, &f);
        while (st == MSUM_ENOCONV) {
            msum_estimator next;
            const char *why;
            r->converged = 0;
            r->iterations = f.iterations;
            if (!o->fallback) return MSUM_ENOCONV;
            if (!fallback_next(o->method, m, &next, &why)) return MSUM_ENOCONV;
            if (needs_positive_vi(next) && !allvipos) return MSUM_ENOCONV;
            m = next;
            r->method_used = m;
            r->fallback = why;
            st = estimate_tau2(&d, m, &w0, &um, allvipos, o, &f);
        }
        if (st != MSUM_OK) return st;
    }
    if (r->converged) r->iterations = f.iterations;
    r->tau2 = f.tau2;
    r->se_tau2 = f.se_tau2;
    r->tau = sqrt(f.tau2);

    /* pooled estimate at the final tau2 */
    wsums s;
    sums_at(&d, f.tau2, 0, &s);
    if (!isfinite(s.s1)) return MSUM_EDATA; /* a vi of 0 with tau2 = 0: infinite weight */
    msum_test test = k == 1 ? MSUM_TEST_Z : o->test;
    r->test = test;
    double s2w = 1;
    if (test == MSUM_TEST_KNHA || test == MSUM_TEST_KNHA_ADHOC) {
        s2w = s.q <= DBL_EPSILON ? 0 : s.q / (kk - 1);
        if (test == MSUM_TEST_KNHA_ADHOC && s2w < 1) s2w = 1;
        r->s2w = s2w;
    }
    r->estimate = s.mu;
    r->se = sqrt(s2w / s.s1);
    r->stat = r->estimate / r->se;
    double a = 1 - o->level, crit;
    if (test == MSUM_TEST_Z) {
        crit = gsl_cdf_ugaussian_Qinv(a / 2);
        r->pval = 2 * gsl_cdf_ugaussian_Q(fabs(r->stat));
    } else {
        r->df = kk - 1;
        crit = gsl_cdf_tdist_Qinv(a / 2, r->df);
        r->pval = msum_tdist_p2(r->stat, r->df);
    }
    r->ci_lb = r->estimate - crit * r->se;
    r->ci_ub = r->estimate + crit * r->se;
    /* Finite inputs can still overflow the weighted sums (|yi| near 1e308): an estimate that
     * is not a number is an error, never a silent NA. */
    if (!isfinite(r->estimate) || !isfinite(r->se) || !isfinite(r->ci_lb) ||
        !isfinite(r->ci_ub)) {
        double ymax = 0;
        for (size_t i = 0; i < k; i++) ymax = fmax(ymax, fabs(yi[i]));
        snprintf(r->notes, sizeof r->notes,
                 "the pooled estimate is not a finite number (|yi| up to %.3g overflows the "
                 "weighted sums; rescale the effects)", ymax);
        return MSUM_EDOM;
    }

    /* prediction interval (metafor predict(); none for EE/FE/CE) */
    r->pi_se = sqrt(r->se * r->se + r->tau2);
    if (!fixed_model) {
        double pcrit = crit;
        if (o->pi_type == MSUM_PI_T_K2) {
            double pdf = fmax(1, kk - (1 + !tau2_fixed));
            pcrit = gsl_cdf_tdist_Qinv(a / 2, pdf);
        }
        r->pi_lb = r->estimate - pcrit * r->pi_se;
        r->pi_ub = r->estimate + pcrit * r->pi_se;
    }

    /* I2, H2 as metafor prints them */
    if (allvipos) {
        if (k == 1) {
            r->I2 = 0;
            r->H2 = 1;
        } else if (fixed_model) {
            r->I2 = r->I2_Q;
            r->H2 = r->H2_Q;
        } else {
            r->I2 = 100 * r->tau2 / (r->vt + r->tau2);
            r->H2 = r->tau2 / r->vt + 1;
        }
    }

    fit_stats(&d, r, &s, allvipos, !fixed_model && !tau2_fixed);

    if (o->qprofile && k > 1 && !fixed_model && !tau2_fixed && allvipos) {
        st = qprofile(&d, o, r, s.q);
        if (st != MSUM_OK) return st;
    }
    return MSUM_OK;
}

int msum_pool_weights(const double *vi, size_t k, const msum_pool_result *r, double *weight_pct)
{
    if (!vi || !r || !weight_pct || k == 0) return MSUM_EINVAL;
    double tau2 = isnan(r->tau2) ? 0 : r->tau2, s1 = 0;
    for (size_t i = 0; i < k; i++) s1 += 1.0 / (vi[i] + tau2);
    for (size_t i = 0; i < k; i++) weight_pct[i] = 100.0 / ((vi[i] + tau2) * s1);
    return MSUM_OK;
}
