/* Leave-one-out, cumulative and case-deletion (influence) analyses of the intercept-only model,
 * matching metafor 3.8 leave1out / cumul / influence / rstandard / rstudent (Viechtbauer & Cheung
 * 2010).  Deleted fits reuse the full data's sums (see deletion sums below); refits that cannot
 * (other estimators, a failed iteration, k - 1 = 1 study) go through msum_pool.
 */
#include "metasum/sensitivity.h"

#include <float.h>
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dist.h"
#include "metasum/metasum.h"

#define LL0_MARGIN 1.220703125e-4 /* metafor's ll0check margin, as msum_pool */
#define LOG_2PI 1.8378770664093454836
#define NPOW 48                   /* power sums kept for the expansion */
#define DELTA_MAX 0.25            /* expansion used while |tau2 - tref| max w <= this */

/* ------------------------------------------------------------------------------------------ */
/* Deletion sums.
 *
 * For weights w_j(t) = 1/(v_j + t) and a reference tref with w0_j = 1/(v_j + tref),
 *   w_j(t) = w0_j / (1 + w0_j (t - tref)) = W u_j / (1 + u_j d),  u_j = w0_j / W,  W = max w0,
 *   d = (t - tref) W,  so  w_j(t)^m = W^m sum_n C(m+n-1, n) (-d)^n u_j^(m+n).
 * With A_r = sum u^r, B_r = sum u^r e, C_r = sum u^r e^2 (e = y - c, c the full-data estimate at
 * tref) the sums over j != i at any t near tref are series in d of the downdated A_r - u_i^r etc.
 * Every u <= 1, so the terms shrink like C(m+n-1, n) |d|^n; for |d| <= 1/4 the series is cut
 * where a term falls below 1e-17 of the leading one.  Downdating loses at most one bit for every
 * study but the one of largest weight (u_i^r <= A_r / 2 then), which takes the direct O(k) pass,
 * as does any t too far from tref. */

typedef struct {
    double tref, W, c;
    double A[NPOW + 1], B[NPOW + 1], C[NPOW + 1];
    double slog;  /* sum log(v + tref) */
    size_t imax;  /* study of largest weight */
} powtab;

typedef struct {
    const double *y, *v;
    size_t k;
    powtab t0, t1; /* tref = 0 and tref = the full-data tau2 */
} delctx;

typedef struct {
    double s1, s2, s3, mu, q, q2;
} dsums;

static void powtab_init(powtab *p, const double *y, const double *v, size_t k, double tref,
                        double c)
{
    memset(p, 0, sizeof *p);
    p->tref = tref;
    p->c = c;
    double W = 0, sl = 0;
    for (size_t j = 0; j < k; j++) {
        double w = 1 / (v[j] + tref);
        if (w > W) {
            W = w;
            p->imax = j;
        }
        sl += log(v[j] + tref);
    }
    p->W = W;
    p->slog = sl;
    for (size_t j = 0; j < k; j++) {
        double u = 1 / ((v[j] + tref) * W), e = y[j] - c, ur = 1;
        for (int r = 1; r <= NPOW; r++) {
            ur *= u;
            p->A[r] += ur;
            p->B[r] += ur * e;
            p->C[r] += ur * e * e;
            if (ur < 1e-300) break;
        }
    }
}

/* Sums over j != i (skip = i; skip = k: none) at t by one pass, centred on c; a second pass
 * about the new mean when the centring cancelled more than one bit of Q. */
static void direct_sums(const delctx *x, size_t skip, double t, double c, dsums *s)
{
    for (int pass = 0; pass < 2; pass++) {
        double a1 = 0, a2 = 0, a3 = 0, b1 = 0, b2 = 0, c1 = 0, c2 = 0;
        for (size_t j = 0; j < x->k; j++) {
            if (j == skip) continue;
            double w = 1 / (x->v[j] + t), e = x->y[j] - c, w2 = w * w;
            a1 += w;
            a2 += w2;
            a3 += w2 * w;
            b1 += w * e;
            b2 += w2 * e;
            c1 += w * e * e;
            c2 += w2 * e * e;
        }
        double dl = b1 / a1;
        s->s1 = a1;
        s->s2 = a2;
        s->s3 = a3;
        s->mu = c + dl;
        s->q = c1 - dl * b1;
        s->q2 = c2 - 2 * dl * b2 + dl * dl * a2;
        if (!(s->q < 0.5 * c1 && c + dl != c)) break;
        c += dl;
    }
    if (s->q < 0) s->q = 0;
    if (s->q2 < 0) s->q2 = 0;
}

