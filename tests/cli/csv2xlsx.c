/* Test tool: write a CSV file (libcsv) as an XLSX workbook (libxlsxwriter), so the CLI golden
 * cases can read the same rows from a workbook without binary fixtures.
 * Usage: csv2xlsx [-i] [-f] [-s SHEET] IN.csv OUT.xlsx
 *   -i  inline strings (libxlsxwriter's constant-memory mode) instead of shared strings
 *   -f  put a sheet "About" (one text cell) before the data sheet
 *   -s  name of the data sheet [Sheet1]
 * Cells: numbers (the whole text is a C-locale number) as numbers, TRUE/FALSE as booleans,
 * empty fields not written (gaps in the cell references), anything else as strings. */
#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

typedef struct {
    lxw_worksheet *ws;
    lxw_row_t row;
    lxw_col_t col;
} state;

static void on_field(void *s, size_t len, void *data)
{
    state *st = data;
    char *text = malloc(len + 1);
    if (!text) exit(3);
    memcpy(text, s ? s : "", len);
    text[len] = '\0';
    char *end;
    double v = strtod(text, &end);
    if (len == 0) {
        /* a gap */
    } else if (*end == '\0' && strchr("+-.0123456789", text[0])) {
        worksheet_write_number(st->ws, st->row, st->col, v, NULL);
    } else if (strcmp(text, "TRUE") == 0 || strcmp(text, "FALSE") == 0) {
        worksheet_write_boolean(st->ws, st->row, st->col, text[0] == 'T', NULL);
    } else {
        worksheet_write_string(st->ws, st->row, st->col, text, NULL);
    }
    free(text);
    st->col++;
}

static void on_row(int c, void *data)
{
    (void)c;
    state *st = data;
    st->row++;
    st->col = 0;
}

int main(int argc, char **argv)
{
    int inl = 0, front = 0, i = 1;
    const char *sheet = NULL;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "-i") == 0) inl = 1;
        else if (strcmp(argv[i], "-f") == 0) front = 1;
        else if (strcmp(argv[i], "-s") == 0 && i + 1 < argc) sheet = argv[++i];
        else break;
    }
    if (argc - i != 2) {
        fprintf(stderr, "usage: csv2xlsx [-i] [-f] [-s SHEET] IN.csv OUT.xlsx\n");
        return 2;
    }
    FILE *fp = fopen(argv[i], "rb");
    if (!fp) {
        perror(argv[i]);
        return 3;
    }
    lxw_workbook_options wo = {.constant_memory = (uint8_t)inl};
    lxw_workbook *wb = workbook_new_opt(argv[i + 1], &wo);
    if (front) {
        lxw_worksheet *about = workbook_add_worksheet(wb, "About");
        worksheet_write_string(about, 0, 0, "Data on the next sheet", NULL);
    }
    state st = {workbook_add_worksheet(wb, sheet), 0, 0};
    struct csv_parser p;
    csv_init(&p, CSV_STRICT | CSV_APPEND_NULL);
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
        if (csv_parse(&p, buf, n, on_field, on_row, &st) != n) return 1;
    csv_fini(&p, on_field, on_row, &st);
    csv_free(&p);
    fclose(fp);
    return workbook_close(wb) == LXW_NO_ERROR ? 0 : 3;
}
