/* Tests for reading a user's own file: decimal commas (msum_parse_double_dec), delimiter
 * detection at every chunk size, blank rows, column mapping and aliases (the typer), study
 * labels, na.omit, and the pooled numbers of the same data read from CSV, ';'/decimal-comma CSV
 * and XLSX against metafor (tests/ref/userdata.csv, tests/ref/userdata_refs.R). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <xlsxwriter.h>

#include "helpers.h"
#include "metasum/dataset.h"
#include "metasum/escalc.h"
#include "metasum/metasum.h"
#include "metasum/pool.h"
#include "metasum/reader.h"
#include "refvals.h"

/* ---- decimal commas ---------------------------------------------------------------------- */

Test(userdata, decimal_comma_numbers)
{
    double v;
    cr_expect_eq(msum_parse_double_dec("0,0156", 6, ',', &v), 1);
    cr_expect_eq(v, 0.0156); /* the same double as the text "0.0156" */
    cr_expect_eq(msum_parse_double_dec("-1,5e-3", 7, ',', &v), 1);
    cr_expect_eq(v, -1.5e-3);
    cr_expect_eq(msum_parse_double_dec("12", 2, ',', &v), 1);
    cr_expect_eq(v, 12.0);
    cr_expect_eq(msum_parse_double_dec("", 0, ',', &v), 0);
    cr_expect(isnan(v));
    cr_expect_eq(msum_parse_double_dec("NA", 2, ',', &v), 0);
    /* refused: a '.' (maybe a thousands separator), two commas, a comma-only text */
    cr_expect_eq(msum_parse_double_dec("0.5", 3, ',', &v), -1);
    cr_expect_eq(msum_parse_double_dec("1.234,5", 7, ',', &v), -1);
    cr_expect_eq(msum_parse_double_dec("1,2,3", 5, ',', &v), -1);
    cr_expect_eq(msum_parse_double_dec(",", 1, ',', &v), -1);
    /* with '.', exactly msum_parse_double: a comma is not a number */
    cr_expect_eq(msum_parse_double_dec("0,5", 3, '.', &v), -1);
    cr_expect_eq(msum_parse_double_dec("0.5", 3, '.', &v), 1);
    cr_expect_eq(v, 0.5);
}

/* ---- delimiters and blank rows, at every chunk size -------------------------------------- */

/* Rows as "line:col[text]" lines plus the delimiter, decimal and blank count. */
static char *read_all(const char *buf, size_t chunk, const msum_read_opts *o)
{
    msum_diags *d = msum_diags_new();
    msum_reader *r = NULL;
    cr_assert_eq(msum_reader_open_mem_opts(buf, strlen(buf), "f", chunk, o, d, &r), MSUM_OK);
    size_t cap = 4096, n = 0;
    char *out = calloc(1, cap);
    const msum_row *cur = msum_reader_header(r);
    msum_row row;
    int got;
    do {
        for (size_t i = 0; i < cur->n; i++)
            n += (size_t)snprintf(out + n, cap - n, "%ld:%ld[%s]%c", cur->line[i], cur->col[i],
                                  cur->cell[i], i + 1 < cur->n ? ' ' : '\n');
        got = msum_reader_next(r, &row);
        cur = &row;
    } while (got == 1);
    char dl = msum_reader_delim(r);
    n += (size_t)snprintf(out + n, cap - n, "end %d delim %s decimal %c blank %zu diags %zu\n",
                          got, dl == '\t' ? "tab" : dl == ';' ? ";" : ",",
                          msum_reader_decimal(r), msum_reader_blank_rows(r),
                          msum_diags_count(d));
    msum_reader_free(r);
    msum_diags_free(d);
    return out;
}

static void same_at_every_chunk(const char *buf, const msum_read_opts *o, const char *want)
{
    for (size_t chunk = 1; chunk <= strlen(buf) + 1; chunk++) {
        char *t = read_all(buf, chunk, o);
        cr_expect_str_eq(t, want, "chunk %zu", chunk);
        free(t);
    }
}

