/* The pages of a report (include/metasum/report.h): each analysis page and the index as item
 * lists for msum_write_html_page, in the order a reader needs them. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metasum/findings.h"
#include "metasum/report.h"
#include "metasum/table.h"

/* The caption under a plot on the analysis page. */
static const char *plot_caption(const char *name)
{
    static const char *const caps[][2] = {
        {"forest", "Forest plot: each study's estimate and CI (box area by weight), the pooled "
                   "estimate (diamond) and its prediction interval (dashed)."},
        {"funnel", "Funnel plot: effect against standard error, with the pseudo 95% CI funnel "
                   "around the pooled estimate."},
        {"evidence_map", "Evidence map: findings per outcome (grouped by domain) and source, "
                         "coloured by their direction; the number is the count of rows."},
        {"effect_direction", "Effect direction plot: one arrow per study and outcome domain "
                             "(up benefit, down harm, sideways no change or conflicting), sized "
                             "by the number of findings, with the sign test per domain."},
        {"comparisons", "The numbers the sources report, compared (descriptive: no variance, "
                        "no CI)."},
        {"timecourse", "Findings by time point: direction at each time, sized by the magnitude "
                       "rank where the source orders them."},
        {"funnel_trimfill", "Funnel plot after trim and fill: the studies (filled dots), the "
                            "studies trim and fill adds (open circles) and the pseudo 95% CI "
                            "funnel around the estimate on the filled data."},
        {"funnel_contour", "Contour-enhanced funnel plot: the shaded regions show where a "
                           "study's own test of no effect has p > 0.10, 0.05 to 0.10, 0.01 to "
                           "0.05 and p < 0.01."},
        {"leave1out", "Leave-one-out: the pooled estimate and CI with each study omitted in "
                      "turn; the diamond is the fit to all studies."},
        {"baujat", "Baujat plot: each study's contribution to Cochran's Q (x) against its "
                   "influence on the common-effect estimate (y)."},
    };
    for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++)
        if (strcmp(name, caps[i][0]) == 0) return caps[i][1];
    return name;
}

void msum_report_page_free(msum_report_page *pg)
{
    for (size_t i = 0; i < pg->nstrings; i++) free(pg->strings[i]);
    free(pg->strings);
    free(pg->items);
    msum_table_free(pg->key);
    memset(pg, 0, sizeof *pg);
}

/* A new owned string, pg->strings[pg->nstrings - 1]. */
static int page_printf(msum_report_page *pg, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static int page_printf(msum_report_page *pg, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&s, &len);
    if (fp) {
        vfprintf(fp, fmt, ap);
        if (fclose(fp) != 0) {
            free(s);
            s = NULL;
        }
    }
    va_end(ap);
    char **v = s ? realloc(pg->strings, (pg->nstrings + 1) * sizeof *v) : NULL;
    if (!v) {
        free(s);
        return MSUM_ENOMEM;
    }
    pg->strings = v;
    pg->strings[pg->nstrings++] = s;
    return MSUM_OK;
}

const msum_table *msum_report_findings(const msum_result *o)
{
    for (size_t i = 0; i < o->ntables; i++)
        if (strcmp(msum_table_name(o->tables[i]), "findings") == 0) return o->tables[i];
    return NULL;
}

/* The page of one analysis: title, findings, the main numbers, the settings, the plots, then
 * every other table folded (open for kind "table", whose table is the content) with links to
 * its files. */
