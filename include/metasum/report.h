/* The pages of a report (`metasum report`): what each analysis page and the index show, as item
 * lists for msum_write_html_page (metasum/write.h).  The command writes the files; these
 * functions decide the order a reader meets things in: the title, the findings, the main
 * numbers, the plots (each with its PNG and PDF), the settings, then every table folded. */
#ifndef METASUM_REPORT_H
#define METASUM_REPORT_H

#include <stddef.h>

#include "metasum/analysis.h"
#include "metasum/write.h"

/* One analysis of a report, as its pages name it (texts "" when not given). */
typedef struct {
    const char *id, *title, *kind, *dataset;
    const char *settings[8][2]; /* name and value of what the page's settings line shows */
    int want[6];                /* the formats written, indexed by msum_format (CSV..XLSX) */
} msum_report_entry;

/* A page: its items and the strings and tables they point to (owned by the page). */
typedef struct {
    msum_html_item *items;
    size_t n;
    char **strings;
    size_t nstrings;
    msum_table *key; /* the main numbers, made for the page */
} msum_report_page;

/* The page of one analysis from its result; png[i] and pdf[i] are the files of plot i (the page
 * points into them, and into r: both must outlive the page).  Returns MSUM_OK or MSUM_ENOMEM. */
int msum_report_analysis_page(const msum_report_entry *e, const msum_result *r,
                              const char *const *png, const char *const *pdf,
                              msum_report_page *pg);

/* The index page: an introduction, then the n analyses grouped by dataset folder, each a link
 * with firsts[i] (its first finding, or NULL) beside it.  A group is headed by the title part
 * its analyses share before ": " ("BCG vaccine trials"), else by the folder; the entries then
 * show the rest of their titles.  Returns MSUM_OK or MSUM_ENOMEM. */
int msum_report_index_page(const msum_report_entry *e, size_t n, const char *const *firsts,
                           msum_report_page *pg);

/* The result's findings table (its own, or the one msum_analysis_findings added), or NULL. */
const msum_table *msum_report_findings(const msum_result *r);

void msum_report_page_free(msum_report_page *pg);

#endif
