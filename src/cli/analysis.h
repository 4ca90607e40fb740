/* Analyses as the report runs them, during the move of each kind into the library
 * (src/analysis/, include/metasum/analysis.h): the kinds msum_analysis_has() runs go there; the
 * others still run beside their subcommand (cmd_<kind>.c), from the manifest row's text. */
#ifndef METASUM_CLI_ANALYSIS_H
#define METASUM_CLI_ANALYSIS_H

#include <stddef.h>

#include "metasum/analysis.h"
#include "metasum/metasum.h"
#include "../analysis/analysis_int.h"

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

/* Run the analysis of a manifest row: `ms` is the row as a spec (checked), `spec` its text;
 * the dataset's path is relative to basedir.  Problems go to diags.  Returns MSUM_OK or a
 * status (MSUM_EDATA for data or spec problems). */
int analysis_run(const analysis_spec *spec, const msum_spec *ms, const char *basedir,
                 analysis_output *out, msum_diags *diags);

/* Per-kind runners, beside their subcommands (cmd_<kind>.c), so a report's analysis and the
 * subcommand share one code path.  `path` is the dataset file; the spec's filter is applied
 * with msum_reader_filter().  Problems go to diags.  Return MSUM_OK or a status. */
typedef int (*analysis_fn)(const analysis_spec *spec, const char *path, analysis_output *out,
                           msum_diags *diags);
int analysis_pool(const analysis_spec *spec, const char *path, analysis_output *out,
                  msum_diags *diags);
/* Kind pool with method MH or PETO (cmd_pool_mh.c); analysis_pool hands such specs over. */
int analysis_pool_mh(const analysis_spec *spec, const char *path, analysis_output *out,
                     msum_diags *diags);
int analysis_compare(const analysis_spec *spec, const char *path, analysis_output *out,
                     msum_diags *diags);
int analysis_summarize(const analysis_spec *spec, const char *path, analysis_output *out,
                       msum_diags *diags);

/* Kinds bias and sensitivity (cmd_bias.c, cmd_sensitivity.c): their tables, and the plots
 * funnel_trimfill, funnel_contour (bias) and baujat, leave1out (sensitivity). */
int analysis_bias(const analysis_spec *spec, const char *path, analysis_output *out,
                  msum_diags *diags);
int analysis_sensitivity(const analysis_spec *spec, const char *path, analysis_output *out,
                         msum_diags *diags);

/* A subcommand's exit code (EXIT_* in cli.h) as the status an analysis returns. */
int analysis_status(int exit_code);

/* A ';'-separated manifest list as the ','-separated list the subcommands take; caller frees. */
char *analysis_list(const char *s);

/* Render a plot into a string (the library's helpers); NULL on failure. */
#define analysis_svg_forest msum_an_svg_forest
#define analysis_svg_funnel msum_an_svg_funnel
#define analysis_svg_heatmap msum_an_svg_heatmap
#define analysis_svg_bias_funnel msum_an_svg_bias_funnel
#define analysis_svg_baujat msum_an_svg_baujat
#define analysis_svg_radial msum_an_svg_radial
#define analysis_svg_influence msum_an_svg_influence

/* Does the ';'-separated list contain the word? */
int analysis_list_has(const char *list, const char *word);

#endif
