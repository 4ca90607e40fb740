/* The analysis spec and its one table of fields: every setting of every analysis kind, named
 * once (manifest column, command-line option, short form, default, help), and one checker of
 * values for the command line and the manifest alike. */
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "metasum/analysis.h"
#include "metasum/pool.h"
#include "metasum/reader.h"
#include "metasum/record.h"

static const char *const kind_names[MSUM_NKINDS] = {
    "effects", "pool", "compare", "summarize", "bias", "sensitivity", "table",
};

int msum_kind_parse(const char *name, msum_kind *out)
{
    for (int k = 0; k < MSUM_NKINDS; k++)
        if (name && strcmp(name, kind_names[k]) == 0) {
            *out = (msum_kind)k;
            return 1;
        }
    return 0;
}

const char *msum_kind_name(msum_kind k)
{
    return (unsigned)k < MSUM_NKINDS ? kind_names[k] : "?";
}

/* ---- the table --------------------------------------------------------------------------- */

#define E MSUM_KBIT(MSUM_KIND_EFFECTS)
#define P MSUM_KBIT(MSUM_KIND_POOL)
#define C MSUM_KBIT(MSUM_KIND_COMPARE)
#define S MSUM_KBIT(MSUM_KIND_SUMMARIZE)
#define B MSUM_KBIT(MSUM_KIND_BIAS)
#define N MSUM_KBIT(MSUM_KIND_SENSITIVITY)
#define T MSUM_KBIT(MSUM_KIND_TABLE)
#define V MSUM_CMD_VALIDATE
#define R MSUM_CMD_REPORT
#define ANALYSES (E | P | C | S | B | N)
#define KINDS (ANALYSES | T)
#define FITS (P | C | B | N)
#define OFF(m) offsetof(msum_spec, m)

