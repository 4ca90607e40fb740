/* Tests for the row typer and whole-file datasets (src/io/dataset.c): form inference from the
 * header, typed values, pass-through columns, positions, and the typer on a streamed file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "helpers.h"
#include "metasum/dataset.h"
#include "metasum/dict.h"
#include "metasum/metasum.h"

static msum_dataset *read_ok(const char *path, msum_diags *d)
{
    msum_dataset *ds = NULL;
    cr_assert_eq(msum_dataset_read(path, d, &ds), MSUM_OK, "%s", path);
    cr_assert_not_null(ds);
    return ds;
}

Test(dataset, plain_yi_vi_file_is_generic_on_the_unnamed_scale)
{
    msum_diags *d = msum_diags_new();
    msum_dataset *ds = read_ok("fixtures/plain_yi_vi.csv", d);
    cr_expect_eq(msum_diags_count(d), 0);
    cr_expect_eq(msum_dataset_nrows(ds), 3);
    cr_expect_eq(msum_dataset_ncols(ds), 3);
    const msum_record *r = msum_dataset_record(ds, 1);
    cr_expect_eq(r->input, MSUM_INPUT_GENERIC);
    cr_expect_eq(r->measure, MSUM_MEASURE_GEN);
    assert_close(r->x[MSUM_F_YI], -0.2, 0, "yi of B");
    assert_close(r->x[MSUM_F_VI], 0.02, 0, "vi of B");
    assert_close(r->x[MSUM_F_SEI], NAN, 0, "sei missing");
    cr_expect_str_eq(msum_dataset_get(ds, 1, "study"), "B");
    cr_expect_null(msum_dataset_get(ds, 1, "id"));
    cr_expect_eq(msum_dataset_line(ds, 2), 4);
    long line, col;
    msum_dataset_pos(ds, 2, 2, &line, &col);
    cr_expect_eq(line, 4);
    cr_expect_eq(col, 7); /* "C,0.3,0.05": vi starts at byte 7 */
    msum_dataset_free(ds);
    msum_diags_free(d);
}

Test(dataset, metafor_style_columns_are_continuous)
{
    msum_diags *d = msum_diags_new();
    msum_dataset *ds = read_ok("fixtures/metafor_continuous.csv", d);
    cr_expect_eq(msum_diags_count(d), 0);
    const msum_record *r = msum_dataset_record(ds, 0);
    cr_expect_eq(r->input, MSUM_INPUT_CONTINUOUS);
    cr_expect_eq(r->measure, MSUM_MEASURE_NONE);
    assert_close(r->x[MSUM_F_M1I], 10.5, 0, "m1i");
    assert_close(r->x[MSUM_F_SD1I], 2.1, 0, "sd1i");
    assert_close(r->x[MSUM_F_N1I], 12, 0, "n1i");
    assert_close(r->x[MSUM_F_M2I], 8.2, 0, "m2i");
    assert_close(r->x[MSUM_F_SD2I], 1.9, 0, "sd2i");
    assert_close(r->x[MSUM_F_N2I], 11, 0, "n2i");
    msum_dataset_free(ds);
    msum_diags_free(d);
}

Test(dataset, unknown_columns_pass_through_and_short_cells_are_empty)
{
    msum_diags *d = msum_diags_new();
    msum_dataset *ds = read_ok("fixtures/direction.csv", d);
    cr_expect_eq(msum_diags_count(d), 0);
    cr_expect_str_eq(msum_dataset_get(ds, 0, "extra"), "kept");
    cr_expect_str_eq(msum_dataset_get(ds, 1, "extra"), "");
    cr_expect_eq(msum_dataset_record(ds, 0)->input, MSUM_INPUT_DIRECTION);
    cr_expect_eq(msum_dataset_record(ds, 0)->direction, MSUM_DIR_INCREASE);
    cr_expect_eq(msum_dataset_record(ds, 1)->direction, MSUM_DIR_NO_CHANGE);
    cr_expect_eq(msum_dataset_col(ds, "extra"), 3);
    cr_expect_str_eq(msum_dataset_colname(ds, 3), "extra");
    msum_dataset_free(ds);
    msum_diags_free(d);

    /* A short row keeps its cells, and the missing ones read as "". */
    d = msum_diags_new();
    ds = NULL;
    cr_assert_eq(msum_dataset_read("fixtures/bad/ragged_short.csv", d, &ds), MSUM_OK);
    cr_expect_str_eq(msum_dataset_get(ds, 1, "yi"), "0.25");
    cr_expect_str_eq(msum_dataset_get(ds, 1, "vi"), "");
    msum_dataset_free(ds);
    msum_diags_free(d);
}