Test(userdata, semicolon_detected_with_decimal_comma)
{
    same_at_every_chunk("a;b;c\n1;\"x;y\";0,5\n",
                        NULL,
                        "1:1[a] 1:3[b] 1:5[c]\n"
                        "2:1[1] 2:3[x;y] 2:9[0,5]\n"
                        "end 0 delim ; decimal , blank 0 diags 0\n");
}

Test(userdata, tab_detected)
{
    /* two tabs against one comma (a tie would be ',') */
    same_at_every_chunk("a\tb,c\td\n1\t2,5\t3\n", NULL,
                        "1:1[a] 1:3[b,c] 1:7[d]\n"
                        "2:1[1] 2:3[2,5] 2:7[3]\n"
                        "end 0 delim tab decimal . blank 0 diags 0\n");
}

Test(userdata, delimiters_inside_quotes_do_not_count)
{
    /* two ';' inside the quoted name, one ',' outside: comma */
    same_at_every_chunk("\"a;b;c\",d\n1,2\n", NULL,
                        "1:1[a;b;c] 1:9[d]\n"
                        "2:1[1] 2:3[2]\n"
                        "end 0 delim , decimal . blank 0 diags 0\n");
}

Test(userdata, forced_delimiter_and_decimal)
{
    msum_read_opts o = MSUM_READ_OPTS_DEFAULT;
    o.delim = ',';
    o.decimal = ',';
    same_at_every_chunk("a;b\n1;2\n", &o, "1:1[a;b]\n2:1[1;2]\nend 0 delim , decimal , blank 0 "
                                          "diags 0\n");
}

Test(userdata, blank_rows_skipped_and_counted)
{
    /* ",," and ";;"-style rows of empty fields, and an empty quoted field alone; a row with
     * one non-empty field is kept */
    same_at_every_chunk("a,b,c\n,,\n1,2,3\n,,\n,,x\n\"\",,\n", NULL,
                        "1:1[a] 1:3[b] 1:5[c]\n"
                        "3:1[1] 3:3[2] 3:5[3]\n"
                        "5:1[] 5:2[] 5:3[x]\n"
                        "end 0 delim , decimal . blank 3 diags 0\n");
}

/* ---- the typer: mapping, aliases, labels ------------------------------------------------- */

static msum_typer *typer_for(const char *csv, const char *columns, msum_diags *d,
                             msum_reader **rd, int *rc)
{
    msum_read_opts o = MSUM_READ_OPTS_DEFAULT;
    o.columns = columns;
    cr_assert_eq(msum_reader_open_mem_opts(csv, strlen(csv), "f.csv", 0, &o, d, rd), MSUM_OK);
    msum_typer *t = NULL;
    *rc = msum_typer_from_reader(*rd, &o, d, &t);
    return t;
}

Test(userdata, aliases_and_case)
{
    msum_diags *d = msum_diags_new();
    msum_reader *rd;
    int rc;
    msum_typer *t = typer_for("STUDY,Mean_T,SD T,n.1,Control Mean,sd_c,N2,Weeks\nx,1,2,3,4,5,6,7\n",
                              NULL, d, &rd, &rc);
    cr_assert_eq(rc, MSUM_OK);
    cr_expect_eq(msum_typer_role_col(t, "study"), 0);
    cr_expect_eq(msum_typer_role_col(t, "m1i"), 1);
    cr_expect_eq(msum_typer_role_col(t, "sd1i"), 2);
    cr_expect_eq(msum_typer_role_col(t, "n1i"), 3);
    cr_expect_eq(msum_typer_role_col(t, "m2i"), 4);
    cr_expect_eq(msum_typer_role_col(t, "sd2i"), 5);
    cr_expect_eq(msum_typer_role_col(t, "n2i"), 6);
    cr_expect_eq(msum_typer_role_col(t, "author"), -1);
    cr_expect_str_eq(msum_typer_columns(t),
                     "m1i=Mean_T;sd1i=SD T;n1i=n.1;m2i=Control Mean;sd2i=sd_c;n2i=N2;study=STUDY");
    /* said, not guessed silently */
    cr_assert_eq(msum_diags_count(d), 1);
    cr_expect_eq(msum_diags_get(d, 0)->severity, MSUM_DIAG_NOTE);
    msum_typer_free(t);
    msum_reader_free(rd);
    msum_diags_free(d);
}

