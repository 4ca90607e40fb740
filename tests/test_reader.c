/* Tests for the streaming reader (src/io/reader.c): positions, line ends, BOM, quoting, and
 * the exact message of every malformed fixture; every fixture is read at every chunk size and
 * must give the same rows, positions and diagnostics. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "metasum/dataset.h"
#include "metasum/metasum.h"
#include "metasum/reader.h"

static char *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    cr_assert_not_null(fp, "cannot open %s", path);
    char *buf = malloc(1 << 20);
    *len = fread(buf, 1, 1 << 20, fp);
    fclose(fp);
    return buf;
}

/* Everything a read produces, as text: rows with positions, the end code, the diagnostics. */
static char *transcript(const char *buf, size_t len, size_t chunk)
{
    size_t cap = 1 << 16, n = 0;
    char *out = malloc(cap);
    msum_diags *d = msum_diags_new();
    msum_reader *r = NULL;
    int rc = msum_reader_open_mem(buf, len, "f.csv", chunk, d, &r);
    cr_assert_eq(rc, MSUM_OK);
    const msum_row *h = msum_reader_header(r);
    msum_row row;
    int got;
    const msum_row *cur = h;
    do {
        for (size_t i = 0; i < cur->n; i++) {
            size_t need = cur->len[i] + 64;
            if (n + need >= cap) out = realloc(out, cap = 2 * (cap + need));
            n += (size_t)snprintf(out + n, cap - n, "%ld:%ld[", cur->line[i], cur->col[i]);
            for (size_t k = 0; k < cur->len[i]; k++) /* NUL bytes shown as '@' */
                out[n++] = cur->cell[i][k] ? cur->cell[i][k] : '@';
            n += (size_t)snprintf(out + n, cap - n, "]%c", i + 1 < cur->n ? ' ' : '\n');
            cr_assert_eq(cur->cell[i][cur->len[i]], '\0');
        }
        got = msum_reader_next(r, &row);
        cur = &row;
    } while (got == 1);
    n += (size_t)snprintf(out + n, cap - n, "end %d\n", got);
    char line[512];
    msum_diags_sort(d);
    for (size_t i = 0; i < msum_diags_count(d); i++) {
        msum_diag_format(msum_diags_get(d, i), line, sizeof line);
        if (n + strlen(line) + 2 >= cap) out = realloc(out, cap = 2 * cap + strlen(line));
        n += (size_t)snprintf(out + n, cap - n, "%s\n", line);
    }
    msum_reader_free(r);
    msum_diags_free(d);
    return out;
}

static const char *const fixtures[] = {
    "fixtures/generic.csv", "fixtures/plain_yi_vi.csv", "fixtures/metafor_continuous.csv",
    "fixtures/crlf.csv", "fixtures/cr_noeol.csv", "fixtures/bom.csv",
    "fixtures/quoted_newline.csv", "fixtures/direction.csv",
    "fixtures/bad/unterminated_quote.csv", "fixtures/bad/stray_quote.csv",
    "fixtures/bad/text_after_quote.csv", "fixtures/bad/ragged_long.csv",
    "fixtures/bad/ragged_short.csv", "fixtures/bad/invalid_utf8.csv", "fixtures/bad/nul_byte.csv",
    "fixtures/bad/invalid_utf8_quoted.csv", "fixtures/bad/invalid_utf8_after_quotes.csv",
    "fuzz/regress/utf8_after_swar_skip.csv", /* fuzzer find: a high byte before 8 plain ones */
};

Test(reader, every_chunk_size_gives_the_same_rows)
{
    for (size_t f = 0; f < sizeof fixtures / sizeof fixtures[0]; f++) {
        size_t len;
        char *buf = slurp(fixtures[f], &len);
        char *want = transcript(buf, len, 0);
        for (size_t chunk = 1; chunk <= len; chunk++) {
            char *got = transcript(buf, len, chunk);
            cr_expect_str_eq(got, want, "%s at chunk size %zu", fixtures[f], chunk);
            free(got);
        }
        free(want);
        free(buf);
    }
}

