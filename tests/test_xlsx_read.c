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
