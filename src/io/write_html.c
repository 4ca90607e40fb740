/* HTML writer: a self-contained page (inline CSS, no scripts, no external assets, no
 * timestamps) of headings, paragraphs, tables with their metadata, figures and links.  The
 * markup is also well-formed XML, so it can be checked with an XML parser. */
#include "metasum/write.h"

#include <strings.h>
#include <string.h>

#include "metasum/metasum.h"
#include "text.h"

static const char css[] =
    "body{font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;margin:2em auto;"
    "max-width:72em;padding:0 1em;color:#222;line-height:1.4}\n"
    "h1,h2,h3,h4{line-height:1.2}\n"
    "table{border-collapse:collapse;margin:.5em 0 1.5em;font-size:.9em}\n"
    "th,td{border:1px solid #ccc;padding:.25em .5em;vertical-align:top}\n"
    "th{background:#f2f2f2;text-align:left}\n"
    "td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
    "td.na{color:#888}\n"
    "tbody tr:nth-child(even){background:#fafafa}\n"
    "dl.meta{display:grid;grid-template-columns:max-content auto;gap:.1em 1em;font-size:.85em;"
    "color:#444;margin:.5em 0}\n"
    "dl.meta dt{font-weight:600}\n"
    "dl.meta dd{margin:0}\n"
    ".scroll{overflow-x:auto}\n"
    "figure{margin:1em 0}\n"
    "figure svg{max-width:100%;height:auto}\n"
    "figcaption{font-size:.9em;color:#444}\n"
    "footer{margin-top:3em;font-size:.8em;color:#666}\n";

static void put_text(FILE *fp, const char *s)
{
    msum_io_put_xml(fp, s ? s : "", 1);
}

/* Relative URLs and http(s) only: "javascript:" and other schemes become "#". */
static int safe_href(const char *h)
{
    size_t n = strcspn(h, ":/?#");
    if (h[n] != ':') return 1;
    return (n == 4 && strncasecmp(h, "http", 4) == 0) ||
           (n == 5 && strncasecmp(h, "https", 5) == 0);
}

static void put_table(FILE *fp, const msum_table *t, size_t id, const msum_write_opts *o)
{
    size_t nc = msum_table_ncols(t), nr = msum_table_nrows(t);
    char num[64];
    fprintf(fp, "<section class=\"table\" id=\"table-%zu\">\n<h2>", id);
    put_text(fp, msum_table_title(t));
    fputs("</h2>\n<dl class=\"meta\">\n<dt>table</dt><dd>", fp);
    put_text(fp, msum_table_name(t));
    fputs("</dd>\n", fp);
    for (size_t i = 0; i < msum_io_nmeta(t); i++) {
        const char *k, *v;
        msum_io_meta(t, i, &k, &v);
        fputs("<dt>", fp);
        put_text(fp, k);
        fputs("</dt><dd>", fp);
        put_text(fp, v);
        fputs("</dd>\n", fp);
    }
    fputs("</dl>\n<div class=\"scroll\"><table>\n<thead><tr>", fp);
    for (size_t c = 0; c < nc; c++) {
        const char *desc = msum_table_col_desc(t, c);
        fputs(msum_table_col_type(t, c) == MSUM_COL_TEXT ? "<th" : "<th class=\"num\"", fp);
        if (desc) {
            fputs(" title=\"", fp);
            put_text(fp, desc);
            fputc('"', fp);
        }
        fputc('>', fp);
        put_text(fp, msum_table_col_name(t, c));
        fputs("</th>", fp);
    }
    fputs("</tr></thead>\n<tbody>\n", fp);
    for (size_t r = 0; r < nr; r++) {
        fputs("<tr>", fp);
        for (size_t c = 0; c < nc; c++) {
            msum_coltype ty = msum_table_col_type(t, c);
            if (msum_table_is_na(t, r, c)) {
                fputs(ty == MSUM_COL_TEXT ? "<td class=\"na\">NA</td>"
                                          : "<td class=\"num na\">NA</td>",
                      fp);
            } else if (ty == MSUM_COL_TEXT) {
                fputs("<td>", fp);
                put_text(fp, msum_table_text(t, r, c));
                fputs("</td>", fp);
            } else {
                msum_fmt_num(msum_table_num(t, r, c), ty == MSUM_COL_INT ? 0 : o->digits, num,
                             sizeof num);
                fprintf(fp, "<td class=\"num\">%s</td>", num);
            }
        }
        fputs("</tr>\n", fp);
    }
    fputs("</tbody>\n</table></div>\n</section>\n", fp);
}

int msum_write_html_page(FILE *fp, const char *title, const msum_html_item *items, size_t n,
                         const msum_write_opts *o)
{
    msum_write_opts def = MSUM_WRITE_OPTS_DEFAULT;
    if (!o) o = &def;
    if (!fp || (n && !items)) return MSUM_EINVAL;
    for (size_t i = 0; i < n; i++) {
        const msum_html_item *it = &items[i];
        if ((it->kind == MSUM_HTML_TABLE && !it->table) ||
            (it->kind == MSUM_HTML_SVG && !it->svg) || (it->kind == MSUM_HTML_LINK && !it->href) ||
            it->kind > MSUM_HTML_LINK)
            return MSUM_EINVAL;
    }
    if (!title) title = "metasum";
    fputs("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n"
          "<meta charset=\"utf-8\"/>\n"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
          "style-src 'unsafe-inline'; img-src data:\"/>\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
          "<meta name=\"generator\" content=\"metasum " MSUM_VERSION "\"/>\n<title>",
          fp);
    put_text(fp, title);
    fprintf(fp, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", css);
    size_t ntab = 0;
    for (size_t i = 0; i < n; i++) {
        const msum_html_item *it = &items[i];
        switch (it->kind) {
        case MSUM_HTML_HEADING: {
            int lv = it->level >= 1 && it->level <= 4 ? it->level : 2;
            fprintf(fp, "<h%d>", lv);
            put_text(fp, it->text);
            fprintf(fp, "</h%d>\n", lv);
            break;
        }
        case MSUM_HTML_PARAGRAPH:
            fputs("<p>", fp);
            msum_io_put_xml(fp, it->text ? it->text : "", 2); /* line breaks as <br/> */
            fputs("</p>\n", fp);
            break;
        case MSUM_HTML_TABLE:
            put_table(fp, it->table, ++ntab, o);
            break;
        case MSUM_HTML_SVG:
            fputs("<figure>\n", fp);
            fputs(it->svg, fp);
            if (it->text) {
                fputs("<figcaption>", fp);
                put_text(fp, it->text);
                fputs("</figcaption>\n", fp);
            }
            fputs("</figure>\n", fp);
            break;
        case MSUM_HTML_LINK:
            fputs("<p><a href=\"", fp);
            msum_io_put_xml(fp, safe_href(it->href) ? it->href : "#", 0);
            fputs("\">", fp);
            put_text(fp, it->text ? it->text : it->href);
            fputs("</a></p>\n", fp);
            break;
        }
    }
    fputs("<footer>Written by metasum " MSUM_VERSION ".</footer>\n</body>\n</html>\n", fp);
    return ferror(fp) ? MSUM_EIO : MSUM_OK;
}

int msum_write_html(const msum_table *t, FILE *fp, const msum_write_opts *o)
{
    if (!t) return MSUM_EINVAL;
    msum_html_item it = {.kind = MSUM_HTML_TABLE, .table = t};
    return msum_write_html_page(fp, msum_table_title(t), &it, 1, o);
}
