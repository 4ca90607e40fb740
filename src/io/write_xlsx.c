/* XLSX writer (libxlsxwriter): one sheet per table with typed cells, a frozen bold header,
 * an autofilter and fitted column widths, plus a "metadata" sheet.  Written to a temporary
 * name next to the target and renamed into place (atomic.c). */
#include "metasum/write.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <xlsxwriter.h>

#include "metasum/metasum.h"
#include "text.h"

#define XLSX_MAX_ROWS 1048576u
#define XLSX_MAX_COLS 16384u
#define XLSX_MAX_TEXT 32000 /* bytes; Excel's limit is 32767 characters per cell */
#define SHEET_MAX 31

typedef struct {
    lxw_workbook *wb;
    lxw_format *bold;
    const msum_write_opts *o;
    char (*names)[4 * SHEET_MAX + 8]; /* sheet names given so far */
    size_t nnames;
} book;

/* Text for a cell: cleaned UTF-8, formula guard, cut to Excel's cell limit.  malloc'd. */
static char *cell_text(const char *s, int guard)
{
    char *clean = msum_io_clean_dup(s);
    if (!clean) return NULL;
    size_t len = strlen(clean);
    if (len > XLSX_MAX_TEXT) {
        len = XLSX_MAX_TEXT;
        while (len > 0 && ((unsigned char)clean[len] & 0xC0) == 0x80) len--;
        clean[len] = '\0';
    }
    if (!guard || !msum_formula_risky(clean, strlen(clean))) return clean;
    char *g = malloc(len + 2);
    if (g) {
        g[0] = '\'';
        memcpy(g + 1, clean, len + 1);
    }
    free(clean);
    return g;
}

static int put_text(lxw_worksheet *ws, size_t r, size_t c, const char *s, int guard,
                    lxw_format *f)
{
    char *txt = cell_text(s, guard);
    if (!txt) return MSUM_ENOMEM;
    lxw_error e = worksheet_write_string(ws, (lxw_row_t)r, (lxw_col_t)c, txt, f);
    free(txt);
    return e == LXW_NO_ERROR ? MSUM_OK : MSUM_EIO;
}

static int name_taken(const book *b, const char *name)
{
    if (strcasecmp(name, "metadata") == 0 || strcasecmp(name, "history") == 0) return 1;
    for (size_t i = 0; i < b->nnames; i++)
        if (strcasecmp(b->names[i], name) == 0) return 1;
    return 0;
}

/* Excel's sheet-name rules: no [ ] : * ? / \, not empty, no apostrophe at either end, at most 31
 * characters (UTF-16 units: a character outside the BMP counts twice), unique ignoring case. */
static void sheet_name(book *b, const char *want, char *out)
{
    char base[4 * SHEET_MAX + 8] = "";
    size_t units = 0, len = 0;
    uint32_t cp;
    while (*want == '\'') want++;
    while (*want) {
        want += msum_io_utf8_next(want, &cp);
        if (cp < 0x20 || cp == 0x7F || (cp < 0x80 && strchr("[]:*?/\\", (int)cp))) cp = '_';
        size_t u = cp > 0xFFFF ? 2 : 1;
        if (units + u > SHEET_MAX) break;
        units += u;
        len += msum_io_encode_cp(cp, base + len);
    }
    while (len > 0 && base[len - 1] == '\'') len--, units--;
    base[len] = '\0';
    if (len == 0) {
        strcpy(base, "Sheet");
        units = len = 5;
    }
    strcpy(out, base);
    for (unsigned n = 2; name_taken(b, out); n++) {
        char suffix[16];
        int sl = snprintf(suffix, sizeof suffix, "~%u", n);
        /* Cut the base so base + suffix fits in 31 units, at a character boundary. */
        size_t keep = len, ku = units;
        while (ku + (size_t)sl > SHEET_MAX && keep > 0) {
            size_t start = keep - 1;
            while (start > 0 && ((unsigned char)base[start] & 0xC0) == 0x80) start--;
            ku -= (keep - start == 4) ? 2 : 1;
            keep = start;
        }
        snprintf(out, 4 * SHEET_MAX + 8, "%.*s%s", (int)keep, base, suffix);
    }
    strcpy(b->names[b->nnames++], out);
}

/* The value a numeric cell holds: the number rounded as the text formats print it. */
static double shown_value(double v, int digits)
{
    char buf[64];
    msum_fmt_num(v, digits, buf, sizeof buf);
    return strtod(buf, NULL);
}

