/* Per-record checks: the fields each form needs and the values no study can report.
 *
 * Pure: a typed record in, a list of problems out (field + text, no positions); the typer
 * (dataset.h) attaches file:line:col and the cell text.  The rules are those of
 * datasets/README.md ("The number: input and its columns", "Impossible values").
 */
#ifndef METASUM_CHECKS_H
#define METASUM_CHECKS_H

#include <stddef.h>

#include "metasum/diag.h"
#include "metasum/record.h"

typedef enum {
    MSUM_CHECK_VALUE,   /* field holds an impossible value; text = what was expected
                           ("a standard deviation >= 0"), to follow "found '<cell>', expected " */
    MSUM_CHECK_MISSING, /* the row's form lacks fields; text lists them ("m2i, sd2i|sem2i") */
    MSUM_CHECK_NOTE     /* anything else (warnings); text is the whole message */
} msum_check_kind;

typedef struct {
    msum_severity severity;
    msum_check_kind kind;
    int field;          /* msum_field concerned, or -1 for the row's form (MISSING) */
    char text[160];
} msum_check;

/* Most problems one record can produce. */
#define MSUM_CHECKS_MAX 48

/* Check one record; writes up to `max` problems to out and returns how many were found (may
 * exceed max: only the first max are written).  `present` has bit (1 << f) set for every field f
 * that may hold a number (the typer passes the fields its header maps; MSUM_CHECK_ALL = all):
 * groups of rules whose fields are all absent are skipped, which keeps large files fast.  A record
 * with input NONE gives one MISSING problem naming "input".
 *
 * Warning (not error) rule, documented in datasets/README.md: an SD whose coefficient of
 * variation SD/|mean| is below MSUM_SD_SEM_CV (2 %) with n >= 2 may be an SEM. */
size_t msum_record_check(const msum_record *r, unsigned long long present, msum_check *out,
                         size_t max);

#define MSUM_CHECK_ALL (~0ULL)

#define MSUM_SD_SEM_CV 0.02

/* Largest count accepted in a sample size (n1i, n2i, ni) or a 2x2 cell (ai, bi, ci, di): counts
 * are whole numbers in [1 or 0, MSUM_COUNT_MAX]; 10^9 is above any study's enrolment. */
#define MSUM_COUNT_MAX 1e9

/* vi and sei both given: an error when |sqrt(vi) - sei| > MSUM_SEI_VI_RTOL * sei (5 %, so that a
 * sei rounded to two significant digits still matches). */
#define MSUM_SEI_VI_RTOL 0.05

/* The fields a form needs, as text for messages ("m1i, sd1i|sem1i, n1i, m2i, sd2i|sem2i, n2i");
 * "" for NONE. */
const char *msum_input_needs(msum_input in);

#endif
