/* Effect sizes from one typed row, as metafor 3.8's escalc() computes them (vtype "LS",
 * add = 1/2, to = "only0"), and the conversions reviewers otherwise do by hand.
 * Papers: Hedges 1981 (J. Educ. Stat. 6:107, small-sample correction J); Wan et al. 2014
 * (BMC Med Res Methodol 14:135, SD from range/IQR); Luo et al. 2018 (Stat Methods Med Res
 * 27:1785, "Luo 2016" in its arXiv version: mean from median with range/IQR).
 */
#include "metasum/escalc.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_sf_gamma.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "metasum/measures.h"
#include "metasum/metasum.h"
#include "metasum/write.h"

#define M_PI_VALUE 3.14159265358979323846
#define M_LN2_VALUE 0.69314718055994530942

static const char *const policy_names[] = {"only0", "all", "if0all", "none"};

const char *msum_cc_policy_name(msum_cc_policy p)
{
    return (p >= MSUM_CC_ONLY0 && p <= MSUM_CC_NONE) ? policy_names[p] : "";
}

int msum_cc_policy_parse(const char *s, msum_cc_policy *out)
{
    for (int i = 0; i <= MSUM_CC_NONE; i++)
        if (s && strcmp(s, policy_names[i]) == 0) {
            *out = (msum_cc_policy)i;
            return 1;
        }
    return 0;
}

#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static int fail(msum_effect *e, int st, int field, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
    e->field = field;
    e->yi = e->vi = e->sei = e->ci_lb = e->ci_ub = NAN;
    return st;
}

static const char *fname(int f) { return msum_field_name((msum_field)f); }

/* z_{(1+level)/2}, the two-sided normal critical value; upper-tail form for accuracy. */
static int normal_crit(double level, double *z)
{
    if (!(level > 0 && level < 1)) return MSUM_EINVAL;
    double q = gsl_cdf_ugaussian_Qinv((1 - level) / 2);
    if (!isfinite(q) || q <= 0) return MSUM_EDOM;
    *z = q;
    return MSUM_OK;
}

/* ln Gamma(x/2) for an integer x in [3, 2 GSL_SF_DOUBLEFACT_NMAX], from GSL's tables of
 * factorials: Gamma(k) = (k-1)!, Gamma(k + 1/2) = (2k-1)!! sqrt(pi) / 2^k.  Returns 0 when x is
 * outside that range (the caller uses gsl_sf_lngamma_e then). */
static int lngamma_half_int(unsigned x, double *out)
{
    gsl_sf_result r;
    if (x < 3 || x > 2 * GSL_SF_DOUBLEFACT_NMAX) return 0;
    if (x % 2 == 0) {
        if (gsl_sf_lnfact_e(x / 2 - 1, &r) != GSL_SUCCESS) return 0;
        *out = r.val;
    } else {
        unsigned k = x / 2; /* x/2 = k + 1/2 */
        if (gsl_sf_lndoublefact_e(2 * k - 1, &r) != GSL_SUCCESS) return 0;
        *out = r.val + 0.5 * log(M_PI_VALUE) - k * M_LN2_VALUE;
    }
    return 1;
}

/* ln Gamma(x/2) for x > 0: tables for small integers (the usual SMD case, n1 + n2 - 2 < 300),
 * gsl_sf_lngamma_e otherwise.  NaN on a GSL error. */
static double lngamma_half(double x)
{
    double v;
    if (x == floor(x) && x >= 3 && x <= 2 * GSL_SF_DOUBLEFACT_NMAX &&
        lngamma_half_int((unsigned)x, &v))
        return v;
    gsl_sf_result r;
    return gsl_sf_lngamma_e(x / 2, &r) == GSL_SUCCESS ? r.val : NAN;
}

/* Hedges' correction J(m) = Gamma(m/2) / (sqrt(m/2) Gamma((m-1)/2)), m = n1 + n2 - 2
 * (Hedges 1981, eq. 6e).  Same expression as metafor's .cmicalc:
 * exp(lgamma(m/2) - log(sqrt(m/2)) - lgamma((m-1)/2)), NA for m <= 1; the log-gammas come from
 * GSL (its factorial tables for integer m below 2 * 297). */
double msum_hedges_j(double m)
{
    if (!(m > 1) || !isfinite(m)) return NAN;
    double a = lngamma_half(m), b = lngamma_half(m - 1);
    if (isnan(a) || isnan(b)) return NAN;
    return exp(a - log(sqrt(m / 2)) - b);
}

