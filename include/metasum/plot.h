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
 * scale is linear and values are shown as they are.  For proportions and rates (PLO, PAS, PFT,
 * PLN, IRLN, IRS: `transf`) the values stay on their analysis scale, the ticks sit at nice
 * natural-scale values (0.1 0.2 ... mapped through the measure's transform) and the numbers
 * column shows the back-transformed values (metafor's forest(..., transf = transf.ilogit)).
 */
#ifndef METASUM_PLOT_H
#define METASUM_PLOT_H

#include <stddef.h>
#include <stdio.h>

#include "metasum/record.h"
#include "metasum/table.h"

/* Back-transformed axis and numbers for a one-group measure (see Scales above): the measure
 * whose back-transform (msum_measure_transf_n) gives the natural scale, and for PFT the n of
 * the inverse (metafor transf.ipft.hm: the harmonic mean of the studies' n).  A zero value
 * (MSUM_MEASURE_NONE) leaves the axis to log_scale. */
typedef struct {
    msum_measure measure;
    double n;
} msum_plot_transf;

/* A pooled summary drawn as a diamond (est, CI) with an optional prediction interval drawn as a
 * dashed line through it.  All on the analysis scale; NaN pi_lb/pi_ub = no prediction interval.
 * A zero-initialised struct has pi 0..0: set them to NAN when there is none.
 *
 * With `stats` set, text lines follow the row (RevMan, R meta): "Heterogeneity: τ² = 0.31;
 * Q = 152.23, df = 12 (p < 0.001); I² = 92%", "Test for overall effect: z = −3.97 (p < 0.001)"
 * (t and its df when stat_df is finite), and for an overall row the prediction interval with
 * its numbers.  The numbers are the fit's (msum_pool_result), copied as they are: the writer
 * only formats them. */
typedef struct {
    const char *label; /* e.g. "Random effects (REML), z test"; NULL prints as "" */
    double est, ci_lb, ci_ub;
    double pi_lb, pi_ub;
    int stats;         /* 1: the fields below are set; 0: no text lines */
    double tau2;       /* NaN: not shown (common-effect fits) */
    double Q, Q_df, Q_p, I2; /* Cochran's Q, its df and p; I2 in percent; NaN Q: no line */
    double stat, stat_df, pval; /* z (stat_df NaN) or t with stat_df df; NaN stat: no line */
    double level;      /* CI / prediction interval level in (0, 1); else none is named */
} msum_plot_pooled;

/* Order of the study rows (within each subgroup). */
typedef enum {
    MSUM_FOREST_SORT_INPUT = 0, /* as given */
    MSUM_FOREST_SORT_EFFECT,    /* increasing estimate (missing ones last) */
    MSUM_FOREST_SORT_WEIGHT,    /* decreasing weight */
    MSUM_FOREST_SORT_KEY        /* increasing sort_key (e.g. the year; missing ones last) */
} msum_forest_sort;

/* Studies listed at most; with more, the plot shows the summary rows only and says so. */
#define MSUM_FOREST_MAX_STUDIES 200

/* Forest plot.  One row per study: label, optional data columns (arm data), CI line, square
 * whose area is proportional to the weight, and "estimate [lower, upper]" (and the weight in %)
 * in columns on the right.  With subgroups, studies are listed by group (in group order,
 * keeping their order within a group) under a heading row, each group followed by its own
 * diamond when group_pooled is given; the overall diamonds come last, then the test for
 * subgroup differences.  A dashed reference line marks null_value; favours labels sit under
 * the axis on either side of it.  Labels longer than 48 characters wrap (three lines at most).
 * The height grows with the number of lines (fixed pitch, MSUM_FOREST_ROW_PITCH), so rows
 * never overlap; above MSUM_FOREST_MAX_STUDIES studies only the summary rows are drawn. */
typedef struct {
    const char *title;    /* NULL: no title */
    const char *xlab;     /* NULL: "Ratio (log scale)", "Correlation" or "Estimate" */
    const char *est_head; /* heading of the numbers column; NULL: "Estimate [95% CI]" */
    const double *sort_key; /* k values for MSUM_FOREST_SORT_KEY (NaN: last), or NULL */
    int log_scale;        /* 1: values are log ratios (see above); 2: Fisher z values, shown
                             and labelled as correlations (tanh) */
    msum_plot_transf transf; /* set: natural-scale ticks and numbers (overrides log_scale) */
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
    /* Data columns between the labels and the plot (e.g. events and total per arm). */
    size_t ncols;
    const char *const *col_heads;       /* ncols headings */
    const char *const *cols;            /* k * ncols texts, row by row; NULL texts print "" */
    const char *col_span[2];            /* headings over the first and the second half of the
                                           columns (the arm names), or NULL */
    const char *favours_lo, *favours_hi; /* "Favours X" left / right of the null line, or NULL */
    msum_forest_sort sort;
    /* Test for subgroup differences (printed after the overall rows when sg_df > 0). */
    double sg_Q, sg_df, sg_p;
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
    msum_plot_transf transf; /* set: natural-scale ticks (as in the forest plot) */
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

/* Plots of a synthesis without meta-analysis, drawn from the tables of `metasum summarize`
 * (include/metasum/swim.h, direction.h); title NULL: none.  Each returns MSUM_OK, MSUM_EINVAL
 * (NULL argument, or a table without the columns it needs), MSUM_EDOM (nothing to draw: no
 * rows, or no comparison with a reported number), MSUM_ENOMEM or MSUM_EIO.
 *
 * Evidence map (src/io/svg_heatmap.c) from the evidence_map table: outcomes as rows grouped
 * under their domain (in the table's order), sources as columns, each cell coloured by its
 * status and showing its row count ("vs" where the source is only a head-to-head comparator). */
int msum_svg_evidence_map(FILE *fp, const msum_table *evidence_map, const char *title);

/* Effect direction plot (src/io/svg_direction.c; Thomson & Thomas 2013, Hilton Boon & Thomson
 * 2021) from the effect_direction table, with the domains table's benefit/harm counts and sign
 * test p under each column when domains is not NULL: studies grouped by source-preparation as
 * rows, domains as columns; an up arrow for benefit, down for harm, left-right for no change or
 * conflicting findings, a ring for not rated; arrow size by the number of findings (1, 2-4,
 * 5+).  Arrows are <g class="edp">. */
int msum_svg_effect_direction(FILE *fp, const msum_table *effect_direction,
                              const msum_table *domains, const char *title);

/* Time course (src/io/svg_direction.c) from the timecourse table: one block per source-
 * preparation, model, exposure and time unit, its outcomes as rows and time points as columns,
 * an arrow per time point as in the effect direction plot (hollow: the measured direction of an
 * outcome without a beneficial direction), sized by the magnitude rank where one is given, and
 * the trend.  Arrows are <g class="tc">. */
int msum_svg_timecourse(FILE *fp, const msum_table *timecourse, const char *title);

/* Reported numbers compared (src/io/svg_swim.c) from the comparisons table: one panel of two
 * bars per comparison with reported numbers (across rows: both findings; head-to-head fold
 * changes: the finding and its comparator as the reference 1), the values, their ratio and the
 * study.  Bars are <rect class="bar">. */
int msum_svg_comparisons(FILE *fp, const msum_table *comparisons, const char *title);

/* Funnel plots for publication bias (src/io/svg_bias.c).  Trim and fill: metafor's
 * funnel(trimfill(res)), the observed studies filled, the filled ones drawn open, the pseudo 95%
 * CI funnel around the estimate on the filled data.  Contour-enhanced (Peters et al. 2008):
 * metafor's funnel(res, level = c(90, 95, 99), shade = c("white", "gray55", "gray75"),
 * refline = 0): around `ref` the regions where a study's two-sided z test has p > 0.10 (white),
 * 0.05 < p <= 0.10, 0.01 < p <= 0.05 (greys) and p <= 0.01 (the panel), with a legend.  Points
 * with NaN yi or sei are skipped.  Study points have class "study", filled ones class "filled". */
typedef struct {
    const char *title; /* NULL: none */
    const char *xlab;  /* NULL: "Ratio (log scale)" or "Estimate" */
    int log_scale;
    size_t k;
    const double *yi, *sei;           /* observed studies */
    size_t kfill;
    const double *yi_fill, *sei_fill; /* kfill filled studies (may be NULL when kfill = 0) */
    double est;        /* pseudo-CI funnel and line around this estimate; NaN: none */
    int contours;      /* 1: the significance contours around ref */
    double ref;        /* centre of the contours and a line there (analysis scale) */
    /* 1: the Egger regression line yi = egger_b0 + egger_b1 sei (msum_regtest with predictor
     * sei: b0 its limit estimate, b1 its slope), drawn dashed from SE 0 to the largest SE
     * (class "egger") */
    int egger;
    double egger_b0, egger_b1;
} msum_bias_funnel_data;

/* Returns MSUM_OK, MSUM_EINVAL (NULL arrays, neither a finite est nor contours) or MSUM_EIO. */
int msum_svg_bias_funnel(FILE *fp, const msum_bias_funnel_data *d);

/* Baujat plot (Baujat et al. 2002; metafor baujat()): each study's contribution to the
 * heterogeneity statistic (x) against its influence on the pooled estimate (y), one labelled
 * point per study (class "study"), axes from 0.  The coordinates are given (msum_baujat() in
 * sensitivity.h computes metafor's); NaN points are skipped. */
typedef struct {
    const char *title;  /* NULL: none */
    const char *xlab;   /* NULL: "Contribution to overall heterogeneity" */
    const char *ylab;   /* NULL: "Influence on overall result" */
    size_t k;
    const char *const *labels; /* k point labels, or NULL: 1 .. k */
    const double *x, *y;
} msum_baujat_data;

/* Returns MSUM_OK, MSUM_EINVAL (NULL arrays for k > 0) or MSUM_EIO. */
int msum_svg_baujat(FILE *fp, const msum_baujat_data *d);

/* Radial (Galbraith) plot of a random-effects fit (Galbraith 1988; metafor radial.rma): per
 * study x = 1 / sqrt(vi + tau2) (its precision) and y = yi / sqrt(vi + tau2) (its standardised
 * effect), one point per study (class "study"); the line through the origin with slope `est`
 * (class "estimate": points on it have yi = est) and the lines est x +- z (class "band", dashed)
 * between which a study's yi lies within est +- z sqrt(vi + tau2).  Axes: x from 0, y over the
 * points and the lines.  tau2 and est are the fit's; the arc of metafor's estimate scale is not
 * drawn.  Studies with NaN yi or vi (or vi + tau2 <= 0) are skipped. */
typedef struct {
    const char *title; /* NULL: none */
    size_t k;
    const char *const *labels; /* k point tooltips, or NULL: 1 .. k */
    const double *yi, *vi;
    double tau2;       /* the fit's tau2 (0 for a common-effect fit) */
    double est;        /* the fit's pooled estimate (analysis scale) */
    double z;          /* half-width of the band in y units; 0: 1.959964 (95 %) */
} msum_radial_data;

/* Returns MSUM_OK, MSUM_EINVAL (NULL arrays for k > 0, non-finite est or tau2 < 0) or
 * MSUM_EIO. */
int msum_svg_radial(FILE *fp, const msum_radial_data *d);

/* Influence panel (metafor plot(influence(res))): one small plot per measure, studies 1 .. k
 * along x, the values joined by a line, each point a circle (class "study", or "inf" filled
 * red for a study flagged as influential), with an optional dotted reference line.  Panels in
 * two columns, in the order given; each is a <g class="panel"> headed by its name.  The values
 * are the caller's (msum_influence in sensitivity.h); NaN values are skipped. */
#define MSUM_INFL_MAX_PANELS 8
typedef struct {
    const char *title; /* NULL: none */
    size_t k;
    const char *const *labels;   /* k point tooltips, or NULL: 1 .. k */
    size_t npanels;              /* <= MSUM_INFL_MAX_PANELS */
    const char *names[MSUM_INFL_MAX_PANELS];   /* panel headings ("rstudent", ...) */
    const double *values[MSUM_INFL_MAX_PANELS]; /* k values per panel */
    double ref[MSUM_INFL_MAX_PANELS];          /* reference line per panel; NaN: none */
    const int *flag;             /* k flags (1: influential), or NULL: none flagged */
} msum_influence_panel_data;

/* Returns MSUM_OK, MSUM_EINVAL (NULL arrays for k > 0, npanels out of range) or MSUM_EIO. */
int msum_svg_influence(FILE *fp, const msum_influence_panel_data *d);

#endif
