/* libFuzzer target for XLSX input (src/io/xlsx_read.c through the reader and the typer): the
 * bytes are the parts of a workbook, split at 0x01 bytes: the worksheet, the shared strings,
 * the styles (absent parts are left out), zipped into a file and read as a user's .xlsx.
 * Any parts must be read without crashing, leaking, reading out of bounds or passing the
 * sheet's bounds.  Build and run: make fuzz-fuzz_xlsx FUZZ_TIME=600 */
#include <minizip/zip.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "metasum/dataset.h"
#include "metasum/metasum.h"
#include "metasum/reader.h"

static void part(zipFile z, const char *name, const uint8_t *p, size_t n)
{
    if (zipOpenNewFileInZip(z, name, NULL, NULL, 0, NULL, 0, NULL, Z_DEFLATED, 1) != ZIP_OK)
        abort();
    if (n && zipWriteInFileInZip(z, p, (unsigned)n) != ZIP_OK) abort();
    zipCloseFileInZip(z);
}

static char path[64];

static void cleanup(void) { unlink(path); }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!*path) {
        snprintf(path, sizeof path, "/tmp/fuzz_xlsx_%ld.xlsx", (long)getpid());
        atexit(cleanup);
    }
    const uint8_t *p[3] = {NULL, NULL, NULL};
    size_t n[3] = {0, 0, 0};
    size_t k = 0, start = 0;
    for (size_t i = 0; i <= size && k < 3; i++)
        if (i == size || data[i] == 0x01) {
            p[k] = data + start;
            n[k++] = i - start;
            start = i + 1;
        }
    zipFile z = zipOpen(path, APPEND_STATUS_CREATE);
    if (!z) abort();
    static const char wb[] = "<workbook xmlns:r=\"r\"><sheets><sheet name=\"S\" r:id=\"rId1\"/>"
                             "</sheets></workbook>";
    static const char rels[] = "<Relationships><Relationship Id=\"rId1\" Type=\"x/worksheet\" "
                               "Target=\"worksheets/sheet1.xml\"/></Relationships>";
    part(z, "xl/workbook.xml", (const uint8_t *)wb, sizeof wb - 1);
    part(z, "xl/_rels/workbook.xml.rels", (const uint8_t *)rels, sizeof rels - 1);
    part(z, "xl/worksheets/sheet1.xml", p[0], n[0]);
    if (k > 1) part(z, "xl/sharedStrings.xml", p[1], n[1]);
    if (k > 2) part(z, "xl/styles.xml", p[2], n[2]);
    zipClose(z, NULL);

    msum_diags *d = msum_diags_new();
    msum_reader *r = NULL;
    msum_read_opts o = MSUM_READ_OPTS_DEFAULT;
    if (d && msum_reader_open_opts(path, "f.xlsx", &o, d, &r) == MSUM_OK) {
        msum_typer *t = NULL;
        if (msum_typer_from_reader(r, &o, d, &t) == MSUM_OK) {
            msum_row row;
            msum_record rec;
            while (msum_reader_next(r, &row) == 1) msum_typer_row(t, &row, &rec, d);
        }
        msum_typer_free(t);
        msum_reader_free(r);
    }
    char line[4096];
    for (size_t i = 0; i < msum_diags_count(d); i++)
        msum_diag_format(msum_diags_get(d, i), line, sizeof line);
    msum_diags_free(d);
    return 0;
}
