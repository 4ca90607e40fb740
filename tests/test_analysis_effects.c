/* Kind effects through the public headers alone (analysis.h, table.h, write.h), no CLI: the
 * table msum_analysis_run builds and the rows msum_analysis_stream hands to a sink, against
 * metafor 3.8 escalc() values (the *_yivi.csv files of tests/ref/metafor38/inputs/, see
 * tests/ref/PROVENANCE.md); all rows or none; the CSV sink's ways of keeping that promise. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "metasum/analysis.h"
#include "metasum/diag.h"
#include "metasum/table.h"
#include "metasum/write.h"
#include "ref_csv.h"

static void spec_for(msum_spec *s, const char *dataset, const char *measure)
{
    msum_spec_init(s);
    s->kind = MSUM_KIND_EFFECTS;
    s->dataset = dataset;
    s->measure = measure;
}

Test(analysis_effects, bcg_log_rr_table_matches_metafor)
{
    double yi[REF_CSV_MAX], vi[REF_CSV_MAX];
    size_t k = ref_csv_column("ref/metafor38/inputs/bcg_rr_yivi.csv", "yi", yi);
    cr_assert_eq(ref_csv_column("ref/metafor38/inputs/bcg_rr_yivi.csv", "vi", vi), k);
    cr_assert_eq(k, 13);
    msum_spec s;
    spec_for(&s, "fixtures/effects_bcg.csv", "RR");
    msum_result r = {0};
    msum_diags *d = msum_diags_new();
    cr_assert_eq(msum_analysis_run(&s, &r, d), MSUM_OK);
    cr_expect_eq(msum_diags_errors(d), 0);
    const msum_table *t = msum_result_table(&r, "effects");
    cr_assert_not_null(t);
    cr_assert_eq(msum_table_nrows(t), k);
    int cy = msum_table_col_index(t, "yi"), cv = msum_table_col_index(t, "vi");
    int ce = msum_table_col_index(t, "exp_yi"), cm = msum_table_col_index(t, "measure");
    cr_assert(cy >= 0 && cv >= 0 && ce >= 0 && cm >= 0);
    /* metafor: escalc("RR", ai=tpos, bi=tneg, ci=cpos, di=cneg, data=dat.bcg); trial 1
     * yi = log((4/123)/(11/139)) = -0.8893113, vi = 1/4 - 1/123 + 1/11 - 1/139 = 0.3255848 */
    assert_close(msum_table_num(t, 0, (size_t)cy), -0.8893113339202054, 1e-12, "trial 1 yi");
    assert_close(msum_table_num(t, 0, (size_t)cv), 0.32558476500396133, 1e-12, "trial 1 vi");
    for (size_t i = 0; i < k; i++) {
        assert_close(msum_table_num(t, i, (size_t)cy), yi[i], 1e-10, "yi");
        assert_close(msum_table_num(t, i, (size_t)cv), vi[i], 1e-10, "vi");
        assert_close(msum_table_num(t, i, (size_t)ce), exp(yi[i]), 1e-10, "exp_yi = RR");
        cr_expect_str_eq(msum_table_text(t, i, (size_t)cm), "RR");
    }
    /* input columns passed through; counts are integer columns */
    int ct = msum_table_col_index(t, "trial"), ca = msum_table_col_index(t, "ai");
    cr_assert(ct >= 0 && ca >= 0);
    cr_expect_eq(msum_table_col_type(t, (size_t)ca), MSUM_COL_INT);
    cr_expect_eq(msum_table_num(t, 0, (size_t)ca), 4);
    cr_expect_str_eq(msum_table_meta(t, "input"), "fixtures/effects_bcg.csv");
    cr_expect_eq(r.k_skipped, 0);
    msum_result_free(&r);
    msum_diags_free(d);
}

/* A sink that records what it is given: yi and vi of every row of the round that ended OK. */
typedef struct {
    int begins, checked, ends, last_end;
    int again_after; /* > 0: ask for the rows again after this many rows of the first round */
    int cy, cv;
    size_t n;
    double yi[REF_CSV_MAX], vi[REF_CSV_MAX];
} probe;

static int probe_begin(void *ctx, const msum_table *cols, int checked)
{
    probe *p = ctx;
    p->begins++;
    p->checked = checked;
    p->n = 0;
    p->cy = msum_table_col_index(cols, "yi");
    p->cv = msum_table_col_index(cols, "vi");
    cr_expect_eq(msum_table_nrows(cols), 0);
    cr_expect_eq(msum_table_col_type(cols, (size_t)p->cy), MSUM_COL_NUM);
    return MSUM_OK;
}

