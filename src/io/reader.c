/* Streaming CSV reader: libcsv (strict mode) does the parsing; a small scanner running over the
 * same bytes tracks physical line:column positions, which libcsv does not report.  Rows of one
 * input chunk are queued in reusable buffers, so there is no per-row allocation.
 * Format: RFC 4180 (strict), UTF-8, optional BOM, LF / CRLF / CR line ends.
 */
#include "metasum/reader.h"

#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "metasum/metasum.h"
#include "xlsx_read.h"

#define READ_CHUNK ((size_t)256 * 1024)

/* Scanner states; they mirror libcsv's (ROW_NOT_BEGUN, FIELD_NOT_BEGUN, FIELD_BEGUN quoted or
 * not, FIELD_MIGHT_HAVE_ENDED) so both agree on where fields start and where a defect is. */
enum { S_ROW, S_FIELD, S_UNQ, S_Q, S_QQ };

/* Kinds of defect the scanner can name: CSV syntax, a field over the length limit. */
enum { E_NONE, E_STRAY_QUOTE, E_AFTER_QUOTE, E_UNTERMINATED, E_TOO_LONG };

/* Longest field accepted (text bytes after unquoting); msum_reader_set_max_field(). */
static size_t max_field_default = MSUM_MAX_FIELD_DEFAULT;

/* A growable array of fields: text offset into the arena, length, position. */
typedef struct {
    size_t *off, *len;
    long *line, *col;
    size_t n, cap;
} fieldvec;

struct msum_reader {
    char *name;
    /* Row filter (msum_reader_filter): keep rows whose column fcol[i] equals fval[i], all i. */
    size_t nfilt;
    int *fcol;
    char **fval;
    char *fspec;         /* the filter as given, for the message when it keeps no row */
    size_t fseen, fkept; /* data rows read, and kept by the filter */
    msum_diags *diags;
    FILE *fp;
    int own_fp;
    const unsigned char *mem;
    size_t memlen, mempos, chunk;
    unsigned char *buf;
    size_t bufsize;

    struct csv_parser csv;
    int eof;      /* input exhausted and csv_fini called */
    int fatal;    /* a parse or read error ended the input; value returned by next() */
    int pending_fatal;

    /* BOM: the first three bytes are held back until we know whether they are one. */
    unsigned char bom[3];
    size_t nbom;
    int bom_done;

    /* Position scanner. */
    int state;
    int after_cr;       /* the last byte scanned was CR (a following LF is the same line end) */
    int saw_high;       /* a byte >= 0x80 or NUL was seen: fields are checked for UTF-8 */
    int said_encoding;  /* the note on saving as UTF-8 was given (once per file) */
    long line, col;     /* position of the last byte scanned */
    long nfield_row;    /* fields started in the scanner's current row */
    long err_line, err_col, err_field;
    int err_kind;
    unsigned char err_byte;
    size_t err_stop;    /* E_TOO_LONG: bytes of the chunk libcsv may still see */
    /* Field length limit: the current field began at byte fstart of the chunk being scanned
     * (negative: in an earlier chunk) and fquote of its bytes since then are quoting. */
    long max_field;
    long fstart, fquote;
    /* Start positions of fields seen by the scanner but not yet delivered by libcsv. */
    long *qline, *qcol;
    size_t qhead, qn, qcap;

    /* Fields delivered by libcsv; rows are runs of them. */
    char *arena;
    size_t alen, acap;
    fieldvec f;
    size_t *row_first, *row_n;
    size_t nrows, rowcap, rowhead;
    size_t row_start; /* first field of the row libcsv is building */
    int nomem;

    /* Delimiter and decimal mark (msum_reader_open_opts): the scanner's byte classes follow
     * the delimiter; `lim8` is the SWAR bound below which a byte may be special. */
    char delim, decimal;
    int delim_detected, dec_detected;
    unsigned char cls[256];
    uint64_t lim8;
    size_t prefill;  /* bytes of buf read ahead to detect the delimiter, not yet fed */
    size_t nblank;   /* blank rows skipped */
    xlsx_sheet *xl;  /* an XLSX worksheet's rows, fed in place of CSV bytes */
    size_t xrow;

    /* The header, copied, and the row handed out last. */
    int have_header;
    char *hdr_text;
    char **hdr_cell;
    size_t *hdr_len;
    long *hdr_line, *hdr_col;
    msum_row header;
    const char **cells;
    size_t cellcap;
};

/* ---- small growable buffers ------------------------------------------------------------- */

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap) return 0;
    size_t c = *cap ? *cap : 64;
    while (c < need) c *= 2;
    void *q = realloc(*p, c * elem);
    if (!q) return -1;
    *p = q;
    *cap = c;
    return 0;
}

static int fieldvec_reserve(fieldvec *v, size_t need)
{
    if (need <= v->cap) return 0;
    size_t c = v->cap ? v->cap : 256;
    while (c < need) c *= 2;
    size_t *off = realloc(v->off, c * sizeof *off);
    if (!off) return -1;
    v->off = off;
    size_t *len = realloc(v->len, c * sizeof *len);
    if (!len) return -1;
    v->len = len;
    long *line = realloc(v->line, c * sizeof *line);
    if (!line) return -1;
    v->line = line;
    long *col = realloc(v->col, c * sizeof *col);
    if (!col) return -1;
    v->col = col;
    v->cap = c;
    return 0;
}

/* ---- position scanner ------------------------------------------------------------------- */

/* Room for every field start n more bytes can hold (at most one per byte, plus one at EOF),
 * so the scanner's inner loop stores without checking. */
