/* metasum report: run every analysis of a manifest and write one folder per analysis (tables in
 * every requested format, SVG plots, an HTML page) plus an index.html linking them all.
 * All or nothing: the report is built in a fresh folder beside the output and swapped in only
 * when every analysis succeeded, under a lock file, so a failure, a kill or a second run never
 * leaves a mix of old and new files.  Datasets must lie inside the manifest's folder. */
#define _XOPEN_SOURCE 700 /* realpath (XSI) */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analysis.h"
#include "cli.h"
#include "metasum/dataset.h"
#include "metasum/findings.h"
#include "metasum/reader.h"
#include "metasum/render.h"
#include "metasum/report.h"
#include "metasum/write.h"

void usage_report(FILE *fp)
{
    fprintf(fp,
        "About:   Run every analysis listed in a manifest and write tables, plots and HTML.\n"
        "Usage:   metasum report [OPTIONS] MANIFEST -o DIR\n"
        "\n"
        "The manifest is a CSV with one row per analysis; columns (only id, dataset and kind\n"
        "are required):\n"
        "    id        folder name for the analysis: 1 to 64 characters from A-Z a-z 0-9\n"
        "              . _ -, not starting with '-' or '.', unique (ignoring case)\n"
        "    title     heading of its page\n"
        "    dataset   effect CSV, relative to the manifest's folder and inside it (no\n"
        "              absolute path, no '..' or symbolic link leading out; see\n"
        "              --allow-outside)\n"
        "    filter    keep rows where col=value (several: col=a;col2=b)\n"
        "    kind      effects | pool | compare | summarize | bias | sensitivity | table\n"
        "              (the CSV itself)\n"
        "    measure   effect measure (MD, SMD, ROM, RR, OR, RD, ZCOR) where the data need one\n"
        "    method    tau2 estimator for pool/compare [REML]\n"
        "    test      z | knha | adhoc [z]\n"
        "    by        grouping columns, ';'-separated (pool: one fit per group; compare:\n"
        "              subgroups; summarize: evidence-map axes)\n"
        "    mods      meta-regression moderators for compare, ';'-separated\n"
        "    formats   ';'-separated from csv tsv md json html xlsx [csv;md;json;html;xlsx]\n"
        "    plots     ';'-separated, drawn in this order: forest funnel (pool), forest\n"
        "              (compare with by), comparisons timecourse effect_direction\n"
        "              evidence_map (summarize), funnel_trimfill funnel_contour funnel_egger\n"
        "              radial (bias), leave1out cumul baujat influence (sensitivity) [none];\n"
        "              names only: each is written as NAME.svg, .png and .pdf\n"
        "    favours   forest plots: 'LEFT;RIGHT', shown as 'Favours LEFT' left and 'Favours\n"
        "              RIGHT' right of the null line [none]\n"
        "    columns   which column is which, as --col: m1i=Mean_T;sd1i=SD_T (docs/columns.md)\n"
        "Any other setting of 'metasum help options' is a column too, by its name (level,\n"
        "sort, pairs, order, ...), with the value the command line takes; a value is checked\n"
        "as there, and a wrong one is reported at MANIFEST:LINE:COL naming the column.\n"
        "\n"
        "Writes DIR/ID/TABLE.FORMAT for each table, DIR/ID/ID.xlsx (one sheet per table),\n"
        "DIR/ID/PLOT.svg with PLOT.png and PLOT.pdf rendered from it, DIR/ID/index.html,\n"
        "and DIR/index.html.  Outputs hold no\n"
        "timestamps: the same inputs give the same bytes.\n"
        "\n"
        "All or nothing: the report is built in a new folder DIR.new-PID beside DIR and put in\n"
        "place of DIR only when every analysis succeeded; otherwise (a failed analysis, a full\n"
        "disk, SIGINT or SIGTERM) the new folder is removed and DIR is left as it was.  DIR is\n"
        "replaced as a whole, so it must be missing, empty or an earlier report.  While it\n"
        "runs, report holds the lock file DIR.lock: a second report into DIR stops at once,\n"
        "naming the process that holds it (a lock left by a process that no longer runs is\n"
        "taken over).  Symbolic links inside DIR are never followed.\n"
        "\n"
        "--allow-outside lets datasets lie outside the manifest's folder (absolute paths,\n"
        "'..', symbolic links); it is off by default so a shared report cannot publish other\n"
        "files of the machine.  -o DIR is required.\n"
        "\n");
    cli_print_settings(fp, "report");
    fprintf(fp,
        "\n"
        "Exit: 0 the report was written; 1 an analysis failed on its data or spec (every\n"
        "analysis still runs, so all problems are listed; DIR is unchanged); 2 usage; 3 I/O:\n"
        "a dataset could not be read, a file could not be written, DIR is locked by another\n"
        "report (DIR is unchanged).\n"
        "\n"
        "Examples:\n"
        "    metasum report datasets/analyses.csv -o reports\n"
        "    metasum report my_analyses.csv -o out --digits 4\n");
}

