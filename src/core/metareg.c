/* Mixed-effects meta-regression (metafor 3.8 rma.uni with mods), and its design matrices.
 *
 * Weighted least squares with W = diag(1/(vi + tau2)) (Raudenbush 2009; Viechtbauer 2005 for the
 * ML/REML Fisher scoring, DerSimonian & Laird 1986 generalised to mods, Knapp & Hartung 2003 for
 * the t/F tests).  P = W - W X (X'WX)^-1 X'W is never formed: its traces come from hat values
 * and p x p products, so a fit costs O(k p^2) time and O(k p) memory.
 */
#include "metasum/metareg.h"

#include <gsl/gsl_blas.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_roots.h>
#include <gsl/gsl_vector.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dist.h"
#include "metasum/metasum.h"

/* ---- design ------------------------------------------------------------------------------- */

struct msum_design {
    size_t k, p, cap;
    double *x;         /* column-major: column j at x + j*k */
    char **names;      /* coefficient names */
    char **terms;      /* moderator of each coefficient */
    char **factors;    /* categorical moderators and their reference levels: name, ref, ... */
    size_t nfactors;
    int intercept;     /* column 0 is the intercept */
};

static char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *c = malloc(n);
    if (c) memcpy(c, s, n);
    return c;
}

static int design_grow(msum_design *d, size_t extra)
{
    if (d->p + extra <= d->cap) return MSUM_OK;
    size_t cap = d->cap ? d->cap : 4;
    while (cap < d->p + extra) cap *= 2;
    double *x = realloc(d->x, cap * d->k * sizeof *x);
    if (!x) return MSUM_ENOMEM;
    d->x = x;
    char **n = realloc(d->names, cap * sizeof *n);
    if (!n) return MSUM_ENOMEM;
    d->names = n;
    char **t = realloc(d->terms, cap * sizeof *t);
    if (!t) return MSUM_ENOMEM;
    d->terms = t;
    d->cap = cap;
    return MSUM_OK;
}

/* Append a column whose values the caller fills at d->x + j*k; returns j or -1. */
static long design_push(msum_design *d, const char *name, const char *term)
{
    if (design_grow(d, 1) != MSUM_OK) return -1;
    char *n = xstrdup(name), *t = xstrdup(term);
    if (!n || !t) {
        free(n);
        free(t);
        return -1;
    }
    d->names[d->p] = n;
    d->terms[d->p] = t;
    return (long)d->p++;
}

msum_design *msum_design_new(size_t k)
{
    if (k == 0) return NULL;
    msum_design *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    d->k = k;
    long j = design_push(d, "intrcpt", "intrcpt");
    if (j < 0) {
        msum_design_free(d);
        return NULL;
    }
    for (size_t i = 0; i < k; i++) d->x[i] = 1.0;
    d->intercept = 1;
    return d;
}

msum_design *msum_design_new_nointercept(size_t k)
{
    if (k == 0) return NULL;
    msum_design *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    d->k = k;
    return d;
}

int msum_design_has_intercept(const msum_design *d) { return d ? d->intercept : 0; }

void msum_design_free(msum_design *d)
{
    if (!d) return;
    for (size_t j = 0; j < d->p; j++) {
        free(d->names[j]);
        free(d->terms[j]);
    }
    for (size_t j = 0; j < 2 * d->nfactors; j++) free(d->factors[j]);
    free(d->factors);
    free(d->names);
    free(d->terms);
    free(d->x);
    free(d);
}