/* Median with range and/or quartiles -> mean and SD, for one group of size n.
 *   Scenario C1 {min, median, max}, C2 {q1, median, q3}, C3 {all five}.
 *   Mean: Luo et al. 2018 optimal weights (metafor conv.fivenum method "luo2016"; equation
 *   numbers of the arXiv version, as metafor cites them):
 *     C1  w = 4 / (4 + n^0.75):            mean = w (min+max)/2 + (1-w) median      (eq. 7)
 *     C2  w = 0.7 + 0.39/n:                mean = w (q1+q3)/2 + (1-w) median         (eq. 11)
 *     C3  w1 = 2.2 / (2.2 + n^0.75), w2 = 0.7 - 0.72 / n^0.55:
 *         mean = w1 (min+max)/2 + w2 (q1+q3)/2 + (1 - w1 - w2) median                 (eq. 15)
 *   SD: Wan et al. 2014 (metafor conv.fivenum method "wan2014"), with
 *       xi(n) = 2 Phi^-1((n - 0.375)/(n + 0.25)), eta(n) = 2 Phi^-1((0.75 n - 0.125)/(n + 0.25)):
 *     C1  sd = (max - min) / xi(n)                                                     (eq. 9)
 *     C2  sd = (q3 - q1) / eta(n)                                                      (eq. 16)
 *     C3  sd = ((max - min) / xi(n) + (q3 - q1) / eta(n)) / 2   (scenario C3: the average)
 * Both quantile arguments are 1/2 at n = 1 (xi = eta = 0), so n >= 2 is required.
 * `bad` receives the index (0 min, 1 q1, 2 median, 3 q3, 4 max, 5 n) of the value at fault. */
static int median_core(const double v[6], double *mean, double *sd, int *bad, char *msg,
                       size_t msgsize)
{
    static const char *const nm[6] = {"min", "q1", "median", "q3", "max", "n"};
    double min = v[0], q1 = v[1], med = v[2], q3 = v[3], max = v[4], n = v[5];
    if (isnan(med)) {
        *bad = 2;
        snprintf(msg, msgsize, "median is missing");
        return MSUM_EDATA;
    }
    for (int p = 0; p < 2; p++) { /* pairs (q1, q3) and (min, max) */
        int lo = p == 0 ? 1 : 0, hi = p == 0 ? 3 : 4;
        if (isnan(v[lo]) != isnan(v[hi])) {
            *bad = isnan(v[lo]) ? lo : hi;
            snprintf(msg, msgsize, "%s is missing (%s is given)", nm[*bad],
                     nm[isnan(v[lo]) ? hi : lo]);
            return MSUM_EDATA;
        }
    }
    int iqr = !isnan(q1), rng = !isnan(min);
    if (!iqr && !rng) {
        *bad = 1;
        snprintf(msg, msgsize, "q1 and q3, or min and max, are missing; a median needs one pair");
        return MSUM_EDATA;
    }
    int prev = -1;
    for (int i = 0; i < 5; i++) {
        if (isnan(v[i])) continue;
        if (prev >= 0 && v[i] < v[prev]) {
            *bad = i;
            snprintf(msg, msgsize, "%s (%g) is below %s (%g); expected min <= q1 <= median <= "
                     "q3 <= max", nm[i], v[i], nm[prev], v[prev]);
            return MSUM_EDATA;
        }
        prev = i;
    }
    if (isnan(n)) {
        *bad = 5;
        snprintf(msg, msgsize, "n is missing");
        return MSUM_EDATA;
    }
    if (!(n >= 2)) {
        *bad = 5;
        snprintf(msg, msgsize, "n is %g; an SD from quartiles or range needs n >= 2", n);
        return MSUM_EDOM;
    }
    double xi = 2 * gsl_cdf_ugaussian_Pinv((n - 0.375) / (n + 0.25));
    double eta = 2 * gsl_cdf_ugaussian_Pinv((0.75 * n - 0.125) / (n + 0.25));
    if (!(isfinite(xi) && xi > 0 && isfinite(eta) && eta > 0)) {
        *bad = 5;
        snprintf(msg, msgsize, "n is %g; the normal quantiles of Wan et al. are undefined", n);
        return MSUM_EDOM;
    }
    if (rng && !iqr) {
        double w = 4 / (4 + pow(n, 0.75));
        *mean = w * (min + max) / 2 + (1 - w) * med;
        *sd = (max - min) / xi;
    } else if (iqr && !rng) {
        double w = 0.7 + 0.39 / n;
        *mean = w * (q1 + q3) / 2 + (1 - w) * med;
        *sd = (q3 - q1) / eta;
    } else {
        double w1 = 2.2 / (2.2 + pow(n, 0.75)), w2 = 0.7 - 0.72 / pow(n, 0.55);
        *mean = w1 * (min + max) / 2 + w2 * (q1 + q3) / 2 + (1 - w1 - w2) * med;
        *sd = ((max - min) / xi + (q3 - q1) / eta) / 2;
    }
    return MSUM_OK;
}

