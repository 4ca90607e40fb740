/* metasum bias: publication bias of one set of effects, as metafor 3.8 regtest, ranktest,
 * trimfill and fsn; one row per test (the kind "bias" of src/analysis/bias.c). */
#include "cli.h"

void usage_bias(FILE *fp)
{
    fprintf(fp,
"About:   Publication bias tests as R's metafor: Egger-type regression test (regtest, with\n"
"         its limit estimate: PET with sei, PEESE with vi), Begg & Mazumdar's rank\n"
"         correlation test (ranktest), trim and fill (trimfill) and fail-safe N (fsn:\n"
"         Rosenthal, Orwin, Rosenberg).  One row per test; a test that is not defined for\n"
"         the data (k < 3, a constant predictor, ...) has NA numbers and says why (note).\n"
"         The fits take EE FE CE DL HE ML REML (trimfill also HS SJ PM EB with --side).\n"
"Usage:   metasum bias [OPTIONS] FILE        (FILE '-' reads standard input)\n"
"\n");
    cli_print_settings(fp, "bias");
    fprintf(fp,
"\n"
"Plots (--plot, no --by): funnel_trimfill (the funnel with the filled studies drawn open; the\n"
"    default), funnel_contour (significance contours p < 0.10, 0.05, 0.01 around 0),\n"
"    funnel_egger (funnel_trimfill with the Egger line yi = b0 + b1 sei of --model) or radial\n"
"    (Galbraith plot of the --method fit); a FILE named funnel_contour*, funnel_egger* or\n"
"    radial* needs no NAME=.\n"
"\n"
"Output columns: group columns (--by), test, method, k, stat, df, pval, estimate\n"
"    (regtest: limit estimate; ranktest: Kendall's tau; trimfill: pooled estimate with the\n"
"    filled studies; fsn: mean effect), ci_lb, ci_ub, k0, se_k0, side, fsnum, note.\n"
"\n"
"Exit codes: 0 ok, 1 data errors, 2 usage, 3 I/O, 4 numerical failure.\n"
"\n"
"Examples:\n"
"    metasum bias --measure RR datasets/bcg/effects.csv\n"
"    metasum bias --measure RR --predictor vi --estimator R0 datasets/bcg/effects.csv\n"
"    metasum bias --measure RR --plot funnel_contour.png datasets/bcg/effects.csv\n");
}

int cmd_bias(int argc, char **argv)
{
    return cli_run_kind("bias", MSUM_KIND_BIAS,
                        "funnel_trimfill,funnel_contour,funnel_egger,radial", argc, argv, NULL);
}
