/* A command that is one analysis kind: argv -> spec (the shared option table) -> the library's
 * msum_analysis_run -> diagnostics on stderr -> the result's tables (-f, -o, --digits, --meta)
 * and plots (--plot [NAME=]FILE) written -> an exit code. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "metasum/analysis.h"
#include "metasum/diag.h"
#include "metasum/render.h"
#include "metasum/write.h"

static int given(const char *s) { return s && *s; }

/* The plot a --plot entry asks for: "NAME=FILE" as given, else the longest of `plots` (a
 * comma-separated list, the default first) that the file's name starts with, else the
 * default; 0 when there is none (`plots` starts with ','). */
static size_t plot_of(const char *entry, size_t len, const char *plots, const char **file,
                      size_t *flen, const char **name)
{
    const char *eq = memchr(entry, '=', len);
    if (eq) {
        *name = entry;
        *file = eq + 1;
        *flen = len - (size_t)(eq + 1 - entry);
        return (size_t)(eq - entry);
    }
    *file = entry;
    *flen = len;
    const char *base = entry;
    for (const char *p = entry; p < entry + len; p++)
        if (*p == '/') base = p + 1;
    size_t best = strcspn(plots, ",");
    int matched = 0;
    *name = plots; /* the default */
    for (const char *q = plots; *q;) {
        size_t n = strcspn(q, ",");
        if (n > 0 && n <= (size_t)(entry + len - base) && strncmp(base, q, n) == 0 &&
            (!matched || n > best)) {
            *name = q;
            best = n;
            matched = 1;
        }
        q += n + (q[n] == ',');
    }
    return best;
}

/* s->plots ("FILE" or "NAME=FILE" entries) as "NAME=FILE,...": a new string the caller frees,
 * NULL after a usage error (a file that is not .svg, .png or .pdf) or out of memory (*rc). */
char *cli_resolve_plots(const char *cmd, const char *given, const char *plots, int *rc)
{
    size_t entries = 1, n = 0;
    for (const char *q = given; *q; q++) entries += *q == ',';
    char *out = malloc(strlen(given) + entries * (strlen(plots) + 2) + 1);
    if (!out) {
        cli_error(cmd, "out of memory");
        *rc = EXIT_NUMERICAL;
        return NULL;
    }
    for (const char *p = given; *p;) {
        size_t len = strcspn(p, ",");
        const char *file, *name;
        size_t flen, nlen = plot_of(p, len, plots, &file, &flen, &name);
        char path[4096];
        msum_render_format f;
        snprintf(path, sizeof path, "%.*s", (int)flen, file);
        const char *list = plots + (*plots == ','); /* the names, without the no-default mark */
        int bad_ext = msum_render_format_of(path, &f) != MSUM_OK;
        if (bad_ext || nlen == 0) {
            char names[512];
            size_t m = 0;
            for (const char *q = list; *q && m + 8 < sizeof names;) {
                size_t w = strcspn(q, ",");
                int last = q[w] == '\0';
                m += (size_t)snprintf(names + m, sizeof names - m, "%s%.*s",
                                      m == 0 ? "" : bad_ext ? "=|" : last ? " or " : ", ",
                                      (int)w, q);
                q += w + !last;
            }
            free(out);
            if (bad_ext)
                cli_error(cmd, "--plot: found '%.*s', expected [%s=]FILE ending in .svg, .png or "
                               ".pdf", (int)len, p, names);
            else
                cli_error(cmd, "--plot: found '%.*s', a file named after none of the plots; "
                               "expected NAME=FILE or a FILE whose name starts with NAME, NAME "
                               "one of %s", (int)len, p, names);
            *rc = EXIT_USAGE;
            return NULL;
        }
        n += (size_t)sprintf(out + n, "%s%.*s=%s", n ? "," : "", (int)nlen, name, path);
        p += len + (p[len] == ',');
    }
    out[n] = '\0';
    return out;
}

