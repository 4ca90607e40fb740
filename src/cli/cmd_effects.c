/* metasum effects: one output row per input row with its effect size (yi, vi, sei, CI), the
 * input columns passed through, and the conversion each row needed.  Streams the input with the
 * reader/typer; keeps the output in memory until every row is known to be valid, so a data error
 * never leaves a partial table.  Formulas: src/core/escalc.c (metafor escalc, Wan 2014, Luo 2018).
 */
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../io/fmt_fast.h"
#include "analysis.h"
#include "cli.h"
#include "metasum/dataset.h"
#include "metasum/reader.h"
#include "metasum/write.h"

static const char *const CMD = "effects";

void usage_effects(FILE *fp)
{
    fprintf(fp,
"About:   Effect sizes per row: yi, vi, standard error and CI, as metafor's escalc() computes\n"
"         them, with the conversion each row needed (SEM to SD, median/IQR to mean/SD, %% or\n"
"         fold change to ROM, p or CI to SE, continuity correction).\n"
"Usage:   metasum effects [OPTIONS] FILE        (FILE '-' reads standard input)\n"
"\n"
"Options:\n"
"    -m, --measure M   measure for rows whose form allows several; give it once per family:\n"
"                      continuous and median_iqr rows: MD, SMD (Hedges' g) or ROM;\n"
"                      counts rows: RR, OR, RD or PETO; proportion rows (xi, ni): PR, PLN,\n"
"                      PLO, PAS or PFT; rate rows (xi, ti): IR, IRLN, IRS or IRFT; rates rows\n"
"                      (x1i, t1i, x2i, t2i): IRR, IRD or IRSD  [none: required when such rows\n"
"                      occur]; correlation rows: ZCOR [default] or COR.\n"
"                      Other forms have one measure: percent_change and fold_change ROM (no\n"
"                      variance), generic the row's `measure` [GEN], ratio rows (ratio, ci_lb,\n"
"                      ci_ub on the ratio's own scale) the row's `measure` [GEN_LOG].\n"
"                      docs/measures.md lists each measure's columns and scale.\n"
"        --add X       value added to every cell of a corrected 2x2 table, to the events and\n"
"                      non-events of a proportion, to the events of a rate [0.5; 0 for PAS,\n"
"                      PFT, IRS, IRFT and IRSD, as metafor]\n"
"        --to POLICY   which rows get it: only0 (those with a zero count), all,\n"
"                      if0all (all, when any row has a zero count), none [only0]\n"
"        --level L     level of the output CI, as 0.95 or 95 [0.95]\n"
"        --ci-level L  level of the CIs that generic rows report in ci_lb/ci_ub [0.95]\n"
"    -d, --digits N    significant digits of numbers; 0 = shortest exact form [7]\n"
"    -f, --format F    csv or tsv [csv]\n"
"        --filter COL=VAL  only rows whose COL equals VAL (several: COL=A;COL2=B)\n"
"    -h, --help        this text\n"
"\n"
"%s"
"\n"
"Output (standard output): the row's `id` (or its `line` when the file has no id column), every\n"
"other input column, then measure, scale (log for ROM/RR/OR, fisher_z for ZCOR, natural\n"
"otherwise; logit, arcsine, freeman_tukey, sqrt for PLO, PAS, PFT, IRS), yi, vi, sei, ci_lb,\n"
"ci_ub on the analysis scale, the back-transformed exp_yi, exp_ci_lb, exp_ci_ub (log scale:\n"
"ratios, PLN, IRLN), r_yi, r_ci_lb, r_ci_ub (correlations) and bt_yi, bt_ci_lb, bt_ci_ub\n"
"(proportions from PLO, PAS, PFT with the row's ni; rates from IRS), and conversion, e.g.\n"
"\"sem_to_sd;cc_add_0.5\".  The exp_*, r_* and bt_* columns are there when the file's forms and\n"
"the measures asked for allow such rows (NA on the other rows); the columns depend on the header\n"
"and the options only.  Input columns whose names the output uses (yi, measure, ...) are\n"
"passed through as in_yi, in_measure, ...  Percent and fold changes have no variance: their\n"
"vi, sei and CI are NA.  Direction-only rows have no yi: NA, conversion direction_only.\n"
"\n"
"Every data error is reported (FILE:LINE:COL: error: column 'x': ...) and then nothing is\n"
"written: the output is all rows or none.\n"
"\n"
"Exit codes: 0 ok, 1 data errors, 2 usage, 3 I/O.\n"
"\n"
"Examples:\n"
"    # Hedges' g from means, SDs and ns (metafor: escalc(\"SMD\", m1i=, sd1i=, n1i=, ...))\n"
"    metasum effects --measure SMD trials.csv > trials_smd.csv\n"
"    # log risk ratios from 2x2 counts, 1/2 added to every table when one has a zero cell\n"
"    metasum effects --measure RR --to if0all bcg.csv\n"
"    # logit proportions (xi events of ni), back-transformed to proportions in bt_*\n"
"    metasum effects --measure PLO proportions.csv\n"
"    # a curated file mixing means, counts, generic and percent-change rows\n"
"    metasum effects -m ROM -m OR --format tsv datasets/exosome_skin_aging/effects.csv\n"
"    # 90%% CIs, full precision, from standard input\n"
"    cat effects.csv | metasum effects -m MD --level 90 --digits 0 -\n",
            cli_input_help);
}