Test(userdata, mapping_wins_over_names_and_aliases)
{
    msum_diags *d = msum_diags_new();
    msum_reader *rd;
    int rc;
    /* yi is a column, but the mapping takes "Hedges g" as yi; "yi" is then a plain column */
    msum_typer *t = typer_for("yi,Hedges g,vi\n1,2,3\n", "YI=hedges G", d, &rd, &rc);
    cr_assert_eq(rc, MSUM_OK);
    cr_expect_eq(msum_typer_role_col(t, "yi"), 1);
    cr_expect_eq(msum_typer_role_col(t, "vi"), 2);
    cr_expect_str_eq(msum_typer_columns(t), "yi=Hedges g");
    msum_row row;
    msum_record rec;
    cr_assert_eq(msum_reader_next(rd, &row), 1);
    cr_expect_eq(msum_typer_row(t, &row, &rec, d), 0);
    cr_expect_eq(rec.x[MSUM_F_YI], 2.0);
    msum_typer_free(t);
    msum_reader_free(rd);
    msum_diags_free(d);
}

Test(userdata, bad_mappings_are_errors)
{
    msum_diags *d = msum_diags_new();
    msum_reader *rd;
    int rc;
    msum_typer *t = typer_for("yi,vi\n1,2\n", "mean=yi;yi=Nope", d, &rd, &rc);
    cr_expect_eq(rc, MSUM_EDATA);
    cr_expect_null(t);
    cr_assert_eq(msum_diags_errors(d), 2);
    char line[512];
    msum_diag_format(msum_diags_get(d, 0), line, sizeof line);
    cr_expect_str_eq(line, "f.csv:1: error: column mapping 'mean=yi': found 'mean', expected "
                           "FIELD=COLUMN with a field of docs/columns.md (yi, vi, m1i, sd1i, n1i, "
                           "..., study, author, year)");
    msum_diag_format(msum_diags_get(d, 1), line, sizeof line);
    cr_expect_str_eq(line, "f.csv:1: error: column mapping 'yi=Nope': found no column 'Nope' in "
                           "the header, expected one of its names");
    msum_reader_free(rd);
    msum_diags_free(d);
}

Test(userdata, suggestion_when_the_form_cannot_be_told)
{
    msum_diags *d = msum_diags_new();
    msum_reader *rd;
    int rc;
    msum_typer *t = typer_for("Trial,Avg Active,Spread,Avg Placebo\nx,1,2,3\n", NULL, d, &rd,
                              &rc);
    cr_expect_eq(rc, MSUM_EDATA);
    cr_expect_null(t);
    cr_assert_eq(msum_diags_count(d), 2);
    char line[512];
    msum_diag_format(msum_diags_get(d, 1), line, sizeof line);
    cr_expect_str_eq(line, "f.csv:1: note: the header is 'Trial,Avg Active,Spread,Avg Placebo'; "
                           "did you mean --col 'm1i=Avg Active' --col 'm2i=Avg Placebo'? "
                           "(docs/columns.md)");
    msum_reader_free(rd);
    msum_diags_free(d);
}

Test(userdata, study_labels)
{
    msum_diags *d = msum_diags_new();
    msum_reader *rd;
    int rc;
    char buf[64];
    msum_row row;
    msum_typer *t = typer_for("AUTHOR,year,yi,vi\nConn et al.,1968,1,1\n,1970,1,1\n", NULL, d,
                              &rd, &rc);
    cr_assert_eq(rc, MSUM_OK);
    cr_assert_eq(msum_reader_next(rd, &row), 1);
    cr_expect_eq(msum_typer_label(t, &row, buf, sizeof buf), 1);
    cr_expect_str_eq(buf, "Conn et al. 1968");
    cr_assert_eq(msum_reader_next(rd, &row), 1); /* no author on this row: its line */
    cr_expect_eq(msum_typer_label(t, &row, buf, sizeof buf), 0);
    cr_expect_str_eq(buf, "line 3");
    msum_typer_free(t);
    msum_reader_free(rd);
    /* a mapped label column beats author + year */
    t = typer_for("Author,Year,Name,yi,vi\nA,2000,Trial one,1,1\n", "study=name", d, &rd, &rc);
    cr_assert_eq(msum_reader_next(rd, &row), 1);
    cr_expect_eq(msum_typer_label(t, &row, buf, sizeof buf), 1);
    cr_expect_str_eq(buf, "Trial one");
    msum_typer_free(t);
    msum_reader_free(rd);
    msum_diags_free(d);
}

