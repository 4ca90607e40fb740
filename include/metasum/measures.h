/* Effect sizes of measures whose inputs are not a 2x2 table or two groups: proportions (PR,
 * PLN, PLO, PAS, PFT from xi events of ni), incidence rates (IR, IRLN, IRS, IRFT from xi events
 * in person-time ti; IRR, IRD, IRSD from x1i, t1i, x2i, t2i), the raw correlation (COR), and
 * ratios reported on their own scale with a CI (taken to the log scale), as metafor 3.8's
 * escalc() computes them (vtype "LS").
 *
 * Each function fills an msum_effect like msum_escalc (yi, vi, sei, CI at o->level, measure,
 * scale, conversions) and returns MSUM_OK; MSUM_EINVAL (bad options or a measure the function
 * does not give: out->field = -1); MSUM_EDATA (a missing or impossible value: out->field says
 * which); MSUM_EDOM (the measure is undefined for these values, e.g. PLN of 0 events with no
 * correction).  On error out->message says why and the numbers are NaN.
 *
 * Zero events are corrected as in msum_escalc: with o->add added to xi and ni - xi (or to
 * x1i and x2i) of rows with a zero (o->to = MSUM_CC_ONLY0), of every row (ALL), of every row
 * when o->any_zero (IF0ALL), or never (NONE).  Unless o->add_given, PAS, PFT, IRS, IRFT and IRSD
 * add 0, as metafor's escalc does without `add` (msum_measure_default_add).
 */
#ifndef METASUM_MEASURES_H
#define METASUM_MEASURES_H

#include "metasum/escalc.h"

/* Proportion of xi events among ni (0 <= xi <= ni, ni > 0), p = xi/ni after correction:
 *   PR   yi = p                                   vi = p(1-p)/ni
 *   PLN  yi = ln p                                vi = 1/xi - 1/ni
 *   PLO  yi = ln(p/(1-p))                         vi = 1/xi + 1/(ni-xi)
 *   PAS  yi = asin(sqrt p)                        vi = 1/(4 ni)
 *   PFT  yi = (asin sqrt(xi/(ni+1)) + asin sqrt((xi+1)/(ni+1)))/2      vi = 1/(4 ni + 2)
 * Zero: xi = 0 or xi = ni. */
int msum_escalc_prop(msum_measure m, double xi, double ni, const msum_escalc_opts *o,
                     msum_effect *out);

/* Incidence rate of xi events (>= 0) in person-time ti (> 0), ir = xi/ti after correction:
 *   IR   yi = ir             vi = ir/ti
 *   IRLN yi = ln ir          vi = 1/xi
 *   IRS  yi = sqrt ir        vi = 1/(4 ti)
 *   IRFT yi = (sqrt ir + sqrt(ir + 1/ti))/2     vi = 1/(4 ti)
 * Zero: xi = 0. */
int msum_escalc_rate(msum_measure m, double xi, double ti, const msum_escalc_opts *o,
                     msum_effect *out);

/* Two incidence rates ir1 = x1i/t1i, ir2 = x2i/t2i after correction:
 *   IRR  yi = ln ir1 - ln ir2          vi = 1/x1i + 1/x2i
 *   IRD  yi = ir1 - ir2                vi = ir1/t1i + ir2/t2i
 *   IRSD yi = sqrt ir1 - sqrt ir2      vi = 1/(4 t1i) + 1/(4 t2i)
 * Zero: x1i = 0 or x2i = 0. */
int msum_escalc_rates(msum_measure m, double x1i, double t1i, double x2i, double t2i,
                      const msum_escalc_opts *o, msum_effect *out);

/* Raw correlation ri of ni pairs (COR, metafor vtype "LS"): yi = ri, vi = (1 - ri^2)^2/(ni-1);
 * MSUM_EDOM for ni <= 3 (metafor leaves vi NA there). */
int msum_escalc_cor(double ri, double ni, const msum_escalc_opts *o, msum_effect *out);

/* A ratio (hazard ratio, odds ratio, ...) reported on its own scale with its CI at
 * o->input_level, for a measure on the log scale (OR, RR, ROM, IRR, PETO, GEN_LOG):
 *   yi = ln ratio, se = (ln ub - ln lb) / (2 z_{(1+input_level)/2}); conversion
 *   "ratio_to_log;ci_to_se".  0 < lb <= ratio <= ub, lb < ub. */
int msum_escalc_ratio(msum_measure m, double ratio, double lb, double ub,
                      const msum_escalc_opts *o, msum_effect *out);

#endif
