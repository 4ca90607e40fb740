/* Tests for the XLSX writer (src/io/write_xlsx.c): typed cells, shared strings, sheet names,
 * the formula guard, metadata sheet, frozen header and autofilter, read back with unzip. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "helpers.h"
#include "metasum/metasum.h"

#define TEST_OUT "../build/test-out"

/* One part of the zip as a string (unzip -p). */
static char *zip_part(const char *zip, const char *part)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "unzip -p '%s' '%s'", zip, part);
    FILE *p = popen(cmd, "r");
    cr_assert(p);
    size_t cap = 1 << 16, n = 0;
    char *s = malloc(cap);
    size_t got;
    while ((got = fread(s + n, 1, cap - n - 1, p)) > 0) {
        n += got;
        if (cap - n < 2) s = realloc(s, cap *= 2);
    }
    s[n] = '\0';
    pclose(p);
    return s;
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
    char *sheet = zip_part(path, "xl/worksheets/sheet1.xml");
    /* B2 holds the number rounded to 7 significant digits, typed as a number (no t="s") */
    cr_expect(strstr(sheet, "<c r=\"B2\"><v>-0.7145323</v></c>") != NULL, "%s", sheet);
    cr_expect(strstr(sheet, "<c r=\"C2\"><v>13</v></c>") != NULL);
    cr_expect(strstr(sheet, "<c r=\"C3\"><v>2</v></c>") != NULL);
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
    cr_expect(strstr(wb, "<sheet name=\"pool\" sheetId=\"1\"") != NULL, "%s", wb);
    cr_expect(strstr(wb, "<sheet name=\"metadata\" sheetId=\"2\"") != NULL);
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
