/* XLSX writer (libxlsxwriter): a summary sheet of the main numbers, one sheet per table with
 * typed full-precision cells in display formats, DOIs as hyperlinks, a frozen bold header, an
 * autofilter and fitted column widths, a "metadata" sheet; every sheet prints landscape, one
 * page wide, header repeated.  Written to a temporary name and renamed into place (atomic.c). */
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
    lxw_format *bold, *italic, *title, *link;
    lxw_format *num[6]; /* by numfmt (NF_COUNT) */
    size_t nurls;       /* hyperlinks on the current sheet (Excel allows 65530) */
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
    if (strcasecmp(name, "metadata") == 0 || strcasecmp(name, "history") == 0 ||
        strcasecmp(name, "summary") == 0)
        return 1;
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

/* Display formats: the cell keeps the full double (libxlsxwriter writes 16 significant
 * digits; Excel itself keeps 15), the format decides what is shown. */
typedef enum { NF_INT, NF_DEC3, NF_DEC4, NF_PCT, NF_PROP, NF_PVAL, NF_COUNT } numfmt;

static const char *const numfmt_code[NF_COUNT] = {
    [NF_INT] = "0", [NF_DEC3] = "0.000", [NF_DEC4] = "0.0000",
    [NF_PCT] = "0.0",   /* percents stored as 0-100 (I2, weights) */
    [NF_PROP] = "0.0%", /* proportions stored as 0-1 */
    /* p-values: four decimals, scientific below 0.0001 (a plain 0.0000 would hide them) */
    [NF_PVAL] = "[<0.0001]0.00E+00;0.0000"};

static int name_is(const char *name, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(name, *list) == 0) return 1;
    return 0;
}

/* The display format of a numeric column, by its type and name. */
static numfmt col_numfmt(const msum_table *t, size_t c)
{
    static const char *const pct[] = {"I2", "I2_ci_lb", "I2_ci_ub", "I2_Q", "R2", "weight",
                                      "weight_pct", NULL};
    static const char *const small[] = {"vi", "se", "sei", "se_tau2", "tau2", "tau2_ci_lb",
                                        "tau2_ci_ub", "tau2_del", "tau2_RE", "vt", "s2w",
                                        "resid_se", "hat", NULL};
    const char *name = msum_table_col_name(t, c);
    if (msum_table_col_type(t, c) == MSUM_COL_INT) return NF_INT;
    if (msum_io_is_pval_col(name)) return NF_PVAL;
    if (name_is(name, pct)) return NF_PCT;
    if (strncmp(name, "prop_", 5) == 0) return NF_PROP;
    if (name_is(name, small)) return NF_DEC4;
    return NF_DEC3;
}

/* The width a number takes as its format shows it. */
static size_t shown_width(double v, numfmt f)
{
    char buf[64];
    if (!isfinite(v)) return (size_t)msum_fmt_num(v, 7, buf, sizeof buf);
    switch (f) {
    case NF_INT: snprintf(buf, sizeof buf, "%.0f", v); break;
    case NF_DEC4: snprintf(buf, sizeof buf, "%.4f", v); break;
    case NF_PCT: snprintf(buf, sizeof buf, "%.1f", v); break;
    case NF_PROP: snprintf(buf, sizeof buf, "%.1f%%", 100 * v); break;
    case NF_PVAL: snprintf(buf, sizeof buf, v < 0.0001 ? "%.2E" : "%.4f", v); break;
    default: snprintf(buf, sizeof buf, "%.3f", v); break;
    }
    return strlen(buf);
}

/* https://doi.org/DOI for a cell of a doi column: "10.xxx/yyy", "doi:10...", or a doi.org
 * URL; bytes outside RFC 3986's path characters are percent-encoded (DOIs may hold # ? % < >).
 * NULL when the text is no DOI (it stays plain text).  malloc'd. */
