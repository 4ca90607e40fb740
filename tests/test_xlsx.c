/* Tests for the XLSX writer (src/io/write_xlsx.c): typed cells, shared strings, sheet names,
 * the formula guard, metadata sheet, frozen header and autofilter, read back with unzip. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <minizip/unzip.h>

#include "helpers.h"
#include "metasum/metasum.h"

#define TEST_OUT "../build/test-out"

/* One part of the zip as a string, read with minizip; NULL when the part is missing. */
static char *zip_part(const char *zip, const char *part)
{
    unzFile z = unzOpen64(zip);
    cr_assert(z, "cannot open %s", zip);
    if (unzLocateFile(z, part, 1) != UNZ_OK) {
        unzClose(z);
        return NULL;
    }
    cr_assert_eq(unzOpenCurrentFile(z), UNZ_OK);
    size_t cap = 1 << 16, n = 0;
    char *s = malloc(cap);
    int got;
    while ((got = unzReadCurrentFile(z, s + n, (unsigned)(cap - n - 1))) > 0) {
        n += (size_t)got;
        if (cap - n < 2) s = realloc(s, cap *= 2);
    }
    cr_assert_geq(got, 0, "inflate %s", part);
    s[n] = '\0';
    unzCloseCurrentFile(z);
    unzClose(z);
    return s;
}

/* The number format code of cell `ref` in a sheet part: its s="N" index into cellXfs, that
 * xf's numFmtId, that id's formatCode in styles.xml ("General" for 0 or no style). */
static void cell_format(const char *sheet, const char *styles, const char *ref, char *out,
                        size_t size)
{
    char key[32];
    snprintf(key, sizeof key, "<c r=\"%s\"", ref);
    const char *c = strstr(sheet, key);
    cr_assert(c, "no cell %s", ref);
    const char *end = strchr(c, '>'), *sp = strstr(c, " s=\"");
    long xf = sp && sp < end ? strtol(sp + 4, NULL, 10) : 0;
    const char *x = strstr(styles, "<cellXfs");
    cr_assert(x);
    for (long i = 0; i <= xf; i++) {
        x = strstr(x + 1, "<xf ");
        cr_assert(x);
    }
    long id = strtol(strstr(x, "numFmtId=\"") + 10, NULL, 10);
    snprintf(out, size, "General");
    if (id == 0) return;
    snprintf(key, sizeof key, "numFmtId=\"%ld\" formatCode=\"", id);
    const char *f = strstr(styles, key);
    cr_assert(f, "no format %ld", id);
    f += strlen(key);
    snprintf(out, size, "%.*s", (int)(strchr(f, '"') - f), f);
}

static msum_table *small_table(const char *name)
{
    msum_table *t = msum_table_new(name, "Pooled");
    msum_table_add_col(t, "label", MSUM_COL_TEXT, "study label");
    msum_table_add_col(t, "estimate", MSUM_COL_NUM, NULL);
    msum_table_add_col(t, "k", MSUM_COL_INT, NULL);
    msum_table_set_meta(t, "scale", "log risk ratio");
    msum_table_set_meta(t, "method", "REML");
    msum_table_add_row(t);
    msum_table_set_text(t, 0, 0, "=cmd|' /C calc'!A0");
    msum_table_set_num(t, 0, 1, -0.714532348365);
    msum_table_set_num(t, 0, 2, 13);
    msum_table_add_row(t);
    msum_table_set_text(t, 1, 0, "<b>&amp;</b>\xff");
    msum_table_set_num(t, 1, 2, 2); /* estimate NA */
    return t;
}

