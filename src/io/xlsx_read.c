/* XLSX input: the ZIP container through minizip, the SpreadsheetML parts through expat
 * (streamed: a part is never held whole).  ECMA-376 Part 1 §18.2 (workbook, sheets), §18.3
 * (sheetData: row, c with r/t attributes, v, is), §18.4 (shared strings: si, t, r, rPh).
 * Element and attribute names are matched without their namespace prefix.
 */
#include "xlsx_read.h"

#include <errno.h>
#include <expat.h>
#include <minizip/unzip.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "metasum/metasum.h"

#define XLSX_MAX_COLS 16384 /* column XFD, the format's limit */

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

/* A growable list of owned strings. */
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

typedef struct {
    long rownum;
    size_t first, n;
} xrow;

struct xlsx_sheet {
    char *name;
    xrow *rows;
    size_t nrows, rowcap;
    strlist cells; /* every row's cells, row after row; "" for gaps */
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

typedef struct {
    int nomem;
} parse_state;

/* Parse ZIP entry `entry` with the handlers (user data first member: parse_state).  Returns 0,
 * 1 when the entry does not exist, -1 on malformed XML or ZIP data (diagnostic added),
 * MSUM_ENOMEM as -2. */
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
    XML_SetUserData(p, ud);
    XML_SetElementHandler(p, start, end);
    XML_SetCharacterDataHandler(p, text);
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
            msum_diags_add(d, MSUM_DIAG_ERROR, name, 0, 0, NULL,
                           "found malformed XML in '%s' (line %lu: %s), expected an XLSX "
                           "workbook", entry, (unsigned long)XML_GetCurrentLineNumber(p),
                           XML_ErrorString(XML_GetErrorCode(p)));
            rc = -1;
            break;
        }
        if (((parse_state *)ud)->nomem) {
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
    strlist names, rids;   /* workbook.xml: <sheet name= r:id=> */
    strlist ids, targets;  /* workbook.xml.rels: <Relationship Id= Target=> */
    char *shared;          /* the shared-strings part, if the rels name one */
} book;

