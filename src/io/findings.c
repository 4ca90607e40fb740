/* Findings: a few sentences and a compact table of the main numbers, computed from an
 * analysis' result tables by column name (findings.h).  Heterogeneity is worded as the
 * Cochrane Handbook (Deeks et al., chapter 10.10.2: I^2 0-40% might not be important, 30-60%
 * moderate, 50-90% substantial, 75-100% considerable); the prediction interval is that of
 * Riley, Higgins & Deeks (2011, BMJ 342:d549).  Nothing here computes a statistic. */
#include "metasum/findings.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metasum/metasum.h"
#include "metasum/reader.h"
#include "text.h"

/* ---- reading result tables by column name ---- */

static const msum_table *find(const msum_table *const *ts, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (ts[i] && strcmp(msum_table_name(ts[i]), name) == 0) return ts[i];
    return NULL;
}

static int has(const msum_table *t, const char *col)
{
    return t && msum_table_col_index(t, col) >= 0;
}

/* A cell as a number (text cells that hold one too); NaN when absent or NA. */
static double num(const msum_table *t, size_t r, const char *col)
{
    int c = t ? msum_table_col_index(t, col) : -1;
    if (c < 0 || r >= msum_table_nrows(t) || msum_table_is_na(t, r, (size_t)c)) return NAN;
    if (msum_table_col_type(t, (size_t)c) != MSUM_COL_TEXT) return msum_table_num(t, r, (size_t)c);
    const char *s = msum_table_text(t, r, (size_t)c);
    double v;
    return s && msum_parse_double(s, strlen(s), &v) == 1 ? v : NAN;
}

/* A text cell; NULL when absent, NA, empty or numeric. */
static const char *txt(const msum_table *t, size_t r, const char *col)
{
    int c = t ? msum_table_col_index(t, col) : -1;
    if (c < 0 || r >= msum_table_nrows(t) || msum_table_is_na(t, r, (size_t)c) ||
        msum_table_col_type(t, (size_t)c) != MSUM_COL_TEXT)
        return NULL;
    const char *s = msum_table_text(t, r, (size_t)c);
    return s && *s && strcmp(s, "NA") != 0 ? s : NULL;
}

/* The first of two column names the table has (metafor spells QE_df and QEdf). */
static const char *either(const msum_table *t, const char *a, const char *b)
{
    return has(t, a) ? a : b;
}

/* ---- measures ---- */

typedef struct {
    char code[16];
    const char *noun;   /* on the natural scale: "risk ratio" */
    const char *plural; /* "risk ratios" */
    int ratio;        /* analysed on the log scale; 1 is no effect */
} measure;

static measure measure_of(const char *code)
{
    static const struct {
        const char *code, *noun, *plural;
        int ratio;
    } tab[] = {
        {"RR", "risk ratio", "risk ratios", 1},
        {"OR", "odds ratio", "odds ratios", 1},
        {"PETO", "odds ratio", "odds ratios", 1},
        {"ROM", "ratio of means", "ratios of means", 1},
        {"IRR", "incidence rate ratio", "incidence rate ratios", 1},
        {"HR", "hazard ratio", "hazard ratios", 1},
        {"MD", "mean difference", "mean differences", 0},
        {"SMD", "standardised mean difference", "standardised mean differences", 0},
        {"SMDH", "standardised mean difference", "standardised mean differences", 0},
        {"RD", "risk difference", "risk differences", 0},
        {"IRD", "incidence rate difference", "incidence rate differences", 0},
        {"ZCOR", "Fisher's z", "Fisher's z values", 0},
        {"COR", "correlation", "correlations", 0},
        {"PR", "proportion", "proportions", 0},
    };
    measure m = {"", "effect", "effects", 0};
    if (!code) return m;
    size_t n = strcspn(code, " (");
    if (n >= sizeof m.code) n = sizeof m.code - 1;
    memcpy(m.code, code, n);
    m.code[n] = '\0';
    for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
        if (strcmp(m.code, tab[i].code) == 0) {
            m.noun = tab[i].noun;
            m.plural = tab[i].plural;
            m.ratio = tab[i].ratio;
        }
    return m;
}

/* The measure of a table: its "measure" column, else its "measure" or "scale" metadata. */
static measure table_measure(const msum_table *t)
{
    const char *c = txt(t, 0, "measure");
    if (!c) c = msum_table_meta(t, "measure");
    if (!c) c = msum_table_meta(t, "scale");
    return measure_of(c);
}

/* ---- text ---- */

typedef struct {
    char s[1200];
    size_t n;
} line;

static void put(line *b, const char *fmt, ...)
{
    if (b->n >= sizeof b->s - 1) return;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(b->s + b->n, sizeof b->s - b->n, fmt, ap);
    va_end(ap);
    if (k > 0) b->n = b->n + (size_t)k < sizeof b->s ? b->n + (size_t)k : sizeof b->s - 1;
}

/* Decimals for numbers shown together (an estimate and its bounds): two, or two significant
 * digits of the largest when all are below 0.1 in magnitude (at most 6). */
static int decimals_for(const double *v, size_t n)
{
    double a = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i]) && fabs(v[i]) > a) a = fabs(v[i]);
    if (a == 0 || a >= 0.1) return 2;
    int d = 1 - (int)floor(log10(a));
    return d > 6 ? 6 : d;
}

static const char *fxd(double v, int dec, char *buf, size_t size)
{
    return isfinite(v) ? msum_io_fixed(v, dec, buf, size) : "NA";
}

/* A number for a person: two decimals, two significant digits below 0.1. */
static const char *fx(double v, char *buf, size_t size)
{
    return fxd(v, decimals_for(&v, 1), buf, size);
}

static void put_num(line *b, double v)
{
    char t[48];
    put(b, "%s", fx(v, t, sizeof t));
}

/* Several numbers shown together, with the same decimals: "a, b" or "a to b". */
static void put_pair(line *b, double x, const char *sep, double y)
{
    char t[2][48];
    double v[2] = {x, y};
    int d = decimals_for(v, 2);
    put(b, "%s%s%s", fxd(x, d, t[0], sizeof t[0]), sep, fxd(y, d, t[1], sizeof t[1]));
}