static char *doi_url(const char *s)
{
    static const char *const prefix[] = {"https://doi.org/", "http://doi.org/",
                                         "https://dx.doi.org/", "http://dx.doi.org/", "doi:",
                                         NULL};
    while (*s == ' ') s++;
    for (size_t i = 0; prefix[i]; i++)
        if (strncasecmp(s, prefix[i], strlen(prefix[i])) == 0) {
            s += strlen(prefix[i]);
            break;
        }
    while (*s == ' ') s++;
    size_t n = strlen(s);
    while (n && s[n - 1] == ' ') n--;
    if (n < 4 || strncmp(s, "10.", 3) != 0 || !memchr(s, '/', n)) return NULL;
    char *u = malloc(sizeof "https://doi.org/" + 3 * n);
    if (!u) return NULL;
    size_t len = (size_t)sprintf(u, "https://doi.org/");
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
            strchr("-._~!$&'()*+,;=:@/", ch))
            u[len++] = (char)ch;
        else
            len += (size_t)sprintf(u + len, "%%%02X", ch);
    }
    u[len] = '\0';
    return u;
}

/* Cell (r, c) of the sheet from cell (row, col) of t: text (a DOI as a hyperlink), a number
 * at full precision in its display format, +-Inf as text, NA as an empty cell.  Adds the
 * width the cell shows to *width (max). */
static int put_cell(book *b, lxw_worksheet *ws, size_t r, size_t c, const msum_table *t,
                    size_t row, size_t col, size_t *width)
{
    size_t w = 0;
    int st = MSUM_OK, guard = b->o->formula_guard;
    if (msum_table_is_na(t, row, col)) return MSUM_OK; /* NA: an empty cell */
    if (msum_table_col_type(t, col) == MSUM_COL_TEXT) {
        const char *s = msum_table_text(t, row, col);
        char *url = strcasecmp(msum_table_col_name(t, col), "doi") == 0 &&
                            b->nurls < LXW_MAX_NUMBER_URLS
                        ? doi_url(s)
                        : NULL;
        char *txt = url ? cell_text(s, guard) : NULL;
        if (url && txt &&
            worksheet_write_url_opt(ws, (lxw_row_t)r, (lxw_col_t)c, url, b->link, txt, NULL) ==
                LXW_NO_ERROR)
            b->nurls++;
        else
            st = put_text(ws, r, c, s, guard, NULL);
        free(url);
        free(txt);
        w = msum_io_utf8_len(s) + (guard && msum_formula_risky(s, strlen(s)));
    } else {
        char num[64];
        double v = msum_table_num(t, row, col);
        numfmt f = col_numfmt(t, col);
        w = shown_width(v, f);
        msum_fmt_num(v, 7, num, sizeof num);
        lxw_error e = isfinite(v) ? worksheet_write_number(ws, (lxw_row_t)r, (lxw_col_t)c, v,
                                                           b->num[f])
                                  : worksheet_write_string(ws, (lxw_row_t)r, (lxw_col_t)c, num,
                                                           NULL);
        if (e != LXW_NO_ERROR) st = MSUM_EIO;
    }
    if (w > *width) *width = w;
    return st;
}

/* Print setup of every sheet: landscape, one page wide (as many pages down as needed), the
 * first `head` rows repeated on each printed page, frozen on screen. */
static int print_setup(lxw_worksheet *ws, size_t head)
{
    worksheet_set_landscape(ws);
    worksheet_fit_to_pages(ws, 1, 0);
    worksheet_freeze_panes(ws, (lxw_row_t)head, 0);
    return worksheet_repeat_rows(ws, 0, (lxw_row_t)(head - 1)) == LXW_NO_ERROR ? MSUM_OK
                                                                                : MSUM_EIO;
}

static int set_width(lxw_worksheet *ws, size_t c, size_t width)
{
    if (width < 8) width = 8;
    if (width > 60) width = 60;
    return worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, (double)width + 1, NULL) ==
                   LXW_NO_ERROR
               ? MSUM_OK
               : MSUM_EIO;
}