/* ---- options ---------------------------------------------------------------------------- */

typedef struct {
    const char *path;
    const char *filter;  /* --filter, or NULL */
    msum_measure cont;   /* for continuous and median_iqr rows */
    msum_measure counts; /* for counts rows */
    msum_measure prop, rate, rates, cor; /* proportion, rate, rates, correlation rows */
    msum_escalc_opts eo;
    int digits;
    char sep;
    int guard; /* formula guard on text cells (off when the table is parsed back: report) */
    cli_input *in;       /* --col, --delim, ... (NULL: defaults) */
} effects_opts;

static int parse_num(const char *s, double *out)
{
    return msum_parse_double(s, strlen(s), out) == 1;
}

#define MEASURES_TEXT "MD, SMD, ROM, RR, OR, RD, PETO, PR, PLN, PLO, PAS, PFT, IR, IRLN, IRS, " \
                      "IRFT, IRR, IRD, IRSD, ZCOR or COR"

static int parse_measure(const char *s, effects_opts *o)
{
    msum_measure m;
    if (!msum_measure_parse(s, &m)) {
        cli_error(CMD, "--measure '%s': expected " MEASURES_TEXT, s);
        return 0;
    }
    msum_measure *slot = NULL;
    switch (m) {
    case MSUM_MEASURE_MD:
    case MSUM_MEASURE_SMD:
    case MSUM_MEASURE_ROM: slot = &o->cont; break;
    case MSUM_MEASURE_RR:
    case MSUM_MEASURE_OR:
    case MSUM_MEASURE_RD:
    case MSUM_MEASURE_PETO: slot = &o->counts; break;
    case MSUM_MEASURE_PR:
    case MSUM_MEASURE_PLN:
    case MSUM_MEASURE_PLO:
    case MSUM_MEASURE_PAS:
    case MSUM_MEASURE_PFT: slot = &o->prop; break;
    case MSUM_MEASURE_IR:
    case MSUM_MEASURE_IRLN:
    case MSUM_MEASURE_IRS:
    case MSUM_MEASURE_IRFT: slot = &o->rate; break;
    case MSUM_MEASURE_IRR:
    case MSUM_MEASURE_IRD:
    case MSUM_MEASURE_IRSD: slot = &o->rates; break;
    case MSUM_MEASURE_ZCOR:
    case MSUM_MEASURE_COR: slot = &o->cor; break;
    default:
        cli_error(CMD, "--measure '%s': expected " MEASURES_TEXT, s);
        return 0;
    }
    if (*slot != MSUM_MEASURE_NONE && *slot != m) {
        cli_error(CMD, "--measure given twice for the same rows (%s and %s)",
                  msum_measure_name(*slot), s);
        return 0;
    }
    *slot = m;
    return 1;
}

static int parse_args(int argc, char **argv, effects_opts *o)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        int r;
        if (strcmp(a, "--") == 0) {
            if (i + 2 != argc) goto nfiles;
            o->path = argv[i + 1];
            break;
        }
        if ((r = cli_opt_input(CMD, argc, argv, &i, o->in)) != 0) {
            if (r < 0) return 0;
        } else if ((r = cli_opt(CMD, argc, argv, &i, "--measure", "-m", &v)) != 0) {
            if (r < 0 || !parse_measure(v, o)) return 0;
        } else if ((r = cli_opt(CMD, argc, argv, &i, "--add", NULL, &v)) != 0) {
            if (r < 0) return 0;
            if (!parse_num(v, &o->eo.add) || !(o->eo.add >= 0)) {
                cli_error(CMD, "--add '%s': expected a number >= 0", v);
                return 0;
            }
            o->eo.add_given = 1;
        } else if ((r = cli_opt(CMD, argc, argv, &i, "--to", NULL, &v)) != 0) {
            if (r < 0) return 0;
            if (!msum_cc_policy_parse(v, &o->eo.to)) {
                cli_error(CMD, "--to '%s': expected only0, all, if0all or none", v);
                return 0;
            }
        } else if ((r = cli_opt(CMD, argc, argv, &i, "--level", NULL, &v)) != 0) {
            if (r < 0 || !cli_opt_level(CMD, "--level", v, &o->eo.level)) return 0;
        } else if ((r = cli_opt(CMD, argc, argv, &i, "--ci-level", NULL, &v)) != 0) {
            if (r < 0 || !cli_opt_level(CMD, "--ci-level", v, &o->eo.input_level)) return 0;
        } else if ((r = cli_opt(CMD, argc, argv, &i, "--digits", "-d", &v)) != 0) {
            if (r < 0 || !cli_opt_digits(CMD, v, &o->digits)) return 0;
        } else if ((r = cli_opt(CMD, argc, argv, &i, "--filter", NULL, &v)) != 0) {
            if (r < 0) return 0;
            o->filter = v;
        } else if ((r = cli_opt(CMD, argc, argv, &i, "--format", "-f", &v)) != 0) {
            if (r < 0) return 0;
            if (strcmp(v, "csv") == 0) o->sep = ',';
            else if (strcmp(v, "tsv") == 0) o->sep = '\t';
            else {
                cli_error(CMD, "--format '%s': expected csv or tsv", v);
                return 0;
            }
        } else if (a[0] == '-' && a[1] != '\0') {
            cli_error(CMD, "unknown option '%s' (see 'metasum effects --help')", a);
            return 0;
        } else {
            if (o->path) goto nfiles;
            o->path = a;
        }
    }
    if (o->path) return 1;