int msum_median_to_mean_sd(double min, double q1, double med, double q3, double max, double n,
                           double *mean, double *sd)
{
    const double v[6] = {min, q1, med, q3, max, n};
    char msg[160];
    int bad;
    if (!mean || !sd) return MSUM_EINVAL;
    return median_core(v, mean, sd, &bad, msg, sizeof msg);
}

/* Mean, SD and n of group g (0 = treatment, 1 = comparator) from whatever the row reports:
 * mean with SD, mean with SEM (SD = SEM sqrt(n)), or median with quartiles and/or range. */
typedef struct {
    double mean, sd, n;
    int mean_field; /* the field the mean came from, for messages */
} group;

static int resolve_group(const msum_record *r, int g, msum_effect *e, group *out)
{
    const int fm = g ? MSUM_F_M2I : MSUM_F_M1I, fsd = fm + 1, fsem = fm + 2, fn = fm + 3;
    const int fmed = g ? MSUM_F_MED2I : MSUM_F_MED1I; /* med, q1, q3, min, max */
    const double *x = r->x;
    double n = x[fn];
    if (isnan(n)) return fail(e, MSUM_EDATA, fn, "%s is missing", fname(fn));
    if (!(n >= 1)) return fail(e, MSUM_EDATA, fn, "%s is %g; expected a size >= 1", fname(fn), n);
    out->n = n;
    int median = !isnan(x[fmed]) && (r->input == MSUM_INPUT_MEDIAN || isnan(x[fm]));
    if (median) {
        const int fields[6] = {fmed + 3, fmed + 1, fmed, fmed + 2, fmed + 4, fn};
        double v[6];
        for (int i = 0; i < 6; i++) v[i] = x[fields[i]];
        char msg[sizeof e->message];
        int bad = 0;
        int st = median_core(v, &out->mean, &out->sd, &bad, msg, sizeof msg);
        if (st != MSUM_OK)
            return fail(e, st, fields[bad], "group %d median/IQR/range: %s", g + 1, msg);
        out->mean_field = fmed;
        e->conv |= MSUM_CONV_MEDIAN;
        return MSUM_OK;
    }
    if (isnan(x[fm]))
        return fail(e, MSUM_EDATA, fm, "%s is missing (give %s, or %s with quartiles or range)",
                    fname(fm), fname(fm), fname(fmed));
    out->mean = x[fm];
    out->mean_field = fm;
    if (!isnan(x[fsd])) {
        if (x[fsd] < 0)
            return fail(e, MSUM_EDATA, fsd, "%s is %g; expected an SD >= 0", fname(fsd), x[fsd]);
        out->sd = x[fsd];
    } else if (!isnan(x[fsem])) {
        if (x[fsem] < 0)
            return fail(e, MSUM_EDATA, fsem, "%s is %g; expected an SEM >= 0", fname(fsem),
                        x[fsem]);
        out->sd = x[fsem] * sqrt(n);
        e->conv |= MSUM_CONV_SEM_TO_SD;
    } else {
        return fail(e, MSUM_EDATA, fsd, "%s is missing (give %s or %s)", fname(fsd),
                    fname(fsd), fname(fsem));
    }
    return MSUM_OK;
}

/* Two-group means (metafor escalc measures MD, SMD, ROM; vtype "LS"):
 *   MD   yi = m1 - m2,                     vi = sd1^2/n1 + sd2^2/n2
 *   SMD  yi = J(m) (m1 - m2) / sp,          vi = 1/n1 + 1/n2 + yi^2 / (2 (n1 + n2)),
 *        m = n1 + n2 - 2, sp^2 = ((n1-1) sd1^2 + (n2-1) sd2^2) / m   (Hedges' g)
 *   ROM  yi = ln(m1 / m2),                  vi = sd1^2/(n1 m1^2) + sd2^2/(n2 m2^2)
 *        (Hedges, Gurevitch & Curtis 1999), means > 0. */
