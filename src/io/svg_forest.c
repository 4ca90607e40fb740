/* Forest plot as SVG: one row per study (data columns, CI line, square with area proportional to
 * the weight), pooled diamonds with prediction intervals and the heterogeneity and overall-effect
 * lines under them, optional subgroup blocks with the test for subgroup differences, a reference
 * line at the null, ratio tick labels on a log axis, favours labels (the layout of metafor's
 * forest.rma, Viechtbauer 2010, and of RevMan / R meta's forest.meta, Schwarzer 2007). */
#include "metasum/plot.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "metasum/metasum.h"
#include "metasum/transf.h"
#include "svg.h"
#include "text.h"

#define PITCH MSUM_FOREST_ROW_PITCH
#define MARGIN 12.0
#define PLOT_W 320.0
#define LABEL_MAX 48 /* characters per label line; longer labels wrap */
#define WRAP_LINES 3 /* label lines at most; the last one ends in "…" (full text in a tooltip) */
#define NOTE_SIZE 11.0
#define COL_GAP 14.0

typedef enum { ROW_STUDY, ROW_HEAD, ROW_POOLED, ROW_GAP, ROW_NOTE } row_kind;

/* Text lines under pooled rows and at the end. */
typedef enum { NOTE_HET, NOTE_TEST, NOTE_PI, NOTE_SUBGROUPS, NOTE_SUMMARY } note_kind;

typedef struct {
    row_kind kind;
    size_t study;                 /* ROW_STUDY */
    const char *label;            /* ROW_HEAD, ROW_POOLED */
    const msum_plot_pooled *pool; /* ROW_POOLED, ROW_NOTE of a pooled row */
    int overall;                  /* ROW_POOLED: an overall (not subgroup) diamond */
    note_kind note;               /* ROW_NOTE */
    size_t lines;                 /* height in row pitches (wrapped labels) */
    double y;                     /* top of the row */
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
    if (d->transf.measure) return msum_measure_transf_n(d->transf.measure, v, d->transf.n);
    return d->log_scale == 1 ? exp(v) : d->log_scale == 2 ? tanh(v) : v;
}

/* Fixed decimals with a typographic minus (U+2212) for negative values. */
static char *num(double v, int dec, char *buf, size_t size)
{
    char t[48];
    msum_io_fixed(v, dec, t, sizeof t);
    size_t n = strlen(t), pre = t[0] == '-' ? 3 : 0, skip = pre ? 1 : 0;
    if (size < 4 || n - skip + pre >= size) return strncpy(buf, "NA", size); /* never here */
    memcpy(buf, "\xe2\x88\x92", pre);
    memcpy(buf + pre, t + skip, n - skip + 1);
    return buf;
}

/* "p < 0.001" or "p = 0.039". */
static char *p_text(double p, char *buf, size_t size)
{
    char t[24];
    if (p < 0.001) snprintf(buf, size, "p < 0.001");
    else snprintf(buf, size, "p = %s", msum_io_fixed(p, 3, t, sizeof t));
    return buf;
}

static int decimals(const msum_forest_data *d)
{
    return d->digits > 0 ? d->digits : 2;
}

/* "est [lb, ub]" on the display scale with fixed decimals; NA when est is missing. */
static void est_text(const msum_forest_data *d, double est, double lb, double ub, char *out,
                     size_t size)
{
    int dec = decimals(d);
    char a[40], b[40], c[40];
    if (!isfinite(est)) {
        snprintf(out, size, "NA");
        return;
    }
    num(shown(d, est), dec, a, sizeof a);
    if (isfinite(lb) && isfinite(ub))
        snprintf(out, size, "%s [%s, %s]", a, num(shown(d, lb), dec, b, sizeof b),
                 num(shown(d, ub), dec, c, sizeof c));
    else
        snprintf(out, size, "%s", a);
}

