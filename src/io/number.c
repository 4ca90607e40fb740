/* Strict number parsing for every reader of numbers: C-locale decimals only, whole field,
 * finite.  Short decimals take Clinger's exact fast path (an integer below 2^53 divided or
 * multiplied by an exact power of ten is correctly rounded: W. D. Clinger, "How to read
 * floating point numbers accurately", PLDI 1990); everything else goes through strtod.
 */
#include "metasum/reader.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const double pow10_exact[] = {
    1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

static int digit(char c) { return (unsigned)(c - '0') < 10; }

/* Eight ASCII digits at p: their value, or -1 when they are not all digits (SWAR: each byte
 * 0x30..0x39; then pairs, quads and the octet combined by three multiply-adds). */
static inline int64_t eight_digits(const char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    if (((v & 0xF0F0F0F0F0F0F0F0ULL) | (((v + 0x0606060606060606ULL) & 0xF0F0F0F0F0F0F0F0ULL)
                                        >> 4)) != 0x3333333333333333ULL)
        return -1;
    v -= 0x3030303030303030ULL; /* little-endian: byte 0 is the first digit */
    v = (v * 10 + (v >> 8)) & 0x00FF00FF00FF00FFULL;     /* 4 two-digit lanes */
    v = (v * 100 + (v >> 16)) & 0x0000FFFF0000FFFFULL;   /* 2 four-digit lanes */
    v = (v * 10000 + (v >> 32)) & 0xFFFFFFFFULL;         /* 1 eight-digit value */
    return (int64_t)v;
}

int msum_parse_double(const char *s, size_t len, double *out)
{
    if (len == 0 || (len == 2 && s[0] == 'N' && s[1] == 'A')) {
        *out = NAN;
        return 0;
    }
    /* Grammar: [+-]? (D+ ('.' D*)? | '.' D+) ([eE] [+-]? D+)?  -- checked here, because strtod
     * also takes hex, inf, nan and leading white space.  Digits are gathered into m on the way
     * (m is only used when there are at most 19 of them, so it cannot overflow). */
    const char *p = s, *end = s + len;
    int neg = 0;
    if (*p == '+' || *p == '-') neg = *p++ == '-';
    uint64_t m = 0;
    const char *d0 = p;
    while (p < end && digit(*p)) m = m * 10 + (uint64_t)(*p++ - '0'); /* usually 1-3 digits */
    long nint = (long)(p - d0), nfrac = 0;
    if (p < end && *p == '.') {
        const char *f0 = ++p;
        while (end - p >= 8) {
            int64_t e = eight_digits(p);
            if (e < 0) break;
            m = m * 100000000 + (uint64_t)e;
            p += 8;
        }
        while (p < end && digit(*p)) m = m * 10 + (uint64_t)(*p++ - '0');
        nfrac = (long)(p - f0);
    }
    if (nint + nfrac == 0) return -1;
    long ex = 0;
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        int eneg = 0;
        if (p < end && (*p == '+' || *p == '-')) eneg = *p++ == '-';
        if (p == end || !digit(*p)) return -1;
        while (p < end && digit(*p)) {
            if (ex < 100000) ex = ex * 10 + (*p - '0');
            p++;
        }
        if (eneg) ex = -ex;
    }
    if (p != end) return -1;

    long e10 = ex - nfrac;
    if (nint + nfrac <= 19 && m < ((uint64_t)1 << 53) && e10 >= -22 && e10 <= 22) {
        double v = (double)m;
        v = e10 < 0 ? v / pow10_exact[-e10] : v * pow10_exact[e10];
        *out = neg ? -v : v;
        return 1;
    }
    /* Slow path: strtod on a NUL-terminated copy (fields need not be terminated at len). */
    char small[64];
    char *buf = len < sizeof small ? small : malloc(len + 1);
    if (!buf) return -1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    double v = strtod(buf, NULL);
    if (buf != small) free(buf);
    if (!isfinite(v)) return -1;
    *out = v;
    return 1;
}

int msum_parse_double_dec(const char *s, size_t len, char decimal, double *out)
{
    if (decimal != ',') return msum_parse_double(s, len, out);
    /* Decimal comma: the same grammar with ',' in the place of '.'.  A '.' is refused (it
     * may be a thousands separator: "1.234,5"), so each text has one reading. */
    char small[64];
    char *buf = len < sizeof small ? small : malloc(len + 1);
    if (!buf) return -1;
    int ok = 1;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '.') ok = 0;
        buf[i] = s[i] == ',' ? '.' : s[i];
    }
    int rc = ok ? msum_parse_double(buf, len, out) : -1;
    if (buf != small) free(buf);
    return rc;
}
