/* Effect direction plot (Thomson & Thomas 2013, Systematic Reviews 2:95; revised by Hilton Boon
 * & Thomson 2021, Research Synthesis Methods 12:29-33; Cochrane Handbook chapter 12) and the
 * time-course grid, drawn from the effect_direction / domains / timecourse tables of
 * summarize.  Arrows: up = benefit, down = harm, left-right = no change or conflicting findings;
 * arrow size by the number of findings (EDP) or by the reported magnitude rank (time course);
 * colours from ColorBrewer RdBu (blue benefit, red harm), readable with the common colour-vision
 * deficiencies because the arrow's shape carries the direction too.
 */
#include "metasum/plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metasum/metasum.h"
#include "svg.h"
#include "text.h"

#define MARGIN 12.0
#define ROW_H 20.0
#define COL_W 100.0
#define C_BENEFIT "#2166ac"
#define C_HARM "#b2182b"
#define C_NONE "#666666"
#define C_UNRATED "#999999"

static const char *txt(const msum_table *t, size_t r, int c)
{
    const char *s = c >= 0 && !msum_table_is_na(t, r, (size_t)c) ? msum_table_text(t, r, (size_t)c)
                                                                  : NULL;
    return s ? s : "";
}

static double num(const msum_table *t, size_t r, int c)
{
    return c >= 0 ? msum_table_num(t, r, (size_t)c) : NAN;
}

typedef enum { A_UP, A_DOWN, A_SIDE, A_HOLLOW_UP, A_HOLLOW_DOWN, A_RING } arrow;

/* An arrow glyph centred at (x, y) with half-size s, a class and a tooltip. */
static void glyph(FILE *fp, arrow a, double x, double y, double s, const char *cls,
                  const char *tip)
{
    const char *fill = a == A_UP ? C_BENEFIT : a == A_DOWN ? C_HARM : a == A_SIDE ? C_NONE
                                                                                  : "none";
    const char *stroke = a == A_HOLLOW_UP || a == A_HOLLOW_DOWN || a == A_RING ? C_UNRATED
                                                                               : fill;
    svg_out(fp, "<g class=\"%s\">", cls);
    if (tip) {
        fputs("<title>", fp);
        msum_io_put_xml(fp, tip, 1);
        fputs("</title>", fp);
    }
    if (a == A_UP || a == A_HOLLOW_UP)
        svg_out(fp, "<polygon points=\"%N,%N ", x, y - s);
    else if (a == A_DOWN || a == A_HOLLOW_DOWN)
        svg_out(fp, "<polygon points=\"%N,%N ", x, y + s);
    if (a == A_UP || a == A_HOLLOW_UP) {
        svg_out(fp, "%N,%N ", x + s, y + s * 0.8);
        svg_out(fp, "%N,%N\"", x - s, y + s * 0.8);
    } else if (a == A_DOWN || a == A_HOLLOW_DOWN) {
        svg_out(fp, "%N,%N ", x + s, y - s * 0.8);
        svg_out(fp, "%N,%N\"", x - s, y - s * 0.8);
    } else if (a == A_SIDE) { /* two heads back to back: <> */
        svg_out(fp, "<polygon points=\"%N,%N ", x - 1.6 * s, y);
        svg_out(fp, "%N,%N ", x - 0.15 * s, y - s * 0.8);
        svg_out(fp, "%N,%N\"", x - 0.15 * s, y + s * 0.8);
        svg_out(fp, " fill=\"%s\"/>", fill);
        svg_out(fp, "<polygon points=\"%N,%N ", x + 1.6 * s, y);
        svg_out(fp, "%N,%N ", x + 0.15 * s, y - s * 0.8);
        svg_out(fp, "%N,%N\"", x + 0.15 * s, y + s * 0.8);
    } else {
        svg_out(fp, "<circle cx=\"%N\" cy=\"%N\" r=\"%N\"", x, y, s * 0.7);
    }
    svg_out(fp, " fill=\"%s\" stroke=\"%s\" stroke-width=\"1.5\"/></g>\n", fill, stroke);
}

