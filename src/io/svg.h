/* Internal SVG helpers shared by the plot writers (svg_*.c): the root element, escaped text,
 * fixed-decimal coordinates and axis ticks.  Not a public header. */
#ifndef METASUM_IO_SVG_H
#define METASUM_IO_SVG_H

#include <stddef.h>
#include <stdio.h>

#include "metasum/record.h"

#define SVG_FONT_SIZE 12.0
#define SVG_CHAR_W 6.6 /* average advance of a 12 px sans-serif character, for layout */
#define SVG_MAX_TICKS 16

/* printf for markup with one numeric conversion: %N prints a double with two decimals and a
 * '.' decimal point (NaN/Inf print as 0: never "nan" in markup), %s a raw string, %d an int,
 * %% a percent sign. */
void svg_out(FILE *fp, const char *fmt, ...);

/* <svg ...> with width/height/viewBox, font and a <title> (aria label); and </svg>. */
void svg_begin(FILE *fp, double w, double h, const char *title);
void svg_end(FILE *fp);

/* <text x y [text-anchor] [extra attributes]>escaped s</text>; max_cp > 0 shortens long text
 * with "…" and keeps the whole text in a <title> child (a tooltip). */
void svg_text(FILE *fp, double x, double y, const char *anchor, const char *attrs, const char *s,
              size_t max_cp);

/* Axis ticks covering [lo, hi] on the analysis scale.  Linear: 1-2-5 steps, 4 to 10 ticks.
 * Log (values are logs of ratios): ratios in powers of two when the range spans at most
 * 2^8, otherwise 1-2-5 per decade (or whole decades).  Writes positions (analysis scale) and
 * labels (ratios for log) and returns the count; *lo and *hi are widened to the outer ticks. */
size_t svg_ticks(double *lo, double *hi, int log_scale, double *pos, char (*label)[32]);

/* Ticks of a back-transformed axis (msum_plot_transf in plot.h): on the log scale (PLN, IRLN)
 * those of svg_ticks in 1-2-5 (or coarser) steps per decade; otherwise 1-2-5 steps of the natural scale over [bt(lo), bt(hi)], each
 * placed where the measure's back-transform reaches it (found by bisection, so the inverse of
 * msum_measure_transf_n is the only formula), values the transform cannot reach dropped
 * (proportions 0 and 1 on the logit scale).  Labels are the natural values; *lo and *hi are
 * widened to the outer ticks. */
size_t svg_transf_ticks(double *lo, double *hi, msum_measure m, double n, double *pos,
                        char (*label)[32]);

/* The axis title of a back-transformed axis: "Proportion" (PR, PLN, PLO, PAS, PFT) or
 * "Incidence rate" (IR, IRLN, IRS, IRFT), with " (log scale)" for PLN and IRLN; else "Estimate". */
const char *svg_transf_title(msum_measure m);

/* Width in px of text s at SVG_CHAR_W per character (at most max_cp characters). */
double svg_text_w(const char *s, size_t max_cp);

#endif