static int queue_reserve(msum_reader *r, size_t n)
{
    size_t need = r->qn + n + 2;
    if (need <= r->qcap) return 0;
    size_t c = r->qcap ? r->qcap : 1024;
    while (c < need) c *= 2;
    long *a = realloc(r->qline, c * sizeof *a);
    if (!a) return -1;
    r->qline = a;
    long *b = realloc(r->qcol, c * sizeof *b);
    if (!b) return -1;
    r->qcol = b;
    r->qcap = c;
    return 0;
}

/* A quoted field's start is stored with a negative column (its text begins one byte later). */
#define QUEUE_START(r, line, col)                                                              \
    do {                                                                                       \
        (r)->qline[(r)->qn] = (line);                                                          \
        (r)->qcol[(r)->qn] = (col);                                                            \
        (r)->qn++;                                                                             \
        (r)->nfield_row++;                                                                     \
    } while (0)

static void scan_error(msum_reader *r, int kind, long line, long col, unsigned char byte)
{
    r->err_kind = kind;
    r->err_line = line;
    r->err_col = col;
    r->err_byte = byte;
    r->err_field = r->nfield_row - 1;
}

/* Byte classes for the scanner's inner loops. */
enum { C_PLAIN, C_COMMA, C_QUOTE, C_CR, C_LF };
static const unsigned char comma_class[256] = {
    [','] = C_COMMA, ['"'] = C_QUOTE, ['\r'] = C_CR, ['\n'] = C_LF,
};

/* SWAR test (8 bytes at a time) for a byte that may end a run of plain bytes.  The special
 * bytes , " CR LF (and tab) are all below '-' (0x2d), so "some byte < 0x2d" (';' + 1 with a
 * semicolon delimiter: the bound is r->lim8) is a cheap, exact-as-to-any
 * test (Hacker's Delight / Bit Twiddling Hacks "hasless"); its false alarms (space, '+', ...)
 * just fall back to the byte loop. */
#define REP8(b) (0x0101010101010101ULL * (b))
static int has_special8(uint64_t v, uint64_t lim8)
{
    return ((v - lim8) & ~v & REP8(0x80)) != 0;
}

/* Scan n bytes: record the start position of every field, count lines, find the first syntax
 * defect (libcsv stops at the same byte) and note whether any byte is >= 0x80.  The column of
 * byte i is i + 1 + cbase, so columns cost nothing between field starts. */
static void scan(msum_reader *r, const unsigned char *s, size_t n)
{
    int st = r->state;
    long line = r->line;
    long cbase = r->col;
    unsigned acc = 0;
    uint64_t acc64 = 0;
    size_t i = 0;
    /* The queue and the row's field count live in locals: stores into the long arrays would
     * otherwise force reloads of every long member of *r. */
    long *ql = r->qline, *qc = r->qcol;
    size_t qn = r->qn;
    const unsigned char *byte_class = r->cls; /* the delimiter's class is C_COMMA */
    const uint64_t lim8 = r->lim8;
    long nf = r->nfield_row;
    long fs = r->fstart, fq = r->fquote, maxf = r->max_field;
#define PUSH(l, c) (ql[qn] = (l), qc[qn] = (c), qn++, nf++)
/* Checked wherever a field ends or a defect is found, and at the end of the chunk, so a field
 * over the limit is the error whatever the chunk size, before libcsv has buffered much more. */
#define TOO_LONG(end) ((long)(end) - fs - fq > maxf)
    if (r->after_cr && n > 0) {
        r->after_cr = 0;
        if (s[0] == '\n') {
            i = 1; /* LF of a CRLF split across chunks: the same line end */
            cbase = -1;
        }
    }
    while (i < n) {
        unsigned char c = s[i], k = byte_class[c];
        switch (st) {
        case S_UNQ:
            /* s[i] is plain; skip 8 plain bytes at a time while they last */
            acc |= c | (unsigned char)(c - 1);
            for (uint64_t v; k == C_PLAIN && i + 9 <= n; i += 8) {
                memcpy(&v, s + i + 1, 8);
                if (has_special8(v, lim8)) break;
                acc64 |= v | (v - REP8(0x01)); /* high bit: a byte >= 0x80 or NUL */
            }
            c = s[i];
            k = byte_class[c];
            while (k == C_PLAIN) {
                acc |= c | (unsigned char)(c - 1);
                if (++i == n) goto end;
                c = s[i];
                k = byte_class[c];
            }
            if (TOO_LONG(i)) goto too_long;
            if (k == C_COMMA) st = S_FIELD;
            else if (k == C_QUOTE) {
                r->nfield_row = nf;
                scan_error(r, E_STRAY_QUOTE, line, (long)i + 1 + cbase, c);
                goto out;
            } else {
                st = S_ROW;
                nf = 0;
            }
            break;
        case S_Q:
            while (k == C_PLAIN || k == C_COMMA) {
                acc |= c | (unsigned char)(c - 1);
                if (++i == n) goto end;
                c = s[i];
                k = byte_class[c];
            }
            if (k == C_QUOTE) {
                st = S_QQ;
                fq++; /* a closing quote, or the first of a doubled one */
            }
            break;
        case S_QQ:
            if (k != C_QUOTE && TOO_LONG(i)) goto too_long;
            if (k == C_QUOTE) st = S_Q;
            else if (k == C_COMMA) st = S_FIELD;
            else if (k == C_CR || k == C_LF) {
                st = S_ROW;
                nf = 0;
            } else {
                r->nfield_row = nf;
                scan_error(r, E_AFTER_QUOTE, line, (long)i + 1 + cbase, c);
                goto out;
            }
            break;
        default: /* S_ROW, S_FIELD */
            if (k == C_CR || k == C_LF) {
                if (st == S_FIELD) PUSH(line, (long)i + 1 + cbase); /* empty last */
                st = S_ROW;
                nf = 0;
            } else {
                long col = (long)i + 1 + cbase;
                PUSH(line, k == C_QUOTE ? -col : col);
                fs = (long)i;
                fq = k == C_QUOTE;
                st = k == C_COMMA ? S_FIELD : k == C_QUOTE ? S_Q : S_UNQ;
                acc |= c | (unsigned char)(c - 1);
            }
            break;
        }
        if (k >= C_CR) {
            line++;
            if (k == C_CR) {
                if (i + 1 == n) r->after_cr = 1;
                else if (s[i + 1] == '\n') i++;
            }
            cbase = -(long)i - 1;
        }
        i++;
    }
end:
    if ((st == S_UNQ || st == S_Q || st == S_QQ) && TOO_LONG(n)) {
too_long: /* the field that started at queue entry qn - 1 */
        r->nfield_row = nf;
        scan_error(r, E_TOO_LONG, ql[qn - 1], labs(qc[qn - 1]), 0);
        r->err_stop = fs > 0 ? (size_t)fs : 0; /* libcsv stops before the field */
    }
out:
#undef PUSH
#undef TOO_LONG
    r->fstart = fs - (long)n;
    r->fquote = fq;
    r->qn = qn;
    r->nfield_row = nf;
    r->state = st;
    r->line = line;
    r->col = (long)n + cbase;
    if ((acc & 0x80) || (acc64 & REP8(0x80))) r->saw_high = 1;
}

