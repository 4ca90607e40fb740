/* Tests for the SVG plots (src/io/svg*.c): well-formed XML (xmllint), escaped labels,
 * deterministic bytes, row spacing at k = 3 and k = 300, log-axis ticks, heat-map colours. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "helpers.h"
#include "metasum/metasum.h"
#include "metasum/plot.h"
#include "refvals.h"

#define TEST_OUT "../build/test-out"

/* Plot input: the BCG vaccine trials (metafor 3.8 dat.bcg), log risk ratios yi and variances vi
 * as escalc(measure = "RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg) returns
 * them; 95% CIs are yi -+ 1.959964 sqrt(vi), weights 1/(vi + tau2) with the REML tau2. */
static const char *const bcg_label[13] = {
    "Aronson, 1948", "Ferguson & Simes, 1949", "Rosenthal et al, 1960", "Hart & Sutherland, 1977",
    "Frimodt-Moller et al, 1973", "Stein & Aronson, 1953", "Vandiviere et al, 1973",
    "TPT Madras, 1980", "Coetzee & Berjak, 1968", "Rosenthal et al, 1961", "Comstock et al, 1974",
    "Comstock & Webster, 1969", "Comstock et al, 1976"};
static const double bcg_yi[13] = {
    -0.8893113339202054, -1.5853886572014306, -1.3480731482996933, -1.4415511900213054,
    -0.21754732221129558, -0.786115585818864, -1.6208982235983918, 0.011952333523840508,
    -0.4694176487381494, -1.3713448034727844, -0.3393588283383906, 0.44591340057137874,
    -0.017313948216879815};
static const double bcg_vi[13] = {
    0.32558476500396133, 0.19458112139814385, 0.4153679653679654, 0.020010031902247573,
    0.05121017216963086, 0.0069056184559087574, 0.22301724757231517, 0.0039615792978177295,
    0.056434210463248966, 0.07302479361302891, 0.01241221397155972, 0.5325058452001528,
    0.0714046596839863};
#define BCG_TAU2 0.313243325981
#define Z975 1.959963984540054

typedef struct {
    const char **labels;
    double *yi, *lb, *ub, *w;
    size_t *group;
} forest_arrays;

/* k studies cycling through the BCG trials (labels numbered past 13). */
static forest_arrays make_arrays(size_t k)
{
    forest_arrays a = {malloc(k * sizeof(char *)), malloc(k * sizeof(double)),
                       malloc(k * sizeof(double)), malloc(k * sizeof(double)),
                       malloc(k * sizeof(double)), malloc(k * sizeof(size_t))};
    for (size_t i = 0; i < k; i++) {
        size_t j = i % 13;
        a.labels[i] = bcg_label[j];
        a.yi[i] = bcg_yi[j];
        a.lb[i] = bcg_yi[j] - Z975 * sqrt(bcg_vi[j]);
        a.ub[i] = bcg_yi[j] + Z975 * sqrt(bcg_vi[j]);
        a.w[i] = 1 / (bcg_vi[j] + BCG_TAU2);
        a.group[i] = j < 4 ? 0 : 1;
    }
    return a;
}

static void free_arrays(forest_arrays *a)
{
    free(a->labels);
    free(a->yi);
    free(a->lb);
    free(a->ub);
    free(a->w);
    free(a->group);
}

/* metafor 3.8: rma(yi, vi, method = "REML") on the data above and predict(): estimate, CI and
 * prediction interval (pi.ub = 2 est - pi.lb, the interval being symmetric). */
static const msum_plot_pooled bcg_reml = {.label = "RE Model (REML)", .est = -0.714532348365,
                                          .ci_lb = -1.06689767574, .ci_ub = -0.36216702099,
                                          .pi_lb = -1.86669234661, .pi_ub = 0.43762765};

static msum_forest_data forest_of(const forest_arrays *a, size_t k)
{
    msum_forest_data d = {0};
    d.title = "BCG vaccine and tuberculosis";
    d.log_scale = 1;
    d.null_value = 0;
    d.k = k;
    d.labels = a->labels;
    d.yi = a->yi;
    d.ci_lb = a->lb;
    d.ci_ub = a->ub;
    d.weights = a->w;
    d.pooled = &bcg_reml;
    d.npooled = 1;
    d.xlab = "Risk ratio (log scale)";
    return d;
}

static char *render_forest(const msum_forest_data *d)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    cr_assert_eq(msum_svg_forest(fp, d), MSUM_OK);
    fclose(fp);
    return buf;
}

static void save(const char *path, const char *s)
{
    mkdir("../build", 0777);
    mkdir(TEST_OUT, 0777);
    FILE *fp = fopen(path, "w");
    cr_assert(fp);
    fputs(s, fp);
    fclose(fp);
}

static int xml_ok(const char *path)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "xmllint --noout '%s'", path);
    return system(cmd) == 0;
}

static double attr_num(const char *tag, const char *name)
{
    char key[32];
    snprintf(key, sizeof key, " %s=\"", name);
    const char *p = strstr(tag, key);
    cr_assert(p, "no %s in %.80s", name, tag);
    return strtod(p + strlen(key), NULL);
}

/* Baselines (y) of the row labels, in document order. */
static size_t row_baselines(const char *svg, double *y, size_t max)
{
    size_t n = 0;
    for (const char *p = svg; (p = strstr(p, "<text ")) != NULL; p++) {
        const char *end = strchr(p, '>');
        const char *cls = strstr(p, "class=\"row\"");
        if (cls && cls < end && n < max) y[n++] = attr_num(p, "y");
    }
    return n;
}

static double svg_height(const char *svg)
{
    return attr_num(strstr(svg, "<svg "), "height");
}

Test(svg_forest, bcg_sample)
{
    forest_arrays a = make_arrays(13);
    msum_forest_data d = forest_of(&a, 13);
    char *s = render_forest(&d);
    save(TEST_OUT "/forest-bcg.svg", s);
    cr_expect(xml_ok(TEST_OUT "/forest-bcg.svg"));
    free(s);
    free_arrays(&a);
}

/* Rows never overlap: at k = 3 and k = 300 every pair of consecutive row baselines is exactly
 * one pitch apart or more, and the picture grows by one pitch per extra study. */
Test(svg_forest, height_grows_and_rows_do_not_overlap)
{
    double h[2];
    size_t ks[2] = {3, MSUM_FOREST_MAX_STUDIES};
    for (int t = 0; t < 2; t++) {
        size_t k = ks[t];
        forest_arrays a = make_arrays(k);
        msum_forest_data d = forest_of(&a, k);
        char *s = render_forest(&d);
        double *y = malloc((k + 8) * sizeof *y);
        size_t n = row_baselines(s, y, k + 8);
        cr_expect_eq(n, k + 1, "k = %zu: %zu study rows + 1 pooled row, got %zu", k, k, n);
        for (size_t i = 1; i < n; i++)
            cr_expect(y[i] - y[i - 1] >= MSUM_FOREST_ROW_PITCH - 1e-9,
                      "k = %zu: rows %zu and %zu are %g px apart", k, i - 1, i, y[i] - y[i - 1]);
        h[t] = svg_height(s);
        /* the last row sits above the axis, the axis inside the picture */
        cr_expect(y[n - 1] < h[t] - 40);
        char path[128];
        snprintf(path, sizeof path, TEST_OUT "/forest-k%zu.svg", k);
        save(path, s);
        cr_expect(xml_ok(path), "%s", path);
        free(y);
        free(s);
        free_arrays(&a);
    }
    cr_expect(fabs((h[1] - h[0]) - (MSUM_FOREST_MAX_STUDIES - 3) * MSUM_FOREST_ROW_PITCH) < 1e-9,
              "height grows by one pitch per study: %g -> %g", h[0], h[1]);
}

Test(svg_forest, deterministic_bytes)
{
    forest_arrays a = make_arrays(13);
    msum_forest_data d = forest_of(&a, 13);
    char *s1 = render_forest(&d), *s2 = render_forest(&d);
    cr_expect_str_eq(s1, s2);
    cr_expect(strstr(s1, "nan") == NULL && strstr(s1, "inf") == NULL);
    free(s1);
    free(s2);
    free_arrays(&a);
}

/* Log axis: ticks are ratios placed at their logs; the reference line sits at ratio 1.  With
 * ratio tick labels "0.1" and "10" (1-3 family for the BCG range 0.07..6.5), x(1) is the
 * midpoint of x(0.1) and x(10) on a log axis. */
Test(svg_forest, log_axis_ratio_ticks)
{
    forest_arrays a = make_arrays(13);
    msum_forest_data d = forest_of(&a, 13);
    char *s = render_forest(&d);
    const char *want[] = {">0.03<", ">0.1<", ">0.3<", ">1<", ">3<", ">10<"};
    double x[6];
    for (int i = 0; i < 6; i++) {
        const char *p = strstr(s, want[i]);
        cr_assert(p, "tick label %s missing", want[i]);
        while (p > s && strncmp(p, "<text ", 6) != 0) p--;
        x[i] = attr_num(p, "x");
    }
    cr_expect(fabs((x[3] - x[1]) - (x[5] - x[3])) < 0.02, "log spacing %g %g", x[3] - x[1],
              x[5] - x[3]);
    cr_expect(fabs((x[2] - x[1]) - (x[3] - x[1]) * log10(3.0)) < 0.02, "0.3 at log10(3) of a decade");
    /* the dashed null line is at x(1) */
    char ref[64];
    snprintf(ref, sizeof ref, "<line x1=\"%.2f\"", x[3]);
    const char *p = strstr(s, "stroke-dasharray=\"4 3\"");
    cr_assert(p);
    while (p > s && strncmp(p, "<line ", 6) != 0) p--;
    cr_expect(strncmp(p, ref, strlen(ref)) == 0, "null line %.40s, want %s", p, ref);
    /* numbers column on the ratio scale: exp(-0.714532348365) = 0.489 */
    cr_expect(strstr(s, ">0.49 [0.34, 0.70]<") != NULL);
    cr_expect(strstr(s, ">Weight<") != NULL);
    free(s);
    free_arrays(&a);
}

