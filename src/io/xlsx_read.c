/* XLSX input: the ZIP container through minizip, the SpreadsheetML parts through expat
 * (streamed: a part is never held whole).  ECMA-376 Part 1 §18.2 (workbook, sheets), §18.3
 * (sheetData: row, c with r/t attributes, v, is), §18.4 (shared strings: si, t, r, rPh).
 * Element and attribute names are matched without their namespace prefix.
 */
#include "xlsx_read.h"

#include <errno.h>
#include <expat.h>
#include <math.h>
#include <minizip/unzip.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "metasum/metasum.h"
#include "metasum/reader.h"

#define XLSX_MAX_COLS 16384 /* column XFD, the format's limit */

/* Limits that keep a small hostile file (a ZIP bomb: megabytes that inflate to gigabytes of
 * XML) from exhausting memory or time; a real workbook of effects is far below each.  The
 * worksheet is held in memory, so it gets a budget: its cells as the reader will see them
 * (rows times their width, gaps included), and the bytes kept for cells and shared strings.
 * XML nesting is bounded (expat keeps one entry per open element).  A cell's text obeys
 * --max-field, as a CSV field does. */
#define XLSX_MAX_GRID ((size_t)1 << 26)   /* cells, gaps included: 2^26 = 67108864 */
#define XLSX_MAX_BYTES ((size_t)512 << 20) /* bytes of cells, shared strings and rows */
#define XLSX_MAX_DEPTH 256                 /* open XML elements */
#define XLSX_MAX_SHEETS 10000              /* sheets, and relationships of the workbook */

typedef struct {
    char *s;
    size_t n, cap;
} strbuf;

static int sb_add(strbuf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t c = b->cap ? b->cap : 64;
        while (c < b->n + n + 1) c *= 2;
        char *p = realloc(b->s, c);
        if (!p) return -1;
        b->s = p;
        b->cap = c;
    }
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
    return 0;
}

/* A growable list of owned strings (workbook parts: a few names). */
typedef struct {
    char **v;
    size_t n, cap;
} strlist;

static int sl_push(strlist *l, const char *s, size_t n)
{
    if (l->n == l->cap) {
        size_t c = l->cap ? 2 * l->cap : 64;
        char **p = realloc(l->v, c * sizeof *p);
        if (!p) return -1;
        l->v = p;
        l->cap = c;
    }
    char *t = malloc(n + 1);
    if (!t) return -1;
    memcpy(t, s, n);
    t[n] = '\0';
    l->v[l->n++] = t;
    return 0;
}

static void sl_free(strlist *l)
{
    for (size_t i = 0; i < l->n; i++) free(l->v[i]);
    free(l->v);
}

/* Many strings in one buffer (shared strings, cells): offsets into `text`, each NUL-ended;
 * no allocation per string. */
typedef struct {
    strbuf text;
    size_t *off;
    size_t n, cap;
} strpool;

static int sp_push(strpool *p, const char *s, size_t n)
{
    if (p->n == p->cap) {
        size_t c = p->cap ? 2 * p->cap : 64;
        size_t *o = realloc(p->off, c * sizeof *o);
        if (!o) return -1;
        p->off = o;
        p->cap = c;
    }
    size_t at = p->text.n;
    if (sb_add(&p->text, s, n) || sb_add(&p->text, "", 1)) return -1; /* keeps the NUL */
    p->off[p->n++] = at;
    return 0;
}

static const char *sp_get(const strpool *p, size_t i) { return p->text.s + p->off[i]; }

static void sp_free(strpool *p)
{
    free(p->text.s);
    free(p->off);
}

/* A stored row: its cells are cells[first .. first+n) (not empty, in document order, each
 * with its 0-based column); `width` is one past the last column holding text. */
typedef struct {
    long rownum;
    size_t first, n, width;
} xrow;

struct xlsx_sheet {
    char *name;
    char *all;         /* every sheet's name, ", " between (hidden ones too) */
    xrow *rows;
    size_t nrows, rowcap;
    strpool cells;     /* the text of every stored cell, row after row */
    size_t *cellcol;   /* the column of each (cells.cap entries) */
    size_t grid;       /* sum of the rows' widths: the cells the reader will see */
    const char **line; /* xlsx_sheet_row's row: "" for the gaps */
    size_t linecap;
};

/* Local name of an element or attribute: the part after a namespace prefix. */
static const char *local(const char *name)
{
    const char *c = strrchr(name, ':');
    return c ? c + 1 : name;
}

