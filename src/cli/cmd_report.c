/* metasum report: run every analysis of a manifest and write one folder per analysis (tables in
 * every requested format, SVG plots, an HTML page) plus an index.html linking them all.
 * Every file is written atomically; a failed analysis is reported and the others still run. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analysis.h"
#include "cli.h"
#include "metasum/dataset.h"
#include "metasum/reader.h"
#include "metasum/write.h"

void usage_report(FILE *fp)
{
    fprintf(fp,
        "About:   Run every analysis listed in a manifest and write tables, plots and HTML.\n"
        "Usage:   metasum report [OPTIONS] MANIFEST -o DIR\n"
        "\n"
        "The manifest is a CSV with one row per analysis; columns (only id, dataset and kind\n"
        "are required):\n"
        "    id        folder name for the analysis ([A-Za-z0-9._-], unique)\n"
        "    title     heading of its page\n"
        "    dataset   effect CSV, relative to the manifest's folder\n"
        "    filter    keep rows where col=value (several: col=a;col2=b)\n"
        "    kind      effects | pool | compare | summarize | table (the CSV itself)\n"
        "    measure   effect measure (MD, SMD, ROM, RR, OR, RD, ZCOR) where the data need one\n"
        "    method    tau2 estimator for pool/compare [REML]\n"
        "    test      z | knha | adhoc [z]\n"
        "    by        grouping columns, ';'-separated (pool: one fit per group; compare:\n"
        "              subgroups; summarize: evidence-map axes)\n"
        "    mods      meta-regression moderators for compare, ';'-separated\n"
        "    formats   ';'-separated from csv tsv md json html xlsx [csv;md;json;html;xlsx]\n"
        "    plots     ';'-separated from forest funnel evidence_map [what the kind supports]\n"
        "    columns   which column is which, as --col: m1i=Mean_T;sd1i=SD_T (docs/columns.md)\n"
        "\n"
        "Writes DIR/ID/TABLE.FORMAT for each table, DIR/ID/ID.xlsx (one sheet per table),\n"
        "DIR/ID/PLOT.svg, DIR/ID/index.html, and DIR/index.html.  Files are written to a\n"
        "temporary name and renamed, so a failure never leaves a truncated file.  Outputs hold\n"
        "no timestamps: the same inputs give the same bytes.\n"
        "\n"
        "Options:\n"
        "    -o, --output DIR   output folder (created if missing) [required]\n"
        "    -d, --digits N     significant digits in tables, 0 = shortest exact [7]\n"
        "    -q, --quiet        no progress lines on a terminal\n"
        "    -h, --help         this text\n"
        "\n"
        "Exit: 0 all analyses written; 1 an analysis failed on its data or spec (the others are\n"
        "still written); 2 usage; 3 I/O.\n"
        "\n"
        "Examples:\n"
        "    metasum report datasets/analyses.csv -o reports\n"
        "    metasum report my_analyses.csv -o out --digits 4\n");
}

/* ---- analysis output bookkeeping ---- */

int analysis_add_table(analysis_output *o, msum_table *t)
{
    if (!t) return MSUM_ENOMEM;
    msum_table **v = realloc(o->tables, (o->ntables + 1) * sizeof *v);
    if (!v) {
        msum_table_free(t);
        return MSUM_ENOMEM;
    }
    o->tables = v;
    o->tables[o->ntables++] = t;
    return MSUM_OK;
}

int analysis_add_plot(analysis_output *o, const char *name, char *svg_owned)
{
    char *n = svg_owned ? strdup(name) : NULL;
    char **a = n ? realloc(o->plot_names, (o->nplots + 1) * sizeof *a) : NULL;
    if (a) o->plot_names = a;
    char **b = a ? realloc(o->plots, (o->nplots + 1) * sizeof *b) : NULL;
    if (!b) {
        free(n);
        free(svg_owned);
        return MSUM_ENOMEM;
    }
    o->plots = b;
    o->plot_names[o->nplots] = n;
    o->plots[o->nplots++] = svg_owned;
    return MSUM_OK;
}

