/* Running an analysis: resolve its dataset, dispatch on its kind; helpers the kinds share. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis_int.h"
#include "metasum/diag.h"
#include "metasum/findings.h"
#include "metasum/plot.h"

/* The kinds the library runs, one file each (src/analysis/<kind>.c).  A new kind: a runner
 * there, a line here, its fields in msum_settings (spec.c). */
static const msum_an_fn runners[MSUM_NKINDS] = {
    [MSUM_KIND_COMPARE] = msum_an_compare,
    [MSUM_KIND_BIAS] = msum_an_bias,
    [MSUM_KIND_SENSITIVITY] = msum_an_sensitivity,
    [MSUM_KIND_SUMMARIZE] = msum_an_summarize,
    [MSUM_KIND_POOL] = msum_an_pool,
    [MSUM_KIND_EFFECTS] = msum_an_effects,
    [MSUM_KIND_TABLE] = msum_an_table,
};

int msum_analysis_has(msum_kind k)
{
    return (unsigned)k < MSUM_NKINDS && runners[k] != NULL;
}

/* The spec's dataset, resolved against its basedir (caller frees); NULL with a spec error (*st
 * MSUM_EINVAL) when there is none, or on allocation failure (*st MSUM_ENOMEM). */
static char *dataset_path(const msum_spec *s, msum_diags *diags, int *st)
{
    if (!msum_an_given(s->dataset)) {
        *st = msum_an_spec_error(diags, s, "dataset", "no data file given");
        return NULL;
    }
    const char *base = s->basedir && *s->basedir && s->dataset[0] != '/' ? s->basedir : NULL;
    size_t plen = (base ? strlen(base) + 1 : 0) + strlen(s->dataset) + 1;
    char *path = malloc(plen);
    *st = path ? MSUM_OK : MSUM_ENOMEM;
    if (!path) return NULL;
    if (base) snprintf(path, plen, "%s/%s", base, s->dataset);
    else snprintf(path, plen, "%s", s->dataset);
    return path;
}

int msum_analysis_run(const msum_spec *s, msum_result *out, msum_diags *diags)
{
    if (!s || !out || !diags) return MSUM_EINVAL;
    if (!msum_analysis_has(s->kind)) {
        msum_an_spec_error(diags, s, "kind", "kind '%s' is not run by the library",
                           msum_kind_name(s->kind));
        return MSUM_EINVAL;
    }
    int st;
    char *path = dataset_path(s, diags, &st);
    if (!path) return st;
    st = runners[s->kind](s, path, out, diags);
    free(path);
    return st;
}

int msum_analysis_stream(const msum_spec *s, const msum_sink *sink, msum_diags *diags,
                         size_t *skipped)
{
    if (skipped) *skipped = 0;
    if (!s || !sink || !diags) return MSUM_EINVAL;
    if (s->kind != MSUM_KIND_EFFECTS) {
        msum_an_spec_error(diags, s, "kind", "kind '%s' gives no rows to stream; run it with "
                           "msum_analysis_run", msum_kind_name(s->kind));
        return MSUM_EINVAL;
    }
    int st;
    char *path = dataset_path(s, diags, &st);
    if (!path) return st;
    st = msum_an_effects_stream(s, path, sink, diags, skipped);
    free(path);
    return st;
}

int msum_analysis_findings(const msum_spec *s, msum_result *out)
{
    for (size_t i = 0; i < out->ntables; i++)
        if (strcmp(msum_table_name(out->tables[i]), "findings") == 0) return MSUM_OK;
    msum_table *f = NULL;
    int st = msum_findings_make(msum_kind_name(s->kind), (const msum_table *const *)out->tables,
                                out->ntables, &f);
    if (st != MSUM_OK || !f) return st;
    return msum_result_add_table(out, f);
}

