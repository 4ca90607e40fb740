/* Mantel-Haenszel and Peto pooling (metafor 3.8 rma.mh, rma.peto).
 * Papers: Mantel & Haenszel 1959 (JNCI 22:719); Robins, Breslow & Greenland 1986 (Biometrics
 * 42:311, variance of the MH log OR); Greenland & Robins 1985 (Biometrics 41:55, variances of the
 * MH log RR and RD); Tarone 1985 (Biometrika 72:91); Breslow & Day 1980; Yusuf et al. 1985
 * (Prog Cardiovasc Dis 27:335, Peto's method); Rothman & Greenland 1998 (MH incidence rates).
 */
#include "metasum/mh.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>

#include "metasum/measures.h"
#include "metasum/metasum.h"

/* One table (or pair of rates) after drop00[1] and the correction add[1]/to[1]. */
typedef struct {
    double a, b, c, d;
} cells;

static void result_clear(msum_mh_result *r, msum_measure m)
{
    r->measure = m;
    r->k = r->k_yi = r->k_pos = 0;
    r->beta = r->se = r->zval = r->pval = r->ci_lb = r->ci_ub = NAN;
    r->Q = r->Qp = r->I2 = r->H2 = NAN;
    r->cmh = r->cmh_p = r->cochran = r->cochran_p = NAN;
    r->tarone = r->tarone_p = r->bd = r->bd_p = NAN;
}

static int opts_ok(const msum_mh_opts *o)
{
    for (int j = 0; j < 2; j++)
        if (!(o->add[j] >= 0 && isfinite(o->add[j])) || o->to[j] < MSUM_CC_ONLY0 ||
            o->to[j] > MSUM_CC_NONE)
            return 0;
    return o->level > 0 && o->level < 1;
}

/* z test and CI of beta with standard error se (metafor: 2 pnorm(|z|, lower = FALSE),
 * beta -/+ qnorm(level/2, lower = FALSE) se). */
static void ztest(msum_mh_result *r, double level)
{
    if (isnan(r->beta) || !(r->se >= 0)) {
        r->beta = r->se = NAN;
        return;
    }
    double z = gsl_cdf_ugaussian_Qinv((1 - level) / 2);
    r->zval = r->beta / r->se;
    r->pval = 2 * gsl_cdf_ugaussian_Q(fabs(r->zval));
    r->ci_lb = r->beta - z * r->se;
    r->ci_ub = r->beta + z * r->se;
}

/* Q = sum w (y - beta)^2 on the k_yi studies with a yi (metafor: QE floored at 0; I2 in
 * percent floored at 0; H2 = Q/(k-1); QE 0, QEp 1, I2 0, H2 1 for one study). */
static void heterogeneity(msum_mh_result *r, size_t n, const double *yi, const double *vi)
{
    size_t k = 0;
    double q = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(yi[i]) || isnan(vi[i])) continue;
        double e = yi[i] - r->beta;
        q += e * e / vi[i];
        k++;
    }
    r->k_yi = k;
    if (k <= 1) {
        r->Q = 0;
        r->Qp = 1;
        r->I2 = 0;
        r->H2 = 1;
        return;
    }
    double df = (double)(k - 1);
    if (isnan(q)) return; /* no estimate: Q undefined (metafor: NA) */
    r->Q = fmax(0, q);
    r->Qp = gsl_cdf_chisq_Q(r->Q, df);
    r->I2 = fmax(0, 100 * (r->Q - df) / r->Q);
    r->H2 = r->Q / df;
}

/* Which tables a policy corrects, given each table's zero flag (metafor `to`). */
static int corrected(msum_cc_policy to, int zero, int any_zero)
{
    return to == MSUM_CC_ALL || (to == MSUM_CC_ONLY0 && zero) ||
           (to == MSUM_CC_IF0ALL && any_zero);
}

/* Per-study yi/vi of 2x2 tables as escalc(measure, add = add[0], to = to[0],
 * drop00 = drop00[0]); NaN for a dropped or incomplete table or one escalc cannot compute. */
