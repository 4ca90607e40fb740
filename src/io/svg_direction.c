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

/* The effect direction plot is drawn compact, at 11 px, so that it fits beside other plots on
 * a report's first screen: 16 px rows, each domain column as narrow as its name wrapped on
 * at most three lines, the legend flowing on as few lines as the width allows. */
#define EDP_FONT 11.0
#define EDP_ROW 16.0
#define EDP_LINE 12.0
#define EDP_PAD 8.0

/* Width at the plot's font size, measured for the wider of the common sans-serif faces
 * (DejaVu Sans, about 15 % wider than Helvetica; its bold 25 %), so that columns never
 * overlap whichever face renders the plot. */
static double edp_w(const char *s, size_t max_cp, int bold)
{
    return svg_text_w(s, max_cp) * EDP_FONT / SVG_FONT_SIZE * (bold ? 1.25 : 1.15);
}

/* Width of a domain's header line, drawn bold at 10 px. */
static double head_w(const char *s)
{
    return edp_w(s, 0, 1) * 10.0 / EDP_FONT;
}

/* Half-size of an EDP arrow: small for 1 finding, medium for 2-4, large for 5 or more. */
static double edp_size(double n)
{
    return n >= 5 ? 6.5 : n >= 2 ? 5 : 3.5;
}

static arrow edp_arrow(const char *dir)
{
    return !strcmp(dir, "benefit") ? A_UP : !strcmp(dir, "harm") ? A_DOWN
           : !strcmp(dir, "not rated") ? A_RING : A_SIDE;
}

/* Words of s on lines of at most w characters (a longer word gets a line of its own); the
 * first 3 lines go to lines[], the count of lines needed is returned. */
static int wrap(const char *s, size_t w, char lines[3][64])
{
    int n = 0;
    size_t cur = 0;
    for (int i = 0; i < 3; i++) lines[i][0] = '\0';
    for (const char *p = s; *p;) {
        size_t len = strcspn(p, " ");
        if (cur && cur + 1 + len > w) {
            n++;
            cur = 0;
        }
        if (n < 3 && cur + len + 2 < 64)
            snprintf(lines[n] + cur, 64 - cur, "%s%.*s", cur ? " " : "", (int)len, p);
        cur += (cur ? 1 : 0) + len;
        p += len;
        while (*p == ' ') p++;
    }
    return n + 1;
}

/* A domain's header on the fewest characters per line that needs at most 3 lines; returns the
 * line count and sets *w to the widest line in px. */