int msum_design_add_num(msum_design *d, const char *name, const double *x)
{
    if (!d || !name || !x) return MSUM_EINVAL;
    for (size_t i = 0; i < d->k; i++)
        if (!isfinite(x[i])) return MSUM_EDATA;
    long j = design_push(d, name, name);
    if (j < 0) return MSUM_ENOMEM;
    memcpy(d->x + (size_t)j * d->k, x, d->k * sizeof *x);
    return MSUM_OK;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int msum_design_add_factor(msum_design *d, const char *name, const char *const *x,
                           const char *ref)
{
    if (!d || !name || !x) return MSUM_EINVAL;
    const char **lv = malloc(d->k * sizeof *lv);
    if (!lv) return MSUM_ENOMEM;
    for (size_t i = 0; i < d->k; i++) {
        if (!x[i]) {
            free(lv);
            return MSUM_EINVAL;
        }
        lv[i] = x[i];
    }
    qsort(lv, d->k, sizeof *lv, cmp_str);
    size_t nl = 0;
    for (size_t i = 0; i < d->k; i++)
        if (nl == 0 || strcmp(lv[nl - 1], lv[i]) != 0) lv[nl++] = lv[i];
    const char *reflv = lv[0];
    if (ref) {
        reflv = NULL;
        for (size_t l = 0; l < nl; l++)
            if (strcmp(lv[l], ref) == 0) reflv = lv[l];
    }
    int st = MSUM_OK;
    if (!reflv || nl < 2) st = MSUM_EDATA;
    else if (nl > MSUM_DESIGN_MAX_LEVELS) st = MSUM_EDOM;
    char **f = st == MSUM_OK ? realloc(d->factors, 2 * (d->nfactors + 1) * sizeof *f) : NULL;
    if (st == MSUM_OK && !f) st = MSUM_ENOMEM;
    if (st == MSUM_OK) {
        d->factors = f;
        f[2 * d->nfactors] = xstrdup(name);
        f[2 * d->nfactors + 1] = xstrdup(reflv);
        d->nfactors++;
        if (!f[2 * d->nfactors - 2] || !f[2 * d->nfactors - 1]) st = MSUM_ENOMEM;
    }
    /* without an intercept the first categorical moderator takes every level (R's coding) */
    int all = !d->intercept && d->nfactors == 1;
    for (size_t l = 0; st == MSUM_OK && l < nl; l++) {
        if (lv[l] == reflv && !all) continue;
        size_t len = strlen(name) + strlen(lv[l]) + 3;
        char *cn = malloc(len);
        if (!cn) {
            st = MSUM_ENOMEM;
            break;
        }
        snprintf(cn, len, "%s[%s]", name, lv[l]);
        long j = design_push(d, cn, name);
        free(cn);
        if (j < 0) {
            st = MSUM_ENOMEM;
            break;
        }
        double *col = d->x + (size_t)j * d->k;
        for (size_t i = 0; i < d->k; i++) col[i] = strcmp(x[i], lv[l]) == 0;
    }
    free(lv);
    return st;
}

/* The columns of one side of an interaction, in a scratch design: a continuous moderator, or a
 * categorical one coded by its non-reference levels (when `all` is 0) or by every level. */
static int side_design(size_t k, const char *name, const double *x, const char *const *t,
                       const char *ref, int all, msum_design **out)
{
    msum_design *s = all && t ? msum_design_new_nointercept(k) : msum_design_new(k);
    if (!s) return MSUM_ENOMEM;
    int st = x ? msum_design_add_num(s, name, x) : msum_design_add_factor(s, name, t, ref);
    if (st != MSUM_OK) {
        msum_design_free(s);
        return st;
    }
    *out = s;
    return MSUM_OK;
}

static int has_term(const msum_design *d, const char *name)
{
    for (size_t j = 0; j < d->p; j++)
        if (strcmp(d->terms[j], name) == 0) return 1;
    return 0;
}

int msum_design_add_interaction(msum_design *d, const char *a, const double *xa,
                                const char *const *ta, const char *ref_a, const char *b,
                                const double *xb, const char *const *tb, const char *ref_b)
{
    if (!d || !a || !b || !(xa || ta) || !(xb || tb)) return MSUM_EINVAL;
    msum_design *da = NULL, *db = NULL;
    /* R's margin rule: a categorical side times a continuous one is coded by every level when
     * the continuous side's main effect is not in the model (~ alloc + alloc:ablat: a slope per
     * level), else by its non-reference levels (~ ablat + ablat:alloc); two categorical sides
     * by their own main effects */
    int full_a = xb ? !has_term(d, b) : !has_term(d, a);
    int full_b = xa ? !has_term(d, a) : !has_term(d, b);
    int st = side_design(d->k, a, xa, ta, ref_a, full_a, &da);
    if (st == MSUM_OK) st = side_design(d->k, b, xb, tb, ref_b, full_b, &db);
    size_t len = strlen(a) + strlen(b) + 2;
    char *term = malloc(len);
    if (st == MSUM_OK && !term) st = MSUM_ENOMEM;
    if (st == MSUM_OK) snprintf(term, len, "%s:%s", a, b);
    size_t a0 = da && da->intercept ? 1 : 0, b0 = db && db->intercept ? 1 : 0;
    for (size_t i = a0; st == MSUM_OK && i < da->p; i++)
        for (size_t j = b0; st == MSUM_OK && j < db->p; j++) {
            size_t n = strlen(da->names[i]) + strlen(db->names[j]) + 2;
            char *cn = malloc(n);
            if (!cn) {
                st = MSUM_ENOMEM;
                break;
            }
            snprintf(cn, n, "%s:%s", da->names[i], db->names[j]);
            long c = design_push(d, cn, term);
            free(cn);
            if (c < 0) {
                st = MSUM_ENOMEM;
                break;
            }
            double *col = d->x + (size_t)c * d->k;
            for (size_t r = 0; r < d->k; r++)
                col[r] = da->x[i * d->k + r] * db->x[j * d->k + r];
        }
    free(term);
    msum_design_free(da);
    msum_design_free(db);
    return st;
}

size_t msum_design_nrows(const msum_design *d) { return d ? d->k : 0; }
size_t msum_design_ncoef(const msum_design *d) { return d ? d->p : 0; }

const char *msum_design_coef_name(const msum_design *d, size_t j)
{
    return d && j < d->p ? d->names[j] : NULL;
}

const char *msum_design_coef_term(const msum_design *d, size_t j)
{
    return d && j < d->p ? d->terms[j] : NULL;
}

double msum_design_x(const msum_design *d, size_t i, size_t j)
{
    return d && i < d->k && j < d->p ? d->x[j * d->k + i] : NAN;
}

const char *msum_design_ref_level(const msum_design *d, const char *name)
{
    if (!d || !name) return NULL;
    for (size_t f = 0; f < d->nfactors; f++)
        if (strcmp(d->factors[2 * f], name) == 0) return d->factors[2 * f + 1];
    return NULL;
}

/* ---- weighted least squares pieces -------------------------------------------------------- */

/* Workspace for one model matrix: fits at any weights. */
typedef struct {
    size_t k, p;
    const gsl_matrix *X;
    gsl_vector *w, *c, *r, *h, *rhs, *scale;
    gsl_matrix *cov, *B, *AB;
} wls;

static void wls_free(wls *s)
{
    gsl_vector_free(s->w);
    gsl_vector_free(s->c);
    gsl_vector_free(s->r);
    gsl_vector_free(s->h);
    gsl_vector_free(s->rhs);
    gsl_vector_free(s->scale);
    gsl_matrix_free(s->cov);
    gsl_matrix_free(s->B);
    gsl_matrix_free(s->AB);
}

static int wls_init(wls *s, const gsl_matrix *X)
{
    memset(s, 0, sizeof *s);
    s->k = X->size1;
    s->p = X->size2;
    s->X = X;
    s->w = gsl_vector_alloc(s->k);
    s->c = gsl_vector_alloc(s->p);
    s->r = gsl_vector_alloc(s->k);
    s->h = gsl_vector_alloc(s->k);
    s->rhs = gsl_vector_alloc(s->p);
    s->scale = gsl_vector_alloc(s->p);
    s->cov = gsl_matrix_alloc(s->p, s->p);
    s->B = gsl_matrix_alloc(s->p, s->p);
    s->AB = gsl_matrix_alloc(s->p, s->p);
    if (!s->w || !s->c || !s->r || !s->h || !s->rhs || !s->scale || !s->cov || !s->B || !s->AB) {
        wls_free(s);
        return MSUM_ENOMEM;
    }
    return MSUM_OK;
}

/* Sums of one weighted fit (weights w_i, response y). */
typedef struct {
    double S1, S2;  /* sum w, sum w^2 */
    double RSS;     /* sum w r^2 = y'Py */
    double yPPy;    /* sum w^2 r^2 = y'P^2 y */
    double trP;     /* sum w (1 - h) */
    double trPP;    /* tr(P^2) */
    double logdet;  /* log det(X'WX) */
} wls_sums;

/* Solve the normal equations X'WX beta = X'Wy as metafor does (solve(crossprod(X, W X))), with
 * the columns equilibrated (D = diag(X'WX)^-1/2) before the Cholesky factorisation: beta in
 * s->c, (X'WX)^-1 in s->cov, log det(X'WX) in *logdet.  O(k p^2); the design's rank was checked
 * once by SVD (check_rank), so a failure here means weights that make it singular. */
static int normal_equations(wls *s, const double *y, double *logdet)
{
    size_t k = s->k, p = s->p;
    gsl_matrix_set_zero(s->cov);
    gsl_vector_set_zero(s->rhs);
    for (size_t i = 0; i < k; i++) {
        gsl_vector_const_view xi = gsl_matrix_const_row(s->X, i);
        double w = gsl_vector_get(s->w, i);
        gsl_blas_dsyr(CblasLower, w, &xi.vector, s->cov);
        gsl_blas_daxpy(w * y[i], &xi.vector, s->rhs);
    }
    for (size_t a = 0; a < p; a++) {
        double d = gsl_matrix_get(s->cov, a, a);
        if (!(d > 0) || !isfinite(d)) return MSUM_EDATA;
        gsl_vector_set(s->scale, a, 1 / sqrt(d));
    }
    for (size_t a = 0; a < p; a++) {
        double da = gsl_vector_get(s->scale, a);
        gsl_vector_set(s->rhs, a, gsl_vector_get(s->rhs, a) * da);
        for (size_t b = 0; b <= a; b++) {
            double v = gsl_matrix_get(s->cov, a, b) * da * gsl_vector_get(s->scale, b);
            gsl_matrix_set(s->cov, a, b, v);
            gsl_matrix_set(s->cov, b, a, v);
        }
    }
    if (gsl_linalg_cholesky_decomp1(s->cov) != GSL_SUCCESS) return MSUM_EDATA;
    double ld = 0;
    for (size_t a = 0; a < p; a++)
        ld += 2 * log(gsl_matrix_get(s->cov, a, a) / gsl_vector_get(s->scale, a));
    *logdet = ld;
    if (gsl_linalg_cholesky_solve(s->cov, s->rhs, s->c) != GSL_SUCCESS ||
        gsl_linalg_cholesky_invert(s->cov) != GSL_SUCCESS)
        return MSUM_EDATA;
    for (size_t a = 0; a < p; a++) {
        double da = gsl_vector_get(s->scale, a);
        gsl_vector_set(s->c, a, gsl_vector_get(s->c, a) * da);
        for (size_t b = 0; b < p; b++)
            gsl_matrix_set(s->cov, a, b,
                           gsl_matrix_get(s->cov, a, b) * da * gsl_vector_get(s->scale, b));
    }
    return MSUM_OK;
}

/* Fit y on X with weights w (already in s->w): beta in s->c, (X'WX)^-1 in s->cov, residuals in
 * s->r, hat values h_i = w_i x_i'(X'WX)^-1 x_i in s->h.  With `traces`, also
 * tr(P^2) = sum w^2 - 2 sum w^2 h + tr((A B)^2), A = (X'WX)^-1, B = X'W^2X. */
static int wls_fit(wls *s, const double *y, int traces, wls_sums *out)
{
    size_t k = s->k, p = s->p;
    memset(out, 0, sizeof *out);
    int st = normal_equations(s, y, &out->logdet);
    if (st != MSUM_OK) return st;
    gsl_matrix_set_zero(s->B);
    for (size_t i = 0; i < k; i++) {
        gsl_vector_const_view xi = gsl_matrix_const_row(s->X, i);
        double fit, q = 0;
        gsl_blas_ddot(&xi.vector, s->c, &fit);
        for (size_t a = 0; a < p; a++) {
            double ra = 0;
            for (size_t b = 0; b < p; b++)
                ra += gsl_matrix_get(s->cov, a, b) * gsl_vector_get(&xi.vector, b);
            q += gsl_vector_get(&xi.vector, a) * ra;
        }
        double w = gsl_vector_get(s->w, i), r = y[i] - fit, h = w * q;
        gsl_vector_set(s->r, i, r);
        gsl_vector_set(s->h, i, h);
        out->S1 += w;
        out->S2 += w * w;
        out->RSS += w * r * r;
        out->yPPy += w * w * r * r;
        out->trP += w * (1 - h);
        out->trPP += w * w * (1 - 2 * h);
        if (traces)
            gsl_blas_dsyr(CblasLower, w * w, &xi.vector, s->B);
    }
    if (!traces) return MSUM_OK;
    for (size_t a = 0; a < p; a++) /* symmetric B from its lower triangle */
        for (size_t b = a + 1; b < p; b++) gsl_matrix_set(s->B, a, b, gsl_matrix_get(s->B, b, a));
    if (gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, s->cov, s->B, 0.0, s->AB) != GSL_SUCCESS)
        return MSUM_EDATA;
    double tr = 0;
    for (size_t a = 0; a < p; a++)
        for (size_t b = 0; b < p; b++)
            tr += gsl_matrix_get(s->AB, a, b) * gsl_matrix_get(s->AB, b, a);
    out->trPP += tr;
    return MSUM_OK;
}