Test(svg_forest, subgroups_hostile_labels_and_missing_values)
{
    forest_arrays a = make_arrays(6);
    a.labels[0] = "<script>alert(1)</script>";
    a.labels[1] = "=cmd|' /C calc'!A0 & \"q\"";
    a.labels[2] = "bad \xff utf8\nnewline";
    a.yi[3] = NAN;
    a.lb[4] = -50; /* past the axis: an arrow */
    const char *glab[] = {"Random <allocation>", "Other & \"systematic\""};
    msum_plot_pooled gp[2] = {{.label = "Subtotal 'A'", .est = -1.2, .ci_lb = -1.6, .ci_ub = -0.8,
                               .pi_lb = NAN, .pi_ub = NAN},
                              {.label = "Subtotal B", .est = -0.5, .ci_lb = -0.9, .ci_ub = -0.1,
                               .pi_lb = NAN, .pi_ub = NAN}};
    msum_forest_data d = forest_of(&a, 6);
    d.title = "../../x <b>";
    d.group = a.group;
    d.ngroups = 2;
    d.group_labels = glab;
    d.group_pooled = gp;
    d.xlim_lo = log(0.05);
    d.xlim_hi = log(4);
    char *s = render_forest(&d);
    save(TEST_OUT "/forest-groups.svg", s);
    cr_expect(xml_ok(TEST_OUT "/forest-groups.svg"));
    cr_expect(strstr(s, "<script") == NULL);
    cr_expect(strstr(s, "&lt;script&gt;alert(1)&lt;/script&gt;") != NULL);
    cr_expect(strstr(s, "=cmd|&#39; /C calc&#39;!A0 &amp; &quot;q&quot;") != NULL);
    cr_expect(strstr(s, "bad \xef\xbf\xbd utf8 newline") != NULL);
    cr_expect(strstr(s, "Random &lt;allocation&gt;") != NULL);
    cr_expect(strstr(s, ">NA<") != NULL, "missing estimate shown as NA");
    /* rows: head, 4 studies, subtotal, head, 2 studies, subtotal, overall = 11 labels */
    double y[16];
    size_t n = row_baselines(s, y, 16);
    cr_expect_eq(n, 11);
    for (size_t i = 1; i < n; i++) cr_expect(y[i] - y[i - 1] >= MSUM_FOREST_ROW_PITCH - 1e-9);
    /* the row with the CI past the axis ends in an arrow head */
    cr_expect(strstr(s, "<path d=\"M") != NULL && strstr(s, "fill=\"#333333\"/>") != NULL);
    free(s);
    /* a group index out of range is refused */
    a.group[0] = 7;
    FILE *fp = fopen("/dev/null", "w");
    cr_expect_eq(msum_svg_forest(fp, &d), MSUM_EINVAL);
    fclose(fp);
    free_arrays(&a);
}

Test(svg_forest, linear_scale_and_empty)
{
    double yi[3] = {-0.5, 0.2, 1.1}, lb[3] = {-1.2, -0.3, 0.4}, ub[3] = {0.2, 0.7, 1.8};
    const char *lab[3] = {"A", "B", "C"};
    msum_plot_pooled p = {.label = "FE", .est = 0.3, .ci_lb = 0.0, .ci_ub = 0.6, .pi_lb = NAN,
                          .pi_ub = NAN};
    msum_forest_data d = {.k = 3, .labels = lab, .yi = yi, .ci_lb = lb, .ci_ub = ub,
                          .pooled = &p, .npooled = 1};
    char *s = render_forest(&d);
    /* 1-2-5 ticks over [-1.2, 1.8]: step 0.5 from -1.5 to 2 */
    for (const char *const *t = (const char *const[]){">-1.5<", ">-0.5<", ">0<", ">1.5<", ">2<", NULL};
         *t; t++)
        cr_expect(strstr(s, *t) != NULL, "tick %s", *t);
    cr_expect(strstr(s, ">Estimate<") != NULL, "default axis title");
    cr_expect(strstr(s, ">0.30 [0.00, 0.60]<") != NULL);
    cr_expect(strstr(s, ">Weight<") == NULL, "no weights, no weight column");
    free(s);
    msum_forest_data empty = {0};
    s = render_forest(&empty);
    save(TEST_OUT "/forest-empty.svg", s);
    cr_expect(xml_ok(TEST_OUT "/forest-empty.svg"));
    free(s);
}

/* ---- funnel ---- */

Test(svg_funnel, bcg_funnel)
{
    double sei[13];
    for (int i = 0; i < 13; i++) sei[i] = sqrt(bcg_vi[i]);
    msum_funnel_data d = {.title = "BCG <funnel>", .xlab = "Risk ratio (log scale)",
                          .log_scale = 1, .k = 13, .yi = bcg_yi, .sei = sei,
                          .est = bcg_reml.est};
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    cr_assert_eq(msum_svg_funnel(fp, &d), MSUM_OK);
    fclose(fp);
    save(TEST_OUT "/funnel-bcg.svg", buf);
    cr_expect(xml_ok(TEST_OUT "/funnel-bcg.svg"));
    cr_expect(strstr(buf, "BCG &lt;funnel&gt;") != NULL);
    /* 13 points; the one with the smallest SE (TPT Madras, sei 0.0629) is highest, the largest
     * (Comstock & Webster, sei 0.7297) lowest: the y axis is inverted. */
    size_t n = 0;
    double cy_min = INFINITY, cy_max = -INFINITY;
    for (const char *p = buf; (p = strstr(p, "<circle ")) != NULL; p++, n++) {
        double cy = attr_num(p, "cy");
        if (cy < cy_min) cy_min = cy;
        if (cy > cy_max) cy_max = cy;
    }
    cr_expect_eq(n, 13);
    const char *p = strstr(buf, "<circle ");
    for (int i = 0; i < 7; i++) p = strstr(p + 1, "<circle "); /* 8th study */
    cr_expect(fabs(attr_num(p, "cy") - cy_min) < 1e-9, "smallest SE at the top");
    free(buf);
    d.est = NAN;
    fp = fopen("/dev/null", "w");
    cr_expect_eq(msum_svg_funnel(fp, &d), MSUM_EINVAL);
    fclose(fp);
}

/* ---- heat map ---- */

Test(svg_heatmap, categories_colours_and_labels)
{
    unsigned b[MSUM_NEVID] = {3, 0, 0, 0, 0}, h[MSUM_NEVID] = {0, 2, 0, 0, 0},
             bh[MSUM_NEVID] = {1, 1, 0, 0, 0}, nc[MSUM_NEVID] = {0, 0, 0, 4, 0},
             mx[MSUM_NEVID] = {0, 0, 1, 0, 0}, none[MSUM_NEVID] = {0, 0, 0, 0, 9};
    cr_expect_eq(msum_evidence_of(b), MSUM_EVID_BENEFICIAL);
    cr_expect_eq(msum_evidence_of(h), MSUM_EVID_HARMFUL);
    cr_expect_eq(msum_evidence_of(bh), MSUM_EVID_MIXED);
    cr_expect_eq(msum_evidence_of(nc), MSUM_EVID_NO_CHANGE);
    cr_expect_eq(msum_evidence_of(mx), MSUM_EVID_MIXED);
    cr_expect_eq(msum_evidence_of(none), MSUM_EVID_NONE, "the no-evidence count is ignored");
    cr_expect_str_eq(msum_evidence_name(MSUM_EVID_NO_CHANGE), "no change");

    const char *rows[] = {"MSC exosomes", "<script>alert(1)</script>"};
    const char *cols[] = {"Infarct size", "Ejection fraction & \"LVEF\"", "Apoptosis"};
    unsigned counts[2 * 3 * MSUM_NEVID] = {0};
    const unsigned *cells[6] = {b, h, bh, nc, mx, none};
    for (int i = 0; i < 6; i++) memcpy(counts + i * MSUM_NEVID, cells[i], sizeof b);
    msum_heatmap_data d = {.title = "Evidence map", .nrows = 2, .ncols = 3, .row_labels = rows,
                           .col_labels = cols, .counts = counts};
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    cr_assert_eq(msum_svg_heatmap(fp, &d), MSUM_OK);
    fclose(fp);
    save(TEST_OUT "/heatmap.svg", buf);
    cr_expect(xml_ok(TEST_OUT "/heatmap.svg"));
    cr_expect(strstr(buf, "<script") == NULL);
    cr_expect(strstr(buf, "Ejection fraction &amp; &quot;LVEF&quot;") != NULL);
    cr_expect(strstr(buf, "rotate(-45") != NULL, "column labels rotated");
    /* cell classes in row-major order and their counts */
    const char *want[] = {"cell beneficial", "cell harmful", "cell mixed", "cell nochange",
                          "cell mixed", "cell none"};
    const char *p = buf;
    for (int i = 0; i < 6; i++) {
        p = strstr(p, "class=\"cell ");
        cr_assert(p);
        cr_expect(strncmp(p + 7, want[i], strlen(want[i])) == 0, "cell %d: %.20s", i, p);
        p++;
    }
    cr_expect(strstr(buf, "fill=\"#ffffff\">3</text>") != NULL, "3 beneficial, white on blue");
    cr_expect(strstr(buf, "fill=\"#000000\">4</text>") != NULL, "4 no change, black on grey");
    cr_expect(strstr(buf, ">9</text>") == NULL, "no-evidence counts are not shown");
    for (int e = 0; e < MSUM_NEVID; e++) {
        char leg[64];
        snprintf(leg, sizeof leg, ">%s</text>", msum_evidence_name((msum_evidence)e));
        cr_expect(strstr(buf, leg) != NULL, "legend entry %s", leg);
    }
    free(buf);
}