static const char *attr(const char **atts, const char *want)
{
    for (size_t i = 0; atts[i]; i += 2)
        if (strcmp(local(atts[i]), want) == 0) return atts[i + 1];
    return NULL;
}

/* ---- reading one part through expat ---------------------------------------------------- */

/* The first member of every part's handler state.  A handler that finds a limit passed adds
 * its diagnostic and sets `limit`; the parse then stops. */
typedef struct {
    int nomem, limit;
    long depth;
    size_t *used;           /* bytes kept so far, against XLSX_MAX_BYTES (shared by parts) */
    const char *name;       /* for diagnostics */
    msum_diags *d;
    XML_Parser p;
    XML_StartElementHandler start;
    XML_EndElementHandler end;
    XML_CharacterDataHandler text;
} parse_state;

/* Count `n` more bytes kept; past the budget, report once and stop. */
static int keep_bytes(parse_state *ps, size_t n)
{
    *ps->used += n;
    if (*ps->used <= XLSX_MAX_BYTES) return 0;
    if (!ps->limit)
        msum_diags_add(ps->d, MSUM_DIAG_ERROR, ps->name, 0, 0, NULL,
                       "found a workbook whose cells take more than %zu MiB, expected a "
                       "smaller sheet (save it as CSV, which is read as a stream)",
                       XLSX_MAX_BYTES >> 20);
    ps->limit = 1;
    return -1;
}

/* Handler wrappers: nesting depth, and the stop once a limit is passed. */
static void on_start(void *ud, const char *el, const char **atts)
{
    parse_state *ps = ud;
    if (++ps->depth > XLSX_MAX_DEPTH && !ps->limit) {
        msum_diags_add(ps->d, MSUM_DIAG_ERROR, ps->name, 0, 0, NULL,
                       "found XML nested deeper than %d elements (line %lu), expected an "
                       "XLSX workbook", XLSX_MAX_DEPTH,
                       (unsigned long)XML_GetCurrentLineNumber(ps->p));
        ps->limit = 1;
    }
    if (!ps->limit && ps->start) ps->start(ud, el, atts);
    if (ps->limit || ps->nomem) XML_StopParser(ps->p, XML_FALSE);
}

static void on_end(void *ud, const char *el)
{
    parse_state *ps = ud;
    ps->depth--;
    if (!ps->limit && ps->end) ps->end(ud, el);
    if (ps->limit || ps->nomem) XML_StopParser(ps->p, XML_FALSE);
}

static void on_text(void *ud, const char *t, int n)
{
    parse_state *ps = ud;
    if (!ps->limit && ps->text) ps->text(ud, t, n);
    if (ps->limit || ps->nomem) XML_StopParser(ps->p, XML_FALSE);
}

/* Parse ZIP entry `entry` with the handlers (user data first member: parse_state, whose
 * `used`, `name` and `d` are set).  Returns 0, 1 when the entry does not exist, -1 on
 * malformed XML or ZIP data or a limit passed (diagnostic added), MSUM_ENOMEM as -2. */
static int parse_part(unzFile z, const char *entry, void *ud, XML_StartElementHandler start,
                      XML_EndElementHandler end, XML_CharacterDataHandler text,
                      const char *name, msum_diags *d)
{
    if (unzLocateFile(z, entry, 2) != UNZ_OK) return 1;
    if (unzOpenCurrentFile(z) != UNZ_OK) {
        msum_diags_add(d, MSUM_DIAG_ERROR, name, 0, 0, NULL,
                       "found a damaged ZIP entry '%s', expected an XLSX workbook", entry);
        return -1;
    }
    XML_Parser p = XML_ParserCreate("UTF-8");
    if (!p) {
        unzCloseCurrentFile(z);
        return -2;
    }
    parse_state *ps = ud;
    ps->p = p;
    ps->depth = 0;
    ps->start = start;
    ps->end = end;
    ps->text = text;
    XML_SetUserData(p, ud);
    XML_SetElementHandler(p, on_start, on_end);
    XML_SetCharacterDataHandler(p, on_text);
    char buf[65536];
    int rc = 0;
    for (;;) {
        int n = unzReadCurrentFile(z, buf, sizeof buf);
        if (n < 0) {
            msum_diags_add(d, MSUM_DIAG_ERROR, name, 0, 0, NULL,
                           "found damaged compressed data in '%s', expected an XLSX workbook",
                           entry);
            rc = -1;
            break;
        }
        if (XML_Parse(p, buf, n, n == 0) != XML_STATUS_OK) {
            if (ps->nomem) {
                rc = -2;
                break;
            }
            if (ps->limit) { /* stopped by a handler: the message is out */
                rc = -1;
                break;
            }
            msum_diags_add(d, MSUM_DIAG_ERROR, name, 0, 0, NULL,
                           "found malformed XML in '%s' (line %lu: %s), expected an XLSX "
                           "workbook", entry, (unsigned long)XML_GetCurrentLineNumber(p),
                           XML_ErrorString(XML_GetErrorCode(p)));
            rc = -1;
            break;
        }
        if (ps->nomem) {
            rc = -2;
            break;
        }
        if (n == 0) break;
    }
    XML_ParserFree(p);
    unzCloseCurrentFile(z);
    return rc;
}

