/* Tests for XLSX input (src/io/xlsx_read.c through msum_reader_open_opts): workbooks written
 * here with libxlsxwriter (shared strings, inline strings, numbers, booleans, gaps, several
 * sheets), a file that only looks like a ZIP archive, and a ZIP archive without a workbook
 * (minizip's zip.h); positions are sheet row/column numbers, printed as Sheet!B3. */
#include <minizip/zip.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <xlsxwriter.h>

#include "helpers.h"
#include "metasum/metasum.h"
#include "metasum/reader.h"

#define OUTDIR "../build/test-out/xlsx_read"

static void outdir(void)
{
    mkdir("../build", 0777);
    mkdir("../build/test-out", 0777);
    mkdir(OUTDIR, 0777);
}

/* A workbook: sheet "About" (when front), then sheet `name`:
 *   row 1: Study | yi | vi | ok          (strings)
 *   row 2: A     | 0.5 | 0.04 | TRUE     (string, numbers, boolean)
 *   row 3: (empty row: nothing written)
 *   row 4: B     | (gap) | 0.25 | FALSE  (column B not written)
 *   row 5: "x"   written in column D only */
static void write_book(const char *path, const char *name, int inline_strings, int front)
{
    lxw_workbook_options o = {.constant_memory = (uint8_t)inline_strings};
    lxw_workbook *wb = workbook_new_opt(path, &o);
    cr_assert_not_null(wb);
    if (front) worksheet_write_string(workbook_add_worksheet(wb, "About"), 0, 0, "notes", NULL);
    lxw_worksheet *ws = workbook_add_worksheet(wb, name);
    worksheet_write_string(ws, 0, 0, "Study", NULL);
    worksheet_write_string(ws, 0, 1, "yi", NULL);
    worksheet_write_string(ws, 0, 2, "vi", NULL);
    worksheet_write_string(ws, 0, 3, "ok", NULL);
    worksheet_write_string(ws, 1, 0, "A", NULL);
    worksheet_write_number(ws, 1, 1, 0.5, NULL);
    worksheet_write_number(ws, 1, 2, 0.04, NULL);
    worksheet_write_boolean(ws, 1, 3, 1, NULL);
    worksheet_write_string(ws, 3, 0, "B", NULL);
    worksheet_write_number(ws, 3, 2, 0.25, NULL);
    worksheet_write_boolean(ws, 3, 3, 0, NULL);
    worksheet_write_string(ws, 4, 3, "x", NULL);
    cr_assert_eq(workbook_close(wb), LXW_NO_ERROR);
}

/* Rows as "line:col[text] ..." lines, the end code, then the diagnostics. */
static char *transcript(const char *path, const char *sheet, int *open_rc)
{
    msum_diags *d = msum_diags_new();
    msum_reader *r = NULL;
    msum_read_opts o = MSUM_READ_OPTS_DEFAULT;
    o.sheet = sheet;
    size_t cap = 8192, n = 0;
    char *out = calloc(1, cap);
    *open_rc = msum_reader_open_opts(path, "book.xlsx", &o, d, &r);
    if (*open_rc == MSUM_OK) {
        const msum_row *cur = msum_reader_header(r);
        msum_row row;
        int got;
        do {
            for (size_t i = 0; i < cur->n; i++)
                n += (size_t)snprintf(out + n, cap - n, "%ld:%ld[%s]%c", cur->line[i],
                                      cur->col[i], cur->cell[i], i + 1 < cur->n ? ' ' : '\n');
            got = msum_reader_next(r, &row);
            cur = &row;
        } while (got == 1);
        n += (size_t)snprintf(out + n, cap - n, "end %d blank %zu\n", got,
                              msum_reader_blank_rows(r));
    }
    char line[512];
    for (size_t i = 0; i < msum_diags_count(d); i++) {
        msum_diag_format(msum_diags_get(d, i), line, sizeof line);
        n += (size_t)snprintf(out + n, cap - n, "%s\n", line);
    }
    msum_reader_free(r);
    msum_diags_free(d);
    return out;
}

/* What the sheet written by write_book() must read as: row 3 is absent from the sheet (not a
 * blank row), row 4's gap in column B is an empty cell, row 5 is padded to the header's 4
 * cells, numbers are the stored shortest texts, booleans TRUE/FALSE. */