static int two_means(const msum_record *r, msum_measure measure, msum_effect *e)
{
    group g1, g2;
    int st = resolve_group(r, 0, e, &g1);
    if (st != MSUM_OK) return st;
    if ((st = resolve_group(r, 1, e, &g2)) != MSUM_OK) return st;
    double n1 = g1.n, n2 = g2.n, s1 = g1.sd, s2 = g2.sd;
    switch (measure) {
    case MSUM_MEASURE_MD:
        e->yi = g1.mean - g2.mean;
        e->vi = s1 * s1 / n1 + s2 * s2 / n2;
        break;
    case MSUM_MEASURE_SMD: {
        double m = n1 + n2 - 2;
        if (!(m > 1))
            return fail(e, MSUM_EDOM, MSUM_F_N1I,
                        "n1i + n2i - 2 is %g; the SMD's correction needs more than 1", m);
        double sp = sqrt(((n1 - 1) * s1 * s1 + (n2 - 1) * s2 * s2) / m);
        if (!(sp > 0))
            return fail(e, MSUM_EDOM, MSUM_F_SD1I, "the pooled SD is 0; the SMD is undefined");
        double j = msum_hedges_j(m);
        if (isnan(j))
            return fail(e, MSUM_EDOM, MSUM_F_N1I, "Hedges' correction failed for m = %g", m);
        e->yi = j * ((g1.mean - g2.mean) / sp);
        e->vi = 1 / n1 + 1 / n2 + e->yi * e->yi / (2 * (n1 + n2));
        break;
    }
    case MSUM_MEASURE_ROM:
        if (!(g1.mean > 0))
            return fail(e, MSUM_EDATA, g1.mean_field,
                        "the group 1 mean is %g; a ratio of means needs means > 0", g1.mean);
        if (!(g2.mean > 0))
            return fail(e, MSUM_EDATA, g2.mean_field,
                        "the group 2 mean is %g; a ratio of means needs means > 0", g2.mean);
    {
        /* metafor's forms, bit for bit, while they are representable; where the quotient
         * m1/m2 or a product n m^2 over- or underflows (means such as 1e200 and 1e-200), the
         * same values as a difference of logs and squared coefficients of variation */
        double q = g1.mean / g2.mean;
        e->yi = isnormal(q) && isfinite(q) ? log(q) : log(g1.mean) - log(g2.mean);
        double d1 = n1 * g1.mean * g1.mean, d2 = n2 * g2.mean * g2.mean;
        e->vi = isnormal(d1) && isnormal(d2) && isfinite(d1) && isfinite(d2)
                    ? s1 * s1 / d1 + s2 * s2 / d2
                    : (s1 / g1.mean) * (s1 / g1.mean) / n1 + (s2 / g2.mean) * (s2 / g2.mean) / n2;
    }
        break;
    default:
        return fail(e, MSUM_EINVAL, -1, "%s rows give MD, SMD or ROM, not %s",
                    msum_input_name(r->input),
                    measure ? msum_measure_name(measure) : "no measure");
    }
    return MSUM_OK;
}

int msum_escalc_has_zero_cell(const msum_record *rec)
{
    if (!rec) return 0;
    const double *x = rec->x;
    if (rec->input == MSUM_INPUT_PROPORTION)
        return x[MSUM_F_XI] == 0 || x[MSUM_F_XI] == x[MSUM_F_NI];
    if (rec->input == MSUM_INPUT_RATE) return x[MSUM_F_XI] == 0;
    if (rec->input == MSUM_INPUT_RATES) return x[MSUM_F_X1I] == 0 || x[MSUM_F_X2I] == 0;
    if (rec->input != MSUM_INPUT_COUNTS) return 0;
    double b = isnan(x[MSUM_F_BI]) ? x[MSUM_F_N1I] - x[MSUM_F_AI] : x[MSUM_F_BI];
    double d = isnan(x[MSUM_F_DI]) ? x[MSUM_F_N2I] - x[MSUM_F_CI] : x[MSUM_F_DI];
    return x[MSUM_F_AI] == 0 || b == 0 || x[MSUM_F_CI] == 0 || d == 0;
}

/* 2x2 tables (metafor escalc RR, OR, RD; vtype "LS"), after the continuity correction:
 *   p1 = a/(a+b), p2 = c/(c+d)
 *   RR  yi = ln p1 - ln p2,                      vi = 1/a - 1/n1 + 1/c - 1/n2
 *   OR  yi = ln(p1/(1-p1)) - ln(p2/(1-p2)),      vi = 1/a + 1/b + 1/c + 1/d
 *   RD  yi = p1 - p2,                            vi = p1(1-p1)/n1 + p2(1-p2)/n2
 * bi and di may come as group sizes (bi = n1i - ai, di = n2i - ci, as metafor).
 * Correction as metafor `add`, `to`: add to all four cells of a table with a zero cell
 * ("only0"), of every table ("all"), of every table when any has a zero ("if0all"), or never. */
