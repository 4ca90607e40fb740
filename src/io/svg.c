/* SVG building blocks shared by the forest, funnel and heat-map writers: deterministic number
 * text, escaped labels, and axis ticks (linear 1-2-5 steps, Heckbert 1990 "Nice numbers for
 * graph labels"; log axes labelled with ratios). */
#include "svg.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "metasum/metasum.h"
#include "metasum/transf.h"
#include "text.h"

void svg_out(FILE *fp, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char buf[64];
    for (const char *p = fmt; *p; p++) {
        if (*p != '%') {
            fputc(*p, fp);
            continue;
        }
        switch (*++p) {
        case 'N': {
            double v = va_arg(ap, double);
            fputs(msum_io_fixed(isfinite(v) ? v : 0, 2, buf, sizeof buf), fp);
            break;
        }
        case 's': fputs(va_arg(ap, const char *), fp); break;
        case 'd': fprintf(fp, "%d", va_arg(ap, int)); break;
        case '%': fputc('%', fp); break;
        default: va_end(ap); return; /* unknown conversion: a programming error, stop */
        }
    }
    va_end(ap);
}

void svg_begin(FILE *fp, double w, double h, const char *title)
{
    svg_out(fp,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%N\" height=\"%N\" "
            "viewBox=\"0 0 %N %N\" font-family=\"Helvetica, Arial, sans-serif\" "
            "font-size=\"%d\" role=\"img\">\n",
            w, h, w, h, (int)SVG_FONT_SIZE);
    if (title) {
        fputs("<title>", fp);
        msum_io_put_xml(fp, title, 1);
        fputs("</title>\n", fp);
    }
    svg_out(fp, "<rect width=\"%N\" height=\"%N\" fill=\"#ffffff\"/>\n", w, h);
}

void svg_end(FILE *fp)
{
    fputs("</svg>\n", fp);
}

void svg_text(FILE *fp, double x, double y, const char *anchor, const char *attrs, const char *s,
              size_t max_cp)
{
    if (!s) s = "";
    svg_out(fp, "<text x=\"%N\" y=\"%N\"", x, y);
    if (anchor) fprintf(fp, " text-anchor=\"%s\"", anchor);
    if (attrs) fprintf(fp, " %s", attrs);
    fputc('>', fp);
    if (max_cp && msum_io_utf8_len(s) > max_cp) {
        fputs("<title>", fp);
        msum_io_put_xml(fp, s, 1);
        fputs("</title>", fp);
        msum_io_put_xml_trunc(fp, s, max_cp);
    } else {
        msum_io_put_xml(fp, s, 1);
    }
    fputs("</text>\n", fp);
}

double svg_text_w(const char *s, size_t max_cp)
{
    size_t n = s ? msum_io_utf8_len(s) : 0;
    if (max_cp && n > max_cp) n = max_cp;
    return (double)n * SVG_CHAR_W;
}

/* The smallest 1-2-5 step giving at most 10 intervals over span. */
static double nice_step(double span, int max_intervals)
{
    double raw = span / max_intervals, mag = pow(10, floor(log10(raw)));
    static const double mult[] = {1, 2, 2.5, 5, 10};
    for (size_t i = 0; i < sizeof mult / sizeof *mult; i++)
        if (mult[i] * mag >= raw) return mult[i] * mag;
    return 10 * mag;
}

static void tick_label(double v, char *out)
{
    msum_fmt_num(v, 6, out, 32);
}

/* Ratio tick candidates of one family between the candidate at or below lo and the one at or
 * above hi: family 0 powers of two, 1 1-2-5 per decade, 2 1-3 per decade, 3+ every
 * (family - 2)-th decade.  Returns the count (0 when more than max). */
static size_t log_family(double lo, double hi, int family, size_t max, double *ratio)
{
    double c[3] = {1, 2, 5};
    size_t per = family == 0 ? 1 : family == 1 ? 3 : family == 2 ? 2 : 1;
    if (family == 2) c[1] = 3;
    double base = family == 0 ? 2 : 10, every = family >= 3 ? (double)(family - 2) : 1;
    double e0 = floor(lo / log(base) / every - 1e-9) * every - every;
    size_t n = 0;
    int below = 0; /* seen the last candidate at or below lo */
    for (double e = e0;; e += every)
        for (size_t i = 0; i < per; i++) {
            double r = c[i] * pow(base, e), l = log(r);
            if (l <= lo + 1e-9) {
                ratio[0] = r; /* keep only the last one at or below lo */
                n = 1;
                below = 1;
                continue;
            }
            if (!below) continue;
            if (n >= max) return 0;
            ratio[n++] = r;
            if (l >= hi - 1e-9) return n;
        }
}

