/* The analysis layer through its public header alone (include/metasum/analysis.h): the
 * settings table, the spec checker, and kinds run by the library without the CLI. */
#include <math.h>
#include <string.h>

#include "helpers.h"
#include "metasum/analysis.h"
#include "metasum/diag.h"
#include "metasum/table.h"

static int set(msum_spec *s, const char *name, const char *value, char *err)
{
    return msum_spec_set(s, msum_setting_find(name), value, err, 256);
}

Test(analysis_spec, values_checked_as_the_cli_and_manifest_do)
{
    msum_spec s;
    char err[256];
    msum_spec_init(&s);
    cr_expect(isnan(s.level) && s.digits == -1 && s.maxiter == -1);
    cr_expect_eq(set(&s, "level", "95", err), MSUM_OK);
    assert_close(s.level, 0.95, 1e-15, "95 means 95 %");
    cr_expect_eq(set(&s, "level", "1.5", err), MSUM_EINVAL, "--level 1.5 is not 1.5 %");
    cr_expect_str_eq(err, "found '1.5', expected a level in (0, 1) or a percentage in [50, 100)");
    cr_expect_eq(set(&s, "method", "reml", err), MSUM_OK);
    cr_expect_str_eq(s.method, "REML");
    cr_expect_eq(set(&s, "method", "mh", err), MSUM_OK);
    cr_expect_str_eq(s.method, "MH");
    cr_expect_eq(set(&s, "method", "XYZ", err), MSUM_EINVAL);
    cr_expect_eq(set(&s, "test", "hk", err), MSUM_OK);
    cr_expect_str_eq(s.test, "knha");
    /* lists: the manifest's ';' is the command line's ',', and repeats append */
    cr_expect_eq(set(&s, "by", "source;outcome", err), MSUM_OK);
    cr_expect_str_eq(s.by, "source,outcome");
    cr_expect_eq(set(&s, "col", "m1i=Mean_T", err), MSUM_OK);
    cr_expect_eq(set(&s, "columns", "sd1i=SD_T;n1i=N_T", err), MSUM_OK);
    cr_expect_str_eq(s.read.columns, "m1i=Mean_T;sd1i=SD_T;n1i=N_T");
    cr_expect_eq(set(&s, "columns", "Mean_T", err), MSUM_EINVAL);
    cr_expect_eq(set(&s, "delim", ";", err), MSUM_OK);
    cr_expect_eq(s.read.delim, ';');
    cr_expect_eq(set(&s, "digits", "18", err), MSUM_EINVAL);
    cr_expect_str_eq(err, "found '18', expected an integer from 0 to 17");
    cr_expect_eq(set(&s, "sort", "EFFECT", err), MSUM_OK);
    cr_expect_str_eq(s.sort, "effect");
    cr_expect_eq(set(&s, "sort", "year-ish", err), MSUM_EINVAL);
    cr_expect_str_eq(err, "found 'year-ish', expected input, effect, weight or year");
    cr_expect_eq(set(&s, "formats", "csv;XLSX", err), MSUM_OK);
    cr_expect_str_eq(s.formats, "csv,xlsx");
    cr_expect_eq(set(&s, "measure", "rr", err), MSUM_OK);
    cr_expect_str_eq(s.measure, "RR");
    cr_expect_eq(set(&s, "kind", "pool", err), MSUM_OK);
    cr_expect_eq(s.kind, MSUM_KIND_POOL);
    cr_expect_eq(set(&s, "weights", "yes", err), MSUM_OK);
    cr_expect_eq(s.weights, 1);
    msum_spec_clear(&s);
    cr_expect(s.method == NULL && s.read.columns == NULL);
}

Test(analysis_spec, one_option_one_setting)
{
    /* every option and short form names one setting; names are unique */
    for (size_t i = 0; i < msum_nsettings; i++)
        for (size_t j = i + 1; j < msum_nsettings; j++) {
            const msum_setting *a = &msum_settings[i], *b = &msum_settings[j];
            cr_expect(strcmp(a->name, b->name) != 0, "%s twice", a->name);
            if (a->option && b->option) cr_expect(strcmp(a->option, b->option) != 0);
            if (a->shrt && b->shrt) cr_expect(a->shrt != b->shrt, "-%c twice", a->shrt);
        }
    cr_expect_eq(msum_setting_option("-m"), msum_setting_find("method"));
    cr_expect_eq(msum_setting_option("--col"), msum_setting_find("columns"));
    cr_expect_null(msum_setting_option("--no-such"));
}