static void set_weights(wls *s, const double *vi, double tau2)
{
    for (size_t i = 0; i < s->k; i++) gsl_vector_set(s->w, i, 1.0 / (vi[i] + tau2));
}

/* ---- rank check --------------------------------------------------------------------------- */

/* Rank of X with unit-norm columns by SVD; for each (near-)null direction, the columns taking
 * part in it are named in msg (by their terms when given, else their names). */
static int check_rank(const gsl_matrix *X, const char *const *names, const char *const *terms,
                      char *msg, size_t msgsize)
{
    size_t k = X->size1, p = X->size2;
    gsl_matrix *A = gsl_matrix_alloc(k, p), *V = gsl_matrix_alloc(p, p);
    gsl_vector *S = gsl_vector_alloc(p), *work = gsl_vector_alloc(p);
    int st = MSUM_ENOMEM;
    if (!A || !V || !S || !work) goto done;
    gsl_matrix_memcpy(A, X);
    for (size_t j = 0; j < p; j++) {
        gsl_vector_view col = gsl_matrix_column(A, j);
        double nrm = gsl_blas_dnrm2(&col.vector);
        if (nrm > 0) gsl_vector_scale(&col.vector, 1.0 / nrm);
    }
    st = MSUM_EDATA;
    if (gsl_linalg_SV_decomp(A, V, S, work) != GSL_SUCCESS) {
        snprintf(msg, msgsize, "the singular value decomposition of the design failed");
        goto done;
    }
    double smax = gsl_vector_get(S, 0);
    char *involved = calloc(p, 1);
    if (!involved) {
        st = MSUM_ENOMEM;
        goto done;
    }
    int deficient = 0;
    for (size_t j = 0; j < p; j++) {
        if (gsl_vector_get(S, j) > 1e-9 * smax && smax > 0) continue;
        deficient = 1;
        for (size_t a = 0; a < p; a++)
            if (fabs(gsl_matrix_get(V, a, j)) > 1e-6) involved[a] = 1;
    }
    if (!deficient) {
        free(involved);
        st = MSUM_OK;
        goto done;
    }
    int len = snprintf(msg, msgsize, "the design is rank deficient: ");
    const char *last = NULL;
    int first = 1;
    for (size_t a = 0; a < p && len >= 0 && (size_t)len < msgsize; a++) {
        if (!involved[a]) continue;
        if (!terms && !names) { /* a raw matrix without names: metafor's X1, X2, ... */
            len += snprintf(msg + len, msgsize - (size_t)len, "%s'X%zu'", first ? "" : ", ",
                            a + 1);
            first = 0;
            continue;
        }
        const char *nm = terms ? terms[a] : names[a];
        if (last && strcmp(last, nm) == 0) continue;
        int dup = 0;
        for (size_t b = 0; b < a; b++)
            if (involved[b] && strcmp(terms ? terms[b] : names[b], nm) == 0) dup = 1;
        if (dup) continue;
        len += snprintf(msg + len, msgsize - (size_t)len, "%s'%s'", first ? "" : ", ", nm);
        first = 0;
        last = nm;
    }
    if (len >= 0 && (size_t)len < msgsize)
        snprintf(msg + len, msgsize - (size_t)len, " are linearly dependent: drop one of them");
    free(involved);
done:
    gsl_matrix_free(A);
    gsl_matrix_free(V);
    gsl_vector_free(S);
    gsl_vector_free(work);
    return st;
}

/* ---- tau2 estimators ---------------------------------------------------------------------- */

static const double LOG_2PI = 1.8378770664093454836;

/* tr((I - H) E (I - H) F) for diagonal E = diag(e), F = diag(f), H = W^1/2 X A X' W^1/2 the hat
 * matrix of the last wls_fit (weights s->w, A = (X'WX)^-1 in s->cov, h_i in s->h):
 *   sum e f (1 - 2 h) + tr(A G(e) A G(f)),  G(e) = X' diag(w e) X.
 * With P = W^1/2 (I - H) W^1/2 and a = w v this gives metafor's traces without a k x k matrix:
 * tr(P^2) (e = f = w), tr(PVP) = sum(PV * P) (e = w, f = a), tr(PVPV) = sum(PV * t(PV))
 * (e = f = a).  O(k p^2). */
static int tr_pair(wls *s, const double *e, const double *f, double *out)
{
    size_t k = s->k, p = s->p;
    gsl_matrix *Ge = gsl_matrix_calloc(p, p), *Gf = gsl_matrix_calloc(p, p);
    gsl_matrix *M1 = gsl_matrix_alloc(p, p), *M2 = gsl_matrix_alloc(p, p);
    int st = MSUM_ENOMEM;
    if (!Ge || !Gf || !M1 || !M2) goto done;
    double t = 0;
    for (size_t i = 0; i < k; i++) {
        gsl_vector_const_view xi = gsl_matrix_const_row(s->X, i);
        double w = gsl_vector_get(s->w, i);
        t += e[i] * f[i] * (1 - 2 * gsl_vector_get(s->h, i));
        gsl_blas_dsyr(CblasLower, w * e[i], &xi.vector, Ge);
        gsl_blas_dsyr(CblasLower, w * f[i], &xi.vector, Gf);
    }
    for (size_t a = 0; a < p; a++)
        for (size_t c = a + 1; c < p; c++) {
            gsl_matrix_set(Ge, a, c, gsl_matrix_get(Ge, c, a));
            gsl_matrix_set(Gf, a, c, gsl_matrix_get(Gf, c, a));
        }
    st = MSUM_EDATA;
    if (gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, s->cov, Ge, 0.0, M1) != GSL_SUCCESS ||
        gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, s->cov, Gf, 0.0, M2) != GSL_SUCCESS)
        goto done;
    for (size_t a = 0; a < p; a++)
        for (size_t c = 0; c < p; c++) t += gsl_matrix_get(M1, a, c) * gsl_matrix_get(M2, c, a);
    *out = t;
    st = MSUM_OK;
done:
    gsl_matrix_free(Ge);
    gsl_matrix_free(Gf);
    gsl_matrix_free(M1);
    gsl_matrix_free(M2);
    return st;
}

/* Hedges (HE) with mods: tau2 = (RSS_OLS - tr(P_OLS V)) / (k - p), P_OLS = I - X(X'X)^-1X'
 * (metafor method="HE"; also the starting value of ML/REML/EB as in metafor).
 * tr(P_OLS V) = sum v_i (1 - h_i) with the unweighted hat values.  With se != NULL its SE as
 * metafor: sqrt(2 tr(PVPV) + 4 t tr(PV) + 2 t^2 (k - p)) / (k - p), t = max(0, tau2). */