void analysis_output_free(analysis_output *o)
{
    for (size_t i = 0; i < o->ntables; i++) msum_table_free(o->tables[i]);
    for (size_t i = 0; i < o->nplots; i++) {
        free(o->plot_names[i]);
        free(o->plots[i]);
    }
    free(o->tables);
    free(o->plot_names);
    free(o->plots);
    memset(o, 0, sizeof *o);
}

/* ---- manifest ---- */

typedef struct {
    analysis_spec *v;
    size_t n;
    char **strings; /* owned copies of every cell */
    size_t nstrings;
} manifest;

static const char *keep(manifest *m, const char *s)
{
    char *c = strdup(s ? s : "");
    char **v = c ? realloc(m->strings, (m->nstrings + 1) * sizeof *v) : NULL;
    if (!v) {
        free(c);
        return NULL;
    }
    m->strings = v;
    m->strings[m->nstrings++] = c;
    return c;
}

static void manifest_free(manifest *m)
{
    for (size_t i = 0; i < m->nstrings; i++) free(m->strings[i]);
    free(m->strings);
    free(m->v);
}

static int safe_id(const char *s)
{
    if (!*s || *s == '.') return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '.' || *s == '_' || *s == '-'))
            return 0;
    return 1;
}

static const char *const spec_cols[] = {"id", "title", "dataset", "filter", "kind", "measure",
                                        "method", "test", "by", "mods", "formats", "plots",
                                        "columns"};
enum { NSPEC = sizeof spec_cols / sizeof spec_cols[0] };

static int read_manifest(const char *path, manifest *m, msum_diags *d)
{
    msum_reader *r = NULL;
    int st = msum_reader_open(path, NULL, d, &r);
    if (st != MSUM_OK) return st;
    const char *name = keep(m, msum_reader_name(r)); /* outlives the reader */
    if (!name) {
        msum_reader_free(r);
        return MSUM_ENOMEM;
    }
    const msum_row *h = msum_reader_header(r);
    int idx[NSPEC];
    for (int j = 0; j < NSPEC; j++) {
        idx[j] = -1;
        for (size_t c = 0; c < h->n; c++)
            if (strcmp(h->cell[c], spec_cols[j]) == 0) idx[j] = (int)c;
    }
    for (int j = 0; j < NSPEC; j++)
        if (idx[j] < 0 && (j == 0 || j == 2 || j == 4))
            msum_diags_add(d, MSUM_DIAG_ERROR, name, 1, 0, spec_cols[j],
                           "missing required column; the manifest needs id, dataset and kind");
    if (msum_diags_errors(d)) {
        msum_reader_free(r);
        return MSUM_EDATA;
    }
    msum_row row;
    while ((st = msum_reader_next(r, &row)) > 0) {
        analysis_spec *v = realloc(m->v, (m->n + 1) * sizeof *v);
        if (!v) {
            msum_reader_free(r);
            return MSUM_ENOMEM;
        }
        m->v = v;
        const char *f[NSPEC];
        for (int j = 0; j < NSPEC; j++) {
            f[j] = keep(m, idx[j] >= 0 && (size_t)idx[j] < row.n ? row.cell[idx[j]] : "");
            if (!f[j]) {
                msum_reader_free(r);
                return MSUM_ENOMEM;
            }
        }
        analysis_spec s = {f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9], f[10],
                           f[11], name, row.row_line, f[12]};
        if (!safe_id(s.id))
            msum_diags_add(d, MSUM_DIAG_ERROR, name, row.row_line, row.col[idx[0]], "id",
                           "found '%s', expected a folder name of letters, digits, '.', '_' "
                           "or '-' (not starting with '.')", s.id);
        for (size_t i = 0; i < m->n; i++)
            if (strcmp(m->v[i].id, s.id) == 0)
                msum_diags_add(d, MSUM_DIAG_ERROR, name, row.row_line, row.col[idx[0]], "id",
                               "duplicate id '%s' (first on line %ld)", s.id, m->v[i].line);
        m->v[m->n++] = s;
    }
    msum_reader_free(r);
    if (st < 0) return MSUM_EPARSE;
    return msum_diags_errors(d) ? MSUM_EDATA : MSUM_OK;
}