static int write_sheet(book *b, const msum_table *t, size_t i)
{
    size_t nc = msum_table_ncols(t), nr = msum_table_nrows(t);
    if (nr + 1 > XLSX_MAX_ROWS || nc > XLSX_MAX_COLS) return MSUM_EINVAL;
    lxw_worksheet *ws = workbook_add_worksheet(b->wb, b->names[i]);
    if (!ws) return MSUM_EIO;
    int guard = b->o->formula_guard, st = MSUM_OK;
    b->nurls = 0;
    for (size_t c = 0; c < nc && st == MSUM_OK; c++) {
        const char *head = msum_table_col_name(t, c);
        size_t width = msum_io_utf8_len(head) + 3; /* room for the autofilter button */
        st = put_text(ws, 0, c, head, guard, b->bold);
        for (size_t r = 0; r < nr && st == MSUM_OK; r++)
            st = put_cell(b, ws, r + 1, c, t, r, c, &width);
        if (st == MSUM_OK) st = set_width(ws, c, width);
    }
    if (st == MSUM_OK) st = print_setup(ws, 1);
    if (st != MSUM_OK) return st;
    if (nc && worksheet_autofilter(ws, 0, 0, (lxw_row_t)nr, (lxw_col_t)(nc - 1)) != LXW_NO_ERROR)
        return MSUM_EIO;
    return MSUM_OK;
}

/* ---- the summary sheet ----
 *
 * The main numbers of the first table.  A table of estimates (columns estimate, ci_lb, ci_ub)
 * with at most SUMMARY_MAX_FITS rows is turned round: one row per statistic (k, estimate,
 * CI, test, p, tau2, I2, Q, prediction interval, ...), one column per fit (group, coefficient,
 * test), so a one-row pool result reads down one column.  Any other table: its first
 * SUMMARY_ROWS rows and SUMMARY_COLS columns.  A table named "between" (the tests for
 * subgroup differences) follows as a second block. */
enum { SUMMARY_MAX_FITS = 16, SUMMARY_ROWS = 10, SUMMARY_COLS = 10, SUMMARY_WIDTH = 44 };

/* The statistics of a fit, in reading order: column name(s) (alternatives '|'), row label. */
static const struct {
    const char *cols, *label;
} fit_stats[] = {
    {"k", "Studies (k)"},
    {"measure", "Measure"},
    {"scale", "Scale"},
    {"estimate", "Estimate"},
    {"se", "Standard error"},
    {"ci_lb", "CI lower bound"},
    {"ci_ub", "CI upper bound"},
    {"exp_estimate", "Estimate, back-transformed (exp)"},
    {"exp_ci_lb", "CI lower bound (exp)"},
    {"exp_ci_ub", "CI upper bound (exp)"},
    {"stat", "Test statistic (z or t)"},
    {"df", "df of the test"},
    {"pval", "p-value"},
    {"pi_lb", "Prediction interval lower bound"},
    {"pi_ub", "Prediction interval upper bound"},
    {"exp_pi_lb", "Prediction interval lower bound (exp)"},
    {"exp_pi_ub", "Prediction interval upper bound (exp)"},
    {"tau2", "\xcf\x84\xc2\xb2 (between-study variance)"},
    {"tau", "\xcf\x84"},
    {"I2", "I\xc2\xb2 (%)"},
    {"H2", "H\xc2\xb2"},
    {"QE|Q", "Q (heterogeneity)"},
    {"QE_df|QEdf", "Q df"},
    {"QE_p|QEp|Q_p", "Q p-value"},
    {"estimator_used|method_used|method", "Estimator"},
    {"test", "Test"},
    {"note|notes", "Notes"},
};

/* Column of t named by one of the '|'-separated names, or -1. */
static int col_of(const msum_table *t, const char *names)
{
    char buf[64];
    while (*names) {
        size_t n = strcspn(names, "|");
        snprintf(buf, sizeof buf, "%.*s", (int)n, names);
        int c = msum_table_col_index(t, buf);
        if (c >= 0) return c;
        names += n + (names[n] == '|');
    }
    return -1;
}

static int is_fit_table(const msum_table *t)
{
    size_t nr = msum_table_nrows(t);
    return nr >= 1 && nr <= SUMMARY_MAX_FITS && msum_table_col_index(t, "estimate") >= 0 &&
           msum_table_col_index(t, "ci_lb") >= 0 && msum_table_col_index(t, "ci_ub") >= 0;
}

