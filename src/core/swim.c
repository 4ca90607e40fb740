/* Synthesis without meta-analysis (Campbell et al., BMJ 2020;368:l6890): vote counting by
 * direction with Wilson score CIs (Wilson 1927) and exact sign tests, Clopper-Pearson intervals
 * (Clopper & Pearson 1934), ROM magnitudes, descriptive comparisons, evidence maps and time
 * courses, as msum_table values.  No variances exist here, so nothing is pooled.
 */
#include "metasum/swim.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metasum/metasum.h"
#include "strindex.h"
#include "tbuild.h"

/* ---- binomial building blocks ------------------------------------------------------------- */

static int bad_binom(double x, double n, double level)
{
    return !(n >= 1) || !(x >= 0) || x > n || !(level > 0 && level < 1) || x != floor(x) ||
           n != floor(n);
}

/* Wilson (1927) score interval, as R prop.test(x, n, correct = FALSE). */
int msum_wilson_ci(double x, double n, double level, double *lb, double *ub)
{
    if (!lb || !ub || bad_binom(x, n, level)) return MSUM_EINVAL;
    double z = gsl_cdf_ugaussian_Qinv((1 - level) / 2), z2 = z * z, p = x / n;
    double c = (p + z2 / (2 * n)) / (1 + z2 / n);
    double h = z * sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n);
    *lb = fmax(0, c - h);
    *ub = fmin(1, c + h);
    return MSUM_OK;
}

/* Clopper & Pearson (1934): lb = B^-1(a/2; x, n-x+1), ub = B^-1(1-a/2; x+1, n-x). */
int msum_clopper_pearson_ci(double x, double n, double level, double *lb, double *ub)
{
    if (!lb || !ub || bad_binom(x, n, level)) return MSUM_EINVAL;
    double a = 1 - level;
    *lb = x == 0 ? 0 : gsl_cdf_beta_Pinv(a / 2, x, n - x + 1);
    *ub = x == n ? 1 : gsl_cdf_beta_Pinv(1 - a / 2, x + 1, n - x);
    return MSUM_OK;
}

/* Exact sign test (binomial, p = 1/2): the distribution is symmetric, so R binom.test's
 * "probabilities no larger than the observed one" rule equals twice the smaller tail. */
double msum_sign_test_p(double x, double n)
{
    if (bad_binom(x, n, 0.5)) return NAN;
    unsigned ux = (unsigned)x, un = (unsigned)n;
    double lo = gsl_cdf_binomial_P(ux, 0.5, un);
    double hi = ux == 0 ? 1.0 : gsl_cdf_binomial_Q(ux - 1, 0.5, un);
    return fmin(1, 2 * fmin(lo, hi));
}

/* ---- rows --------------------------------------------------------------------------------- */

/* "increase", "decrease", "none", or "unknown" for an outcome without a dictionary entry. */
static const char *benefit_text(msum_benefit b)
{
    return b == MSUM_BENEFIT_UNKNOWN ? "unknown" : msum_benefit_name(b);
}

static const char *str(const char *s) { return s ? s : ""; }
static const char *na(const char *s) { return s && *s ? s : NULL; }

static msum_direction row_direction(const msum_swim_row *r)
{
    if (r->direction != MSUM_DIR_NONE) return r->direction;
    if (isnan(r->rom)) return MSUM_DIR_NONE;
    return r->rom > 0 ? MSUM_DIR_INCREASE : r->rom < 0 ? MSUM_DIR_DECREASE : MSUM_DIR_NO_CHANGE;
}

int msum_swim_classify(const msum_swim_row *r, msum_benefit b, msum_direction *dir)
{
    msum_direction d = row_direction(r);
    if (dir) *dir = d;
    if (d == MSUM_DIR_NO_CHANGE) return 0;
    if (d == MSUM_DIR_NONE || (b != MSUM_BENEFIT_INCREASE && b != MSUM_BENEFIT_DECREASE)) return 2;
    return (d == MSUM_DIR_INCREASE) == (b == MSUM_BENEFIT_INCREASE) ? 1 : -1;
}

/* The outcome dictionary with its keys sorted once (strindex.h), so that each lookup is a binary
 * search: a table of n cells or rows over a dictionary of m outcomes is O((n + m) log m), never
 * O(n m).  dom[i] (when asked for) is the first dictionary position of entry i's domain, so that
 * ordering keeps a domain together without comparing every pair of entries. */
typedef struct {
    const msum_swim_outcome *d;
    msum_strix *ix;  /* the entries with an outcome key, by key (ties by position) */
    size_t nix;
    size_t *dom;
} odict;

static void odict_free(odict *x)
{
    free(x->ix);
    free(x->dom);
    *x = (odict){x->d, NULL, 0, NULL};
}

static int odict_init(odict *x, const msum_swim_outcome *dict, size_t nd, int domains)
{
    *x = (odict){dict, NULL, 0, NULL};
    const char **t = calloc(nd + 1, sizeof *t);
    if (!t) return MSUM_ENOMEM;
    for (size_t i = 0; i < nd; i++) t[i] = str(dict[i].outcome);
    x->ix = msum_strix_new(t, nd);
    if (x->ix) /* an entry without a key is never found (not even as "") */
        for (size_t i = 0; i < nd; i++)
            if (dict[x->ix[i].pos].outcome) x->ix[x->nix++] = x->ix[i];
    msum_strix *bydom = NULL;
    if (x->ix && domains) {
        for (size_t i = 0; i < nd; i++) t[i] = str(dict[i].domain);
        bydom = msum_strix_new(t, nd);
        x->dom = malloc((nd + 1) * sizeof *x->dom);
    }
    free(t);
    if (!x->ix || (domains && (!bydom || !x->dom))) {
        free(bydom);
        odict_free(x);
        return MSUM_ENOMEM;
    }
    for (size_t a = 0; domains && a < nd;) { /* a run of one domain: its first position */
        size_t e = a;
        while (e < nd && strcmp(bydom[e].text, bydom[a].text) == 0) {
            x->dom[bydom[e].pos] = *bydom[a].text ? bydom[a].pos : bydom[e].pos;
            e++;
        }
        a = e;
    }
    free(bydom);
    return MSUM_OK;
}

/* Position of an outcome in the dictionary (its first entry), or -1. */
static long odict_find(const odict *x, const char *outcome)
{
    return outcome ? msum_strix_find(x->ix, x->nix, outcome) : -1;
}

static msum_benefit odict_benefit(const odict *x, const char *outcome)
{
    long i = odict_find(x, outcome);
    return i >= 0 ? x->d[i].beneficial : MSUM_BENEFIT_UNKNOWN;
}

static const char *odict_label(const odict *x, const char *outcome)
{
    long i = odict_find(x, outcome);
    return i >= 0 && na(x->d[i].label) ? x->d[i].label : str(outcome);
}

static const char *odict_domain(const odict *x, const char *outcome)
{
    long i = odict_find(x, outcome);
    return i >= 0 && na(x->d[i].domain) ? x->d[i].domain : odict_label(x, outcome);
}

static const char *effect_of(const msum_swim_row *r)
{
    return r->about_exposure ? "exposure" : "treatment";
}

/* "source-preparation" (e.g. "ADSC-Ex"), or whichever of the two is given. */
static void label(const msum_swim_row *r, char *buf, size_t size)
{
    const char *s = str(r->source), *p = str(r->preparation);
    snprintf(buf, size, "%s%s%s", s, *s && *p ? "-" : "", p);
}

/* ---- grouping ----------------------------------------------------------------------------- */

enum { K_SOURCE, K_PREP, K_MODEL, K_EXPO, K_OUTCOME, K_EFFECT, K_UNIT, K_CMP, K_MAX };