/* ---- the same data in every form, pooled, against metafor -------------------------------- */

#define UD "fixtures/userdata/"
#define REF "ref/userdata.csv"

/* Read a file with the options, compute MD (continuous rows) or take yi/vi (generic), pool with
 * REML; returns k and fills *r.  Rows left out (na.omit) are counted in *omitted. */
static size_t pool_file(const char *path, const msum_read_opts *o, msum_pool_result *r,
                        size_t *omitted)
{
    msum_diags *d = msum_diags_new();
    msum_reader *rd;
    cr_assert_eq(msum_reader_open_opts(path, NULL, o, d, &rd), MSUM_OK, "%s", path);
    msum_typer *t;
    cr_assert_eq(msum_typer_from_reader(rd, o, d, &t), MSUM_OK, "%s", path);
    double yi[64], vi[64];
    size_t k = 0;
    *omitted = 0;
    msum_row row;
    msum_record rec;
    msum_escalc_opts eo = MSUM_ESCALC_OPTS_DEFAULT;
    while (msum_reader_next(rd, &row) == 1) {
        int om = 0;
        cr_assert_eq(msum_typer_row_na(t, &row, &rec, d, &om), 0, "%s line %ld", path,
                     row.row_line);
        if (om) {
            (*omitted)++;
            continue;
        }
        msum_effect e;
        msum_measure m = rec.input == MSUM_INPUT_CONTINUOUS ? MSUM_MEASURE_MD : MSUM_MEASURE_NONE;
        cr_assert_eq(msum_escalc(&rec, m, &eo, &e), MSUM_OK);
        yi[k] = e.yi;
        vi[k++] = e.vi;
    }
    cr_assert_eq(msum_diags_errors(d), 0);
    msum_pool_opts po = MSUM_POOL_OPTS_DEFAULT;
    cr_assert_eq(msum_pool(yi, vi, k, &po, r), MSUM_OK);
    msum_typer_free(t);
    msum_reader_free(rd);
    msum_diags_free(d);
    return k;
}

static void expect_ref(const char *what, size_t k, const msum_pool_result *r, const char *c)
{
    cr_expect_eq((double)k, ref_value(REF, c, "k"), "%s: k", what);
    assert_close(r->estimate, ref_value(REF, c, "estimate"), 1e-7, what);
    assert_close(r->se, ref_value(REF, c, "se"), 1e-7, what);
}

/* An XLSX copy of a CSV fixture (numbers as numbers, text as shared strings). */
static void csv_to_xlsx(const char *csv, const char *xlsx)
{
    FILE *fp = fopen(csv, "r");
    cr_assert_not_null(fp);
    lxw_workbook *wb = workbook_new(xlsx);
    lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
    char line[512];
    for (lxw_row_t r = 0; fgets(line, sizeof line, fp); r++) {
        line[strcspn(line, "\r\n")] = '\0';
        lxw_col_t c = 0;
        for (char *p = line, *next; p; p = next, c++) {
            next = strchr(p, ',');
            if (next) *next++ = '\0';
            char *end;
            double v = strtod(p, &end);
            if (*p && !*end) worksheet_write_number(ws, r, c, v, NULL);
            else if (*p) worksheet_write_string(ws, r, c, p, NULL);
        }
    }
    fclose(fp);
    cr_assert_eq(workbook_close(wb), LXW_NO_ERROR);
}

Test(userdata, normand_every_form_matches_metafor)
{
    msum_read_opts o = MSUM_READ_OPTS_DEFAULT;
    msum_pool_result r;
    size_t om;
    size_t k = pool_file(UD "normand1999.csv", &o, &r, &om);
    expect_ref("csv", k, &r, "normand_md_reml");
    assert_close(r.tau2, ref_value(REF, "normand_md_reml", "tau2"), 1e-7, "csv tau2");
    k = pool_file(UD "normand1999_semicolon.csv", &o, &r, &om);
    expect_ref("semicolon", k, &r, "normand_md_reml");
    mkdir("../build", 0777);
    mkdir("../build/test-out", 0777);
    csv_to_xlsx(UD "normand1999.csv", "../build/test-out/normand1999.xlsx");
    k = pool_file("../build/test-out/normand1999.xlsx", &o, &r, &om);
    expect_ref("xlsx", k, &r, "normand_md_reml");
}

