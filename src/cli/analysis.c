/* Running one manifest analysis of a report: the row's spec through the library, with the
 * weights table a pool page shows and the findings sentences every page opens with. */
#include <string.h>

#include "analysis.h"

int analysis_run(const msum_spec *ms, analysis_output *out, msum_diags *diags)
{
    msum_spec with = *ms;
    if (ms->kind == MSUM_KIND_POOL && !ms->weights &&
        !(ms->method && (strcmp(ms->method, "MH") == 0 || strcmp(ms->method, "PETO") == 0)))
        with.weights = 1; /* a report's pool page shows the studies' weights beside the fits */
    int st = msum_analysis_run(&with, out, diags);
    return st == MSUM_OK ? msum_analysis_findings(ms, out) : st;
}
