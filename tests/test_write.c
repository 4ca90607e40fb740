/* Tests for number formatting (src/io/fmt.c) and the CSV/TSV writers (src/io/write_csv.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "metasum/metasum.h"
#include "metasum/reader.h"

static void fmt_is(double v, int digits, const char *want)
{
    char buf[64];
    msum_fmt_num(v, digits, buf, sizeof buf);
    cr_expect_str_eq(buf, want, "msum_fmt_num(%.17g, %d)", v, digits);
}

Test(fmt, digits_na_inf_and_shortest)
{
    fmt_is(NAN, 7, "NA");
    fmt_is(INFINITY, 7, "NA");          /* an infinity is never printed as a number */
    fmt_is(-INFINITY, 0, "NA");
    fmt_is(-0.0, 7, "0");
    fmt_is(-0.714532348365, 7, "-0.7145323");
    fmt_is(7.05426734852e-05, 4, "7.054e-05");
    fmt_is(0.1, 0, "0.1");             /* shortest round trip, not 0.10000000000000001 */
    fmt_is(1.0 / 3.0, 0, "0.3333333333333333");
    fmt_is(13, 0, "13");
    fmt_is(20, 0, "20");               /* whole numbers in plain digits, not "2e+01" */
    fmt_is(-150, 0, "-150");
    fmt_is(1e15, 0, "1000000000000000");
    fmt_is(1e300, 0, "1e+300");
}

static char *render(const msum_table *t, int tsv)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    msum_write_opts o = MSUM_WRITE_OPTS_DEFAULT;
    cr_assert_eq(tsv ? msum_write_tsv(t, fp, &o) : msum_write_csv(t, fp, &o), MSUM_OK);
    fclose(fp);
    return buf;
}

Test(write_csv, quoting_na_and_types)
{
    msum_table *t = msum_table_new("t", "T");
    msum_table_add_col(t, "label", MSUM_COL_TEXT, NULL);
    msum_table_add_col(t, "estimate", MSUM_COL_NUM, NULL);
    msum_table_add_col(t, "k", MSUM_COL_INT, NULL);
    msum_table_add_row(t);
    msum_table_set_text(t, 0, 0, "Ferguson & Simes, 1949 \"BCG\"");
    msum_table_set_num(t, 0, 1, -0.714532348365);
    msum_table_set_num(t, 0, 2, 13);
    msum_table_add_row(t);
    msum_table_set_text(t, 1, 0, "a\tb");
    char *csv = render(t, 0);
    cr_expect_str_eq(csv, "# metasum_version," MSUM_VERSION "\n"
                          "label,estimate,k\n"
                          "\"Ferguson & Simes, 1949 \"\"BCG\"\"\",-0.7145323,13\n"
                          "a\tb,NA,NA\n");
    char *tsv = render(t, 1);
    cr_expect_str_eq(tsv, "# metasum_version\t" MSUM_VERSION "\n"
                          "label\testimate\tk\n"
                          "Ferguson & Simes, 1949 \"BCG\"\t-0.7145323\t13\n"
                          "a b\tNA\tNA\n");
    free(csv);
    free(tsv);
    msum_table_free(t);
}

/* ---- hostile cells in every text format ---- */

/* A small table whose texts try to break each format: markup, a spreadsheet formula, a path,
 * quotes, an ampersand, a line break, invalid UTF-8 and a control character. */
static msum_table *hostile_table(void)
{
    msum_table *t = msum_table_new("pool", "Pooled <b>&</b> \"RR\"");
    msum_table_add_col(t, "label", MSUM_COL_TEXT, "Study <label>");
    msum_table_add_col(t, "estimate", MSUM_COL_NUM, NULL);
    msum_table_add_col(t, "k", MSUM_COL_INT, NULL);
    msum_table_add_col(t, "=note", MSUM_COL_TEXT, NULL);
    msum_table_set_meta(t, "scale", "log risk ratio");
    msum_table_set_meta(t, "method", "REML, knha");
    for (int i = 0; i < 4; i++) msum_table_add_row(t);
    msum_table_set_text(t, 0, 0, "<script>alert(1)</script>");
    msum_table_set_num(t, 0, 1, -0.714532348365);
    msum_table_set_num(t, 0, 2, 13);
    msum_table_set_text(t, 0, 3, "=cmd|' /C calc'!A0");
    msum_table_set_text(t, 1, 0, "../../x");
    msum_table_set_text(t, 1, 3, "a \"q\" & b\nc|d");
    msum_table_set_text(t, 2, 0, "-0.5");
    msum_table_set_num(t, 2, 1, INFINITY);
    msum_table_set_num(t, 2, 2, 2);
    msum_table_set_text(t, 2, 3, "bad\xff\xfe utf8 \x01");
    msum_table_set_text(t, 3, 0, "@SUM(1)");
    msum_table_set_num(t, 3, 1, 1e-5);
    msum_table_set_num(t, 3, 2, 0);
    msum_table_set_text(t, 3, 3, "-1+2");
    return t;
}

