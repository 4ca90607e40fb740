/* Effect direction plot data and the sign test per outcome domain (Thomson & Thomas 2013,
 * Systematic Reviews 2:95; revised by Hilton Boon & Thomson 2021, Research Synthesis Methods
 * 12:29-33, doi 10.1002/jrsm.1458; Cochrane Handbook chapter 12): studies as rows, outcome
 * domains as columns, one arrow per cell for the direction of the study's findings in the
 * domain, and a sign test per domain on the studies with a clear direction.
 *
 * The unit of a row is a study (ref) with one source-preparation ("Gao2021, ADSC-Ex"), so a
 * study that tested two preparations gives two rows; rows are grouped by source-preparation.
 * Only effects of a treatment against a control count: exposure rows (effect_of = exposure)
 * and head-to-head rows (msum_swim_head_to_head) are left out.
 */
#ifndef METASUM_DIRECTION_H
#define METASUM_DIRECTION_H

#include <stddef.h>

#include "metasum/swim.h"
#include "metasum/table.h"

/* A cell's direction is the one that at least this share of its rated findings report
 * (Thomson & Thomas 2013: "70% or more of outcomes ... reported a similar direction"). */
#define MSUM_EDP_THRESHOLD 0.7

/* Direction of one study-by-domain cell from its findings: ben, harm, none = rated findings
 * (outcome with a beneficial direction) that are beneficial, harmful or report no change;
 * unrated = findings on outcomes without a beneficial direction (or without a direction).
 * Returns "benefit" (ben >= 70 % of the rated findings), "harm" (harm >= 70 %), "no change"
 * (none >= 70 %), "conflicting" (rated findings, none of the three reaching 70 %), "not rated"
 * (no rated finding, at least one unrated), or NULL (no finding). */
const char *msum_edp_direction(double ben, double harm, double none, double unrated);

/* The effect direction tables of the rows.
 * *edp ("effect_direction"): one row per study x source-preparation x domain with findings:
 *   group (source-preparation), source, preparation, ref, domain, n_findings, n_beneficial,
 *   n_harmful, n_no_change, n_not_rated, direction (msum_edp_direction), outcomes (labels).
 *   Groups in order of their first row, studies within a group likewise, domains in the
 *   dictionary's order (domains missing from it after, in order of first row).
 * *domains ("domains"): one row per domain: n_units (study-preparation rows with a finding in
 *   it), n_benefit, n_harm, n_no_change, n_conflicting, n_not_rated, n_votes = n_benefit +
 *   n_harm, prop_benefit and the exact two-sided sign test p (binomial, p = 1/2; R
 *   binom.test(n_benefit, n_votes)) on the votes: cells of no change, conflicting findings or no
 *   rating are not votes.
 * Both belong to the caller.  Returns MSUM_OK, MSUM_EINVAL, MSUM_ENOMEM. */
int msum_swim_direction(const msum_swim_row *rows, size_t n, const msum_swim_outcome *dict,
                        size_t ndict, msum_table **edp, msum_table **domains);

#endif
