/* Synthesis without meta-analysis (SWiM; Campbell et al., BMJ 2020;368:l6890) for effects
 * reported without a variance: direction standardised by an outcome dictionary, vote counting
 * with a Wilson score CI and an exact sign test, magnitudes on the ROM scale, descriptive
 * comparisons of reported numbers, an evidence map and time courses.
 *
 * Input is plain arrays of msum_swim_row (one per reported effect, strings borrowed from the
 * caller); output is msum_table values (include/metasum/table.h) whose metadata names the
 * method and the scale.  Rows whose effect_of is "exposure" (a finding about the insult, e.g.
 * UVB lowers viability) are never mixed with treatment rows: they form their own cells with
 * effect_of = exposure.  Rows whose comparator is itself a treatment ("head-to-head": iPSC-EV
 * vs MSC-EV; see msum_swim_comparisons) are not effects against a control: they are left out
 * of votes, magnitudes and time courses, counted apart in the evidence map, and listed in the
 * comparisons table.
 */
#ifndef METASUM_SWIM_H
#define METASUM_SWIM_H

#include <stddef.h>

#include "metasum/dict.h"
#include "metasum/record.h"
#include "metasum/table.h"

/* ---- binomial building blocks ------------------------------------------------------------- */

/* Wilson score interval for x successes in n trials (Wilson 1927; R prop.test(x, n,
 * correct = FALSE)$conf.int): (p + z^2/2n -+ z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n), clamped
 * to [0, 1].  Returns MSUM_OK, MSUM_EINVAL (n < 1, x outside [0, n], level outside (0,1)). */
int msum_wilson_ci(double x, double n, double level, double *lb, double *ub);

/* Clopper-Pearson exact interval (Clopper & Pearson 1934; R binom.test()$conf.int): beta
 * quantiles, lb = 0 when x = 0 and ub = 1 when x = n.  Returns as msum_wilson_ci. */
int msum_clopper_pearson_ci(double x, double n, double level, double *lb, double *ub);

/* Exact two-sided sign test of x successes in n trials against p = 1/2 (R binom.test(x, n)):
 * min(1, 2 min(P[X <= x], P[X >= x])).  NaN for n < 1 or x outside [0, n]. */
double msum_sign_test_p(double x, double n);

/* ---- SWiM rows ---------------------------------------------------------------------------- */

/* One outcome of the dictionary (msum_benefit: include/metasum/dict.h).  domain groups outcomes
 * (effect direction plot columns, evidence map row groups) and label is the name shown in plots
 * and sentences; NULL or "" when the dictionary has none (the outcome key is used then, and the
 * outcome is its own domain). */
typedef struct {
    const char *outcome;
    msum_benefit beneficial;
    const char *domain, *label;
} msum_swim_outcome;

/* The label of an outcome (its key when the dictionary gives none) and its domain (the label
 * when none is given). */
const char *msum_swim_outcome_label(const msum_swim_outcome *dict, size_t ndict,
                                    const char *outcome);
const char *msum_swim_outcome_domain(const msum_swim_outcome *dict, size_t ndict,
                                     const char *outcome);

/* One reported effect.  Text fields may be NULL or "" (missing). */
typedef struct {
    const char *id, *source, *preparation, *model, *exposure, *outcome, *comparator;
    int about_exposure;        /* 1 when effect_of = exposure, 0 for treatment (the default) */
    msum_direction direction;  /* reported direction; NONE: taken from the sign of rom */
    msum_input input;          /* the form of the number: PERCENT and FOLD give `value` */
    double value;              /* the reported number (pct for percent_change, fold for
                                  fold_change), NaN otherwise */
    double rom;                /* the effect on the ROM scale (log ratio), NaN when none */
    double time;               /* time point, NaN when not given */
    const char *time_unit;     /* day, week, passage, h */
    const char *ref;           /* the study (reference key); rows of one study in a cell give
                                  one vote unless opts.per_row */
    double rank;               /* magnitude_rank: 1 = the largest effect among the rows of one
                                  time course (same ref, source, preparation, model, exposure,
                                  outcome); 0 = not given */
} msum_swim_row;

typedef struct {
    double level;        /* confidence level of the Wilson CI [0.95] */
    int by_preparation;  /* split vote-count and magnitude cells by preparation [0] */
    int by_model;        /* ... by model [0] */
    int by_exposure;     /* ... by exposure [0] */
    int per_row;         /* vote per row instead of per study [0] */
    int gaps;            /* evidence map: keep the cells without evidence (n_rows = 0) [0] */
} msum_swim_opts;

#define MSUM_SWIM_OPTS_DEFAULT {0.95, 0, 0, 0, 0, 0}

/* Direction of a row standardised to the outcome's good direction: +1 beneficial, -1 harmful,
 * 0 no change, 2 not classifiable (no direction and no sign, or an outcome whose beneficial
 * direction is none/unknown).  *dir receives the direction used (reported, else the sign of
 * rom). */
