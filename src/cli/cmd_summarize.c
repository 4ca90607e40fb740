/* metasum summarize: synthesis without meta-analysis (SWiM) of an effect file: evidence map,
 * vote counts, descriptive comparisons, ROM magnitudes and time courses, as CSV/TSV tables. */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "cli.h"
#include "cli_args.h"
#include "metasum/dataset.h"
#include "metasum/dict.h"
#include "metasum/render.h"

#define CMD "summarize"
enum { MAXLIST = 16 };

void usage_summarize(FILE *fp)
{
    fprintf(fp,
"About:   Synthesis without meta-analysis (SWiM, Campbell et al. BMJ 2020) for effects reported\n"
"         without a variance: directions standardised by the outcome dictionary, vote counts\n"
"         with a Wilson score CI and an exact sign test, the effect direction plot's cells\n"
"         (Hilton Boon & Thomson 2021) with a sign test per outcome domain, magnitudes on the\n"
"         ROM scale, descriptive comparisons of reported numbers, an evidence map, time\n"
"         courses (with trends from magnitude_rank), and the findings in sentences.  Rows\n"
"         about the insult (effect_of = exposure) are kept apart from treatment rows.\n"
"         Nothing is pooled: use 'metasum compare' for effects with variances.\n"
"Usage:   metasum summarize FILE [OPTIONS]\n"
"\n"
"Options:\n"
"    --outcomes FILE      outcome dictionary (outcome, beneficial = increase|decrease|none;\n"
"                         optional domain, label) [outcomes.csv beside FILE]\n"
"    --filter COL=VAL     only rows whose COL equals VAL (several: COL=A;COL2=B)\n"
"    --by COLS            cells of the vote counts and magnitudes: source,outcome plus any of\n"
"                         preparation, model, exposure [source,outcome]\n"
"    --table T            all, findings, comparisons, timecourse, domains,\n"
"                         effect_direction, evidence_map, votes or magnitudes [all]\n"
"    --gaps               evidence map: list the source x outcome cells without evidence too\n"
"    --plot [NAME=]FILE   also draw a plot there: comparisons, timecourse, effect_direction\n"
"                         or evidence_map (NAME, else the file's name, e.g.\n"
"                         effect_direction.png); .svg, .png or .pdf (several --plot allowed)\n"
"    --per-row            every row is a vote [one vote per study (ref) and cell; a study\n"
"                         whose rows disagree casts none]\n"
"    --level L            confidence level of the Wilson interval [0.95]\n"
"    --format F           csv, tsv, md, json or html [csv]\n"
"    --digits N           significant digits, 0 = shortest exact [7]\n"
"    --no-meta            no '# key,value' lines in CSV/TSV (with one --table: plain CSV)\n"
"\n"
"Output:  tables separated by a blank line; in CSV/TSV each starts with its metadata as\n"
"         '# key,value' lines: table (its name), method, scale, level, metasum_version.\n"
"         Columns: docs/summarize.md.\n"
"\n"
"Exit codes: 0 ok (warnings allowed), 1 data errors, 2 usage, 3 I/O, 4 numerical failure\n"
"\n"
"%s"
"\n"
"Examples:\n"
"    metasum summarize datasets/exosome_skin_aging/effects.csv\n"
"    metasum summarize datasets/exosome_skin_aging/effects.csv --table votes \\\n"
"        --by source,preparation,outcome\n"
"    metasum summarize effects.csv --outcomes my_outcomes.csv --table evidence_map --format tsv\n"
"    metasum summarize datasets/exosome_skin_aging/effects.csv --table findings \\\n"
"        --plot effect_direction.svg --plot timecourse=tc.png\n",
            cli_input_help);
}

typedef struct {
    const char *file, *outcomes, *table;
    const char *filter;
    msum_swim_opts so;
    msum_format fmt;
    int digits, meta;
    const char *plot[8]; /* --plot arguments */
    int nplot;
    cli_input in; /* --col, --delim, --decimal, --sheet, --missing */
} opts;

#define usage_error(...) cli_usage_error(CMD, __VA_ARGS__)

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

/* The plot kind a --plot argument names ("NAME=FILE", else the file's stem), -1 if none; *file
 * receives the file. */
