/* The reported numbers that summarize compares, as a small bar chart: one panel per comparison
 * with a reported number (two findings against the same comparator, e.g. ADSC-Ex 28.19 % vs
 * ADSC-CM 18.08 %; or a head-to-head fold change, e.g. iPSC-EV 16 times MSC-EV, whose comparator
 * is drawn as the reference bar 1), labelled with the values, their ratio and the study.
 */
#include "metasum/plot.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "metasum/metasum.h"
#include "svg.h"

#define MARGIN 12.0
#define BAR_H 14.0
#define BAR_W 150.0
#define FONT 11.0

static const char *txt(const msum_table *t, size_t r, const char *col)
{
    int c = msum_table_col_index(t, col);
    const char *s = c >= 0 && !msum_table_is_na(t, r, (size_t)c) ? msum_table_text(t, r, (size_t)c)
                                                                  : NULL;
    return s ? s : "";
}

static double num(const msum_table *t, size_t r, const char *col)
{
    int c = msum_table_col_index(t, col);
    return c >= 0 ? msum_table_num(t, r, (size_t)c) : NAN;
}

/* Which rows have a reported number to draw: 1 across rows (both values), 2 head-to-head. */
static int drawable(const msum_table *t, size_t r)
{
    const char *in = txt(t, r, "input"), *kind = txt(t, r, "kind");
    int form = !strcmp(in, "percent_change") || !strcmp(in, "fold_change");
    if (!form) return 0;
    if (!strcmp(kind, "across rows") && !isnan(num(t, r, "a_value")) &&
        !isnan(num(t, r, "b_value")))
        return 1;
    if (!strcmp(kind, "head-to-head") && !isnan(num(t, r, "a_value"))) return 2;
    return 0;
}

int msum_svg_comparisons(FILE *fp, const msum_table *t, const char *title)
{
    if (!fp || !t) return MSUM_EINVAL;
    if (msum_table_col_index(t, "kind") < 0 || msum_table_col_index(t, "a_value") < 0)
        return MSUM_EINVAL;
    size_t nr = msum_table_nrows(t), np = 0;
    double lw = 0;
    for (size_t r = 0; r < nr; r++) {
        if (!drawable(t, r)) continue;
        np++;
        lw = fmax(lw, svg_text_w(txt(t, r, "a"), 24) * FONT / SVG_FONT_SIZE * 1.15);
        lw = fmax(lw, svg_text_w(txt(t, r, "b"), 24) * FONT / SVG_FONT_SIZE * 1.15);
    }
    if (np == 0) return MSUM_EDOM;
    /* compact (11 px) to sit beside other plots: each panel a title line and two bars, the
     * values after the bars, the ratio on the right */
    double panel_h = 18 + 2 * (BAR_H + 4) + 10;
    double x0 = MARGIN + lw + 8, width = x0 + BAR_W + 125 + MARGIN;
    double height = MARGIN + (title ? 20 : 0) + (double)np * panel_h + MARGIN;
    svg_begin(fp, width, height, title ? title : "Reported numbers compared");
    double y = MARGIN;
    if (title) {
        svg_text(fp, MARGIN, MARGIN + 12, NULL, "font-size=\"13\" font-weight=\"bold\"", title, 0);
        y += 20;
    }
    svg_out(fp, "<g font-size=\"%N\">\n", FONT);
    char head[512], vt[64], rt[64], lab[160];
    for (int pass = 1; pass <= 2; pass++) /* across-rows pairs first, then head-to-head */
        for (size_t r = 0; r < nr; r++) {
            if (drawable(t, r) != pass) continue;
            int pct = !strcmp(txt(t, r, "input"), "percent_change");
            double a = num(t, r, "a_value"), b = pass == 1 ? num(t, r, "b_value") : pct ? 0 : 1;
            double ratio = num(t, r, "value_ratio");
            const char *l = txt(t, r, "label"), *m = txt(t, r, "model"),
                       *e = txt(t, r, "exposure"), *ref = txt(t, r, "citation");
            if (!*ref) ref = txt(t, r, "ref");
            snprintf(head, sizeof head, "%s%s%s%s%s%s%s%s", *l ? l : txt(t, r, "outcome"),
                     *m || *e ? " (" : "", m, *m && *e ? ", " : "", e, *m || *e ? ")" : "",
                     *ref ? " - " : "", ref);
            svg_text(fp, MARGIN, y + 12, NULL, "class=\"cmp\" font-weight=\"bold\"", head, 0);
            double ya = y + 18, yb = ya + BAR_H + 4;
            double top = fmax(fabs(a), fabs(b));
            if (!(top > 0)) top = 1;
            const double v[2] = {a, b};
            const double yy[2] = {ya, yb};
            const char *who[2] = {txt(t, r, "a"), txt(t, r, "b")};
            for (int i = 0; i < 2; i++) {
                double w = BAR_W * fabs(v[i]) / top;
                const char *fill = i == 0 ? "#2166ac" : "#92c5de";
                svg_text(fp, x0 - 6, yy[i] + 11, "end", "class=\"bar-label\"", who[i], 24);
                svg_out(fp, "<rect class=\"bar\" x=\"%N\" y=\"%N\" width=\"%N\" height=\"%N\" "
                            "fill=\"%s\"/>\n",
                        x0, yy[i], w, BAR_H, fill);
                msum_fmt_num(v[i], 0, vt, sizeof vt);
                if (pct) snprintf(lab, sizeof lab, "%s%s %%", v[i] > 0 ? "+" : "", vt);
                else if (pass == 2 && i == 1) snprintf(lab, sizeof lab, "1 (reference)");
                else snprintf(lab, sizeof lab, "%s-fold", vt);
                if (pass == 2 && pct && i == 1) snprintf(lab, sizeof lab, "reference");
                svg_text(fp, x0 + w + 5, yy[i] + 11, NULL, "class=\"value\"", lab, 0);
            }
            msum_fmt_num(ratio, 3, rt, sizeof rt);
            snprintf(lab, sizeof lab, "%s×", rt);
            svg_text(fp, x0 + BAR_W + 95, ya + BAR_H + 6, "middle",
                     "class=\"ratio\" font-size=\"15\" font-weight=\"bold\"", lab, 0);
            y += panel_h;
        }
    svg_out(fp, "</g>\n");
    svg_end(fp);
    return ferror(fp) ? MSUM_EIO : MSUM_OK;
}