static void del_sums(const delctx *x, size_t i, double t, dsums *s)
{
    const powtab *p = t == x->t0.tref ? &x->t0 : &x->t1;
    double d = (t - p->tref) * p->W;
    if (i == p->imax || !(fabs(d) <= DELTA_MAX)) {
        direct_sums(x, i, t, p->tref == t ? p->c : x->t1.c, s);
        return;
    }
    double ui = 1 / ((x->v[i] + p->tref) * p->W), ei = x->y[i] - p->c;
    double a[3] = {0, 0, 0}, b[2] = {0, 0}, cc[2] = {0, 0}, dn = 1;
    double upow[NPOW + 1]; /* u_i^r */
    upow[0] = 1;
    for (int r = 1; r <= NPOW; r++) upow[r] = upow[r - 1] * ui;
    for (int n = 0; n + 3 <= NPOW; n++) {
        double nn = (double)n;
        double c1 = 1, c2 = nn + 1, c3 = (nn + 1) * (nn + 2) / 2;
        double A1 = p->A[n + 1] - upow[n + 1], A2 = p->A[n + 2] - upow[n + 2],
               A3 = p->A[n + 3] - upow[n + 3];
        double B1 = p->B[n + 1] - upow[n + 1] * ei, B2 = p->B[n + 2] - upow[n + 2] * ei;
        double C1 = p->C[n + 1] - upow[n + 1] * ei * ei, C2 = p->C[n + 2] - upow[n + 2] * ei * ei;
        a[0] += c1 * dn * A1;
        a[1] += c2 * dn * A2;
        a[2] += c3 * dn * A3;
        b[0] += c1 * dn * B1;
        b[1] += c2 * dn * B2;
        cc[0] += c1 * dn * C1;
        cc[1] += c2 * dn * C2;
        if (c3 * fabs(dn) < 1e-17) break;
        dn *= -d;
    }
    double W = p->W;
    double a1 = W * a[0], a2 = W * W * a[1], a3 = W * W * W * a[2];
    double b1 = W * b[0], b2 = W * W * b[1], c1 = W * cc[0], c2 = W * W * cc[1];
    double dl = b1 / a1;
    s->s1 = a1;
    s->s2 = a2;
    s->s3 = a3;
    s->mu = p->c + dl;
    s->q = c1 - dl * b1;
    s->q2 = c2 - 2 * dl * b2 + dl * dl * a2;
    if (!(s->q >= 0.5 * c1)) { /* the omitted study carried most of Q: recompute directly */
        direct_sums(x, i, t, p->c, s);
        return;
    }
    if (s->q2 < 0) s->q2 = 0;
}

/* sum over j != i of log(v_j + t): log(1 + u d) expanded as for the sums. */
static double del_slog(const delctx *x, size_t i, double t)
{
    const powtab *p = t == x->t0.tref ? &x->t0 : &x->t1;
    double d = (t - p->tref) * p->W;
    if (i == p->imax || !(fabs(d) <= DELTA_MAX)) {
        double s = 0;
        for (size_t j = 0; j < x->k; j++)
            if (j != i) s += log(x->v[j] + t);
        return s;
    }
    double ui = 1 / ((x->v[i] + p->tref) * p->W), s = p->slog - log(x->v[i] + p->tref);
    double dn = d, un = ui;
    for (int n = 1; n <= NPOW; n++) {
        double term = dn * (p->A[n] - un) / n;
        s += (n & 1) ? term : -term;
        if (fabs(dn) < 1e-17) break;
        dn *= d;
        un *= ui;
    }
    return s;
}

