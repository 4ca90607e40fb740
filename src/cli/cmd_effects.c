/* metasum effects: the command line of kind effects (src/analysis/effects.c): options into a
 * spec, the rows streamed to standard output (or -o FILE) as CSV/TSV by the CSV sink, or the
 * table in another format; diagnostics and the exit code. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "metasum/analysis.h"
#include "metasum/diag.h"
#include "metasum/write.h"

static const char *const CMD = "effects";

void usage_effects(FILE *fp)
{
    fprintf(fp,
"About:   Effect sizes per row: yi, vi, standard error and CI, as metafor's escalc() computes\n"
"         them, with the conversion each row needed (SEM to SD, median/IQR to mean/SD, %% or\n"
"         fold change to ROM, p or CI to SE, continuity correction).\n"
"Usage:   metasum effects [OPTIONS] FILE        (FILE '-' reads standard input)\n"
"\n"
"Measures (--measure, once per family of rows; docs/measures.md lists each one's columns):\n"
"    continuous and median_iqr rows: MD, SMD (Hedges' g) or ROM; counts rows: RR, OR, RD or\n"
"    PETO; proportion rows (xi, ni): PR, PLN, PLO, PAS or PFT; rate rows (xi, ti): IR, IRLN,\n"
"    IRS or IRFT; rates rows (x1i, t1i, x2i, t2i): IRR, IRD or IRSD [none: required when such\n"
"    rows occur]; correlation rows: ZCOR [default] or COR.  Other forms have one measure:\n"
"    percent_change and fold_change ROM (no variance), generic the row's `measure` [GEN],\n"
"    ratio rows (ratio, ci_lb, ci_ub on the ratio's own scale) the row's `measure` [GEN_LOG].\n"
"    --add is 0 for PAS, PFT, IRS, IRFT and IRSD unless given, as metafor.\n"
"\n");
    cli_print_settings(fp, "effects");
    fprintf(fp,
"\n"
"Output (standard output, or -o FILE): the row's `id` (or its `line` when the file has no id\n"
"column), every other input column, then measure, scale (log for ROM/RR/OR, fisher_z for ZCOR,\n"
"natural otherwise; logit, arcsine, freeman_tukey, sqrt for PLO, PAS, PFT, IRS), yi, vi, sei,\n"
"ci_lb, ci_ub on the analysis scale, the back-transformed exp_yi, exp_ci_lb, exp_ci_ub (log\n"
"scale: ratios, PLN, IRLN), r_yi, r_ci_lb, r_ci_ub (correlations) and bt_yi, bt_ci_lb, bt_ci_ub\n"
"(proportions from PLO, PAS, PFT with the row's ni; rates from IRS), and conversion, e.g.\n"
"\"sem_to_sd;cc_add_0.5\".  The exp_*, r_* and bt_* columns are there when the file's forms and\n"
"the measures asked for allow such rows (NA on the other rows); the columns depend on the header\n"
"and the options only.  Input columns whose names the output uses (yi, measure, ...) are\n"
"passed through as in_yi, in_measure, ...  Percent and fold changes have no variance: their\n"
"vi, sei and CI are NA.  Direction-only rows have no yi: NA, conversion direction_only.\n"
"CSV and TSV are written as the rows are read (constant memory); the other formats build the\n"
"table first.\n"
"\n"
"Every data error is reported (FILE:LINE:COL: error: column 'x': ...) and then nothing is\n"
"written: the output is all rows or none.\n"
"\n"
"Exit codes: 0 ok, 1 data errors, 2 usage, 3 I/O, 4 numerical failure.\n"
"\n"
"Examples:\n"
"    # Hedges' g from means, SDs and ns (metafor: escalc(\"SMD\", m1i=, sd1i=, n1i=, ...))\n"
"    metasum effects --measure SMD trials.csv > trials_smd.csv\n"
"    # log risk ratios from 2x2 counts, 1/2 added to every table when one has a zero cell\n"
"    metasum effects --measure RR --to if0all bcg.csv\n"
"    # logit proportions (xi events of ni), back-transformed to proportions in bt_*\n"
"    metasum effects --measure PLO proportions.csv\n"
"    # a curated file mixing means, counts, generic and percent-change rows\n"
"    metasum effects --measure ROM --measure OR --format tsv \\\n"
"        datasets/exosome_skin_aging/effects.csv\n"
"    # 90%% CIs, full precision, from standard input\n"
"    cat effects.csv | metasum effects --measure MD --level 90 --digits 0 -\n");
}

/* Output kept in memory while a data error may still turn up, when standard output is not a
 * regular file; a larger table is written by a second pass over the file instead (standard
 * input is always kept). */