/* ---- manifest ---- */

typedef struct {
    analysis_spec *v;
    msum_spec *ms; /* the same rows as specs (every column checked by the field table) */
    unsigned char *bad; /* the row's settings have errors (reported; it is not run) */
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
    for (size_t i = 0; i < m->n; i++) msum_spec_clear(&m->ms[i]);
    free(m->strings);
    free(m->v);
    free(m->ms);
    free(m->bad);
}

/* Ids become folder names: the rule an id breaks, or NULL.  At most 64 characters; no leading
 * '-' (read as an option by tools given the name) or '.' (hidden, "." and ".."). */
#define ID_RULE "a folder name of 1 to 64 characters from A-Z a-z 0-9 . _ -, not starting with " \
                "'-' or '.'"

static const char *id_problem(const char *s, char *why, size_t n)
{
    size_t len = strlen(s);
    if (len == 0) return "empty";
    if (len > 64) {
        snprintf(why, n, "%zu characters", len);
        return why;
    }
    if (*s == '-' || *s == '.') {
        snprintf(why, n, "starts with '%c'", *s);
        return why;
    }
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-')) {
            if (c > 0x20 && c < 0x7F) snprintf(why, n, "holds '%c'", c);
            else snprintf(why, n, "holds the byte 0x%02X", c);
            return why;
        }
    }
    return NULL;
}

/* The dataset must lie inside the manifest's folder: a report is shared, and must not publish
 * other files of the machine that built it.  The problem, or NULL (also for a missing file,
 * which the analysis reports).  Checked by name ('..' that climbs out) and, for a file that
 * exists, after resolving symbolic links (realpath prefix). */
static const char *dataset_problem(const char *basedir, const char *ds)
{
    if (!*ds) return NULL;
    if (ds[0] == '/') return "an absolute path";
    long depth = 0;
    for (const char *p = ds; *p;) {
        size_t n = strcspn(p, "/");
        if (n == 2 && p[0] == '.' && p[1] == '.') {
            if (--depth < 0) return "'..' leads out";
        } else if (n > 0 && !(n == 1 && p[0] == '.')) {
            depth++;
        }
        p += n;
        if (*p) p++;
    }
    size_t plen = strlen(basedir) + strlen(ds) + 2;
    char *joined = malloc(plen);
    if (!joined) return NULL;
    snprintf(joined, plen, "%s/%s", basedir, ds);
    char *rb = realpath(basedir, NULL), *rd = realpath(joined, NULL);
    const char *why = NULL;
    if (rb && rd) {
        size_t lb = strlen(rb);
        int inside = strcmp(rb, "/") == 0 ||
                     (strncmp(rd, rb, lb) == 0 && rd[lb] == '/');
        if (!inside) why = "a symbolic link leads out";
    }
    free(rb);
    free(rd);
    free(joined);
    return why;
}

/* Can a manifest column set this field?  Not the command line's own settings. */
static int manifest_field(const msum_setting *f)
{
    return strcmp(f->name, "output") != 0 && strcmp(f->name, "quiet") != 0 &&
           strcmp(f->name, "allow_outside") != 0 && (f->kinds & ((1u << MSUM_NKINDS) - 1));
}

/* One manifest row as a spec: the kind first, then every given cell through msum_spec_set, so
 * a value is checked as the command line checks it; messages name the manifest column. */