Test(xlsx, typed_cells_shared_strings_and_guard)
{
    mkdir("../build", 0777);
    mkdir(TEST_OUT, 0777);
    const char *path = TEST_OUT "/small.xlsx";
    remove(path);
    msum_table *t = small_table("pool");
    const msum_table *ts[] = {t};
    cr_assert_eq(msum_write_xlsx(path, ts, 1, NULL), MSUM_OK);
    char *sheet = zip_part(path, "xl/worksheets/sheet2.xml"); /* after the summary */
    /* B2 holds the full double, typed as a number (no t="s"), shown by its format */
    cr_expect(strstr(sheet, "<c r=\"B2\" s=\"") != NULL, "%s", sheet);
    cr_expect(strstr(sheet, "><v>-0.714532348365</v></c>") != NULL, "%s", sheet);
    cr_expect(strstr(sheet, "<v>13</v></c>") != NULL);
    cr_expect(strstr(sheet, "<v>2</v></c>") != NULL);
    cr_expect(strstr(sheet, "r=\"B3\"") == NULL, "NA is an empty cell");
    /* text cells are shared strings */
    cr_expect(strstr(sheet, "<c r=\"A2\" t=\"s\">") != NULL);
    cr_expect(strstr(sheet, "<c r=\"A3\" t=\"s\">") != NULL);
    cr_expect(strstr(sheet, "<f>") == NULL, "no formula cells");
    /* frozen header row and an autofilter over the table */
    cr_expect(strstr(sheet, "<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" "
                            "state=\"frozen\"/>") != NULL);
    cr_expect(strstr(sheet, "<autoFilter ref=\"A1:C3\"/>") != NULL);
    cr_expect(strstr(sheet, "<col min=\"1\" max=\"1\" width=\"") != NULL, "column widths set");
    free(sheet);
    char *sst = zip_part(path, "xl/sharedStrings.xml");
    cr_expect(strstr(sst, "<t>'=cmd|' /C calc'!A0</t>") != NULL, "formula guard: %s", sst);
    cr_expect(strstr(sst, "<t>&lt;b&gt;&amp;amp;&lt;/b&gt;\xef\xbf\xbd</t>") != NULL, "%s", sst);
    cr_expect(strstr(sst, "<t>log risk ratio</t>") != NULL, "metadata in the workbook");
    cr_expect(strstr(sst, "<t>metasum_version</t>") != NULL);
    cr_expect(strstr(sst, "<t>" MSUM_VERSION "</t>") != NULL);
    cr_expect(strstr(sst, "<t>study label</t>") != NULL, "column descriptions in metadata");
    free(sst);
    char *wb = zip_part(path, "xl/workbook.xml");
    cr_expect(strstr(wb, "<sheet name=\"summary\" sheetId=\"1\"") != NULL, "%s", wb);
    cr_expect(strstr(wb, "<sheet name=\"pool\" sheetId=\"2\"") != NULL, "%s", wb);
    cr_expect(strstr(wb, "<sheet name=\"metadata\" sheetId=\"3\"") != NULL);
    free(wb);
    msum_table_free(t);
}

Test(xlsx, sheet_names_sanitised_and_unique)
{
    const char *path = TEST_OUT "/names.xlsx";
    msum_table *a = small_table("../../x:[evil]*?");
    msum_table *b = small_table("a-very-long-table-name-that-goes-past-31-characters");
    msum_table *c = small_table("a-very-long-table-name-that-goes-past-31-characters");
    msum_table *d = small_table("'quoted'");
    msum_table *e = small_table("Metadata");
    const msum_table *ts[] = {a, b, c, d, e};
    cr_assert_eq(msum_write_xlsx(path, ts, 5, NULL), MSUM_OK);
    char *wb = zip_part(path, "xl/workbook.xml");
    cr_expect(strstr(wb, "<sheet name=\".._.._x__evil___\"") != NULL, "%s", wb);
    cr_expect(strstr(wb, "<sheet name=\"a-very-long-table-name-that-goe\"") != NULL, "%s", wb);
    cr_expect(strstr(wb, "<sheet name=\"a-very-long-table-name-that-g~2\"") != NULL, "%s", wb);
    cr_expect(strstr(wb, "<sheet name=\"quoted\"") != NULL, "%s", wb);
    cr_expect(strstr(wb, "<sheet name=\"Metadata~2\"") != NULL, "%s", wb);
    cr_expect(strstr(wb, "<sheet name=\"metadata\"") != NULL, "%s", wb);
    free(wb);
    msum_table_free(a);
    msum_table_free(b);
    msum_table_free(c);
    msum_table_free(d);
    msum_table_free(e);
}

Test(xlsx, same_tables_same_bytes)
{
    msum_table *t = small_table("pool");
    const msum_table *ts[] = {t};
    cr_assert_eq(msum_write_xlsx(TEST_OUT "/det1.xlsx", ts, 1, NULL), MSUM_OK);
    cr_assert_eq(msum_write_xlsx(TEST_OUT "/det2.xlsx", ts, 1, NULL), MSUM_OK);
    cr_expect_eq(system("cmp -s " TEST_OUT "/det1.xlsx " TEST_OUT "/det2.xlsx"), 0);
    cr_expect_eq(msum_write_xlsx("-", ts, 1, NULL), MSUM_EINVAL);
    msum_table_free(t);
}

/* The value of cell `ref` as the XML holds it: the <v> text of a number, the shared string
 * (XML-escaped) of a text cell, "" for a missing cell. */
