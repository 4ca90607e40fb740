/* Tests for the SWiM plots (src/io/svg_direction.c, svg_swim.c, svg_heatmap.c's evidence map):
 * drawn from tables built by the core functions on a few hand-made rows, checked for well-formed
 * XML, one glyph per cell, the sizes of the arrows (1, 2-4, 5+ findings) and the numbers shown
 * (the sign test p under each domain, the compared values and their ratio). */
#include <gsl/gsl_errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "helpers.h"
#include "metasum/metasum.h"

#define TEST_OUT "../build/test-out"

static void setup(void) { gsl_set_error_handler_off(); }

TestSuite(svg_swim, .init = setup);

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

static size_t count(const char *s, const char *what)
{
    size_t n = 0;
    for (const char *p = s; (p = strstr(p, what)) != NULL; p += strlen(what)) n++;
    return n;
}

static msum_swim_row R(const char *src, const char *prep, const char *ref, const char *oc,
                       msum_direction d)
{
    return (msum_swim_row){.id = "x", .source = src, .preparation = prep, .outcome = oc,
                           .comparator = "UVB", .direction = d, .input = MSUM_INPUT_DIRECTION,
                           .value = NAN, .rom = NAN, .time = NAN, .ref = ref};
}

static const msum_swim_outcome dict[] = {
    {"viability", MSUM_BENEFIT_INCREASE, "Cells", "Viability"},
    {"ros", MSUM_BENEFIT_DECREASE, "Oxidative stress", "ROS"},
    {"ev_yield", MSUM_BENEFIT_NONE, "Vesicles", "EV yield"},
};

/* A-Ex: 5 viability findings up (large arrow), 1 ROS down (small); B-CM: 2 viability up
 * (medium), ROS up (harm); C-EV: EV yield (not rated).  Cells: benefit 2 of 2 (p = 0.5); ROS 1
 * benefit, 1 harm (p = 1). */
Test(svg_swim, effect_direction_plot)
{
    msum_swim_row m[10];
    size_t n = 0;
    for (int i = 0; i < 5; i++) m[n++] = R("A", "Ex", "Aa", "viability", MSUM_DIR_INCREASE);
    m[n++] = R("A", "Ex", "Aa", "ros", MSUM_DIR_DECREASE);
    m[n++] = R("B", "CM", "Bb", "viability", MSUM_DIR_INCREASE);
    m[n++] = R("B", "CM", "Bb", "viability", MSUM_DIR_INCREASE);
    m[n++] = R("B", "CM", "Bb", "ros", MSUM_DIR_INCREASE);
    m[n++] = R("C", "EV", "Cc", "ev_yield", MSUM_DIR_INCREASE);
    msum_table *edp, *dom;
    cr_assert_eq(msum_swim_direction(m, n, dict, 3, &edp, &dom), MSUM_OK);
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    cr_assert_eq(msum_svg_effect_direction(fp, edp, dom, "EDP"), MSUM_OK);
    fclose(fp);
    save(TEST_OUT "/edp.svg", buf);
    cr_expect(xml_ok(TEST_OUT "/edp.svg"));
    cr_expect_eq(count(buf, "<g class=\"edp\">"), 5, "one arrow per study x domain cell");
    /* up arrows of half-size 8 (5 findings), 6 (2 findings), 4 (1 finding): the tip is s above
     * the centre, so the polygons start "x,y-s" -- check the tooltips instead of coordinates */
    cr_expect(strstr(buf, "A-Ex, Aa: benefit (5 findings: Viability)") != NULL);
    cr_expect(strstr(buf, "B-CM, Bb: harm (1 finding: ROS)") != NULL);
    cr_expect(strstr(buf, "C-EV, Cc: not rated (1 finding: EV yield)") != NULL);
    cr_expect(strstr(buf, "class=\"sign\">0.5<") != NULL, "binom.test(2, 2) = 0.5");
    cr_expect(strstr(buf, "class=\"sign\">1<") != NULL, "binom.test(1, 2) = 1");
    cr_expect(strstr(buf, "class=\"votes\">1 / 1<") != NULL, "ROS: one benefit, one harm");
    cr_expect(strstr(buf, ">Oxidative<") && strstr(buf, ">stress<"), "domain name wrapped");
    free(buf);
    /* without the domains table: no sign-test rows */
    buf = NULL;
    fp = open_memstream(&buf, &len);
    cr_assert_eq(msum_svg_effect_direction(fp, edp, NULL, NULL), MSUM_OK);
    fclose(fp);
    cr_expect_null(strstr(buf, "class=\"sign\""));
    free(buf);
    msum_table_free(edp);
    msum_table_free(dom);
    msum_table *empty = msum_table_new("effect_direction", "x");
    msum_table_add_col(empty, "group", MSUM_COL_TEXT, NULL);
    fp = open_memstream(&buf, &len);
    cr_expect_eq(msum_svg_effect_direction(fp, empty, NULL, NULL), MSUM_EINVAL, "no columns");
    fclose(fp);
    free(buf);
    msum_table_free(empty);
}

