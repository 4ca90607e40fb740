/* CSV (RFC 4180) and TSV writers for msum_table, with the spreadsheet formula guard (OWASP
 * "CSV Injection") and metadata as leading "# key,value" records; and the same written row by
 * row as a streaming analysis hands the rows over (a sink), in constant memory. */
#include "metasum/write.h"

#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fmt_fast.h"
#include "metasum/metasum.h"
#include "text.h"

typedef struct {
    FILE *fp;
    char sep;
    int guard;
} delim;

/* One text field: optional apostrophe guard, U+FFFD for invalid UTF-8 and stray controls.
 * CSV quotes a field holding a comma, quote, CR or LF and doubles embedded quotes; TSV has no
 * quoting, so TAB, CR and LF become spaces.  oneline: CR/LF become spaces in CSV too. */
static void put_field(const delim *d, const char *s, int oneline)
{
    int risky = d->guard && msum_formula_risky(s, strlen(s));
    int csv = d->sep == ',';
    int quote = csv && strpbrk(s, oneline ? ",\"" : ",\"\r\n") != NULL;
    if (quote) fputc('"', d->fp);
    if (risky) fputc('\'', d->fp);
    if (msum_io_plain_ascii(s, "\"")) { /* nothing to double or replace */
        fputs(s, d->fp);
        if (quote) fputc('"', d->fp);
        return;
    }
    uint32_t cp;
    while (*s) {
        s += msum_io_utf8_next(s, &cp);
        if (cp == '\r' || cp == '\n') {
            if (!csv || oneline) cp = ' ';
        } else if (cp == '\t') {
            if (!csv) cp = ' ';
        } else if (cp < 0x20 || cp == 0x7F) {
            cp = MSUM_IO_REPLACEMENT;
        } else if (cp == '"' && quote) {
            fputc('"', d->fp);
        }
        msum_io_put_cp(d->fp, cp);
    }
    if (quote) fputc('"', d->fp);
}

/* "# key" then the value as the second field: comment-aware readers skip the line, and a
 * spreadsheet shows key and value in two cells.  Keys are identifiers chosen by the analysis;
 * anything that would break the line or the first field becomes '_'. */
static void put_meta(const delim *d, const char *key, const char *value)
{
    fputs("# ", d->fp);
    uint32_t cp;
    while (*key) {
        key += msum_io_utf8_next(key, &cp);
        if (cp < 0x20 || cp == 0x7F || cp == (uint32_t)d->sep || cp == '"') cp = '_';
        msum_io_put_cp(d->fp, cp);
    }
    fputc(d->sep, d->fp);
    put_field(d, value, 1);
    fputc('\n', d->fp);
}

static int write_delim(const msum_table *t, FILE *fp, const msum_write_opts *o, char sep)
{
    msum_write_opts def = MSUM_WRITE_OPTS_DEFAULT;
    if (!o) o = &def;
    delim d = {fp, sep, o->formula_guard};
    size_t nc = msum_table_ncols(t), nr = msum_table_nrows(t);
    char num[64];
    if (o->meta)
        for (size_t i = 0; i < msum_io_nmeta(t); i++) {
            const char *k, *v;
            msum_io_meta(t, i, &k, &v);
            put_meta(&d, k, v);
        }
    else if (o->names)
        put_meta(&d, "table", msum_table_name(t));
    if (o->header) {
        for (size_t c = 0; c < nc; c++) {
            if (c) fputc(sep, fp);
            put_field(&d, msum_table_col_name(t, c), 0);
        }
        fputc('\n', fp);
    }
    for (size_t r = 0; r < nr; r++) {
        for (size_t c = 0; c < nc; c++) {
            if (c) fputc(sep, fp);
            msum_coltype ty = msum_table_col_type(t, c);
            if (ty == MSUM_COL_TEXT) {
                const char *s = msum_table_text(t, r, c);
                put_field(&d, s ? s : "NA", 0);
            } else {
                int n = msum_fmt_num(msum_table_num(t, r, c), ty == MSUM_COL_INT ? 0 : o->digits,
                                     num, sizeof num);
                fwrite(num, 1, (size_t)n, fp); /* its length is known: no strlen */
            }
        }
        fputc('\n', fp);
    }
    return ferror(fp) ? MSUM_EIO : MSUM_OK;
}

int msum_write_csv(const msum_table *t, FILE *fp, const msum_write_opts *o)
{
    if (!t || !fp) return MSUM_EINVAL;
    return write_delim(t, fp, o, ',');
}

int msum_write_tsv(const msum_table *t, FILE *fp, const msum_write_opts *o)
{
    if (!t || !fp) return MSUM_EINVAL;
    return write_delim(t, fp, o, '\t');
}

/* ---- CSV/TSV row by row: a sink (table.h) ------------------------------------------------- */

