/* Funnel plot as SVG: effect against standard error with the y axis inverted (0 at the top) and
 * the pseudo 95% confidence region est -+ 1.96 SE around the pooled estimate (Sterne & Egger
 * 2001; the default of metafor's funnel.rma, Viechtbauer 2010). */
#include "metasum/plot.h"

#include <math.h>

#include "metasum/metasum.h"
#include "svg.h"

#define W 520.0
#define PLOT_W 400.0
#define PLOT_H 300.0
#define LEFT 70.0
#define Z975 1.959963984540054

int msum_svg_funnel(FILE *fp, const msum_funnel_data *d)
{
    if (!fp || !d || (d->k && (!d->yi || !d->sei)) || !isfinite(d->est)) return MSUM_EINVAL;
    double semax = 0, xlo = d->est, xhi = d->est;
    for (size_t i = 0; i < d->k; i++) {
        if (!isfinite(d->yi[i]) || !isfinite(d->sei[i]) || d->sei[i] < 0) continue;
        if (d->sei[i] > semax) semax = d->sei[i];
        if (d->yi[i] < xlo) xlo = d->yi[i];
        if (d->yi[i] > xhi) xhi = d->yi[i];
    }
    /* y axis: SE from 0 (top) down to a nice value at or above the largest SE. */
    double ylo = 0, yhi = semax > 0 ? semax : 1, ypos[SVG_MAX_TICKS];
    char ylab[SVG_MAX_TICKS][32];
    size_t nyt = svg_ticks(&ylo, &yhi, 0, ypos, ylab);
    if (ylo < 0) ylo = 0;
    /* x axis: the points and the whole funnel at its widest. */
    if (d->est - Z975 * yhi < xlo) xlo = d->est - Z975 * yhi;
    if (d->est + Z975 * yhi > xhi) xhi = d->est + Z975 * yhi;
    double xpos[SVG_MAX_TICKS];
    char xlab[SVG_MAX_TICKS][32];
    size_t nxt = d->transf.measure ? svg_transf_ticks(&xlo, &xhi, d->transf.measure, d->transf.n,
                                                      xpos, xlab)
                                   : svg_ticks(&xlo, &xhi, d->log_scale, xpos, xlab);

    double top = 12 + (d->title ? 26 : 0), bottom = top + PLOT_H, H = bottom + 56;
#define X(v) (LEFT + ((v) - xlo) / (xhi - xlo) * PLOT_W)
#define Y(se) (top + ((se) - ylo) / (yhi - ylo) * PLOT_H)
    svg_begin(fp, W, H, d->title ? d->title : "Funnel plot");
    if (d->title) svg_text(fp, 12, 26, NULL, "font-size=\"14\" font-weight=\"bold\"", d->title, 0);
    svg_out(fp,
            "<rect x=\"%N\" y=\"%N\" width=\"%N\" height=\"%N\" fill=\"#f4f4f4\" "
            "stroke=\"#333333\"/>\n",
            LEFT, top, PLOT_W, PLOT_H);
    /* The pseudo-CI region (white inside the grey panel, as in metafor) and its edges. */
    svg_out(fp, "<path d=\"M%N %NL%N %NL%N %NZ\" fill=\"#ffffff\" stroke=\"#555555\" "
                "stroke-dasharray=\"4 3\"/>\n",
            X(d->est - Z975 * yhi), Y(yhi), X(d->est), Y(0), X(d->est + Z975 * yhi), Y(yhi));
    svg_out(fp, "<line x1=\"%N\" y1=\"%N\" x2=\"%N\" y2=\"%N\" stroke=\"#333333\"/>\n", X(d->est),
            Y(0), X(d->est), Y(yhi));
    for (size_t i = 0; i < d->k; i++) {
        if (!isfinite(d->yi[i]) || !isfinite(d->sei[i]) || d->sei[i] < 0) continue;
        svg_out(fp, "<circle cx=\"%N\" cy=\"%N\" r=\"3.5\" fill=\"#222222\"/>\n", X(d->yi[i]),
                Y(d->sei[i]));
    }
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
    const char *xl = d->xlab              ? d->xlab
                     : d->transf.measure ? svg_transf_title(d->transf.measure)
                     : d->log_scale ? "Ratio (log scale)" : "Estimate";
    svg_text(fp, LEFT + PLOT_W / 2, bottom + 38, "middle", NULL, xl, 0);
    svg_out(fp, "<text x=\"%N\" y=\"%N\" text-anchor=\"middle\" transform=\"rotate(-90 %N %N)\">"
                "Standard error</text>\n",
            18.0, top + PLOT_H / 2, 18.0, top + PLOT_H / 2);
#undef X
#undef Y
    svg_end(fp);
    return ferror(fp) ? MSUM_EIO : MSUM_OK;
}