static int tau2_he(wls *s, const double *yc, const double *vi, double *tau2, double *se)
{
    gsl_vector_set_all(s->w, 1.0);
    wls_sums q;
    int st = wls_fit(s, yc, 0, &q);
    if (st != MSUM_OK) return st;
    double trPV = 0, df = (double)(s->k - s->p);
    for (size_t i = 0; i < s->k; i++) trPV += vi[i] * (1 - gsl_vector_get(s->h, i));
    *tau2 = (q.RSS - trPV) / df;
    if (!se) return MSUM_OK;
    double trPVPV, t = fmax(0, *tau2);
    if ((st = tr_pair(s, vi, vi, &trPVPV)) != MSUM_OK) return st;
    *se = sqrt(2 * trPVPV + 4 * t * trPV + 2 * t * t * df) / df;
    return MSUM_OK;
}

/* DerSimonian-Laird with mods: tau2 = (QE - (k - p)) / tr(P), W = diag(1/vi) (metafor method="DL";
 * DerSimonian & Laird 1986, Raudenbush 2009).  SE as metafor:
 * sqrt((2(k-p) + 4 tau2 trP + 2 tau2^2 tr(P^2)) / trP^2).
 * Hunter-Schmidt (hs = 1; Hunter & Schmidt 2004, metafor method="HS"): tau2 = (QE - k) / sum w,
 * SE sqrt(2(k-p) + 4 tau2 trP + 2 tau2^2 tr(P^2)) / sum w. */
static int tau2_dl(wls *s, const double *yc, const double *vi, int hs, double *tau2, double *se)
{
    set_weights(s, vi, 0);
    wls_sums q;
    int st = wls_fit(s, yc, 1, &q);
    if (st != MSUM_OK) return st;
    double df = (double)(s->k - s->p), den = hs ? q.S1 : q.trP;
    double t = fmax(0, hs ? (q.RSS - (double)s->k) / den : (q.RSS - df) / den);
    *tau2 = t;
    *se = sqrt(2 * df + 4 * t * q.trP + 2 * t * t * q.trPP) / den;
    return MSUM_OK;
}

/* Sidik-Jonkman with mods (Sidik & Jonkman 2005, metafor method="SJ"): tau0 = sum (y - ybar)^2
 * / k, tau2 = tau0 RSS(tau0) / (k - p) with W = diag(1/(vi + tau0));
 * SE = tau0/(k-p) sqrt(2 tr(PVPV) + 4 t tr(PVP) + 2 t^2 tr(P^2)), P at tau0. */
static int tau2_sj(wls *s, const double *yc, const double *vi, double *tau2, double *se)
{
    size_t k = s->k;
    double tau0 = 0, df = (double)(k - s->p);
    for (size_t i = 0; i < k; i++) tau0 += yc[i] * yc[i];
    tau0 /= (double)k;
    set_weights(s, vi, tau0);
    wls_sums q;
    int st = wls_fit(s, yc, 1, &q);
    if (st != MSUM_OK) return st;
    double *a = malloc(2 * k * sizeof *a);
    if (!a) return MSUM_ENOMEM;
    double *w = a + k;
    for (size_t i = 0; i < k; i++) {
        w[i] = gsl_vector_get(s->w, i);
        a[i] = w[i] * vi[i];
    }
    double trPVPV, trPVP, t = fmax(0, tau0 * q.RSS / df);
    if ((st = tr_pair(s, a, a, &trPVPV)) == MSUM_OK && (st = tr_pair(s, w, a, &trPVP)) == MSUM_OK) {
        *tau2 = t;
        *se = tau0 / df * sqrt(2 * trPVPV + 4 * t * trPVP + 2 * t * t * q.trPP);
    }
    free(a);
    return st;
}

/* RSS(tau2) - target for the Paule-Mandel root. */
typedef struct {
    wls *s;
    const double *yc, *vi;
    double target;
    int failed;
} pm_args;

static double pm_fn(double t, void *p)
{
    pm_args *a = p;
    wls_sums q;
    set_weights(a->s, a->vi, t);
    if (wls_fit(a->s, a->yc, 0, &q) != MSUM_OK) {
        a->failed = 1;
        return NAN;
    }
    return q.RSS - a->target;
}

/* Paule-Mandel with mods (Paule & Mandel 1982, metafor method="PM"): the root of the
 * generalized residual Q, RSS(tau2) = sum w r^2 = k - p, W = diag(1/(vi + tau2)); 0 when
 * RSS(0) <= k - p.  RSS decreases in tau2; Brent's method (metafor: uniroot) on [0, hi], hi = 100
 * widened tenfold until it brackets the root (metafor stops there), to 1e-15 relative.
 * SE as metafor: sqrt(2 k^2 / (k - p)) / sum w at the estimate. */
static int tau2_pm(wls *s, const double *yc, const double *vi, double *tau2, double *se,
                   int *iter)
{
    size_t k = s->k;
    pm_args args = {s, yc, vi, (double)(k - s->p), 0};
    double t = 0, hi = 100;
    int st = MSUM_OK;
    *iter = 0;
    if (pm_fn(0, &args) > 0) {
        while (pm_fn(hi, &args) > 0 && hi < 1e300) hi *= 10;
        if (args.failed) return MSUM_EDATA;
        if (!(pm_fn(hi, &args) <= 0)) return MSUM_ENOCONV;
        gsl_function F = {pm_fn, &args};
        gsl_root_fsolver *rs = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
        if (!rs) return MSUM_ENOMEM;
        st = gsl_root_fsolver_set(rs, &F, 0, hi) == GSL_SUCCESS ? MSUM_ENOCONV : MSUM_EDATA;
        for (int it = 0; st == MSUM_ENOCONV && it < 500; it++) {
            (*iter)++;
            if (gsl_root_fsolver_iterate(rs) != GSL_SUCCESS || args.failed) {
                st = MSUM_EDATA;
                break;
            }
            if (gsl_root_test_interval(gsl_root_fsolver_x_lower(rs),
                                       gsl_root_fsolver_x_upper(rs), 0, 1e-15) == GSL_SUCCESS)
                st = MSUM_OK;
        }
        t = gsl_root_fsolver_root(rs);
        gsl_root_fsolver_free(rs);
        if (st != MSUM_OK) return st;
    }
    set_weights(s, vi, t);
    wls_sums q;
    if ((st = wls_fit(s, yc, 0, &q)) != MSUM_OK) return st;
    double kk = (double)k;
    *tau2 = t;
    *se = sqrt(2 * kk * kk / args.target) / q.S1;
    return MSUM_OK;
}

/* Log-likelihood at tau2 (ML, or REML without the constant log det(X'X)/2, which cancels in the
 * ll0check comparison). */
static int loglik(wls *s, const double *yc, const double *vi, double tau2, int reml, double *ll)
{
    set_weights(s, vi, tau2);
    wls_sums q;
    int st = wls_fit(s, yc, reml, &q);
    if (st != MSUM_OK) return st;
    double sl = 0;
    for (size_t i = 0; i < s->k; i++) sl += log(vi[i] + tau2);
    double n = reml ? (double)(s->k - s->p) : (double)s->k;
    *ll = -0.5 * n * LOG_2PI - 0.5 * sl - 0.5 * q.RSS - (reml ? 0.5 * q.logdet : 0);
    return MSUM_OK;
}

/* The Fisher scoring step numerator (score) and denominator at the sums q:
 *   ML:   (y'P^2y - sum w) / sum w^2
 *   REML: (y'P^2y - tr P) / tr(P^2)
 *   EB:   (RSS k/(k-p) - k) / sum w   (Morris 1983; metafor's EB iteration) */
static double fisher_step(msum_estimator m, const wls_sums *q, size_t k, size_t p)
{
    double kk = (double)k;
    if (m == MSUM_EST_ML) return (q->yPPy - q->S1) / q->S2;
    if (m == MSUM_EST_REML) return (q->yPPy - q->trP) / q->trPP;
    return (q->RSS * kk / (double)(k - p) - kk) / q->S1;
}

/* ML / REML / EB by Fisher scoring, as metafor rma.uni (Viechtbauer 2005), started at
 * max(0, HE), the step times opts.step_adj and halved while tau2 + step < 0.
 * Stopping: opts.threshold > 0 is metafor's rule |change| <= threshold (its iterates are
 * retraced); threshold 0 runs to full precision, |change| <= 1e-13 (tau2 + vh), vh the
 * harmonic mean of the vi, and returns an optimum on the boundary as exactly 0: when the score
 * at 0 is <= 0 (0 is a local maximum) and the converged value does not beat the likelihood at
 * 0, it is the boundary approached by halving steps (EB: when its function is <= 0 at 0, its
 * root is 0).  Then metafor's ll0check for ML/REML: if the (restricted)
 * likelihood at tau2 = 0 is higher by more than 1.2e-4 (uniroot's tol) and tau2 > threshold,
 * tau2 = 0.  SE: sqrt(2/sum w^2) (ML), sqrt(2/tr(P^2)) (REML), sqrt(2 k^2/(k-p))/sum w (EB).
 * Returns 1 when converged, 0 when not, negative status on failure. */
