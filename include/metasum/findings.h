/* Findings: what an analysis found, in a few sentences and a compact table, computed from its
 * result tables (found by table and column name), for the top of a report page.
 *
 * A findings table is named "findings", titled "Findings", and has one text column "finding",
 * one sentence per row, most important first.  An analysis may make its own (the report shows
 * any table of that name first); these functions make one for the kinds whose tables they
 * know:
 *   pool         tables "pool" (rma.uni columns: estimate, ci_lb, ..., tau2, I2, QE, pi_lb,
 *                exp_* back-transforms; group columns before "k") or the Mantel-Haenszel /
 *                Peto "pool" (method, zval, cmh ...; group columns before "method")
 *   compare      tables "groups", "between", "metareg", "model"
 *   bias         table "bias" (rows regtest, ranktest, trimfill, fsn)
 *   sensitivity  tables "leave1out", "influence"
 *   effects      table "effects" (yi, ci_lb, ci_ub, exp_* or a direction column)
 *   table        any one table (rows, columns, DOIs)
 * Ratio measures are reported on their natural scale (the exp_* columns, else exp()).  Numbers
 * are printed in the C locale with two decimals, or two significant digits of the largest when
 * every number shown together (an estimate and its bounds) is below 0.1; meta-regression
 * coefficients with three decimals; p-values as "p < 0.001", else with three decimals below
 * 0.1 and two above.  Heterogeneity is named as the Cochrane Handbook does (I^2 under 30%
 * low, under 50% moderate, under 75% substantial, else considerable).
 */
#ifndef METASUM_FINDINGS_H
#define METASUM_FINDINGS_H

#include <stddef.h>

#include "metasum/table.h"

/* The findings of an analysis of the given kind ("pool", "compare", ...) from its n result
 * tables.  *out is a new table the caller frees, or NULL when the kind or the tables give
 * nothing to say (an unknown kind, a "summarize" analysis, tables without the columns above).
 * Returns MSUM_OK, MSUM_EINVAL (NULL kind or out, or n > 0 with NULL ts) or MSUM_ENOMEM. */
int msum_findings_make(const char *kind, const msum_table *const *ts, size_t n,
                       msum_table **out);

/* The main numbers of the same analysis as a compact table of short text columns (estimate
 * with its CI as "0.49 [0.34, 0.70]", p, I^2, ...) that fits a page width: one row per pooled
 * fit, subgroup, bias test or omitted study.  Table name "key_numbers".  *out NULL when there
 * is none (kind "table", "summarize", unknown tables).  Returns as msum_findings_make. */
int msum_findings_key(const char *kind, const msum_table *const *ts, size_t n,
                      msum_table **out);

/* The first finding sentence of a findings table (for an index line), or NULL. */
const char *msum_findings_first(const msum_table *findings);

/* ---- synthesis without meta-analysis (src/core/swim_findings.c) ---------------------------
 * Kind summarize makes its own findings table from its comparisons, time-course and effect
 * direction tables. */

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
