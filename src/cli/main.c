/* metasum: the command table (bcftools style) and the top-level help, version and dispatch. */
#include <gsl/gsl_errno.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const cli_command commands[] = {
    {"validate", "check effect CSVs: syntax, values, dictionaries, provenance",
     cmd_validate, usage_validate},
    {"effects", "compute effect sizes (yi, vi, CI) with the conversion used per row",
     cmd_effects, usage_effects},
    {"pool", "pool effects: fixed and random effects, heterogeneity, per group",
     cmd_pool, usage_pool},
    {"compare", "compare groups: subgroups, meta-regression, pairwise differences",
     cmd_compare, usage_compare},
    {"summarize", "synthesis without variances: evidence map, vote counts, descriptives",
     cmd_summarize, usage_summarize},
    {"bias", "publication bias: regression and rank tests, trim and fill, fail-safe N",
     cmd_bias, usage_bias},
    {"sensitivity", "leave-one-out, cumulative and influence analyses",
     cmd_sensitivity, usage_sensitivity},
    {"report", "run every analysis of a manifest and write tables, plots and HTML",
     cmd_report, usage_report},
};
enum { NCOMMANDS = sizeof commands / sizeof commands[0] };

static void usage(FILE *fp)
{
    fprintf(fp,
            "About:   metasum %s -- effects from the literature to pooled, comparable numbers\n"
            "Usage:   metasum COMMAND [OPTIONS] [FILE...]\n"
            "\n"
            "Commands:\n",
            MSUM_VERSION);
    for (int i = 0; i < NCOMMANDS; i++)
        fprintf(fp, "    %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(fp,
            "\n"
            "    help CMD   show the help of one command (also: metasum CMD --help)\n"
            "    help options  every option of every command, once, with its manifest column\n"
            "\n"
            "Options:\n"
            "    -h, --help      this text\n"
            "    -V, --version   version and licence\n"
            "    --max-field BYTES  (any command) longest CSV field accepted [1048576]\n"
            "\n"
            "Exit codes:\n"
            "    0 ok (warnings allowed), 1 data errors, 2 usage, 3 I/O, 4 numerical failure\n"
            "\n"
            "Your own spreadsheet (CSV, TSV, ';' with decimal commas, or .xlsx):\n"
            "    columns are found by name (Study, Mean_T, SD (control), N treated, Events_C,\n"
            "    Effect, SE, ...) and the note on stderr says which were taken; --col\n"
            "    FIELD=COLUMN names others, --sheet NAME picks a worksheet (docs/columns.md)\n"
            "\n"
            "Examples:\n"
            "    metasum validate datasets/bcg/effects.csv\n"
            "    metasum pool --measure RR datasets/bcg/effects.csv\n"
            "    metasum pool --measure MD mytrials.xlsx\n"
            "    metasum pool --col yi=g --col 'sei=SE of g' mytrials.csv\n"
            "    metasum report datasets/analyses.csv -o reports/\n");
}

static void version(void)
{
    printf("metasum %s\n"
           "Copyright (C) 2026 the metasum developers.\n"
           "License GPL-3.0-or-later <https://www.gnu.org/licenses/gpl-3.0.html>.\n"
           "This is free software: you are free to change and redistribute it.\n"
           "There is NO WARRANTY, to the extent permitted by law.\n",
           MSUM_VERSION);
}

static const cli_command *find(const char *name)
{
    for (int i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0) return &commands[i];
    return NULL;
}

int cli_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) return 0;
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) return 1;
    }
    return 0;
}

size_t cli_print_diags(FILE *fp, msum_diags *d) { return cli_print_diags_max(fp, d, 0, NULL); }

size_t cli_print_diags_max(FILE *fp, msum_diags *d, size_t max_warnings, const char *cmd)
{
    char buf[4096];
    size_t shown = 0, hidden = 0;
    msum_diags_sort(d);
    for (size_t i = 0; i < msum_diags_count(d); i++) {
        const msum_diag *g = msum_diags_get(d, i);
        if (g->severity != MSUM_DIAG_ERROR && max_warnings && shown++ >= max_warnings) {
            hidden++;
            continue;
        }
        msum_diag_format(g, buf, sizeof buf);
        fprintf(fp, "%s\n", buf);
    }
    if (hidden)
        fprintf(fp, "metasum %s: %zu more warnings not shown ('metasum validate' lists them all)\n",
                cmd ? cmd : "", hidden);
    return msum_diags_errors(d);
}

void cli_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "metasum %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "metasum %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (see 'metasum %s --help')\n", cmd);
    return EXIT_USAGE;
}

int main(int argc, char **argv)
{
    setlocale(LC_ALL, "C");
    gsl_set_error_handler_off();

    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *arg = argv[1];
    if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
        usage(stdout);
        return EXIT_OK;
    }
    if (strcmp(arg, "-V") == 0 || strcmp(arg, "--version") == 0) {
        version();
        return EXIT_OK;
    }
    if (strcmp(arg, "help") == 0) {
        if (argc < 3) {
            usage(stdout);
            return EXIT_OK;
        }
        if (strcmp(argv[2], "options") == 0) {
            if (argc > 3 && strcmp(argv[3], "--tsv") == 0) cli_help_options_tsv(stdout);
            else cli_help_options(stdout);
            return EXIT_OK;
        }
        const cli_command *c = find(argv[2]);
        if (!c) {
            fprintf(stderr, "metasum: unknown command '%s' (see 'metasum --help')\n", argv[2]);
            return EXIT_USAGE;
        }
        c->usage(stdout);
        return EXIT_OK;
    }
    const cli_command *c = find(arg);
    if (!c) {
        fprintf(stderr, "metasum: unknown command '%s' (see 'metasum --help')\n", arg);
        return EXIT_USAGE;
    }
    if (cli_wants_help(argc - 1, argv + 1)) {
        c->usage(stdout);
        return EXIT_OK;
    }
    int nargs = cli_take_max_field(c->name, argc - 1, argv + 1);
    if (nargs < 0) return EXIT_USAGE;
    int rc = c->run(nargs, argv + 1);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "metasum %s: error writing standard output\n", c->name);
        return EXIT_IO;
    }
    return rc;
}
