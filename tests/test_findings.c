/* Findings sentences and key-number tables (src/io/findings.c) built from result tables that
 * hold metafor 3.8 values (tests/ref/print/bcg_rr_print.txt and the CSVs under
 * tests/ref/expected/); the expected sentences are those values rounded by hand, as a reader
 * of the metafor output would write them.  Also the report page's findings block and DOI links (write_html.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "metasum/findings.h"
#include "metasum/metasum.h"
#include "metasum/write.h"

/* A table from "name=value" pairs: text when the value starts with a letter, else a number
 * ("NA" is missing).  One row per call of row(). */
typedef struct {
    msum_table *t;
} tb;

static void cols(tb *b, const char *const *names, size_t n, const char *textcols)
{
    for (size_t i = 0; i < n; i++) {
        char probe[64];
        snprintf(probe, sizeof probe, ",%s,", names[i]);
        int text = strstr(textcols, probe) != NULL;
        cr_assert_geq(msum_table_add_col(b->t, names[i], text ? MSUM_COL_TEXT : MSUM_COL_NUM,
                                         NULL), 0);
    }
}

static void row(tb *b, const char *const *vals)
{
    long r = msum_table_add_row(b->t);
    cr_assert_geq(r, 0);
    for (size_t c = 0; c < msum_table_ncols(b->t); c++) {
        if (strcmp(vals[c], "NA") == 0) continue;
        if (msum_table_col_type(b->t, c) == MSUM_COL_TEXT)
            msum_table_set_text(b->t, (size_t)r, c, vals[c]);
        else msum_table_set_num(b->t, (size_t)r, c, strtod(vals[c], NULL));
    }
}

static const char *const pool_cols[] = {
    "k", "measure", "scale", "estimate", "stat", "pval", "df", "ci_lb", "ci_ub", "pi_lb",
    "pi_ub", "exp_estimate", "exp_ci_lb", "exp_ci_ub", "exp_pi_lb", "exp_pi_ub", "tau2", "I2",
    "QE", "QE_df", "QE_p", "estimator", "estimator_used", "test", "level"};
#define NPOOL (sizeof pool_cols / sizeof pool_cols[0])
static const char *const pool_text = ",measure,scale,estimator,estimator_used,test,";

/* metafor 3.8: rma(yi, vi, data = dat.bcg RR) and predict(res, transf = exp):
 * estimate -0.7145 [-1.0669, -0.3622], z -3.9744, p 7.05e-05, tau^2 0.3132, I^2 92.22%,
 * Q(12) 152.2330; exp: 0.4894 [0.3441, 0.6962], PI [0.1546, 1.5490]. */
static const char *const bcg_reml[NPOOL] = {
    "13", "RR", "log", "-0.714532348", "-3.97444", "7.054258e-05", "NA", "-1.066898",
    "-0.362167", "-1.866692", "0.4376275", "0.4894209", "0.3440743", "0.6961661",
    "0.1546343", "1.549028", "0.3132433", "92.22138", "152.233", "12", "1.996765e-26",
    "REML", "REML", "z", "0.95"};

static msum_table *pool_table(const char *const *rowvals)
{
    tb b = {msum_table_new("pool", "Pooled estimates")};
    cols(&b, pool_cols, NPOOL, pool_text);
    row(&b, rowvals);
    return b.t;
}

static const char *sentence(const msum_table *f, size_t r)
{
    cr_assert_not_null(f);
    cr_assert_lt(r, msum_table_nrows(f), "only %zu sentences", msum_table_nrows(f));
    return msum_table_text(f, r, (size_t)msum_table_col_index(f, "finding"));
}

