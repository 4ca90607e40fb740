/* libFuzzer target for the streaming reader and the row typer: any bytes must be read without
 * crashing, leaking or reading out of bounds, and the rows, positions and diagnostics must not
 * depend on the chunk size the input arrives in (the reader's scanner and libcsv must agree).
 * Also runs the provenance normaliser and number extraction on the same bytes.
 * Build and run: make fuzz FUZZ_TIME=600 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metasum/dataset.h"
#include "metasum/metasum.h"
#include "metasum/provenance.h"
#include "metasum/reader.h"

typedef struct {
    char *s;
    size_t n, cap;
} sbuf;

static void put(sbuf *b, const void *p, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        b->cap = 2 * (b->n + n + 1);
        b->s = realloc(b->s, b->cap);
        if (!b->s) abort();
    }
    memcpy(b->s + b->n, p, n);
    b->n += n;
    b->s[b->n] = '\0';
}

static void putf(sbuf *b, long a, long c, size_t len)
{
    char tmp[64];
    int k = snprintf(tmp, sizeof tmp, "|%ld:%ld:%zu:", a, c, len);
    put(b, tmp, (size_t)k);
}

/* Everything one read produces; the typer runs on every row. */
static sbuf transcript(const uint8_t *data, size_t size, size_t chunk)
{
    sbuf b = {0};
    msum_diags *d = msum_diags_new();
    msum_reader *r = NULL;
    if (msum_reader_open_mem((const char *)data, size, "f", chunk, d, &r) != MSUM_OK) abort();
    const msum_row *h = msum_reader_header(r);
    msum_typer *t = NULL;
    if (h->n) msum_typer_new(h, "f", d, &t);
    const msum_row *cur = h;
    msum_row row;
    int got;
    do {
        for (size_t i = 0; i < cur->n; i++) {
            if (cur->line[i] < 1 || cur->col[i] < 1) abort();
            if (cur->cell[i][cur->len[i]] != '\0') abort();
            putf(&b, cur->line[i], cur->col[i], cur->len[i]);
            put(&b, cur->cell[i], cur->len[i]);
        }
        put(&b, "\n", 1);
        got = msum_reader_next(r, &row);
        if (got == 1 && t) {
            msum_record rec;
            msum_typer_row(t, &row, &rec, d);
        }
        cur = &row;
    } while (got == 1);
    putf(&b, got, 0, 0);
    char line[4096];
    msum_diags_sort(d);
    for (size_t i = 0; i < msum_diags_count(d); i++) {
        int k = msum_diag_format(msum_diags_get(d, i), line, sizeof line);
        put(&b, line, (size_t)k < sizeof line ? (size_t)k : sizeof line - 1);
        put(&b, "\n", 1);
    }
    msum_typer_free(t);
    msum_reader_free(r);
    msum_diags_free(d);
    return b;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* half the inputs are read with a small field limit (1-40 bytes), so the limit is checked
     * to give the same result at every chunk size too */
    msum_reader_set_max_field(size > 1 && (data[0] & 1) ? 1 + data[size - 1] % 40 : 0);
    sbuf whole = transcript(data, size, 0);
    size_t chunk = size ? 1 + data[0] % 17 : 1;
    sbuf pieces = transcript(data, size, chunk);
    if (whole.n != pieces.n || memcmp(whole.s, pieces.s, whole.n) != 0) {
        fprintf(stderr, "chunk size %zu changes the result:\n--- whole\n%s\n--- chunked\n%s\n",
                chunk, whole.s, pieces.s);
        abort();
    }
    free(whole.s);
    free(pieces.s);

    char *norm = msum_text_normalize((const char *)data, size);
    if (norm) {
        char *text = malloc(size + 1);
        if (text) {
            memcpy(text, data, size);
            text[size] = '\0';
            double v[4];
            msum_text_numbers(text, v, 4);
            msum_quote_in_source(text, norm);
            free(text);
        }
        free(norm);
    }
    double x;
    msum_parse_double((const char *)data, size, &x);
    return 0;
}