/* A report page: headings, the three plots inline and a table, still one well-formed XML
 * document (SVGs carry no ids, so several share a page). */
Test(svg_page, plots_inline_in_html)
{
    forest_arrays a = make_arrays(13);
    msum_forest_data fd = forest_of(&a, 13);
    char *forest = render_forest(&fd), *funnel = NULL, *heat = NULL;
    double sei[13];
    for (int i = 0; i < 13; i++) sei[i] = sqrt(bcg_vi[i]);
    msum_funnel_data fu = {.log_scale = 1, .k = 13, .yi = bcg_yi, .sei = sei, .est = bcg_reml.est};
    size_t len;
    FILE *fp = open_memstream(&funnel, &len);
    cr_assert_eq(msum_svg_funnel(fp, &fu), MSUM_OK);
    fclose(fp);
    const char *rows[] = {"src"}, *cols[] = {"out"};
    unsigned counts[MSUM_NEVID] = {1, 0, 0, 0, 0};
    msum_heatmap_data hd = {.nrows = 1, .ncols = 1, .row_labels = rows, .col_labels = cols,
                            .counts = counts};
    fp = open_memstream(&heat, &len);
    cr_assert_eq(msum_svg_heatmap(fp, &hd), MSUM_OK);
    fclose(fp);
    msum_table *t = msum_table_new("pool", "Pooled estimate");
    msum_table_add_col(t, "estimate", MSUM_COL_NUM, NULL);
    msum_table_set_meta(t, "scale", "log risk ratio");
    msum_table_set_num(t, (size_t)msum_table_add_row(t), 0, bcg_reml.est);
    msum_html_item items[] = {
        {.kind = MSUM_HTML_HEADING, .text = "BCG", .level = 1},
        {.kind = MSUM_HTML_SVG, .svg = forest, .text = "Forest plot"},
        {.kind = MSUM_HTML_SVG, .svg = funnel, .text = "Funnel plot"},
        {.kind = MSUM_HTML_SVG, .svg = heat},
        {.kind = MSUM_HTML_TABLE, .table = t},
    };
    mkdir("../build", 0777);
    mkdir(TEST_OUT, 0777);
    fp = fopen(TEST_OUT "/report.html", "w");
    cr_assert_eq(msum_write_html_page(fp, "BCG report", items, 5, NULL), MSUM_OK);
    fclose(fp);
    cr_expect(xml_ok(TEST_OUT "/report.html"));
    cr_expect(strstr(forest, " id=") == NULL && strstr(funnel, " id=") == NULL &&
              strstr(heat, " id=") == NULL);
    items[1].svg = NULL;
    fp = fopen("/dev/null", "w");
    cr_expect_eq(msum_write_html_page(fp, "x", items, 5, NULL), MSUM_EINVAL);
    fclose(fp);
    msum_table_free(t);
    free(forest);
    free(funnel);
    free(heat);
    free_arrays(&a);
}

/* A label longer than 48 characters wraps: at spaces where there are some, else after 48
 * characters; three lines at most, the third cut to 47 plus "…" with its text as a tooltip.
 * The label column does not grow past 48 characters and the rows below move down. */
Test(svg_forest, long_labels_wrap)
{
    char longlab[201];
    memset(longlab, 'x', 200);
    longlab[200] = '\0';
    const char *lab[2] = {longlab, "Next"};
    double yi[2] = {0.1, 0.2}, lb[2] = {-0.2, -0.1}, ub[2] = {0.4, 0.5};
    msum_forest_data d = {.k = 2, .labels = lab, .yi = yi, .ci_lb = lb, .ci_ub = ub};
    char *s = render_forest(&d);
    char want[128];
    snprintf(want, sizeof want, ">%.48s</text>", longlab);
    cr_expect(strstr(s, want) != NULL, "first line: 48 characters");
    cr_expect(strstr(strstr(s, want) + 1, want) != NULL, "second line: 48 characters");
    snprintf(want, sizeof want, "</title>%.47s\xe2\x80\xa6</text>", longlab);
    cr_expect(strstr(s, want) != NULL, "third line shortened");
    double y[4];
    cr_assert_eq(row_baselines(s, y, 4), 2);
    cr_expect(fabs((y[1] - y[0]) - 3 * MSUM_FOREST_ROW_PITCH) < 1e-9, "3 lines: %g", y[1] - y[0]);
    /* width: margin 12 + 48 characters at 6.6 px + 20 + plot 320 + 20 + numbers + margin 12 */
    double w = attr_num(strstr(s, "<svg "), "width");
    cr_expect(w < 12 + 48 * 6.6 + 20 + 320 + 20 + 200 + 12, "width %g", w);
    free(s);
    /* at spaces: "word word ..." breaks after a whole word */
    const char *words[1] = {"Alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu"};
    d.k = 1;
    d.labels = words;
    s = render_forest(&d);
    cr_expect(strstr(s, ">Alpha beta gamma delta epsilon zeta eta theta</text>") != NULL, "%s", s);
    cr_expect(strstr(s, ">iota kappa lambda mu</text>") != NULL);
    free(s);
}

/* Subgroup weights are shown as the weights table gives them (percent within each subgroup's
 * own fit), not renormalised over all studies: BCG by allocation, REML per subgroup, metafor
 * weights() of rma(yi, vi, subset = alloc == "random"): Aronson 1948 10.60 %, Ferguson & Simes
 * 12.97 %, Rosenthal 1960 9.43 %, Hart & Sutherland 18.46 % (the first four of that group);
 * alloc == "alternate": 43.15 %, 56.85 %.  Before, the plot divided by the sum over all groups,
 * so each group's share was not its own. */
Test(svg_forest, subgroup_weights_are_the_tables)
{
    forest_arrays a = make_arrays(6);
    const double w[6] = {10.60443, 12.97063, 9.42594, 18.45933, 43.14744, 56.85256};
    for (size_t i = 0; i < 6; i++) {
        a.w[i] = w[i];
        a.group[i] = i < 4 ? 0 : 1;
    }
    const char *glab[] = {"random", "alternate"};
    msum_forest_data d = forest_of(&a, 6);
    d.weights_percent = 1;
    d.weight_head = "Weight in group";
    d.group = a.group;
    d.ngroups = 2;
    d.group_labels = glab;
    char *s = render_forest(&d);
    cr_expect(strstr(s, ">Weight in group<") != NULL, "heading says within-group");
    const char *want[] = {">10.6%<", ">13.0%<", ">9.4%<", ">18.5%<", ">43.1%<", ">56.9%<"};
    for (size_t i = 0; i < 6; i++) cr_expect(strstr(s, want[i]) != NULL, "%s missing", want[i]);
    free(s);
    /* without weights_percent they are shares of their total: 10.60443 / 151.46033 = 7.0 % */
    d.weights_percent = 0;
    s = render_forest(&d);
    cr_expect(strstr(s, ">10.6%<") == NULL && strstr(s, ">7.0%<") != NULL, "renormalised");
    free(s);
    free_arrays(&a);
}

/* ---- the statistics under the pooled rows, favours, subgroups, columns, sorting, scale ---- */

static const char *BCG = "ref/metafor38/expected/bcg_rr.csv";
static const char *SUBG = "ref/expected/bcg_rr_subgroups.csv";

/* A pooled row with the statistics of a metafor case (rma + predict). */
static msum_plot_pooled ref_pooled(const char *fit, const char *pred, const char *stat, int t)
{
    msum_plot_pooled p = {.label = "Random effects (REML)", .stats = 1, .level = 0.95};
    p.est = ref_value(BCG, pred, "pred");
    p.ci_lb = ref_value(BCG, pred, "ci.lb");
    p.ci_ub = ref_value(BCG, pred, "ci.ub");
    p.pi_lb = ref_value(BCG, pred, "pi.lb");
    p.pi_ub = ref_value(BCG, pred, "pi.ub");
    p.tau2 = ref_value(BCG, fit, "tau2");
    p.Q = ref_value(BCG, fit, "QE");
    p.Q_df = ref_value(BCG, fit, "QEdf");
    p.Q_p = ref_value(BCG, fit, "QEp");
    p.I2 = ref_value(BCG, fit, "I2");
    p.stat = ref_value(BCG, fit, stat);
    p.stat_df = t ? ref_value(BCG, fit, "df") : NAN;
    p.pval = ref_value(BCG, fit, "pval");
    return p;
}

/* metafor 3.8, rma(yi, vi, method = "REML") on BCG: tau2 = 0.3132, QE = 152.2330 on 12 df
 * (p = 2e-26), I2 = 92.22 %, z = -3.9744 (p = 7.05e-05); predict(transf = exp): prediction
 * interval 0.1546 to 1.5490.  As RevMan and R meta print them, with a minus sign (U+2212). */
