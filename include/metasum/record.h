/* One reported effect, typed: the row of an effect CSV after strict parsing.
 *
 * The dataset format (datasets/README.md) is long: one row per reported effect.  Each row names
 * the form its number takes in column `input`; the fields that form needs are in the numeric
 * members below.  Missing numbers are NaN.  Text columns (id, ref, source, outcome, quote, and
 * any column the reader does not know) stay in the dataset and are reached by column index.
 */
#ifndef METASUM_RECORD_H
#define METASUM_RECORD_H

#include <stddef.h>

/* How a row gives its number (column `input`). */
typedef enum {
    MSUM_INPUT_NONE = 0,
    MSUM_INPUT_GENERIC,     /* "generic":     yi on `measure`, with vi | sei | ci_lb,ci_ub | pval */
    MSUM_INPUT_CONTINUOUS,  /* "continuous":  m1i, sd1i|sem1i, n1i, m2i, sd2i|sem2i, n2i */
    MSUM_INPUT_COUNTS,      /* "counts":      2x2 table ai, bi, ci, di */
    MSUM_INPUT_CORRELATION, /* "correlation": ri, ni */
    MSUM_INPUT_PERCENT,     /* "percent_change": pct (treatment vs comparator, in percent) */
    MSUM_INPUT_FOLD,        /* "fold_change":  fold (ratio treatment / comparator) */
    MSUM_INPUT_MEDIAN,      /* "median_iqr":  medNi with q1_Ni,q3_Ni and/or minNi,maxNi, nNi */
    MSUM_INPUT_DIRECTION,   /* "direction":   direction only */
    MSUM_INPUT_PROPORTION,  /* "proportion":  xi events of ni (PR, PLN, PLO, PAS, PFT) */
    MSUM_INPUT_RATE,        /* "rate":        xi events in person-time ti (IR, IRLN, IRS, IRFT) */
    MSUM_INPUT_RATES,       /* "rates":       x1i, t1i, x2i, t2i (IRR, IRD, IRSD) */
    MSUM_INPUT_RATIO,       /* "ratio":       a ratio with ci_lb, ci_ub on its own scale */
    MSUM_INPUT_COUNT_       /* number of forms, not a form */
} msum_input;

/* Effect-size measures (metafor escalc names). */
typedef enum {
    MSUM_MEASURE_NONE = 0,
    MSUM_MEASURE_MD,   /* raw mean difference */
    MSUM_MEASURE_SMD,  /* standardised mean difference, Hedges' g */
    MSUM_MEASURE_ROM,  /* log ratio of means */
    MSUM_MEASURE_RR,   /* log risk ratio */
    MSUM_MEASURE_OR,   /* log odds ratio */
    MSUM_MEASURE_RD,   /* risk difference */
    MSUM_MEASURE_ZCOR, /* Fisher z of a correlation */
    MSUM_MEASURE_GEN,  /* generic, unnamed scale */
    MSUM_MEASURE_PETO, /* Peto's log odds ratio */
    MSUM_MEASURE_PR,   /* raw proportion */
    MSUM_MEASURE_PLN,  /* log proportion */
    MSUM_MEASURE_PLO,  /* logit of a proportion */
    MSUM_MEASURE_PAS,  /* arcsine square root of a proportion */
    MSUM_MEASURE_PFT,  /* Freeman-Tukey double arcsine of a proportion */
    MSUM_MEASURE_IR,   /* raw incidence rate */
    MSUM_MEASURE_IRLN, /* log incidence rate */
    MSUM_MEASURE_IRS,  /* square root of an incidence rate */
    MSUM_MEASURE_IRFT, /* Freeman-Tukey incidence rate */
    MSUM_MEASURE_IRR,  /* log incidence rate ratio */
    MSUM_MEASURE_IRD,  /* incidence rate difference */
    MSUM_MEASURE_IRSD, /* difference of square-root incidence rates */
    MSUM_MEASURE_COR,  /* raw correlation */
    MSUM_MEASURE_GEN_LOG, /* generic effect on the log scale of a ratio (exp back-transform) */
    MSUM_MEASURE_COUNT_
} msum_measure;

/* Reported direction of a change (column `direction`). */
typedef enum {
    MSUM_DIR_NONE = 0,     /* not given */
    MSUM_DIR_INCREASE,     /* "increase" */
    MSUM_DIR_DECREASE,     /* "decrease" */
    MSUM_DIR_NO_CHANGE     /* "no_change" */
} msum_direction;

/* Numeric fields, in the order of msum_field_name(); index with MSUM_F_*. */
typedef enum {
    MSUM_F_YI, MSUM_F_VI, MSUM_F_SEI, MSUM_F_CI_LB, MSUM_F_CI_UB, MSUM_F_PVAL,
    MSUM_F_M1I, MSUM_F_SD1I, MSUM_F_SEM1I, MSUM_F_N1I,
    MSUM_F_M2I, MSUM_F_SD2I, MSUM_F_SEM2I, MSUM_F_N2I,
    MSUM_F_MED1I, MSUM_F_Q1_1I, MSUM_F_Q3_1I, MSUM_F_MIN1I, MSUM_F_MAX1I,
    MSUM_F_MED2I, MSUM_F_Q1_2I, MSUM_F_Q3_2I, MSUM_F_MIN2I, MSUM_F_MAX2I,
    MSUM_F_AI, MSUM_F_BI, MSUM_F_CI, MSUM_F_DI,
    MSUM_F_RI, MSUM_F_NI,
    MSUM_F_PCT, MSUM_F_FOLD,
    MSUM_F_TIME,
    MSUM_F_XI, MSUM_F_TI, MSUM_F_X1I, MSUM_F_T1I, MSUM_F_X2I, MSUM_F_T2I,
    MSUM_F_RATIO,
    MSUM_F_COUNT_
} msum_field;

typedef struct {
    msum_input input;
    msum_measure measure;     /* the scale of yi for generic rows; NONE otherwise */
    msum_direction direction; /* reported direction, when given (any form may give it) */
    double x[MSUM_F_COUNT_];  /* numeric fields, NaN when missing */
} msum_record;

/* Column name of a numeric field ("yi", "sd1i", "q1_1i", ...). */
const char *msum_field_name(msum_field f);
/* Field for a column name, or -1. */
int msum_field_lookup(const char *name);

/* Canonical text of each enum ("percent_change", "ROM", "no_change"), and the reverse parse
 * (exact match; returns 0 and leaves *out alone on unknown text). */
const char *msum_input_name(msum_input in);
int msum_input_parse(const char *s, msum_input *out);
const char *msum_measure_name(msum_measure m);
int msum_measure_parse(const char *s, msum_measure *out);
const char *msum_direction_name(msum_direction d);
int msum_direction_parse(const char *s, msum_direction *out);

/* Set every numeric field to NaN and the enums to NONE. */
void msum_record_clear(msum_record *r);

#endif