static void expect_transcript(const char *path, const char *want)
{
    size_t len;
    char *buf = slurp(path, &len);
    char *got = transcript(buf, len, 0);
    cr_expect_str_eq(got, want, "%s", path);
    free(got);
    free(buf);
}

Test(reader, crlf_line_ends)
{
    expect_transcript("fixtures/crlf.csv",
                      "1:1[id] 1:4[input] 1:10[yi] 1:13[vi]\n"
                      "2:1[c1] 2:4[generic] 2:12[0.5] 2:16[0.04]\n"
                      "3:1[c2] 3:4[generic] 3:12[0.25] 3:17[0.09]\n"
                      "end 0\n");
}

Test(reader, cr_line_ends_and_no_final_newline)
{
    expect_transcript("fixtures/cr_noeol.csv",
                      "1:1[id] 1:4[input] 1:10[yi] 1:13[vi]\n"
                      "2:1[c1] 2:4[generic] 2:12[0.5] 2:16[0.04]\n"
                      "3:1[c2] 3:4[generic] 3:12[0.25] 3:17[0.09]\n"
                      "end 0\n");
}

Test(reader, bom_is_stripped_and_columns_start_after_it)
{
    expect_transcript("fixtures/bom.csv",
                      "1:1[id] 1:4[input] 1:10[pct]\n"
                      "2:1[b1] 2:4[percent_change] 2:19[18.08]\n"
                      "end 0\n");
}

Test(reader, quoted_fields_with_newlines_count_lines)
{
    /* Row 2 spans lines 2-4; on line 3 "表达提高 16倍" is 18 bytes, so the notes field opens at
     * byte 21; its CRLF is one line end, so row 3 starts on line 5. */
    expect_transcript("fixtures/quoted_newline.csv",
                      "1:1[id] 1:4[input] 1:10[fold] 1:15[quote] 1:21[notes]\n"
                      "2:1[q1] 2:4[fold_change] 2:16[16] 2:19[ADSC-Ex 使胶原\n表达提高 16倍] "
                      "3:21[a \"quoted\", multi-line\r\nnote]\n"
                      "5:1[q2] 5:4[fold_change] 5:16[2.5] 5:20[] 5:21[]\n"
                      "end 0\n");
}

Test(reader, empty_input_has_no_header)
{
    msum_diags *d = msum_diags_new();
    msum_reader *r = NULL;
    cr_assert_eq(msum_reader_open_mem("", 0, "e.csv", 0, d, &r), MSUM_OK);
    cr_expect_eq(msum_reader_header(r)->n, 0);
    msum_row row;
    cr_expect_eq(msum_reader_next(r, &row), 0);
    cr_expect_eq(msum_diags_count(d), 0);
    msum_reader_free(r);
    msum_diags_free(d);
}

Test(reader, missing_file_is_an_io_error)
{
    msum_diags *d = msum_diags_new();
    msum_reader *r = (msum_reader *)1;
    cr_expect_eq(msum_reader_open("fixtures/no_such_file.csv", NULL, d, &r), MSUM_EIO);
    cr_expect_null(r);
    cr_expect_eq(msum_diags_errors(d), 1);
    char buf[256];
    msum_diag_format(msum_diags_get(d, 0), buf, sizeof buf);
    cr_expect_str_eq(buf, "fixtures/no_such_file.csv: error: cannot open: No such file or directory");
    msum_diags_free(d);
}

