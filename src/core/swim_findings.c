/* The findings of a synthesis without meta-analysis as sentences (include/metasum/findings.h),
 * built from the comparisons, time-course and domain tables so that every number, label and
 * reference in them comes from the data.
 */
#include "metasum/findings.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metasum/metasum.h"
#include "strindex.h"
#include "tbuild.h"

/* ---- a growable sentence ------------------------------------------------------------------ */

typedef struct {
    char *s;
    size_t len, cap;
    int err;
} sbuf;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void sb_printf(sbuf *b, const char *fmt, ...)
{
    if (b->err) return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            b->err = 1;
            return;
        }
        if (b->s && b->len + (size_t)n < b->cap) {
            b->len += (size_t)n;
            return;
        }
        size_t cap = 2 * (b->len + (size_t)n + 64);
        char *s = realloc(b->s, cap);
        if (!s) {
            b->err = 1;
            return;
        }
        b->s = s;
        b->cap = cap;
    }
}

static void sb_reset(sbuf *b)
{
    b->len = 0;
    if (b->s) b->s[0] = '\0';
}

/* ---- table cells by column name ------------------------------------------------------------ */

static const char *txt(const msum_table *t, size_t r, const char *col)
{
    int c = msum_table_col_index(t, col);
    const char *s = c >= 0 && !msum_table_is_na(t, r, (size_t)c) ? msum_table_text(t, r, (size_t)c)
                                                                  : NULL;
    return s ? s : "";
}

/* The study text of a row: its citation when the table has one, else the column given. */
static const char *cite(const msum_table *t, size_t r, const char *col)
{
    const char *c = txt(t, r, "citation");
    return *c ? c : txt(t, r, col);
}

static double num(const msum_table *t, size_t r, const char *col)
{
    int c = msum_table_col_index(t, col);
    return c >= 0 ? msum_table_num(t, r, (size_t)c) : NAN;
}

/* A reported number as written (shortest exact), a derived one to 3 significant digits. */
static const char *fmt_exact(double v, char *buf, size_t size)
{
    msum_fmt_num(v, 0, buf, size);
    return buf;
}

static const char *fmt_3(double v, char *buf, size_t size)
{
    msum_fmt_num(v, 3, buf, size);
    return buf;
}

static const char *fmt_p(double p, char *buf, size_t size)
{
    if (p < 0.001) snprintf(buf, size, "p < 0.001");
    else {
        char v[32];
        msum_fmt_num(p, 2, v, sizeof v);
        snprintf(buf, size, "p = %s", v);
    }
    return buf;
}

/* "Label (model, exposure)" with the empty parts left out. */
static void context(sbuf *b, const msum_table *t, size_t r)
{
    const char *lab = txt(t, r, "label"), *m = txt(t, r, "model"), *e = txt(t, r, "exposure");
    sb_printf(b, "%s", *lab ? lab : txt(t, r, "outcome"));
    if (*m || *e) sb_printf(b, " (%s%s%s)", m, *m && *e ? ", " : "", e);
}

/* ---- the sentences ------------------------------------------------------------------------ */

/* One compared pair in words; pass 0 takes the across-rows pairs, pass 1 the head-to-head
 * rows.  Returns 1 when the row was written. */
static int comparison_text(const msum_table *t, size_t r, int pass, sbuf *b, size_t k)
{
    char x[64], y[64], z[64];
    const char *kind = txt(t, r, "kind"), *in = txt(t, r, "input"), *ref = cite(t, r, "ref");
    double av = num(t, r, "a_value"), bv = num(t, r, "b_value"), ratio = num(t, r, "value_ratio");
    int pct = strcmp(in, "percent_change") == 0, fold = strcmp(in, "fold_change") == 0;
    int across = pass == 0 && strcmp(kind, "across rows") == 0 && !isnan(av) && !isnan(bv) &&
                 (pct || fold);
    int h2h = pass == 1 && strcmp(kind, "head-to-head") == 0 && !isnan(av) && (pct || fold);
    if (!across && !h2h) return 0;
    sb_printf(b, "%s", k ? "; " : "Reported numbers compared: ");
    context(b, t, r);
    const char *a = txt(t, r, "a"), *o = txt(t, r, "b");
    if (across && pct)
        sb_printf(b, ": %s %s %% vs %s %s %%, %s times the %s", a, fmt_exact(av, x, sizeof x), o,
                  fmt_exact(bv, y, sizeof y), fmt_3(ratio, z, sizeof z),
                  av > 0 && bv > 0 ? "gain" : "change");
    else if (across)
        sb_printf(b, ": %s %s-fold vs %s %s-fold, %s times as large", a,
                  fmt_exact(av, x, sizeof x), o, fmt_exact(bv, y, sizeof y),
                  fmt_3(ratio, z, sizeof z));
    else if (fold)
        sb_printf(b, ": %s %s times that of %s", a, fmt_exact(av, x, sizeof x), o);
    else
        sb_printf(b, ": %s %s%s %% relative to %s", a, av > 0 ? "+" : "",
                  fmt_exact(av, x, sizeof x), o);
    if (*ref) sb_printf(b, " (%s)", ref);
    return 1;
}