static char *render_fmt(const msum_table *t, msum_format f)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    msum_write_opts o = MSUM_WRITE_OPTS_DEFAULT;
    cr_assert_eq(msum_write_table(t, f, fp, &o), MSUM_OK);
    fclose(fp);
    return buf;
}

#define FFFD "\xef\xbf\xbd"

/* Expected bytes written by hand from the rules in write.h: CSV quotes the field with a line
 * break and doubles its quotes, the formula guard prefixes '=cmd..., '@SUM(1), '-1+2 and the
 * header '=note but leaves the plain number -0.5 alone; invalid bytes and \x01 become U+FFFD. */
Test(write_csv, hostile_cells)
{
    msum_table *t = hostile_table();
    char *s = render_fmt(t, MSUM_FMT_CSV);
    cr_expect_str_eq(s, "# scale,log risk ratio\n"
                        "# method,\"REML, knha\"\n"
                        "# metasum_version," MSUM_VERSION "\n"
                        "label,estimate,k,'=note\n"
                        "<script>alert(1)</script>,-0.7145323,13,'=cmd|' /C calc'!A0\n"
                        "../../x,NA,NA,\"a \"\"q\"\" & b\nc|d\"\n"
                        "-0.5,NA,2,bad" FFFD FFFD " utf8 " FFFD "\n"
                        "'@SUM(1),1e-05,0,'-1+2\n");
    free(s);
    msum_table_free(t);
}

Test(write_tsv, hostile_cells)
{
    msum_table *t = hostile_table();
    char *s = render_fmt(t, MSUM_FMT_TSV);
    cr_expect_str_eq(s, "# scale\tlog risk ratio\n"
                        "# method\tREML, knha\n"
                        "# metasum_version\t" MSUM_VERSION "\n"
                        "label\testimate\tk\t'=note\n"
                        "<script>alert(1)</script>\t-0.7145323\t13\t'=cmd|' /C calc'!A0\n"
                        "../../x\tNA\tNA\ta \"q\" & b c|d\n"
                        "-0.5\tNA\t2\tbad" FFFD FFFD " utf8 " FFFD "\n"
                        "'@SUM(1)\t1e-05\t0\t'-1+2\n");
    free(s);
    msum_table_free(t);
}

Test(write_csv, guard_off_and_no_meta)
{
    msum_table *t = hostile_table();
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    msum_write_opts o = {3, 0, 0, 0, 0};
    cr_assert_eq(msum_write_csv(t, fp, &o), MSUM_OK);
    fclose(fp);
    cr_expect_str_eq(buf, "<script>alert(1)</script>,-0.715,13,=cmd|' /C calc'!A0\n"
                          "../../x,NA,NA,\"a \"\"q\"\" & b\nc|d\"\n"
                          "-0.5,NA,2,bad" FFFD FFFD " utf8 " FFFD "\n"
                          "@SUM(1),1e-05,0,-1+2\n");
    free(buf);
    msum_table_free(t);
}

Test(write_md, hostile_cells)
{
    msum_table *t = hostile_table();
    char *s = render_fmt(t, MSUM_FMT_MARKDOWN);
    cr_expect_str_eq(s, "## Pooled \\<b\\>&amp;\\</b\\> \"RR\"\n"
                        "\n"
                        "- scale: log risk ratio\n"
                        "- method: REML, knha\n"
                        "- metasum\\_version: " MSUM_VERSION "\n"
                        "\n"
                        "| label | estimate | k | =note |\n"
                        "| :--- | ---: | ---: | :--- |\n"
                        "| \\<script\\>alert(1)\\</script\\> | -0.7145323 | 13 | "
                        "=cmd\\|' /C calc'\\!A0 |\n"
                        "| ../../x | NA | NA | a \"q\" &amp; b<br>c\\|d |\n"
                        "| -0.5 | NA | 2 | bad" FFFD FFFD " utf8 " FFFD " |\n"
                        "| @SUM(1) | 1e-05 | 0 | -1+2 |\n");
    free(s);
    msum_table_free(t);
}

Test(write_json, hostile_cells)
{
    msum_table *t = hostile_table();
    char *s = render_fmt(t, MSUM_FMT_JSON);
    cr_expect_str_eq(
        s,
        "{\n"
        "  \"name\": \"pool\",\n"
        "  \"title\": \"Pooled \\u003cb\\u003e\\u0026\\u003c/b\\u003e \\\"RR\\\"\",\n"
        "  \"meta\": {\"scale\": \"log risk ratio\", \"method\": \"REML, knha\", "
        "\"metasum_version\": \"" MSUM_VERSION "\"},\n"
        "  \"columns\": [\n"
        "    {\"name\": \"label\", \"type\": \"text\", \"description\": \"Study \\u003clabel\\u003e\"},\n"
        "    {\"name\": \"estimate\", \"type\": \"number\", \"description\": null},\n"
        "    {\"name\": \"k\", \"type\": \"integer\", \"description\": null},\n"
        "    {\"name\": \"=note\", \"type\": \"text\", \"description\": null}\n"
        "  ],\n"
        "  \"rows\": [\n"
        "    {\"label\": \"\\u003cscript\\u003ealert(1)\\u003c/script\\u003e\", "
        "\"estimate\": -0.7145323, \"k\": 13, \"=note\": \"=cmd|' /C calc'!A0\"},\n"
        "    {\"label\": \"../../x\", \"estimate\": null, \"k\": null, "
        "\"=note\": \"a \\\"q\\\" \\u0026 b\\nc|d\"},\n"
        "    {\"label\": \"-0.5\", \"estimate\": null, \"k\": 2, "
        "\"=note\": \"bad" FFFD FFFD " utf8 \\u0001\"},\n"
        "    {\"label\": \"@SUM(1)\", \"estimate\": 1e-05, \"k\": 0, \"=note\": \"-1+2\"}\n"
        "  ]\n"
        "}\n");
    free(s);
    msum_table_free(t);
}