Test(findings, pool_reml_natural_scale)
{
    msum_table *t = pool_table(bcg_reml), *f = NULL;
    const msum_table *ts[] = {t};
    cr_assert_eq(msum_findings_make("pool", ts, 1, &f), MSUM_OK);
    cr_assert_eq(msum_table_nrows(f), 3);
    cr_expect_str_eq(sentence(f, 0), "Random-effects (REML) pooled risk ratio 0.49 [95% CI 0.34, "
                                     "0.70] from 13 studies; z = -3.97, p < 0.001.");
    cr_expect_str_eq(sentence(f, 1), "Heterogeneity is considerable: I\xc2\xb2 = 92%, "
                                     "\xcf\x84\xc2\xb2 = 0.31 (Q = 152.23, df = 12, p < 0.001).");
    cr_expect_str_eq(sentence(f, 2), "The 95% prediction interval for the effect in a new study "
                                     "runs from 0.15 to 1.55, which includes 1 (no effect).");
    cr_expect_str_eq(msum_findings_first(f), sentence(f, 0));
    msum_table_free(f);
    msum_table_free(t);
}

/* Without exp_* columns a ratio measure is back-transformed here: exp(-0.7145323) = 0.4894,
 * exp(-1.066898) = 0.3441, exp(-0.362167) = 0.6962, exp(-1.866692) = 0.1546,
 * exp(0.4376275) = 1.5490. */
Test(findings, pool_exp_when_no_backtransform_columns)
{
    const char *v[NPOOL];
    memcpy(v, bcg_reml, sizeof v);
    for (int i = 11; i <= 15; i++) v[i] = "NA";
    msum_table *t = pool_table(v), *f = NULL;
    const msum_table *ts[] = {t};
    cr_assert_eq(msum_findings_make("pool", ts, 1, &f), MSUM_OK);
    cr_expect_str_eq(sentence(f, 0), "Random-effects (REML) pooled risk ratio 0.49 [95% CI 0.34, "
                                     "0.70] from 13 studies; z = -3.97, p < 0.001.");
    cr_expect(strstr(sentence(f, 2), "from 0.15 to 1.55") != NULL, "%s", sentence(f, 2));
    msum_table_free(f);
    msum_table_free(t);
}

/* metafor 3.8 rma(..., test = "knha") (tests/ref/expected/bcg_rr_knha.csv): t(12) = -3.9522,
 * p = 0.00192, CI [-1.1084, -0.3206] -> exp [0.3301, 0.7257]. */
Test(findings, pool_knapp_hartung_t)
{
    const char *v[NPOOL];
    memcpy(v, bcg_reml, sizeof v);
    v[4] = "-3.95223988968";
    v[5] = "0.00192001508513";
    v[6] = "12";
    v[12] = "0.330072";
    v[13] = "0.725698";
    v[23] = "knha";
    msum_table *t = pool_table(v), *f = NULL;
    const msum_table *ts[] = {t};
    cr_assert_eq(msum_findings_make("pool", ts, 1, &f), MSUM_OK);
    cr_expect_str_eq(sentence(f, 0), "Random-effects (REML, Knapp\xe2\x80\x93Hartung) pooled risk "
                                     "ratio 0.49 [95% CI 0.33, 0.73] from 13 studies; t(12) = "
                                     "-3.95, p = 0.002.");
    msum_table_free(f);
    msum_table_free(t);
}

/* Decimals follow the largest number shown together: the randomised-trials PI
 * [0.09898769, 1.448937] prints as "0.10 to 1.45", not "0.099 to 1.45"; a CI of small
 * numbers keeps two significant digits: [0.0123, 0.0456] -> "0.012, 0.046". */
Test(findings, shared_decimals)
{
    const char *v[NPOOL];
    memcpy(v, bcg_reml, sizeof v);
    v[14] = "0.09898769";
    v[15] = "1.448937";
    v[11] = "0.0234";
    v[12] = "0.0123";
    v[13] = "0.0456";
    msum_table *t = pool_table(v), *f = NULL;
    const msum_table *ts[] = {t};
    cr_assert_eq(msum_findings_make("pool", ts, 1, &f), MSUM_OK);
    cr_expect(strstr(sentence(f, 0), "0.023 [95% CI 0.012, 0.046]") != NULL, "%s",
              sentence(f, 0));
    cr_expect(strstr(sentence(f, 2), "from 0.10 to 1.45") != NULL, "%s", sentence(f, 2));
    msum_table_free(f);
    msum_table_free(t);
}

