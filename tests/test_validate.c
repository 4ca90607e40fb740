/* Tests for whole-file validation (src/io/validate.c), dictionaries (src/io/dict.c), provenance
 * (src/core/provenance.c) and the per-record checks (src/core/checks.c).  The good dataset in
 * fixtures/ds/ quotes the review in fixtures/ds/source.txt; each fixture in fixtures/bad/ checked
 * here has one defect that only the whole-file checks see. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "metasum/checks.h"
#include "metasum/dict.h"
#include "metasum/metasum.h"
#include "metasum/provenance.h"
#include "metasum/validate.h"

static char *slurp(const char *path)
{
    FILE *fp = fopen(path, "rb");
    cr_assert_not_null(fp, "cannot open %s", path);
    char *buf = calloc(1, 1 << 16);
    size_t n = fread(buf, 1, (1 << 16) - 1, fp);
    fclose(fp);
    char *norm = msum_text_normalize(buf, n);
    free(buf);
    return norm;
}

static void expect_diag(const msum_diags *d, size_t i, const char *want)
{
    char got[1024];
    cr_assert_lt(i, msum_diags_count(d), "no diagnostic %zu (want %s)", i, want);
    msum_diag_format(msum_diags_get(d, i), got, sizeof got);
    cr_expect_str_eq(got, want);
}

Test(validate, good_dataset_has_no_errors_and_its_warnings)
{
    char *src = slurp("fixtures/ds/source.txt");
    msum_validate_opts o = MSUM_VALIDATE_OPTS_DEFAULT;
    o.norm_source = src;
    msum_diags *d = msum_diags_new();
    size_t n = 0;
    cr_expect_eq(msum_validate_file("fixtures/ds/effects.csv", &o, d, &n), MSUM_OK);
    cr_expect_eq(n, 4);
    cr_expect_eq(msum_diags_errors(d), 0);
    cr_expect_eq(msum_diags_warnings(d), 2);
    msum_diags_sort(d);
    /* Row e3 (line 4) is direction-only; its input cell starts at byte 164 of the line. */
    expect_diag(d, 0, "fixtures/ds/effects.csv:4:164: warning: column 'input': direction-only "
                      "row: counted in vote counts and the evidence map, not pooled");
    expect_diag(d, 1, "fixtures/ds/effects.csv:5: warning: source 'iPSC' x outcome 'ev_yield' "
                      "has k = 1 numeric effect: nothing to pool or compare");
    msum_diags_free(d);
    free(src);
}

/* One defect each; dictionaries and source text from fixtures/ds/. */
static const struct {
    const char *name;
    const char *msg;
} bad[] = {
    {"duplicate_id",
     "3:1: error: column 'id': found 'v1' again, expected unique ids (first on line 2)"},
    {"empty_id",
     "3:1: error: column 'id': found '', expected a unique row identifier"},
    {"missing_id_column",
     "1: error: column 'id': missing required column (found none in the header, expected a uni"
     "que identifier per row: validate checks the curated format of datasets/README.md; pool, "
     "effects and compare read files without ids)"},
    {"number_not_in_quote",
     "3:90: error: column 'pct': found '28.2', expected a number stated in the quote (it state"
     "s 18.08, 28.19)"},
    {"time_not_in_quote",
     "3:96: error: column 'time': found '21', expected a number stated in the quote (it states"
     " 18.08, 28.19)"},
    {"quote_not_in_source",
     "3:27: error: column 'quote': found '细胞活力提高 28.19%和 18.08%', expected a verbatim span of "
     "the source text (compared without white space, full-width forms folded)"},
    {"unknown_ref",
     "3:4: error: column 'ref': found 'gao2012', expected a key of fixtures/ds/reference"
     "s.csv"},
    {"missing_ref",
     "3:4: error: column 'ref': found '', expected a key of fixtures/ds/references.csv"},
    {"unknown_outcome",
     "3:17: error: column 'outcome': found 'vitality', expected a key of fixtures/ds/out"
     "comes.csv"},
    {"unknown_source",
     "3:12: error: column 'source': found 'ADSCs', expected a key of fixtures/ds/sources"
     ".csv"},
    {"bad_effect_of",
     "3:98: error: column 'effect_of': found 'control', expected treatment or exposure"},
    {"bad_time_unit",
     "3:97: error: column 'time_unit': found 'days', expected one of min, h, day, week, month,"
     " year, passage"},
};

