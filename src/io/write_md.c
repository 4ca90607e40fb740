/* Markdown writer: a GitHub-flavoured pipe table with the title as a heading and the metadata
 * as a list.  Cell text is escaped so it can neither end a cell nor become markup or HTML. */
#include "metasum/write.h"

#include <string.h>

#include "metasum/metasum.h"
#include "text.h"

/* Backslash before every character Markdown could read as markup (CommonMark 0.30, 2.4: any
 * ASCII punctuation may be escaped), & as an entity, line breaks as <br>. */
static void put_md(FILE *fp, const char *s)
{
    uint32_t cp;
    while (*s) {
        s += msum_io_utf8_next(s, &cp);
        if (cp == '\r' && *s == '\n') s++;
        if (cp == '\n' || cp == '\r') {
            fputs("<br>", fp);
        } else if (cp == '&') {
            fputs("&amp;", fp);
        } else if (cp < 0x80 && strchr("\\`*_[]<>|~#!", (int)cp)) {
            fputc('\\', fp);
            fputc((int)cp, fp);
        } else {
            if (cp == '\t') cp = ' ';
            else if (cp < 0x20 || cp == 0x7F) cp = MSUM_IO_REPLACEMENT;
            msum_io_put_cp(fp, cp);
        }
    }
}

int msum_write_md(const msum_table *t, FILE *fp, const msum_write_opts *o)
{
    msum_write_opts def = MSUM_WRITE_OPTS_DEFAULT;
    if (!o) o = &def;
    if (!t || !fp) return MSUM_EINVAL;
    size_t nc = msum_table_ncols(t), nr = msum_table_nrows(t);
    char num[64];
    fputs("## ", fp);
    put_md(fp, msum_table_title(t));
    fputs("\n\n", fp);
    for (size_t i = 0; i < msum_io_nmeta(t); i++) {
        const char *k, *v;
        msum_io_meta(t, i, &k, &v);
        fputs("- ", fp);
        put_md(fp, k);
        fputs(": ", fp);
        put_md(fp, v);
        fputc('\n', fp);
    }
    if (nc == 0) return ferror(fp) ? MSUM_EIO : MSUM_OK;
    fputc('\n', fp);
    fputc('|', fp);
    for (size_t c = 0; c < nc; c++) {
        fputc(' ', fp);
        put_md(fp, msum_table_col_name(t, c));
        fputs(" |", fp);
    }
    fputs("\n|", fp);
    for (size_t c = 0; c < nc; c++)
        fputs(msum_table_col_type(t, c) == MSUM_COL_TEXT ? " :--- |" : " ---: |", fp);
    fputc('\n', fp);
    for (size_t r = 0; r < nr; r++) {
        fputc('|', fp);
        for (size_t c = 0; c < nc; c++) {
            fputc(' ', fp);
            msum_coltype ty = msum_table_col_type(t, c);
            if (ty == MSUM_COL_TEXT) {
                const char *s = msum_table_text(t, r, c);
                put_md(fp, s ? s : "NA");
            } else {
                msum_fmt_num(msum_table_num(t, r, c), ty == MSUM_COL_INT ? 0 : o->digits, num,
                             sizeof num);
                fputs(num, fp);
            }
            fputs(" |", fp);
        }
        fputc('\n', fp);
    }
    return ferror(fp) ? MSUM_EIO : MSUM_OK;
}
