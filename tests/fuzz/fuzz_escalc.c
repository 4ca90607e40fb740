/* libFuzzer target for effect sizes and the fast number formatter: any record (every form,
 * measure, option and field value, NaN and infinities included) must give either a status with
 * a message and the field at fault, or finite numbers; and the fast %g must print exactly what
 * msum_fmt_num prints, for any double and digits.
 * Build and run: make fuzz FUZZ_TIME=600 */
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/io/fmt_fast.h"
#include "metasum/metasum.h"

static double take_double(const uint8_t **p, size_t *n)
{
    double v = NAN;
    if (*n >= sizeof v) {
        memcpy(&v, *p, sizeof v);
        *p += sizeof v;
        *n -= sizeof v;
    }
    return v;
}

static unsigned take_byte(const uint8_t **p, size_t *n)
{
    if (!*n) return 0;
    (*n)--;
    return *(*p)++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gsl_set_error_handler_off();
    const uint8_t *p = data;
    size_t n = size;

    /* the formatter */
    double v = take_double(&p, &n);
    int digits = (int)(take_byte(&p, &n) % 19);
    char a[64], b[64];
    int la = msum_fmt_num(v, digits, a, sizeof a), lb = msum_fmt_num_fast(v, digits, b, sizeof b);
    if (la != lb || strcmp(a, b) != 0) abort();

    /* a record: form, measure, direction, then fields; a byte per field picks a small integer,
     * a plain double, NaN (missing) or the raw bits of the next 8 bytes */
    msum_record r;
    msum_record_clear(&r);
    r.input = (msum_input)(take_byte(&p, &n) % MSUM_INPUT_COUNT_);
    r.measure = (msum_measure)(take_byte(&p, &n) % MSUM_MEASURE_COUNT_);
    msum_measure want = (msum_measure)(take_byte(&p, &n) % MSUM_MEASURE_COUNT_);
    msum_escalc_opts o = MSUM_ESCALC_OPTS_DEFAULT;
    unsigned opt = take_byte(&p, &n);
    o.to = (msum_cc_policy)(opt % 4);
    o.any_zero = (opt >> 2) & 1;
    if ((opt >> 3) & 1) o.add = (double)(take_byte(&p, &n) % 5) / 4;
    if ((opt >> 4) & 1) o.level = (double)(take_byte(&p, &n) % 101) / 100;
    if ((opt >> 5) & 1) msum_escalc_prepare(&o);
    for (int f = 0; f < MSUM_F_COUNT_ && n; f++) {
        unsigned k = take_byte(&p, &n);
        if (k < 128) r.x[f] = (double)k - 20;
        else if (k < 192) r.x[f] = ((double)k - 160) / 8;
        else if (k < 250) r.x[f] = NAN;
        else r.x[f] = take_double(&p, &n);
    }

    msum_effect e;
    int st = msum_escalc(&r, want, &o, &e);
    if (st == MSUM_OK) {
        if (e.message[0] || e.field != -1) abort();
        if (r.input == MSUM_INPUT_DIRECTION) {
            if (!isnan(e.yi) || e.conv != MSUM_CONV_DIRECTION) abort();
        } else {
            if (!isfinite(e.yi)) abort();
            if (!isnan(e.vi) && !(isfinite(e.vi) && e.vi >= 0)) abort();
            if (!isnan(e.vi) && !(e.ci_lb <= e.yi && e.yi <= e.ci_ub)) abort();
        }
        char conv[256];
        msum_effect_conversion(&e, conv, sizeof conv);
    } else {
        if (!e.message[0] || e.field < -1 || e.field >= MSUM_F_COUNT_) abort();
        if (!isnan(e.yi) || !isnan(e.vi)) abort();
    }
    return 0;
}