/* name, option, short, metavar, type, kinds, words, lo, hi, default, help, group, offset */
const msum_setting msum_settings[] = {
    /* what and where (the manifest's own columns; on the command line the file is an operand) */
    {"kind", NULL, 0, "KIND", MSUM_SETTING_WORD, KINDS,
     "effects,pool,compare,summarize,bias,sensitivity,table", 0, 0, NULL,
     "the analysis: effects, pool, compare, summarize, bias, sensitivity or table (the CSV "
     "itself)", "Report", OFF(kind)},
    {"id", NULL, 0, "ID", MSUM_SETTING_TEXT, KINDS, NULL, 0, 0, NULL,
     "folder name of the analysis in the report", "Report", OFF(id)},
    {"title", NULL, 0, "TEXT", MSUM_SETTING_TEXT, KINDS, NULL, 0, 0, NULL,
     "heading of the analysis's page", "Report", OFF(title)},
    {"dataset", NULL, 0, "FILE", MSUM_SETTING_TEXT, KINDS, NULL, 0, 0, NULL,
     "the data file (the command line: the FILE operand)", "Report", OFF(dataset)},

    /* which rows */
    {"filter", "--filter", 0, "COL=VAL", MSUM_SETTING_TEXT, ANALYSES, NULL, 0, 0, NULL,
     "only rows whose COL equals VAL (several, all must hold: COL=A;COL2=B)", "Rows",
     OFF(filter)},
    {"by", "--by", 'b', "COL[,COL]", MSUM_SETTING_LIST, P | C | S | B | N, NULL, 0, 0, NULL,
     "one result per distinct value of these columns (first appearance order)\n"
     "(summarize: the cells of the vote counts [source,outcome])", "Rows", OFF(by)},

    /* reading the user's file */
    {"columns", "--col", 0, "FIELD=COLUMN", MSUM_SETTING_COLUMNS, ANALYSES | V, NULL, 0, 0, NULL,
     "take header COLUMN as FIELD (m1i=Mean_T; repeatable; the manifest: a;b); names\n"
     "are matched in any case and common aliases are recognised (docs/columns.md)",
     "Reading", OFF(read.columns)},
    {"delim", "--delim", 0, "D", MSUM_SETTING_DELIM, ANALYSES | V, NULL, 0, 0,
     "detected from the header line", "field delimiter: ',' ';' or tab", "Reading",
     OFF(read.delim)},
    {"decimal", "--decimal", 0, "C", MSUM_SETTING_DECIMAL, ANALYSES | V, NULL, 0, 0,
     "',' with a ';' delimiter, else '.'", "decimal mark: '.' or ','", "Reading",
     OFF(read.decimal)},
    {"sheet", "--sheet", 0, "NAME", MSUM_SETTING_TEXT, ANALYSES | V, NULL, 0, 0,
     "the first visible", "worksheet of an .xlsx workbook", "Reading", OFF(read.sheet)},
    {"missing", "--missing", 0, "M", MSUM_SETTING_MISSING, ANALYSES | V, "omit,error", 0, 0,
     "omit", "rows without a value their form needs: omit (left out with a warning,\n"
     "counted in k_skipped) or error", "Reading", OFF(read.missing)},

    /* the model */
    {"measure", "--measure", 0, "M", MSUM_SETTING_MEASURE, E | P | C | B | N | V, NULL, 0, 0,
     "the rows' own", "effect measure for rows that allow several: MD, SMD, ROM (means),\n"
     "RR, OR, RD, PETO (counts), PR, PLN, PLO, PAS, PFT (proportions), IR, IRLN, IRS,\n"
     "IRFT (rates), IRR, IRD, IRSD (two rates), ZCOR, COR (correlations); effects: a\n"
     "list, one per family; validate: one of MD, SMD, ROM, RR, OR, RD (docs/measures.md)",
     "Model", OFF(measure)},
    {"method", "--method", 'm', "NAME", MSUM_SETTING_METHOD, FITS, NULL, 0, 0, "REML",
     "tau2 estimator: EE FE CE (common effect), DL, HE, HS, SJ, ML, REML, PM, EB;\n"
     "pool also MH (Mantel-Haenszel) and PETO", "Model", OFF(method)},
    {"test", "--test", 't', "NAME", MSUM_SETTING_TEST, FITS, "z,t,knha,adhoc", 0, 0, "z",
     "test and CI of estimates: z, t, knha (Hartung-Knapp) or adhoc (knha, factor >= 1)",
     "Model", OFF(test)},
    {"level", "--level", 'l', "L", MSUM_SETTING_LEVEL, ANALYSES, NULL, 0, 0, "0.95",
     "confidence level, as 0.95 or 95", "Model", OFF(level)},
    {"threshold", "--threshold", 0, "X", MSUM_SETTING_NUMBER, P | C, NULL, 0, HUGE_VAL,
     "0: full precision",
     "Fisher scoring (ML, REML, EB) stops when tau2 changes by <= X (metafor's\n"
     "control threshold; its default is 1e-5)", "Model", OFF(threshold)},
    {"maxiter", "--maxiter", 0, "N", MSUM_SETTING_INT, P | C, NULL, 1, 1000000,
     "1000; 100 for a meta-regression", "iteration limit (metafor's default: 100)", "Model",
     OFF(maxiter)},
    {"step_adj", "--step-adj", 0, "X", MSUM_SETTING_NUMBER, P | C, NULL, 1e-300, HUGE_VAL, "1",
     "Fisher scoring step length factor (metafor stepadj)", "Model", OFF(step_adj)},
    {"pi_type", "--pi-type", 0, "T", MSUM_SETTING_WORD, P | C, "default,riley", 0, 0, "default",
     "prediction interval: default (the CI's z or t) or riley (t(k-2), Riley et al. 2011)",
     "Model", OFF(pi_type)},
    {"no_fallback", "--no-fallback", 0, NULL, MSUM_SETTING_FLAG, P, NULL, 0, 0, NULL,
     "exit 4 when the estimator does not converge instead of falling back to PM, DL",
     "Model", OFF(no_fallback)},

    /* effects */
    {"add", "--add", 0, "X", MSUM_SETTING_NUMBER, E | P | C | B | N, NULL, 0, HUGE_VAL,
     "0.5; 0 for PAS, PFT, IRS, IRFT, IRSD",
     "value added to the cells of a corrected 2x2 table, a proportion or a rate", "Effects",
     OFF(add)},
    {"to", "--to", 0, "POLICY", MSUM_SETTING_WORD, E | P | C | B | N, "only0,all,if0all,none",
     0, 0, "only0",
     "which rows get --add: only0 (a zero count), all, if0all (all when any row has a\n"
     "zero count), none", "Effects", OFF(to)},
    {"ci_level", "--ci-level", 0, "L", MSUM_SETTING_LEVEL, E, NULL, 0, 0, "0.95",
     "level of the CIs that generic rows report in ci_lb/ci_ub", "Effects", OFF(ci_level)},

    /* pool */
    {"weights", "--weights", 'w', NULL, MSUM_SETTING_FLAG, P, NULL, 0, 0, NULL,
     "per-study weights (percent) instead of pooled results", "Pool", OFF(weights)},
    {"ci_text", "--ci-text", 0, NULL, MSUM_SETTING_FLAG, P, NULL, 0, 0, NULL,
     "add column estimate_ci, \"0.49 [0.34, 0.70]\", back-transformed where the table\n"
     "has exp_*, r_* or bt_* columns", "Pool", OFF(ci_text)},
    {"mh_add", "--mh-add", 0, "X", MSUM_SETTING_NUMBER, P, NULL, 0, HUGE_VAL, "0",
     "MH/Peto: value added to the cells of the MH/Peto sums", "Pool", OFF(mh_add)},
    {"mh_to", "--mh-to", 0, "POLICY", MSUM_SETTING_WORD, P, "only0,all,if0all,none", 0, 0,
     "none", "MH/Peto: which tables get --mh-add", "Pool", OFF(mh_to)},
    {"no_drop00", "--no-drop00", 0, NULL, MSUM_SETTING_FLAG, P, NULL, 0, 0, NULL,
     "MH/Peto: keep double-zero studies in Q", "Pool", OFF(no_drop00)},
    {"mh_drop00", "--mh-drop00", 0, NULL, MSUM_SETTING_FLAG, P, NULL, 0, 0, NULL,
     "MH/Peto: drop double-zero studies from the sums", "Pool", OFF(mh_drop00)},
    {"no_correct", "--no-correct", 0, NULL, MSUM_SETTING_FLAG, P, NULL, 0, 0, NULL,
     "MH: the CMH test without the 1/2 continuity correction", "Pool", OFF(no_correct)},

    /* compare */
    {"mods", "--mods", 0, "TERMS", MSUM_SETTING_LIST, C, NULL, 0, 0, "the --by column",
     "meta-regression terms: COL, center(COL), scale(COL), A:B, A*B, -1", "Compare",
     OFF(mods)},
    {"newmods", "--newmods", 0, "ROWS", MSUM_SETTING_TEXT, C, NULL, 0, 0, NULL,
     "predictions at new moderator values: 'ablat=10,alloc=random;ablat=30,...' or one\n"
     "number per coefficient but the intercept ('10,1950;30,1970')", "Compare",
     OFF(newmods)},
    {"ref_level", "--ref-level", 0, "COL=LV", MSUM_SETTING_LIST, C, NULL, 0, 0,
     "the first level in byte order",
     "reference level of a categorical moderator or of --by (repeatable)", "Compare",
     OFF(ref_level)},
    {"pairs", "--pairs", 0, "A:B,C:D", MSUM_SETTING_TEXT, C, NULL, 0, 0,
     "every pair, up to 30 groups", "pairwise differences to report", "Compare", OFF(pairs)},
    {"table", "--table", 0, "T", MSUM_SETTING_TEXT, C | S, NULL, 0, 0, "all",
     "which tables: compare: groups, between, metareg, model, pairs, predict, studies;\n"
     "summarize: evidence_map, votes, comparisons, magnitudes, timecourse", "Compare",
     OFF(table)},

    /* summarize */
    {"outcomes", "--outcomes", 0, "FILE", MSUM_SETTING_TEXT, S | V, NULL, 0, 0,
     "outcomes.csv beside FILE",
     "outcome dictionary (outcome, beneficial = increase|decrease|none)", "Summarize",
     OFF(outcomes)},
    {"per_row", "--per-row", 0, NULL, MSUM_SETTING_FLAG, S, NULL, 0, 0, NULL,
     "every row is a vote [one vote per study and cell]", "Summarize", OFF(per_row)},

    {"gaps", "--gaps", 0, NULL, MSUM_SETTING_FLAG, S, NULL, 0, 0, NULL,
     "evidence map: list the source x outcome cells without evidence too", "Summarize",
     OFF(gaps)},

    /* bias */
    {"model", "--model", 0, "M", MSUM_SETTING_WORD, B, "rma,lm", 0, 0, "rma",
     "regtest model: rma (meta-regression) or lm (weighted least squares)", "Bias",
     OFF(model)},
    {"predictor", "--predictor", 0, "P", MSUM_SETTING_WORD, B, "sei,vi,ni,ninv,sqrtni,sqrtninv",
     0, 0, "sei", "regtest predictor: sei, vi, ni, ninv, sqrtni, sqrtninv", "Bias",
     OFF(predictor)},
    {"estimator", "--estimator", 0, "E", MSUM_SETTING_WORD, B, "L0,R0,Q0", 0, 0, "L0",
     "trimfill estimator: L0, R0, Q0", "Bias", OFF(estimator)},
    {"side", "--side", 0, "S", MSUM_SETTING_WORD, B, "auto,left,right", 0, 0, "auto",
     "trimfill side of the missing studies: auto, left, right", "Bias", OFF(side)},
    {"alpha", "--alpha", 0, "X", MSUM_SETTING_NUMBER, B, NULL, 1e-300, 1 - 1e-16, "0.05",
     "fsn significance level", "Bias", OFF(alpha)},
    {"target", "--target", 0, "X", MSUM_SETTING_NUMBER, B, NULL, -HUGE_VAL, HUGE_VAL,
     "half the mean effect", "fsn Orwin target effect", "Bias", OFF(target)},

    /* sensitivity */
    {"analysis", "--analysis", 'a', "A", MSUM_SETTING_WORD, N, "leave1out,cumul,influence", 0, 0,
     "leave1out; a report without it: all three", "leave1out, cumul or influence",
     "Sensitivity", OFF(analysis)},
    {"order", "--order", 0, "COL", MSUM_SETTING_TEXT, N, NULL, 0, 0, "input order",
     "cumul: add the studies in increasing order of this numeric column", "Sensitivity",
     OFF(order)},
    {"decreasing", "--decreasing", 0, NULL, MSUM_SETTING_FLAG, N, NULL, 0, 0, NULL,
     "cumul: decreasing order of --order", "Sensitivity", OFF(decreasing)},

    /* plots */
    {"plots", "--plot", 0, "[NAME=]FILE", MSUM_SETTING_LIST, P | C | S | B | N, NULL, 0, 0, NULL,
     "also draw a plot: [NAME=]FILE, repeatable; the extension chooses SVG, PNG or PDF (the\n"
     "manifest: names a;b).  pool: forest, funnel; compare: forest (with by); summarize:\n"
     "comparisons, timecourse, effect_direction, evidence_map; bias: funnel_trimfill,\n"
     "funnel_contour, funnel_egger, radial; sensitivity: leave1out, cumul, baujat, influence",
     "Plots", OFF(plots)},
    {"favours", "--favours", 0, "L,R", MSUM_SETTING_LIST, P | C, NULL, 0, 0, NULL,
     "forest plot: 'Favours L' left and 'Favours R' right of the null line", "Plots",
     OFF(favours)},
    {"sort", "--sort", 0, "S", MSUM_SETTING_WORD, P | C, "input,effect,weight,year", 0, 0, "input",
     "forest plot rows: input, effect, weight or year (the year column; no year: last)",
     "Plots", OFF(sort)},

    /* output */
    {"formats", "--format", 'f', "F", MSUM_SETTING_WORDS, KINDS,
     "csv,tsv,md,json,html,text,xlsx", 0, 0, "csv (text for pool on a terminal)",
     "csv, tsv, md, json, html, text or xlsx (the manifest: a list)", "Output",
     OFF(formats)},
    {"output", "--output", 'o', "FILE", MSUM_SETTING_TEXT, KINDS | R, NULL, 0, 0,
     "standard output", "write there (atomically; report: the folder)", "Output",
     OFF(output)},
    {"digits", "--digits", 'd', "N", MSUM_SETTING_INT, KINDS | R, NULL, 0, 17, "7",
     "significant digits of numbers, 0 = shortest exact (-f text: decimals, 4 by default)", "Output",
     OFF(digits)},
    {"meta", "--meta", 0, NULL, MSUM_SETTING_FLAG, ANALYSES, NULL, 0, 0, NULL,
     "CSV/TSV: leading '# key,value' lines with the settings (tidy CSV without)", "Output",
     OFF(meta)},

    /* validate and report */
    {"refs", "--refs", 0, "FILE", MSUM_SETTING_TEXT, V, NULL, 0, 0, "references.csv beside FILE",
     "references dictionary", "Validate", OFF(refs)},
    {"sources", "--sources", 0, "FILE", MSUM_SETTING_TEXT, V, NULL, 0, 0,
     "sources.csv beside FILE, if any", "sources dictionary", "Validate", OFF(sources)},
    {"preparations", "--preparations", 0, "FILE", MSUM_SETTING_TEXT, V, NULL, 0, 0,
     "preparations.csv beside FILE", "preparations dictionary", "Validate",
     OFF(preparations)},
    {"source_text", "--source", 0, "TEXT", MSUM_SETTING_TEXT, V, NULL, 0, 0, NULL,
     "source text (UTF-8) every quote must come from", "Validate", OFF(source_text)},
    {"quiet", "--quiet", 'q', NULL, MSUM_SETTING_FLAG, V | R, NULL, 0, 0, NULL,
     "no summary or progress lines", "Output", OFF(quiet)},
    {"allow_outside", "--allow-outside", 0, NULL, MSUM_SETTING_FLAG, R, NULL, 0, 0, NULL,
     "let datasets lie outside the manifest's folder", "Report", OFF(allow_outside)},
};