/* ---- libcsv callbacks ------------------------------------------------------------------- */

/* Length of the valid UTF-8 prefix of s (RFC 3629: no overlongs, no surrogates, <= U+10FFFF). */
static size_t utf8_valid_prefix(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        if (c < 0x80) {
            if (c == 0) return i; /* NUL: not text */
            i++;
            continue;
        }
        size_t k;
        unsigned lo = 0x80, hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) k = 1;
        else if (c >= 0xE0 && c <= 0xEF) {
            k = 2;
            if (c == 0xE0) lo = 0xA0;
            if (c == 0xED) hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            k = 3;
            if (c == 0xF0) lo = 0x90;
            if (c == 0xF4) hi = 0x8F;
        } else return i;
        if (i + k >= n) return i;
        if (s[i + 1] < lo || s[i + 1] > hi) return i;
        for (size_t j = 2; j <= k; j++)
            if (s[i + j] < 0x80 || s[i + j] > 0xBF) return i;
        i += k + 1;
    }
    return n;
}

/* Position of byte `off` of a field's text, given the field's start position: walks the text,
 * counting line ends and the quoting bytes that the text no longer holds. */
static void text_pos(const char *text, size_t off, long line, long col, long *oline, long *ocol)
{
    for (size_t i = 0; i < off; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == '\n' || (c == '\r' && text[i + 1] != '\n')) {
            line++;
            col = 0;
        } else if (c == '\r') {
            /* CR of a CRLF: the LF ends the line */
        } else {
            col += c == '"' ? 2 : 1;
        }
    }
    *oline = line;
    *ocol = col;
}

static const char *column_name(const msum_reader *r, size_t field)
{
    return (r->have_header && field < r->header.n) ? r->header.cell[field] : NULL;
}

static void on_field(void *s, size_t len, void *data)
{
    msum_reader *r = data;
    if (r->nomem) return;
    const char *text = s ? s : "";
    if ((r->alen + len + 1 > r->acap &&
         grow((void **)&r->arena, &r->acap, r->alen + len + 1, 1)) ||
        (r->f.n == r->f.cap && fieldvec_reserve(&r->f, r->f.n + 1))) {
        r->nomem = 1;
        return;
    }
    size_t i = r->f.n++;
    r->f.off[i] = r->alen;
    r->f.len[i] = len;
    memcpy(r->arena + r->alen, text, len);
    r->arena[r->alen + len] = '\0';
    r->alen += len + 1;
    int quoted = 0;
    if (r->qhead < r->qn) {
        r->f.line[i] = r->qline[r->qhead];
        r->f.col[i] = r->qcol[r->qhead];
        if (r->f.col[i] < 0) {
            r->f.col[i] = -r->f.col[i];
            quoted = 1;
        }
        r->qhead++;
    } else {
        r->f.line[i] = r->line; /* not reached while scanner and libcsv agree */
        r->f.col[i] = r->col;
    }
    if (!r->saw_high) return; /* all bytes so far are ASCII without NUL */
    const unsigned char *u = (const unsigned char *)r->arena + r->f.off[i];
    size_t j = 0;
    while (j < len && u[j] - 1u < 0x7f) j++; /* ASCII except NUL */
    if (j < len) {
        size_t bad = j + utf8_valid_prefix(u + j, len - j);
        if (bad < len) {
            long l, c;
            /* a quoted field's text starts one byte after its opening quote */
            text_pos((const char *)u, bad, r->f.line[i], r->f.col[i] - 1 + quoted, &l, &c);
            if (u[bad] == 0)
                msum_diags_add(r->diags, MSUM_DIAG_ERROR, r->name, l, c + 1,
                               column_name(r, i - r->row_start),
                               "found a NUL byte, expected UTF-8 text");
            else {
                msum_diags_add(r->diags, MSUM_DIAG_ERROR, r->name, l, c + 1,
                               column_name(r, i - r->row_start),
                               "found invalid UTF-8 byte 0x%02x, expected UTF-8 text", u[bad]);
                /* most often a spreadsheet's export in the system's code page: said once */
                if (!r->said_encoding++)
                    msum_diags_add(r->diags, MSUM_DIAG_NOTE, r->name, l, c + 1, NULL,
                                   "the file is not UTF-8 (Excel's 'CSV (Comma delimited)' "
                                   "writes the system's code page): save it as 'CSV UTF-8', "
                                   "or convert it: iconv -f WINDOWS-1252 -t UTF-8");
            }
        }
    }
}

static int copy_header(msum_reader *r);

