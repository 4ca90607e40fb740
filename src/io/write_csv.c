/* CSV (RFC 4180) and TSV writers for msum_table, with the spreadsheet formula guard (OWASP
 * "CSV Injection") and metadata as leading "# key,value" records. */
#include "metasum/write.h"

#include <string.h>

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