/* ---- output ---- */

static int make_dir(const char *path)
{
    if (mkdir(path, 0777) == 0 || errno == EEXIST) return MSUM_OK;
    return MSUM_EIO;
}

/* "csv;md" -> formats; unknown names are spec errors. */
static int parse_formats(const analysis_spec *s, const char *manifest_name, int want[6],
                         msum_diags *d)
{
    const char *list = *s->formats ? s->formats : "csv;md;json;html;xlsx";
    memset(want, 0, 6 * sizeof *want);
    char buf[256];
    snprintf(buf, sizeof buf, "%s", list);
    int ok = 1;
    for (char *save = NULL, *tok = strtok_r(buf, ";", &save); tok;
         tok = strtok_r(NULL, ";", &save)) {
        msum_format f;
        if (msum_format_parse(tok, &f)) want[f] = 1;
        else {
            msum_diags_add(d, MSUM_DIAG_ERROR, manifest_name, s->line, 0, "formats",
                           "found '%s', expected csv, tsv, md, json, html or xlsx", tok);
            ok = 0;
        }
    }
    return ok;
}

static char *path_join(const char *a, const char *b, const char *c)
{
    size_t n = strlen(a) + strlen(b) + (c ? strlen(c) : 0) + 3;
    char *p = malloc(n);
    if (p) snprintf(p, n, "%s/%s%s%s", a, b, c ? "/" : "", c ? c : "");
    return p;
}

static int write_text_file(const char *path, const char *text)
{
    msum_atomic *a = NULL;
    int st = msum_atomic_open(path, &a);
    if (st != MSUM_OK) return st;
    fputs(text, msum_atomic_fp(a));
    return msum_atomic_commit(a);
}

/* The caption under a plot on the analysis page. */
static const char *plot_caption(const char *name)
{
    static const char *const caps[][2] = {
        {"forest", "Forest plot: each study's estimate and CI (box area by weight), the pooled "
                   "estimate (diamond) and its prediction interval (dashed)."},
        {"funnel", "Funnel plot: effect against standard error, with the pseudo 95% CI funnel "
                   "around the pooled estimate."},
        {"evidence_map", "Evidence map: findings per source and outcome, coloured by the "
                         "direction of the effect for skin aging; the number is the count."},
    };
    for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++)
        if (strcmp(name, caps[i][0]) == 0) return caps[i][1];
    return name;
}