/* ---- JSON validity: a strict RFC 8259 recogniser (no python needed on CI) ---- */

typedef struct {
    const char *p;
    int depth;
} jp;

static void j_ws(jp *j)
{
    while (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r') j->p++;
}

static int j_value(jp *j);

static int j_string(jp *j)
{
    if (*j->p++ != '"') return 0;
    while (*j->p != '"') {
        unsigned char c = (unsigned char)*j->p;
        if (c < 0x20) return 0; /* raw control characters are not allowed */
        if (c == '\\') {
            j->p++;
            if (*j->p == 'u') {
                for (int i = 1; i <= 4; i++)
                    if (!strchr("0123456789abcdefABCDEF", j->p[i]) || !j->p[i]) return 0;
                j->p += 5;
            } else if (*j->p && strchr("\"\\/bfnrt", *j->p)) {
                j->p++;
            } else {
                return 0;
            }
        } else if (c < 0x80) {
            j->p++;
        } else { /* a well-formed UTF-8 sequence (RFC 3629) */
            int n = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c <= 0xDF ? 2 : 0;
            if (!n || (n == 3 && c > 0xEF)) return 0;
            for (int i = 1; i < n; i++)
                if (((unsigned char)j->p[i] & 0xC0) != 0x80) return 0;
            if (c == 0xE0 && (unsigned char)j->p[1] < 0xA0) return 0;
            if (c == 0xED && (unsigned char)j->p[1] > 0x9F) return 0;
            if (c == 0xF0 && (unsigned char)j->p[1] < 0x90) return 0;
            if (c == 0xF4 && (unsigned char)j->p[1] > 0x8F) return 0;
            j->p += n;
        }
    }
    j->p++;
    return 1;
}

static int j_number(jp *j)
{
    const char *p = j->p;
    if (*p == '-') p++;
    if (*p == '0') p++;
    else if (*p >= '1' && *p <= '9') while (*p >= '0' && *p <= '9') p++;
    else return 0;
    if (*p == '.') {
        p++;
        if (!(*p >= '0' && *p <= '9')) return 0;
        while (*p >= '0' && *p <= '9') p++;
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-') p++;
        if (!(*p >= '0' && *p <= '9')) return 0;
        while (*p >= '0' && *p <= '9') p++;
    }
    j->p = p;
    return 1;
}

static int j_seq(jp *j, char close, int object)
{
    j->p++;
    j_ws(j);
    if (*j->p == close) {
        j->p++;
        return 1;
    }
    for (;;) {
        j_ws(j);
        if (object) {
            if (!j_string(j)) return 0;
            j_ws(j);
            if (*j->p++ != ':') return 0;
        }
        if (!j_value(j)) return 0;
        j_ws(j);
        if (*j->p == ',') {
            j->p++;
            continue;
        }
        return *j->p++ == close;
    }
}

static int j_value(jp *j)
{
    j_ws(j);
    if (++j->depth > 64) return 0;
    int ok;
    switch (*j->p) {
    case '{': ok = j_seq(j, '}', 1); break;
    case '[': ok = j_seq(j, ']', 0); break;
    case '"': ok = j_string(j); break;
    case 't': ok = strncmp(j->p, "true", 4) == 0 && (j->p += 4); break;
    case 'f': ok = strncmp(j->p, "false", 5) == 0 && (j->p += 5); break;
    case 'n': ok = strncmp(j->p, "null", 4) == 0 && (j->p += 4); break;
    default: ok = j_number(j);
    }
    j->depth--;
    return ok;
}

static int json_valid(const char *s)
{
    jp j = {s, 0};
    if (!j_value(&j)) return 0;
    j_ws(&j);
    return *j.p == '\0';
}

Test(write_json, recogniser_rejects_what_it_must)
{
    cr_expect(json_valid("{\"a\": [1, -0.5e-3, null, true, \"\\u00e9\"]}"));
    cr_expect(!json_valid("{\"a\": NaN}"));
    cr_expect(!json_valid("{\"a\": \"x\ty\"}"));
    cr_expect(!json_valid("{\"a\": \"\xff\"}"));
    cr_expect(!json_valid("[1,]"));
    cr_expect(!json_valid("{\"a\": 01}"));
}

Test(write_json, hostile_tables_are_valid_json)
{
    msum_table *t = hostile_table();
    msum_table *e = msum_table_new("empty", NULL);
    const msum_table *ts[] = {t, e, t};
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    cr_assert_eq(msum_write_tables(ts, 3, MSUM_FMT_JSON, fp, NULL), MSUM_OK);
    fclose(fp);
    cr_expect(json_valid(buf), "not valid JSON:\n%s", buf);
    cr_expect(strstr(buf, "\"name\": \"empty\"") != NULL);
    free(buf);
    char *one = render_fmt(e, MSUM_FMT_JSON);
    cr_expect_str_eq(one, "{\n  \"name\": \"empty\",\n  \"title\": \"empty\",\n"
                          "  \"meta\": {\"metasum_version\": \"" MSUM_VERSION "\"},\n"
                          "  \"columns\": [],\n  \"rows\": []\n}\n");
    free(one);
    msum_table_free(e);
    msum_table_free(t);
}

/* ---- HTML: well-formed (xmllint), escaped, self-contained ---- */

#include <sys/stat.h>

#define TEST_OUT "../build/test-out"

static char *slurp(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) return NULL;
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    size_t got = fread(s, 1, (size_t)n, fp);
    s[got] = '\0';
    fclose(fp);
    return s;
}

