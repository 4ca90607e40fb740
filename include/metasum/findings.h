/* The findings of a synthesis in sentences: a table named "findings" with one text column
 * `finding`, one sentence per row, generated from result tables so that a page can open with
 * what the analysis found (nothing typed by hand: every number, label and reference comes from
 * the tables).
 */
#ifndef METASUM_FINDINGS_H
#define METASUM_FINDINGS_H

#include "metasum/table.h"

/* Sentences of a synthesis without meta-analysis, from the tables of msum_swim_comparisons,
 * msum_swim_timecourse and msum_swim_direction (any may be NULL; its sentences are then
 * left out), in this order:
 *  - one sentence with the reported numbers compared (comparisons rows with a reported number:
 *    "Cell viability (HDF, UVB): ADSC-Ex 28.19 % vs ADSC-CM 18.08 %, 1.56 times the gain
 *    (Gao2021)"; head-to-head: "EV yield: iPSC-EV 16 times MSC-EV (Liu2019)");
 *  - one sentence per time course (source-preparation, model, exposure and time unit): which
 *    outcomes were beneficial, harmful or unchanged at which time points, and the trend where
 *    the rows rank their magnitudes ("the effect weakens from passage 5 to 15 to 28");
 *  - one sentence with the effect direction votes per domain and their sign test.
 * *out belongs to the caller.  Returns MSUM_OK, MSUM_EINVAL (out NULL), MSUM_ENOMEM. */
int msum_swim_findings(const msum_table *comparisons, const msum_table *timecourse,
                       const msum_table *domains, msum_table **out);

/* Replace *t by a copy with a text column `citation` added at its end: the text of column refcol
 * (one reference key, or several joined by ", " or "; ") with each key that is in keys[0..n)
 * replaced by its label (e.g. "Gao2021" -> "Gao2021 [27]", the reference's number in the
 * reviewed source).  The findings sentences and the SWiM plots show `citation` where it exists.
 * Returns MSUM_OK, MSUM_EINVAL (no column refcol: *t unchanged), MSUM_ENOMEM (*t unchanged). */
int msum_swim_cite(msum_table **t, const char *refcol, const char *const *keys,
                   const char *const *labels, size_t n);

#endif