/* What a ragged-row message adds when the delimiter was a guess that may be wrong: a
 * detected delimiter other than ',' or a header without any delimiter. */
static const char *delim_hint(const msum_reader *r, char *buf, size_t size)
{
    buf[0] = '\0';
    if (r->delim_detected && (r->delim != ',' || r->header.n == 1))
        snprintf(buf, size, "; delimiter %s detected from the header line, --delim sets another",
                 r->delim == '\t' ? "tab" : r->delim == ';' ? "';'" : "','");
    return buf;
}

static void ragged(msum_reader *r, size_t first, size_t n)
{
    char hint[96];
    delim_hint(r, hint, sizeof hint);
    if (n > r->header.n)
        msum_diags_add(r->diags, MSUM_DIAG_ERROR, r->name, r->f.line[first + r->header.n],
                       r->f.col[first + r->header.n], NULL,
                       "found %zu fields, expected %zu (as many as the header%s)", n,
                       r->header.n, hint);
    else if (n == 1)
        msum_diags_add(r->diags, MSUM_DIAG_ERROR, r->name, r->f.line[first], 0, NULL,
                       "found 1 field, expected %zu (as many as the header%s)", r->header.n,
                       hint);
    else
        msum_diags_add(r->diags, MSUM_DIAG_ERROR, r->name, r->f.line[first], 0, NULL,
                       "found %zu fields, expected %zu (as many as the header%s)", n,
                       r->header.n, hint);
}

/* A row of empty fields only (",,," or a spreadsheet's empty row). */
static int row_blank(const msum_reader *r, size_t first, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (r->f.len[first + i] != 0) return 0;
    return 1;
}

static void on_row(int c, void *data)
{
    (void)c;
    msum_reader *r = data;
    if (r->nomem) return;
    size_t n = r->f.n - r->row_start;
    if (!r->have_header) {
        /* The first row is the header: copied out, not queued. */
        if (copy_header(r)) r->nomem = 1;
        r->f.n = r->row_start;
        r->alen = 0;
        return;
    }
    if (row_blank(r, r->row_start, n)) {
        /* skipped and counted (msum_reader_blank_rows) */
        if (n) r->alen = r->f.off[r->row_start];
        r->f.n = r->row_start;
        r->nblank++;
        return;
    }
    if (r->nrows == r->rowcap) {
        size_t cap = r->rowcap ? 2 * r->rowcap : 256;
        size_t *a = realloc(r->row_first, cap * sizeof *a);
        if (!a) {
            r->nomem = 1;
            return;
        }
        r->row_first = a;
        size_t *b = realloc(r->row_n, cap * sizeof *b);
        if (!b) {
            r->nomem = 1;
            return;
        }
        r->row_n = b;
        r->rowcap = cap;
    }
    r->row_first[r->nrows] = r->row_start;
    r->row_n[r->nrows] = n;
    r->nrows++;
    if (n != r->header.n) ragged(r, r->row_start, n);
    r->row_start = r->f.n;
}

/* ---- feeding ---------------------------------------------------------------------------- */

static void report_syntax(msum_reader *r)
{
    long fld = r->err_field;
    const char *colname = column_name(r, fld >= 0 ? (size_t)fld : (size_t)-1);
    switch (r->err_kind) {
    case E_STRAY_QUOTE:
        msum_diags_add(r->diags, MSUM_DIAG_ERROR, r->name, r->err_line, r->err_col, colname,
                       "found '\"' inside an unquoted field, expected the whole field quoted "
                       "with inner quotes doubled");
        break;
    case E_AFTER_QUOTE:
        if (r->err_byte >= 0x20 && r->err_byte < 0x7f)
            msum_diags_add(r->diags, MSUM_DIAG_ERROR, r->name, r->err_line, r->err_col, colname,
                           "found '%c' after a closing quote, expected ',' or the end of the "
                           "line", r->err_byte);
        else
            msum_diags_add(r->diags, MSUM_DIAG_ERROR, r->name, r->err_line, r->err_col, colname,
                           "found byte 0x%02x after a closing quote, expected ',' or the end "
                           "of the line", r->err_byte);
        break;
    case E_UNTERMINATED:
        msum_diags_add(r->diags, MSUM_DIAG_ERROR, r->name, r->err_line, r->err_col, colname,
                       "found a quoted field that is never closed, expected a closing '\"' "
                       "before the end of the input");
        break;
    case E_TOO_LONG:
        msum_diags_add(r->diags, MSUM_DIAG_ERROR, r->name, r->err_line, r->err_col, colname,
                       "field longer than %ld bytes (--max-field)", r->max_field);
        break;
    default:
        msum_diags_add(r->diags, MSUM_DIAG_ERROR, r->name, r->line, r->col, colname,
                       "found malformed CSV, expected RFC 4180 text");
    }
}

/* A NUL byte ends the input at once: no text file holds one (a binary file, /dev/zero). */
static int nul_byte(msum_reader *r)
{
    /* the scanner has stopped just before it: the byte is one column on */
    long fld = r->state == S_ROW ? 0 : r->state == S_FIELD ? r->nfield_row : r->nfield_row - 1;
    msum_diags_add(r->diags, MSUM_DIAG_ERROR, r->name, r->line, r->col + 1,
                   column_name(r, (size_t)fld), "found a NUL byte, expected UTF-8 text");
    return MSUM_EPARSE;
}

