/* Forest plot as SVG: one row per study (CI line, square with area proportional to the weight),
 * pooled diamonds with prediction intervals, optional subgroup blocks, a reference line at the
 * null, ratio tick labels on a log axis (the layout of metafor's forest.rma, Viechtbauer 2010). */
#include "metasum/plot.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "metasum/metasum.h"
#include "svg.h"
#include "text.h"

#define PITCH MSUM_FOREST_ROW_PITCH
#define MARGIN 12.0
#define PLOT_W 320.0
#define LABEL_MAX                                                                                  \
    48 /* characters of a label shown; longer ones end in "…" (full text in a tooltip) */

typedef enum { ROW_STUDY, ROW_HEAD, ROW_POOLED, ROW_GAP } row_kind;

typedef struct {
    row_kind kind;
    size_t study;                 /* ROW_STUDY */
    const char *label;            /* ROW_HEAD, ROW_POOLED */
    const msum_plot_pooled *pool; /* ROW_POOLED */
    int overall;                  /* ROW_POOLED: an overall (not subgroup) diamond */
} row;

typedef struct {
    const msum_forest_data *d;
    double lo, hi, x0;
} axis;

static double xpos(const axis *a, double v)
{
    return a->x0 + (v - a->lo) / (a->hi - a->lo) * PLOT_W;
}

static double shown(const msum_forest_data *d, double v)
{
    return d->log_scale ? exp(v) : v;
}

/* "est [lb, ub]" on the display scale with fixed decimals; NA when est is missing. */
static void est_text(const msum_forest_data *d, double est, double lb, double ub, char *out,
                     size_t size)
{
    int dec = d->digits > 0 ? d->digits : 2;
    char a[40], b[40], c[40];
    if (!isfinite(est)) {
        snprintf(out, size, "NA");
        return;
    }
    msum_io_fixed(shown(d, est), dec, a, sizeof a);
    if (isfinite(lb) && isfinite(ub))
        snprintf(out, size, "%s [%s, %s]", a, msum_io_fixed(shown(d, lb), dec, b, sizeof b),
                 msum_io_fixed(shown(d, ub), dec, c, sizeof c));
    else
        snprintf(out, size, "%s", a);
}

static void widen(double *lo, double *hi, double v)
{
    if (!isfinite(v)) return;
    if (v < *lo) *lo = v;
    if (v > *hi) *hi = v;
}

/* The axis range from every drawn value (and the null line) unless xlim is given. */
static void data_range(const msum_forest_data *d, const row *rows, size_t nr, double *lo,
                       double *hi)
{
    *lo = INFINITY;
    *hi = -INFINITY;
    widen(lo, hi, d->null_value);
    for (size_t i = 0; i < nr; i++) {
        if (rows[i].kind == ROW_STUDY) {
            size_t s = rows[i].study;
            widen(lo, hi, d->yi[s]);
            if (isfinite(d->yi[s])) {
                widen(lo, hi, d->ci_lb[s]);
                widen(lo, hi, d->ci_ub[s]);
            }
        } else if (rows[i].kind == ROW_POOLED) {
            const msum_plot_pooled *p = rows[i].pool;
            widen(lo, hi, p->est);
            widen(lo, hi, p->ci_lb);
            widen(lo, hi, p->ci_ub);
            widen(lo, hi, p->pi_lb);
            widen(lo, hi, p->pi_ub);
        }
    }
    if (!isfinite(*lo)) *lo = *hi = 0;
}

/* Horizontal interval [a, b] at height y, clipped to the axis, with an arrow head where it is
 * cut; caps: small vertical end marks (for prediction intervals). */
