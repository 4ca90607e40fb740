/* metasum compare: the command line of kind compare (src/analysis/compare.c): argv -> spec ->
 * msum_analysis_run -> the result's tables through the writers. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "metasum/analysis.h"
#include "metasum/diag.h"
#include "metasum/write.h"

#define CMD "compare"

void usage_compare(FILE *fp)
{
    fprintf(fp,
"About:   Compare groups of effects (e.g. exosome sources): a pooled fit per group, the tests\n"
"         for subgroup differences (separate tau2 per group as R meta; common tau2 as metafor\n"
"         rma(mods = ~ factor(group))), a meta-regression, and pairwise differences.  With\n"
"         --mods and no --by: a meta-regression alone (metafor rma(yi, vi, mods = ~ ...)).\n"
"Usage:   metasum compare FILE --by COLUMN [OPTIONS]\n"
"         metasum compare FILE --mods TERMS [--newmods ROWS] [OPTIONS]\n"
"\n"
"--mods TERMS: comma-separated COL (numbers -> continuous, text -> categorical), center(COL),\n"
"         scale(COL), A:B (interaction), A*B (A, B and A:B), -1 (no intercept).  --newmods\n"
"         ROWS: rows separated by ';', each NAME=VALUE for every moderator column of --mods\n"
"         (raw values: centred/scaled as the fit did; a factor by level), or one number per\n"
"         coefficient but the intercept in metareg-table order.  --table: all (every table\n"
"         but studies), or a comma list of groups, between, metareg, model, pairs, predict,\n"
"         studies (weights and hat values per row, only on request).\n"
"\n");
    cli_print_settings(fp, CMD);
    fprintf(fp,
"\n"
"Output:  the tables one after the other, separated by a blank line (JSON: a list of tables;\n"
"         one table: the table itself).  CSV/TSV are tidy: one table is its header and rows;\n"
"         several tables in one CSV/TSV each start with one '# table,NAME' line (--meta: all\n"
"         the table's '# key,value' lines).  -o FOLDER/ writes one file per table\n"
"         (FOLDER/groups.csv, ...); -o FILE.xlsx one sheet per table.  Columns and the\n"
"         naming rule: docs/compare.md, docs/tables.md.  Rows without a variance (percent or\n"
"         fold changes, direction only) cannot be pooled: they are left out with a warning\n"
"         (see 'metasum summarize').\n"
"\n"
"Exit codes: 0 ok (warnings allowed), 1 data errors, 2 usage, 3 I/O, 4 numerical failure\n"
"\n"
"Examples:\n"
"    metasum compare datasets/bcg/effects.csv --by alloc --measure RR\n"
"    metasum compare datasets/bcg/effects.csv --by alloc --measure RR --test knha \\\n"
"        --mods ablat,alloc --ref-level alloc=random --table metareg\n"
"    metasum compare effects.csv --by source --pairs ADSC:hucMSC --table pairs -f tsv\n"
"    metasum compare datasets/bcg/effects.csv --measure RR --mods 'ablat*year' \\\n"
"        --newmods '20,1950,39000;50,1970,98500' --table predict\n"
"    metasum compare datasets/bcg/effects.csv --by alloc --measure RR -o tables/\n");
}

static const char *extension(msum_format f)
{
    return f == MSUM_FMT_MARKDOWN ? "md" : f == MSUM_FMT_TEXT ? "txt" : msum_format_name(f);
}

/* -o names a folder: it ends in '/' or is one. */
static int is_folder(const char *path)
{
    struct stat sb;
    size_t n = strlen(path);
    return (n && path[n - 1] == '/') || (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode));
}