int msum_report_analysis_page(const msum_report_entry *s, const msum_result *o,
                              const char *const *png, const char *const *pdf,
                              msum_report_page *pg)
{
    const int *want = s->want;
    const char *title = *s->title ? s->title : s->id;
    pg->items = calloc(6 + 3 * o->nplots + o->ntables, sizeof *pg->items);
    if (!pg->items) return MSUM_ENOMEM;
    pg->items[pg->n++] = (msum_html_item){.kind = MSUM_HTML_HEADING, .text = title, .level = 1};
    pg->items[pg->n++] = (msum_html_item){.kind = MSUM_HTML_LINK, .href = "../index.html",
                                          .text = "\xe2\x86\x90 All analyses"};
    const msum_table *f = msum_report_findings(o);
    int st = MSUM_OK;
    if (!f) { /* say what the page holds instead */
        char *list = NULL;
        size_t len = 0;
        FILE *fp = open_memstream(&list, &len);
        if (!fp) return MSUM_ENOMEM;
        for (size_t i = 0; i < o->ntables; i++)
            fprintf(fp, "%s%s (%zu row%s)", i == 0 ? "" : i + 1 == o->ntables ? " and " : ", ",
                    msum_table_name(o->tables[i]), msum_table_nrows(o->tables[i]),
                    msum_table_nrows(o->tables[i]) == 1 ? "" : "s");
        if (fclose(fp) != 0) {
            free(list);
            return MSUM_ENOMEM;
        }
        st = page_printf(pg, "No findings are generated for an analysis of kind %s; the page "
                         "holds the table%s %s%s.", s->kind, o->ntables == 1 ? "" : "s", list,
                         o->nplots ? " and its plots" : "");
        free(list);
        if (st != MSUM_OK) return st;
    }
    pg->items[pg->n++] = (msum_html_item){.kind = MSUM_HTML_FINDINGS, .table = f,
                                          .text = f ? NULL : pg->strings[pg->nstrings - 1]};
    st = msum_findings_key(s->kind, (const msum_table *const *)o->tables, o->ntables,
                           &pg->key);
    if (st != MSUM_OK) return st;
    if (pg->key)
        pg->items[pg->n++] = (msum_html_item){.kind = MSUM_HTML_TABLE, .table = pg->key,
                                              .flags = MSUM_HTML_COMPACT};
    /* The plots, each with its PNG and PDF.  A synthesis without meta-analysis leads with
     * what its review found: the compared numbers and the time course stacked on the left of
     * the effect direction plot, all on the first screen; the other plots follow. */
    size_t *order = malloc((o->nplots + 1) * sizeof *order), no = 0, ns = 0,
           side = o->nplots;
    if (!order) return MSUM_ENOMEM;
    for (size_t i = 0; i < o->nplots; i++)
        if (strcmp(o->plot_names[i], "effect_direction") == 0) side = i;
    for (size_t i = 0; side < o->nplots && i < o->nplots; i++)
        if (strcmp(o->plot_names[i], "comparisons") == 0 ||
            strcmp(o->plot_names[i], "timecourse") == 0)
            order[no++] = i;
    if ((ns = no) > 0) order[no++] = side;
    for (size_t i = 0; i < o->nplots; i++) {
        size_t k = 0;
        while (k < no && order[k] != i) k++;
        if (k == no) order[no++] = i;
    }
    for (size_t k = 0; st == MSUM_OK && k < no; k++) {
        size_t i = order[k];
        unsigned lead = ns == 0 ? 0 : k < ns ? MSUM_HTML_LEAD : k == ns ? MSUM_HTML_SIDE : 0;
        const char *cap = plot_caption(o->plot_names[i]);
        if (lead == MSUM_HTML_LEAD) /* short, beside the plot's files on one line */
            cap = strcmp(o->plot_names[i], "comparisons") == 0
                      ? "Descriptive only: no variance, no CI."
                      : "Direction at each time point, sized by the magnitude rank.";
        pg->items[pg->n++] = (msum_html_item){.kind = MSUM_HTML_SVG, .svg = o->plots[i],
                                              .text = cap, .flags = lead};
        pg->items[pg->n++] = (msum_html_item){.kind = MSUM_HTML_LINK, .href = png[i],
                                              .text = lead ? "PNG" : "PNG (twice the size)"};
        pg->items[pg->n++] = (msum_html_item){.kind = MSUM_HTML_LINK, .href = pdf[i],
                                              .text = lead ? "PDF" : "PDF (for print)"};
    }
    free(order);
    /* the settings, from the manifest row, under the plots */
    char about[1024];
    size_t al = 0;
    for (size_t i = 0; i < sizeof s->settings / sizeof s->settings[0] && al < sizeof about; i++)
        if (s->settings[i][0] && s->settings[i][1] && *s->settings[i][1])
            al += (size_t)snprintf(about + al, sizeof about - al, "%s%s: %s",
                                   al ? " \xc2\xb7 " : "", s->settings[i][0],
                                   s->settings[i][1]);
    if (al && (st = page_printf(pg, "%s", about)) == MSUM_OK)
        pg->items[pg->n++] = (msum_html_item){.kind = MSUM_HTML_PARAGRAPH,
                                              .text = pg->strings[pg->nstrings - 1]};
    for (size_t i = 0; st == MSUM_OK && i < o->ntables; i++) {
        if (o->tables[i] == f) continue; /* shown as the findings block */
        char files[512];
        size_t fl = 0;
        for (int k = MSUM_FMT_CSV; k <= MSUM_FMT_HTML && fl < sizeof files; k++)
            if (want[k])
                fl += (size_t)snprintf(files + fl, sizeof files - fl, "%s%s.%s", fl ? ";" : "",
                                       msum_table_name(o->tables[i]),
                                       msum_format_name((msum_format)k));
        if (want[MSUM_FMT_XLSX] && fl < sizeof files)
            snprintf(files + fl, sizeof files - fl, "%s%s.xlsx", fl ? ";" : "", s->id);
        st = page_printf(pg, "%s", files);
        if (st == MSUM_OK)
            pg->items[pg->n++] = (msum_html_item){
                .kind = MSUM_HTML_TABLE, .table = o->tables[i],
                .href = pg->strings[pg->nstrings - 1],
                .flags = strcmp(s->kind, "table") == 0 ? MSUM_HTML_UNFOLDED : MSUM_HTML_FOLDED};
    }
    return st;
}