/* ------------------------------------------------------------------------------------------ */
/* One deleted fit. */

typedef struct {
    int status;
    const char *fallback;
    double tau2, mu, vb, s2w, s1; /* s1 = sum over j != i of 1/(v_j + tau2) */
    double se, stat, pval, ci_lb, ci_ub, Q, Qp, I2, H2;
} delfit;

static int fast_method(const msum_pool_opts *o)
{
    msum_estimator m = o->method;
    return msum_estimator_is_fixed(m) || !isnan(o->tau2_fixed) || m == MSUM_EST_DL ||
           m == MSUM_EST_HE || m == MSUM_EST_ML || m == MSUM_EST_REML;
}

typedef struct {
    double ybar, ss, sv;
} umom;

/* Fisher scoring for ML/REML on the k - 1 studies without i, from the full-data tau2; then
 * metafor's ll0check.  As msum_pool's estimator (same steps, same stopping rule). */
static int del_fisher(const delctx *x, size_t i, const msum_pool_opts *o, double start,
                      double *tau2)
{
    double t = start, change = o->threshold + 1, kk = (double)x->k - 1;
    int iter = 0;
    dsums s;
    while (change > o->threshold) {
        iter++;
        del_sums(x, i, t, &s);
        double old = t, adj;
        if (o->method == MSUM_EST_ML) {
            adj = (s.q2 - s.s1) / s.s2;
        } else {
            double trp = s.s1 - s.s2 / s.s1, r = s.s2 / s.s1;
            adj = (s.q2 - trp) / (s.s2 - 2 * s.s3 / s.s1 + r * r);
        }
        adj *= o->step_adj;
        if (isnan(adj)) adj = 0;
        if (t + adj < 0) {
            if (t <= 0)
                adj = 0;
            else
                while (t + adj < 0) adj /= 2;
        }
        t += adj;
        change = fabs(old - t);
        if (!isfinite(t) || iter > o->maxiter) return MSUM_ENOCONV;
    }
    if (t > o->threshold) {
        dsums s0;
        del_sums(x, i, 0, &s0);
        del_sums(x, i, t, &s);
        double sl0 = del_slog(x, i, 0), sl = del_slog(x, i, t), ll0, ll;
        if (o->method == MSUM_EST_ML) {
            ll0 = -0.5 * kk * LOG_2PI - 0.5 * sl0 - 0.5 * s0.q;
            ll = -0.5 * kk * LOG_2PI - 0.5 * sl - 0.5 * s.q;
        } else {
            double c = -0.5 * (kk - 1) * LOG_2PI + 0.5 * log(kk);
            ll0 = c - 0.5 * sl0 - 0.5 * log(s0.s1) - 0.5 * s0.q;
            ll = c - 0.5 * sl - 0.5 * log(s.s1) - 0.5 * s.q;
        }
        if (ll0 - ll > LL0_MARGIN) t = 0;
    }
    *tau2 = t;
    return MSUM_OK;
}

/* Test, CI and heterogeneity of a fit to kk studies from its sums. */
static void finish(delfit *f, double kk, const dsums *s, const dsums *s0, int fixed,
                   const msum_pool_opts *o)
{
    double s2w = 1;
    if (o->test == MSUM_TEST_KNHA || o->test == MSUM_TEST_KNHA_ADHOC) {
        s2w = s->q <= DBL_EPSILON ? 0 : s->q / (kk - 1);
        if (o->test == MSUM_TEST_KNHA_ADHOC && s2w < 1) s2w = 1;
    }
    f->mu = s->mu;
    f->s1 = s->s1;
    f->s2w = s2w;
    f->vb = s2w / s->s1;
    f->se = sqrt(f->vb);
    f->stat = f->mu / f->se;
    double a = 1 - o->level, crit;
    if (o->test == MSUM_TEST_Z) {
        crit = gsl_cdf_ugaussian_Qinv(a / 2);
        f->pval = 2 * gsl_cdf_ugaussian_Q(fabs(f->stat));
    } else {
        crit = gsl_cdf_tdist_Qinv(a / 2, kk - 1);
        f->pval = msum_tdist_p2(f->stat, kk - 1);
    }
    f->ci_lb = f->mu - crit * f->se;
    f->ci_ub = f->mu + crit * f->se;
    f->Q = s0->q;
    f->Qp = gsl_cdf_chisq_Q(s0->q, kk - 1);
    double vt = (kk - 1) / (s0->s1 - s0->s2 / s0->s1);
    if (fixed) {
        f->I2 = fmax(0, 100 * (f->Q - (kk - 1)) / f->Q);
        f->H2 = f->Q / (kk - 1);
    } else {
        f->I2 = 100 * f->tau2 / (vt + f->tau2);
        f->H2 = f->tau2 / vt + 1;
    }
    f->status = MSUM_OK;
    f->fallback = "";
}