/* Hand n bytes (BOM already handled) to the scanner and libcsv. */
static int feed(msum_reader *r, const unsigned char *s, size_t n)
{
    if (n == 0) return 0;
    const unsigned char *nul = memchr(s, 0, n);
    if (nul) {
        int rc = feed(r, s, (size_t)(nul - s));
        return rc ? rc : nul_byte(r);
    }
    if (queue_reserve(r, n)) return MSUM_ENOMEM;
    scan(r, s, n);
    size_t give = r->err_kind == E_TOO_LONG ? r->err_stop : n;
    size_t done = csv_parse(&r->csv, s, give, on_field, on_row, r);
    if (r->nomem) return MSUM_ENOMEM;
    if (done < give || r->err_kind) {
        int e = csv_error(&r->csv);
        if (e == CSV_ENOMEM || e == CSV_ETOOBIG) return MSUM_ENOMEM;
        report_syntax(r);
        return MSUM_EPARSE;
    }
    return 0;
}

static int feed_bom(msum_reader *r, const unsigned char *s, size_t n)
{
    static const unsigned char bom[3] = {0xEF, 0xBB, 0xBF};
    while (!r->bom_done && n > 0) {
        r->bom[r->nbom++] = *s++;
        n--;
        if (r->bom[r->nbom - 1] != bom[r->nbom - 1]) {
            r->bom_done = 1;
            int rc = feed(r, r->bom, r->nbom);
            if (rc) return rc;
        } else if (r->nbom == 3) {
            r->bom_done = 1; /* a BOM: dropped */
        }
    }
    return feed(r, s, n);
}

/* Append one field (XLSX cells; CSV fields come through on_field). */
static int push_field(msum_reader *r, const char *text, long line, long col)
{
    size_t len = strlen(text);
    if ((r->alen + len + 1 > r->acap &&
         grow((void **)&r->arena, &r->acap, r->alen + len + 1, 1)) ||
        (r->f.n == r->f.cap && fieldvec_reserve(&r->f, r->f.n + 1)))
        return MSUM_ENOMEM;
    size_t i = r->f.n++;
    r->f.off[i] = r->alen;
    r->f.len[i] = len;
    memcpy(r->arena + r->alen, text, len + 1);
    r->alen += len + 1;
    r->f.line[i] = line;
    r->f.col[i] = col;
    return 0;
}

/* XLSX: the worksheet's rows go through on_row like CSV rows (header, blank rows, ragged
 * rows); positions are sheet row and column numbers.  Called with the queue empty. */
static int xlsx_fill(msum_reader *r)
{
    while (r->nrows == 0 && !r->eof) {
        if (r->xrow >= xlsx_sheet_nrows(r->xl)) {
            r->eof = 1;
            break;
        }
        long rownum;
        size_t n;
        const char *const *cell;
        if (xlsx_sheet_row(r->xl, r->xrow++, &rownum, &n, &cell)) return MSUM_ENOMEM;
        /* a row shorter than the header has empty cells at its end (a spreadsheet does not
         * store them): pad it, so only longer rows are ragged */
        size_t want = r->have_header && n < r->header.n ? r->header.n : n;
        for (size_t j = 0; j < want; j++)
            if (push_field(r, j < n ? cell[j] : "", rownum, (long)j + 1)) return MSUM_ENOMEM;
        on_row(0, r);
        if (r->nomem) return MSUM_ENOMEM;
    }
    return 0;
}

/* Read the input until at least one row is queued (or the input ends). */
static int fill(msum_reader *r)
{
    /* Keep only the row libcsv is still building: move its fields to the front. */
    size_t keep = r->f.n - r->row_start;
    if (r->row_start > 0) {
        size_t base = keep ? r->f.off[r->row_start] : r->alen;
        memmove(r->arena, r->arena + base, r->alen - base);
        r->alen -= base;
        for (size_t i = 0; i < keep; i++) {
            size_t from = r->row_start + i;
            r->f.off[i] = r->f.off[from] - base;
            r->f.len[i] = r->f.len[from];
            r->f.line[i] = r->f.line[from];
            r->f.col[i] = r->f.col[from];
        }
        r->f.n = keep;
        r->row_start = 0;
    } else if (keep == 0) {
        r->alen = 0;
    }
    r->nrows = r->rowhead = 0;
    if (r->qhead > 0) {
        memmove(r->qline, r->qline + r->qhead, (r->qn - r->qhead) * sizeof *r->qline);
        memmove(r->qcol, r->qcol + r->qhead, (r->qn - r->qhead) * sizeof *r->qcol);
        r->qn -= r->qhead;
        r->qhead = 0;
    }

    if (r->xl) return xlsx_fill(r);
    while (r->nrows == 0 && !r->eof) {
        size_t n;
        const unsigned char *data = r->buf;
        if (r->prefill) {
            n = r->prefill; /* read ahead by detect_delim() */
            r->prefill = 0;
        } else if (r->mem) {
            n = r->memlen - r->mempos;
            if (n > r->chunk) n = r->chunk;
            data = r->mem + r->mempos; /* fed in place: no copy */
            r->mempos += n;
        } else {
            n = fread(r->buf, 1, r->bufsize, r->fp);
            if (n == 0 && ferror(r->fp)) {
                msum_diags_add(r->diags, MSUM_DIAG_ERROR, r->name, 0, 0, NULL,
                               "read error: %s", strerror(errno));
                return MSUM_EIO;
            }
        }
        if (n > 0) {
            int rc = feed_bom(r, data, n);
            if (rc) return rc;
            continue;
        }
        /* End of input. */
        r->eof = 1;
        if (!r->bom_done && r->nbom) {
            r->bom_done = 1;
            int rc = feed(r, r->bom, r->nbom);
            if (rc) return rc;
        }
        if (r->state == S_Q) {
            long fld = r->nfield_row - 1;
            r->err_kind = E_UNTERMINATED;
            r->err_line = r->qn > r->qhead ? r->qline[r->qn - 1] : r->line;
            r->err_col = r->qn > r->qhead ? labs(r->qcol[r->qn - 1]) : r->col;
            r->err_field = fld;
            report_syntax(r);
            return MSUM_EPARSE;
        }
        if (r->state == S_FIELD) {
            if (queue_reserve(r, 1)) return MSUM_ENOMEM;
            QUEUE_START(r, r->line, r->col + 1);
        }
        if (csv_fini(&r->csv, on_field, on_row, r) != 0) {
            if (r->nomem || csv_error(&r->csv) != CSV_EPARSE) return MSUM_ENOMEM;
            report_syntax(r);
            return MSUM_EPARSE;
        }
        if (r->nomem) return MSUM_ENOMEM;
    }
    return 0;
}