static const char *const expected_rows =
    "1:1[Study] 1:2[yi] 1:3[vi] 1:4[ok]\n"
    "2:1[A] 2:2[0.5] 2:3[0.04] 2:4[TRUE]\n"
    "4:1[B] 4:2[] 4:3[0.25] 4:4[FALSE]\n"
    "5:1[] 5:2[] 5:3[] 5:4[x]\n"
    "end 0 blank 0\n";

Test(xlsx_read, shared_strings_numbers_booleans_gaps)
{
    outdir();
    write_book(OUTDIR "/shared.xlsx", "Sheet1", 0, 0);
    int rc;
    char *t = transcript(OUTDIR "/shared.xlsx", NULL, &rc);
    cr_assert_eq(rc, MSUM_OK);
    cr_expect_str_eq(t, expected_rows);
    free(t);
}

Test(xlsx_read, inline_strings_same_rows)
{
    outdir();
    write_book(OUTDIR "/inline.xlsx", "Sheet1", 1, 0);
    int rc;
    char *t = transcript(OUTDIR "/inline.xlsx", NULL, &rc);
    cr_assert_eq(rc, MSUM_OK);
    cr_expect_str_eq(t, expected_rows);
    free(t);
}

Test(xlsx_read, first_sheet_or_named_sheet)
{
    outdir();
    write_book(OUTDIR "/two.xlsx", "Data", 0, 1);
    int rc;
    char *t = transcript(OUTDIR "/two.xlsx", NULL, &rc); /* the first sheet: About */
    cr_assert_eq(rc, MSUM_OK);
    cr_expect_str_eq(t, "1:1[notes]\nend 0 blank 0\n");
    free(t);
    t = transcript(OUTDIR "/two.xlsx", "Data", &rc);
    cr_assert_eq(rc, MSUM_OK);
    cr_expect_str_eq(t, expected_rows);
    free(t);
    t = transcript(OUTDIR "/two.xlsx", "Results", &rc);
    cr_expect_eq(rc, MSUM_EDATA);
    cr_expect_str_eq(t, "book.xlsx: error: --sheet: found no worksheet 'Results', expected one "
                        "of About, Data\n");
    free(t);
}

Test(xlsx_read, positions_print_as_sheet_cells)
{
    msum_diags *d = msum_diags_new();
    msum_diags_add(d, MSUM_DIAG_ERROR, "book.xlsx:Data", 4, 2, "yi", "found '', expected x");
    msum_diags_add(d, MSUM_DIAG_ERROR, "book.xlsx:Data", 12, 28, NULL, "m"); /* AB12 */
    msum_diags_add(d, MSUM_DIAG_WARNING, "book.xlsx:Data", 7, 0, NULL, "row");
    msum_diags_add(d, MSUM_DIAG_ERROR, "plain.csv", 4, 2, NULL, "csv");
    char line[256];
    const char *want[] = {"book.xlsx:Data!B4: error: column 'yi': found '', expected x",
                          "book.xlsx:Data!AB12: error: m", "book.xlsx:Data!7: warning: row",
                          "plain.csv:4:2: error: csv"};
    for (size_t i = 0; i < 4; i++) {
        msum_diag_format(msum_diags_get(d, i), line, sizeof line);
        cr_expect_str_eq(line, want[i]);
    }
    msum_diags_free(d);
}

Test(xlsx_read, not_a_zip_archive)
{
    outdir();
    FILE *fp = fopen(OUTDIR "/fake.xlsx", "wb");
    cr_assert_not_null(fp);
    fputs("PK\003\004 then nothing a ZIP reader can use", fp);
    fclose(fp);
    int rc;
    char *t = transcript(OUTDIR "/fake.xlsx", NULL, &rc);
    cr_expect_eq(rc, MSUM_EPARSE);
    cr_expect_str_eq(t, "book.xlsx: error: found a file that is not a ZIP archive, expected an "
                        "XLSX workbook (a ZIP archive with xl/workbook.xml)\n");
    free(t);
}

Test(xlsx_read, zip_without_workbook)
{
    outdir();
    zipFile z = zipOpen(OUTDIR "/plain.xlsx", APPEND_STATUS_CREATE);
    cr_assert_not_null(z);
    cr_assert_eq(zipOpenNewFileInZip(z, "readme.txt", NULL, NULL, 0, NULL, 0, NULL, Z_DEFLATED,
                                     Z_DEFAULT_COMPRESSION), ZIP_OK);
    zipWriteInFileInZip(z, "hello\n", 6);
    zipCloseFileInZip(z);
    zipClose(z, NULL);
    int rc;
    char *t = transcript(OUTDIR "/plain.xlsx", NULL, &rc);
    cr_expect_eq(rc, MSUM_EPARSE);
    cr_expect_str_eq(t, "book.xlsx: error: found a ZIP archive without xl/workbook.xml, expected "
                        "an XLSX workbook (a ZIP archive with xl/workbook.xml)\n");
    free(t);
}

