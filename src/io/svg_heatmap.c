/* Evidence-map heat maps as SVG.  msum_svg_heatmap: sources in rows, outcomes in columns
 * (labels rotated), from counts.  msum_svg_evidence_map: from summarize's evidence_map table,
 * outcomes in rows grouped by domain and sources in columns, so that it stays readable at page
 * width; each cell coloured by its status (a "mixed" cell is one whose rated rows disagree, an
 * outcome without a beneficial direction is "not rated") and showing how many rows it has.
 * Colours are from ColorBrewer RdYlBu (Harrower & Brewer 2003), readable with the common
 * colour-vision deficiencies; every cell also carries its counts as a tooltip. */
#include "metasum/plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metasum/metasum.h"
#include "svg.h"
#include "text.h"

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

/* ---- the evidence map from summarize's evidence_map table --------------------------------- */

/* Cell statuses of msum_swim_evidence_map (include/metasum/swim.h), their fill and text ink. */
static const struct {
    const char *status, *fill, *ink, *legend;
} map_status[] = {
    {"beneficial", "#2c7bb6", "#ffffff", "beneficial"},
    {"harmful", "#d7191c", "#ffffff", "harmful"},
    {"mixed", "#fdae61", "#000000", "mixed (directions disagree)"},
    {"no change", "#d9d9d9", "#000000", "no change"},
    {"not rated", "#e7d4e8", "#000000", "not rated (no beneficial direction)"},
    {"head-to-head", "#c7e9c0", "#000000", "head-to-head only"},
    {"comparator", "#ffffff", "#000000", "comparator of a head-to-head"},
    {"exposure", "#f0f0f0", "#555555", "exposure only"},
    {"no evidence", "#ffffff", "#000000", "no evidence"},
};
enum { NSTATUS = sizeof map_status / sizeof map_status[0] };

static const char *tcell(const msum_table *t, size_t r, int c)
{
    const char *s = c >= 0 && !msum_table_is_na(t, r, (size_t)c) ? msum_table_text(t, r, (size_t)c)
                                                                  : NULL;
    return s ? s : "";
}

#define MAP_ROW_H 18.0
#define MAP_COL_W 64.0