static int row_spec(msum_spec *sp, const msum_setting **fld, const msum_row *row, size_t ncols,
                    const char *name, const char *basedir, msum_diags *d)
{
    sp->origin = name;
    sp->line = row->row_line;
    sp->basedir = basedir;
    char err[512];
    int kind_ok = 0;
    for (size_t c = 0; c < ncols && c < row->n; c++)
        if (fld[c] && strcmp(fld[c]->name, "kind") == 0) {
            kind_ok = msum_spec_set(sp, fld[c], row->cell[c], err, sizeof err) == MSUM_OK;
            if (!kind_ok)
                msum_diags_add(d, MSUM_DIAG_ERROR, name, row->row_line, row->col[c], "kind",
                               "%s", err);
        }
    for (size_t c = 0; c < ncols && c < row->n; c++) {
        const msum_setting *f = fld[c];
        if (!f || !row->len[c] || strcmp(f->name, "kind") == 0) continue;
        if (kind_ok && !(f->kinds & MSUM_KBIT(sp->kind))) {
            msum_diags_add(d, MSUM_DIAG_ERROR, name, row->row_line, row->col[c], f->name,
                           "found '%.60s', but kind '%s' takes no %s", row->cell[c],
                           msum_kind_name(sp->kind), f->name);
            continue;
        }
        if (strcmp(f->name, "plots") == 0 && strchr(row->cell[c], '=')) {
            /* NAME=FILE is the command line's; a report names its files itself */
            msum_diags_add(d, MSUM_DIAG_ERROR, name, row->row_line, row->col[c], f->name,
                           "found '%.60s', expected plot names only: a report writes each "
                           "plot as NAME.svg, NAME.png and NAME.pdf in the analysis' folder",
                           row->cell[c]);
            continue;
        }
        int st = msum_spec_set(sp, f, row->cell[c], err, sizeof err);
        if (st == MSUM_ENOMEM) return st;
        if (st != MSUM_OK && strcmp(err, "out of memory") == 0) return MSUM_ENOMEM;
        if (st != MSUM_OK)
            msum_diags_add(d, MSUM_DIAG_ERROR, name, row->row_line, row->col[c], f->name, "%s",
                           err);
    }
    return MSUM_OK;
}

static const char *const spec_cols[] = {"id", "title", "dataset", "filter", "kind", "measure",
                                        "method", "test", "by", "mods", "formats", "plots",
                                        "favours", "columns"};
enum { NSPEC = sizeof spec_cols / sizeof spec_cols[0] };

static int read_manifest(const char *path, const char *basedir, int allow_outside, manifest *m,
                         msum_diags *d)
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
    /* every other column must be a setting of the field table (metasum help options) */
    const msum_setting **fld = calloc(h->n + 1, sizeof *fld);
    if (!fld) {
        msum_reader_free(r);
        return MSUM_ENOMEM;
    }
    for (size_t c = 0; c < h->n; c++) {
        fld[c] = msum_setting_find(h->cell[c]);
        if (fld[c] && (fld[c]->option && strcmp(fld[c]->name, h->cell[c]) != 0))
            fld[c] = NULL; /* the manifest spells a setting by its name ("columns") */
        if (fld[c] && !manifest_field(fld[c])) fld[c] = NULL;
        if (!fld[c])
            msum_diags_add(d, MSUM_DIAG_WARNING, name, 1, h->col[c], h->cell[c],
                           "not a manifest column; ignored (the columns are the settings "
                           "'metasum help options' lists, by name)");
    }
    msum_row row;
    size_t spec_errs = 0;
    while ((st = msum_reader_next(r, &row)) > 0) {
        analysis_spec *v = realloc(m->v, (m->n + 1) * sizeof *v);
        msum_spec *ms = v ? realloc(m->ms, (m->n + 1) * sizeof *ms) : NULL;
        if (v) m->v = v;
        if (ms) m->ms = ms;
        unsigned char *bd = ms ? realloc(m->bad, m->n + 1) : NULL;
        if (bd) m->bad = bd;
        if (!bd) {
            free(fld);
            msum_reader_free(r);
            return MSUM_ENOMEM;
        }

        const char *f[NSPEC];
        for (int j = 0; j < NSPEC; j++) {
            f[j] = keep(m, idx[j] >= 0 && (size_t)idx[j] < row.n ? row.cell[idx[j]] : "");
            if (!f[j]) {
                free(fld);
                msum_reader_free(r);
                return MSUM_ENOMEM;
            }
        }
        msum_spec *sp = &m->ms[m->n];
        msum_spec_init(sp);
        size_t before = msum_diags_errors(d);
        int rs = row_spec(sp, fld, &row, h->n, name, basedir, d);
        m->bad[m->n] = msum_diags_errors(d) > before;
        spec_errs += msum_diags_errors(d) - before;
        if (rs == MSUM_ENOMEM) {
            msum_spec_clear(sp);
            free(fld);
            msum_reader_free(r);
            return MSUM_ENOMEM;
        }
        analysis_spec s = {f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9], f[10],
                           f[11], f[12], name, row.row_line, f[13]};
        long idcol = (size_t)idx[0] < row.n ? row.col[idx[0]] : 0;
        long dscol = (size_t)idx[2] < row.n ? row.col[idx[2]] : 0;
        char why[64];
        const char *bad = id_problem(s.id, why, sizeof why);
        if (bad)
            msum_diags_add(d, MSUM_DIAG_ERROR, name, row.row_line, idcol, "id",
                           "found '%.40s%s' (%s), expected %s", s.id,
                           strlen(s.id) > 40 ? "..." : "", bad, ID_RULE);
        for (size_t i = 0; !bad && i < m->n; i++)
            if (strcasecmp(m->v[i].id, s.id) == 0) /* one folder on case-blind file systems */
                msum_diags_add(d, MSUM_DIAG_ERROR, name, row.row_line, idcol, "id",
                               "duplicate id '%s' (first on line %ld as '%s'; ids are compared "
                               "ignoring case)", s.id, m->v[i].line, m->v[i].id);
        const char *out = allow_outside ? NULL : dataset_problem(basedir, s.dataset);
        if (out)
            msum_diags_add(d, MSUM_DIAG_ERROR, name, row.row_line, dscol, "dataset",
                           "found '%s' (%s), expected a file inside the manifest's folder "
                           "(--allow-outside permits others)", s.dataset, out);
        m->v[m->n++] = s;
    }
    free(fld);
    msum_reader_free(r);
    if (st < 0) return MSUM_EPARSE;
    /* a row whose settings are wrong fails alone when it runs; other errors stop here */
    return msum_diags_errors(d) > spec_errs ? MSUM_EDATA : MSUM_OK;
}