/* Log-axis ticks from the first family (from family0 on) that needs at most 7 ticks. */
static size_t log_ticks(double *lo, double *hi, int family0, double *pos, char (*label)[32])
{
    double ratio[SVG_MAX_TICKS];
    size_t n = 0;
    for (int family = family0; n == 0; family++) n = log_family(*lo, *hi, family, 7, ratio);
    for (size_t i = 0; i < n; i++) {
        pos[i] = log(ratio[i]);
        tick_label(ratio[i], label[i]);
    }
    *lo = pos[0];
    *hi = pos[n - 1];
    return n;
}

size_t svg_ticks(double *lo, double *hi, int log_scale, double *pos, char (*label)[32])
{
    if (!isfinite(*lo) || !isfinite(*hi)) *lo = *hi = isfinite(*lo) ? *lo : isfinite(*hi) ? *hi : 0;
    if (!(*hi > *lo)) { /* a single value or nothing: a unit window around it */
        double c = *lo;
        *lo = c - (log_scale ? log(2) : 1);
        *hi = c + (log_scale ? log(2) : 1);
    }
    size_t n = 0;
    if (!log_scale) {
        double step = nice_step(*hi - *lo, 8);
        double a = floor(*lo / step + 1e-9), b = ceil(*hi / step - 1e-9);
        for (double i = a; i <= b && n < SVG_MAX_TICKS; i++, n++) {
            double v = i * step;
            if (fabs(v) < step * 1e-9) v = 0;
            pos[n] = v;
            tick_label(v, label[n]);
        }
        *lo = a * step;
        *hi = b * step;
        return n;
    }
    /* Log axis: the finest family of ratio ticks that needs at most 7 ticks.  Powers of two
     * read best over small ranges (0.25 0.5 1 2 4); wider ranges use 1-2-5 or 1-3 per decade,
     * then whole decades, then every k-th decade. */
    return log_ticks(lo, hi, 0, pos, label);
}

/* Where the back-transform of m reaches the natural value t: the bisection of bt(x) = t on
 * [a, b] (bt increasing).  A value taken on a whole stretch (PFT's 0 below transf.pft(0, n))
 * sits at the stretch's inner end, as metafor's transf.pft puts it. */
static double transf_pos(msum_measure m, double n, double t, double a, double b)
{
    int low_edge = t == 0;
    for (int i = 0; i < 200 && b - a > 0; i++) {
        double mid = 0.5 * (a + b), v = msum_measure_transf_n(m, mid, n);
        if (mid == a || mid == b) break;
        if (low_edge ? v <= t : v < t) a = mid;
        else b = mid;
    }
    return low_edge ? a : b;
}

size_t svg_transf_ticks(double *lo, double *hi, msum_measure m, double n, double *pos,
                        char (*label)[32])
{
    msum_scale sc = msum_measure_scale(m);
    if (!isfinite(*lo) || !isfinite(*hi)) *lo = *hi = isfinite(*lo) ? *lo : isfinite(*hi) ? *hi : 0;
    if (sc == MSUM_SCALE_LOG) { /* proportions and rates read in 1-2-5 steps, not powers of 2 */
        if (!(*hi > *lo)) *lo -= log(2), *hi += log(2);
        return log_ticks(lo, hi, 1, pos, label);
    }
    double nl = msum_measure_transf_n(m, *lo, n), nh = msum_measure_transf_n(m, *hi, n);
    double tp[SVG_MAX_TICKS];
    char tl[SVG_MAX_TICKS][32];
    size_t all = svg_ticks(&nl, &nh, 0, tp, tl), k = 0;
    /* the bracket of the analysis scale the natural values come from */
    double a = sc == MSUM_SCALE_LOGIT ? -40 : 0, b = sc == MSUM_SCALE_LOGIT ? 40 : asin(1.0);
    for (size_t i = 0; i < all; i++) {
        double t = tp[i];
        if (t < 0 || (sc == MSUM_SCALE_LOGIT && (t <= 0 || t >= 1))) continue;
        if (sc == MSUM_SCALE_SQRT) b = sqrt(t) + 1;
        else if (t > 1) continue;
        double x = transf_pos(m, n, t, a, b);
        if (!isfinite(x) || !(fabs(msum_measure_transf_n(m, x, n) - t) <= 1e-9 * (1 + t)))
            continue;
        pos[k] = x;
        memcpy(label[k++], tl[i], 32);
    }
    if (k) {
        if (pos[0] < *lo) *lo = pos[0];
        if (pos[k - 1] > *hi) *hi = pos[k - 1];
    }
    return k;
}

const char *svg_transf_title(msum_measure m)
{
    int log = msum_measure_scale(m) == MSUM_SCALE_LOG;
    if (m >= MSUM_MEASURE_PR && m <= MSUM_MEASURE_PFT)
        return log ? "Proportion (log scale)" : "Proportion";
    if (m >= MSUM_MEASURE_IR && m <= MSUM_MEASURE_IRFT)
        return log ? "Incidence rate (log scale)" : "Incidence rate";
    return "Estimate";
}