nfiles:
    cli_error(CMD, "expected one FILE (or '-' for standard input); see 'metasum effects --help'");
    return 0;
}

/* ---- output buffer ----------------------------------------------------------------------- */

typedef struct {
    char *p;
    size_t len, cap;
} buf;

static int buf_reserve(buf *b, size_t n)
{
    if (b->len + n <= b->cap) return 1;
    size_t cap = b->cap ? b->cap : 1 << 16;
    while (cap < b->len + n) cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) return 0;
    b->p = p;
    b->cap = cap;
    return 1;
}

/* Text cell: CSV quoting (RFC 4180) or, for TSV, tabs and line breaks turned into spaces (as
 * the table writers do); with guard, an apostrophe before a text a spreadsheet would read as a
 * formula (msum_formula_risky, the guard of every writer).  Caller reserved 2 * len + 3 bytes. */
static void put_text(buf *b, const char *s, size_t len, char sep, int guard)
{
    char *o = b->p + b->len;
    int risky = guard && msum_formula_risky(s, len);
    if (sep == ',') {
        static const unsigned char special[256] = {[','] = 1, ['"'] = 1, ['\r'] = 1, ['\n'] = 1};
        unsigned quote = 0;
        if (risky) *o++ = '\'';
        for (size_t i = 0; i < len; i++) { /* copied as it is checked (cells are short) */
            o[i] = s[i];
            quote |= special[(unsigned char)s[i]];
        }
        if (!quote) {
            o += len;
        } else { /* rewritten quoted; the buffer has room for 2 len + 3 */
            o = b->p + b->len;
            *o++ = '"';
            if (risky) *o++ = '\'';
            for (size_t i = 0; i < len; i++) {
                if (s[i] == '"') *o++ = '"';
                *o++ = s[i];
            }
            *o++ = '"';
        }
    } else {
        if (risky) *o++ = '\'';
        for (size_t i = 0; i < len; i++)
            *o++ = (s[i] == '\t' || s[i] == '\r' || s[i] == '\n') ? ' ' : s[i];
    }
    b->len = (size_t)(o - b->p);
}

/* sep + number; caller reserved 49 bytes (the fast formatter wants 48). */
static void put_num(buf *b, char sep, double v, int digits)
{
    b->p[b->len++] = sep;
    if (isnan(v)) {
        memcpy(b->p + b->len, "NA", 2);
        b->len += 2;
    } else {
        b->len += (size_t)msum_fmt_num_fast(v, digits, b->p + b->len, 48);
    }
}

static void put_word(buf *b, char sep, const char *s)
{
    size_t l = strlen(s);
    b->p[b->len++] = sep;
    memcpy(b->p + b->len, s, l);
    b->len += l;
}

enum { NCOMPUTED = 16 };
static const char *const computed_names[NCOMPUTED] = {
    "measure", "scale", "yi", "vi", "sei", "ci_lb", "ci_ub",
    "exp_yi", "exp_ci_lb", "exp_ci_ub", "r_yi", "r_ci_lb", "r_ci_ub",
    "bt_yi", "bt_ci_lb", "bt_ci_ub",
};

/* Does the output use this column name?  ("line" only when the file has no id column.) */
static int is_output_name(const char *s, int has_id)
{
    if (strcmp(s, "conversion") == 0 || (!has_id && strcmp(s, "line") == 0)) return 1;
    for (int i = 0; i < NCOMPUTED; i++)
        if (strcmp(s, computed_names[i]) == 0) return 1;
    return 0;
}