/* "p < 0.001", "p = 0.042", "p = 0.39" */
static void put_p(line *b, double p)
{
    char t[48];
    if (!isfinite(p)) put(b, "p = NA");
    else if (p < 0.001) put(b, "p < 0.001");
    else put(b, "p = %s", msum_io_fixed(p, p < 0.1 ? 3 : 2, t, sizeof t));
}

/* "< 0.001", "0.042" */
static const char *p_text(double p, char *buf, size_t size)
{
    char t[48];
    if (p < 0.001) snprintf(buf, size, "< 0.001");
    else snprintf(buf, size, "%s", msum_io_fixed(p, p < 0.1 ? 3 : 2, t, sizeof t));
    return buf;
}

/* "0.49 [95% CI 0.34, 0.70]" ("0.49 [0.34, 0.70]" when level is 0), with dec decimals (-1:
 * decimals_for) */
static void put_ci_dec(line *b, double e, double lb, double ub, double level, int dec)
{
    char t[3][48];
    double v[3] = {e, lb, ub};
    int d = dec >= 0 ? dec : decimals_for(v, 3);
    put(b, "%s [", fxd(e, d, t[0], sizeof t[0]));
    if (level != 0) put(b, "%g%% CI ", isfinite(level) ? 100 * level : 95.0);
    put(b, "%s, %s]", fxd(lb, d, t[1], sizeof t[1]), fxd(ub, d, t[2], sizeof t[2]));
}

static void put_ci(line *b, double e, double lb, double ub, double level)
{
    put_ci_dec(b, e, lb, ub, level, -1);
}

static void put_pct(line *b, double v)
{
    if (isfinite(v)) put(b, "%.0f%%", v);
    else put(b, "NA");
}

static const char *hetero_word(double i2)
{
    return i2 < 30 ? "low" : i2 < 50 ? "moderate" : i2 < 75 ? "substantial" : "considerable";
}

typedef struct {
    msum_table *t;
    int st;
} sink;

static void emit(sink *o, line *b)
{
    if (o->st != MSUM_OK || b->n == 0) return;
    if (!o->t) {
        o->t = msum_table_new("findings", "Findings");
        if (!o->t || msum_table_add_col(o->t, "finding", MSUM_COL_TEXT,
                                        "what the analysis found, one sentence a row") < 0) {
            o->st = MSUM_ENOMEM;
            return;
        }
    }
    long r = msum_table_add_row(o->t);
    if (r < 0 || msum_table_set_text(o->t, (size_t)r, 0, b->s) != MSUM_OK) o->st = MSUM_ENOMEM;
    b->n = 0;
    b->s[0] = '\0';
}

/* ---- values on the natural scale ---- */

/* Estimate, bounds and the prediction interval of row r on the natural scale: the exp_* /
 * r_* / bt_* back-transform columns when present, else exp() of a ratio measure. */
typedef struct {
    double est, lb, ub, pilb, piub, null;
} natural;

static natural natural_of(const msum_table *t, size_t r, const char *est, const char *lb,
                          const char *ub, const measure *m)
{
    static const char *const pre[] = {"exp_", "r_", "bt_"};
    char c[5][40];
    const char *base[5] = {est, lb, ub, "pi_lb", "pi_ub"};
    natural v = {NAN, NAN, NAN, NAN, NAN, m->ratio ? 1.0 : 0.0};
    for (size_t p = 0; p < 3; p++) {
        snprintf(c[0], sizeof c[0], "%s%s", pre[p], est);
        if (!has(t, c[0]) || !isfinite(num(t, r, c[0]))) continue;
        double *dst[5] = {&v.est, &v.lb, &v.ub, &v.pilb, &v.piub};
        for (int i = 0; i < 5; i++) {
            snprintf(c[i], sizeof c[i], "%s%s", pre[p], base[i]);
            *dst[i] = num(t, r, c[i]);
        }
        if (p == 2) v.null = NAN; /* a proportion or rate has no null value */
        return v;
    }
    double *dst[5] = {&v.est, &v.lb, &v.ub, &v.pilb, &v.piub};
    for (int i = 0; i < 5; i++) {
        double x = num(t, r, base[i]);
        *dst[i] = m->ratio ? exp(x) : x;
    }
    return v;
}

/* The noun of the measure as shown: "risk ratio", or "log risk ratio" when a ratio measure
 * had to stay on the log scale. */
static const char *noun(const measure *m)
{
    return m->noun;
}

static void put_k(line *b, double k, const char *one, const char *many)
{
    if (isfinite(k)) put(b, "%.0f %s", k, k == 1 ? one : many);
}

/* "alloc = random" for the group columns [0, ng) of row r. */
static void put_group(line *b, const msum_table *t, size_t r, size_t ng)
{
    for (size_t c = 0; c < ng; c++) {
        const char *v = msum_table_is_na(t, r, c) ? "NA"
                        : msum_table_col_type(t, c) == MSUM_COL_TEXT ? msum_table_text(t, r, c)
                                                                      : NULL;
        char nb[48];
        if (!v) v = fx(msum_table_num(t, r, c), nb, sizeof nb);
        put(b, "%s%s = %s", c ? ", " : "", msum_table_col_name(t, c), v);
    }
}

/* ---- pool ---- */

static int is_fixed(const char *est)
{
    return est && (strcmp(est, "EE") == 0 || strcmp(est, "FE") == 0 || strcmp(est, "CE") == 0);
}

/* A Mantel-Haenszel or Peto table (metafor rma.mh / rma.peto: a method and no tau2) rather
 * than rma.uni's. */
static int is_mh(const msum_table *t)
{
    return has(t, "method") && !has(t, "tau2");
}