const size_t msum_nsettings = sizeof msum_settings / sizeof msum_settings[0];

const msum_setting *msum_setting_find(const char *name)
{
    if (!name) return NULL;
    for (size_t i = 0; i < msum_nsettings; i++) {
        const msum_setting *f = &msum_settings[i];
        if (strcmp(f->name, name) == 0) return f;
        if (f->option) { /* "col" for --col, "step-adj" for --step-adj */
            if (strcmp(f->option + 2, name) == 0) return f;
        }
    }
    return NULL;
}

const msum_setting *msum_setting_option(const char *opt)
{
    if (!opt || opt[0] != '-') return NULL;
    for (size_t i = 0; i < msum_nsettings; i++) {
        const msum_setting *f = &msum_settings[i];
        if (!f->option) continue;
        if (opt[1] == '-' ? strcmp(f->option, opt) == 0
                          : (f->shrt && opt[1] == f->shrt && opt[2] == '\0'))
            return f;
    }
    return NULL;
}

/* ---- the spec ---------------------------------------------------------------------------- */

typedef struct owned {
    struct owned *next;
    char s[];
} owned;

void msum_spec_init(msum_spec *s)
{
    static const msum_read_opts ro = MSUM_READ_OPTS_DEFAULT;
    memset(s, 0, sizeof *s);
    s->kind = MSUM_KIND_EFFECTS;
    s->read = ro;
    s->level = s->threshold = s->step_adj = s->add = s->ci_level = s->mh_add = NAN;
    s->alpha = s->target = NAN;
    s->maxiter = s->digits = -1;
}

