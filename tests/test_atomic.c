/* Tests for atomic output (src/io/atomic.c) and msum_write_file: complete file or no file;
 * whole folders swapped in, removal that never follows links, lock files. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"
#include "metasum/metasum.h"

#define TEST_OUT "../build/test-out"

/* A fresh, empty folder for one test. */
static void fresh_dir(const char *dir)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", dir, dir);
    cr_assert_eq(system(cmd), 0);
}

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    cr_assert(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
    closedir(d);
    return n;
}

static int exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

Test(atomic, commit_renames_into_place)
{
    const char *dir = TEST_OUT "/atomic-commit", *path = TEST_OUT "/atomic-commit/out.txt";
    fresh_dir(dir);
    msum_atomic *a;
    cr_assert_eq(msum_atomic_open(path, &a), MSUM_OK);
    fputs("hello\n", msum_atomic_fp(a));
    cr_expect(!exists(path), "the target must not appear before commit");
    cr_expect(exists(msum_atomic_tmpname(a)));
    cr_expect(strncmp(msum_atomic_tmpname(a), dir, strlen(dir)) == 0, "temp file in the same folder");
    cr_assert_eq(msum_atomic_commit(a), MSUM_OK);
    cr_expect_eq(count_entries(dir), 1);
    FILE *fp = fopen(path, "r");
    char line[32] = "";
    cr_assert(fp);
    cr_expect(fgets(line, sizeof line, fp) != NULL);
    fclose(fp);
    cr_expect_str_eq(line, "hello\n");
}

Test(atomic, abort_leaves_old_file_and_no_temp)
{
    const char *dir = TEST_OUT "/atomic-abort", *path = TEST_OUT "/atomic-abort/out.txt";
    fresh_dir(dir);
    FILE *fp = fopen(path, "w");
    fputs("old\n", fp);
    fclose(fp);
    msum_atomic *a;
    cr_assert_eq(msum_atomic_open(path, &a), MSUM_OK);
    fputs("new, half written", msum_atomic_fp(a));
    msum_atomic_abort(a);
    msum_atomic_abort(NULL);
    cr_expect_eq(count_entries(dir), 1);
    fp = fopen(path, "r");
    char line[32] = "";
    cr_expect(fgets(line, sizeof line, fp) != NULL);
    fclose(fp);
    cr_expect_str_eq(line, "old\n");
}

Test(atomic, dev_full_is_an_io_error)
{
    msum_atomic *a;
    cr_assert_eq(msum_atomic_open("/dev/full", &a), MSUM_OK);
    cr_expect_str_eq(msum_atomic_tmpname(a), "/dev/full", "a device is written directly");
    for (int i = 0; i < 1000; i++) fputs("0123456789", msum_atomic_fp(a));
    cr_expect_eq(msum_atomic_commit(a), MSUM_EIO);
    /* And through the table writer: */
    msum_table *t = msum_table_new("t", NULL);
    msum_table_add_col(t, "x", MSUM_COL_NUM, NULL);
    msum_table_add_row(t);
    const msum_table *ts[] = {t};
    cr_expect_eq(msum_write_file("/dev/full", ts, 1, MSUM_FMT_CSV, NULL), MSUM_EIO);
    cr_expect_eq(msum_write_file("/dev/null", ts, 1, MSUM_FMT_JSON, NULL), MSUM_OK);
    msum_table_free(t);
}

/* A full disk in a real folder: RLIMIT_FSIZE makes writes past 64 bytes fail (EFBIG), like
 * ENOSPC; Criterion runs each test in its own process, so the limit stays here. */