Test(findings, pool_by_groups)
{
    /* metafor 3.8 per allocation group (tests/ref/expected/bcg_rr_subgroups.csv): random
     * -0.97096 [-1.51183, -0.43010], p 0.000434, I^2 89.93%; systematic -0.42421
     * [-1.12930, 0.28088], p 0.2383, I^2 86.42%. */
    static const char *const gc[] = {"alloc", "k", "estimate", "pval", "ci_lb", "ci_ub", "I2",
                                     "estimator", "estimator_used", "test", "measure", "level"};
    tb b = {msum_table_new("pool", "Pooled estimates")};
    cols(&b, gc, 12, ",alloc,estimator,estimator_used,test,measure,");
    row(&b, (const char *const[]){"random", "7", "-0.970964475758", "0.000433908827042",
                                  "-1.51182771204", "-0.430101239472", "89.9342820817", "REML",
                                  "REML", "z", "RR", "0.95"});
    row(&b, (const char *const[]){"systematic", "4", "-0.4242074", "0.2383232", "-1.129295",
                                  "0.2808803", "86.42212", "REML", "REML", "z", "RR", "0.95"});
    msum_table *f = NULL;
    const msum_table *ts[] = {b.t};
    cr_assert_eq(msum_findings_make("pool", ts, 1, &f), MSUM_OK);
    cr_assert_eq(msum_table_nrows(f), 3);
    /* exp(-0.97096) = 0.3787, exp(-0.42421) = 0.6543 */
    cr_expect_str_eq(sentence(f, 0), "Random-effects (REML) pooled risk ratio in 2 groups by "
                                     "alloc: from 0.38 (alloc = random) to 0.65 (alloc = "
                                     "systematic).");
    /* exp(-1.51183) = 0.2205, exp(-0.43010) = 0.6504 */
    cr_expect_str_eq(sentence(f, 1), "alloc = random: risk ratio 0.38 [95% CI 0.22, 0.65] from 7 "
                                     "studies, p < 0.001; I\xc2\xb2 = 90%.");
    /* exp(-1.129295) = 0.3233, exp(0.2808803) = 1.3243 */
    cr_expect_str_eq(sentence(f, 2), "alloc = systematic: risk ratio 0.65 [95% CI 0.32, 1.32] "
                                     "from 4 studies, p = 0.24; I\xc2\xb2 = 86%.");
    msum_table_free(f);
    msum_table_free(b.t);
}

/* metafor 3.8 rma.mh(measure = "OR") on BCG (tests/ref/expected/mh_binary.csv):
 * -0.47341 [-0.55378, -0.39304], z -11.5444, QE 163.9426 (df 12), I^2 92.68%;
 * exp: 0.6229 [0.5748, 0.6750]. */
Test(findings, pool_mantel_haenszel)
{
    static const char *const mc[] = {"method", "measure", "k", "estimate", "zval", "pval",
                                     "ci_lb", "ci_ub", "exp_estimate", "exp_ci_lb", "exp_ci_ub",
                                     "QE", "QEdf", "QEp", "I2", "level"};
    tb b = {msum_table_new("pool", "Mantel-Haenszel pooling")};
    cols(&b, mc, 16, ",method,measure,");
    row(&b, (const char *const[]){"MH", "OR", "13", "-0.473410988", "-11.5444192982602",
                                  "7.877e-31", "-0.553784757", "-0.393037220", "0.6228707",
                                  "0.5747629", "0.6750056", "163.942579569193", "12",
                                  "8.249e-29", "92.6803640448177", "0.95"});
    msum_table *f = NULL;
    const msum_table *ts[] = {b.t};
    cr_assert_eq(msum_findings_make("pool", ts, 1, &f), MSUM_OK);
    cr_assert_eq(msum_table_nrows(f), 2);
    cr_expect_str_eq(sentence(f, 0), "Mantel\xe2\x80\x93Haenszel pooled odds ratio 0.62 [95% CI "
                                     "0.57, 0.68] from 13 studies; z = -11.54, p < 0.001.");
    cr_expect_str_eq(sentence(f, 1), "Heterogeneity is considerable: I\xc2\xb2 = 93% (Q = 163.94, "
                                     "df = 12, p < 0.001).");
    msum_table_free(f);
    msum_table_free(b.t);
}

