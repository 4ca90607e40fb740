/* Publication-bias and influence plots as SVG: the trim-and-fill funnel (filled studies drawn
 * open; Duval & Tweedie 2000), the contour-enhanced funnel (Peters et al. 2008), the Baujat
 * plot (Baujat et al. 2002), the radial plot (Galbraith 1988) and the influence panel, laid out
 * as metafor's funnel(), baujat(), radial() and plot(influence()) draw them.  The numbers
 * are the caller's: nothing here is estimated. */
#include "metasum/plot.h"

#include <math.h>
#include <stdio.h>

#include <stdlib.h>

#include "metasum/metasum.h"
#include "svg.h"
#include "text.h"

#define PLOT_W 400.0
#define PLOT_H 300.0
#define LEFT 70.0
#define LEGEND_W 150.0

/* Two-sided standard normal quantiles of the contour levels 90, 95 and 99 %. */
static const double contour_z[3] = {1.6448536269514722, 1.959963984540054, 2.5758293035489004};
/* Fill inside each level's region (metafor shade = c("white", "gray55", "gray75")), drawn
 * widest first over the panel (metafor back = "lightgray"). */
static const char *const contour_fill[3] = {"#ffffff", "#8c8c8c", "#bfbfbf"};
#define PANEL_CONTOUR "#d3d3d3"
#define PANEL_PLAIN "#f4f4f4"

/* Wide enough for the title (14 px bold). */
static double fit_title(double w, const char *title)
{
    double tw = title ? 24 + svg_text_w(title, 0) * 1.25 : 0;
    return tw > w ? tw : w;
}

static int point_ok(double y, double se) { return isfinite(y) && isfinite(se) && se >= 0; }

static void range_of(const double *yi, const double *sei, size_t k, double *xlo, double *xhi,
                     double *semax)
{
    for (size_t i = 0; i < k; i++) {
        if (!point_ok(yi[i], sei[i])) continue;
        if (sei[i] > *semax) *semax = sei[i];
        if (yi[i] < *xlo) *xlo = yi[i];
        if (yi[i] > *xhi) *xhi = yi[i];
    }
}