static int probe_row(void *ctx, const msum_cell *cells)
{
    probe *p = ctx;
    if (p->again_after && p->begins == 1 && (int)p->n == p->again_after) return MSUM_SINK_AGAIN;
    cr_assert(p->n < REF_CSV_MAX);
    p->yi[p->n] = cells[p->cy].num;
    p->vi[p->n] = cells[p->cv].num;
    p->n++;
    return MSUM_OK;
}

static int probe_end(void *ctx, int status)
{
    probe *p = ctx;
    p->ends++;
    p->last_end = status;
    return MSUM_OK;
}

static int stream(const char *dataset, const char *measure, const char *to, probe *p,
                  msum_diags *d)
{
    msum_spec s;
    spec_for(&s, dataset, measure);
    s.to = to;
    msum_sink sink = {probe_begin, probe_row, probe_end, p};
    return msum_analysis_stream(&s, &sink, d, NULL);
}

Test(analysis_effects, normand_smd_streamed_matches_metafor)
{
    double yi[REF_CSV_MAX], vi[REF_CSV_MAX];
    size_t k = ref_csv_column("ref/metafor38/inputs/normand1999_smd_yivi.csv", "yi", yi);
    ref_csv_column("ref/metafor38/inputs/normand1999_smd_yivi.csv", "vi", vi);
    probe p = {0};
    msum_diags *d = msum_diags_new();
    cr_assert_eq(stream("ref/metafor38/inputs/normand1999.csv", "SMD", NULL, &p, d), MSUM_OK);
    cr_expect_eq(p.begins, 1);
    cr_expect_eq(p.checked, 0, "one pass: the rows come before they are all checked");
    cr_expect_eq(p.ends, 1);
    cr_expect_eq(p.last_end, MSUM_OK);
    cr_assert_eq(p.n, k);
    /* metafor: escalc("SMD", ...) (Hedges' g, vtype LS); study 1 yi = -0.3551696 */
    for (size_t i = 0; i < k; i++) {
        assert_close(p.yi[i], yi[i], 1e-10, "yi");
        assert_close(p.vi[i], vi[i], 1e-10, "vi");
    }
    msum_diags_free(d);
}

Test(analysis_effects, a_sink_that_asks_again_gets_every_row_checked)
{
    double yi[REF_CSV_MAX];
    size_t k = ref_csv_column("ref/metafor38/inputs/bcg_rr_yivi.csv", "yi", yi);
    probe p = {.again_after = 2};
    msum_diags *d = msum_diags_new();
    cr_assert_eq(stream("fixtures/effects_bcg.csv", "RR", NULL, &p, d), MSUM_OK);
    cr_expect_eq(p.begins, 2);
    cr_expect_eq(p.checked, 1);
    cr_expect_eq(p.ends, 2);
    cr_assert_eq(p.n, k);
    for (size_t i = 0; i < k; i++) assert_close(p.yi[i], yi[i], 1e-10, "yi");
    msum_diags_free(d);
}

Test(analysis_effects, if0all_hands_rows_over_once_they_are_checked)
{
    probe p = {0};
    msum_diags *d = msum_diags_new();
    cr_assert_eq(stream("ref/inputs/zero_cells.csv", "RR", "if0all", &p, d), MSUM_OK);
    cr_expect_eq(p.begins, 1);
    cr_expect_eq(p.checked, 1);
    cr_assert(p.n >= 4);
    /* study 3 (5/50 vs 10/50), every table + 1/2 since study 1 has a zero cell:
     * yi = log((5.5/51)/(10.5/51)) = log(5.5/10.5); vi = 1/5.5 - 1/51 + 1/10.5 - 1/51 */
    assert_close(p.yi[2], log(5.5 / 10.5), 1e-12, "study 3 yi");
    assert_close(p.vi[2], 1 / 5.5 - 1 / 51.0 + 1 / 10.5 - 1 / 51.0, 1e-12, "study 3 vi");
    msum_diags_free(d);
}

Test(analysis_effects, a_data_error_drops_the_rows)
{
    probe p = {0};
    msum_diags *d = msum_diags_new();
    /* fixtures/effects_errors.csv: rows 3, 5, 6 are wrong (sd1i -1, m2i abc, n1i 1) */
    cr_expect_eq(stream("fixtures/effects_errors.csv", "SMD", NULL, &p, d), MSUM_EDATA);
    cr_expect_eq(msum_diags_errors(d), 3);
    cr_expect_eq(p.ends, 1);
    cr_expect_neq(p.last_end, MSUM_OK, "the sink is told to drop what it got");
    msum_diags_free(d);
}

