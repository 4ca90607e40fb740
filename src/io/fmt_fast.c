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

static const char pairs[201] = "00010203040506070809101112131415161718192021222324252627282930"
                               "31323334353637383940414243444546474849505152535455565758596061"
                               "62636465666768697071727374757677787980818283848586878889909192"
                               "93949596979899";

/* 8 decimal digits of x (< 10^8), two at a time (multiply-shift, no divide). */
static void eight_digits(uint32_t x, char *d)
{
    for (int i = 6; i >= 0; i -= 2) {
        memcpy(d + i, pairs + 2 * (x % 100), 2);
        x /= 100;
    }
}

int msum_fmt_num_fast(double v, int digits, char *buf, size_t size)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    int bexp = (int)((bits >> 52) & 0x7ff);
    /* zero, subnormals, infinities and NaN, and precisions outside the fast range */
    if (digits < 1 || digits > 15 || size < 32 || bexp == 0 || bexp == 0x7ff)
        return msum_fmt_num(v, digits, buf, size);
    double a = fabs(v), lo = p10[digits - 1], hi = p10[digits];
    /* a in [2^x, 2^(x+1)), x = bexp - 1023: the decimal exponent is about floor(x log10 2)
     * (78913 / 2^18 ~ log10 2); the range checks below correct it or give up. */
    int t = (bexp - 1023) * 78913;
    int e = t >= 0 ? t >> 18 : -((-t + 262143) >> 18);
    double m = scale10(a, digits - 1 - e);
    if (m >= 0 && m < lo) m = scale10(a, digits - 1 - --e);
    else if (m >= hi) m = scale10(a, digits - 1 - ++e);
    if (!(m >= lo && m < hi)) return msum_fmt_num(v, digits, buf, size);
    uint64_t r = (uint64_t)m; /* m >= 1: truncation is floor */
    double frac = m - (double)r;
    /* |m - a 10^k| <= m 2^-53: a fraction this close to 1/2 might round either way. */
    if (fabs(frac - 0.5) <= m * 0x1p-52) return msum_fmt_num(v, digits, buf, size);
    if (frac > 0.5) r += 1;
    if ((double)r >= hi) {
        r = (uint64_t)lo;
        e++;
    }
    char dbuf[16];
    if (digits > 8) {
        eight_digits((uint32_t)(r / 100000000u), dbuf);
        eight_digits((uint32_t)(r % 100000000u), dbuf + 8);
    } else {
        eight_digits((uint32_t)r, dbuf + 8);
    }
    const char *d = dbuf + 16 - digits;
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