static int xml_ok(const char *path)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "xmllint --noout '%s'", path);
    return system(cmd) == 0;
}

Test(write_html, page_is_wellformed_and_escaped)
{
    mkdir("../build", 0777);
    mkdir(TEST_OUT, 0777);
    msum_table *t = hostile_table();
    const char *svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\">"
                      "<rect width=\"10\" height=\"10\"/></svg>\n";
    msum_html_item items[] = {
        {.kind = MSUM_HTML_HEADING, .text = "<script>alert(1)</script>", .level = 1},
        {.kind = MSUM_HTML_PARAGRAPH, .text = "line one & \"two\"\nline 'three'"},
        {.kind = MSUM_HTML_SVG, .svg = svg, .text = "Figure <1>"},
        {.kind = MSUM_HTML_TABLE, .table = t},
        {.kind = MSUM_HTML_LINK, .href = "javascript:alert(1)", .text = "bad link"},
        {.kind = MSUM_HTML_LINK, .href = "../../x/index.html?a=1&b=\"2\"", .text = NULL},
    };
    const char *path = TEST_OUT "/hostile.html";
    FILE *fp = fopen(path, "w");
    cr_assert(fp);
    cr_assert_eq(msum_write_html_page(fp, "T <&>", items, 6, NULL), MSUM_OK);
    fclose(fp);
    cr_expect(xml_ok(path), "xmllint rejects %s", path);
    char *s = slurp(path);
    cr_assert(s);
    cr_expect(strstr(s, "<script") == NULL, "a script tag got through");
    cr_expect(strstr(s, "&lt;script&gt;alert(1)&lt;/script&gt;") != NULL);
    cr_expect(strstr(s, "<title>T &lt;&amp;&gt;</title>") != NULL);
    cr_expect(strstr(s, "line one &amp; &quot;two&quot;<br/>\nline &#39;three&#39;") != NULL);
    cr_expect(strstr(s, "<a href=\"#\">bad link</a>") != NULL);
    cr_expect(strstr(s, "href=\"../../x/index.html?a=1&amp;b=&quot;2&quot;\"") != NULL);
    cr_expect(strstr(s, "<dt>scale</dt><dd>log risk ratio</dd>") != NULL);
    cr_expect(strstr(s, "<dt>method</dt><dd>REML, knha</dd>") != NULL);
    cr_expect(strstr(s, "<dt>metasum_version</dt><dd>" MSUM_VERSION "</dd>") != NULL);
    cr_expect(strstr(s, "<td class=\"num\">-0.7145323</td>") != NULL);
    cr_expect(strstr(s, "<td class=\"num na\">NA</td>") != NULL);
    cr_expect(strstr(s, "bad" FFFD FFFD " utf8 " FFFD) != NULL);
    cr_expect(strstr(s, "<link") == NULL && strstr(s, "src=") == NULL && strstr(s, "url(") == NULL &&
                  strstr(s, "@import") == NULL,
              "the page must not load anything");
    free(s);

    /* One table through msum_write_table: the same escaping, a valid page. */
    path = TEST_OUT "/hostile-table.html";
    fp = fopen(path, "w");
    cr_assert_eq(msum_write_table(t, MSUM_FMT_HTML, fp, NULL), MSUM_OK);
    fclose(fp);
    cr_expect(xml_ok(path), "xmllint rejects %s", path);
    msum_table_free(t);
}

/* Invalid UTF-8 (Unicode 15, 3.9, table 3-7): each byte that cannot start or continue a
 * well-formed sequence becomes one U+FFFD; valid 2-, 3- and 4-byte characters pass unchanged. */
