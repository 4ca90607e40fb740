/* Tests for PNG and PDF rendering of the plots' SVG (src/io/render.c): the format from the file
 * name, the PNG's size from its IHDR header, the PDF's page count and text (pdftotext when
 * poppler-utils is installed), atomic files. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "helpers.h"
#include "metasum/metasum.h"
#include "metasum/plot.h"
#include "metasum/render.h"

#define OUT "../build/test-out"

/* A small forest plot with the heterogeneity line (non-ASCII text: tau, superscript two). */
static char *forest(size_t *len)
{
    const char *lab[2] = {"Aronson 1948", "Ferguson & Simes 1949"};
    double yi[2] = {-0.889, -1.585}, lb[2] = {-2.0, -2.45}, ub[2] = {0.23, -0.72};
    msum_plot_pooled p = {.label = "Random effects (REML), z test", .est = -1.2, .ci_lb = -1.8,
                          .ci_ub = -0.6, .pi_lb = NAN, .pi_ub = NAN, .stats = 1, .tau2 = 0.31,
                          .Q = 152.23, .Q_df = 12, .Q_p = 1e-26, .I2 = 92.2, .stat = -3.97,
                          .stat_df = NAN, .pval = 7e-5, .level = 0.95};
    msum_forest_data d = {.title = "BCG", .log_scale = 1, .k = 2, .labels = lab, .yi = yi,
                          .ci_lb = lb, .ci_ub = ub, .pooled = &p, .npooled = 1,
                          .xlab = "Risk ratio (log scale)", .favours_lo = "BCG",
                          .favours_hi = "control"};
    char *buf = NULL;
    FILE *fp = open_memstream(&buf, len);
    cr_assert_eq(msum_svg_forest(fp, &d), MSUM_OK);
    fclose(fp);
    return buf;
}

static double svg_attr(const char *svg, const char *name)
{
    char key[32];
    snprintf(key, sizeof key, " %s=\"", name);
    const char *p = strstr(svg, key);
    cr_assert(p);
    return strtod(p + strlen(key), NULL);
}

static unsigned char *slurp(const char *path, size_t *n)
{
    FILE *fp = fopen(path, "rb");
    cr_assert(fp, "%s", path);
    fseek(fp, 0, SEEK_END);
    long sz = ftell(fp);
    rewind(fp);
    unsigned char *b = malloc((size_t)sz + 1);
    cr_assert_eq(fread(b, 1, (size_t)sz, fp), (size_t)sz);
    fclose(fp);
    b[sz] = 0;
    *n = (size_t)sz;
    return b;
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

Test(render, format_from_the_file_name)
{
    msum_render_format f;
    cr_expect(msum_render_format_of("a/forest.svg", &f) == MSUM_OK && f == MSUM_RENDER_SVG);
    cr_expect(msum_render_format_of("forest.PNG", &f) == MSUM_OK && f == MSUM_RENDER_PNG);
    cr_expect(msum_render_format_of("x.pdf", &f) == MSUM_OK && f == MSUM_RENDER_PDF);
    cr_expect_eq(msum_render_format_of("forest.jpg", &f), MSUM_EINVAL);
    cr_expect_eq(msum_render_format_of(".png", &f), MSUM_EINVAL);
    cr_expect_eq(msum_render_format_of(NULL, &f), MSUM_EINVAL);
}

/* PNG: signature, then IHDR with width and height = MSUM_RENDER_PNG_SCALE x the SVG's. */
Test(render, png_size_from_its_header)
{
    size_t len;
    char *svg = forest(&len);
    mkdir("../build", 0777);
    mkdir(OUT, 0777);
    cr_assert_eq(msum_render_file(svg, len, OUT "/render.png"), MSUM_OK);
    size_t n;
    unsigned char *b = slurp(OUT "/render.png", &n);
    cr_assert(n > 33);
    cr_expect(memcmp(b, "\x89PNG\r\n\x1a\n", 8) == 0);
    cr_expect(memcmp(b + 12, "IHDR", 4) == 0);
    double w = svg_attr(svg, "width"), h = svg_attr(svg, "height");
    cr_expect_eq(be32(b + 16), (uint32_t)(w * MSUM_RENDER_PNG_SCALE + 0.5), "width %u for %g",
                 be32(b + 16), w);
    cr_expect_eq(be32(b + 20), (uint32_t)(h * MSUM_RENDER_PNG_SCALE + 0.5));
    free(b);
    free(svg);
}

/* PDF: one page of the plot's size, with its text (pdftotext) when poppler-utils is present. */
Test(render, pdf_one_page_with_text)
{
    size_t len;
    char *svg = forest(&len);
    mkdir("../build", 0777);
    mkdir(OUT, 0777);
    cr_assert_eq(msum_render_file(svg, len, OUT "/render.pdf"), MSUM_OK);
    size_t n;
    unsigned char *b = slurp(OUT "/render.pdf", &n);
    cr_expect(memcmp(b, "%PDF-", 5) == 0);
    size_t pages = 0;
    for (size_t i = 0; i + 11 < n; i++)
        if (memcmp(b + i, "/Type /Page", 11) == 0 && b[i + 11] != 's') pages++;
    cr_expect_eq(pages, 1);
    /* the page is the plot's size, 1 px = 1 pt (cairo writes single-precision numbers) */
    const char *box = strstr((const char *)b, "/MediaBox [ 0 0 ");
    for (size_t i = 0; !box && i < n; i++)
        if (memcmp(b + i, "/MediaBox [ 0 0 ", 16) == 0) box = (const char *)b + i;
    cr_assert(box, "no MediaBox");
    char *end;
    double pw = strtod(box + 16, &end), ph = strtod(end, NULL);
    cr_expect(fabs(pw - svg_attr(svg, "width")) < 1e-3 && fabs(ph - svg_attr(svg, "height")) < 1e-3,
              "page %g x %g", pw, ph);
    if (system("command -v pdftotext >/dev/null 2>&1") == 0) {
        cr_assert_eq(system("pdftotext -enc UTF-8 " OUT "/render.pdf " OUT "/render.txt"), 0);
        size_t tn;
        unsigned char *t = slurp(OUT "/render.txt", &tn);
        cr_expect(strstr((char *)t, "Heterogeneity: \xcf\x84\xc2\xb2 = 0.31") != NULL, "%s", t);
        cr_expect(strstr((char *)t, "Favours BCG") != NULL);
        cr_expect(strstr((char *)t, "Aronson 1948") != NULL);
        free(t);
    }
    free(b);
    free(svg);
}

/* Bad markup is an error and leaves no file; SVG passes through byte for byte. */
Test(render, bad_markup_and_svg_passthrough)
{
    mkdir("../build", 0777);
    mkdir(OUT, 0777);
    remove(OUT "/bad.png");
    const char *bad = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\"";
    cr_expect_eq(msum_render_file(bad, strlen(bad), OUT "/bad.png"), MSUM_EPARSE);
    struct stat st;
    cr_expect(stat(OUT "/bad.png", &st) != 0, "no partial file");
    cr_expect_eq(msum_render_file(bad, strlen(bad), OUT "/bad.gif"), MSUM_EINVAL);
    size_t len, n;
    char *svg = forest(&len);
    cr_assert_eq(msum_render_file(svg, len, OUT "/render.svg"), MSUM_OK);
    unsigned char *b = slurp(OUT "/render.svg", &n);
    cr_expect(n == len && memcmp(b, svg, n) == 0);
    free(b);
    free(svg);
}
