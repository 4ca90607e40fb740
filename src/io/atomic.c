/* Atomic file output: write to a temporary file in the target's folder, then fflush, check the
 * error flag, fsync, fclose and rename(2) into place, so an interrupted or failed run leaves
 * either the old file or the complete new one, never a partial file.  Whole folders likewise
 * (build beside, swap in), removal that never follows a symbolic link, and lock files. */
#include "metasum/write.h"

#include <dirent.h>
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
        int fd = open(a->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
        if (fd < 0) {
            if (errno == EEXIST) continue;
            return MSUM_EIO;
        }
        a->fp = fdopen(fd, "w");
        if (!a->fp) {
            int e = errno;
            close(fd);
            unlink(a->tmp);
            errno = e;
            return MSUM_EIO;
        }
        return MSUM_OK;
    }
    errno = EEXIST;
    return MSUM_EIO;
}

/* O_NONBLOCK: opening a FIFO that no process reads fails at once (ENXIO) instead of waiting
 * forever; once open, writes block again as usual. */
static int open_special(msum_atomic *a)
{
    int fd = open(a->path, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) return MSUM_EIO;
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) != 0 || !(a->fp = fdopen(fd, "w"))) {
        int e = errno;
        close(fd);
        errno = e;
        return MSUM_EIO;
    }
    return MSUM_OK;
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
        st = S_ISDIR(sb.st_mode) ? (errno = EISDIR, MSUM_EIO) : open_special(a);
    } else {
        a->kind = TO_TEMP;
        st = open_temp(a);
    }
    if (st != MSUM_OK) {
        int e = errno;
        free_handle(a);
        errno = e;
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

/* Record the first failure's errno (a stream error flag set earlier without one: EIO). */
static int failed(int *err)
{
    if (!*err) *err = errno ? errno : EIO;
    return 0;
}

int msum_atomic_commit(msum_atomic *a)
{
    if (!a) return MSUM_EINVAL;
    int err = 0;
    int ok = fflush(a->fp) == 0 && !ferror(a->fp);
    if (!ok) ok = failed(&err);
    switch (a->kind) {
    case TO_STDOUT:
        break; /* main() closes stdout and checks that too */
    case TO_SPECIAL:
        if (fclose(a->fp) != 0) ok = failed(&err);
        break;
    default:
        /* fsync: the rename must not reach the disk before the data (ext4 data=ordered aside).
         * EINVAL means the file system cannot sync; that is not a write failure. */
        if (ok && fsync(fileno(a->fp)) != 0 && errno != EINVAL) ok = failed(&err);
        if (fclose(a->fp) != 0) ok = failed(&err);
        if (ok && rename(a->tmp, a->path) != 0) ok = failed(&err);
        if (!ok) unlink(a->tmp);
    }
    free_handle(a);
    errno = err;
    return ok ? MSUM_OK : MSUM_EIO;
}

void msum_atomic_abort(msum_atomic *a)
{
    if (!a) return;
    int e = errno; /* the caller's failure stays the cause to report */
    if (a->kind == TO_TEMP) {
        fclose(a->fp);
        unlink(a->tmp);
    } else if (a->kind == TO_SPECIAL) {
        fclose(a->fp);
    }
    free_handle(a);
    errno = e;
}

/* ---- whole folders ---- */

/* Remove everything in the open folder fd (which this takes over).  Symbolic links are removed,
 * never followed; sub-folders are opened with O_NOFOLLOW relative to their parent, so a link
 * swapped in meanwhile cannot lead the removal elsewhere.  Returns 0 or the first errno. */
static int remove_entries(int fd)
{
    DIR *d = fdopendir(fd);
    if (!d) {
        int e = errno;
        close(fd);
        return e;
    }
    int err = 0;
    struct dirent *ent;
    while ((ent = readdir(d)) != NULL) {
        const char *n = ent->d_name;
        if (strcmp(n, ".") == 0 || strcmp(n, "..") == 0) continue;
        if (unlinkat(dirfd(d), n, 0) == 0) continue;
        if (errno != EISDIR && errno != EPERM) { /* Linux: EISDIR; POSIX: EPERM */
            if (!err) err = errno;
            continue;
        }
        int sub = openat(dirfd(d), n, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        int e = sub < 0 ? errno : remove_entries(sub);
        if (!e && unlinkat(dirfd(d), n, AT_REMOVEDIR) != 0) e = errno;
        if (e && !err) err = e;
    }
    closedir(d);
    return err;
}

int msum_tree_remove(const char *path)
{
    if (!path || !*path) return MSUM_EINVAL;
    struct stat sb;
    if (lstat(path, &sb) != 0) return errno == ENOENT ? MSUM_OK : MSUM_EIO;
    if (!S_ISDIR(sb.st_mode)) return unlink(path) == 0 ? MSUM_OK : MSUM_EIO;
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    int e = fd < 0 ? errno : remove_entries(fd);
    if (!e && rmdir(path) != 0) e = errno;
    errno = e;
    return e ? MSUM_EIO : MSUM_OK;
}

int msum_dir_replace(const char *newdir, const char *target)
{
    if (!newdir || !target || !*newdir || !*target) return MSUM_EINVAL;
    struct stat sb;
    if (lstat(target, &sb) != 0) {
        if (errno != ENOENT) return MSUM_EIO;
        return rename(newdir, target) == 0 ? MSUM_OK : MSUM_EIO;
    }
    if (!S_ISDIR(sb.st_mode)) {
        errno = ENOTDIR;
        return MSUM_EIO;
    }
    size_t cap = strlen(target) + 32;
    char *old = malloc(cap);
    if (!old) return MSUM_ENOMEM;
    snprintf(old, cap, "%s.old-%ld", target, (long)getpid());
    int st = msum_tree_remove(old); /* left by an earlier process with this pid */
    if (st == MSUM_OK && rename(target, old) != 0) st = MSUM_EIO;
    if (st == MSUM_OK && rename(newdir, target) != 0) {
        int e = errno;
        rename(old, target); /* put the previous folder back */
        errno = e;
        st = MSUM_EIO;
    }
    if (st == MSUM_OK) msum_tree_remove(old); /* the new folder is in place whatever happens */
    free(old);
    return st;
}

/* ---- lock files ---- */

struct msum_lock {
    int fd;
    char *path;
};

/* Who holds a write lock on fd (fcntl F_GETLK), else the pid written in the file, else 0. */
static long lock_holder(int fd)
{
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    if (fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK) return (long)fl.l_pid;
    char buf[32];
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    if (n <= 0) return 0;
    buf[n] = '\0';
    return strtol(buf, NULL, 10);
}

int msum_lock_take(const char *path, msum_lock **out, long *holder)
{
    if (!out || !path || !*path) return MSUM_EINVAL;
    *out = NULL;
    if (holder) *holder = 0;
    /* An fcntl lock dies with its process, so a lock file left by a killed run is simply taken
     * over.  A holder unlinks the file before it lets go: whoever locked the unlinked inode
     * meanwhile sees that the path no longer names it, and tries again. */
    for (int tries = 0; tries < 100; tries++) {
        int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0666);
        if (fd < 0) return MSUM_EIO;
        struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
        struct stat a, b;
        if (fstat(fd, &a) != 0 || !S_ISREG(a.st_mode)) {
            close(fd);
            errno = EEXIST;
            return MSUM_EIO;
        }
        if (fcntl(fd, F_SETLK, &fl) != 0) {
            int e = errno;
            if (e == EACCES || e == EAGAIN) {
                if (holder) *holder = lock_holder(fd);
                e = EAGAIN;
            }
            close(fd);
            errno = e;
            return MSUM_EIO;
        }
        if (stat(path, &b) != 0 || a.st_ino != b.st_ino || a.st_dev != b.st_dev) {
            close(fd);
            continue;
        }
        char pid[32];
        int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
        msum_lock *l = malloc(sizeof *l);
        char *p = malloc(strlen(path) + 1);
        if (!l || !p || ftruncate(fd, 0) != 0 || pwrite(fd, pid, (size_t)n, 0) != n) {
            int e = l && p ? errno : ENOMEM;
            free(l);
            free(p);
            close(fd);
            errno = e;
            return e == ENOMEM ? MSUM_ENOMEM : MSUM_EIO;
        }
        strcpy(p, path);
        l->fd = fd;
        l->path = p;
        *out = l;
        return MSUM_OK;
    }
    errno = EAGAIN;
    return MSUM_EIO;
}

void msum_lock_release(msum_lock *l)
{
    if (!l) return;
    unlink(l->path);
    close(l->fd);
    free(l->path);
    free(l);
}