Test(write_csv, invalid_utf8_replaced_bytewise)
{
    msum_table *t = msum_table_new("u", NULL);
    msum_table_add_col(t, "s", MSUM_COL_TEXT, NULL);
    msum_table_add_row(t);
    msum_table_set_text(t, 0, 0,
                        "A\xc0\xaf"           /* overlong '/': 2 */
                        "B\xed\xa0\x80"       /* surrogate D800: 3 */
                        "C\xf4\x90\x80\x80"   /* past U+10FFFF: 4 */
                        "D\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80" /* e-acute, euro, emoji */
                        "E\xe2\x82");         /* truncated at the end: 2 */
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    msum_write_opts o = {7, 0, 0, 1, 0};
    cr_assert_eq(msum_write_csv(t, fp, &o), MSUM_OK);
    fclose(fp);
    cr_expect_str_eq(buf, "A" FFFD FFFD "B" FFFD FFFD FFFD "C" FFFD FFFD FFFD FFFD
                          "D\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80" "E" FFFD FFFD "\n");
    free(buf);
    msum_table_free(t);
}

Test(write_file, every_text_format_atomically)
{
    mkdir("../build", 0777);
    mkdir(TEST_OUT, 0777);
    msum_table *t = hostile_table();
    const msum_table *ts[] = {t, t};
    const msum_format f[] = {MSUM_FMT_CSV, MSUM_FMT_TSV, MSUM_FMT_MARKDOWN, MSUM_FMT_JSON,
                             MSUM_FMT_HTML};
    for (size_t i = 0; i < 5; i++) {
        char path[128];
        snprintf(path, sizeof path, TEST_OUT "/two-tables.%s", msum_format_name(f[i]));
        remove(path);
        cr_assert_eq(msum_write_file(path, ts, 2, f[i], NULL), MSUM_OK, "%s", path);
        char *s = slurp(path);
        cr_assert(s, "%s not written", path);
        /* both tables are there: the version appears once per table */
        const char *p = strstr(s, MSUM_VERSION);
        cr_expect(p && strstr(p + 1, MSUM_VERSION), "%s: two tables", path);
        if (f[i] == MSUM_FMT_JSON) cr_expect(json_valid(s), "%s", path);
        if (f[i] == MSUM_FMT_HTML) cr_expect(xml_ok(path), "%s", path);
        free(s);
    }
    cr_expect_eq(msum_write_file("-", ts, 1, MSUM_FMT_XLSX, NULL), MSUM_EINVAL);
    cr_expect_eq(msum_write_tables(ts, 1, MSUM_FMT_XLSX, stdout, NULL), MSUM_EINVAL);
    msum_table_free(t);
}

static void stem_is(const char *name, size_t size, const char *want)
{
    char buf[128];
    msum_file_stem(name, buf, size);
    cr_expect_str_eq(buf, want, "msum_file_stem(\"%s\", %zu)", name ? name : "(null)", size);
}

Test(write_file, file_stems_cannot_escape_the_folder)
{
    stem_is("../../x", 128, "x");
    stem_is("BCG (RR), REML", 128, "BCG_RR_REML");
    stem_is("pool.v2", 128, "pool_v2");
    stem_is("__a__b__", 128, "a_b");
    stem_is("<script>alert(1)</script>", 128, "script_alert_1_script");
    stem_is("=cmd|' /C calc'!A0", 128, "cmd_C_calc_A0");
    stem_is("caf\xc3\xa9 \xff", 128, "caf");
    stem_is("..", 128, "table");
    stem_is(NULL, 128, "table");
    stem_is("abcdefgh", 5, "abcd");
    stem_is("ab/cdefgh", 4, "ab");
    stem_is("", 3, "ta");
    char sixty_five[66];
    memset(sixty_five, 'a', 65);
    sixty_five[65] = '\0';
    char buf[128];
    cr_expect_eq(msum_file_stem(sixty_five, buf, sizeof buf), 64);
}

/* Numbers keep '.' even when an embedding program switched LC_NUMERIC to a comma locale.  The
 * de_DE locale is compiled into build/ with localedef (skipped where localedef or its sources
 * are missing); Criterion runs each test in its own process, so setlocale stays here. */
#include <locale.h>

Test(fmt, c_decimal_point_under_a_comma_locale)
{
    mkdir("../build", 0777);
    mkdir(TEST_OUT, 0777);
    if (system("localedef -i de_DE -f UTF-8 " TEST_OUT "/de_DE.UTF-8 >/dev/null 2>&1") != 0)
        cr_skip_test("localedef cannot build de_DE here");
    setenv("LOCPATH", TEST_OUT, 1);
    if (!setlocale(LC_NUMERIC, "de_DE.UTF-8")) cr_skip_test("de_DE locale not loadable");
    char probe[32];
    snprintf(probe, sizeof probe, "%.1f", 0.5);
    cr_assert_str_eq(probe, "0,5", "the locale really uses a decimal comma");
    fmt_is(-0.714532348365, 7, "-0.7145323");
    fmt_is(0.1, 0, "0.1");
    fmt_is(1.0 / 3.0, 0, "0.3333333333333333");
    msum_table *t = hostile_table();
    char *s = render_fmt(t, MSUM_FMT_JSON);
    cr_expect(json_valid(s));
    cr_expect(strstr(s, "\"estimate\": -0.7145323") != NULL);
    free(s);
    msum_table_free(t);
    setlocale(LC_NUMERIC, "C");
}