/* Half-size of an EDP arrow: small for 1 finding, medium for 2-4, large for 5 or more. */
static double edp_size(double n)
{
    return n >= 5 ? 8 : n >= 2 ? 6 : 4;
}

static arrow edp_arrow(const char *dir)
{
    return !strcmp(dir, "benefit") ? A_UP : !strcmp(dir, "harm") ? A_DOWN
           : !strcmp(dir, "not rated") ? A_RING : A_SIDE;
}

/* Words of s on lines of at most w characters (at most 3 lines); returns the line count. */
static int wrap(const char *s, size_t w, char lines[3][64])
{
    int n = 0;
    lines[0][0] = '\0';
    for (const char *p = s; *p && n < 3;) {
        size_t len = strcspn(p, " ");
        size_t cur = strlen(lines[n]);
        size_t add = cur ? cur + 1 + len : len;
        if (cur && add > w) {
            if (++n == 3) break;
            lines[n][0] = '\0';
            cur = 0;
        }
        if (strlen(lines[n]) + len + 2 < 64)
            snprintf(lines[n] + cur, 64 - cur, "%s%.*s", cur ? " " : "", (int)len, p);
        p += len;
        while (*p == ' ') p++;
    }
    return n < 3 ? n + 1 : 3;
}

/* Domains in table order (the domains table when given, else first appearance). */
static size_t domain_list(const msum_table *edp, const msum_table *dom, const char **names)
{
    size_t nd = 0;
    if (dom) {
        int c = msum_table_col_index(dom, "domain");
        for (size_t r = 0; r < msum_table_nrows(dom); r++) names[nd++] = txt(dom, r, c);
        return nd;
    }
    int c = msum_table_col_index(edp, "domain");
    for (size_t r = 0; r < msum_table_nrows(edp); r++) {
        const char *d = txt(edp, r, c);
        size_t i = 0;
        while (i < nd && strcmp(names[i], d) != 0) i++;
        if (i == nd) names[nd++] = d;
    }
    return nd;
}

