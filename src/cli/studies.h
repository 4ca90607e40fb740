/* Reading an effect CSV into per-study arrays (yi, vi, ni, an order key, labels) for the
 * analyses that need every study of one data set at once (bias, sensitivity). */
#ifndef METASUM_CLI_STUDIES_H
#define METASUM_CLI_STUDIES_H

#include <stddef.h>

#include "metasum/metasum.h"

typedef struct {
    size_t k;
    double *yi, *vi;
    double *ni;     /* sample size: column ni, else n1i + n2i, else ai + bi + ci + di; NaN */
    double *key;    /* the --order column as numbers (NULL unless asked for) */
    long *line;     /* input line of each study */
    char **label;   /* the id, study or author column (NULL when the file has none) */
    msum_measure measure;
    size_t skipped; /* rows without a variance */
} cli_studies;

/* Read `file` (filter: msum_reader_filter spec or NULL; measure for rows that need one;
 * key_col: a numeric column to order by, or NULL).  Diagnostics are printed to stderr.
 * Returns an exit code (EXIT_OK ...); on EXIT_OK free the arrays with cli_studies_free(). */
int cli_studies_read(const char *cmd, const char *file, const char *filter, msum_measure measure,
                     double level, const char *key_col, cli_studies *s);
void cli_studies_free(cli_studies *s);

#endif