/* A table written as CSV reads back through the reader cell for cell: quotes, commas and line
 * breaks survive, and numbers written with digits 0 parse back to the same doubles. */
Test(write_csv, round_trips_through_the_reader)
{
    msum_table *t = msum_table_new("rt", "Round trip");
    msum_table_add_col(t, "label", MSUM_COL_TEXT, NULL);
    msum_table_add_col(t, "yi", MSUM_COL_NUM, NULL);
    const char *labels[] = {"Ferguson & Simes, 1949", "say \"hi\"", "two\nlines", "plain"};
    const double yi[] = {-0.8893113339202054, 1.0 / 3.0, 1e-300, 12345.678};
    for (int i = 0; i < 4; i++) {
        msum_table_add_row(t);
        msum_table_set_text(t, (size_t)i, 0, labels[i]);
        msum_table_set_num(t, (size_t)i, 1, yi[i]);
    }
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    msum_write_opts o = MSUM_WRITE_OPTS_DEFAULT;
    o.digits = 0;
    o.meta = 0;
    cr_assert_eq(msum_write_csv(t, fp, &o), MSUM_OK);
    fclose(fp);
    msum_diags *d = msum_diags_new();
    msum_reader *r = NULL;
    cr_assert_eq(msum_reader_open_mem(buf, len, "rt.csv", 0, d, &r), MSUM_OK);
    cr_expect_str_eq(msum_reader_header(r)->cell[1], "yi");
    msum_row row;
    for (int i = 0; i < 4; i++) {
        cr_assert_eq(msum_reader_next(r, &row), 1);
        cr_expect_str_eq(row.cell[0], labels[i]);
        double v;
        cr_expect_eq(msum_parse_double(row.cell[1], row.len[1], &v), 1);
        cr_expect(v == yi[i], "row %d: read back %.17g, wrote %.17g", i, v, yi[i]);
    }
    cr_expect_eq(msum_reader_next(r, &row), 0);
    cr_expect_eq(msum_diags_count(d), 0);
    msum_reader_free(r);
    msum_diags_free(d);
    free(buf);
    msum_table_free(t);
}

/* ---- the one formula guard (msum_formula_risky) ---- */

static void risky_is(const char *s, int want)
{
    cr_expect_eq(msum_formula_risky(s, strlen(s)), want, "msum_formula_risky(\"%s\")", s);
}

/* OWASP "CSV injection": a cell a spreadsheet may evaluate starts with = + - @, TAB or CR;
 * LibreOffice and Excel also evaluate a formula after leading spaces, and Excel's IME input
 * turns the full-width forms (U+FF1D = U+FF0B + U+FF0D - U+FF20 @) into formulas. */
Test(guard, formula_like_cells)
{
    risky_is("=HYPERLINK(\"http://x\",\"y\")", 1);
    risky_is("+cmd|' /C calc'!A0", 1);
    risky_is("-2+3", 1);
    risky_is("@SUM(A1:A9)", 1);
    risky_is("\xef\xbc\x9d" "1+1", 1);   /* ＝1+1 */
    risky_is("\xef\xbc\x8b" "1", 1);     /* ＋1 */
    risky_is("\xef\xbc\x8d" "1", 1);     /* －1 */
    risky_is("\xef\xbc\xa0" "SUM", 1);   /* ＠SUM */
    risky_is("\tabc", 1);                 /* a leading TAB or CR on its own */
    risky_is("\rabc", 1);
    risky_is("\t-0.5", 1);
    risky_is("  =1+2", 1);                /* after leading whitespace */
    risky_is("\n@x", 1);
    risky_is("\xc2\xa0=1", 1);            /* U+00A0 */
    risky_is("\xe3\x80\x80\xef\xbc\x9d" "1", 1); /* U+3000 then ＝ */
    risky_is("-", 1);
    risky_is("-Inf", 1);
    /* left alone: plain numbers (a spreadsheet reads the number), ordinary text */
    risky_is("-0.5", 0);
    risky_is("+1e-3", 0);
    risky_is(" -2", 0);
    risky_is("-.5", 0);
    risky_is("-0,14", 0);                 /* decimal comma (a ';' file's cell echoed back) */
    risky_is("-1,2,3", 1);                /* not a number */
    risky_is("Aronson 1948", 0);
    risky_is("a=b", 0);
    risky_is("", 0);
    risky_is("   ", 0);
    risky_is("\xef\xbc\xa1", 0);          /* Ａ (U+FF21): not a formula lead */
    risky_is("\xef\xbc", 0);              /* truncated UTF-8 */
    cr_expect_eq(msum_formula_risky("=1", 0), 0, "len 0");
    cr_expect_eq(msum_formula_risky("ab=1", 2), 0, "only len bytes are read");
    cr_expect_eq(msum_formula_risky("-1x", 2), 0, "'-1' is a number within len");
    cr_expect_eq(msum_formula_risky(NULL, 3), 0);
}

