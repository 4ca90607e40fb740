/* Per-record checks (pure): the fields each input form needs, the values no study can report
 * (negative SDs, n < 1, |r| > 1, p outside (0, 1], ...), and the SD-that-may-be-an-SEM warning.
 * The rules are written down in datasets/README.md; this file is their one implementation.
 */
#include "metasum/checks.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    msum_check *out;
    size_t max, n;
} sink;

#if defined(__GNUC__)
__attribute__((format(printf, 5, 6)))
#endif
static void add(sink *s, msum_severity sev, msum_check_kind kind, int field, const char *fmt,
                ...)
{
    if (s->n < s->max) {
        msum_check *c = &s->out[s->n];
        c->severity = sev;
        c->kind = kind;
        c->field = field;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(c->text, sizeof c->text, fmt, ap);
        va_end(ap);
    }
    s->n++;
}

static int has(const msum_record *r, msum_field f) { return !isnan(r->x[f]); }

/* ---- required fields -------------------------------------------------------------------- */

const char *msum_input_needs(msum_input in)
{
    switch (in) {
    case MSUM_INPUT_GENERIC: return "yi and one of vi, sei, ci_lb+ci_ub, pval";
    case MSUM_INPUT_CONTINUOUS: return "m1i, sd1i|sem1i, n1i, m2i, sd2i|sem2i, n2i";
    case MSUM_INPUT_COUNTS: return "ai, bi|n1i, ci, di|n2i";
    case MSUM_INPUT_CORRELATION: return "ri, ni";
    case MSUM_INPUT_PERCENT: return "pct";
    case MSUM_INPUT_FOLD: return "fold";
    case MSUM_INPUT_MEDIAN:
        return "per group N = 1, 2: medNi, q1_Ni+q3_Ni and/or minNi+maxNi, nNi";
    case MSUM_INPUT_DIRECTION: return "direction";
    case MSUM_INPUT_PROPORTION: return "xi, ni";
    case MSUM_INPUT_RATE: return "xi, ti";
    case MSUM_INPUT_RATES: return "x1i, t1i, x2i, t2i";
    case MSUM_INPUT_RATIO: return "ratio, ci_lb, ci_ub";
    default: return "";
    }
}

/* Appends "name" (or "a|b") to the list of missing fields. */
static void need(char *list, size_t size, const char *what)
{
    size_t n = strlen(list);
    snprintf(list + n, size - n, "%s%s", n ? ", " : "", what);
}

static void need1(const msum_record *r, msum_field f, char *list, size_t size)
{
    if (!has(r, f)) need(list, size, msum_field_name(f));
}

static void need_either(const msum_record *r, msum_field a, msum_field b, char *list, size_t size)
{
    if (!has(r, a) && !has(r, b)) {
        char both[32];
        snprintf(both, sizeof both, "%s|%s", msum_field_name(a), msum_field_name(b));
        need(list, size, both);
    }
}

/* Both or neither of a pair (a bound without its partner is missing its partner). */
static void need_pair(const msum_record *r, msum_field a, msum_field b, char *list, size_t size)
{
    if (has(r, a) != has(r, b)) need(list, size, msum_field_name(has(r, a) ? b : a));
}