/* The measure to ask for a row of this form; NONE when the form has one measure.  Sets
 * *missing when the form needs --measure and none was given. */
static msum_measure measure_for(const effects_opts *o, msum_input in, int *missing)
{
    msum_measure m = MSUM_MEASURE_NONE;
    if (in == MSUM_INPUT_CONTINUOUS || in == MSUM_INPUT_MEDIAN) m = o->cont;
    else if (in == MSUM_INPUT_COUNTS) m = o->counts;
    else if (in == MSUM_INPUT_PROPORTION) m = o->prop;
    else if (in == MSUM_INPUT_RATE) m = o->rate;
    else if (in == MSUM_INPUT_RATES) m = o->rates;
    else if (in == MSUM_INPUT_CORRELATION) return o->cor; /* NONE: ZCOR */
    else return MSUM_MEASURE_NONE;
    *missing = m == MSUM_MEASURE_NONE;
    return m;
}

/* ---- writing ---------------------------------------------------------------------------- */

/* Output buffer.  Streaming: flushed to standard output whenever full.  Collecting: the whole
 * table is kept (so nothing is written before every row is known to be valid) up to `limit`
 * bytes; past it the buffer is dropped (`overflow`) and the table is written by a second pass. */
typedef struct {
    buf b;
    int collect, overflow;
    int err; /* OUT_IOERR: a write failed; OUT_NOMEM: the buffer could not grow */
    size_t limit;
} writer;

enum { OUT_OK, OUT_IOERR, OUT_NOMEM };

static void w_flush(writer *w)
{
    if (w->b.len && !w->err && fwrite(w->b.p, 1, w->b.len, stdout) != w->b.len) w->err = OUT_IOERR;
    w->b.len = 0;
}

/* Room for n more bytes: 1, or 0 when collecting overflowed or memory ran out. */
static int w_room(writer *w, size_t n)
{
    if (w->overflow) return 0;
    if (w->b.cap - w->b.len >= n) return 1;
    if (!w->collect) w_flush(w);
    else if (w->b.len + n > w->limit) {
        w->overflow = 1;
        free(w->b.p);
        w->b = (buf){NULL, 0, 0};
        return 0;
    }
    if (buf_reserve(&w->b, n)) return 1;
    w->err = OUT_NOMEM;
    return 0;
}

/* ---- the passes ------------------------------------------------------------------------- */

/* Where the rows come from: the file (opened once per pass) or standard input read into
 * memory first (when it has to be read twice). */
typedef struct {
    const char *path;
    const char *mem;
    size_t memlen;
    const char *name;
    const char *filter; /* msum_reader_filter() spec, or NULL */
    const msum_read_opts *ro; /* reading options, or NULL */
} source;

static int open_source(const source *s, msum_diags *d, msum_reader **r)
{
    int st = s->mem ? msum_reader_open_mem_opts(s->mem, s->memlen, s->name, 0, s->ro, d, r)
                    : msum_reader_open_opts(s->path, s->name, s->ro, d, r);
    if (st == MSUM_OK && (st = msum_reader_filter(*r, s->filter)) != MSUM_OK) {
        msum_reader_free(*r);
        *r = NULL;
    }
    return st;
}

/* What a pass learns about the whole input. */
typedef struct {
    int missing_measure; /* form of the first row that needs --measure and has none, or 0 */
    int any_zero;        /* some 2x2 table has a zero cell (for --to if0all) */
} survey;

/* The output's columns, fixed by the header and the options (never by the data, so a file
 * layout always gives the same columns). */
typedef struct {
    const effects_opts *o;
    const msum_row *hdr;
    const int *order; /* output order of the input columns */
    size_t npass;
    int idcol;
    int has_exp, has_r, has_bt; /* exp_* / r_* / bt_* columns */
} layout;

/* Can rows of this file be on the log scale (exp_* columns) / be ZCOR (r_* columns)?  The forms
 * a file can hold: any, with an `input` column; else the one its header implies (as the typer
 * infers it: yi, m1i, ai, ri, pct, fold, med1i, direction). */