/* The text of a note row ("" when its numbers are missing). */
static void note_text(const msum_forest_data *d, const row *r, char *out, size_t size)
{
    const msum_plot_pooled *p = r->pool;
    char a[64], b[64], c[64], e[96];
    int dec = decimals(d);
    out[0] = '\0';
    switch (r->note) {
    case NOTE_HET:
        if (!isfinite(p->Q)) return;
        if (isfinite(p->tau2)) {
            /* a small positive tau2 keeps two significant digits instead of printing 0.00 */
            if (p->tau2 > 0 && p->tau2 < 0.5 * pow(10, -dec)) msum_fmt_num(p->tau2, 2, a, sizeof a);
            else num(p->tau2, dec, a, sizeof a);
            snprintf(e, sizeof e, "\xcf\x84\xc2\xb2 = %s; ", a);
        } else {
            e[0] = '\0';
        }
        snprintf(out, size, "Heterogeneity: %sQ = %s, df = %s (%s)", e, num(p->Q, 2, b, sizeof b),
                 msum_io_fixed(p->Q_df, 0, c, sizeof c), p_text(p->Q_p, a, sizeof a));
        if (isfinite(p->I2)) {
            size_t n = strlen(out);
            snprintf(out + n, size - n, "; I\xc2\xb2 = %s%%", msum_io_fixed(p->I2, 0, a, sizeof a));
        }
        return;
    case NOTE_TEST:
        if (!isfinite(p->stat)) return;
        if (isfinite(p->stat_df))
            snprintf(out, size, "Test for overall effect: t = %s, df = %s (%s)",
                     num(p->stat, 2, a, sizeof a), msum_io_fixed(p->stat_df, 0, b, sizeof b),
                     p_text(p->pval, c, sizeof c));
        else
            snprintf(out, size, "Test for overall effect: z = %s (%s)", num(p->stat, 2, a, sizeof a),
                     p_text(p->pval, c, sizeof c));
        return;
    case NOTE_PI:
        if (!isfinite(p->pi_lb) || !isfinite(p->pi_ub)) return;
        e[0] = '\0';
        if (p->level > 0 && p->level < 1) {
            msum_fmt_num(100 * p->level, 6, c, sizeof c);
            snprintf(e, sizeof e, "%s%% ", c);
        }
        snprintf(out, size, "%sprediction interval: [%s, %s]", e,
                 num(shown(d, p->pi_lb), dec, a, sizeof a), num(shown(d, p->pi_ub), dec, b, sizeof b));
        if (e[0] == '\0') out[0] = 'P';
        return;
    case NOTE_SUBGROUPS:
        snprintf(out, size, "Test for subgroup differences: Q = %s, df = %s (%s)",
                 num(d->sg_Q, 2, a, sizeof a), msum_io_fixed(d->sg_df, 0, b, sizeof b),
                 p_text(d->sg_p, c, sizeof c));
        return;
    case NOTE_SUMMARY:
        snprintf(out, size, "%zu studies: the summary rows only (study rows are drawn for at most "
                 "%d studies)", d->k, MSUM_FOREST_MAX_STUDIES);
        return;
    }
}

/* Split a label into lines of at most LABEL_MAX code points, at spaces where there is one, into
 * WRAP_LINES lines at most (the last one takes the rest).  Byte offsets and lengths. */
static size_t wrap(const char *s, size_t *off, size_t *len)
{
    size_t n = 0, start = 0, total = strlen(s);
    while (n < WRAP_LINES) {
        if (n == WRAP_LINES - 1 || msum_io_utf8_len(s + start) <= LABEL_MAX) {
            off[n] = start;
            len[n++] = total - start;
            break;
        }
        size_t p = start, cps = 0, brk = 0;
        uint32_t cp;
        while (s[p] && cps < LABEL_MAX) {
            size_t b = msum_io_utf8_next(s + p, &cp);
            if (cp == ' ' && p > start) brk = p;
            p += b;
            cps++;
        }
        if (s[p] == ' ') brk = p;
        size_t end = brk > start ? brk : p;
        off[n] = start;
        len[n++] = end - start;
        start = end;
        while (s[start] == ' ') start++;
        if (!s[start]) break;
    }
    return n;
}