int msum_svg_effect_direction(FILE *fp, const msum_table *edp, const msum_table *dom,
                              const char *title)
{
    if (!fp || !edp) return MSUM_EINVAL;
    int cg = msum_table_col_index(edp, "group"), cr = msum_table_col_index(edp, "ref"),
        cd = msum_table_col_index(edp, "domain"), cn = msum_table_col_index(edp, "n_findings"),
        cdir = msum_table_col_index(edp, "direction"),
        co = msum_table_col_index(edp, "outcomes");
    if (cg < 0 || cr < 0 || cd < 0 || cn < 0 || cdir < 0) return MSUM_EINVAL;
    size_t nr = msum_table_nrows(edp);
    if (nr == 0) return MSUM_EDOM;
    const char **dn = malloc((nr + (dom ? msum_table_nrows(dom) : 0) + 1) * sizeof *dn);
    size_t *unit = malloc((nr + 1) * sizeof *unit);
    if (!dn || !unit) {
        free(dn);
        free(unit);
        return MSUM_ENOMEM;
    }
    size_t nd = domain_list(edp, dom, dn), nu = 0;
    /* units: consecutive rows of one group and ref */
    double gw = svg_text_w("Source-preparation", 0), rw = svg_text_w("Study", 0);
    for (size_t r = 0; r < nr; r++) {
        int same = r > 0 && !strcmp(txt(edp, r, cg), txt(edp, r - 1, cg)) &&
                   !strcmp(txt(edp, r, cr), txt(edp, r - 1, cr));
        unit[r] = same ? unit[r - 1] : nu++;
        gw = fmax(gw, svg_text_w(txt(edp, r, cg), 28));
        rw = fmax(rw, svg_text_w(txt(edp, r, cr), 24));
    }
    double x_ref = MARGIN + gw * 1.15 + 16, x0 = x_ref + rw * 1.15 + 16;
    int hl = 1;
    char lines[3][64];
    for (size_t d = 0; d < nd; d++) {
        int l = wrap(dn[d], 12, lines);
        if (l > hl) hl = l;
    }
    double top = MARGIN + (title ? 24 : 0), head = 14.0 * hl + 8, y0 = top + head;
    double width = x0 + (double)nd * COL_W + MARGIN;
    double foot_y = y0 + (double)nu * ROW_H + 6;
    double legend_y = foot_y + (dom ? 3 * 16.0 : 0) + 14;
    double legend_w = 560;
    if (width < MARGIN + legend_w) width = MARGIN + legend_w;
    double height = legend_y + 2 * 18 + MARGIN;
    svg_begin(fp, width, height, title ? title : "Effect direction plot");
    if (title) svg_text(fp, MARGIN, MARGIN + 14, NULL, "font-size=\"14\" font-weight=\"bold\"",
                        title, 0);
    svg_text(fp, MARGIN, y0 - 8, NULL, "font-weight=\"bold\"", "Source-preparation", 0);
    svg_text(fp, x_ref, y0 - 8, NULL, "font-weight=\"bold\"", "Study", 0);
    for (size_t d = 0; d < nd; d++) {
        int l = wrap(dn[d], 12, lines);
        double x = x0 + ((double)d + 0.5) * COL_W;
        for (int i = 0; i < l; i++)
            svg_text(fp, x, y0 - 8 - 14.0 * (l - 1 - i), "middle",
                     "class=\"domain\" font-weight=\"bold\"", lines[i], 0);
    }
    svg_out(fp, "<line x1=\"%N\" y1=\"%N\" x2=\"%N\" y2=\"%N\" stroke=\"#333333\"/>\n", MARGIN,
            y0 - 2, width - MARGIN, y0 - 2);
    /* alternate shading per group, the group's name on its first row */
    size_t u = 0, g = 0;
    for (size_t r = 0; r < nr; r++) {
        if (r > 0 && unit[r] == unit[r - 1]) continue;
        int newg = r == 0 || strcmp(txt(edp, r, cg), txt(edp, r - 1, cg)) != 0;
        if (newg && r > 0) g++;
        double y = y0 + (double)u * ROW_H;
        if (g % 2 == 0)
            svg_out(fp, "<rect x=\"%N\" y=\"%N\" width=\"%N\" height=\"%N\" fill=\"#f2f2f2\"/>\n",
                    MARGIN, y, width - 2 * MARGIN, ROW_H);
        if (newg) svg_text(fp, MARGIN + 2, y + 14, NULL, "class=\"group\"", txt(edp, r, cg), 28);
        svg_text(fp, x_ref, y + 14, NULL, "class=\"study\"", txt(edp, r, cr), 24);
        u++;
    }
    for (size_t r = 0; r < nr; r++) {
        size_t d = 0;
        while (d < nd && strcmp(dn[d], txt(edp, r, cd)) != 0) d++;
        if (d == nd) continue;
        double n = num(edp, r, cn);
        char tip[1200];
        snprintf(tip, sizeof tip, "%s, %s: %s (%g finding%s: %s)", txt(edp, r, cg),
                 txt(edp, r, cr), txt(edp, r, cdir), n, n == 1 ? "" : "s", txt(edp, r, co));
        glyph(fp, edp_arrow(txt(edp, r, cdir)), x0 + ((double)d + 0.5) * COL_W,
              y0 + (double)unit[r] * ROW_H + ROW_H / 2, edp_size(n), "edp", tip);
    }
    svg_out(fp, "<line x1=\"%N\" y1=\"%N\" x2=\"%N\" y2=\"%N\" stroke=\"#333333\"/>\n", MARGIN,
            foot_y - 4, width - MARGIN, foot_y - 4);
    if (dom) {
        int cb = msum_table_col_index(dom, "n_benefit"), ch = msum_table_col_index(dom, "n_harm"),
            cp = msum_table_col_index(dom, "sign_pval"), cdd = msum_table_col_index(dom, "domain");
        svg_text(fp, MARGIN, foot_y + 12, NULL, "font-weight=\"bold\"", "Benefit / harm", 0);
        svg_text(fp, MARGIN, foot_y + 28, NULL, "font-weight=\"bold\"", "Sign test p", 0);
        for (size_t r = 0; r < msum_table_nrows(dom); r++) {
            size_t d = 0;
            while (d < nd && strcmp(dn[d], txt(dom, r, cdd)) != 0) d++;
            double x = x0 + ((double)d + 0.5) * COL_W, p = num(dom, r, cp);
            char buf[64], pv[32];
            snprintf(buf, sizeof buf, "%g / %g", num(dom, r, cb), num(dom, r, ch));
            svg_text(fp, x, foot_y + 12, "middle", "class=\"votes\"", buf, 0);
            if (isnan(p)) snprintf(pv, sizeof pv, "-");
            else if (p < 0.001) snprintf(pv, sizeof pv, "<0.001");
            else msum_fmt_num(p, 2, pv, sizeof pv);
            svg_text(fp, x, foot_y + 28, "middle", "class=\"sign\"", pv, 0);
        }
    }
    /* legend: direction, then size */
    static const struct {
        arrow a;
        const char *what;
    } dirs[] = {{A_UP, "benefit"},
                {A_DOWN, "harm"},
                {A_SIDE, "no change / conflicting"},
                {A_RING, "not rated"}};
    double lx = MARGIN;
    for (size_t i = 0; i < 4; i++) {
        glyph(fp, dirs[i].a, lx + 10, legend_y, 6, "legend", NULL);
        svg_text(fp, lx + 24, legend_y + 4, NULL, NULL, dirs[i].what, 0);
        lx += 32 + svg_text_w(dirs[i].what, 0) * 1.1 + 14;
    }
    static const struct {
        double n;
        const char *what;
    } sizes[] = {{1, "1 finding"}, {2, "2-4 findings"}, {5, "5 or more"}};
    lx = MARGIN;
    for (size_t i = 0; i < 3; i++) {
        glyph(fp, A_UP, lx + 10, legend_y + 20, edp_size(sizes[i].n), "legend", NULL);
        svg_text(fp, lx + 24, legend_y + 24, NULL, NULL, sizes[i].what, 0);
        lx += 32 + svg_text_w(sizes[i].what, 0) * 1.1 + 14;
    }
    svg_text(fp, lx + 6, legend_y + 24, NULL, "fill=\"#555555\"",
             "a cell: >= 70 % of the findings agree", 0);
    svg_end(fp);
    free(dn);
    free(unit);
    return ferror(fp) ? MSUM_EIO : MSUM_OK;
}