/* The rows go into a buffer.  Three ways to keep "all rows or none" (msum_sink):
 *  - THROUGH: the rows are already checked (begin's `checked`): written whenever it is full;
 *  - DIRECT: the stream is a regular file (not in append mode): written likewise, and cut back
 *    to where the table began when end() says drop;
 *  - COLLECT (a pipe, a terminal): kept until end(), up to `keep` bytes; past that the rows are
 *    dropped and asked for again (MSUM_SINK_AGAIN), to be written THROUGH. */
enum { SINK_THROUGH, SINK_DIRECT, SINK_COLLECT };

typedef struct {
    FILE *fp;
    char sep;
    msum_write_opts o;
    size_t keep;
    int mode;
    off_t start;          /* DIRECT: where the table began */
    char *p;              /* the buffer */
    size_t len, cap;
    int err;              /* a write failed */
    size_t ncols;
    msum_coltype *types;
} csv_sink;

static int sink_reserve(csv_sink *s, size_t n)
{
    if (s->cap - s->len >= n) return 1;
    size_t cap = s->cap ? s->cap : 1 << 16;
    while (cap - s->len < n) cap *= 2;
    char *p = realloc(s->p, cap);
    if (!p) return 0;
    s->p = p;
    s->cap = cap;
    return 1;
}

static void sink_flush(csv_sink *s)
{
    if (s->len && !s->err && fwrite(s->p, 1, s->len, s->fp) != s->len) s->err = 1;
    s->len = 0;
}

/* Room for n more bytes: MSUM_OK, MSUM_SINK_AGAIN (collecting went past `keep`: dropped), or
 * MSUM_ENOMEM. */
static int sink_room(csv_sink *s, size_t n)
{
    if (s->cap - s->len >= n) return MSUM_OK;
    if (s->mode != SINK_COLLECT) {
        sink_flush(s);
    } else if (s->len + n > s->keep) {
        free(s->p);
        s->p = NULL;
        s->len = s->cap = 0;
        return MSUM_SINK_AGAIN;
    }
    return sink_reserve(s, n) ? MSUM_OK : MSUM_ENOMEM;
}

/* Text cell, as put_field writes it: CSV quoting (RFC 4180) or, for TSV, tabs and line breaks
 * turned into spaces; with guard, an apostrophe before a text a spreadsheet would read as a
 * formula; invalid UTF-8 and C0/DEL controls as U+FFFD.  Printable ASCII is copied as it is
 * checked (cells are short); anything else is rewritten code point by code point.  Caller
 * reserved 3 * len + 3 bytes (U+FFFD is 3 bytes for 1). */
static void sink_text(csv_sink *s, const char *t, size_t len)
{
    /* 1: CSV quotes the field; 2: TSV turns it into a space; 4: not printable ASCII */
    static const unsigned char cls[256] = {
        4, 4, 4, 4, 4, 4, 4, 4, 4, 2, 3, 4, 4, 3, 4, 4, /* 0_ */
        4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, /* 1_ */
        0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, /* 2_ */
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 3_ */
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 4_ */
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 5_ */
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 6_ */
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, /* 7_ */
        4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, /* 8_ */
        4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, /* 9_ */
        4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, /* A_ */
        4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, /* B_ */
        4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, /* C_ */
        4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, /* D_ */
        4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, /* E_ */
        4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, /* F_ */
    };
    char *o = s->p + s->len;
    int csv = s->sep == ',';
    /* msum_formula_risky only for a text whose first byte could start a formula: white space,
     * = + - @, or a non-ASCII character (U+00A0, U+3000, the full-width forms) */
    unsigned char c0 = len ? (unsigned char)t[0] : 'a';
    int risky = s->o.formula_guard &&
                (c0 <= ' ' || c0 == '=' || c0 == '+' || c0 == '-' || c0 == '@' || c0 >= 0x80) &&
                msum_formula_risky(t, len);
    if (risky) *o++ = '\'';
    unsigned seen = 0;
    if (csv) {
        for (size_t i = 0; i < len; i++) {
            o[i] = t[i];
            seen |= cls[(unsigned char)t[i]];
        }
    } else {
        for (size_t i = 0; i < len; i++) {
            unsigned c = cls[(unsigned char)t[i]];
            o[i] = c & 2 ? ' ' : t[i];
            seen |= c;
        }
    }
    if (!(seen & 4) && !(csv && (seen & 1))) { /* the common case: copied as it is */
        s->len = (size_t)(o + len - s->p);
        return;
    }
    int quote = csv && (seen & 1);
    o = s->p + s->len;
    if (quote) *o++ = '"';
    if (risky) *o++ = '\'';
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        i += msum_io_utf8_next_n(t + i, len - i, &cp);
        if (cp == '\r' || cp == '\n' || cp == '\t') {
            if (!csv) cp = ' ';
        } else if (cp < 0x20 || cp == 0x7F) {
            cp = MSUM_IO_REPLACEMENT;
        } else if (cp == '"' && quote) {
            *o++ = '"';
        }
        o += msum_io_encode_cp(cp, o);
    }
    if (quote) *o++ = '"';
    s->len = (size_t)(o - s->p);
}