#ifndef COLLECT_LIMIT
#define COLLECT_LIMIT ((size_t)256 << 20)
#endif

/* CSV/TSV: the rows streamed through the CSV sink into fp (standard output, or the temporary
 * file of -o), all or none. */
static int stream_rows(const msum_spec *s, msum_format f, const msum_write_opts *wo, FILE *fp,
                       msum_diags *diags)
{
    msum_sink sink;
    size_t keep = strcmp(s->dataset, "-") == 0 ? SIZE_MAX : COLLECT_LIMIT;
    int st = msum_csv_sink_new(fp, f, wo, keep, &sink);
    if (st == MSUM_OK) st = msum_analysis_stream(s, &sink, diags, NULL);
    msum_csv_sink_free(&sink);
    return st;
}

int cmd_effects(int argc, char **argv)
{
    msum_spec s;
    msum_spec_init(&s);
    s.kind = MSUM_KIND_EFFECTS;
    const char *ops[1];
    int nops = 0, st = MSUM_OK;
    msum_diags *diags = NULL;
    int rc = cli_parse_spec(CMD, argc, argv, &s, ops, 1, &nops);
    if (rc != EXIT_OK) goto done;
    if (nops != 1) {
        rc = cli_usage_error(CMD, "expected one FILE (or '-' for standard input)");
        goto done;
    }
    s.dataset = ops[0];
    msum_format f = MSUM_FMT_CSV;
    if (s.formats && (strchr(s.formats, ',') || !msum_format_parse(s.formats, &f))) {
        rc = cli_usage_error(CMD, "--format: found '%s', expected one format", s.formats);
        goto done;
    }
    const char *out = s.output && *s.output ? s.output : "-";
    if (f == MSUM_FMT_XLSX && strcmp(out, "-") == 0) {
        rc = cli_usage_error(CMD, "--format xlsx needs --output FILE");
        goto done;
    }
    msum_write_opts wo = MSUM_WRITE_OPTS_DEFAULT;
    wo.digits = s.digits >= 0 ? s.digits : 7;
    wo.meta = s.meta;
    if (!(diags = msum_diags_new())) {
        cli_error(CMD, "out of memory");
        rc = cli_exit_code(MSUM_ENOMEM);
        goto done;
    }

    if (f == MSUM_FMT_CSV || f == MSUM_FMT_TSV) {
        msum_atomic *a = NULL;
        if (strcmp(out, "-") != 0 && msum_atomic_open(out, &a) != MSUM_OK) {
            cli_error(CMD, "cannot write '%s': %s", out, strerror(errno));
            rc = EXIT_IO;
            goto done;
        }
        st = stream_rows(&s, f, &wo, a ? msum_atomic_fp(a) : stdout, diags);
        cli_print_result_diags(CMD, diags, CLI_MAX_WARNINGS, NULL);
        /* a failed write to standard output is said by main() (its error flag is set) */
        if (a && st == MSUM_OK && msum_atomic_commit(a) != MSUM_OK) {
            cli_error(CMD, "cannot write '%s': %s", out, strerror(errno));
            st = MSUM_EIO;
        } else if (a && st != MSUM_OK) {
            msum_atomic_abort(a);
        }
    } else {
        msum_result r = {0};
        st = msum_analysis_run(&s, &r, diags);
        cli_print_result_diags(CMD, diags, CLI_MAX_WARNINGS, NULL);
        if (st == MSUM_OK &&
            msum_write_file(out, (const msum_table *const *)r.tables, r.ntables, f, &wo) !=
                MSUM_OK) {
            cli_error(CMD, "cannot write '%s': %s", out, strerror(errno));
            st = MSUM_EIO;
        }
        msum_result_free(&r);
    }
    if (st == MSUM_ENOMEM) cli_error(CMD, "out of memory");
    rc = cli_exit_code(st);
done:
    msum_diags_free(diags);
    msum_spec_clear(&s);
    return rc;
}