static int two_by_two(const msum_record *r, msum_measure measure, const msum_escalc_opts *o,
                      msum_effect *e)
{
    if (measure != MSUM_MEASURE_RR && measure != MSUM_MEASURE_OR && measure != MSUM_MEASURE_RD &&
        measure != MSUM_MEASURE_PETO)
        return fail(e, MSUM_EINVAL, -1, "counts rows give RR, OR or RD, or PETO, not %s",
                    measure ? msum_measure_name(measure) : "no measure");
    static const int cells[4] = {MSUM_F_AI, MSUM_F_BI, MSUM_F_CI, MSUM_F_DI};
    static const int sizes[4] = {-1, MSUM_F_N1I, -1, MSUM_F_N2I};
    double c[4];
    for (int i = 0; i < 4; i++) {
        c[i] = r->x[cells[i]];
        if (isnan(c[i]) && sizes[i] >= 0 && !isnan(r->x[sizes[i]])) {
            /* non-events from the group size, as metafor: bi = n1i - ai, di = n2i - ci */
            c[i] = r->x[sizes[i]] - c[i - 1];
            if (c[i] < 0)
                return fail(e, MSUM_EDATA, sizes[i], "%s (%g) is below %s (%g); expected a "
                            "group size >= its events", fname(sizes[i]), r->x[sizes[i]],
                            fname(cells[i - 1]), c[i - 1]);
        }
        if (isnan(c[i]))
            return fail(e, MSUM_EDATA, cells[i], "%s is missing%s", fname(cells[i]),
                        sizes[i] >= 0 ? (i == 1 ? " (give bi or n1i)" : " (give di or n2i)")
                                      : "");
        if (c[i] < 0)
            return fail(e, MSUM_EDATA, cells[i], "%s is %g; expected a count >= 0",
                        fname(cells[i]), c[i]);
    }
    int zero = msum_escalc_has_zero_cell(r);
    int correct = o->to == MSUM_CC_ALL || (o->to == MSUM_CC_ONLY0 && zero) ||
                  (o->to == MSUM_CC_IF0ALL && (zero || o->any_zero));
    if (correct && o->add != 0) {
        for (int i = 0; i < 4; i++) c[i] += o->add;
        e->conv |= MSUM_CONV_CC;
        e->cc_add = o->add;
    }
    double a = c[0], b = c[1], cc = c[2], d = c[3];
    double n1 = a + b, n2 = cc + d, p1 = a / n1, p2 = cc / n2;
    if (!(n1 > 0)) return fail(e, MSUM_EDOM, MSUM_F_AI, "ai + bi is 0: group 1 is empty");
    if (!(n2 > 0)) return fail(e, MSUM_EDOM, MSUM_F_CI, "ci + di is 0: group 2 is empty");
    switch (measure) {
    case MSUM_MEASURE_RR:
        e->yi = log(p1) - log(p2);
        e->vi = 1 / a - 1 / n1 + 1 / cc - 1 / n2;
        break;
    case MSUM_MEASURE_OR:
        e->yi = log(p1 / (1 - p1)) - log(p2 / (1 - p2));
        e->vi = 1 / a + 1 / b + 1 / cc + 1 / d;
        break;
    case MSUM_MEASURE_PETO: {
        /* Peto's log odds ratio (metafor escalc PETO): (O - E)/V, variance 1/V, with
         * E = (a+c) n1/N and the hypergeometric V = (a+c)(b+d)(n1/N)(n2/N)/(N-1) */
        double nn = n1 + n2, xt = a + cc, yt = b + d;
        double v = xt * yt * (n1 / nn) * (n2 / nn) / (nn - 1);
        if (!(v > 0))
            return fail(e, MSUM_EDOM, MSUM_F_AI, "the table has no events or no non-events: "
                        "Peto's variance is 0");
        e->yi = (a - xt * n1 / nn) / v;
        e->vi = 1 / v;
        break;
    }
    default:
        e->yi = p1 - p2;
        e->vi = p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2;
        break;
    }
    if (!isfinite(e->yi) || !isfinite(e->vi))
        return fail(e, MSUM_EDOM, MSUM_F_AI,
                    "the table has a zero cell and no continuity correction: log %s is "
                    "undefined", msum_measure_name(measure));
    return MSUM_OK;
}