/* ---- output ---- */

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
        if (msum_format_parse(tok, &f) && f <= MSUM_FMT_XLSX) want[f] = 1;
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

/* Files are written under `root` (the new folder DIR.new-PID) and named in messages under
 * `shown` (DIR as the user gave it), which is where they will be. */
typedef struct {
    const char *root, *shown;
} outloc;

/* "cannot write 'DIR/rel': reason"; returns st. */
static int write_error(const outloc *L, const char *rel, int st, int err)
{
    if (st == MSUM_ENOMEM) cli_error("report", "out of memory");
    else
        cli_error("report", "cannot write '%s/%s': %s", L->shown, rel,
                  err ? strerror(err) : msum_strerror((msum_status)st));
    return st;
}

static int write_text_file(const char *path, const char *text)
{
    msum_atomic *a = NULL;
    int st = msum_atomic_open(path, &a);
    if (st != MSUM_OK) return st;
    fputs(text, msum_atomic_fp(a));
    return msum_atomic_commit(a);
}

static int write_page(const char *path, const char *title, const msum_html_item *items,
                      size_t n, const msum_write_opts *wo)
{
    msum_atomic *a = NULL;
    int st = msum_atomic_open(path, &a);
    if (st != MSUM_OK) return st;
    st = msum_write_html_page(msum_atomic_fp(a), title, items, n, wo);
    if (st == MSUM_OK) return msum_atomic_commit(a);
    int e = errno;
    msum_atomic_abort(a);
    errno = e;
    return st;
}

/* One file of an analysis: ROOT/ID/FILE.  What writes it: a table in a text format, the XLSX
 * of all tables, an SVG text, the SVG rendered as the PNG or PDF FILE names, or the HTML page. */
typedef enum { OUT_TABLE, OUT_XLSX, OUT_SVG, OUT_RENDER, OUT_PAGE } out_kind;

typedef struct {
    out_kind kind;
    const msum_table *const *tables;
    size_t ntables;
    msum_format fmt;
    const char *text; /* SVG markup; page title */
    const msum_html_item *items;
    size_t nitems;
} out_file;

static int put_file(const outloc *L, const char *id, const char *file, const out_file *f,
                    const msum_write_opts *wo)
{
    char rel[600];
    snprintf(rel, sizeof rel, "%s/%s", id, file);
    char *p = path_join(L->root, rel, NULL);
    if (!p) return write_error(L, rel, MSUM_ENOMEM, 0);
    int st;
    errno = 0;
    switch (f->kind) {
    case OUT_TABLE: st = msum_write_file(p, f->tables, f->ntables, f->fmt, wo); break;
    case OUT_XLSX: st = msum_write_xlsx(p, f->tables, f->ntables, wo); break;
    case OUT_SVG: st = write_text_file(p, f->text); break;
    case OUT_RENDER: st = msum_render_file(f->text, strlen(f->text), p); break;
    default: st = write_page(p, f->text, f->items, f->nitems, wo); break;
    }
    int e = errno;
    free(p);
    return st == MSUM_OK ? MSUM_OK : write_error(L, rel, st, e);
}

/* ---- the analysis page ---- */

