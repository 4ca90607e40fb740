/* Kind "effects": one output row per input row with its effect size (yi, vi, sei, CI), the
 * input columns passed through, the back-transformed columns and the conversion each row
 * needed.  Streams the rows to a sink (msum_sink): all rows or none, in one pass over the file
 * (two when --to if0all needs every zero cell first, or when the sink could not keep the rows).
 * Formulas: src/core/escalc.c (metafor escalc, Wan 2014, Luo 2018). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis_int.h"
#include "metasum/dataset.h"
#include "metasum/diag.h"
#include "metasum/escalc.h"
#include "metasum/reader.h"
#include "studies.h"

/* ---- the settings ------------------------------------------------------------------------ */

/* The measure of each family of forms, and escalc's options. */
typedef struct {
    msum_measure cont;   /* continuous and median_iqr rows */
    msum_measure counts; /* counts rows */
    msum_measure prop, rate, rates, cor; /* proportion, rate, rates, correlation rows */
    msum_escalc_opts eo;
} effects_opts;

#define MEASURES_TEXT "MD, SMD, ROM, RR, OR, RD, PETO, PR, PLN, PLO, PAS, PFT, IR, IRLN, IRS, " \
                      "IRFT, IRR, IRD, IRSD, ZCOR or COR"

/* The slot of measure m's family, or NULL for a measure no family takes (GEN, GEN_LOG). */
static msum_measure *family_slot(effects_opts *o, msum_measure m)
{
    switch (m) {
    case MSUM_MEASURE_MD:
    case MSUM_MEASURE_SMD:
    case MSUM_MEASURE_ROM: return &o->cont;
    case MSUM_MEASURE_RR:
    case MSUM_MEASURE_OR:
    case MSUM_MEASURE_RD:
    case MSUM_MEASURE_PETO: return &o->counts;
    case MSUM_MEASURE_PR:
    case MSUM_MEASURE_PLN:
    case MSUM_MEASURE_PLO:
    case MSUM_MEASURE_PAS:
    case MSUM_MEASURE_PFT: return &o->prop;
    case MSUM_MEASURE_IR:
    case MSUM_MEASURE_IRLN:
    case MSUM_MEASURE_IRS:
    case MSUM_MEASURE_IRFT: return &o->rate;
    case MSUM_MEASURE_IRR:
    case MSUM_MEASURE_IRD:
    case MSUM_MEASURE_IRSD: return &o->rates;
    case MSUM_MEASURE_ZCOR:
    case MSUM_MEASURE_COR: return &o->cor;
    default: return NULL;
    }
}

/* The spec's settings as options; a bad one is a spec error naming it (MSUM_EINVAL). */
static int effects_options(const msum_spec *s, effects_opts *o, msum_diags *diags)
{
    static const msum_escalc_opts eo = MSUM_ESCALC_OPTS_DEFAULT;
    *o = (effects_opts){MSUM_MEASURE_NONE, MSUM_MEASURE_NONE, MSUM_MEASURE_NONE,
                        MSUM_MEASURE_NONE, MSUM_MEASURE_NONE, MSUM_MEASURE_NONE, eo};
    for (const char *p = s->measure; p && *p;) {
        size_t n = strcspn(p, ",;");
        char name[32];
        msum_measure m = MSUM_MEASURE_NONE;
        if (n < sizeof name) {
            for (size_t i = 0; i < n; i++)
                name[i] = (char)(p[i] >= 'a' && p[i] <= 'z' ? p[i] - 32 : p[i]);
            name[n] = '\0';
        }
        msum_measure *slot = NULL;
        if (n < sizeof name && msum_measure_parse(name, &m)) slot = family_slot(o, m);
        if (!slot) {
            msum_an_spec_error(diags, s, "measure", "found '%.*s', expected " MEASURES_TEXT
                               " (generic and ratio rows name their own)", (int)n, p);
            return MSUM_EINVAL;
        }
        if (*slot != MSUM_MEASURE_NONE && *slot != m) {
            msum_an_spec_error(diags, s, "measure", "found %s and %s, expected one measure for "
                               "the same rows", msum_measure_name(*slot), name);
            return MSUM_EINVAL;
        }
        *slot = m;
        p += n + (p[n] != '\0');
    }
    if (msum_an_given(s->plots)) {
        msum_an_spec_error(diags, s, "plots", "found '%s', but kind 'effects' takes no plots",
                           s->plots);
        return MSUM_EINVAL;
    }
    /* --add, --to; effects makes its own first pass for if0all (standard input kept) */
    if (msum_an_cc_opts(s, NULL, &o->eo, diags) != MSUM_OK) return MSUM_EINVAL;
    if (!isnan(s->level)) o->eo.level = s->level;
    if (!isnan(s->ci_level)) o->eo.input_level = s->ci_level;
    if (!(o->eo.add >= 0) || msum_escalc_prepare(&o->eo) != MSUM_OK) {
        msum_an_spec_error(diags, s, "level", "found add %g, level %g, ci_level %g; expected "
                           "add >= 0 and levels in (0, 1)", o->eo.add, o->eo.level,
                           o->eo.input_level);
        return MSUM_EINVAL;
    }
    return MSUM_OK;
}