static int table_effects(msum_measure m, size_t k, const double *const x[4],
                         const msum_mh_opts *o, double *yi, double *vi)
{
    msum_escalc_opts eo = MSUM_ESCALC_OPTS_DEFAULT;
    eo.add = o->add[0];
    eo.add_given = 1;
    eo.to = o->to[0];
    eo.level = o->level;
    static const msum_field f[4] = {MSUM_F_AI, MSUM_F_BI, MSUM_F_CI, MSUM_F_DI};
    msum_record *rec = NULL;
    int *use = calloc(k ? k : 1, sizeof *use);
    if (use) rec = malloc((k ? k : 1) * sizeof *rec);
    if (!rec) {
        free(use);
        return MSUM_ENOMEM;
    }
    for (size_t i = 0; i < k; i++) {
        yi[i] = vi[i] = NAN;
        msum_record_clear(&rec[i]);
        rec[i].input = MSUM_INPUT_COUNTS;
        int complete = 1;
        for (int j = 0; j < 4; j++) {
            rec[i].x[f[j]] = x[j][i];
            complete &= !isnan(x[j][i]);
        }
        double a = x[0][i], b = x[1][i], c = x[2][i], d = x[3][i];
        use[i] = complete && !(o->drop00[0] && ((a == 0 && c == 0) || (b == 0 && d == 0)));
        if (use[i] && msum_escalc_has_zero_cell(&rec[i])) eo.any_zero = 1;
    }
    for (size_t i = 0; i < k; i++) {
        msum_effect e;
        if (use[i] && msum_escalc(&rec[i], m, &eo, &e) == MSUM_OK) {
            yi[i] = e.yi;
            vi[i] = e.vi;
        }
    }
    free(rec);
    free(use);
    return MSUM_OK;
}

/* Per-study yi/vi of rate pairs as escalc(measure, x1i, t1i, x2i, t2i, add = add[0],
 * to = to[0], drop00 = drop00[0]) (double zero: x1i = x2i = 0). */
static void rate_effects(msum_measure m, size_t k, const double *const x[4],
                         const msum_mh_opts *o, double *yi, double *vi)
{
    msum_escalc_opts eo = MSUM_ESCALC_OPTS_DEFAULT;
    eo.add = o->add[0];
    eo.add_given = 1;
    eo.to = o->to[0];
    eo.level = o->level;
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < k; i++) {
            double x1 = x[0][i], x2 = x[2][i];
            int use = !isnan(x1) && !isnan(x2) && !isnan(x[1][i]) && !isnan(x[3][i]) &&
                      !(o->drop00[0] && x1 == 0 && x2 == 0);
            if (pass == 0) {
                yi[i] = vi[i] = NAN;
                if (use && (x1 == 0 || x2 == 0)) eo.any_zero = 1;
                continue;
            }
            msum_effect e;
            if (use && msum_escalc_rates(m, x1, x[1][i], x2, x[3][i], &eo, &e) == MSUM_OK) {
                yi[i] = e.yi;
                vi[i] = e.vi;
            }
        }
}

/* Gather the tables of the sums: complete, not dropped by drop00[1], corrected by
 * add[1]/to[1].  `two` = 1 for 2x2 tables (zero: any cell 0; double zero: a = c = 0 or
 * b = d = 0), 0 for rate pairs (a = x1, c = x2: zero: x1 or x2 0; double zero: both). */
static int gather(size_t k, const double *const x[4], int two, const msum_mh_opts *o,
                  cells *t, size_t *kout)
{
    size_t n = 0;
    int any0 = 0;
    for (size_t i = 0; i < k; i++) {
        cells c = {x[0][i], x[1][i], x[2][i], x[3][i]};
        if (isnan(c.a) || isnan(c.b) || isnan(c.c) || isnan(c.d)) continue;
        if (c.a < 0 || c.c < 0 || (two ? c.b < 0 || c.d < 0 : !(c.b > 0 && c.d > 0)))
            return MSUM_EDATA;
        int dz = two ? (c.a == 0 && c.c == 0) || (c.b == 0 && c.d == 0) : c.a == 0 && c.c == 0;
        if (o->drop00[1] && dz) continue;
        any0 |= two ? c.a == 0 || c.b == 0 || c.c == 0 || c.d == 0 : c.a == 0 || c.c == 0;
        t[n++] = c;
    }
    for (size_t i = 0; i < n; i++) {
        cells *c = &t[i];
        int zero = two ? c->a == 0 || c->b == 0 || c->c == 0 || c->d == 0 : c->a == 0 || c->c == 0;
        if (!corrected(o->to[1], zero, any0)) continue;
        c->a += o->add[1];
        c->c += o->add[1];
        if (two) {
            c->b += o->add[1];
            c->d += o->add[1];
        }
    }
    *kout = n;
    return n ? MSUM_OK : MSUM_EDOM;
}