int msum_svg_bias_funnel(FILE *fp, const msum_bias_funnel_data *d)
{
    if (!fp || !d || (d->k && (!d->yi || !d->sei)) ||
        (d->kfill && (!d->yi_fill || !d->sei_fill)) ||
        (!isfinite(d->est) && !(d->contours && isfinite(d->ref))))
        return MSUM_EINVAL;
    double centre = d->contours ? d->ref : d->est;
    double semax = 0, xlo = centre, xhi = centre;
    if (isfinite(d->est)) {
        if (d->est < xlo) xlo = d->est;
        if (d->est > xhi) xhi = d->est;
    }
    range_of(d->yi, d->sei, d->k, &xlo, &xhi, &semax);
    range_of(d->yi_fill, d->sei_fill, d->kfill, &xlo, &xhi, &semax);
    double ylo = 0, yhi = semax > 0 ? semax : 1, ypos[SVG_MAX_TICKS];
    char ylab[SVG_MAX_TICKS][32];
    size_t nyt = svg_ticks(&ylo, &yhi, 0, ypos, ylab);
    if (ylo < 0) ylo = 0;
    /* x axis: the points and every region at its widest (the funnel, or the 99 % contour) */
    double zw = d->contours ? contour_z[2] : contour_z[1];
    if (centre - zw * yhi < xlo) xlo = centre - zw * yhi;
    if (centre + zw * yhi > xhi) xhi = centre + zw * yhi;
    if (isfinite(d->est) && d->contours) {
        if (d->est - contour_z[1] * yhi < xlo) xlo = d->est - contour_z[1] * yhi;
        if (d->est + contour_z[1] * yhi > xhi) xhi = d->est + contour_z[1] * yhi;
    }
    int egger = d->egger && isfinite(d->egger_b0) && isfinite(d->egger_b1);
    if (egger)
        for (int j = 0; j < 2; j++) {
            double x = d->egger_b0 + d->egger_b1 * (j ? yhi : 0);
            if (x < xlo) xlo = x;
            if (x > xhi) xhi = x;
        }
    double xpos[SVG_MAX_TICKS];
    char xlab[SVG_MAX_TICKS][32];
    size_t nxt = svg_ticks(&xlo, &xhi, d->log_scale, xpos, xlab);

    double W = fit_title(LEFT + PLOT_W + (d->contours ? LEGEND_W + 20 : 50), d->title);
    double top = 12 + (d->title ? 26 : 0), bottom = top + PLOT_H, H = bottom + 56;
#define X(v) (LEFT + ((v) - xlo) / (xhi - xlo) * PLOT_W)
#define Y(se) (top + ((se) - ylo) / (yhi - ylo) * PLOT_H)
    svg_begin(fp, W, H, d->title ? d->title : d->contours ? "Contour-enhanced funnel plot"
                                                           : "Funnel plot");
    if (d->title) svg_text(fp, 12, 26, NULL, "font-size=\"14\" font-weight=\"bold\"", d->title, 0);
    svg_out(fp,
            "<rect x=\"%N\" y=\"%N\" width=\"%N\" height=\"%N\" fill=\"%s\" "
            "stroke=\"#333333\"/>\n",
            LEFT, top, PLOT_W, PLOT_H, d->contours ? PANEL_CONTOUR : PANEL_PLAIN);
    if (d->contours) {
        for (int l = 2; l >= 0; l--)
            svg_out(fp, "<path class=\"contour\" d=\"M%N %NL%N %NL%N %NZ\" fill=\"%s\"/>\n",
                    X(d->ref - contour_z[l] * yhi), Y(yhi), X(d->ref), Y(0),
                    X(d->ref + contour_z[l] * yhi), Y(yhi), contour_fill[l]);
        svg_out(fp, "<line x1=\"%N\" y1=\"%N\" x2=\"%N\" y2=\"%N\" stroke=\"#333333\"/>\n",
                X(d->ref), Y(0), X(d->ref), Y(yhi));
    }
    if (isfinite(d->est)) {
        /* the pseudo 95 % CI region around the estimate (white inside the plain panel) */
        svg_out(fp, "<path class=\"funnel\" d=\"M%N %NL%N %NL%N %NZ\" fill=\"%s\" "
                    "stroke=\"#555555\" stroke-dasharray=\"4 3\"/>\n",
                X(d->est - contour_z[1] * yhi), Y(yhi), X(d->est), Y(0),
                X(d->est + contour_z[1] * yhi), Y(yhi), d->contours ? "none" : "#ffffff");
        svg_out(fp, "<line x1=\"%N\" y1=\"%N\" x2=\"%N\" y2=\"%N\" stroke=\"#333333\"%s/>\n",
                X(d->est), Y(0), X(d->est), Y(yhi),
                d->contours ? " stroke-dasharray=\"4 3\"" : "");
    }
    if (egger)
        svg_out(fp, "<line class=\"egger\" x1=\"%N\" y1=\"%N\" x2=\"%N\" y2=\"%N\" "
                    "stroke=\"#d62728\" stroke-width=\"1.5\" stroke-dasharray=\"6 3\"/>\n",
                X(d->egger_b0), Y(0), X(d->egger_b0 + d->egger_b1 * yhi), Y(yhi));
    for (size_t i = 0; i < d->k; i++)
        if (point_ok(d->yi[i], d->sei[i]))
            svg_out(fp, "<circle class=\"study\" cx=\"%N\" cy=\"%N\" r=\"3.5\" "
                        "fill=\"#222222\"/>\n", X(d->yi[i]), Y(d->sei[i]));
    for (size_t i = 0; i < d->kfill; i++)
        if (point_ok(d->yi_fill[i], d->sei_fill[i]))
            svg_out(fp, "<circle class=\"filled\" cx=\"%N\" cy=\"%N\" r=\"3.5\" fill=\"#ffffff\" "
                        "stroke=\"#222222\" stroke-width=\"1.2\"/>\n",
                    X(d->yi_fill[i]), Y(d->sei_fill[i]));
    for (size_t i = 0; i < nyt; i++) {
        if (ypos[i] < ylo || ypos[i] > yhi) continue;
        double y = Y(ypos[i]);
        svg_out(fp, "<line x1=\"%N\" y1=\"%N\" x2=\"%N\" y2=\"%N\" stroke=\"#333333\"/>\n",
                LEFT - 5, y, LEFT, y);
        svg_text(fp, LEFT - 8, y + 4, "end", NULL, ylab[i], 0);
    }
    for (size_t i = 0; i < nxt; i++) {
        double x = X(xpos[i]);
        svg_out(fp, "<line x1=\"%N\" y1=\"%N\" x2=\"%N\" y2=\"%N\" stroke=\"#333333\"/>\n", x,
                bottom, x, bottom + 5);
        svg_text(fp, x, bottom + 18, "middle", NULL, xlab[i], 0);
    }
    const char *xl = d->xlab ? d->xlab : d->log_scale ? "Ratio (log scale)" : "Estimate";
    svg_text(fp, LEFT + PLOT_W / 2, bottom + 38, "middle", NULL, xl, 0);
    svg_out(fp, "<text x=\"%N\" y=\"%N\" text-anchor=\"middle\" transform=\"rotate(-90 %N %N)\">"
                "Standard error</text>\n",
            18.0, top + PLOT_H / 2, 18.0, top + PLOT_H / 2);
    double lx = LEFT + PLOT_W + 16, ly = top + 8;
    if (d->contours) {
        static const char *const what[4] = {"0.10 < p \xe2\x89\xa4 1.00",
                                            "0.05 < p \xe2\x89\xa4 0.10",
                                            "0.01 < p \xe2\x89\xa4 0.05",
                                            "0.00 < p \xe2\x89\xa4 0.01"};
        for (int l = 0; l < 4; l++, ly += 20) {
            svg_out(fp, "<rect x=\"%N\" y=\"%N\" width=\"14\" height=\"14\" fill=\"%s\" "
                        "stroke=\"#333333\"/>\n",
                    lx, ly, l < 3 ? contour_fill[l] : PANEL_CONTOUR);
            svg_text(fp, lx + 20, ly + 11, NULL, NULL, what[l], 0);
        }
    }
    if (d->kfill && d->contours) {
        svg_out(fp, "<circle cx=\"%N\" cy=\"%N\" r=\"3.5\" fill=\"#ffffff\" stroke=\"#222222\" "
                    "stroke-width=\"1.2\"/>\n", lx + 7, ly + 7);
        svg_text(fp, lx + 20, ly + 11, NULL, NULL, "filled study", 0);
    }
#undef X
#undef Y
    svg_end(fp);
    return ferror(fp) ? MSUM_EIO : MSUM_OK;
}

