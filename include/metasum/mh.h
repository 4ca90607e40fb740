/* Mantel-Haenszel and Peto pooling of 2x2 tables and of two-group incidence rates, as metafor
 * 3.8's rma.mh() and rma.peto() compute them: the common effect from the tables' cells (no
 * per-study variances), its test and CI, the Cochran-Mantel-Haenszel test, Tarone's and the
 * Breslow-Day tests of homogeneity of odds ratios, and Q, I^2, H^2 on the escalc() yi/vi.
 */
#ifndef METASUM_MH_H
#define METASUM_MH_H

#include <stddef.h>

#include "metasum/escalc.h"
#include "metasum/record.h"

/* Options.  Index 0 applies to the per-study yi/vi that Q, I^2 and H^2 use (escalc's add, to,
 * drop00), index 1 to the cells that enter the Mantel-Haenszel or Peto sums; metafor's
 * defaults are add = c(1/2, 0), to = c("only0", "none"), drop00 = c(TRUE, FALSE). */
typedef struct {
    double add[2];
    msum_cc_policy to[2];
    int drop00[2];   /* nonzero: tables with no events (or no non-events) in both groups are
                      * dropped (yi NA for [0]; left out of the sums for [1]) */
    int correct;     /* nonzero: continuity correction 1/2 in the CMH test (metafor `correct`) */
    double level;    /* CI level in (0, 1) */
} msum_mh_opts;

#define MSUM_MH_OPTS_DEFAULT {{0.5, 0}, {MSUM_CC_ONLY0, MSUM_CC_NONE}, {1, 0}, 1, 0.95}

/* Result of one fit.  NaN where metafor reports NA. */
typedef struct {
    msum_measure measure; /* OR, RR, RD, IRR, IRD (msum_mh) or PETO (msum_peto) */
    size_t k;      /* tables in the fit (complete, not dropped by drop00[1]) */
    size_t k_yi;   /* studies with a yi (Q has k_yi - 1 df) */
    size_t k_pos;  /* OR: tables in Tarone's and the Breslow-Day test; PETO: tables with
                    * hypergeometric variance > 0; 0 otherwise */
    double beta, se, zval, pval, ci_lb, ci_ub; /* log scale for OR, RR, IRR, PETO */
    double Q, Qp, I2, H2;    /* I2 in percent, as metafor */
    double cmh, cmh_p;       /* Cochran-Mantel-Haenszel test on 1 df (metafor MH; OR, IRR) */
    double cochran, cochran_p; /* the same without the N/(N-1) factor (metafor CO; OR) */
    double tarone, tarone_p; /* Tarone's test on k_pos - 1 df (metafor TA; OR) */
    double bd, bd_p;         /* Breslow-Day test on k_pos - 1 df (metafor BD; OR) */
} msum_mh_result;

/* Mantel-Haenszel fit of k 2x2 tables (ai, bi events / non-events of group 1, ci, di of
 * group 2) for measure OR, RR or RD.  A table with a NaN cell is left out (metafor na.omit).
 * Returns MSUM_OK; MSUM_EINVAL (NULL pointer, another measure, bad options); MSUM_EDATA (a
 * negative count); MSUM_EDOM (no table left).  An estimate that is undefined (OR with no
 * discordant products, RR with no events in a group) gives beta NaN and MSUM_OK, as metafor. */
int msum_mh(msum_measure measure, size_t k, const double *ai, const double *bi,
            const double *ci, const double *di, const msum_mh_opts *o, msum_mh_result *out);

/* Mantel-Haenszel fit of k pairs of incidence rates (x1i events in person-time t1i, x2i in
 * t2i) for measure IRR or IRD.  Same returns as msum_mh (MSUM_EDATA also for a person-time
 * <= 0). */
int msum_mh_rates(msum_measure measure, size_t k, const double *x1i, const double *t1i,
                  const double *x2i, const double *t2i, const msum_mh_opts *o,
                  msum_mh_result *out);

/* Peto's one-step log odds ratio (Yusuf et al. 1985) of k 2x2 tables:
 *   beta = sum(O - E) / sum(V), se = 1/sqrt(sum V), E = (a+c)(a+b)/N,
 *   V = (a+c)(b+d)(a+b)(c+d) / (N^2 (N-1)),
 *   Q = sum over V > 0 of (O-E)^2/V - (sum(O - E))^2 / sum V.
 * Returns as msum_mh; MSUM_EDOM also when every table has V = 0. */
int msum_peto(size_t k, const double *ai, const double *bi, const double *ci, const double *di,
              const msum_mh_opts *o, msum_mh_result *out);

#endif