/* The result's tables to -o (standard output, a file, or a folder of one file per table). */
static int write_tables(const msum_result *r, const char *output, msum_format fmt,
                        msum_write_opts *wo)
{
    const msum_table *const *ts = (const msum_table *const *)r->tables;
    if (output && is_folder(output)) {
        if (mkdir(output, 0777) != 0 && errno != EEXIST) {
            cli_error(CMD, "cannot create folder '%s': %s", output, strerror(errno));
            return EXIT_IO;
        }
        for (size_t i = 0; i < r->ntables; i++) {
            char stem[80], path[4096];
            msum_file_stem(msum_table_name(ts[i]), stem, sizeof stem);
            size_t n = strlen(output);
            snprintf(path, sizeof path, "%s%s%s.%s", output,
                     output[n - 1] == '/' ? "" : "/", stem, extension(fmt));
            if (msum_write_file(path, &ts[i], 1, fmt, wo) != MSUM_OK) {
                cli_error(CMD, "cannot write '%s': %s", path, strerror(errno));
                return EXIT_IO;
            }
        }
        return EXIT_OK;
    }
    const char *path = output ? output : "-";
    wo->names = r->ntables > 1;
    if (msum_write_file(path, ts, r->ntables, fmt, wo) != MSUM_OK) {
        if (strcmp(path, "-") == 0) cli_error(CMD, "cannot write standard output");
        else cli_error(CMD, "cannot write '%s': %s", path, strerror(errno));
        return EXIT_IO;
    }
    return EXIT_OK;
}

/* The output format: -f, else the extension of -o, else CSV.  Returns 0 after a usage error. */
static int output_format(const msum_spec *s, msum_format *fmt)
{
    *fmt = MSUM_FMT_CSV;
    if (s->formats && *s->formats) {
        if (strchr(s->formats, ',')) {
            cli_usage_error(CMD, "--format: found '%s', expected one format", s->formats);
            return 0;
        }
        msum_format_parse(s->formats, fmt); /* checked by the settings table */
    } else if (s->output && !is_folder(s->output)) {
        const char *dot = strrchr(s->output, '.');
        msum_format f;
        if (dot && strcmp(dot + 1, "txt") != 0 && msum_format_parse(dot + 1, &f)) *fmt = f;
    }
    if (*fmt == MSUM_FMT_XLSX && (!s->output || strcmp(s->output, "-") == 0)) {
        cli_usage_error(CMD, "--format xlsx: a workbook needs a file: -o FILE.xlsx");
        return 0;
    }
    return 1;
}

int cmd_compare(int argc, char **argv)
{
    msum_spec s;
    msum_spec_init(&s);
    s.kind = MSUM_KIND_COMPARE;
    const char *ops[1];
    int nops = 0, rc = cli_parse_spec(CMD, argc, argv, &s, ops, 1, &nops);
    msum_format fmt = MSUM_FMT_CSV;
    if (rc == EXIT_OK && nops == 0) rc = cli_usage_error(CMD, "no FILE given");
    if (rc == EXIT_OK && !output_format(&s, &fmt)) rc = EXIT_USAGE;
    if (rc != EXIT_OK) {
        msum_spec_clear(&s);
        return rc;
    }
    s.dataset = ops[0];
    char *plots = NULL;
    if (s.plots && *s.plots) {
        if (!(plots = cli_resolve_plots(CMD, s.plots, "forest", &rc))) {
            msum_spec_clear(&s);
            return rc;
        }
        s.plots = plots;
    }
    msum_result res = {0};
    msum_diags *dg = msum_diags_new();
    int st = dg ? msum_analysis_run(&s, &res, dg) : MSUM_ENOMEM;
    if (dg && cli_print_result_diags(CMD, dg, CLI_MAX_WARNINGS, NULL) && st == MSUM_OK)
        st = MSUM_EDATA;
    rc = cli_exit_code(st);
    if (rc == EXIT_OK) {
        msum_write_opts wo = MSUM_WRITE_OPTS_DEFAULT;
        wo.digits = s.digits >= 0 ? s.digits : fmt == MSUM_FMT_TEXT ? 4 : 7;
        /* --meta is for CSV/TSV; the other formats always carry the metadata */
        wo.meta = fmt == MSUM_FMT_CSV || fmt == MSUM_FMT_TSV ? s.meta : 1;
        rc = write_tables(&res, s.output, fmt, &wo);
        if (rc == EXIT_OK) rc = cli_write_plots(CMD, s.plots, &res);
    }
    msum_result_free(&res);
    free(plots);
    s.plots = NULL;
    msum_diags_free(dg);
    msum_spec_clear(&s);
    return rc;
}
