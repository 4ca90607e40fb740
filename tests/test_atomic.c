/* Tests for atomic output (src/io/atomic.c) and msum_write_file: complete file or no file. */
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
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