static void back_transform_columns(layout *L, const msum_typer *t)
{
    static const struct {
        const char *col;
        msum_input in;
    } infer[] = {{"yi", MSUM_INPUT_GENERIC},     {"m1i", MSUM_INPUT_CONTINUOUS},
                 {"ai", MSUM_INPUT_COUNTS},      {"ri", MSUM_INPUT_CORRELATION},
                 {"pct", MSUM_INPUT_PERCENT},    {"fold", MSUM_INPUT_FOLD},
                 {"med1i", MSUM_INPUT_MEDIAN},   {"ratio", MSUM_INPUT_RATIO},
                 {"x1i", MSUM_INPUT_RATES},      {"ti", MSUM_INPUT_RATE},
                 {"xi", MSUM_INPUT_PROPORTION}};
    int any = msum_typer_role_col(t, "input") >= 0;
    msum_input only = MSUM_INPUT_NONE;
    for (size_t k = 0; !any && k < sizeof infer / sizeof infer[0]; k++)
        if (msum_typer_role_col(t, infer[k].col) >= 0) {
            only = infer[k].in;
            break;
        }
#define CAN(form) (any || only == (form))
    int named = msum_typer_role_col(t, "measure") >= 0; /* generic rows name their measure */
    msum_measure c = L->o->cont, k = L->o->counts;
    L->has_exp = ((CAN(MSUM_INPUT_CONTINUOUS) || CAN(MSUM_INPUT_MEDIAN)) &&
                  c == MSUM_MEASURE_ROM) ||
                 (CAN(MSUM_INPUT_COUNTS) && (k == MSUM_MEASURE_RR || k == MSUM_MEASURE_OR)) ||
                 (CAN(MSUM_INPUT_COUNTS) && k == MSUM_MEASURE_PETO) ||
                 (CAN(MSUM_INPUT_PROPORTION) && L->o->prop == MSUM_MEASURE_PLN) ||
                 (CAN(MSUM_INPUT_RATE) && L->o->rate == MSUM_MEASURE_IRLN) ||
                 (CAN(MSUM_INPUT_RATES) && L->o->rates == MSUM_MEASURE_IRR) ||
                 CAN(MSUM_INPUT_RATIO) ||
                 CAN(MSUM_INPUT_PERCENT) || CAN(MSUM_INPUT_FOLD) ||
                 (CAN(MSUM_INPUT_GENERIC) && named);
    L->has_r = (CAN(MSUM_INPUT_CORRELATION) && L->o->cor != MSUM_MEASURE_COR) ||
               (CAN(MSUM_INPUT_GENERIC) && named);
    msum_measure p = L->o->prop;
    L->has_bt = (CAN(MSUM_INPUT_PROPORTION) && (p == MSUM_MEASURE_PLO || p == MSUM_MEASURE_PAS ||
                                                p == MSUM_MEASURE_PFT)) ||
                (CAN(MSUM_INPUT_RATE) && L->o->rate == MSUM_MEASURE_IRS);
#undef CAN
}

static void add_row_error(msum_diags *d, const char *name, const msum_typer *t,
                          const msum_row *row, const msum_effect *e)
{
    const char *col = e->field >= 0 ? msum_field_name((msum_field)e->field) : NULL;
    int c = col ? msum_typer_role_col(t, col) : -1;
    long line = row->row_line, colno = 0;
    if (c >= 0 && (size_t)c < row->n) {
        line = row->line[c];
        colno = row->col[c];
    }
    msum_diags_add(d, MSUM_DIAG_ERROR, name, line, colno, c >= 0 ? msum_typer_colname(t, c) : col,
                   "%s", e->message);
}

/* Header: id (or line), the other input columns (renamed in_<name> when the output uses the
 * name), the computed columns. */
static int write_header(writer *w, const layout *L)
{
    char sep = L->o->sep;
    if (!w_room(w, 8)) return 0;
    if (L->idcol < 0) put_text(&w->b, "line", 4, sep, 0);
    for (size_t k = 0; k < L->npass; k++) {
        const char *nm = L->hdr->cell[L->order[k]];
        if (!w_room(w, 2 * strlen(nm) + 8)) return 0;
        if (k > 0 || L->idcol < 0) w->b.p[w->b.len++] = sep;
        int renamed = L->order[k] != L->idcol && is_output_name(nm, L->idcol >= 0);
        if (renamed) {
            memcpy(w->b.p + w->b.len, "in_", 3);
            w->b.len += 3;
        }
        put_text(&w->b, nm, strlen(nm), sep, L->o->guard && !renamed);
    }
    if (!w_room(w, 256)) return 0;
    for (int i = 0; i < NCOMPUTED; i++)
        if (i < 7 || (i < 10 ? L->has_exp : i < 13 ? L->has_r : L->has_bt))
            put_word(&w->b, sep, computed_names[i]);
    put_word(&w->b, sep, "conversion");
    w->b.p[w->b.len++] = '\n';
    return 1;
}