/* Kind table: datasets/exosome_skin_aging/references.csv has 39 references (40 lines with the
 * header) and 9 columns; the first is Todorova2020 with DOI 10.1016/j.addr.2020.06.004. */
Test(analysis_run, kind_table_without_the_cli)
{
    msum_spec s;
    msum_spec_init(&s);
    s.kind = MSUM_KIND_TABLE;
    s.dataset = "exosome_skin_aging/references.csv";
    s.basedir = "../datasets"; /* the tests run in tests/ */
    s.id = "refs";
    msum_result r = {0};
    msum_diags *d = msum_diags_new();
    cr_assert_eq(msum_analysis_run(&s, &r, d), MSUM_OK);
    cr_assert_eq(r.ntables, 1);
    const msum_table *t = msum_result_table(&r, "references");
    cr_assert_not_null(t);
    cr_expect_eq(msum_table_nrows(t), 39);
    cr_expect_eq(msum_table_ncols(t), 9);
    int doi = msum_table_col_index(t, "doi");
    cr_assert(doi >= 0);
    cr_expect_str_eq(msum_table_text(t, 0, (size_t)doi), "10.1016/j.addr.2020.06.004");
    msum_result_free(&r);

    /* a filter is a spec error, positioned at the manifest line when the spec has one */
    s.filter = "ref=Todorova2020";
    s.origin = "analyses.csv";
    s.line = 7;
    cr_expect_eq(msum_analysis_run(&s, &r, d), MSUM_EINVAL);
    char buf[512];
    msum_diags_sort(d);
    msum_diag_format(msum_diags_get(d, msum_diags_count(d) - 1), buf, sizeof buf);
    cr_expect(strstr(buf, "analyses.csv:7") && strstr(buf, "filter"), "%s", buf);
    msum_result_free(&r);
    msum_diags_free(d);
}

/* The value in column col of the first row whose column keycol is key (NULL: the first row). */
static double cell_num(const msum_result *r, const char *table, const char *keycol,
                       const char *key, const char *col)
{
    const msum_table *t = msum_result_table(r, table);
    if (!t) return NAN;
    int c = msum_table_col_index(t, col), kc = keycol ? msum_table_col_index(t, keycol) : -1;
    if (c < 0) return NAN;
    for (size_t i = 0; i < msum_table_nrows(t); i++) {
        const char *v = kc >= 0 ? msum_table_text(t, i, (size_t)kc) : NULL;
        if (!keycol || (v && strcmp(v, key) == 0)) return msum_table_num(t, i, (size_t)c);
    }
    return NAN;
}

/* Every kind through the public header alone, on the bundled data, each checked against an
 * independent value: metafor 3.8 (tests/ref/expected/: escalc, rma REML, the alloc subgroups,
 * regtest, leave1out) or the review itself (ADSC-Ex 28.19 % vs ADSC-CM 18.08 %: 1.56 times). */