#define MAX_LABELS 40

typedef struct {
    double score;
    size_t i;
} rank;

typedef struct {
    double x0, y0, x1, y1;
} box;

/* Decreasing score, then input order. */
static int cmp_rank(const void *a, const void *b)
{
    const rank *p = a, *q = b;
    if (p->score != q->score) return p->score < q->score ? 1 : -1;
    return (p->i > q->i) - (p->i < q->i);
}

int msum_svg_baujat(FILE *fp, const msum_baujat_data *d)
{
    if (!fp || !d || (d->k && (!d->x || !d->y))) return MSUM_EINVAL;
    double xhi = 0, yhi = 0;
    for (size_t i = 0; i < d->k; i++) {
        if (!isfinite(d->x[i]) || !isfinite(d->y[i])) continue;
        if (d->x[i] > xhi) xhi = d->x[i];
        if (d->y[i] > yhi) yhi = d->y[i];
    }
    double xlo = 0, ylo = 0, xpos[SVG_MAX_TICKS], ypos[SVG_MAX_TICKS];
    if (!(xhi > 0)) xhi = 1;
    if (!(yhi > 0)) yhi = 1;
    char xlab[SVG_MAX_TICKS][32], ylab[SVG_MAX_TICKS][32];
    size_t nxt = svg_ticks(&xlo, &xhi, 0, xpos, xlab);
    size_t nyt = svg_ticks(&ylo, &yhi, 0, ypos, ylab);
    double W = fit_title(LEFT + PLOT_W + 60, d->title), top = 12 + (d->title ? 26 : 0), bottom = top + PLOT_H;
    double H = bottom + 56;
#define X(v) (LEFT + ((v) - xlo) / (xhi - xlo) * PLOT_W)
#define Y(v) (bottom - ((v) - ylo) / (yhi - ylo) * PLOT_H)
    svg_begin(fp, W, H, d->title ? d->title : "Baujat plot");
    if (d->title) svg_text(fp, 12, 26, NULL, "font-size=\"14\" font-weight=\"bold\"", d->title, 0);
    svg_out(fp,
            "<rect x=\"%N\" y=\"%N\" width=\"%N\" height=\"%N\" fill=\"#ffffff\" "
            "stroke=\"#333333\"/>\n",
            LEFT, top, PLOT_W, PLOT_H);
    for (size_t i = 0; i < nxt; i++) {
        double x = X(xpos[i]);
        svg_out(fp, "<line x1=\"%N\" y1=\"%N\" x2=\"%N\" y2=\"%N\" stroke=\"#e0e0e0\"/>\n", x, top,
                x, bottom);
        svg_out(fp, "<line x1=\"%N\" y1=\"%N\" x2=\"%N\" y2=\"%N\" stroke=\"#333333\"/>\n", x,
                bottom, x, bottom + 5);
        svg_text(fp, x, bottom + 18, "middle", NULL, xlab[i], 0);
    }
    for (size_t i = 0; i < nyt; i++) {
        double y = Y(ypos[i]);
        svg_out(fp, "<line x1=\"%N\" y1=\"%N\" x2=\"%N\" y2=\"%N\" stroke=\"#e0e0e0\"/>\n", LEFT,
                y, LEFT + PLOT_W, y);
        svg_out(fp, "<line x1=\"%N\" y1=\"%N\" x2=\"%N\" y2=\"%N\" stroke=\"#333333\"/>\n",
                LEFT - 5, y, LEFT, y);
        svg_text(fp, LEFT - 8, y + 4, "end", NULL, ylab[i], 0);
    }
    for (size_t i = 0; i < d->k; i++) {
        if (!isfinite(d->x[i]) || !isfinite(d->y[i])) continue;
        char num[32];
        snprintf(num, sizeof num, "%zu", i + 1);
        svg_out(fp, "<circle class=\"study\" cx=\"%N\" cy=\"%N\" r=\"3\" fill=\"#222222\">"
                    "<title>", X(d->x[i]), Y(d->y[i]));
        msum_io_put_xml(fp, d->labels && d->labels[i] ? d->labels[i] : num, 1);
        fputs("</title></circle>\n", fp);
    }
    /* Labels: the most extreme points first (largest x/xmax + y/ymax), each only where it
     * overlaps no label placed before, at most MAX_LABELS; every point keeps its tooltip. */
    rank *r = malloc((d->k ? d->k : 1) * sizeof *r);
    box *placed = malloc(MAX_LABELS * sizeof *placed);
    size_t n = 0, nplaced = 0;
    for (size_t i = 0; r && i < d->k; i++)
        if (isfinite(d->x[i]) && isfinite(d->y[i]))
            r[n++] = (rank){d->x[i] / xhi + d->y[i] / yhi, i};
    if (r) qsort(r, n, sizeof *r, cmp_rank);
    for (size_t j = 0; r && placed && j < n && nplaced < MAX_LABELS; j++) {
        size_t i = r[j].i;
        double cx = X(d->x[i]), cy = Y(d->y[i]);
        char num[32];
        snprintf(num, sizeof num, "%zu", i + 1);
        const char *lab = d->labels && d->labels[i] ? d->labels[i] : num;
        /* left of points in the right third, so labels stay inside the picture */
        int left = cx > LEFT + 2 * PLOT_W / 3;
        double w = svg_text_w(lab, 28) * 0.95; /* 10 px text, with room */
        box b = {left ? cx - 6 - w : cx + 6, cy - 13, left ? cx - 6 : cx + 6 + w, cy - 1};
        int clash = 0;
        for (size_t p = 0; p < nplaced && !clash; p++)
            clash = b.x0 < placed[p].x1 && placed[p].x0 < b.x1 && b.y0 < placed[p].y1 &&
                    placed[p].y0 < b.y1;
        if (clash) continue;
        placed[nplaced++] = b;
        svg_text(fp, left ? cx - 6 : cx + 6, cy - 4, left ? "end" : NULL,
                 "class=\"label\" font-size=\"10\"", lab, 28);
    }
    free(r);
    free(placed);
    const char *xl = d->xlab ? d->xlab : "Contribution to overall heterogeneity";
    const char *yl = d->ylab ? d->ylab : "Influence on overall result";
    svg_text(fp, LEFT + PLOT_W / 2, bottom + 38, "middle", NULL, xl, 0);
    char rot[64];
    snprintf(rot, sizeof rot, "transform=\"rotate(-90 18 %.2f)\"", top + PLOT_H / 2);
    svg_text(fp, 18, top + PLOT_H / 2, "middle", rot, yl, 0);
#undef X
#undef Y
    svg_end(fp);
    return ferror(fp) ? MSUM_EIO : MSUM_OK;
}