static void cell_value(const char *sheet, const char *sst, const char *ref, char *out,
                       size_t size)
{
    char key[32];
    snprintf(key, sizeof key, "<c r=\"%s\"", ref);
    const char *c = strstr(sheet, key);
    out[0] = '\0';
    if (!c) return;
    const char *end = strstr(c, "</c>"), *v = strstr(c, "<v>");
    if (!end || !v || v > end) return;
    v += 3;
    int len = (int)(strchr(v, '<') - v);
    const char *close = strchr(c, '>');
    const char *ts = strstr(c, " t=\"s\"");
    if (!ts || ts > close) {
        snprintf(out, size, "%.*s", len, v);
        return;
    }
    long i = strtol(v, NULL, 10);
    const char *si = sst;
    for (long j = 0; j <= i; j++) si = strstr(si + 1, "<si>");
    const char *t = strchr(strstr(si, "<t") + 2, '>') + 1;
    snprintf(out, size, "%.*s", (int)(strstr(t, "</t>") - t), t);
}

/* A pooled table of two groups, as `metasum pool --by alloc` gives (values: metafor 3.8
 * rma(yi, vi, subset = alloc == ...) on dat.bcg, log risk ratios, REML). */
static msum_table *groups_table(void)
{
    msum_table *t = msum_table_new("pool", "Pooled log risk ratio per allocation");
    static const char *const num[] = {"estimate", "se", "pval", "ci_lb", "ci_ub", "I2", "QE_p"};
    msum_table_add_col(t, "alloc", MSUM_COL_TEXT, NULL);
    msum_table_add_col(t, "k", MSUM_COL_INT, NULL);
    for (size_t c = 0; c < 7; c++) msum_table_add_col(t, num[c], MSUM_COL_NUM, NULL);
    msum_table_add_col(t, "note", MSUM_COL_TEXT, NULL);
    msum_table_set_meta(t, "level", "0.95");
    static const double v[2][7] = {
        {-0.9709647042630992, 0.2759561029727884, 4.342525337543853e-04, -1.511828727403791,
         -0.4301006811224074, 89.40640919357826, 1.067549378302876e-16},
        {-0.4242073915108761, 0.3597452324331115, 0.2383319710023093, -1.129295090689765,
         0.2808803076680129, 88.26478133424286, 6.398424046093542e-08}};
    static const char *const g[] = {"random", "systematic"};
    static const int k[] = {7, 4};
    for (size_t r = 0; r < 2; r++) {
        msum_table_add_row(t);
        msum_table_set_text(t, r, 0, g[r]);
        msum_table_set_num(t, r, 1, k[r]);
        for (size_t c = 0; c < 7; c++) msum_table_set_num(t, r, 2 + c, v[r][c]);
        msum_table_set_text(t, r, 9, "");
    }
    return t;
}

static msum_table *refs_table(void)
{
    msum_table *t = msum_table_new("refs", "References");
    msum_table_add_col(t, "ref", MSUM_COL_TEXT, NULL);
    msum_table_add_col(t, "prop_beneficial", MSUM_COL_NUM, NULL);
    msum_table_add_col(t, "DOI", MSUM_COL_TEXT, NULL);
    static const char *const doi[] = {"10.1000/abc#1", "doi:10.1002/(SICI)1097<x>",
                                      "https://doi.org/10.5/x", "n/a"};
    for (size_t r = 0; r < 4; r++) {
        msum_table_add_row(t);
        msum_table_set_text(t, r, 0, doi[r] + 3);
        msum_table_set_num(t, r, 1, 0.125 * (double)r);
        msum_table_set_text(t, r, 2, doi[r]);
    }
    return t;
}

static msum_table *between_table(void)
{
    msum_table *t = msum_table_new("between", "Tests for subgroup differences");
    msum_table_add_col(t, "test", MSUM_COL_TEXT, NULL);
    msum_table_add_col(t, "stat", MSUM_COL_NUM, NULL);
    msum_table_add_col(t, "pval", MSUM_COL_NUM, NULL);
    msum_table_add_row(t);
    msum_table_set_text(t, 0, 0, "Q_between");
    msum_table_set_num(t, 0, 1, 1.4318204339590795);
    msum_table_set_num(t, 0, 2, 0.2314671768395226);
    return t;
}

/* The workbook of groups, refs and between tables; parts freed by the caller. */
static const char *book_path(void)
{
    static const char *path = TEST_OUT "/book.xlsx";
    mkdir("../build", 0777);
    mkdir(TEST_OUT, 0777);
    msum_table *ts[] = {groups_table(), refs_table(), between_table()};
    cr_assert_eq(msum_write_xlsx(path, (const msum_table *const *)ts, 3, NULL), MSUM_OK);
    for (size_t i = 0; i < 3; i++) msum_table_free(ts[i]);
    return path;
}

