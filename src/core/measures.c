/* Proportions, incidence rates, raw correlations and ratios given on their own scale, as
 * metafor 3.8's escalc() computes them (vtype "LS").  Papers: Freeman & Tukey 1950 (Ann Math
 * Stat 21:607, double arcsine); Miller 1978 (Am Stat 32:138, its inverse); Olkin & Pratt 1958
 * and metafor's documentation (large-sample variance of r).
 */
#include "metasum/measures.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>

#include "metasum/metasum.h"

static void start(msum_effect *e)
{
    e->measure = MSUM_MEASURE_NONE;
    e->scale = MSUM_SCALE_NONE;
    e->conv = 0;
    e->field = -1;
    e->message[0] = '\0';
    e->cc_add = NAN;
    e->yi = e->vi = e->sei = e->ci_lb = e->ci_ub = NAN;
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

/* Options as msum_escalc checks them; *z = z_{(1+level)/2}. */
static int check_opts(const msum_escalc_opts *o, msum_effect *e, double *z)
{
    if (!(o->add >= 0 && isfinite(o->add)))
        return fail(e, MSUM_EINVAL, -1, "add is %g; expected a value >= 0", o->add);
    if (o->to < MSUM_CC_ONLY0 || o->to > MSUM_CC_NONE)
        return fail(e, MSUM_EINVAL, -1, "unknown continuity-correction policy");
    *z = o->z;
    if (!(*z > 0)) {
        if (!(o->level > 0 && o->level < 1))
            return fail(e, MSUM_EINVAL, -1, "level %g is not in (0, 1)", o->level);
        *z = gsl_cdf_ugaussian_Qinv((1 - o->level) / 2);
    }
    return MSUM_OK;
}

/* The value added for measure m: o->add, or metafor's default when add was not given. */
static double add_for(const msum_escalc_opts *o, msum_measure m)
{
    return o->add_given || msum_measure_default_add(m) != 0 ? o->add : 0;
}

/* Whether a row with (zero = 1) or without a zero count gets the correction. */
static int corrects(const msum_escalc_opts *o, msum_measure m, int zero)
{
    int c = o->to == MSUM_CC_ALL || (o->to == MSUM_CC_ONLY0 && zero) ||
            (o->to == MSUM_CC_IF0ALL && (zero || o->any_zero));
    return c && add_for(o, m) != 0;
}

static void mark_cc(const msum_escalc_opts *o, msum_measure m, msum_effect *e)
{
    e->conv |= MSUM_CONV_CC;
    e->cc_add = add_for(o, m);
}

/* yi, vi computed: check them and fill se, CI, measure, scale. */
static int finish(msum_measure m, double z, int field, msum_effect *e)
{
    if (!isfinite(e->yi) || !isfinite(e->vi))
        return fail(e, MSUM_EDOM, field, "%s is undefined for these values (a zero count with "
                    "no continuity correction?)", msum_measure_name(m));
    e->measure = m;
    e->scale = msum_measure_scale(m);
    e->sei = sqrt(e->vi);
    e->ci_lb = e->yi - z * e->sei;
    e->ci_ub = e->yi + z * e->sei;
    return MSUM_OK;
}

static int need_count(msum_effect *e, int f, double x)
{
    if (isnan(x)) return fail(e, MSUM_EDATA, f, "%s is missing", msum_field_name(f));
    if (!(x >= 0))
        return fail(e, MSUM_EDATA, f, "%s is %g; expected a count >= 0", msum_field_name(f), x);
    return MSUM_OK;
}

static int need_time(msum_effect *e, int f, double t)
{
    if (isnan(t)) return fail(e, MSUM_EDATA, f, "%s is missing", msum_field_name(f));
    if (!(t > 0 && isfinite(t)))
        return fail(e, MSUM_EDATA, f, "%s is %g; expected a person-time > 0",
                    msum_field_name(f), t);
    return MSUM_OK;
}

int msum_escalc_prop(msum_measure m, double xi, double ni, const msum_escalc_opts *o,
                     msum_effect *out)
{
    msum_escalc_opts def = MSUM_ESCALC_OPTS_DEFAULT;
    double z;
    int st;
    if (!out) return MSUM_EINVAL;
    start(out);
    if (!o) o = &def;
    if ((st = check_opts(o, out, &z)) != MSUM_OK) return st;
    if (m < MSUM_MEASURE_PR || m > MSUM_MEASURE_PFT)
        return fail(out, MSUM_EINVAL, -1, "proportions give PR, PLN, PLO, PAS or PFT, not %s",
                    m ? msum_measure_name(m) : "no measure");
    if ((st = need_count(out, MSUM_F_XI, xi)) != MSUM_OK) return st;
    if (isnan(ni)) return fail(out, MSUM_EDATA, MSUM_F_NI, "ni is missing");
    if (!(ni > 0)) return fail(out, MSUM_EDATA, MSUM_F_NI, "ni is %g; expected a size > 0", ni);
    if (xi > ni)
        return fail(out, MSUM_EDATA, MSUM_F_XI, "xi (%g) is above ni (%g); expected events <= "
                    "the group size", xi, ni);
    double x = xi, mi = ni - xi;
    if (corrects(o, m, x == 0 || mi == 0)) {
        x += add_for(o, m);
        mi += add_for(o, m);
        mark_cc(o, m, out);
    }
    double n = x + mi, p = x / n;
    switch (m) {
    case MSUM_MEASURE_PR:
        out->yi = p;
        out->vi = p * (1 - p) / n;
        break;
    case MSUM_MEASURE_PLN:
        out->yi = log(p);
        out->vi = 1 / x - 1 / n;
        break;
    case MSUM_MEASURE_PLO:
        out->yi = log(p / (1 - p));
        out->vi = 1 / x + 1 / mi;
        break;
    case MSUM_MEASURE_PAS:
        out->yi = asin(sqrt(p));
        out->vi = 1 / (4 * n);
        break;
    default:
        out->yi = 0.5 * (asin(sqrt(x / (n + 1))) + asin(sqrt((x + 1) / (n + 1))));
        out->vi = 1 / (4 * n + 2);
        break;
    }
    return finish(m, z, MSUM_F_XI, out);
}

int msum_escalc_rate(msum_measure m, double xi, double ti, const msum_escalc_opts *o,
                     msum_effect *out)
{
    msum_escalc_opts def = MSUM_ESCALC_OPTS_DEFAULT;
    double z;
    int st;
    if (!out) return MSUM_EINVAL;
    start(out);
    if (!o) o = &def;
    if ((st = check_opts(o, out, &z)) != MSUM_OK) return st;
    if (m < MSUM_MEASURE_IR || m > MSUM_MEASURE_IRFT)
        return fail(out, MSUM_EINVAL, -1, "incidence rates give IR, IRLN, IRS or IRFT, not %s",
                    m ? msum_measure_name(m) : "no measure");
    if ((st = need_count(out, MSUM_F_XI, xi)) != MSUM_OK) return st;
    if ((st = need_time(out, MSUM_F_TI, ti)) != MSUM_OK) return st;
    double x = xi;
    if (corrects(o, m, x == 0)) {
        x += add_for(o, m);
        mark_cc(o, m, out);
    }
    double ir = x / ti;
    switch (m) {
    case MSUM_MEASURE_IR:
        out->yi = ir;
        out->vi = ir / ti;
        break;
    case MSUM_MEASURE_IRLN:
        out->yi = log(ir);
        out->vi = 1 / x;
        break;
    case MSUM_MEASURE_IRS:
        out->yi = sqrt(ir);
        out->vi = 1 / (4 * ti);
        break;
    default:
        out->yi = 0.5 * (sqrt(ir) + sqrt(ir + 1 / ti));
        out->vi = 1 / (4 * ti);
        break;
    }
    return finish(m, z, MSUM_F_XI, out);
}

int msum_escalc_rates(msum_measure m, double x1i, double t1i, double x2i, double t2i,
                      const msum_escalc_opts *o, msum_effect *out)
{
    msum_escalc_opts def = MSUM_ESCALC_OPTS_DEFAULT;
    double z;
    int st;
    if (!out) return MSUM_EINVAL;
    start(out);
    if (!o) o = &def;
    if ((st = check_opts(o, out, &z)) != MSUM_OK) return st;
    if (m < MSUM_MEASURE_IRR || m > MSUM_MEASURE_IRSD)
        return fail(out, MSUM_EINVAL, -1, "two incidence rates give IRR, IRD or IRSD, not %s",
                    m ? msum_measure_name(m) : "no measure");
    if ((st = need_count(out, MSUM_F_X1I, x1i)) != MSUM_OK) return st;
    if ((st = need_time(out, MSUM_F_T1I, t1i)) != MSUM_OK) return st;
    if ((st = need_count(out, MSUM_F_X2I, x2i)) != MSUM_OK) return st;
    if ((st = need_time(out, MSUM_F_T2I, t2i)) != MSUM_OK) return st;
    double x1 = x1i, x2 = x2i;
    if (corrects(o, m, x1 == 0 || x2 == 0)) {
        x1 += add_for(o, m);
        x2 += add_for(o, m);
        mark_cc(o, m, out);
    }
    double ir1 = x1 / t1i, ir2 = x2 / t2i;
    switch (m) {
    case MSUM_MEASURE_IRR:
        out->yi = log(ir1) - log(ir2);
        out->vi = 1 / x1 + 1 / x2;
        break;
    case MSUM_MEASURE_IRD:
        out->yi = ir1 - ir2;
        out->vi = ir1 / t1i + ir2 / t2i;
        break;
    default:
        out->yi = sqrt(ir1) - sqrt(ir2);
        out->vi = 1 / (4 * t1i) + 1 / (4 * t2i);
        break;
    }
    return finish(m, z, MSUM_F_X1I, out);
}

int msum_escalc_cor(double ri, double ni, const msum_escalc_opts *o, msum_effect *out)
{
    msum_escalc_opts def = MSUM_ESCALC_OPTS_DEFAULT;
    double z;
    int st;
    if (!out) return MSUM_EINVAL;
    start(out);
    if (!o) o = &def;
    if ((st = check_opts(o, out, &z)) != MSUM_OK) return st;
    if (isnan(ri)) return fail(out, MSUM_EDATA, MSUM_F_RI, "ri is missing");
    if (!(fabs(ri) <= 1))
        return fail(out, MSUM_EDATA, MSUM_F_RI, "ri is %g; expected a correlation in [-1, 1]",
                    ri);
    if (isnan(ni)) return fail(out, MSUM_EDATA, MSUM_F_NI, "ni is missing");
    if (!(ni >= 1)) return fail(out, MSUM_EDATA, MSUM_F_NI, "ni is %g; expected a size >= 1", ni);
    if (ni <= 3)
        return fail(out, MSUM_EDOM, MSUM_F_NI,
                    "ni is %g; the variance (1-ri^2)^2/(ni-1) needs ni >= 4 (as metafor)", ni);
    double u = 1 - ri * ri;
    out->yi = ri;
    out->vi = u * u / (ni - 1);
    return finish(MSUM_MEASURE_COR, z, MSUM_F_RI, out);
}

int msum_escalc_ratio(msum_measure m, double ratio, double lb, double ub,
                      const msum_escalc_opts *o, msum_effect *out)
{
    msum_escalc_opts def = MSUM_ESCALC_OPTS_DEFAULT;
    double z;
    int st;
    if (!out) return MSUM_EINVAL;
    start(out);
    if (!o) o = &def;
    if ((st = check_opts(o, out, &z)) != MSUM_OK) return st;
    if (msum_measure_scale(m) != MSUM_SCALE_LOG)
        return fail(out, MSUM_EINVAL, -1, "a ratio with its CI gives a log-scale measure (OR, "
                    "RR, ROM, IRR, PETO, GEN_LOG), not %s", m ? msum_measure_name(m) : "none");
    static const int fld[3] = {MSUM_F_YI, MSUM_F_CI_LB, MSUM_F_CI_UB};
    const double v[3] = {ratio, lb, ub};
    for (int i = 0; i < 3; i++) {
        if (isnan(v[i])) return fail(out, MSUM_EDATA, fld[i], "%s is missing",
                                     msum_field_name(fld[i]));
        if (!(v[i] > 0 && isfinite(v[i])))
            return fail(out, MSUM_EDATA, fld[i], "%s is %g; expected a ratio > 0",
                        msum_field_name(fld[i]), v[i]);
    }
    if (!(lb < ub))
        return fail(out, MSUM_EDATA, MSUM_F_CI_LB, "ci_lb (%g) is not below ci_ub (%g)", lb, ub);
    if (ratio < lb || ratio > ub)
        return fail(out, MSUM_EDATA, MSUM_F_YI, "the ratio %g lies outside its CI [%g, %g]",
                    ratio, lb, ub);
    double zi = o->z_input;
    if (!(zi > 0)) {
        if (!(o->input_level > 0 && o->input_level < 1))
            return fail(out, MSUM_EINVAL, -1, "the input CI level %g is not in (0, 1)",
                        o->input_level);
        zi = gsl_cdf_ugaussian_Qinv((1 - o->input_level) / 2);
    }
    double se = (log(ub) - log(lb)) / (2 * zi);
    out->yi = log(ratio);
    out->vi = se * se;
    out->conv |= MSUM_CONV_RATIO_TO_LOG | MSUM_CONV_CI_TO_SE;
    return finish(m, z, MSUM_F_YI, out);
}