/* An analysis as its pages name it. */
static msum_report_entry entry_of(const analysis_spec *s, const int want[6])
{
    msum_report_entry e = {s->id, s->title, s->kind, s->dataset,
                           {{"dataset", s->dataset}, {"filter", s->filter}, {"kind", s->kind},
                            {"measure", s->measure}, {"method", s->method}, {"test", s->test},
                            {"by", s->by}, {"moderators", s->mods}},
                           {0}};
    if (want) memcpy(e.want, want, sizeof e.want);
    return e;
}

/* Write one analysis' folder (new: it must not exist yet).  Returns MSUM_OK or
 * MSUM_EIO/MSUM_ENOMEM, after saying which file and why. */
static int write_analysis(const outloc *L, const analysis_spec *s, const int want[6],
                          const analysis_output *o, const msum_write_opts *wo)
{
    char *dir = path_join(L->root, s->id, NULL);
    if (!dir) return write_error(L, s->id, MSUM_ENOMEM, 0);
    int st = mkdir(dir, 0777) == 0 ? MSUM_OK : write_error(L, s->id, MSUM_EIO, errno);
    free(dir);
    const msum_table *const *ts = (const msum_table *const *)o->tables;
    char file[512];
    for (int f = MSUM_FMT_CSV; st == MSUM_OK && f <= MSUM_FMT_HTML; f++) {
        if (!want[f]) continue;
        for (size_t i = 0; st == MSUM_OK && i < o->ntables; i++) {
            snprintf(file, sizeof file, "%s.%s", msum_table_name(o->tables[i]),
                     msum_format_name((msum_format)f));
            out_file of = {.kind = OUT_TABLE, .tables = ts + i, .ntables = 1,
                           .fmt = (msum_format)f};
            st = put_file(L, s->id, file, &of, wo);
        }
    }
    if (st == MSUM_OK && want[MSUM_FMT_XLSX] && o->ntables) {
        snprintf(file, sizeof file, "%s.xlsx", s->id);
        out_file of = {.kind = OUT_XLSX, .tables = ts, .ntables = o->ntables};
        st = put_file(L, s->id, file, &of, wo);
    }
    /* each plot as SVG, and PNG and PDF rendered from that SVG (src/io/render.c) */
    static const char *const plot_ext[] = {"svg", "png", "pdf"};
    char (*links)[2][600] = calloc(o->nplots + 1, sizeof *links);
    if (!links) return write_error(L, s->id, MSUM_ENOMEM, 0);
    for (size_t i = 0; st == MSUM_OK && i < o->nplots; i++)
        for (int e = 0; st == MSUM_OK && e < 3; e++) {
            snprintf(file, sizeof file, "%s.%s", o->plot_names[i], plot_ext[e]);
            out_file of = {.kind = e ? OUT_RENDER : OUT_SVG, .text = o->plots[i]};
            st = put_file(L, s->id, file, &of, wo);
            if (e) snprintf(links[i][e - 1], sizeof links[i][e - 1], "%s", file);
        }
    if (st != MSUM_OK) {
        free(links);
        return st;
    }
    msum_report_page pg = {0};
    const char **png = calloc(o->nplots + 1, sizeof *png), **pdf = calloc(o->nplots + 1, sizeof *pdf);
    for (size_t i = 0; png && pdf && i < o->nplots; i++) {
        png[i] = links[i][0];
        pdf[i] = links[i][1];
    }
    msum_report_entry e = entry_of(s, want);
    st = png && pdf ? msum_report_analysis_page(&e, o, png, pdf, &pg) : MSUM_ENOMEM;
    if (st != MSUM_OK) {
        msum_report_page_free(&pg);
        free(png);
        free(pdf);
        free(links);
        return write_error(L, s->id, st, 0);
    }
    const char *title = *s->title ? s->title : s->id;
    out_file of = {.kind = OUT_PAGE, .text = title, .items = pg.items, .nitems = pg.n};
    st = put_file(L, s->id, "index.html", &of, wo);
    msum_report_page_free(&pg); /* points into links, png, pdf */
    free(png);
    free(pdf);
    free(links);
    return st;
}