Test(xlsx, summary_first_tables_then_metadata)
{
    char *wb = zip_part(book_path(), "xl/workbook.xml");
    const char *order[] = {"summary", "pool", "refs", "between", "metadata"};
    const char *prev = wb;
    for (size_t i = 0; i < 5; i++) {
        char key[64];
        snprintf(key, sizeof key, "<sheet name=\"%s\" sheetId=\"%zu\"", order[i], i + 1);
        const char *at = strstr(wb, key);
        cr_expect(at && at > prev, "sheet %zu should be %s: %s", i + 1, order[i], wb);
        if (at) prev = at;
    }
    free(wb);
}

Test(xlsx, print_setup_on_every_sheet)
{
    const char *path = book_path();
    char *wb = zip_part(path, "xl/workbook.xml");
    /* the header row (on the summary: title and header) repeated on every printed page */
    static const char *const titles[] = {"summary!$1:$2", "pool!$1:$1", "refs!$1:$1",
                                         "between!$1:$1", "metadata!$1:$1"};
    for (size_t i = 0; i < 5; i++) {
        char key[96];
        snprintf(key, sizeof key, "<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"%zu\">"
                 "%s</definedName>", i, titles[i]);
        cr_expect(strstr(wb, key) != NULL, "%s in %s", key, wb);
    }
    free(wb);
    for (int i = 1; i <= 5; i++) {
        char part[64];
        snprintf(part, sizeof part, "xl/worksheets/sheet%d.xml", i);
        char *s = zip_part(path, part);
        cr_assert(s, "%s", part);
        /* landscape, fit to one page wide: fitToPage on, fitToHeight 0 (as many pages down as
         * needed), fitToWidth absent = its OOXML default 1 */
        cr_expect(strstr(s, "<pageSetUpPr fitToPage=\"1\"/>") != NULL, "%s: %s", part, s);
        cr_expect(strstr(s, "<pageSetup fitToHeight=\"0\" orientation=\"landscape\"/>") != NULL,
                  "%s", part);
        cr_expect(strstr(s, "fitToWidth=") == NULL, "%s", part);
        cr_expect(strstr(s, "state=\"frozen\"") != NULL, "%s: header frozen", part);
        free(s);
    }
}

Test(xlsx, display_formats_keep_full_precision)
{
    const char *path = book_path();
    char *pool = zip_part(path, "xl/worksheets/sheet2.xml"),
         *refs = zip_part(path, "xl/worksheets/sheet3.xml"),
         *styles = zip_part(path, "xl/styles.xml"), *sst = zip_part(path, "xl/sharedStrings.xml");
    static const struct {
        const char *ref, *format, *value;
    } want[] = {
        {"B2", "0", "7"},
        {"C2", "0.000", "-0.9709647042630992"},  /* estimate */
        {"D2", "0.0000", "0.2759561029727884"},  /* se */
        {"E2", "[&lt;0.0001]0.00E+00;0.0000", "0.0004342525337543853"}, /* pval */
        {"E3", "[&lt;0.0001]0.00E+00;0.0000", "0.2383319710023093"},
        {"H2", "0.0", "89.40640919357826"},       /* I2, percent */
        {"I2", "[&lt;0.0001]0.00E+00;0.0000", "1.067549378302876E-16"}, /* QE_p, tiny */
    };
    char got[128];
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        cell_format(pool, styles, want[i].ref, got, sizeof got);
        cr_expect_str_eq(got, want[i].format, "format of %s", want[i].ref);
        cell_value(pool, sst, want[i].ref, got, sizeof got);
        cr_expect_str_eq(got, want[i].value, "value of %s", want[i].ref);
    }
    cell_format(refs, styles, "B3", got, sizeof got);
    cr_expect_str_eq(got, "0.0%", "a proportion");
    cell_value(refs, sst, "B3", got, sizeof got);
    cr_expect_str_eq(got, "0.125");
    free(pool);
    free(refs);
    free(styles);
    free(sst);
}

