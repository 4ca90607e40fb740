/* Text helpers shared by every writer: UTF-8 decoding with U+FFFD replacement (Unicode 15,
 * section 3.9, "maximal subpart" not needed: one byte per replacement), XML escaping, the
 * spreadsheet formula guard (OWASP "CSV Injection"), and metadata with the metasum version.
 */
#include "text.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "metasum/metasum.h"

size_t msum_io_utf8_next(const char *str, uint32_t *cp)
{
    return msum_io_utf8_next_n(str, 4, cp); /* the NUL terminator ends a sequence */
}

size_t msum_io_utf8_next_n(const char *str, size_t len, uint32_t *cp)
{
    const unsigned char *s = (const unsigned char *)str;
    unsigned char c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t n;
    uint32_t v, min;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2; v = c & 0x1Fu; min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3; v = c & 0x0Fu; min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4; v = c & 0x07u; min = 0x10000;
    } else {
        *cp = MSUM_IO_REPLACEMENT;
        return 1;
    }
    for (size_t i = 1; i < n; i++) {
        if (i >= len || (s[i] & 0xC0) != 0x80) { /* also stops at the NUL terminator */
            *cp = MSUM_IO_REPLACEMENT;
            return 1;
        }
        v = (v << 6) | (s[i] & 0x3Fu);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
        *cp = MSUM_IO_REPLACEMENT;
        return 1;
    }
    *cp = v;
    return n;
}

