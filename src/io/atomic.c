/* Atomic file output: write to a temporary file in the target's folder, then fflush, check the
 * error flag, fsync, fclose and rename(2) into place, so an interrupted or failed run leaves
 * either the old file or the complete new one, never a partial file. */
#include "metasum/write.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "metasum/metasum.h"

enum { TO_TEMP, TO_STDOUT, TO_SPECIAL };

struct msum_atomic {
    FILE *fp;
    int kind;
    char *path;
    char *tmp;
};

static void free_handle(msum_atomic *a)
{
    free(a->path);
    free(a->tmp);
    free(a);
}

/* ".NAME.tmp-PID-N" next to path: hidden, same file system as the target (rename is atomic only
 * within one), created with O_EXCL so two writers never share it. */
static int open_temp(msum_atomic *a)
{
    const char *slash = strrchr(a->path, '/');
    size_t dirlen = slash ? (size_t)(slash - a->path) + 1 : 0;
    const char *base = a->path + dirlen;
    size_t cap = strlen(a->path) + 64;
    a->tmp = malloc(cap);
    if (!a->tmp) return MSUM_ENOMEM;
    for (unsigned n = 0; n < 100; n++) {
        snprintf(a->tmp, cap, "%.*s.%s.tmp-%ld-%u", (int)dirlen, a->path, base, (long)getpid(), n);
        int fd = open(a->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd < 0) {
            if (errno == EEXIST) continue;
            return MSUM_EIO;
        }
        a->fp = fdopen(fd, "w");
        if (!a->fp) {
            close(fd);
            unlink(a->tmp);
            return MSUM_EIO;
        }
        return MSUM_OK;
    }
    return MSUM_EIO;
}

int msum_atomic_open(const char *path, msum_atomic **out)
{
    if (!out) return MSUM_EINVAL;
    *out = NULL;
    if (!path || !*path) return MSUM_EINVAL;
    msum_atomic *a = calloc(1, sizeof *a);
    if (!a) return MSUM_ENOMEM;
    size_t len = strlen(path) + 1;
    a->path = malloc(len);
    if (!a->path) {
        free_handle(a);
        return MSUM_ENOMEM;
    }
    memcpy(a->path, path, len);
    struct stat sb;
    int st = MSUM_OK;
    if (strcmp(path, "-") == 0) {
        a->kind = TO_STDOUT;
        a->fp = stdout;
    } else if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
        /* A device or FIFO cannot be replaced by rename: write to it directly. */
        a->kind = TO_SPECIAL;
        a->fp = S_ISDIR(sb.st_mode) ? NULL : fopen(path, "w");
        if (!a->fp) st = MSUM_EIO;
    } else {
        a->kind = TO_TEMP;
        st = open_temp(a);
    }
    if (st != MSUM_OK) {
        free_handle(a);
        return st;
    }
    *out = a;
    return MSUM_OK;
}

FILE *msum_atomic_fp(msum_atomic *a)
{
    return a ? a->fp : NULL;
}

const char *msum_atomic_tmpname(const msum_atomic *a)
{
    if (!a) return NULL;
    return a->kind == TO_TEMP ? a->tmp : a->path;
}

int msum_atomic_commit(msum_atomic *a)
{
    if (!a) return MSUM_EINVAL;
    int ok = fflush(a->fp) == 0 && !ferror(a->fp);
    switch (a->kind) {
    case TO_STDOUT:
        break; /* main() closes stdout and checks that too */
    case TO_SPECIAL:
        ok = (fclose(a->fp) == 0) && ok;
        break;
    default:
        /* fsync: the rename must not reach the disk before the data (ext4 data=ordered aside).
         * EINVAL means the file system cannot sync; that is not a write failure. */
        if (ok && fsync(fileno(a->fp)) != 0 && errno != EINVAL) ok = 0;
        ok = (fclose(a->fp) == 0) && ok;
        if (ok && rename(a->tmp, a->path) != 0) ok = 0;
        if (!ok) unlink(a->tmp);
    }
    free_handle(a);
    return ok ? MSUM_OK : MSUM_EIO;
}

void msum_atomic_abort(msum_atomic *a)
{
    if (!a) return;
    if (a->kind == TO_TEMP) {
        fclose(a->fp);
        unlink(a->tmp);
    } else if (a->kind == TO_SPECIAL) {
        fclose(a->fp);
    }
    free_handle(a);
}
