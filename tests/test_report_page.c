/* The report's analysis and index pages (src/io/report_page.c): what a reader meets, in order. */
#include <string.h>

#include "helpers.h"
#include "metasum/analysis.h"
#include "metasum/diag.h"
#include "metasum/report.h"

/* BCG, REML, risk ratio: the page opens with the title, the way back, the findings, the main
 * numbers, then the plot with its PNG and PDF, the settings line, then the tables folded. */
Test(report_page, analysis_page_order)
{
    msum_spec s;
    msum_spec_init(&s);
    s.kind = MSUM_KIND_POOL;
    s.basedir = "../datasets"; /* the tests run in tests/ */
    s.dataset = "bcg/effects.csv";
    s.measure = "RR";
    s.plots = "forest";
    msum_result r = {0};
    msum_diags *d = msum_diags_new();
    cr_assert_eq(msum_analysis_run(&s, &r, d), MSUM_OK);
    cr_assert_eq(msum_analysis_findings(&s, &r), MSUM_OK);
    cr_assert_not_null(msum_report_findings(&r));
    msum_report_entry e = {"bcg-pool", "BCG", "pool", "bcg/effects.csv",
                           {{"dataset", "bcg/effects.csv"}, {"measure", "RR"}, {"by", ""}},
                           {1, 0, 0, 0, 0, 1}};
    const char *png[] = {"forest.png"}, *pdf[] = {"forest.pdf"};
    msum_report_page pg = {0};
    cr_assert_eq(msum_report_analysis_page(&e, &r, png, pdf, &pg), MSUM_OK);
    const msum_html_kind want[] = {MSUM_HTML_HEADING, MSUM_HTML_LINK,  MSUM_HTML_FINDINGS,
                                   MSUM_HTML_TABLE,   MSUM_HTML_SVG,   MSUM_HTML_LINK,
                                   MSUM_HTML_LINK,    MSUM_HTML_PARAGRAPH, MSUM_HTML_TABLE};
    cr_assert_geq(pg.n, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        cr_expect_eq(pg.items[i].kind, want[i], "item %zu", i);
    cr_expect_eq(pg.items[3].flags, MSUM_HTML_COMPACT, "the main numbers, compact");
    cr_expect_str_eq(pg.items[5].href, "forest.png");
    cr_expect_str_eq(pg.items[6].href, "forest.pdf");
    /* the settings line shows what is given, not the empty "by" */
    cr_expect_str_eq(pg.items[7].text, "dataset: bcg/effects.csv \xc2\xb7 measure: RR");
    /* the pool table folded, with its files: CSV and the workbook */
    cr_expect_eq(pg.items[8].flags, MSUM_HTML_FOLDED);
    cr_expect_str_eq(pg.items[8].href, "pool.csv;bcg-pool.xlsx");
    msum_report_page_free(&pg);

    /* the index: one group for the folder "bcg", its entry with the first finding */
    const char *firsts[] = {"First finding."};
    cr_assert_eq(msum_report_index_page(&e, 1, firsts, &pg), MSUM_OK);
    cr_expect_eq(pg.items[0].kind, MSUM_HTML_HEADING);
    cr_expect_str_eq(pg.items[1].text, "1 analysis of 1 dataset. Each line gives an analysis' "
                                       "main result; its page opens with the findings, then "
                                       "the main numbers, the plots and every table (each also "
                                       "as a file: CSV, Markdown, JSON, XLSX).");
    cr_expect_str_eq(pg.items[2].text, "bcg");
    cr_expect_str_eq(pg.items[3].href, "bcg-pool/index.html");
    cr_expect_str_eq(pg.items[3].note, "First finding.");
    msum_report_page_free(&pg);
    msum_result_free(&r);
    msum_diags_free(d);
}