static int tau2_fisher(wls *s, const double *yc, const double *vi, msum_estimator m,
                       const msum_metareg_opts *o, double *tau2, double *se, int *iter)
{
    size_t k = s->k, p = s->p;
    int reml = m == MSUM_EST_REML, eb = m == MSUM_EST_EB, exact = o->threshold == 0;
    double t, ll0 = NAN, vh = 0;
    int st = tau2_he(s, yc, vi, &t, NULL), bound0 = 0;
    if (st != MSUM_OK) return -st;
    t = isnan(t) ? 0 : fmax(0, t);
    wls_sums q;
    if (exact) {
        set_weights(s, vi, 0);
        if ((st = wls_fit(s, yc, 1, &q)) != MSUM_OK) return -st;
        vh = (double)k / q.S1;
        bound0 = fisher_step(m, &q, k, p) <= 0;
        if (bound0 && eb) t = 0;
        if (bound0 && !eb && (st = loglik(s, yc, vi, 0, reml, &ll0)) != MSUM_OK) return -st;
    }
    double change = HUGE_VAL;
    int it = 0, conv = 1;
    for (;;) {
        if (exact ? change <= 1e-13 * (t + vh) : change <= o->threshold) break;
        it++;
        set_weights(s, vi, t);
        st = wls_fit(s, yc, !eb, &q);
        if (st != MSUM_OK) return -st;
        double adj = fisher_step(m, &q, k, p) * o->step_adj;
        if (isnan(adj)) adj = 0;
        for (int h = 0; t + adj < 0 && h < 2000; h++) adj /= 2;
        if (t + adj < 0) adj = -t;
        double old = t;
        t += adj;
        change = fabs(old - t);
        if (!isfinite(t) || it > o->maxiter) {
            conv = 0;
            break;
        }
    }
    *iter = it;
    if (!conv) {
        *tau2 = t;
        return 0;
    }
    if (bound0 && !eb && t > 0) { /* iterates halving towards the boundary: snap to it */
        double ll;
        if ((st = loglik(s, yc, vi, t, reml, &ll)) != MSUM_OK) return -st;
        if (!(ll > ll0)) t = 0;
    }
    if (o->ll0check && !eb) {
        double l0, ll;
        if ((st = loglik(s, yc, vi, 0, reml, &l0)) != MSUM_OK) return -st;
        if ((st = loglik(s, yc, vi, t, reml, &ll)) != MSUM_OK) return -st;
        if (l0 - ll > 1.220703125e-4 && t > o->threshold) t = 0;
    }
    t = fmax(0, t);
    set_weights(s, vi, t);
    if ((st = wls_fit(s, yc, 1, &q)) != MSUM_OK) return -st;
    double kk = (double)k;
    *se = reml ? sqrt(2 / q.trPP) : eb ? sqrt(2 * kk * kk / (double)(k - p)) / q.S1
                                       : sqrt(2 / q.S2);
    *tau2 = t;
    return 1;
}

/* Score of the (restricted) likelihood in tau2, times 2: y'P^2y - tr P (REML) or
 * y'P^2y - sum w (ML) -- the numerators of the Fisher scoring steps.  NaN on failure. */
typedef struct {
    wls *s;
    const double *yc, *vi;
    int reml;
} score_args;

static double score(double t, void *p)
{
    score_args *a = p;
    wls_sums q;
    set_weights(a->s, a->vi, t);
    if (wls_fit(a->s, a->yc, 0, &q) != MSUM_OK) return NAN;
    return a->reml ? q.yPPy - q.trP : q.yPPy - q.S1;
}

/* Safeguarded (restricted) likelihood maximisation, used when Fisher scoring does not converge
 * (metafor stops with an error there): the log-likelihood on a grid {0} u {U 2^-j, j = 0..40},
 * U = 100 widened tenfold while the maximum sits at U (up to 1e8); then the root of the score
 * between the neighbours of the best grid point by Brent's method (GSL), or tau2 = 0 when the
 * maximum is on the boundary (score <= 0 at 0).  The same estimator, by another algorithm. */
static int tau2_search(wls *s, const double *yc, const double *vi, int reml, double *tau2)
{
    enum { NG = 42 };
    double g[NG], ll[NG], U = 100;
    int st, best;
    for (;;) {
        g[0] = 0;
        for (int j = 1; j < NG; j++) g[j] = U * ldexp(1.0, -(NG - 1 - j));
        best = 0;
        for (int j = 0; j < NG; j++) {
            if ((st = loglik(s, yc, vi, g[j], reml, &ll[j])) != MSUM_OK) return st;
            if (ll[j] > ll[best]) best = j;
        }
        if (best < NG - 1 || U >= 1e8) break;
        U *= 10;
    }
    score_args args = {s, yc, vi, reml};
    double lo = g[best > 0 ? best - 1 : 0], hi = g[best < NG - 1 ? best + 1 : NG - 1];
    double slo = score(lo, &args), shi = score(hi, &args);
    if (isnan(slo) || isnan(shi)) return MSUM_EDATA;
    if (lo == 0 && slo <= 0) {
        *tau2 = 0;
        return MSUM_OK;
    }
    if (!(slo > 0 && shi < 0)) return MSUM_ENOCONV;
    gsl_function F = {score, &args};
    gsl_root_fsolver *rs = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    if (!rs) return MSUM_ENOMEM;
    st = gsl_root_fsolver_set(rs, &F, lo, hi) == GSL_SUCCESS ? MSUM_ENOCONV : MSUM_EDATA;
    for (int it = 0; st == MSUM_ENOCONV && it < 200; it++) {
        if (gsl_root_fsolver_iterate(rs) != GSL_SUCCESS) {
            st = MSUM_EDATA;
            break;
        }
        if (gsl_root_test_interval(gsl_root_fsolver_x_lower(rs), gsl_root_fsolver_x_upper(rs),
                                   1e-15, 1e-13) == GSL_SUCCESS)
            st = MSUM_OK;
    }
    *tau2 = gsl_root_fsolver_root(rs);
    gsl_root_fsolver_free(rs);
    return st;
}

/* ---- the fit ------------------------------------------------------------------------------ */

void msum_metareg_result_free(msum_metareg_result *r)
{
    if (!r) return;
    if (r->names)
        for (size_t j = 0; j < r->p; j++) free(r->names[j]);
    free(r->names);
    free(r->beta);
    free(r->se);
    free(r->stat);
    free(r->pval);
    free(r->ci_lb);
    free(r->ci_ub);
    free(r->vb);
    free(r->weight);
    free(r->hat);
    r->names = NULL;
    r->beta = r->se = r->stat = r->pval = r->ci_lb = r->ci_ub = r->vb = NULL;
    r->weight = r->hat = NULL;
}

int msum_metareg_coef(const msum_metareg_result *r, const char *name)
{
    if (!r || !r->names || !name) return -1;
    for (size_t j = 0; j < r->p; j++)
        if (strcmp(r->names[j], name) == 0) return (int)j;
    return -1;
}

static int is_fixed(msum_estimator m)
{
    return m == MSUM_EST_EE || m == MSUM_EST_FE || m == MSUM_EST_CE;
}

static int supported(msum_estimator m)
{
    return (unsigned)m <= MSUM_EST_EB;
}

static int alloc_result(msum_metareg_result *r, size_t p, size_t k)
{
    r->weight = calloc(k, sizeof(double));
    r->hat = calloc(k, sizeof(double));
    r->names = calloc(p, sizeof *r->names);
    r->beta = calloc(p, sizeof(double));
    r->se = calloc(p, sizeof(double));
    r->stat = calloc(p, sizeof(double));
    r->pval = calloc(p, sizeof(double));
    r->ci_lb = calloc(p, sizeof(double));
    r->ci_ub = calloc(p, sizeof(double));
    r->vb = calloc(p * p, sizeof(double));
    if (!r->names || !r->beta || !r->se || !r->stat || !r->pval || !r->ci_lb || !r->ci_ub ||
        !r->vb || !r->weight || !r->hat)
        return MSUM_ENOMEM;
    return MSUM_OK;
}