void msum_spec_clear(msum_spec *s)
{
    for (owned *o = s->owned_; o;) {
        owned *n = o->next;
        free(o);
        o = n;
    }
    msum_spec_init(s);
}

/* A copy of a (and b after `sep` when b is not NULL) kept with the spec. */
static const char *keep(msum_spec *s, const char *a, char sep, const char *b)
{
    size_t na = strlen(a), nb = b ? strlen(b) + 1 : 0;
    owned *o = malloc(sizeof *o + na + nb + 1);
    if (!o) return NULL;
    memcpy(o->s, a, na);
    if (b) {
        o->s[na] = sep;
        memcpy(o->s + na + 1, b, nb - 1);
    }
    o->s[na + nb] = '\0';
    o->next = s->owned_;
    s->owned_ = o;
    return o->s;
}

/* Is w (n bytes) one of the comma-separated words (case-insensitive)?  The canonical word. */
static const char *word_in(const char *words, const char *w, size_t n)
{
    for (const char *p = words; p && *p;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && strncasecmp(p, w, n) == 0) return p;
        p += len + (e != NULL);
    }
    return NULL;
}

/* The expected-values text of a word list: "a, b or c". */
static void words_text(const char *words, char *buf, size_t size)
{
    size_t n = 0, count = 1;
    for (const char *p = words; *p; p++) count += *p == ',';
    size_t i = 0;
    buf[0] = '\0';
    for (const char *p = words; *p && n + 1 < size; i++) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        int w = snprintf(buf + n, size - n, "%s%.*s", i == 0 ? "" : i + 1 == count ? " or " : ", ",
                         (int)len, p);
        if (w < 0 || (size_t)w >= size - n) break;
        n += (size_t)w;
        p += len + (e != NULL);
    }
}