static int comparisons_sentence(const msum_table *t, sbuf *b)
{
    size_t k = 0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t r = 0; r < msum_table_nrows(t); r++)
            k += (size_t)comparison_text(t, r, pass, b, k);
    if (k) sb_printf(b, ".");
    return (int)k;
}

/* The status of one time point in words. */
static const char *point_status(const msum_table *t, size_t r)
{
    double n = num(t, r, "n_rows"), ben = num(t, r, "n_beneficial"),
           harm = num(t, r, "n_harmful"), none = num(t, r, "n_no_change"),
           inc = num(t, r, "n_increase"), dec = num(t, r, "n_decrease");
    if (none == n) return "unchanged";
    if (!isnan(ben)) return ben == n ? "improved" : harm == n ? "worsened" : "mixed";
    return inc == n ? "increased (not rated)" : dec == n ? "decreased (not rated)" : "mixed";
}

static int same_set(const msum_table *t, size_t a, size_t b)
{
    static const char *const keys[] = {"source", "preparation", "model", "exposure",
                                       "effect_of", "time_unit"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (strcmp(txt(t, a, keys[i]), txt(t, b, keys[i])) != 0) return 0;
    return 1;
}

static int same_outcome(const msum_table *t, size_t a, size_t b)
{
    return same_set(t, a, b) && strcmp(txt(t, a, "outcome"), txt(t, b, "outcome")) == 0;
}

/* "5, 15 and 28" for the time points of rows[0..m). */
static void times_text(sbuf *b, const msum_table *t, const size_t *rows, size_t m)
{
    char x[64];
    for (size_t i = 0; i < m; i++)
        sb_printf(b, "%s%s", i == 0 ? "" : i + 1 == m ? " and " : ", ",
                  fmt_exact(num(t, rows[i], "time"), x, sizeof x));
}

/* The pattern of one outcome over its time points, e.g. "improved at every time point". */
static void outcome_pattern(sbuf *p, const msum_table *t, const size_t *rows, size_t m)
{
    const char *s0 = point_status(t, rows[0]);
    int same = 1;
    for (size_t i = 1; i < m; i++) same &= strcmp(point_status(t, rows[i]), s0) == 0;
    if (same) sb_printf(p, "%s at every time point", s0);
    else {
        char x[64];
        for (size_t i = 0; i < m; i++)
            sb_printf(p, "%s%s at %s", i ? ", " : "", point_status(t, rows[i]),
                      fmt_exact(num(t, rows[i], "time"), x, sizeof x));
    }
    const char *tr = txt(t, rows[0], "trend"), *unit = txt(t, rows[0], "time_unit");
    if (!strcmp(tr, "weakens") || !strcmp(tr, "strengthens")) {
        char x[64];
        sb_printf(p, ", the effect %s from %s ", tr, unit);
        for (size_t i = 0; i < m; i++)
            sb_printf(p, "%s%s", i ? " to " : "", fmt_exact(num(t, rows[i], "time"), x, sizeof x));
    } else if (!strcmp(tr, "constant")) {
        sb_printf(p, ", of the same size at each %s", unit);
    } else if (!strcmp(tr, "varies")) {
        sb_printf(p, ", its size varying with %s", unit);
    }
}

/* One sentence per time-course set (source, preparation, model, exposure, effect_of, unit). */
static int timecourse_sentences(const msum_table *t, msum_tb *tb)
{
    size_t nr = msum_table_nrows(t);
    size_t *rows = malloc((nr + 1) * sizeof *rows), *first = malloc((nr + 1) * sizeof *first);
    char *done = calloc(nr + 1, 1), *odone = calloc(nr + 1, 1);
    sbuf s = {0}, pat = {0}, pat2 = {0};
    int st = rows && first && done && odone ? MSUM_OK : MSUM_ENOMEM;
    for (size_t r0 = 0; st == MSUM_OK && r0 < nr; r0++) {
        if (done[r0]) continue;
        /* the set's time points (each distinct time once, in table order) */
        size_t m = 0, nf = 0;
        for (size_t r = r0; r < nr; r++) {
            if (!same_set(t, r0, r)) continue;
            done[r] = 1;
            int seen = 0;
            for (size_t i = 0; i < m; i++) seen |= num(t, rows[i], "time") == num(t, r, "time");
            if (!seen) rows[m++] = r;
        }
        /* sort the set's distinct times (few) */
        for (size_t i = 1; i < m; i++)
            for (size_t j = i; j > 0 && num(t, rows[j - 1], "time") > num(t, rows[j], "time");
                 j--) {
                size_t x = rows[j];
                rows[j] = rows[j - 1];
                rows[j - 1] = x;
            }
        sb_reset(&s);
        const char *src = txt(t, r0, "source"), *prep = txt(t, r0, "preparation"),
                   *model = txt(t, r0, "model"), *expo = txt(t, r0, "exposure");
        if (!strcmp(txt(t, r0, "effect_of"), "exposure"))
            sb_printf(&s, "%s alone", *expo ? expo : "The exposure");
        else
            sb_printf(&s, "%s%s%s", src, *src && *prep ? "-" : "", prep);
        if (*model) sb_printf(&s, " in %s", model);
        if (*expo && strcmp(txt(t, r0, "effect_of"), "exposure") != 0)
            sb_printf(&s, " after %s", expo);
        sb_printf(&s, ", at %s ", txt(t, r0, "time_unit"));
        times_text(&s, t, rows, m);
        const char *refs = cite(t, r0, "refs");
        if (*refs) sb_printf(&s, " (%s)", refs);
        sb_printf(&s, ": ");
        /* outcomes of the set in table order, grouped by equal pattern */
        for (size_t r = r0; r < nr; r++) {
            if (!same_set(t, r0, r) || odone[r]) continue;
            first[nf++] = r;
            for (size_t q = r; q < nr; q++)
                if (same_outcome(t, r, q)) odone[q] = 1;
        }
        char *gdone = calloc(nf + 1, 1);
        if (!gdone) {
            st = MSUM_ENOMEM;
            break;
        }
        size_t ngroups = 0;
        for (size_t g = 0; g < nf; g++) {
            if (gdone[g]) continue;
            size_t pm = 0;
            sb_reset(&pat);
            size_t orow[64];
            for (size_t q = first[g]; q < nr && pm < 64; q++)
                if (same_outcome(t, first[g], q)) orow[pm++] = q;
            outcome_pattern(&pat, t, orow, pm);
            /* the outcomes sharing this pattern */
            size_t members[64], nm = 0;
            for (size_t h = g; h < nf && nm < 64; h++) {
                if (gdone[h]) continue;
                size_t hm = 0, hrow[64];
                for (size_t q = first[h]; q < nr && hm < 64; q++)
                    if (same_outcome(t, first[h], q)) hrow[hm++] = q;
                sb_reset(&pat2);
                outcome_pattern(&pat2, t, hrow, hm);
                if (!pat.err && !pat2.err && strcmp(pat.s, pat2.s) == 0) {
                    members[nm++] = first[h];
                    gdone[h] = 1;
                }
            }
            sb_printf(&s, "%s", ngroups++ ? "; " : "");
            for (size_t i = 0; i < nm; i++) {
                const char *lab = txt(t, members[i], "label");
                sb_printf(&s, "%s%s", i == 0 ? "" : i + 1 == nm ? " and " : ", ",
                          *lab ? lab : txt(t, members[i], "outcome"));
            }
            sb_printf(&s, " %s", pat.err ? "" : pat.s);
        }
        free(gdone);
        sb_printf(&s, ".");
        if (s.err || pat.err || pat2.err) st = MSUM_ENOMEM;
        else {
            msum_tb_row(tb);
            msum_tb_text(tb, "finding", s.s);
        }
    }
    free(rows);
    free(first);
    free(done);
    free(odone);
    free(s.s);
    free(pat.s);
    free(pat2.s);
    return st;
}

/* The vote counts of the effect direction plot in two sentences: how many study x domain
 * cells with a clear direction show benefit (and what the others show), then the domains whose
 * exact sign test gives p < 0.05 with their counts, and the range of the rest, e.g.
 * "Effect direction: 32 of the 32 study x domain cells with a clear direction show benefit (3
 * more show no change, 2 are not rated). Sign test per domain: p < 0.05 for Viability & growth
 * (9 of 9, p = 0.0039) and Senescence (7 of 7, p = 0.016); the other 5 domains with a
 * direction have 2 to 5 cells each (p >= 0.063)."  The per-domain numbers are the plot's
 * footer and the domains table. */
static int domains_sentence(const msum_table *t, sbuf *b)
{
    size_t nr = msum_table_nrows(t);
    if (nr == 0) return 0;
    double ben = 0, harm = 0, votes = 0, rest[3] = {0, 0, 0};
    static const char *const rcol[3] = {"n_no_change", "n_conflicting", "n_not_rated"};
    for (size_t r = 0; r < nr; r++) {
        double v = num(t, r, "n_votes");
        if (v > 0) {
            votes += v;
            ben += num(t, r, "n_benefit");
            harm += num(t, r, "n_harm");
        }
        for (size_t i = 0; i < 3; i++) {
            double c = num(t, r, rcol[i]);
            if (c > 0) rest[i] += c;
        }
    }
    char x[64];
    sb_printf(b, "Effect direction: ");
    if (votes > 0) {
        sb_printf(b, "%g of the %g study \xc3\x97 domain cell%s with a clear direction show%s "
                     "benefit", ben, votes, votes == 1 ? "" : "s", votes == 1 ? "s" : "");
        if (harm > 0) sb_printf(b, ", %g harm", harm);
    } else {
        sb_printf(b, "no study \xc3\x97 domain cell has a clear direction");
    }
    static const char *const rwhat[3][2] = {{"show no change", "shows no change"},
                                            {"are conflicting", "is conflicting"},
                                            {"are not rated", "is not rated"}};
    int first = 1;
    for (size_t i = 0; i < 3; i++) {
        if (!(rest[i] > 0)) continue;
        sb_printf(b, "%s%g%s %s", first ? " (" : ", ", rest[i],
                  first && votes > 0 ? " more" : "", rwhat[i][rest[i] == 1]);
        first = 0;
    }
    sb_printf(b, "%s.", first ? "" : ")");
    if (!(votes > 0)) return 1;
    /* the sign test: the domains below 0.05 by name, the others as a range */
    size_t nsig = 0, nother = 0;
    double lo = INFINITY, hi = -INFINITY, pmin = INFINITY;
    for (size_t r = 0; r < nr; r++) {
        double v = num(t, r, "n_votes"), p = num(t, r, "sign_pval");
        if (!(v > 0)) continue;
        if (p < 0.05) {
            nsig++;
            continue;
        }
        nother++;
        lo = fmin(lo, v);
        hi = fmax(hi, v);
        if (p < pmin) pmin = p;
    }
    sb_printf(b, " Sign test per domain: ");
    if (nsig == 0) sb_printf(b, "p \xe2\x89\xa5 0.05 in every domain");
    for (size_t r = 0, k = 0; r < nr; r++) {
        double v = num(t, r, "n_votes"), p = num(t, r, "sign_pval");
        if (!(v > 0) || !(p < 0.05)) continue;
        sb_printf(b, "%s%s (%g of %g, %s)", k == 0 ? "p < 0.05 for " : k + 1 == nsig ? " and "
                                                                                     : ", ",
                  txt(t, r, "domain"), num(t, r, "n_benefit"), v, fmt_p(p, x, sizeof x));
        k++;
    }
    if (nsig > 0 && nother > 0) {
        char pm[32];
        msum_fmt_num(pmin, 2, pm, sizeof pm);
        if (nother == 1) sb_printf(b, "; the other domain with a direction has ");
        else sb_printf(b, "; the other %zu domains with a direction have ", nother);
        if (lo == hi) sb_printf(b, "%g cell%s", lo, lo == 1 ? "" : "s");
        else sb_printf(b, "%g to %g cells", lo, hi);
        sb_printf(b, "%s (p %s %s)", nother == 1 ? "" : " each",
                  nother == 1 ? "=" : "\xe2\x89\xa5", pm);
    } else if (nsig == 0) {
        sb_printf(b, " (%zu domain%s with a direction, ", nother, nother == 1 ? "" : "s");
        if (lo == hi)
            sb_printf(b, "%g cell%s%s)", lo, lo == 1 ? "" : "s", nother == 1 ? "" : " each");
        else sb_printf(b, "%g to %g cells)", lo, hi);
    }
    sb_printf(b, ".");
    return 1;
}

/* A copy of t with one more text column (empty), or NULL on allocation failure. */
static msum_table *with_column(const msum_table *t, const char *name, const char *desc)
{
    size_t nc = msum_table_ncols(t), nr = msum_table_nrows(t);
    msum_table *u = msum_table_new(msum_table_name(t), msum_table_title(t));
    int ok = u != NULL;
    for (size_t i = 0; ok && i < msum_table_nmeta(t); i++)
        ok = msum_table_set_meta(u, msum_table_meta_key(t, i), msum_table_meta_value(t, i)) ==
             MSUM_OK;
    for (size_t c = 0; ok && c < nc; c++)
        ok = msum_table_add_col(u, msum_table_col_name(t, c), msum_table_col_type(t, c),
                                msum_table_col_desc(t, c)) >= 0;
    ok = ok && msum_table_add_col(u, name, MSUM_COL_TEXT, desc) >= 0;
    for (size_t r = 0; ok && r < nr; r++) {
        ok = msum_table_add_row(u) >= 0;
        for (size_t c = 0; ok && c < nc; c++) {
            if (msum_table_is_na(t, r, c)) continue;
            ok = msum_table_col_type(t, c) == MSUM_COL_TEXT
                     ? msum_table_set_text(u, r, c, msum_table_text(t, r, c)) == MSUM_OK
                     : msum_table_set_num(u, r, c, msum_table_num(t, r, c)) == MSUM_OK;
        }
    }
    if (!ok) {
        msum_table_free(u);
        return NULL;
    }
    return u;
}

int msum_swim_cite(msum_table **pt, const char *refcol, const char *const *keys,
                   const char *const *labels, size_t n)
{
    const msum_table *t = pt ? *pt : NULL;
    if (!t || msum_table_col_index(t, refcol) < 0 || msum_table_col_index(t, "citation") >= 0 ||
        (n && (!keys || !labels)))
        return MSUM_EINVAL;
    msum_table *u = with_column(t, "citation",
                                "the studies with their numbers in the reviewed source");
    /* the keys sorted once (a binary search per key of a row, not rows x references) */
    msum_strix *ix = msum_strix_new(keys, n);
    if (!u || !ix) {
        msum_table_free(u);
        free(ix);
        return MSUM_ENOMEM;
    }
    size_t cc = msum_table_ncols(u) - 1;
    sbuf b = {0}, key = {0};
    for (size_t r = 0; r < msum_table_nrows(t) && !b.err && !key.err; r++) {
        const char *s = txt(t, r, refcol);
        if (!*s) continue;
        sb_reset(&b);
        while (*s) {
            size_t len = strcspn(s, ",; "); /* a key, then its separators */
            sb_reset(&key);
            sb_printf(&key, "%.*s", (int)len, s);
            long k = key.err ? -1 : msum_strix_find(ix, n, key.s);
            if (k >= 0) sb_printf(&b, "%s", labels[k]);
            else sb_printf(&b, "%.*s", (int)len, s);
            s += len;
            size_t sep = strspn(s, ",; ");
            sb_printf(&b, "%.*s", (int)sep, s);
            s += sep;
        }
        if (!b.err && msum_table_set_text(u, r, cc, b.s) != MSUM_OK) b.err = 1;
    }
    free(b.s);
    free(key.s);
    free(ix);
    if (b.err || key.err) {
        msum_table_free(u);
        return MSUM_ENOMEM;
    }
    msum_table_free(*pt);
    *pt = u;
    return MSUM_OK;
}

int msum_swim_findings(const msum_table *comparisons, const msum_table *timecourse,
                       const msum_table *domains, msum_table **out)
{
    if (!out) return MSUM_EINVAL;
    *out = NULL;
    static const msum_tb_col cols[] = {{"finding", MSUM_COL_TEXT, "one finding, in a sentence"}};
    msum_tb b;
    msum_tb_init(&b, "findings", "Findings", cols, 1);
    sbuf s = {0};
    if (comparisons && comparisons_sentence(comparisons, &s) && !s.err) {
        msum_tb_row(&b);
        msum_tb_text(&b, "finding", s.s);
    }
    if (timecourse && b.st == MSUM_OK) {
        int st = timecourse_sentences(timecourse, &b);
        if (st != MSUM_OK) b.st = st;
    }
    sb_reset(&s);
    if (domains && domains_sentence(domains, &s) && !s.err) {
        msum_tb_row(&b);
        msum_tb_text(&b, "finding", s.s);
    }
    if (s.err && b.st == MSUM_OK) b.st = MSUM_ENOMEM;
    free(s.s);
    msum_tb_meta(&b, "method", "sentences generated from the comparisons, time-course and "
                               "domain tables");
    return msum_tb_finish(&b, out);
}