/* Mantel-Haenszel odds ratio with the Robins-Breslow-Greenland variance:
 *   R = sum a d/N, S = sum b c/N, OR = R/S,
 *   var ln OR = 1/2 [sum P R_i / R^2 + sum (P S_i + Q R_i)/(R S) + sum Q S_i / S^2],
 *   P = (a+d)/N, Q = (b+c)/N.
 * CMH (metafor MH) = (|sum a - n1 (a+c)/N| - cc)^2 / sum n1 n2 (a+c)(b+d) / (N^2 (N-1));
 * Cochran's (metafor CO) has N in place of N-1.
 * Breslow-Day: with N11 the cell a that gives each table the odds ratio OR (root of the
 * quadratic), BD = sum (a - N11)^2 (1/N11 + 1/N12 + 1/N21 + 1/N22) over tables with N11 > 0,
 * a + c > 0, b + d > 0; Tarone's correction subtracts (sum a - N11)^2 / sum 1/(...). */
static void mh_or(const cells *t, size_t k, int correct, msum_mh_result *r)
{
    double R = 0, S = 0, pr = 0, psqr = 0, qs = 0, o = 0, v = 0, vc = 0;
    double sxt = 0, syt = 0;
    for (size_t i = 0; i < k; i++) {
        const cells *c = &t[i];
        double N = c->a + c->b + c->c + c->d, n1 = c->a + c->b, n2 = c->c + c->d;
        double P = c->a / N + c->d / N, Q = c->b / N + c->c / N;
        double Ri = (c->a / N) * c->d, Si = (c->b / N) * c->c;
        double xt = c->a + c->c, yt = c->b + c->d;
        R += Ri;
        S += Si;
        pr += P * Ri;
        psqr += P * Si + Q * Ri;
        qs += Q * Si;
        sxt += xt;
        syt += yt;
        o += c->a - (n1 / N) * xt;
        vc += (n1 / N) * (n2 / N) * (xt * (yt / N));
        v += (n1 / N) * (n2 / N) * (xt * (yt / (N - 1)));
    }
    if (R != 0 && S != 0) {
        r->beta = log(R / S);
        r->se = sqrt(0.5 * (pr / (R * R) + psqr / (R * S) + qs / (S * S)));
    }
    if (sxt != 0 && syt != 0) {
        double num = fabs(o) - (correct ? 0.5 : 0);
        r->cochran = num * num / vc;
        r->cochran_p = gsl_cdf_chisq_Q(r->cochran, 1);
        r->cmh = num * num / v;
        r->cmh_p = gsl_cdf_chisq_Q(r->cmh, 1);
    }
    if (isnan(r->beta)) return;
    double psi = R / S, bd = 0, sdev = 0, sinv = 0;
    size_t kpos = 0;
    for (size_t i = 0; i < k; i++) {
        const cells *c = &t[i];
        double N = c->a + c->b + c->c + c->d, n1 = c->a + c->b, n2 = c->c + c->d;
        double xt = c->a + c->c, yt = c->b + c->d, n11;
        if (psi == 1) {
            n11 = (n1 / N) * xt;
        } else {
            double A = psi * (n1 + xt) + (n2 - xt);
            double B = sqrt(A * A - 4 * n1 * xt * psi * (psi - 1));
            n11 = (A - B) / (2 * (psi - 1));
        }
        if (!(n11 > 0 && xt > 0 && yt > 0)) continue;
        double n12 = n1 - n11, n21 = xt - n11, n22 = n11 - n1 - xt + N;
        double s = 1 / n11 + 1 / n12 + 1 / n21 + 1 / n22, dv = c->a - n11;
        bd += dv * dv / (1 / s);
        sdev += dv;
        sinv += 1 / s;
        kpos++;
    }
    r->k_pos = kpos;
    r->bd = fmax(0, bd);
    r->tarone = fmax(0, bd - sdev * sdev / sinv);
    if (kpos > 1) {
        r->bd_p = gsl_cdf_chisq_Q(r->bd, (double)(kpos - 1));
        r->tarone_p = gsl_cdf_chisq_Q(r->tarone, (double)(kpos - 1));
    }
}

/* Mantel-Haenszel risk ratio (Greenland & Robins 1985):
 *   RR = R/S, R = sum a n2/N, S = sum c n1/N,
 *   var ln RR = sum (n1 n2 (a+c)/N^2 - a c/N) / (R S);  undefined when sum a or sum c is 0. */