/* ---- workbook: sheet names and their parts ----------------------------------------------- */

typedef struct {
    parse_state ps;
    strlist names, rids, states; /* workbook.xml: <sheet name= r:id= state=> */
    strlist ids, targets, types; /* workbook.xml.rels: <Relationship Id= Target= Type=> */
    char *shared;                /* the shared-strings part, if the rels name one */
    char *styles;                /* the styles part, if the rels name one */
    int date1904;                /* <workbookPr date1904=>: serials count from 1904-01-01 */
} book;

static void book_start(void *ud, const char *el, const char **atts)
{
    book *b = ud;
    const char *l = local(el);
    if ((b->names.n >= XLSX_MAX_SHEETS || b->ids.n >= XLSX_MAX_SHEETS) && !b->ps.limit) {
        msum_diags_add(b->ps.d, MSUM_DIAG_ERROR, b->ps.name, 0, 0, NULL,
                       "found a workbook of more than %d sheets or relationships, expected an "
                       "XLSX workbook", XLSX_MAX_SHEETS);
        b->ps.limit = 1;
        return;
    }
    if (strcmp(l, "workbookPr") == 0) {
        const char *d = attr(atts, "date1904");
        b->date1904 = d && (strcmp(d, "1") == 0 || strcmp(d, "true") == 0);
    } else if (strcmp(l, "sheet") == 0) {
        const char *nm = attr(atts, "name"), *id = attr(atts, "id"), *st = attr(atts, "state");
        if (!nm) nm = "";
        if (!id) id = "";
        if (!st) st = "visible";
        if (sl_push(&b->names, nm, strlen(nm)) || sl_push(&b->rids, id, strlen(id)) ||
            sl_push(&b->states, st, strlen(st)))
            b->ps.nomem = 1;
    } else if (strcmp(l, "Relationship") == 0) {
        const char *id = attr(atts, "Id"), *tg = attr(atts, "Target"), *ty = attr(atts, "Type");
        if (!id || !tg) return;
        if (!ty) ty = "";
        if (sl_push(&b->ids, id, strlen(id)) || sl_push(&b->targets, tg, strlen(tg)) ||
            sl_push(&b->types, ty, strlen(ty)))
            b->ps.nomem = 1;
        size_t tl = strlen(ty);
        if (tl >= 14 && strcmp(ty + tl - 14, "/sharedStrings") == 0 && !b->shared &&
            !(b->shared = strdup(tg)))
            b->ps.nomem = 1;
        if (tl >= 7 && strcmp(ty + tl - 7, "/styles") == 0 && !b->styles &&
            !(b->styles = strdup(tg)))
            b->ps.nomem = 1;
    }
}

static void no_end(void *ud, const char *el)
{
    (void)ud;
    (void)el;
}

/* A relationship target as a ZIP entry name: relative to xl/, or absolute from the root. */
static char *part_path(const char *target)
{
    size_t n = strlen(target);
    char *p = malloc(n + 4);
    if (!p) return NULL;
    if (target[0] == '/') memcpy(p, target + 1, n);
    else snprintf(p, n + 4, "xl/%s", target);
    return p;
}

/* ---- styles: which cell formats show dates ------------------------------------------------ */

/* ECMA-376 Part 1 §18.8.30: built-in number formats 14-22 and 45-47 are dates and times; a
 * custom format is one when its code, outside quoted text and [brackets], holds y, d, h or s
 * (m alone may be months or minutes, and appears with one of them in practice). */
static int date_code(const char *code)
{
    for (const char *p = code; *p; p++) {
        if (*p == '"') {
            const char *e = strchr(p + 1, '"');
            if (!e) return 0;
            p = e;
        } else if (*p == '[') {
            const char *e = strchr(p + 1, ']');
            if (!e) return 0;
            p = e;
        } else if (*p == '\\' && p[1]) {
            p++;
        } else if (strchr("yYdDhHsS", *p)) {
            return 1;
        }
    }
    return 0;
}