Test(svg_forest, heterogeneity_and_overall_effect_lines)
{
    forest_arrays a = make_arrays(13);
    msum_forest_data d = forest_of(&a, 13);
    msum_plot_pooled p = ref_pooled("bcg_rr_REML", "bcg_rr_REML_predict", "zval", 0);
    d.pooled = &p;
    char *s = render_forest(&d);
    save(TEST_OUT "/forest-stats.svg", s);
    cr_expect(xml_ok(TEST_OUT "/forest-stats.svg"));
    cr_expect(strstr(s, ">Heterogeneity: \xcf\x84\xc2\xb2 = 0.31; Q = 152.23, df = 12 "
                        "(p &lt; 0.001); I\xc2\xb2 = 92%<") != NULL, "%s", s);
    cr_expect(strstr(s, ">Test for overall effect: z = \xe2\x88\x92" "3.97 (p &lt; 0.001)<") != NULL);
    cr_expect(strstr(s, ">95% prediction interval: [0.15, 1.55]<") != NULL);
    /* the lines come after the pooled row, in this order */
    const char *row = strstr(s, ">Random effects (REML)<"), *het = strstr(s, ">Heterogeneity"),
               *test = strstr(s, ">Test for overall"), *pi = strstr(s, ">95% prediction");
    cr_expect(row && het && test && pi && row < het && het < test && test < pi);
    free(s);
    /* Knapp-Hartung: rma(..., test = "knha"): t = -3.9522 on 12 df, p = 0.00192 */
    p = ref_pooled("bcg_rr_REML_knha", "bcg_rr_REML_knha_predict", "tval", 1);
    p.est = ref_value(BCG, "bcg_rr_REML_knha_predict", "ci.lb") / 2 +
            ref_value(BCG, "bcg_rr_REML_knha_predict", "ci.ub") / 2;
    s = render_forest(&d);
    cr_expect(strstr(s, ">Test for overall effect: t = \xe2\x88\x92" "3.95, df = 12 (p = 0.002)<") !=
              NULL);
    free(s);
    /* common effect: no tau2 in the line; k = 1: no Q (NaN), no heterogeneity line */
    p.tau2 = NAN;
    s = render_forest(&d);
    cr_expect(strstr(s, ">Heterogeneity: Q = 152.23, df = 12 (p &lt; 0.001); I\xc2\xb2 = 92%<"));
    free(s);
    p.Q = NAN;
    s = render_forest(&d);
    cr_expect(strstr(s, "Heterogeneity") == NULL);
    free(s);
    /* a small tau2 keeps two significant digits */
    p.Q = 20;
    p.tau2 = 0.00123;
    s = render_forest(&d);
    cr_expect(strstr(s, "\xcf\x84\xc2\xb2 = 0.0012;") != NULL);
    free(s);
    free_arrays(&a);
}

/* The dashed null line stops where a text line runs under the plot: no line crosses the
 * heterogeneity text's row. */
Test(svg_forest, null_line_is_broken_at_text_lines)
{
    forest_arrays a = make_arrays(13);
    msum_forest_data d = forest_of(&a, 13);
    msum_plot_pooled p = ref_pooled("bcg_rr_REML", "bcg_rr_REML_predict", "zval", 0);
    d.pooled = &p;
    char *s = render_forest(&d);
    const char *het = strstr(s, ">Heterogeneity");
    cr_assert(het);
    while (het > s && strncmp(het, "<text ", 6) != 0) het--;
    double yt = attr_num(het, "y");
    int segments = 0;
    for (const char *q = s; (q = strstr(q, "stroke-dasharray=\"4 3\"")) != NULL; q++) {
        const char *l = q;
        while (l > s && strncmp(l, "<line ", 6) != 0) l--;
        double y1 = attr_num(l, "y1"), y2 = attr_num(l, "y2");
        cr_expect(!(y1 < yt && y2 > yt - 8), "segment %g..%g crosses the text at %g", y1, y2, yt);
        segments++;
    }
    cr_expect_eq(segments, 2, "one segment above the notes, one below");
    free(s);
    free_arrays(&a);
}

static double text_x(const char *svg, const char *text)
{
    const char *p = strstr(svg, text);
    cr_assert(p, "no %s", text);
    while (p > svg && strncmp(p, "<text ", 6) != 0) p--;
    return attr_num(p, "x");
}

Test(svg_forest, favours_labels_either_side_of_the_null)
{
    forest_arrays a = make_arrays(13);
    msum_forest_data d = forest_of(&a, 13);
    char *s0 = render_forest(&d);
    cr_expect(strstr(s0, "Favours") == NULL, "none unless asked");
    d.favours_lo = "BCG";
    d.favours_hi = "control";
    char *s = render_forest(&d);
    double x1 = text_x(s, ">1<"); /* the tick at ratio 1 */
    const char *lo = strstr(s, ">Favours BCG<"), *hi = strstr(s, ">Favours control<");
    cr_assert(lo && hi);
    while (strncmp(lo, "<text ", 6) != 0) lo--;
    while (strncmp(hi, "<text ", 6) != 0) hi--;
    cr_expect(attr_num(lo, "x") < x1 && strstr(lo, "text-anchor=\"end\"") < strchr(lo, '>'));
    cr_expect(attr_num(hi, "x") > x1);
    cr_expect(svg_height(s) > svg_height(s0), "a line more under the axis");
    free(s);
    free(s0);
    free_arrays(&a);
}

/* BCG by allocation: subgroup rows with their lines, the overall diamond, and the test for
 * subgroup differences with separate tau2 (metafor rma(est, sei = se, method = "FE") on the
 * three REML subgroup fits: QE = 1.8614 on 2 df, p = 0.3943). */
Test(svg_forest, subgroup_differences_and_overall_diamond)
{
    forest_arrays a = make_arrays(13);
    const char *glab[2] = {"first", "second"};
    msum_plot_pooled gp[2] = {ref_pooled("bcg_rr_REML", "bcg_rr_REML_predict", "zval", 0),
                              ref_pooled("bcg_rr_REML", "bcg_rr_REML_predict", "zval", 0)};
    gp[0].label = "first";
    gp[1].label = "second";
    msum_plot_pooled all = ref_pooled("bcg_rr_REML", "bcg_rr_REML_predict", "zval", 0);
    all.label = "Overall";
    msum_forest_data d = forest_of(&a, 13);
    d.group = a.group;
    d.ngroups = 2;
    d.group_labels = glab;
    d.group_pooled = gp;
    d.pooled = &all;
    d.sg_Q = ref_value(SUBG, "bcg_rr_subgroup_between", "Q");
    d.sg_df = ref_value(SUBG, "bcg_rr_subgroup_between", "df");
    d.sg_p = ref_value(SUBG, "bcg_rr_subgroup_between", "pval");
    char *s = render_forest(&d);
    save(TEST_OUT "/forest-subgroups.svg", s);
    cr_expect(xml_ok(TEST_OUT "/forest-subgroups.svg"));
    cr_expect(strstr(s, ">Test for subgroup differences: Q = 1.86, df = 2 (p = 0.394)<") != NULL);
    /* heterogeneity lines: one per subgroup and one overall; prediction interval overall only */
    size_t nhet = 0, npi = 0;
    for (const char *q = s; (q = strstr(q, ">Heterogeneity")) != NULL; q++) nhet++;
    for (const char *q = s; (q = strstr(q, "prediction interval")) != NULL; q++) npi++;
    cr_expect_eq(nhet, 3);
    cr_expect_eq(npi, 1);
    const char *ov = strstr(s, ">Overall<"), *sg = strstr(s, ">Test for subgroup");
    cr_expect(ov && sg && ov < sg, "overall diamond, then the test");
    /* two diamonds of subgroups (light) and one overall (dark) */
    cr_expect(strstr(s, "fill=\"#2b4c7e\" stroke") != NULL);
    free(s);
    d.sg_df = 0; /* no test given: no line */
    s = render_forest(&d);
    cr_expect(strstr(s, "subgroup differences") == NULL);
    free(s);
    free_arrays(&a);
}

/* Arm data columns sit between the labels and the plot, under the arm names. */
Test(svg_forest, arm_data_columns)
{
    forest_arrays a = make_arrays(2);
    /* dat.bcg rows 1-2: tpos/tneg 4/119 and 6/300, cpos/cneg 11/128 and 29/274 */
    const char *cells[8] = {"4", "123", "11", "139", "6", "306", "29", "303"};
    const char *heads[4] = {"Events", "Total", "Events", "Total"};
    msum_forest_data d = forest_of(&a, 2);
    d.ncols = 4;
    d.col_heads = heads;
    d.cols = cells;
    d.col_span[0] = "BCG vaccine";
    d.col_span[1] = "no vaccine";
    char *s = render_forest(&d);
    save(TEST_OUT "/forest-arms.svg", s);
    cr_expect(xml_ok(TEST_OUT "/forest-arms.svg"));
    double x_ev = text_x(s, ">4<"), x_tot = text_x(s, ">139<"), x_plot = text_x(s, ">1<");
    cr_expect(x_ev < x_tot && x_tot < x_plot, "columns left of the plot");
    cr_expect(text_x(s, ">BCG vaccine<") < text_x(s, ">no vaccine<"));
    cr_expect(strstr(s, ">306<") != NULL && strstr(s, ">Events<") != NULL);
    free(s);
    d.cols = NULL; /* columns without texts are refused */
    FILE *fp = fopen("/dev/null", "w");
    cr_expect_eq(msum_svg_forest(fp, &d), MSUM_EINVAL);
    fclose(fp);
    free_arrays(&a);
}