/* A fit's column heading: the text cells before the first numeric column (group,
 * coefficient, test and method), else its id, else "value" (one fit) or "row N". */
static void fit_label(const msum_table *t, size_t r, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t c = 0; c < msum_table_ncols(t) && msum_table_col_type(t, c) == MSUM_COL_TEXT;
         c++) {
        if (msum_table_is_na(t, r, c)) continue;
        int n = snprintf(buf + len, size - len, "%s%s", len ? ", " : "", msum_table_text(t, r, c));
        if (n < 0 || (size_t)n >= size - len) break;
        len += (size_t)n;
    }
    int id = msum_table_col_index(t, "id");
    if (!len && id >= 0 && msum_table_col_type(t, (size_t)id) == MSUM_COL_TEXT &&
        !msum_table_is_na(t, r, (size_t)id))
        snprintf(buf, size, "%s", msum_table_text(t, r, (size_t)id));
    else if (!len)
        snprintf(buf, size, msum_table_nrows(t) == 1 ? "value" : "row %zu", r + 1);
}

/* The turned-round block of a fit table from sheet row *row on.  widths[0] is the label
 * column's width, widths[1 + j] fit j's. */
static int summary_fits(book *b, lxw_worksheet *ws, const msum_table *t, size_t *row,
                        size_t *widths)
{
    size_t nr = msum_table_nrows(t), r0 = *row;
    int st = put_text(ws, r0, 0, "statistic", 0, b->bold);
    const char *level = msum_table_meta(t, "level");
    char *end = NULL;
    double lv = level ? strtod(level, &end) : NAN;
    int pct = end && *end == '\0' && lv > 0 && lv < 1 ? (int)(100 * lv + 0.5) : 0;
    for (size_t j = 0; j < nr && st == MSUM_OK; j++) {
        char lab[256];
        fit_label(t, j, lab, sizeof lab);
        st = put_text(ws, r0, 1 + j, lab, b->o->formula_guard, b->bold);
        size_t w = msum_io_utf8_len(lab);
        if (w > widths[1 + j]) widths[1 + j] = w;
    }
    size_t r = r0 + 1;
    for (size_t s = 0; s < sizeof fit_stats / sizeof *fit_stats && st == MSUM_OK; s++) {
        int c = col_of(t, fit_stats[s].cols);
        if (c < 0) continue;
        int any = 0;
        for (size_t j = 0; j < nr; j++)
            any |= !msum_table_is_na(t, j, (size_t)c) &&
                   (msum_table_col_type(t, (size_t)c) != MSUM_COL_TEXT ||
                    *msum_table_text(t, j, (size_t)c));
        if (!any) continue;
        char lab[128];
        const char *l = fit_stats[s].label;
        if (pct && strstr(l, "CI ") == l) snprintf(lab, sizeof lab, "%d%% %s", pct, l);
        else if (pct && strstr(l, "Prediction") == l)
            snprintf(lab, sizeof lab, "%d%% p%s", pct, l + 1);
        else snprintf(lab, sizeof lab, "%s", l);
        st = put_text(ws, r, 0, lab, 0, NULL);
        size_t w = msum_io_utf8_len(lab);
        if (w > widths[0]) widths[0] = w;
        for (size_t j = 0; j < nr && st == MSUM_OK; j++)
            st = put_cell(b, ws, r, 1 + j, t, j, (size_t)c, &widths[1 + j]);
        r++;
    }
    *row = r;
    return st;
}