#define XLSX_MAX_FMT 65536 /* number format ids looked up (custom ones start at 164) */

typedef struct {
    parse_state ps;
    int in_xfs;
    unsigned char *fmt_date;    /* per numFmtId below XLSX_MAX_FMT: a custom date format */
    unsigned char *is_date;     /* per <cellXfs><xf>, in order */
    size_t nxf, xfcap;
} styles_state;

static int fmt_is_date(const styles_state *st, long id)
{
    if ((id >= 14 && id <= 22) || (id >= 45 && id <= 47)) return 1;
    return id >= 0 && id < XLSX_MAX_FMT && st->fmt_date && st->fmt_date[id];
}

static void styles_start(void *ud, const char *el, const char **atts)
{
    styles_state *st = ud;
    const char *l = local(el);
    if (strcmp(l, "numFmt") == 0) {
        const char *id = attr(atts, "numFmtId"), *code = attr(atts, "formatCode");
        long n = id ? strtol(id, NULL, 10) : -1;
        if (!code || n < 0 || n >= XLSX_MAX_FMT) return;
        if (!st->fmt_date && !(st->fmt_date = calloc(XLSX_MAX_FMT, 1))) {
            st->ps.nomem = 1;
            return;
        }
        st->fmt_date[n] = (unsigned char)date_code(code);
    } else if (strcmp(l, "cellXfs") == 0) {
        st->in_xfs = 1;
    } else if (st->in_xfs && strcmp(l, "xf") == 0) {
        if (keep_bytes(&st->ps, 1)) return;
        if (st->nxf == st->xfcap) {
            size_t c = st->xfcap ? 2 * st->xfcap : 64;
            unsigned char *p = realloc(st->is_date, c);
            if (!p) {
                st->ps.nomem = 1;
                return;
            }
            st->is_date = p;
            st->xfcap = c;
        }
        const char *id = attr(atts, "numFmtId");
        st->is_date[st->nxf++] = (unsigned char)(id && fmt_is_date(st, strtol(id, NULL, 10)));
    }
}

static void styles_end(void *ud, const char *el)
{
    styles_state *st = ud;
    if (strcmp(local(el), "cellXfs") == 0) st->in_xfs = 0;
}

/* Days since 1970-01-01 to a civil date (H. Hinnant's days_from_civil, inverted). */
static void civil_from_days(long z, long *y, int *m, int *d)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

/* A date cell's serial as the text the sheet shows in ISO 8601: "1948-01-01", with
 * " HH:MM:SS" when it has a time of day, "HH:MM:SS" for a time alone.  Excel's 1900 system
 * counts 1900-02-29, which did not exist (serial 60), as Lotus 1-2-3 did.  0 when the value
 * is no serial (not a number, negative, after 9999-12-31): the cell then stays as stored. */
static int serial_text(const char *v, int date1904, char *out, size_t size)
{
    char *end;
    double x = strtod(v, &end);
    if (!*v || *end || !(x >= 0 && x < 2958466)) return 0;
    long day = (long)x;
    long secs = lround((x - (double)day) * 86400.0);
    if (secs >= 86400) {
        day++;
        secs -= 86400;
    }
    char date[48] = "";
    if (date1904 || day > 0) {
        long y;
        int m, d;
        if (!date1904 && day == 60) {
            y = 1900, m = 2, d = 29;
        } else {
            long z = date1904 ? day - 24107 : day - (day < 60 ? 25568 : 25569);
            civil_from_days(z, &y, &m, &d);
        }
        snprintf(date, sizeof date, "%04ld-%02d-%02d", y, m, d);
    }
    if (secs == 0 && *date) snprintf(out, size, "%s", date);
    else
        snprintf(out, size, "%s%s%02ld:%02ld:%02ld", date, *date ? " " : "", secs / 3600,
                 secs / 60 % 60, secs % 60);
    return 1;
}

/* ---- shared strings ---------------------------------------------------------------------- */

/* A cell's text is kept up to one byte past --max-field: enough to tell it is too long. */
static int add_capped(parse_state *ps, strbuf *b, const char *t, size_t n)
{
    size_t cap = msum_reader_max_field() + 1;
    if (b->n >= cap) return 0;
    if (n > cap - b->n) n = cap - b->n;
    if (sb_add(b, t, n)) {
        ps->nomem = 1;
        return -1;
    }
    return 0;
}

typedef struct {
    parse_state ps;
    strpool sst;
    strbuf cur;
    int in_si, in_t, in_rph;
} sst_state;