/* Sorting: by effect, the smallest log risk ratio first (Vandiviere et al, 1973: -1.621); by
 * weight, the largest first (TPT Madras, 1980: the smallest variance 0.00396). */
Test(svg_forest, sort_by_effect_and_weight)
{
    forest_arrays a = make_arrays(13);
    msum_forest_data d = forest_of(&a, 13);
    d.sort = MSUM_FOREST_SORT_EFFECT;
    char *s = render_forest(&d);
    const char *first = strstr(s, "class=\"row\">");
    cr_assert(first);
    cr_expect(strncmp(first + 12, "Vandiviere et al, 1973<", 23) == 0, "%.40s", first);
    cr_expect(strstr(s, "Comstock &amp; Webster, 1969") > strstr(s, "Aronson, 1948"));
    free(s);
    d.sort = MSUM_FOREST_SORT_WEIGHT;
    s = render_forest(&d);
    first = strstr(s, "class=\"row\">");
    cr_expect(strncmp(first + 12, "TPT Madras, 1980<", 17) == 0, "%.40s", first);
    free(s);
    free_arrays(&a);
}

/* Above MSUM_FOREST_MAX_STUDIES studies only the summary rows are drawn, and the plot says so:
 * 100000 studies make a plot of a few kB, not one row each. */
Test(svg_forest, summary_only_for_many_studies)
{
    size_t k = 100000;
    forest_arrays a = make_arrays(k);
    msum_forest_data d = forest_of(&a, k);
    char *s = render_forest(&d);
    cr_expect(strstr(s, ">100000 studies: the summary rows only") != NULL);
    double y[4];
    cr_expect_eq(row_baselines(s, y, 4), 1, "the pooled row only");
    cr_expect(strlen(s) < 8000, "%zu bytes", strlen(s));
    free(s);
    free_arrays(&a);
}

/* Fisher z values are shown as correlations: tick "0.5" at atanh(0.5), numbers as tanh. */
Test(svg_forest, fisher_z_axis_shows_correlations)
{
    double yi[2] = {atanh(0.3), atanh(0.6)}, lb[2] = {atanh(0.1), atanh(0.4)},
           ub[2] = {atanh(0.5), atanh(0.75)};
    const char *lab[2] = {"A", "B"};
    msum_forest_data d = {.k = 2, .labels = lab, .yi = yi, .ci_lb = lb, .ci_ub = ub,
                          .log_scale = 2};
    char *s = render_forest(&d);
    cr_expect(strstr(s, ">0.30 [0.10, 0.50]<") != NULL);
    cr_expect(strstr(s, ">Correlation<") != NULL);
    double x0 = text_x(s, ">0<"), x5 = text_x(s, ">0.5<");
    /* x(0.5) - x(0) is atanh(0.5) / atanh(0.2) times x(0.2) - x(0) on the z axis */
    double x2 = text_x(s, ">0.2<");
    cr_expect(fabs((x5 - x0) / (x2 - x0) - atanh(0.5) / atanh(0.2)) < 0.01);
    free(s);
}

/* ---- publication bias and influence plots ---- */

static const char *BIAS = "ref/expected/bias.csv";
static const char *SENS = "ref/expected/sensitivity.csv";
static const char *BAUJAT = "ref/expected/baujat.csv";
static const char *KNHA = "ref/expected/bcg_rr_knha.csv";

typedef struct {
    double x[64], y[64];
    size_t n;
} points;

/* Centres of the <circle> elements of one class, in document order. */
static points circles(const char *svg, const char *cls)
{
    points p = {.n = 0};
    char key[48];
    snprintf(key, sizeof key, "<circle class=\"%s\"", cls);
    for (const char *q = svg; (q = strstr(q, key)) != NULL && p.n < 64; q++, p.n++) {
        p.x[p.n] = attr_num(q, "cx");
        p.y[p.n] = attr_num(q, "cy");
    }
    return p;
}

static size_t count(const char *s, const char *what)
{
    size_t n = 0;
    for (const char *q = s; (q = strstr(q, what)) != NULL; q++) n++;
    return n;
}

/* The pixel map v -> a + b v of an axis, from two points far apart (pixel p1 at value v1, ...). */
typedef struct {
    double a, b;
} axis_map;

static axis_map map_of(double v1, double p1, double v2, double p2)
{
    axis_map m;
    m.b = (p2 - p1) / (v2 - v1);
    m.a = p1 - m.b * v1;
    return m;
}

static double px(axis_map m, double v) { return m.a + m.b * v; }

static char *render_bias_funnel(const msum_bias_funnel_data *d, const char *file)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    cr_assert_eq(msum_svg_bias_funnel(fp, d), MSUM_OK);
    fclose(fp);
    save(file, buf);
    cr_expect(xml_ok(file), "xmllint rejects %s", file);
    return buf;
}

/* Trim and fill on BCG (REML, L0, side chosen as metafor): metafor finds k0 = 1 missing study on
 * the right, yi = 0.3104, vi = 0.2230, and the estimate -0.6571 on the 14 studies.  The plot has
 * the 13 studies filled, k0 open circles at the filled study's (yi, sqrt(vi)), and the funnel's
 * apex at the filled-data estimate, SE 0. */
Test(svg_bias, trimfill_funnel_filled_studies_open)
{
    double sei[13];
    for (int i = 0; i < 13; i++) sei[i] = sqrt(bcg_vi[i]);
    msum_trimfill_opts to = MSUM_TRIMFILL_OPTS_DEFAULT;
    to.pool.threshold = 1e-12;
    msum_trimfill_result tf;
    cr_assert_eq(msum_trimfill(bcg_yi, bcg_vi, 13, &to, &tf), MSUM_OK);
    double k0 = ref_value(BIAS, "bcg_REML_trimfill_L0_auto", "k0");
    cr_assert_eq((double)tf.k0, k0);
    double sef[4];
    for (size_t i = 0; i < tf.k0 && i < 4; i++) sef[i] = sqrt(tf.vi_fill[i]);
    msum_bias_funnel_data d = {.title = "BCG: trim and fill", .log_scale = 1, .k = 13,
                               .yi = bcg_yi, .sei = sei, .kfill = tf.k0, .yi_fill = tf.yi_fill,
                               .sei_fill = sef, .est = tf.pooled.estimate};
    char *s = render_bias_funnel(&d, TEST_OUT "/funnel-trimfill.svg");
    points st = circles(s, "study"), fl = circles(s, "filled");
    cr_expect_eq(st.n, 13);
    cr_expect_eq((double)fl.n, k0, "open circles = k0");
    cr_expect(strstr(s, "class=\"filled\" cx=") && strstr(s, "fill=\"#ffffff\" stroke="),
              "filled studies are open circles");
    /* axes from studies 8 (TPT Madras) and 12 (Comstock & Webster, largest yi and SE) */
    axis_map mx = map_of(bcg_yi[7], st.x[7], bcg_yi[11], st.x[11]);
    axis_map my = map_of(sei[7], st.y[7], sei[11], st.y[11]);
    double yf = ref_value(BIAS, "bcg_REML_trimfill_L0_auto", "yi.fill[1]");
    double vf = ref_value(BIAS, "bcg_REML_trimfill_L0_auto", "vi.fill[1]");
    assert_close(fl.x[0], px(mx, yf), 0.02, "filled study x (px)");
    assert_close(fl.y[0], px(my, sqrt(vf)), 0.02, "filled study y (px)");
    for (int i = 0; i < 13; i++) {
        assert_close(st.x[i], px(mx, bcg_yi[i]), 0.02, "study x (px)");
        assert_close(st.y[i], px(my, sei[i]), 0.02, "study y (px)");
    }
    /* the funnel's apex: the estimate on the filled data at SE 0 */
    const char *f = strstr(s, "<path class=\"funnel\" d=\"M");
    cr_assert(f);
    double x0, y0, xa, ya;
    cr_assert_eq(sscanf(f + 25, "%lf %lfL%lf %lf", &x0, &y0, &xa, &ya), 4);
    assert_close(xa, px(mx, ref_value(BIAS, "bcg_REML_trimfill_L0_auto", "beta")), 0.02,
                 "apex x (px)");
    assert_close(ya, px(my, 0), 0.02, "apex y (px)");
    free(s);
    msum_trimfill_result_free(&tf);
}

/* The Egger line on the trim-and-fill funnel: metafor regtest(rma(yi, vi)) (REML, predictor
 * sei) gives the limit estimate b0 = -0.510432 and the slope b1 = -0.763240, so the line runs
 * from (b0, SE 0) to (b0 + b1 SEmax, SEmax) in the funnel's axes. */