static void check_required(const msum_record *r, sink *s)
{
    char miss[128];
    miss[0] = '\0';
    size_t sz = sizeof miss;
    switch (r->input) {
    case MSUM_INPUT_NONE:
        need(miss, sz, "input");
        break;
    case MSUM_INPUT_GENERIC:
        need1(r, MSUM_F_YI, miss, sz);
        need_pair(r, MSUM_F_CI_LB, MSUM_F_CI_UB, miss, sz);
        if (!has(r, MSUM_F_VI) && !has(r, MSUM_F_SEI) && !has(r, MSUM_F_PVAL) &&
            !(has(r, MSUM_F_CI_LB) || has(r, MSUM_F_CI_UB)))
            need(miss, sz, "vi|sei|ci_lb+ci_ub|pval");
        break;
    case MSUM_INPUT_CONTINUOUS:
        need1(r, MSUM_F_M1I, miss, sz);
        need_either(r, MSUM_F_SD1I, MSUM_F_SEM1I, miss, sz);
        need1(r, MSUM_F_N1I, miss, sz);
        need1(r, MSUM_F_M2I, miss, sz);
        need_either(r, MSUM_F_SD2I, MSUM_F_SEM2I, miss, sz);
        need1(r, MSUM_F_N2I, miss, sz);
        break;
    case MSUM_INPUT_COUNTS:
        need1(r, MSUM_F_AI, miss, sz);
        need_either(r, MSUM_F_BI, MSUM_F_N1I, miss, sz);
        need1(r, MSUM_F_CI, miss, sz);
        need_either(r, MSUM_F_DI, MSUM_F_N2I, miss, sz);
        break;
    case MSUM_INPUT_CORRELATION:
        need1(r, MSUM_F_RI, miss, sz);
        need1(r, MSUM_F_NI, miss, sz);
        break;
    case MSUM_INPUT_PROPORTION:
        need1(r, MSUM_F_XI, miss, sz);
        need1(r, MSUM_F_NI, miss, sz);
        break;
    case MSUM_INPUT_RATE:
        need1(r, MSUM_F_XI, miss, sz);
        need1(r, MSUM_F_TI, miss, sz);
        break;
    case MSUM_INPUT_RATES:
        need1(r, MSUM_F_X1I, miss, sz);
        need1(r, MSUM_F_T1I, miss, sz);
        need1(r, MSUM_F_X2I, miss, sz);
        need1(r, MSUM_F_T2I, miss, sz);
        break;
    case MSUM_INPUT_RATIO:
        need1(r, MSUM_F_RATIO, miss, sz);
        need1(r, MSUM_F_CI_LB, miss, sz);
        need1(r, MSUM_F_CI_UB, miss, sz);
        break;
    case MSUM_INPUT_PERCENT:
        need1(r, MSUM_F_PCT, miss, sz);
        break;
    case MSUM_INPUT_FOLD:
        need1(r, MSUM_F_FOLD, miss, sz);
        break;
    case MSUM_INPUT_MEDIAN:
        for (int g = 0; g < 2; g++) {
            int o = g * (MSUM_F_MED2I - MSUM_F_MED1I);
            msum_field med = (msum_field)(MSUM_F_MED1I + o), q1 = (msum_field)(MSUM_F_Q1_1I + o),
                       q3 = (msum_field)(MSUM_F_Q3_1I + o), mn = (msum_field)(MSUM_F_MIN1I + o),
                       mx = (msum_field)(MSUM_F_MAX1I + o);
            need1(r, med, miss, sz);
            need_pair(r, q1, q3, miss, sz);
            need_pair(r, mn, mx, miss, sz);
            if (!has(r, q1) && !has(r, q3) && !has(r, mn) && !has(r, mx)) {
                char what[48];
                snprintf(what, sizeof what, "%s+%s|%s+%s", msum_field_name(q1),
                         msum_field_name(q3), msum_field_name(mn), msum_field_name(mx));
                need(miss, sz, what);
            }
            need1(r, g ? MSUM_F_N2I : MSUM_F_N1I, miss, sz);
        }
        break;
    case MSUM_INPUT_DIRECTION:
        if (r->direction == MSUM_DIR_NONE) need(miss, sz, "direction");
        break;
    default:
        break;
    }
    if (miss[0]) add(s, MSUM_DIAG_ERROR, MSUM_CHECK_MISSING, -1, "%s", miss);
}

/* ---- impossible values ------------------------------------------------------------------ */

#define BAD(f, ...) add(s, MSUM_DIAG_ERROR, MSUM_CHECK_VALUE, (f), __VA_ARGS__)

static int is_whole(double v) { return v == floor(v); }

#define ANY(mask, f) ((mask) & (1ULL << (f)))