static void sst_start(void *ud, const char *el, const char **atts)
{
    (void)atts;
    sst_state *s = ud;
    const char *l = local(el);
    if (strcmp(l, "si") == 0) {
        s->in_si = 1;
        s->cur.n = 0;
        if (sb_add(&s->cur, "", 0)) s->ps.nomem = 1;
    } else if (strcmp(l, "rPh") == 0) s->in_rph = 1; /* phonetic reading: not the text */
    else if (strcmp(l, "t") == 0) s->in_t = 1;
}

static void sst_end(void *ud, const char *el)
{
    sst_state *s = ud;
    const char *l = local(el);
    if (strcmp(l, "si") == 0) {
        s->in_si = 0;
        if (keep_bytes(&s->ps, s->cur.n + 1 + sizeof(size_t))) return;
        if (sp_push(&s->sst, s->cur.s ? s->cur.s : "", s->cur.n)) s->ps.nomem = 1;
    } else if (strcmp(l, "rPh") == 0) s->in_rph = 0;
    else if (strcmp(l, "t") == 0) s->in_t = 0;
}

static void sst_text(void *ud, const char *t, int n)
{
    sst_state *s = ud;
    if (s->in_si && s->in_t && !s->in_rph) add_capped(&s->ps, &s->cur, t, (size_t)n);
}

/* ---- the worksheet ----------------------------------------------------------------------- */

typedef struct {
    parse_state ps;
    xlsx_sheet *sh;
    const strpool *sst;
    const unsigned char *is_date; /* per style index (the cell's s attribute): shows a date */
    size_t nxf;
    int date1904;
    int date;            /* the current cell's style shows a date */
    strbuf val;
    char type[16];       /* the cell's t attribute */
    long rownum, nextrow;
    size_t col, nextcol; /* 0-based column of the current cell; of the next without r= */
    int in_row, in_cell, in_v, in_t, in_rph, bad_ref;
    long bad_row;
    size_t bad_col;
} sheet_state;

/* "B3" -> column 1, row 3; 0 on a malformed reference. */
static int cell_ref(const char *r, size_t *col, long *row)
{
    size_t c = 0;
    const char *p = r;
    while (*p >= 'A' && *p <= 'Z') {
        c = c * 26 + (size_t)(*p++ - 'A' + 1);
        if (c > XLSX_MAX_COLS) return 0;
    }
    if (c == 0 || !(*p >= '1' && *p <= '9')) return 0;
    long n = 0;
    while (*p >= '0' && *p <= '9') {
        n = n * 10 + (*p++ - '0');
        if (n > 1048576) return 0;
    }
    if (*p) return 0;
    *col = c - 1;
    *row = n;
    return 1;
}

/* A diagnostic at a cell of the sheet being read ("book.xlsx:Data" + row, column). */
static void sheet_error(sheet_state *s, long row, size_t col, const char *what)
{
    char where[512];
    snprintf(where, sizeof where, "%s:%s", s->ps.name, s->sh->name);
    msum_diags_add(s->ps.d, MSUM_DIAG_ERROR, where, row, (long)col + 1, NULL, "%s", what);
    s->ps.limit = 1;
}

static int sheet_new_row(sheet_state *s, long rownum)
{
    xlsx_sheet *sh = s->sh;
    if (keep_bytes(&s->ps, sizeof(xrow))) return 0;
    if (sh->nrows == sh->rowcap) {
        size_t c = sh->rowcap ? 2 * sh->rowcap : 64;
        xrow *p = realloc(sh->rows, c * sizeof *p);
        if (!p) return -1;
        sh->rows = p;
        sh->rowcap = c;
    }
    sh->rows[sh->nrows++] = (xrow){rownum, sh->cells.n, 0, 0};
    return 0;
}

