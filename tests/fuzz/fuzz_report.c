/* libFuzzer target for the manifest/report path: the input is a manifest, optionally followed
 * by a line "#--" and a dataset; both are written to a scratch folder and `metasum report` runs
 * on them, through the program's own main() (renamed msum_cli_main for this build), into a
 * fresh output folder that is removed after each run.  Any bytes must give an exit status of
 * 0-4 without crashing, leaking or touching memory it does not own.
 * Build and run: make fuzz FUZZ_TIME=600 (seeds: tests/fuzz/seeds_report/). */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int msum_cli_main(int argc, char **argv);
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64], mpath[96], dpath[96], opath[96];

/* A dataset for manifests that come without one. */
static const char default_dataset[] =
    "id,study,input,measure,yi,vi,alloc,outcome,effect_of,ai,bi,ci,di\n"
    "r1,a,generic,RR,-0.9,0.04,x,o1,treatment,,,,\n"
    "r2,b,generic,RR,-1.6,0.4,y,o1,treatment,,,,\n"
    "r3,c,counts,RR,,,x,o2,treatment,4,119,11,128\n"
    "r4,d,generic,RR,0.1,0.02,y,o2,control,,,,\n";

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *f)
{
    (void)sb, (void)flag, (void)f;
    remove(p);
    return 0;
}

static void put(const char *path, const void *p, size_t n)
{
    FILE *fp = fopen(path, "wb");
    if (!fp) abort();
    if (n && fwrite(p, 1, n, fp) != n) abort();
    if (fclose(fp) != 0) abort();
}

static void cleanup(void)
{
    nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    snprintf(dir, sizeof dir, "/tmp/fuzz_report.XXXXXX");
    if (!mkdtemp(dir)) abort();
    atexit(cleanup);
    snprintf(mpath, sizeof mpath, "%s/m.csv", dir);
    snprintf(dpath, sizeof dpath, "%s/d.csv", dir);
    snprintf(opath, sizeof opath, "%s/out", dir);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char sep[] = "\n#--\n";
    const uint8_t *cut = NULL;
    for (size_t i = 0; i + sizeof sep - 1 <= size && !cut; i++)
        if (memcmp(data + i, sep, sizeof sep - 1) == 0) cut = data + i;
    size_t mlen = cut ? (size_t)(cut - data) + 1 : size; /* the manifest keeps its line end */
    put(mpath, data, mlen);
    if (cut) put(dpath, cut + sizeof sep - 1, size - mlen - (sizeof sep - 2));
    else put(dpath, default_dataset, sizeof default_dataset - 1);
    nftw(opath, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    char *argv[] = {"metasum", "report", "-q", "--max-field", "4096", mpath, "-o", opath, NULL};
    int rc = msum_cli_main(8, argv);
    if (rc < 0 || rc > 4) {
        fprintf(stderr, "exit status %d\n", rc);
        abort();
    }
    nftw(opath, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    return 0;
}
