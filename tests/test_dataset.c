/* Tests for the row typer and whole-file datasets (src/io/dataset.c): form inference from the
 * header, typed values, pass-through columns, positions, and the typer on a streamed file. */
#include <string.h>

#include "helpers.h"
#include "metasum/dataset.h"
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