static void sheet_start(void *ud, const char *el, const char **atts)
{
    sheet_state *s = ud;
    const char *l = local(el);
    if (strcmp(l, "row") == 0) {
        const char *r = attr(atts, "r");
        long n = r ? strtol(r, NULL, 10) : 0;
        s->rownum = n > 0 ? n : s->nextrow;
        s->nextrow = s->rownum + 1;
        s->nextcol = 0;
        s->in_row = 1;
        if (sheet_new_row(s, s->rownum)) s->ps.nomem = 1;
    } else if (strcmp(l, "c") == 0 && s->in_row) {
        const char *r = attr(atts, "r"), *t = attr(atts, "t");
        size_t col = s->nextcol;
        long row = s->rownum;
        if (r && (!cell_ref(r, &col, &row) || row != s->rownum) && !s->bad_ref) {
            s->bad_ref = 1;
            s->bad_row = s->rownum;
            s->bad_col = s->nextcol;
            col = s->nextcol;
        }
        if (col >= XLSX_MAX_COLS) { /* cells without r= past column XFD */
            if (!s->bad_ref) {
                s->bad_ref = 1;
                s->bad_row = s->rownum;
                s->bad_col = XLSX_MAX_COLS - 1;
            }
            col = XLSX_MAX_COLS - 1;
        }
        s->col = col;
        s->nextcol = col + 1;
        snprintf(s->type, sizeof s->type, "%s", t ? t : "n");
        const char *st = attr(atts, "s");
        long xf = st ? strtol(st, NULL, 10) : -1;
        s->date = xf >= 0 && (size_t)xf < s->nxf && s->is_date[xf];
        s->val.n = 0;
        if (sb_add(&s->val, "", 0)) s->ps.nomem = 1;
        s->in_cell = 1;
    } else if (s->in_cell && strcmp(l, "v") == 0) s->in_v = 1;
    else if (s->in_cell && strcmp(l, "rPh") == 0) s->in_rph = 1;
    else if (s->in_cell && strcmp(l, "t") == 0) s->in_t = 1;
}

/* Store the finished cell (an empty one is a gap, and is not stored). */
static void sheet_put(sheet_state *s)
{
    xlsx_sheet *sh = s->sh;
    if (sh->nrows == 0) return; /* its row could not be stored (reported) */
    xrow *row = &sh->rows[sh->nrows - 1];
    const char *v = s->val.s ? s->val.s : "";
    size_t len = s->val.n;
    char date[80];
    if (strcmp(s->type, "s") == 0) {
        char *end;
        long i = strtol(v, &end, 10);
        v = (*v && !*end && i >= 0 && (size_t)i < s->sst->n) ? sp_get(s->sst, (size_t)i) : "";
        len = strlen(v);
    } else if (strcmp(s->type, "b") == 0) {
        v = strcmp(v, "1") == 0 ? "TRUE" : strcmp(v, "0") == 0 ? "FALSE" : v;
        len = strlen(v);
    } else if (strcmp(s->type, "n") == 0 && s->date && serial_text(v, s->date1904, date,
                                                                   sizeof date)) {
        v = date; /* a date as the sheet shows it, not its day count */
        len = strlen(v);
    } /* other numbers, formula strings ("str") and errors ("e") stay as stored */
    if (len > msum_reader_max_field()) {
        char what[128];
        snprintf(what, sizeof what, "cell longer than %zu bytes (--max-field)",
                 msum_reader_max_field());
        sheet_error(s, s->rownum, s->col, what);
        return;
    }
    if (len == 0) return;
    if (s->col + 1 > row->width) {
        /* the reader sees every cell up to the last one: that grid is what is bounded */
        sh->grid += s->col + 1 - row->width;
        row->width = s->col + 1;
        if (sh->grid > XLSX_MAX_GRID) {
            char what[160];
            snprintf(what, sizeof what, "found a worksheet of more than %zu cells (rows "
                     "times columns up to the last used one), expected a smaller sheet",
                     XLSX_MAX_GRID);
            sheet_error(s, s->rownum, s->col, what);
            return;
        }
    }
    if (keep_bytes(&s->ps, len + 1 + 2 * sizeof(size_t))) return;
    size_t oldcap = sh->cells.cap;
    if (sp_push(&sh->cells, v, len)) {
        s->ps.nomem = 1;
        return;
    }
    if (sh->cells.cap != oldcap) {
        size_t *c = realloc(sh->cellcol, sh->cells.cap * sizeof *c);
        if (!c) {
            s->ps.nomem = 1;
            return;
        }
        sh->cellcol = c;
    }
    sh->cellcol[sh->cells.n - 1] = s->col;
    row->n++;
}

static void sheet_end(void *ud, const char *el)
{
    sheet_state *s = ud;
    const char *l = local(el);
    if (strcmp(l, "row") == 0) s->in_row = 0;
    else if (strcmp(l, "c") == 0 && s->in_cell) {
        s->in_cell = 0;
        sheet_put(s);
    } else if (strcmp(l, "v") == 0) s->in_v = 0;
    else if (strcmp(l, "rPh") == 0) s->in_rph = 0;
    else if (strcmp(l, "t") == 0) s->in_t = 0;
}

