/* Analyses as the report runs them: each manifest row is a spec for the library
 * (include/metasum/analysis.h); analysis_spec keeps the row's text for the page. */
#ifndef METASUM_CLI_ANALYSIS_H
#define METASUM_CLI_ANALYSIS_H

#include <stddef.h>

#include "metasum/analysis.h"
#include "metasum/metasum.h"

/* One manifest row (datasets/analyses.csv); empty text = not given.  Lists use ';'. */
typedef struct {
    const char *id, *title, *dataset, *filter, *kind, *measure, *method, *test, *by, *mods,
        *formats, *plots;
    const char *favours;  /* forest plots: "LEFT;RIGHT" favours labels, or "" */
    const char *manifest; /* manifest file name, for diagnostics */
    long line;            /* manifest line, for diagnostics */
    const char *columns;  /* column mapping "m1i=Mean_T;sd1i=SD_T" (as --col), or "" */
} analysis_spec;

/* What an analysis produced: the library's result. */
typedef msum_result analysis_output;

static inline int analysis_add_table(analysis_output *o, msum_table *t)
{
    return msum_result_add_table(o, t);
}
static inline int analysis_add_plot(analysis_output *o, const char *name, char *svg_owned)
{
    return msum_result_add_plot(o, name, svg_owned);
}

/* Run the analysis of a manifest row (`ms`, the row as a checked spec; its dataset relative to
 * the spec's basedir) through the library, adding the findings table the page opens with and,
 * for pool, the weights table.  Problems go to diags.  Returns MSUM_OK or a status. */
int analysis_run(const msum_spec *ms, analysis_output *out, msum_diags *diags);

#endif