/* The measure to ask for a row of this form; NONE when the form has one measure.  Sets
 * *missing when the form needs a measure and none was given. */
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

/* ---- the output's columns ---------------------------------------------------------------- */

enum { NCOMPUTED = 16 };
static const msum_an_coldef computed[NCOMPUTED] = {
    {"measure", MSUM_COL_TEXT, "effect size measure of the row (--measure; generic and ratio "
                               "rows: their own)"},
    {"scale", MSUM_COL_TEXT, "scale of yi and its CI: log (ROM, RR, OR, ...), fisher_z (ZCOR), "
                             "logit, arcsine, freeman_tukey, sqrt, or natural"},
    {"yi", MSUM_COL_NUM, "effect size on the analysis scale (metafor escalc yi)"},
    {"vi", MSUM_COL_NUM, "sampling variance of yi (NA without one: percent or fold change)"},
    {"sei", MSUM_COL_NUM, "standard error of yi, sqrt(vi)"},
    {"ci_lb", MSUM_COL_NUM, "lower bound of the CI of yi (--level), analysis scale"},
    {"ci_ub", MSUM_COL_NUM, "upper bound of the CI of yi (--level), analysis scale"},
    {"exp_yi", MSUM_COL_NUM, "exp(yi): the ratio of a log-scale row (NA on other rows)"},
    {"exp_ci_lb", MSUM_COL_NUM, "exp(ci_lb): lower bound of the ratio's CI"},
    {"exp_ci_ub", MSUM_COL_NUM, "exp(ci_ub): upper bound of the ratio's CI"},
    {"r_yi", MSUM_COL_NUM, "tanh(yi): the correlation of a ZCOR row (NA on other rows)"},
    {"r_ci_lb", MSUM_COL_NUM, "tanh(ci_lb): lower bound of the correlation's CI"},
    {"r_ci_ub", MSUM_COL_NUM, "tanh(ci_ub): upper bound of the correlation's CI"},
    {"bt_yi", MSUM_COL_NUM, "yi back-transformed: the proportion (PLO, PAS, PFT with the row's "
                            "ni) or the rate (IRS); NA on other rows"},
    {"bt_ci_lb", MSUM_COL_NUM, "ci_lb back-transformed as bt_yi"},
    {"bt_ci_ub", MSUM_COL_NUM, "ci_ub back-transformed as bt_yi"},
};

/* Does the output use this column name?  ("line" only when the file has no id column.) */
static int is_output_name(const char *s, int has_id)
{
    if (strcmp(s, "conversion") == 0 || (!has_id && strcmp(s, "line") == 0)) return 1;
    for (int i = 0; i < NCOMPUTED; i++)
        if (strcmp(s, computed[i].name) == 0) return 1;
    return 0;
}

/* The output's columns, fixed by the header and the options (never by the data, so a file
 * layout always gives the same columns). */
