/* Tests for strict number parsing (src/io/number.c): what is a number, what is missing, what is
 * rejected, and that the fast path gives exactly strtod's correctly rounded double. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "metasum/reader.h"

static int parse(const char *s, double *v) { return msum_parse_double(s, strlen(s), v); }

Test(number, accepts_plain_decimals)
{
    /* Expected values are the C compiler's own conversion of the same literals. */
    static const struct {
        const char *s;
        double v;
    } ok[] = {
        {"0", 0.0},           {"-0.5", -0.5},       {"1.2e-3", 1.2e-3},   {"+3", 3.0},
        {".5", 0.5},          {"5.", 5.0},          {"1E5", 1e5},         {"18.08", 18.08},
        {"-100", -100.0},     {"0.001", 0.001},     {"123456789012345", 123456789012345.0},
        {"1.7976931348623157e308", 1.7976931348623157e308},
        {"0.30000000000000004", 0.30000000000000004},
        {"12345678901234567890", 12345678901234567890.0},
        {"4.9e-324", 4.9e-324},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        double v = -1;
        cr_expect_eq(parse(ok[i].s, &v), 1, "'%s' is a number", ok[i].s);
        cr_expect(v == ok[i].v, "'%s': got %.17g, expected %.17g", ok[i].s, v, ok[i].v);
    }
}

Test(number, empty_and_NA_are_missing)
{
    double v = 0;
    cr_expect_eq(parse("", &v), 0);
    cr_expect(isnan(v));
    v = 0;
    cr_expect_eq(parse("NA", &v), 0);
    cr_expect(isnan(v));
}

Test(number, rejects_everything_else)
{
    static const char *const bad[] = {
        "1,5", "0x10", "1e309", "-1e309", "nan", "NaN", "inf", "-inf", "Infinity", "12abc",
        " 2", "2 ", "+", "-", ".", "e5", "1e", "1e+", "1.2.3", "--1", "na", "N/A", "1_000",
        "\t3", "1e5x", "0x1p3",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        double v = 42;
        cr_expect_eq(parse(bad[i], &v), -1, "'%s' is not a number", bad[i]);
    }
}

Test(number, length_is_respected_without_a_terminator)
{
    double v;
    cr_expect_eq(msum_parse_double("2.5xyz", 3, &v), 1);
    cr_expect(v == 2.5);
    cr_expect_eq(msum_parse_double("NAB", 2, &v), 0);
}

Test(number, fast_path_matches_strtod_bit_for_bit)
{
    /* Random doubles printed at 1..17 digits and in several styles: strtod is the reference. */
    srand(12345);
    char buf[64];
    for (int i = 0; i < 200000; i++) {
        double x = ((double)rand() / RAND_MAX - 0.5) * pow(10, rand() % 30 - 15);
        int digits = 1 + rand() % 17;
        snprintf(buf, sizeof buf, (i & 1) ? "%.*g" : "%.*f", digits, x);
        double want = strtod(buf, NULL), got = NAN;
        cr_assert_eq(parse(buf, &got), 1, "'%s'", buf);
        cr_assert(got == want || (got == 0 && want == 0), "'%s': got %.17g, strtod %.17g", buf,
                  got, want);
    }
}