/* Each malformed fixture has exactly one defect: one diagnostic, at this line:col, saying this. */
static const struct {
    const char *name;
    int rc;
    const char *msg;
} bad[] = {
    {"ci_reversed", MSUM_OK,
     "2:16: error: column 'ci_lb': found '0.9', expected a lower bound <= ci_ub = 0.1"},
    {"comma_decimal", MSUM_OK,
     "2:12: error: column 'yi': found '1,5', expected a number with '.' as the decimal point ("
     "C locale)"},
    {"count_fraction", MSUM_OK,
     "2:15: error: column 'ci': found '2.5', expected a count: a whole number in [0, 100000000"
     "0]"},
    {"count_negative", MSUM_OK,
     "2:13: error: column 'bi': found '-1', expected a count: a whole number in [0, 1000000000"
     "]"},
    {"duplicate_header", MSUM_OK,
     "1:16: error: column 'vi': found a second column 'vi', expected unique column names (firs"
     "t at 1:13)"},
    {"events_exceed_total", MSUM_OK,
     "2:11: error: column 'ai': found '14', expected at most n1i = 12 (events cannot exceed th"
     "e group size)"},
    {"fold_zero", MSUM_OK,
     "2:16: error: column 'fold': found '0', expected a fold change > 0 (a ratio)"},
    {"form_missing_field", MSUM_OK,
     "2:4: error: column 'input': found 'continuous' without sd2i|sem2i, expected m1i, sd1i|se"
     "m1i, n1i, m2i, sd2i|sem2i, n2i"},
    {"form_all_missing", MSUM_OK,
     "2:4: error: column 'input': found 'counts' without any of ai, bi|n1i, ci, di|n2i"},
    {"hex_number", MSUM_OK,
     "2:12: error: column 'yi': found '0x10', expected a decimal number (no hexadecimal)"},
    {"inf_number", MSUM_OK,
     "2:12: error: column 'yi': found 'inf', expected a finite number"},
    {"invalid_utf8", MSUM_OK,
     "3:25: error: column 'notes': found invalid UTF-8 byte 0xe9, expected UTF-8 text"},
    {"unterminated_header", MSUM_EPARSE,
     "1:1: error: found a quoted field that is never closed, expected a closing '\"' before the "
     "end of the input"},
    {"empty", MSUM_OK, "1: error: found an empty file, expected a header row"},
    {"header_only", MSUM_OK,
     "1: error: found a header and no data rows, expected at least one row"},
    /* the byte's position inside a quoted field: CRLF is one line end, "" two bytes */
    {"invalid_utf8_quoted", MSUM_OK,
     "3:2: error: column 'notes': found invalid UTF-8 byte 0xff, expected UTF-8 text"},
    {"invalid_utf8_after_quotes", MSUM_OK,
     "2:25: error: column 'notes': found invalid UTF-8 byte 0xfe, expected UTF-8 text"},
    {"nul_byte", MSUM_EPARSE, /* fatal: the input ends at the first NUL */
     "2:22: error: column 'notes': found a NUL byte, expected UTF-8 text"},
    {"n_zero", MSUM_OK,
     "2:20: error: column 'n1i': found '0', expected a sample size: a whole number in [1, 10000"
     "00000]"},
    /* counts are whole numbers in [0 or 1, 1e9] (MSUM_COUNT_MAX) */
    {"n_huge", MSUM_OK,
     "2:20: error: column 'n1i': found '1e20', expected a sample size: a whole number in [1, 10"
     "00000000]"},
    {"n_fraction", MSUM_OK,
     "2:20: error: column 'n1i': found '14.5', expected a sample size: a whole number in [1, 10"
     "00000000]"},
    {"count_huge", MSUM_OK,
     "2:17: error: column 'di': found '1e12', expected a count: a whole number in [0, 100000000"
     "0]"},
    /* an SD from one observation does not exist */
    {"n_one", MSUM_OK,
     "2:20: error: column 'n1i': found '1', expected a group size >= 2 (an SD needs two observat"
     "ions)"},
    /* SD 0 in both groups: vi = 0 (MD, ROM), SMD undefined; no SEM warning for an SD of 0 */
    {"sd_both_zero", MSUM_OK,
     "2:25: error: column 'sd2i': found '0', expected an SD > 0 in at least one group (both are"
     " 0: no measure has a variance)"},
    /* sqrt(0.04) = 0.2 is 33 % away from sei = 0.3 (tolerance 5 %) */
    {"vi_sei_mismatch", MSUM_OK,
     "2:21: error: column 'sei': found '0.3', expected sqrt(vi) = 0.2 within 5% (vi and sei dis"
     "agree: fix or drop one)"},
    {"nan_number", MSUM_OK,
     "2:12: error: column 'yi': found 'nan', expected a number (write NA or leave the cell emp"
     "ty when missing)"},
    {"overflow", MSUM_OK,
     "2:12: error: column 'yi': found '1e309', expected a finite number"},
    {"padded_number", MSUM_OK,
     "2:12: error: column 'yi': found ' 2', expected a number without surrounding spaces"},
    {"pct_minus_100", MSUM_OK,
     "2:19: error: column 'pct': found '-100', expected a percent change > -100"},
    {"pval_range", MSUM_OK,
     "2:16: error: column 'pval': found '1.5', expected a p-value in (0, 1]"},
    {"r_range", MSUM_OK,
     "2:16: error: column 'ri': found '1.2', expected a correlation in [-1, 1]"},
    {"ragged_long", MSUM_OK,
     "3:22: error: found 5 fields, expected 4 (as many as the header)"},
    {"ragged_short", MSUM_OK,
     "3: error: found 3 fields, expected 4 (as many as the header)"},
    {"rom_negative_mean", MSUM_OK,
     "2:27: error: column 'm2i': found '-8', expected a mean > 0 (ROM is a ratio of means)"},
    {"sd_negative", MSUM_OK,
     "2:18: error: column 'sd1i': found '-2', expected a standard deviation >= 0"},
    {"sei_negative", MSUM_OK,
     "2:16: error: column 'sei': found '-0.1', expected a standard error > 0"},
    {"sem_negative", MSUM_OK,
     "2:25: error: column 'sem2i': found '-1', expected a standard error >= 0"},
    {"sign_only", MSUM_OK,
     "2:12: error: column 'yi': found '+', expected a number"},
    {"stray_quote", MSUM_EPARSE,
     "3:7: error: column 'input': found '\"' inside an unquoted field, expected the whole fiel"
     "d quoted with inner quotes doubled"},
    {"text_after_quote", MSUM_EPARSE,
     "2:13: error: column 'input': found 'x' after a closing quote, expected ',' or the end of"
     " the line"},
    {"trailing_text", MSUM_OK,
     "2:12: error: column 'yi': found '12abc', expected a number"},
    {"unknown_direction", MSUM_OK,
     "2:14: error: column 'direction': found 'up', expected one of increase, decrease, no_chan"
     "ge"},
    {"unknown_input", MSUM_OK,
     "2:4: error: column 'input': found 'genric', expected one of generic, continuous, counts,"
     " correlation, percent_change, fold_change, median_iqr, direction"},
    {"unknown_measure", MSUM_OK,
     "2:12: error: column 'measure': found 'HR', expected one of MD, SMD, ROM, RR, OR, RD, ZCO"
     "R, GEN"},
    {"unterminated_quote", MSUM_EPARSE,
     "3:12: error: column 'yi': found a quoted field that is never closed, expected a closing "
     "'\"' before the end of the input"},
    {"vi_zero", MSUM_OK,
     "2:16: error: column 'vi': found '0', expected a sampling variance > 0"},

};