/* Fisher's z of a correlation (metafor escalc ZCOR): yi = 1/2 ln((1+r)/(1-r)), vi = 1/(n-3);
 * metafor leaves vi NA for n <= 4, here an error. */
static int correlation(const msum_record *r, msum_effect *e)
{
    double ri = r->x[MSUM_F_RI], ni = r->x[MSUM_F_NI];
    if (isnan(ri)) return fail(e, MSUM_EDATA, MSUM_F_RI, "ri is missing");
    if (!(fabs(ri) <= 1))
        return fail(e, MSUM_EDATA, MSUM_F_RI, "ri is %g; expected a correlation in [-1, 1]", ri);
    if (isnan(ni)) return fail(e, MSUM_EDATA, MSUM_F_NI, "ni is missing");
    if (!(ni >= 1)) return fail(e, MSUM_EDATA, MSUM_F_NI, "ni is %g; expected a size >= 1", ni);
    if (fabs(ri) == 1)
        return fail(e, MSUM_EDOM, MSUM_F_RI, "ri is %g; Fisher's z is infinite", ri);
    if (ni <= 4)
        return fail(e, MSUM_EDOM, MSUM_F_NI,
                    "ni is %g; the variance 1/(ni-3) needs ni >= 5 (as metafor)", ni);
    e->yi = 0.5 * log((1 + ri) / (1 - ri));
    e->vi = 1 / (ni - 3);
    return MSUM_OK;
}

/* A reported yi with its uncertainty, on the analysis scale:
 *   vi as given; else sei^2; else from a CI at input_level: se = (ub - lb) / (2 z),
 *   z = Phi^-1((1 + level)/2); else from a two-sided p: z = Phi^-1(1 - p/2), se = |yi| / z
 *   (the sign of the effect is that of yi). */
static int generic(const msum_record *r, const msum_escalc_opts *o, msum_effect *e)
{
    const double *x = r->x;
    double yi = x[MSUM_F_YI], lb = x[MSUM_F_CI_LB], ub = x[MSUM_F_CI_UB], p = x[MSUM_F_PVAL];
    if (isnan(yi)) return fail(e, MSUM_EDATA, MSUM_F_YI, "yi is missing");
    e->yi = yi;
    if (!isnan(x[MSUM_F_VI])) {
        if (!(x[MSUM_F_VI] > 0))
            return fail(e, MSUM_EDATA, MSUM_F_VI, "vi is %g; expected a variance > 0",
                        x[MSUM_F_VI]);
        e->vi = x[MSUM_F_VI];
    } else if (!isnan(x[MSUM_F_SEI])) {
        if (!(x[MSUM_F_SEI] > 0))
            return fail(e, MSUM_EDATA, MSUM_F_SEI, "sei is %g; expected a standard error > 0",
                        x[MSUM_F_SEI]);
        e->vi = x[MSUM_F_SEI] * x[MSUM_F_SEI];
    } else if (!isnan(lb) || !isnan(ub)) {
        if (isnan(lb))
            return fail(e, MSUM_EDATA, MSUM_F_CI_LB, "ci_lb is missing (ci_ub is given)");
        if (isnan(ub))
            return fail(e, MSUM_EDATA, MSUM_F_CI_UB, "ci_ub is missing (ci_lb is given)");
        if (lb > ub)
            return fail(e, MSUM_EDATA, MSUM_F_CI_LB, "ci_lb (%g) is above ci_ub (%g)", lb, ub);
        if (lb == ub)
            return fail(e, MSUM_EDOM, MSUM_F_CI_LB, "the CI has zero width; no standard error");
        if (yi < lb || yi > ub)
            return fail(e, MSUM_EDATA, MSUM_F_YI,
                        "yi (%g) lies outside its CI [%g, %g]; are both on the analysis scale "
                        "(log for ratios)?", yi, lb, ub);
        double z = o->z_input;
        if (!(z > 0) && normal_crit(o->input_level, &z) != MSUM_OK)
            return fail(e, MSUM_EINVAL, -1, "the input CI level %g is not in (0, 1)",
                        o->input_level);
        double se = (ub - lb) / (2 * z);
        e->vi = se * se;
        e->conv |= MSUM_CONV_CI_TO_SE;
    } else if (!isnan(p)) {
        if (!(p > 0 && p <= 1))
            return fail(e, MSUM_EDATA, MSUM_F_PVAL, "pval is %g; expected a p-value in (0, 1]",
                        p);
        double z = gsl_cdf_ugaussian_Qinv(p / 2);
        if (!(isfinite(z) && z > 0))
            return fail(e, MSUM_EDOM, MSUM_F_PVAL, "pval is %g; it gives no standard error", p);
        if (yi == 0)
            return fail(e, MSUM_EDOM, MSUM_F_YI,
                        "yi is 0 with pval %g < 1; no standard error follows", p);
        double se = fabs(yi) / z;
        e->vi = se * se;
        e->conv |= MSUM_CONV_P_TO_SE;
    } else {
        return fail(e, MSUM_EDATA, MSUM_F_VI,
                    "vi is missing; generic rows need vi, sei, ci_lb and ci_ub, or pval");
    }
    return MSUM_OK;
}