Test(analysis_run, every_kind_without_the_cli)
{
    for (int k = 0; k < MSUM_NKINDS; k++)
        cr_expect(msum_analysis_has((msum_kind)k), "kind %s", msum_kind_name((msum_kind)k));
    struct {
        msum_kind kind;
        const char *dataset, *by, *table, *keycol, *key, *col;
        double want;
    } cases[] = {
        {MSUM_KIND_EFFECTS, "bcg/effects.csv", NULL, "effects", NULL, NULL, "yi",
         -0.8893113339202054},
        {MSUM_KIND_POOL, "bcg/effects.csv", NULL, "pool", NULL, NULL, "estimate",
         -0.714532342158},
        {MSUM_KIND_POOL, "bcg/effects.csv", NULL, "pool", NULL, NULL, "tau2", 0.313243258136},
        {MSUM_KIND_COMPARE, "bcg/effects.csv", "alloc", "groups", "group", "random", "estimate",
         -0.970964475758},
        {MSUM_KIND_BIAS, "bcg/effects.csv", NULL, "bias", "test", "regtest", "stat",
         -0.803329193090805},
        {MSUM_KIND_SENSITIVITY, "bcg/effects.csv", NULL, "leave1out", NULL, NULL, "estimate",
         -0.707083784699262},
        {MSUM_KIND_SUMMARIZE, "exosome_skin_aging/effects.csv", NULL, "comparisons", "a_id",
         "exo008", "value_ratio", 28.19 / 18.08},
        {MSUM_KIND_TABLE, "exosome_skin_aging/sources.csv", NULL, "sources", NULL, NULL, NULL,
         NAN},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        msum_spec s;
        msum_spec_init(&s);
        s.kind = cases[i].kind;
        s.basedir = "../datasets"; /* the tests run in tests/ */
        s.dataset = cases[i].dataset;
        s.by = cases[i].by;
        if (strcmp(cases[i].dataset, "bcg/effects.csv") == 0) s.measure = "RR";
        s.id = "x";
        msum_result r = {0};
        msum_diags *d = msum_diags_new();
        int st = msum_analysis_run(&s, &r, d);
        cr_expect_eq(st, MSUM_OK, "%s", msum_kind_name(s.kind));
        cr_expect_not_null(msum_result_table(&r, cases[i].table), "%s: table %s",
                           msum_kind_name(s.kind), cases[i].table);
        if (cases[i].col)
            assert_close(cell_num(&r, cases[i].table, cases[i].keycol, cases[i].key,
                                  cases[i].col),
                         cases[i].want, 1e-6, msum_kind_name(s.kind));
        msum_result_free(&r);
        msum_diags_free(d);
    }
}

/* One rule for every kind (metasum/analysis.h): a bad setting is MSUM_EINVAL, its error naming
 * the setting; bad data is MSUM_EDATA, its error positioned in the file.  Each kind with no
 * dataset, a plot it does not draw, and a setting of its own; then each on a file with a bad
 * value. */