/* "Random-effects (REML, Knapp-Hartung)", "Common-effect", "Mantel-Haenszel" */
static void put_model(line *b, const msum_table *t, size_t r)
{
    const char *mh = txt(t, r, "method");
    if (mh && is_mh(t)) {
        put(b, "%s", strcmp(mh, "PETO") == 0 ? "Peto" : "Mantel\xe2\x80\x93Haenszel");
        return;
    }
    const char *est = txt(t, r, either(t, "method", "estimator")),
               *used = txt(t, r, either(t, "method_used", "estimator_used"));
    const char *test = txt(t, r, "test");
    if (!used) used = est;
    if (is_fixed(used)) {
        put(b, "%s", strcmp(used, "EE") == 0   ? "Equal-effects"
                     : strcmp(used, "FE") == 0 ? "Fixed-effect"
                                               : "Common-effect");
    } else {
        put(b, "Random-effects (%s", used ? used : "?");
        if (est && used && strcmp(est, used) != 0) put(b, "; %s did not converge", est);
        if (test && (strcmp(test, "knha") == 0 || strcmp(test, "adhoc") == 0))
            put(b, ", Knapp\xe2\x80\x93Hartung");
        put(b, ")");
    }
    if (is_fixed(used) && test && strcmp(test, "knha") == 0) put(b, " (Knapp\xe2\x80\x93Hartung)");
}

/* "z = -3.97, p < 0.001" or "t(12) = -3.95, p = 0.002" */
static void put_test(line *b, const msum_table *t, size_t r)
{
    double stat = num(t, r, has(t, "zval") ? "zval" : "stat"), df = num(t, r, "df");
    if (isfinite(df)) put(b, "t(%.4g) = ", df);
    else put(b, "z = ");
    put_num(b, stat);
    put(b, ", ");
    put_p(b, num(t, r, "pval"));
}

static void put_hetero(line *b, const msum_table *t, size_t r, int with_tau2)
{
    double i2 = num(t, r, "I2"), q = num(t, r, "QE");
    double qdf = num(t, r, either(t, "QE_df", "QEdf")), qp = num(t, r, either(t, "QE_p", "QEp"));
    put(b, "Heterogeneity is %s: I\xc2\xb2 = ", hetero_word(i2));
    put_pct(b, i2);
    if (with_tau2) {
        put(b, ", \xcf\x84\xc2\xb2 = ");
        put_num(b, num(t, r, "tau2"));
    }
    if (isfinite(q)) {
        put(b, " (Q = ");
        put_num(b, q);
        put(b, ", df = %.0f, ", qdf);
        put_p(b, qp);
        put(b, ")");
    }
    put(b, ".");
}

static size_t group_cols(const msum_table *t, const char *first_result)
{
    int k = msum_table_col_index(t, first_result);
    return k > 0 ? (size_t)k : 0;
}

static void pool_one(sink *o, const msum_table *t, size_t r, const measure *m)
{
    line b = {.n = 0};
    int mh = is_mh(t);
    const char *used = txt(t, r, either(t, "method_used", "estimator_used"));
    int fixed = mh || is_fixed(used ? used : txt(t, r, either(t, "method", "estimator")));
    natural v = natural_of(t, r, "estimate", "ci_lb", "ci_ub", m);
    double k = num(t, r, "k"), level = num(t, r, "level");
    put_model(&b, t, r);
    put(&b, " pooled %s ", noun(m));
    put_ci(&b, v.est, v.lb, v.ub, level);
    put(&b, " from ");
    put_k(&b, k, "study", "studies");
    put(&b, "; ");
    put_test(&b, t, r);
    put(&b, ".");
    emit(o, &b);
    if (k >= 2 && isfinite(num(t, r, "I2"))) {
        put_hetero(&b, t, r, !fixed);
        emit(o, &b);
    }
    if (!fixed && k >= 2 && isfinite(v.pilb) && isfinite(v.piub) && num(t, r, "tau2") > 0) {
        put(&b, "The %g%% prediction interval for the effect in a new study runs from ",
            isfinite(level) ? 100 * level : 95.0);
        put_pair(&b, v.pilb, " to ", v.piub);
        if (v.pilb < v.null && v.piub > v.null && (v.lb > v.null || v.ub < v.null))
            put(&b, ", which includes %g (no effect)", v.null);
        put(&b, ".");
        emit(o, &b);
    }
    double cmh = num(t, r, "cmh");
    if (mh && isfinite(cmh)) {
        put(&b, "Cochran\xe2\x80\x93Mantel\xe2\x80\x93Haenszel test: \xcf\x87\xc2\xb2 = ");
        put_num(&b, cmh);
        put(&b, ", ");
        put_p(&b, num(t, r, "cmh_p"));
        double bd = num(t, r, "breslow_day");
        if (isfinite(bd)) {
            put(&b, "; Breslow\xe2\x80\x93" "Day test of homogeneity \xcf\x87\xc2\xb2 = ");
            put_num(&b, bd);
            put(&b, ", ");
            put_p(&b, num(t, r, "breslow_day_p"));
        }
        put(&b, ".");
        emit(o, &b);
    }
}

enum { MAX_GROUP_LINES = 8 };

static void pool_findings(sink *o, const msum_table *t)
{
    size_t nr = msum_table_nrows(t);
    int mh = is_mh(t);
    if (nr == 0 || !has(t, "estimate")) return;
    size_t ng = group_cols(t, mh ? "method" : "k");
    measure m = table_measure(t);
    if (ng == 0 && nr == 1) {
        pool_one(o, t, 0, &m);
        return;
    }
    /* one fit per group: the range, then each group in one sentence */
    size_t lo = 0, hi = 0;
    natural vlo = natural_of(t, 0, "estimate", "ci_lb", "ci_ub", &m), vhi = vlo;
    for (size_t r = 1; r < nr; r++) {
        natural v = natural_of(t, r, "estimate", "ci_lb", "ci_ub", &m);
        if (v.est < vlo.est) lo = r, vlo = v;
        if (v.est > vhi.est) hi = r, vhi = v;
    }
    line b = {.n = 0};
    put_model(&b, t, 0);
    put(&b, " pooled %s in %zu groups", noun(&m), nr);
    if (ng) {
        put(&b, " by ");
        for (size_t c = 0; c < ng; c++)
            put(&b, "%s%s", c ? ", " : "", msum_table_col_name(t, c));
    }
    put(&b, ": from ");
    put_num(&b, vlo.est);
    put(&b, " (");
    put_group(&b, t, lo, ng);
    put(&b, ") to ");
    put_num(&b, vhi.est);
    put(&b, " (");
    put_group(&b, t, hi, ng);
    put(&b, ").");
    emit(o, &b);
    for (size_t r = 0; r < nr && r < MAX_GROUP_LINES; r++) {
        natural v = natural_of(t, r, "estimate", "ci_lb", "ci_ub", &m);
        double k = num(t, r, "k");
        put_group(&b, t, r, ng);
        put(&b, ": %s ", noun(&m));
        put_ci(&b, v.est, v.lb, v.ub, num(t, r, "level"));
        put(&b, " from ");
        put_k(&b, k, "study", "studies");
        put(&b, ", ");
        put_p(&b, num(t, r, "pval"));
        if (k >= 2 && isfinite(num(t, r, "I2"))) {
            put(&b, "; I\xc2\xb2 = ");
            put_pct(&b, num(t, r, "I2"));
        }
        put(&b, ".");
        emit(o, &b);
    }
    if (nr > MAX_GROUP_LINES) {
        put(&b, "%zu more groups are in the table below.", nr - MAX_GROUP_LINES);
        emit(o, &b);
    }
}