typedef struct {
    const effects_opts *o;
    const msum_row *hdr;
    int *order; /* output order of the input columns */
    size_t npass;
    int idcol;
    int has_exp, has_r, has_bt; /* exp_* / r_* / bt_* columns */
    msum_table *columns;        /* the columns as a table without rows, for the sink */
    msum_cell *cells;           /* one row */
    size_t ncols;
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

/* The columns: id (or line), the other input columns (renamed in_<name> when the output uses
 * the name), the computed columns; the metadata. */
static int layout_init(layout *L, const msum_spec *s, const effects_opts *o, const msum_row *hdr,
                       const msum_typer *ty)
{
    memset(L, 0, sizeof *L);
    L->o = o;
    L->hdr = hdr;
    L->idcol = msum_typer_role_col(ty, "id");
    if (!(L->order = malloc((hdr->n + 1) * sizeof *L->order))) return MSUM_ENOMEM;
    if (L->idcol >= 0) L->order[L->npass++] = L->idcol;
    for (size_t c = 0; c < hdr->n; c++)
        if ((int)c != L->idcol) L->order[L->npass++] = (int)c;
    back_transform_columns(L, ty);

    const char *title = msum_an_given(s->title) ? s->title : msum_an_given(s->id) ? s->id : NULL;
    msum_table *t = L->columns = msum_table_new("effects", title);
    int ok = t != NULL;
    if (ok && L->idcol < 0)
        ok = msum_table_add_col(t, "line", MSUM_COL_INT, "input line of the row") >= 0;
    for (size_t k = 0; ok && k < L->npass; k++) {
        const char *nm = hdr->cell[L->order[k]];
        char name[256];
        int renamed = L->order[k] != L->idcol && is_output_name(nm, L->idcol >= 0);
        snprintf(name, sizeof name, "%s%s", renamed ? "in_" : "", nm);
        ok = msum_table_add_col(t, name, MSUM_COL_TEXT,
                                L->order[k] == L->idcol ? "the row's id (input column)"
                                : renamed ? "input column, as given (renamed: the output "
                                            "uses its name)"
                                          : "input column, as given") >= 0;
    }
    for (int i = 0; ok && i < NCOMPUTED; i++)
        if (i < 7 || (i < 10 ? L->has_exp : i < 13 ? L->has_r : L->has_bt))
            ok = msum_table_add_col(t, computed[i].name, computed[i].type, computed[i].desc) >=
                 0;
    ok = ok && msum_table_add_col(t, "conversion", MSUM_COL_TEXT,
                                  "what the row needed to give yi and vi, ';'-separated (e.g. "
                                  "sem_to_sd;cc_add_0.5; direction_only: no yi)") >= 0;
    if (ok && msum_an_given(s->dataset)) ok = msum_table_set_meta(t, "input", s->dataset) == 0;
    ok = ok && msum_table_set_meta(t, "method", "effect sizes as metafor escalc (vtype LS); "
                                                "conversions per row in column 'conversion'") == 0;
    ok = ok && msum_table_set_meta(t, "scale", "per row: column 'scale' (log for ROM, RR, "
                                               "OR)") == 0;
    if (ok) L->ncols = msum_table_ncols(t);
    if (!ok || !(L->cells = calloc(L->ncols + 1, sizeof *L->cells))) return MSUM_ENOMEM;
    return MSUM_OK;
}

static void layout_free(layout *L)
{
    free(L->order);
    free(L->cells);
    msum_table_free(L->columns);
}

/* One output row into L->cells (conv: the conversion text, kept by the caller). */
static void fill_row(layout *L, const msum_row *row, const msum_record *rec, const msum_effect *e,
                     const char *conv, size_t nconv)
{
    msum_cell *x = L->cells;
    if (L->idcol < 0) (x++)->num = (double)row->row_line;
    for (size_t k = 0; k < L->npass; k++, x++) {
        size_t c = (size_t)L->order[k];
        x->text = c < row->n ? row->cell[c] : "";
        x->len = c < row->n ? row->len[c] : 0;
    }
    *x++ = (msum_cell){e->measure ? msum_measure_name(e->measure) : NULL, 0, NAN};
    *x++ = (msum_cell){e->scale ? msum_scale_name(e->scale) : NULL, 0, NAN};
    x[-2].len = x[-2].text ? strlen(x[-2].text) : 0;
    x[-1].len = x[-1].text ? strlen(x[-1].text) : 0;
    const double v5[5] = {e->yi, e->vi, e->sei, e->ci_lb, e->ci_ub};
    for (int j = 0; j < 5; j++) (x++)->num = v5[j];
    for (int which = 0; which < 3; which++) {
        if (!(which == 0 ? L->has_exp : which == 1 ? L->has_r : L->has_bt)) continue;
        /* bt_*: logit, arcsine, Freeman-Tukey (with the row's ni, metafor transf.ipft), sqrt */
        int on = which == 0   ? e->scale == MSUM_SCALE_LOG
                 : which == 1 ? e->scale == MSUM_SCALE_FISHER_Z
                              : e->scale >= MSUM_SCALE_LOGIT;
        const double v[3] = {e->yi, e->ci_lb, e->ci_ub};
        for (int j = 0; j < 3; j++)
            (x++)->num = on ? msum_measure_transf_n(e->measure, v[j], rec->x[MSUM_F_NI]) : NAN;
    }
    x->text = conv;
    x->len = nconv;
}

/* ---- the passes -------------------------------------------------------------------------- */

/* Where the rows come from: the file (opened once per pass) or standard input read into
 * memory first (when it has to be read twice). */
typedef struct {
    const char *path;
    const char *mem;
    size_t memlen;
    const char *name;
    const char *filter; /* msum_reader_filter() spec, or NULL */
    const msum_read_opts *ro;
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
    int missing_measure; /* form of the first row that needs a measure and has none, or 0 */
    int any_zero;        /* some 2x2 table has a zero cell (for --to if0all) */
    size_t omitted;      /* rows left out (na.omit) */
    int again;           /* the sink asked for the rows again */
} survey;

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

/* One pass over the rows: checks every row (problems into diags), fills *sv, and hands the
 * rows to sink (when it is not NULL) as long as no error has been found; the sink's round ends
 * with the pass.  Returns MSUM_OK, MSUM_EDATA (reported), MSUM_EIO, MSUM_ENOMEM, or the sink's
 * failure. */
static int run_pass(const msum_spec *s, const source *src, const effects_opts *o,
                    msum_diags *diags, survey *sv, const msum_sink *sink, int checked)
{
    msum_reader *rd = NULL;
    msum_typer *ty = NULL;
    msum_dups *dups = NULL;
    layout L = {0};
    int begun = 0, emit = 0;
    int st = open_source(src, diags, &rd);
    if (st == MSUM_OK) st = msum_typer_from_reader(rd, src->ro, diags, &ty);
    if (st == MSUM_EPARSE) st = MSUM_EDATA;
    if (st != MSUM_OK) goto done;
    if ((st = layout_init(&L, s, o, msum_reader_header(rd), ty)) != MSUM_OK) goto done;
    if (sink) {
        if ((st = sink->begin(sink->ctx, L.columns, checked)) != MSUM_OK) goto done;
        begun = emit = 1;
    }
    if ((st = msum_dups_new(ty, &dups)) != MSUM_OK) goto done;

    msum_row row;
    msum_record rec;
    msum_effect eff;
    int got;
    size_t nrows = 0;
    while ((got = msum_reader_next(rd, &row)) == 1) {
        nrows++;
        int omitted = 0;
        size_t nerr = msum_typer_row_na(ty, &row, &rec, diags, &omitted);
        if (omitted) { /* na.omit: named in a warning */
            sv->omitted++;
            continue;
        }
        /* a duplicate is reported after the last row (a copy is an error: nothing is written) */
        if (nerr == 0 && (st = msum_dups_row(dups, &row, &rec)) != MSUM_OK) goto done;
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
        if (emit && !sv->missing_measure && !msum_diags_errors(diags)) {
            char conv[256];
            int nconv = msum_effect_conversion(&eff, conv, sizeof conv);
            size_t len = (size_t)nconv < sizeof conv ? (size_t)nconv : sizeof conv - 1;
            fill_row(&L, &row, &rec, &eff, conv, len);
            int r = sink->row(sink->ctx, L.cells);
            if (r == MSUM_SINK_AGAIN) {
                emit = 0;
                sv->again = 1;
            } else if (r != MSUM_OK) {
                st = r;
                goto done;
            }
        }
    }
    if ((st = msum_dups_finish(dups, diags)) != MSUM_OK) goto done;
    if (got == 0) msum_check_has_rows(src->name, nrows, src->filter, diags);
    msum_reader_note_blank(rd, diags);
    st = got < 0 || msum_diags_errors(diags) ? MSUM_EDATA : MSUM_OK;
done:
    if (begun) {
        int end = st != MSUM_OK ? st : sv->missing_measure ? MSUM_EINVAL
                                    : sv->again        ? MSUM_SINK_AGAIN
                                                       : MSUM_OK;
        int e = sink->end(sink->ctx, end);
        if (st == MSUM_OK && e != MSUM_OK) st = e;
    }
    layout_free(&L);
    msum_dups_free(dups);
    msum_typer_free(ty);
    msum_reader_free(rd);
    return st;
}

/* Read the whole of standard input (when it has to be read twice). */
static char *slurp(FILE *fp, size_t *len)
{
    char *p = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (cap - n < 65536) {
            char *q = realloc(p, cap = 2 * cap + 65536);
            if (!q) {
                free(p);
                return NULL;
            }
            p = q;
        }
        size_t got = fread(p + n, 1, cap - n, fp);
        n += got;
        if (got == 0) break;
    }
    if (ferror(fp)) {
        free(p);
        return NULL;
    }
    *len = n;
    return p;
}