static void sheet_text(void *ud, const char *t, int n)
{
    sheet_state *s = ud;
    if (!s->in_cell) return;
    /* <v> for values (numbers, shared-string indexes, formula results), <is><t> for inline
     * strings */
    int inl = strcmp(s->type, "inlineStr") == 0;
    if ((s->in_v && !inl) || (inl && s->in_t && !s->in_rph))
        add_capped(&s->ps, &s->val, t, (size_t)n);
}

/* ---- public ------------------------------------------------------------------------------ */

void xlsx_sheet_free(xlsx_sheet *s)
{
    if (!s) return;
    free(s->name);
    free(s->all);
    free(s->rows);
    sp_free(&s->cells);
    free(s->cellcol);
    free(s->line);
    free(s);
}

const char *xlsx_sheet_name(const xlsx_sheet *s) { return s->name; }
const char *xlsx_sheet_all(const xlsx_sheet *s) { return s->all ? s->all : s->name; }
size_t xlsx_sheet_nrows(const xlsx_sheet *s) { return s->nrows; }

int xlsx_sheet_row(xlsx_sheet *s, size_t i, long *rownum, size_t *n, const char *const **cell)
{
    const xrow *r = &s->rows[i];
    if (r->width > s->linecap) {
        const char **p = realloc(s->line, r->width * sizeof *p);
        if (!p) return -1;
        s->line = p;
        s->linecap = r->width;
    }
    for (size_t j = 0; j < r->width; j++) s->line[j] = "";
    for (size_t k = r->first; k < r->first + r->n; k++) /* out of order: the later one wins */
        s->line[s->cellcol[k]] = sp_get(&s->cells, k);
    *rownum = r->rownum;
    *n = r->width;
    *cell = s->line;
    return 0;
}

static int not_workbook(msum_diags *d, const char *name, const char *what)
{
    msum_diags_add(d, MSUM_DIAG_ERROR, name, 0, 0, NULL,
                   "found %s, expected an XLSX workbook (a ZIP archive with "
                   "xl/workbook.xml)", what);
    return MSUM_EPARSE;
}