/* ---- compare ---- */

/* 1 when the meta-regression has moderators beyond the subgroup factor (coefficients other
 * than the intercept and BY[level]). */
static int has_mods(const msum_table *mr, const char *by)
{
    size_t nb = by ? strlen(by) : 0;
    for (size_t r = 0; mr && r < msum_table_nrows(mr); r++) {
        const char *c = txt(mr, r, "coef");
        if (c && strcmp(c, "intrcpt") != 0 && !(nb && strncmp(c, by, nb) == 0 && c[nb] == '['))
            return 1;
    }
    return 0;
}

static void metareg_findings(sink *o, const msum_table *mr, const msum_table *md,
                             const measure *m)
{
    line b = {.n = 0};
    put(&b, "Meta-regression on ");
    for (size_t r = 0, k = 0; r < msum_table_nrows(mr); r++) {
        const char *c = txt(mr, r, "coef");
        if (c && strcmp(c, "intrcpt") != 0) put(&b, "%s%s", k++ ? ", " : "", c);
    }
    put(&b, ": test of moderators QM = ");
    put_num(&b, num(md, 0, "QM"));
    put(&b, ", df = %.0f, ", num(md, 0, "QMdf"));
    put_p(&b, num(md, 0, "QMp"));
    put(&b, "; residual I\xc2\xb2 = ");
    put_pct(&b, num(md, 0, "I2"));
    if (isfinite(num(md, 0, "R2"))) {
        put(&b, ", R\xc2\xb2 = ");
        put_pct(&b, num(md, 0, "R2"));
    }
    put(&b, ".");
    emit(o, &b);
    for (size_t r = 0; r < msum_table_nrows(mr); r++) {
        const char *c = txt(mr, r, "coef");
        double p = num(mr, r, "pval");
        if (!c || strcmp(c, "intrcpt") == 0 || strchr(c, '[') || !(p < 0.05)) continue;
        natural v = natural_of(mr, r, "estimate", "ci_lb", "ci_ub", m);
        put(&b, "Each unit of %s %s the %s by ", c, m->ratio ? "multiplies" : "changes",
            noun(m));
        put_ci_dec(&b, v.est, v.lb, v.ub, 0.95, 3); /* per unit: small, three decimals */
        put(&b, ", ");
        put_p(&b, p);
        put(&b, ".");
        emit(o, &b);
    }
}

static void compare_findings(sink *o, const msum_table *const *ts, size_t n)
{
    const msum_table *g = find(ts, n, "groups"), *bt = find(ts, n, "between");
    const msum_table *mr = find(ts, n, "metareg"), *md = find(ts, n, "model");
    const msum_table *any = g ? g : mr ? mr : md;
    if (!any) return;
    measure m = table_measure(any);
    const char *by = msum_table_meta(any, "by"), *method = msum_table_meta(any, "method");
    int mods = md && msum_table_nrows(md) > 0 && has_mods(mr, by);
    if (mods) metareg_findings(o, mr, md, &m); /* the analysis asked for moderators: first */
    line b = {.n = 0};
    size_t ng = g ? msum_table_nrows(g) : 0;
    if (ng > 0) {
        put(&b, "Subgroups by %s (%s): pooled %s ", by ? by : "group", method ? method : "?",
            noun(&m));
        for (size_t r = 0; r < ng && r < 6; r++) {
            natural v = natural_of(g, r, "estimate", "ci_lb", "ci_ub", &m);
            const char *name = txt(g, r, "group");
            put(&b, "%s", r == 0 ? "" : r + 1 == ng || r == 5 ? " and " : ", ");
            put_ci(&b, v.est, v.lb, v.ub, 0.95);
            put(&b, " in %s (", name ? name : "?");
            put_k(&b, num(g, r, "k"), "study", "studies");
            put(&b, ")");
        }
        if (ng > 6) put(&b, ", and %zu more groups", ng - 6);
        put(&b, ".");
        emit(o, &b);
    }
    for (size_t r = 0; bt && r < msum_table_nrows(bt); r++) {
        const char *test = txt(bt, r, "test");
        if (!test || strcmp(test, "Q_between") != 0) continue;
        double p = num(bt, r, "pval");
        put(&b, "Test for subgroup differences: Q = ");
        put_num(&b, num(bt, r, "stat"));
        put(&b, ", df = %.0f, ", num(bt, r, "df1"));
        put_p(&b, p);
        if (isfinite(p))
            put(&b, p < 0.05 ? "; the %s differs between subgroups."
                             : "; no significant difference in the %s between subgroups.",
                noun(&m));
        else put(&b, ".");
        emit(o, &b);
    }
}

/* ---- bias ---- */

