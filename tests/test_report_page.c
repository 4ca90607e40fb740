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

/* A synthesis page leads with the compared numbers and the time course stacked on the left of
 * the effect direction plot (the first screen); the evidence map follows.  Without an effect
 * direction plot there is no lead. */
Test(report_page, summary_lead_plots)
{
    char *names[] = {"evidence_map", "comparisons", "effect_direction", "timecourse"};
    char *svgs[] = {"<svg>map</svg>", "<svg>cmp</svg>", "<svg>edp</svg>", "<svg>tc</svg>"};
    msum_result r = {0};
    r.plot_names = names;
    r.plots = svgs;
    r.nplots = 4;
    msum_report_entry e = {"exo", "Exosomes", "summarize", "exo/effects.csv", {{0}},
                           {1, 0, 0, 0, 1, 0}};
    const char *png[] = {"m.png", "c.png", "e.png", "t.png"},
               *pdf[] = {"m.pdf", "c.pdf", "e.pdf", "t.pdf"};
    msum_report_page pg = {0};
    cr_assert_eq(msum_report_analysis_page(&e, &r, png, pdf, &pg), MSUM_OK);
    const char *want[] = {"<svg>cmp</svg>", "<svg>tc</svg>", "<svg>edp</svg>", "<svg>map</svg>"};
    const unsigned flags[] = {MSUM_HTML_LEAD, MSUM_HTML_LEAD, MSUM_HTML_SIDE, 0};
    size_t k = 0;
    for (size_t i = 0; i < pg.n; i++) {
        if (pg.items[i].kind != MSUM_HTML_SVG) continue;
        cr_assert_lt(k, 4);
        cr_expect_str_eq(pg.items[i].svg, want[k], "plot %zu", k);
        cr_expect_eq(pg.items[i].flags, flags[k], "plot %zu", k);
        k++;
    }
    cr_expect_eq(k, 4);
    /* the page: one lead block, the two stacked plots, then the side one, then the map */
    char *html = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&html, &len);
    cr_assert_eq(msum_write_html_page(fp, "t", pg.items, pg.n, NULL), MSUM_OK);
    fclose(fp);
    const char *lead = strstr(html, "<div class=\"lead\">\n<div class=\"stack\">"),
               *c = strstr(html, "cmp"), *t = strstr(html, "<svg>tc"),
               *side = strstr(html, "<figure class=\"side\">"), *m = strstr(html, "map</svg>");
    cr_assert(lead && c && t && side && m, "%s", html);
    cr_expect(lead < c && c < t && t < side && side < m);
    cr_expect_null(strstr(lead + 1, "<div class=\"lead\">"), "one lead block");
    free(html);
    msum_report_page_free(&pg);

    /* the effect direction plot with the evidence map only: no lead, input order */
    r.plot_names = (char *[]){"effect_direction", "evidence_map"};
    r.plots = (char *[]){"<svg>edp</svg>", "<svg>map</svg>"};
    r.nplots = 2;
    cr_assert_eq(msum_report_analysis_page(&e, &r, png, pdf, &pg), MSUM_OK);
    for (size_t i = 0; i < pg.n; i++)
        if (pg.items[i].kind == MSUM_HTML_SVG) cr_expect_eq(pg.items[i].flags, 0);
    msum_report_page_free(&pg);
}