/* The first rows and columns of a table from sheet row *row on, with a note when cut. */
static int summary_rows(book *b, lxw_worksheet *ws, const msum_table *t, size_t sheet,
                        size_t *row, size_t *widths)
{
    size_t nr = msum_table_nrows(t), nc = msum_table_ncols(t), r0 = *row;
    size_t shr = nr < SUMMARY_ROWS ? nr : SUMMARY_ROWS, shc = nc < SUMMARY_COLS ? nc : SUMMARY_COLS;
    int st = MSUM_OK;
    for (size_t c = 0; c < shc && st == MSUM_OK; c++) {
        const char *head = msum_table_col_name(t, c);
        st = put_text(ws, r0, c, head, b->o->formula_guard, b->bold);
        size_t w = msum_io_utf8_len(head);
        if (w > widths[c]) widths[c] = w;
        for (size_t r = 0; r < shr && st == MSUM_OK; r++)
            st = put_cell(b, ws, r0 + 1 + r, c, t, r, c, &widths[c]);
    }
    *row = r0 + 1 + shr;
    if (st == MSUM_OK && (shr < nr || shc < nc)) {
        char note[256];
        snprintf(note, sizeof note, "%zu of %zu rows and %zu of %zu columns shown: the whole "
                 "table is on sheet '%s'", shr, nr, shc, nc, b->names[sheet]);
        st = put_text(ws, (*row)++, 0, note, 0, b->italic);
    }
    return st;
}

static int write_summary(book *b, const msum_table *const *ts, size_t n)
{
    lxw_worksheet *ws = workbook_add_worksheet(b->wb, "summary");
    if (!ws) return MSUM_EIO;
    size_t cols = SUMMARY_COLS > SUMMARY_MAX_FITS + 1 ? SUMMARY_COLS : SUMMARY_MAX_FITS + 1;
    size_t widths[SUMMARY_COLS > SUMMARY_MAX_FITS + 1 ? SUMMARY_COLS : SUMMARY_MAX_FITS + 1] = {0};
    const msum_table *t = ts[0];
    const char *title = msum_table_title(t);
    int st = put_text(ws, 0, 0, title && *title ? title : msum_table_name(t), b->o->formula_guard,
                      b->title);
    size_t row = 1;
    if (st == MSUM_OK)
        st = is_fit_table(t) ? summary_fits(b, ws, t, &row, widths)
                             : summary_rows(b, ws, t, 0, &row, widths);
    for (size_t i = 1; i < n && st == MSUM_OK; i++) {
        if (strcmp(msum_table_name(ts[i]), "between") != 0) continue;
        row++;
        const char *bt = msum_table_title(ts[i]);
        st = put_text(ws, row++, 0, bt && *bt ? bt : "between", b->o->formula_guard, b->bold);
        if (st == MSUM_OK) st = summary_rows(b, ws, ts[i], i, &row, widths);
    }
    /* narrower than the table sheets: long texts (titles, authors) would shrink the printed
     * page; the full text stays in the cell */
    for (size_t c = 0; c < cols && st == MSUM_OK; c++)
        if (widths[c]) st = set_width(ws, c, widths[c] + 1 < SUMMARY_WIDTH ? widths[c] + 1
                                                                            : SUMMARY_WIDTH);
    if (st == MSUM_OK) st = print_setup(ws, 2);
    return st;
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
    return print_setup(ws, 1);
}

static int add_formats(book *b)
{
    lxw_format **all[] = {&b->bold, &b->italic, &b->title, &b->link};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++)
        if (!(*all[i] = workbook_add_format(b->wb))) return MSUM_ENOMEM;
    format_set_bold(b->bold);
    format_set_italic(b->italic);
    format_set_bold(b->title);
    format_set_font_size(b->title, 13);
    format_set_underline(b->link, LXW_UNDERLINE_SINGLE);
    format_set_font_color(b->link, LXW_COLOR_BLUE);
    for (int f = 0; f < NF_COUNT; f++) {
        if (!(b->num[f] = workbook_add_format(b->wb))) return MSUM_ENOMEM;
        format_set_num_format(b->num[f], numfmt_code[f]);
    }
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
        st = add_formats(&b);
    }
    for (size_t i = 0; i < n; i++) {
        char name[4 * SHEET_MAX + 8];
        sheet_name(&b, msum_table_name(ts[i]), name); /* all first: the summary names them */
    }
    if (st == MSUM_OK && n) st = write_summary(&b, ts, n);
    for (size_t i = 0; i < n && st == MSUM_OK; i++) st = write_sheet(&b, ts[i], i);
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
