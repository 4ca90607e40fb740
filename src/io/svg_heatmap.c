/* Evidence-map heat map as SVG: sources in rows, outcomes in columns (labels rotated), each
 * cell coloured by the overall direction of its effects and showing how many there are, with a
 * legend.  Colours are from ColorBrewer RdYlBu (Harrower & Brewer 2003), readable with the
 * common colour-vision deficiencies; every cell also carries its counts as a tooltip. */
#include "metasum/plot.h"

#include <math.h>
#include <stdio.h>

#include "metasum/metasum.h"
#include "svg.h"

#define CELL_W 46.0
#define CELL_H 28.0
#define MARGIN 12.0
#define LABEL_MAX 40
#define SIN45 0.70710678118654752

static const char *const evid_name[MSUM_NEVID] = {"beneficial", "harmful", "mixed", "no change",
                                                  "no evidence"};
static const char *const evid_fill[MSUM_NEVID] = {"#2c7bb6", "#d7191c", "#fdae61", "#d9d9d9",
                                                  "#ffffff"};
static const char *const evid_ink[MSUM_NEVID] = {"#ffffff", "#ffffff", "#000000", "#000000",
                                                 "#000000"};

const char *msum_evidence_name(msum_evidence e)
{
    return (e >= 0 && e < MSUM_NEVID) ? evid_name[e] : "";
}

msum_evidence msum_evidence_of(const unsigned *counts)
{
    if (counts[MSUM_EVID_MIXED]) return MSUM_EVID_MIXED;
    int kinds = (counts[MSUM_EVID_BENEFICIAL] > 0) + (counts[MSUM_EVID_HARMFUL] > 0) +
                (counts[MSUM_EVID_NO_CHANGE] > 0);
    if (kinds == 0) return MSUM_EVID_NONE;
    if (kinds > 1) return MSUM_EVID_MIXED;
    return counts[MSUM_EVID_BENEFICIAL] ? MSUM_EVID_BENEFICIAL
           : counts[MSUM_EVID_HARMFUL]  ? MSUM_EVID_HARMFUL
                                        : MSUM_EVID_NO_CHANGE;
}

int msum_svg_heatmap(FILE *fp, const msum_heatmap_data *d)
{
    if (!fp || !d || (d->nrows && d->ncols && (!d->counts || !d->row_labels || !d->col_labels)))
        return MSUM_EINVAL;
    size_t nr = d->nrows, nc = d->ncols;
    double label_w = 0, col_h = 0;
    for (size_t r = 0; r < nr; r++)
        if (svg_text_w(d->row_labels[r], LABEL_MAX) > label_w)
            label_w = svg_text_w(d->row_labels[r], LABEL_MAX);
    for (size_t c = 0; c < nc; c++)
        if (svg_text_w(d->col_labels[c], LABEL_MAX) > col_h)
            col_h = svg_text_w(d->col_labels[c], LABEL_MAX);
    col_h *= SIN45; /* labels at 45 degrees: as high as they are wide */
    double x0 = MARGIN + label_w + 10, top = MARGIN + (d->title ? 26 : 0);
    double y0 = top + col_h + 12;
    double legend_y = y0 + (double)nr * CELL_H + 24;
    /* Legend: five swatches with names, in one row. */
    double legend_w = 0;
    for (int e = 0; e < MSUM_NEVID; e++) legend_w += 18 + svg_text_w(evid_name[e], 0) + 16;
    double width = x0 + (double)nc * CELL_W + col_h + MARGIN;
    if (MARGIN + legend_w + MARGIN > width) width = MARGIN + legend_w + MARGIN;
    double height = legend_y + 14 + MARGIN;

    svg_begin(fp, width, height, d->title ? d->title : "Evidence map");
    if (d->title) svg_text(fp, MARGIN, MARGIN + 14, NULL, "font-size=\"14\" font-weight=\"bold\"",
                           d->title, 0);
    for (size_t c = 0; c < nc; c++) {
        /* Rotated -45 degrees about its start, just above the middle of its column. */
        double x = x0 + ((double)c + 0.5) * CELL_W, y = y0 - 6;
        svg_out(fp, "<g transform=\"rotate(-45 %N %N)\">\n", x, y);
        svg_text(fp, x, y, NULL, "class=\"col\"", d->col_labels[c], LABEL_MAX);
        fputs("</g>\n", fp);
    }
    for (size_t r = 0; r < nr; r++) {
        double y = y0 + (double)r * CELL_H;
        svg_text(fp, x0 - 10, y + CELL_H / 2 + 4, "end", "class=\"row\"", d->row_labels[r],
                 LABEL_MAX);
        for (size_t c = 0; c < nc; c++) {
            const unsigned *n = d->counts + (r * nc + c) * MSUM_NEVID;
            msum_evidence e = d->category ? d->category[r * nc + c] : msum_evidence_of(n);
            if (e < 0 || e >= MSUM_NEVID) e = MSUM_EVID_NONE;
            unsigned total = n[MSUM_EVID_BENEFICIAL] + n[MSUM_EVID_HARMFUL] + n[MSUM_EVID_MIXED] +
                             n[MSUM_EVID_NO_CHANGE];
            double x = x0 + (double)c * CELL_W;
            svg_out(fp,
                    "<rect x=\"%N\" y=\"%N\" width=\"%N\" height=\"%N\" fill=\"%s\" "
                    "stroke=\"#bbbbbb\" class=\"cell %s\">",
                    x, y, CELL_W, CELL_H, evid_fill[e], e == MSUM_EVID_NO_CHANGE ? "nochange"
                                                        : e == MSUM_EVID_NONE    ? "none"
                                                                                 : evid_name[e]);
            fprintf(fp, "<title>%s: %u beneficial, %u harmful, %u mixed, %u no change</title>",
                    evid_name[e], n[MSUM_EVID_BENEFICIAL], n[MSUM_EVID_HARMFUL],
                    n[MSUM_EVID_MIXED], n[MSUM_EVID_NO_CHANGE]);
            fputs("</rect>\n", fp);
            if (total) {
                char cnt[16];
                snprintf(cnt, sizeof cnt, "%u", total);
                svg_out(fp,
                        "<text x=\"%N\" y=\"%N\" text-anchor=\"middle\" fill=\"%s\">%s</text>\n",
                        x + CELL_W / 2, y + CELL_H / 2 + 4, evid_ink[e], cnt);
            }
        }
    }
    double lx = MARGIN;
    for (int e = 0; e < MSUM_NEVID; e++) {
        svg_out(fp,
                "<rect x=\"%N\" y=\"%N\" width=\"14\" height=\"14\" fill=\"%s\" "
                "stroke=\"#bbbbbb\"/>\n",
                lx, legend_y, evid_fill[e]);
        svg_text(fp, lx + 18, legend_y + 11, NULL, NULL, evid_name[e], 0);
        lx += 18 + svg_text_w(evid_name[e], 0) + 16;
    }
    svg_end(fp);
    return ferror(fp) ? MSUM_EIO : MSUM_OK;
}