/* The index page (written only when every analysis succeeded). */
static int write_index(const outloc *L, const manifest *m, char *const *firsts)
{
    msum_report_entry *es = calloc(m->n ? m->n : 1, sizeof *es);
    char *p = path_join(L->root, "index.html", NULL);
    msum_report_page pg = {0};
    int st = es && p ? MSUM_OK : MSUM_ENOMEM;
    for (size_t i = 0; st == MSUM_OK && i < m->n; i++) es[i] = entry_of(&m->v[i], NULL);
    if (st == MSUM_OK) st = msum_report_index_page(es, m->n, (const char *const *)firsts, &pg);
    errno = 0;
    if (st == MSUM_OK) st = write_page(p, "metasum report", pg.items, pg.n, NULL);
    int e = errno;
    msum_report_page_free(&pg);
    free(es);
    free(p);
    return st == MSUM_OK ? MSUM_OK : write_error(L, "index.html", st, e);
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

/* ---- the output folder: lock, build beside, swap in ---- */

/* SIGINT, SIGTERM, SIGHUP: the handler only records the signal; the run stops at the next
 * analysis, removes its new folder and then dies of the signal.  Without SA_RESTART, a read
 * blocked on a FIFO or a slow disk returns EINTR at once.  A second signal kills at once (the
 * next run removes what is left: stale DIR.new-PID folders of dead processes). */
static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
    if (stop_signal) {
        signal(sig, SIG_DFL); /* async-signal-safe; delivered when the handler returns */
        raise(sig);
        return;
    }
    stop_signal = sig;
}

static void catch_signals(void)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        /* a signal ignored by whoever started us (nohup, background jobs) stays ignored */
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN) continue;
        sigaction(sigs[i], &sa, NULL);
    }
}

typedef struct {
    char *target;   /* the folder to replace: DIR without trailing '/' (resolved if a link) */
    char *newdir;   /* TARGET.new-PID, where the report is built */
    msum_lock *lock; /* TARGET.lock */
    int had_previous;
} output_dir;

static char *with_suffix(const char *a, const char *suffix, long n)
{
    size_t cap = strlen(a) + strlen(suffix) + 24;
    char *p = malloc(cap);
    if (p) {
        if (n >= 0) snprintf(p, cap, "%s%s%ld", a, suffix, n);
        else snprintf(p, cap, "%s%s", a, suffix);
    }
    return p;
}

/* Remove TARGET.new-PID and TARGET.old-PID folders left by report processes that were killed
 * (SIGKILL, power loss).  Called under the lock; a pid that still runs is left alone. */
static void remove_stale(const char *target)
{
    char *parent = dir_of(target);
    const char *slash = strrchr(target, '/');
    const char *base = slash ? slash + 1 : target;
    size_t bl = strlen(base);
    DIR *d = parent ? opendir(parent) : NULL;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        const char *n = e->d_name;
        if (strncmp(n, base, bl) != 0 ||
            (strncmp(n + bl, ".new-", 5) != 0 && strncmp(n + bl, ".old-", 5) != 0))
            continue;
        const char *digits = n + bl + 5;
        if (!*digits || strspn(digits, "0123456789") != strlen(digits)) continue;
        long pid = strtol(digits, NULL, 10);
        if (pid <= 0 || pid == (long)getpid() || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;
        char *p = path_join(parent, n, NULL);
        if (p) msum_tree_remove(p);
        free(p);
    }
    if (d) closedir(d);
    free(parent);
}

/* 1 when folder dir may be replaced as a whole: it is empty or holds an earlier report (its
 * index.html has the report's title).  Read without following links or waiting on a FIFO. */
static int replaceable(const char *dir)
{
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) return 0;
    int fd = openat(dfd, "index.html", O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd >= 0) {
        char buf[4096];
        ssize_t n = read(fd, buf, sizeof buf - 1);
        close(fd);
        close(dfd);
        if (n <= 0) return 0;
        buf[n] = '\0';
        return strstr(buf, "<title>metasum report</title>") != NULL;
    }
    DIR *d = fdopendir(dfd);
    if (!d) {
        close(dfd);
        return 0;
    }
    int empty = 1;
    struct dirent *e;
    while (empty && (e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) empty = 0;
    closedir(d);
    return empty;
}

static void output_close(output_dir *od, int keep_new)
{
    if (od->newdir && !keep_new) msum_tree_remove(od->newdir);
    msum_lock_release(od->lock);
    free(od->target);
    free(od->newdir);
    memset(od, 0, sizeof *od);
}

/* Lock DIR, check that it may be replaced, and create the folder the report is built in.
 * Returns EXIT_OK or an exit code after saying why. */