/* A number; caller reserved 48 bytes (the fast formatter's need). */
static void sink_num(csv_sink *s, double v, int digits)
{
    if (isnan(v)) {
        memcpy(s->p + s->len, "NA", 2);
        s->len += 2;
    } else if (digits == 0 && fabs(v) < 1e15 && v == floor(v)) { /* as msum_fmt_num: plain */
        s->len += (size_t)snprintf(s->p + s->len, 24, "%ld", (long)v);
    } else {
        s->len += (size_t)msum_fmt_num_fast(v, digits, s->p + s->len, 48);
    }
}

static int sink_begin(void *ctx, const msum_table *cols, int checked)
{
    csv_sink *s = ctx;
    struct stat st;
    int fd = fileno(s->fp), fl = fd >= 0 ? fcntl(fd, F_GETFL) : -1;
    s->mode = SINK_COLLECT;
    s->len = 0;
    if (checked) {
        s->mode = SINK_THROUGH;
    } else if (fl >= 0 && !(fl & O_APPEND) && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
               (s->start = ftello(s->fp)) >= 0) {
        s->mode = SINK_DIRECT;
    }
    s->ncols = msum_table_ncols(cols);
    msum_coltype *ty = realloc(s->types, (s->ncols + 1) * sizeof *ty);
    if (!ty) return MSUM_ENOMEM;
    s->types = ty;
    for (size_t c = 0; c < s->ncols; c++) ty[c] = msum_table_col_type(cols, c);
    /* the metadata and the header as the table writer writes them */
    char *head = NULL;
    size_t hlen = 0;
    FILE *m = open_memstream(&head, &hlen);
    if (!m) return MSUM_ENOMEM;
    int w = write_delim(cols, m, &s->o, s->sep);
    if (fclose(m) != 0 || w != MSUM_OK) {
        free(head);
        return MSUM_ENOMEM;
    }
    size_t want = (size_t)1 << 20; /* rows are written a megabyte at a time */
    int r = sink_reserve(s, hlen > want ? hlen : want) ? MSUM_OK : MSUM_ENOMEM;
    if (r == MSUM_OK) {
        memcpy(s->p, head, hlen);
        s->len = hlen;
    }
    free(head);
    return r;
}

static int sink_row(void *ctx, const msum_cell *cells)
{
    csv_sink *s = ctx;
    size_t need = 1;
    for (size_t c = 0; c < s->ncols; c++)
        need += (s->types[c] == MSUM_COL_TEXT ? 3 * cells[c].len + 3 : 48) + 1;
    int r = sink_room(s, need);
    if (r != MSUM_OK) return r;
    for (size_t c = 0; c < s->ncols; c++) {
        if (c) s->p[s->len++] = s->sep;
        if (s->types[c] != MSUM_COL_TEXT)
            sink_num(s, cells[c].num, s->types[c] == MSUM_COL_INT ? 0 : s->o.digits);
        else if (cells[c].text)
            sink_text(s, cells[c].text, cells[c].len);
        else {
            memcpy(s->p + s->len, "NA", 2);
            s->len += 2;
        }
    }
    s->p[s->len++] = '\n';
    return s->err ? MSUM_EIO : MSUM_OK;
}

static int sink_end(void *ctx, int status)
{
    csv_sink *s = ctx;
    if (status == MSUM_OK) {
        sink_flush(s);
        return s->err || fflush(s->fp) != 0 ? MSUM_EIO : MSUM_OK;
    }
    s->len = 0; /* drop */
    if (s->mode == SINK_DIRECT &&
        (fflush(s->fp) != 0 || ftruncate(fileno(s->fp), s->start) != 0 ||
         fseeko(s->fp, s->start, SEEK_SET) != 0))
        return MSUM_EIO;
    return MSUM_OK;
}

int msum_csv_sink_new(FILE *fp, msum_format f, const msum_write_opts *o, size_t keep,
                      msum_sink *out)
{
    static const msum_write_opts def = MSUM_WRITE_OPTS_DEFAULT;
    memset(out, 0, sizeof *out);
    if (!fp || (f != MSUM_FMT_CSV && f != MSUM_FMT_TSV)) return MSUM_EINVAL;
    csv_sink *s = calloc(1, sizeof *s);
    if (!s) return MSUM_ENOMEM;
    s->fp = fp;
    s->sep = f == MSUM_FMT_CSV ? ',' : '\t';
    s->o = o ? *o : def;
    s->keep = keep;
    *out = (msum_sink){sink_begin, sink_row, sink_end, s};
    /* s is owned by *out (its ctx) now, freed by the sink's free function */
    // cppcheck-suppress memleak
    return MSUM_OK;
}

void msum_csv_sink_free(msum_sink *sink)
{
    csv_sink *s = sink ? sink->ctx : NULL;
    if (s) {
        free(s->p);
        free(s->types);
        free(s);
    }
    if (sink) memset(sink, 0, sizeof *sink);
}