static int check_opts(const msum_metareg_opts *o)
{
    if (!supported(o->method)) return MSUM_EINVAL;
    if ((int)o->test < MSUM_TEST_Z || (int)o->test > MSUM_TEST_KNHA_ADHOC) return MSUM_EINVAL;
    if (!(o->level > 0 && o->level < 1)) return MSUM_EINVAL;
    if (!(o->threshold >= 0) || o->maxiter < 1 || !(o->step_adj > 0)) return MSUM_EINVAL;
    if (!isnan(o->tau2_fixed) && !(o->tau2_fixed >= 0 && isfinite(o->tau2_fixed)))
        return MSUM_EINVAL;
    return MSUM_OK;
}

/* Omnibus Wald test of the coefficients btt = [first, p): b' Vb^-1 b (metafor QM), by Cholesky. */
static double wald(const msum_metareg_result *r, size_t first)
{
    size_t m = r->p - first;
    gsl_matrix *V = gsl_matrix_alloc(m, m);
    gsl_vector *b = gsl_vector_alloc(m), *x = gsl_vector_alloc(m);
    double q = NAN;
    if (V && b && x) {
        for (size_t a = 0; a < m; a++) {
            gsl_vector_set(b, a, r->beta[first + a]);
            for (size_t c = 0; c < m; c++)
                gsl_matrix_set(V, a, c, r->vb[(first + a) * r->p + first + c]);
        }
        if (gsl_linalg_cholesky_decomp1(V) == GSL_SUCCESS &&
            gsl_linalg_cholesky_solve(V, b, x) == GSL_SUCCESS)
            gsl_blas_ddot(b, x, &q);
    }
    gsl_matrix_free(V);
    gsl_vector_free(b);
    gsl_vector_free(x);
    return q;
}

/* Root of RSS(tau2) = target on [lo, hi] (RSS decreases in tau2) by Brent's method, to 1e-15
 * relative.  RSS uses yi itself, as metafor's confint (its tau2 estimators use the centred
 * yi; the two agree whenever the model has an intercept). */
static int rss_root(wls *s, const double *yi, const double *vi, double target, double lo,
                    double hi, double *root)
{
    pm_args args = {s, yi, vi, target, 0};
    gsl_function F = {pm_fn, &args};
    gsl_root_fsolver *rs = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    if (!rs) return MSUM_ENOMEM;
    int st = gsl_root_fsolver_set(rs, &F, lo, hi) == GSL_SUCCESS ? MSUM_ENOCONV : MSUM_EDATA;
    for (int it = 0; st == MSUM_ENOCONV && it < 500; it++) {
        if (gsl_root_fsolver_iterate(rs) != GSL_SUCCESS || args.failed) {
            st = MSUM_EDATA;
            break;
        }
        if (gsl_root_test_interval(gsl_root_fsolver_x_lower(rs), gsl_root_fsolver_x_upper(rs),
                                   0, 1e-15) == GSL_SUCCESS)
            st = MSUM_OK;
    }
    *root = gsl_root_fsolver_root(rs);
    gsl_root_fsolver_free(rs);
    return st;
}

/* Q-profile CI of the residual tau2 (Viechtbauer 2007), as metafor confint.rma.uni(type="QP"):
 * the bounds solve RSS(tau2) = chi2_{k-p, 1-a/2} (lower) and chi2_{k-p, a/2} (upper) on
 * [0, max(100, 10 tau2)], with metafor's bound types (see msum_pool's qprofile). */
static int qprofile(wls *s, const double *yi, const double *vi, double level,
                    msum_metareg_result *r)
{
    double df = (double)(r->k - r->p), a = 1 - level;
    double cu = gsl_cdf_chisq_Qinv(a / 2, df), cl = gsl_cdf_chisq_Pinv(a / 2, df);
    double tmax = fmax(100, 10 * r->tau2), lb = NAN, ub = NAN;
    pm_args q = {s, yi, vi, 0, 0};
    double qmin = pm_fn(0, &q), qmax = pm_fn(tmax, &q);
    if (q.failed) return MSUM_EDATA;
    int st;
    r->lb_sign = r->ub_sign = r->ci_null = 0;
    if (qmin < cl) {
        lb = ub = 0;
        r->lb_sign = r->ub_sign = -1;
        r->ci_null = 1;
    } else if (qmax > cl) {
        ub = tmax;
        r->ub_sign = 1;
    } else if ((st = rss_root(s, yi, vi, cl, 0, tmax, &ub)) != MSUM_OK) {
        if (st == MSUM_ENOMEM) return st;
        ub = NAN;
    }
    if (qmax > cu) {
        lb = ub = tmax;
        r->lb_sign = r->ub_sign = 1;
    } else if (qmin < cu) {
        lb = 0;
    } else if ((st = rss_root(s, yi, vi, cu, 0, tmax, &lb)) != MSUM_OK) {
        if (st == MSUM_ENOMEM) return st;
        lb = NAN;
    }
    double vt = r->vt;
    r->tau2_ci = (msum_interval){r->tau2, lb, ub};
    r->tau_ci = (msum_interval){r->tau, sqrt(lb), sqrt(ub)};
    r->I2_ci = (msum_interval){r->I2, 100 * lb / (vt + lb), 100 * ub / (vt + ub)};
    r->H2_ci = (msum_interval){r->H2, 1 + lb / vt, 1 + ub / vt};
    return MSUM_OK;
}

int msum_metareg_predict(const msum_metareg_result *r, const double *x0, msum_pi_type pi_type,
                         msum_metareg_pred *out)
{
    if (!r || !x0 || !out || !r->beta || !r->vb) return MSUM_EINVAL;
    size_t p = r->p;
    double pred = 0, v = 0;
    for (size_t a = 0; a < p; a++) {
        pred += x0[a] * r->beta[a];
        for (size_t b = 0; b < p; b++) v += x0[a] * r->vb[a * p + b] * x0[b];
    }
    double alpha = 1 - r->level, df = (double)(r->k - r->p), crit;
    int tlike = r->test != MSUM_TEST_Z;
    crit = tlike ? (df > 0 ? gsl_cdf_tdist_Qinv(alpha / 2, df) : NAN)
                 : gsl_cdf_ugaussian_Qinv(alpha / 2);
    out->pred = pred;
    out->se = v >= 0 ? sqrt(v) : NAN;
    out->ci_lb = pred - crit * out->se;
    out->ci_ub = pred + crit * out->se;
    out->pi_df = tlike ? df : NAN;
    double pcrit = crit;
    if (pi_type == MSUM_PI_T_K2) {
        /* metafor pi.type = "riley": df k - p - (1 if tau2 was estimated), at least 1 */
        int estimated = !is_fixed(r->method_used) && r->tau2_estimated;
        out->pi_df = fmax(1, df - (estimated ? 1 : 0));
        pcrit = gsl_cdf_tdist_Qinv(alpha / 2, out->pi_df);
    }
    if (is_fixed(r->method_used)) {
        out->pi_lb = out->pi_ub = out->pi_df = NAN;
    } else {
        double ps = sqrt(v + r->tau2);
        out->pi_lb = pred - pcrit * ps;
        out->pi_ub = pred + pcrit * ps;
    }
    return MSUM_OK;
}

static int fit(const double *yi, const double *vi, const gsl_matrix *X, int intercept,
               const char *const *names, const char *const *terms, const msum_metareg_opts *o,
               msum_metareg_result *out);

/* Fit statistics as metafor fitstats() (reported for the REML likelihood after REML fits, the
 * ML likelihood otherwise):
 *   ML:   ll = -k/2 log 2pi - 1/2 sum log(vi + tau2) - 1/2 RSS,  deviance = -2 (ll - ll_saturated)
 *   REML: ll = -(k-p)/2 log 2pi + 1/2 log|X'X| - 1/2 sum log(vi + tau2) - 1/2 log|X'WX| - 1/2 RSS,
 *         deviance = -2 ll
 * AIC = -2 ll + 2 q, BIC = -2 ll + q log n, AICc = -2 ll + 2 q max(n, q+2)/(max(n, q+2) - q - 1)
 * with q = p (+1 when tau2 is estimated) and n = k (ML) or k - p (REML). */