Test(validate, each_malformed_fixture_reports_its_one_defect)
{
    char *src = slurp("fixtures/ds/source.txt");
    msum_validate_opts o = MSUM_VALIDATE_OPTS_DEFAULT;
    o.refs = "fixtures/ds/references.csv";
    o.outcomes = "fixtures/ds/outcomes.csv";
    o.sources = "fixtures/ds/sources.csv";
    o.norm_source = src;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char path[256], want[1024], got[1024];
        snprintf(path, sizeof path, "fixtures/bad/%s.csv", bad[i].name);
        msum_diags *d = msum_diags_new();
        cr_expect_eq(msum_validate_file(path, &o, d, NULL), MSUM_OK, "%s", path);
        cr_expect_eq(msum_diags_errors(d), 1, "%s: %zu errors", path, msum_diags_errors(d));
        for (size_t k = 0; k < msum_diags_count(d); k++) {
            const msum_diag *dg = msum_diags_get(d, k);
            if (dg->severity != MSUM_DIAG_ERROR) continue;
            msum_diag_format(dg, got, sizeof got);
            snprintf(want, sizeof want, "%s:%s", path, bad[i].msg);
            cr_expect_str_eq(got, want);
        }
        msum_diags_free(d);
    }
    free(src);
}

Test(validate, missing_file_is_an_io_error)
{
    msum_diags *d = msum_diags_new();
    cr_expect_eq(msum_validate_file("fixtures/none.csv", NULL, d, NULL), MSUM_EIO);
    cr_expect_eq(msum_diags_errors(d), 1);
    msum_diags_free(d);
}

Test(dict, keys_and_beneficial_directions)
{
    msum_diags *d = msum_diags_new();
    msum_dict *o = NULL;
    cr_assert_eq(msum_dict_read("fixtures/ds/outcomes.csv", "outcome", d, &o), MSUM_OK);
    cr_expect_eq(msum_diags_count(d), 0);
    cr_expect_eq(msum_dict_size(o), 3);
    cr_expect_str_eq(msum_dict_key(o, 1), "epidermal_thickness");
    cr_expect_eq(msum_dict_find(o, "ev_yield"), 2);
    cr_expect_eq(msum_dict_find(o, "nope"), -1);
    cr_expect_eq(msum_dict_beneficial(o, "viability"), MSUM_BENEFIT_INCREASE);
    cr_expect_eq(msum_dict_beneficial(o, "epidermal_thickness"), MSUM_BENEFIT_DECREASE);
    cr_expect_eq(msum_dict_beneficial(o, "ev_yield"), MSUM_BENEFIT_NONE);
    cr_expect_eq(msum_dict_beneficial(o, "nope"), MSUM_BENEFIT_UNKNOWN);
    cr_expect_str_eq(msum_dict_get(o, "viability", "scale"), "percent");
    cr_expect_null(msum_dict_get(o, "viability", "colour"));
    cr_expect_str_eq(msum_benefit_name(MSUM_BENEFIT_DECREASE), "decrease");
    msum_dict_free(o);
    msum_diags_free(d);
}