static void interval(FILE *fp, const axis *ax, double a, double b, double y, const char *style,
                     int caps)
{
    if (!isfinite(a) || !isfinite(b) || b < ax->lo || a > ax->hi) return;
    double xa = xpos(ax, a < ax->lo ? ax->lo : a), xb = xpos(ax, b > ax->hi ? ax->hi : b);
    svg_out(fp, "<line x1=\"%N\" y1=\"%N\" x2=\"%N\" y2=\"%N\" %s/>\n", xa, y, xb, y, style);
    if (a < ax->lo)
        svg_out(fp, "<path d=\"M%N %NL%N %NL%N %NZ\" fill=\"#333333\"/>\n", xa, y, xa + 6, y - 3,
                xa + 6, y + 3);
    else if (caps)
        svg_out(fp, "<line x1=\"%N\" y1=\"%N\" x2=\"%N\" y2=\"%N\" %s/>\n", xa, y - 3, xa, y + 3,
                style);
    if (b > ax->hi)
        svg_out(fp, "<path d=\"M%N %NL%N %NL%N %NZ\" fill=\"#333333\"/>\n", xb, y, xb - 6, y - 3,
                xb - 6, y + 3);
    else if (caps)
        svg_out(fp, "<line x1=\"%N\" y1=\"%N\" x2=\"%N\" y2=\"%N\" %s/>\n", xb, y - 3, xb, y + 3,
                style);
}

static size_t build_rows(const msum_forest_data *d, row *rows)
{
    size_t n = 0;
    if (d->group) {
        for (size_t g = 0; g < d->ngroups; g++) {
            rows[n++] = (row){.kind = ROW_HEAD, .label = d->group_labels ? d->group_labels[g] : ""};
            for (size_t i = 0; i < d->k; i++)
                if (d->group[i] == g) rows[n++] = (row){.kind = ROW_STUDY, .study = i};
            if (d->group_pooled)
                rows[n++] = (row){.kind = ROW_POOLED, .pool = &d->group_pooled[g],
                                  .label = d->group_pooled[g].label};
            rows[n++] = (row){.kind = ROW_GAP};
        }
    } else {
        for (size_t i = 0; i < d->k; i++) rows[n++] = (row){.kind = ROW_STUDY, .study = i};
        if (d->npooled) rows[n++] = (row){.kind = ROW_GAP};
    }
    for (size_t j = 0; j < d->npooled; j++)
        rows[n++] = (row){.kind = ROW_POOLED, .pool = &d->pooled[j], .label = d->pooled[j].label,
                          .overall = 1};
    return n;
}