static void delfit_nan(delfit *f, int status)
{
    f->status = status;
    f->fallback = "";
    f->tau2 = f->mu = f->vb = f->s2w = f->s1 = NAN;
    f->se = f->stat = f->pval = f->ci_lb = f->ci_ub = f->Q = f->Qp = f->I2 = f->H2 = NAN;
}

/* A deleted (or cumulative) fit by msum_pool from scratch. */
static void slow_fit(const double *y, const double *v, size_t n, const msum_pool_opts *o,
                     delfit *f)
{
    msum_pool_opts po = *o;
    po.qprofile = 0;
    msum_pool_result r;
    int st = msum_pool(y, v, n, &po, &r);
    if (st != MSUM_OK) {
        delfit_nan(f, st);
        return;
    }
    f->status = MSUM_OK;
    f->fallback = r.fallback;
    f->tau2 = r.tau2;
    f->mu = r.estimate;
    f->se = r.se;
    f->vb = r.se * r.se;
    f->s2w = isnan(r.s2w) ? 1 : r.s2w;
    f->s1 = f->s2w / f->vb;
    f->stat = r.stat;
    f->pval = r.pval;
    f->ci_lb = r.ci_lb;
    f->ci_ub = r.ci_ub;
    f->Q = r.QE;
    f->Qp = r.QEp;
    f->I2 = r.I2;
    f->H2 = r.H2;
}

/* Shared state of the deleted fits of one data set. */
typedef struct {
    delctx x;
    int fast;
    double tau2_full;
    umom um;
    double *cy, *cv; /* scratch for slow refits (k - 1 values) */
} deleter;

static int deleter_init(deleter *d, const double *y, const double *v, size_t k,
                        const msum_pool_opts *o, const msum_pool_result *full)
{
    memset(d, 0, sizeof *d);
    d->x.y = y;
    d->x.v = v;
    d->x.k = k;
    d->tau2_full = full->tau2;
    int allpos = 1;
    for (size_t i = 0; i < k; i++)
        if (!(v[i] > 0)) allpos = 0;
    d->fast = allpos && k >= 3 && fast_method(o);
    d->cy = malloc(k * sizeof *d->cy);
    d->cv = malloc(k * sizeof *d->cv);
    if (!d->cy || !d->cv) {
        free(d->cy);
        free(d->cv);
        return MSUM_ENOMEM;
    }
    if (d->fast) {
        /* full-data mean at tau2 = 0 as the centre of the tau2 = 0 table */
        double s1 = 0, sy = 0;
        for (size_t i = 0; i < k; i++) {
            s1 += 1 / v[i];
            sy += (y[i] - y[0]) / v[i];
        }
        powtab_init(&d->x.t0, y, v, k, 0, y[0] + sy / s1);
        powtab_init(&d->x.t1, y, v, k, full->tau2, full->estimate);
        double sv = 0, ybar = 0, ss = 0;
        for (size_t i = 0; i < k; i++) {
            ybar += y[i] - y[0];
            sv += v[i];
        }
        ybar = y[0] + ybar / (double)k;
        for (size_t i = 0; i < k; i++) ss += (y[i] - ybar) * (y[i] - ybar);
        d->um = (umom){ybar, ss, sv};
    }
    return MSUM_OK;
}

