/* Effect sizes per row: yi, vi, standard error and CI from one typed record, as metafor's
 * escalc() computes them (metafor 3.8, vtype "LS"), plus the conversions reviewers do by hand
 * (SEM to SD, median/IQR/range to mean/SD, percent and fold change to ROM, p or CI to SE).
 *
 * Every conversion a row needed is recorded in msum_effect.conv and rendered by
 * msum_effect_conversion() as a semicolon-separated text ("sem_to_sd;cc_add_0.5").
 */
#ifndef METASUM_ESCALC_H
#define METASUM_ESCALC_H

#include <stddef.h>

#include "metasum/record.h"
#include "metasum/transf.h"

/* Which studies of 2x2 tables get the continuity correction (metafor escalc `to`). */
typedef enum {
    MSUM_CC_ONLY0 = 0, /* "only0":  studies with a zero cell (metafor default) */
    MSUM_CC_ALL,       /* "all":    every study */
    MSUM_CC_IF0ALL,    /* "if0all": every study, when any study of the analysis has a zero cell */
    MSUM_CC_NONE       /* "none":   never */
} msum_cc_policy;

/* Text <-> enum ("only0", "all", "if0all", "none"); parse returns 1, or 0 on unknown text. */
const char *msum_cc_policy_name(msum_cc_policy p);
int msum_cc_policy_parse(const char *s, msum_cc_policy *out);

typedef struct {
    double add;          /* value added to each cell of a corrected 2x2 table (metafor `add`) */
    msum_cc_policy to;   /* which tables are corrected (metafor `to`) */
    int any_zero;        /* MSUM_CC_IF0ALL only: nonzero when some table of the analysis has a
                          * zero cell (msum_escalc_has_zero_cell over all rows) */
    double level;        /* level of the output CI ci_lb..ci_ub, in (0, 1) */
    double input_level;  /* level of the CIs that generic rows report (ci_lb, ci_ub), in (0, 1) */
    /* Set by msum_escalc_prepare() (0 = not prepared: computed per call): the normal quantiles
     * z_{(1+level)/2} and z_{(1+input_level)/2}.  Change level and prepare again. */
    double z, z_input;
    /* 0: `add` was not given, and PAS, PFT, IRS, IRFT and IRSD add 0 as metafor's escalc does
     * then (msum_measure_default_add); nonzero: `add` applies to every measure. */
    int add_given;
} msum_escalc_opts;

#define MSUM_ESCALC_OPTS_DEFAULT {0.5, MSUM_CC_ONLY0, 0, 0.95, 0.95, 0, 0, 0}

/* Check the options and compute once what every row shares (the normal quantiles), for callers
 * that compute many rows.  Returns MSUM_OK or MSUM_EINVAL (a level outside (0, 1), add < 0 or
 * not finite, an unknown policy). */
int msum_escalc_prepare(msum_escalc_opts *o);

/* Conversions a row needed (bits of msum_effect.conv), in the order they are printed. */
enum {
    MSUM_CONV_SEM_TO_SD = 1u << 0,    /* "sem_to_sd": SD = SEM * sqrt(n) */
    MSUM_CONV_MEDIAN = 1u << 1,       /* "median_iqr_to_mean_sd(Wan2014,Luo2016)" */
    MSUM_CONV_PCT_TO_ROM = 1u << 2,   /* "pct_to_rom": ROM = ln(1 + pct/100), no variance */
    MSUM_CONV_FOLD_TO_ROM = 1u << 3,  /* "fold_to_rom": ROM = ln(fold), no variance */
    MSUM_CONV_CI_TO_SE = 1u << 4,     /* "ci_to_se": se = (ub - lb) / (2 z) */
    MSUM_CONV_P_TO_SE = 1u << 5,      /* "p_to_se": se = |yi| / z, z = Phi^-1(1 - p/2) */
    MSUM_CONV_CC = 1u << 6,           /* "cc_add_X": X added to every cell of the 2x2 table */
    MSUM_CONV_DIRECTION = 1u << 7,    /* "direction_only": no magnitude, yi is NA */
    MSUM_CONV_RATIO_TO_LOG = 1u << 8  /* "ratio_to_log": a ratio and its CI taken to logs */
};

