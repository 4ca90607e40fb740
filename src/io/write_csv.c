/* CSV (RFC 4180) and TSV writers for msum_table. */
#include "metasum/write.h"

#include <string.h>

#include "metasum/metasum.h"

/* Quote a CSV field when it holds a separator, quote, CR or LF; double embedded quotes. */
static void put_csv_text(FILE *fp, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, fp);
        return;
    }
    fputc('"', fp);
    for (; *s; s++) {
        if (*s == '"') fputc('"', fp);
        fputc(*s, fp);
    }
    fputc('"', fp);
}

/* TSV has no quoting: tabs and line breaks inside a text become spaces. */
static void put_tsv_text(FILE *fp, const char *s)
{
    for (; *s; s++) fputc((*s == '\t' || *s == '\r' || *s == '\n') ? ' ' : *s, fp);
}

static int write_delim(const msum_table *t, FILE *fp, const msum_write_opts *o, char sep)
{
    msum_write_opts def = MSUM_WRITE_OPTS_DEFAULT;
    if (!o) o = &def;
    void (*put)(FILE *, const char *) = sep == ',' ? put_csv_text : put_tsv_text;
    size_t nc = msum_table_ncols(t), nr = msum_table_nrows(t);
    char num[64];
    if (o->meta)
        for (size_t i = 0; i < msum_table_nmeta(t); i++) {
            fputs("# ", fp);
            put(fp, msum_table_meta_key(t, i));
            fputs(": ", fp);
            put(fp, msum_table_meta_value(t, i));
            fputc('\n', fp);
        }
    if (o->header) {
        for (size_t c = 0; c < nc; c++) {
            if (c) fputc(sep, fp);
            put(fp, msum_table_col_name(t, c));
        }
        fputc('\n', fp);
    }
    for (size_t r = 0; r < nr; r++) {
        for (size_t c = 0; c < nc; c++) {
            if (c) fputc(sep, fp);
            if (msum_table_col_type(t, c) == MSUM_COL_TEXT) {
                const char *s = msum_table_text(t, r, c);
                put(fp, s ? s : "NA");
            } else {
                msum_fmt_num(msum_table_num(t, r, c),
                             msum_table_col_type(t, c) == MSUM_COL_INT ? 0 : o->digits, num,
                             sizeof num);
                fputs(num, fp);
            }
        }
        fputc('\n', fp);
    }
    return ferror(fp) ? MSUM_EIO : MSUM_OK;
}

int msum_write_csv(const msum_table *t, FILE *fp, const msum_write_opts *o)
{
    return write_delim(t, fp, o, ',');
}

int msum_write_tsv(const msum_table *t, FILE *fp, const msum_write_opts *o)
{
    return write_delim(t, fp, o, '\t');
}

int msum_write_table(const msum_table *t, msum_format f, FILE *fp, const msum_write_opts *o)
{
    switch (f) {
    case MSUM_FMT_CSV: return msum_write_csv(t, fp, o);
    case MSUM_FMT_TSV: return msum_write_tsv(t, fp, o);
    default: return MSUM_EINVAL; /* other formats: their own writers */
    }
}