#define FAIL(...)                                                                              \
    do {                                                                                       \
        if (err && errsize) snprintf(err, errsize, __VA_ARGS__);                               \
        return MSUM_EINVAL;                                                                    \
    } while (0)

static int each_part(const char *v, char sep, int (*ok)(const char *, size_t, const void *),
                     const void *ctx, const char **bad, size_t *badlen)
{
    for (const char *p = v;;) {
        const char *e = strchr(p, sep);
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (!ok(p, len, ctx)) {
            *bad = p;
            *badlen = len;
            return 0;
        }
        if (!e) return 1;
        p = e + 1;
    }
}

static int is_word(const char *p, size_t n, const void *words)
{
    return word_in(words, p, n) != NULL;
}

static int is_measure(const char *p, size_t n, const void *ctx)
{
    (void)ctx;
    char buf[32];
    msum_measure m;
    if (n == 0 || n >= sizeof buf) return 0;
    for (size_t i = 0; i < n; i++) buf[i] = (char)(p[i] >= 'a' && p[i] <= 'z' ? p[i] - 32 : p[i]);
    buf[n] = '\0';
    return msum_measure_parse(buf, &m);
}

static int is_mapping(const char *p, size_t n, const void *ctx)
{
    (void)ctx;
    const char *eq = memchr(p, '=', n);
    return eq && eq != p && eq != p + n - 1;
}