static int output_open(const char *outdir, output_dir *od)
{
    memset(od, 0, sizeof *od);
    char *t = strdup(outdir);
    if (!t) return cli_error("report", "out of memory"), EXIT_IO;
    for (size_t n = strlen(t); n > 1 && t[n - 1] == '/'; n--) t[n - 1] = '\0';
    const char *slash = strrchr(t, '/');
    const char *base = slash ? slash + 1 : t;
    struct stat sb;
    if (lstat(t, &sb) == 0) {
        int link = S_ISLNK(sb.st_mode);
        if (link && (stat(t, &sb) != 0 || !S_ISDIR(sb.st_mode))) {
            cli_error("report", "'%s' is a symbolic link to something that is not a folder",
                      outdir);
            free(t);
            return EXIT_IO;
        }
        if (!S_ISDIR(sb.st_mode)) {
            cli_error("report", "'%s' exists and is not a folder", outdir);
            free(t);
            return EXIT_IO;
        }
        /* The given path may be a link to the output folder: the report replaces the folder
         * it names (the link stays); "." and ".." are named by their real path. */
        if (link || strcmp(base, ".") == 0 || strcmp(base, "..") == 0 ||
            strcmp(t, "/") == 0) {
            char *r = realpath(t, NULL);
            free(t);
            if (!r) {
                cli_error("report", "cannot use '%s': %s", outdir, strerror(errno));
                return EXIT_IO;
            }
            t = r;
        }
    } else if (errno != ENOENT) {
        cli_error("report", "cannot use '%s': %s", outdir, strerror(errno));
        free(t);
        return EXIT_IO;
    }
    if (strcmp(t, "/") == 0) {
        cli_error("report", "'%s' is the root folder; give a folder for the report", outdir);
        free(t);
        return EXIT_IO;
    }
    od->target = t;
    char *lockpath = with_suffix(t, ".lock", -1);
    long holder = 0;
    int st = lockpath ? msum_lock_take(lockpath, &od->lock, &holder) : MSUM_ENOMEM;
    if (st != MSUM_OK) {
        if (st == MSUM_ENOMEM) cli_error("report", "out of memory");
        else if (errno == EAGAIN && holder > 0)
            cli_error("report", "'%s' is locked by process %ld, another report writing '%s'; "
                      "try again when it has finished", lockpath, holder, outdir);
        else if (errno == EAGAIN)
            cli_error("report", "'%s' is locked by another process writing '%s'; try again "
                      "when it has finished", lockpath, outdir);
        else cli_error("report", "cannot create the lock file '%s': %s", lockpath,
                       strerror(errno));
        free(lockpath);
        output_close(od, 0);
        return EXIT_IO;
    }
    free(lockpath);
    remove_stale(t);
    if (lstat(t, &sb) == 0) {
        if (!S_ISDIR(sb.st_mode) || !replaceable(t)) {
            cli_error("report", "'%s' is not empty and holds no earlier report (no index.html "
                      "written by metasum report); the report replaces its folder as a whole, "
                      "so give a new or empty folder", outdir);
            output_close(od, 0);
            return EXIT_IO;
        }
        od->had_previous = 1;
    }
    od->newdir = with_suffix(t, ".new-", (long)getpid());
    if (!od->newdir) {
        cli_error("report", "out of memory");
        output_close(od, 0);
        return EXIT_IO;
    }
    msum_tree_remove(od->newdir); /* left by an earlier process with this pid */
    if (mkdir(od->newdir, 0777) != 0) {
        cli_error("report", "cannot create '%s': %s", od->newdir, strerror(errno));
        free(od->newdir);
        od->newdir = NULL;
        output_close(od, 0);
        return EXIT_IO;
    }
    if (od->had_previous) chmod(od->newdir, sb.st_mode & 07777); /* keep the folder's mode */
    return EXIT_OK;
}