/* The index page: an introduction, then the analyses grouped by dataset folder, each as a
 * link with its first finding (written only when every analysis succeeded).  A group is
 * headed by the title part its analyses share before ": " ("BCG vaccine trials"), else by
 * the folder; the entries then show the rest of their titles. */
int msum_report_index_page(const msum_report_entry *m, size_t n, const char *const *firsts,
                           msum_report_page *pgo)
{
    msum_report_page pg = {0};
    size_t cap = 3 + 2 * n;
    pg.items = calloc(cap, sizeof *pg.items);
    char **folder = calloc(n ? n : 1, sizeof *folder);
    unsigned char *done = calloc(n ? n : 1, 1);
    int st = (pg.items && folder && done) ? MSUM_OK : MSUM_ENOMEM;
    size_t ngroups = 0;
    for (size_t i = 0; st == MSUM_OK && i < n; i++) {
        const char *ds = m[i].dataset, *sl = strrchr(ds, '/');
        folder[i] = sl ? strndup(ds, (size_t)(sl - ds)) : strdup(ds);
        if (!folder[i]) st = MSUM_ENOMEM;
        size_t j = 0;
        while (folder[i] && j < i && strcmp(folder[j], folder[i]) != 0) j++;
        ngroups += j == i;
    }
    if (st == MSUM_OK) {
        pg.items[pg.n++] = (msum_html_item){.kind = MSUM_HTML_HEADING, .text = "metasum report",
                                            .level = 1};
        st = page_printf(&pg, "%zu analys%s of %zu dataset%s. Each line gives an analysis' main "
                         "result; its page opens with the findings, then the main numbers, the "
                         "plots and every table (each also as a file: CSV, Markdown, JSON, "
                         "XLSX).", n, n == 1 ? "is" : "es", ngroups,
                         ngroups == 1 ? "" : "s");
        if (st == MSUM_OK)
            pg.items[pg.n++] = (msum_html_item){.kind = MSUM_HTML_PARAGRAPH,
                                                .text = pg.strings[pg.nstrings - 1]};
    }
    for (size_t i = 0; st == MSUM_OK && i < n; i++) {
        if (done[i]) continue;
        /* the title prefix every analysis of this folder shares */
        const char *t0 = *m[i].title ? m[i].title : "", *colon = strstr(t0, ": ");
        size_t plen = colon ? (size_t)(colon - t0) : 0;
        for (size_t j = i; j < n && plen; j++) {
            const char *tj = m[j].title;
            if (strcmp(folder[j], folder[i]) == 0 &&
                (strncmp(tj, t0, plen) != 0 || strncmp(tj + plen, ": ", 2) != 0))
                plen = 0;
        }
        st = plen ? page_printf(&pg, "%.*s", (int)plen, t0)
                  : page_printf(&pg, "%s", folder[i]);
        if (st != MSUM_OK) break;
        pg.items[pg.n++] = (msum_html_item){.kind = MSUM_HTML_HEADING, .level = 2,
                                            .text = pg.strings[pg.nstrings - 1]};
        for (size_t j = i; st == MSUM_OK && j < n; j++) {
            if (done[j] || strcmp(folder[j], folder[i]) != 0) continue;
            const msum_report_entry *s = &m[j];
            done[j] = 1;
            const char *text = *s->title ? s->title + (plen ? plen + 2 : 0) : s->id;
            st = page_printf(&pg, "%c%s", text[0] >= 'a' && text[0] <= 'z' ? text[0] - 32
                                                                           : text[0],
                             text[0] ? text + 1 : "");
            if (st == MSUM_OK) st = page_printf(&pg, "%s/index.html", s->id);
            if (st != MSUM_OK) break;
            pg.items[pg.n++] = (msum_html_item){
                .kind = MSUM_HTML_LINK, .text = pg.strings[pg.nstrings - 2],
                .href = pg.strings[pg.nstrings - 1],
                .note = firsts[j] ? firsts[j] : "Tables and plots; no findings summary."};
        }
    }
    for (size_t i = 0; folder && i < n; i++) free(folder[i]);
    free(folder);
    free(done);
    if (st != MSUM_OK) {
        msum_report_page_free(&pg);
        return st;
    }
    *pgo = pg;
    return MSUM_OK;
}