static void deleter_free(deleter *d)
{
    free(d->cy);
    free(d->cv);
}

/* HE without study i: the unweighted moments downdated (recomputed if that cancels). */
static double del_he(const deleter *d, size_t i)
{
    const double *y = d->x.y, *v = d->x.v;
    double k = (double)d->x.k, n = k - 1, e = y[i] - d->um.ybar;
    double ss = d->um.ss - k / n * e * e, sv = d->um.sv - v[i];
    if (!(ss >= 0.5 * d->um.ss)) {
        double yb = 0;
        for (size_t j = 0; j < d->x.k; j++)
            if (j != i) yb += y[j];
        yb /= n;
        ss = 0;
        for (size_t j = 0; j < d->x.k; j++)
            if (j != i) ss += (y[j] - yb) * (y[j] - yb);
    }
    return fmax(0, ss / (n - 1) - sv / n);
}

static void delete_one(deleter *d, size_t i, const msum_pool_opts *o, delfit *f)
{
    size_t k = d->x.k;
    if (d->fast) {
        double kk = (double)k - 1, t;
        int fixed = msum_estimator_is_fixed(o->method), st = MSUM_OK;
        dsums s0, s;
        del_sums(&d->x, i, 0, &s0);
        if (fixed)
            t = 0;
        else if (!isnan(o->tau2_fixed))
            t = o->tau2_fixed;
        else if (o->method == MSUM_EST_DL)
            t = fmax(0, (s0.q - (kk - 1)) / (s0.s1 - s0.s2 / s0.s1));
        else if (o->method == MSUM_EST_HE)
            t = del_he(d, i);
        else
            st = del_fisher(&d->x, i, o, d->tau2_full, &t);
        if (st == MSUM_OK) {
            f->tau2 = t;
            del_sums(&d->x, i, t, &s);
            finish(f, kk, &s, &s0, fixed, o);
            return;
        }
    }
    size_t n = 0;
    for (size_t j = 0; j < k; j++)
        if (j != i) {
            d->cy[n] = d->x.y[j];
            d->cv[n] = d->x.v[j];
            n++;
        }
    slow_fit(d->cy, d->cv, n, o, f);
}

static int check_input(const double *yi, const double *vi, size_t k, const void *rows)
{
    if (!rows || (k > 0 && (!yi || !vi))) return MSUM_EINVAL;
    for (size_t i = 0; i < k; i++)
        if (!isfinite(yi[i]) || !isfinite(vi[i]) || vi[i] < 0) return MSUM_EDATA;
    return MSUM_OK;
}

static void sens_row(msum_sens_row *r, size_t study, size_t n, const delfit *f)
{
    r->study = study;
    r->k = n;
    r->status = f->status;
    r->fallback = f->fallback;
    r->estimate = f->mu;
    r->se = f->se;
    r->stat = f->stat;
    r->pval = f->pval;
    r->ci_lb = f->ci_lb;
    r->ci_ub = f->ci_ub;
    r->Q = f->Q;
    r->Qp = f->Qp;
    r->tau2 = f->tau2;
    r->I2 = f->I2;
    r->H2 = f->H2;
}

static int full_fit(const double *yi, const double *vi, size_t k, const msum_pool_opts *o,
                    msum_pool_result *full)
{
    msum_pool_opts po = *o;
    po.qprofile = 0;
    return msum_pool(yi, vi, k, &po, full);
}

int msum_leave1out(const double *yi, const double *vi, size_t k, const msum_pool_opts *opts,
                   msum_sens_row *rows)
{
    static const msum_pool_opts defaults = MSUM_POOL_OPTS_DEFAULT;
    const msum_pool_opts *o = opts ? opts : &defaults;
    int st = check_input(yi, vi, k, rows);
    if (st != MSUM_OK) return st;
    if (k < 2) return MSUM_EDOM;
    msum_pool_result full;
    st = full_fit(yi, vi, k, o, &full);
    if (st != MSUM_OK) return st;
    deleter d;
    st = deleter_init(&d, yi, vi, k, o, &full);
    if (st != MSUM_OK) return st;
    for (size_t i = 0; i < k; i++) {
        delfit f;
        delete_one(&d, i, o, &f);
        sens_row(&rows[i], i, k - 1, &f);
    }
    deleter_free(&d);
    return MSUM_OK;
}