Test(dataset, quoted_multiline_cells_and_percent_rows)
{
    msum_diags *d = msum_diags_new();
    msum_dataset *ds = read_ok("fixtures/quoted_newline.csv", d);
    cr_expect_eq(msum_diags_count(d), 0);
    cr_expect_str_eq(msum_dataset_get(ds, 0, "quote"), "ADSC-Ex 使胶原\n表达提高 16倍");
    assert_close(msum_dataset_record(ds, 0)->x[MSUM_F_FOLD], 16, 0, "fold");
    cr_expect_eq(msum_dataset_line(ds, 1), 5);
    msum_dataset_free(ds);
    msum_diags_free(d);

    d = msum_diags_new();
    ds = read_ok("fixtures/bom.csv", d);
    cr_expect_str_eq(msum_dataset_colname(ds, 0), "id", "BOM not part of the first name");
    cr_expect_eq(msum_dataset_record(ds, 0)->input, MSUM_INPUT_PERCENT);
    assert_close(msum_dataset_record(ds, 0)->x[MSUM_F_PCT], 18.08, 0, "pct");
    msum_dataset_free(ds);
    msum_diags_free(d);
}

Test(dataset, header_without_any_form_is_unusable)
{
    static const char csv[] = "id,name,notes\nx,y,z\n";
    msum_diags *d = msum_diags_new();
    msum_reader *r = NULL;
    cr_assert_eq(msum_reader_open_mem(csv, sizeof csv - 1, "h.csv", 0, d, &r), MSUM_OK);
    msum_typer *t = (msum_typer *)1;
    cr_expect_eq(msum_typer_new(msum_reader_header(r), "h.csv", d, &t), MSUM_EDATA);
    cr_expect_null(t);
    char buf[512];
    msum_diag_format(msum_diags_get(d, 0), buf, sizeof buf);
    cr_expect_str_eq(buf, "h.csv:1: error: found no 'input' column and none of yi, m1i, ai, ri, "
                          "pct, fold, med1i, direction, expected one of them to tell the form of "
                          "the rows");
    msum_reader_free(r);
    msum_diags_free(d);
}

Test(dataset, streaming_typer_types_each_row)
{
    static const char csv[] = "yi,vi,study\n0.5,0.25,a\n-1,NA,b\n";
    msum_diags *d = msum_diags_new();
    msum_reader *r = NULL;
    cr_assert_eq(msum_reader_open_mem(csv, sizeof csv - 1, "s.csv", 3, d, &r), MSUM_OK);
    msum_typer *t = NULL;
    cr_assert_eq(msum_typer_new(msum_reader_header(r), "s.csv", d, &t), MSUM_OK);
    cr_expect_eq(msum_typer_col(t, "study"), 2);
    cr_expect_eq(msum_typer_col(t, "nope"), -1);
    msum_row row;
    msum_record rec;
    cr_assert_eq(msum_reader_next(r, &row), 1);
    cr_expect_eq(msum_typer_row(t, &row, &rec, d), 0);
    assert_close(rec.x[MSUM_F_YI], 0.5, 0, "yi");
    assert_close(rec.x[MSUM_F_VI], 0.25, 0, "vi");
    cr_assert_eq(msum_reader_next(r, &row), 1);
    cr_expect_eq(msum_typer_row(t, &row, &rec, d), 1, "vi NA: no variance for a generic row");
    char buf[512];
    msum_diag_format(msum_diags_get(d, 0), buf, sizeof buf);
    cr_expect_str_eq(buf, "s.csv:3: error: found 'generic' without vi|sei|ci_lb+ci_ub|pval, "
                          "expected yi and one of vi, sei, ci_lb+ci_ub, pval");
    cr_expect_eq(msum_reader_next(r, &row), 0);
    msum_typer_free(t);
    msum_reader_free(r);
    msum_diags_free(d);
}

/* ---- bounded time: per-file steps are O(n log n) in columns and rows -------------------- */

/* "yi,vi,c2,c3,...": n columns, column `dup` named like column `orig`.  Writes the byte column
 * of every field into colpos (1-based: one past the previous name and its comma). */
static char *wide_header(size_t n, size_t orig, size_t dup, long *colpos)
{
    char *s = malloc(n * 12 + 2), *p = s;
    long col = 1;
    for (size_t i = 0; i < n; i++) {
        size_t k = i == dup ? orig : i;
        int w = k == 0 ? sprintf(p, "yi") : k == 1 ? sprintf(p, "vi") : sprintf(p, "c%zu", k);
        colpos[i] = col;
        col += w + 1;
        p += w;
        *p++ = i + 1 < n ? ',' : '\n';
    }
    *p = '\0';
    return s;
}

/* 10^5 columns with one repeat: a comparison of every pair (5e9 strcmp) took far longer than
 * the timeout; sorted names find it at once, at the right line:col, naming the first one. */
