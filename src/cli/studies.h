/* Reading an effect CSV into per-study arrays (yi, vi, ni, an order key, labels) for the
 * analyses that need every study of one data set at once (bias, sensitivity). */
#ifndef METASUM_CLI_STUDIES_H
#define METASUM_CLI_STUDIES_H

#include <stddef.h>

#include "analysis.h"
#include "metasum/metasum.h"

typedef struct {
    size_t k;
    double *yi, *vi;
    double *ni;     /* sample size: column ni, else n1i + n2i, else ai + bi + ci + di; NaN */
    double *key;    /* the --order column as numbers (NULL unless asked for) */
    long *line;     /* input line of each study */
    char **label;   /* the id, study or author column (NULL when the file has none) */
    char **group;   /* --by: the group columns' values of each study, joined by '\x1f' */
    char **by;      /* --by column names (nby), pointing into by_buf */
    size_t nby;
    char *by_buf;
    msum_measure measure;
    size_t skipped; /* rows without a variance */
    int view;       /* 1: a cli_studies_group() view (labels and groups borrowed) */
} cli_studies;

/* Read `file` (filter: msum_reader_filter spec or NULL; measure for rows that need one;
 * key_col: a numeric column to order by, or NULL; by: comma-separated group columns, or NULL).
 * Diagnostics are printed to stderr.  Returns an exit code (EXIT_OK ...); on EXIT_OK free the
 * arrays with cli_studies_free().  A measure must be the same within a group. */
int cli_studies_read(const char *cmd, const char *file, const char *filter, msum_measure measure,
                     double level, const char *key_col, const char *by, cli_studies *s);
void cli_studies_free(cli_studies *s);

/* Groups in order of first appearance (one group without --by): *order holds the study indexes
 * group by group (input order within a group), start[g] .. start[g + 1] the g-th group's slice;
 * *ngroups groups.  The caller frees *order and *start.  Returns 1, or 0 on allocation failure. */
int cli_studies_groups(const cli_studies *s, size_t **order, size_t **start, size_t *ngroups);

/* The studies idx[0..n-1] of s as a view (arrays copied, labels and groups borrowed); free it
 * with cli_studies_free().  Returns 1, or 0 on allocation failure. */
int cli_studies_view(const cli_studies *s, const size_t *idx, size_t n, cli_studies *out);

/* Write the group values of study i (a '\x1f'-joined key) into columns col0.. of table row r. */
void cli_studies_set_group(const cli_studies *s, size_t i, msum_table *t, size_t r, size_t col0);

/* The axis title of a plot of these effects: "Risk ratio (log scale)", "Mean difference", ...;
 * and whether the analysis scale is logarithmic (the return value). */
int cli_studies_axis(msum_measure m, char *buf, size_t size);

/* A report analysis of kind `kind` (bias, sensitivity): the manifest row's measure, method and
 * test into *measure and *po, and each of its plots checked against names[0..nnames-1]
 * (`expected` lists them for the message).  Returns MSUM_OK, or MSUM_EDATA with a diagnostic
 * naming the manifest line. */
int cli_studies_spec(const analysis_spec *spec, const char *kind, const char *const *names,
                     size_t nnames, const char *expected, msum_measure *measure,
                     msum_pool_opts *po, msum_diags *diags);

#endif