/* ADSC-Ex 28.19 % vs ADSC-CM 18.08 %: bars in the ratio 28.19 : 18.08 of the 260 px scale,
 * the ratio 1.56x; a head-to-head 16-fold with its comparator as the reference 1. */
Test(svg_swim, comparisons_chart)
{
    msum_swim_row m[3] = {R("ADSC", "Ex", "Gao", "viability", MSUM_DIR_INCREASE),
                          R("ADSC", "CM", "Gao", "viability", MSUM_DIR_INCREASE),
                          R("iPSC", "EV", "Liu", "ev_yield", MSUM_DIR_INCREASE)};
    m[0].input = m[1].input = MSUM_INPUT_PERCENT;
    m[0].value = 28.19;
    m[1].value = 18.08;
    m[0].rom = log1p(0.2819);
    m[1].rom = log1p(0.1808);
    m[2].input = MSUM_INPUT_FOLD;
    m[2].value = 16;
    m[2].rom = log(16);
    m[2].comparator = "MSC-EV";
    msum_table *t;
    cr_assert_eq(msum_swim_comparisons(m, 3, dict, 3, NULL, &t), MSUM_OK);
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    cr_assert_eq(msum_svg_comparisons(fp, t, NULL), MSUM_OK);
    fclose(fp);
    save(TEST_OUT "/comparisons.svg", buf);
    cr_expect(xml_ok(TEST_OUT "/comparisons.svg"));
    cr_expect_eq(count(buf, "class=\"bar\""), 4, "two panels of two bars");
    cr_expect(strstr(buf, ">+28.19 %<") && strstr(buf, ">+18.08 %<"));
    cr_expect(strstr(buf, ">1.56×<") != NULL, "28.19 / 18.08 = 1.5592");
    cr_expect(strstr(buf, ">16×<") != NULL);
    cr_expect(strstr(buf, ">1 (reference)<") != NULL, "MSC-EV as the reference");
    cr_expect(strstr(buf, ">Viability - Gao<") != NULL, "label and study");
    /* bar widths: 150 and 150 * 18.08 / 28.19 = 96.204 */
    cr_expect(strstr(buf, "width=\"150.00\"") != NULL);
    cr_expect(strstr(buf, "width=\"96.20\"") != NULL);
    free(buf);
    msum_table_free(t);
    /* no reported number: nothing to draw */
    msum_swim_row d[2] = {R("A", "Ex", "X", "ros", MSUM_DIR_DECREASE),
                          R("A", "CM", "X", "ros", MSUM_DIR_DECREASE)};
    cr_assert_eq(msum_swim_comparisons(d, 2, dict, 3, NULL, &t), MSUM_OK);
    fp = open_memstream(&buf, &len);
    cr_expect_eq(msum_svg_comparisons(fp, t, NULL), MSUM_EDOM);
    fclose(fp);
    free(buf);
    msum_table_free(t);
}