Test(reader, each_malformed_fixture_reports_its_one_defect)
{
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char path[256], want[512], got[512];
        snprintf(path, sizeof path, "fixtures/bad/%s.csv", bad[i].name);
        msum_diags *d = msum_diags_new();
        msum_dataset *ds = NULL;
        int rc = msum_dataset_read(path, d, &ds);
        cr_expect_eq(rc, bad[i].rc, "%s: status %d", bad[i].name, rc);
        /* one error (invalid UTF-8 adds a note on saving as UTF-8 after it) */
        cr_expect_eq(msum_diags_errors(d), 1, "%s: %zu errors", bad[i].name,
                     msum_diags_errors(d));
        if (msum_diags_count(d) >= 1) {
            msum_diag_format(msum_diags_get(d, 0), got, sizeof got);
            snprintf(want, sizeof want, "%s:%s", path, bad[i].msg);
            cr_expect_str_eq(got, want);
        }
        msum_dataset_free(ds);
        msum_diags_free(d);
    }
}

/* Row filter: only rows whose cells equal the filter's values come out, with their own
 * physical lines; an unknown column is a diagnostic on line 1. */
Test(reader, filter_keeps_matching_rows)
{
    static const char csv[] = "id,alloc,src\n"
                              "a,random,x\n"
                              "b,systematic,x\n"
                              "c,random,y\n"
                              "d,random,x\n";
    msum_diags *d = msum_diags_new();
    msum_reader *r = NULL;
    cr_assert_eq(msum_reader_open_mem(csv, sizeof csv - 1, "f.csv", 0, d, &r), MSUM_OK);
    cr_assert_eq(msum_reader_filter(r, "alloc=random;src=x"), MSUM_OK);
    msum_row row;
    cr_assert_eq(msum_reader_next(r, &row), 1);
    cr_expect_str_eq(row.cell[0], "a");
    cr_expect_eq(row.row_line, 2);
    cr_assert_eq(msum_reader_next(r, &row), 1);
    cr_expect_str_eq(row.cell[0], "d");
    cr_expect_eq(row.row_line, 5);
    cr_expect_eq(msum_reader_next(r, &row), 0);
    msum_reader_free(r);

    cr_assert_eq(msum_reader_open_mem(csv, sizeof csv - 1, "f.csv", 0, d, &r), MSUM_OK);
    cr_expect_eq(msum_reader_filter(r, "nope=1"), MSUM_EDATA);
    cr_expect_eq(msum_diags_errors(d), 1);
    char buf[256];
    msum_diag_format(msum_diags_get(d, 0), buf, sizeof buf);
    cr_expect_str_eq(buf, "f.csv:1: error: filter 'nope=1': expected COLUMN=VALUE with a column "
                          "of the header");
    msum_reader_free(r);
    msum_diags_free(d);
}