Test(atomic, full_disk_leaves_no_file)
{
    const char *dir = TEST_OUT "/atomic-full", *path = TEST_OUT "/atomic-full/big.csv";
    fresh_dir(dir);
    signal(SIGXFSZ, SIG_IGN);
    struct rlimit rl = {64, 64};
    cr_assert_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
    msum_table *t = msum_table_new("t", NULL);
    msum_table_add_col(t, "x", MSUM_COL_NUM, NULL);
    for (int i = 0; i < 5000; i++) msum_table_set_num(t, (size_t)msum_table_add_row(t), 0, i / 7.0);
    const msum_table *ts[] = {t};
    cr_expect_eq(msum_write_file(path, ts, 1, MSUM_FMT_CSV, NULL), MSUM_EIO);
    cr_expect_eq(count_entries(dir), 0, "neither the file nor its temporary may remain");
    cr_expect_eq(msum_write_xlsx(TEST_OUT "/atomic-full/big.xlsx", ts, 1, NULL), MSUM_EIO);
    cr_expect_eq(count_entries(dir), 0, "xlsx: neither the file nor its temporary may remain");
    msum_table_free(t);
}

Test(atomic, bad_targets)
{
    msum_atomic *a = (msum_atomic *)1;
    cr_expect_eq(msum_atomic_open("", &a), MSUM_EINVAL);
    cr_expect(a == NULL);
    cr_expect_eq(msum_atomic_open(TEST_OUT "/no/such/folder/x.csv", &a), MSUM_EIO);
    cr_expect_eq(msum_atomic_open("/", &a), MSUM_EIO, "a folder is not a file");
    /* an existing folder cannot be replaced: refused at open, nothing created */
    const char *dir = TEST_OUT "/atomic-dir";
    fresh_dir(dir);
    cr_assert_eq(system("mkdir -p " TEST_OUT "/atomic-dir/target/sub"), 0);
    cr_expect_eq(msum_atomic_open(TEST_OUT "/atomic-dir/target", &a), MSUM_EIO);
    cr_expect_eq(count_entries(dir), 1);
}

/* ---- errno on failure, FIFOs ---- */

Test(atomic, failures_keep_errno)
{
    msum_atomic *a;
    errno = 0;
    cr_expect_eq(msum_atomic_open(TEST_OUT "/no/such/folder/x.csv", &a), MSUM_EIO);
    cr_expect_eq(errno, ENOENT, "errno %d", errno);
    cr_expect_eq(msum_atomic_open("/", &a), MSUM_EIO);
    cr_expect_eq(errno, EISDIR, "errno %d", errno);
    cr_assert_eq(msum_atomic_open("/dev/full", &a), MSUM_OK);
    for (int i = 0; i < 1000; i++) fputs("0123456789", msum_atomic_fp(a));
    cr_expect_eq(msum_atomic_commit(a), MSUM_EIO);
    cr_expect_eq(errno, ENOSPC, "errno %d", errno);
    msum_table *t = msum_table_new("t", NULL);
    msum_table_add_col(t, "x", MSUM_COL_NUM, NULL);
    msum_table_add_row(t);
    const msum_table *ts[] = {t};
    errno = 0;
    cr_expect_eq(msum_write_file("/dev/full", ts, 1, MSUM_FMT_CSV, NULL), MSUM_EIO);
    cr_expect_eq(errno, ENOSPC, "msum_write_file: errno %d", errno);
    msum_table_free(t);
}

/* A FIFO that no process reads, directly or through a symbolic link, must not block the open
 * forever (O_NONBLOCK: ENXIO at once). */
Test(atomic, fifo_without_reader_does_not_block, .timeout = 10)
{
    const char *dir = TEST_OUT "/atomic-fifo";
    fresh_dir(dir);
    cr_assert_eq(mkfifo(TEST_OUT "/atomic-fifo/fifo", 0666), 0);
    cr_assert_eq(symlink("fifo", TEST_OUT "/atomic-fifo/link"), 0);
    msum_atomic *a;
    cr_expect_eq(msum_atomic_open(TEST_OUT "/atomic-fifo/fifo", &a), MSUM_EIO);
    cr_expect_eq(errno, ENXIO, "errno %d", errno);
    cr_expect_eq(msum_atomic_open(TEST_OUT "/atomic-fifo/link", &a), MSUM_EIO);
    cr_expect_eq(errno, ENXIO, "errno %d", errno);
}

/* ---- whole folders ---- */