Test(userdata, raudenbush_decimal_commas_match_metafor)
{
    msum_read_opts o = MSUM_READ_OPTS_DEFAULT;
    msum_pool_result a, b, c;
    size_t om;
    size_t k = pool_file(UD "raudenbush1985.csv", &o, &a, &om);
    expect_ref("csv", k, &a, "raudenbush_reml");
    cr_expect_eq(pool_file(UD "raudenbush1985_semicolon.csv", &o, &b, &om), k);
    cr_expect_eq(pool_file(UD "raudenbush1985.tsv", &o, &c, &om), k);
    /* the same doubles from every form: decimal commas go through the same strict parser */
    cr_expect_eq(a.estimate, b.estimate);
    cr_expect_eq(a.tau2, b.tau2);
    cr_expect_eq(a.estimate, c.estimate);
}

Test(userdata, na_omit_leaves_the_row_out)
{
    msum_read_opts o = MSUM_READ_OPTS_DEFAULT;
    msum_pool_result r;
    size_t om;
    size_t k = pool_file(UD "missing_value.csv", &o, &r, &om);
    cr_expect_eq(om, 1);
    expect_ref("na.omit", k, &r, "normand_md_reml_omit6");
}

/* ---- a spreadsheet user's headers and cells ---------------------------------------------- */

/* Units and arms in parentheses: a part naming no arm or stem is dropped before matching;
 * "sample size" and "standard deviation" are stems.  "Mean (SD)" (one cell holding both)
 * maps to nothing. */
Test(userdata, parentheses_units_and_long_stems)
{
    msum_diags *d = msum_diags_new();
    msum_reader *rd;
    int rc;
    msum_typer *t = typer_for("Study,N (treatment),Mean (mg/dL) treatment,SD [treatment],"
                              "Sample size control,Mean (mg/dL) control,Standard deviation "
                              "control,Mean (SD) control,Effect size (Hedges g)\n"
                              "x,1,2,3,4,5,6,7,8\n", NULL, d, &rd, &rc);
    cr_assert_eq(rc, MSUM_OK);
    cr_expect_eq(msum_typer_role_col(t, "n1i"), 1);
    cr_expect_eq(msum_typer_role_col(t, "m1i"), 2);
    cr_expect_eq(msum_typer_role_col(t, "sd1i"), 3);
    cr_expect_eq(msum_typer_role_col(t, "n2i"), 4);
    cr_expect_eq(msum_typer_role_col(t, "m2i"), 5);
    cr_expect_eq(msum_typer_role_col(t, "sd2i"), 6);
    cr_expect_eq(msum_typer_role_col(t, "yi"), 8);
    msum_typer_free(t);
    msum_reader_free(rd);
    msum_diags_free(d);
}

/* A spreadsheet's trailing empty columns have empty names: not "a second column ''". */
Test(userdata, unnamed_columns_are_not_repeats)
{
    msum_diags *d = msum_diags_new();
    msum_reader *rd;
    int rc;
    msum_typer *t = typer_for("yi,vi,,\n1,2,,\n", NULL, d, &rd, &rc);
    cr_expect_eq(rc, MSUM_OK);
    cr_expect_eq(msum_diags_errors(d), 0);
    msum_typer_free(t);
    msum_reader_free(rd);
    msum_diags_free(d);
    /* a named column twice still is one */
    d = msum_diags_new();
    t = typer_for("yi,vi,vi\n1,2,3\n", NULL, d, &rd, &rc);
    cr_expect_eq(msum_diags_errors(d), 1);
    msum_typer_free(t);
    msum_reader_free(rd);
    msum_diags_free(d);
}

/* A title above the header ("Table 1 ...,,,") is named as such, not as a header without
 * names; a whole header read with the wrong delimiter is not taken for a title. */