/* metafor 3.8 subgroup test for BCG by allocation (separate tau^2 per group):
 * Q_between 1.8614, df 2, p 0.3943 (tests/ref/expected/bcg_rr_subgroups.csv). */
Test(findings, compare_subgroup_difference)
{
    static const char *const bc[] = {"test", "stat", "df1", "pval"};
    tb b = {msum_table_new("between", "Tests for subgroup differences")};
    cols(&b, bc, 4, ",test,");
    row(&b, (const char *const[]){"Q_between", "1.861445", "2", "0.3942688"});
    msum_table_set_meta(b.t, "scale", "RR (log scale)");
    static const char *const gc[] = {"group", "k", "estimate", "ci_lb", "ci_ub"};
    tb g = {msum_table_new("groups", "Pooled estimate per group")};
    cols(&g, gc, 5, ",group,");
    row(&g, (const char *const[]){"alternate", "2", "-0.540793", "-1.092722", "0.01113606"});
    msum_table_set_meta(g.t, "scale", "RR (log scale)");
    msum_table_set_meta(g.t, "by", "alloc");
    msum_table_set_meta(g.t, "method", "REML");
    msum_table *f = NULL;
    const msum_table *ts[] = {g.t, b.t};
    cr_assert_eq(msum_findings_make("compare", ts, 2, &f), MSUM_OK);
    cr_assert_eq(msum_table_nrows(f), 2);
    /* exp(-0.540793) = 0.5823, exp(-1.092722) = 0.3353, exp(0.01113606) = 1.0112 */
    cr_expect_str_eq(sentence(f, 0), "Subgroups by alloc (REML): pooled risk ratio 0.58 [95% CI "
                                     "0.34, 1.01] in alternate (2 studies).");
    cr_expect_str_eq(sentence(f, 1), "Test for subgroup differences: Q = 1.86, df = 2, p = 0.39; "
                                     "no significant difference in the risk ratio between "
                                     "subgroups.");
    msum_table_free(f);
    msum_table_free(g.t);
    msum_table_free(b.t);
}

/* metafor 3.8 regtest, trimfill and fsn on BCG REML (tests/ref/expected/bias.csv):
 * Egger z = -0.8033, p = 0.4218; trim and fill k0 = 1 (right), -0.6571 [-1.0070, -0.3072]
 * -> exp 0.5183 [0.3653, 0.7355]; Rosenthal's fail-safe N 598. */
Test(findings, bias)
{
    static const char *const bc[] = {"test", "method", "stat", "df", "pval", "estimate",
                                     "ci_lb", "ci_ub", "k0", "side", "fsnum"};
    tb b = {msum_table_new("bias", "Publication bias")};
    cols(&b, bc, 11, ",test,method,side,");
    msum_table_set_meta(b.t, "measure", "RR");
    row(&b, (const char *const[]){"regtest", "rma/sei", "-0.8033292", "NA", "0.4217845",
                                  "-0.5104319", "-1.118224", "0.09736024", "NA", "NA", "NA"});
    row(&b, (const char *const[]){"trimfill", "L0", "-3.680551", "NA", "0.0002327306",
                                  "-0.6570828", "-1.006992", "-0.3071736", "1", "right", "NA"});
    row(&b, (const char *const[]){"fsn", "Rosenthal", "NA", "NA", "8.8e-30", "NA", "NA", "NA",
                                  "NA", "NA", "598"});
    msum_table *f = NULL;
    const msum_table *ts[] = {b.t};
    cr_assert_eq(msum_findings_make("bias", ts, 1, &f), MSUM_OK);
    cr_assert_eq(msum_table_nrows(f), 3);
    cr_expect_str_eq(sentence(f, 0), "Egger's regression test for funnel-plot asymmetry: z = "
                                     "-0.80, p = 0.42, no sign of small-study effects.");
    cr_expect_str_eq(sentence(f, 1), "Trim and fill adds 1 study on the right; the adjusted "
                                     "pooled risk ratio is 0.52 [95% CI 0.37, 0.74].");
    cr_expect(strncmp(sentence(f, 2), "Rosenthal's fail-safe N is 598 ", 31) == 0, "%s",
              sentence(f, 2));
    msum_table_free(f);
    msum_table_free(b.t);
}