int xlsx_sheet_read(const char *path, const char *name, const char *sheet, msum_diags *d,
                    xlsx_sheet **out)
{
    *out = NULL;
    if (!name) name = path;
    FILE *probe = fopen(path, "rb");
    if (!probe) {
        msum_diags_add(d, MSUM_DIAG_ERROR, name, 0, 0, NULL, "cannot open: %s",
                       strerror(errno));
        return MSUM_EIO;
    }
    unsigned char head[8] = {0};
    size_t nhead = fread(head, 1, sizeof head, probe);
    fclose(probe);
    unzFile z = unzOpen64(path);
    if (!z && nhead == 8 && memcmp(head, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0)
        return not_workbook(d, name, "an Excel 97-2003 workbook (.xls: save it as .xlsx)");
    if (!z) return not_workbook(d, name, "a file that is not a ZIP archive");

    int rc = MSUM_OK, pr;
    size_t used = 0;
    book b = {.ps = {.used = &used, .name = name, .d = d}};
    sst_state ss = {.ps = {.used = &used, .name = name, .d = d}};
    sheet_state sh = {.ps = {.used = &used, .name = name, .d = d}};
    styles_state sty = {.ps = {.used = &used, .name = name, .d = d}};
    char *sheet_part = NULL, *sst_part = NULL, *styles_part = NULL;
    xlsx_sheet *res = NULL;

    pr = parse_part(z, "xl/workbook.xml", &b, book_start, no_end, NULL, name, d);
    if (pr == 1) {
        rc = not_workbook(d, name, unzLocateFile(z, "mimetype", 1) == UNZ_OK
                                       ? "an OpenDocument spreadsheet (.ods: save it as .xlsx)"
                                       : "a ZIP archive without xl/workbook.xml");
        goto done;
    }
    if (pr == 0)
        pr = parse_part(z, "xl/_rels/workbook.xml.rels", &b, book_start, no_end, NULL, name,
                        d);
    if (pr < 0) {
        rc = pr == -2 ? MSUM_ENOMEM : MSUM_EPARSE;
        goto done;
    }
    if (b.names.n == 0) {
        rc = not_workbook(d, name, "a workbook without worksheets");
        goto done;
    }
    /* the first sheet a person sees: visible, and a worksheet (not a chart sheet) */
    size_t which = 0;
    for (size_t i = 0; i < b.names.n && !sheet; i++) {
        const char *ty = "";
        for (size_t j = 0; j < b.ids.n; j++)
            if (strcmp(b.ids.v[j], b.rids.v[i]) == 0) ty = b.types.v[j];
        size_t tl = strlen(ty);
        if (strcmp(b.states.v[i], "visible") == 0 &&
            (tl < 10 || strcmp(ty + tl - 10, "/worksheet") == 0)) {
            which = i;
            break;
        }
    }
    if (sheet) {
        while (which < b.names.n && strcmp(b.names.v[which], sheet) != 0) which++;
        if (which == b.names.n) {
            strbuf list = {0};
            for (size_t i = 0; i < b.names.n; i++)
                if (sb_add(&list, i ? ", " : "", i ? 2 : 0) ||
                    sb_add(&list, b.names.v[i], strlen(b.names.v[i]))) {
                    free(list.s);
                    rc = MSUM_ENOMEM;
                    goto done;
                }
            msum_diags_add(d, MSUM_DIAG_ERROR, name, 0, 0, NULL,
                           "--sheet: found no worksheet '%s', expected one of %s", sheet,
                           list.s);
            free(list.s);
            rc = MSUM_EDATA;
            goto done;
        }
    }
    for (size_t i = 0; i < b.ids.n && !sheet_part; i++)
        if (strcmp(b.ids.v[i], b.rids.v[which]) == 0 && !(sheet_part = part_path(b.targets.v[i])))
            rc = MSUM_ENOMEM;
    if (rc != MSUM_OK) goto done;
    if (!sheet_part) {
        rc = not_workbook(d, name, "a worksheet without its part in workbook.xml.rels");
        goto done;
    }
    sst_part = part_path(b.shared ? b.shared : "sharedStrings.xml");
    if (!sst_part) {
        rc = MSUM_ENOMEM;
        goto done;
    }
    pr = parse_part(z, sst_part, &ss, sst_start, sst_end, sst_text, name, d);
    if (pr < 0) {
        rc = pr == -2 ? MSUM_ENOMEM : MSUM_EPARSE;
        goto done;
    }
    styles_part = part_path(b.styles ? b.styles : "styles.xml");
    if (!styles_part) {
        rc = MSUM_ENOMEM;
        goto done;
    }
    pr = parse_part(z, styles_part, &sty, styles_start, styles_end, NULL, name, d);
    if (pr < 0) {
        rc = pr == -2 ? MSUM_ENOMEM : MSUM_EPARSE;
        goto done;
    }
    res = calloc(1, sizeof *res);
    if (!res || !(res->name = strdup(b.names.v[which]))) {
        rc = MSUM_ENOMEM;
        goto done;
    }
    {
        strbuf all = {0};
        for (size_t i = 0; i < b.names.n; i++)
            if (sb_add(&all, i ? ", " : "", i ? 2 : 0) ||
                sb_add(&all, b.names.v[i], strlen(b.names.v[i]))) {
                free(all.s);
                rc = MSUM_ENOMEM;
                goto done;
            }
        res->all = all.s;
    }
    sh.sh = res;
    sh.sst = &ss.sst;
    sh.is_date = sty.is_date;
    sh.nxf = sty.nxf;
    sh.date1904 = b.date1904;
    sh.nextrow = 1;
    pr = parse_part(z, sheet_part, &sh, sheet_start, sheet_end, sheet_text, name, d);
    if (pr == 1) rc = not_workbook(d, name, "a workbook whose worksheet part is missing");
    else if (pr < 0) rc = pr == -2 ? MSUM_ENOMEM : MSUM_EPARSE;
    else if (sh.bad_ref) {
        /* positions would be wrong: the defect is named, as for malformed CSV */
        char where[512];
        snprintf(where, sizeof where, "%s:%s", name, res->name);
        msum_diags_add(d, MSUM_DIAG_ERROR, where, sh.bad_row, (long)sh.bad_col + 1, NULL,
                       "found a malformed or misplaced cell reference, expected A1-style "
                       "references within their row");
        rc = MSUM_EPARSE;
    }
done:
    unzClose(z);
    sl_free(&b.names);
    sl_free(&b.rids);
    sl_free(&b.states);
    sl_free(&b.ids);
    sl_free(&b.targets);
    sl_free(&b.types);
    free(b.shared);
    free(b.styles);
    free(sty.fmt_date);
    free(sty.is_date);
    free(styles_part);
    sp_free(&ss.sst);
    free(ss.cur.s);
    free(sh.val.s);
    free(sheet_part);
    free(sst_part);
    if (rc != MSUM_OK) {
        xlsx_sheet_free(res);
        return rc;
    }
    *out = res;
    return MSUM_OK;
}