static int domain_head(const char *name, char lines[3][64], double *w)
{
    size_t len = strlen(name), cp = 4, widest = 0;
    while (cp < len && wrap(name, cp, lines) > 3) cp++;
    int l = wrap(name, cp, lines);
    for (int i = 0; i < l && i < 3; i++) /* as few lines as the widest one allows */
        if (strlen(lines[i]) > widest) widest = strlen(lines[i]);
    if (widest > cp) l = wrap(name, widest, lines);
    if (l > 3) l = 3;
    *w = 0;
    for (int i = 0; i < l; i++) *w = fmax(*w, head_w(lines[i]));
    return l;
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

/* The sign test p as printed under a domain. */
static void sign_text(double p, char *pv, size_t size)
{
    if (isnan(p)) snprintf(pv, size, "-");
    else if (p < 0.001) snprintf(pv, size, "<0.001");
    else msum_fmt_num(p, 2, pv, size);
}

/* A legend item: a glyph of half-size s and its text, or (s = 0) a note in grey. */
typedef struct {
    arrow a;
    double s;
    const char *what;
} legend_item;

/* The EDP's legend: the directions, the sizes, the 70 % rule. */
static const legend_item edp_legend[] = {
    {A_UP, 5, "benefit"},     {A_DOWN, 5, "harm"},         {A_SIDE, 5, "no change / conflicting"},
    {A_RING, 5, "not rated"}, {A_UP, 3.5, "1 finding"},    {A_UP, 5, "2-4 findings"},
    {A_UP, 6.5, "5 or more"}, {A_UP, 0, "a cell: at least 70 % of its findings agree"}};

/* Lays n legend items out left to right in a width, on as many lines as needed (draws them
 * when fp is given); returns the number of lines. */
static int legend_flow(FILE *fp, const legend_item *it, size_t n, double width, double y)
{
    double lx = MARGIN;
    int lines = 1;
    for (size_t i = 0; i < n; i++) {
        double iw = (it[i].s > 0 ? 22 : 0) + edp_w(it[i].what, 0, 0) + 16;
        if (lx > MARGIN && lx + iw > width - MARGIN) {
            lx = MARGIN;
            lines++;
        }
        double yy = y + (lines - 1) * EDP_ROW;
        if (fp && it[i].s > 0) {
            glyph(fp, it[i].a, lx + 8, yy, it[i].s, "legend", NULL);
            svg_text(fp, lx + 22, yy + 4, NULL, NULL, it[i].what, 0);
        } else if (fp) {
            svg_text(fp, lx, yy + 4, NULL, "fill=\"#555555\"", it[i].what, 0);
        }
        lx += iw;
    }
    return lines;
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
    size_t ndmax = nr + (dom ? msum_table_nrows(dom) : 0) + 1;
    const char **dn = malloc(ndmax * sizeof *dn);
    size_t *unit = malloc((nr + 1) * sizeof *unit);
    double *cx = malloc(ndmax * sizeof *cx), *cw = malloc(ndmax * sizeof *cw);
    if (!dn || !unit || !cx || !cw) {
        free(dn);
        free(unit);
        free(cx);
        free(cw);
        return MSUM_ENOMEM;
    }
    size_t nd = domain_list(edp, dom, dn), nu = 0;
    /* units: consecutive rows of one group and ref */
    double gw = edp_w("Treatment", 0, 1), rw = edp_w("Study", 0, 1);
    for (size_t r = 0; r < nr; r++) {
        int same = r > 0 && !strcmp(txt(edp, r, cg), txt(edp, r - 1, cg)) &&
                   !strcmp(txt(edp, r, cr), txt(edp, r - 1, cr));
        unit[r] = same ? unit[r - 1] : nu++;
        gw = fmax(gw, edp_w(txt(edp, r, cg), 28, 0));
        rw = fmax(rw, edp_w(txt(edp, r, cr), 24, 0));
    }
    /* columns: each domain as wide as its wrapped name, its footer and its largest arrow */
    int cdd = dom ? msum_table_col_index(dom, "domain") : -1;
    int hl = 1;
    char lines[3][64];
    for (size_t d = 0; d < nd; d++) {
        double w;
        int l = domain_head(dn[d], lines, &w);
        if (l > hl) hl = l;
        cw[d] = fmax(w, 2 * 1.6 * edp_size(5));
    }
    for (size_t r = 0; dom && r < msum_table_nrows(dom); r++) {
        size_t d = 0;
        while (d < nd && strcmp(dn[d], txt(dom, r, cdd)) != 0) d++;
        if (d == nd) continue;
        char buf[64];
        sign_text(num(dom, r, msum_table_col_index(dom, "sign_pval")), buf, sizeof buf);
        cw[d] = fmax(cw[d], edp_w(buf, 0, 0));
        snprintf(buf, sizeof buf, "%g / %g", num(dom, r, msum_table_col_index(dom, "n_benefit")),
                 num(dom, r, msum_table_col_index(dom, "n_harm")));
        cw[d] = fmax(cw[d], edp_w(buf, 0, 0));
    }
    double x_ref = MARGIN + 2 + gw + EDP_PAD, x0 = x_ref + fmax(rw, edp_w("Sign test p", 0, 1) -
                                                                     gw - EDP_PAD) + EDP_PAD;
    double x = x0;
    for (size_t d = 0; d < nd; d++) {
        cw[d] += EDP_PAD;
        cx[d] = x + cw[d] / 2;
        x += cw[d];
    }
    double width = fmax(x + MARGIN, 360);
    double top = MARGIN + (title ? 20 : 0), y0 = top + EDP_LINE * hl + 6;
    double foot_y = y0 + (double)nu * EDP_ROW + 4;
    double legend_y = foot_y + (dom ? 2 * 14.0 : 0) + 14;
    int nleg = legend_flow(NULL, edp_legend, sizeof edp_legend / sizeof *edp_legend, width, 0);
    double height = legend_y + (nleg - 1) * EDP_ROW + 8 + MARGIN;
    svg_begin(fp, width, height, title ? title : "Effect direction plot");
    if (title) svg_text(fp, MARGIN, MARGIN + 12, NULL, "font-size=\"13\" font-weight=\"bold\"",
                        title, 0);
    svg_out(fp, "<g font-size=\"%N\">\n", EDP_FONT);
    svg_text(fp, MARGIN, y0 - 6, NULL, "font-weight=\"bold\"", "Treatment", 0);
    svg_text(fp, x_ref, y0 - 6, NULL, "font-weight=\"bold\"", "Study", 0);
    for (size_t d = 0; d < nd; d++) {
        double w;
        int l = domain_head(dn[d], lines, &w);
        for (int i = 0; i < l; i++)
            svg_text(fp, cx[d], y0 - 6 - EDP_LINE * (l - 1 - i), "middle",
                     "class=\"domain\" font-size=\"10\" font-weight=\"bold\"", lines[i], 0);
    }
    svg_out(fp, "<line x1=\"%N\" y1=\"%N\" x2=\"%N\" y2=\"%N\" stroke=\"#333333\"/>\n", MARGIN,
            y0 - 2, width - MARGIN, y0 - 2);
    /* alternate shading per group, the group's name on its first row */
    size_t u = 0, g = 0;
    for (size_t r = 0; r < nr; r++) {
        if (r > 0 && unit[r] == unit[r - 1]) continue;
        int newg = r == 0 || strcmp(txt(edp, r, cg), txt(edp, r - 1, cg)) != 0;
        if (newg && r > 0) g++;
        double y = y0 + (double)u * EDP_ROW;
        if (g % 2 == 0)
            svg_out(fp, "<rect x=\"%N\" y=\"%N\" width=\"%N\" height=\"%N\" fill=\"#f2f2f2\"/>\n",
                    MARGIN, y, width - 2 * MARGIN, EDP_ROW);
        if (newg) svg_text(fp, MARGIN + 2, y + 12, NULL, "class=\"group\"", txt(edp, r, cg), 28);
        svg_text(fp, x_ref, y + 12, NULL, "class=\"study\"", txt(edp, r, cr), 24);
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
        glyph(fp, edp_arrow(txt(edp, r, cdir)), cx[d],
              y0 + (double)unit[r] * EDP_ROW + EDP_ROW / 2 + 1, edp_size(n), "edp", tip);
    }
    svg_out(fp, "<line x1=\"%N\" y1=\"%N\" x2=\"%N\" y2=\"%N\" stroke=\"#333333\"/>\n", MARGIN,
            foot_y - 4, width - MARGIN, foot_y - 4);
    if (dom) {
        int cb = msum_table_col_index(dom, "n_benefit"), ch = msum_table_col_index(dom, "n_harm"),
            cp = msum_table_col_index(dom, "sign_pval");
        svg_text(fp, MARGIN, foot_y + 10, NULL, "font-weight=\"bold\"", "Benefit / harm", 0);
        svg_text(fp, MARGIN, foot_y + 24, NULL, "font-weight=\"bold\"", "Sign test p", 0);
        for (size_t r = 0; r < msum_table_nrows(dom); r++) {
            size_t d = 0;
            while (d < nd && strcmp(dn[d], txt(dom, r, cdd)) != 0) d++;
            if (d == nd) continue;
            char buf[64], pv[32];
            snprintf(buf, sizeof buf, "%g / %g", num(dom, r, cb), num(dom, r, ch));
            svg_text(fp, cx[d], foot_y + 10, "middle", "class=\"votes\"", buf, 0);
            sign_text(num(dom, r, cp), pv, sizeof pv);
            svg_text(fp, cx[d], foot_y + 24, "middle", "class=\"sign\"", pv, 0);
        }
    }
    legend_flow(fp, edp_legend, sizeof edp_legend / sizeof *edp_legend, width, legend_y);
    svg_out(fp, "</g>\n");
    svg_end(fp);
    free(dn);
    free(unit);
    free(cx);
    free(cw);
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

/* The time course's legend; the size note only when some finding has a magnitude rank. */
static const legend_item tc_legend[] = {{A_UP, 5, "benefit"},
                                        {A_DOWN, 5, "harm"},
                                        {A_SIDE, 5, "no change"},
                                        {A_HOLLOW_DOWN, 5, "not rated"},
                                        {A_UP, 0, "size: magnitude rank (1 = largest)"}};

/* The time course, compact like the EDP (11 px, 16 px rows): per set of source, preparation,
 * model and exposure a title line, a header row with the time unit on the left and the time
 * points as columns, then one row per outcome with an arrow per time point and the trend
 * ("weakens", "strengthens") after the last. */
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
    char buf[512], num1[32];
    double lw = 0, maxcols = 0, cw = 28, setw = 0, height = MARGIN + (title ? 20 : 0);
    int ranked = 0;
    for (size_t r = 0; r < nr; r++) {
        const char *lab = txt(t, r, c.label);
        lw = fmax(lw, edp_w(*lab ? lab : txt(t, r, c.oc), 30, 0));
        lw = fmax(lw, edp_w(txt(t, r, c.unit), 30, 0));
        msum_fmt_num(num(t, r, c.time), 0, num1, sizeof num1);
        cw = fmax(cw, edp_w(num1, 0, 0) + 12);
        ranked |= !isnan(num(t, r, c.rank));
    }
    /* the title line of a set: "ADSC-Ex in SD rat after UVB - Liang2020 [28]" */
#define SET_TITLE(r0)                                                                            \
    do {                                                                                         \
        const char *s_ = txt(t, r0, c.src), *p_ = txt(t, r0, c.prep), *m_ = txt(t, r0, c.model), \
                   *e_ = txt(t, r0, c.expo), *refs_ = txt(t, r0, c.refs);                        \
        int expo_ = !strcmp(txt(t, r0, c.eff), "exposure");                                      \
        snprintf(buf, sizeof buf, "%s%s%s%s%s%s%s%s%s%s", expo_ ? e_ : s_,                       \
                 expo_ ? " alone" : "", !expo_ && *s_ && *p_ ? "-" : "", expo_ ? "" : p_,        \
                 *m_ ? " in " : "", m_, *e_ && !expo_ ? " after " : "", expo_ ? "" : e_,         \
                 *refs_ ? " - " : "", refs_);                                                    \
    } while (0)
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
        SET_TITLE(r0);
        setw = fmax(setw, edp_w(buf, 0, 1));
        maxcols = fmax(maxcols, (double)nt);
        height += 18 + 14 + (double)no * EDP_ROW + 8;
    }
    double x0 = MARGIN + lw + 12, trend_w = 8;
    for (size_t r = 0; r < nr; r++)
        if (*txt(t, r, c.trend)) trend_w = fmax(trend_w, edp_w(txt(t, r, c.trend), 0, 0) + 16);
    double width = fmax(fmax(x0 + maxcols * cw + trend_w, MARGIN + setw) + MARGIN, 300);
    double legend_y = height + 10;
    size_t nlegend = sizeof tc_legend / sizeof *tc_legend - (ranked ? 0 : 1);
    int nleg = legend_flow(NULL, tc_legend, nlegend, width, 0);
    height = legend_y + (nleg - 1) * EDP_ROW + 8 + MARGIN;
    svg_begin(fp, width, height, title ? title : "Time course");
    double y = MARGIN;
    if (title) {
        svg_text(fp, MARGIN, MARGIN + 12, NULL, "font-size=\"13\" font-weight=\"bold\"", title, 0);
        y += 20;
    }
    svg_out(fp, "<g font-size=\"%N\">\n", EDP_FONT);
    memset(seen, 0, nr + 1);
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
        SET_TITLE(r0);
        svg_text(fp, MARGIN, y + 13, NULL, "class=\"set\" font-weight=\"bold\"", buf, 0);
        y += 18;
        svg_text(fp, x0 - 8, y + 10, "end", "class=\"unit\" fill=\"#555555\"",
                 txt(t, r0, c.unit), 30);
        for (size_t i = 0; i < nt; i++) {
            msum_fmt_num(times[i], 0, num1, sizeof num1);
            svg_text(fp, x0 + ((double)i + 0.5) * cw, y + 10, "middle", "class=\"time\"", num1,
                     0);
        }
        y += 14;
        size_t orow = 0;
        for (size_t r = r0; r < nr; r++) {
            if (!same_tc_set(t, &c, r0, r)) continue;
            seen[r] = 1;
            int first = r == r0 || strcmp(txt(t, r, c.oc), txt(t, r - 1, c.oc)) != 0 ||
                        !same_tc_set(t, &c, r, r - 1);
            if (first && r != r0) orow++;
            double yy = y + (double)orow * EDP_ROW;
            if (first) {
                if (orow % 2 == 0)
                    svg_out(fp, "<rect x=\"%N\" y=\"%N\" width=\"%N\" height=\"%N\" "
                                "fill=\"#f2f2f2\"/>\n",
                            MARGIN, yy, x0 - MARGIN + (double)nt * cw, EDP_ROW);
                const char *lab = txt(t, r, c.label);
                svg_text(fp, MARGIN + 2, yy + 12, NULL, "class=\"outcome\"",
                         *lab ? lab : txt(t, r, c.oc), 30);
                const char *tr = txt(t, r, c.trend);
                if (*tr)
                    svg_text(fp, x0 + (double)nt * cw + 8, yy + 12, NULL,
                             "class=\"trend\" font-style=\"italic\"", tr, 0);
            }
            size_t i = 0;
            while (i < nt && times[i] != num(t, r, c.time)) i++;
            const char *what;
            arrow a = tc_arrow(t, &c, r, &what);
            double rk = num(t, r, c.rank), sz = isnan(rk) ? 5 : fmax(2.5, 6.5 - 1.5 * (rk - 1));
            char tip[512], rks[32];
            msum_fmt_num(rk, 0, rks, sizeof rks);
            msum_fmt_num(times[i < nt ? i : 0], 0, num1, sizeof num1);
            snprintf(tip, sizeof tip, "%.60s %s: %s%s%s%s%s", txt(t, r, c.unit), num1, what,
                     isnan(rk) ? "" : ", magnitude rank ", isnan(rk) ? "" : rks,
                     *txt(t, r, c.trend) ? "; the effect " : "", txt(t, r, c.trend));
            glyph(fp, a, x0 + ((double)i + 0.5) * cw, yy + EDP_ROW / 2 + 1, sz, "tc", tip);
        }
        y += (double)(orow + 1) * EDP_ROW + 8;
    }
#undef SET_TITLE
    legend_flow(fp, tc_legend, nlegend, width, legend_y);
    svg_out(fp, "</g>\n");
    svg_end(fp);
    free(times);
    free(seen);
    return ferror(fp) ? MSUM_EIO : MSUM_OK;
}