/* Days 7, 14, 28 of one outcome with ranks 1, 2, 3 (weakens): three arrows of decreasing size
 * (half-sizes 6.5, 5, 3.5) and the trend written beside them; the time unit is written once, on
 * the left of the time points. */
Test(svg_swim, timecourse_grid)
{
    msum_swim_row m[3];
    static const double day[] = {7, 14, 28};
    for (int i = 0; i < 3; i++) {
        m[i] = R("ADSC", "Ex", "Liang", "viability", MSUM_DIR_INCREASE);
        m[i].time = day[i];
        m[i].time_unit = "day";
        m[i].model = "SD rat";
        m[i].rank = i + 1;
    }
    msum_table *t;
    cr_assert_eq(msum_swim_timecourse(m, 3, dict, 3, NULL, &t), MSUM_OK);
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    cr_assert_eq(msum_svg_timecourse(fp, t, "Time"), MSUM_OK);
    fclose(fp);
    save(TEST_OUT "/timecourse.svg", buf);
    cr_expect(xml_ok(TEST_OUT "/timecourse.svg"));
    cr_expect_eq(count(buf, "<g class=\"tc\">"), 3);
    cr_expect_eq(count(buf, ">day<"), 1);
    cr_expect(strstr(buf, ">7<") && strstr(buf, ">14<") && strstr(buf, ">28<"));
    cr_expect(strstr(buf, "font-style=\"italic\">weakens<") != NULL);
    cr_expect(strstr(buf, "day 28: benefit, magnitude rank 3; the effect weakens") != NULL);
    /* each arrow's half-size from its polygon: apex y - s, base y + 0.8 s, so s = dy / 1.8 */
    const char *p = buf;
    static const double half[] = {6.5, 5, 3.5};
    for (int i = 0; i < 3; i++) {
        p = strstr(p, "<g class=\"tc\">");
        cr_assert(p != NULL);
        p = strstr(p, "points=\"");
        cr_assert(p != NULL);
        double x1, y1, x2, y2;
        cr_assert_eq(sscanf(p, "points=\"%lf,%lf %lf,%lf", &x1, &y1, &x2, &y2), 4);
        assert_close((y2 - y1) / 1.8, half[i], 0.01, "half-size by rank"); /* 2 decimals */
    }
    cr_expect(strstr(buf, ">ADSC-Ex in SD rat - Liang<") != NULL);
    free(buf);
    msum_table_free(t);
}

/* The evidence map from the table: outcomes as rows under their domain, MSC as the column of
 * the head-to-head comparator ("vs"), and a not-rated cell. */
Test(svg_swim, evidence_map_from_table)
{
    msum_swim_row m[3] = {R("ADSC", "Ex", "Gao", "viability", MSUM_DIR_INCREASE),
                          R("iPSC", "EV", "Liu", "ev_yield", MSUM_DIR_INCREASE),
                          R("hucMSC", "Ex", "Liu", "ev_yield", MSUM_DIR_INCREASE)};
    m[1].comparator = "MSC-EV";
    msum_table *t;
    cr_assert_eq(msum_swim_evidence_map(m, 3, dict, 3, NULL, &t), MSUM_OK);
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    cr_assert_eq(msum_svg_evidence_map(fp, t, "Map"), MSUM_OK);
    fclose(fp);
    save(TEST_OUT "/evidence_map.svg", buf);
    cr_expect(xml_ok(TEST_OUT "/evidence_map.svg"));
    cr_expect_eq(count(buf, "class=\"cell\""), 4, "ADSC viability, MSC / iPSC / hucMSC yield");
    cr_expect(strstr(buf, ">MSC<") != NULL, "the comparator source is a column");
    cr_expect(strstr(buf, ">vs<") != NULL);
    cr_expect(strstr(buf, "<title>not rated: 1 increase</title>") != NULL, "hucMSC EV yield");
    cr_expect(strstr(buf, "class=\"domain\" font-weight=\"bold\">Vesicles<") != NULL);
    free(buf);
    msum_table_free(t);
}