Test(analysis_run, bad_setting_einval_bad_data_edata_every_kind)
{
    struct {
        msum_kind kind;
        const char *dataset, *measure, *by, *field, *value;
    } bad[] = {
        {MSUM_KIND_EFFECTS, "../datasets/bcg/effects.csv", "RR", NULL, "plots", "forest.svg"},
        {MSUM_KIND_EFFECTS, "../datasets/bcg/effects.csv", "XYZ", NULL, "measure", NULL},
        {MSUM_KIND_POOL, "../datasets/bcg/effects.csv", "RR", NULL, "plots", "radial"},
        {MSUM_KIND_POOL, "../datasets/bcg/effects.csv", "RR", NULL, "by", "nosuch"},
        {MSUM_KIND_POOL, "../datasets/bcg/effects.csv", NULL, NULL, "measure", NULL},
        {MSUM_KIND_COMPARE, "../datasets/bcg/effects.csv", "RR", "alloc", "plots", "funnel"},
        {MSUM_KIND_COMPARE, "../datasets/bcg/effects.csv", "RR", NULL, "by", NULL},
        {MSUM_KIND_COMPARE, "../datasets/bcg/effects.csv", "RR", NULL, "mods", "nosuch"},
        {MSUM_KIND_BIAS, "../datasets/bcg/effects.csv", "RR", NULL, "plots", "forest"},
        {MSUM_KIND_BIAS, "../datasets/bcg/effects.csv", "RR", NULL, "predictor", "xyz"},
        {MSUM_KIND_BIAS, "../datasets/bcg/effects.csv", "RR", NULL, "by", "nosuch"},
        {MSUM_KIND_BIAS, "../datasets/bcg/effects.csv", NULL, NULL, "measure", NULL},
        {MSUM_KIND_SENSITIVITY, "../datasets/bcg/effects.csv", "RR", NULL, "plots", "funnel"},
        {MSUM_KIND_SENSITIVITY, "../datasets/bcg/effects.csv", "RR", NULL, "by", "nosuch"},
        {MSUM_KIND_SENSITIVITY, "../datasets/bcg/effects.csv", "RR", "alloc", "plots", "baujat"},
        {MSUM_KIND_SUMMARIZE, "fixtures/swim_small.csv", NULL, NULL, "plots", "forest"},
        {MSUM_KIND_SUMMARIZE, "fixtures/swim_small.csv", NULL, NULL, "table", "xyz"},
        {MSUM_KIND_SUMMARIZE, "fixtures/swim_small.csv", NULL, NULL, "by", "year"},
        {MSUM_KIND_TABLE, "../datasets/exosome_skin_aging/sources.csv", NULL, NULL, "plots",
         "forest"},
        {MSUM_KIND_TABLE, "../datasets/exosome_skin_aging/sources.csv", NULL, NULL, "filter",
         "id=x"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        msum_spec s;
        msum_spec_init(&s);
        s.kind = bad[i].kind;
        s.dataset = bad[i].dataset;
        s.measure = bad[i].measure;
        s.by = bad[i].by;
        const char *f = bad[i].field, *v = bad[i].value;
        if (!strcmp(f, "plots")) s.plots = v;
        if (!strcmp(f, "by") && v) s.by = v;
        if (!strcmp(f, "mods")) s.mods = v;
        if (!strcmp(f, "predictor")) s.predictor = v;
        if (!strcmp(f, "table")) s.table = v;
        if (!strcmp(f, "filter")) s.filter = v;
        for (int nodata = 0; nodata < 2; nodata++) {
            if (nodata) { /* no dataset: a setting too, whatever else is wrong */
                s.dataset = NULL;
                f = "dataset";
            }
            msum_result r = {0};
            msum_diags *d = msum_diags_new();
            const char *k = msum_kind_name(s.kind);
            cr_expect_eq(msum_analysis_run(&s, &r, d), MSUM_EINVAL, "%s %s", k, f);
            int named = 0;
            for (size_t j = 0; j < msum_diags_count(d); j++) {
                const msum_diag *g = msum_diags_get(d, j);
                named |= g->severity == MSUM_DIAG_ERROR && g->column && !strcmp(g->column, f);
            }
            cr_expect(named, "%s: an error names setting %s", k, f);
            msum_result_free(&r);
            msum_diags_free(d);
        }
    }

    struct {
        msum_kind kind;
        const char *dataset, *measure, *by;
    } data[] = {
        {MSUM_KIND_EFFECTS, "fixtures/effects_errors.csv", "SMD", NULL},
        {MSUM_KIND_POOL, "fixtures/effects_errors.csv", "SMD", NULL},
        {MSUM_KIND_COMPARE, "fixtures/effects_errors.csv", "SMD", "id"},
        {MSUM_KIND_BIAS, "fixtures/effects_errors.csv", "SMD", NULL},
        {MSUM_KIND_SENSITIVITY, "fixtures/effects_errors.csv", "SMD", NULL},
        {MSUM_KIND_SUMMARIZE, "fixtures/swim_bad_effect_of.csv", NULL, NULL},
        {MSUM_KIND_TABLE, "fixtures/bad/invalid_utf8.csv", NULL, NULL},
    };
    for (size_t i = 0; i < sizeof data / sizeof data[0]; i++) {
        msum_spec s;
        msum_spec_init(&s);
        s.kind = data[i].kind;
        s.dataset = data[i].dataset;
        s.measure = data[i].measure;
        s.by = data[i].by;
        msum_result r = {0};
        msum_diags *d = msum_diags_new();
        const char *k = msum_kind_name(s.kind);
        cr_expect_eq(msum_analysis_run(&s, &r, d), MSUM_EDATA, "%s", k);
        cr_assert_geq(msum_diags_errors(d), 1, "%s", k);
        for (size_t j = 0; j < msum_diags_count(d); j++) {
            const msum_diag *g = msum_diags_get(d, j);
            if (g->severity == MSUM_DIAG_ERROR)
                cr_expect(g->file && strstr(g->file, data[i].dataset + 9) && g->line > 0,
                          "%s: an error in the file: %s:%ld %s", k, g->file ? g->file : "-",
                          g->line, g->message);
        }
        msum_result_free(&r);
        msum_diags_free(d);
    }
}
