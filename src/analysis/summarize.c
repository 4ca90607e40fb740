/* Kind "summarize": synthesis without meta-analysis (SWiM, Campbell et al. BMJ 2020) of an effect
 * file: the findings in sentences, descriptive comparisons of reported numbers, time courses,
 * effect direction per study and outcome domain with a sign test per domain (Hilton Boon &
 * Thomson 2021), the evidence map, vote counts and ROM magnitudes (src/core/swim.c,
 * direction.c, swim_findings.c), and their plots (src/io/svg_swim.c, svg_direction.c). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis_int.h"
#include "metasum/dataset.h"
#include "metasum/dict.h"
#include "metasum/findings.h"
#include "metasum/plot.h"
#include "metasum/reader.h"

enum { MAXLIST = 16 };

/* In the order they are written: the sentences, the short tables, then the long ones. */
static const char *const table_names[] = {"findings", "comparisons", "timecourse", "domains",
                                          "effect_direction", "evidence_map", "votes",
                                          "magnitudes"};
enum { T_FIND, T_CMP, T_TIME, T_DOM, T_EDP, T_MAP, T_VOTES, T_MAG, NTABLES };

/* The plots summarize draws (--plot, and a report's `plots`), with the table each needs. */
static const struct {
    const char *name, *title;
    int table;
} plot_kinds[] = {
    {"comparisons", "Reported numbers compared", T_CMP},
    {"timecourse", "Findings over time", T_TIME},
    {"effect_direction", "Effect direction by study and outcome domain", T_EDP},
    {"evidence_map", "Evidence map: outcomes by source", T_MAP},
};
enum { NPLOTS = sizeof plot_kinds / sizeof plot_kinds[0] };


/* The by columns (source and outcome always; preparation, model, exposure) as opts;
 * MSUM_OK, or MSUM_EINVAL after a spec error. */
static int parse_by(const msum_spec *s, const char *v, msum_swim_opts *so,
                    msum_diags *diags)
{
    char *parts[MAXLIST], *buf;
    int n = msum_an_split(v, ',', parts, MAXLIST, &buf);
    int rc = n < 0 ? msum_an_spec_error(diags, s, "by", "too many columns in '%s'", v)
                   : MSUM_OK;
    for (int i = 0; i < n && rc == MSUM_OK; i++) {
        if (strcmp(parts[i], "source") == 0 || strcmp(parts[i], "outcome") == 0) continue;
        if (strcmp(parts[i], "preparation") == 0) so->by_preparation = 1;
        else if (strcmp(parts[i], "model") == 0) so->by_model = 1;
        else if (strcmp(parts[i], "exposure") == 0) so->by_exposure = 1;
        else
            rc = msum_an_spec_error(diags, s, "by", "found '%s', expected source, outcome, "
                                    "preparation, model or exposure", parts[i]);
    }
    free(buf);
    return rc;
}

/* The outcome dictionary as SWiM wants it (texts borrowed from the msum_dict). */
typedef struct {
    msum_dict *dict;
    msum_swim_outcome *d;
    size_t n;
} dictionary;

static void dict_free(dictionary *dc)
{
    msum_dict_free(dc->dict);
    free(dc->d);
}

/* Read outcome,beneficial from an outcomes.csv; problems into dg.  Returns a status. */
static int read_dict(const char *path, msum_diags *dg, dictionary *dc)
{
    int st = msum_dict_read(path, "outcome", dg, &dc->dict);
    if (st == MSUM_EIO) return MSUM_EIO;
    if (st == MSUM_ENOMEM) return MSUM_ENOMEM;
    if (st != MSUM_OK || msum_diags_errors(dg)) return MSUM_EDATA;
    size_t n = msum_dict_size(dc->dict);
    dc->d = calloc(n + 1, sizeof *dc->d);
    if (!dc->d) return MSUM_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        dc->d[i].outcome = msum_dict_key(dc->dict, i);
        dc->d[i].beneficial = msum_dict_beneficial(dc->dict, dc->d[i].outcome);
        dc->d[i].domain = msum_dict_get(dc->dict, dc->d[i].outcome, "domain");
        dc->d[i].label = msum_dict_get(dc->dict, dc->d[i].outcome, "label");
    }
    dc->n = n;
    return MSUM_OK;
}

