/* metasum — effects from the research literature turned into pooled, comparable numbers.
 *
 * Public API umbrella header.  Conventions that hold for every header in include/metasum/:
 *
 *  - Status: library functions return msum_status (MSUM_OK = 0) and never print or exit.
 *  - Results passed as `*out` structs are plain values owned by the caller.
 *  - Growable objects come in pairs msum_x_new()/msum_x_free(); free accepts NULL; a failed
 *    constructor frees what it had built.  An object returned through `**out` belongs to the
 *    caller; on error `*out` is NULL.
 *  - Option structs have a default initializer macro (e.g. MSUM_POOL_OPTS_DEFAULT).
 *  - Missing numbers are NaN in the library and "NA" in text.
 *  - No global mutable state.  GSL's error handler is process-global: callers (main, tests)
 *    call gsl_set_error_handler_off() once; the library checks every GSL status.
 */
#ifndef METASUM_METASUM_H
#define METASUM_METASUM_H

#define MSUM_VERSION "0.1.0"

typedef enum {
    MSUM_OK = 0,
    MSUM_EINVAL,  /* invalid argument (programming or usage error) */
    MSUM_ENOMEM,  /* out of memory */
    MSUM_EIO,     /* read or write failure */
    MSUM_EPARSE,  /* malformed input text (CSV syntax, number syntax) */
    MSUM_EDATA,   /* well-formed but impossible or inconsistent data */
    MSUM_ENOCONV, /* an iterative method did not converge (and no fallback was allowed) */
    MSUM_EDOM     /* a computation is undefined for this input (e.g. k = 0) */
} msum_status;

/* Short English text for a status; never NULL. */
const char *msum_strerror(msum_status st);

/* The library version, MSUM_VERSION. */
const char *msum_version(void);

#include "metasum/compare.h"
#include "metasum/diag.h"
#include "metasum/escalc.h"
#include "metasum/pool.h"
#include "metasum/measures.h"
#include "metasum/metareg.h"
#include "metasum/mh.h"
#include "metasum/record.h"
#include "metasum/subgroup.h"
#include "metasum/swim.h"
#include "metasum/direction.h"
#include "metasum/findings.h"
#include "metasum/table.h"
#include "metasum/transf.h"
#include "metasum/write.h"
#include "metasum/plot.h"
#include "metasum/bias.h"
#include "metasum/sensitivity.h"

#endif