static void mh_rr(const cells *t, size_t k, msum_mh_result *r)
{
    double R = 0, S = 0, sa = 0, sc = 0, num = 0;
    for (size_t i = 0; i < k; i++) {
        const cells *c = &t[i];
        double N = c->a + c->b + c->c + c->d, n1 = c->a + c->b, n2 = c->c + c->d;
        R += c->a * (n2 / N);
        S += c->c * (n1 / N);
        sa += c->a;
        sc += c->c;
        num += (n1 / N) * (n2 / N) * (c->a + c->c) - (c->a / N) * c->c;
    }
    if (sa == 0 || sc == 0) return;
    r->beta = log(R / S);
    r->se = sqrt(num / (R * S));
}

/* Mantel-Haenszel risk difference (Greenland & Robins 1985, the variance metafor uses):
 *   RD = sum (a n2 - c n1)/N / W, W = sum n1 n2/N,
 *   var = [RD sum (c (n1/N)^2 - a (n2/N)^2 + (n1/N)(n2/N)(n2 - n1)/2)
 *          + sum (a (n2 - c) + c (n1 - a))/(2N)] / W^2. */
static void mh_rd(const cells *t, size_t k, msum_mh_result *r)
{
    double num = 0, W = 0, s1 = 0, s2 = 0;
    for (size_t i = 0; i < k; i++) {
        const cells *c = &t[i];
        double N = c->a + c->b + c->c + c->d, n1 = c->a + c->b, n2 = c->c + c->d;
        num += c->a * (n2 / N) - c->c * (n1 / N);
        W += n1 * (n2 / N);
        s1 += c->c * (n1 / N) * (n1 / N) - c->a * (n2 / N) * (n2 / N) +
              (n1 / N) * (n2 / N) * (n2 - n1) / 2;
        s2 += c->a * (n2 - c->c) / N + c->c * (n1 - c->a) / N;
    }
    r->beta = num / W;
    r->se = sqrt((r->beta * s1 + s2 / 2) / (W * W));
}

/* Mantel-Haenszel rate ratio and difference (cells a = x1, b = t1, c = x2, d = t2, T = t1+t2):
 *   IRR = R/S, R = sum x1 t2/T, S = sum x2 t1/T, var ln IRR = sum (t1/T)(t2/T)(x1+x2) / (R S);
 *   CMH = (|sum x1 - (x1+x2) t1/T| - cc)^2 / sum (x1+x2)(t1/T)(t2/T);
 *   IRD = sum (x1 t2 - x2 t1)/T / W, W = sum t1 t2/T,
 *   se = sqrt(sum (t1 t2/T)^2 (x1/t1^2 + x2/t2^2)) / W. */
static void mh_ir(msum_measure m, const cells *t, size_t k, int correct, msum_mh_result *r)
{
    double R = 0, S = 0, s1 = 0, s2 = 0, v = 0, o = 0, cv = 0, W = 0, dn = 0, dv = 0;
    for (size_t i = 0; i < k; i++) {
        double x1 = t[i].a, t1 = t[i].b, x2 = t[i].c, t2 = t[i].d, T = t1 + t2;
        R += x1 * (t2 / T);
        S += x2 * (t1 / T);
        s1 += x1;
        s2 += x2;
        v += (t1 / T) * (t2 / T) * (x1 + x2);
        o += x1 - (x1 + x2) * (t1 / T);
        cv += (x1 + x2) * (t1 / T) * (t2 / T);
        double w = (t1 / T) * t2;
        W += w;
        dn += (x1 * t2 - x2 * t1) / T;
        dv += w * w * (x1 / (t1 * t1) + x2 / (t2 * t2));
    }
    if (m == MSUM_MEASURE_IRD) {
        r->beta = dn / W;
        r->se = sqrt(dv) / W;
        return;
    }
    if (s1 != 0 && s2 != 0) {
        r->beta = log(R / S);
        r->se = sqrt(v / (R * S));
    }
    if (s1 + s2 != 0) {
        double num = fabs(o) - (correct ? 0.5 : 0);
        r->cmh = num * num / cv;
        r->cmh_p = gsl_cdf_chisq_Q(r->cmh, 1);
    }
}