int msum_svg_evidence_map(FILE *fp, const msum_table *t, const char *title)
{
    if (!fp || !t) return MSUM_EINVAL;
    int cs = msum_table_col_index(t, "source"), co = msum_table_col_index(t, "outcome"),
        cl = msum_table_col_index(t, "label"), cd = msum_table_col_index(t, "domain"),
        cst = msum_table_col_index(t, "status"), cn = msum_table_col_index(t, "n_rows"),
        csum = msum_table_col_index(t, "summary");
    if (cs < 0 || co < 0 || cst < 0 || cn < 0) return MSUM_EINVAL;
    size_t nr = msum_table_nrows(t);
    if (nr == 0) return MSUM_EDOM;
    /* sources: the columns, in text order; outcomes: the rows, in table order (grouped by
     * domain), each once */
    const char **src = malloc((nr + 1) * sizeof *src);
    size_t *orow = malloc((nr + 1) * sizeof *orow); /* first table row of each outcome */
    if (!src || !orow) {
        free(src);
        free(orow);
        return MSUM_ENOMEM;
    }
    size_t ns = 0, no = 0, ndom = 0;
    for (size_t r = 0; r < nr; r++) {
        const char *s = tcell(t, r, cs), *o = tcell(t, r, co);
        size_t i = 0;
        while (i < ns && strcmp(src[i], s) != 0) i++;
        if (i == ns) {
            size_t j = ns++;
            while (j > 0 && strcmp(src[j - 1], s) > 0) { /* insertion: text order */
                src[j] = src[j - 1];
                j--;
            }
            src[j] = s;
        }
        if (no == 0 || strcmp(tcell(t, orow[no - 1], co), o) != 0) {
            int nd = cd >= 0 && (no == 0 || strcmp(tcell(t, orow[no - 1], cd), tcell(t, r, cd)));
            ndom += (size_t)nd;
            orow[no++] = r;
        }
    }
    double lw = svg_text_w("Outcome", 0), sw = 0;
    for (size_t o = 0; o < no; o++) {
        const char *l = tcell(t, orow[o], cl);
        lw = fmax(lw, svg_text_w(*l ? l : tcell(t, orow[o], co), 32) + 10);
        if (cd >= 0) lw = fmax(lw, svg_text_w(tcell(t, orow[o], cd), 40) - 20);
    }
    for (size_t i = 0; i < ns; i++) sw = fmax(sw, svg_text_w(src[i], 12));
    double colw = fmax(MAP_COL_W, sw + 10);
    double x0 = MARGIN + lw + 8, top = MARGIN + (title ? 24 : 0), y0 = top + 22;
    double grid_h = (double)(no + ndom) * MAP_ROW_H;
    double width = fmax(x0 + (double)ns * colw + MARGIN, 3 * 270 + 2 * MARGIN);
    double legend_y = y0 + grid_h + 16;
    double height = legend_y + 3 * 20 + MARGIN;
    svg_begin(fp, width, height, title ? title : "Evidence map");
    if (title) svg_text(fp, MARGIN, MARGIN + 14, NULL, "font-size=\"14\" font-weight=\"bold\"",
                        title, 0);
    svg_text(fp, MARGIN, y0 - 6, NULL, "font-weight=\"bold\"", "Outcome", 0);
    for (size_t i = 0; i < ns; i++)
        svg_text(fp, x0 + ((double)i + 0.5) * colw, y0 - 6, "middle",
                 "class=\"col\" font-weight=\"bold\"", src[i], 12);
    double y = y0;
    size_t prev = (size_t)-1;
    for (size_t r = 0; r < nr; r++) {
        int newo = r == 0 || strcmp(tcell(t, r, co), tcell(t, r - 1, co)) != 0;
        if (newo) {
            if (cd >= 0 && (r == 0 || strcmp(tcell(t, r, cd), tcell(t, prev, cd)) != 0)) {
                svg_out(fp, "<rect x=\"%N\" y=\"%N\" width=\"%N\" height=\"%N\" "
                            "fill=\"#eeeeee\"/>\n",
                        MARGIN, y, width - 2 * MARGIN, MAP_ROW_H);
                svg_text(fp, MARGIN + 2, y + 13, NULL, "class=\"domain\" font-weight=\"bold\"",
                         tcell(t, r, cd), 40);
                y += MAP_ROW_H;
            }
            const char *l = tcell(t, r, cl);
            svg_text(fp, MARGIN + 10, y + 13, NULL, "class=\"row\"", *l ? l : tcell(t, r, co),
                     32);
            /* empty cells of the row first: white, thin border */
            for (size_t i = 0; i < ns; i++)
                svg_out(fp, "<rect x=\"%N\" y=\"%N\" width=\"%N\" height=\"%N\" fill=\"#ffffff\" "
                            "stroke=\"#dddddd\"/>\n",
                        x0 + (double)i * colw + 1, y + 1, colw - 2, MAP_ROW_H - 2);
            y += MAP_ROW_H;
            prev = r;
        }
        size_t i = 0;
        while (i < ns && strcmp(src[i], tcell(t, r, cs)) != 0) i++;
        const char *st = tcell(t, r, cst);
        size_t k = 0;
        while (k < NSTATUS && strcmp(map_status[k].status, st) != 0) k++;
        if (k == NSTATUS || i == ns) continue;
        double x = x0 + (double)i * colw + 1, yy = y - MAP_ROW_H + 1;
        int cmp = !strcmp(st, "comparator");
        svg_out(fp, "<rect x=\"%N\" y=\"%N\" width=\"%N\" height=\"%N\" fill=\"%s\" "
                    "stroke=\"%s\"%s class=\"cell\">",
                x, yy, colw - 2, MAP_ROW_H - 2, map_status[k].fill, cmp ? "#333333" : "#bbbbbb",
                cmp ? " stroke-dasharray=\"3,2\"" : "");
        fputs("<title>", fp);
        msum_io_put_xml(fp, st, 1);
        fputs(": ", fp);
        msum_io_put_xml(fp, tcell(t, r, csum), 1);
        fputs("</title></rect>\n", fp);
        char cnt[32];
        double n = msum_table_num(t, r, (size_t)cn);
        if (cmp) snprintf(cnt, sizeof cnt, "vs");
        else snprintf(cnt, sizeof cnt, "%g", n);
        svg_out(fp, "<text x=\"%N\" y=\"%N\" text-anchor=\"middle\" fill=\"%s\">%s</text>\n",
                x + colw / 2 - 1, yy + 12, map_status[k].ink, cnt);
    }
    /* legend in three rows of three */
    for (size_t k = 0; k < NSTATUS; k++) {
        double lx = MARGIN + (double)(k % 3) * 270, ly = legend_y + (double)(k / 3) * 20;
        svg_out(fp, "<rect x=\"%N\" y=\"%N\" width=\"14\" height=\"14\" fill=\"%s\" "
                    "stroke=\"#888888\"%s/>\n",
                lx, ly, map_status[k].fill,
                !strcmp(map_status[k].status, "comparator") ? " stroke-dasharray=\"3,2\"" : "");
        svg_text(fp, lx + 20, ly + 11, NULL, NULL, map_status[k].legend, 0);
    }
    svg_end(fp);
    free(src);
    free(orow);
    return ferror(fp) ? MSUM_EIO : MSUM_OK;
}