static int radial_ok(const msum_radial_data *d, size_t i)
{
    return isfinite(d->yi[i]) && isfinite(d->vi[i]) && d->vi[i] + d->tau2 > 0;
}

int msum_svg_radial(FILE *fp, const msum_radial_data *d)
{
    if (!fp || !d || (d->k && (!d->yi || !d->vi)) || !isfinite(d->est) || !(d->tau2 >= 0))
        return MSUM_EINVAL;
    double z = d->z > 0 ? d->z : contour_z[1];
    double xhi = 0, ylo = -z, yhi = z;
    for (size_t i = 0; i < d->k; i++) {
        if (!radial_ok(d, i)) continue;
        double s = sqrt(d->vi[i] + d->tau2), x = 1 / s, y = d->yi[i] / s;
        if (x > xhi) xhi = x;
        if (y < ylo) ylo = y;
        if (y > yhi) yhi = y;
    }
    if (!(xhi > 0)) xhi = 1;
    double xlo = 0, xpos[SVG_MAX_TICKS], ypos[SVG_MAX_TICKS];
    char xlab[SVG_MAX_TICKS][32], ylab[SVG_MAX_TICKS][32];
    size_t nxt = svg_ticks(&xlo, &xhi, 0, xpos, xlab);
    /* the lines at the right edge of the axis */
    double ends[3] = {d->est * xhi, d->est * xhi - z, d->est * xhi + z};
    for (int j = 0; j < 3; j++) {
        if (ends[j] < ylo) ylo = ends[j];
        if (ends[j] > yhi) yhi = ends[j];
    }
    size_t nyt = svg_ticks(&ylo, &yhi, 0, ypos, ylab);
    double W = fit_title(LEFT + PLOT_W + 50, d->title), top = 12 + (d->title ? 26 : 0);
    double bottom = top + PLOT_H, H = bottom + 56;
#define X(v) (LEFT + ((v) - xlo) / (xhi - xlo) * PLOT_W)
#define Y(v) (bottom - ((v) - ylo) / (yhi - ylo) * PLOT_H)
    svg_begin(fp, W, H, d->title ? d->title : "Radial plot");
    if (d->title) svg_text(fp, 12, 26, NULL, "font-size=\"14\" font-weight=\"bold\"", d->title, 0);
    svg_out(fp,
            "<rect x=\"%N\" y=\"%N\" width=\"%N\" height=\"%N\" fill=\"#ffffff\" "
            "stroke=\"#333333\"/>\n",
            LEFT, top, PLOT_W, PLOT_H);
    for (size_t i = 0; i < nxt; i++) {
        double x = X(xpos[i]);
        svg_out(fp, "<line x1=\"%N\" y1=\"%N\" x2=\"%N\" y2=\"%N\" stroke=\"#333333\"/>\n", x,
                bottom, x, bottom + 5);
        svg_text(fp, x, bottom + 18, "middle", NULL, xlab[i], 0);
    }
    for (size_t i = 0; i < nyt; i++) {
        if (ypos[i] < ylo || ypos[i] > yhi) continue;
        double y = Y(ypos[i]);
        svg_out(fp, "<line x1=\"%N\" y1=\"%N\" x2=\"%N\" y2=\"%N\" stroke=\"#333333\"/>\n",
                LEFT - 5, y, LEFT, y);
        svg_text(fp, LEFT - 8, y + 4, "end", NULL, ylab[i], 0);
    }
    if (ylo < 0 && yhi > 0)
        svg_out(fp, "<line x1=\"%N\" y1=\"%N\" x2=\"%N\" y2=\"%N\" stroke=\"#bbbbbb\"/>\n",
                X(0), Y(0), X(xhi), Y(0));
    for (int j = -1; j <= 1; j += 2)
        svg_out(fp, "<line class=\"band\" x1=\"%N\" y1=\"%N\" x2=\"%N\" y2=\"%N\" "
                    "stroke=\"#555555\" stroke-dasharray=\"4 3\"/>\n",
                X(0), Y(j * z), X(xhi), Y(d->est * xhi + j * z));
    svg_out(fp, "<line class=\"estimate\" x1=\"%N\" y1=\"%N\" x2=\"%N\" y2=\"%N\" "
                "stroke=\"#222222\"/>\n",
            X(0), Y(0), X(xhi), Y(d->est * xhi));
    for (size_t i = 0; i < d->k; i++) {
        if (!radial_ok(d, i)) continue;
        double s = sqrt(d->vi[i] + d->tau2);
        char num[32];
        snprintf(num, sizeof num, "%zu", i + 1);
        svg_out(fp, "<circle class=\"study\" cx=\"%N\" cy=\"%N\" r=\"3.5\" fill=\"#222222\">"
                    "<title>", X(1 / s), Y(d->yi[i] / s));
        msum_io_put_xml(fp, d->labels && d->labels[i] ? d->labels[i] : num, 1);
        fputs("</title></circle>\n", fp);
    }
    svg_text(fp, LEFT + PLOT_W / 2, bottom + 38, "middle", NULL,
             "x\xe1\xb5\xa2 = 1/\xe2\x88\x9a(v\xe1\xb5\xa2 + \xcf\x84\xc2\xb2)", 0);
    char rot[64];
    snprintf(rot, sizeof rot, "transform=\"rotate(-90 18 %.2f)\"", top + PLOT_H / 2);
    svg_text(fp, 18, top + PLOT_H / 2, "middle", rot,
             "z\xe1\xb5\xa2 = y\xe1\xb5\xa2/\xe2\x88\x9a(v\xe1\xb5\xa2 + \xcf\x84\xc2\xb2)", 0);
#undef X
#undef Y
    svg_end(fp);
    return ferror(fp) ? MSUM_EIO : MSUM_OK;
}

