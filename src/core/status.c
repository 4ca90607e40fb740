/* Status codes and version: the texts behind msum_status. */
#include "metasum/metasum.h"

const char *msum_strerror(msum_status st)
{
    switch (st) {
    case MSUM_OK: return "success";
    case MSUM_EINVAL: return "invalid argument";
    case MSUM_ENOMEM: return "out of memory";
    case MSUM_EIO: return "input/output error";
    case MSUM_EPARSE: return "malformed input";
    case MSUM_EDATA: return "invalid data";
    case MSUM_ENOCONV: return "did not converge";
    case MSUM_EDOM: return "undefined for this input";
    }
    return "unknown status";
}

const char *msum_version(void) { return MSUM_VERSION; }