/* ---- public API ------------------------------------------------------------------------- */

static int no_space(unsigned char c)
{
    (void)c;
    return 0; /* spaces are data: " 2" stays " 2" (and is then not a number) */
}

static int copy_header(msum_reader *r)
{
    size_t n = r->f.n - r->row_start, first = r->row_start;
    size_t bytes = 0;
    for (size_t i = 0; i < n; i++) bytes += r->f.len[first + i] + 1;
    r->hdr_text = malloc(bytes ? bytes : 1);
    r->hdr_cell = malloc((n ? n : 1) * sizeof *r->hdr_cell);
    r->hdr_len = malloc((n ? n : 1) * sizeof *r->hdr_len);
    r->hdr_line = malloc((n ? n : 1) * sizeof *r->hdr_line);
    r->hdr_col = malloc((n ? n : 1) * sizeof *r->hdr_col);
    if (!r->hdr_text || !r->hdr_cell || !r->hdr_len || !r->hdr_line || !r->hdr_col)
        return MSUM_ENOMEM;
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        size_t len = r->f.len[first + i];
        memcpy(r->hdr_text + at, r->arena + r->f.off[first + i], len + 1);
        r->hdr_cell[i] = r->hdr_text + at;
        r->hdr_len[i] = len;
        r->hdr_line[i] = r->f.line[first + i];
        r->hdr_col[i] = r->f.col[first + i];
        at += len + 1;
    }
    r->header.n = n;
    r->header.cell = (const char *const *)r->hdr_cell;
    r->header.len = r->hdr_len;
    r->header.line = r->hdr_line;
    r->header.col = r->hdr_col;
    r->header.row_line = n ? r->hdr_line[0] : 1;
    r->have_header = 1;
    return 0;
}

static void set_delim(msum_reader *r, char d)
{
    memcpy(r->cls, comma_class, sizeof r->cls);
    r->cls[','] = C_PLAIN;
    r->cls[(unsigned char)d] = C_COMMA;
    r->lim8 = REP8((unsigned char)d < 0x2d ? 0x2d : (unsigned char)d + 1);
    r->delim = d;
    csv_set_delim(&r->csv, (unsigned char)d);
}

/* The delimiter of a header line: the most frequent of ',' ';' tab outside quotes (',' on a
 * tie or when there is none). */
static char detect_delim(const unsigned char *s, size_t n)
{
    size_t comma = 0, semi = 0, tab = 0;
    int q = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = s[i];
        if (c == '"') q = !q;
        else if (q) continue;
        else if (c == '\n' || c == '\r') break;
        else if (c == ',') comma++;
        else if (c == ';') semi++;
        else if (c == '\t') tab++;
    }
    if (semi > comma && semi >= tab) return ';';
    if (tab > comma && tab > semi) return '\t';
    return ',';
}

/* A file that is not CSV text but a known binary or UTF-16 format, named by its first bytes
 * (ZIP, OLE2 compound file, byte-order marks), so the message says what to do instead of
 * listing NUL bytes: NULL when the bytes look like text. */