static void check_values(const msum_record *r, unsigned long long m, sink *s)
{
    const double *x = r->x;
    /* Groups of fields are only looked at when one of their columns exists (m). */
    const unsigned long long grp_cont =
        (1ULL << MSUM_F_SD1I) | (1ULL << MSUM_F_SD2I) | (1ULL << MSUM_F_SEM1I) |
        (1ULL << MSUM_F_SEM2I) | (1ULL << MSUM_F_N1I) | (1ULL << MSUM_F_N2I) |
        (1ULL << MSUM_F_NI) | (1ULL << MSUM_F_M1I) | (1ULL << MSUM_F_M2I) |
        (1ULL << MSUM_F_MED1I) | (1ULL << MSUM_F_MED2I);
    const unsigned long long grp_counts =
        (1ULL << MSUM_F_AI) | (1ULL << MSUM_F_BI) | (1ULL << MSUM_F_CI) | (1ULL << MSUM_F_DI);
    if (m & grp_cont) {
    static const msum_field sds[] = {MSUM_F_SD1I, MSUM_F_SD2I};
    static const msum_field sems[] = {MSUM_F_SEM1I, MSUM_F_SEM2I};
    for (int g = 0; g < 2; g++) {
        if (x[sds[g]] < 0) BAD(sds[g], "a standard deviation >= 0");
        if (x[sems[g]] < 0) BAD(sems[g], "a standard error >= 0");
    }
    static const msum_field ns[] = {MSUM_F_N1I, MSUM_F_N2I, MSUM_F_NI};
    for (int i = 0; i < 3; i++) {
        double v = x[ns[i]];
        if (!isnan(v) && (v < 1 || v > MSUM_COUNT_MAX || !is_whole(v)))
            BAD(ns[i], "a sample size: a whole number in [1, %.0f]", MSUM_COUNT_MAX);
    }
    /* An SD (or SEM) is computed from at least two observations; with n = 1 it does not exist
     * (R's sd() of one value is NA), and the SMD's n1 + n2 - 2 would be 0. */
    if (r->input == MSUM_INPUT_CONTINUOUS || r->input == MSUM_INPUT_MEDIAN) {
        static const msum_field gn[] = {MSUM_F_N1I, MSUM_F_N2I};
        for (int g = 0; g < 2; g++)
            if (x[gn[g]] >= 1 && x[gn[g]] < 2)
                BAD(gn[g], "a group size >= 2 (an SD needs two observations)");
    }
    /* Both spreads 0: vi = 0 for MD and ROM, the SMD is undefined; no measure has a variance. */
    if (r->input == MSUM_INPUT_CONTINUOUS) {
        double s1 = has(r, MSUM_F_SD1I) ? x[MSUM_F_SD1I] : x[MSUM_F_SEM1I];
        double s2 = has(r, MSUM_F_SD2I) ? x[MSUM_F_SD2I] : x[MSUM_F_SEM2I];
        if (s1 == 0 && s2 == 0)
            BAD(has(r, MSUM_F_SD2I) ? MSUM_F_SD2I : MSUM_F_SEM2I,
                "an SD > 0 in at least one group (both are 0: no measure has a variance)");
    }
    if (r->measure == MSUM_MEASURE_ROM) {
        static const msum_field means[] = {MSUM_F_M1I, MSUM_F_M2I, MSUM_F_MED1I, MSUM_F_MED2I};
        for (int i = 0; i < 4; i++)
            if (x[means[i]] <= 0) BAD(means[i], "a mean > 0 (ROM is a ratio of means)");
    }
    }
    if (m & grp_counts) {
    static const msum_field cells[] = {MSUM_F_AI, MSUM_F_BI, MSUM_F_CI, MSUM_F_DI};
    for (int i = 0; i < 4; i++)
        if (has(r, cells[i]) &&
            (x[cells[i]] < 0 || !is_whole(x[cells[i]]) || x[cells[i]] > MSUM_COUNT_MAX))
            BAD(cells[i], "a count: a whole number in [0, %.0f]", MSUM_COUNT_MAX);
    if (x[MSUM_F_AI] > x[MSUM_F_N1I])
        BAD(MSUM_F_AI, "at most n1i = %g (events cannot exceed the group size)", x[MSUM_F_N1I]);
    if (x[MSUM_F_CI] > x[MSUM_F_N2I])
        BAD(MSUM_F_CI, "at most n2i = %g (events cannot exceed the group size)", x[MSUM_F_N2I]);
    }
    if (x[MSUM_F_VI] <= 0) BAD(MSUM_F_VI, "a sampling variance > 0");
    if (x[MSUM_F_SEI] <= 0) BAD(MSUM_F_SEI, "a standard error > 0");
    /* Both given: they must say the same (vi is what the analyses use, as metafor). */
    else if (x[MSUM_F_VI] > 0 && x[MSUM_F_SEI] > 0 &&
             fabs(sqrt(x[MSUM_F_VI]) - x[MSUM_F_SEI]) > MSUM_SEI_VI_RTOL * x[MSUM_F_SEI])
        BAD(MSUM_F_SEI, "sqrt(vi) = %.6g within %g%% (vi and sei disagree: fix or drop one)",
            sqrt(x[MSUM_F_VI]), 100 * MSUM_SEI_VI_RTOL);
    if (x[MSUM_F_CI_LB] > x[MSUM_F_CI_UB])
        BAD(MSUM_F_CI_LB, "a lower bound <= ci_ub = %g", x[MSUM_F_CI_UB]);
    if (x[MSUM_F_PVAL] <= 0 || x[MSUM_F_PVAL] > 1) BAD(MSUM_F_PVAL, "a p-value in (0, 1]");
    if (fabs(x[MSUM_F_RI]) > 1) BAD(MSUM_F_RI, "a correlation in [-1, 1]");
    if (x[MSUM_F_FOLD] <= 0) BAD(MSUM_F_FOLD, "a fold change > 0 (a ratio)");
    if (x[MSUM_F_PCT] <= -100) BAD(MSUM_F_PCT, "a percent change > -100");
    if (x[MSUM_F_TIME] < 0) BAD(MSUM_F_TIME, "a time >= 0");
    /* Five-number summaries are ordered: min <= q1 <= median <= q3 <= max. */
    for (int g = 0; g < 2 && r->input == MSUM_INPUT_MEDIAN; g++) {
        int o = g * (MSUM_F_MED2I - MSUM_F_MED1I);
        const msum_field order[] = {(msum_field)(MSUM_F_MIN1I + o), (msum_field)(MSUM_F_Q1_1I + o),
                                    (msum_field)(MSUM_F_MED1I + o), (msum_field)(MSUM_F_Q3_1I + o),
                                    (msum_field)(MSUM_F_MAX1I + o)};
        for (int i = 0; i < 5; i++)
            for (int j = i + 1; j < 5; j++)
                if (x[order[i]] > x[order[j]]) {
                    BAD(order[i], "a value <= %s = %g", msum_field_name(order[j]), x[order[j]]);
                    i = 5;
                    break;
                }
    }
}