static int write_sheet(book *b, const msum_table *t)
{
    size_t nc = msum_table_ncols(t), nr = msum_table_nrows(t);
    if (nr + 1 > XLSX_MAX_ROWS || nc > XLSX_MAX_COLS) return MSUM_EINVAL;
    char name[4 * SHEET_MAX + 8];
    sheet_name(b, msum_table_name(t), name);
    lxw_worksheet *ws = workbook_add_worksheet(b->wb, name);
    if (!ws) return MSUM_EIO;
    int guard = b->o->formula_guard, st = MSUM_OK;
    char num[64];
    for (size_t c = 0; c < nc && st == MSUM_OK; c++) {
        msum_coltype ty = msum_table_col_type(t, c);
        int digits = ty == MSUM_COL_INT ? 0 : b->o->digits;
        const char *head = msum_table_col_name(t, c);
        size_t width = msum_io_utf8_len(head) + 3; /* room for the autofilter button */
        st = put_text(ws, 0, c, head, guard, b->bold);
        for (size_t r = 0; r < nr && st == MSUM_OK; r++) {
            size_t w = 0;
            if (msum_table_is_na(t, r, c)) continue; /* NA: an empty cell */
            if (ty == MSUM_COL_TEXT) {
                const char *s = msum_table_text(t, r, c);
                st = put_text(ws, r + 1, c, s, guard, NULL);
                w = msum_io_utf8_len(s) + (guard && msum_formula_risky(s, strlen(s)));
            } else {
                double v = msum_table_num(t, r, c);
                w = (size_t)msum_fmt_num(v, digits, num, sizeof num);
                lxw_error e = isfinite(v) ? worksheet_write_number(ws, (lxw_row_t)(r + 1),
                                                                   (lxw_col_t)c,
                                                                   shown_value(v, digits), NULL)
                                          : worksheet_write_string(ws, (lxw_row_t)(r + 1),
                                                                   (lxw_col_t)c, num, NULL);
                if (e != LXW_NO_ERROR) st = MSUM_EIO;
            }
            if (w > width) width = w;
        }
        if (width < 8) width = 8;
        if (width > 60) width = 60;
        if (st == MSUM_OK &&
            worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, (double)width + 1, NULL) !=
                LXW_NO_ERROR)
            st = MSUM_EIO;
    }
    if (st != MSUM_OK) return st;
    worksheet_freeze_panes(ws, 1, 0);
    if (nc && worksheet_autofilter(ws, 0, 0, (lxw_row_t)nr, (lxw_col_t)(nc - 1)) != LXW_NO_ERROR)
        return MSUM_EIO;
    return MSUM_OK;
}

static int meta_row(book *b, lxw_worksheet *ws, size_t r, const msum_table *t, size_t i,
                    const char *key, const char *value)
{
    const char *cells[4] = {msum_table_name(t), b->names[i], key, value};
    int st = MSUM_OK;
    for (size_t c = 0; c < 4 && st == MSUM_OK; c++)
        st = put_text(ws, r, c, cells[c], b->o->formula_guard, NULL);
    return st;
}

/* The "metadata" sheet: table, sheet, key, value for every table's title, metadata and
 * column descriptions (key "column NAME"). */
static int write_meta_sheet(book *b, const msum_table *const *ts, size_t n)
{
    lxw_worksheet *ws = workbook_add_worksheet(b->wb, "metadata");
    if (!ws) return MSUM_EIO;
    static const char *const head[] = {"table", "sheet", "key", "value"};
    int st = MSUM_OK;
    for (size_t c = 0; c < 4 && st == MSUM_OK; c++) st = put_text(ws, 0, c, head[c], 0, b->bold);
    size_t r = 1;
    for (size_t i = 0; i < n && st == MSUM_OK; i++) {
        const msum_table *t = ts[i];
        st = meta_row(b, ws, r++, t, i, "title", msum_table_title(t));
        for (size_t j = 0; j < msum_io_nmeta(t) && st == MSUM_OK; j++) {
            const char *k, *v;
            msum_io_meta(t, j, &k, &v);
            st = meta_row(b, ws, r++, t, i, k, v);
        }
        for (size_t c = 0; c < msum_table_ncols(t) && st == MSUM_OK; c++) {
            const char *desc = msum_table_col_desc(t, c), *cn = msum_table_col_name(t, c);
            if (!desc) continue;
            char *key = malloc(strlen(cn) + 8);
            if (!key) return MSUM_ENOMEM;
            sprintf(key, "column %s", cn);
            st = meta_row(b, ws, r++, t, i, key, desc);
            free(key);
        }
    }
    if (st != MSUM_OK) return st;
    worksheet_set_column(ws, 0, 2, 18, NULL);
    worksheet_set_column(ws, 3, 3, 60, NULL);
    worksheet_freeze_panes(ws, 1, 0);
    return MSUM_OK;
}

int msum_write_xlsx(const char *path, const msum_table *const *ts, size_t n,
                    const msum_write_opts *o)
{
    msum_write_opts def = MSUM_WRITE_OPTS_DEFAULT;
    if (!o) o = &def;
    if (!path || (n && !ts) || strcmp(path, "-") == 0) return MSUM_EINVAL;
    for (size_t i = 0; i < n; i++)
        if (!ts[i]) return MSUM_EINVAL;
    book b = {.o = o};
    b.names = calloc(n + 1, sizeof *b.names);
    if (!b.names) return MSUM_ENOMEM;
    msum_atomic *a;
    int st = msum_atomic_open(path, &a);
    if (st != MSUM_OK) {
        free(b.names);
        return st;
    }
    b.wb = workbook_new(msum_atomic_tmpname(a));
    if (!b.wb) st = MSUM_EIO;
    if (st == MSUM_OK) {
        /* A fixed creation date, so the same tables give the same bytes (no timestamps). */
        lxw_doc_properties props = {.author = "metasum " MSUM_VERSION, .created = 946684800};
        workbook_set_properties(b.wb, &props);
        b.bold = workbook_add_format(b.wb);
        if (!b.bold) st = MSUM_ENOMEM;
        else format_set_bold(b.bold);
    }
    for (size_t i = 0; i < n && st == MSUM_OK; i++) st = write_sheet(&b, ts[i]);
    if (st == MSUM_OK) st = write_meta_sheet(&b, ts, n);
    if (b.wb) {
        lxw_error e = workbook_close(b.wb); /* frees the workbook whatever happened */
        if (st == MSUM_OK && e != LXW_NO_ERROR) st = MSUM_EIO;
    }
    free(b.names);
    if (st != MSUM_OK) {
        msum_atomic_abort(a);
        return st;
    }
    return msum_atomic_commit(a);
}