/* Write one analysis' folder.  Returns MSUM_OK or MSUM_EIO/MSUM_ENOMEM. */
static int write_analysis(const char *outdir, const analysis_spec *s, const int want[6],
                          const analysis_output *o, const msum_write_opts *wo)
{
    char *dir = path_join(outdir, s->id, NULL);
    if (!dir) return MSUM_ENOMEM;
    int st = make_dir(dir);
    for (int f = MSUM_FMT_CSV; st == MSUM_OK && f <= MSUM_FMT_HTML; f++) {
        if (!want[f]) continue;
        for (size_t i = 0; st == MSUM_OK && i < o->ntables; i++) {
            char file[512];
            snprintf(file, sizeof file, "%s.%s", msum_table_name(o->tables[i]),
                     msum_format_name((msum_format)f));
            char *p = path_join(dir, file, NULL);
            st = p ? msum_write_file(p, (const msum_table *const *)&o->tables[i], 1,
                                     (msum_format)f, wo)
                   : MSUM_ENOMEM;
            free(p);
        }
    }
    if (st == MSUM_OK && want[MSUM_FMT_XLSX] && o->ntables) {
        char file[512];
        snprintf(file, sizeof file, "%s.xlsx", s->id);
        char *p = path_join(dir, file, NULL);
        st = p ? msum_write_xlsx(p, (const msum_table *const *)o->tables, o->ntables, wo)
               : MSUM_ENOMEM;
        free(p);
    }
    for (size_t i = 0; st == MSUM_OK && i < o->nplots; i++) {
        char file[512];
        snprintf(file, sizeof file, "%s.svg", o->plot_names[i]);
        char *p = path_join(dir, file, NULL);
        st = p ? write_text_file(p, o->plots[i]) : MSUM_ENOMEM;
        free(p);
    }
    if (st == MSUM_OK) { /* the analysis page: plots first, then every table */
        size_t n = 0, cap = 2 + o->nplots + o->ntables;
        msum_html_item *items = calloc(cap, sizeof *items);
        char *p = path_join(dir, "index.html", NULL);
        if (!items || !p) st = MSUM_ENOMEM;
        else {
            items[n++] = (msum_html_item){.kind = MSUM_HTML_HEADING,
                                          .text = *s->title ? s->title : s->id, .level = 1};
            items[n++] = (msum_html_item){.kind = MSUM_HTML_LINK, .href = "../index.html",
                                          .text = "All analyses"};
            for (size_t i = 0; i < o->nplots; i++)
                items[n++] = (msum_html_item){.kind = MSUM_HTML_SVG, .svg = o->plots[i],
                                              .text = plot_caption(o->plot_names[i])};
            for (size_t i = 0; i < o->ntables; i++)
                items[n++] = (msum_html_item){.kind = MSUM_HTML_TABLE, .table = o->tables[i]};
            msum_atomic *a = NULL;
            st = msum_atomic_open(p, &a);
            if (st == MSUM_OK) {
                st = msum_write_html_page(msum_atomic_fp(a), *s->title ? s->title : s->id, items,
                                          n, wo);
                if (st == MSUM_OK) st = msum_atomic_commit(a);
                else msum_atomic_abort(a);
            }
        }
        free(items);
        free(p);
    }
    free(dir);
    return st;
}

/* The index page: one entry per analysis, with its status. */
static int write_index(const char *outdir, const manifest *m, const int *status)
{
    size_t cap = 2 + 2 * m->n, n = 0;
    msum_html_item *items = calloc(cap, sizeof *items);
    char **hrefs = calloc(m->n ? m->n : 1, sizeof *hrefs);
    char *p = path_join(outdir, "index.html", NULL);
    int st = (items && hrefs && p) ? MSUM_OK : MSUM_ENOMEM;
    if (st == MSUM_OK) {
        items[n++] = (msum_html_item){.kind = MSUM_HTML_HEADING, .text = "metasum report",
                                      .level = 1};
        items[n++] = (msum_html_item){
            .kind = MSUM_HTML_PARAGRAPH,
            .text = "One entry per analysis of the manifest; each page holds its tables "
                    "(also as CSV, Markdown, JSON and XLSX files in the same folder) and plots."};
        for (size_t i = 0; i < m->n && st == MSUM_OK; i++) {
            const analysis_spec *s = &m->v[i];
            const char *label = *s->title ? s->title : s->id;
            if (status[i] == MSUM_OK) {
                hrefs[i] = path_join(s->id, "index.html", NULL);
                if (!hrefs[i]) st = MSUM_ENOMEM;
                items[n++] = (msum_html_item){.kind = MSUM_HTML_LINK, .href = hrefs[i],
                                              .text = label};
            } else {
                hrefs[i] = malloc(strlen(label) + 64);
                if (!hrefs[i]) st = MSUM_ENOMEM;
                else sprintf(hrefs[i], "%s (failed: %s)", label,
                             msum_strerror((msum_status)status[i]));
                items[n++] = (msum_html_item){.kind = MSUM_HTML_PARAGRAPH, .text = hrefs[i]};
            }
        }
    }
    if (st == MSUM_OK) {
        msum_atomic *a = NULL;
        st = msum_atomic_open(p, &a);
        if (st == MSUM_OK) {
            st = msum_write_html_page(msum_atomic_fp(a), "metasum report", items, n, NULL);
            if (st == MSUM_OK) st = msum_atomic_commit(a);
            else msum_atomic_abort(a);
        }
    }
    for (size_t i = 0; hrefs && i < m->n; i++) free(hrefs[i]);
    free(hrefs);
    free(items);
    free(p);
    return st;
}

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash) return strdup(".");
    size_t n = (size_t)(slash - path);
    char *d = malloc(n + 2);
    if (!d) return NULL;
    if (n == 0) strcpy(d, "/");
    else {
        memcpy(d, path, n);
        d[n] = 0;
    }
    return d;
}

