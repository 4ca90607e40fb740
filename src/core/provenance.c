/* Provenance checks: numbers stated in a quote, and quotes found in a source text after one
 * normalisation (white space removed, full-width and CJK punctuation folded to ASCII), applied
 * identically to both sides.  The rules are listed in include/metasum/provenance.h.
 */
#include "metasum/provenance.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Decode one UTF-8 sequence at s (n bytes left): code point, or -1 for an invalid byte; *used
 * is set to the bytes consumed (1 for an invalid byte). */
static long utf8_decode(const unsigned char *s, size_t n, size_t *used)
{
    unsigned char c = s[0];
    *used = 1;
    if (c < 0x80) return c;
    size_t k = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC2 ? 1 : 0;
    if (k == 0 || c > 0xF4 || k >= n) return -1;
    long cp = c & (0x3F >> k);
    for (size_t j = 1; j <= k; j++) {
        if ((s[j] & 0xC0) != 0x80) return -1;
        cp = (cp << 6) | (s[j] & 0x3F);
    }
    static const long min[] = {0, 0x80, 0x800, 0x10000};
    if (cp < min[k] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
    *used = k + 1;
    return cp;
}

static int is_space_cp(long cp)
{
    return cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || cp == 0xA0 ||
           (cp >= 0x2000 && cp <= 0x200B) || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

/* The ASCII character a code point folds to, or 0 when it is kept as it is. */
static int fold_cp(long cp)
{
    if (cp >= 0xFF01 && cp <= 0xFF5E) return (int)(cp - 0xFF01 + 0x21);
    switch (cp) {
    case 0x3001: return ',';
    case 0x3002: return '.';
    case 0x2018: case 0x2019: return '\'';
    case 0x201C: case 0x201D: return '"';
    case 0x2070: return '0';
    case 0x00B9: return '1';
    case 0x00B2: return '2';
    case 0x00B3: return '3';
    default: break;
    }
    if (cp >= 0x2074 && cp <= 0x2079) return (int)('4' + (cp - 0x2074));
    if (cp >= 0x2080 && cp <= 0x2089) return (int)('0' + (cp - 0x2080));
    return 0;
}

char *msum_text_normalize(const char *s, size_t len)
{
    char *out = malloc(len + 1);
    if (!out) return NULL;
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, j = 0;
    while (i < len) {
        size_t used;
        long cp = utf8_decode(u + i, len - i, &used);
        if (cp >= 0 && is_space_cp(cp)) {
            i += used;
            continue;
        }
        int a = cp >= 0 ? fold_cp(cp) : 0;
        if (a) out[j++] = (char)a;
        else {
            memcpy(out + j, u + i, used);
            j += used;
        }
        i += used;
    }
    out[j] = '\0';
    return out;
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }

static void put(double *out, size_t max, size_t *n, double v)
{
    if (out && *n < max) out[*n] = v;
    (*n)++;
}

/* Tokens of an already normalised text. */
static size_t numbers_of(const char *t, double *out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; t[i];) {
        if (!is_digit(t[i])) {
            i++;
            continue;
        }
        size_t a = i;
        while (is_digit(t[i])) i++;
        size_t intlen = i - a;
        if (t[i] == '.' && is_digit(t[i + 1])) {
            i++;
            while (is_digit(t[i])) i++;
        }
        put(out, max, &n, strtod(t + a, NULL));
        /* 1,000 and 12,345,678: also the grouped value (the parts count on their own too). */
        if (intlen <= 3 && i - a == intlen && t[i] == ',' && is_digit(t[i + 1]) &&
            is_digit(t[i + 2]) && is_digit(t[i + 3]) && !is_digit(t[i + 4])) {
            double g = strtod(t + a, NULL);
            size_t k = i;
            while (t[k] == ',' && is_digit(t[k + 1]) && is_digit(t[k + 2]) &&
                   is_digit(t[k + 3]) && !is_digit(t[k + 4])) {
                g = g * 1000 + (t[k + 1] - '0') * 100 + (t[k + 2] - '0') * 10 + (t[k + 3] - '0');
                k += 4;
            }
            put(out, max, &n, g);
        }
    }
    return n;
}

size_t msum_text_numbers(const char *text, double *out, size_t max)
{
    char *t = msum_text_normalize(text, strlen(text));
    if (!t) return 0;
    size_t n = numbers_of(t, out, max);
    free(t);
    return n;
}

int msum_text_has_number(const char *text, double v)
{
    char *t = msum_text_normalize(text, strlen(text));
    if (!t) return -1;
    size_t n = numbers_of(t, NULL, 0);
    double *nums = malloc((n ? n : 1) * sizeof *nums);
    if (!nums) {
        free(t);
        return -1;
    }
    numbers_of(t, nums, n);
    free(t);
    double a = fabs(v);
    int found = 0;
    for (size_t i = 0; i < n && !found; i++)
        found = fabs(nums[i] - a) <= 1e-9 * fmax(1.0, a);
    free(nums);
    return found;
}

int msum_quote_in_source(const char *quote, const char *norm_source)
{
    char *q = msum_text_normalize(quote, strlen(quote));
    if (!q) return -1;
    int found = q[0] != '\0' && strstr(norm_source, q) != NULL;
    free(q);
    return found;
}
