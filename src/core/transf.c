/* Scales of the measures and their back-transforms (metafor 3.8 transf.*).
 * Papers: Freeman & Tukey 1950 (Ann Math Stat 21:607); Miller 1978 (Am Stat 32:138, the inverse
 * of the double arcsine with the harmonic mean of n).
 */
#include "metasum/transf.h"

#include <math.h>

const char *msum_scale_name(msum_scale s)
{
    switch (s) {
    case MSUM_SCALE_NATURAL: return "natural";
    case MSUM_SCALE_LOG: return "log";
    case MSUM_SCALE_FISHER_Z: return "fisher_z";
    case MSUM_SCALE_LOGIT: return "logit";
    case MSUM_SCALE_ARCSINE: return "arcsine";
    case MSUM_SCALE_FREEMAN_TUKEY: return "freeman_tukey";
    case MSUM_SCALE_SQRT: return "sqrt";
    case MSUM_SCALE_NONE: break;
    }
    return "";
}

msum_scale msum_measure_scale(msum_measure m)
{
    switch (m) {
    case MSUM_MEASURE_ROM:
    case MSUM_MEASURE_RR:
    case MSUM_MEASURE_OR:
    case MSUM_MEASURE_PETO:
    case MSUM_MEASURE_PLN:
    case MSUM_MEASURE_IRLN:
    case MSUM_MEASURE_IRR:
    case MSUM_MEASURE_GEN_LOG: return MSUM_SCALE_LOG;
    case MSUM_MEASURE_ZCOR: return MSUM_SCALE_FISHER_Z;
    case MSUM_MEASURE_PLO: return MSUM_SCALE_LOGIT;
    case MSUM_MEASURE_PAS: return MSUM_SCALE_ARCSINE;
    case MSUM_MEASURE_PFT: return MSUM_SCALE_FREEMAN_TUKEY;
    case MSUM_MEASURE_IRS: return MSUM_SCALE_SQRT;
    case MSUM_MEASURE_NONE:
    case MSUM_MEASURE_COUNT_: return MSUM_SCALE_NONE;
    default: return MSUM_SCALE_NATURAL;
    }
}

double msum_measure_transf(msum_measure m, double x) { return msum_measure_transf_n(m, x, NAN); }

/* The back-transforms of metafor 3.8: exp, transf.ztor (tanh), transf.ilogit (plogis),
 * transf.iarcsin, transf.isqrt, transf.ipft / transf.ipft.hm. */
double msum_measure_transf_n(msum_measure m, double x, double n)
{
    if (isnan(x)) return x;
    switch (msum_measure_scale(m)) {
    case MSUM_SCALE_LOG: return exp(x);
    case MSUM_SCALE_FISHER_Z: return tanh(x);
    case MSUM_SCALE_LOGIT: return x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x));
    case MSUM_SCALE_ARCSINE:
        if (x < 0) return 0;
        if (x > asin(1.0)) return 1;
        return sin(x) * sin(x);
    case MSUM_SCALE_SQRT: return x < 0 ? 0 : x * x;
    case MSUM_SCALE_FREEMAN_TUKEY: return msum_transf_ipft(x, n);
    default: return x;
    }
}

/* metafor transf.pft(p, n) = 1/2 (asin sqrt(np/(n+1)) + asin sqrt((np+1)/(n+1))) */
static double pft(double p, double n)
{
    double x = p * n;
    return 0.5 * (asin(sqrt(x / (n + 1))) + asin(sqrt((x + 1) / (n + 1))));
}

double msum_transf_ipft(double x, double n)
{
    if (isnan(x) || !(n > 0)) return NAN;
    if (x > pft(1, n)) return 1;
    if (x < pft(0, n)) return 0;
    double s = sin(2 * x), c = cos(2 * x);
    double sg = c > 0 ? 1 : c < 0 ? -1 : 0, t = s + (s - 1 / s) / n;
    double z = 0.5 * (1 - sg * sqrt(1 - t * t));
    return isfinite(z) ? z : NAN;
}

double msum_harmonic_mean(size_t k, const double *n)
{
    double s = 0;
    size_t m = 0;
    for (size_t i = 0; i < k; i++)
        if (!isnan(n[i])) {
            s += 1 / n[i];
            m++;
        }
    return m ? 1 / (s / (double)m) : NAN;
}

double msum_measure_default_add(msum_measure m)
{
    switch (m) {
    case MSUM_MEASURE_PAS:
    case MSUM_MEASURE_PFT:
    case MSUM_MEASURE_IRS:
    case MSUM_MEASURE_IRFT:
    case MSUM_MEASURE_IRSD: return 0;
    default: return 0.5;
    }
}
