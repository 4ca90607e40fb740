/* Analyses as the report runs them: one manifest row in, tables and SVG plots out.
 * Each kind's table building lives beside its subcommand (cmd_<kind>.c), so `metasum pool` and
 * a report's pool analysis print the same numbers. */
#ifndef METASUM_CLI_ANALYSIS_H
#define METASUM_CLI_ANALYSIS_H

#include <stddef.h>

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

/* What an analysis produced; owned by the caller, released with analysis_output_free(). */
typedef struct {
    msum_table **tables;
    size_t ntables;
    char **plot_names; /* file stem of each plot, e.g. "forest" */
    char **plots;      /* SVG markup */
    size_t nplots;
} analysis_output;

int analysis_add_table(analysis_output *o, msum_table *t);
int analysis_add_plot(analysis_output *o, const char *name, char *svg_owned);
void analysis_output_free(analysis_output *o);

/* Run the analysis of the spec's kind on its dataset (path relative to basedir), keeping the
 * rows its filter selects ("col=value;col=value": all must hold).  Problems go to diags.
 * Returns MSUM_OK or a status (MSUM_EDATA for data or spec problems). */
int analysis_run(const analysis_spec *spec, const char *basedir, analysis_output *out,
                 msum_diags *diags);



/* Per-kind runners, beside their subcommands (cmd_<kind>.c), so a report's analysis and the
 * subcommand share one code path.  `path` is the dataset file; the spec's filter is applied
 * with msum_reader_filter().  Problems go to diags.  Return MSUM_OK or a status. */
typedef int (*analysis_fn)(const analysis_spec *spec, const char *path, analysis_output *out,
                           msum_diags *diags);
int analysis_effects(const analysis_spec *spec, const char *path, analysis_output *out,
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

/* Kind "table": the CSV file itself as a table (dictionaries, references). */
int analysis_table(const analysis_spec *spec, const char *path, analysis_output *out,
                   msum_diags *diags);

/* A CSV text as a table: the columns named in `numeric` are numbers, the others text, or
 * numbers when every value is an integer.  NULL on allocation failure or bad CSV. */
msum_table *analysis_table_from_csv(const char *csv, size_t len, const char *name,
                                    const char *title, const char *const *numeric, size_t nnum);

/* A subcommand's exit code (EXIT_* in cli.h) as the status an analysis returns. */
int analysis_status(int exit_code);

/* A ';'-separated manifest list as the ','-separated list the subcommands take; caller frees. */
char *analysis_list(const char *s);

/* Render a plot into a string (open_memstream); NULL on failure. */
#include "metasum/plot.h"
char *analysis_svg_forest(const msum_forest_data *d);
char *analysis_svg_funnel(const msum_funnel_data *d);
char *analysis_svg_heatmap(const msum_heatmap_data *d);
char *analysis_svg_bias_funnel(const msum_bias_funnel_data *d);
char *analysis_svg_baujat(const msum_baujat_data *d);
char *analysis_svg_radial(const msum_radial_data *d);
char *analysis_svg_influence(const msum_influence_panel_data *d);

/* Does the ';'-separated list contain the word? */
int analysis_list_has(const char *list, const char *word);

#endif