static void bias_findings(sink *o, const msum_table *t)
{
    measure m = table_measure(t);
    size_t ng = group_cols(t, "test");
    line b = {.n = 0};
    for (size_t r = 0; r < msum_table_nrows(t); r++) {
        const char *test = txt(t, r, "test"), *method = txt(t, r, "method");
        if (!test) continue;
        if (ng) {
            put_group(&b, t, r, ng);
            put(&b, ": ");
        }
        double p = num(t, r, "pval");
        int skip = (strcmp(test, "regtest") == 0 || strcmp(test, "ranktest") == 0) && !isfinite(p);
        skip |= strcmp(test, "trimfill") == 0 && !isfinite(num(t, r, "estimate"));
        if (skip) { /* too few studies for the test: the table says so */
            b.n = 0;
            b.s[0] = '\0';
            continue;
        }
        if (strcmp(test, "regtest") == 0) {
            put(&b, "Egger's regression test for funnel-plot asymmetry: ");
            put_test(&b, t, r);
            put(&b, p < 0.1 ? ", a sign of small-study effects (p < 0.10)."
                            : ", no sign of small-study effects.");
        } else if (strcmp(test, "ranktest") == 0) {
            put(&b, "Rank correlation test: Kendall's \xcf\x84 = ");
            put_num(&b, num(t, r, "estimate"));
            put(&b, ", ");
            put_p(&b, p);
            put(&b, ".");
        } else if (strcmp(test, "trimfill") == 0) {
            double k0 = num(t, r, "k0");
            const char *side = txt(t, r, "side");
            double e = num(t, r, "estimate"), lb = num(t, r, "ci_lb"), ub = num(t, r, "ci_ub");
            if (m.ratio) e = exp(e), lb = exp(lb), ub = exp(ub);
            if (k0 > 0) put(&b, "Trim and fill adds %.0f stud%s on the %s; ", k0,
                            k0 == 1 ? "y" : "ies", side ? side : "missing side");
            else put(&b, "Trim and fill adds no study; ");
            put(&b, "the adjusted pooled %s is ", noun(&m));
            put_ci(&b, e, lb, ub, 0.95);
            put(&b, ".");
        } else if (strcmp(test, "fsn") == 0 && method && strcmp(method, "Rosenthal") == 0) {
            put(&b, "Rosenthal's fail-safe N is %.0f (studies averaging no effect needed to "
                    "make the result non-significant).", num(t, r, "fsnum"));
        } else {
            b.n = 0;
            b.s[0] = '\0';
            continue;
        }
        emit(o, &b);
    }
}

/* ---- sensitivity ---- */

static void sensitivity_findings(sink *o, const msum_table *const *ts, size_t n)
{
    const msum_table *l = find(ts, n, "leave1out"), *inf = find(ts, n, "influence");
    line b = {.n = 0};
    size_t nr = l ? msum_table_nrows(l) : 0;
    if (nr > 0 && group_cols(l, "line") == 0) {
        measure m = table_measure(l);
        size_t lo = 0, hi = 0, cross = 0;
        for (size_t r = 0; r < nr; r++) {
            natural v = natural_of(l, r, "estimate", "ci_lb", "ci_ub", &m);
            if (v.est < natural_of(l, lo, "estimate", "ci_lb", "ci_ub", &m).est) lo = r;
            if (v.est > natural_of(l, hi, "estimate", "ci_lb", "ci_ub", &m).est) hi = r;
            cross += v.lb <= v.null && v.ub >= v.null;
        }
        natural a = natural_of(l, lo, "estimate", "ci_lb", "ci_ub", &m);
        natural z = natural_of(l, hi, "estimate", "ci_lb", "ci_ub", &m);
        const char *ia = txt(l, lo, "id"), *iz = txt(l, hi, "id");
        put(&b, "Leaving out one study at a time, the pooled %s ranges from ", noun(&m));
        put_num(&b, a.est);
        put(&b, " (without %s) to ", ia ? ia : "?");
        put_num(&b, z.est);
        put(&b, " (without %s); ", iz ? iz : "?");
        if (cross == 0) put(&b, "every one of the %zu confidence intervals excludes ", nr);
        else put(&b, "%zu of the %zu confidence intervals include ", cross, nr);
        put(&b, "%g.", a.null);
        emit(o, &b);
    }
    size_t ni = inf ? msum_table_nrows(inf) : 0, ninf = 0;
    if (ni > 0 && has(inf, "inf")) {
        for (size_t r = 0; r < ni; r++) ninf += num(inf, r, "inf") == 1;
        if (ninf == 0) put(&b, "No study is influential by the influence diagnostics "
                               "(DFFITS, Cook's distance, covariance ratio, hat values).");
        else {
            put(&b, "Influential by the influence diagnostics: ");
            for (size_t r = 0, k = 0; r < ni; r++)
                if (num(inf, r, "inf") == 1) {
                    const char *id = txt(inf, r, "id");
                    put(&b, "%s%s (Cook's distance ", k++ ? ", " : "", id ? id : "?");
                    put_num(&b, num(inf, r, "cook_d"));
                    put(&b, ")");
                }
            put(&b, ".");
        }
        emit(o, &b);
    }
}

/* ---- effects ---- */

/* "Aronson 1948"; else the reference or id with the source and outcome when the table has
 * them, "Guo2020: ADSC Ex, viability". */
static void put_study(line *b, const msum_table *t, size_t r)
{
    const char *au = txt(t, r, "author");
    double yr = num(t, r, "year");
    const char *st = txt(t, r, "study"), *id = txt(t, r, "id"), *ref = txt(t, r, "ref");
    const char *src = txt(t, r, "source"), *prep = txt(t, r, "preparation");
    const char *out = txt(t, r, "outcome");
    if (au && isfinite(yr)) {
        put(b, "%s %.0f", au, yr);
        return;
    }
    if (st) put(b, "%s", st);
    else if (ref) put(b, "%s", ref);
    else if (id) put(b, "%s", id);
    else put(b, "row %zu", r + 1);
    if (src || out) {
        put(b, ": %s%s%s%s%s", src ? src : "", src && prep ? " " : "", src && prep ? prep : "",
            src && out ? ", " : "", out ? out : "");
    }
}

/* Row r of an effects table on the natural scale of its own measure. */
static natural effect_of(const msum_table *t, size_t r, measure *m)
{
    *m = measure_of(txt(t, r, "measure"));
    return natural_of(t, r, "yi", "ci_lb", "ci_ub", m);
}