/* One output row. */
static int write_row(writer *w, const layout *L, const msum_row *row, const msum_record *rec,
                     const msum_effect *e)
{
    const effects_opts *o = L->o;
    char sep = o->sep, conv[256];
    int nconv = msum_effect_conversion(e, conv, sizeof conv);
    size_t need = 64 + 2 * (size_t)nconv + 14 * 49;
    for (size_t k = 0; k < L->npass; k++)
        need += 2 * ((size_t)L->order[k] < row->n ? row->len[L->order[k]] : 0) + 3;
    if (!w_room(w, need)) return 0;
    buf *b = &w->b;
    if (L->idcol < 0) b->len += (size_t)snprintf(b->p + b->len, 24, "%ld", row->row_line);
    for (size_t k = 0; k < L->npass; k++) {
        if (k > 0 || L->idcol < 0) b->p[b->len++] = sep;
        size_t c = (size_t)L->order[k];
        if (c < row->n) put_text(b, row->cell[c], row->len[c], sep, o->guard);
    }
    put_word(b, sep, e->measure ? msum_measure_name(e->measure) : "NA");
    put_word(b, sep, e->scale ? msum_scale_name(e->scale) : "NA");
    put_num(b, sep, e->yi, o->digits);
    put_num(b, sep, e->vi, o->digits);
    put_num(b, sep, e->sei, o->digits);
    put_num(b, sep, e->ci_lb, o->digits);
    put_num(b, sep, e->ci_ub, o->digits);
    for (int which = 0; which < 3; which++) {
        if (!(which == 0 ? L->has_exp : which == 1 ? L->has_r : L->has_bt)) continue;
        /* bt_*: logit, arcsine, Freeman-Tukey (with the row's ni, metafor transf.ipft), sqrt */
        int on = which == 0   ? e->scale == MSUM_SCALE_LOG
                 : which == 1 ? e->scale == MSUM_SCALE_FISHER_Z
                              : e->scale >= MSUM_SCALE_LOGIT;
        const double v[3] = {e->yi, e->ci_lb, e->ci_ub};
        for (int j = 0; j < 3; j++)
            put_num(b, sep, on ? msum_measure_transf_n(e->measure, v[j], rec->x[MSUM_F_NI]) : NAN,
                    o->digits);
    }
    b->p[b->len++] = sep;
    put_text(b, conv, (size_t)nconv < sizeof conv ? (size_t)nconv : sizeof conv - 1, sep,
             o->guard);
    b->p[b->len++] = '\n';
    return 1;
}

/* One pass over the rows: checks every row (problems into diags), fills *sv, and writes the
 * table into w (when w is not NULL) as long as no error has been found.  Returns an EXIT_*
 * code. */
static int run_pass(const source *src, const effects_opts *o, msum_diags *diags, survey *sv,
                    writer *w)
{
    msum_reader *rd = NULL;
    msum_typer *ty = NULL;
    msum_dups *dups = NULL;
    int *order = NULL, rc = EXIT_OK;
    int st = open_source(src, diags, &rd);
    if (st == MSUM_OK) st = msum_typer_from_reader(rd, src->ro, diags, &ty);
    if (st != MSUM_OK) {
        rc = st == MSUM_EDATA || st == MSUM_EPARSE ? EXIT_DATA : EXIT_IO;
        if (st == MSUM_ENOMEM) cli_error(CMD, "out of memory");
        goto done;
    }
    const msum_row *hdr = msum_reader_header(rd);
    int idcol = msum_typer_role_col(ty, "id");
    if (!(order = malloc((hdr->n + 1) * sizeof *order))) goto nomem;
    size_t npass = 0;
    if (idcol >= 0) order[npass++] = idcol;
    for (size_t c = 0; c < hdr->n; c++)
        if ((int)c != idcol) order[npass++] = (int)c;
    layout L = {o, hdr, order, npass, idcol, 0, 0, 0};
    back_transform_columns(&L, ty);
    if (w && !write_header(w, &L) && w->err == OUT_NOMEM) goto nomem;

    msum_row row;
    msum_record rec;
    msum_effect eff;
    int got;
    size_t nrows = 0;
    if (msum_dups_new(ty, &dups) != MSUM_OK) goto nomem;
    while ((got = msum_reader_next(rd, &row)) == 1) {
        nrows++;
        int omitted = 0;
        size_t nerr = msum_typer_row_na(ty, &row, &rec, diags, &omitted);
        if (omitted) continue; /* na.omit: named in a warning */
        /* a duplicate is reported after the last row (a copy is an error: nothing is written) */
        if (nerr == 0 && msum_dups_row(dups, &row, &rec) != MSUM_OK) goto nomem;
        int missing = 0;
        msum_measure want = measure_for(o, rec.input, &missing);
        if (nerr == 0 && missing) {
            if (!sv->missing_measure) sv->missing_measure = (int)rec.input;
            continue;
        }
        if (nerr == 0) {
            int est = msum_typer_effect(ty, &row, &rec, want, &o->eo, &eff, diags);
            if (est == MSUM_EINVAL) add_row_error(diags, src->name, ty, &row, &eff);
            nerr = est != MSUM_OK;
        }
        if (nerr) continue;
        sv->any_zero |= msum_escalc_has_zero_cell(&rec);
        if (w && !w->overflow && !sv->missing_measure && !msum_diags_errors(diags))
            write_row(w, &L, &row, &rec, &eff);
        if (w && w->err == OUT_NOMEM) goto nomem;
    }
    if (msum_dups_finish(dups, diags) != MSUM_OK) goto nomem;
    if (got == 0) msum_check_has_rows(src->name, nrows, src->filter, diags);
    msum_reader_note_blank(rd, diags);
    if (got < 0 || msum_diags_errors(diags)) rc = EXIT_DATA;
    goto done;
nomem:
    cli_error(CMD, "out of memory");
    rc = EXIT_IO;
done:
    free(order);
    msum_dups_free(dups);
    msum_typer_free(ty);
    msum_reader_free(rd);
    return rc;
}

