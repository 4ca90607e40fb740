/* metasum sensitivity: leave-one-out, cumulative and influence analyses of one set of effects,
 * as metafor 3.8 leave1out, cumul and influence (with rstandard); one row per study (the kind
 * "sensitivity" of src/analysis/sensitivity.c). */
#include "cli.h"

void usage_sensitivity(FILE *fp)
{
    fprintf(fp,
"About:   Sensitivity of a pooled estimate as R's metafor: leave-one-out (each study\n"
"         omitted in turn), cumulative (studies added in input order or by a column) and\n"
"         case-deletion influence diagnostics (externally studentised residuals, DFFITS,\n"
"         Cook's distance, covariance ratio, tau2 and QE without the study, hat, weight,\n"
"         DFBETAS and metafor's 'influential' flag), fast at any k.\n"
"Usage:   metasum sensitivity [OPTIONS] FILE   (FILE '-' reads standard input)\n"
"\n");
    cli_print_settings(fp, "sensitivity");
    fprintf(fp,
"\n"
"Plots (--plot, no --by): leave1out (a forest plot of the estimates without each study; the\n"
"    default), cumul (a forest plot of the cumulative estimates, in --order), influence (a\n"
"    panel of the influence diagnostics per study, influential ones in red, as metafor's\n"
"    plot(influence(res))) or baujat (contribution to Q against influence on the\n"
"    common-effect estimate, as metafor's baujat on an FE fit); a FILE named baujat*, cumul*\n"
"    or influence* needs no NAME=.\n"
"\n"
"Output columns: group columns (--by), line, id (the id, study or author column), then\n"
"    leave1out/cumul: k, estimate, se, stat, pval, ci_lb, ci_ub, Q, Q_p, tau2, I2, H2;\n"
"    influence: rstudent, resid, resid_se, rstandard, dffits, cook_d, cov_r, tau2_del,\n"
"    QE_del, hat, weight, dfbetas, inf (1 = influential); then fallback (why a refit used\n"
"    another estimator than asked, if one did).  A report analysis without 'analysis' has\n"
"    all three tables.\n"
"\n"
"Exit codes: 0 ok, 1 data errors, 2 usage, 3 I/O, 4 numerical failure.\n"
"\n"
"Examples:\n"
"    metasum sensitivity --measure RR datasets/bcg/effects.csv\n"
"    metasum sensitivity -a cumul --order year --measure RR datasets/bcg/effects.csv\n"
"    metasum sensitivity -a influence --measure RR datasets/bcg/effects.csv\n"
"    metasum sensitivity --measure RR --plot baujat.svg datasets/bcg/effects.csv\n");
}

/* One table on the command line: leave1out unless --analysis says otherwise. */
static int one_analysis(const char *cmd, msum_spec *s)
{
    char err[256];
    if (s->analysis && *s->analysis) return EXIT_OK;
    if (msum_spec_set(s, msum_setting_find("analysis"), "leave1out", err, sizeof err) ==
        MSUM_OK)
        return EXIT_OK;
    cli_error(cmd, "%s", err);
    return EXIT_NUMERICAL;
}

int cmd_sensitivity(int argc, char **argv)
{
    return cli_run_kind("sensitivity", MSUM_KIND_SENSITIVITY,
                        "leave1out,cumul,influence,baujat", argc, argv, one_analysis);
}