/* The CSV and TSV writers apply it: full-width and whitespace-led cells get the apostrophe. */
Test(guard, csv_tsv_writers)
{
    msum_table *t = msum_table_new("t", NULL);
    msum_table_add_col(t, "name", MSUM_COL_TEXT, NULL);
    msum_table_add_row(t);
    msum_table_add_row(t);
    msum_table_set_text(t, 0, 0, "\xef\xbc\x9d" "1+1");
    msum_table_set_text(t, 1, 0, " @SUM(1)");
    msum_write_opts o = MSUM_WRITE_OPTS_DEFAULT;
    o.meta = 0;
    for (int tsv = 0; tsv < 2; tsv++) {
        char *buf = NULL;
        size_t len = 0;
        FILE *fp = open_memstream(&buf, &len);
        cr_assert_eq(tsv ? msum_write_tsv(t, fp, &o) : msum_write_csv(t, fp, &o), MSUM_OK);
        fclose(fp);
        cr_expect_str_eq(buf, "name\n'\xef\xbc\x9d" "1+1\n' @SUM(1)\n", "tsv=%d", tsv);
        free(buf);
    }
    msum_table_free(t);
}

/* Several tables in one CSV/TSV stream without metadata: one "# table,NAME" record before each
 * header (opts.names), so a reader can tell them apart; one table alone stays tidy.  JSON: a
 * table is one object, several are a list of such objects (docs/tables.md). */
Test(write_tables, names_mark_each_table_of_a_stream)
{
    msum_table *a = msum_table_new("groups", "A"), *b = msum_table_new("between", "B");
    cr_assert(msum_table_add_col(a, "k", MSUM_COL_INT, NULL) >= 0);
    cr_assert(msum_table_add_col(b, "stat", MSUM_COL_NUM, NULL) >= 0);
    cr_assert(msum_table_add_row(a) == 0 && msum_table_add_row(b) == 0);
    msum_table_set_num(a, 0, 0, 7);
    msum_table_set_num(b, 0, 0, NAN);
    const msum_table *ts[] = {a, b};
    msum_write_opts o = MSUM_WRITE_OPTS_DEFAULT;
    o.meta = 0;
    o.names = 1;
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    cr_assert_eq(msum_write_tables(ts, 2, MSUM_FMT_CSV, fp, &o), MSUM_OK);
    cr_assert_eq(msum_write_tables(ts, 2, MSUM_FMT_TSV, fp, &o), MSUM_OK);
    o.names = 0;
    cr_assert_eq(msum_write_tables(ts, 1, MSUM_FMT_CSV, fp, &o), MSUM_OK);
    fclose(fp);
    cr_expect_str_eq(buf, "# table,groups\nk\n7\n\n# table,between\nstat\nNA\n"
                          "# table\tgroups\nk\n7\n\n# table\tbetween\nstat\nNA\n"
                          "k\n7\n");
    free(buf);
    /* with the metadata, the table line is one of them (not written twice) */
    o.meta = 1;
    o.names = 1;
    fp = open_memstream(&buf, &len);
    cr_assert_eq(msum_write_csv(a, fp, &o), MSUM_OK);
    fclose(fp);
    cr_expect_str_eq(buf, "# metasum_version," MSUM_VERSION "\nk\n7\n");
    free(buf);
    /* JSON: the same object alone and in a list */
    fp = open_memstream(&buf, &len);
    cr_assert_eq(msum_write_tables(ts, 1, MSUM_FMT_JSON, fp, NULL), MSUM_OK);
    fclose(fp);
    char *list = NULL;
    fp = open_memstream(&list, &len);
    cr_assert_eq(msum_write_tables(ts, 2, MSUM_FMT_JSON, fp, NULL), MSUM_OK);
    fclose(fp);
    cr_expect_eq(buf[0], '{');
    cr_expect_eq(list[0], '[');
    cr_expect(json_valid(buf) && json_valid(list));
    cr_expect(strstr(list, "\"rows\": [\n      {\"k\": 7}\n    ]") != NULL, "%s", list);
    cr_expect(strstr(list, "{\"stat\": null}") != NULL, "%s", list);
    cr_expect(strstr(buf, "\"rows\": [\n    {\"k\": 7}\n  ]") != NULL, "%s", buf);
    free(buf);
    free(list);
    msum_table_free(a);
    msum_table_free(b);
}

/* metasum_version is the last metadata record in every format, wherever the table holds it: a
 * key set after the table was built (compare's "input" after msum_tb_finish) comes before it,
 * as in a table built in one go (pool's), and the table's own version value is kept. */
