/* Internal to the analysis layer: an effect file read into per-study arrays (yi, vi, ni, an
 * order key, labels, --by groups) for the kinds that need every study of a data set at once
 * (bias, sensitivity), and the settings those kinds share. */
#ifndef METASUM_AN_STUDIES_H
#define METASUM_AN_STUDIES_H

#include <stddef.h>

#include "analysis_int.h"
#include "metasum/metasum.h"

typedef struct {
    size_t k;
    double *yi, *vi;
    double *ni;     /* sample size: column ni, else n1i + n2i, else ai + bi + ci + di; NaN */
    double *key;    /* the order column as numbers (NULL unless asked for) */
    long *line;     /* input line of each study */
    char **label;   /* the id, study or author column (NULL when the file has none) */
    char **group;   /* by: the group columns' values of each study, joined by '\x1f' */
    char **by;      /* by column names (nby), pointing into by_buf */
    size_t nby;
    char *by_buf;
    char *name;     /* the file's name in messages */
    char *columns;  /* columns taken for a field under another name ("" when none) */
    msum_measure measure;
    size_t skipped; /* rows left out: without a variance, or a missing value (na.omit) */
    int view;       /* 1: a msum_an_studies_view() (labels, groups and names borrowed) */
} msum_an_studies;

/* The fit settings of s (measure, method, test, level) into *measure and *po (defaults: the
 * rows' own measure, REML, z, 0.95).  A method the kind cannot take (MH, PETO) is a spec
 * error.  Returns 1, or 0 after a spec error. */
int msum_an_studies_fit(const msum_spec *s, msum_measure *measure, msum_pool_opts *po,
                        msum_diags *diags);

/* Read the rows of path that sp->filter keeps (read options sp->read, groups sp->by) into *s;
 * `measure` for the rows whose form needs one, `level` for escalc, `key_col` a numeric column to
 * order by (or NULL).  A measure must be the same within the file.  Problems go to d (spec
 * problems through msum_an_spec_error).  Returns MSUM_OK (free with msum_an_studies_free), or
 * MSUM_EINVAL (a setting), MSUM_EDATA, MSUM_EIO, MSUM_ENOMEM (nothing to free). */
int msum_an_studies_read(const msum_spec *sp, const char *path, msum_measure measure,
                         double level, const char *key_col, msum_an_studies *s,
                         msum_diags *d);
void msum_an_studies_free(msum_an_studies *s);

/* Groups in order of first appearance (one group without by): *order holds the study indexes
 * group by group (input order within a group), start[g] .. start[g + 1] the g-th group's slice;
 * *ngroups groups.  The caller frees *order and *start.  Returns 1, or 0 on allocation failure. */
int msum_an_studies_groups(const msum_an_studies *s, size_t **order, size_t **start,
                           size_t *ngroups);

/* The studies idx[0..n-1] of s as a view (arrays copied, labels and groups borrowed); free it
 * with msum_an_studies_free().  Returns 1, or 0 on allocation failure. */
int msum_an_studies_view(const msum_an_studies *s, const size_t *idx, size_t n,
                         msum_an_studies *out);

/* Write the group values of study i (a '\x1f'-joined key) into columns col0.. of table row r. */
void msum_an_studies_set_group(const msum_an_studies *s, size_t i, msum_table *t, size_t r,
                               size_t col0);

/* The by columns as the first columns of t ("group column (by)"), then `ncols` columns
 * name/type/desc; a by column named as an output column (or as one of `also`, NULL-ended) is a
 * spec error.  Returns MSUM_OK, MSUM_EINVAL (reported) or MSUM_ENOMEM. */
typedef struct {
    const char *name;
    msum_coltype type;
    const char *desc;
} msum_an_coldef;
int msum_an_studies_columns(const msum_an_studies *st, const msum_spec *s, msum_table *t,
                            const msum_an_coldef *cols, size_t ncols, msum_diags *diags);

/* The settings of the fit as table metadata (estimator, test, level, measure, input and the
 * column mapping). */
void msum_an_studies_meta(const msum_an_studies *st, const msum_spec *s,
                          const msum_pool_opts *po, msum_table *t);

/* The axis title of a plot of these effects: "Risk ratio (log scale)", "Mean difference", ...;
 * and whether the analysis scale is logarithmic (the return value). */
int msum_an_studies_axis(msum_measure m, char *buf, size_t size);

/* A plot of s->plots that cannot be drawn from this data: an error at the manifest line (column
 * plots) for a report, else at the data file.  Returns MSUM_EDATA. */
int msum_an_studies_plot_error(msum_diags *diags, const msum_spec *s, const msum_an_studies *st,
                               const char *plot, const char *why);

#endif