Test(dataset, wide_header_duplicate_is_found_quickly, .timeout = 10)
{
    enum { N = 100000, ORIG = 12345, DUP = 99990 };
    long *colpos = malloc(N * sizeof *colpos);
    char *csv = wide_header(N, ORIG, DUP, colpos);
    msum_diags *d = msum_diags_new();
    msum_reader *r = NULL;
    cr_assert_eq(msum_reader_open_mem(csv, strlen(csv), "w.csv", 0, d, &r), MSUM_OK);
    cr_assert_eq(msum_reader_header(r)->n, N);
    msum_typer *t = NULL;
    cr_assert_eq(msum_typer_new(msum_reader_header(r), "w.csv", d, &t), MSUM_OK);
    cr_assert_eq(msum_diags_count(d), 1);
    char want[256], got[256];
    snprintf(want, sizeof want,
             "w.csv:1:%ld: error: column 'c12345': found a second column 'c12345', expected "
             "unique column names (first at 1:%ld)", colpos[DUP], colpos[ORIG]);
    msum_diag_format(msum_diags_get(d, 0), got, sizeof got);
    cr_expect_str_eq(got, want);
    /* lookups by name: the first of the two, and every other column where it is */
    cr_expect_eq(msum_typer_col(t, "c12345"), ORIG);
    for (size_t i = 2; i < N; i += 997) {
        char nm[16];
        snprintf(nm, sizeof nm, "c%zu", i);
        cr_expect_eq(msum_typer_col(t, nm), i == DUP ? -1 : (int)i, "%s", nm);
    }
    cr_expect_eq(msum_typer_col(t, "yi"), 0);
    cr_expect_eq(msum_typer_col(t, "c100000"), -1);
    msum_typer_free(t);
    msum_reader_free(r);
    msum_diags_free(d);
    free(csv);
    free(colpos);
}

/* Three uses of one name: both repeats name the first use, not the one before them. */
Test(dataset, every_repeat_names_the_first_column)
{
    static const char csv[] = "yi,a,vi,a,a\n";
    msum_diags *d = msum_diags_new();
    msum_reader *r = NULL;
    cr_assert_eq(msum_reader_open_mem(csv, sizeof csv - 1, "a.csv", 0, d, &r), MSUM_OK);
    msum_typer *t = NULL;
    cr_assert_eq(msum_typer_new(msum_reader_header(r), "a.csv", d, &t), MSUM_OK);
    cr_assert_eq(msum_diags_count(d), 2);
    msum_diags_sort(d);
    char got[256];
    msum_diag_format(msum_diags_get(d, 0), got, sizeof got);
    cr_expect_str_eq(got, "a.csv:1:9: error: column 'a': found a second column 'a', expected "
                          "unique column names (first at 1:4)");
    msum_diag_format(msum_diags_get(d, 1), got, sizeof got);
    cr_expect_str_eq(got, "a.csv:1:11: error: column 'a': found a second column 'a', expected "
                          "unique column names (first at 1:4)");
    cr_expect_eq(msum_typer_col(t, "a"), 1);
    cr_expect_eq(msum_typer_col(t, "vi"), 2);
    msum_typer_free(t);
    msum_reader_free(r);
    msum_diags_free(d);
}

/* 10^6 diagnostics (an error on each row of a big file) are sorted in O(n log n), stably:
 * an insertion sort of a reversed list needed 5e11 moves. */
Test(dataset, a_million_diagnostics_sort_quickly_and_stably, .timeout = 10)
{
    enum { N = 1000000 };
    msum_diags *d = msum_diags_new();
    for (long i = N; i > 0; i--) /* lines N..1, each twice: messages "a" then "b" */
        msum_diags_add(d, MSUM_DIAG_ERROR, "f.csv", (i + 1) / 2, 1, NULL, "%c",
                       i % 2 ? 'b' : 'a');
    msum_diags_sort(d);
    cr_assert_eq(msum_diags_count(d), N);
    for (size_t i = 0; i < N; i++) {
        const msum_diag *g = msum_diags_get(d, i);
        if (g->line != (long)(i / 2 + 1) || g->message[0] != (i % 2 ? 'b' : 'a')) {
            cr_assert_fail("entry %zu: line %ld message %s", i, g->line, g->message);
        }
    }
    msum_diags_free(d);
}

/* A 10^5-row dictionary with one repeated key: found by sorting, reported at the repeat with
 * the first one's line; every key is then found by binary search. */