Test(write_meta, version_last_in_every_format)
{
    msum_table *t = msum_table_new("groups", NULL);
    msum_table_add_col(t, "k", MSUM_COL_INT, NULL);
    msum_table_set_meta(t, "scale", "log");
    msum_table_set_meta(t, "metasum_version", "9.9");
    msum_table_set_meta(t, "input", "bcg.csv");
    msum_table_add_row(t);
    msum_table_set_num(t, 0, 0, 13);
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    msum_write_opts o = MSUM_WRITE_OPTS_DEFAULT;
    cr_assert_eq(msum_write_csv(t, fp, &o), MSUM_OK);
    fclose(fp);
    cr_expect_str_eq(buf, "# scale,log\n# input,bcg.csv\n# metasum_version,9.9\n"
                          "k\n13\n");
    free(buf);
    buf = render_fmt(t, MSUM_FMT_JSON);
    cr_expect(strstr(buf, "\"scale\": \"log\", \"input\": \"bcg.csv\", \"metasum_version\": "
                          "\"9.9\"}") != NULL, "%s", buf);
    free(buf);
    buf = render_fmt(t, MSUM_FMT_MARKDOWN);
    char *in = strstr(buf, "input"), *ver = strstr(buf, "metasum\\_version: 9.9");
    cr_expect(in && ver && in < ver, "%s", buf);
    free(buf);
    msum_table_free(t);
}

/* The CSV/TSV sink (a streamed analysis: metasum effects) writes a text cell as the table
 * writer does: the hostile table's cells through both give the same bytes, invalid UTF-8 and
 * controls as U+FFFD included.  Then cells that are not NUL-terminated: a UTF-8 sequence cut by
 * the cell's length is invalid there (one U+FFFD per byte, as in write_csv's bytewise test). */
static char *sink_of(const msum_table *t, msum_format f, const msum_cell *extra, size_t nextra)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    msum_write_opts o = MSUM_WRITE_OPTS_DEFAULT;
    msum_sink sink;
    cr_assert_eq(msum_csv_sink_new(fp, f, &o, 1 << 20, &sink), MSUM_OK);
    size_t nc = msum_table_ncols(t);
    msum_table *cols = msum_table_new(msum_table_name(t), NULL); /* begin() takes no rows */
    for (size_t c = 0; c < nc; c++)
        msum_table_add_col(cols, msum_table_col_name(t, c), msum_table_col_type(t, c), NULL);
    for (size_t i = 0; i < msum_table_nmeta(t); i++)
        msum_table_set_meta(cols, msum_table_meta_key(t, i), msum_table_meta_value(t, i));
    cr_assert_eq(sink.begin(sink.ctx, cols, 1), MSUM_OK);
    msum_cell row[8];
    for (size_t r = 0; r < msum_table_nrows(t); r++) {
        for (size_t c = 0; c < nc; c++) {
            const char *s = msum_table_col_type(t, c) == MSUM_COL_TEXT ? msum_table_text(t, r, c)
                                                                       : NULL;
            row[c] = (msum_cell){s, s ? strlen(s) : 0, msum_table_num(t, r, c)};
        }
        cr_assert_eq(sink.row(sink.ctx, row), MSUM_OK);
    }
    for (size_t i = 0; i < nextra; i++) cr_assert_eq(sink.row(sink.ctx, &extra[i]), MSUM_OK);
    cr_assert_eq(sink.end(sink.ctx, MSUM_OK), MSUM_OK);
    msum_csv_sink_free(&sink);
    msum_table_free(cols);
    fclose(fp);
    return buf;
}

Test(write_csv, sink_repairs_text_as_the_table_writer)
{
    msum_table *t = hostile_table();
    msum_table_set_text(t, 1, 0, "caf\xc3\xa9\tx\x7f"); /* valid UTF-8, a tab, DEL */
    for (int f = 0; f < 2; f++) {
        msum_format fmt = f ? MSUM_FMT_TSV : MSUM_FMT_CSV;
        char *want = render_fmt(t, fmt), *got = sink_of(t, fmt, NULL, 0);
        cr_expect(strcmp(got, want) == 0, "%s: sink\n%s\ntable writer\n%s", f ? "TSV" : "CSV",
                  got, want);
        free(want);
        free(got);
    }
    msum_table_free(t);

    msum_table *u = msum_table_new("u", NULL);
    msum_table_add_col(u, "s", MSUM_COL_TEXT, NULL);
    const char *euro = "E\xe2\x82\xac,\"";
    msum_cell cells[] = {{euro, 3, NAN}, {euro, 4, NAN}, {euro, 6, NAN}};
    char *got = sink_of(u, MSUM_FMT_CSV, cells, 3);
    cr_expect_str_eq(got, "# metasum_version," MSUM_VERSION "\ns\n"
                          "E" FFFD FFFD "\n"                /* E, then 2 of the euro's 3 bytes */
                          "E\xe2\x82\xac\n"                 /* the euro whole */
                          "\"E\xe2\x82\xac,\"\"\"\n");          /* and the comma and quote */
    free(got);
    msum_table_free(u);
}
