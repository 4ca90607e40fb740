/* Format dispatch: one table or several, to a stream or atomically to a file. */
#include "metasum/write.h"

#include <stdlib.h>

#include "metasum/metasum.h"
#include "text.h"

int msum_write_table(const msum_table *t, msum_format f, FILE *fp, const msum_write_opts *o)
{
    switch (f) {
    case MSUM_FMT_CSV: return msum_write_csv(t, fp, o);
    case MSUM_FMT_TSV: return msum_write_tsv(t, fp, o);
    case MSUM_FMT_MARKDOWN: return msum_write_md(t, fp, o);
    case MSUM_FMT_JSON: return msum_write_json(t, fp, o);
    case MSUM_FMT_HTML: return msum_write_html(t, fp, o);
    case MSUM_FMT_TEXT: return msum_write_text(t, fp, o);
    default: return MSUM_EINVAL; /* XLSX needs a file name: msum_write_xlsx */
    }
}

int msum_write_tables(const msum_table *const *ts, size_t n, msum_format f, FILE *fp,
                      const msum_write_opts *o)
{
    if (!fp || (n && !ts)) return MSUM_EINVAL;
    for (size_t i = 0; i < n; i++)
        if (!ts[i]) return MSUM_EINVAL;
    if (f == MSUM_FMT_JSON)
        return n == 1 ? msum_write_json(ts[0], fp, o) : msum_io_write_json_array(ts, n, fp, o);
    if (f == MSUM_FMT_HTML) {
        msum_html_item *items = calloc(n ? n : 1, sizeof *items);
        if (!items) return MSUM_ENOMEM;
        for (size_t i = 0; i < n; i++) {
            items[i].kind = MSUM_HTML_TABLE;
            items[i].table = ts[i];
        }
        int st = msum_write_html_page(fp, n ? msum_table_title(ts[0]) : "metasum", items, n, o);
        free(items);
        return st;
    }
    if (f != MSUM_FMT_CSV && f != MSUM_FMT_TSV && f != MSUM_FMT_MARKDOWN && f != MSUM_FMT_TEXT)
        return MSUM_EINVAL;
    for (size_t i = 0; i < n; i++) {
        if (i) fputc('\n', fp);
        int st = msum_write_table(ts[i], f, fp, o);
        if (st != MSUM_OK) return st;
    }
    return ferror(fp) ? MSUM_EIO : MSUM_OK;
}

int msum_write_file(const char *path, const msum_table *const *ts, size_t n, msum_format f,
                    const msum_write_opts *o)
{
    if (!path) return MSUM_EINVAL;
    if (f == MSUM_FMT_XLSX) return msum_write_xlsx(path, ts, n, o);
    msum_atomic *a;
    int st = msum_atomic_open(path, &a);
    if (st != MSUM_OK) return st;
    st = msum_write_tables(ts, n, f, msum_atomic_fp(a), o);
    if (st != MSUM_OK) {
        msum_atomic_abort(a);
        return st;
    }
    return msum_atomic_commit(a);
}

size_t msum_file_stem(const char *name, char *buf, size_t size)
{
    if (!buf || size == 0) return 0;
    size_t max = size - 1 < 64 ? size - 1 : 64, n = 0;
    int gap = 0;
    for (const char *p = name ? name : ""; *p && n < max; p++) {
        char c = *p;
        int keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '-' || c == '_';
        if (!keep || c == '_') {
            gap = n > 0; /* no leading '_' */
            continue;
        }
        if (gap) {
            if (n + 2 > max) break; /* no room for '_' and a character: stop at the gap */
            buf[n++] = '_';
        }
        gap = 0;
        buf[n++] = c;
    }
    if (n == 0) n = (size_t)snprintf(buf, size, "%.*s", (int)max, "table");
    buf[n] = '\0';
    return n;
}