/* ---- time course ------------------------------------------------------------------------- */

typedef struct {
    int src, prep, model, expo, oc, eff, unit, label, time, n, ben, harm, none, inc, dec, rank,
        trend, refs;
} tc_cols;

static int same_tc_set(const msum_table *t, const tc_cols *c, size_t a, size_t b)
{
    const int k[] = {c->src, c->prep, c->model, c->expo, c->eff, c->unit};
    for (size_t i = 0; i < sizeof k / sizeof k[0]; i++)
        if (strcmp(txt(t, a, k[i]), txt(t, b, k[i])) != 0) return 0;
    return 1;
}

static arrow tc_arrow(const msum_table *t, const tc_cols *c, size_t r, const char **what)
{
    double n = num(t, r, c->n), ben = num(t, r, c->ben), harm = num(t, r, c->harm),
           none = num(t, r, c->none), inc = num(t, r, c->inc), dec = num(t, r, c->dec);
    if (none == n) return *what = "no change", A_SIDE;
    if (!isnan(ben) && ben == n) return *what = "benefit", A_UP;
    if (!isnan(harm) && harm == n) return *what = "harm", A_DOWN;
    if (isnan(ben) && inc == n) return *what = "increase, not rated", A_HOLLOW_UP;
    if (isnan(ben) && dec == n) return *what = "decrease, not rated", A_HOLLOW_DOWN;
    return *what = "mixed", A_SIDE;
}