static void effects_findings(sink *o, const msum_table *t)
{
    size_t nr = msum_table_nrows(t), nnum = 0, below = 0, above = 0, excl = 0, nci = 0;
    size_t lo = 0, hi = 0;
    measure m0, mr;
    natural a = {NAN, NAN, NAN, NAN, NAN, NAN}, z = a;
    int mixed = 0;
    line b = {.n = 0};
    for (size_t r = 0; r < nr; r++) {
        natural v = effect_of(t, r, &mr);
        if (!isfinite(v.est)) continue;
        if (nnum == 0) m0 = mr;
        else if (strcmp(mr.code, m0.code) != 0) mixed = 1;
        if (nnum == 0 || v.est < a.est) lo = r, a = v;
        if (nnum == 0 || v.est > z.est) hi = r, z = v;
        nnum++;
        below += v.est < v.null;
        above += v.est > v.null;
        excl += v.lb > v.null || v.ub < v.null;
        nci += isfinite(v.lb) && isfinite(v.ub);
    }
    /* the sources behind the rows */
    size_t nref = 0;
    if (has(t, "ref"))
        for (size_t r = 0; r < nr; r++) {
            const char *x = txt(t, r, "ref");
            size_t j = 0;
            while (x && j < r && !(txt(t, j, "ref") && strcmp(txt(t, j, "ref"), x) == 0)) j++;
            nref += x && j == r;
        }
    if (nnum > 0) {
        if (nnum == nr) { /* "13 of 13 rows" reads oddly: say studies */
            put(&b, "%zu studies give ", nr);
        } else {
            put(&b, "%zu of %zu rows", nnum, nr);
            if (nref > 1) put(&b, " (from %zu references)", nref);
            put(&b, " have an effect size%s", mixed ? "." : ": ");
        }
        if (!mixed) {
            put(&b, "%s from ", m0.plural);
            put_num(&b, a.est);
            put(&b, " (");
            put_study(&b, t, lo);
            put(&b, ") to ");
            put_num(&b, z.est);
            put(&b, " (");
            put_study(&b, t, hi);
            put(&b, ").");
        }
        emit(o, &b);
        if (!mixed && isfinite(a.null)) {
            put(&b, "%zu lie below %g and %zu above", below, a.null, above);
            if (nci) put(&b, "; the 95%% CI excludes %g in %zu of %zu %s", a.null, excl, nci,
                         nnum == nr ? "studies" : "rows");
            put(&b, ".");
            emit(o, &b);
        }
    }
    /* directional findings: the count of each direction */
    if (has(t, "direction")) {
        const char *seen[16];
        size_t cnt[16], nd = 0, nodir = 0;
        for (size_t r = 0; r < nr; r++) {
            const char *d = txt(t, r, "direction");
            if (!d) {
                nodir++;
                continue;
            }
            size_t j = 0;
            while (j < nd && strcmp(seen[j], d) != 0) j++;
            if (j == nd && nd < 16) seen[nd] = d, cnt[nd++] = 0;
            if (j < nd) cnt[j]++;
        }
        if (nd > 0) {
            put(&b, "By the direction the source states: ");
            for (size_t j = 0; j < nd; j++) {
                size_t best = j; /* largest count first */
                for (size_t k = j + 1; k < nd; k++)
                    if (cnt[k] > cnt[best]) best = k;
                const char *s = seen[j];
                size_t c = cnt[j];
                seen[j] = seen[best], cnt[j] = cnt[best];
                seen[best] = s, cnt[best] = c;
                put(&b, "%s%zu ", j ? ", " : "", cnt[j]);
                for (const char *ch = seen[j]; *ch; ch++)
                    put(&b, "%c", *ch == '_' ? ' ' : *ch); /* no_change: no change */
            }
            if (nodir) put(&b, ", %zu without a direction", nodir);
            put(&b, " (%zu rows", nr);
            if (nref && nnum == 0) put(&b, " from %zu references", nref);
            put(&b, ").");
            emit(o, &b);
        }
    }
}

/* ---- a table as it is ---- */

static void table_findings(sink *o, const msum_table *t)
{
    size_t nr = msum_table_nrows(t), nc = msum_table_ncols(t);
    const char *in = msum_table_meta(t, "input"), *slash = in ? strrchr(in, '/') : NULL;
    line b = {.n = 0};
    if (in) put(&b, "%s holds", slash ? slash + 1 : in);
    else put(&b, "Table %s holds", msum_table_name(t));
    put(&b, " %zu row%s with %zu column%s: ", nr, nr == 1 ? "" : "s", nc, nc == 1 ? "" : "s");
    for (size_t c = 0; c < nc && c < 10; c++)
        put(&b, "%s%s", c == 0 ? "" : c + 1 == nc ? " and " : ", ", msum_table_col_name(t, c));
    if (nc > 10) put(&b, " and %zu more", nc - 10);
    put(&b, ".");
    emit(o, &b);
    if (has(t, "doi") && nr > 0) {
        size_t nd = 0;
        for (size_t r = 0; r < nr; r++) nd += txt(t, r, "doi") != NULL;
        if (nd == nr) put(&b, nr == 1 ? "It carries a DOI" : "All carry a DOI");
        else put(&b, "%zu of the %zu carry a DOI", nd, nr);
        put(&b, ", linked to doi.org.");
        emit(o, &b);
    }
}

int msum_findings_make(const char *kind, const msum_table *const *ts, size_t n,
                       msum_table **out)
{
    if (!kind || !out || (n && !ts)) return MSUM_EINVAL;
    *out = NULL;
    sink o = {NULL, MSUM_OK};
    const msum_table *t;
    if (strcmp(kind, "pool") == 0 && (t = find(ts, n, "pool"))) pool_findings(&o, t);
    else if (strcmp(kind, "compare") == 0) compare_findings(&o, ts, n);
    else if (strcmp(kind, "bias") == 0 && (t = find(ts, n, "bias"))) bias_findings(&o, t);
    else if (strcmp(kind, "sensitivity") == 0) sensitivity_findings(&o, ts, n);
    else if (strcmp(kind, "effects") == 0 && (t = find(ts, n, "effects")))
        effects_findings(&o, t);
    else if (strcmp(kind, "table") == 0 && n > 0 && ts[0]) table_findings(&o, ts[0]);
    if (o.st != MSUM_OK) {
        msum_table_free(o.t);
        return o.st;
    }
    *out = o.t;
    return MSUM_OK;
}