/* The shared frame of msum_mh and msum_mh_rates: checks, per-study effects, sums, tests. */
static int fit(msum_measure m, size_t k, const double *const x[4], const msum_mh_opts *o,
               msum_mh_result *out)
{
    if (!out) return MSUM_EINVAL;
    result_clear(out, m);
    int two = m == MSUM_MEASURE_OR || m == MSUM_MEASURE_RR || m == MSUM_MEASURE_RD ||
              m == MSUM_MEASURE_PETO;
    if (!o || !opts_ok(o) || (k && (!x[0] || !x[1] || !x[2] || !x[3]))) return MSUM_EINVAL;
    cells *t = malloc((k ? k : 1) * sizeof *t);
    double *yi = malloc((k ? k : 1) * 2 * sizeof *yi);
    if (!t || !yi) {
        free(t);
        free(yi);
        return MSUM_ENOMEM;
    }
    double *vi = yi + (k ? k : 1);
    size_t n = 0;
    int st = gather(k, x, two, o, t, &n);
    if (st == MSUM_OK) {
        out->k = n;
        if (two)
            st = table_effects(m, k, x, o, yi, vi);
        else
            rate_effects(m, k, x, o, yi, vi);
        double sv = 0, so = 0, sq = 0;
        size_t kpos = 0;
        switch (st == MSUM_OK ? m : MSUM_MEASURE_NONE) {
        case MSUM_MEASURE_NONE: break;
        case MSUM_MEASURE_OR: mh_or(t, n, o->correct, out); break;
        case MSUM_MEASURE_RR: mh_rr(t, n, out); break;
        case MSUM_MEASURE_RD: mh_rd(t, n, out); break;
        case MSUM_MEASURE_PETO:
            for (size_t i = 0; i < n; i++) {
                const cells *c = &t[i];
                double N = c->a + c->b + c->c + c->d, n1 = c->a + c->b, n2 = c->c + c->d;
                double xt = c->a + c->c, yt = c->b + c->d;
                double e = xt * n1 / N, v = xt * yt * (n1 / N) * (n2 / N) / (N - 1);
                so += c->a - e;
                sv += v;
                if (v > 0) {
                    sq += (c->a - e) * (c->a - e) / v;
                    kpos++;
                }
            }
            if (!(sv > 0)) {
                st = MSUM_EDOM;
                break;
            }
            out->beta = so / sv;
            out->se = sqrt(1 / sv);
            out->k_pos = kpos;
            break;
        default: mh_ir(m, t, n, o->correct, out); break;
        }
        if (st == MSUM_OK) {
            ztest(out, o->level);
            heterogeneity(out, k, yi, vi);
            if (m == MSUM_MEASURE_PETO) {
                /* Q from the tables; its df from the yi, but only when more than one table has
                 * V > 0 (as rma.peto; else QEp 1, I2 0, H2 1) */
                out->Q = fmax(0, sq - so * so / sv);
                out->Qp = 1;
                out->I2 = 0;
                out->H2 = 1;
                if (kpos > 1) {
                    double df = (double)out->k_yi - 1;
                    out->Qp = gsl_cdf_chisq_Q(out->Q, df);
                    out->I2 = fmax(0, 100 * (out->Q - df) / out->Q);
                    out->H2 = out->Q / df;
                }
            }
        }
    }
    free(t);
    free(yi);
    return st;
}

int msum_mh(msum_measure measure, size_t k, const double *ai, const double *bi,
            const double *ci, const double *di, const msum_mh_opts *o, msum_mh_result *out)
{
    if (measure != MSUM_MEASURE_OR && measure != MSUM_MEASURE_RR && measure != MSUM_MEASURE_RD) {
        if (out) result_clear(out, measure);
        return MSUM_EINVAL;
    }
    const double *const x[4] = {ai, bi, ci, di};
    return fit(measure, k, x, o, out);
}

int msum_mh_rates(msum_measure measure, size_t k, const double *x1i, const double *t1i,
                  const double *x2i, const double *t2i, const msum_mh_opts *o,
                  msum_mh_result *out)
{
    if (measure != MSUM_MEASURE_IRR && measure != MSUM_MEASURE_IRD) {
        if (out) result_clear(out, measure);
        return MSUM_EINVAL;
    }
    const double *const x[4] = {x1i, t1i, x2i, t2i};
    return fit(measure, k, x, o, out);
}

int msum_peto(size_t k, const double *ai, const double *bi, const double *ci, const double *di,
              const msum_mh_opts *o, msum_mh_result *out)
{
    const double *const x[4] = {ai, bi, ci, di};
    return fit(MSUM_MEASURE_PETO, k, x, o, out);
}