static void put(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    cr_assert(fp, "cannot create %s", path);
    fputs(text, fp);
    fclose(fp);
}

static int is_link(const char *path)
{
    struct stat sb;
    return lstat(path, &sb) == 0 && S_ISLNK(sb.st_mode);
}

/* Links inside the tree are removed, never followed: the folder and file they point to stay. */
Test(tree, remove_never_follows_links)
{
    const char *dir = TEST_OUT "/tree-rm";
    fresh_dir(dir);
    cr_assert_eq(system("mkdir -p " TEST_OUT "/tree-rm/t/a/b " TEST_OUT "/tree-rm/elsewhere"), 0);
    put(TEST_OUT "/tree-rm/t/a/b/f.csv", "x\n");
    put(TEST_OUT "/tree-rm/t/top.txt", "x\n");
    put(TEST_OUT "/tree-rm/elsewhere/keep.txt", "keep\n");
    cr_assert_eq(symlink("../../elsewhere", TEST_OUT "/tree-rm/t/a/out"), 0);
    cr_assert_eq(symlink("../elsewhere/keep.txt", TEST_OUT "/tree-rm/t/file-link"), 0);
    cr_expect_eq(msum_tree_remove(TEST_OUT "/tree-rm/t"), MSUM_OK);
    cr_expect(!exists(TEST_OUT "/tree-rm/t"));
    cr_expect(exists(TEST_OUT "/tree-rm/elsewhere/keep.txt"), "a link target must survive");
    cr_expect_eq(count_entries(dir), 1);
    /* a link given as the path itself is removed as a link */
    cr_assert_eq(symlink("elsewhere", TEST_OUT "/tree-rm/l"), 0);
    cr_expect_eq(msum_tree_remove(TEST_OUT "/tree-rm/l"), MSUM_OK);
    cr_expect(!is_link(TEST_OUT "/tree-rm/l"));
    cr_expect(exists(TEST_OUT "/tree-rm/elsewhere/keep.txt"));
    cr_expect_eq(msum_tree_remove(TEST_OUT "/tree-rm/missing"), MSUM_OK, "nothing to remove");
    cr_expect_eq(msum_tree_remove(""), MSUM_EINVAL);
}

static char *slurp_file(const char *path)
{
    static char buf[256];
    FILE *fp = fopen(path, "r");
    if (!fp) return NULL;
    size_t n = fread(buf, 1, sizeof buf - 1, fp);
    buf[n] = '\0';
    fclose(fp);
    return buf;
}

Test(tree, replace_swaps_whole_folders)
{
    const char *dir = TEST_OUT "/tree-swap";
    fresh_dir(dir);
    /* no target yet: a plain rename */
    cr_assert_eq(system("mkdir -p " TEST_OUT "/tree-swap/new1/a"), 0);
    put(TEST_OUT "/tree-swap/new1/a/one.txt", "1\n");
    cr_expect_eq(msum_dir_replace(TEST_OUT "/tree-swap/new1", TEST_OUT "/tree-swap/out"), MSUM_OK);
    cr_expect_str_eq(slurp_file(TEST_OUT "/tree-swap/out/a/one.txt"), "1\n");
    /* an existing target: replaced as a whole, nothing of the old one remains, no .old left */
    cr_assert_eq(system("mkdir -p " TEST_OUT "/tree-swap/new2/b"), 0);
    put(TEST_OUT "/tree-swap/new2/b/two.txt", "2\n");
    cr_expect_eq(msum_dir_replace(TEST_OUT "/tree-swap/new2", TEST_OUT "/tree-swap/out"), MSUM_OK);
    cr_expect_str_eq(slurp_file(TEST_OUT "/tree-swap/out/b/two.txt"), "2\n");
    cr_expect(!exists(TEST_OUT "/tree-swap/out/a"), "old files must be gone");
    cr_expect_eq(count_entries(dir), 1, "only out/ remains");
    /* a new folder that cannot be renamed: the target is left exactly as it was */
    cr_expect_eq(msum_dir_replace(TEST_OUT "/tree-swap/missing", TEST_OUT "/tree-swap/out"),
                 MSUM_EIO);
    cr_expect_eq(errno, ENOENT, "errno %d", errno);
    cr_expect_str_eq(slurp_file(TEST_OUT "/tree-swap/out/b/two.txt"), "2\n");
    cr_expect_eq(count_entries(dir), 1, "the target is back under its name, no .old left");
    /* a target that is a file is refused */
    put(TEST_OUT "/tree-swap/file", "f\n");
    cr_assert_eq(system("mkdir -p " TEST_OUT "/tree-swap/new3"), 0);
    cr_expect_eq(msum_dir_replace(TEST_OUT "/tree-swap/new3", TEST_OUT "/tree-swap/file"),
                 MSUM_EIO);
    cr_expect_eq(errno, ENOTDIR);
    cr_expect(exists(TEST_OUT "/tree-swap/new3"));
    cr_expect_str_eq(slurp_file(TEST_OUT "/tree-swap/file"), "f\n");
}