/* Read the whole of standard input (when it has to be read twice). */
static char *slurp(FILE *fp, size_t *len)
{
    buf b = {0};
    for (;;) {
        if (!buf_reserve(&b, 1 << 16)) {
            free(b.p);
            return NULL;
        }
        size_t n = fread(b.p + b.len, 1, b.cap - b.len, fp);
        b.len += n;
        if (n == 0) break;
    }
    if (ferror(fp)) {
        free(b.p);
        return NULL;
    }
    *len = b.len;
    return b.p;
}

/* Every error, and the first MAX_WARNINGS warnings with a count of the rest (a large file of
 * small SDs would otherwise bury the table's stderr; validate lists them all). */
enum { MAX_WARNINGS = 20 };

static void print_diags(msum_diags *d)
{
    char line[4096];
    size_t shown = 0, hidden = 0;
    msum_diags_sort(d);
    for (size_t i = 0; i < msum_diags_count(d); i++) {
        const msum_diag *dg = msum_diags_get(d, i);
        if (dg->severity != MSUM_DIAG_ERROR && shown >= MAX_WARNINGS) {
            hidden++;
            continue;
        }
        if (dg->severity != MSUM_DIAG_ERROR) shown++;
        msum_diag_format(dg, line, sizeof line);
        fprintf(stderr, "%s\n", line);
    }
    if (hidden)
        cli_error(CMD, "%zu more warnings not shown ('metasum validate' lists them all)", hidden);
}

/* Standard output is a regular file (not in append mode): rows can go straight to it, since a
 * data error found later truncates it back to *start, where the table began. */