static int plot_of(const char *arg, const char **file)
{
    const char *eq = strchr(arg, '=');
    const char *f = eq ? eq + 1 : arg, *base = strrchr(f, '/');
    base = base ? base + 1 : f;
    size_t len = eq ? (size_t)(eq - arg) : strcspn(base, ".");
    const char *name = eq ? arg : base;
    if (file) *file = f;
    for (int k = 0; k < NPLOTS; k++)
        if (strlen(plot_kinds[k].name) == len && strncmp(name, plot_kinds[k].name, len) == 0)
            return k;
    return -1;
}

static int parse_by(const char *v, msum_swim_opts *so)
{
    char *parts[MAXLIST], *buf;
    int n = cli_split(v, ',', parts, MAXLIST, &buf);
    int rc = n < 0 ? usage_error("--by: too many columns in '%s'", v) : EXIT_OK;
    for (int i = 0; i < n && rc == EXIT_OK; i++) {
        if (strcmp(parts[i], "source") == 0 || strcmp(parts[i], "outcome") == 0) continue;
        if (strcmp(parts[i], "preparation") == 0) so->by_preparation = 1;
        else if (strcmp(parts[i], "model") == 0) so->by_model = 1;
        else if (strcmp(parts[i], "exposure") == 0) so->by_exposure = 1;
        else
            rc = usage_error("--by: found '%s', expected source, outcome, preparation, model or "
                             "exposure", parts[i]);
    }
    free(buf);
    return rc;
}