/* ---- warnings --------------------------------------------------------------------------- */

/* An SD is suspicious when SD / |mean| < MSUM_SD_SEM_CV with n >= 2: replicate measurements
 * rarely vary that little, and an SEM reported as an SD looks exactly like this (SEM = SD/sqrt(n)
 * is sqrt(n) times smaller).  A heuristic; it only warns. */
static void check_sd_sem(const msum_record *r, unsigned long long present, sink *s)
{
    if (!ANY(present, MSUM_F_SD1I) && !ANY(present, MSUM_F_SD2I)) return;
    static const msum_field sd[] = {MSUM_F_SD1I, MSUM_F_SD2I};
    static const msum_field m[] = {MSUM_F_M1I, MSUM_F_M2I};
    static const msum_field n[] = {MSUM_F_N1I, MSUM_F_N2I};
    for (int g = 0; g < 2; g++) {
        double v = r->x[sd[g]], mu = r->x[m[g]], nn = r->x[n[g]];
        if (v > 0 && mu != 0 && nn >= 2 && v < MSUM_SD_SEM_CV * fabs(mu))
            add(s, MSUM_DIAG_WARNING, MSUM_CHECK_NOTE, sd[g],
                "SD %g is below %g%% of the mean %g (n = %g): is it an SEM? "
                "(SD = SEM * sqrt(n) = %g)",
                v, 100 * MSUM_SD_SEM_CV, mu, nn, v * sqrt(nn));
    }
}

size_t msum_record_check(const msum_record *r, unsigned long long present, msum_check *out,
                         size_t max)
{
    sink s = {out, max, 0};
    check_required(r, &s);
    check_values(r, present, &s);
    check_sd_sem(r, present, &s);
    return s.n;
}