static size_t wrap_count(const char *s)
{
    size_t off[WRAP_LINES], len[WRAP_LINES];
    return wrap(s, off, len);
}

static const char *row_label(const msum_forest_data *d, const row *r)
{
    const char *s = r->kind == ROW_STUDY ? (d->labels ? d->labels[r->study] : NULL) : r->label;
    return s ? s : "";
}

/* Width of the widest line of a wrapped label. */
static double label_width(const char *s)
{
    size_t off[WRAP_LINES], len[WRAP_LINES], n = wrap(s, off, len);
    double w = 0;
    for (size_t i = 0; i < n; i++) {
        char *t = strndup(s + off[i], len[i]);
        double x = t ? svg_text_w(t, LABEL_MAX) : 0;
        free(t);
        if (x > w) w = x;
    }
    return w;
}

/* The label's lines, the first baseline at y (with class "row": one per row), the last line
 * shortened with a tooltip. */
static void label_lines(FILE *fp, double x, double y, const char *attrs, const char *s)
{
    size_t off[WRAP_LINES], len[WRAP_LINES], n = wrap(s, off, len);
    char first[96];
    snprintf(first, sizeof first, "class=\"row\"%s%s", attrs ? " " : "", attrs ? attrs : "");
    for (size_t i = 0; i < n; i++) {
        char *t = strndup(s + off[i], len[i]);
        if (!t) return;
        svg_text(fp, x, y + (double)i * PITCH, NULL, i ? attrs : first, t,
                 i + 1 == n ? LABEL_MAX : 0);
        free(t);
    }
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

/* Ticks of a Fisher-z axis: 1-2-5 steps of the correlation, placed at atanh(r); the range
 * keeps the data where a tick would be at r = +-1. */
static size_t z_ticks(double *lo, double *hi, double *pos, char (*label)[32])
{
    double rl = tanh(*lo), rh = tanh(*hi), tp[SVG_MAX_TICKS];
    char tl[SVG_MAX_TICKS][32];
    size_t all = svg_ticks(&rl, &rh, 0, tp, tl), n = 0;
    for (size_t i = 0; i < all; i++)
        if (fabs(tp[i]) < 1 - 1e-12) {
            pos[n] = atanh(tp[i]);
            memcpy(label[n++], tl[i], 32);
        }
    if (n) {
        if (pos[0] < *lo) *lo = pos[0];
        if (pos[n - 1] > *hi) *hi = pos[n - 1];
    }
    return n;
}

static size_t ticks(const msum_forest_data *d, double *lo, double *hi, double *pos,
                    char (*label)[32])
{
    if (d->transf.measure)
        return svg_transf_ticks(lo, hi, d->transf.measure, d->transf.n, pos, label);
    if (d->log_scale == 2) return z_ticks(lo, hi, pos, label);
    return svg_ticks(lo, hi, d->log_scale == 1, pos, label);
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

typedef struct {
    double key;
    size_t i;
} keyed;

static int cmp_keyed(const void *pa, const void *pb)
{
    const keyed *a = pa, *b = pb;
    int na = isnan(a->key), nb = isnan(b->key);
    if (na != nb) return na - nb; /* missing keys last */
    if (!na && a->key != b->key) return a->key < b->key ? -1 : 1;
    return (a->i > b->i) - (a->i < b->i); /* stable */
}

/* Study indices in drawing order (NULL on allocation failure). */
static size_t *study_order(const msum_forest_data *d)
{
    size_t *ord = malloc((d->k + 1) * sizeof *ord);
    keyed *kv = malloc((d->k + 1) * sizeof *kv);
    if (!ord || !kv) {
        free(ord);
        free(kv);
        return NULL;
    }
    for (size_t i = 0; i < d->k; i++) {
        double key = 0;
        if (d->sort == MSUM_FOREST_SORT_EFFECT) key = d->yi[i];
        else if (d->sort == MSUM_FOREST_SORT_WEIGHT)
            key = d->weights && isfinite(d->weights[i]) ? -d->weights[i] : NAN;
        else if (d->sort == MSUM_FOREST_SORT_KEY)
            key = d->sort_key && isfinite(d->sort_key[i]) ? d->sort_key[i] : NAN;
        kv[i] = (keyed){key, i};
    }
    if (d->sort != MSUM_FOREST_SORT_INPUT) qsort(kv, d->k, sizeof *kv, cmp_keyed);
    for (size_t i = 0; i < d->k; i++) ord[i] = kv[i].i;
    free(kv);
    return ord;
}

static void add_notes(row *rows, size_t *n, const msum_plot_pooled *p, int overall)
{
    if (!p->stats) return;
    rows[(*n)++] = (row){.kind = ROW_NOTE, .pool = p, .note = NOTE_HET, .lines = 1};
    rows[(*n)++] = (row){.kind = ROW_NOTE, .pool = p, .note = NOTE_TEST, .lines = 1};
    if (overall) rows[(*n)++] = (row){.kind = ROW_NOTE, .pool = p, .note = NOTE_PI, .lines = 1};
}

static size_t build_rows(const msum_forest_data *d, const size_t *ord, row *rows)
{
    size_t n = 0;
    int studies = d->k <= MSUM_FOREST_MAX_STUDIES;
    if (!studies) rows[n++] = (row){.kind = ROW_NOTE, .note = NOTE_SUMMARY, .lines = 1};
    if (d->group) {
        for (size_t g = 0; g < d->ngroups; g++) {
            rows[n++] = (row){.kind = ROW_HEAD, .label = d->group_labels ? d->group_labels[g] : ""};
            for (size_t i = 0; studies && i < d->k; i++)
                if (d->group[ord[i]] == g) rows[n++] = (row){.kind = ROW_STUDY, .study = ord[i]};
            if (d->group_pooled) {
                rows[n++] = (row){.kind = ROW_POOLED, .pool = &d->group_pooled[g],
                                  .label = d->group_pooled[g].label};
                add_notes(rows, &n, &d->group_pooled[g], 0);
            }
            rows[n++] = (row){.kind = ROW_GAP};
        }
    } else {
        for (size_t i = 0; studies && i < d->k; i++)
            rows[n++] = (row){.kind = ROW_STUDY, .study = ord[i]};
        if (d->npooled) rows[n++] = (row){.kind = ROW_GAP};
    }
    for (size_t j = 0; j < d->npooled; j++) {
        rows[n++] = (row){.kind = ROW_POOLED, .pool = &d->pooled[j], .label = d->pooled[j].label,
                          .overall = 1};
        add_notes(rows, &n, &d->pooled[j], 1);
    }
    if (d->group && d->sg_df > 0) rows[n++] = (row){.kind = ROW_NOTE, .note = NOTE_SUBGROUPS};
    for (size_t i = 0; i < n; i++)
        if (rows[i].lines == 0)
            rows[i].lines = rows[i].kind == ROW_NOTE ? 1 : wrap_count(row_label(d, &rows[i]));
    return n;
}

int msum_svg_forest(FILE *fp, const msum_forest_data *d)
{
    if (!fp || !d || (d->k && (!d->yi || !d->ci_lb || !d->ci_ub)) ||
        (d->npooled && !d->pooled) || (d->k && d->ncols && !d->cols))
        return MSUM_EINVAL;
    if (d->group)
        for (size_t i = 0; i < d->k; i++)
            if (d->group[i] >= d->ngroups) return MSUM_EINVAL;
    size_t cap = d->k + 5 * (d->group ? d->ngroups : 0) + 4 * d->npooled + 4;
    row *rows = malloc(cap * sizeof *rows);
    size_t *ord = d->k <= MSUM_FOREST_MAX_STUDIES ? study_order(d) : NULL; /* NULL: no rows */
    double *col_w = malloc((d->ncols + 1) * sizeof *col_w),
           *col_x = malloc((d->ncols + 1) * sizeof *col_x);
    if (!rows || (!ord && d->k <= MSUM_FOREST_MAX_STUDIES) || !col_w || !col_x) {
        free(rows);
        free(ord);
        free(col_w);
        free(col_x);
        return MSUM_ENOMEM;
    }
    size_t nr = build_rows(d, ord, rows);

    /* Column widths from the texts they hold; notes may run under the plot (not widening the
     * label column), the picture is at least as wide as the longest one. */
    const char *est_head = d->est_head ? d->est_head : "Estimate [95% CI]";
    double label_w = svg_text_w("Study", 0), num_w = svg_text_w(est_head, 0), note_w = 0;
    char buf[256];
    double wsum = 0, wmax = 0;
    for (size_t i = 0; d->weights && i < d->k; i++)
        if (isfinite(d->weights[i]) && d->weights[i] > 0) {
            wsum += d->weights[i];
            if (d->weights[i] > wmax) wmax = d->weights[i];
        }
    for (size_t c = 0; c < d->ncols; c++)
        col_w[c] = svg_text_w(d->col_heads ? d->col_heads[c] : "", 0);
    for (size_t i = 0; i < nr; i++) {
        const row *r = &rows[i];
        if (r->kind == ROW_GAP) continue;
        if (r->kind == ROW_NOTE) {
            note_text(d, r, buf, sizeof buf);
            double w = svg_text_w(buf, 0) * NOTE_SIZE / SVG_FONT_SIZE + (r->pool && !r->pool->stats ? 0 : 10);
            if (w > note_w) note_w = w;
            continue;
        }
        int indent = d->group && (r->kind == ROW_STUDY || (r->kind == ROW_POOLED && !r->overall));
        double w = label_width(row_label(d, r)) + (indent ? 10 : 0);
        if (w > label_w) label_w = w;
        if (r->kind == ROW_STUDY) {
            size_t s = r->study;
            est_text(d, d->yi[s], d->ci_lb[s], d->ci_ub[s], buf, sizeof buf);
            for (size_t c = 0; c < d->ncols; c++) {
                double cw = svg_text_w(d->cols[s * d->ncols + c], 0);
                if (cw > col_w[c]) col_w[c] = cw;
            }
        } else if (r->kind == ROW_POOLED) {
            est_text(d, r->pool->est, r->pool->ci_lb, r->pool->ci_ub, buf, sizeof buf);
        } else {
            continue;
        }
        if (svg_text_w(buf, 0) > num_w) num_w = svg_text_w(buf, 0);
    }
    int has_w = d->weights && wsum > 0 && d->k <= MSUM_FOREST_MAX_STUDIES;
    const char *w_head = d->weight_head ? d->weight_head : "Weight";
    double w_scale = d->weights_percent ? 1 : 100 / wsum; /* shown = w_scale * weight */
    int spans = d->ncols >= 2 && (d->col_span[0] || d->col_span[1]);
    for (int h = 0; spans && h < 2; h++) { /* each arm's columns at least as wide as its name */
        size_t c0 = h ? d->ncols / 2 : 0, c1 = h ? d->ncols : d->ncols / 2;
        double need = d->col_span[h] ? svg_text_w(d->col_span[h], 0) : 0, have = 0;
        for (size_t c = c0; c < c1; c++) have += col_w[c] + (c > c0 ? COL_GAP : 0);
        if (need > have) col_w[c0] += need - have;
    }
    double left = MARGIN + label_w;
    for (size_t c = 0; c < d->ncols; c++)
        left = col_x[c] = left + COL_GAP + (spans && c == d->ncols / 2 ? COL_GAP : 0) + col_w[c];
    axis ax = {d, 0, 0, left + 20};
    double num_x = ax.x0 + PLOT_W + 20 + num_w;        /* right edge of the numbers column */
    double wt_x = num_x + (has_w ? 16 + svg_text_w(w_head, 0) + 6 : 0);
    double width = wt_x + MARGIN;
    if (MARGIN + note_w + MARGIN > width) width = MARGIN + note_w + MARGIN;
    double top = MARGIN + (d->title ? 26 : 0), head = top + (spans ? PITCH : 0);
    double y0 = head + 24, y = y0;
    for (size_t i = 0; i < nr; i++) {
        rows[i].y = y;
        y += (double)rows[i].lines * PITCH;
    }
    double y_axis = y + 6;
    int favours = d->favours_lo || d->favours_hi;
    double height = y_axis + 48 + (favours ? 16 : 0) + MARGIN;

    /* Axis range and ticks. */
    double pos[SVG_MAX_TICKS];
    char lab[SVG_MAX_TICKS][32];
    size_t nt;
    if (isfinite(d->xlim_lo) && isfinite(d->xlim_hi) && d->xlim_lo < d->xlim_hi) {
        double lo = d->xlim_lo, hi = d->xlim_hi, tl = lo, th = hi, tp[SVG_MAX_TICKS];
        char tlab[SVG_MAX_TICKS][32];
        size_t all = ticks(d, &tl, &th, tp, tlab);
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
        nt = ticks(d, &ax.lo, &ax.hi, pos, lab);
    }

    svg_begin(fp, width, height, d->title ? d->title : "Forest plot");
    if (d->title) svg_text(fp, MARGIN, MARGIN + 14, NULL, "font-size=\"14\" font-weight=\"bold\"",
                           d->title, 0);
    /* Column headings (the arm names over their columns) and a rule under them. */
    if (spans)
        for (int h = 0; h < 2; h++) {
            size_t c0 = h ? d->ncols / 2 : 0, c1 = h ? d->ncols - 1 : d->ncols / 2 - 1;
            if (!d->col_span[h]) continue;
            double xa = col_x[c0] - col_w[c0], xb = col_x[c1];
            svg_text(fp, (xa + xb) / 2, top + 12, "middle", "font-weight=\"bold\"",
                     d->col_span[h], 0);
            svg_out(fp, "<line x1=\"%N\" y1=\"%N\" x2=\"%N\" y2=\"%N\" stroke=\"#999999\"/>\n",
                    xa, top + 16, xb, top + 16);
        }
    svg_text(fp, MARGIN, head + 12, NULL, "font-weight=\"bold\"", "Study", 0);
    for (size_t c = 0; c < d->ncols; c++)
        svg_text(fp, col_x[c], head + 12, "end", "font-weight=\"bold\"",
                 d->col_heads ? d->col_heads[c] : "", 0);
    svg_text(fp, num_x, head + 12, "end", "font-weight=\"bold\"", est_head, 0);
    if (has_w) svg_text(fp, wt_x, head + 12, "end", "font-weight=\"bold\"", w_head, 0);
    svg_out(fp, "<line x1=\"%N\" y1=\"%N\" x2=\"%N\" y2=\"%N\" stroke=\"#999999\"/>\n", MARGIN,
            head + 18, width - MARGIN, head + 18);
    /* Reference line at the null, broken where a text line runs under the plot. */
    if (isfinite(d->null_value) && d->null_value >= ax.lo && d->null_value <= ax.hi) {
        double x = xpos(&ax, d->null_value), from = y0;
        for (size_t i = 0; i <= nr; i++) {
            double to = i < nr ? rows[i].y : y_axis;
            if (i < nr && rows[i].kind != ROW_NOTE) continue;
            if (to > from)
                svg_out(fp,
                        "<line x1=\"%N\" y1=\"%N\" x2=\"%N\" y2=\"%N\" stroke=\"#888888\" "
                        "stroke-dasharray=\"4 3\"/>\n",
                        x, from, x, to);
            if (i < nr) from = rows[i].y + PITCH;
        }
    }

    for (size_t i = 0; i < nr; i++) {
        const row *r = &rows[i];
        double yc = r->y + 0.5 * PITCH, base = yc + 4;
        if (r->kind == ROW_GAP) continue;
        if (r->kind == ROW_NOTE) {
            note_text(d, r, buf, sizeof buf);
            if (*buf)
                svg_text(fp, MARGIN + (r->pool ? 10 : 0), base, NULL,
                         "font-size=\"11\" fill=\"#333333\"", buf, 0);
            continue;
        }
        if (r->kind == ROW_HEAD) {
            label_lines(fp, MARGIN, base, "font-weight=\"bold\"", r->label ? r->label : "");
            continue;
        }
        if (r->kind == ROW_STUDY) {
            size_t s = r->study;
            double v = d->yi[s];
            label_lines(fp, MARGIN + (d->group ? 10 : 0), base, NULL, row_label(d, r));
            for (size_t c = 0; c < d->ncols; c++)
                svg_text(fp, col_x[c], base, "end", NULL, d->cols[s * d->ncols + c], 0);
            est_text(d, v, d->ci_lb[s], d->ci_ub[s], buf, sizeof buf);
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
            if (!isfinite(v)) continue;
            interval(fp, &ax, d->ci_lb[s], d->ci_ub[s], yc, "stroke=\"#333333\"", 0);
            if (v < ax.lo || v > ax.hi) continue;
            double side = 7;
            if (has_w) {
                double w = d->weights[s];
                side = (isfinite(w) && w > 0) ? 3 + 9 * sqrt(w / wmax) : 3;
            }
            svg_out(fp, "<rect x=\"%N\" y=\"%N\" width=\"%N\" height=\"%N\" fill=\"#333333\"/>\n",
                    xpos(&ax, v) - side / 2, yc - side / 2, side, side);
            continue;
        }
        /* ROW_POOLED: prediction interval (dashed, capped), then the diamond over it. */
        const msum_plot_pooled *p = r->pool;
        label_lines(fp, MARGIN + (r->overall ? 0 : 10), base,
                    r->overall ? "font-weight=\"bold\"" : "font-style=\"italic\"", row_label(d, r));
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

    /* x axis: line, ticks, ratio or value labels, axis title, favours labels. */
    svg_out(fp, "<line x1=\"%N\" y1=\"%N\" x2=\"%N\" y2=\"%N\" stroke=\"#333333\"/>\n", ax.x0,
            y_axis, ax.x0 + PLOT_W, y_axis);
    for (size_t i = 0; i < nt; i++) {
        double x = xpos(&ax, pos[i]);
        svg_out(fp, "<line x1=\"%N\" y1=\"%N\" x2=\"%N\" y2=\"%N\" stroke=\"#333333\"/>\n", x,
                y_axis, x, y_axis + 5);
        svg_text(fp, x, y_axis + 18, "middle", NULL, lab[i], 0);
    }
    const char *xlab = d->xlab ? d->xlab
                       : d->transf.measure ? svg_transf_title(d->transf.measure)
                       : d->log_scale == 1 ? "Ratio (log scale)"
                       : d->log_scale == 2 ? "Correlation"
                                           : "Estimate";
    svg_text(fp, ax.x0 + PLOT_W / 2, y_axis + 36, "middle", NULL, xlab, 0);
    if (favours) {
        double xn = isfinite(d->null_value) && d->null_value >= ax.lo && d->null_value <= ax.hi
                        ? xpos(&ax, d->null_value)
                        : ax.x0 + PLOT_W / 2;
        if (d->favours_lo) {
            snprintf(buf, sizeof buf, "Favours %s", d->favours_lo);
            svg_text(fp, xn - 8, y_axis + 52, "end", "font-style=\"italic\"", buf, 0);
        }
        if (d->favours_hi) {
            snprintf(buf, sizeof buf, "Favours %s", d->favours_hi);
            svg_text(fp, xn + 8, y_axis + 52, NULL, "font-style=\"italic\"", buf, 0);
        }
    }
    svg_end(fp);
    free(rows);
    free(ord);
    free(col_w);
    free(col_x);
    return ferror(fp) ? MSUM_EIO : MSUM_OK;
}