static int fitstats(wls *s, const double *yi, const double *vi, const double *yc, double tau2,
                    int tau2_estimated, int reml, msum_metareg_result *out)
{
    size_t k = s->k, p = s->p;
    wls_sums q1, q0;
    gsl_vector_set_all(s->w, 1.0);
    int st = wls_fit(s, yc, 1, &q0);
    if (st != MSUM_OK) return st;
    set_weights(s, vi, tau2);
    if ((st = wls_fit(s, yi, 1, &q1)) != MSUM_OK) return st;
    double sl = 0, sat = 0;
    for (size_t i = 0; i < k; i++) {
        sl += log(vi[i] + tau2);
        sat += log(2 * M_PI * vi[i]);
    }
    double parms = (double)p + (tau2_estimated ? 1 : 0), n, ll;
    if (reml) {
        n = (double)(k - p);
        ll = -0.5 * n * LOG_2PI + 0.5 * q0.logdet - 0.5 * sl - 0.5 * q1.logdet - 0.5 * q1.RSS;
        out->deviance = -2 * ll;
    } else {
        n = (double)k;
        ll = -0.5 * n * LOG_2PI - 0.5 * sl - 0.5 * q1.RSS;
        out->deviance = k > p ? -2 * ll - sat : 0;
    }
    out->logLik = ll;
    out->AIC = -2 * ll + 2 * parms;
    out->BIC = -2 * ll + parms * log(n);
    double mx = fmax(n, parms + 2);
    out->AICc = -2 * ll + 2 * parms * mx / (mx - parms - 1);
    return MSUM_OK;
}

/* Pseudo-R2 (metafor r2def "1"): 100 (tau2_RE - tau2) / tau2_RE floored at 0, tau2_RE from the
 * intercept-only model with the same estimator and settings; 0 when tau2_RE = 0.  For EE/FE/CE
 * fits metafor reports the adjusted R2 of the weighted least squares fit, w = 1/vi:
 * 1 - (QE/(k-p)) / (Q_intercept/(k-1)), floored at 0. */
static int pseudo_r2(const double *yi, const double *vi, wls *s, const double *yc,
                     const msum_metareg_opts *o, msum_metareg_result *out)
{
    size_t k = out->k;
    int allsame = 1;
    for (size_t i = 1; i < k; i++)
        if (yi[i] != yi[0]) allsame = 0;
    if (is_fixed(o->method)) {
        if (allsame) {
            out->R2 = 0;
            return MSUM_OK;
        }
        double S1 = 0, Sy = 0, Q0 = 0;
        for (size_t i = 0; i < k; i++) {
            S1 += 1 / vi[i];
            Sy += yi[i] / vi[i];
        }
        for (size_t i = 0; i < k; i++) Q0 += (yi[i] - Sy / S1) * (yi[i] - Sy / S1) / vi[i];
        (void)s;
        (void)yc;
        double adj = 1 - (out->QE / (double)(k - out->p)) / (Q0 / (double)(k - 1));
        out->R2 = fmax(0, 100 * adj);
        return MSUM_OK;
    }
    gsl_matrix *one = gsl_matrix_alloc(k, 1);
    if (!one) return MSUM_ENOMEM;
    gsl_matrix_set_all(one, 1.0);
    msum_metareg_opts o0 = *o;
    o0.r2 = 0;
    o0.qprofile = 0;
    o0.tau2_fixed = NAN;
    msum_metareg_result r0;
    const char *nm[] = {"intrcpt"};
    int st = fit(yi, vi, one, 1, nm, NULL, &o0, &r0);
    gsl_matrix_free(one);
    if (st == MSUM_OK || st == MSUM_ENOCONV) {
        out->tau2_RE = r0.tau2;
        out->R2 = r0.tau2 == 0 ? 0 : fmax(0, 100 * (r0.tau2 - out->tau2) / r0.tau2);
        msum_metareg_result_free(&r0);
    }
    return st == MSUM_ENOMEM ? st : MSUM_OK;
}

