/* HTML writer: a self-contained page (inline CSS, no scripts, no external assets, no
 * timestamps) of headings, paragraphs, tables with their metadata, figures and links.  The
 * markup is also well-formed XML, so it can be checked with an XML parser. */
#include "metasum/write.h"

#include <math.h>
#include <stdlib.h>
#include <strings.h>
#include <string.h>

#include "metasum/metasum.h"
#include "text.h"

static const char css[] =
    "body{font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;margin:1em auto;"
    "max-width:76em;padding:0 1em;color:#222;line-height:1.4}\n"
    "h1,h2,h3,h4{line-height:1.2}\n"
    "h1{font-size:1.6em;margin:.2em 0 .3em}\n"
    "table{border-collapse:collapse;margin:.5em 0 1.5em;font-size:.9em}\n"
    "th,td{border:1px solid #ccc;padding:.25em .5em;vertical-align:top}\n"
    "th{background:#f2f2f2;text-align:left}\n"
    "td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
    "td.na{color:#888}\n"
    "tbody tr:nth-child(even){background:#fafafa}\n"
    "table.key{font-size:.95em}\n"
    "table.key td{white-space:nowrap;font-variant-numeric:tabular-nums}\n"
    "dl.meta{display:grid;grid-template-columns:max-content auto;gap:.1em 1em;font-size:.85em;"
    "color:#444;margin:.5em 0}\n"
    "dl.meta dt{font-weight:600}\n"
    "dl.meta dd{margin:0;overflow-wrap:anywhere}\n"
    ".scroll{overflow-x:auto;max-width:100%}\n"
    ".findings{background:#f1f6fb;border-left:4px solid #2b6cb0;padding:.3em 1em;"
    "margin:.6em 0 .8em;font-size:.95em;line-height:1.35}\n"
    ".findings h2{font-size:1.15em;margin:.2em 0 .2em}\n"
    ".findings p{margin:.3em 0}\n"
    ".findings ul{margin:.3em 0;padding-left:1.4em}\n"
    "figure{margin:1em 0}\n"
    ".gallery{display:flex;flex-wrap:wrap;gap:0 2em;align-items:flex-start}\n"
    ".gallery figure{margin:.5em 0;min-width:0;max-width:100%;width:min-content}\n"
    ".lead{display:flex;flex-wrap:wrap;gap:0 1em;align-items:flex-start}\n"
    ".lead .stack{flex:none;max-width:100%}\n"
    ".lead figure{margin:.3em 0}\n"
    ".lead .stack figure{width:min-content;max-width:100%}\n"
    ".lead figure.side{flex:0 1 auto;min-width:0}\n"
    ".lead figure.side svg{max-width:100%;height:auto}\n"
    ".lead figure.side figcaption,.lead figure.side p.files{width:0;min-width:100%}\n"
    "figure p.files{margin:.2em 0 0}\n"
    ".plot{overflow-x:auto;max-width:100%}\n"
    ".plot svg{display:block;max-width:none}\n"
    "figcaption{font-size:.9em;color:#444}\n"
    "details.table{border:1px solid #ddd;border-radius:4px;padding:.3em .7em;margin:.5em 0}\n"
    "details.table summary{cursor:pointer;font-weight:600}\n"
    "details.table summary span{font-weight:400;color:#555}\n"
    "p.files{font-size:.85em;margin:.3em 0}\n"
    "p.nav{font-size:.9em;margin:0}\n"
    "p.entry{margin:.3em 0 .7em}\n"
    "p.entry span{color:#333;font-size:.95em}\n"
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

/* A column of DOIs: "doi" or a name ending in "_doi". */
static int doi_column(const char *name)
{
    size_t n = strlen(name);
    return strcmp(name, "doi") == 0 || (n > 4 && strcmp(name + n - 4, "_doi") == 0);
}

/* The DOI in a cell ("10.1000/x", "doi:10.1000/x", "https://doi.org/10.1000/x"), or NULL. */
static const char *doi_of(const char *s)
{
    static const char *const pre[] = {"https://doi.org/", "http://doi.org/",
                                      "https://dx.doi.org/", "http://dx.doi.org/", "doi:"};
    while (*s == ' ') s++;
    for (size_t i = 0; i < sizeof pre / sizeof pre[0]; i++)
        if (strncasecmp(s, pre[i], strlen(pre[i])) == 0) {
            s += strlen(pre[i]);
            break;
        }
    return strncmp(s, "10.", 3) == 0 && strchr(s, '/') ? s : NULL;
}

/* <a href="https://doi.org/DOI">DOI</a>: the DOI percent-encoded in the URL (RFC 3986: letters,
 * digits, - . _ ~ / : ; ( ) stay). */