/* ---- bounded time and memory: NUL bytes and over-long fields end the input at once ------- */

/* /dev/zero never ends: the first NUL byte is the error, at 1:1, after one read. */
Test(reader, dev_zero_is_an_error_at_once, .timeout = 10)
{
    FILE *fp = fopen("/dev/zero", "rb");
    cr_assert_not_null(fp);
    msum_diags *d = msum_diags_new();
    msum_reader *r = NULL;
    cr_assert_eq(msum_reader_open_fp(fp, "zero", d, &r), MSUM_OK);
    msum_row row;
    cr_expect_eq(msum_reader_next(r, &row), -MSUM_EPARSE);
    cr_assert_eq(msum_diags_count(d), 1);
    char got[256];
    msum_diag_format(msum_diags_get(d, 0), got, sizeof got);
    cr_expect_str_eq(got, "zero:1:1: error: found a NUL byte, expected UTF-8 text");
    msum_reader_free(r);
    msum_diags_free(d);
    fclose(fp);
}

/* A stream (fmemopen) whose second row is followed by 4 MiB of NUL bytes: the rows before it
 * come out, then the error at the NUL's own line:col (line 4 starts after "r2,1\n"). */
Test(reader, nul_stream_after_rows_stops_there, .timeout = 10)
{
    size_t len = ((size_t)4 << 20) + 32;
    char *buf = calloc(len, 1);
    const char head[] = "id,yi\nr1,0.5\nr2,1\n";
    memcpy(buf, head, sizeof head - 1);
    FILE *fp = fmemopen(buf, len, "rb");
    cr_assert_not_null(fp);
    msum_diags *d = msum_diags_new();
    msum_reader *r = NULL;
    cr_assert_eq(msum_reader_open_fp(fp, "s.csv", d, &r), MSUM_OK);
    msum_row row;
    cr_assert_eq(msum_reader_next(r, &row), 1);
    cr_expect_str_eq(row.cell[0], "r1");
    cr_assert_eq(msum_reader_next(r, &row), 1);
    cr_expect_str_eq(row.cell[0], "r2");
    cr_expect_eq(msum_reader_next(r, &row), -MSUM_EPARSE);
    cr_expect_eq(msum_reader_next(r, &row), -MSUM_EPARSE, "later calls: the same");
    cr_assert_eq(msum_diags_count(d), 1);
    char got[256];
    msum_diag_format(msum_diags_get(d, 0), got, sizeof got);
    cr_expect_str_eq(got, "s.csv:4:1: error: column 'id': found a NUL byte, expected UTF-8 text");
    msum_reader_free(r);
    msum_diags_free(d);
    fclose(fp);
    free(buf);
}