int cmd_report(int argc, char **argv)
{
    const char *outdir = NULL, *mpath = NULL;
    msum_write_opts wo = MSUM_WRITE_OPTS_DEFAULT;
    int quiet = 0;
    for (int i = 1; i < argc; i++) {
        const char *v, *a = argv[i];
        int r;
        if ((r = cli_opt("report", argc, argv, &i, "--output", "-o", &v)) != 0) {
            if (r < 0) return EXIT_USAGE;
            outdir = v;
        } else if ((r = cli_opt("report", argc, argv, &i, "--digits", "-d", &v)) != 0) {
            if (r < 0 || !cli_opt_digits("report", v, &wo.digits)) return EXIT_USAGE;
        } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            quiet = 1;
        } else if (a[0] == '-' && a[1] != '\0') {
            return cli_usage_error("report", "unknown option '%s'", a);
        } else if (mpath) {
            return cli_usage_error("report", "one MANIFEST expected, found '%s' and '%s'", mpath,
                                   a);
        } else {
            mpath = a;
        }
    }
    if (!mpath || !outdir) {
        cli_error("report", "expected one MANIFEST and -o DIR (see 'metasum report --help')");
        return EXIT_USAGE;
    }
    msum_diags *d = msum_diags_new();
    manifest m = {0};
    int st = d ? read_manifest(mpath, &m, d) : MSUM_ENOMEM;
    if (st != MSUM_OK) {
        cli_print_diags(stderr, d);
        manifest_free(&m);
        msum_diags_free(d);
        return st == MSUM_EIO ? EXIT_IO : EXIT_DATA;
    }
    if (make_dir(outdir) != MSUM_OK) {
        cli_error("report", "cannot create '%s': %s", outdir, strerror(errno));
        manifest_free(&m);
        msum_diags_free(d);
        return EXIT_IO;
    }
    char *basedir = dir_of(mpath);
    int *status = calloc(m.n ? m.n : 1, sizeof *status);
    int tty = !quiet && isatty(STDERR_FILENO);
    int any_data = 0, any_io = !basedir || !status;
    for (size_t i = 0; !any_io && i < m.n; i++) {
        const analysis_spec *s = &m.v[i];
        if (tty) fprintf(stderr, "[%zu/%zu] %s\n", i + 1, m.n, s->id);
        msum_diags *ad = msum_diags_new();
        analysis_output o = {0};
        int want[6];
        st = !ad ? MSUM_ENOMEM
             : !parse_formats(s, mpath, want, ad) ? MSUM_EDATA
             : analysis_run(s, basedir, &o, ad);
        if (st == MSUM_OK) st = write_analysis(outdir, s, want, &o, &wo);
        if (ad && msum_diags_count(ad)) cli_print_diags(stderr, ad);
        if (st != MSUM_OK)
            fprintf(stderr, "metasum report: analysis '%s' (%s line %ld) failed: %s\n", s->id,
                    mpath, s->line, msum_strerror((msum_status)st));
        status[i] = st;
        if (st == MSUM_EIO || st == MSUM_ENOMEM) any_io = 1;
        else if (st != MSUM_OK) any_data = 1;
        analysis_output_free(&o);
        msum_diags_free(ad);
    }
    if (!any_io && write_index(outdir, &m, status) != MSUM_OK) any_io = 1;
    if (any_io) cli_error("report", "could not write the report under '%s'", outdir);
    free(status);
    free(basedir);
    manifest_free(&m);
    msum_diags_free(d);
    return any_io ? EXIT_IO : any_data ? EXIT_DATA : EXIT_OK;
}