static int known_outcome(const dictionary *dc, const char *oc)
{
    return dc->dict && msum_dict_find(dc->dict, oc) >= 0;
}

typedef struct {
    const char *text;
    size_t row;
} row_text;

static int by_text_then_row(const void *a, const void *b)
{
    const row_text *x = a, *y = b;
    int c = strcmp(x->text, y->text);
    return c ? c : (x->row > y->row) - (x->row < y->row);
}

/* One SWiM row per effect row: the text columns, direction, reported number and its ROM. */
static int build_rows(const msum_dataset *ds, const dictionary *dc, msum_diags *dg,
                      msum_swim_row **out, size_t *nout)
{
    size_t k = 0; /* rows kept (na.omit leaves some out, each named in a warning) */
    size_t n = msum_dataset_nrows(ds);
    const char *name = msum_dataset_name(ds);
    msum_swim_row *rows = calloc(n + 1, sizeof *rows);
    row_text *unknown = malloc((n + 1) * sizeof *unknown);
    size_t nunknown = 0;
    if (!rows || !unknown) {
        free(rows);
        free(unknown);
        return MSUM_ENOMEM;
    }
    int ceff = msum_dataset_col(ds, "effect_of"), coc = msum_dataset_col(ds, "outcome");
    int crank = msum_dataset_col(ds, "magnitude_rank");
    msum_escalc_opts eo = MSUM_ESCALC_OPTS_DEFAULT;
    for (size_t i = 0; i < n; i++) {
        const msum_record *rec = msum_dataset_record(ds, i);
        if (msum_dataset_omitted(ds, i)) continue;
        msum_swim_row *r = &rows[k++];
        r->id = msum_dataset_get(ds, i, "id");
        r->source = msum_dataset_get(ds, i, "source");
        r->preparation = msum_dataset_get(ds, i, "preparation");
        r->model = msum_dataset_get(ds, i, "model");
        r->exposure = msum_dataset_get(ds, i, "exposure");
        r->outcome = msum_dataset_get(ds, i, "outcome");
        r->comparator = msum_dataset_get(ds, i, "comparator");
        r->time_unit = msum_dataset_get(ds, i, "time_unit");
        r->ref = msum_dataset_get(ds, i, "ref");
        r->direction = rec->direction;
        r->input = rec->input;
        r->time = rec->x[MSUM_F_TIME];
        r->value = rec->input == MSUM_INPUT_PERCENT ? rec->x[MSUM_F_PCT]
                   : rec->input == MSUM_INPUT_FOLD ? rec->x[MSUM_F_FOLD] : NAN;
        r->rom = NAN;
        msum_measure want = rec->input == MSUM_INPUT_CONTINUOUS ? MSUM_MEASURE_ROM
                                                                : MSUM_MEASURE_NONE;
        msum_effect ef;
        if (rec->input != MSUM_INPUT_DIRECTION && msum_escalc(rec, want, &eo, &ef) == MSUM_OK &&
            ef.measure == MSUM_MEASURE_ROM)
            r->rom = ef.yi;
        const char *eff = ceff >= 0 ? msum_dataset_cell(ds, i, (size_t)ceff) : "";
        long l, c;
        const char *rk = crank >= 0 ? msum_dataset_cell(ds, i, (size_t)crank) : "";
        if (*rk && strcmp(rk, "NA") != 0 &&
            (msum_parse_double(rk, strlen(rk), &r->rank) != 1 || r->rank < 1 ||
             r->rank != floor(r->rank) || r->rank > 1e6)) {
            msum_dataset_pos(ds, i, (size_t)crank, &l, &c);
            msum_diags_add(dg, MSUM_DIAG_ERROR, name, l, c, "magnitude_rank",
                           "found '%s', expected a whole number from 1 (the largest effect)", rk);
            r->rank = 0;
        }
        if (strcmp(eff, "exposure") == 0) {
            r->about_exposure = 1;
        } else if (*eff && strcmp(eff, "treatment") != 0 && strcmp(eff, "NA") != 0) {
            msum_dataset_pos(ds, i, (size_t)ceff, &l, &c);
            msum_diags_add(dg, MSUM_DIAG_ERROR, name, l, c, "effect_of",
                           "found '%s', expected treatment or exposure", eff);
        }
        if (dc->n && r->outcome && *r->outcome && !known_outcome(dc, r->outcome))
            unknown[nunknown++] = (row_text){r->outcome, i};
    }
    /* one warning per unknown outcome, at its first row: sorted, not each row against all the
     * rows before it (quadratic in rows) */
    qsort(unknown, nunknown, sizeof *unknown, by_text_then_row);
    for (size_t u = 0; u < nunknown; u++) {
        if (u > 0 && strcmp(unknown[u].text, unknown[u - 1].text) == 0) continue;
        long l, c;
        msum_dataset_pos(ds, unknown[u].row, (size_t)coc, &l, &c);
        msum_diags_add(dg, MSUM_DIAG_WARNING, name, l, c, "outcome",
                       "found '%s', not in the outcome dictionary: its direction is not "
                       "standardised (no votes)", unknown[u].text);
    }
    free(unknown);
    *out = rows;
    *nout = k;
    return msum_diags_errors(dg) ? MSUM_EDATA : MSUM_OK;
}