typedef struct {
    double key;
    size_t i;
} okey;

static int cmp_okey(const void *a, const void *b)
{
    const okey *x = a, *y = b;
    if (x->key != y->key) return (x->key > y->key) - (x->key < y->key);
    return (x->i > y->i) - (x->i < y->i);
}

static int cmp_okey_desc(const void *a, const void *b)
{
    const okey *x = a, *y = b;
    if (x->key != y->key) return (x->key < y->key) - (x->key > y->key);
    return (x->i > y->i) - (x->i < y->i);
}

int msum_cumul(const double *yi, const double *vi, size_t k, const double *key, int decreasing,
               const msum_pool_opts *opts, msum_sens_row *rows)
{
    static const msum_pool_opts defaults = MSUM_POOL_OPTS_DEFAULT;
    const msum_pool_opts *o = opts ? opts : &defaults;
    int st = check_input(yi, vi, k, rows);
    if (st != MSUM_OK) return st;
    if (k < 1) return MSUM_EDOM;
    okey *ord = malloc(k * sizeof *ord);
    double *cy = malloc(k * sizeof *cy), *cv = malloc(k * sizeof *cv);
    if (!ord || !cy || !cv) {
        free(ord);
        free(cy);
        free(cv);
        return MSUM_ENOMEM;
    }
    for (size_t i = 0; i < k; i++) {
        ord[i].key = key ? key[i] : (double)i;
        ord[i].i = i;
    }
    if (key) qsort(ord, k, sizeof *ord, decreasing ? cmp_okey_desc : cmp_okey);
    for (size_t j = 0; j < k; j++) {
        cy[j] = yi[ord[j].i];
        cv[j] = vi[ord[j].i];
        delfit f;
        slow_fit(cy, cv, j + 1, o, &f);
        sens_row(&rows[j], ord[j].i, j + 1, &f);
    }
    free(ord);
    free(cy);
    free(cv);
    return MSUM_OK;
}

int msum_influence(const double *yi, const double *vi, size_t k, const msum_pool_opts *opts,
                   msum_infl_row *rows)
{
    static const msum_pool_opts defaults = MSUM_POOL_OPTS_DEFAULT;
    const msum_pool_opts *o = opts ? opts : &defaults;
    int st = check_input(yi, vi, k, rows);
    if (st != MSUM_OK) return st;
    if (k < 2) return MSUM_EDOM;
    msum_pool_result full;
    st = full_fit(yi, vi, k, o, &full);
    if (st != MSUM_OK) return st;
    deleter d;
    st = deleter_init(&d, yi, vi, k, o, &full);
    if (st != MSUM_OK) return st;
    double kk = (double)k, t0 = full.tau2, sw = 0, vb = full.se * full.se;
    for (size_t i = 0; i < k; i++) sw += 1 / (vi[i] + t0);
    double cut_dffits = 3 * sqrt(1 / (kk - 1)), cut_hat = 3 / kk;
    for (size_t i = 0; i < k; i++) {
        msum_infl_row *r = &rows[i];
        delfit f;
        delete_one(&d, i, o, &f);
        r->status = f.status;
        r->fallback = f.fallback;
        r->hat = 1 / ((vi[i] + t0) * sw);
        r->weight = 100 * r->hat;
        r->tau2_del = f.tau2;
        r->QE_del = f.Q;
        double diff = full.estimate - f.mu, resid = yi[i] - f.mu;
        if (fabs(resid) < 100 * DBL_EPSILON) resid = 0;
        r->resid = resid;
        r->resid_se = sqrt((vi[i] + f.tau2) * f.s2w + f.vb);
        r->rstudent = resid / r->resid_se;
        r->dffits = diff / sqrt(f.s2w * r->hat * (f.tau2 + vi[i]));
        r->cook_d = diff * diff / vb;
        r->cov_r = f.vb / vb;
        /* vb.del: the full design at tau2(-i): sum over all k of 1/(v + tau2(-i)) */
        r->dfbetas = diff / sqrt(f.s2w / (f.s1 + 1 / (vi[i] + f.tau2)));
        r->inf = fabs(r->dffits) > cut_dffits || gsl_cdf_chisq_P(r->cook_d, 1) > 0.5 ||
                 r->hat > cut_hat || fabs(r->dfbetas) > 1;
    }
    deleter_free(&d);
    return MSUM_OK;
}