typedef struct {
    const char *k[K_MAX];
    int nk;
    size_t row;
    double time;
} item;

static const char *key_of(const msum_swim_row *r, int f)
{
    switch (f) {
    case K_SOURCE: return str(r->source);
    case K_PREP: return str(r->preparation);
    case K_MODEL: return str(r->model);
    case K_EXPO: return str(r->exposure);
    case K_OUTCOME: return str(r->outcome);
    case K_EFFECT: return effect_of(r);
    case K_UNIT: return str(r->time_unit);
    case K_CMP: return str(r->comparator);
    default: return str(r->ref); /* K_MAX: the study, for lists of references */
    }
}

static int same_keys(const item *a, const item *b)
{
    for (int i = 0; i < a->nk; i++)
        if (strcmp(a->k[i], b->k[i]) != 0) return 0;
    return 1;
}

static int cmp_item(const void *pa, const void *pb)
{
    const item *a = pa, *b = pb;
    for (int i = 0; i < a->nk; i++) {
        int c = strcmp(a->k[i], b->k[i]);
        if (c) return c;
    }
    if (a->time != b->time && !(isnan(a->time) && isnan(b->time))) {
        if (isnan(a->time)) return 1;
        if (isnan(b->time)) return -1;
        return a->time < b->time ? -1 : 1;
    }
    return a->row < b->row ? -1 : a->row > b->row;
}

/* Rows sorted by the key fields (then time, then input order).  NULL on allocation failure. */
static item *group_rows(const msum_swim_row *rows, size_t n, const int *fields, int nf)
{
    item *it = malloc((n ? n : 1) * sizeof *it);
    if (!it) return NULL;
    for (size_t i = 0; i < n; i++) {
        it[i].nk = nf;
        for (int f = 0; f < nf; f++) it[i].k[f] = key_of(&rows[i], fields[f]);
        it[i].row = i;
        it[i].time = rows[i].time;
    }
    qsort(it, n, sizeof *it, cmp_item);
    return it;
}

/* The grouping fields of a vote-count or magnitude cell. */
static int cell_fields(const msum_swim_opts *o, int *f)
{
    int nf = 0;
    f[nf++] = K_SOURCE;
    if (o->by_preparation) f[nf++] = K_PREP;
    if (o->by_model) f[nf++] = K_MODEL;
    if (o->by_exposure) f[nf++] = K_EXPO;
    f[nf++] = K_OUTCOME;
    f[nf++] = K_EFFECT;
    return nf;
}

static const char *field_colname(int f)
{
    static const char *const names[] = {"source", "preparation", "model", "exposure",
                                        "outcome", "effect_of", "time_unit", "comparator"};
    return names[f];
}

/* Copy the key columns of a group into the current row. */
static void b_keys(msum_tb *b, const item *it, const int *fields, int nf)
{
    for (int f = 0; f < nf; f++) msum_tb_text(b, field_colname(fields[f]), na(it->k[f]));
}

static size_t key_cols(const int *fields, int nf, msum_tb_col *cols)
{
    static const char *const desc[] = {
        "cell source of the treatment", "preparation (Ex, CM, EV, ...)", "model (cells, animal)",
        "the insult (UVB, H2O2, ...)", "outcome (key of outcomes.csv)",
        "treatment: effects of the treatment; exposure: effects of the insult alone",
        "unit of the time points", "what the treatment is compared with"};
    for (int f = 0; f < nf; f++)
        cols[f] = (msum_tb_col){field_colname(fields[f]), MSUM_COL_TEXT, desc[fields[f]]};
    return (size_t)nf;
}

static void level_text(double level, char *buf, size_t size)
{
    msum_fmt_num(level, 0, buf, size);
}

/* ---- head-to-head rows -------------------------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Distinct non-empty texts, sorted in place; returns the count. */
static size_t distinct(const char **v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_str);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (*v[i] && (m == 0 || strcmp(v[m - 1], v[i]) != 0)) v[m++] = v[i];
    return m;
}

static int in_set(const char *const *set, size_t n, const char *s)
{
    return n > 0 && bsearch(&s, set, n, sizeof *set, cmp_str) != NULL;
}

/* Every row's "source-preparation" label in one allocation: (*lab)[i] points into the returned
 * block.  The caller frees the block and *lab.  NULL on allocation failure. */
static char *row_labels(const msum_swim_row *rows, size_t n, const char ***lab)
{
    size_t total = 1;
    for (size_t i = 0; i < n; i++)
        total += strlen(str(rows[i].source)) + strlen(str(rows[i].preparation)) + 2;
    char *arena = malloc(total);
    *lab = malloc((n + 1) * sizeof **lab);
    if (!arena || !*lab) {
        free(arena);
        free(*lab);
        *lab = NULL;
        return NULL;
    }
    for (size_t i = 0, off = 0; i < n; i++) {
        label(&rows[i], arena + off, total - off);
        (*lab)[i] = arena + off;
        off += strlen(arena + off) + 1;
    }
    return arena;
}

/* flags[i] = 1 when row i compares one treatment with another: its comparator names a source in
 * the rows, a source-preparation label ("MSC-EV" when rows have source MSC and preparation EV),
 * or ends in "-<preparation>" for a preparation in the rows ("MSC-EV" when any row has EV).
 * Such a row is not an effect against a control: it belongs to the comparisons table, not to
 * votes, magnitudes or time courses.  NULL on allocation failure. */
static char *head_to_head(const msum_swim_row *rows, size_t n)
{
    const char **lab = NULL;
    char *flags = calloc(n + 1, 1);
    const char **names = malloc((2 * n + 1) * sizeof *names);
    const char **preps = malloc((n + 1) * sizeof *preps);
    char *labels = row_labels(rows, n, &lab);
    if (!flags || !names || !preps || !labels) {
        free(flags);
        flags = NULL;
        goto done;
    }
    size_t nn = 0, np = 0;
    for (size_t i = 0; i < n; i++) {
        names[nn++] = lab[i];
        names[nn++] = str(rows[i].source);
        preps[np++] = str(rows[i].preparation);
    }
    nn = distinct(names, nn);
    np = distinct(preps, np);
    for (size_t i = 0; i < n; i++) {
        const char *c = str(rows[i].comparator), *dash = strrchr(c, '-');
        flags[i] = *c && (in_set(names, nn, c) || (dash && in_set(preps, np, dash + 1)));
    }
done:
    free(names);
    free(preps);
    free(labels);
    free(lab);
    return flags;
}

char *msum_swim_head_to_head(const msum_swim_row *rows, size_t n)
{
    return rows || !n ? head_to_head(rows, n) : NULL;
}

