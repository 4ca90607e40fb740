/* JSON writer (RFC 8259): one object per table with its name, title, metadata, typed columns
 * and rows keyed by column name.  Output is valid UTF-8 whatever the input. */
#include "metasum/write.h"

#include <math.h>

#include "metasum/metasum.h"
#include "text.h"

/* A JSON string: " \ and all controls escaped; < > & and U+2028/U+2029 as \u escapes too, so
 * the text can sit inside an HTML <script> or a JavaScript source; invalid UTF-8 -> U+FFFD. */
static void put_json_str(FILE *fp, const char *s)
{
    if (!s) {
        fputs("null", fp);
        return;
    }
    fputc('"', fp);
    uint32_t cp;
    while (*s) {
        s += msum_io_utf8_next(s, &cp);
        switch (cp) {
        case '"': fputs("\\\"", fp); break;
        case '\\': fputs("\\\\", fp); break;
        case '\b': fputs("\\b", fp); break;
        case '\f': fputs("\\f", fp); break;
        case '\n': fputs("\\n", fp); break;
        case '\r': fputs("\\r", fp); break;
        case '\t': fputs("\\t", fp); break;
        default:
            if (cp < 0x20 || cp == 0x7F || cp == '<' || cp == '>' || cp == '&' || cp == 0x2028 ||
                cp == 0x2029)
                fprintf(fp, "\\u%04x", (unsigned)cp);
            else
                msum_io_put_cp(fp, cp);
        }
    }
    fputc('"', fp);
}

static const char *type_name(msum_coltype ty)
{
    return ty == MSUM_COL_TEXT ? "text" : ty == MSUM_COL_INT ? "integer" : "number";
}

static void put_object(const msum_table *t, FILE *fp, const msum_write_opts *o, const char *ind)
{
    size_t nc = msum_table_ncols(t), nr = msum_table_nrows(t);
    char num[64];
    fprintf(fp, "%s{\n%s  \"name\": ", ind, ind);
    put_json_str(fp, msum_table_name(t));
    fprintf(fp, ",\n%s  \"title\": ", ind);
    put_json_str(fp, msum_table_title(t));
    fprintf(fp, ",\n%s  \"meta\": {", ind);
    for (size_t i = 0; i < msum_io_nmeta(t); i++) {
        const char *k, *v;
        msum_io_meta(t, i, &k, &v);
        fputs(i ? ", " : "", fp);
        put_json_str(fp, k);
        fputs(": ", fp);
        put_json_str(fp, v);
    }
    fprintf(fp, "},\n%s  \"columns\": [", ind);
    for (size_t c = 0; c < nc; c++) {
        fprintf(fp, "%s\n%s    {\"name\": ", c ? "," : "", ind);
        put_json_str(fp, msum_table_col_name(t, c));
        fprintf(fp, ", \"type\": \"%s\", \"description\": ", type_name(msum_table_col_type(t, c)));
        put_json_str(fp, msum_table_col_desc(t, c));
        fputc('}', fp);
    }
    if (nc) fprintf(fp, "\n%s  ", ind);
    fprintf(fp, "],\n%s  \"rows\": [", ind);
    for (size_t r = 0; r < nr; r++) {
        fprintf(fp, "%s\n%s    {", r ? "," : "", ind);
        for (size_t c = 0; c < nc; c++) {
            fputs(c ? ", " : "", fp);
            put_json_str(fp, msum_table_col_name(t, c));
            fputs(": ", fp);
            msum_coltype ty = msum_table_col_type(t, c);
            if (ty == MSUM_COL_TEXT) {
                put_json_str(fp, msum_table_text(t, r, c));
            } else {
                double v = msum_table_num(t, r, c);
                if (!isfinite(v)) {
                    fputs("null", fp);
                } else {
                    msum_fmt_num(v, ty == MSUM_COL_INT ? 0 : o->digits, num, sizeof num);
                    fputs(num, fp);
                }
            }
        }
        fputc('}', fp);
    }
    if (nr) fprintf(fp, "\n%s  ", ind);
    fprintf(fp, "]\n%s}", ind);
}

int msum_write_json(const msum_table *t, FILE *fp, const msum_write_opts *o)
{
    msum_write_opts def = MSUM_WRITE_OPTS_DEFAULT;
    if (!o) o = &def;
    if (!t || !fp) return MSUM_EINVAL;
    put_object(t, fp, o, "");
    fputc('\n', fp);
    return ferror(fp) ? MSUM_EIO : MSUM_OK;
}

int msum_io_write_json_array(const msum_table *const *ts, size_t n, FILE *fp,
                             const msum_write_opts *o)
{
    msum_write_opts def = MSUM_WRITE_OPTS_DEFAULT;
    if (!o) o = &def;
    fputc('[', fp);
    for (size_t i = 0; i < n; i++) {
        fputs(i ? ",\n" : "\n", fp);
        put_object(ts[i], fp, o, "  ");
    }
    fputs(n ? "\n]\n" : "]\n", fp);
    return ferror(fp) ? MSUM_EIO : MSUM_OK;
}
