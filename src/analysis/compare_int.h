/* Kind "compare", shared by its two files: compare.c (settings, the rows, groups, tables) and
 * compare_mods.c (the --mods terms, the meta-regression and the --newmods rows).  Internal to
 * src/analysis/. */
#ifndef METASUM_ANALYSIS_COMPARE_INT_H
#define METASUM_ANALYSIS_COMPARE_INT_H

#include <stddef.h>

#include "analysis_int.h"
#include "metasum/dataset.h"
#include "metasum/metareg.h"
#include "metasum/pool.h"

enum { MSUM_CMP_MAXLIST = 64 };

/* The settings of one compare run, checked and typed. */
typedef struct {
    const msum_spec *s;
    msum_diags *diags;
    msum_pool_opts po;
    int maxiter_set;
    msum_measure measure;  /* MSUM_MEASURE_NONE: the rows' own */
    msum_pi_type pi_type;
    char *refbuf;          /* --ref-level COL=LV pairs, split in place */
    const char *ref_col[MSUM_CMP_MAXLIST], *ref_lv[MSUM_CMP_MAXLIST];
    int nref;
} msum_cmp;

/* The reference level --ref-level gives column col, or NULL. */
const char *msum_cmp_ref_level(const msum_cmp *c, const char *col);

/* The rows that can be pooled: yi, vi, group and their dataset row. */
typedef struct {
    size_t k;
    double *yi, *vi;
    const char **group;
    size_t *row;
    msum_measure measure;
} msum_cmp_effects;

/* A moderator of the fitted model as named --newmods rows give it: its column, continuous or
 * categorical, and the centring and scaling the fit applied to its values. */
typedef struct {
    char name[128];    /* as written in --mods: the coefficient names use it */
    char col[128];     /* the column: --newmods names it */
    int numeric;
    double shift, div; /* continuous: x -> (x - shift) / div */
    const char *ref;   /* categorical: the reference level (NULL when every level has its own
                          column) */
} msum_cmp_newvar;

typedef struct {
    msum_cmp_newvar v[MSUM_CMP_MAXLIST * 2];
    int n;
    char **refs; /* owned copies of the reference levels */
    double pft_n; /* PFT: the harmonic mean of the fitted rows' n, each from its variance
                     1/(4n + 2) (the n of transf.ipft.hm); NaN otherwise */
} msum_cmp_newvars;

void msum_cmp_newvars_free(msum_cmp_newvars *nv);

/* Meta-regression of the effects on the terms of --mods (rows with a missing moderator left
 * out with a warning).  Fills *lines with the input line of each row used (caller frees) and
 * *nvs with the moderators for --newmods.  Returns MSUM_OK, MSUM_EINVAL (a setting is wrong:
 * reported naming it), MSUM_EDATA, or a numerical status. */
int msum_cmp_fit_mods(const msum_cmp *c, const msum_dataset *ds, const msum_cmp_effects *e,
                      msum_metareg_result *mr, long **lines, msum_cmp_newvars *nvs);

/* The --newmods rows as model-matrix rows *x0 (nrows x m->p, the intercept's 1 included;
 * caller frees).  Returns MSUM_OK, MSUM_EINVAL (reported naming newmods) or MSUM_ENOMEM. */
int msum_cmp_newmods(const msum_cmp *c, const msum_metareg_result *m,
                     const msum_cmp_newvars *nvs, double **x0, size_t *nrows);

#endif
