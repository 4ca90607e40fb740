/* Tests for the fast %g formatter (src/io/fmt_fast.c): byte-identical to msum_fmt_num_slow (glibc
 * snprintf) over random doubles of every magnitude, short decimals, exact ties and edges. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../src/io/fmt_fast.h"
#include "helpers.h"
#include "metasum/write.h"

static int same(double v, int digits)
{
    char want[64], got[64];
    int nw = msum_fmt_num_slow(v, digits, want, sizeof want);
    int ng = msum_fmt_num_fast(v, digits, got, sizeof got);
    cr_expect_str_eq(got, want, "%.17g at %d digits", v, digits);
    cr_expect_eq(ng, nw);
    return strcmp(got, want) == 0;
}

/* xorshift64*: deterministic test values */
static uint64_t rng = 88172645463325252ull;
static uint64_t next(void)
{
    rng ^= rng >> 12, rng ^= rng << 25, rng ^= rng >> 27;
    return rng * 2685821657736338717ull;
}

Test(fmt_fast, random_bit_patterns_all_digits)
{
    int bad = 0;
    for (int i = 0; i < 300000 && bad < 5; i++) {
        uint64_t b = next();
        double v;
        memcpy(&v, &b, sizeof v);
        bad += !same(v, 1 + (int)(next() % 17));
    }
}

Test(fmt_fast, random_magnitudes_and_short_decimals)
{
    int bad = 0;
    for (int i = 0; i < 300000 && bad < 5; i++) {
        double u = (double)(next() >> 11) / 9007199254740992.0;
        int ex = (int)(next() % 50) - 25;
        double v = (u + 0.05) * pow(10, ex) * ((next() & 1) ? -1 : 1);
        bad += !same(v, 7);
        bad += !same(v, 1 + (int)(next() % 15));
        /* decimals with few digits, where ties and near-ties live: k / 10^s, k / 2^s */
        double k = (double)(next() % 2000000);
        bad += !same(k / pow(10, (double)(next() % 9)), 1 + (int)(next() % 8));
        bad += !same(k / (double)(1u << (next() % 20)), 1 + (int)(next() % 8));
    }
}

Test(fmt_fast, ties_and_edges)
{
    const double vals[] = {0.5, 1.5, 2.5, 0.125, 0.375, 9.5, 99.5, 999999.5, 9999999.5,
                           1e-5, 1e-4, 0.0001, 0.00012345678, 123456.7, 1234567, 12345678,
                           9.9999995, 9.99999949, 0.99999999, 1e15, 1e21, 1e22, 1e23, 1e-300,
                           5e-324, 1.7976931348623157e308, -0.0, 0.0, 1, 10, 100, -2.25, 0.1,
                           0.2, 0.3, 1.0 / 3, 2.0 / 3, 1e7, 9999999, 99999995, 0.000099999995};
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++)
        for (int d = 0; d <= 18; d++) {
            same(vals[i], d);
            same(-vals[i], d);
        }
    same(NAN, 7);
    same(INFINITY, 7);
    same(-INFINITY, 7);
}

/* Digits 0 (integer columns): whole numbers below 2^53 are written without snprintf, zero and
 * NaN at every precision. */
Test(fmt_fast, integers_zero_and_na)
{
    const double vals[] = {0.0, -0.0, 1, 7, 9, 10, 19, 20, 99, 100, 999999, 1000000, 1e15,
                           9007199254740991.0, 9007199254740992.0, 9007199254740994.0, 1e17,
                           0.5, 2.5, 1e-3, 123456.75};
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++)
        for (int d = -1; d <= 17; d++) {
            same(vals[i], d);
            same(-vals[i], d);
        }
    for (int i = 0; i < 100000; i++) same((double)(int64_t)(next() >> (next() % 64)), 0);
    for (int d = 0; d <= 17; d++) same(NAN, d);
}