static const char *measure_choices(msum_input in)
{
    return in == MSUM_INPUT_COUNTS       ? "RR, OR, RD or PETO"
           : in == MSUM_INPUT_PROPORTION ? "PR, PLN, PLO, PAS or PFT"
           : in == MSUM_INPUT_RATE       ? "IR, IRLN, IRS or IRFT"
           : in == MSUM_INPUT_RATES      ? "IRR, IRD or IRSD"
                                         : "MD, SMD or ROM";
}

/* The table is complete or absent: the first pass checks every row while it hands them to the
 * sink, and ends the sink's round with an error status when one turned up.  --to if0all needs
 * to know of every zero cell before the first row is computed, so it takes two passes, as does
 * a sink that asks for the rows again (standard input is then held in memory to be read
 * twice). */
int msum_an_effects_stream(const msum_spec *s, const char *path, const msum_sink *sink,
                           msum_diags *diags, size_t *skipped)
{
    effects_opts o;
    int st = effects_options(s, &o, diags);
    if (st != MSUM_OK) return st;
    int from_stdin = strcmp(path, "-") == 0, two_pass = o.eo.to == MSUM_CC_IF0ALL;
    source src = {path, NULL, 0, from_stdin ? "<stdin>" : path,
                  msum_an_given(s->filter) ? s->filter : NULL, &s->read};
    char *mem = NULL;
    if (from_stdin && two_pass) {
        if (!(mem = slurp(stdin, &src.memlen))) {
            msum_diags_add(diags, MSUM_DIAG_ERROR, src.name, 0, 0, NULL, "cannot be read");
            return MSUM_EIO;
        }
        src.mem = mem;
    }
    survey sv = {0};
    st = run_pass(s, &src, &o, diags, &sv, two_pass ? NULL : sink, 0);
    if (skipped) *skipped = sv.omitted;
    if (st == MSUM_OK && sv.missing_measure) {
        msum_input in = (msum_input)sv.missing_measure;
        msum_an_spec_error(diags, s, "measure", "found none, expected %s for the %s rows",
                           measure_choices(in), msum_input_name(in));
        st = MSUM_EINVAL;
    }
    if (st == MSUM_OK && sv.again && from_stdin && !mem) {
        msum_diags_add(diags, MSUM_DIAG_ERROR, src.name, 0, 0, NULL,
                       "the output could not be kept and standard input cannot be read twice");
        st = MSUM_ENOMEM;
    }
    if (st == MSUM_OK && sink && (two_pass || sv.again)) {
        o.eo.any_zero = sv.any_zero;
        msum_diags *again = msum_diags_new();
        survey sv2 = {0};
        if (!again) st = MSUM_ENOMEM;
        else st = run_pass(s, &src, &o, again, &sv2, sink, 1);
        if (st == MSUM_EDATA || sv2.missing_measure || sv2.again) { /* the file changed */
            for (size_t i = 0; i < msum_diags_count(again); i++) {
                const msum_diag *d = msum_diags_get(again, i);
                if (d->severity == MSUM_DIAG_ERROR)
                    msum_diags_add(diags, d->severity, d->file, d->line, d->col, d->column, "%s",
                                   d->message);
            }
            msum_diags_add(diags, MSUM_DIAG_ERROR, src.name, 0, 0, NULL,
                           "changed while it was read; the output is incomplete");
            st = MSUM_EDATA;
        }
        msum_diags_free(again);
    }
    free(mem);
    return st;
}

int msum_an_effects(const msum_spec *s, const char *path, msum_result *out, msum_diags *diags)
{
    msum_sink sink;
    if (msum_table_sink_new(&sink) != MSUM_OK) return MSUM_ENOMEM;
    int st = msum_an_effects_stream(s, path, &sink, diags, &out->k_skipped);
    if (st == MSUM_OK) {
        msum_table *t = msum_table_sink_take(&sink);
        st = t ? msum_result_add_table(out, t) : MSUM_ENOMEM;
    }
    msum_table_sink_free(&sink);
    return st;
}