static int stdout_truncatable(off_t *start)
{
    struct stat st;
    int fd = fileno(stdout), fl = fcntl(fd, F_GETFL);
    if (fl < 0 || (fl & O_APPEND) || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return 0;
    *start = ftello(stdout);
    return *start >= 0;
}

/* Output kept in memory by the first pass; a larger table is written by a second pass over the
 * file instead (standard input is always kept). */
#ifndef COLLECT_LIMIT
#define COLLECT_LIMIT ((size_t)256 << 20)
#endif

/* The table is complete or absent: the first pass checks every row while it collects the
 * output, which is written only when no row has an error (into a regular file the rows go at
 * once, and the file is cut back if an error turns up).  --to if0all needs to know of every
 * zero cell before the first row is computed, so it always takes two passes (standard input is
 * then held in memory to be read twice). */
int cmd_effects(int argc, char **argv)
{
    cli_input inp;
    cli_input_init(&inp);
    effects_opts o = {NULL, NULL, MSUM_MEASURE_NONE, MSUM_MEASURE_NONE, MSUM_MEASURE_NONE,
                      MSUM_MEASURE_NONE, MSUM_MEASURE_NONE, MSUM_MEASURE_NONE,
                      MSUM_ESCALC_OPTS_DEFAULT, 7, ',', 1, &inp};
    if (!parse_args(argc, argv, &o)) return EXIT_USAGE;
    if (msum_escalc_prepare(&o.eo) != MSUM_OK) { /* parse_args checked each value */
        cli_error(CMD, "invalid --add, --level or --ci-level");
        return EXIT_USAGE;
    }

    int from_stdin = strcmp(o.path, "-") == 0, two_pass = o.eo.to == MSUM_CC_IF0ALL;
    source src = {o.path, NULL, 0, from_stdin ? "<stdin>" : o.path, o.filter, &inp.ro};
    char *mem = NULL;
    survey sv = {0, 0};
    writer w = {{NULL, 0, 0}, 1, 0, 0, from_stdin ? (size_t)-1 : COLLECT_LIMIT};
    off_t start = 0;
    int direct = !two_pass && stdout_truncatable(&start);
    msum_diags *diags = msum_diags_new(), *again = msum_diags_new();
    int rc = EXIT_OK;
    if (!diags || !again) goto nomem;
    if (direct) {
        w.collect = 0;
        if (!buf_reserve(&w.b, 1 << 20)) goto nomem;
    }
    if (from_stdin && two_pass) {
        if (!(mem = slurp(stdin, &src.memlen))) {
            cli_error(CMD, "cannot read standard input");
            rc = EXIT_IO;
            goto done;
        }
        src.mem = mem;
    }

    rc = run_pass(&src, &o, diags, &sv, two_pass ? NULL : &w);
    print_diags(diags);
    if (rc == EXIT_OK && sv.missing_measure) {
        msum_input in = (msum_input)sv.missing_measure;
        cli_error(CMD, "%s rows need --measure %s (see 'metasum effects --help')",
                  msum_input_name(in),
                  in == MSUM_INPUT_COUNTS       ? "RR, OR or RD"
                  : in == MSUM_INPUT_PROPORTION ? "PR, PLN, PLO, PAS or PFT"
                  : in == MSUM_INPUT_RATE       ? "IR, IRLN, IRS or IRFT"
                  : in == MSUM_INPUT_RATES      ? "IRR, IRD or IRSD"
                                                : "MD, SMD or ROM");
        rc = EXIT_USAGE;
    }
    if (direct && rc == EXIT_OK) w_flush(&w);
    if (direct && rc == EXIT_OK && w.err == OUT_IOERR)
        rc = EXIT_IO; /* main() says so: ferror(stdout) stays set */
    if (rc != EXIT_OK) {
        if (direct) { /* take back what was written */
            w.b.len = 0;
            if (fflush(stdout) != 0 || ftruncate(fileno(stdout), start) != 0 ||
                fseeko(stdout, start, SEEK_SET) != 0)
                cli_error(CMD, "could not remove the partial output from standard output");
        }
        goto done;
    }
    if (two_pass || w.overflow) {
        o.eo.any_zero = sv.any_zero;
        free(w.b.p);
        w = (writer){{NULL, 0, 0}, 0, 0, 0, 0};
        if (!buf_reserve(&w.b, 1 << 20)) goto nomem;
        survey sv2 = {0, 0};
        rc = run_pass(&src, &o, again, &sv2, &w);
        if (rc == EXIT_DATA) { /* the file changed between the passes */
            cli_print_diags(stderr, again);
            cli_error(CMD, "%s changed while it was read; the output is incomplete", src.name);
            goto done;
        }
    }
    w_flush(&w);
    if (rc == EXIT_OK && w.err == OUT_IOERR) rc = EXIT_IO; /* reported by main() */
    goto done;
nomem:
    cli_error(CMD, "out of memory");
    rc = EXIT_IO;
done:
    free(w.b.p);
    free(mem);
    msum_diags_free(diags);
    msum_diags_free(again);
    return rc;
}

/* ---- as a report analysis ---------------------------------------------------------------- */

int analysis_effects(const analysis_spec *spec, const char *path, analysis_output *out,
                     msum_diags *diags)
{
    effects_opts o = {path, spec->filter, MSUM_MEASURE_NONE, MSUM_MEASURE_NONE,
                      MSUM_MEASURE_NONE, MSUM_MEASURE_NONE, MSUM_MEASURE_NONE, MSUM_MEASURE_NONE,
                      MSUM_ESCALC_OPTS_DEFAULT, 0, ',', 0, NULL};
    if (*spec->measure && !parse_measure(spec->measure, &o)) {
        msum_diags_add(diags, MSUM_DIAG_ERROR, spec->manifest, spec->line, 0, "measure",
                       "found '%s', expected " MEASURES_TEXT, spec->measure);
        return MSUM_EDATA;
    }
    if (msum_escalc_prepare(&o.eo) != MSUM_OK) return MSUM_EINVAL;
    msum_read_opts ro = MSUM_READ_OPTS_DEFAULT;
    ro.columns = spec->columns;
    source src = {path, NULL, 0, path, spec->filter, &ro};
    survey sv = {0, 0};
    writer w = {{NULL, 0, 0}, 1, 0, 0, (size_t)-1};
    int rc = run_pass(&src, &o, diags, &sv, &w);
    if (rc == EXIT_OK && sv.missing_measure) {
        msum_diags_add(diags, MSUM_DIAG_ERROR, spec->manifest, spec->line, 0, "measure",
                       "%s rows need a measure", msum_input_name((msum_input)sv.missing_measure));
        rc = EXIT_DATA;
    }
    int st = analysis_status(rc);
    if (st == MSUM_OK && w.err) st = MSUM_ENOMEM;
    if (st == MSUM_OK) {
        msum_table *t = analysis_table_from_csv(w.b.p, w.b.len, "effects",
                                                 *spec->title ? spec->title : spec->id,
                                                 computed_names + 2, NCOMPUTED - 2);
        if (t) {
            msum_table_set_meta(t, "input", spec->dataset);
            msum_table_set_meta(t, "method", "effect sizes as metafor escalc (vtype LS); "
                                             "conversions per row in column 'conversion'");
            msum_table_set_meta(t, "scale", "per row: column 'scale' (log for ROM, RR, OR)");
        }
        st = analysis_add_table(out, t);
    }
    free(w.b.p);
    return st;
}