/* NAME (outcomes.csv, references.csv) beside FILE, if it exists: a new path, or NULL. */
static char *beside(const char *file, const char *name)
{
    const char *slash = strrchr(file, '/');
    size_t dl = slash ? (size_t)(slash - file) + 1 : 0, nl = strlen(name);
    char *p = malloc(dl + nl + 1);
    if (!p) return NULL;
    memcpy(p, file, dl);
    memcpy(p + dl, name, nl + 1);
    FILE *fp = fopen(p, "r");
    if (!fp) {
        free(p);
        return NULL;
    }
    fclose(fp);
    return p;
}

/* Citation labels from references.csv beside the file: "Gao2021 [27]" where the reference has
 * a `num`.  Only for display, so a missing or faulty file just gives none. */
typedef struct {
    msum_dict *dict;
    const char **keys, **labels;
    char *arena;
    size_t n;
} citations;

static void citations_free(citations *c)
{
    msum_dict_free(c->dict);
    free(c->keys);
    free(c->labels);
    free(c->arena);
    memset(c, 0, sizeof *c);
}

static void citations_read(const char *file, citations *c)
{
    memset(c, 0, sizeof *c);
    char *p = beside(file, "references.csv");
    msum_diags *dg = msum_diags_new();
    if (!p || !dg || msum_dict_read(p, "ref", dg, &c->dict) != MSUM_OK ||
        msum_diags_errors(dg)) {
        msum_dict_free(c->dict);
        c->dict = NULL;
    }
    size_t n = c->dict ? msum_dict_size(c->dict) : 0, total = 1;
    for (size_t i = 0; i < n; i++) {
        const char *num = msum_dict_get(c->dict, msum_dict_key(c->dict, i), "num");
        total += strlen(msum_dict_key(c->dict, i)) + (num ? strlen(num) : 0) + 4;
    }
    c->keys = malloc((n + 1) * sizeof *c->keys);
    c->labels = malloc((n + 1) * sizeof *c->labels);
    c->arena = malloc(total);
    for (size_t i = 0, off = 0; c->keys && c->labels && c->arena && i < n; i++) {
        const char *k = msum_dict_key(c->dict, i), *num = msum_dict_get(c->dict, k, "num");
        c->keys[c->n] = k;
        c->labels[c->n++] = c->arena + off;
        off += (size_t)snprintf(c->arena + off, total - off, num && *num ? "%s [%s]" : "%s", k,
                                num) + 1;
    }
    free(p);
    msum_diags_free(dg);
}

/* Draw plot k from the analysis' tables into a string; *st = the writer's status (MSUM_EDOM:
 * nothing to draw). */
