/* Internal to kind "pool" (src/analysis/pool*.c): the studies grouped by --by, as pool.c reads
 * them and pool_plot.c draws them. */
#ifndef METASUM_ANALYSIS_POOL_INT_H
#define METASUM_ANALYSIS_POOL_INT_H

#include <stddef.h>

#include "analysis_int.h"
#include "metasum/plot.h"
#include "metasum/pool.h"

typedef struct {
    char *key;        /* group column values joined by \x1f ("" without --by) */
    size_t k, fill, skipped;
    size_t first;     /* index of its first study in groups.in (while studies come in groups) */
    double *yi, *vi;  /* the group's studies: slices of groups.by (after groups_finish) */
    long *line;       /* kept studies only: input line of each study */
    char **id;        /* kept studies only: the id column, when there is one */
    msum_measure measure;
    long measure_line;
} pool_group;

/* Studies are appended as they are read (one growing array for all, not one per group).  While
 * each group's rows are consecutive in the input (the usual layout) the array is already group
 * by group; once they are not, each study's group index is kept too and the groups are laid
 * out group by group at the end (input order within a group). */
typedef struct {
    double *yi, *vi;
    long *line;
    char **id;
    size_t *gi; /* group of each study: only once the groups' rows are interleaved */
    size_t n, cap;
} pool_studies;

typedef struct {
    pool_group *g;
    size_t n, cap;
    size_t *slot;    /* open addressing: group index + 1, 0 = empty */
    size_t nslot;
    pool_studies in; /* in reading order (emptied when the groups are laid out) */
    pool_studies by; /* group by group: every group's arrays point into these */
    size_t last;     /* group of the last study + 1 (0: none yet) */
} pool_groups;

typedef struct {
    int *col;    /* --by column indexes */
    char **name; /* their names (into `spec`) */
    char *spec;  /* a copy of the --by list */
    size_t n;
} pool_bycols;

/* The fits of every group, as the plots take them. */
typedef struct {
    const pool_groups *gs;
    const pool_bycols *by;
    const msum_pool_result *res; /* one per group (k = 0: not fitted) */
    const msum_pool_opts *po;
} pool_fits;

/* A group's label for messages and plots: "alloc=random" or "all rows". */
void msum_an_pool_group_label(const pool_bycols *by, const char *key, char *buf, size_t size);

/* The harmonic mean of the studies' n under PFT (metafor transf.ipft.hm), each n recovered
 * from its variance 1/(4n + 2). */
double msum_an_pool_pft_hm(const double *vi, size_t k);

/* The forest plot of the fits (one block per group with --by), or NULL when out of memory.
 * Study labels and arm data are read again from the dataset at `path` (with the spec's filter
 * and reading options) when the study rows are drawn. */
char *msum_an_pool_forest(const pool_fits *f, const msum_spec *s, const char *path,
                          const char *title);

/* The funnel plot of one group's fit, or NULL when out of memory. */
char *msum_an_pool_funnel(const pool_group *g, const msum_pool_result *r, const char *title);

/* Kind pool with method MH or PETO (pool_mh.c); msum_an_pool hands such specs over. */
int msum_an_pool_mh(const msum_spec *s, const char *path, msum_result *out, msum_diags *diags);

#endif