/* Write plot `name` of r to file; an exit code. */
static int write_plot(const char *cmd, const msum_result *r, const char *name, const char *file)
{
    const char *svg = msum_result_plot(r, name);
    if (!svg) {
        cli_error(cmd, "--plot %s=%s: the analysis drew no such plot", name, file);
        return EXIT_DATA;
    }
    int st = msum_render_file(svg, strlen(svg), file);
    msum_render_format rf;
    if (st != MSUM_OK && msum_render_format_of(file, &rf) == MSUM_OK &&
        rf != MSUM_RENDER_SVG && !msum_render_available()) {
        cli_error(cmd, "cannot write %s: PNG and PDF need librsvg (librsvg-2.so.2, Debian "
                       "package librsvg2-2); an .svg plot needs nothing", file);
        return EXIT_IO;
    }
    if (st != MSUM_OK) {
        cli_error(cmd, "cannot write %s: %s", file, msum_strerror(st));
        return st == MSUM_ENOMEM ? EXIT_NUMERICAL : EXIT_IO;
    }
    return EXIT_OK;
}

static int write_result(const char *cmd, const msum_spec *s, const msum_result *r)
{
    msum_format fmt = MSUM_FMT_CSV;
    if (given(s->formats) && !msum_format_parse(s->formats, &fmt))
        return cli_usage_error(cmd, "--format: found '%s', expected one format", s->formats);
    const char *out = given(s->output) ? s->output : "-";
    if (fmt == MSUM_FMT_XLSX && strcmp(out, "-") == 0)
        return cli_usage_error(cmd, "--format xlsx needs --output FILE");
    msum_write_opts wo = MSUM_WRITE_OPTS_DEFAULT;
    wo.meta = s->meta;
    if (s->digits >= 0) wo.digits = s->digits;
    if (msum_write_file(out, (const msum_table *const *)r->tables, r->ntables, fmt, &wo) !=
        MSUM_OK) {
        cli_error(cmd, "cannot write %s", strcmp(out, "-") == 0 ? "standard output" : out);
        return EXIT_IO;
    }
    return cli_write_plots(cmd, s->plots, r);
}

int cli_write_plots(const char *cmd, const char *resolved, const msum_result *r)
{
    int rc = EXIT_OK;
    char name[128];
    for (const char *p = resolved; rc == EXIT_OK && p && *p;) {
        size_t len = strcspn(p, ","), nlen = strcspn(p, "=");
        char file[4096];
        snprintf(name, sizeof name, "%.*s", (int)nlen, p);
        snprintf(file, sizeof file, "%.*s", (int)(len - nlen - 1), p + nlen + 1);
        rc = write_plot(cmd, r, name, file);
        p += len + (p[len] == ',');
    }
    return rc;
}

int cli_run_kind(const char *cmd, msum_kind kind, const char *plots, int argc, char **argv,
                 int (*adjust)(const char *cmd, msum_spec *s))
{
    msum_spec s;
    msum_spec_init(&s);
    s.kind = kind;
    const char *ops[1];
    int nops = 0;
    char *resolved = NULL;
    msum_diags *d = NULL;
    msum_result r = {0};
    int rc = cli_parse_spec(cmd, argc, argv, &s, ops, 1, &nops);
    if (rc == EXIT_OK && nops == 0) rc = cli_usage_error(cmd, "no input file");
    if (rc != EXIT_OK) goto done;
    s.dataset = ops[0];
    if (given(s.formats) && strchr(s.formats, ',')) {
        rc = cli_usage_error(cmd, "--format: found '%s', expected one format", s.formats);
        goto done;
    }
    if (given(s.plots)) {
        if (!(resolved = cli_resolve_plots(cmd, s.plots, plots, &rc))) goto done;
        s.plots = resolved;
    }
    if (adjust && (rc = adjust(cmd, &s)) != EXIT_OK) goto done;
    if (!(d = msum_diags_new())) {
        cli_error(cmd, "out of memory");
        rc = EXIT_NUMERICAL;
        goto done;
    }
    int st = msum_analysis_run(&s, &r, d);
    cli_print_result_diags(cmd, d, CLI_MAX_WARNINGS, NULL);
    rc = st == MSUM_OK ? write_result(cmd, &s, &r) : cli_exit_code(st);
done:
    msum_result_free(&r);
    msum_diags_free(d);
    free(resolved);
    s.plots = NULL;
    msum_spec_clear(&s);
    return rc;
}