Test(dict, each_malformed_dictionary_reports_its_one_defect)
{
    static const struct {
        const char *file, *key, *msg;
    } cases[] = {
        {"fixtures/dict_bad/outcomes_bad_beneficial.csv", "outcome",
         "fixtures/dict_bad/outcomes_bad_beneficial.csv:3:42: error: column 'beneficial': found "
         "'lower', expected increase, decrease or none"},
        {"fixtures/dict_bad/references_duplicate_key.csv", "ref",
         "fixtures/dict_bad/references_duplicate_key.csv:4:1: error: column 'ref': found "
         "'gao2021' again, expected unique keys (first on line 2)"},
        {"fixtures/dict_bad/outcomes_no_key.csv", "outcome",
         "fixtures/dict_bad/outcomes_no_key.csv:1: error: found no column 'outcome', expected "
         "the key column of this dictionary"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        msum_diags *d = msum_diags_new();
        msum_dict *x = NULL;
        cr_expect_eq(msum_dict_read(cases[i].file, cases[i].key, d, &x), MSUM_OK);
        cr_expect_eq(msum_diags_count(d), 1, "%s", cases[i].file);
        expect_diag(d, 0, cases[i].msg);
        msum_dict_free(x);
        msum_diags_free(d);
    }
}

Test(provenance, normalisation_rule)
{
    /* White space removed (incl. U+3000), full-width forms folded, 、。 to , . and curly
     * quotes to ASCII, subscripts to digits. */
    const char *in = "第 7、14、28 天。\t（ＡＤＳＣ－Ｅｘ）\u3000“H\u2082O\u2082”\n";
    char *n = msum_text_normalize(in, strlen(in));
    cr_expect_str_eq(n, "第7,14,28天.(ADSC-Ex)\"H2O2\"");
    free(n);
}

Test(provenance, numbers_in_quotes)
{
    double v[8];
    cr_expect_eq(msum_text_numbers("分别能使细胞活力提高 18.08%和 28.19%", v, 8), 2);
    assert_close(v[0], 18.08, 0, "first");
    assert_close(v[1], 28.19, 0, "second");
    cr_expect_eq(msum_text_numbers("第 7、14、28 天", v, 8), 3);
    assert_close(v[2], 28, 0, "28");
    cr_expect_eq(msum_text_has_number("的16倍", 16), 1);
    cr_expect_eq(msum_text_has_number("提高 18.08%", -18.08), 1, "sign comes from words");
    cr_expect_eq(msum_text_has_number("提高 18.08%", 18.1), 0);
    cr_expect_eq(msum_text_has_number("提高 18.08%", 18), 0, "18 is not 18.08");
    cr_expect_eq(msum_text_has_number("ＭＭＰ－１ 降低 ２.５ 倍", 2.5), 1, "full-width digits");
    cr_expect_eq(msum_text_has_number("n = 1,000 cells", 1000), 1, "grouped thousands");
    cr_expect_eq(msum_text_has_number("n = 1,000 cells", 1), 1, "and its parts");
    cr_expect_eq(msum_text_numbers("no numbers here", NULL, 0), 0);
}

Test(provenance, quote_in_source)
{
    static const char text[] = "iPSC-Ex可以抑制UVB\n\n辐照引起的成纤维细胞损伤，并且";
    char *src = msum_text_normalize(text, strlen(text));
    cr_expect_eq(msum_quote_in_source("抑制 UVB 辐照引起的", src), 1, "line break and spaces");
    cr_expect_eq(msum_quote_in_source("成纤维细胞损伤,并且", src), 1, "，vs ,");
    cr_expect_eq(msum_quote_in_source("抑制UVA", src), 0);
    cr_expect_eq(msum_quote_in_source("", src), 0, "an empty quote is never found");
    free(src);
}

Test(checks, sd_that_may_be_an_sem_warns)
{
    msum_record r;
    msum_record_clear(&r);
    r.input = MSUM_INPUT_CONTINUOUS;
    r.x[MSUM_F_M1I] = 100, r.x[MSUM_F_SD1I] = 1.5, r.x[MSUM_F_N1I] = 9;
    r.x[MSUM_F_M2I] = 80, r.x[MSUM_F_SD2I] = 8, r.x[MSUM_F_N2I] = 9;
    msum_check c[8];
    cr_assert_eq(msum_record_check(&r, MSUM_CHECK_ALL, c, 8), 1);
    cr_expect_eq(c[0].severity, MSUM_DIAG_WARNING);
    cr_expect_eq(c[0].field, MSUM_F_SD1I);
    /* 1.5 < 0.02 * 100; as an SEM the SD would be 1.5 * sqrt(9) = 4.5 */
    cr_expect_str_eq(c[0].text, "SD 1.5 is below 2% of the mean 100 (n = 9): is it an SEM? "
                                "(SD = SEM * sqrt(n) = 4.5)");
    r.x[MSUM_F_SD1I] = 2.5; /* CV 2.5 %: no warning */
    cr_expect_eq(msum_record_check(&r, MSUM_CHECK_ALL, c, 8), 0);
}

Test(checks, median_summaries_must_be_ordered)
{
    msum_record r;
    msum_record_clear(&r);
    r.input = MSUM_INPUT_MEDIAN;
    r.x[MSUM_F_MED1I] = 5, r.x[MSUM_F_Q1_1I] = 6, r.x[MSUM_F_Q3_1I] = 9, r.x[MSUM_F_N1I] = 20;
    r.x[MSUM_F_MED2I] = 4, r.x[MSUM_F_MIN2I] = 1, r.x[MSUM_F_MAX2I] = 8, r.x[MSUM_F_N2I] = 20;
    msum_check c[8];
    cr_assert_eq(msum_record_check(&r, MSUM_CHECK_ALL, c, 8), 1);
    cr_expect_eq(c[0].field, MSUM_F_Q1_1I);
    cr_expect_str_eq(c[0].text, "a value <= med1i = 5");
}

Test(checks, rounded_sei_agrees_with_vi_and_whole_counts_pass)
{
    msum_record r;
    msum_record_clear(&r);
    r.input = MSUM_INPUT_GENERIC;
    r.measure = MSUM_MEASURE_GEN;
    /* sei printed at two digits: sqrt(0.0231) = 0.15199, 1.3 % from 0.15 (tolerance 5 %) */
    r.x[MSUM_F_YI] = 0.4, r.x[MSUM_F_VI] = 0.0231, r.x[MSUM_F_SEI] = 0.15;
    r.x[MSUM_F_N1I] = 1e9; /* MSUM_COUNT_MAX itself is allowed */
    msum_check c[8];
    cr_expect_eq(msum_record_check(&r, MSUM_CHECK_ALL, c, 8), 0);
    r.x[MSUM_F_SEI] = 0.16; /* 0.15199 is 5.0 % below 0.16: just outside */
    cr_assert_eq(msum_record_check(&r, MSUM_CHECK_ALL, c, 8), 1);
    cr_expect_eq(c[0].field, MSUM_F_SEI);
    r.x[MSUM_F_SEI] = NAN;
    r.x[MSUM_F_N1I] = 1e9 + 1;
    cr_assert_eq(msum_record_check(&r, MSUM_CHECK_ALL, c, 8), 1);
    cr_expect_eq(c[0].field, MSUM_F_N1I);
}

/* Row checks that need the effect computed (msum_typer_effect), as pool and effects run them;
 * no dictionaries.  One defect each. */
Test(validate, effect_level_defects_are_errors_as_in_the_analyses)
{
    static const struct {
        const char *path;
        msum_measure measure;
        const char *msg;
    } cases[] = {
        /* metafor's ZCOR variance 1/(ni - 3) needs ni >= 5 */
        {"fixtures/bad/ni_small.csv", MSUM_MEASURE_NONE,
         "fixtures/bad/ni_small.csv:2:20: error: column 'ni': ni is 4; the variance 1/(ni-3) "
         "needs ni >= 5 (as metafor)"},
        {"fixtures/bad/ci_zero_width.csv", MSUM_MEASURE_NONE,
         "fixtures/bad/ci_zero_width.csv:2:16: error: column 'ci_lb': the CI has zero width; no "
         "standard error"},
        {"fixtures/bad/header_only.csv", MSUM_MEASURE_NONE,
         "fixtures/bad/header_only.csv:1: error: found a header and no data rows, expected at "
         "least one row"},
        /* a ratio of means with a zero mean: only known once the measure is ROM */
        {"fixtures/inputs/rom_zero_mean.csv", MSUM_MEASURE_ROM,
         "fixtures/inputs/rom_zero_mean.csv:2:15: error: column 'm1i': the group 1 mean is 0; a "
         "ratio of means needs means > 0"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        msum_validate_opts o = MSUM_VALIDATE_OPTS_DEFAULT;
        o.measure = cases[i].measure;
        msum_diags *d = msum_diags_new();
        cr_expect_eq(msum_validate_file(cases[i].path, &o, d, NULL), MSUM_OK);
        cr_expect_eq(msum_diags_errors(d), 1, "%s: %zu errors", cases[i].path,
                     msum_diags_errors(d));
        expect_diag(d, 0, cases[i].msg);
        msum_diags_free(d);
    }
    /* the same file without a measure: every measure-independent check passes */
    msum_diags *d = msum_diags_new();
    cr_expect_eq(msum_validate_file("fixtures/inputs/rom_zero_mean.csv", NULL, d, NULL), MSUM_OK);
    cr_expect_eq(msum_diags_count(d), 0);
    msum_diags_free(d);
}

/* Both arms without events: kept, 0.5 added to each cell (metafor escalc: add = 1/2,
 * to = "only0", drop00 = FALSE), with a warning that says so. */
Test(validate, two_by_two_without_events_warns)
{
    msum_diags *d = msum_diags_new();
    cr_expect_eq(msum_validate_file("fixtures/inputs/zero_events_both.csv", NULL, d, NULL),
                 MSUM_OK);
    cr_expect_eq(msum_diags_errors(d), 0);
    cr_assert_eq(msum_diags_warnings(d), 1);
    expect_diag(d, 0, "fixtures/inputs/zero_events_both.csv:2:11: warning: column 'ai': both arms "
                      "have zero events (ai = ci = 0): 0.5 added to each cell, as metafor's "
                      "escalc (to = \"only0\", drop00 = FALSE); the row is kept");
    msum_diags_free(d);
}

/* The same study, outcome and numbers twice: a warning with another id (one effect entered
 * twice?), an error with the same id (a copied row), reported once (not also as a repeated id). */
Test(validate, duplicated_effects)
{
    msum_diags *d = msum_diags_new();
    cr_expect_eq(msum_validate_file("fixtures/bad/duplicate_row.csv", NULL, d, NULL), MSUM_OK);
    cr_expect_eq(msum_diags_count(d), 1);
    expect_diag(d, 0, "fixtures/bad/duplicate_row.csv:4:4: error: column 'study': found a copy of "
                      "line 2 (same id 'r1', study, outcome and numbers), expected each effect "
                      "once");
    msum_diags_free(d);
    d = msum_diags_new();
    cr_expect_eq(msum_validate_file("fixtures/inputs/duplicate_effect.csv", NULL, d, NULL),
                 MSUM_OK);
    /* r3 differs in outcome, r4 in yi: only r2 repeats r1 */
    cr_expect_eq(msum_diags_count(d), 1);
    expect_diag(d, 0, "fixtures/inputs/duplicate_effect.csv:3:4: warning: column 'study': found "
                      "'Smith 2001' again with outcome 'pain' and the same numbers as line 2: one "
                      "effect entered twice? (it would be pooled twice)");
    msum_diags_free(d);
}