Test(xlsx_read, missing_file_is_io)
{
    int rc;
    char *t = transcript(OUTDIR "/no_such.xlsx", NULL, &rc);
    cr_expect_eq(rc, MSUM_EIO);
    cr_expect(strstr(t, "cannot open") != NULL, "%s", t);
    free(t);
}

/* ---- hand-written workbooks: the parts as XML text, so each test has one defect ---------- */

static void zip_part(zipFile z, const char *entry, const char *text, size_t n)
{
    cr_assert_eq(zipOpenNewFileInZip(z, entry, NULL, NULL, 0, NULL, 0, NULL, Z_DEFLATED,
                                     Z_DEFAULT_COMPRESSION), ZIP_OK);
    cr_assert_eq(zipWriteInFileInZip(z, text, (unsigned)n), ZIP_OK);
    zipCloseFileInZip(z);
}

/* A workbook whose sheets are `sheets` (workbook.xml's <sheet> elements, rId1.. in order),
 * sheet i's part being xml[i], with the shared strings `sst` and the styles `styles` (NULL:
 * none); `pr` goes into workbook.xml before <sheets> ("" for none). */
static void write_raw_book(const char *path, const char *pr, const char *sheets,
                           const char *const *xml, size_t n, const char *sst, const char *styles)
{
    zipFile z = zipOpen(path, APPEND_STATUS_CREATE);
    cr_assert_not_null(z);
    char buf[4096];
    snprintf(buf, sizeof buf, "<workbook xmlns:r=\"r\">%s<sheets>%s</sheets></workbook>", pr,
             sheets);
    zip_part(z, "xl/workbook.xml", buf, strlen(buf));
    size_t k = (size_t)snprintf(buf, sizeof buf, "<Relationships>");
    for (size_t i = 0; i < n; i++)
        k += (size_t)snprintf(buf + k, sizeof buf - k, "<Relationship Id=\"rId%zu\" "
                              "Type=\"x/worksheet\" Target=\"worksheets/s%zu.xml\"/>", i + 1,
                              i + 1);
    snprintf(buf + k, sizeof buf - k, "</Relationships>");
    zip_part(z, "xl/_rels/workbook.xml.rels", buf, strlen(buf));
    for (size_t i = 0; i < n; i++) {
        snprintf(buf, sizeof buf, "xl/worksheets/s%zu.xml", i + 1);
        zip_part(z, buf, xml[i], strlen(xml[i]));
    }
    if (sst) zip_part(z, "xl/sharedStrings.xml", sst, strlen(sst));
    if (styles) zip_part(z, "xl/styles.xml", styles, strlen(styles));
    zipClose(z, NULL);
}

static void write_raw(const char *path, const char *sheets, const char *const *xml, size_t n,
                      const char *sst)
{
    write_raw_book(path, "", sheets, xml, n, sst, NULL);
}

#define ROW1 "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>yi</t></is></c></row>"

/* The default sheet is the first one a person sees: a hidden sheet before it is passed over
 * (it is still read when named). */
Test(xlsx_read, hidden_sheet_passed_over)
{
    outdir();
    const char *xml[] = {"<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is>"
                         "<t>scratch</t></is></c></row></sheetData></worksheet>",
                         "<worksheet><sheetData>" ROW1 "</sheetData></worksheet>"};
    write_raw(OUTDIR "/hidden.xlsx",
              "<sheet name=\"Scratch\" state=\"hidden\" r:id=\"rId1\"/>"
              "<sheet name=\"Data\" r:id=\"rId2\"/>", xml, 2, NULL);
    int rc;
    char *t = transcript(OUTDIR "/hidden.xlsx", NULL, &rc);
    cr_assert_eq(rc, MSUM_OK);
    cr_expect_str_eq(t, "1:1[yi]\nend 0 blank 0\n");
    free(t);
    t = transcript(OUTDIR "/hidden.xlsx", "Scratch", &rc);
    cr_assert_eq(rc, MSUM_OK);
    cr_expect_str_eq(t, "1:1[scratch]\nend 0 blank 0\n");
    free(t);
}