Test(analysis_effects, spec_problems_name_the_measure)
{
    probe p = {0};
    msum_diags *d = msum_diags_new();
    cr_expect_eq(stream("ref/metafor38/inputs/normand1999.csv", NULL, NULL, &p, d), MSUM_EINVAL);
    cr_assert_eq(msum_diags_count(d), 1);
    cr_expect_str_eq(msum_diags_get(d, 0)->column, "measure");
    cr_expect_str_eq(msum_diags_get(d, 0)->message,
                     "found none, expected MD, SMD or ROM for the continuous rows");
    cr_expect_neq(p.last_end, MSUM_OK);
    msum_diags_free(d);
    d = msum_diags_new();
    cr_expect_eq(stream("ref/metafor38/inputs/normand1999.csv", "MD,SMD", NULL, &p, d),
                 MSUM_EINVAL);
    cr_expect_str_eq(msum_diags_get(d, 0)->column, "measure");
    msum_diags_free(d);
    /* kind effects draws no plot */
    msum_spec s;
    spec_for(&s, "ref/metafor38/inputs/normand1999.csv", "MD");
    s.plots = "forest";
    msum_result r = {0};
    d = msum_diags_new();
    cr_expect_eq(msum_analysis_run(&s, &r, d), MSUM_EINVAL);
    cr_assert_eq(msum_diags_count(d), 1);
    cr_expect_str_eq(msum_diags_get(d, 0)->column, "plots");
    cr_expect_eq(r.ntables, 0);
    msum_result_free(&r);
    msum_diags_free(d);
}

/* The CSV sink's text at full precision into fp, kept in memory up to `keep` bytes. */
static void csv_of(FILE *fp, size_t keep, const char *dataset, const char *measure, int *st)
{
    msum_spec s;
    spec_for(&s, dataset, measure);
    msum_write_opts o = MSUM_WRITE_OPTS_DEFAULT;
    o.digits = 0;
    o.meta = 0;
    msum_sink sink;
    cr_assert_eq(msum_csv_sink_new(fp, MSUM_FMT_CSV, &o, keep, &sink), MSUM_OK);
    msum_diags *d = msum_diags_new();
    *st = msum_analysis_stream(&s, &sink, d, NULL);
    msum_csv_sink_free(&sink);
    msum_diags_free(d);
}

static char *contents(FILE *fp)
{
    fflush(fp);
    long n = ftell(fp);
    char *b = calloc((size_t)n + 1, 1);
    rewind(fp);
    cr_assert_eq(fread(b, 1, (size_t)n, fp), (size_t)n);
    return b;
}

Test(analysis_effects, csv_sink_writes_metafor_values_and_all_rows_or_none)
{
    int st;
    /* a regular file: rows go straight in */
    FILE *f = tmpfile();
    cr_assert_not_null(f);
    csv_of(f, 0, "fixtures/effects_bcg.csv", "RR", &st);
    cr_assert_eq(st, MSUM_OK);
    char *direct = contents(f);
    fclose(f);
    const char *head = "line,trial,author,year,ai,bi,ci,di,ablat,alloc,measure,scale,yi,vi,";
    cr_expect(strncmp(direct, head, strlen(head)) == 0, "header: %.80s", direct);
    /* line 2: the digits R prints for metafor's trial-1 yi and vi (shortest exact form) */
    cr_expect_not_null(strstr(direct, "\n2,1,Aronson,1948,4,119,11,128,44,random,RR,log,"
                                      "-0.8893113339202054,0.32558476500396133,"));
    /* a stream that is not a file, kept in memory up to 100 bytes: dropped and asked again */
    char *mem = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&mem, &len);
    csv_of(m, 100, "fixtures/effects_bcg.csv", "RR", &st);
    cr_expect_eq(st, MSUM_OK);
    fclose(m);
    cr_expect_str_eq(mem, direct);
    free(mem);
    free(direct);
    /* a data error: the file is cut back to what was there before */
    f = tmpfile();
    fputs("kept\n", f);
    csv_of(f, 0, "fixtures/effects_errors.csv", "SMD", &st);
    cr_expect_eq(st, MSUM_EDATA);
    char *cut = contents(f);
    cr_expect_str_eq(cut, "kept\n");
    free(cut);
    fclose(f);
}

/* The CSV sink guards text as every writer does (write.h: a text whose first character after
 * white space, U+00A0 or U+3000 is = + - @ gets an apostrophe; a plain number does not). */