static char *draw(int k, const msum_table *const *tabs, int *st)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    if (!fp) {
        *st = MSUM_ENOMEM;
        return NULL;
    }
    const msum_table *a = tabs[plot_kinds[k].table];
    const char *title = plot_kinds[k].title;
    switch (plot_kinds[k].table) {
    case T_CMP: *st = msum_svg_comparisons(fp, a, title); break;
    case T_TIME: *st = msum_svg_timecourse(fp, a, title); break;
    case T_EDP: *st = msum_svg_effect_direction(fp, a, tabs[T_DOM], title); break;
    default: *st = msum_svg_evidence_map(fp, a, title); break;
    }
    if (fclose(fp) != 0 && *st == MSUM_OK) *st = MSUM_EIO;
    if (*st != MSUM_OK) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* Is table t asked for (--table), or needed by a plot? */
static int wanted(const char *table, int t)
{
    return strcmp(table, "all") == 0 || strcmp(table, table_names[t]) == 0;
}

static int needed(const msum_spec *s, const char *table, int t)
{
    for (int k = 0; k < NPLOTS; k++)
        if (msum_an_list_has(s->plots, plot_kinds[k].name) &&
            (plot_kinds[k].table == t || (plot_kinds[k].table == T_EDP && t == T_DOM)))
            return 1;
    return wanted(table, t);
}

/* A path of the spec (the dataset's folder for a relative one when the spec has a basedir); a
 * new string, or NULL. */
static char *spec_path(const msum_spec *s, const char *p)
{
    const char *base = s->basedir && *s->basedir && p[0] != '/' ? s->basedir : NULL;
    size_t n = (base ? strlen(base) + 1 : 0) + strlen(p) + 1;
    char *out = malloc(n);
    if (out) snprintf(out, n, "%s%s%s", base ? base : "", base ? "/" : "", p);
    return out;
}