/* Cells stored without text (formatting only) past the header do not make a row longer. */
Test(xlsx_read, empty_cells_are_gaps)
{
    outdir();
    const char *xml[] = {"<worksheet><sheetData>" ROW1 "<row r=\"2\"><c r=\"A2\"><v>0.5</v></c>"
                         "<c r=\"H2\" s=\"1\"/><c r=\"J2\" t=\"s\"><v>0</v></c></row>"
                         "</sheetData></worksheet>"};
    write_raw(OUTDIR "/styled.xlsx", "<sheet name=\"S\" r:id=\"rId1\"/>", xml, 1,
              "<sst><si><t></t></si></sst>");
    int rc;
    char *t = transcript(OUTDIR "/styled.xlsx", NULL, &rc);
    cr_assert_eq(rc, MSUM_OK);
    cr_expect_str_eq(t, "1:1[yi]\n2:1[0.5]\nend 0 blank 0\n");
    free(t);
}

/* A ZIP bomb in miniature: 4097 rows with one cell each in the last column (XFD) are
 * 4097 * 16384 > 2^26 cells for the reader: refused at the row that passes the bound,
 * before the memory is spent. */
Test(xlsx_read, grid_bound)
{
    outdir();
    size_t cap = 4200 * 64, n = 0;
    char *xml = malloc(cap);
    cr_assert_not_null(xml);
    n += (size_t)snprintf(xml + n, cap - n, "<worksheet><sheetData>");
    for (int i = 1; i <= 4200; i++)
        n += (size_t)snprintf(xml + n, cap - n, "<row r=\"%d\"><c r=\"XFD%d\"><v>1</v></c></row>",
                              i, i);
    snprintf(xml + n, cap - n, "</sheetData></worksheet>");
    const char *parts[] = {xml};
    write_raw(OUTDIR "/grid.xlsx", "<sheet name=\"S\" r:id=\"rId1\"/>", parts, 1, NULL);
    free(xml);
    int rc;
    char *t = transcript(OUTDIR "/grid.xlsx", NULL, &rc);
    cr_expect_eq(rc, MSUM_EPARSE);
    cr_expect_str_eq(t, "book.xlsx:S!XFD4097: error: found a worksheet of more than 67108864 "
                        "cells (rows times columns up to the last used one), expected a "
                        "smaller sheet\n");
    free(t);
}

/* XML nested deeper than 256 elements is refused (expat keeps every open element). */
Test(xlsx_read, nesting_bound)
{
    outdir();
    char xml[4096] = "<worksheet><sheetData><row r=\"1\"><c r=\"A1\"><v>";
    for (int i = 0; i < 300; i++) strcat(xml, "<a>");
    const char *parts[] = {xml}; /* never closed: the bound comes first */
    write_raw(OUTDIR "/deep.xlsx", "<sheet name=\"S\" r:id=\"rId1\"/>", parts, 1, NULL);
    int rc;
    char *t = transcript(OUTDIR "/deep.xlsx", NULL, &rc);
    cr_expect_eq(rc, MSUM_EPARSE);
    cr_expect_str_eq(t, "book.xlsx: error: found XML nested deeper than 256 elements (line 1), "
                        "expected an XLSX workbook\n");
    free(t);
}

/* --max-field bounds a cell as it bounds a CSV field: a shared string of 17 bytes used at B2
 * is refused there with a limit of 16; an unused long shared string is no error. */
Test(xlsx_read, max_field_bounds_cells)
{
    outdir();
    const char *xml[] = {"<worksheet><sheetData>" ROW1 "<row r=\"2\"><c r=\"A2\"><v>1</v></c>"
                         "<c r=\"B2\" t=\"s\"><v>1</v></c></row></sheetData></worksheet>"};
    write_raw(OUTDIR "/long.xlsx", "<sheet name=\"S\" r:id=\"rId1\"/>", xml, 1,
              "<sst><si><t>0123456789abcdefg_unused_and_long</t></si>"
              "<si><t>0123456789abcdefg</t></si></sst>");
    msum_reader_set_max_field(17);
    int rc;
    char *t = transcript(OUTDIR "/long.xlsx", NULL, &rc);
    cr_expect_eq(rc, MSUM_OK, "17 bytes pass a limit of 17");
    free(t);
    msum_reader_set_max_field(16);
    t = transcript(OUTDIR "/long.xlsx", NULL, &rc);
    msum_reader_set_max_field(0);
    cr_expect_eq(rc, MSUM_EPARSE);
    cr_expect_str_eq(t, "book.xlsx:S!B2: error: cell longer than 16 bytes (--max-field)\n");
    free(t);
}