int msum_escalc_prepare(msum_escalc_opts *o)
{
    if (!o || !(o->add >= 0 && isfinite(o->add)) || o->to < MSUM_CC_ONLY0 || o->to > MSUM_CC_NONE)
        return MSUM_EINVAL;
    o->z = o->z_input = 0;
    double z, zi;
    if (normal_crit(o->level, &z) != MSUM_OK || normal_crit(o->input_level, &zi) != MSUM_OK)
        return MSUM_EINVAL;
    o->z = z;
    o->z_input = zi;
    return MSUM_OK;
}

int msum_escalc(const msum_record *rec, msum_measure measure, const msum_escalc_opts *o,
                msum_effect *out)
{
    msum_escalc_opts def = MSUM_ESCALC_OPTS_DEFAULT;
    if (!out) return MSUM_EINVAL;
    /* field by field: a memset of the message buffer costs more than a row's arithmetic */
    out->measure = MSUM_MEASURE_NONE;
    out->scale = MSUM_SCALE_NONE;
    out->conv = 0;
    out->field = -1;
    out->message[0] = '\0';
    out->cc_add = NAN;
    out->yi = out->vi = out->sei = out->ci_lb = out->ci_ub = NAN;
    if (!rec) return fail(out, MSUM_EINVAL, -1, "no record");
    if (!o) o = &def;
    if (!(o->add >= 0 && isfinite(o->add)))
        return fail(out, MSUM_EINVAL, -1, "add is %g; expected a value >= 0", o->add);
    if (o->to < MSUM_CC_ONLY0 || o->to > MSUM_CC_NONE)
        return fail(out, MSUM_EINVAL, -1, "unknown continuity-correction policy");
    double z = o->z;
    if (!(z > 0) && normal_crit(o->level, &z) != MSUM_OK)
        return fail(out, MSUM_EINVAL, -1, "level %g is not in (0, 1)", o->level);

    int st;
    msum_measure m = measure;
    switch (rec->input) {
    case MSUM_INPUT_CONTINUOUS:
    case MSUM_INPUT_MEDIAN:
        st = two_means(rec, measure, out);
        break;
    case MSUM_INPUT_COUNTS:
        st = two_by_two(rec, measure, o, out);
        break;
    case MSUM_INPUT_CORRELATION:
        if (measure == MSUM_MEASURE_COR)
            return msum_escalc_cor(rec->x[MSUM_F_RI], rec->x[MSUM_F_NI], o, out);
        m = MSUM_MEASURE_ZCOR;
        if (measure != MSUM_MEASURE_NONE && measure != m)
            return fail(out, MSUM_EINVAL, -1, "correlation rows give ZCOR or COR, not %s",
                        msum_measure_name(measure));
        st = correlation(rec, out);
        break;
    case MSUM_INPUT_PROPORTION:
        return msum_escalc_prop(measure, rec->x[MSUM_F_XI], rec->x[MSUM_F_NI], o, out);
    case MSUM_INPUT_RATE:
        return msum_escalc_rate(measure, rec->x[MSUM_F_XI], rec->x[MSUM_F_TI], o, out);
    case MSUM_INPUT_RATES:
        return msum_escalc_rates(measure, rec->x[MSUM_F_X1I], rec->x[MSUM_F_T1I],
                                 rec->x[MSUM_F_X2I], rec->x[MSUM_F_T2I], o, out);
    case MSUM_INPUT_RATIO:
        m = rec->measure != MSUM_MEASURE_NONE ? rec->measure : MSUM_MEASURE_GEN_LOG;
        if (measure != MSUM_MEASURE_NONE && measure != m)
            return fail(out, MSUM_EINVAL, -1, "this ratio row is on %s, not %s",
                        msum_measure_name(m), msum_measure_name(measure));
        return msum_escalc_ratio(m, rec->x[MSUM_F_RATIO], rec->x[MSUM_F_CI_LB],
                                 rec->x[MSUM_F_CI_UB], o, out);
    case MSUM_INPUT_PERCENT:
    case MSUM_INPUT_FOLD: {
        /* Percent change p: ratio 1 + p/100, ROM = ln(1 + p/100); fold change f: ROM = ln f.
         * Neither carries a variance: yi only. */
        int pct = rec->input == MSUM_INPUT_PERCENT;
        int f = pct ? MSUM_F_PCT : MSUM_F_FOLD;
        double v = rec->x[f];
        m = MSUM_MEASURE_ROM;
        if (measure != MSUM_MEASURE_NONE && measure != m)
            return fail(out, MSUM_EINVAL, -1, "%s rows give ROM, not %s",
                        msum_input_name(rec->input), msum_measure_name(measure));
        if (isnan(v)) return fail(out, MSUM_EDATA, f, "%s is missing", fname(f));
        if (pct ? !(v > -100) : !(v > 0))
            return fail(out, MSUM_EDATA, f, "%s is %g; expected %s", fname(f), v,
                        pct ? "a change > -100 (percent)" : "a ratio > 0");
        out->yi = pct ? log1p(v / 100) : log(v);
        out->conv |= pct ? MSUM_CONV_PCT_TO_ROM : MSUM_CONV_FOLD_TO_ROM;
        st = MSUM_OK;
        break;
    }
    case MSUM_INPUT_GENERIC:
        m = rec->measure != MSUM_MEASURE_NONE ? rec->measure : MSUM_MEASURE_GEN;
        if (measure != MSUM_MEASURE_NONE && measure != m)
            return fail(out, MSUM_EINVAL, -1, "this generic row is on %s, not %s",
                        msum_measure_name(m), msum_measure_name(measure));
        st = generic(rec, o, out);
        break;
    case MSUM_INPUT_DIRECTION:
        out->measure = MSUM_MEASURE_NONE;
        out->scale = MSUM_SCALE_NONE;
        out->conv = MSUM_CONV_DIRECTION;
        return MSUM_OK;
    default:
        return fail(out, MSUM_EINVAL, -1, "the row has no input form");
    }
    if (st != MSUM_OK) return st;
    if (!isfinite(out->yi) || (!isnan(out->vi) && !isfinite(out->vi)))
        return fail(out, MSUM_EDOM, -1, "yi or vi is not finite");
    out->measure = m;
    out->scale = msum_measure_scale(m);
    if (!isnan(out->vi)) {
        out->sei = sqrt(out->vi);
        out->ci_lb = out->yi - z * out->sei;
        out->ci_ub = out->yi + z * out->sei;
    }
    return MSUM_OK;
}

