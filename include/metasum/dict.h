/* Dictionaries beside an effect file: references.csv (key `ref`), outcomes.csv (key `outcome`,
 * with the `beneficial` direction), sources.csv (key `source`), preparations.csv (key
 * `preparation`).  Each is a CSV with a header; the key column is required, keys are non-empty
 * and unique.  Format: datasets/README.md ("Dictionaries").
 */
#ifndef METASUM_DICT_H
#define METASUM_DICT_H

#include <stddef.h>

#include "metasum/diag.h"

typedef struct msum_dict msum_dict;

/* Which direction of an outcome is good for the patient (outcomes.csv, column `beneficial`). */
typedef enum {
    MSUM_BENEFIT_UNKNOWN = 0, /* outcome not in the dictionary, or no `beneficial` column */
    MSUM_BENEFIT_INCREASE,    /* "increase": higher is better (e.g. viability, collagen) */
    MSUM_BENEFIT_DECREASE,    /* "decrease": lower is better (e.g. ROS, MMP-1) */
    MSUM_BENEFIT_NONE         /* "none": descriptive (e.g. EV yield) */
} msum_benefit;

/* Read a dictionary whose key column is `key` ("ref", "outcome", ...).  Problems (malformed CSV,
 * no key column, empty or duplicate keys; for key "outcome" a missing `beneficial` column or a
 * value other than increase/decrease/none) go to diags with positions.  Returns MSUM_OK (check
 * msum_diags_errors), MSUM_EIO (cannot read: *out NULL), MSUM_EPARSE (malformed CSV: the rows
 * before the fault are kept), MSUM_ENOMEM. */
int msum_dict_read(const char *path, const char *key, msum_diags *diags, msum_dict **out);
void msum_dict_free(msum_dict *d);

const char *msum_dict_name(const msum_dict *d); /* the file name used in diagnostics */
size_t msum_dict_size(const msum_dict *d);
const char *msum_dict_key(const msum_dict *d, size_t i);
/* Row index of a key, or -1. */
long msum_dict_find(const msum_dict *d, const char *key);
/* Value of `column` for `key`, or NULL when the key or the column does not exist. */
const char *msum_dict_get(const msum_dict *d, const char *key, const char *column);
/* The `beneficial` direction of an outcome (outcome dictionaries). */
msum_benefit msum_dict_beneficial(const msum_dict *d, const char *outcome);
/* Canonical text of a benefit ("increase", "decrease", "none", "" for UNKNOWN). */
const char *msum_benefit_name(msum_benefit b);

#endif