Test(findings, key_numbers_pool)
{
    msum_table *t = pool_table(bcg_reml), *k = NULL;
    const msum_table *ts[] = {t};
    cr_assert_eq(msum_findings_key("pool", ts, 1, &k), MSUM_OK);
    cr_assert_not_null(k);
    cr_assert_eq(msum_table_nrows(k), 1);
    static const char *const want[][2] = {
        {"k", "13"}, {"Risk ratio [95% CI]", "0.49 [0.34, 0.70]"}, {"p", "< 0.001"},
        {"I\xc2\xb2", "92%"}, {"\xcf\x84\xc2\xb2", "0.31"}, {"Q (df)", "152.23 (12)"},
        {"95% prediction interval", "0.15 to 1.55"}};
    cr_assert_eq(msum_table_ncols(k), sizeof want / sizeof want[0]);
    for (size_t c = 0; c < sizeof want / sizeof want[0]; c++) {
        cr_expect_str_eq(msum_table_col_name(k, c), want[c][0]);
        cr_expect_str_eq(msum_table_text(k, 0, c), want[c][1], "column %s", want[c][0]);
    }
    msum_table_free(k);
    msum_table_free(t);
}

Test(findings, nothing_to_say)
{
    msum_table *t = pool_table(bcg_reml), *f = (msum_table *)1;
    const msum_table *ts[] = {t};
    cr_expect_eq(msum_findings_make("summarize", ts, 1, &f), MSUM_OK);
    cr_expect_null(f);
    cr_expect_eq(msum_findings_make("pool", NULL, 0, &f), MSUM_OK);
    cr_expect_null(f);
    cr_expect_eq(msum_findings_make(NULL, ts, 1, &f), MSUM_EINVAL);
    cr_expect_eq(msum_findings_key("table", ts, 1, &f), MSUM_OK);
    cr_expect_null(f);
    cr_expect_null(msum_findings_first(NULL));
    msum_table_free(t);
}

static char *page(const msum_html_item *items, size_t n)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    cr_assert_not_null(fp);
    cr_assert_eq(msum_write_html_page(fp, "t", items, n, NULL), MSUM_OK);
    fclose(fp);
    return buf;
}