static void put_doi(FILE *fp, const char *doi)
{
    fputs("<a href=\"https://doi.org/", fp);
    for (const unsigned char *p = (const unsigned char *)doi; *p && *p != ' '; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~/:;()", *p))
            fputc(*p, fp);
        else fprintf(fp, "%%%02X", *p);
    }
    fputs("\">", fp);
    put_text(fp, doi);
    fputs("</a>", fp);
}

/* "Files: a.csv · a.md" from a ';'-separated list. */
static void put_files(FILE *fp, const char *list)
{
    fputs("<p class=\"files\">Files:", fp);
    for (const char *p = list; *p;) {
        size_t n = strcspn(p, ";");
        if (n) {
            char name[512];
            snprintf(name, sizeof name, "%.*s", (int)(n < sizeof name ? n : sizeof name - 1), p);
            fputs(" <a href=\"", fp);
            msum_io_put_xml(fp, safe_href(name) ? name : "#", 0);
            fputs("\">", fp);
            put_text(fp, name);
            fputs("</a>", fp);
        }
        p += n + (p[n] == ';');
    }
    fputs("</p>\n", fp);
}

static void put_table(FILE *fp, const msum_html_item *it, size_t id, const msum_write_opts *o)
{
    const msum_table *t = it->table;
    size_t nc = msum_table_ncols(t), nr = msum_table_nrows(t);
    int compact = (it->flags & MSUM_HTML_COMPACT) != 0;
    int fold = (it->flags & (MSUM_HTML_FOLDED | MSUM_HTML_UNFOLDED)) != 0;
    char num[64];
    if (fold) {
        fprintf(fp, "<details class=\"table\" id=\"table-%zu\"%s>\n<summary>", id,
                it->flags & MSUM_HTML_UNFOLDED ? " open=\"open\"" : "");
        put_text(fp, msum_table_title(t));
        fprintf(fp, " <span>(%s, %zu row%s)</span></summary>\n", msum_table_name(t), nr,
                nr == 1 ? "" : "s");
    } else {
        fprintf(fp, "<section class=\"table\" id=\"table-%zu\">\n<h2>", id);
        put_text(fp, msum_table_title(t));
        fputs("</h2>\n", fp);
    }
    if (it->href && *it->href) put_files(fp, it->href);
    if (!compact) {
        fputs("<dl class=\"meta\">\n<dt>table</dt><dd>", fp);
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
        fputs("</dl>\n", fp);
    }
    fputs(compact ? "<div class=\"scroll\"><table class=\"key\">\n<thead><tr>"
                  : "<div class=\"scroll\"><table>\n<thead><tr>",
          fp);
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
                const char *v = msum_table_text(t, r, c);
                const char *doi = doi_column(msum_table_col_name(t, c)) && v ? doi_of(v) : NULL;
                fputs("<td>", fp);
                if (doi) put_doi(fp, doi);
                else put_text(fp, v);
                fputs("</td>", fp);
            } else {
                msum_fmt_num(msum_table_num(t, r, c), ty == MSUM_COL_INT ? 0 : o->digits, num,
                             sizeof num);
                fprintf(fp, "<td class=\"num\">%s</td>", num);
            }
        }
        fputs("</tr>\n", fp);
    }
    fputs("</tbody>\n</table></div>\n", fp);
    fputs(fold ? "</details>\n" : "</section>\n", fp);
}

/* The findings block: up to three sentences as one paragraph; more as the first sentence and
 * a list of the others. */
