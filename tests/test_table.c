/* Tests for the table model (src/core/table.c) and diagnostics (src/core/diag.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "metasum/metasum.h"

Test(table, columns_rows_and_na)
{
    msum_table *t = msum_table_new("pool", "Pooled estimates");
    cr_assert_not_null(t);
    cr_expect_eq(msum_table_add_col(t, "group", MSUM_COL_TEXT, NULL), 0);
    cr_expect_eq(msum_table_add_col(t, "estimate", MSUM_COL_NUM, "pooled effect"), 1);
    cr_expect_eq(msum_table_add_col(t, "k", MSUM_COL_INT, NULL), 2);
    cr_expect_eq(msum_table_add_row(t), 0);
    cr_expect_eq(msum_table_set_text(t, 0, 0, "random"), MSUM_OK);
    cr_expect_eq(msum_table_set_num(t, 0, 1, -0.5), MSUM_OK);
    cr_expect_eq(msum_table_set_num(t, 0, 0, 1.0), MSUM_EINVAL, "number into a text column");
    cr_expect_eq(msum_table_set_text(t, 0, 1, "x"), MSUM_EINVAL, "text into a number column");
    cr_expect_eq(msum_table_set_num(t, 1, 1, 1.0), MSUM_EINVAL, "row out of range");
    cr_expect_str_eq(msum_table_text(t, 0, 0), "random");
    assert_close(msum_table_num(t, 0, 1), -0.5, 0, "estimate");
    cr_expect(msum_table_is_na(t, 0, 2), "unset cell is NA");
    cr_expect_eq(msum_table_add_col(t, "late", MSUM_COL_NUM, NULL), -1, "shape fixed");
    cr_expect_eq(msum_table_col_index(t, "k"), 2);
    cr_expect_eq(msum_table_col_index(t, "nope"), -1);
    cr_expect_eq(msum_table_set_meta(t, "scale", "log"), MSUM_OK);
    cr_expect_eq(msum_table_set_meta(t, "scale", "natural"), MSUM_OK);
    cr_expect_eq(msum_table_nmeta(t), 1);
    cr_expect_str_eq(msum_table_meta(t, "scale"), "natural");
    msum_table_free(t);
}

Test(diag, format_and_sort)
{
    msum_diags *d = msum_diags_new();
    msum_diags_add(d, MSUM_DIAG_WARNING, "b.csv", 3, 7, "sd1i", "SD %g looks like an SEM", 1.5);
    msum_diags_add(d, MSUM_DIAG_ERROR, "a.csv", 12, 4, "vi", "found '%s', expected a number > 0",
                   "-1");
    msum_diags_add(d, MSUM_DIAG_ERROR, "a.csv", 2, 1, NULL, "ragged row");
    cr_expect_eq(msum_diags_count(d), 3);
    cr_expect_eq(msum_diags_errors(d), 2);
    cr_expect_eq(msum_diags_warnings(d), 1);
    msum_diags_sort(d);
    char buf[256];
    msum_diag_format(msum_diags_get(d, 0), buf, sizeof buf);
    cr_expect_str_eq(buf, "a.csv:2:1: error: ragged row");
    msum_diag_format(msum_diags_get(d, 1), buf, sizeof buf);
    cr_expect_str_eq(buf, "a.csv:12:4: error: column 'vi': found '-1', expected a number > 0");
    msum_diag_format(msum_diags_get(d, 2), buf, sizeof buf);
    cr_expect_str_eq(buf, "b.csv:3:7: warning: column 'sd1i': SD 1.5 looks like an SEM");
    msum_diags_free(d);
}

Test(record, names_round_trip)
{
    for (int f = 0; f < MSUM_F_COUNT_; f++)
        cr_expect_eq(msum_field_lookup(msum_field_name((msum_field)f)), f);
    msum_input in = MSUM_INPUT_NONE;
    cr_expect(msum_input_parse("percent_change", &in));
    cr_expect_eq(in, MSUM_INPUT_PERCENT);
    cr_expect_not(msum_input_parse("Percent_change", &in), "names are case-sensitive");
    msum_measure m = MSUM_MEASURE_NONE;
    cr_expect(msum_measure_parse("ROM", &m));
    cr_expect_eq(m, MSUM_MEASURE_ROM);
    msum_record r;
    msum_record_clear(&r);
    cr_expect(isnan(r.x[MSUM_F_YI]) && isnan(r.x[MSUM_F_TIME]));
}

/* Reserving rows changes nothing visible: rows added after it (past the reserve too) hold
 * their values, unset cells stay NA, and reserve before any column is a no-op. */
