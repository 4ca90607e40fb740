/* One worksheet of an XLSX workbook read into rows of cell texts (for the reader).
 * Container: minizip (zlib's contrib unzip); XML: expat.  ECMA-376 Part 1, SpreadsheetML:
 * shared strings, inline strings, numbers, booleans, formula results; gaps in cell references
 * become empty cells.  The default sheet is the first visible worksheet.  Bounded: a cell's
 * text by --max-field, the sheet's cells and bytes, and XML nesting (hostile workbooks).
 */
#ifndef METASUM_XLSX_READ_H
#define METASUM_XLSX_READ_H

#include <stddef.h>

#include "metasum/diag.h"

typedef struct xlsx_sheet xlsx_sheet;

/* Read worksheet `sheet` (NULL: the first visible worksheet) of the workbook at `path`;
 * `name` is the file name for diagnostics.  Returns MSUM_OK, MSUM_EIO (cannot open the file),
 * MSUM_EPARSE (not a workbook, or malformed XML), MSUM_EDATA (no such sheet: the message lists
 * the sheets), MSUM_ENOMEM; each error but ENOMEM adds a diagnostic. */
int xlsx_sheet_read(const char *path, const char *name, const char *sheet, msum_diags *d,
                    xlsx_sheet **out);

const char *xlsx_sheet_name(const xlsx_sheet *s);
/* Every sheet of the workbook, by name, ", " between, in workbook order. */
const char *xlsx_sheet_all(const xlsx_sheet *s);
size_t xlsx_sheet_nrows(const xlsx_sheet *s);

/* Row i (in sheet order): its sheet row number, its cells from column A to its last cell
 * holding text ("" where none is stored).  The cells stay valid until the next call or
 * xlsx_sheet_free.  Returns 0, or -1 when out of memory. */
int xlsx_sheet_row(xlsx_sheet *s, size_t i, long *rownum, size_t *n, const char *const **cell);

void xlsx_sheet_free(xlsx_sheet *s);

#endif