static void put_findings(FILE *fp, const msum_html_item *it)
{
    int lv = it->level >= 1 && it->level <= 4 ? it->level : 2;
    fprintf(fp, "<section class=\"findings\" id=\"findings\">\n<h%d>Findings</h%d>\n", lv, lv);
    const msum_table *t = it->table;
    int c = t ? msum_table_col_index(t, "finding") : -1;
    size_t nr = c >= 0 ? msum_table_nrows(t) : 0, shown = 0;
    for (size_t r = 0; r < nr; r++) {
        if (msum_table_is_na(t, r, (size_t)c)) continue;
        const char *s = msum_table_text(t, r, (size_t)c);
        if (nr <= 3) fputs(shown ? " " : "<p>", fp);
        else fputs(shown == 0 ? "<p>" : shown == 1 ? "<ul>\n<li>" : "<li>", fp);
        put_text(fp, s);
        if (nr > 3) fputs(shown == 0 ? "</p>\n" : "</li>\n", fp);
        shown++;
    }
    if (nr <= 3 && shown) fputs("</p>\n", fp);
    if (nr > 3 && shown > 1) fputs("</ul>\n", fp);
    if (!shown) {
        fputs("<p>", fp);
        put_text(fp, it->text ? it->text : "");
        fputs("</p>\n", fp);
    }
    fputs("</section>\n", fp);
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
            it->kind > MSUM_HTML_FINDINGS)
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
    int in_gallery = 0, in_lead = 0;
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
            put_table(fp, it, ++ntab, o);
            break;
        case MSUM_HTML_SVG: {
            /* lead plots: the stacked ones on the left, the side one beside them, filling the
             * rest of the width (scaled down a little where the page is narrower than the
             * plot, wrapped below where it is much narrower) */
            int lead = (it->flags & (MSUM_HTML_LEAD | MSUM_HTML_SIDE)) != 0;
            if (lead && !in_lead) {
                fputs("<div class=\"lead\">\n<div class=\"stack\">\n", fp);
                in_lead = 1;
            }
            if (in_lead && (it->flags & MSUM_HTML_SIDE)) fputs("</div>\n", fp);
            /* the plots side by side where they fit (flex-wrap), each with its caption and the
             * links that follow it (its other formats) on one line */
            if (!lead && (i == 0 || items[i - 1].kind != MSUM_HTML_SVG ||
                          (items[i - 1].flags & MSUM_HTML_SIDE))) {
                int run = 0;
                for (size_t j = i; j < n && (items[j].kind == MSUM_HTML_SVG ||
                                             (items[j].kind == MSUM_HTML_LINK && j > i));
                     j++)
                    run += items[j].kind == MSUM_HTML_SVG;
                if (run > 1 && !in_gallery) {
                    fputs("<div class=\"gallery\">\n", fp);
                    in_gallery = 1;
                }
            }
            if (it->flags & MSUM_HTML_SIDE) {
                /* shrinks beside the stacked plots to 92 % of its width at most (its smallest
                 * text stays over 9 px), else it wraps below them */
                const char *w = strstr(it->svg, " width=\"");
                double sw = w && w < strchr(it->svg, '>') ? strtod(w + 8, NULL) : 0;
                if (sw > 0 && sw < 1e5)
                    fprintf(fp,
                            "<figure class=\"side\" style=\"flex:1 1 %.0fpx;"
                            "max-width:%.0fpx\">\n",
                            0.92 * sw, ceil(sw));
                else
                    fputs("<figure class=\"side\">\n", fp);
                fputs("<div class=\"plot\">\n", fp);
            } else {
                fputs("<figure>\n<div class=\"plot\">\n", fp);
            }
            fputs(it->svg, fp);
            fputs("</div>\n", fp);
            if (it->text) {
                fputs("<figcaption>", fp);
                put_text(fp, it->text);
                if (!lead) fputs("</figcaption>\n", fp);
            }
            size_t j = i + 1;
            for (; j < n && items[j].kind == MSUM_HTML_LINK && !items[j].note; j++) {
                /* a lead plot's files follow its caption on the same line */
                fputs(j > i + 1             ? " \xc2\xb7 "
                      : lead && it->text ? " "
                                         : "<p class=\"files\">",
                      fp);
                fputs("<a href=\"", fp);
                msum_io_put_xml(fp, safe_href(items[j].href) ? items[j].href : "#", 0);
                fputs("\">", fp);
                put_text(fp, items[j].text ? items[j].text : items[j].href);
                fputs("</a>", fp);
            }
            if (lead && it->text) fputs("</figcaption>\n", fp);
            else if (j > i + 1) fputs("</p>\n", fp);
            fputs("</figure>\n", fp);
            if (in_lead && (it->flags & MSUM_HTML_SIDE)) {
                fputs("</div>\n", fp);
                in_lead = 0;
            }
            i = j - 1;
            if (in_gallery && !(i + 1 < n && items[i + 1].kind == MSUM_HTML_SVG)) {
                fputs("</div>\n", fp);
                in_gallery = 0;
            }
            break;
        }
        case MSUM_HTML_LINK:
            fputs(it->note ? "<p class=\"entry\"><a href=\"" : "<p class=\"nav\"><a href=\"", fp);
            msum_io_put_xml(fp, safe_href(it->href) ? it->href : "#", 0);
            fputs("\">", fp);
            put_text(fp, it->text ? it->text : it->href);
            fputs("</a>", fp);
            if (it->note) {
                fputs("<br/><span>", fp);
                put_text(fp, it->note);
                fputs("</span>", fp);
            }
            fputs("</p>\n", fp);
            break;
        case MSUM_HTML_FINDINGS:
            put_findings(fp, it);
            break;
        }
    }
    fputs("<footer>Written by metasum " MSUM_VERSION ".</footer>\n</body>\n</html>\n", fp);
    return ferror(fp) ? MSUM_EIO : MSUM_OK;
}

int msum_write_html(const msum_table *t, FILE *fp, const msum_write_opts *o)
{
    if (!t) return MSUM_EINVAL;
    msum_html_item it = {.kind = MSUM_HTML_TABLE, .table = t, .flags = 0};
    return msum_write_html_page(fp, msum_table_title(t), &it, 1, o);
}