size_t msum_io_encode_cp(uint32_t cp, char *b)
{
    if (cp < 0x80) {
        b[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        b[0] = (char)(0xC0 | (cp >> 6));
        b[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        b[0] = (char)(0xE0 | (cp >> 12));
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    b[0] = (char)(0xF0 | (cp >> 18));
    b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    b[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

void msum_io_put_cp(FILE *fp, uint32_t cp)
{
    char b[4];
    size_t n = msum_io_encode_cp(cp, b);
    fwrite(b, 1, n, fp);
}

int msum_io_plain_ascii(const char *s, const char *special)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7E || strchr(special, *s)) return 0;
    return 1;
}

size_t msum_io_utf8_len(const char *s)
{
    size_t n = 0;
    uint32_t cp;
    while (*s) {
        s += msum_io_utf8_next(s, &cp);
        n++;
    }
    return n;
}

static int is_bad_control(uint32_t cp)
{
    return (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0x7F;
}

char *msum_io_clean_dup(const char *s)
{
    /* A replaced byte grows to at most 3 bytes. */
    char *out = malloc(3 * strlen(s) + 1), *o = out;
    if (!out) return NULL;
    uint32_t cp;
    while (*s) {
        s += msum_io_utf8_next(s, &cp);
        if (is_bad_control(cp)) cp = MSUM_IO_REPLACEMENT;
        o += msum_io_encode_cp(cp, o);
    }
    *o = '\0';
    return out;
}

static void put_xml_cp(FILE *fp, uint32_t cp, int newline_space)
{
    if (newline_space == 2 && cp == '\n') {
        fputs("<br/>\n", fp);
        return;
    }
    switch (cp) {
    case '&': fputs("&amp;", fp); return;
    case '<': fputs("&lt;", fp); return;
    case '>': fputs("&gt;", fp); return;
    case '"': fputs("&quot;", fp); return;
    case '\'': fputs("&#39;", fp); return;
    case '\t': case '\n': case '\r':
        if (newline_space) fputc(' ', fp);
        else fprintf(fp, "&#%u;", (unsigned)cp); /* kept exactly, even inside attributes */
        return;
    default: break;
    }
    if (is_bad_control(cp) || cp == 0xFFFE || cp == 0xFFFF) cp = MSUM_IO_REPLACEMENT;
    msum_io_put_cp(fp, cp);
}

void msum_io_put_xml(FILE *fp, const char *s, int newline_space)
{
    if (msum_io_plain_ascii(s, "&<>\"'")) {
        fputs(s, fp);
        return;
    }
    uint32_t cp;
    while (*s) {
        s += msum_io_utf8_next(s, &cp);
        if (newline_space == 2 && cp == '\r' && *s == '\n') continue; /* CR LF: one break */
        put_xml_cp(fp, cp, newline_space);
    }
}

void msum_io_put_xml_trunc(FILE *fp, const char *s, size_t max_cp)
{
    size_t len = msum_io_utf8_len(s), n = 0;
    uint32_t cp;
    int cut = len > max_cp && max_cp > 1;
    while (*s && (!cut || n + 1 < max_cp)) {
        s += msum_io_utf8_next(s, &cp);
        put_xml_cp(fp, cp, 1);
        n++;
    }
    if (cut) msum_io_put_cp(fp, 0x2026);
}

/* A plain decimal number in s[0..len): sign, digits, optional fraction and exponent; the
 * decimal mark is '.', or also ',' when comma is set (a decimal-comma file's cells). */
static int plain_number_mark(const char *s, size_t len, int comma)
{
    const char *e = s + len;
    if (s < e && (*s == '+' || *s == '-')) s++;
    int digits = 0;
    while (s < e && *s >= '0' && *s <= '9') s++, digits++;
    if (s < e && (*s == '.' || (comma && *s == ','))) {
        s++;
        while (s < e && *s >= '0' && *s <= '9') s++, digits++;
    }
    if (!digits) return 0;
    if (s < e && (*s == 'e' || *s == 'E')) {
        s++;
        if (s < e && (*s == '+' || *s == '-')) s++;
        if (!(s < e && *s >= '0' && *s <= '9')) return 0;
        while (s < e && *s >= '0' && *s <= '9') s++;
    }
    return s == e;
}

static int plain_number_n(const char *s, size_t len) { return plain_number_mark(s, len, 0); }

int msum_io_plain_number(const char *s)
{
    return plain_number_n(s, strlen(s));
}

/* Bytes of the whitespace code point at s (ASCII space, TAB, LF, VT, FF, CR, U+00A0 no-break
 * space, U+3000 ideographic space), 0 for anything else. */
static size_t space_len(const unsigned char *s, size_t left)
{
    if (left >= 1 && (*s == ' ' || (*s >= '\t' && *s <= '\r'))) return 1;
    if (left >= 2 && s[0] == 0xC2 && s[1] == 0xA0) return 2;
    if (left >= 3 && s[0] == 0xE3 && s[1] == 0x80 && s[2] == 0x80) return 3;
    return 0;
}

/* = + - @ and their full-width forms U+FF1D U+FF0B U+FF0D U+FF20 (EF BC 9D/8B/8D/A0). */
static int formula_lead(const unsigned char *s, size_t left)
{
    if (left >= 1 && (*s == '=' || *s == '+' || *s == '-' || *s == '@')) return 1;
    return left >= 3 && s[0] == 0xEF && s[1] == 0xBC &&
           (s[2] == 0x9D || s[2] == 0x8B || s[2] == 0x8D || s[2] == 0xA0);
}

int msum_formula_risky(const char *s, size_t len)
{
    if (!s || len == 0) return 0;
    const unsigned char *u = (const unsigned char *)s;
    if (u[0] == '\t' || u[0] == '\r') return 1;
    size_t i = 0, n;
    while ((n = space_len(u + i, len - i)) != 0) i += n;
    if (!formula_lead(u + i, len - i)) return 0;
    /* a signed number, with either decimal mark ("-0,14" from a decimal-comma file), is data */
    return !plain_number_mark(s + i, len - i, 1);
}

size_t msum_io_nmeta(const msum_table *t)
{
    size_t n = msum_table_nmeta(t);
    return msum_table_meta(t, "metasum_version") ? n : n + 1;
}

void msum_io_meta(const msum_table *t, size_t i, const char **key, const char **value)
{
    size_t n = msum_table_nmeta(t), v = n; /* v: the table's metasum_version, if it has one */
    for (size_t j = 0; v == n && j < n; j++)
        if (strcmp(msum_table_meta_key(t, j), "metasum_version") == 0) v = j;
    if (i + 1 < msum_io_nmeta(t)) {
        size_t j = i < v ? i : i + 1;
        *key = msum_table_meta_key(t, j);
        *value = msum_table_meta_value(t, j);
        if (!*value) *value = "";
    } else {
        *key = "metasum_version";
        *value = v < n && msum_table_meta_value(t, v) ? msum_table_meta_value(t, v)
                                                       : MSUM_VERSION;
    }
}

void msum_io_c_decimal(char *buf, size_t size)
{
    const char *dp = localeconv()->decimal_point;
    if (!dp || strcmp(dp, ".") == 0 || !*dp) return;
    char *p = strstr(buf, dp);
    if (!p) return;
    size_t dl = strlen(dp);
    *p = '.';
    memmove(p + 1, p + dl, strlen(p + dl) + 1);
    (void)size;
}

char *msum_io_fixed(double v, int dec, char *buf, size_t size)
{
    snprintf(buf, size, "%.*f", dec, v);
    msum_io_c_decimal(buf, size);
    /* "-0.00" -> "0.00": the same picture must not depend on the sign of a rounded zero. */
    if (buf[0] == '-') {
        const char *p = buf + 1;
        while (*p == '0' || *p == '.') p++;
        if (*p == '\0') memmove(buf, buf + 1, strlen(buf));
    }
    return buf;
}

int msum_io_is_pval_col(const char *name)
{
    size_t n = strlen(name);
    return strcmp(name, "pval") == 0 || strcmp(name, "p") == 0 ||
           (n >= 2 && strcmp(name + n - 2, "_p") == 0) ||
           (n >= 5 && strcmp(name + n - 5, "_pval") == 0) ||
           (n == 3 && name[0] == 'Q' && name[2] == 'p');
}