int msum_an_spec_error(msum_diags *diags, const msum_spec *s, const char *field,
                       const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (s->origin && *s->origin)
        msum_diags_add(diags, MSUM_DIAG_ERROR, s->origin, s->line, 0, field, "%s", msg);
    else
        msum_diags_add(diags, MSUM_DIAG_ERROR, NULL, 0, 0, field, "%s", msg);
    return MSUM_EINVAL;
}

int msum_an_list_has(const char *list, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = list; p && *p;) {
        size_t len = strcspn(p, ",;");
        size_t name = strcspn(p, ",;=");
        if (name > len) name = len;
        if (name == n && memcmp(p, word, n) == 0) return 1;
        p += len + (p[len] != '\0');
    }
    return 0;
}

/* Capture what a plot writer prints into a string. */
#define CAPTURE(call)                                                                          \
    do {                                                                                       \
        char *buf = NULL;                                                                      \
        size_t len = 0;                                                                        \
        FILE *fp = open_memstream(&buf, &len);                                                 \
        if (!fp) return NULL;                                                                  \
        int st_ = (call);                                                                      \
        if (fclose(fp) != 0 || st_ != MSUM_OK) {                                               \
            free(buf);                                                                         \
            return NULL;                                                                       \
        }                                                                                      \
        return buf;                                                                            \
    } while (0)

char *msum_an_svg_forest(const msum_forest_data *d) { CAPTURE(msum_svg_forest(fp, d)); }
char *msum_an_svg_funnel(const msum_funnel_data *d) { CAPTURE(msum_svg_funnel(fp, d)); }
char *msum_an_svg_heatmap(const msum_heatmap_data *d) { CAPTURE(msum_svg_heatmap(fp, d)); }
char *msum_an_svg_bias_funnel(const msum_bias_funnel_data *d)
{
    CAPTURE(msum_svg_bias_funnel(fp, d));
}
char *msum_an_svg_baujat(const msum_baujat_data *d) { CAPTURE(msum_svg_baujat(fp, d)); }
char *msum_an_svg_radial(const msum_radial_data *d) { CAPTURE(msum_svg_radial(fp, d)); }
char *msum_an_svg_influence(const msum_influence_panel_data *d)
{
    CAPTURE(msum_svg_influence(fp, d));
}

int msum_an_check_plots(const msum_spec *s, const char *known, msum_diags *diags)
{
    int ok = 1;
    for (const char *p = s->plots; p && *p;) {
        size_t len = strcspn(p, ",;");
        size_t name = strcspn(p, ",;=");
        if (name > len) name = len;
        int found = 0;
        for (const char *q = known; *q;) {
            size_t n = strcspn(q, ",");
            if (n == name && memcmp(p, q, n) == 0) found = 1;
            q += n + (q[n] == ',');
        }
        if (!found && name > 0) {
            char expect[256];
            size_t m = 0;
            for (const char *q = known; *q && m + 8 < sizeof expect;) {
                size_t n = strcspn(q, ",");
                int last = q[n] == '\0';
                int w = snprintf(expect + m, sizeof expect - m, "%s%.*s",
                                 m == 0 ? "" : last ? " or " : ", ", (int)n, q);
                if (w < 0) break;
                m += (size_t)w;
                q += n + (q[n] == ',');
            }
            msum_an_spec_error(diags, s, "plots", "found '%.*s', expected %s (kind %s)",
                               (int)name, p, expect, msum_kind_name(s->kind));
            ok = 0;
        }
        p += len + (p[len] != '\0');
    }
    return ok;
}

int msum_an_split(const char *s, char sep, char **parts, int max, char **buf)
{
    size_t n = strlen(s) + 1;
    *buf = malloc(n);
    if (!*buf) return -1;
    memcpy(*buf, s, n);
    int k = 0;
    for (char *p = *buf;;) {
        if (k == max) return -1;
        parts[k++] = p;
        char *c = strchr(p, sep);
        if (!c) break;
        *c = '\0';
        p = c + 1;
    }
    return k;
}