int msum_spec_set(msum_spec *s, const msum_setting *f, const char *value, char *err,
                  size_t errsize)
{
    if (!s || !f) FAIL("no such setting");
    const char *v = value ? value : "";
    char *base = (char *)s + f->offset;
    const char **txt = (const char **)(void *)base;
    char expect[256];
    const char *bad = "";
    size_t badlen = 0;
    switch (f->type) {
    case MSUM_SETTING_TEXT:
        if (!(*txt = keep(s, v, 0, NULL))) FAIL("out of memory");
        return MSUM_OK;
    case MSUM_SETTING_LIST: {
        char *c = (char *)keep(s, v, 0, NULL);
        if (!c) FAIL("out of memory");
        for (char *p = c; *p; p++)
            if (*p == ';') *p = ',';
        if (*txt && **txt && *c) {
            if (!(*txt = keep(s, *txt, ',', c))) FAIL("out of memory");
        } else {
            *txt = c;
        }
        return MSUM_OK;
    }
    case MSUM_SETTING_WORD: {
        const char *w = word_in(f->words, v, strlen(v));
        if (f->offset == offsetof(msum_spec, kind)) {
            msum_kind k;
            if (!msum_kind_parse(v, &k)) {
                words_text(f->words, expect, sizeof expect);
                FAIL("found '%s', expected %s", v, expect);
            }
            s->kind = k;
            return MSUM_OK;
        }
        if (!w || !*v) {
            words_text(f->words, expect, sizeof expect);
            FAIL("found '%s', expected %s", v, expect);
        }
        size_t n = strlen(v);
        char tmp[64];
        if (n >= sizeof tmp) n = sizeof tmp - 1;
        memcpy(tmp, w, n);
        tmp[n] = '\0';
        if (!(*txt = keep(s, tmp, 0, NULL))) FAIL("out of memory");
        return MSUM_OK;
    }
    case MSUM_SETTING_WORDS: {
        char *c = (char *)keep(s, v, 0, NULL);
        if (!c) FAIL("out of memory");
        for (char *p = c; *p; p++)
            if (*p == ';') *p = ',';
        if (!*c || !each_part(c, ',', is_word, f->words, &bad, &badlen)) {
            words_text(f->words, expect, sizeof expect);
            if (!*c) FAIL("found '', expected %s", expect);
            FAIL("found '%.*s', expected %s", (int)badlen, bad, expect);
        }
        for (char *p = c; *p; p++)
            if (*p >= 'A' && *p <= 'Z') *p = (char)(*p + 32);
        *txt = c;
        return MSUM_OK;
    }
    case MSUM_SETTING_NUMBER: {
        double x;
        if (msum_parse_double(v, strlen(v), &x) != 1 || !(x >= f->lo && x <= f->hi)) {
            if (f->hi == HUGE_VAL && f->lo == 0) FAIL("found '%s', expected a number >= 0", v);
            if (f->hi == HUGE_VAL) FAIL("found '%s', expected a number > 0", v);
            if (f->lo == -HUGE_VAL) FAIL("found '%s', expected a number", v);
            FAIL("found '%s', expected a number in (0, 1)", v);
        }
        *(double *)(void *)base = x;
        return MSUM_OK;
    }
    case MSUM_SETTING_INT: {
        char *end;
        errno = 0;
        long x = strtol(v, &end, 10);
        if (end == v || *end || errno || x < f->lo || x > f->hi)
            FAIL("found '%s', expected an integer from %.0f to %.0f", v, f->lo, f->hi);
        *(int *)(void *)base = (int)x;
        return MSUM_OK;
    }
    case MSUM_SETTING_LEVEL: {
        double x;
        if (msum_parse_double(v, strlen(v), &x) == 1) {
            /* 95 means 95 %, as metafor reads a level > 1; but 1.5 is a slip, not a 1.5 %
             * interval: a percentage must be at least 50 */
            if (x >= 50 && x < 100) x /= 100;
            if (x > 0 && x < 1) {
                *(double *)(void *)base = x;
                return MSUM_OK;
            }
        }
        FAIL("found '%s', expected a level in (0, 1) or a percentage in [50, 100)", v);
    }
    case MSUM_SETTING_FLAG:
        if (!*v || strcmp(v, "1") == 0 || strcasecmp(v, "yes") == 0 ||
            strcasecmp(v, "true") == 0)
            *(int *)(void *)base = 1;
        else if (strcmp(v, "0") == 0 || strcasecmp(v, "no") == 0 || strcasecmp(v, "false") == 0)
            *(int *)(void *)base = 0;
        else
            FAIL("found '%s', expected 1, yes, true, 0, no or false", v);
        return MSUM_OK;
    case MSUM_SETTING_MEASURE: {
        char *c = (char *)keep(s, v, 0, NULL);
        if (!c) FAIL("out of memory");
        for (char *p = c; *p; p++) {
            if (*p == ';') *p = ',';
            if (*p >= 'a' && *p <= 'z') *p = (char)(*p - 32);
        }
        if (!*c || !each_part(c, ',', is_measure, NULL, &bad, &badlen))
            FAIL("found '%.*s', expected a measure: MD, SMD, ROM, RR, OR, RD, PETO, PR, PLN, "
                 "PLO, PAS, PFT, IR, IRLN, IRS, IRFT, IRR, IRD, IRSD, ZCOR, COR, GEN or GEN_LOG "
                 "(docs/measures.md)",
                 *c ? (int)badlen : 0, *c ? bad : "");
        if (*txt && **txt && (s->kind == MSUM_KIND_EFFECTS)) {
            if (!(*txt = keep(s, *txt, ',', c))) FAIL("out of memory");
        } else {
            *txt = c;
        }
        return MSUM_OK;
    }
    case MSUM_SETTING_METHOD: {
        msum_estimator m;
        if (strcasecmp(v, "MH") == 0 || strcasecmp(v, "PETO") == 0) {
            if (!(*txt = keep(s, strcasecmp(v, "MH") == 0 ? "MH" : "PETO", 0, NULL)))
                FAIL("out of memory");
            return MSUM_OK;
        }
        if (msum_estimator_parse(v, &m) != MSUM_OK)
            FAIL("found '%s', expected EE, FE, CE, DL, HE, HS, SJ, ML, REML, PM, EB, MH or "
                 "PETO", v);
        if (!(*txt = keep(s, msum_estimator_name(m), 0, NULL))) FAIL("out of memory");
        return MSUM_OK;
    }
    case MSUM_SETTING_TEST: {
        msum_test t;
        if (msum_test_parse(v, &t) != MSUM_OK)
            FAIL("found '%s', expected z, t, knha (Hartung-Knapp) or adhoc", v);
        if (!(*txt = keep(s, msum_test_name(t), 0, NULL))) FAIL("out of memory");
        return MSUM_OK;
    }
    case MSUM_SETTING_COLUMNS: {
        if (!*v || !each_part(v, ';', is_mapping, NULL, &bad, &badlen))
            FAIL("found '%.*s', expected FIELD=COLUMN (e.g. m1i=Mean_T)",
                 *v ? (int)badlen : 0, *v ? bad : "");
        const char *prev = s->read.columns;
        const char *c = prev && *prev ? keep(s, prev, ';', v) : keep(s, v, 0, NULL);
        if (!c) FAIL("out of memory");
        s->read.columns = c;
        return MSUM_OK;
    }
    case MSUM_SETTING_DELIM:
        if (strcmp(v, ",") == 0 || strcasecmp(v, "comma") == 0) s->read.delim = ',';
        else if (strcmp(v, ";") == 0 || strcasecmp(v, "semicolon") == 0) s->read.delim = ';';
        else if (strcasecmp(v, "tab") == 0 || strcmp(v, "\t") == 0 || strcmp(v, "\\t") == 0)
            s->read.delim = '\t';
        else
            FAIL("found '%s', expected ',', ';' or tab", v);
        return MSUM_OK;
    case MSUM_SETTING_DECIMAL:
        if ((v[0] != '.' && v[0] != ',') || v[1]) FAIL("found '%s', expected '.' or ','", v);
        s->read.decimal = v[0];
        return MSUM_OK;
    case MSUM_SETTING_MISSING:
        if (strcasecmp(v, "omit") == 0) s->read.missing = MSUM_MISSING_OMIT;
        else if (strcasecmp(v, "error") == 0) s->read.missing = MSUM_MISSING_ERROR;
        else FAIL("found '%s', expected omit or error", v);
        s->missing_set = 1;
        return MSUM_OK;
    }
    FAIL("no such setting");
}