static int parse(int argc, char **argv, opts *o)
{
    msum_swim_opts sd = MSUM_SWIM_OPTS_DEFAULT;
    memset(o, 0, sizeof *o);
    o->so = sd;
    o->fmt = MSUM_FMT_CSV;
    o->digits = 7;
    o->meta = 1;
    o->table = "all";
    cli_input_init(&o->in);
    for (int i = 1; i < argc; i++) {
        const char *v = NULL, *a = argv[i];
        int r, rc;
        if ((r = cli_opt_input(CMD, argc, argv, &i, &o->in))) {
            if (r < 0) return EXIT_USAGE;
        } else if (strcmp(a, "--no-meta") == 0) {
            o->meta = 0;
        } else if (strcmp(a, "--per-row") == 0) {
            o->so.per_row = 1;
        } else if (strcmp(a, "--gaps") == 0) {
            o->so.gaps = 1;
        } else if ((r = cli_opt(CMD, argc, argv, &i, "--plot", NULL, &v))) {
            if (r < 0) return EXIT_USAGE;
            const char *file;
            msum_render_format f;
            if (plot_of(v, &file) < 0 || msum_render_format_of(file, &f) != MSUM_OK)
                return usage_error("--plot: found '%s', expected [comparisons=|timecourse=|"
                                   "effect_direction=|evidence_map=]FILE ending in .svg, .png "
                                   "or .pdf", v);
            if (o->nplot == (int)(sizeof o->plot / sizeof *o->plot))
                return usage_error("--plot: at most %zu plots", sizeof o->plot / sizeof *o->plot);
            o->plot[o->nplot++] = v;
        } else if ((r = cli_opt(CMD, argc, argv, &i, "--outcomes", NULL, &v))) {
            if (r < 0) return EXIT_USAGE;
            o->outcomes = v;
        } else if ((r = cli_opt(CMD, argc, argv, &i, "--filter", NULL, &v))) {
            if (r < 0) return EXIT_USAGE;
            o->filter = v;
        } else if ((r = cli_opt(CMD, argc, argv, &i, "--by", NULL, &v))) {
            if (r < 0) return EXIT_USAGE;
            if ((rc = parse_by(v, &o->so)) != EXIT_OK) return rc;
        } else if ((r = cli_opt(CMD, argc, argv, &i, "--table", NULL, &v))) {
            if (r < 0) return EXIT_USAGE;
            int ok = strcmp(v, "all") == 0;
            for (int t = 0; t < NTABLES; t++) ok |= strcmp(v, table_names[t]) == 0;
            if (!ok)
                return usage_error("--table: found '%s', expected all, findings, comparisons, "
                                   "timecourse, domains, effect_direction, evidence_map, votes "
                                   "or magnitudes", v);
            o->table = v;
        } else if ((r = cli_opt(CMD, argc, argv, &i, "--level", NULL, &v))) {
            if (r < 0) return EXIT_USAGE;
            if (!cli_opt_level(CMD, "--level", v, &o->so.level)) return EXIT_USAGE;
        } else if ((r = cli_opt(CMD, argc, argv, &i, "--digits", NULL, &v))) {
            if (r < 0) return EXIT_USAGE;
            if (!cli_opt_digits(CMD, v, &o->digits)) return EXIT_USAGE;
        } else if ((r = cli_opt(CMD, argc, argv, &i, "--format", NULL, &v))) {
            if (r < 0) return EXIT_USAGE;
            if (!cli_opt_format(CMD, v, &o->fmt)) return EXIT_USAGE;
        } else if (a[0] == '-' && a[1] != '\0') {
            return usage_error("unknown option '%s'", a);
        } else {
            if (o->file) return usage_error("one FILE expected, found also '%s'", a);
            o->file = a;
        }
    }
    if (!o->file) return usage_error("%s", "no FILE given");
    return EXIT_OK;
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

/* Read outcome,beneficial from an outcomes.csv; problems into dg.  Returns an exit code. */
static int read_dict(const char *path, msum_diags *dg, dictionary *dc)
{
    int st = msum_dict_read(path, "outcome", dg, &dc->dict);
    if (st == MSUM_EIO) return EXIT_IO;
    if (st == MSUM_ENOMEM) return EXIT_NUMERICAL;
    if (st != MSUM_OK || msum_diags_errors(dg)) return EXIT_DATA;
    size_t n = msum_dict_size(dc->dict);
    dc->d = calloc(n + 1, sizeof *dc->d);
    if (!dc->d) return EXIT_NUMERICAL;
    for (size_t i = 0; i < n; i++) {
        dc->d[i].outcome = msum_dict_key(dc->dict, i);
        dc->d[i].beneficial = msum_dict_beneficial(dc->dict, dc->d[i].outcome);
        dc->d[i].domain = msum_dict_get(dc->dict, dc->d[i].outcome, "domain");
        dc->d[i].label = msum_dict_get(dc->dict, dc->d[i].outcome, "label");
    }
    dc->n = n;
    return EXIT_OK;
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
        return EXIT_NUMERICAL;
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
    return msum_diags_errors(dg) ? EXIT_DATA : EXIT_OK;
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

static int wanted(const opts *o, int t)
{
    return strcmp(o->table, "all") == 0 || strcmp(o->table, table_names[t]) == 0;
}

/* Is table t asked for, or needed by a --plot? */
static int needed(const opts *o, int t)
{
    for (int p = 0; p < o->nplot; p++) {
        int k = plot_of(o->plot[p], NULL);
        if (plot_kinds[k].table == t || (plot_kinds[k].table == T_EDP && t == T_DOM)) return 1;
    }
    return wanted(o, t);
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
    const char *slash = strrchr(file, '/');
    size_t dl = slash ? (size_t)(slash - file) + 1 : 0;
    char *p = malloc(dl + sizeof "references.csv");
    msum_diags *dg = msum_diags_new();
    FILE *fp = NULL;
    if (p) {
        memcpy(p, file, dl);
        strcpy(p + dl, "references.csv");
        fp = fopen(p, "r");
    }
    if (fp) fclose(fp);
    if (!fp || !dg || msum_dict_read(p, "ref", dg, &c->dict) != MSUM_OK ||
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

/* The tables --table asks for (the findings need the comparisons, time courses and domains;
 * those not asked for are dropped again).  Returns an exit code. */
static int build_tables(const msum_swim_row *rows, size_t n, const dictionary *dc,
                        const opts *o, msum_diags *dg, const char *name, const citations *ci,
                        msum_table **tabs)
{
    int st = MSUM_OK, find = wanted(o, T_FIND);
    if (needed(o, T_MAP)) st = msum_swim_evidence_map(rows, n, dc->d, dc->n, &o->so, &tabs[T_MAP]);
    if (st == MSUM_EDOM) {
        msum_diags_add(dg, MSUM_DIAG_ERROR, name, 0, 0, NULL,
                       "evidence map: found more than %d source x outcome cells, expected at "
                       "most %d (narrow it with --filter, or choose another --table)",
                       MSUM_SWIM_MAP_MAX_CELLS, MSUM_SWIM_MAP_MAX_CELLS);
        return EXIT_DATA;
    }
    if (st == MSUM_OK && wanted(o, T_VOTES))
        st = msum_swim_votes(rows, n, dc->d, dc->n, &o->so, &tabs[T_VOTES]);
    if (st == MSUM_OK && (find || needed(o, T_CMP)))
        st = msum_swim_comparisons(rows, n, dc->d, dc->n, &o->so, &tabs[T_CMP]);
    if (st == MSUM_OK && wanted(o, T_MAG)) st = msum_swim_magnitudes(rows, n, &o->so, &tabs[T_MAG]);
    if (st == MSUM_OK && (find || needed(o, T_TIME)))
        st = msum_swim_timecourse(rows, n, dc->d, dc->n, &o->so, &tabs[T_TIME]);
    if (st == MSUM_OK && ci->n && tabs[T_CMP])
        st = msum_swim_cite(&tabs[T_CMP], "ref", ci->keys, ci->labels, ci->n);
    if (st == MSUM_OK && ci->n && tabs[T_TIME])
        st = msum_swim_cite(&tabs[T_TIME], "refs", ci->keys, ci->labels, ci->n);
    if (st == MSUM_OK && (find || needed(o, T_DOM) || needed(o, T_EDP)))
        st = msum_swim_direction(rows, n, dc->d, dc->n, &tabs[T_EDP], &tabs[T_DOM]);
    if (st == MSUM_OK && find)
        st = msum_swim_findings(tabs[T_CMP], tabs[T_TIME], tabs[T_DOM], &tabs[T_FIND]);
    if (st != MSUM_OK) {
        cli_error(CMD, "%s", msum_strerror((msum_status)st));
        return EXIT_NUMERICAL;
    }
    return EXIT_OK;
}

static char *draw(int k, const msum_table *const *tabs, int *st);

/* Draw the --plot files, then drop the tables that were only needed for them. */
static int write_plots(const opts *o, msum_table **tabs)
{
    int rc = EXIT_OK;
    for (int p = 0; p < o->nplot && rc == EXIT_OK; p++) {
        const char *file;
        int k = plot_of(o->plot[p], &file), st;
        char *svg = draw(k, (const msum_table *const *)tabs, &st);
        if (st == MSUM_EDOM) {
            cli_error(CMD, "--plot %s: nothing to draw (no %s)", o->plot[p],
                      k == 0 ? "comparison with a reported number" : k == 1 ? "time course"
                                                                             : "rows");
            rc = EXIT_DATA;
        } else if (st == MSUM_OK && (st = msum_render_file(svg, strlen(svg), file)) != MSUM_OK) {
            cli_error(CMD, "cannot write %s: %s", file, msum_strerror((msum_status)st));
            rc = st == MSUM_ENOMEM ? EXIT_NUMERICAL : EXIT_IO;
        } else if (st != MSUM_OK) {
            cli_error(CMD, "--plot %s: %s", o->plot[p], msum_strerror((msum_status)st));
            rc = EXIT_NUMERICAL;
        }
        free(svg);
    }
    for (int t = 0; t < NTABLES; t++)
        if (!wanted(o, t)) {
            msum_table_free(tabs[t]);
            tabs[t] = NULL;
        }
    return rc;
}

/* Set while a report analysis runs the subcommand: the tables go there, not to stdout. */
static analysis_output *capture;

int cmd_summarize(int argc, char **argv)
{
    opts o;
    int rc = parse(argc, argv, &o);
    if (rc != EXIT_OK) return rc;
    msum_diags *dg = msum_diags_new();
    msum_dataset *ds = NULL;
    dictionary dc = {0};
    msum_swim_row *rows = NULL;
    msum_table *tabs[NTABLES] = {0};
    char *dpath = NULL;
    if (!dg) return EXIT_NUMERICAL;
    int st = msum_dataset_read_opts(o.file, o.filter, &o.in.ro, dg, &ds);
    if (st == MSUM_EIO || st == MSUM_ENOMEM) {
        rc = st == MSUM_EIO ? EXIT_IO : EXIT_NUMERICAL;
        goto out;
    }
    if (st != MSUM_OK || msum_diags_errors(dg)) {
        rc = EXIT_DATA;
        goto out;
    }
    const char *dictpath = o.outcomes ? o.outcomes : (dpath = beside(o.file));
    if (dictpath) {
        if ((rc = read_dict(dictpath, dg, &dc)) != EXIT_OK) goto out;
    } else {
        msum_diags_add(dg, MSUM_DIAG_WARNING, msum_dataset_name(ds), 0, 0, NULL,
                       "no outcomes.csv beside the file and no --outcomes: directions are not "
                       "standardised, so there are no votes");
    }
    size_t n = 0;
    if ((rc = build_rows(ds, &dc, dg, &rows, &n)) != EXIT_OK) goto out;
    citations ci;
    citations_read(o.file, &ci);
    rc = build_tables(rows, n, &dc, &o, dg, msum_dataset_name(ds), &ci, tabs);
    citations_free(&ci);
    if (rc == EXIT_OK) rc = write_plots(&o, tabs);
    if (rc != EXIT_OK) goto out;
    msum_write_opts wo = MSUM_WRITE_OPTS_DEFAULT;
    wo.digits = o.digits;
    wo.meta = o.meta;
    const msum_table *outt[NTABLES];
    size_t nout = 0;
    for (int t = 0; t < NTABLES; t++)
        if (tabs[t]) {
            if (capture) { /* a report analysis takes the tables instead */
                if (analysis_add_table(capture, tabs[t]) != MSUM_OK) rc = EXIT_NUMERICAL;
                tabs[t] = NULL;
            } else {
                outt[nout++] = tabs[t];
            }
        }
    if (capture) goto out;
    if (msum_write_tables(outt, nout, o.fmt, stdout, &wo) != MSUM_OK) rc = EXIT_IO;
out:
    if (cli_print_diags(stderr, dg) && rc == EXIT_OK) rc = EXIT_DATA;
    for (int t = 0; t < NTABLES; t++) msum_table_free(tabs[t]);
    free(rows);
    free(dpath);
    dict_free(&dc);
    msum_dataset_free(ds);
    msum_diags_free(dg);
    return rc;
}

/* ---- as a report analysis ---------------------------------------------------------------- */

/* Draw plot k from the analysis' tables into a string; *st = the writer's status. */
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

/* As a report analysis: the subcommand with the manifest's settings, its tables captured (the
 * findings sentences first), and the plots the manifest names, in its order.  A plot with
 * nothing to draw (no reported numbers, no time course) is left out. */
int analysis_summarize(const analysis_spec *spec, const char *path, analysis_output *out,
                       msum_diags *diags)
{
    for (const char *p = spec->plots; p && *p;) {
        size_t len = strcspn(p, ";");
        int ok = 0;
        for (int k = 0; k < NPLOTS; k++)
            ok |= strlen(plot_kinds[k].name) == len && !strncmp(p, plot_kinds[k].name, len);
        if (!ok && len) {
            msum_diags_add(diags, MSUM_DIAG_ERROR, spec->manifest, spec->line, 0, "plots",
                           "found '%.*s', expected comparisons, timecourse, effect_direction or "
                           "evidence_map (kind summarize)", (int)len, p);
            return MSUM_EDATA;
        }
        p += len + (p[len] == ';');
    }
    char *by = analysis_list(spec->by);
    char *argv[10];
    int argc = 0;
    argv[argc++] = "summarize";
    argv[argc++] = (char *)path;
    if (*spec->by) argv[argc++] = "--by", argv[argc++] = by;
    if (*spec->filter) argv[argc++] = "--filter", argv[argc++] = (char *)spec->filter;
    if (spec->columns && *spec->columns)
        argv[argc++] = "--col", argv[argc++] = (char *)spec->columns;
    argv[argc] = NULL;
    size_t before = out->ntables;
    capture = out;
    int rc = by ? cmd_summarize(argc, argv) : EXIT_NUMERICAL;
    capture = NULL;
    free(by);
    if (rc != EXIT_OK) {
        msum_diags_add(diags, MSUM_DIAG_ERROR, spec->manifest, spec->line, 0, NULL,
                       "summarize on %s failed (exit %d; messages above)", spec->dataset, rc);
        return analysis_status(rc);
    }
    const msum_table *tabs[NTABLES] = {0};
    for (size_t i = before; i < out->ntables; i++)
        for (int t = 0; t < NTABLES; t++)
            if (strcmp(msum_table_name(out->tables[i]), table_names[t]) == 0)
                tabs[t] = out->tables[i];
    for (const char *p = spec->plots; p && *p;) {
        size_t len = strcspn(p, ";");
        for (int k = 0; k < NPLOTS; k++) {
            if (strlen(plot_kinds[k].name) != len || strncmp(p, plot_kinds[k].name, len)) continue;
            if (!tabs[plot_kinds[k].table]) break;
            int st;
            char *svg = draw(k, tabs, &st);
            if (st == MSUM_EDOM) break; /* nothing to draw */
            if (st != MSUM_OK) return st;
            if ((st = analysis_add_plot(out, plot_kinds[k].name, svg)) != MSUM_OK) return st;
        }
        p += len + (p[len] == ';');
    }
    return MSUM_OK;
}