int msum_effect_conversion(const msum_effect *e, char *buf, size_t size)
{
    if (size) buf[0] = '\0';
    if (!e || !e->conv) return 0;
    static const struct {
        unsigned bit;
        const char *text;
    } names[] = {
        {MSUM_CONV_DIRECTION, "direction_only"},
        {MSUM_CONV_SEM_TO_SD, "sem_to_sd"},
        {MSUM_CONV_MEDIAN, "median_iqr_to_mean_sd(Wan2014,Luo2016)"},
        {MSUM_CONV_PCT_TO_ROM, "pct_to_rom"},
        {MSUM_CONV_FOLD_TO_ROM, "fold_to_rom"},
        {MSUM_CONV_CI_TO_SE, "ci_to_se"},
        {MSUM_CONV_P_TO_SE, "p_to_se"},
        {MSUM_CONV_RATIO_TO_LOG, "ratio_to_log"},
    };
    size_t len = 0;
    const char *sep = "";
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (!(e->conv & names[i].bit)) continue;
        int k = snprintf(len < size ? buf + len : NULL, len < size ? size - len : 0, "%s%s", sep,
                         names[i].text);
        len += (size_t)k;
        sep = ";";
    }
    if (e->conv & MSUM_CONV_CC) {
        char num[40];
        msum_fmt_num(e->cc_add, 0, num, sizeof num);
        int k = snprintf(len < size ? buf + len : NULL, len < size ? size - len : 0,
                         "%scc_add_%s", sep, num);
        len += (size_t)k;
    }
    return (int)len;
}