int msum_svg_timecourse(FILE *fp, const msum_table *t, const char *title)
{
    if (!fp || !t) return MSUM_EINVAL;
    tc_cols c = {
        msum_table_col_index(t, "source"), msum_table_col_index(t, "preparation"),
        msum_table_col_index(t, "model"), msum_table_col_index(t, "exposure"),
        msum_table_col_index(t, "outcome"), msum_table_col_index(t, "effect_of"),
        msum_table_col_index(t, "time_unit"), msum_table_col_index(t, "label"),
        msum_table_col_index(t, "time"), msum_table_col_index(t, "n_rows"),
        msum_table_col_index(t, "n_beneficial"), msum_table_col_index(t, "n_harmful"),
        msum_table_col_index(t, "n_no_change"), msum_table_col_index(t, "n_increase"),
        msum_table_col_index(t, "n_decrease"), msum_table_col_index(t, "magnitude_rank"),
        msum_table_col_index(t, "trend"), msum_table_col_index(t, "citation")};
    if (c.refs < 0) c.refs = msum_table_col_index(t, "refs");
    if (c.oc < 0 || c.time < 0 || c.n < 0 || c.src < 0 || c.unit < 0) return MSUM_EINVAL;
    size_t nr = msum_table_nrows(t);
    if (nr == 0) return MSUM_EDOM;
    /* per set: distinct times (columns) and outcomes (rows); layout pass, then drawing pass */
    double *times = malloc((nr + 1) * sizeof *times);
    char *seen = calloc(nr + 1, 1);
    if (!times || !seen) {
        free(times);
        free(seen);
        return MSUM_ENOMEM;
    }
    double lw = 0, maxcols = 0, height = MARGIN + (title ? 24 : 0);
    for (size_t r = 0; r < nr; r++) {
        const char *lab = txt(t, r, c.label);
        lw = fmax(lw, svg_text_w(*lab ? lab : txt(t, r, c.oc), 30));
    }
    for (size_t r0 = 0; r0 < nr; r0++) {
        if (seen[r0]) continue;
        size_t nt = 0, no = 0;
        for (size_t r = r0; r < nr; r++) {
            if (!same_tc_set(t, &c, r0, r)) continue;
            seen[r] = 1;
            size_t i = 0;
            while (i < nt && times[i] != num(t, r, c.time)) i++;
            if (i == nt) times[nt++] = num(t, r, c.time);
            if (r == r0 || strcmp(txt(t, r, c.oc), txt(t, r - 1, c.oc)) != 0) no++;
        }
        maxcols = fmax(maxcols, (double)nt);
        height += 22 + 18 + (double)no * ROW_H + 10;
    }
    double x0 = MARGIN + lw * 1.1 + 16, cw = 76, trend_w = 20;
    for (size_t r = 0; r < nr; r++)
        if (*txt(t, r, c.trend))
            trend_w = fmax(trend_w, 1.1 * svg_text_w(txt(t, r, c.unit), 0) +
                                        1.1 * svg_text_w("strengthens with ", 0) + 20);
    double width = fmax(x0 + maxcols * cw + trend_w + MARGIN, 470);
    double legend_y = height + 6;
    height = legend_y + 2 * 18 + MARGIN;
    svg_begin(fp, width, height, title ? title : "Time course");
    double y = MARGIN;
    if (title) {
        svg_text(fp, MARGIN, MARGIN + 14, NULL, "font-size=\"14\" font-weight=\"bold\"", title, 0);
        y += 24;
    }
    memset(seen, 0, nr + 1);
    char buf[512], num1[32];
    for (size_t r0 = 0; r0 < nr; r0++) {
        if (seen[r0]) continue;
        size_t nt = 0;
        for (size_t r = r0; r < nr; r++)
            if (same_tc_set(t, &c, r0, r)) {
                size_t i = 0;
                while (i < nt && times[i] != num(t, r, c.time)) i++;
                if (i == nt) times[nt++] = num(t, r, c.time);
            }
        for (size_t i = 1; i < nt; i++) /* few: insertion sort */
            for (size_t j = i; j > 0 && times[j - 1] > times[j]; j--) {
                double x = times[j];
                times[j] = times[j - 1];
                times[j - 1] = x;
            }
        const char *s = txt(t, r0, c.src), *p = txt(t, r0, c.prep), *m = txt(t, r0, c.model),
                   *e = txt(t, r0, c.expo), *refs = txt(t, r0, c.refs);
        int expo = !strcmp(txt(t, r0, c.eff), "exposure");
        snprintf(buf, sizeof buf, "%s%s%s%s%s%s%s%s%s%s", expo ? e : s, expo ? " alone" : "",
                 !expo && *s && *p ? "-" : "", expo ? "" : p, *m ? " in " : "", m,
                 *e && !expo ? " after " : "", expo ? "" : e, *refs ? " - " : "", refs);
        svg_text(fp, MARGIN, y + 16, NULL, "class=\"set\" font-weight=\"bold\"", buf, 0);
        y += 22;
        for (size_t i = 0; i < nt; i++) {
            msum_fmt_num(times[i], 0, num1, sizeof num1);
            snprintf(buf, sizeof buf, "%s %s", txt(t, r0, c.unit), num1);
            svg_text(fp, x0 + ((double)i + 0.5) * cw, y + 12, "middle", "class=\"time\"", buf, 0);
        }
        y += 18;
        size_t orow = 0;
        for (size_t r = r0; r < nr; r++) {
            if (!same_tc_set(t, &c, r0, r)) continue;
            seen[r] = 1;
            int first = r == r0 || strcmp(txt(t, r, c.oc), txt(t, r - 1, c.oc)) != 0 ||
                        !same_tc_set(t, &c, r, r - 1);
            if (first && r != r0) orow++;
            double yy = y + (double)orow * ROW_H;
            if (first) {
                if (orow % 2 == 0)
                    svg_out(fp, "<rect x=\"%N\" y=\"%N\" width=\"%N\" height=\"%N\" "
                                "fill=\"#f2f2f2\"/>\n",
                            MARGIN, yy, x0 - MARGIN + (double)nt * cw, ROW_H);
                const char *lab = txt(t, r, c.label);
                svg_text(fp, MARGIN + 2, yy + 14, NULL, "class=\"outcome\"",
                         *lab ? lab : txt(t, r, c.oc), 30);
                const char *tr = txt(t, r, c.trend);
                if (*tr) {
                    snprintf(buf, sizeof buf, "%s with %s", tr, txt(t, r, c.unit));
                    svg_text(fp, x0 + (double)nt * cw + 8, yy + 14, NULL,
                             "class=\"trend\" font-style=\"italic\"", buf, 0);
                }
            }
            size_t i = 0;
            while (i < nt && times[i] != num(t, r, c.time)) i++;
            const char *what;
            arrow a = tc_arrow(t, &c, r, &what);
            double rk = num(t, r, c.rank), sz = isnan(rk) ? 6 : fmax(3, 9 - 2 * (rk - 1));
            char tip[512], rks[32];
            msum_fmt_num(rk, 0, rks, sizeof rks);
            msum_fmt_num(times[i < nt ? i : 0], 0, num1, sizeof num1);
            snprintf(tip, sizeof tip, "%.60s %s: %s%s%s", txt(t, r, c.unit), num1, what,
                     isnan(rk) ? "" : ", magnitude rank ", isnan(rk) ? "" : rks);
            glyph(fp, a, x0 + ((double)i + 0.5) * cw, yy + ROW_H / 2, sz, "tc", tip);
        }
        y += (double)(orow + 1) * ROW_H + 10;
    }
    static const struct {
        arrow a;
        const char *what;
    } leg[] = {{A_UP, "benefit"}, {A_DOWN, "harm"}, {A_SIDE, "no change"},
               {A_HOLLOW_DOWN, "measured direction, not rated"}};
    double lx = MARGIN;
    for (size_t i = 0; i < 4; i++) {
        double ly = legend_y + (i == 3 ? 18 : 0);
        if (i == 3) lx = MARGIN;
        glyph(fp, leg[i].a, lx + 10, ly + 6, 6, "legend", NULL);
        svg_text(fp, lx + 24, ly + 10, NULL, NULL, leg[i].what, 0);
        lx += 32 + svg_text_w(leg[i].what, 0) * 1.1 + 14;
    }
    int ranked = 0;
    for (size_t r = 0; r < nr; r++) ranked |= !isnan(num(t, r, c.rank));
    if (ranked)
        svg_text(fp, lx + 6, legend_y + 28, NULL, "fill=\"#555555\"",
                 "size: magnitude rank (1 = largest)", 0);
    svg_end(fp);
    free(times);
    free(seen);
    return ferror(fp) ? MSUM_EIO : MSUM_OK;
}
