/* Kind "summarize": synthesis without meta-analysis (SWiM, Campbell et al. BMJ 2020) of an effect
 * file: evidence map, vote counts, descriptive comparisons, ROM magnitudes and time courses
 * (src/core/swim.c), and the evidence map drawn as a heat map. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis_int.h"
#include "metasum/dataset.h"
#include "metasum/dict.h"

enum { MAXLIST = 16 };

static const char *const table_names[] = {"evidence_map", "votes", "comparisons", "magnitudes",
                                          "timecourse"};
enum { NTABLES = sizeof table_names / sizeof table_names[0] };

/* A spec error (msum_an_spec_error) as a status. */
#define spec_error(s, diags, field, ...)                                                       \
    (msum_an_spec_error(diags, s, field, __VA_ARGS__), MSUM_EDATA)

/* s split at sep into parts[0..max) (a copy in *buf, freed by the caller); the number of parts,
 * or -1 when there are more than max (or no memory). */
static int split(const char *s, char sep, char **parts, int max, char **buf)
{
    size_t n = strlen(s) + 1;
    *buf = malloc(n);
    if (!*buf) return -1;
    memcpy(*buf, s, n);
    int k = 0;
    for (char *p = *buf;;) {
        if (k == max) return -1;
        parts[k++] = p;
        char *c = strchr(p, sep);
        if (!c) break;
        *c = '\0';
        p = c + 1;
    }
    return k;
}

/* The by columns (source and outcome always; preparation, model, exposure) as opts;
 * MSUM_OK, or MSUM_EDATA after a spec error. */
static int parse_by(const msum_spec *s, const char *v, msum_swim_opts *so,
                    msum_diags *diags)
{
    char *parts[MAXLIST], *buf;
    int n = split(v, ',', parts, MAXLIST, &buf);
    int rc = n < 0 ? spec_error(s, diags, "by", "too many columns in '%s'", v) : MSUM_OK;
    for (int i = 0; i < n && rc == MSUM_OK; i++) {
        if (strcmp(parts[i], "source") == 0 || strcmp(parts[i], "outcome") == 0) continue;
        if (strcmp(parts[i], "preparation") == 0) so->by_preparation = 1;
        else if (strcmp(parts[i], "model") == 0) so->by_model = 1;
        else if (strcmp(parts[i], "exposure") == 0) so->by_exposure = 1;
        else
            rc = spec_error(s, diags, "by", "found '%s', expected source, outcome, preparation, "
                            "model or exposure", parts[i]);
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

/* outcomes.csv beside FILE, if it exists. */
static char *beside(const char *file)
{
    const char *slash = strrchr(file, '/');
    size_t dl = slash ? (size_t)(slash - file) + 1 : 0;
    char *p = malloc(dl + sizeof "outcomes.csv");
    if (!p) return NULL;
    memcpy(p, file, dl);
    strcpy(p + dl, "outcomes.csv");
    FILE *fp = fopen(p, "r");
    if (!fp) {
        free(p);
        return NULL;
    }
    fclose(fp);
    return p;
}

/* Index of s in v (adding it when new); -1 when v is full. */
static long intern(const char **v, size_t *n, size_t cap, const char *s)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp(v[i], s) == 0) return (long)i;
    if (*n == cap) return -1;
    v[*n] = s;
    return (long)(*n)++;
}

/* The evidence map table as a heat map: sources x outcomes, each cell's treatment rows by
 * direction.  Outcomes without a beneficial direction count as "mixed" (not judged). */
