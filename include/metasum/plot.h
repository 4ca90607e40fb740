/* Plots as SVG: forest plot, funnel plot and evidence-map heat map.
 *
 * The plot-data structs below are plain values: arrays the caller owns, filled by whoever
 * computed the numbers (pool, compare), independent of how.  Every writer emits a standalone
 * <svg> element (no XML declaration, no ids, no scripts, no timestamps) with deterministic bytes:
 * coordinates printed with two decimals in the C locale, numbers through msum_fmt_num or fixed
 * decimals.  Every label is XML-escaped (invalid UTF-8 becomes U+FFFD).  The same markup works as
 * a .svg file and inline in an HTML page (msum_html_item .svg in write.h); render into a string
 * with open_memstream() for the latter.
 *
 * Scales: for ratio measures (OR, RR, HR, ROM) the data are on the log scale (log_scale = 1); the
 * axis is drawn on that scale and its tick labels are the ratios (0.25 0.5 1 2 ...); estimates in
 * the numbers column are shown as ratios too (exp).  For differences (MD, SMD, RD, ...) the
 * scale is linear and values are shown as they are.
 */
#ifndef METASUM_PLOT_H
#define METASUM_PLOT_H

#include <stddef.h>
#include <stdio.h>

/* A pooled summary drawn as a diamond (est, CI) with an optional prediction interval drawn as a
 * dashed line through it.  All on the analysis scale; NaN pi_lb/pi_ub = no prediction interval.
 * A zero-initialised struct has pi 0..0: set them to NAN when there is none. */
typedef struct {
    const char *label; /* e.g. "RE Model (REML)"; NULL prints as "" */
    double est, ci_lb, ci_ub;
    double pi_lb, pi_ub;
} msum_plot_pooled;

/* Forest plot.  One row per study: label, CI line, square whose area is proportional to the
 * weight, and "estimate [lower, upper]" (and the weight in %) in columns on the right.  With
 * subgroups, studies are listed by group (in group order, keeping their order within a group)
 * under a heading row, each group followed by its own diamond when group_pooled is given; the
 * overall diamonds come last.  A dashed reference line marks null_value.  The height grows with
 * the number of rows (fixed row pitch, MSUM_FOREST_ROW_PITCH), so rows never overlap. */
typedef struct {
    const char *title;    /* NULL: no title */
    const char *xlab;     /* NULL: "Ratio (log scale)" or "Estimate" */
    const char *est_head; /* heading of the numbers column; NULL: "Estimate [95% CI]" */
    int log_scale;        /* 1: values are log ratios (see above) */
    double null_value;    /* reference line, analysis scale (0 = ratio 1 or difference 0);
                             NaN: none */
    double xlim_lo, xlim_hi; /* axis range (analysis scale); lo >= hi: from the data.  CIs past
                                the range end in an arrow. */
    int digits;           /* decimals in the numbers column; 0 means 2 */
    size_t k;
    const char *const *labels;          /* k study labels */
    const double *yi, *ci_lb, *ci_ub;   /* k values; NaN yi: "NA" in the numbers column */
    const double *weights;              /* k weights (any positive unit, shown as % of their
                                           sum), or NULL: equal squares, no weight column */
    int weights_percent;  /* 1: weights are percentages already (e.g. within each subgroup, as
                             the weights table gives them) and are shown as given */
    const char *weight_head; /* heading of the weight column; NULL: "Weight" */
    const size_t *group;                /* k group indices (< ngroups), or NULL: no subgroups */
    size_t ngroups;
    const char *const *group_labels;    /* ngroups headings */
    const msum_plot_pooled *group_pooled; /* ngroups subgroup diamonds, or NULL */
    const msum_plot_pooled *pooled;     /* npooled overall diamonds (e.g. RE and FE), may be 0 */
    size_t npooled;
} msum_forest_data;

#define MSUM_FOREST_ROW_PITCH 18.0 /* px between row baselines */

/* Write the forest plot.  Returns MSUM_OK, MSUM_EINVAL (NULL arrays for k > 0, a group index
 * out of range) or MSUM_EIO. */
int msum_svg_forest(FILE *fp, const msum_forest_data *d);

/* Funnel plot: effect (x) against its standard error (y, inverted: 0 at the top), with the
 * pseudo 95% confidence region est +- 1.96 SE around the pooled estimate, a line at the
 * estimate and the points.  Studies with NaN yi or sei are skipped. */
typedef struct {
    const char *title; /* NULL: none */
    const char *xlab;  /* NULL: "Ratio (log scale)" or "Estimate" */
    int log_scale;
    size_t k;
    const double *yi, *sei;
    double est;        /* pooled estimate (analysis scale) the funnel is centred on */
} msum_funnel_data;

/* Returns MSUM_OK, MSUM_EINVAL (NULL arrays, non-finite est) or MSUM_EIO. */
int msum_svg_funnel(FILE *fp, const msum_funnel_data *d);

/* Evidence map.  Rows are sources, columns outcomes; each cell counts the effects found in
 * each direction and is coloured by its overall direction. */
typedef enum {
    MSUM_EVID_BENEFICIAL,
    MSUM_EVID_HARMFUL,
    MSUM_EVID_MIXED,
    MSUM_EVID_NO_CHANGE,
    MSUM_EVID_NONE, /* no evidence */
    MSUM_NEVID
} msum_evidence;

typedef struct {
    const char *title;             /* NULL: none */
    size_t nrows, ncols;
    const char *const *row_labels; /* nrows source names */
    const char *const *col_labels; /* ncols outcome names (drawn rotated) */
    /* counts[(r * ncols + c) * MSUM_NEVID + e]: effects of category e in cell (r, c); the
     * MSUM_EVID_NONE entry is ignored.  The cell shows the total. */
    const unsigned *counts;
    /* nrows * ncols categories overriding msum_evidence_of(), or NULL */
    const msum_evidence *category;
} msum_heatmap_data;

/* The category of a cell from its MSUM_NEVID counts: no effects -> no evidence; only one of
 * beneficial / harmful / no change present (and none mixed) -> that one; anything else
 * (disagreeing effects, or an effect already judged mixed) -> mixed. */
msum_evidence msum_evidence_of(const unsigned *counts);

/* English name of a category ("beneficial", "harmful", "mixed", "no change", "no evidence"). */
const char *msum_evidence_name(msum_evidence e);

/* Returns MSUM_OK, MSUM_EINVAL (NULL arrays for a non-empty grid) or MSUM_EIO. */
int msum_svg_heatmap(FILE *fp, const msum_heatmap_data *d);

#endif
