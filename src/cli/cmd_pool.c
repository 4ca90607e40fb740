/* metasum pool: the command line of kind "pool" (src/analysis/pool.c): options -> spec ->
 * msum_analysis_run -> the pooled (or --weights) table to standard output or -o, and the
 * --plot files. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "metasum/analysis.h"
#include "metasum/write.h"

void usage_pool(FILE *fp)
{
    fprintf(fp,
"About:   Pool effects with fixed- or random-effects models, as R's metafor rma.uni: pooled\n"
"         estimate, test, CI, prediction interval, tau2 with its Q-profile CI, I2, H2, Q.\n"
"         One output row per group (--by); every row says which estimator, test and I2\n"
"         definition it used.  Non-convergence never stops the run: REML/ML/EB fall back\n"
"         to PM, then DL, and the row says so (columns method_used, fallback).\n"
"         --method MH or PETO pool counts rows (MH also rates rows: --measure IRR, IRD) as\n"
"         metafor's rma.mh and rma.peto: one row per group with the estimate, the CMH,\n"
"         Tarone's and Breslow-Day tests, Q, I2, H2 (docs/measures.md).\n"
"Usage:   metasum pool [OPTIONS] FILE        (FILE '-' reads standard input)\n"
"\n"
"Input:   an effect CSV (datasets/README.md).  Rows of any form that has a variance are\n"
"         pooled: generic (yi with vi, sei, a CI or a p-value), continuous, median_iqr,\n"
"         counts, correlation.  Rows without one (percent_change, fold_change, direction)\n"
"         are skipped and counted (column k_skipped, and a warning).  A plain study,yi,vi\n"
"         file works too.\n"
"\n");
    cli_print_settings(fp, "pool");
    fputs(
"\n"
"Plots:   --plot FILE draws the forest plot, or the funnel plot when FILE's name starts\n"
"         with 'funnel' (one group only); forest=FILE / funnel=FILE say it outright.  The\n"
"         extension chooses SVG, PNG or PDF.\n"
"\n"
"Output columns (docs/pool.md): group columns, k, k_skipped, measure, scale, estimate, se,\n"
"    stat, pval, df, ci_lb, ci_ub, pi_lb, pi_ub, exp_* (log measures) or r_* (ZCOR)\n"
"    back-transforms, tau2, se_tau2, tau2_ci_lb, tau2_ci_ub, tau2_ci_status, tau, I2,\n"
"    I2_ci_lb, I2_ci_ub, I2_definition, H2, I2_Q, H2_Q, QE, QEdf, QEp, method,\n"
"    method_used, fallback, converged, iterations, test, ci_method, level, logLik, AIC,\n"
"    BIC, deviance, AICc, vt, tau_ci_lb, tau_ci_ub, H2_ci_lb, H2_ci_ub, pi_df, notes,\n"
"    metasum_version.  Text (the default on a terminal): as R's print(rma(...)).\n"
"\n"
"Exit codes: 0 ok, 1 data errors (file:line:col messages, nothing written), 2 usage,\n"
"    3 I/O, 4 numerical failure.\n"
"\n"
"Examples:\n"
"    metasum pool --measure RR datasets/bcg/effects.csv\n"
"    metasum pool --measure RR --test knha --by alloc datasets/bcg/effects.csv\n"
"    metasum pool --measure SMD --method DL datasets/normand1999/effects.csv\n"
"    metasum pool --measure RR --weights datasets/bcg/effects.csv\n"
"    metasum pool --method MH --measure OR datasets/bcg/effects.csv\n"
"    metasum pool --by source,outcome -f md datasets/exosome_skin_aging/effects.csv\n"
"    metasum pool --measure RR --plot forest.png --favours \"BCG,control\" \\\n"
"        datasets/bcg/effects.csv\n"
"    metasum pool --measure MD --col m1i=Mean_T --col m2i=Mean_C mydata.csv\n", fp);
}

static int given(const char *s) { return s && *s; }

int cmd_pool(int argc, char **argv)
{
    msum_spec s;
    msum_spec_init(&s);
    s.kind = MSUM_KIND_POOL;
    const char *file = NULL;
    int nops = 0;
    char *list = NULL; /* the --plot entries as NAME=FILE (a file named funnel* is the funnel) */
    msum_diags *d = NULL;
    msum_result r = {0};
    int rc = cli_parse_spec("pool", argc, argv, &s, &file, 1, &nops);
    if (rc == EXIT_OK && nops == 0)
        rc = cli_usage_error("pool", "no input file");
    msum_format format = MSUM_FMT_CSV;
    if (rc == EXIT_OK && given(s.formats) &&
        (strchr(s.formats, ',') || !msum_format_parse(s.formats, &format))) {
        rc = cli_usage_error("pool", "--format: found '%s', expected one of csv, tsv, md, "
                             "json, html, text, xlsx", s.formats);
    }
    const char *output = given(s.output) ? s.output : "-";
    if (rc == EXIT_OK && format == MSUM_FMT_XLSX && strcmp(output, "-") == 0)
        rc = cli_usage_error("pool", "--format xlsx: needs -o FILE");
    if (rc == EXIT_OK && given(s.plots) && !(list = cli_resolve_plots("pool", s.plots,
                                                                     "forest,funnel", &rc)))
        goto out;
    if (rc != EXIT_OK) goto out;
    s.dataset = file;
    s.plots = list;
    /* a person at a terminal reads a summary; a pipe or a file gets the table */
    if (!given(s.formats) && strcmp(output, "-") == 0 && isatty(STDOUT_FILENO))
        format = MSUM_FMT_TEXT;
    msum_write_opts wo = MSUM_WRITE_OPTS_DEFAULT;
    wo.meta = s.meta;
    if (s.digits >= 0) wo.digits = s.digits;
    else if (format == MSUM_FMT_TEXT) wo.digits = 4; /* metafor's digits */

    if (!(d = msum_diags_new())) {
        rc = EXIT_NUMERICAL;
        goto out;
    }
    int st = msum_analysis_run(&s, &r, d);
    cli_print_result_diags("pool", d, CLI_MAX_WARNINGS, NULL);
    if (st != MSUM_OK) {
        if (st == MSUM_ENOMEM) cli_error("pool", "out of memory");
        rc = cli_exit_code(st);
        goto out;
    }
    const msum_table *t = msum_result_table(&r, s.weights ? "pool_weights" : "pool");
    errno = 0;
    if (!t || msum_write_file(output, &t, 1, format, &wo) != MSUM_OK) {
        int e = errno;
        if (strcmp(output, "-") == 0) cli_error("pool", "cannot write standard output");
        else cli_error("pool", "cannot write '%s': %s", output, e ? strerror(e) : "write failed");
        rc = EXIT_IO;
        goto out;
    }
    rc = cli_write_plots("pool", list, &r);
out:
    msum_result_free(&r);
    msum_diags_free(d);
    free(list);
    msum_spec_clear(&s);
    return rc;
}
