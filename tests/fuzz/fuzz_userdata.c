/* libFuzzer target for reading a user's file: delimiter detection, decimal commas, blank rows,
 * column mapping and aliases, na.omit.  Any bytes must be read without crashing, leaking or
 * reading out of bounds, and the result must not depend on the chunk size.  The first byte
 * picks the options (forced or detected delimiter and decimal mark, a column mapping).
 * Build and run: make fuzz FUZZ_TIME=600 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metasum/dataset.h"
#include "metasum/metasum.h"
#include "metasum/reader.h"

static void put(char **s, size_t *n, size_t *cap, const char *p, size_t k)
{
    if (*n + k + 1 > *cap) {
        *cap = 2 * (*n + k + 1);
        *s = realloc(*s, *cap);
        if (!*s) abort();
    }
    memcpy(*s + *n, p, k);
    *n += k;
    (*s)[*n] = '\0';
}

static char *transcript(const uint8_t *data, size_t size, size_t chunk, const msum_read_opts *o,
                        size_t *len)
{
    char *s = NULL, tmp[96];
    size_t n = 0, cap = 0;
    msum_diags *d = msum_diags_new();
    msum_reader *r = NULL;
    int rc = msum_reader_open_mem_opts((const char *)data, size, "f", chunk, o, d, &r);
    if (rc == MSUM_OK) {
        msum_typer *t = NULL;
        if (msum_reader_header(r)->n) msum_typer_from_reader(r, o, d, &t);
        msum_row row;
        int got;
        while ((got = msum_reader_next(r, &row)) == 1) {
            int k = snprintf(tmp, sizeof tmp, "row %ld n %zu", row.row_line, row.n);
            put(&s, &n, &cap, tmp, (size_t)k);
            if (t) {
                msum_record rec;
                int om = 0;
                size_t e = msum_typer_row_na(t, &row, &rec, d, &om);
                char lab[64];
                msum_typer_label(t, &row, lab, sizeof lab);
                k = snprintf(tmp, sizeof tmp, " e %zu om %d %s", e, om, lab);
                put(&s, &n, &cap, tmp, (size_t)k);
            }
            put(&s, &n, &cap, "\n", 1);
        }
        int k = snprintf(tmp, sizeof tmp, "end %d blank %zu delim %d\n", got,
                         msum_reader_blank_rows(r), msum_reader_delim(r));
        put(&s, &n, &cap, tmp, (size_t)k);
        if (t) put(&s, &n, &cap, msum_typer_columns(t), strlen(msum_typer_columns(t)));
        msum_typer_free(t);
    }
    char line[4096];
    msum_diags_sort(d);
    for (size_t i = 0; i < msum_diags_count(d); i++) {
        int k = msum_diag_format(msum_diags_get(d, i), line, sizeof line);
        put(&s, &n, &cap, line, (size_t)k < sizeof line ? (size_t)k : sizeof line - 1);
        put(&s, &n, &cap, "\n", 1);
    }
    msum_reader_free(r);
    msum_diags_free(d);
    *len = n;
    return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    msum_read_opts o = MSUM_READ_OPTS_DEFAULT;
    uint8_t sel = size ? data[0] : 0;
    o.delim = "\0,;\t"[sel & 3];
    o.decimal = "\0.,\0"[(sel >> 2) & 3];
    o.missing = (sel >> 4) & 1 ? MSUM_MISSING_ERROR : MSUM_MISSING_OMIT;
    if ((sel >> 5) & 1) o.columns = "yi=Effect;vi=a;study=b;m1i=c";
    size_t n1, n2;
    char *whole = transcript(data, size, 0, &o, &n1);
    char *pieces = transcript(data, size, size ? 1 + data[size - 1] % 13 : 1, &o, &n2);
    if (n1 != n2 || (n1 && memcmp(whole, pieces, n1) != 0)) {
        fprintf(stderr, "chunk size changes the result:\n--- whole\n%s\n--- chunked\n%s\n",
                whole ? whole : "", pieces ? pieces : "");
        abort();
    }
    free(whole);
    free(pieces);
    double x;
    msum_parse_double_dec((const char *)data, size, ',', &x);
    return 0;
}