Test(table, reserve_rows)
{
    msum_table *t = msum_table_new("t", NULL);
    cr_assert_not_null(t);
    cr_expect_eq(msum_table_reserve(t, 100), MSUM_OK, "no columns yet");
    cr_expect_eq(msum_table_reserve(NULL, 1), MSUM_EINVAL);
    cr_expect_eq(msum_table_add_col(t, "name", MSUM_COL_TEXT, NULL), 0);
    cr_expect_eq(msum_table_add_col(t, "x", MSUM_COL_NUM, NULL), 1);
    cr_expect_eq(msum_table_reserve(t, 3), MSUM_OK);
    char buf[16];
    for (long r = 0; r < 40; r++) {
        cr_assert_eq(msum_table_add_row(t), r);
        snprintf(buf, sizeof buf, "r%ld", r);
        if (r % 3) cr_expect_eq(msum_table_set_text(t, (size_t)r, 0, buf), MSUM_OK);
        cr_expect_eq(msum_table_set_num(t, (size_t)r, 1, (double)r / 4), MSUM_OK);
        if (r == 10) cr_expect_eq(msum_table_reserve(t, 5), MSUM_OK, "smaller than the rows");
    }
    cr_expect_eq(msum_table_nrows(t), 40);
    for (size_t r = 0; r < 40; r++) {
        snprintf(buf, sizeof buf, "r%zu", r);
        if (r % 3) cr_expect_str_eq(msum_table_text(t, r, 0), buf);
        else cr_expect(msum_table_is_na(t, r, 0), "row %zu text unset", r);
        assert_close(msum_table_num(t, r, 1), (double)r / 4, 0, "x");
    }
    msum_table_free(t);
}

/* Text cells: copies (the caller's buffer may change), replaced and NA cells, texts larger than
 * a storage block, and many cells across blocks all read back as set. */
Test(table, text_cells_are_copies)
{
    msum_table *t = msum_table_new("t", NULL);
    cr_assert_not_null(t);
    cr_assert_eq(msum_table_add_col(t, "s", MSUM_COL_TEXT, NULL), 0);
    char buf[32];
    for (size_t r = 0; r < 20000; r++) {
        cr_assert_eq(msum_table_add_row(t), (long)r);
        snprintf(buf, sizeof buf, "cell %zu", r);
        cr_assert_eq(msum_table_set_text(t, r, 0, buf), MSUM_OK);
        buf[0] = 'X'; /* the table holds its own copy */
    }
    cr_expect_eq(msum_table_set_text(t, 5, 0, "replaced"), MSUM_OK);
    cr_expect_eq(msum_table_set_text(t, 6, 0, NULL), MSUM_OK);
    size_t big = 200000;
    char *long_text = malloc(big + 1);
    memset(long_text, 'a', big);
    long_text[big] = '\0';
    cr_expect_eq(msum_table_set_text(t, 7, 0, long_text), MSUM_OK);
    free(long_text);
    for (size_t r = 0; r < 20000; r++) {
        snprintf(buf, sizeof buf, "cell %zu", r);
        if (r == 5) cr_expect_str_eq(msum_table_text(t, r, 0), "replaced");
        else if (r == 6) cr_expect(msum_table_is_na(t, r, 0));
        else if (r == 7) cr_expect_eq(strlen(msum_table_text(t, r, 0)), big);
        else cr_expect_str_eq(msum_table_text(t, r, 0), buf);
    }
    msum_table_free(t);
}