#define PANEL_W 250.0
#define PANEL_H 110.0
#define PANEL_LEFT 56.0
#define PANEL_GAP_X 30.0
#define PANEL_GAP_Y 46.0

int msum_svg_influence(FILE *fp, const msum_influence_panel_data *d)
{
    if (!fp || !d || d->npanels > MSUM_INFL_MAX_PANELS) return MSUM_EINVAL;
    for (size_t p = 0; p < d->npanels; p++)
        if (d->k && !d->values[p]) return MSUM_EINVAL;
    size_t rows = (d->npanels + 1) / 2;
    double top0 = 12 + (d->title ? 26 : 0) + 20;
    double W = fit_title(2 * (PANEL_LEFT + PANEL_W) + PANEL_GAP_X + 16, d->title);
    double H = top0 + rows * (PANEL_H + PANEL_GAP_Y) + 4;
    svg_begin(fp, W, H, d->title ? d->title : "Influence diagnostics");
    if (d->title) svg_text(fp, 12, 26, NULL, "font-size=\"14\" font-weight=\"bold\"", d->title, 0);
    /* x: study index 1 .. k, half a step of room either side */
    double xlo = 0.5, xhi = d->k + 0.5;
    for (size_t p = 0; p < d->npanels; p++) {
        const double *v = d->values[p];
        double left = PANEL_LEFT + (p % 2) * (PANEL_LEFT + PANEL_W + PANEL_GAP_X);
        double top = top0 + (p / 2) * (PANEL_H + PANEL_GAP_Y), bottom = top + PANEL_H;
        double ylo = INFINITY, yhi = -INFINITY;
        for (size_t i = 0; i < d->k; i++) {
            if (!isfinite(v[i])) continue;
            if (v[i] < ylo) ylo = v[i];
            if (v[i] > yhi) yhi = v[i];
        }
        if (isfinite(d->ref[p])) {
            if (d->ref[p] < ylo) ylo = d->ref[p];
            if (d->ref[p] > yhi) yhi = d->ref[p];
        }
        if (!isfinite(ylo)) ylo = 0, yhi = 1;
        if (yhi - ylo < 1e-12 * (fabs(ylo) + 1)) { /* flat: a unit band around the value */
            ylo -= 0.5 * (fabs(ylo) > 0 ? fabs(ylo) : 1);
            yhi += 0.5 * (fabs(yhi) > 0 ? fabs(yhi) : 1);
        }
        double ypos[SVG_MAX_TICKS];
        char ylab[SVG_MAX_TICKS][32];
        size_t nyt = svg_ticks(&ylo, &yhi, 0, ypos, ylab);
#define X(v) (left + ((v) - xlo) / (xhi - xlo) * PANEL_W)
#define Y(v) (bottom - ((v) - ylo) / (yhi - ylo) * PANEL_H)
        svg_out(fp, "<g class=\"panel\">\n");
        svg_text(fp, left + PANEL_W / 2, top - 6, "middle", "font-weight=\"bold\"",
                 d->names[p] ? d->names[p] : "", 0);
        svg_out(fp,
                "<rect x=\"%N\" y=\"%N\" width=\"%N\" height=\"%N\" fill=\"#ffffff\" "
                "stroke=\"#333333\"/>\n",
                left, top, PANEL_W, PANEL_H);
        for (size_t i = 0; i < nyt; i++) {
            if (ypos[i] < ylo || ypos[i] > yhi) continue;
            double y = Y(ypos[i]);
            svg_out(fp, "<line x1=\"%N\" y1=\"%N\" x2=\"%N\" y2=\"%N\" stroke=\"#333333\"/>\n",
                    left - 4, y, left, y);
            svg_text(fp, left - 6, y + 4, "end", "font-size=\"10\"", ylab[i], 0);
        }
        /* study numbers along x: every one up to 20 studies, else about 10 */
        size_t step = d->k <= 20 ? 1 : (d->k + 9) / 10;
        for (size_t i = 0; i < d->k; i += step) {
            char num[32];
            snprintf(num, sizeof num, "%zu", i + 1);
            svg_out(fp, "<line x1=\"%N\" y1=\"%N\" x2=\"%N\" y2=\"%N\" stroke=\"#333333\"/>\n",
                    X(i + 1.0), bottom, X(i + 1.0), bottom + 4);
            svg_text(fp, X(i + 1.0), bottom + 14, "middle", "font-size=\"10\"", num, 0);
        }
        if (isfinite(d->ref[p]))
            svg_out(fp, "<line class=\"ref\" x1=\"%N\" y1=\"%N\" x2=\"%N\" y2=\"%N\" "
                        "stroke=\"#777777\" stroke-dasharray=\"2 2\"/>\n",
                    left, Y(d->ref[p]), left + PANEL_W, Y(d->ref[p]));
        int open = 0;
        for (size_t i = 0; i < d->k; i++) {
            if (!isfinite(v[i])) {
                if (open) svg_out(fp, "\" fill=\"none\" stroke=\"#888888\"/>\n");
                open = 0;
                continue;
            }
            svg_out(fp, open ? " %N %N" : "<polyline points=\"%N %N", X(i + 1.0), Y(v[i]));
            open = 1;
        }
        if (open) svg_out(fp, "\" fill=\"none\" stroke=\"#888888\"/>\n");
        for (size_t i = 0; i < d->k; i++) {
            if (!isfinite(v[i])) continue;
            int f = d->flag && d->flag[i];
            char num[32];
            snprintf(num, sizeof num, "%zu", i + 1);
            svg_out(fp, "<circle class=\"%s\" cx=\"%N\" cy=\"%N\" r=\"%s\" fill=\"%s\">"
                        "<title>", f ? "inf" : "study", X(i + 1.0), Y(v[i]), f ? "4" : "2.5",
                    f ? "#d62728" : "#222222");
            msum_io_put_xml(fp, d->labels && d->labels[i] ? d->labels[i] : num, 1);
            fputs("</title></circle>\n", fp);
        }
        svg_out(fp, "</g>\n");
#undef X
#undef Y
    }
    svg_end(fp);
    return ferror(fp) ? MSUM_EIO : MSUM_OK;
}