Test(svg_bias, trimfill_funnel_egger_line)
{
    double sei[13];
    for (int i = 0; i < 13; i++) sei[i] = sqrt(bcg_vi[i]);
    double b0 = ref_value(BIAS, "bcg_REML_regtest_rma_sei", "est");
    double b1 = ref_value(BIAS, "bcg_REML_regtest_rma_sei", "coef");
    msum_regtest_opts ro = MSUM_REGTEST_OPTS_DEFAULT;
    ro.fit.threshold = 1e-12;
    msum_regtest_result rg;
    cr_assert_eq(msum_regtest(bcg_yi, bcg_vi, NULL, 13, &ro, &rg), MSUM_OK);
    assert_close(rg.est, b0, 1e-7, "b0");
    assert_close(rg.coef, b1, 1e-7, "b1");
    msum_bias_funnel_data d = {.log_scale = 1, .k = 13, .yi = bcg_yi, .sei = sei,
                               .est = -0.7145323, .egger = 1, .egger_b0 = rg.est,
                               .egger_b1 = rg.coef};
    char *s = render_bias_funnel(&d, TEST_OUT "/funnel-egger.svg");
    /* positions to 0.05 px: coordinates are printed to 0.01 px, and the axis maps come from
     * two rounded points */
    points st = circles(s, "study");
    cr_assert_eq(st.n, 13);
    axis_map mx = map_of(bcg_yi[7], st.x[7], bcg_yi[11], st.x[11]);
    axis_map my = map_of(sei[7], st.y[7], sei[11], st.y[11]);
    const char *l = strstr(s, "<line class=\"egger\"");
    cr_assert(l);
    cr_expect_eq(count(s, "<line class=\"egger\""), 1);
    assert_close(attr_num(l, "x1") - px(mx, b0), 0, 0.05, "line at b0 (px)");
    assert_close(attr_num(l, "y1") - px(my, 0), 0, 0.05, "at SE 0 (px)");
    double se2 = (attr_num(l, "y2") - my.a) / my.b;
    assert_close(attr_num(l, "x2") - px(mx, b0 + b1 * se2), 0, 0.05, "slope b1 (px)");
    free(s);
    d.egger = 0;
    s = render_bias_funnel(&d, TEST_OUT "/funnel-no-egger.svg");
    cr_expect_eq(count(s, "class=\"egger\""), 0);
    free(s);
}

/* Contour-enhanced funnel around 0: three shaded regions whose half-widths at the bottom of the
 * panel are z(0.95) : z(0.975) : z(0.995) = 1.6449 : 1.9600 : 2.5758 times the largest SE, with
 * their apex at log RR 0; a legend names the four p-value bands. */
Test(svg_bias, contour_funnel_regions)
{
    double sei[13];
    for (int i = 0; i < 13; i++) sei[i] = sqrt(bcg_vi[i]);
    msum_bias_funnel_data d = {.log_scale = 1, .k = 13, .yi = bcg_yi, .sei = sei, .est = NAN,
                               .contours = 1, .ref = 0};
    char *s = render_bias_funnel(&d, TEST_OUT "/funnel-contour.svg");
    points st = circles(s, "study");
    cr_expect_eq(st.n, 13);
    cr_expect_eq(count(s, "<circle class=\"filled\""), 0);
    cr_expect_eq(count(s, "<path class=\"contour\""), 3);
    cr_expect_eq(count(s, "<path class=\"funnel\""), 0, "no pseudo-CI funnel without est");
    axis_map mx = map_of(bcg_yi[7], st.x[7], bcg_yi[11], st.x[11]);
    axis_map my = map_of(sei[7], st.y[7], sei[11], st.y[11]);
    static const double z[3] = {2.5758293035489004, 1.959963984540054, 1.6448536269514722};
    const char *p = s;
    double half[3];
    for (int l = 0; l < 3; l++) { /* drawn widest (99 %) first */
        p = strstr(p, "<path class=\"contour\" d=\"M");
        cr_assert(p);
        double xl, yl, xa, ya, xr, yr;
        cr_assert_eq(sscanf(p + 26, "%lf %lfL%lf %lfL%lf %lf", &xl, &yl, &xa, &ya, &xr, &yr), 6);
        assert_close(xa, px(mx, 0), 0.02, "contour apex at 0 (px)");
        assert_close(ya, px(my, 0), 0.02, "contour apex at SE 0 (px)");
        half[l] = (xr - xl) / 2;
        double sebottom = (yl - my.a) / my.b; /* the SE at the bottom of the panel */
        assert_close(half[l], z[l] * sebottom * mx.b, 0.03, "half-width = z SE (px)");
        p++;
    }
    assert_close(half[1] / half[0], z[1] / z[0], 1e-3, "95/99 width ratio");
    cr_expect(strstr(s, ">0.01 &lt; p \xe2\x89\xa4 0.05<") != NULL);
    cr_expect(strstr(s, ">0.00 &lt; p \xe2\x89\xa4 0.01<") != NULL);
    free(s);
    FILE *fp = fopen("/dev/null", "w");
    d.contours = 0; /* neither an estimate nor contours */
    cr_expect_eq(msum_svg_bias_funnel(fp, &d), MSUM_EINVAL);
    fclose(fp);
}

/* Baujat plot of the common-effect fit.  By hand: mu_FE = sum(yi/vi) / sum(1/vi), and study i's
 * x is its contribution to Q, (yi - mu_FE)^2 / vi; the y values are metafor's baujat() (the
 * squared change of the estimate when the study is left out over its variance).  The points lie
 * on those coordinates (affine pixel map through the origin of both axes). */
Test(svg_bias, baujat_coordinates)
{
    double sw = 0, swy = 0, hx[13], x[13], y[13];
    for (int i = 0; i < 13; i++) {
        sw += 1 / bcg_vi[i];
        swy += bcg_yi[i] / bcg_vi[i];
    }
    double mu = swy / sw;
    for (int i = 0; i < 13; i++) hx[i] = (bcg_yi[i] - mu) * (bcg_yi[i] - mu) / bcg_vi[i];
    msum_pool_opts fe = MSUM_POOL_OPTS_DEFAULT;
    fe.method = MSUM_EST_FE;
    cr_assert_eq(msum_baujat(bcg_yi, bcg_vi, 13, &fe, x, y), MSUM_OK);
    for (int i = 0; i < 13; i++) assert_close(x[i], hx[i], 1e-10, "x = (yi - mu_FE)^2 / vi");
    msum_baujat_data d = {.title = "Baujat <BCG>", .k = 13, .labels = bcg_label, .x = x, .y = y};
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    cr_assert_eq(msum_svg_baujat(fp, &d), MSUM_OK);
    fclose(fp);
    save(TEST_OUT "/baujat.svg", buf);
    cr_expect(xml_ok(TEST_OUT "/baujat.svg"));
    cr_expect(strstr(buf, "Baujat &lt;BCG&gt;") != NULL);
    cr_expect(strstr(buf, ">Contribution to overall heterogeneity<") != NULL);
    /* every point has its label as a tooltip; the extreme ones are labelled on the plot, and
     * labels are left out where they would overlap (the cluster near the origin) */
    cr_expect_eq(count(buf, "\"><title>"), 13);
    cr_expect(strstr(buf, "class=\"label\" font-size=\"10\">Hart &amp; Sutherland, 1977<"));
    cr_expect(strstr(buf, "class=\"label\" font-size=\"10\">TPT Madras, 1980<"));
    size_t nlab = count(buf, "class=\"label\"");
    cr_expect(nlab >= 3 && nlab < 13, "%zu labels", nlab);
    points p = circles(buf, "study");
    cr_assert_eq(p.n, 13);
    /* Hart & Sutherland (4) contributes most to Q, TPT Madras (8) moves the estimate most */
    axis_map mx = map_of(hx[0], p.x[0], hx[3], p.x[3]);
    axis_map my = map_of(ref_value(BAUJAT, "bcg_FE_baujat", "y[1]"), p.y[0],
                         ref_value(BAUJAT, "bcg_FE_baujat", "y[8]"), p.y[7]);
    for (int i = 0; i < 13; i++) {
        char q[16];
        snprintf(q, sizeof q, "y[%d]", i + 1);
        assert_close(p.x[i], px(mx, hx[i]), 0.02, "Baujat x (px)");
        assert_close(p.y[i], px(my, ref_value(BAUJAT, "bcg_FE_baujat", q)), 0.02,
                     "Baujat y (px)");
    }
    double xmax = 0, ymin = INFINITY;
    size_t imax = 0, iy = 0;
    for (size_t i = 0; i < 13; i++) {
        if (p.x[i] > xmax) xmax = p.x[i], imax = i;
        if (p.y[i] < ymin) ymin = p.y[i], iy = i;
    }
    cr_expect_eq(imax, 3);
    cr_expect_eq(iy, 7, "largest influence highest (y axis upwards)");
    assert_close(px(mx, 0), 70, 0.02, "x axis starts at 0 on the panel's left edge");
    free(buf);
}

/* Leave-one-out forest plot (the forest plot code with msum_leave1out's rows): row i is the REML
 * fit without study i; its square sits at that estimate and its numbers are metafor's
 * leave1out() (transf = exp), e.g. without Aronson 0.49 [0.34, 0.72]. */