int cmd_report(int argc, char **argv)
{
    msum_write_opts wo = MSUM_WRITE_OPTS_DEFAULT;
    msum_spec opt; /* the command line's settings: -o, -d, -q, --allow-outside */
    msum_spec_init(&opt);
    const char *ops[2];
    int nops = 0;
    int prc = cli_parse_spec("report", argc, argv, &opt, ops, 2, &nops);
    if (prc == EXIT_OK && nops > 1) {
        prc = cli_usage_error("report", "one MANIFEST expected, found '%s' and '%s'", ops[0],
                              ops[1]);
    }
    if (prc != EXIT_OK) {
        msum_spec_clear(&opt);
        return prc;
    }
    const char *mpath = nops ? ops[0] : NULL;
    char *outdir = opt.output ? strdup(opt.output) : NULL;
    int quiet = opt.quiet, allow_outside = opt.allow_outside;
    if (opt.digits >= 0) wo.digits = opt.digits;
    msum_spec_clear(&opt);
    if (!mpath || !outdir || !*outdir) {
        free(outdir);
        cli_error("report", "expected one MANIFEST and -o DIR (see 'metasum report --help')");
        return EXIT_USAGE;
    }
    catch_signals();
    msum_diags *d = msum_diags_new();
    manifest m = {0};
    char *basedir = dir_of(mpath);
    int st = d && basedir ? read_manifest(mpath, basedir, allow_outside, &m, d) : MSUM_ENOMEM;
    if (st != MSUM_OK) { /* nothing has been touched */
        cli_print_diags(stderr, d);
        if (st == MSUM_ENOMEM) cli_error("report", "out of memory");
        manifest_free(&m);
        msum_diags_free(d);
        free(basedir);
        free(outdir);
        return st == MSUM_EIO || st == MSUM_ENOMEM ? EXIT_IO : EXIT_DATA;
    }
    cli_print_diags(stderr, d); /* warnings, and the rows whose settings are wrong */
    output_dir od;
    int rc = output_open(outdir, &od);
    if (rc != EXIT_OK) {
        manifest_free(&m);
        msum_diags_free(d);
        free(basedir);
        free(outdir);
        return rc;
    }
    outloc L = {od.newdir, outdir};
    int tty = !quiet && isatty(STDERR_FILENO);
    size_t nfailed = 0;
    char **firsts = calloc(m.n ? m.n : 1, sizeof *firsts); /* first finding per analysis */
    int any_io = 0, read_io = 0; /* a write failed (stop at once); a dataset could not be read */
    for (size_t i = 0; !any_io && !stop_signal && i < m.n; i++) {
        const analysis_spec *s = &m.v[i];
        if (tty) fprintf(stderr, "[%zu/%zu] %s\n", i + 1, m.n, s->id);
        msum_diags *ad = msum_diags_new();
        msum_result o = {0};
        int want[6];
        st = !ad ? MSUM_ENOMEM
             : m.bad[i] || !parse_formats(s, mpath, want, ad) ? MSUM_EINVAL
             : analysis_run(&m.ms[i], &o, ad);
        if (ad && msum_diags_count(ad))
            cli_print_diags_max(stderr, ad, CLI_MAX_WARNINGS, "report");
        if (st != MSUM_OK) { /* its data, its spec, or its dataset could not be read */
            if (!stop_signal)
                fprintf(stderr, "metasum report: analysis '%s' (%s line %ld) failed: %s\n",
                        s->id, mpath, s->line,
                        st == MSUM_EINVAL ? "a setting of its row is wrong (see above)"
                                          : msum_strerror((msum_status)st));
            nfailed++;
            if (st == MSUM_EIO || st == MSUM_ENOMEM) read_io = 1;
        } else if (!stop_signal && nfailed == 0) { /* after a failure it would be discarded */
            msum_write_opts rwo = wo; /* CSV/TSV tidy (header on line 1) unless the row asks
                                       * for meta; JSON, HTML and XLSX carry it anyway */
            rwo.meta = m.ms[i].meta == 1;
            if (write_analysis(&L, s, want, &o, &rwo) != MSUM_OK) any_io = 1; /* says why */
            const char *first = msum_findings_first(msum_report_findings(&o));
            if (firsts && first && !(firsts[i] = strdup(first))) any_io = 1;
        }
        msum_result_free(&o);
        msum_diags_free(ad);
    }
    int done = !stop_signal && !any_io && nfailed == 0;
    if (!firsts) done = 0, any_io = 1;
    if (done && write_index(&L, &m, firsts) != MSUM_OK) done = 0, any_io = 1;
    for (size_t i = 0; firsts && i < m.n; i++) free(firsts[i]);
    free(firsts);
    if (done && !stop_signal && msum_dir_replace(od.newdir, od.target) != MSUM_OK) {
        cli_error("report", "cannot put the new report in place of '%s': %s", outdir,
                  strerror(errno));
        done = 0;
        any_io = 1;
    }
    if (!done) {
        const char *why = stop_signal ? "interrupted" : any_io ? "the report could not be written"
                                                               : NULL;
        char what[96];
        if (!why) {
            snprintf(what, sizeof what, "%zu of %zu analyses failed", nfailed, m.n);
            why = what;
        }
        if (od.had_previous)
            cli_error("report", "%s; the previous report in '%s' is unchanged", why, outdir);
        else
            cli_error("report", "%s; nothing was written to '%s'", why, outdir);
    }
    output_close(&od, done);
    manifest_free(&m);
    msum_diags_free(d);
    free(basedir);
    free(outdir);
    if (stop_signal && !done) {
        int sig = stop_signal;
        signal(sig, SIG_DFL);
        raise(sig); /* die of the signal, as the caller expects */
    }
    return done ? EXIT_OK : any_io || read_io ? EXIT_IO : EXIT_DATA;
}
