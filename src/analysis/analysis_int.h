/* Internal to the analysis layer (src/analysis/): the kinds' runners and the helpers they share.
 * Not part of the public API (include/metasum/analysis.h is). */
#ifndef METASUM_ANALYSIS_INT_H
#define METASUM_ANALYSIS_INT_H

#include <stddef.h>

#include "metasum/analysis.h"
#include "metasum/escalc.h"
#include "metasum/plot.h"
#include "metasum/table.h"

/* One runner per kind, one file each (src/analysis/<kind>.c): spec + the dataset's path (the
 * spec's dataset resolved against its basedir) -> tables and plots in *out, problems in diags.
 * Returns an MSUM_* status. */
typedef int (*msum_an_fn)(const msum_spec *s, const char *path, msum_result *out,
                          msum_diags *diags);
int msum_an_table(const msum_spec *s, const char *path, msum_result *out, msum_diags *diags);
int msum_an_compare(const msum_spec *s, const char *path, msum_result *out, msum_diags *diags);
int msum_an_bias(const msum_spec *s, const char *path, msum_result *out, msum_diags *diags);
int msum_an_sensitivity(const msum_spec *s, const char *path, msum_result *out,
                        msum_diags *diags);
int msum_an_summarize(const msum_spec *s, const char *path, msum_result *out,
                      msum_diags *diags);
int msum_an_pool(const msum_spec *s, const char *path, msum_result *out, msum_diags *diags);

/* --add and --to (escalc's add and to) of s into *eo, for the kinds that compute effects from
 * counts: under --to if0all, eo->any_zero says whether any row of path (after --filter) has a
 * zero count (a first pass over the file; standard input refused; path NULL: the caller,
 * which holds the rows, sets it).  Returns MSUM_OK,
 * MSUM_EINVAL (reported naming "to") or MSUM_ENOMEM. */
int msum_an_cc_opts(const msum_spec *s, const char *path, msum_escalc_opts *eo, msum_diags *d);
int msum_an_scan_zero_cells(const msum_spec *s, const char *path, int *any_zero);
int msum_an_effects(const msum_spec *s, const char *path, msum_result *out, msum_diags *diags);
/* Kind effects row by row into a sink (msum_analysis_stream); *skipped: rows left out. */
int msum_an_effects_stream(const msum_spec *s, const char *path, const msum_sink *sink,
                           msum_diags *diags, size_t *skipped);

/* A spec problem, reported where the spec came from: the manifest line and column (`field`)
 * when the spec has an origin, else as "FIELD: message" without a position (the CLI names its
 * options in front of the same text).  Returns MSUM_EINVAL, the status of every spec problem
 * (include/metasum/analysis.h: a bad setting is MSUM_EINVAL, bad data MSUM_EDATA). */
int msum_an_spec_error(msum_diags *diags, const msum_spec *s, const char *field,
                        const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* Text field given? */
static inline int msum_an_given(const char *s) { return s && *s; }

/* A copy of s (in *buf, freed by the caller) split at sep into parts[0..max), empty parts
 * kept; the number of parts, or -1 when there are more than max (or no memory). */
int msum_an_split(const char *s, char sep, char **parts, int max, char **buf);

/* Does the comma- (or ';'-) separated list contain word (before any '=')? */
int msum_an_list_has(const char *list, const char *word);

/* Is every plot of s->plots (names, or NAME=FILE entries) one of `known` ("forest,funnel")?
 * Otherwise a spec error naming the plot and the known ones; returns 0. */
int msum_an_check_plots(const msum_spec *s, const char *known, msum_diags *diags);

/* A CSV text as a table: the columns named in `numeric` are numbers, the others text, or
 * numbers when every value is an integer.  NULL on allocation failure or bad CSV. */
msum_table *msum_an_table_from_csv(const char *csv, size_t len, const char *name,
                                   const char *title, const char *const *numeric, size_t nnum);

/* Render a plot into a string; NULL on failure. */
char *msum_an_svg_forest(const msum_forest_data *d);
char *msum_an_svg_funnel(const msum_funnel_data *d);
char *msum_an_svg_heatmap(const msum_heatmap_data *d);
char *msum_an_svg_bias_funnel(const msum_bias_funnel_data *d);
char *msum_an_svg_baujat(const msum_baujat_data *d);
char *msum_an_svg_radial(const msum_radial_data *d);
char *msum_an_svg_influence(const msum_influence_panel_data *d);

#endif