Test(dataset, big_dictionary_repeat_and_lookup, .timeout = 10)
{
    enum { N = 100000 };
    const char *path = "../build/test-out/dict_big.csv";
    mkdir("../build", 0777);
    mkdir("../build/test-out", 0777);
    FILE *fp = fopen(path, "w");
    cr_assert_not_null(fp);
    fprintf(fp, "outcome,beneficial\n");
    for (int i = 0; i < N; i++) fprintf(fp, "o%d,increase\n", i == N - 1 ? 777 : i);
    fclose(fp);
    msum_diags *d = msum_diags_new();
    msum_dict *dc = NULL;
    cr_assert_eq(msum_dict_read(path, "outcome", d, &dc), MSUM_OK);
    cr_assert_eq(msum_diags_count(d), 1);
    char got[512], want[512];
    msum_diag_format(msum_diags_get(d, 0), got, sizeof got);
    /* o777 is on line 779 (header line 1, o0 on line 2); the repeat is the last line */
    snprintf(want, sizeof want, "%s:%d:1: error: column 'outcome': found 'o777' again, expected "
                                "unique keys (first on line 779)", path, N + 1);
    cr_expect_str_eq(got, want);
    cr_expect_eq(msum_dict_find(dc, "o777"), 777);
    cr_expect_eq(msum_dict_find(dc, "o0"), 0);
    cr_expect_eq(msum_dict_find(dc, "o99998"), 99998);
    cr_expect_eq(msum_dict_find(dc, "o99999"), -1);
    msum_dict_free(dc);
    msum_diags_free(d);
}

/* Duplicated effects 10^5 rows apart, past a row that spans 301 lines (its quoted notes hold
 * 300 line breaks), among 2*10^5 distinct rows.  Rows are k = 0..N-1; row k starts on line
 * 2 + k, and 300 lines later after row 5.  Row 100010 copies row 10 (same id: an error), row
 * 100020 repeats row 20 under another id (a warning), row 100030 has row 30's study and
 * numbers with another outcome (not a duplicate).  The study cell is at column 1 + the length
 * of "id," before it. */
Test(dataset, duplicate_rows_far_apart_are_found_at_their_lines, .timeout = 20)
{
    enum { N = 200001, SHIFT = 300 };
    size_t cap = (size_t)N * 48 + 4096, len = 0;
    char *csv = malloc(cap);
    cr_assert_not_null(csv);
    len += (size_t)sprintf(csv + len, "id,study,outcome,yi,vi,notes\n");
    for (int k = 0; k < N; k++) {
        int like = k == 100010 ? 10 : k == 100020 ? 20 : k == 100030 ? 30 : k;
        len += (size_t)sprintf(csv + len, "r%d,S%d,%s,%d.25,0.0%d,", k == 100010 ? 10 : k, like,
                               k == 100030 ? "other" : "o", like, 1 + like % 9);
        if (k == 5) {
            csv[len++] = '"';
            for (int j = 0; j < SHIFT; j++) csv[len++] = '\n';
            csv[len++] = '"';
        }
        csv[len++] = '\n';
    }
    msum_diags *d = msum_diags_new();
    msum_reader *r = NULL;
    cr_assert_eq(msum_reader_open_mem(csv, len, "t.csv", 0, d, &r), MSUM_OK);
    msum_typer *t = NULL;
    cr_assert_eq(msum_typer_new(msum_reader_header(r), "t.csv", d, &t), MSUM_OK);
    msum_dups *dups = NULL;
    cr_assert_eq(msum_dups_new(t, &dups), MSUM_OK);
    msum_row row;
    msum_record rec;
    size_t nrows = 0;
    while (msum_reader_next(r, &row) == 1) {
        nrows++;
        cr_assert_eq(msum_typer_row(t, &row, &rec, d), 0);
        cr_assert_eq(msum_dups_row(dups, &row, &rec), MSUM_OK);
    }
    cr_expect_eq(nrows, N);
    cr_assert_eq(msum_diags_count(d), 0);
    cr_assert_eq(msum_dups_finish(dups, d), MSUM_OK);
    cr_assert_eq(msum_diags_count(d), 2);
    char got[512];
    /* row 10 on line 2 + 10 + 300 = 312; row 100010 on line 100312, its study after "r10," */
    msum_diag_format(msum_diags_get(d, 0), got, sizeof got);
    cr_expect_str_eq(got, "t.csv:100312:5: error: column 'study': found a copy of line 312 (same "
                          "id 'r10', study, outcome and numbers), expected each effect once");
    /* row 20 on line 322; row 100020 on line 100322, its study after "r100020," */
    msum_diag_format(msum_diags_get(d, 1), got, sizeof got);
    cr_expect_str_eq(got, "t.csv:100322:9: warning: column 'study': found 'S20' again with "
                          "outcome 'o' and the same numbers as line 322: one effect entered "
                          "twice? (it would be pooled twice)");
    cr_expect_eq(msum_dups_is_copy(dups, 100312), 1);
    cr_expect_eq(msum_dups_is_copy(dups, 100322), 0);
    cr_expect_eq(msum_dups_is_copy(dups, 312), 0);
    msum_dups_free(dups);
    msum_typer_free(t);
    msum_reader_free(r);
    msum_diags_free(d);
    free(csv);
}