int msum_svg_forest(FILE *fp, const msum_forest_data *d)
{
    if (!fp || !d || (d->k && (!d->yi || !d->ci_lb || !d->ci_ub)) ||
        (d->npooled && !d->pooled))
        return MSUM_EINVAL;
    if (d->group)
        for (size_t i = 0; i < d->k; i++)
            if (d->group[i] >= d->ngroups) return MSUM_EINVAL;
    size_t cap = d->k + 3 * (d->group ? d->ngroups : 0) + d->npooled + 1;
    row *rows = malloc(cap * sizeof *rows);
    if (!rows) return MSUM_ENOMEM;
    size_t nr = build_rows(d, rows);

    /* Column widths from the texts they hold. */
    const char *est_head = d->est_head ? d->est_head : "Estimate [95% CI]";
    double label_w = svg_text_w("Study", 0), num_w = svg_text_w(est_head, 0);
    char buf[128];
    double wsum = 0, wmax = 0;
    for (size_t i = 0; d->weights && i < d->k; i++)
        if (isfinite(d->weights[i]) && d->weights[i] > 0) {
            wsum += d->weights[i];
            if (d->weights[i] > wmax) wmax = d->weights[i];
        }
    for (size_t i = 0; i < nr; i++) {
        const char *lab = rows[i].kind == ROW_STUDY ? (d->labels ? d->labels[rows[i].study] : "")
                                                    : rows[i].label;
        double w = svg_text_w(lab, LABEL_MAX);
        if (w > label_w) label_w = w;
        if (rows[i].kind == ROW_STUDY)
            est_text(d, d->yi[rows[i].study], d->ci_lb[rows[i].study], d->ci_ub[rows[i].study],
                     buf, sizeof buf);
        else if (rows[i].kind == ROW_POOLED)
            est_text(d, rows[i].pool->est, rows[i].pool->ci_lb, rows[i].pool->ci_ub, buf,
                     sizeof buf);
        else
            continue;
        if (svg_text_w(buf, 0) > num_w) num_w = svg_text_w(buf, 0);
    }
    int has_w = d->weights && wsum > 0;
    const char *w_head = d->weight_head ? d->weight_head : "Weight";
    double w_scale = d->weights_percent ? 1 : 100 / wsum; /* shown = w_scale * weight */
    axis ax = {d, 0, 0, MARGIN + label_w + 20};
    double num_x = ax.x0 + PLOT_W + 20 + num_w;        /* right edge of the numbers column */
    double wt_x = num_x + (has_w ? 16 + svg_text_w(w_head, 0) + 6 : 0);
    double width = wt_x + MARGIN;
    double top = MARGIN + (d->title ? 26 : 0);
    double y0 = top + 24, y_axis = y0 + (double)nr * PITCH + 6;
    double height = y_axis + 48 + MARGIN;

    /* Axis range and ticks. */
    double pos[SVG_MAX_TICKS];
    char lab[SVG_MAX_TICKS][32];
    size_t nt;
    if (isfinite(d->xlim_lo) && isfinite(d->xlim_hi) && d->xlim_lo < d->xlim_hi) {
        double lo = d->xlim_lo, hi = d->xlim_hi, tl = lo, th = hi, tp[SVG_MAX_TICKS];
        char tlab[SVG_MAX_TICKS][32];
        size_t all = svg_ticks(&tl, &th, d->log_scale, tp, tlab);
        nt = 0;
        for (size_t i = 0; i < all; i++)
            if (tp[i] >= lo - 1e-12 && tp[i] <= hi + 1e-12) {
                pos[nt] = tp[i];
                memcpy(lab[nt++], tlab[i], 32);
            }
        ax.lo = lo;
        ax.hi = hi;
    } else {
        data_range(d, rows, nr, &ax.lo, &ax.hi);
        nt = svg_ticks(&ax.lo, &ax.hi, d->log_scale, pos, lab);
    }

    svg_begin(fp, width, height, d->title ? d->title : "Forest plot");
    if (d->title) svg_text(fp, MARGIN, MARGIN + 14, NULL, "font-size=\"14\" font-weight=\"bold\"",
                           d->title, 0);
    /* Column headings and a rule under them. */
    svg_text(fp, MARGIN, top + 12, NULL, "font-weight=\"bold\"", "Study", 0);
    svg_text(fp, num_x, top + 12, "end", "font-weight=\"bold\"", est_head, 0);
    if (has_w) svg_text(fp, wt_x, top + 12, "end", "font-weight=\"bold\"", w_head, 0);
    svg_out(fp, "<line x1=\"%N\" y1=\"%N\" x2=\"%N\" y2=\"%N\" stroke=\"#999999\"/>\n", MARGIN,
            top + 18, width - MARGIN, top + 18);
    /* Reference line at the null. */
    if (isfinite(d->null_value) && d->null_value >= ax.lo && d->null_value <= ax.hi)
        svg_out(fp,
                "<line x1=\"%N\" y1=\"%N\" x2=\"%N\" y2=\"%N\" stroke=\"#888888\" "
                "stroke-dasharray=\"4 3\"/>\n",
                xpos(&ax, d->null_value), y0, xpos(&ax, d->null_value), y_axis);

    for (size_t i = 0; i < nr; i++) {
        const row *r = &rows[i];
        double yc = y0 + ((double)i + 0.5) * PITCH, base = yc + 4;
        if (r->kind == ROW_GAP) continue;
        if (r->kind == ROW_HEAD) {
            svg_text(fp, MARGIN, base, NULL, "class=\"row\" font-weight=\"bold\"", r->label,
                     LABEL_MAX);
            continue;
        }
        if (r->kind == ROW_STUDY) {
            size_t s = r->study;
            double y = d->yi[s];
            svg_text(fp, MARGIN + (d->group ? 10 : 0), base, NULL, "class=\"row\"",
                     d->labels ? d->labels[s] : "", LABEL_MAX);
            est_text(d, y, d->ci_lb[s], d->ci_ub[s], buf, sizeof buf);
            svg_text(fp, num_x, base, "end", "style=\"font-variant-numeric:tabular-nums\"", buf, 0);
            if (has_w) {
                double w = d->weights[s];
                char pct[48] = "NA";
                if (isfinite(w) && w >= 0) {
                    msum_io_fixed(w_scale * w, 1, pct, sizeof pct - 1);
                    strcat(pct, "%");
                }
                svg_text(fp, wt_x, base, "end", NULL, pct, 0);
            }
            if (!isfinite(y)) continue;
            interval(fp, &ax, d->ci_lb[s], d->ci_ub[s], yc, "stroke=\"#333333\"", 0);
            if (y < ax.lo || y > ax.hi) continue;
            double side = 7;
            if (has_w) {
                double w = d->weights[s];
                side = (isfinite(w) && w > 0) ? 3 + 9 * sqrt(w / wmax) : 3;
            }
            svg_out(fp, "<rect x=\"%N\" y=\"%N\" width=\"%N\" height=\"%N\" fill=\"#333333\"/>\n",
                    xpos(&ax, y) - side / 2, yc - side / 2, side, side);
            continue;
        }
        /* ROW_POOLED: prediction interval (dashed, capped), then the diamond over it. */
        const msum_plot_pooled *p = r->pool;
        svg_text(fp, MARGIN + (r->overall ? 0 : 10), base, NULL,
                 r->overall ? "class=\"row\" font-weight=\"bold\""
                            : "class=\"row\" font-style=\"italic\"",
                 r->label, LABEL_MAX);
        est_text(d, p->est, p->ci_lb, p->ci_ub, buf, sizeof buf);
        svg_text(fp, num_x, base, "end",
                 r->overall ? "font-weight=\"bold\" style=\"font-variant-numeric:tabular-nums\""
                            : "style=\"font-variant-numeric:tabular-nums\"",
                 buf, 0);
        interval(fp, &ax, p->pi_lb, p->pi_ub, yc, "stroke=\"#2b4c7e\" stroke-dasharray=\"3 2\"", 1);
        if (isfinite(p->est) && isfinite(p->ci_lb) && isfinite(p->ci_ub) && p->ci_lb >= ax.lo &&
            p->ci_ub <= ax.hi)
            svg_out(fp,
                    "<path d=\"M%N %NL%N %NL%N %NL%N %NZ\" fill=\"%s\" stroke=\"#1b2f4f\"/>\n",
                    xpos(&ax, p->ci_lb), yc, xpos(&ax, p->est), yc - 6, xpos(&ax, p->ci_ub), yc,
                    xpos(&ax, p->est), yc + 6, r->overall ? "#2b4c7e" : "#7d93b8");
        else
            interval(fp, &ax, p->ci_lb, p->ci_ub, yc, "stroke=\"#2b4c7e\" stroke-width=\"3\"", 0);
    }

    /* x axis: line, ticks, ratio or value labels, axis title. */
    svg_out(fp, "<line x1=\"%N\" y1=\"%N\" x2=\"%N\" y2=\"%N\" stroke=\"#333333\"/>\n", ax.x0,
            y_axis, ax.x0 + PLOT_W, y_axis);
    for (size_t i = 0; i < nt; i++) {
        double x = xpos(&ax, pos[i]);
        svg_out(fp, "<line x1=\"%N\" y1=\"%N\" x2=\"%N\" y2=\"%N\" stroke=\"#333333\"/>\n", x,
                y_axis, x, y_axis + 5);
        svg_text(fp, x, y_axis + 18, "middle", NULL, lab[i], 0);
    }
    const char *xlab = d->xlab ? d->xlab : d->log_scale ? "Ratio (log scale)" : "Estimate";
    svg_text(fp, ax.x0 + PLOT_W / 2, y_axis + 36, "middle", NULL, xlab, 0);
    svg_end(fp);
    free(rows);
    return ferror(fp) ? MSUM_EIO : MSUM_OK;
}
