/* Fast exact "%.Pg": the number is scaled once by an exact power of ten (10^0..10^22), so the
 * scaled value carries one rounding error at most; when that error cannot change the rounding to
 * P digits (no near-tie), the digits are exact and are laid out as printf's %g does (fixed or
 * exponent form, trailing zeros removed).  Everything else goes to msum_fmt_num (snprintf).
 */
#include "fmt_fast.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "metasum/write.h"

static const double p10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                               1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                               1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* a * 10^k with one rounding, or -1 when 10^|k| is not an exact double. */
static double scale10(double a, int k)
{
    if (k >= 0) return k <= 22 ? a * p10[k] : -1;
    return -k <= 22 ? a / p10[-k] : -1;
}

int msum_fmt_num_fast(double v, int digits, char *buf, size_t size)
{
    if (digits < 1 || digits > 15 || size < 32 || !isfinite(v) || v == 0)
        return msum_fmt_num(v, digits, buf, size);
    double a = fabs(v), lo = p10[digits - 1], hi = p10[digits];
    int e2;
    frexp(a, &e2); /* a in [2^(e2-1), 2^e2): the decimal exponent is this or one more */
    int e = (int)floor((e2 - 1) * 0.30102999566398120);
    double m = scale10(a, digits - 1 - e);
    if (m >= 0 && m < lo) m = scale10(a, digits - 1 - --e);
    else if (m >= hi) m = scale10(a, digits - 1 - ++e);
    if (!(m >= lo && m < hi)) return msum_fmt_num(v, digits, buf, size);
    double r = floor(m), frac = m - r;
    /* |m - a 10^k| <= m 2^-53: a fraction this close to 1/2 might round either way. */
    if (fabs(frac - 0.5) <= m * 0x1p-52) return msum_fmt_num(v, digits, buf, size);
    if (frac > 0.5) r += 1;
    if (r >= hi) {
        r = lo;
        e++;
    }
    /* digits of r, two at a time, in 32-bit arithmetic (multiply-shift, no divide) */
    static const char pairs[] = "00010203040506070809101112131415161718192021222324252627282930"
                                "31323334353637383940414243444546474849505152535455565758596061"
                                "62636465666768697071727374757677787980818283848586878889909192"
                                "939495969798" "99";
    char d[18];
    uint64_t u = (uint64_t)r;
    uint32_t part[2] = {(uint32_t)(u / 100000000u), (uint32_t)(u % 100000000u)};
    for (int h = 1, end = 16; h >= (digits > 8 ? 0 : 1); h--, end -= 8) { /* d[0..15]: 16 digits, left-padded */
        uint32_t x = part[h];
        for (int i = end - 2; i >= end - 8; i -= 2) {
            memcpy(d + i, pairs + 2 * (x % 100), 2);
            x /= 100;
        }
    }
    memmove(d, d + 16 - digits, (size_t)digits);
    int nd = digits; /* significant digits left after removing trailing zeros */
    while (nd > 1 && d[nd - 1] == '0') nd--;
    char *p = buf;
    if (v < 0) *p++ = '-';
    if (e >= -4 && e < digits) {
        if (e >= 0) {
            for (int i = 0; i <= e; i++) *p++ = i < nd ? d[i] : '0';
            if (nd > e + 1) {
                *p++ = '.';
                for (int i = e + 1; i < nd; i++) *p++ = d[i];
            }
        } else {
            *p++ = '0';
            *p++ = '.';
            for (int i = 0; i < -e - 1; i++) *p++ = '0';
            for (int i = 0; i < nd; i++) *p++ = d[i];
        }
    } else {
        *p++ = d[0];
        if (nd > 1) {
            *p++ = '.';
            for (int i = 1; i < nd; i++) *p++ = d[i];
        }
        *p++ = 'e';
        *p++ = e < 0 ? '-' : '+';
        int x = e < 0 ? -e : e;
        if (x >= 100) *p++ = (char)('0' + x / 100);
        *p++ = (char)('0' + x / 10 % 10);
        *p++ = (char)('0' + x % 10);
    }
    *p = '\0';
    return (int)(p - buf);
}
