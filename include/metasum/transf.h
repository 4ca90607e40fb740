/* Scales of the effect-size measures and their back-transforms, as metafor 3.8's transf.*
 * functions (exp, transf.ztor, transf.ilogit, transf.iarcsin, transf.isqrt, transf.ipft,
 * transf.ipft.hm), and the per-measure default of escalc's continuity correction.
 */
#ifndef METASUM_TRANSF_H
#define METASUM_TRANSF_H

#include <stddef.h>

#include "metasum/record.h"

/* Scale of yi. */
typedef enum {
    MSUM_SCALE_NONE = 0, /* no yi (direction-only rows) */
    MSUM_SCALE_NATURAL,  /* MD, SMD, RD, GEN: as is */
    MSUM_SCALE_LOG,      /* ROM, RR, OR: natural log of a ratio; exp() back-transforms */
    MSUM_SCALE_FISHER_Z, /* ZCOR: atanh(r); tanh() back-transforms */
    /* scales of one-group measures (metafor's transf.* functions back-transform them) */
    MSUM_SCALE_LOGIT,    /* PLO: ln(p/(1-p)); transf.ilogit */
    MSUM_SCALE_ARCSINE,  /* PAS: asin(sqrt(p)); transf.iarcsin */
    MSUM_SCALE_FREEMAN_TUKEY, /* PFT: double arcsine; transf.ipft(.hm), needs a sample size */
    MSUM_SCALE_SQRT      /* IRS: sqrt(rate); transf.isqrt */
} msum_scale;

/* "natural", "log", "fisher_z", "logit", "arcsine", "freeman_tukey", "sqrt"; "" for NONE */
const char *msum_scale_name(msum_scale s);
/* LOG: ROM, RR, OR, PETO, PLN, IRLN, IRR, GEN_LOG; FISHER_Z: ZCOR; LOGIT: PLO; ARCSINE: PAS;
 * FREEMAN_TUKEY: PFT; SQRT: IRS; NATURAL: the rest (MD, SMD, RD, GEN, PR, IR, IRFT, IRD, IRSD,
 * COR: IRFT and IRSD have no back-transform of their own). */
msum_scale msum_measure_scale(msum_measure m);

/* Back-transform a value on the scale of measure m: exp (LOG), tanh (FISHER_Z), the inverse
 * logit (LOGIT), sin(x)^2 clamped to [0, 1] (ARCSINE), x^2 for x >= 0 else 0 (SQRT), the value
 * itself otherwise (NaN stays NaN).  FREEMAN_TUKEY needs a sample size: NaN here, use
 * msum_measure_transf_n. */
double msum_measure_transf(msum_measure m, double x);

/* As msum_measure_transf, with the sample size n that the Freeman-Tukey inverse uses (metafor
 * transf.ipft: a study's n; transf.ipft.hm: the harmonic mean of the studies' n, as
 * msum_harmonic_mean gives it).  n is ignored by the other scales. */
double msum_measure_transf_n(msum_measure m, double x, double n);

/* Inverse Freeman-Tukey double arcsine (Miller 1978), metafor transf.ipft(x, n):
 *   p = 1/2 (1 - sign(cos 2x) sqrt(1 - (sin 2x + (sin 2x - 1/sin 2x)/n)^2)),
 * 1 above transf.pft(1, n), 0 below transf.pft(0, n), NaN where the root is undefined. */
double msum_transf_ipft(double x, double n);

/* Harmonic mean k / sum(1/n_i) of the non-NaN n_i (metafor transf.ipft.hm); NaN when none. */
double msum_harmonic_mean(size_t k, const double *n);

/* The continuity correction metafor's escalc adds when `add` is not given: 0 for PAS, PFT,
 * IRS, IRFT and IRSD (their variance needs none), 1/2 for the others. */
double msum_measure_default_add(msum_measure m);

#endif