Test(svg_bias, leave1out_forest)
{
    msum_sens_row rows[13];
    msum_pool_opts o = MSUM_POOL_OPTS_DEFAULT;
    o.threshold = 1e-12;
    cr_assert_eq(msum_leave1out(bcg_yi, bcg_vi, 13, &o, rows), MSUM_OK);
    double est[13], lb[13], ub[13];
    char lab[13][64];
    const char *labp[13];
    for (int i = 0; i < 13; i++) {
        est[i] = rows[i].estimate;
        lb[i] = rows[i].ci_lb;
        ub[i] = rows[i].ci_ub;
        snprintf(lab[i], sizeof lab[i], "Omitting %s", bcg_label[i]);
        labp[i] = lab[i];
    }
    msum_forest_data d = {.log_scale = 1, .null_value = 0, .k = 13, .labels = labp, .yi = est,
                          .ci_lb = lb, .ci_ub = ub, .pooled = &bcg_reml, .npooled = 1};
    char *s = render_forest(&d);
    save(TEST_OUT "/leave1out.svg", s);
    cr_expect(xml_ok(TEST_OUT "/leave1out.svg"));
    cr_expect(strstr(s, ">Omitting Aronson, 1948<") != NULL);
    double cx[13];
    size_t n = 0;
    for (const char *q = s; (q = strstr(q, "<rect ")) != NULL; q++) {
        if (!strstr(q, "fill=\"#333333\"") || strstr(q, "fill=\"#333333\"") > strchr(q, '>'))
            continue;
        if (n < 13) cx[n] = attr_num(q, "x") + attr_num(q, "width") / 2;
        n++;
    }
    cr_assert_eq(n, 13, "one square per omitted study");
    double e[13];
    for (int i = 0; i < 13; i++) {
        char q[32], num[64];
        snprintf(q, sizeof q, "estimate[%d]", i + 1);
        e[i] = ref_value(SENS, "bcg_REML_leave1out", q);
        snprintf(q, sizeof q, "ci.lb[%d]", i + 1);
        double l = ref_value(SENS, "bcg_REML_leave1out", q);
        snprintf(q, sizeof q, "ci.ub[%d]", i + 1);
        double u = ref_value(SENS, "bcg_REML_leave1out", q);
        snprintf(num, sizeof num, ">%.2f [%.2f, %.2f]<", exp(e[i]), exp(l), exp(u));
        cr_expect(strstr(s, num) != NULL, "row %d: %s", i + 1, num);
    }
    axis_map mx = map_of(e[3], cx[3], e[7], cx[7]);
    for (int i = 0; i < 13; i++) assert_close(cx[i], px(mx, e[i]), 0.02, "square at estimate");
    free(s);
}

/* Cumulative forest plot (the forest plot code with msum_cumul's rows, as the sensitivity
 * command draws it): row j is the REML fit to the first j + 1 studies in input order, labelled
 * by the study added; its square sits at that estimate and its numbers are metafor's
 * cumul() (transf = exp), e.g. Aronson alone 0.41 [0.13, 1.26], all 13 0.49 [0.34, 0.70]. */
Test(svg_bias, cumul_forest)
{
    msum_sens_row rows[13];
    msum_pool_opts o = MSUM_POOL_OPTS_DEFAULT;
    o.threshold = 1e-12;
    cr_assert_eq(msum_cumul(bcg_yi, bcg_vi, 13, NULL, 0, &o, rows), MSUM_OK);
    double est[13], lb[13], ub[13];
    char lab[13][64];
    const char *labp[13];
    for (int i = 0; i < 13; i++) {
        cr_assert_eq(rows[i].study, (size_t)i, "input order");
        cr_expect_eq(rows[i].k, (size_t)i + 1);
        est[i] = rows[i].estimate;
        lb[i] = rows[i].ci_lb;
        ub[i] = rows[i].ci_ub;
        snprintf(lab[i], sizeof lab[i], "+ %s", bcg_label[rows[i].study]);
        labp[i] = lab[i];
    }
    msum_forest_data d = {.log_scale = 1, .null_value = 0, .k = 13, .labels = labp, .yi = est,
                          .ci_lb = lb, .ci_ub = ub};
    char *s = render_forest(&d);
    save(TEST_OUT "/cumul.svg", s);
    cr_expect(xml_ok(TEST_OUT "/cumul.svg"));
    cr_expect(strstr(s, ">+ Aronson, 1948<") != NULL);
    cr_expect(strstr(s, ">0.41 [0.13, 1.26]<") != NULL);
    cr_expect(strstr(s, ">0.49 [0.34, 0.70]<") != NULL);
    double cx[13];
    size_t n = 0;
    for (const char *q = s; (q = strstr(q, "<rect ")) != NULL; q++) {
        if (!strstr(q, "fill=\"#333333\"") || strstr(q, "fill=\"#333333\"") > strchr(q, '>'))
            continue;
        if (n < 13) cx[n] = attr_num(q, "x") + attr_num(q, "width") / 2;
        n++;
    }
    cr_assert_eq(n, 13, "one square per step, no diamond");
    double e[13];
    for (int i = 0; i < 13; i++) {
        char q[32], num[64];
        snprintf(q, sizeof q, "estimate[%d]", i + 1);
        e[i] = ref_value(SENS, "bcg_REML_cumul", q);
        snprintf(q, sizeof q, "ci.lb[%d]", i + 1);
        double l = ref_value(SENS, "bcg_REML_cumul", q);
        snprintf(q, sizeof q, "ci.ub[%d]", i + 1);
        double u = ref_value(SENS, "bcg_REML_cumul", q);
        snprintf(num, sizeof num, ">%.2f [%.2f, %.2f]<", exp(e[i]), exp(l), exp(u));
        cr_expect(strstr(s, num) != NULL, "step %d: %s", i + 1, num);
    }
    axis_map mx = map_of(e[0], cx[0], e[3], cx[3]);
    for (int i = 0; i < 13; i++) assert_close(cx[i], px(mx, e[i]), 1e-4, "square at estimate");
    free(s);
}

/* Radial plot of the REML fit (metafor radial(rma(yi, vi))): with metafor's tau2 = 0.313243
 * and estimate -0.714532 (bcg_rr_REML_knha_tight: REML at threshold 1e-12), study i sits at
 * x = 1/sqrt(vi + tau2), y = yi/sqrt(vi + tau2) (by hand below); the estimate line runs from the
 * origin with slope -0.714532, the band lines from (0, +-1.96) parallel to it. */
Test(svg_bias, radial_coordinates)
{
    const char *fit = "bcg_rr_REML_knha_tight";
    double tau2 = ref_value(KNHA, fit, "tau2"), mu = ref_value(KNHA, fit, "estimate");
    msum_radial_data d = {.title = "Radial <BCG>", .k = 13, .labels = bcg_label, .yi = bcg_yi,
                          .vi = bcg_vi, .tau2 = tau2, .est = mu};
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    cr_assert_eq(msum_svg_radial(fp, &d), MSUM_OK);
    fclose(fp);
    save(TEST_OUT "/radial.svg", buf);
    cr_expect(xml_ok(TEST_OUT "/radial.svg"));
    cr_expect(strstr(buf, "Radial &lt;BCG&gt;") != NULL);
    points p = circles(buf, "study");
    cr_assert_eq(p.n, 13);
    double hx[13], hy[13];
    for (int i = 0; i < 13; i++) {
        hx[i] = 1 / sqrt(bcg_vi[i] + tau2);
        hy[i] = bcg_yi[i] / sqrt(bcg_vi[i] + tau2);
    }
    /* Aronson (1) and Rosenthal et al 1961 (10): far apart on both axes */
    axis_map mx = map_of(hx[0], p.x[0], hx[9], p.x[9]);
    axis_map my = map_of(hy[0], p.y[0], hy[9], p.y[9]);
    for (int i = 0; i < 13; i++) {
        assert_close(p.x[i], px(mx, hx[i]), 1e-4, "x = 1/sqrt(vi + tau2) (px)");
        assert_close(p.y[i], px(my, hy[i]), 1e-4, "y = yi/sqrt(vi + tau2) (px)");
    }
    const char *l = strstr(buf, "<line class=\"estimate\"");
    cr_assert(l);
    double x1 = attr_num(l, "x1"), y1 = attr_num(l, "y1"), x2 = attr_num(l, "x2"),
           y2 = attr_num(l, "y2");
    assert_close(x1, px(mx, 0), 1e-4, "line starts at x = 0");
    assert_close(y1, px(my, 0), 1e-4, "line through the origin");
    double xe = (x2 - mx.a) / mx.b;
    assert_close(y2, px(my, mu * xe), 1e-4, "slope = estimate");
    const char *b = buf;
    for (int j = 0; j < 2; j++) {
        b = strstr(b, "<line class=\"band\"");
        cr_assert(b);
        double z = j ? 1.959963984540054 : -1.959963984540054;
        assert_close(attr_num(b, "y1"), px(my, z), 1e-4, "band at x = 0: +-1.96");
        assert_close(attr_num(b, "y2"), px(my, mu * (attr_num(b, "x2") - mx.a) / mx.b + z), 0.02,
                     "band parallel to the estimate line");
        b++;
    }
    free(buf);
    fp = fopen("/dev/null", "w");
    d.est = NAN;
    cr_expect_eq(msum_svg_radial(fp, &d), MSUM_EINVAL);
    fclose(fp);
}

/* Influence panel of the common-effect fit (metafor plot(influence(rma(yi, vi, method =
 * "FE")))): in each panel study i sits at x = i and at the value metafor's influence() gives;
 * metafor flags studies 4, 6 and 8 (Hart & Sutherland, Stein & Aronson, TPT Madras) as
 * influential, drawn as class "inf".  The values drawn are msum_influence's; the positions are
 * checked against metafor's numbers. */