/* ---- lock files ---- */

Test(lock, take_release_and_stale)
{
    const char *dir = TEST_OUT "/lock", *path = TEST_OUT "/lock/out.lock";
    fresh_dir(dir);
    put(path, "999999999\n"); /* left by a killed process: no lock is held on it */
    msum_lock *l = NULL;
    long holder = -1;
    cr_assert_eq(msum_lock_take(path, &l, &holder), MSUM_OK);
    cr_expect_eq(holder, 0);
    char want[32];
    snprintf(want, sizeof want, "%ld\n", (long)getpid());
    cr_expect_str_eq(slurp_file(path), want, "the file names the holder");
    msum_lock_release(l);
    msum_lock_release(NULL);
    cr_expect(!exists(path), "release removes the file");
    cr_expect_eq(count_entries(dir), 0);
    /* never through a symbolic link, never on a FIFO */
    cr_assert_eq(symlink("elsewhere", path), 0);
    cr_expect_eq(msum_lock_take(path, &l, NULL), MSUM_EIO);
    cr_expect(l == NULL);
    cr_expect(!exists(TEST_OUT "/lock/elsewhere"));
    unlink(path);
    cr_assert_eq(mkfifo(path, 0666), 0);
    cr_expect_eq(msum_lock_take(path, &l, NULL), MSUM_EIO);
    cr_expect_eq(errno, EEXIST);
}

/* A second process is refused while the first holds the lock and learns its pid; once the
 * holder is gone (killed: its lock file stays behind) the lock is taken over. */
Test(lock, second_process_is_refused)
{
    const char *dir = TEST_OUT "/lock2", *path = TEST_OUT "/lock2/out.lock";
    fresh_dir(dir);
    int ready[2], go[2];
    cr_assert_eq(pipe(ready), 0);
    cr_assert_eq(pipe(go), 0);
    pid_t child = fork();
    cr_assert(child >= 0);
    if (child == 0) {
        msum_lock *l;
        char c = msum_lock_take(path, &l, NULL) == MSUM_OK ? 'y' : 'n';
        if (write(ready[1], &c, 1) != 1) _exit(1);
        if (read(go[0], &c, 1) != 1) _exit(1);
        _exit(0); /* dies holding it: the file remains, the lock does not */
    }
    char c = 0;
    cr_assert_eq(read(ready[0], &c, 1), 1);
    cr_assert_eq(c, 'y');
    msum_lock *l = NULL;
    long holder = 0;
    cr_expect_eq(msum_lock_take(path, &l, &holder), MSUM_EIO);
    cr_expect_eq(errno, EAGAIN, "errno %d", errno);
    cr_expect_eq(holder, (long)child, "holder %ld, child %ld", holder, (long)child);
    cr_expect(l == NULL);
    cr_assert_eq(write(go[1], "x", 1), 1);
    int status;
    cr_assert_eq(waitpid(child, &status, 0), child);
    cr_expect(exists(path), "a dead holder leaves its file");
    cr_expect_eq(msum_lock_take(path, &l, &holder), MSUM_OK, "taken over");
    msum_lock_release(l);
}