/* The effect of one row.  A plain value owned by the caller. */
typedef struct {
    msum_measure measure; /* measure of yi; NONE for direction-only rows */
    msum_scale scale;
    double yi, vi, sei;   /* NaN when not available (no variance for pct/fold rows) */
    double ci_lb, ci_ub;  /* yi -/+ z_{(1+level)/2} sei on the analysis scale; NaN without sei */
    unsigned conv;        /* MSUM_CONV_* bits */
    double cc_add;        /* the value added to each cell when conv has MSUM_CONV_CC */
    /* On a non-OK status: the field at fault (msum_field, or -1 when none) and a message
     * saying what was found and what was expected (e.g. "sd1i is -2; expected >= 0"). */
    int field;
    char message[160];
} msum_effect;

/* Compute the effect of one record.
 *
 * `measure` is the measure asked for rows whose form allows several: MD, SMD or ROM for
 * continuous and median_iqr rows, RR, OR or RD for counts (bi, di or the group sizes n1i,
 * n2i).  Other forms have one measure and
 * accept NONE or that measure: correlation -> ZCOR, percent_change and fold_change -> ROM,
 * generic -> the record's own measure (GEN when NONE), direction -> none (yi NaN).
 * Correlation rows give ZCOR (NONE) or COR; proportion rows PR, PLN, PLO, PAS or PFT; rate rows
 * IR, IRLN, IRS or IRFT; rates rows IRR, IRD or IRSD; ratio rows the record's measure (GEN_LOG
 * when NONE; a log-scale measure), see metasum/measures.h.
 *
 * Continuous-type groups take their SD from sdNi, else from semNi (SD = SEM sqrt(n)), and their
 * mean/SD from the median with quartiles and/or range when the row has no mean (median_iqr rows
 * prefer the median).  Generic rows take vi, else sei^2, else the CI, else the p-value.
 *
 * Returns MSUM_OK; MSUM_EINVAL (bad options, or a measure the row's form cannot give, including
 * NONE where several are possible: out->field = -1); MSUM_EDATA (a needed field is missing or
 * impossible: out->field says which); MSUM_EDOM (the measure is undefined for these values,
 * e.g. ROM of a zero mean, SMD with n1+n2-2 <= 1, a zero cell without correction).  On
 * error out->message says why and the numbers are NaN. */
int msum_escalc(const msum_record *rec, msum_measure measure, const msum_escalc_opts *o,
                msum_effect *out);

/* 1 when the record is a 2x2 table with a zero cell, a proportion of 0 or all events, a rate
 * with 0 events, or a pair of rates with 0 events in one (for MSUM_CC_IF0ALL), else 0. */
int msum_escalc_has_zero_cell(const msum_record *rec);

/* Render out->conv as "a;b;c" ("" when none).  Returns the length snprintf would write. */
int msum_effect_conversion(const msum_effect *e, char *buf, size_t size);

/* Hedges' small-sample correction J(m) = Gamma(m/2) / (sqrt(m/2) Gamma((m-1)/2)), exactly as
 * metafor's .cmicalc (via log-gamma); NaN for m <= 1. */
double msum_hedges_j(double m);

/* Mean and SD of one group from its median with quartiles (q1, q3) and/or range (min, max):
 * Luo et al. 2018 weights for the mean, Wan et al. 2014 for the SD.  Pass NaN for what is not
 * reported (both of a pair or neither).  Returns MSUM_OK, MSUM_EDATA (order violated, half a
 * pair, nothing to use), MSUM_EDOM (n < 2). */
int msum_median_to_mean_sd(double min, double q1, double med, double q3, double max, double n,
                           double *mean, double *sd);

#endif