/* The error of one read at a given field limit: the transcript's last line. */
static char *read_at_limit(const char *csv, size_t limit, size_t chunk)
{
    msum_reader_set_max_field(limit);
    char *t = transcript(csv, strlen(csv), chunk);
    msum_reader_set_max_field(0);
    return t;
}

/* Limit 8: a field of 8 text bytes is read, one of 9 is an error at the field's line:col naming
 * its column; quotes do not count (text bytes after unquoting).  The result is the same at
 * every chunk size, so the field is caught while it arrives, not after it is buffered. */
Test(reader, field_over_the_limit_is_an_error_naming_row_and_column)
{
    static const struct {
        const char *csv, *want;
    } cases[] = {
        {"id,notes\nr1,12345678\n", "1:1[id] 1:4[notes]\n2:1[r1] 2:4[12345678]\nend 0\n"},
        {"id,notes\nr1,ok\nr2,123456789\nr3,x\n",
         "1:1[id] 1:4[notes]\n2:1[r1] 2:4[ok]\nend -4\n"
         "f.csv:3:4: error: column 'notes': field longer than 8 bytes (--max-field)\n"},
        /* "ab""cd""ef" is 8 text bytes in 12; one more is too long */
        {"id,notes\nr1,\"ab\"\"cd\"\"ef\"\n",
         "1:1[id] 1:4[notes]\n2:1[r1] 2:4[ab\"cd\"ef]\nend 0\n"},
        {"id,notes\nr1,\"ab\"\"cd\"\"efg\"\n",
         "1:1[id] 1:4[notes]\nend -4\n"
         "f.csv:2:4: error: column 'notes': field longer than 8 bytes (--max-field)\n"},
        /* a quoted field over lines: reported where it opens */
        {"id,notes\nr1,\"abc\n\ndefgh\"\n",
         "1:1[id] 1:4[notes]\nend -4\n"
         "f.csv:2:4: error: column 'notes': field longer than 8 bytes (--max-field)\n"},
        /* the limit wins over a later defect in the same field, and applies to the header */
        {"id,notes\nr1,123456789\"\n",
         "1:1[id] 1:4[notes]\nend -4\n"
         "f.csv:2:4: error: column 'notes': field longer than 8 bytes (--max-field)\n"},
        {"id,notes_column\nr1,x\n",
         "end -4\nf.csv:1:4: error: field longer than 8 bytes (--max-field)\n"},
        /* unterminated: the length is seen before the end of the input */
        {"id,notes\nr1,\"123456789", "1:1[id] 1:4[notes]\nend -4\n"
         "f.csv:2:4: error: column 'notes': field longer than 8 bytes (--max-field)\n"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const char *csv = cases[k].csv;
        for (size_t chunk = 0; chunk <= strlen(csv); chunk++) {
            char *got = read_at_limit(csv, 8, chunk);
            cr_expect_str_eq(got, cases[k].want, "case %zu at chunk size %zu", k, chunk);
            free(got);
        }
    }
}

/* The default limit is 1 MiB; a 3 MiB field in a 256 KiB-chunked stream is refused with the
 * row and column, and the reader has not kept more than the limit plus a chunk. */
Test(reader, default_limit_is_one_mebibyte, .timeout = 10)
{
    cr_expect_eq(msum_reader_max_field(), (size_t)1 << 20);
    size_t n = (size_t)3 << 20;
    char *csv = malloc(n + 64);
    int h = sprintf(csv, "id,notes\nr1,");
    memset(csv + h, 'x', n);
    strcpy(csv + h + n, "\n");
    FILE *fp = fmemopen(csv, strlen(csv), "rb");
    msum_diags *d = msum_diags_new();
    msum_reader *r = NULL;
    cr_assert_eq(msum_reader_open_fp(fp, "big.csv", d, &r), MSUM_OK);
    msum_row row;
    cr_expect_eq(msum_reader_next(r, &row), -MSUM_EPARSE);
    char got[256];
    msum_diag_format(msum_diags_get(d, 0), got, sizeof got);
    cr_expect_str_eq(got, "big.csv:2:4: error: column 'notes': field longer than 1048576 bytes "
                          "(--max-field)");
    msum_reader_free(r);
    msum_diags_free(d);
    fclose(fp);
    free(csv);
}