/* The rows that are effects against a control (head-to-head rows left out), copied. */
static msum_swim_row *vs_control(const msum_swim_row *rows, size_t n, size_t *m)
{
    char *h = head_to_head(rows, n);
    msum_swim_row *v = malloc((n + 1) * sizeof *v);
    *m = 0;
    if (!h || !v) {
        free(h);
        free(v);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        if (!h[i]) v[(*m)++] = rows[i];
    free(h);
    return v;
}

/* ---- vote counting ------------------------------------------------------------------------ */

typedef struct {
    double rows, ben, harm, none, uncl, inc, dec;
} tally;

static void tally_add(tally *t, const msum_swim_row *r, msum_benefit b)
{
    msum_direction d;
    int c = msum_swim_classify(r, b, &d);
    t->rows++;
    if (c == 1) t->ben++;
    else if (c == -1) t->harm++;
    else if (c == 0) t->none++;
    else t->uncl++;
    if (d == MSUM_DIR_INCREASE) t->inc++;
    if (d == MSUM_DIR_DECREASE) t->dec++;
}

/* The votes of one cell (items it[i..j)): one per study (rows sharing a non-empty ref), or one
 * per row with per_row.  A study's rows vote together when every classifiable row agrees;
 * disagreeing rows make a mixed study, which casts no vote.  tmp has room for j - i entries. */
typedef struct {
    double studies, ben, harm, none, mixed, uncl;
} votes;

typedef struct {
    const char *ref;
    size_t row;
} refrow;

static int cmp_ref(const void *pa, const void *pb)
{
    const refrow *a = pa, *b = pb;
    int c = strcmp(a->ref, b->ref);
    return c ? c : (a->row > b->row) - (a->row < b->row);
}

static votes cell_votes(const msum_swim_row *rows, const item *it, size_t i, size_t j,
                        msum_benefit ben, int per_row, refrow *tmp)
{
    votes v = {0};
    size_t m = j - i;
    for (size_t a = 0; a < m; a++)
        tmp[a] = (refrow){per_row ? "" : str(rows[it[i + a].row].ref), it[i + a].row};
    if (!per_row) qsort(tmp, m, sizeof *tmp, cmp_ref);
    for (size_t a = 0; a < m;) {
        size_t e = a + 1;
        if (*tmp[a].ref)
            while (e < m && strcmp(tmp[e].ref, tmp[a].ref) == 0) e++;
        int has[3] = {0, 0, 0}; /* harmful, no change, beneficial */
        for (size_t b = a; b < e; b++) {
            int c = msum_swim_classify(&rows[tmp[b].row], ben, NULL);
            if (c != 2) has[c + 1] = 1;
        }
        v.studies++;
        int kinds = has[0] + has[1] + has[2];
        if (kinds == 0) v.uncl++;
        else if (kinds > 1) v.mixed++;
        else if (has[2]) v.ben++;
        else if (has[0]) v.harm++;
        else v.none++;
        a = e;
    }
    return v;
}

int msum_swim_votes(const msum_swim_row *rows, size_t n, const msum_swim_outcome *dict,
                    size_t ndict, const msum_swim_opts *o, msum_table **out)
{
    if (!out || (!rows && n)) return MSUM_EINVAL;
    *out = NULL;
    msum_swim_opts def = MSUM_SWIM_OPTS_DEFAULT;
    if (!o) o = &def;
    if (!(o->level > 0 && o->level < 1)) return MSUM_EINVAL;
    size_t nvc;
    msum_swim_row *vc = vs_control(rows, n, &nvc);
    if (!vc) return MSUM_ENOMEM;
    rows = vc;
    n = nvc;
    int f[K_MAX];
    int nf = cell_fields(o, f);
    msum_tb_col cols[K_MAX + 16];
    size_t nc = key_cols(f, nf, cols);
    const msum_tb_col rest[] = {
        {"beneficial", MSUM_COL_TEXT, "good direction of the outcome (outcome dictionary)"},
        {"n_rows", MSUM_COL_INT, "rows in the cell"},
        {"n_increase", MSUM_COL_INT, "rows whose effect is an increase"},
        {"n_decrease", MSUM_COL_INT, "rows whose effect is a decrease"},
        {"n_studies", MSUM_COL_INT, "voting units: studies (distinct ref), or rows with per-row"},
        {"n_beneficial", MSUM_COL_INT, "studies in the beneficial direction"},
        {"n_harmful", MSUM_COL_INT, "studies in the harmful direction"},
        {"n_no_change", MSUM_COL_INT, "studies reporting no change (not votes)"},
        {"n_mixed", MSUM_COL_INT, "studies whose rows disagree (not votes)"},
        {"n_unclassified", MSUM_COL_INT,
         "studies without a direction, or on an outcome without a beneficial direction"},
        {"n_votes", MSUM_COL_INT, "n_beneficial + n_harmful"},
        {"prop_beneficial", MSUM_COL_NUM, "n_beneficial / n_votes"},
        {"ci_lb", MSUM_COL_NUM, "Wilson score CI, lower bound"},
        {"ci_ub", MSUM_COL_NUM, "Wilson score CI, upper bound"},
        {"sign_pval", MSUM_COL_NUM, "exact two-sided sign test (binomial, p = 1/2) on the votes"}};
    for (size_t c = 0; c < sizeof rest / sizeof rest[0]; c++) cols[nc++] = rest[c];
    msum_tb b;
    msum_tb_init(&b, "votes", "Vote counting by direction of effect (SWiM)", cols, nc);
    item *it = b.st == MSUM_OK ? group_rows(rows, n, f, nf) : NULL;
    refrow *tmp = malloc((n + 1) * sizeof *tmp);
    odict dx = {0};
    if (b.st == MSUM_OK && odict_init(&dx, dict, ndict, 0) != MSUM_OK) b.st = MSUM_ENOMEM;
    if (b.st == MSUM_OK && (!it || !tmp)) b.st = MSUM_ENOMEM;
    for (size_t i = 0; b.st == MSUM_OK && i < n;) {
        size_t j = i;
        tally t = {0};
        msum_benefit ben = odict_benefit(&dx, rows[it[i].row].outcome);
        while (j < n && same_keys(&it[i], &it[j])) tally_add(&t, &rows[it[j++].row], ben);
        votes v = cell_votes(rows, it, i, j, ben, o->per_row, tmp);
        msum_tb_row(&b);
        b_keys(&b, &it[i], f, nf);
        msum_tb_text(&b, "beneficial", benefit_text(ben));
        msum_tb_num(&b, "n_rows", t.rows);
        msum_tb_num(&b, "n_increase", t.inc);
        msum_tb_num(&b, "n_decrease", t.dec);
        msum_tb_num(&b, "n_studies", v.studies);
        int dirable = ben == MSUM_BENEFIT_INCREASE || ben == MSUM_BENEFIT_DECREASE;
        msum_tb_num(&b, "n_beneficial", dirable ? v.ben : NAN);
        msum_tb_num(&b, "n_harmful", dirable ? v.harm : NAN);
        msum_tb_num(&b, "n_no_change", v.none);
        msum_tb_num(&b, "n_mixed", v.mixed);
        msum_tb_num(&b, "n_unclassified", v.uncl);
        double nv = v.ben + v.harm;
        msum_tb_num(&b, "n_votes", dirable ? nv : NAN);
        if (dirable && nv > 0) {
            double lb, ub;
            msum_wilson_ci(v.ben, nv, o->level, &lb, &ub);
            msum_tb_num(&b, "prop_beneficial", v.ben / nv);
            msum_tb_num(&b, "ci_lb", lb);
            msum_tb_num(&b, "ci_ub", ub);
            msum_tb_num(&b, "sign_pval", msum_sign_test_p(v.ben, nv));
        }
        i = j;
    }
    free(tmp);
    free(it);
    odict_free(&dx);
    char lv[32];
    level_text(o->level, lv, sizeof lv);
    msum_tb_meta(&b, "method", "vote counting (SWiM); Wilson score CI; exact two-sided sign test");
    msum_tb_meta(&b, "scale", "direction of effect, standardised by the outcome dictionary");
    msum_tb_meta(&b, "level", lv);
    msum_tb_meta(&b, "unit", o->per_row ? "row: every row is a vote"
                                         : "study: the rows of one ref in a cell give one vote "
                                           "(none when they disagree)");
    msum_tb_meta(&b, "no_change",
                 "no-change studies are not votes: excluded from the proportion and test");
    msum_tb_meta(&b, "effect_of",
                 "exposure rows (findings about the insult) are separate cells, never "
                 "counted with treatment rows");
    msum_tb_meta(&b, "head_to_head", "rows comparing two treatments are left out (see the "
                                      "comparisons table)");
    int st = msum_tb_finish(&b, out);
    free(vc);
    return st;
}

/* ---- evidence map ------------------------------------------------------------------------- */

/* Comma-joined distinct values of one field over the rows of items it[i..j). */
static void join_field(const msum_swim_row *rows, const item *it, size_t i, size_t j, int field,
                       const char **tmp, char *buf, size_t size)
{
    size_t m = 0;
    for (size_t a = i; a < j; a++) tmp[m++] = key_of(&rows[it[a].row], field);
    m = distinct(tmp, m);
    size_t len = 0;
    buf[0] = '\0';
    for (size_t a = 0; a < m && len < size; a++)
        len += (size_t)snprintf(buf + len, size - len, "%s%s", a ? ", " : "", tmp[a]);
}

static size_t append(char *buf, size_t len, size_t size, const char *what, double v, int *first)
{
    if (v <= 0 || len >= size) return len;
    len += (size_t)snprintf(buf + len, size - len, "%s%g %s", *first ? "" : ", ", v, what);
    *first = 0;
    return len;
}

static void summary_text(const tally *t, const tally *x, double hh, msum_benefit ben, char *buf,
                         size_t size)
{
    if (t->rows + x->rows + hh == 0) {
        snprintf(buf, size, "no evidence");
        return;
    }
    size_t len = 0;
    const tally *parts[2] = {t, x};
    for (int p = 0; p < 2; p++) {
        const tally *a = parts[p];
        if (a->rows == 0) continue;
        int first = 1;
        if (len < size)
            len += (size_t)snprintf(buf + len, size - len, "%s", p ? (len ? "; exposure: " :
                                                                      "exposure: ") : "");
        if (ben == MSUM_BENEFIT_INCREASE || ben == MSUM_BENEFIT_DECREASE) {
            len = append(buf, len, size, "beneficial", a->ben, &first);
            len = append(buf, len, size, "harmful", a->harm, &first);
        } else {
            len = append(buf, len, size, "increase", a->inc, &first);
            len = append(buf, len, size, "decrease", a->dec, &first);
        }
        len = append(buf, len, size, "no change", a->none, &first);
        double rest = ben == MSUM_BENEFIT_INCREASE || ben == MSUM_BENEFIT_DECREASE
                          ? a->uncl : a->rows - a->inc - a->dec - a->none;
        len = append(buf, len, size, "without direction", rest, &first);
    }
    if (hh > 0 && len < size)
        snprintf(buf + len, size - len, "%s%g head-to-head", len ? "; " : "", hh);
}

/* The source a head-to-head comparator names: itself when it is a source of the rows, else
 * the part before "-<preparation>" ("MSC" of "MSC-EV"); NULL when neither.  buf holds it. */
static const char *comparator_source(const char *c, const char *const *src, size_t ns,
                                     const char *const *preps, size_t np, char *buf,
                                     size_t size)
{
    if (!*c) return NULL;
    if (in_set(src, ns, c)) return c;
    const char *dash = strrchr(c, '-');
    if (!dash || dash == c || !in_set(preps, np, dash + 1) || (size_t)(dash - c) >= size)
        return NULL;
    memcpy(buf, c, (size_t)(dash - c));
    buf[dash - c] = '\0';
    return buf;
}

/* Position of an outcome in the dictionary, or -1. */
static long dict_pos(const msum_swim_outcome *dict, size_t nd, const char *outcome)
{
    for (size_t i = 0; i < nd; i++)
        if (dict[i].outcome && strcmp(dict[i].outcome, outcome) == 0) return (long)i;
    return -1;
}

const char *msum_swim_outcome_label(const msum_swim_outcome *dict, size_t ndict,
                                    const char *outcome)
{
    long i = outcome ? dict_pos(dict, ndict, outcome) : -1;
    return i >= 0 && na(dict[i].label) ? dict[i].label : str(outcome);
}

const char *msum_swim_outcome_domain(const msum_swim_outcome *dict, size_t ndict,
                                     const char *outcome)
{
    long i = outcome ? dict_pos(dict, ndict, outcome) : -1;
    return i >= 0 && na(dict[i].domain) ? dict[i].domain
                                        : msum_swim_outcome_label(dict, ndict, outcome);
}

/* Outcomes in dictionary order with each domain kept together (a domain sits where it first
 * appears), then outcomes missing from the dictionary in text order. */
typedef struct {
    const char *outcome;
    long dom, pos;
} oc_order;

static int cmp_oc_order(const void *pa, const void *pb)
{
    const oc_order *a = pa, *b = pb;
    if (a->dom != b->dom) return a->dom < b->dom ? -1 : 1;
    if (a->pos != b->pos) return a->pos < b->pos ? -1 : 1;
    return strcmp(a->outcome, b->outcome);
}

static void order_outcomes(const char **oc, size_t no, const odict *dx, oc_order *w)
{
    for (size_t i = 0; i < no; i++) {
        long p = odict_find(dx, oc[i]);
        w[i] = (oc_order){oc[i], p < 0 ? LONG_MAX : (long)dx->dom[p], p < 0 ? LONG_MAX : p};
    }
    qsort(w, no, sizeof *w, cmp_oc_order);
    for (size_t i = 0; i < no; i++) oc[i] = w[i].outcome;
}

/* First item at or after (s, o) in items sorted by source then outcome. */
static size_t lower_bound2(const item *it, size_t n, const char *s, const char *o)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(it[mid].k[0], s);
        if (c == 0) c = strcmp(it[mid].k[1], o);
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

static const char *cell_status(const tally *t, double hh, double cmp, double expo)
{
    if (t->rows > 0) {
        int kinds = (t->ben > 0) + (t->harm > 0) + (t->none > 0);
        if (kinds == 0) return "not rated";
        if (kinds > 1) return "mixed";
        return t->ben > 0 ? "beneficial" : t->harm > 0 ? "harmful" : "no change";
    }
    return hh > 0 ? "head-to-head" : cmp > 0 ? "comparator" : expo > 0 ? "exposure"
                                                                       : "no evidence";
}

int msum_swim_evidence_map(const msum_swim_row *rows, size_t n, const msum_swim_outcome *dict,
                           size_t ndict, const msum_swim_opts *o, msum_table **out)
{
    if (!out || (!rows && n) || (!dict && ndict)) return MSUM_EINVAL;
    *out = NULL;
    msum_swim_opts def = MSUM_SWIM_OPTS_DEFAULT;
    if (!o) o = &def;
    const msum_tb_col cols[] = {
        {"source", MSUM_COL_TEXT, "cell source of the treatment"},
        {"outcome", MSUM_COL_TEXT, "outcome (rows and dictionary)"},
        {"label", MSUM_COL_TEXT, "outcome label (outcome dictionary)"},
        {"domain", MSUM_COL_TEXT, "outcome domain (outcome dictionary)"},
        {"beneficial", MSUM_COL_TEXT, "good direction of the outcome"},
        {"status", MSUM_COL_TEXT, "beneficial, harmful, no change, mixed (rated rows disagree), "
                                  "not rated (no beneficial direction), head-to-head, "
                                  "comparator, exposure or no evidence"},
        {"n_rows", MSUM_COL_INT, "rows in the cell (0: a gap in the evidence)"},
        {"n_treatment", MSUM_COL_INT, "rows about the treatment against a control"},
        {"n_head_to_head", MSUM_COL_INT, "rows comparing the treatment with another one"},
        {"n_as_comparator", MSUM_COL_INT,
         "head-to-head rows of other sources that compare with this source"},
        {"n_exposure", MSUM_COL_INT, "rows about the insult alone"},
        {"n_beneficial", MSUM_COL_INT, "treatment rows in the beneficial direction"},
        {"n_harmful", MSUM_COL_INT, "treatment rows in the harmful direction"},
        {"n_no_change", MSUM_COL_INT, "treatment rows reporting no change"},
        {"n_magnitude", MSUM_COL_INT, "treatment rows with a number on the ROM scale"},
        {"preparations", MSUM_COL_TEXT, "preparations seen"},
        {"models", MSUM_COL_TEXT, "models seen"},
        {"summary", MSUM_COL_TEXT, "directions in words"}};
    msum_tb b;
    msum_tb_init(&b, "evidence_map", "Evidence map: source x outcome", cols,
                 sizeof cols / sizeof *cols);
    static const int f[] = {K_SOURCE, K_OUTCOME};
    const char **src = malloc((2 * n + 1) * sizeof *src);
    const char **oc = malloc((n + ndict + 1) * sizeof *oc);
    const char **tmp = malloc((2 * n + ndict + 1) * sizeof *tmp);
    const char **preps = malloc((n + 1) * sizeof *preps);
    char *h2h = head_to_head(rows, n);
    item *it = group_rows(rows, n, f, 2);
    char (*cbuf)[64] = malloc((n + 1) * sizeof *cbuf);
    const char **csrc = malloc((n + 1) * sizeof *csrc); /* comparator source of each row */
    odict dx = {0};
    if (b.st == MSUM_OK && (!src || !oc || !tmp || !preps || !h2h || !it || !cbuf || !csrc ||
                            odict_init(&dx, dict, ndict, 1) != MSUM_OK))
        b.st = MSUM_ENOMEM;
    size_t ns = 0, no = 0, np = 0;
    double *ncmp = NULL;
    oc_order *ow = NULL;
    if (b.st == MSUM_OK) {
        for (size_t i = 0; i < n; i++) {
            src[ns++] = str(rows[i].source);
            oc[no++] = str(rows[i].outcome);
            preps[np++] = str(rows[i].preparation);
        }
        for (size_t i = 0; i < ndict; i++) oc[no++] = str(dict[i].outcome);
        size_t ns0 = distinct(src, ns);
        np = distinct(preps, np);
        ns = ns0;
        for (size_t i = 0; i < n; i++) {
            csrc[i] = h2h[i] ? comparator_source(str(rows[i].comparator), src, ns0, preps, np,
                                                 cbuf[i], sizeof cbuf[i])
                             : NULL;
            if (csrc[i]) src[ns++] = csrc[i];
        }
        ns = distinct(src, ns);
        no = distinct(oc, no);
        if (ns > 0 && no > MSUM_SWIM_MAP_MAX_CELLS / ns) b.st = MSUM_EDOM;
    }
    if (b.st == MSUM_OK) {
        ncmp = calloc(ns * no + 1, sizeof *ncmp);
        ow = malloc((no + 1) * sizeof *ow);
        if (!ncmp || !ow) b.st = MSUM_ENOMEM;
    }
    if (b.st == MSUM_OK) {
        /* comparator counts on the sorted grid, before the outcomes are reordered */
        for (size_t i = 0; i < n; i++) {
            if (!csrc[i]) continue;
            const char *s = csrc[i], *oo = str(rows[i].outcome);
            const char **ps = bsearch(&s, src, ns, sizeof *src, cmp_str);
            const char **po = bsearch(&oo, oc, no, sizeof *oc, cmp_str);
            if (ps && po) ncmp[(size_t)(ps - src) * no + (size_t)(po - oc)]++;
        }
        /* outcome index in the sorted list, kept through the reordering */
        for (size_t c = 0; c < no; c++) tmp[c] = oc[c];
        order_outcomes(oc, no, &dx, ow);
    }
    char prep[512], mod[512], sum[512];
    for (size_t c = 0; b.st == MSUM_OK && c < no; c++) {
        const char **po = bsearch(&oc[c], tmp, no, sizeof *tmp, cmp_str);
        size_t oi = (size_t)(po - tmp);
        msum_benefit ben = odict_benefit(&dx, oc[c]);
        for (size_t si = 0; b.st == MSUM_OK && si < ns; si++) {
            size_t i = lower_bound2(it, n, src[si], oc[c]), j = i;
            while (j < n && !strcmp(it[j].k[0], src[si]) && !strcmp(it[j].k[1], oc[c])) j++;
            tally t = {0}, x = {0};
            double mag = 0, hh = 0, cmp = ncmp[si * no + oi];
            for (size_t a = i; a < j; a++) {
                const msum_swim_row *r = &rows[it[a].row];
                if (h2h[it[a].row]) hh++;
                else tally_add(r->about_exposure ? &x : &t, r, ben);
                if (!r->about_exposure && !h2h[it[a].row] && !isnan(r->rom)) mag++;
            }
            if (j == i && cmp == 0 && !o->gaps) continue;
            int dirable = ben == MSUM_BENEFIT_INCREASE || ben == MSUM_BENEFIT_DECREASE;
            join_field(rows, it, i, j, K_PREP, tmp + no, prep, sizeof prep);
            join_field(rows, it, i, j, K_MODEL, tmp + no, mod, sizeof mod);
            summary_text(&t, &x, hh, ben, sum, sizeof sum);
            if (cmp > 0 && j == i) snprintf(sum, sizeof sum, "comparator of %g head-to-head", cmp);
            msum_tb_row(&b);
            msum_tb_text(&b, "source", src[si]);
            msum_tb_text(&b, "outcome", oc[c]);
            msum_tb_text(&b, "label", odict_label(&dx, oc[c]));
            msum_tb_text(&b, "domain", odict_domain(&dx, oc[c]));
            msum_tb_text(&b, "beneficial", benefit_text(ben));
            msum_tb_text(&b, "status", cell_status(&t, hh, cmp, x.rows));
            msum_tb_num(&b, "n_rows", (double)(j - i));
            msum_tb_num(&b, "n_treatment", t.rows);
            msum_tb_num(&b, "n_head_to_head", hh);
            msum_tb_num(&b, "n_as_comparator", cmp);
            msum_tb_num(&b, "n_exposure", x.rows);
            msum_tb_num(&b, "n_beneficial", dirable ? t.ben : NAN);
            msum_tb_num(&b, "n_harmful", dirable ? t.harm : NAN);
            msum_tb_num(&b, "n_no_change", t.none);
            msum_tb_num(&b, "n_magnitude", mag);
            msum_tb_text(&b, "preparations", na(prep));
            msum_tb_text(&b, "models", na(mod));
            msum_tb_text(&b, "summary", sum);
        }
    }
    free(src);
    free(oc);
    free(tmp);
    free(preps);
    free(h2h);
    free(it);
    free(cbuf);
    free(csrc);
    free(ncmp);
    free(ow);
    odict_free(&dx);
    msum_tb_meta(&b, "method", o->gaps ? "evidence map (SWiM): every source x outcome cell, "
                                         "empty cells included"
                                       : "evidence map (SWiM): the source x outcome cells with "
                                         "evidence (--gaps lists the empty ones too)");
    msum_tb_meta(&b, "scale", "counts of reported effects");
    msum_tb_meta(&b, "order", "outcomes as in the outcome dictionary (grouped by domain), then "
                              "sources");
    return msum_tb_finish(&b, out);
}

/* ---- magnitudes --------------------------------------------------------------------------- */

int msum_swim_magnitudes(const msum_swim_row *rows, size_t n, const msum_swim_opts *o,
                         msum_table **out)
{
    if (!out || (!rows && n)) return MSUM_EINVAL;
    *out = NULL;
    msum_swim_opts def = MSUM_SWIM_OPTS_DEFAULT;
    if (!o) o = &def;
    size_t nvc;
    msum_swim_row *vc = vs_control(rows, n, &nvc);
    if (!vc) return MSUM_ENOMEM;
    rows = vc;
    n = nvc;
    int f[K_MAX];
    int nf = cell_fields(o, f);
    msum_tb_col cols[K_MAX + 10];
    size_t nc = key_cols(f, nf, cols);
    const msum_tb_col rest[] = {
        {"n", MSUM_COL_INT, "rows with a ROM"},
        {"median", MSUM_COL_NUM, "median ROM (log ratio)"},
        {"q1", MSUM_COL_NUM, "first quartile of ROM (R quantile type 7)"},
        {"q3", MSUM_COL_NUM, "third quartile of ROM (R quantile type 7)"},
        {"min", MSUM_COL_NUM, "smallest ROM"},
        {"max", MSUM_COL_NUM, "largest ROM"},
        {"median_ratio", MSUM_COL_NUM, "exp(median): the median as a ratio of means"}};
    for (size_t c = 0; c < sizeof rest / sizeof rest[0]; c++) cols[nc++] = rest[c];
    msum_tb b;
    msum_tb_init(&b, "magnitudes", "Magnitudes on the ROM scale (SWiM)", cols, nc);
    item *it = b.st == MSUM_OK ? group_rows(rows, n, f, nf) : NULL;
    double *v = malloc((n ? n : 1) * sizeof *v);
    if (b.st == MSUM_OK && (!it || !v)) b.st = MSUM_ENOMEM;
    for (size_t i = 0; b.st == MSUM_OK && i < n;) {
        size_t j = i, m = 0;
        for (; j < n && same_keys(&it[i], &it[j]); j++)
            if (!isnan(rows[it[j].row].rom)) v[m++] = rows[it[j].row].rom;
        if (m > 0) {
            gsl_sort(v, 1, m);
            double med = gsl_stats_quantile_from_sorted_data(v, 1, m, 0.5);
            msum_tb_row(&b);
            b_keys(&b, &it[i], f, nf);
            msum_tb_num(&b, "n", (double)m);
            msum_tb_num(&b, "median", med);
            msum_tb_num(&b, "q1", gsl_stats_quantile_from_sorted_data(v, 1, m, 0.25));
            msum_tb_num(&b, "q3", gsl_stats_quantile_from_sorted_data(v, 1, m, 0.75));
            msum_tb_num(&b, "min", v[0]);
            msum_tb_num(&b, "max", v[m - 1]);
            msum_tb_num(&b, "median_ratio", exp(med));
        }
        i = j;
    }
    free(it);
    free(v);
    msum_tb_meta(&b, "method",
                 "descriptive summary of magnitudes (SWiM): median, IQR (type 7), range");
    msum_tb_meta(&b, "scale", "ROM (log ratio)");
    msum_tb_meta(&b, "head_to_head", "rows comparing two treatments are left out (see the "
                                      "comparisons table)");
    int st = msum_tb_finish(&b, out);
    free(vc);
    return st;
}

/* ---- descriptive comparisons -------------------------------------------------------------- */

static int same_time(const msum_swim_row *a, const msum_swim_row *b)
{
    int t = (isnan(a->time) && isnan(b->time)) || a->time == b->time;
    return t && strcmp(str(a->time_unit), str(b->time_unit)) == 0;
}

static const char *value_unit(msum_input in)
{
    return in == MSUM_INPUT_PERCENT ? "percent_change" : in == MSUM_INPUT_FOLD ? "fold_change"
                                                                               : "ROM";
}

/* The findings of one source-preparation within a comparison group: n rows with a ROM, their
 * median ROM, and the reported number (the row's own when n = 1; the median when every row has
 * the same form; else NaN). */
typedef struct {
    const char *label;
    const msum_swim_row *first;
    size_t n;
    double rom, value;
    msum_input input;   /* common form of the rows, MSUM_INPUT_NONE when mixed */
} finding;

typedef struct {
    const char *label;
    size_t row;
} labrow;

static int cmp_labrow(const void *pa, const void *pb)
{
    const labrow *a = pa, *b = pb;
    int c = strcmp(a->label, b->label);
    return c ? c : (a->row > b->row) - (a->row < b->row);
}

static double median_of(double *v, size_t m)
{
    gsl_sort(v, 1, m);
    return gsl_stats_quantile_from_sorted_data(v, 1, m, 0.5);
}

/* One across-rows pair: a = the finding with the larger |ROM|. */
static void put_pair(msum_tb *b, const finding *p, const finding *q, const odict *dx)
{
    if (fabs(q->rom) > fabs(p->rom)) {
        const finding *t = p;
        p = q;
        q = t;
    }
    const msum_swim_row *r = p->first;
    int same_in = p->input == q->input &&
                  (p->input == MSUM_INPUT_PERCENT || p->input == MSUM_INPUT_FOLD);
    msum_tb_row(b);
    msum_tb_text(b, "kind", "across rows");
    msum_tb_text(b, "outcome", na(r->outcome));
    msum_tb_text(b, "label", na(odict_label(dx, r->outcome)));
    const char *ra = str(p->first->ref), *rb = str(q->first->ref);
    char refs[256];
    snprintf(refs, sizeof refs, "%s%s%s", ra, *ra && *rb && strcmp(ra, rb) ? "; " : "",
             strcmp(ra, rb) ? rb : "");
    msum_tb_text(b, "ref", na(refs));
    msum_tb_text(b, "model", na(r->model));
    msum_tb_text(b, "exposure", na(r->exposure));
    msum_tb_text(b, "effect_of", effect_of(r));
    msum_tb_num(b, "time", r->time);
    msum_tb_text(b, "time_unit", na(r->time_unit));
    msum_tb_text(b, "a", na(p->label));
    msum_tb_text(b, "b", na(q->label));
    msum_tb_text(b, "a_id", p->n == 1 ? na(p->first->id) : NULL);
    msum_tb_text(b, "b_id", q->n == 1 ? na(q->first->id) : NULL);
    msum_tb_num(b, "a_n", (double)p->n);
    msum_tb_num(b, "b_n", (double)q->n);
    msum_tb_text(b, "comparator", na(r->comparator));
    msum_tb_text(b, "input", p->input == q->input && p->input != MSUM_INPUT_NONE
                                 ? value_unit(p->input) : "mixed");
    msum_tb_num(b, "a_value", p->value);
    msum_tb_num(b, "b_value", q->value);
    msum_tb_num(b, "abs_diff", same_in ? p->value - q->value : NAN);
    msum_tb_num(b, "value_ratio", same_in ? p->value / q->value : NAN);
    msum_tb_num(b, "a_rom", p->rom);
    msum_tb_num(b, "b_rom", q->rom);
    msum_tb_num(b, "rom_diff", p->rom - q->rom);
    msum_tb_num(b, "ratio", exp(p->rom - q->rom));
    msum_tb_num(b, "log2_ratio", (p->rom - q->rom) / M_LN2);
}

/* Across-rows pairs of one group of rows (same outcome, model, exposure, comparator, effect_of,
 * time): the findings with a ROM, one per source-preparation, compared pairwise.  The work
 * arrays have room for the group's rows. */
static void group_pairs(msum_tb *b, const msum_swim_row *rows, const char *const *lab,
                        const item *it, size_t a, size_t e, const char *h2h, labrow *lr,
                        finding *fd, double *v, double *w, const odict *dx)
{
    size_t m = 0;
    for (size_t i = a; i < e; i++) {
        const msum_swim_row *r = &rows[it[i].row];
        if (h2h[it[i].row] || isnan(r->rom)) continue;
        lr[m].label = lab[it[i].row];
        lr[m++].row = it[i].row;
    }
    qsort(lr, m, sizeof *lr, cmp_labrow);
    size_t nf = 0;
    for (size_t i = 0; i < m;) {
        size_t j = i, k = 0;
        finding *f = &fd[nf++];
        f->label = lr[i].label;
        f->first = &rows[lr[i].row];
        f->input = f->first->input;
        int values = 1;
        for (; j < m && strcmp(lr[j].label, lr[i].label) == 0; j++) {
            const msum_swim_row *r = &rows[lr[j].row];
            if (r->input != f->input) f->input = MSUM_INPUT_NONE;
            v[k] = r->rom;
            w[k++] = r->value;
            if (isnan(r->value)) values = 0;
        }
        f->n = k;
        f->rom = median_of(v, k);
        f->value = values && f->input != MSUM_INPUT_NONE ? median_of(w, k) : NAN;
        i = j;
    }
    for (size_t i = 0; i < nf && b->st == MSUM_OK; i++)
        for (size_t j = i + 1; j < nf && b->st == MSUM_OK; j++)
            put_pair(b, &fd[i], &fd[j], dx);
}

int msum_swim_comparisons(const msum_swim_row *rows, size_t n, const msum_swim_outcome *dict,
                          size_t ndict, const msum_swim_opts *o, msum_table **out)
{
    if (!out || (!rows && n)) return MSUM_EINVAL;
    *out = NULL;
    (void)o;
    const msum_tb_col cols[] = {
        {"kind", MSUM_COL_TEXT, "across rows (two findings vs the same comparator) or "
                                "head-to-head (one finding of one treatment vs another)"},
        {"outcome", MSUM_COL_TEXT, NULL},
        {"label", MSUM_COL_TEXT, "outcome label (outcome dictionary)"},
        {"model", MSUM_COL_TEXT, NULL},
        {"exposure", MSUM_COL_TEXT, NULL}, {"effect_of", MSUM_COL_TEXT, NULL},
        {"time", MSUM_COL_NUM, NULL}, {"time_unit", MSUM_COL_TEXT, NULL},
        {"a", MSUM_COL_TEXT, "source-preparation of the first finding"},
        {"b", MSUM_COL_TEXT, "source-preparation of the second finding, or the comparator"},
        {"a_id", MSUM_COL_TEXT, "row id of a (NA when a combines several rows)"},
        {"b_id", MSUM_COL_TEXT, "row id of b (NA when b combines several rows)"},
        {"a_n", MSUM_COL_INT, "rows combined in a (their median)"},
        {"b_n", MSUM_COL_INT, "rows combined in b"},
        {"comparator", MSUM_COL_TEXT, "what the findings are relative to"},
        {"direction", MSUM_COL_TEXT, "head-to-head: the reported direction of a relative to b"},
        {"input", MSUM_COL_TEXT, "form of the reported numbers (percent_change, fold_change, "
                                 "ROM, direction, mixed)"},
        {"a_value", MSUM_COL_NUM, "reported number of a (percent or fold)"},
        {"b_value", MSUM_COL_NUM, "reported number of b"},
        {"abs_diff", MSUM_COL_NUM, "a_value - b_value (percentage points for percent changes)"},
        {"value_ratio", MSUM_COL_NUM, "a_value / b_value (e.g. 1.56 times the gain)"},
        {"a_rom", MSUM_COL_NUM, "ROM of a"}, {"b_rom", MSUM_COL_NUM, "ROM of b"},
        {"rom_diff", MSUM_COL_NUM, "a_rom - b_rom (head-to-head: the reported ROM)"},
        {"ratio", MSUM_COL_NUM, "exp(rom_diff): ratio of a to b"},
        {"log2_ratio", MSUM_COL_NUM, "rom_diff / ln 2"},
        {"ref", MSUM_COL_TEXT, "the studies (reference keys) of a and b"}};
    msum_tb b;
    msum_tb_init(&b, "comparisons", "Descriptive comparisons of reported numbers (no CI exists)",
                 cols, sizeof cols / sizeof *cols);
    static const int f[] = {K_OUTCOME, K_MODEL, K_EXPO, K_CMP, K_EFFECT, K_UNIT};
    char *h2h = head_to_head(rows, n);
    item *it = group_rows(rows, n, f, (int)(sizeof f / sizeof f[0]));
    odict dx = {0};
    if (b.st == MSUM_OK && (!h2h || !it || odict_init(&dx, dict, ndict, 0) != MSUM_OK))
        b.st = MSUM_ENOMEM;
    char la[256];
    /* head-to-head findings, in the sorted order */
    for (size_t a = 0; b.st == MSUM_OK && a < n; a++) {
        const msum_swim_row *r = &rows[it[a].row];
        if (!h2h[it[a].row]) continue;
        label(r, la, sizeof la);
        msum_tb_row(&b);
        msum_tb_text(&b, "kind", "head-to-head");
        msum_tb_text(&b, "outcome", na(r->outcome));
        msum_tb_text(&b, "label", na(odict_label(&dx, r->outcome)));
        msum_tb_text(&b, "ref", na(r->ref));
        msum_tb_text(&b, "model", na(r->model));
        msum_tb_text(&b, "exposure", na(r->exposure));
        msum_tb_text(&b, "effect_of", effect_of(r));
        msum_tb_num(&b, "time", r->time);
        msum_tb_text(&b, "time_unit", na(r->time_unit));
        msum_tb_text(&b, "a", na(la));
        msum_tb_text(&b, "b", r->comparator);
        msum_tb_text(&b, "a_id", na(r->id));
        msum_tb_num(&b, "a_n", 1);
        msum_tb_text(&b, "comparator", r->comparator);
        msum_direction d = row_direction(r);
        msum_tb_text(&b, "direction", d == MSUM_DIR_NONE ? NULL : msum_direction_name(d));
        msum_tb_text(&b, "input", isnan(r->rom) ? "direction" : value_unit(r->input));
        msum_tb_num(&b, "a_value", r->value);
        msum_tb_num(&b, "value_ratio", exp(r->rom));
        msum_tb_num(&b, "a_rom", r->rom);
        msum_tb_num(&b, "rom_diff", r->rom);
        msum_tb_num(&b, "ratio", exp(r->rom));
        msum_tb_num(&b, "log2_ratio", r->rom / M_LN2);
    }
    /* pairs across rows: within a group of equal outcome, model, exposure, comparator,
     * effect_of and time unit, rows at the same time point (items are sorted by time) */
    const char **lab = NULL;
    char *labels = row_labels(rows, n, &lab);
    labrow *lr = malloc((n + 1) * sizeof *lr);
    finding *fd = malloc((n + 1) * sizeof *fd);
    double *v = malloc((n + 1) * sizeof *v), *w = malloc((n + 1) * sizeof *w);
    if (b.st == MSUM_OK && (!labels || !lr || !fd || !v || !w)) b.st = MSUM_ENOMEM;
    for (size_t a = 0; b.st == MSUM_OK && a < n;) {
        size_t e = a;
        while (e < n && same_keys(&it[a], &it[e]) && same_time(&rows[it[a].row], &rows[it[e].row]))
            e++;
        group_pairs(&b, rows, lab, it, a, e, h2h, lr, fd, v, w, &dx);
        a = e;
    }
    free(labels);
    free(lab);
    free(lr);
    free(fd);
    free(v);
    free(w);
    free(h2h);
    free(it);
    odict_free(&dx);
    msum_tb_meta(&b, "method", "descriptive comparison of reported numbers (SWiM); no variance, "
                               "no CI, no test");
    msum_tb_meta(&b, "scale", "reported units and ROM (log ratio)");
    return msum_tb_finish(&b, out);
}

/* ---- time courses ------------------------------------------------------------------------- */

/* The rank of the rows it[a..e) of one time point: their common magnitude_rank, or NaN when a
 * row has none or they differ. */
static double point_rank(const msum_swim_row *rows, const item *it, size_t a, size_t e)
{
    double r = rows[it[a].row].rank;
    for (size_t i = a; i < e; i++)
        if (!(rows[it[i].row].rank >= 1) || rows[it[i].row].rank != r) return NAN;
    return r;
}

/* The trend of ranks at increasing times: rank 1 is the largest effect, so ranks that grow
 * with time mean an effect that weakens.  NULL when a time point has no rank. */
static const char *rank_trend(const double *rk, size_t m)
{
    int up = 1, down = 1, same = 1;
    for (size_t i = 0; i < m; i++) {
        if (isnan(rk[i])) return NULL;
        if (i == 0) continue;
        up &= rk[i] > rk[i - 1];
        down &= rk[i] < rk[i - 1];
        same &= rk[i] == rk[i - 1];
    }
    return m < 2 ? NULL : up ? "weakens" : down ? "strengthens" : same ? "constant" : "varies";
}

/* End of the time point starting at item a within [a, j). */
static size_t point_end(const item *it, size_t a, size_t j)
{
    size_t e = a;
    while (e < j && (it[e].time == it[a].time || (isnan(it[e].time) && isnan(it[a].time)))) e++;
    return e;
}

int msum_swim_timecourse(const msum_swim_row *rows, size_t n, const msum_swim_outcome *dict,
                         size_t ndict, const msum_swim_opts *o, msum_table **out)
{
    if (!out || (!rows && n)) return MSUM_EINVAL;
    *out = NULL;
    (void)o;
    size_t nvc;
    msum_swim_row *vc = vs_control(rows, n, &nvc);
    if (!vc) return MSUM_ENOMEM;
    rows = vc;
    n = nvc;
    static const int f[] = {K_SOURCE, K_PREP, K_MODEL, K_EXPO, K_OUTCOME, K_EFFECT, K_UNIT};
    const int nf = (int)(sizeof f / sizeof f[0]);
    msum_tb_col cols[K_MAX + 16];
    size_t nc = key_cols(f, nf, cols);
    const msum_tb_col rest[] = {
        {"label", MSUM_COL_TEXT, "outcome label (outcome dictionary)"},
        {"beneficial", MSUM_COL_TEXT, "good direction of the outcome (outcome dictionary)"},
        {"time", MSUM_COL_NUM, "time point"},
        {"n_rows", MSUM_COL_INT, "rows at this time point"},
        {"n_increase", MSUM_COL_INT, NULL}, {"n_decrease", MSUM_COL_INT, NULL},
        {"n_no_change", MSUM_COL_INT, NULL},
        {"n_beneficial", MSUM_COL_INT, "rows in the beneficial direction"},
        {"n_harmful", MSUM_COL_INT, "rows in the harmful direction"},
        {"median_rom", MSUM_COL_NUM, "median ROM at this time point (NA: direction only)"},
        {"magnitude_rank", MSUM_COL_INT,
         "rank of the effect at this time point as the source orders them (1 = largest)"},
        {"trend", MSUM_COL_TEXT, "weakens, strengthens, constant or varies over time, from the "
                                 "ranks (NA without ranks)"},
        {"ids", MSUM_COL_TEXT, "row ids"},
        {"refs", MSUM_COL_TEXT, "studies (reference keys)"}};
    for (size_t c = 0; c < sizeof rest / sizeof rest[0]; c++) cols[nc++] = rest[c];
    msum_tb b;
    msum_tb_init(&b, "timecourse", "Findings by time point (SWiM)", cols, nc);
    item *it = b.st == MSUM_OK ? group_rows(rows, n, f, nf) : NULL;
    double *v = malloc((n ? n : 1) * sizeof *v), *rk = malloc((n ? n : 1) * sizeof *rk);
    const char **tmp = malloc((n ? n : 1) * sizeof *tmp);
    odict dx = {0};
    if (b.st == MSUM_OK &&
        (!it || !v || !rk || !tmp || odict_init(&dx, dict, ndict, 0) != MSUM_OK))
        b.st = MSUM_ENOMEM;
    for (size_t i = 0; b.st == MSUM_OK && i < n;) {
        size_t j = i, ntimes = 0;
        for (; j < n && same_keys(&it[i], &it[j]); j++)
            if (!isnan(it[j].time) && (j == i || it[j].time != it[j - 1].time)) ntimes++;
        if (ntimes >= 2) {
            msum_benefit ben = odict_benefit(&dx, rows[it[i].row].outcome);
            size_t np = 0;
            for (size_t a = i; a < j; a = point_end(it, a, j))
                rk[np++] = point_rank(rows, it, a, point_end(it, a, j));
            const char *trend = rank_trend(rk, np);
            char refs[512];
            join_field(rows, it, i, j, K_MAX, tmp, refs, sizeof refs);
            np = 0;
            for (size_t a = i; a < j && b.st == MSUM_OK;) {
                size_t e = point_end(it, a, j), m = 0;
                tally t = {0};
                char ids[512];
                size_t len = 0;
                ids[0] = '\0';
                for (size_t x = a; x < e; x++) {
                    const msum_swim_row *r = &rows[it[x].row];
                    tally_add(&t, r, ben);
                    if (!isnan(r->rom)) v[m++] = r->rom;
                    if (len < sizeof ids)
                        len += (size_t)snprintf(ids + len, sizeof ids - len, "%s%s",
                                                len ? ", " : "", str(r->id));
                }
                int dirable = ben == MSUM_BENEFIT_INCREASE || ben == MSUM_BENEFIT_DECREASE;
                msum_tb_row(&b);
                b_keys(&b, &it[a], f, nf);
                msum_tb_text(&b, "label", odict_label(&dx, it[a].k[4]));
                msum_tb_text(&b, "beneficial", benefit_text(ben));
                msum_tb_num(&b, "time", it[a].time);
                msum_tb_num(&b, "n_rows", t.rows);
                msum_tb_num(&b, "n_increase", t.inc);
                msum_tb_num(&b, "n_decrease", t.dec);
                msum_tb_num(&b, "n_no_change", t.none);
                msum_tb_num(&b, "n_beneficial", dirable ? t.ben : NAN);
                msum_tb_num(&b, "n_harmful", dirable ? t.harm : NAN);
                if (m > 0) {
                    gsl_sort(v, 1, m);
                    msum_tb_num(&b, "median_rom",
                                gsl_stats_quantile_from_sorted_data(v, 1, m, 0.5));
                }
                msum_tb_num(&b, "magnitude_rank", rk[np++]);
                msum_tb_text(&b, "trend", trend);
                msum_tb_text(&b, "ids", na(ids));
                msum_tb_text(&b, "refs", na(refs));
                a = e;
            }
        }
        i = j;
    }
    free(it);
    free(v);
    free(rk);
    free(tmp);
    odict_free(&dx);
    msum_tb_meta(&b, "method", "time course (SWiM): findings by time point within source x "
                         "preparation x model x exposure x outcome");
    msum_tb_meta(&b, "scale", "direction of effect; ROM (log ratio) where a number exists");
    msum_tb_meta(&b, "head_to_head", "rows comparing two treatments are left out (see the "
                                      "comparisons table)");
    int st = msum_tb_finish(&b, out);
    free(vc);
    return st;
}