Test(svg_bias, influence_panel)
{
    static const char *const name[8] = {"rstudent", "dffits", "cook.d", "cov.r",
                                         "tau2.del", "QE.del", "hat",    "weight"};
    msum_infl_row inf[13];
    msum_pool_opts fe = MSUM_POOL_OPTS_DEFAULT;
    fe.method = MSUM_EST_FE;
    cr_assert_eq(msum_influence(bcg_yi, bcg_vi, 13, &fe, inf), MSUM_OK);
    double v[8][13];
    int flag[13];
    msum_influence_panel_data d = {.title = "Influence <BCG>", .k = 13, .labels = bcg_label,
                                   .npanels = 8, .flag = flag};
    for (int i = 0; i < 13; i++) {
        double row[8] = {inf[i].rstudent, inf[i].dffits, inf[i].cook_d, inf[i].cov_r,
                         inf[i].tau2_del, inf[i].QE_del, inf[i].hat, inf[i].weight};
        for (int p = 0; p < 8; p++) v[p][i] = row[p];
        flag[i] = inf[i].inf;
    }
    for (int p = 0; p < 8; p++) {
        d.names[p] = name[p];
        d.values[p] = v[p];
        d.ref[p] = NAN;
    }
    d.ref[3] = 1;
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    cr_assert_eq(msum_svg_influence(fp, &d), MSUM_OK);
    fclose(fp);
    save(TEST_OUT "/influence.svg", buf);
    cr_expect(xml_ok(TEST_OUT "/influence.svg"));
    cr_expect_eq(count(buf, "<g class=\"panel\">"), 8);
    cr_expect_eq(count(buf, "<circle class=\"inf\""), 3 * 8, "3 flagged studies per panel");
    cr_expect_eq(count(buf, "<line class=\"ref\""), 1);
    const char *g = buf;
    for (int p = 0; p < 8; p++) {
        g = strstr(g, "<g class=\"panel\">");
        cr_assert(g);
        const char *end = strstr(g, "</g>");
        char head[64];
        snprintf(head, sizeof head, "font-weight=\"bold\">%s<", name[p]);
        cr_expect(strstr(g, head) && strstr(g, head) < end, "panel %d is %s", p, name[p]);
        double cx[13], cy[13], ref[13];
        int n = 0;
        for (const char *q = g; (q = strstr(q, "<circle class=\"")) != NULL && q < end; q++) {
            cr_assert(n < 13);
            int is_inf = strncmp(q + 15, "inf\"", 4) == 0;
            char key[32];
            snprintf(key, sizeof key, "inf[%d]", n + 1);
            cr_expect_eq(is_inf, ref_value(SENS, "bcg_FE_influence", key) == 1,
                         "%s: study %d flag", name[p], n + 1);
            snprintf(key, sizeof key, "%s[%d]", name[p], n + 1);
            ref[n] = ref_value(SENS, "bcg_FE_influence", key);
            cx[n] = attr_num(q, "cx");
            cy[n] = attr_num(q, "cy");
            n++;
        }
        cr_assert_eq(n, 13, "%s: 13 points", name[p]);
        axis_map mx = map_of(1, cx[0], 13, cx[12]);
        for (int i = 0; i < 13; i++) assert_close(cx[i], px(mx, i + 1.0), 1e-4, "x = study");
        if (p == 4) { /* tau2.del is 0 under FE: a flat row */
            for (int i = 0; i < 13; i++) assert_close(cy[i], cy[0], 1e-9, "tau2.del flat");
        } else { /* studies 4 and 8: the extremes of every other panel */
            axis_map my = map_of(ref[3], cy[3], ref[7], cy[7]);
            for (int i = 0; i < 13; i++) assert_close(cy[i], px(my, ref[i]), 1e-4, name[p]);
        }
        g = end;
    }
    free(buf);
}

/* Tick labels p and their x against hand-computed analysis-scale positions L(p): each tick sits
 * at x(first) + (L(p) - L(first)) / (L(last) - L(first)) * (x(last) - x(first)). */
/* x of the last <text> holding `text` (x-axis labels come last, after a funnel's SE axis). */
static double last_text_x(const char *svg, const char *text)
{
    const char *p = strstr(svg, text), *q;
    cr_assert(p, "no %s", text);
    while ((q = strstr(p + 1, text)) != NULL) p = q;
    while (p > svg && strncmp(p, "<text ", 6) != 0) p--;
    return attr_num(p, "x");
}

static void expect_transf_ticks(const char *s, const char *const *lab, const double *L, int n)
{
    double x0 = last_text_x(s, lab[0]), x1 = last_text_x(s, lab[n - 1]);
    for (int i = 1; i < n - 1; i++) {
        double want = x0 + (L[i] - L[0]) / (L[n - 1] - L[0]) * (x1 - x0);
        cr_expect(fabs(last_text_x(s, lab[i]) - want) < 0.02, "tick %s at %g, want %g", lab[i],
                  last_text_x(s, lab[i]), want);
    }
}

static const char *const prop_ticks[8] = {">0.1<", ">0.2<", ">0.3<", ">0.4<",
                                          ">0.5<", ">0.6<", ">0.7<", ">0.8<"};

Test(svg_forest, logit_axis_shows_proportions)
{
    /* logit(p) = ln(p / (1 - p)) for p = 0.1, 0.2, ..., 0.8 */
    static const double L[8] = {-2.197224577336219, -1.3862943611198906, -0.8472978603872036,
                                -0.4054651081081643, 0.0, 0.4054651081081642,
                                0.8472978603872034, 1.3862943611198908};
    /* study A: p = 0.3 [0.1, 0.5]; B: p = 0.6 [0.4, 0.8] */
    double yi[2] = {L[2], L[5]}, lb[2] = {L[0], L[3]}, ub[2] = {L[4], L[7]};
    const char *lab[2] = {"A", "B"};
    msum_forest_data d = {.k = 2, .labels = lab, .yi = yi, .ci_lb = lb, .ci_ub = ub,
                          .null_value = NAN, .transf = {MSUM_MEASURE_PLO, NAN}};
    char *s = render_forest(&d);
    cr_expect(strstr(s, ">0.30 [0.10, 0.50]<") != NULL);
    cr_expect(strstr(s, ">0.60 [0.40, 0.80]<") != NULL);
    cr_expect(strstr(s, ">Proportion<") != NULL);
    expect_transf_ticks(s, prop_ticks, L, 8);
    /* 0 and 1 are beyond the logit scale: no tick */
    cr_expect(strstr(s, ">0<") == NULL && strstr(s, ">1<") == NULL);
    free(s);
}

Test(svg_forest, freeman_tukey_axis_uses_the_harmonic_mean_n)
{
    /* metafor transf.pft(p, n) = (asin(sqrt(np/(n+1))) + asin(sqrt((np+1)/(n+1)))) / 2 at
     * n = 20 for p = 0.1, 0.2, ..., 0.8 */
    static const double F[8] = {0.350662286558388, 0.48068655995551934, 0.5897111750155081,
                                0.6894602169787921, 0.7853981633974483, 0.8813361098161044,
                                0.9810851517793886, 1.0901097668393773};
    double yi[2] = {F[2], F[5]}, lb[2] = {F[0], F[3]}, ub[2] = {F[4], F[7]};
    const char *lab[2] = {"A", "B"};
    msum_forest_data d = {.k = 2, .labels = lab, .yi = yi, .ci_lb = lb, .ci_ub = ub,
                          .null_value = NAN, .transf = {MSUM_MEASURE_PFT, 20},
                          .xlab = "Proportion of events"};
    char *s = render_forest(&d);
    cr_expect(strstr(s, ">0.30 [0.10, 0.50]<") != NULL);
    cr_expect(strstr(s, ">0.60 [0.40, 0.80]<") != NULL);
    cr_expect(strstr(s, ">Proportion of events<") != NULL);
    expect_transf_ticks(s, prop_ticks, F, 8);
    free(s);
}

Test(svg_funnel, logit_axis_shows_proportions)
{
    double yi[3] = {-1.3862943611198906, 0.0, 0.4054651081081642}, sei[3] = {0.3, 0.2, 0.25};
    msum_funnel_data d = {.k = 3, .yi = yi, .sei = sei, .est = -0.2,
                          .transf = {MSUM_MEASURE_PLO, NAN}};
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    cr_assert_eq(msum_svg_funnel(fp, &d), MSUM_OK);
    fclose(fp);
    cr_expect(strstr(buf, ">Proportion<") != NULL);
    /* logit(0.2) = -1.3862943611198906, logit(0.3) = -0.8472978603872036, logit(0.4) =
     * -0.4054651081081643, logit(0.5) = 0 */
    static const char *const lab[4] = {">0.2<", ">0.3<", ">0.4<", ">0.5<"};
    static const double L[4] = {-1.3862943611198906, -0.8472978603872036, -0.4054651081081643,
                                0.0};
    expect_transf_ticks(buf, lab, L, 4);
    free(buf);
}

Test(svg_forest, log_rate_axis_in_1_2_5_steps)
{
    /* ln(r) for r = 0.001, 0.002, 0.005, 0.01, 0.02 */
    static const double L[5] = {-6.907755278982137, -6.214608098422191, -5.298317366548036,
                                -4.605170185988091, -3.912023005428146};
    static const char *const lab5[5] = {">0.001<", ">0.002<", ">0.005<", ">0.01<", ">0.02<"};
    /* A: rate 0.003 [0.0015, 0.006]; B: 0.01 [0.005, 0.015] */
    double yi[2] = {log(0.003), L[3]}, lb[2] = {log(0.0015), L[2]},
           ub[2] = {log(0.006), log(0.015)};
    const char *lab[2] = {"A", "B"};
    msum_forest_data d = {.k = 2, .labels = lab, .yi = yi, .ci_lb = lb, .ci_ub = ub,
                          .null_value = NAN, .digits = 4, .log_scale = 1,
                          .transf = {MSUM_MEASURE_IRLN, NAN}};
    char *s = render_forest(&d);
    cr_expect(strstr(s, ">0.0030 [0.0015, 0.0060]<") != NULL);
    cr_expect(strstr(s, ">Incidence rate (log scale)<") != NULL);
    expect_transf_ticks(s, lab5, L, 5);
    free(s);
}