const char *msum_findings_first(const msum_table *f)
{
    if (!f || msum_table_nrows(f) == 0) return NULL;
    int c = msum_table_col_index(f, "finding");
    if (c < 0 || msum_table_is_na(f, 0, (size_t)c)) return NULL;
    return msum_table_text(f, 0, (size_t)c);
}

/* ---- key numbers ---- */

typedef struct {
    msum_table *t;
    int st;
    size_t row;
} keytab;

static void key_col(keytab *k, const char *name)
{
    if (k->st == MSUM_OK && msum_table_add_col(k->t, name, MSUM_COL_TEXT, NULL) < 0)
        k->st = MSUM_ENOMEM;
}

static void key_row(keytab *k)
{
    long r = k->st == MSUM_OK ? msum_table_add_row(k->t) : -1;
    if (r < 0) k->st = MSUM_ENOMEM;
    else k->row = (size_t)r;
}

static void key_set(keytab *k, size_t c, const char *s)
{
    if (k->st == MSUM_OK && s && msum_table_set_text(k->t, k->row, c, s) != MSUM_OK)
        k->st = MSUM_ENOMEM;
}

static void key_ci(keytab *k, size_t c, natural v)
{
    char buf[128];
    if (!isfinite(v.est)) return;
    if (!isfinite(v.lb) && !isfinite(v.ub)) key_set(k, c, fx(v.est, buf, sizeof buf));
    else {
        line b = {.n = 0};
        put_ci(&b, v.est, v.lb, v.ub, 0);
        key_set(k, c, b.s);
    }
}

/* pct: 1 as "92%", 2 as an integer, 0 as a number */
static void key_num(keytab *k, size_t c, double v, int pct)
{
    char buf[48];
    if (!isfinite(v)) return;
    if (pct) snprintf(buf, sizeof buf, pct == 1 ? "%.0f%%" : "%.0f", v);
    key_set(k, c, pct ? buf : fx(v, buf, sizeof buf));
}

static void key_p(keytab *k, size_t c, double p)
{
    char buf[48];
    if (isfinite(p)) key_set(k, c, p_text(p, buf, sizeof buf));
}

/* "Risk ratio [95% CI]" */
static void key_est_col(keytab *k, const measure *m)
{
    char h[96];
    snprintf(h, sizeof h, "%s [95%% CI]", m->noun);
    if (h[0] >= 'a' && h[0] <= 'z') h[0] = (char)(h[0] - 'a' + 'A');
    key_col(k, h);
}

static void key_group_text(const msum_table *t, size_t r, size_t ng, line *out)
{
    line b = {.n = 0};
    for (size_t c = 0; c < ng; c++) {
        char nb[48];
        const char *v = msum_table_is_na(t, r, c) ? "NA"
                        : msum_table_col_type(t, c) == MSUM_COL_TEXT
                            ? msum_table_text(t, r, c)
                            : fx(msum_table_num(t, r, c), nb, sizeof nb);
        put(&b, "%s%s", c ? ", " : "", v);
    }
    *out = b;
}

static void key_pool(keytab *k, const msum_table *t)
{
    int mh = is_mh(t);
    size_t ng = group_cols(t, mh ? "method" : "k"), c0 = ng ? 1 : 0;
    measure m = table_measure(t);
    if (ng) {
        line b = {.n = 0};
        for (size_t c = 0; c < ng; c++) put(&b, "%s%s", c ? ", " : "", msum_table_col_name(t, c));
        key_col(k, b.s);
    }
    key_col(k, "k");
    key_est_col(k, &m);
    key_col(k, "p");
    key_col(k, "I\xc2\xb2");
    if (!mh) key_col(k, "\xcf\x84\xc2\xb2");
    key_col(k, "Q (df)");
    if (!mh) key_col(k, "95% prediction interval");
    for (size_t r = 0; r < msum_table_nrows(t); r++) {
        key_row(k);
        char q[96], a[48];
        if (ng) {
            line g;
            key_group_text(t, r, ng, &g);
            key_set(k, 0, g.s);
        }
        key_num(k, c0, num(t, r, "k"), 2);
        natural v = natural_of(t, r, "estimate", "ci_lb", "ci_ub", &m);
        key_ci(k, c0 + 1, v);
        key_p(k, c0 + 2, num(t, r, "pval"));
        key_num(k, c0 + 3, num(t, r, "I2"), 1);
        size_t c = c0 + 4;
        if (!mh) key_num(k, c++, num(t, r, "tau2"), 0);
        double qv = num(t, r, "QE");
        if (isfinite(qv)) {
            snprintf(q, sizeof q, "%s (%.0f)", fx(qv, a, sizeof a),
                     num(t, r, either(t, "QE_df", "QEdf")));
            key_set(k, c, q);
        }
        c++;
        if (!mh && isfinite(v.pilb)) {
            line b = {.n = 0};
            put_pair(&b, v.pilb, " to ", v.piub);
            key_set(k, c, b.s);
        }
    }
}

static void key_groups(keytab *k, const msum_table *g)
{
    measure m = table_measure(g);
    const char *by = msum_table_meta(g, "by");
    key_col(k, by ? by : "group");
    key_col(k, "k");
    key_est_col(k, &m);
    key_col(k, "p");
    key_col(k, "I\xc2\xb2");
    key_col(k, "\xcf\x84\xc2\xb2");
    for (size_t r = 0; r < msum_table_nrows(g); r++) {
        key_row(k);
        key_set(k, 0, txt(g, r, "group"));
        key_num(k, 1, num(g, r, "k"), 2);
        key_ci(k, 2, natural_of(g, r, "estimate", "ci_lb", "ci_ub", &m));
        key_p(k, 3, num(g, r, "pval"));
        key_num(k, 4, num(g, r, "I2"), 1);
        key_num(k, 5, num(g, r, "tau2"), 0);
    }
}

