/* Names of the dataset format's forms, measures, directions and numeric fields. */
#include "metasum/metasum.h"

#include <math.h>
#include <string.h>

static const char *const field_names[MSUM_F_COUNT_] = {
    "yi", "vi", "sei", "ci_lb", "ci_ub", "pval",
    "m1i", "sd1i", "sem1i", "n1i",
    "m2i", "sd2i", "sem2i", "n2i",
    "med1i", "q1_1i", "q3_1i", "min1i", "max1i",
    "med2i", "q1_2i", "q3_2i", "min2i", "max2i",
    "ai", "bi", "ci", "di",
    "ri", "ni",
    "pct", "fold",
    "time",
    "xi", "ti", "x1i", "t1i", "x2i", "t2i",
    "ratio",
};

static const char *const input_names[MSUM_INPUT_COUNT_] = {
    "", "generic", "continuous", "counts", "correlation",
    "percent_change", "fold_change", "median_iqr", "direction",
    "proportion", "rate", "rates", "ratio",
};

static const char *const measure_names[MSUM_MEASURE_COUNT_] = {
    "", "MD", "SMD", "ROM", "RR", "OR", "RD", "ZCOR", "GEN",
    "PETO", "PR", "PLN", "PLO", "PAS", "PFT", "IR", "IRLN", "IRS", "IRFT",
    "IRR", "IRD", "IRSD", "COR", "GEN_LOG",
};

static const char *const direction_names[] = {"", "increase", "decrease", "no_change"};

const char *msum_field_name(msum_field f)
{
    return (f >= 0 && f < MSUM_F_COUNT_) ? field_names[f] : "";
}

int msum_field_lookup(const char *name)
{
    for (int i = 0; i < MSUM_F_COUNT_; i++)
        if (strcmp(field_names[i], name) == 0) return i;
    return -1;
}

static int lookup(const char *const *names, int n, const char *s)
{
    if (!s || !*s) return -1;
    for (int i = 1; i < n; i++)
        if (strcmp(names[i], s) == 0) return i;
    return -1;
}

const char *msum_input_name(msum_input in)
{
    return (in > 0 && in < MSUM_INPUT_COUNT_) ? input_names[in] : "";
}

int msum_input_parse(const char *s, msum_input *out)
{
    int i = lookup(input_names, MSUM_INPUT_COUNT_, s);
    if (i < 0) return 0;
    *out = (msum_input)i;
    return 1;
}

const char *msum_measure_name(msum_measure m)
{
    return (m > 0 && m < MSUM_MEASURE_COUNT_) ? measure_names[m] : "";
}

int msum_measure_parse(const char *s, msum_measure *out)
{
    int i = lookup(measure_names, MSUM_MEASURE_COUNT_, s);
    if (i < 0) return 0;
    *out = (msum_measure)i;
    return 1;
}

const char *msum_direction_name(msum_direction d)
{
    return (d > 0 && d <= MSUM_DIR_NO_CHANGE) ? direction_names[d] : "";
}

int msum_direction_parse(const char *s, msum_direction *out)
{
    int i = lookup(direction_names, 4, s);
    if (i < 0) return 0;
    *out = (msum_direction)i;
    return 1;
}

void msum_record_clear(msum_record *r)
{
    r->input = MSUM_INPUT_NONE;
    r->measure = MSUM_MEASURE_NONE;
    r->direction = MSUM_DIR_NONE;
    for (int i = 0; i < MSUM_F_COUNT_; i++) r->x[i] = NAN;
}