Test(xlsx, doi_cells_are_hyperlinks)
{
    const char *path = book_path();
    char *refs = zip_part(path, "xl/worksheets/sheet3.xml"),
         *rels = zip_part(path, "xl/worksheets/_rels/sheet3.xml.rels"),
         *sst = zip_part(path, "xl/sharedStrings.xml");
    cr_assert(rels, "the refs sheet has hyperlink relationships");
    /* # < > percent-encoded; doi: and doi.org prefixes give the same form */
    cr_expect(strstr(rels, "Target=\"https://doi.org/10.1000/abc%231\" TargetMode=\"External\"")
              != NULL, "%s", rels);
    cr_expect(strstr(rels, "Target=\"https://doi.org/10.1002/(SICI)1097%3Cx%3E\"") != NULL, "%s",
              rels);
    cr_expect(strstr(rels, "Target=\"https://doi.org/10.5/x\"") != NULL, "%s", rels);
    cr_expect(strstr(refs, "<hyperlink ref=\"C2\"") && strstr(refs, "<hyperlink ref=\"C3\"") &&
              strstr(refs, "<hyperlink ref=\"C4\""), "%s", refs);
    cr_expect(strstr(refs, "<hyperlink ref=\"C5\"") == NULL, "'n/a' is no DOI: plain text");
    /* the cell shows the DOI as written */
    char got[128];
    cell_value(refs, sst, "C3", got, sizeof got);
    cr_expect_str_eq(got, "doi:10.1002/(SICI)1097&lt;x&gt;");
    free(refs);
    free(rels);
    free(sst);
}

Test(xlsx, summary_turns_fits_round)
{
    const char *path = book_path();
    char *sum = zip_part(path, "xl/worksheets/sheet1.xml"),
         *sst = zip_part(path, "xl/sharedStrings.xml"), *styles = zip_part(path, "xl/styles.xml");
    /* title, then one column per group, one row per statistic */
    static const struct {
        const char *ref, *value;
    } want[] = {
        {"A1", "Pooled log risk ratio per allocation"},
        {"A2", "statistic"},  {"B2", "random"},   {"C2", "systematic"},
        {"A3", "Studies (k)"}, {"B3", "7"},       {"C3", "4"},
        {"A4", "Estimate"},   {"B4", "-0.9709647042630992"},
        {"A5", "Standard error"},
        {"A6", "95% CI lower bound"}, {"C6", "-1.129295090689765"},
        {"A7", "95% CI upper bound"},
        {"A8", "p-value"},    {"C8", "0.2383319710023093"},
        {"A9", "I\xc2\xb2 (%)"},
        {"A10", "Q p-value"},
        {"A11", ""}, /* the empty notes row is left out */
        /* then the tests for subgroup differences */
        {"A12", "Tests for subgroup differences"},
        {"A13", "test"}, {"A14", "Q_between"}, {"C14", "0.2314671768395226"},
    };
    char got[128];
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        cell_value(sum, sst, want[i].ref, got, sizeof got);
        cr_expect_str_eq(got, want[i].value, "summary %s", want[i].ref);
    }
    cell_format(sum, styles, "C8", got, sizeof got);
    cr_expect_str_eq(got, "[&lt;0.0001]0.00E+00;0.0000", "p-values keep their format");
    free(sum);
    free(sst);
    free(styles);
}

Test(xlsx, summary_of_a_long_table_shows_its_first_rows)
{
    msum_table *t = msum_table_new("effects", "Effects");
    msum_table_add_col(t, "id", MSUM_COL_TEXT, NULL);
    for (int c = 0; c < 12; c++) {
        char name[8];
        snprintf(name, sizeof name, "x%d", c);
        msum_table_add_col(t, name, MSUM_COL_NUM, NULL);
    }
    for (size_t r = 0; r < 25; r++) {
        msum_table_add_row(t);
        msum_table_set_text(t, r, 0, "s");
        for (size_t c = 1; c < 13; c++) msum_table_set_num(t, r, c, (double)(r * 100 + c));
    }
    const msum_table *ts[] = {t};
    const char *path = TEST_OUT "/long.xlsx";
    cr_assert_eq(msum_write_xlsx(path, ts, 1, NULL), MSUM_OK);
    char *sum = zip_part(path, "xl/worksheets/sheet1.xml"),
         *sst = zip_part(path, "xl/sharedStrings.xml");
    char got[160];
    cell_value(sum, sst, "A2", got, sizeof got);
    cr_expect_str_eq(got, "id");
    cell_value(sum, sst, "J12", got, sizeof got); /* row 10 (r = 9), column x8 (c = 9) */
    cr_expect_str_eq(got, "909");
    cell_value(sum, sst, "K3", got, sizeof got);
    cr_expect_str_eq(got, "", "10 columns at most");
    cell_value(sum, sst, "A13", got, sizeof got);
    cr_expect_str_eq(got, "10 of 25 rows and 10 of 13 columns shown: the whole table is on "
                          "sheet 'effects'");
    free(sum);
    free(sst);
    msum_table_free(t);
}