/* The findings block shows the sentences; a DOI cell is a doi.org link, percent-encoded. */
Test(findings, html_block_and_doi_links)
{
    msum_table *t = pool_table(bcg_reml), *f = NULL;
    const msum_table *ts[] = {t};
    cr_assert_eq(msum_findings_make("pool", ts, 1, &f), MSUM_OK);
    tb r = {msum_table_new("references", "References")};
    static const char *const rc[] = {"ref", "doi"};
    cols(&r, rc, 2, ",ref,doi,");
    row(&r, (const char *const[]){"Todorova2020", "10.1016/j.addr.2020.06.004"});
    row(&r, (const char *const[]){"X", "doi:10.1002/(SICI)1097-0258<18:5>"});
    row(&r, (const char *const[]){"Y", "not a doi"});
    msum_html_item items[] = {
        {.kind = MSUM_HTML_FINDINGS, .table = f},
        {.kind = MSUM_HTML_TABLE, .table = r.t, .flags = MSUM_HTML_FOLDED,
         .href = "references.csv;references.md"},
    };
    char *s = page(items, 2);
    cr_expect(strstr(s, "<section class=\"findings\" id=\"findings\">\n<h2>Findings</h2>\n<p>"
                        "Random-effects (REML) pooled risk ratio 0.49") != NULL);
    cr_expect(strstr(s, "<a href=\"https://doi.org/10.1016/j.addr.2020.06.004\">"
                        "10.1016/j.addr.2020.06.004</a>") != NULL);
    cr_expect(strstr(s, "<a href=\"https://doi.org/10.1002/(SICI)1097-0258%3C18:5%3E\">"
                        "10.1002/(SICI)1097-0258&lt;18:5&gt;</a>") != NULL);
    cr_expect(strstr(s, "<td>not a doi</td>") != NULL);
    cr_expect(strstr(s, "<details class=\"table\" id=\"table-1\">") != NULL);
    cr_expect(strstr(s, "<a href=\"references.md\">references.md</a>") != NULL);
    free(s);
    /* no findings table: the block holds the given text */
    msum_html_item alt = {.kind = MSUM_HTML_FINDINGS, .text = "Nothing <here>."};
    s = page(&alt, 1);
    cr_expect(strstr(s, "<p>Nothing &lt;here&gt;.</p>") != NULL);
    free(s);
    msum_table_free(r.t);
    msum_table_free(f);
    msum_table_free(t);
}

/* metafor 3.8 rma(yi, vi, mods = ~ ablat) on BCG (tests/ref/expected/bcg_rr_metareg.csv,
 * bcg_rr_mods_ablat_REML): QM = 16.3571 (df 1, p = 5.2e-05), I^2 = 68.39%, R^2 = 75.62%;
 * ablat -0.0291017 [-0.0432047, -0.0149986] -> exp 0.97132 [0.95772, 0.98511].  The
 * meta-regression leads; its coefficients per unit keep three decimals. */
Test(findings, compare_metaregression)
{
    static const char *const rc[] = {"coef", "estimate", "pval", "ci_lb", "ci_ub"};
    tb mr = {msum_table_new("metareg", "Meta-regression coefficients")};
    cols(&mr, rc, 5, ",coef,");
    msum_table_set_meta(mr.t, "scale", "RR (log scale)");
    row(&mr, (const char *const[]){"intrcpt", "0.251464294374", "0.312746171947",
                                   "-0.236769920165", "0.739698508914"});
    row(&mr, (const char *const[]){"ablat", "-0.029101660928", "5.24585597431e-05",
                                   "-0.0432046891007", "-0.0149986327554"});
    static const char *const mc[] = {"QM", "QMdf", "QMp", "I2", "R2"};
    tb md = {msum_table_new("model", "Meta-regression model")};
    cols(&md, mc, 5, ",");
    row(&md, (const char *const[]){"16.3571255722", "1", "5.24585597431e-05", "68.393130509",
                                   "75.6244783615"});
    msum_table *f = NULL, *k = NULL;
    const msum_table *ts[] = {mr.t, md.t};
    cr_assert_eq(msum_findings_make("compare", ts, 2, &f), MSUM_OK);
    cr_assert_eq(msum_table_nrows(f), 2);
    cr_expect_str_eq(sentence(f, 0), "Meta-regression on ablat: test of moderators QM = 16.36, "
                                     "df = 1, p < 0.001; residual I\xc2\xb2 = 68%, R\xc2\xb2 = 76%.");
    cr_expect_str_eq(sentence(f, 1), "Each unit of ablat multiplies the risk ratio by 0.971 [95% "
                                     "CI 0.958, 0.985], p < 0.001.");
    cr_assert_eq(msum_findings_key("compare", ts, 2, &k), MSUM_OK);
    cr_assert_eq(msum_table_nrows(k), 2);
    cr_expect_str_eq(msum_table_text(k, 1, 1), "0.971 [0.958, 0.985]");
    msum_table_free(k);
    msum_table_free(f);
    msum_table_free(mr.t);
    msum_table_free(md.t);
}
