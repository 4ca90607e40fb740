/* Running one manifest analysis: the library's kinds there, the others beside their
 * subcommands; shared helpers. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "cli.h"
#include "metasum/reader.h"

static const struct {
    const char *kind;
    analysis_fn run;
} kinds[] = {
    {"pool", analysis_pool},
    {"compare", analysis_compare},
    {"summarize", analysis_summarize},
    {"bias", analysis_bias},
    {"sensitivity", analysis_sensitivity},
};

int analysis_run(const analysis_spec *spec, const msum_spec *ms, const char *basedir,
                 analysis_output *out, msum_diags *diags)
{
    if (msum_analysis_has(ms->kind)) return msum_analysis_run(ms, out, diags);
    analysis_fn run = NULL;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(spec->kind, kinds[i].kind) == 0) run = kinds[i].run;
    if (!run) return MSUM_EDATA; /* reported when the manifest was read */
    size_t plen = strlen(basedir) + strlen(spec->dataset) + 2;
    char *path = malloc(plen);
    if (!path) return MSUM_ENOMEM;
    if (spec->dataset[0] == '/') snprintf(path, plen, "%s", spec->dataset);
    else snprintf(path, plen, "%s/%s", basedir, spec->dataset);
    int st = run(spec, path, out, diags);
    free(path);
    return st;
}

int analysis_status(int exit_code)
{
    switch (exit_code) {
    case EXIT_OK: return MSUM_OK;
    case EXIT_IO: return MSUM_EIO;
    case EXIT_NUMERICAL: return MSUM_ENOCONV;
    default: return MSUM_EDATA;
    }
}

char *analysis_list(const char *s)
{
    char *c = strdup(s ? s : "");
    for (char *p = c; p && *p; p++)
        if (*p == ';') *p = ',';
    return c;
}

int analysis_list_has(const char *list, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = list; p && *p;) {
        const char *end = strchr(p, ';');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == n && memcmp(p, word, n) == 0) return 1;
        p += len + (end != NULL);
    }
    return 0;
}

