/* The one place a double becomes text: digits, NA and infinities are decided here. */
#include "metasum/write.h"

#include "fmt_fast.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

/* %g in the current locale, then its decimal point turned into '.': the library never calls
 * setlocale, but a program embedding it may have. */
static int fmt_g(double v, int digits, char *buf, size_t size)
{
    snprintf(buf, size, "%.*g", digits, v);
    msum_io_c_decimal(buf, size);
    return (int)strlen(buf);
}

/* The reference formatter (snprintf); fmt_fast.c takes the common cases and defers here. */
int msum_fmt_num_slow(double v, int digits, char *buf, size_t size)
{
    if (isnan(v)) return snprintf(buf, size, "NA");
    /* An infinity is never printed as a number: NA (the analysis says why in its notes). */
    if (isinf(v)) return snprintf(buf, size, "NA");
    if (v == 0) return snprintf(buf, size, "0"); /* also -0 */
    if (digits > 0) {
        if (digits > 17) digits = 17;
        return size ? fmt_g(v, digits, buf, size) : snprintf(buf, size, "%.*g", digits, v);
    }
    /* Whole numbers below 2^53 in plain digits: the shortest %g of 20 is "2e+01". */
    if (fabs(v) < 9007199254740992.0 && v == floor(v)) return snprintf(buf, size, "%.0f", v);
    /* Shortest round trip: the first precision whose text reads back as the same double. */
    char tmp[40];
    for (int p = 1; p <= 17; p++) {
        snprintf(tmp, sizeof tmp, "%.*g", p, v);
        if (strtod(tmp, NULL) == v) break;
    }
    msum_io_c_decimal(tmp, sizeof tmp);
    return snprintf(buf, size, "%s", tmp);
}

static const char *const format_names[] = {"csv", "tsv", "md", "json", "html", "xlsx", "text"};

const char *msum_format_name(msum_format f)
{
    return (f >= MSUM_FMT_CSV && f <= MSUM_FMT_TEXT) ? format_names[f] : "";
}

int msum_format_parse(const char *s, msum_format *out)
{
    for (int i = 0; i <= MSUM_FMT_TEXT; i++)
        if (strcmp(s, format_names[i]) == 0) {
            *out = (msum_format)i;
            return 1;
        }
    if (strcmp(s, "markdown") == 0) {
        *out = MSUM_FMT_MARKDOWN;
        return 1;
    }
    return 0;
}

int msum_fmt_num(double v, int digits, char *buf, size_t size)
{
    return msum_fmt_num_fast(v, digits, buf, size);
}

int msum_fmt_ci(double est, double lb, double ub, int decimals, char *buf, size_t size)
{
    char t[3][64];
    const double v[3] = {est, lb, ub};
    if (decimals < 0) decimals = 0;
    if (decimals > 12) decimals = 12;
    for (int i = 0; i < 3; i++) {
        if (isfinite(v[i])) msum_io_fixed(v[i], decimals, t[i], sizeof t[i]);
        else snprintf(t[i], sizeof t[i], "NA");
    }
    return snprintf(buf, size, "%s [%s, %s]", t[0], t[1], t[2]);
}