Test(userdata, title_row_above_the_header)
{
    msum_diags *d = msum_diags_new();
    msum_reader *rd;
    int rc;
    msum_typer *t = typer_for("Table 1. Trials,,\nStudy,yi,vi\nA,1,2\n", NULL, d, &rd, &rc);
    cr_expect_eq(rc, MSUM_EDATA);
    cr_expect_null(t);
    cr_assert_eq(msum_diags_count(d), 2);
    char line[512];
    msum_diag_format(msum_diags_get(d, 1), line, sizeof line);
    cr_expect_str_eq(line, "f.csv:1: note: the first row holds one name, 'Table 1. Trials': a "
                           "title? The column names must be the first row: delete the rows "
                           "above them (docs/columns.md)");
    msum_reader_free(rd);
    msum_diags_free(d);
}

/* Cells a spreadsheet or a paper holds where a number belongs: each message names the fix. */
Test(userdata, number_messages_name_the_fix)
{
    msum_diags *d = msum_diags_new();
    msum_reader *rd;
    int rc;
    msum_typer *t = typer_for("yi,vi\nn/a,-\n\xE2\x88\x92" "0.5,28.19%\n5.1 (1.2),\"1,200\"\n"
                              "1 234,\"1,5\"\n", NULL, d, &rd, &rc);
    cr_assert_eq(rc, MSUM_OK);
    msum_row row;
    msum_record rec;
    while (msum_reader_next(rd, &row) == 1) msum_typer_row(t, &row, &rec, d);
    const char *want[] = {
        "f.csv:2:1: error: column 'yi': found 'n/a', expected a number (write NA or leave the "
        "cell empty when missing)",
        "f.csv:2:5: error: column 'vi': found '-', expected a number (write NA or leave the "
        "cell empty when missing)",
        "f.csv:3:1: error: column 'yi': found '\xE2\x88\x92" "0.5', expected a number with the "
        "ASCII minus sign '-' (found a Unicode minus or dash, as copied from a PDF)",
        "f.csv:3:8: error: column 'vi': found '28.19%', expected a number without a '%' sign",
        "f.csv:4:1: error: column 'yi': found '5.1 (1.2)', expected one number per cell (a mean "
        "and its SD, or an estimate and its CI, go in columns of their own)",
        "f.csv:4:11: error: column 'vi': found '1,200', expected a number without a thousands "
        "separator (1200, not 1,200)",
        "f.csv:5:1: error: column 'yi': found '1 234', expected a number without spaces (no "
        "thousands separator)",
        "f.csv:5:7: error: column 'vi': found '1,5', expected a number with '.' as the decimal "
        "point (C locale)",
    };
    cr_assert_eq(msum_diags_errors(d), sizeof want / sizeof *want);
    char line[512];
    for (size_t i = 0, e = 0; i < msum_diags_count(d); i++) {
        if (msum_diags_get(d, i)->severity != MSUM_DIAG_ERROR) continue;
        msum_diag_format(msum_diags_get(d, i), line, sizeof line);
        cr_expect_str_eq(line, want[e]);
        e++;
    }
    msum_typer_free(t);
    msum_reader_free(rd);
    msum_diags_free(d);
}

/* A workbook or UTF-16 file given where CSV text is read: one message saying what it is and
 * what to save it as, by its first bytes. */