Test(analysis_effects, csv_sink_formula_guard)
{
    msum_table *cols = msum_table_new("t", NULL);
    msum_table_add_col(cols, "text", MSUM_COL_TEXT, NULL);
    msum_table_add_col(cols, "x", MSUM_COL_NUM, NULL);
    char *mem = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&mem, &len);
    msum_write_opts o = MSUM_WRITE_OPTS_DEFAULT;
    o.meta = 0;
    msum_sink sink;
    cr_assert_eq(msum_csv_sink_new(m, MSUM_FMT_CSV, &o, 1 << 20, &sink), MSUM_OK);
    cr_assert_eq(sink.begin(sink.ctx, cols, 1), MSUM_OK);
    const char *texts[] = {"=1+2", " @x", "\xc2\xa0+x", "-0.5", "abc", "a,b"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        msum_cell row[2] = {{texts[i], strlen(texts[i]), NAN}, {NULL, 0, 0.25}};
        cr_assert_eq(sink.row(sink.ctx, row), MSUM_OK);
    }
    msum_cell na[2] = {{NULL, 0, NAN}, {NULL, 0, NAN}};
    cr_assert_eq(sink.row(sink.ctx, na), MSUM_OK);
    cr_assert_eq(sink.end(sink.ctx, MSUM_OK), MSUM_OK);
    msum_csv_sink_free(&sink);
    fclose(m);
    cr_expect_str_eq(mem, "text,x\n'=1+2,0.25\n' @x,0.25\n'\xc2\xa0+x,0.25\n-0.5,0.25\nabc,0.25\n"
                          "\"a,b\",0.25\nNA,NA\n");
    free(mem);
    msum_table_free(cols);
}

/* A row missing a value is left out with a warning (metafor na.action = "na.omit") and counted
 * in k_skipped; the others keep metafor's values (normand1999 with sd2i of Montreal-Transfer
 * removed: escalc("MD") of the other eight rows). */
Test(analysis_effects, missing_value_left_out_and_counted)
{
    double yi[REF_CSV_MAX], vi[REF_CSV_MAX];
    size_t k = ref_csv_column("ref/metafor38/inputs/normand1999_md_yivi.csv", "yi", yi);
    ref_csv_column("ref/metafor38/inputs/normand1999_md_yivi.csv", "vi", vi);
    cr_assert_eq(k, 9);
    msum_spec s;
    spec_for(&s, "fixtures/userdata/missing_value.csv", "MD");
    msum_result r = {0};
    msum_diags *d = msum_diags_new();
    cr_assert_eq(msum_analysis_run(&s, &r, d), MSUM_OK);
    cr_expect_eq(r.k_skipped, 1);
    cr_expect_eq(msum_diags_warnings(d), 1);
    const msum_table *t = msum_result_table(&r, "effects");
    cr_assert_eq(msum_table_nrows(t), 8);
    int cy = msum_table_col_index(t, "yi"), cv = msum_table_col_index(t, "vi");
    for (size_t i = 0, j = 0; i < k; i++) {
        if (i == 5) continue; /* Montreal-Transfer, the sixth study */
        assert_close(msum_table_num(t, j, (size_t)cy), yi[i], 1e-10, "yi");
        assert_close(msum_table_num(t, j, (size_t)cv), vi[i], 1e-10, "vi");
        j++;
    }
    msum_result_free(&r);
    msum_diags_free(d);
}

/* Every column of the effects table is described, as every other table's (docs/tables.md: the
 * JSON "description", the XLSX metadata sheet): computed ones by what they hold, passed-through
 * ones as input columns (renamed when the output uses the name), and line without an id. */
Test(analysis_effects, every_column_described)
{
    const char *files[] = {"fixtures/effects_bcg.csv", "ref/metafor38/inputs/normand1999.csv"};
    for (size_t f = 0; f < 2; f++) {
        msum_spec s;
        spec_for(&s, files[f], f == 0 ? "RR" : "SMD");
        msum_result r = {0};
        msum_diags *d = msum_diags_new();
        cr_assert_eq(msum_analysis_run(&s, &r, d), MSUM_OK);
        const msum_table *t = msum_result_table(&r, "effects");
        cr_assert_not_null(t);
        for (size_t c = 0; c < msum_table_ncols(t); c++) {
            const char *desc = msum_table_col_desc(t, c);
            cr_expect(desc && *desc, "%s: column %s has no description", files[f],
                      msum_table_col_name(t, c));
        }
        int cy = msum_table_col_index(t, f == 0 ? "exp_yi" : "line");
        cr_assert(cy >= 0);
        cr_expect_str_eq(msum_table_col_desc(t, (size_t)cy),
                         f == 0 ? "exp(yi): the ratio of a log-scale row (NA on other rows)"
                                : "input line of the row");
        msum_result_free(&r);
        msum_diags_free(d);
    }
}