static int fit(const double *yi, const double *vi, const gsl_matrix *X, int intercept,
               const char *const *names, const char *const *terms, const msum_metareg_opts *o,
               msum_metareg_result *out)
{
    size_t k = X->size1, p = X->size2;
    memset(out, 0, sizeof *out);
    out->method = out->method_used = o->method;
    out->fallback = "";
    out->test = o->test;
    out->level = o->level;
    out->k = k;
    out->p = p;
    out->intercept = intercept;
    out->tau2_estimated = !is_fixed(o->method) && isnan(o->tau2_fixed);
    out->converged = 1;
    out->R2 = out->tau2_RE = out->se_tau2 = out->df = out->QMdf2 = NAN;
    out->s2w = 1;
    int st = check_opts(o);
    if (st != MSUM_OK) return st;
    for (size_t i = 0; i < k; i++)
        if (!isfinite(yi[i]) || !isfinite(vi[i]) || !(vi[i] > 0)) {
            snprintf(out->message, sizeof out->message,
                     "study %zu: yi must be finite and vi finite and > 0", i + 1);
            return MSUM_EDATA;
        }
    if (k < p) {
        snprintf(out->message, sizeof out->message,
                 "%zu studies cannot estimate %zu coefficients", k, p);
        return MSUM_EDATA;
    }
    st = check_rank(X, names, terms, out->message, sizeof out->message);
    if (st != MSUM_OK) return st;

    wls s;
    double *yc = malloc(k * sizeof *yc);
    if (!yc) return MSUM_ENOMEM;
    if ((st = wls_init(&s, X)) != MSUM_OK) {
        free(yc);
        return st;
    }
    if ((st = alloc_result(out, p, k)) != MSUM_OK) goto fail;
    for (size_t j = 0; j < p; j++) {
        char buf[32];
        snprintf(buf, sizeof buf, "X%zu", j + 1);
        out->names[j] = xstrdup(names && names[j] ? names[j] : buf);
        if (!out->names[j]) {
            st = MSUM_ENOMEM;
            goto fail;
        }
    }
    /* metafor estimates tau2 from the mean-centred responses (Ymc). */
    double ybar = 0;
    for (size_t i = 0; i < k; i++) ybar += yi[i];
    ybar /= (double)k;
    for (size_t i = 0; i < k; i++) yc[i] = yi[i] - ybar;

    double tau2 = 0;
    int nocon = 0;
    if (is_fixed(o->method)) {
        tau2 = 0;
    } else if (!isnan(o->tau2_fixed)) {
        tau2 = o->tau2_fixed;
    } else if (k == p) {
        tau2 = 0;
        out->fallback = "no residual degrees of freedom (k = p): tau2 set to 0";
    } else if (o->method == MSUM_EST_DL || o->method == MSUM_EST_HS) {
        st = tau2_dl(&s, yc, vi, o->method == MSUM_EST_HS, &tau2, &out->se_tau2);
    } else if (o->method == MSUM_EST_HE) {
        st = tau2_he(&s, yc, vi, &tau2, &out->se_tau2);
        tau2 = fmax(0, tau2);
    } else if (o->method == MSUM_EST_SJ) {
        st = tau2_sj(&s, yc, vi, &tau2, &out->se_tau2);
    } else if (o->method == MSUM_EST_PM) {
        st = tau2_pm(&s, yc, vi, &tau2, &out->se_tau2, &out->iterations);
        if (st == MSUM_ENOCONV) {
            out->converged = 0;
            if (o->fallback) {
                out->method_used = MSUM_EST_DL;
                out->fallback = "the Paule-Mandel root search failed: DerSimonian-Laird tau2 "
                                "used";
                st = tau2_dl(&s, yc, vi, 0, &tau2, &out->se_tau2);
            }
        }
    } else {
        int rc = tau2_fisher(&s, yc, vi, o->method, o, &tau2, &out->se_tau2,
                             &out->iterations);
        if (rc < 0) {
            st = -rc;
        } else if (rc == 0) {
            out->converged = 0;
            int reml = o->method == MSUM_EST_REML;
            if (o->method != MSUM_EST_EB && o->fallback &&
                tau2_search(&s, yc, vi, reml, &tau2) == MSUM_OK) {
                /* the same estimator by a safeguarded search; its SE at the maximum */
                out->fallback = reml ? "Fisher scoring did not converge: REML tau2 found by a "
                                       "likelihood grid and Brent's root of the score"
                                     : "Fisher scoring did not converge: ML tau2 found by a "
                                       "likelihood grid and Brent's root of the score";
                wls_sums q0;
                set_weights(&s, vi, tau2);
                st = wls_fit(&s, yc, 1, &q0);
                out->se_tau2 = reml ? sqrt(2 / q0.trPP) : sqrt(2 / q0.S2);
            } else if (o->method == MSUM_EST_EB && o->fallback &&
                       tau2_pm(&s, yc, vi, &tau2, &out->se_tau2, &out->iterations) ==
                           MSUM_OK) {
                /* EB and PM solve the same equation RSS = k - p */
                out->method_used = MSUM_EST_PM;
                out->fallback = "EB Fisher scoring did not converge: Paule-Mandel tau2 used";
            } else if (o->fallback) {
                out->method_used = MSUM_EST_DL;
                out->fallback = "Fisher scoring and the likelihood search failed: "
                                "DerSimonian-Laird tau2 used";
                st = tau2_dl(&s, yc, vi, 0, &tau2, &out->se_tau2);
            } else {
                nocon = 1;
                out->se_tau2 = NAN;
            }
        }
    }
    if (st != MSUM_OK) goto fail;
    out->tau2 = tau2;
    out->tau = sqrt(tau2);

    /* The model at tau2: beta = (X'WX)^-1 X'W y, Vb = (X'WX)^-1 (times s2w under Knapp-Hartung:
     * s2w = sum w r^2 / (k - p), Knapp & Hartung 2003; floored at 1 for test="adhoc"). */
    set_weights(&s, vi, tau2);
    wls_sums q;
    if ((st = wls_fit(&s, yi, 0, &q)) != MSUM_OK) goto fail;
    for (size_t i = 0; i < k; i++) {
        out->weight[i] = 100 * gsl_vector_get(s.w, i) / q.S1;
        out->hat[i] = gsl_vector_get(s.h, i);
    }
    int tlike = o->test != MSUM_TEST_Z;
    if (o->test == MSUM_TEST_KNHA || o->test == MSUM_TEST_KNHA_ADHOC) {
        out->s2w = k > p ? (q.RSS <= GSL_DBL_EPSILON ? 0 : q.RSS / (double)(k - p)) : NAN;
        if (o->test == MSUM_TEST_KNHA_ADHOC && out->s2w < 1) out->s2w = 1;
    }
    double alpha = 1 - o->level, crit;
    if (tlike) {
        out->df = (double)(k - p);
        crit = out->df > 0 ? gsl_cdf_tdist_Qinv(alpha / 2, out->df) : NAN;
    } else {
        crit = gsl_cdf_ugaussian_Qinv(alpha / 2);
    }
    for (size_t a = 0; a < p; a++)
        for (size_t b = 0; b < p; b++)
            out->vb[a * p + b] = out->s2w * gsl_matrix_get(s.cov, a, b);
    for (size_t j = 0; j < p; j++) {
        double b = gsl_vector_get(s.c, j), se = sqrt(out->vb[j * p + j]);
        out->beta[j] = b;
        out->se[j] = se;
        out->stat[j] = b / se;
        if (tlike)
            out->pval[j] = msum_tdist_p2(b / se, out->df);
        else
            out->pval[j] = 2 * gsl_cdf_ugaussian_Q(fabs(b / se));
        out->ci_lb[j] = b - crit * se;
        out->ci_ub[j] = b + crit * se;
    }

    /* QM: Wald test of every coefficient but the intercept (all of them in an intercept-only
     * or no-intercept model), chi-square(m); under t/knha/adhoc QM/m against F(m, k - p). */
    size_t first = intercept && p > 1 ? 1 : 0;
    out->m = p - first;
    out->QM = wald(out, first);
    out->QMdf = (double)out->m;
    if (tlike) {
        out->QM /= (double)out->m;
        out->QMdf2 = (double)(k - p);
        out->QMp = k > p ? gsl_cdf_fdist_Q(out->QM, out->QMdf, out->QMdf2) : NAN;
    } else {
        out->QMp = gsl_cdf_chisq_Q(out->QM, out->QMdf);
    }

    /* QE: residual heterogeneity at tau2 = 0, df k - p (Hedges & Olkin 1985); I2/H2 as metafor
     * (tau2-based with vt = (k - p)/tr(P), W = diag(1/vi); Q-based for EE/FE/CE). */
    out->QEdf = (double)(k - p);
    if (k > p) {
        set_weights(&s, vi, 0);
        if ((st = wls_fit(&s, yc, 0, &q)) != MSUM_OK) goto fail;
        out->QE = fmax(0, q.RSS);
        out->QEp = gsl_cdf_chisq_Q(out->QE, out->QEdf);
        out->vt = out->QEdf / q.trP;
        if (is_fixed(o->method)) {
            out->I2 = fmax(0, 100 * (out->QE - out->QEdf) / out->QE);
            out->H2 = out->QE / out->QEdf;
        } else {
            out->I2 = 100 * tau2 / (out->vt + tau2);
            out->H2 = tau2 / out->vt + 1;
        }
    } else {
        out->QE = 0;
        out->QEp = 1;
        out->I2 = 0;
        out->H2 = 1;
        out->vt = 0;
    }
    msum_interval na = {NAN, NAN, NAN};
    out->tau2_ci = out->tau_ci = out->I2_ci = out->H2_ci = na;
    if (o->qprofile && !is_fixed(o->method) && isnan(o->tau2_fixed) && k > p &&
        (st = qprofile(&s, yi, vi, o->level, out)) != MSUM_OK)
        goto fail;
    if ((st = fitstats(&s, yi, vi, yc, tau2, !is_fixed(o->method) && isnan(o->tau2_fixed),
                       out->method_used == MSUM_EST_REML, out)) != MSUM_OK)
        goto fail;
    if (o->r2 && intercept && p > 1 && k > p)
        if ((st = pseudo_r2(yi, vi, &s, yc, o, out)) != MSUM_OK) goto fail;
    wls_free(&s);
    free(yc);
    return nocon ? MSUM_ENOCONV : MSUM_OK;
fail:
    wls_free(&s);
    free(yc);
    msum_metareg_result_free(out);
    return st;
}

int msum_metareg_x(const double *yi, const double *vi, size_t k, const double *X, size_t p,
                   int intercept, const char *const *names, const msum_metareg_opts *o,
                   msum_metareg_result *out)
{
    if (!out) return MSUM_EINVAL;
    memset(out, 0, sizeof *out);
    if (!yi || !vi || !X || k == 0 || p == 0) return MSUM_EINVAL;
    msum_metareg_opts def = MSUM_METAREG_OPTS_DEFAULT;
    gsl_matrix_const_view xv = gsl_matrix_const_view_array(X, k, p);
    return fit(yi, vi, &xv.matrix, intercept, names, NULL, o ? o : &def, out);
}

int msum_metareg(const double *yi, const double *vi, const msum_design *d,
                 const msum_metareg_opts *o, msum_metareg_result *out)
{
    if (!out) return MSUM_EINVAL;
    memset(out, 0, sizeof *out);
    if (!yi || !vi || !d) return MSUM_EINVAL;
    msum_metareg_opts def = MSUM_METAREG_OPTS_DEFAULT;
    gsl_matrix *X = gsl_matrix_alloc(d->k, d->p);
    if (!X) return MSUM_ENOMEM;
    for (size_t i = 0; i < d->k; i++)
        for (size_t j = 0; j < d->p; j++) gsl_matrix_set(X, i, j, d->x[j * d->k + i]);
    int st = fit(yi, vi, X, d->intercept, (const char *const *)d->names,
                 (const char *const *)d->terms,
                 o ? o : &def, out);
    gsl_matrix_free(X);
    return st;
}
