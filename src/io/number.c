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

static int is_digit(char c) { return c >= '0' && c <= '9'; }

int msum_parse_double(const char *s, size_t len, double *out)
{
    if (len == 0 || (len == 2 && s[0] == 'N' && s[1] == 'A')) {
        *out = NAN;
        return 0;
    }
    /* Grammar: [+-]? (D+ ('.' D*)? | '.' D+) ([eE] [+-]? D+)?  -- checked here, because strtod
     * also takes hex, inf, nan and leading white space. */
    size_t i = 0;
    int neg = 0;
    if (s[i] == '+' || s[i] == '-') neg = s[i++] == '-';
    uint64_t mant = 0;
    int ndig = 0, nsig = 0, scale = 0, intdig = 0, fracdig = 0;
    while (i < len && is_digit(s[i])) {
        if (nsig < 19 && (mant || s[i] != '0')) {
            mant = mant * 10 + (uint64_t)(s[i] - '0');
            nsig++;
        } else if (mant) {
            scale++; /* digit beyond the 19 kept: the slow path takes over below */
            nsig++;
        }
        intdig++;
        i++;
    }
    if (i < len && s[i] == '.') {
        i++;
        while (i < len && is_digit(s[i])) {
            if (nsig < 19 && (mant || s[i] != '0')) {
                mant = mant * 10 + (uint64_t)(s[i] - '0');
                nsig++;
            } else if (mant) {
                nsig++;
            }
            if (nsig <= 19) scale--;
            fracdig++;
            i++;
        }
    }
    ndig = intdig + fracdig;
    if (ndig == 0) return -1;
    long ex = 0;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        int eneg = 0;
        if (i < len && (s[i] == '+' || s[i] == '-')) eneg = s[i++] == '-';
        if (i >= len || !is_digit(s[i])) return -1;
        while (i < len && is_digit(s[i])) {
            if (ex < 100000) ex = ex * 10 + (s[i] - '0');
            i++;
        }
        if (eneg) ex = -ex;
    }
    if (i != len) return -1;

    long e10 = ex + scale;
    if (nsig <= 15 && mant < ((uint64_t)1 << 53) && e10 >= -22 && e10 <= 22) {
        double v = (double)mant;
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