static char *heatmap_svg(const msum_table *t, const char *title)
{
    size_t nr = msum_table_nrows(t);
    int c_src = msum_table_col_index(t, "source"), c_oc = msum_table_col_index(t, "outcome"),
        c_ben = msum_table_col_index(t, "n_beneficial"),
        c_harm = msum_table_col_index(t, "n_harmful"),
        c_none = msum_table_col_index(t, "n_no_change"),
        c_trt = msum_table_col_index(t, "n_treatment");
    if (c_src < 0 || c_oc < 0 || c_ben < 0 || c_harm < 0 || c_none < 0 || c_trt < 0)
        return NULL;
    const char **rl = calloc(nr + 1, sizeof *rl), **cl = calloc(nr + 1, sizeof *cl);
    size_t nrow = 0, ncol = 0;
    for (size_t i = 0; rl && cl && i < nr; i++) {
        const char *s = msum_table_text(t, i, (size_t)c_src);
        const char *o = msum_table_text(t, i, (size_t)c_oc);
        intern(rl, &nrow, nr, s && *s ? s : "(no source)");
        intern(cl, &ncol, nr, o ? o : "NA");
    }
    unsigned *counts = rl && cl ? calloc(nrow * ncol * MSUM_NEVID + 1, sizeof *counts) : NULL;
    char *svg = NULL;
    if (counts) {
        for (size_t i = 0; i < nr; i++) {
            const char *s = msum_table_text(t, i, (size_t)c_src);
            const char *o = msum_table_text(t, i, (size_t)c_oc);
            long r = intern(rl, &nrow, nr, s && *s ? s : "(no source)");
            long c = intern(cl, &ncol, nr, o ? o : "NA");
            unsigned *cell = counts + ((size_t)r * ncol + (size_t)c) * MSUM_NEVID;
            double ben = msum_table_num(t, i, (size_t)c_ben),
                   harm = msum_table_num(t, i, (size_t)c_harm),
                   none = msum_table_num(t, i, (size_t)c_none),
                   trt = msum_table_num(t, i, (size_t)c_trt);
            if (isnan(ben)) { /* no beneficial direction: not judged */
                cell[MSUM_EVID_MIXED] += (unsigned)(isnan(trt) ? 0 : trt);
            } else {
                cell[MSUM_EVID_BENEFICIAL] += (unsigned)ben;
                cell[MSUM_EVID_HARMFUL] += (unsigned)(isnan(harm) ? 0 : harm);
                cell[MSUM_EVID_NO_CHANGE] += (unsigned)(isnan(none) ? 0 : none);
            }
        }
        msum_heatmap_data hd = {title, nrow, ncol, rl, cl, counts, NULL};
        svg = msum_an_svg_heatmap(&hd);
    }
    free(counts);
    free(rl);
    free(cl);
    return svg;
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
        return spec_error(spec, dg, "table", "found '%s', expected all, evidence_map, votes, "
                          "comparisons, magnitudes or timecourse", table);
    if (msum_an_given(spec->by) && parse_by(spec, spec->by, &so, dg) != MSUM_OK)
        return MSUM_EDATA;
    if (!isnan(spec->level)) so.level = spec->level;
    so.per_row = spec->per_row > 0;
    if (!msum_an_check_plots(spec, "evidence_map", dg)) return MSUM_EDATA;
    if (msum_an_list_has(spec->plots, "evidence_map") && strcmp(table, "all") != 0 &&
        strcmp(table, "evidence_map") != 0)
        return spec_error(spec, dg, "plots", "evidence_map draws the table evidence_map, found "
                          "table %s", table);
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
    dpath = msum_an_given(spec->outcomes) ? spec_path(spec, spec->outcomes) : beside(path);
    if (dpath) {
        if ((st = read_dict(dpath, dg, &dc)) != MSUM_OK) goto out;
    } else {
        msum_diags_add(dg, MSUM_DIAG_WARNING, msum_dataset_name(ds), 0, 0, NULL,
                       "no outcomes.csv beside the file and no --outcomes: directions are not "
                       "standardised, so there are no votes");
    }
    size_t n = 0;
    if ((st = build_rows(ds, &dc, dg, &rows, &n)) != MSUM_OK) goto out;
    int all = strcmp(table, "all") == 0;
    st = MSUM_OK;
    if (all || strcmp(table, table_names[0]) == 0)
        st = msum_swim_evidence_map(rows, n, dc.d, dc.n, &so, &tabs[0]);
    if (st == MSUM_EDOM) {
        msum_diags_add(dg, MSUM_DIAG_ERROR, msum_dataset_name(ds), 0, 0, NULL,
                       "evidence map: found more than %d source x outcome cells, expected at "
                       "most %d (narrow it with --filter, or choose another --table)",
                       MSUM_SWIM_MAP_MAX_CELLS, MSUM_SWIM_MAP_MAX_CELLS);
        st = MSUM_EDATA;
        goto out;
    }
    if (st == MSUM_OK && (all || strcmp(table, table_names[1]) == 0))
        st = msum_swim_votes(rows, n, dc.d, dc.n, &so, &tabs[1]);
    if (st == MSUM_OK && (all || strcmp(table, table_names[2]) == 0))
        st = msum_swim_comparisons(rows, n, &so, &tabs[2]);
    if (st == MSUM_OK && (all || strcmp(table, table_names[3]) == 0))
        st = msum_swim_magnitudes(rows, n, &so, &tabs[3]);
    if (st == MSUM_OK && (all || strcmp(table, table_names[4]) == 0))
        st = msum_swim_timecourse(rows, n, dc.d, dc.n, &so, &tabs[4]);
    if (st != MSUM_OK) {
        msum_diags_add(dg, MSUM_DIAG_ERROR, msum_dataset_name(ds), 0, 0, NULL, "%s",
                       msum_strerror((msum_status)st));
        goto out;
    }
    for (int t = 0; st == MSUM_OK && t < NTABLES; t++)
        if (tabs[t]) {
            st = msum_result_add_table(out, tabs[t]);
            tabs[t] = NULL;
        }
    if (st == MSUM_OK && msum_an_list_has(spec->plots, "evidence_map")) {
        const msum_table *map = msum_result_table(out, "evidence_map");
        const char *title = msum_an_given(spec->title) ? spec->title : spec->id;
        if (map) st = msum_result_add_plot(out, "evidence_map", heatmap_svg(map, title));
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