static void key_metareg(keytab *k, const msum_table *mr)
{
    measure m = table_measure(mr);
    key_col(k, "coefficient");
    char h[96];
    snprintf(h, sizeof h, "%s [95%% CI]", m.ratio ? "exp(estimate)" : "estimate");
    key_col(k, h);
    key_col(k, "p");
    for (size_t r = 0; r < msum_table_nrows(mr); r++) {
        key_row(k);
        key_set(k, 0, txt(mr, r, "coef"));
        natural v = natural_of(mr, r, "estimate", "ci_lb", "ci_ub", &m);
        line b = {.n = 0};
        put_ci_dec(&b, v.est, v.lb, v.ub, 0, 3); /* coefficients per unit: three decimals */
        if (isfinite(v.est)) key_set(k, 1, b.s);
        key_p(k, 2, num(mr, r, "pval"));
    }
}

static void key_bias(keytab *k, const msum_table *t)
{
    measure m = table_measure(t);
    size_t ng = group_cols(t, "test"), c0 = ng ? 1 : 0;
    if (ng) key_col(k, msum_table_col_name(t, 0));
    key_col(k, "test");
    key_col(k, "method");
    key_col(k, "statistic");
    key_col(k, "p");
    key_col(k, "estimate [95% CI]");
    key_col(k, "studies added / fail-safe N");
    for (size_t r = 0; r < msum_table_nrows(t); r++) {
        const char *test = txt(t, r, "test");
        key_row(k);
        if (ng) {
            line g;
            key_group_text(t, r, ng, &g);
            key_set(k, 0, g.s);
        }
        key_set(k, c0, test);
        key_set(k, c0 + 1, txt(t, r, "method"));
        key_num(k, c0 + 2, num(t, r, "stat"), 0);
        key_p(k, c0 + 3, num(t, r, "pval"));
        /* trim and fill and Orwin estimate the effect (log scale for ratios); the rank test's
         * estimate is Kendall's tau */
        int effect = test && (strcmp(test, "trimfill") == 0 || strcmp(test, "regtest") == 0 ||
                              strcmp(test, "fsn") == 0);
        measure mm = effect ? m : measure_of(NULL);
        key_ci(k, c0 + 4, natural_of(t, r, "estimate", "ci_lb", "ci_ub", &mm));
        double extra = isfinite(num(t, r, "k0")) ? num(t, r, "k0") : num(t, r, "fsnum");
        key_num(k, c0 + 5, extra, 2);
    }
}

static void key_leave1out(keytab *k, const msum_table *l)
{
    measure m = table_measure(l);
    key_col(k, "study left out");
    key_est_col(k, &m);
    key_col(k, "p");
    key_col(k, "I\xc2\xb2");
    key_col(k, "\xcf\x84\xc2\xb2");
    for (size_t r = 0; r < msum_table_nrows(l); r++) {
        key_row(k);
        key_set(k, 0, txt(l, r, "id"));
        key_ci(k, 1, natural_of(l, r, "estimate", "ci_lb", "ci_ub", &m));
        key_p(k, 2, num(l, r, "pval"));
        key_num(k, 3, num(l, r, "I2"), 1);
        key_num(k, 4, num(l, r, "tau2"), 0);
    }
}

enum { MAX_KEY_EFFECTS = 30 };

static void key_effects(keytab *k, const msum_table *t)
{
    size_t nr = msum_table_nrows(t), shown = 0;
    measure m = measure_of(NULL);
    for (size_t r = 0; r < nr && !*m.code; r++) m = measure_of(txt(t, r, "measure"));
    key_col(k, "study");
    key_col(k, "measure");
    key_col(k, "estimate [95% CI]");
    for (size_t r = 0; r < nr && shown < MAX_KEY_EFFECTS; r++) {
        measure mr = measure_of(txt(t, r, "measure"));
        natural v = natural_of(t, r, "yi", "ci_lb", "ci_ub", &mr);
        if (!isfinite(v.est)) continue;
        line b = {.n = 0};
        put_study(&b, t, r);
        key_row(k);
        key_set(k, 0, b.s);
        key_set(k, 1, mr.noun);
        key_ci(k, 2, v);
        shown++;
    }
}

int msum_findings_key(const char *kind, const msum_table *const *ts, size_t n,
                      msum_table **out)
{
    if (!kind || !out || (n && !ts)) return MSUM_EINVAL;
    *out = NULL;
    const msum_table *t = NULL;
    void (*fill)(keytab *, const msum_table *) = NULL;
    if (strcmp(kind, "pool") == 0 && (t = find(ts, n, "pool")) && has(t, "estimate"))
        fill = key_pool;
    else if (strcmp(kind, "compare") == 0 && (t = find(ts, n, "metareg")) &&
             has_mods(t, msum_table_meta(t, "by")))
        fill = key_metareg;
    else if (strcmp(kind, "compare") == 0 && (t = find(ts, n, "groups")) && msum_table_nrows(t))
        fill = key_groups;
    else if (strcmp(kind, "compare") == 0 && (t = find(ts, n, "metareg")))
        fill = key_metareg;
    else if (strcmp(kind, "bias") == 0 && (t = find(ts, n, "bias"))) fill = key_bias;
    else if (strcmp(kind, "sensitivity") == 0 && (t = find(ts, n, "leave1out")))
        fill = key_leave1out;
    else if (strcmp(kind, "effects") == 0 && (t = find(ts, n, "effects")) && has(t, "yi"))
        fill = key_effects;
    if (!fill || msum_table_nrows(t) == 0) return MSUM_OK;
    keytab k = {msum_table_new("key_numbers", "Main numbers"), MSUM_OK, 0};
    if (!k.t) return MSUM_ENOMEM;
    fill(&k, t);
    if (k.st != MSUM_OK || msum_table_nrows(k.t) == 0) {
        msum_table_free(k.t);
        return k.st;
    }
    *out = k.t;
    return MSUM_OK;
}