int msum_swim_classify(const msum_swim_row *r, msum_benefit b, msum_direction *dir);

/* Which rows compare one treatment with another ("head-to-head"): flags[i] = 1 when row i's
 * comparator names a source of the rows, a source-preparation label ("MSC-EV") or ends in
 * "-<preparation>" of a preparation in the rows.  A malloc'd array of n flags the caller frees;
 * NULL on allocation failure. */
char *msum_swim_head_to_head(const msum_swim_row *rows, size_t n);

/* Vote counting per source x outcome x effect_of (x preparation, model, exposure as asked).
 * The unit is the study: the rows of one `ref` in a cell (e.g. three time points) give one vote,
 * in their common direction, or none when they disagree ("mixed"); rows without a ref vote
 * alone; opts.per_row makes every row a vote.  Counts of beneficial / harmful / no-change /
 * mixed / unclassified votes, the proportion beneficial among beneficial + harmful votes with
 * its Wilson score CI, and the exact two-sided sign test on them (no-change votes are excluded
 * from proportion and test).  *out belongs to the caller.  Returns MSUM_OK, MSUM_EINVAL,
 * MSUM_ENOMEM. */
int msum_swim_votes(const msum_swim_row *rows, size_t n, const msum_swim_outcome *dict,
                    size_t ndict, const msum_swim_opts *o, msum_table **out);

/* Evidence map: one row per source x outcome with evidence (with opts.gaps, every source x
 * outcome cell over every source in the rows and every outcome in the rows or the dictionary,
 * cells without evidence included as n_rows = 0), with counts by kind (treatment, head-to-head,
 * exposure, as the comparator of another source's head-to-head row) and direction, the cell's
 * status, the preparations and models seen and a short text summary.  A source named only as
 * a comparator ("MSC" of "MSC-EV") is a source of the map.  Rows are ordered as the outcome
 * dictionary (its domains kept together; outcomes missing from it last), then by source.
 * status: "beneficial", "harmful", "no change" when every rated treatment row agrees; "mixed"
 * when rated rows disagree; "not rated" when the cell's treatment rows are all on an outcome
 * without a beneficial direction (or without a direction); "head-to-head", "comparator",
 * "exposure" when the cell only has such rows; "no evidence".  The grid grows as sources x
 * outcomes: more than MSUM_SWIM_MAP_MAX_CELLS cells is MSUM_EDOM (a map nobody can read,
 * quadratic in rows when every row has its own source and outcome). */
#define MSUM_SWIM_MAP_MAX_CELLS 10000
int msum_swim_evidence_map(const msum_swim_row *rows, size_t n, const msum_swim_outcome *dict,
                           size_t ndict, const msum_swim_opts *o, msum_table **out);

/* Magnitudes per source x outcome x effect_of cell (split as the options ask) on the ROM scale:
 * n, median, quartiles (R quantile type 7), minimum, maximum, and exp(median) as a ratio. */
int msum_swim_magnitudes(const msum_swim_row *rows, size_t n, const msum_swim_opts *o,
                         msum_table **out);

/* Descriptive comparisons of reported numbers, labelled descriptive (no variance, no CI):
 *  - "across rows": two source-preparations with findings on the same outcome, model,
 *    exposure, comparator, effect_of and time, both with a ROM (several rows of one
 *    source-preparation are combined by their median, a_n/b_n say how many): absolute
 *    difference of the reported numbers (percentage points when both are percent changes),
 *    ratio of the numbers, both ROMs and their difference, with exp() and log2 of it;
 *  - "head-to-head": a row whose comparator is itself a treatment (it names a source, a
 *    source-preparation label or ends in "-<preparation>" of one present in the rows, e.g.
 *    iPSC-EV vs MSC-EV 16-fold): its direction, and the reported ratio, its ROM and log2 when
 *    it has a number.
 * In each across-rows pair, a is the side with the larger |ROM|. */
int msum_swim_comparisons(const msum_swim_row *rows, size_t n, const msum_swim_outcome *dict,
                          size_t ndict, const msum_swim_opts *o, msum_table **out);

/* Time courses: an outcome's findings by time point within source x preparation x model x
 * exposure x effect_of groups that have two or more distinct time points (e.g. days 7, 14, 28;
 * passages P5, P15, P28), one row per time point in increasing order.  Where the rows give a
 * magnitude_rank (rank), the time point's rank and the group's trend: "weakens" when the rank
 * grows with time (the effect is largest first), "strengthens" when it falls, "constant" when
 * all ranks are equal, "varies" otherwise. */
int msum_swim_timecourse(const msum_swim_row *rows, size_t n, const msum_swim_outcome *dict,
                         size_t ndict, const msum_swim_opts *o, msum_table **out);

#endif