int msum_an_summarize(const msum_spec *spec, const char *path, msum_result *out,
                      msum_diags *dg)
{
    msum_swim_opts so = MSUM_SWIM_OPTS_DEFAULT;
    const char *table = msum_an_given(spec->table) ? spec->table : "all";
    int ok = strcmp(table, "all") == 0;
    for (int t = 0; t < NTABLES; t++) ok |= strcmp(table, table_names[t]) == 0;
    if (!ok)
        return msum_an_spec_error(dg, spec, "table", "found '%s', expected all, findings, "
                                  "comparisons, timecourse, domains, effect_direction, "
                                  "evidence_map, votes or magnitudes", table);
    if (msum_an_given(spec->by) && parse_by(spec, spec->by, &so, dg) != MSUM_OK)
        return MSUM_EINVAL;
    if (!isnan(spec->level)) so.level = spec->level;
    so.per_row = spec->per_row > 0;
    so.gaps = spec->gaps > 0;
    if (!msum_an_check_plots(spec, "comparisons,timecourse,effect_direction,evidence_map", dg))
        return MSUM_EINVAL;
    size_t errors0 = msum_diags_errors(dg);
    msum_dataset *ds = NULL;
    dictionary dc = {0};
    msum_swim_row *rows = NULL;
    msum_table *tabs[NTABLES] = {0};
    char *dpath = NULL;
    int st = msum_dataset_read_opts(path, spec->filter, &spec->read, dg, &ds);
    if (st == MSUM_EIO || st == MSUM_ENOMEM) goto out;
    if (st != MSUM_OK || msum_diags_errors(dg) > errors0) {
        st = MSUM_EDATA;
        goto out;
    }
    dpath = msum_an_given(spec->outcomes) ? spec_path(spec, spec->outcomes)
                                         : beside(path, "outcomes.csv");
    if (dpath) {
        if ((st = read_dict(dpath, dg, &dc)) != MSUM_OK) goto out;
    } else {
        msum_diags_add(dg, MSUM_DIAG_WARNING, msum_dataset_name(ds), 0, 0, NULL,
                       "no outcomes.csv beside the file and no --outcomes: directions are not "
                       "standardised, so there are no votes");
    }
    size_t n = 0;
    if ((st = build_rows(ds, &dc, dg, &rows, &n)) != MSUM_OK) goto out;
    const char *name = msum_dataset_name(ds);
    int find = wanted(table, T_FIND);
    st = MSUM_OK;
    if (needed(spec, table, T_MAP))
        st = msum_swim_evidence_map(rows, n, dc.d, dc.n, &so, &tabs[T_MAP]);
    if (st == MSUM_EDOM) {
        msum_diags_add(dg, MSUM_DIAG_ERROR, name, 0, 0, NULL,
                       "evidence map: found more than %d source x outcome cells, expected at "
                       "most %d (narrow it with --filter, or choose another --table)",
                       MSUM_SWIM_MAP_MAX_CELLS, MSUM_SWIM_MAP_MAX_CELLS);
        st = MSUM_EDATA;
        goto out;
    }
    if (st == MSUM_OK && wanted(table, T_VOTES))
        st = msum_swim_votes(rows, n, dc.d, dc.n, &so, &tabs[T_VOTES]);
    if (st == MSUM_OK && (find || needed(spec, table, T_CMP)))
        st = msum_swim_comparisons(rows, n, dc.d, dc.n, &so, &tabs[T_CMP]);
    if (st == MSUM_OK && wanted(table, T_MAG))
        st = msum_swim_magnitudes(rows, n, &so, &tabs[T_MAG]);
    if (st == MSUM_OK && (find || needed(spec, table, T_TIME)))
        st = msum_swim_timecourse(rows, n, dc.d, dc.n, &so, &tabs[T_TIME]);
    citations ci;
    citations_read(path, &ci);
    if (st == MSUM_OK && ci.n && tabs[T_CMP])
        st = msum_swim_cite(&tabs[T_CMP], "ref", ci.keys, ci.labels, ci.n);
    if (st == MSUM_OK && ci.n && tabs[T_TIME])
        st = msum_swim_cite(&tabs[T_TIME], "refs", ci.keys, ci.labels, ci.n);
    citations_free(&ci);
    if (st == MSUM_OK && (find || needed(spec, table, T_DOM) || needed(spec, table, T_EDP)))
        st = msum_swim_direction(rows, n, dc.d, dc.n, &tabs[T_EDP], &tabs[T_DOM]);
    if (st == MSUM_OK && find)
        st = msum_swim_findings(tabs[T_CMP], tabs[T_TIME], tabs[T_DOM], &tabs[T_FIND]);
    if (st != MSUM_OK) {
        msum_diags_add(dg, MSUM_DIAG_ERROR, name, 0, 0, NULL, "%s",
                       msum_strerror((msum_status)st));
        goto out;
    }
    /* the plots, in the order the spec names them; one with nothing to draw (no reported
     * numbers, no time course) is left out with a warning */
    for (const char *p = spec->plots; st == MSUM_OK && p && *p;) {
        size_t len = strcspn(p, ",;"), nl = strcspn(p, ",;=");
        if (nl > len) nl = len;
        for (int k = 0; k < NPLOTS; k++) {
            if (strlen(plot_kinds[k].name) != nl || strncmp(p, plot_kinds[k].name, nl)) continue;
            if (!tabs[plot_kinds[k].table]) break;
            int pst;
            char *svg = draw(k, (const msum_table *const *)tabs, &pst);
            if (pst == MSUM_EDOM) {
                msum_diags_add(dg, MSUM_DIAG_WARNING, name, 0, 0, NULL,
                               "plot %s: nothing to draw (no %s)", plot_kinds[k].name,
                               k == 0 ? "comparison with a reported number"
                               : k == 1 ? "time course" : "rows");
                break;
            }
            st = pst == MSUM_OK ? msum_result_add_plot(out, plot_kinds[k].name, svg) : pst;
            break;
        }
        p += len + (p[len] != '\0');
    }
    for (int t = 0; st == MSUM_OK && t < NTABLES; t++)
        if (tabs[t] && wanted(table, t)) {
            st = msum_result_add_table(out, tabs[t]);
            tabs[t] = NULL;
        }
    if (st == MSUM_OK && msum_diags_errors(dg) > errors0) st = MSUM_EDATA;
out:
    for (int t = 0; t < NTABLES; t++) msum_table_free(tabs[t]);
    free(rows);
    free(dpath);
    dict_free(&dc);
    msum_dataset_free(ds);
    return st;
}