int msum_rstudent(const double *yi, const double *vi, size_t k, const msum_pool_opts *o,
                  msum_resid_row *rows)
{
    if (!rows) return MSUM_EINVAL;
    msum_infl_row *inf = malloc((k ? k : 1) * sizeof *inf);
    if (!inf) return MSUM_ENOMEM;
    int st = msum_influence(yi, vi, k, o, inf);
    if (st == MSUM_OK)
        for (size_t i = 0; i < k; i++)
            rows[i] = (msum_resid_row){inf[i].resid, inf[i].resid_se, inf[i].rstudent};
    free(inf);
    return st;
}

int msum_rstandard(const double *yi, const double *vi, size_t k, const msum_pool_opts *opts,
                   msum_resid_row *rows)
{
    static const msum_pool_opts defaults = MSUM_POOL_OPTS_DEFAULT;
    const msum_pool_opts *o = opts ? opts : &defaults;
    int st = check_input(yi, vi, k, rows);
    if (st != MSUM_OK) return st;
    if (k < 1) return MSUM_EDOM;
    msum_pool_result full;
    st = full_fit(yi, vi, k, o, &full);
    if (st != MSUM_OK) return st;
    double sw = 0;
    for (size_t i = 0; i < k; i++) sw += 1 / (vi[i] + full.tau2);
    /* diag((I - H) M (I - H)') with H = 1 w'/sum w, M = diag(v + tau2): 1/w_i - 1/sum w */
    for (size_t i = 0; i < k; i++) {
        double e = yi[i] - full.estimate;
        if (fabs(e) < 100 * DBL_EPSILON) e = 0;
        double se = sqrt(fmax(0, vi[i] + full.tau2 - 1 / sw));
        rows[i] = (msum_resid_row){e, se, e / se};
    }
    return MSUM_OK;
}

/* Baujat et al. (2002), metafor baujat.rma: x = resid^2 / (tau2 + vi) with resid = yi - mu of the
 * full fit (0 below 100 DBL_EPSILON, as metafor's resid()), y = (mu(-i) - mu)^2 / vb(-i) from
 * the fit without study i (its se squared: Knapp-Hartung scaled under knha, as metafor's vb). */
int msum_baujat(const double *yi, const double *vi, size_t k, const msum_pool_opts *opts,
                double *x, double *y)
{
    static const msum_pool_opts defaults = MSUM_POOL_OPTS_DEFAULT;
    const msum_pool_opts *o = opts ? opts : &defaults;
    if (!x || !y) return MSUM_EINVAL;
    int st = check_input(yi, vi, k, x);
    if (st != MSUM_OK) return st;
    if (k < 2) return MSUM_EDOM;
    msum_pool_result full;
    st = full_fit(yi, vi, k, o, &full);
    if (st != MSUM_OK) return st;
    msum_sens_row *rows = malloc(k * sizeof *rows);
    if (!rows) return MSUM_ENOMEM;
    st = msum_leave1out(yi, vi, k, o, rows);
    for (size_t i = 0; st == MSUM_OK && i < k; i++) {
        double e = yi[i] - full.estimate;
        if (fabs(e) < 100 * DBL_EPSILON) e = 0;
        x[i] = e * e / (full.tau2 + vi[i]);
        double dm = rows[i].estimate - full.estimate;
        y[i] = rows[i].status == MSUM_OK ? dm * dm / (rows[i].se * rows[i].se) : NAN;
    }
    free(rows);
    return st;
}