Test(userdata, binary_formats_named_by_their_first_bytes)
{
    static const struct {
        const char *bytes;
        size_t n;
        const char *msg;
    } cases[] = {
        {"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0\0\0", 12,
         "f: error: found an Excel 97-2003 workbook (.xls), expected CSV text; save it as an "
         ".xlsx workbook or as CSV (UTF-8)"},
        {"PK\3\4\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"
         "mimetypeapplication/vnd.oasis.opendocument.spreadsheet", 84,
         "f: error: found an OpenDocument spreadsheet (.ods), expected CSV text; save it as CSV "
         "(UTF-8) or as an .xlsx workbook"},
        {"\xFF\xFEy\0i\0", 6,
         "f: error: found UTF-16 text (Excel's 'Unicode Text'), expected UTF-8; save it as 'CSV "
         "UTF-8', or convert it: iconv -f UTF-16 -t UTF-8"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        msum_diags *d = msum_diags_new();
        msum_reader *r = NULL;
        cr_expect_eq(msum_reader_open_mem_opts(cases[i].bytes, cases[i].n, "f", 0, NULL, d, &r),
                     MSUM_EPARSE);
        cr_expect_null(r);
        cr_assert_eq(msum_diags_count(d), 1);
        char line[512];
        msum_diag_format(msum_diags_get(d, 0), line, sizeof line);
        cr_expect_str_eq(line, cases[i].msg);
        msum_diags_free(d);
    }
}

/* A note under the table (text in one cell, no number) is named as a note: left out with a
 * warning (na.omit), an error with --missing error. */
Test(userdata, note_row_under_the_table)
{
    for (int err = 0; err <= 1; err++) {
        msum_diags *d = msum_diags_new();
        msum_reader *rd;
        msum_read_opts o = MSUM_READ_OPTS_DEFAULT;
        o.missing = err ? MSUM_MISSING_ERROR : MSUM_MISSING_OMIT;
        const char *csv = "Study,yi,vi\nA,0.1,0.01\nSource: Table 2,,\n";
        cr_assert_eq(msum_reader_open_mem_opts(csv, strlen(csv), "f.csv", 0, &o, d, &rd),
                     MSUM_OK);
        msum_typer *t = NULL;
        cr_assert_eq(msum_typer_from_reader(rd, &o, d, &t), MSUM_OK);
        msum_row row;
        msum_record rec;
        int omitted = 0;
        size_t nerr = 0;
        while (msum_reader_next(rd, &row) == 1)
            nerr += msum_typer_row_na(t, &row, &rec, d, &omitted);
        cr_expect_eq(nerr, (size_t)err);
        cr_expect_eq(omitted, !err, "the last row is left out under omit");
        const msum_diag *last = msum_diags_get(d, msum_diags_count(d) - 1);
        char line[512];
        msum_diag_format(last, line, sizeof line);
        cr_expect_str_eq(line, err ? "f.csv:3: error: found text and no number ('Source: Table "
                                     "2': a note? delete the row), expected yi and one of vi, "
                                     "sei, ci_lb+ci_ub, pval"
                                   : "f.csv:3: warning: row left out: found text and no number "
                                     "('Source: Table 2': a note?), expected yi and one of vi, "
                                     "sei, ci_lb+ci_ub, pval (--missing error makes this an "
                                     "error)");
        msum_typer_free(t);
        msum_reader_free(rd);
        msum_diags_free(d);
    }
}

/* When the names tell the form but a field it needs has no column, one note says which field,
 * and lists the columns left unused (those a --col would name). */
Test(userdata, missing_field_column_named_once)
{
    msum_diags *d = msum_diags_new();
    msum_reader *rd;
    int rc;
    msum_typer *t = typer_for("Studie,Mean_T,SD_T,N (Behandlung),Mean_C,SD_C,N_C\n"
                              "x,1,2,3,4,5,6\n", NULL, d, &rd, &rc);
    cr_assert_eq(rc, MSUM_OK);
    cr_assert_eq(msum_diags_count(d), 2);
    char line[512];
    msum_diag_format(msum_diags_get(d, 1), line, sizeof line);
    cr_expect_str_eq(line, "f.csv:1: note: no column is taken as n1i, which rows of form "
                           "'continuous' need; columns not used: 'Studie', 'N (Behandlung)'; name "
                           "it with --col FIELD=COLUMN (docs/columns.md)");
    msum_typer_free(t);
    msum_reader_free(rd);
    msum_diags_free(d);
    /* with every field found: no such note */
    d = msum_diags_new();
    t = typer_for("Study,Mean_T,SD_T,N_T,Mean_C,SD_C,N_C\nx,1,2,3,4,5,6\n", NULL, d, &rd, &rc);
    cr_assert_eq(rc, MSUM_OK);
    cr_expect_eq(msum_diags_count(d), 1, "only 'columns taken as'");
    msum_typer_free(t);
    msum_reader_free(rd);
    msum_diags_free(d);
}

/* A header typed by hand with a space after each comma: names are matched without the spaces
 * around them (the cells keep the strict number rule and say so). */
Test(userdata, header_names_with_spaces_around)
{
    msum_diags *d = msum_diags_new();
    msum_reader *rd;
    int rc;
    msum_typer *t = typer_for("study, yi , vi, g\nA,0.1,0.01,1\n", "yi=g", d, &rd, &rc);
    cr_assert_eq(rc, MSUM_OK);
    cr_expect_eq(msum_typer_role_col(t, "yi"), 3, "--col names ' g' as g");
    cr_expect_eq(msum_typer_role_col(t, "vi"), 2);
    cr_expect_eq(msum_typer_role_col(t, "study"), 0);
    cr_expect_str_eq(msum_typer_columns(t), "yi= g;vi= vi");
    msum_typer_free(t);
    msum_reader_free(rd);
    /* what the note says is a valid --col value */
    t = typer_for("study, yi , vi, g\nA,0.1,0.01,1\n", "yi= g;vi= vi", d, &rd, &rc);
    cr_assert_eq(rc, MSUM_OK);
    cr_expect_eq(msum_typer_role_col(t, "yi"), 3);
    msum_typer_free(t);
    msum_reader_free(rd);
    msum_diags_free(d);
}

/* An effect size named as papers name it (Hedges' g, SMD, log OR) is suggested as yi, never
 * taken silently; a name with a ' is quoted for the shell with double quotes. */
Test(userdata, effect_names_suggested_as_yi)
{
    msum_diags *d = msum_diags_new();
    msum_reader *rd;
    int rc;
    msum_typer *t = typer_for("Study,Hedges' g,SE (g)\nA,0.3,0.1\n", NULL, d, &rd, &rc);
    cr_expect_eq(rc, MSUM_EDATA);
    cr_expect_null(t);
    cr_assert_eq(msum_diags_count(d), 2);
    char line[512];
    msum_diag_format(msum_diags_get(d, 1), line, sizeof line);
    cr_expect_str_eq(line, "f.csv:1: note: the header is 'Study,Hedges' g,SE (g)'; did you mean "
                           "--col \"yi=Hedges' g\"? (docs/columns.md)");
    msum_reader_free(rd);
    msum_diags_free(d);
    d = msum_diags_new();
    t = typer_for("Trial,log OR,Variance\nA,0.3,0.1\n", NULL, d, &rd, &rc);
    cr_expect_eq(rc, MSUM_EDATA);
    cr_assert_eq(msum_diags_count(d), 2);
    msum_diag_format(msum_diags_get(d, 1), line, sizeof line);
    cr_expect_str_eq(line, "f.csv:1: note: the header is 'Trial,log OR,Variance'; did you mean "
                           "--col 'yi=log OR'? (docs/columns.md)");
    msum_reader_free(rd);
    msum_diags_free(d);
}

/* With decimal commas (a ';' file), 1.234,5 is a thousands separator; 1.234 may be a decimal
 * point (the --decimal hint stays). */
Test(userdata, thousands_with_decimal_commas)
{
    msum_diags *d = msum_diags_new();
    msum_reader *rd;
    int rc;
    msum_typer *t = typer_for("yi;vi\n1.234,5;0,1\n1.234;0,1\n", NULL, d, &rd, &rc);
    cr_assert_eq(rc, MSUM_OK);
    msum_row row;
    msum_record rec;
    while (msum_reader_next(rd, &row) == 1) msum_typer_row(t, &row, &rec, d);
    const char *want[] = {
        "f.csv:2:1: error: column 'yi': found '1.234,5', expected a number without a thousands "
        "separator (1234,5, not 1.234,5)",
        "f.csv:3:1: error: column 'yi': found '1.234', expected a number with ',' as the decimal "
        "mark (taken from the ';' delimiter; --decimal . reads '.')",
    };
    char line[512];
    size_t e = 0;
    for (size_t i = 0; i < msum_diags_count(d); i++) {
        if (msum_diags_get(d, i)->severity != MSUM_DIAG_ERROR) continue;
        cr_assert_lt(e, 2);
        msum_diag_format(msum_diags_get(d, i), line, sizeof line);
        cr_expect_str_eq(line, want[e]);
        e++;
    }
    cr_expect_eq(e, 2);
    msum_typer_free(t);
    msum_reader_free(rd);
    msum_diags_free(d);
}
