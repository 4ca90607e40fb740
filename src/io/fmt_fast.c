/* Fast exact "%.Pg": the number is scaled once by an exact power of ten (10^0..10^22), so the
 * scaled value carries one rounding error at most; when that error cannot change the rounding to
 * P digits (no near-tie), the digits are exact and are laid out as printf's %g does (fixed or
 * exponent form, trailing zeros removed).  Everything else goes to msum_fmt_num_slow (snprintf).
 * Zero, NaN and (at digits 0) whole numbers below 2^53 are written here too, byte for byte as
 * the slow path words them.
 */
#include "fmt_fast.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "metasum/write.h"

static const double p10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                               1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                               1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* 10^j for j = -24..24 (nearest doubles), to settle the decimal exponent with one compare. */
enum { POW_MIN = -24, POW_MAX = 24 };
static const double pow10_near[POW_MAX - POW_MIN + 1] = {
    1e-24, 1e-23, 1e-22, 1e-21, 1e-20, 1e-19, 1e-18, 1e-17, 1e-16, 1e-15, 1e-14, 1e-13, 1e-12,
    1e-11, 1e-10, 1e-9,  1e-8,  1e-7,  1e-6,  1e-5,  1e-4,  1e-3,  1e-2,  1e-1,  1e0,   1e1,
    1e2,   1e3,   1e4,   1e5,   1e6,   1e7,   1e8,   1e9,   1e10,  1e11,  1e12,  1e13,  1e14,
    1e15,  1e16,  1e17,  1e18,  1e19,  1e20,  1e21,  1e22,  1e23,  1e24};

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
    if (size >= 48) {
        /* the common cells that are not %g: zero (also -0) and NaN, as the slow path words
         * them, and whole numbers below 2^53 at digits 0, which it prints as "%.0f" */
        if (v == 0) {
            memcpy(buf, "0", 2);
            return 1;
        }
        if (isnan(v)) {
            memcpy(buf, "NA", 3);
            return 2;
        }
        if (digits < 1 && fabs(v) < 9007199254740992.0 && v == floor(v)) {
            uint64_t u = (uint64_t)fabs(v);
            char tmp[20], *q = tmp + sizeof tmp, *p = buf;
            do *--q = (char)('0' + u % 10); while ((u /= 10) > 0);
            if (v < 0) *p++ = '-';
            size_t n = (size_t)(tmp + sizeof tmp - q);
            memcpy(p, q, n);
            p[n] = '\0';
            return (int)(p + n - buf);
        }
    }
    /* zero, subnormals, infinities and NaN, and precisions outside the fast range */
    if (digits < 1 || digits > 15 || size < 48 || bexp == 0 || bexp == 0x7ff)
        return msum_fmt_num_slow(v, digits, buf, size);
    double a = fabs(v), lo = p10[digits - 1], hi = p10[digits];
    /* a in [2^x, 2^(x+1)), x = bexp - 1023: the decimal exponent e is floor(x log10 2) or one
     * more (78913 / 2^18 ~ log10 2); one compare with 10^(e+1) settles it.  Being off near a
     * power of ten is caught by the range check on m below. */
    int t = (bexp - 1023) * 78913;
    int e = t >= 0 ? t >> 18 : -((-t + 262143) >> 18);
    if (e + 1 < POW_MIN || e + 1 > POW_MAX) return msum_fmt_num_slow(v, digits, buf, size);
    e += a >= pow10_near[e + 1 - POW_MIN];
    int k = digits - 1 - e;
    if (k > 22 || k < -22) return msum_fmt_num_slow(v, digits, buf, size);
    double m = k >= 0 ? a * p10[k] : a / p10[-k]; /* one rounding: 10^|k| is exact */
    if (!(m >= lo && m < hi)) return msum_fmt_num_slow(v, digits, buf, size);
    uint64_t r = (uint64_t)m; /* m >= 1: truncation is floor */
    double frac = m - (double)r;
    /* |m - a 10^k| <= m 2^-53: a fraction this close to 1/2 might round either way. */
    if (fabs(frac - 0.5) <= m * 0x1p-52) return msum_fmt_num_slow(v, digits, buf, size);
    r += frac > 0.5; /* branch-free: the direction is a coin toss */
    if ((double)r >= hi) {
        r = (uint64_t)lo;
        e++;
    }
    char dbuf[32]; /* 16 digits and room to copy 16 bytes from any of them */
    memset(dbuf + 16, '0', 16);
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
    /* Digits are copied 16 bytes at a time (fixed-size copies, no length-dependent branches):
     * the bytes past the end are overwritten or cut by the final NUL; buf holds 48 bytes. */
    if (e >= -4 && e < digits) {
        if (e >= 0) {
            memcpy(p, d, 16); /* integer part; zeros when the digits run out (dbuf[16..]) */
            p += e + 1;
            if (nd > e + 1) {
                *p++ = '.';
                memcpy(p, d + e + 1, 16);
                p += nd - e - 1;
            }
        } else {
            static const char lead[8] = {'0', '.', '0', '0', '0', '0', '0', '0'};
            memcpy(p, lead, 8); /* "0." and -e-1 zeros */
            p += 1 - e;
            memcpy(p, d, 16);
            p += nd;
        }
    } else {
        *p++ = d[0];
        if (nd > 1) {
            *p++ = '.';
            memcpy(p, d + 1, 16);
            p += nd - 1;
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