/* Cells formatted as dates read as the sheet shows them, in ISO 8601, not as day counts.
 * Styles: 0 General, 1 built-in format 14 (a date), 2 custom "yyyy-mm-dd hh:mm", 3 built-in 20
 * (h:mm), 4 custom '0.0 "days"' (a number: 'd' only inside quotes).  Serials, by hand from
 * 1899-12-30 (1900 system, which counts the nonexistent 1900-02-29 as serial 60):
 * 17533 = 1948-01-01, 61 = 1900-03-01, 45351.5 = 2024-02-29 12:00; 0.75 = 18:00;
 * 1904 system: 43889 = 2024-02-29 (from 1904-01-01). */
Test(xlsx_read, date_cells_as_dates)
{
    outdir();
    const char *styles = "<styleSheet><numFmts><numFmt numFmtId=\"164\" formatCode=\"yyyy-mm-dd "
                         "hh:mm\"/><numFmt numFmtId=\"165\" formatCode=\"0.0 &quot;days&quot;"
                         "\"/></numFmts><cellStyleXfs><xf numFmtId=\"14\"/></cellStyleXfs>"
                         "<cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/><xf numFmtId=\"164\"/>"
                         "<xf numFmtId=\"20\"/><xf numFmtId=\"165\"/></cellXfs></styleSheet>";
    const char *xml[] = {"<worksheet><sheetData><row r=\"1\"><c r=\"A1\" s=\"1\"><v>17533</v>"
                         "</c><c r=\"B1\" s=\"1\"><v>61</v></c><c r=\"C1\" s=\"1\"><v>60</v></c>"
                         "<c r=\"D1\" s=\"2\"><v>45351.5</v></c><c r=\"E1\" s=\"3\"><v>0.75</v>"
                         "</c><c r=\"F1\" s=\"4\"><v>2.5</v></c><c r=\"G1\"><v>17533</v></c>"
                         "<c r=\"H1\" s=\"1\" t=\"inlineStr\"><is><t>1948</t></is></c>"
                         "<c r=\"I1\" s=\"1\"><v>-1</v></c></row></sheetData></worksheet>"};
    write_raw_book(OUTDIR "/dates.xlsx", "", "<sheet name=\"S\" r:id=\"rId1\"/>", xml, 1, NULL,
                   styles);
    int rc;
    char *t = transcript(OUTDIR "/dates.xlsx", NULL, &rc);
    cr_assert_eq(rc, MSUM_OK);
    cr_expect_str_eq(t, "1:1[1948-01-01] 1:2[1900-03-01] 1:3[1900-02-29] 1:4[2024-02-29 12:00:00] "
                        "1:5[18:00:00] 1:6[2.5] 1:7[17533] 1:8[1948] 1:9[-1]\nend 0 blank 0\n");
    free(t);
    write_raw_book(OUTDIR "/dates1904.xlsx", "<workbookPr date1904=\"1\"/>",
                   "<sheet name=\"S\" r:id=\"rId1\"/>",
                   (const char *const[]){"<worksheet><sheetData><row r=\"1\"><c r=\"A1\" "
                                         "s=\"1\"><v>43889</v></c></row></sheetData>"
                                         "</worksheet>"}, 1, NULL, styles);
    t = transcript(OUTDIR "/dates1904.xlsx", NULL, &rc);
    cr_assert_eq(rc, MSUM_OK);
    cr_expect_str_eq(t, "1:1[2024-02-29]\nend 0 blank 0\n");
    free(t);
}

/* The workbook's sheets, for the note that names them when a sheet cannot be read as effects;
 * none for CSV. */
Test(xlsx_read, sheet_names_listed)
{
    outdir();
    write_book(OUTDIR "/names.xlsx", "Data", 0, 1);
    msum_diags *d = msum_diags_new();
    msum_reader *r = NULL;
    cr_assert_eq(msum_reader_open_opts(OUTDIR "/names.xlsx", "b.xlsx", NULL, d, &r), MSUM_OK);
    cr_expect_str_eq(msum_reader_sheets(r), "About, Data");
    msum_reader_free(r);
    cr_assert_eq(msum_reader_open_mem_opts("yi\n1\n", 5, "f", 0, NULL, d, &r), MSUM_OK);
    cr_expect_null(msum_reader_sheets(r));
    msum_reader_free(r);
    msum_diags_free(d);
}