static const char *not_text(const unsigned char *s, size_t n)
{
    static const char ods[] = "mimetypeapplication/vnd.oasis.opendocument.spreadsheet";
    if (n >= 4 && memcmp(s, "PK\3\4", 4) == 0) {
        if (n >= 30 + sizeof ods - 1 && memcmp(s + 30, ods, sizeof ods - 1) == 0)
            return "found an OpenDocument spreadsheet (.ods), expected CSV text; save it as "
                   "CSV (UTF-8) or as an .xlsx workbook";
        return "found a ZIP archive (an XLSX workbook?), expected CSV text; give a workbook as "
               "a file named *.xlsx";
    }
    if (n >= 8 && memcmp(s, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0)
        return "found an Excel 97-2003 workbook (.xls), expected CSV text; save it as an .xlsx "
               "workbook or as CSV (UTF-8)";
    if (n >= 2 && ((s[0] == 0xFF && s[1] == 0xFE) || (s[0] == 0xFE && s[1] == 0xFF)))
        return "found UTF-16 text (Excel's 'Unicode Text'), expected UTF-8; save it as 'CSV "
               "UTF-8', or convert it: iconv -f UTF-16 -t UTF-8";
    return NULL;
}

/* Choose the delimiter and decimal mark: given, or detected from the first bytes (read ahead
 * into buf for a stream and fed later).  A ZIP file on a stream cannot be read as a workbook
 * (that needs a seekable file): said at once, in place of a screen of NUL-byte errors. */
static int reader_setup(msum_reader *r, const msum_read_opts *o)
{
    char d = o ? o->delim : 0;
    const unsigned char *head = r->mem;
    size_t nhead = r->memlen;
    if (!r->mem) {
        r->prefill = fread(r->buf, 1, r->bufsize, r->fp);
        head = r->buf;
        nhead = r->prefill;
    }
    const char *what = not_text(head, nhead);
    if (what) {
        msum_diags_add(r->diags, MSUM_DIAG_ERROR, r->name, 0, 0, NULL, "%s", what);
        return MSUM_EPARSE;
    }
    if (!d) {
        d = detect_delim(head, nhead);
        r->delim_detected = 1;
    }
    set_delim(r, d);
    r->decimal = o && o->decimal ? o->decimal : d == ';' ? ',' : '.';
    r->dec_detected = !(o && o->decimal) && d == ';';
    return MSUM_OK;
}

static int reader_start(msum_reader *r, msum_reader **out)
{
    int rc = fill(r);
    if (rc == MSUM_ENOMEM || rc == MSUM_EIO) goto fail;
    if (rc) r->pending_fatal = -rc;
    if (!r->have_header) {
        r->have_header = 1; /* empty input: no header, no rows */
        r->header.n = 0;
        r->header.row_line = 1;
    }
    *out = r;
    return MSUM_OK;
fail:
    msum_reader_free(r);
    return rc;
}

static msum_reader *reader_new(const char *name, msum_diags *diags, size_t bufsize)
{
    msum_reader *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    r->name = strdup(name ? name : "-");
    r->buf = malloc(bufsize);
    r->bufsize = bufsize;
    r->diags = diags;
    r->line = 1;
    r->max_field = max_field_default < (size_t)LONG_MAX ? (long)max_field_default : LONG_MAX;
    if (!r->name || !r->buf || csv_init(&r->csv, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL)) {
        free(r->name);
        free(r->buf);
        free(r);
        return NULL;
    }
    csv_set_space_func(&r->csv, no_space);
    csv_set_blk_size(&r->csv, 4096);
    set_delim(r, ',');
    r->decimal = '.';
    return r;
}

int msum_reader_open_fp(FILE *fp, const char *name, msum_diags *diags, msum_reader **out)
{
    *out = NULL;
    if (!fp) return MSUM_EINVAL;
    msum_reader *r = reader_new(name, diags, READ_CHUNK);
    if (!r) return MSUM_ENOMEM;
    r->fp = fp;
    return reader_start(r, out);
}

int msum_reader_open(const char *path, const char *name, msum_diags *diags, msum_reader **out)
{
    *out = NULL;
    if (!path) return MSUM_EINVAL;
    if (!name) name = path;
    if (strcmp(path, "-") == 0) return msum_reader_open_fp(stdin, name, diags, out);
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        msum_diags_add(diags, MSUM_DIAG_ERROR, name, 0, 0, NULL, "cannot open: %s",
                       strerror(errno));
        return MSUM_EIO;
    }
    int rc = msum_reader_open_fp(fp, name, diags, out);
    if (rc != MSUM_OK) {
        fclose(fp);
        return rc;
    }
    (*out)->own_fp = 1;
    return MSUM_OK;
}

int msum_reader_open_mem(const char *buf, size_t len, const char *name, size_t chunk,
                         msum_diags *diags, msum_reader **out)
{
    *out = NULL;
    if (!buf && len) return MSUM_EINVAL;
    if (chunk == 0) chunk = READ_CHUNK;
    msum_reader *r = reader_new(name ? name : "-", diags, 1); /* no read buffer needed */
    if (!r) return MSUM_ENOMEM;
    r->mem = (const unsigned char *)(buf ? buf : "");
    r->memlen = len;
    r->chunk = chunk;
    return reader_start(r, out);
}

/* Does the path name a workbook (*.xlsx, or *.xlsm: the same format with macros; any case)? */
static int xlsx_path(const char *path)
{
    size_t n = strlen(path);
    return n > 5 && (strcasecmp(path + n - 5, ".xlsx") == 0 ||
                     strcasecmp(path + n - 5, ".xlsm") == 0);
}

int msum_reader_open_opts(const char *path, const char *name, const msum_read_opts *o,
                          msum_diags *diags, msum_reader **out)
{
    *out = NULL;
    if (!path) return MSUM_EINVAL;
    if (!name) name = path;
    if (xlsx_path(path)) {
        xlsx_sheet *xl;
        int rc = xlsx_sheet_read(path, name, o ? o->sheet : NULL, diags, &xl);
        if (rc != MSUM_OK) return rc;
        /* diagnostics name the sheet: "book.xlsx:Sheet1", printed with Sheet!A1 cells */
        size_t len = strlen(name) + strlen(xlsx_sheet_name(xl)) + 2;
        char *full = malloc(len);
        msum_reader *r = full ? reader_new(name, diags, 1) : NULL;
        if (!r) {
            free(full);
            xlsx_sheet_free(xl);
            return MSUM_ENOMEM;
        }
        snprintf(full, len, "%s:%s", name, xlsx_sheet_name(xl));
        free(r->name);
        r->name = full;
        r->xl = xl;
        r->decimal = '.'; /* cells hold numbers, not text in a locale */
        return reader_start(r, out);
    }
    FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!fp) {
        msum_diags_add(diags, MSUM_DIAG_ERROR, name, 0, 0, NULL, "cannot open: %s",
                       strerror(errno));
        return MSUM_EIO;
    }
    msum_reader *r = reader_new(name, diags, READ_CHUNK);
    if (!r) {
        if (fp != stdin) fclose(fp);
        return MSUM_ENOMEM;
    }
    r->fp = fp;
    r->own_fp = fp != stdin;
    int rc = reader_setup(r, o);
    if (rc != MSUM_OK) {
        msum_reader_free(r);
        return rc;
    }
    return reader_start(r, out);
}

int msum_reader_open_mem_opts(const char *buf, size_t len, const char *name, size_t chunk,
                              const msum_read_opts *o, msum_diags *diags, msum_reader **out)
{
    *out = NULL;
    if (!buf && len) return MSUM_EINVAL;
    if (chunk == 0) chunk = READ_CHUNK;
    msum_reader *r = reader_new(name ? name : "-", diags, 1);
    if (!r) return MSUM_ENOMEM;
    r->mem = (const unsigned char *)(buf ? buf : "");
    r->memlen = len;
    r->chunk = chunk;
    int rc = reader_setup(r, o);
    if (rc != MSUM_OK) {
        msum_reader_free(r);
        return rc;
    }
    return reader_start(r, out);
}