static void book_start(void *ud, const char *el, const char **atts)
{
    book *b = ud;
    const char *l = local(el);
    if (strcmp(l, "sheet") == 0) {
        const char *nm = attr(atts, "name"), *id = attr(atts, "id");
        if (!nm) nm = "";
        if (!id) id = "";
        if (sl_push(&b->names, nm, strlen(nm)) || sl_push(&b->rids, id, strlen(id)))
            b->ps.nomem = 1;
    } else if (strcmp(l, "Relationship") == 0) {
        const char *id = attr(atts, "Id"), *tg = attr(atts, "Target"), *ty = attr(atts, "Type");
        if (!id || !tg) return;
        if (sl_push(&b->ids, id, strlen(id)) || sl_push(&b->targets, tg, strlen(tg)))
            b->ps.nomem = 1;
        size_t tl = ty ? strlen(ty) : 0;
        if (tl >= 14 && strcmp(ty + tl - 14, "/sharedStrings") == 0 && !b->shared &&
            !(b->shared = strdup(tg)))
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

/* ---- shared strings ---------------------------------------------------------------------- */

typedef struct {
    parse_state ps;
    strlist sst;
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
        if (sl_push(&s->sst, s->cur.s ? s->cur.s : "", s->cur.n)) s->ps.nomem = 1;
    } else if (strcmp(l, "rPh") == 0) s->in_rph = 0;
    else if (strcmp(l, "t") == 0) s->in_t = 0;
}

static void sst_text(void *ud, const char *t, int n)
{
    sst_state *s = ud;
    if (s->in_si && s->in_t && !s->in_rph && sb_add(&s->cur, t, (size_t)n)) s->ps.nomem = 1;
}

/* ---- the worksheet ----------------------------------------------------------------------- */

typedef struct {
    parse_state ps;
    xlsx_sheet *sh;
    const strlist *sst;
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

static int sheet_new_row(sheet_state *s, long rownum)
{
    xlsx_sheet *sh = s->sh;
    if (sh->nrows == sh->rowcap) {
        size_t c = sh->rowcap ? 2 * sh->rowcap : 64;
        xrow *p = realloc(sh->rows, c * sizeof *p);
        if (!p) return -1;
        sh->rows = p;
        sh->rowcap = c;
    }
    sh->rows[sh->nrows++] = (xrow){rownum, sh->cells.n, 0};
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
        s->col = col;
        s->nextcol = col + 1;
        snprintf(s->type, sizeof s->type, "%s", t ? t : "n");
        s->val.n = 0;
        if (sb_add(&s->val, "", 0)) s->ps.nomem = 1;
        s->in_cell = 1;
    } else if (s->in_cell && strcmp(l, "v") == 0) s->in_v = 1;
    else if (s->in_cell && strcmp(l, "rPh") == 0) s->in_rph = 1;
    else if (s->in_cell && strcmp(l, "t") == 0) s->in_t = 1;
}

/* Store the finished cell at its column, with "" for the columns skipped before it. */
static void sheet_put(sheet_state *s)
{
    xlsx_sheet *sh = s->sh;
    if (sh->nrows == 0) return; /* its row could not be stored (out of memory, reported) */
    xrow *row = &sh->rows[sh->nrows - 1];
    const char *v = s->val.s ? s->val.s : "";
    if (strcmp(s->type, "s") == 0) {
        char *end;
        long i = strtol(v, &end, 10);
        v = (*v && !*end && i >= 0 && (size_t)i < s->sst->n) ? s->sst->v[i] : "";
    } else if (strcmp(s->type, "b") == 0) {
        v = strcmp(v, "1") == 0 ? "TRUE" : strcmp(v, "0") == 0 ? "FALSE" : v;
    } /* numbers ("n"), formula strings ("str") and errors ("e") stay as stored */
    while (row->n < s->col) {
        if (sl_push(&sh->cells, "", 0)) {
            s->ps.nomem = 1;
            return;
        }
        row->n++;
    }
    if (s->col < row->n) { /* out of order: the later one wins */
        char *t = strdup(v);
        if (!t) {
            s->ps.nomem = 1;
            return;
        }
        free(sh->cells.v[row->first + s->col]);
        sh->cells.v[row->first + s->col] = t;
        return;
    }
    if (sl_push(&sh->cells, v, strlen(v))) s->ps.nomem = 1;
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
    if (((s->in_v && !inl) || (inl && s->in_t && !s->in_rph)) && sb_add(&s->val, t, (size_t)n))
        s->ps.nomem = 1;
}

/* ---- public ------------------------------------------------------------------------------ */

void xlsx_sheet_free(xlsx_sheet *s)
{
    if (!s) return;
    free(s->name);
    free(s->rows);
    sl_free(&s->cells);
    free(s);
}

const char *xlsx_sheet_name(const xlsx_sheet *s) { return s->name; }
size_t xlsx_sheet_nrows(const xlsx_sheet *s) { return s->nrows; }

void xlsx_sheet_row(const xlsx_sheet *s, size_t i, long *rownum, size_t *n,
                    const char *const **cell)
{
    *rownum = s->rows[i].rownum;
    *n = s->rows[i].n;
    *cell = (const char *const *)s->cells.v + s->rows[i].first;
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
    fclose(probe);
    unzFile z = unzOpen64(path);
    if (!z) return not_workbook(d, name, "a file that is not a ZIP archive");

    int rc = MSUM_OK, pr;
    book b = {0};
    sst_state ss = {0};
    sheet_state sh = {0};
    char *sheet_part = NULL, *sst_part = NULL;
    xlsx_sheet *res = NULL;

    pr = parse_part(z, "xl/workbook.xml", &b, book_start, no_end, NULL, name, d);
    if (pr == 1) {
        rc = not_workbook(d, name, "a ZIP archive without xl/workbook.xml");
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
    size_t which = 0;
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
    res = calloc(1, sizeof *res);
    if (!res || !(res->name = strdup(b.names.v[which]))) {
        rc = MSUM_ENOMEM;
        goto done;
    }
    sh.sh = res;
    sh.sst = &ss.sst;
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
    sl_free(&b.ids);
    sl_free(&b.targets);
    free(b.shared);
    sl_free(&ss.sst);
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