char msum_reader_delim(const msum_reader *r) { return r->delim; }
char msum_reader_decimal(const msum_reader *r) { return r->decimal; }
int msum_reader_decimal_detected(const msum_reader *r) { return r->dec_detected; }
size_t msum_reader_blank_rows(const msum_reader *r) { return r->nblank; }

void msum_reader_note_blank(const msum_reader *r, msum_diags *diags)
{
    if (r->nblank)
        msum_diags_add(diags, MSUM_DIAG_NOTE, r->name, 0, 0, NULL, "skipped %zu blank row%s",
                       r->nblank, r->nblank == 1 ? "" : "s");
}
void msum_reader_set_max_field(size_t bytes)
{
    max_field_default = bytes ? bytes : MSUM_MAX_FIELD_DEFAULT;
}

size_t msum_reader_max_field(void) { return max_field_default; }

const msum_row *msum_reader_header(const msum_reader *r) { return &r->header; }

const char *msum_reader_name(const msum_reader *r) { return r->name; }
const char *msum_reader_sheets(const msum_reader *r)
{
    return r->xl ? xlsx_sheet_all(r->xl) : NULL;
}

/* Does the row pass the filter?  Short rows have "" in the missing cells. */
static int filter_keeps(const msum_reader *r, const msum_row *row)
{
    for (size_t i = 0; i < r->nfilt; i++) {
        const char *v = (size_t)r->fcol[i] < row->n ? row->cell[r->fcol[i]] : "";
        if (strcmp(v, r->fval[i]) != 0) return 0;
    }
    return 1;
}

int msum_reader_next(msum_reader *r, msum_row *row)
{
    for (;;) {
        while (r->rowhead >= r->nrows) {
            if (r->fatal) return r->fatal;
            if (r->pending_fatal) {
                r->fatal = r->pending_fatal;
                return r->fatal;
            }
            if (r->eof) {
                if (r->nfilt && r->fkept == 0 && r->fspec) { /* said once */
                    msum_diags_add(r->diags, MSUM_DIAG_ERROR, r->name, 1, 0, NULL,
                                   "found no row matching the filter '%s' among %zu rows "
                                   "(values are compared exactly, case included), expected at "
                                   "least one", r->fspec, r->fseen);
                    free(r->fspec);
                    r->fspec = NULL;
                }
                return 0;
            }
            int rc = fill(r);
            if (rc) {
                r->pending_fatal = -rc;
                if (r->rowhead >= r->nrows) {
                    r->fatal = r->pending_fatal;
                    return r->fatal;
                }
            }
        }
        size_t i = r->rowhead++;
        size_t n = r->row_n[i], first = r->row_first[i];
        if (grow((void **)&r->cells, &r->cellcap, n + 1, sizeof *r->cells)) {
            r->fatal = -MSUM_ENOMEM;
            return r->fatal;
        }
        for (size_t j = 0; j < n; j++) r->cells[j] = r->arena + r->f.off[first + j];
        row->n = n;
        row->cell = r->cells;
        row->len = r->f.len + first;
        row->line = r->f.line + first;
        row->col = r->f.col + first;
        row->row_line = n ? r->f.line[first] : r->line;
        r->fseen++;
        if (filter_keeps(r, row)) {
            r->fkept++;
            return 1;
        }
    }
}

int msum_reader_filter(msum_reader *r, const char *spec)
{
    if (!spec || !*spec) return MSUM_OK;
    const msum_row *h = msum_reader_header(r);
    int bad = 0;
    for (const char *p = spec; *p;) {
        const char *end = strchr(p, ';');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        const char *eq = memchr(p, '=', len);
        int col = -1;
        for (size_t c = 0; eq && c < h->n; c++)
            if (h->len[c] == (size_t)(eq - p) && memcmp(h->cell[c], p, h->len[c]) == 0)
                col = (int)c;
        if (col < 0) {
            msum_diags_add(r->diags, MSUM_DIAG_ERROR, r->name, 1, 0, NULL,
                           "filter '%.*s': expected COLUMN=VALUE with a column of the header",
                           (int)len, p);
            bad = 1;
        } else {
            int *fc = realloc(r->fcol, (r->nfilt + 1) * sizeof *fc);
            if (fc) r->fcol = fc;
            char **fv = fc ? realloc(r->fval, (r->nfilt + 1) * sizeof *fv) : NULL;
            if (fv) r->fval = fv;
            char *v = fv ? strndup(eq + 1, len - (size_t)(eq + 1 - p)) : NULL;
            if (!v) return MSUM_ENOMEM;
            r->fcol[r->nfilt] = col;
            r->fval[r->nfilt++] = v;
        }
        p += len + (end != NULL);
    }
    if (!bad && r->nfilt && !r->fspec && !(r->fspec = strdup(spec))) return MSUM_ENOMEM;
    return bad ? MSUM_EDATA : MSUM_OK;
}

void msum_reader_free(msum_reader *r)
{
    if (!r) return;
    free(r->fspec);
    csv_free(&r->csv);
    for (size_t i = 0; i < r->nfilt; i++) free(r->fval[i]);
    free(r->fval);
    free(r->fcol);
    if (r->own_fp && r->fp) fclose(r->fp);
    free(r->name);
    free(r->buf);
    free(r->qline);
    free(r->qcol);
    free(r->arena);
    free(r->f.off);
    free(r->f.len);
    free(r->f.line);
    free(r->f.col);
    free(r->row_first);
    free(r->row_n);
    free(r->hdr_text);
    free(r->hdr_cell);
    free(r->hdr_len);
    free(r->hdr_line);
    free(r->hdr_col);
    free((void *)r->cells);
    xlsx_sheet_free(r->xl);
    free(r);
}
