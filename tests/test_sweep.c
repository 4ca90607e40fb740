/* The metafor 3.8 sweep (tests/ref/sweep_refs.R): sixteen metadat data sets read as R's
 * write.csv wrote them, run through the analysis layer as the CLI runs them (settings by name,
 * as --option or a manifest column), every value compared with metafor.  The cases and their
 * settings are in ref/expected/sweep_cases.csv, the values in ref/expected/sweep.csv
 * (TABLE.COLUMN[ROW]).  Tolerances are relative, without an absolute floor (an exact 0 must be
 * 0): the case's (1e-9 closed forms, 1e-8 iterative fits, which metafor ran with threshold
 * 1e-12), 1e-8 for the Q-profile bounds (root finding) whatever the estimator, and for
 * p-values that times max(1, |ln p|); tau2 and I2 allow 1e-11 and 1e-7 (percent) absolute for
 * metafor's boundary fits.  A failure lists every disagreeing value on stderr.  The same
 * runner checks tests/ref/parity_refs.R (ref/expected/parity_cases.csv, parity.csv): compare's
 * scale()/center() rows, coefficient order and back-transformed predictions. */
#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "metasum/analysis.h"
#include "metasum/diag.h"
#include "metasum/table.h"

typedef struct {
    char *case_, *quantity;
    double value;
} ref_row;

static ref_row *refs;
static size_t nrefs;

static void load_file(const char *path)
{
    FILE *fp = fopen(path, "r");
    cr_assert_not_null(fp, "cannot open %s (tests run from tests/)", path);
    char line[512];
    size_t cap = 0;
    cr_assert_not_null(fgets(line, sizeof line, fp));
    while (fgets(line, sizeof line, fp)) {
        char *c1 = strchr(line, ','), *c2 = c1 ? strchr(c1 + 1, ',') : NULL;
        cr_assert(c1 && c2, "bad row %s", line);
        *c1 = *c2 = '\0';
        if (nrefs == cap) {
            cap = cap ? 2 * cap : 4096;
            refs = realloc(refs, cap * sizeof *refs);
            cr_assert_not_null(refs);
        }
        ref_row *r = &refs[nrefs++];
        r->case_ = strdup(line);
        r->quantity = strdup(c1 + 1);
        r->value = strncmp(c2 + 1, "NA", 2) == 0 ? NAN : strtod(c2 + 1, NULL);
    }
    fclose(fp);
}

static void load_refs(void) { load_file("ref/expected/sweep.csv"); }
static void load_parity(void) { load_file("ref/expected/parity.csv"); }

static void free_refs(void)
{
    for (size_t i = 0; i < nrefs; i++) {
        free(refs[i].case_);
        free(refs[i].quantity);
    }
    free(refs);
    refs = NULL;
    nrefs = 0;
}

/* "model.tau2" or "pool_weights.weight[3]": table, column, 0-based row */
static void split_quantity(const char *q, char *table, char *col, size_t *row)
{
    const char *dot = strchr(q, '.');
    cr_assert_not_null(dot, "quantity %s has no table", q);
    snprintf(table, 64, "%.*s", (int)(dot - q), q);
    const char *br = strchr(dot, '[');
    size_t n = br ? (size_t)(br - dot - 1) : strlen(dot + 1);
    snprintf(col, 64, "%.*s", (int)n, dot + 1);
    *row = br ? strtoul(br + 1, NULL, 10) - 1 : 0;
}

/* Run one case; returns how many of its values disagree (each printed). */
static int run_case(const char *name, const char *kind, const char *input, char *settings,
                    double tol, size_t *ncompared)
{
    msum_spec s;
    msum_spec_init(&s);
    cr_assert(msum_kind_parse(kind, &s.kind), "%s: kind %s", name, kind);
    s.dataset = input;
    s.basedir = "ref/inputs";
    char err[256];
    for (char *tok = strtok(settings, "|"); tok; tok = strtok(NULL, "|")) {
        char *eq = strchr(tok, '=');
        cr_assert_not_null(eq, "%s: setting %s", name, tok);
        *eq = '\0';
        const msum_setting *f = msum_setting_find(tok);
        cr_assert_not_null(f, "%s: no setting %s", name, tok);
        cr_assert_eq(msum_spec_set(&s, f, eq + 1, err, sizeof err), MSUM_OK, "%s: %s: %s", name,
                     tok, err);
    }
    msum_result r = {0};
    msum_diags *d = msum_diags_new();
    int st = msum_analysis_run(&s, &r, d);
    if (st != MSUM_OK) {
        char buf[512];
        for (size_t i = 0; i < msum_diags_count(d); i++) {
            msum_diag_format(msum_diags_get(d, i), buf, sizeof buf);
            fprintf(stderr, "%s: %s\n", name, buf);
        }
    }
    cr_expect_eq(st, MSUM_OK, "%s: status %d", name, st);
    int bad = 0;
    for (size_t i = 0; st == MSUM_OK && i < nrefs; i++) {
        if (strcmp(refs[i].case_, name) != 0) continue;
        char table[64], col[64];
        size_t row;
        split_quantity(refs[i].quantity, table, col, &row);
        const msum_table *t = msum_result_table(&r, table);
        int c = t ? msum_table_col_index(t, col) : -1;
        double got = NAN, want = refs[i].value;
        if (c >= 0 && row < msum_table_nrows(t)) got = msum_table_num(t, row, (size_t)c);
        double qt = strstr(col, "_ci_") ? fmax(tol, 1e-8) : tol;
        /* a p-value's relative error is its statistic's times |ln p| (chi2: QEp = 2e-83 moves
         * 2e-9 when QE moves 1e-11 relative) */
        if (strstr(col, "pval") || strcmp(col, "QEp") == 0 || strcmp(col, "QMp") == 0 ||
            strcmp(col, "Q_p") == 0)
            qt *= fmax(1.0, fabs(log(want)));
        /* tau2 on the boundary: metafor's Fisher scoring stops at threshold 1e-12 with tau2 ~
         * 3e-13 (I2 ~ 1e-9 percent) where metasum's is 0 */
        double abs_floor = strncmp(col, "tau2", 4) == 0 ? 1e-11
                           : strncmp(col, "I2", 2) == 0 ? 1e-7
                                                        : 0;
        int ok = got == want || (isnan(got) && isnan(want)) ||
                 (!isnan(got) && !isnan(want) && fabs(got - want) <= qt * fabs(want) + abs_floor);
        (*ncompared)++;
        if (!ok) {
            bad++;
            fprintf(stderr, "sweep %s %s: got %.17g, metafor %.17g (tol %g)%s\n", name,
                    refs[i].quantity, got, want, qt, c < 0 ? " [no such column/table]" : "");
        }
    }
    msum_result_free(&r);
    msum_diags_free(d);
    msum_spec_clear(&s);
    return bad;
}

/* Every case of a cases file; returns the number of cases read. */
static size_t run_cases(const char *path, size_t *ncompared, int *bad)
{
    gsl_set_error_handler_off();
    FILE *fp = fopen(path, "r");
    cr_assert_not_null(fp, "cannot open %s", path);
    char line[1024];
    cr_assert_not_null(fgets(line, sizeof line, fp));
    size_t ncases = 0;
    while (fgets(line, sizeof line, fp)) {
        line[strcspn(line, "\r\n")] = '\0';
        /* case,kind,input,settings,tol: settings may hold commas (--newmods rows) */
        char *f[5], *p = line, *last = strrchr(line, ',');
        cr_assert_not_null(last);
        *last = '\0';
        for (int j = 0; j < 3; j++) {
            f[j] = p;
            p += strcspn(p, ",");
            if (*p) *p++ = '\0';
        }
        f[3] = p;
        f[4] = last + 1;
        *bad += run_case(f[0], f[1], f[2], f[3], strtod(f[4], NULL), ncompared);
        ncases++;
    }
    fclose(fp);
    return ncases;
}

Test(sweep, every_value_matches_metafor, .init = load_refs, .fini = free_refs)
{
    size_t ncompared = 0;
    int bad = 0;
    size_t ncases = run_cases("ref/expected/sweep_cases.csv", &ncompared, &bad);
    cr_expect_gt(ncases, 500, "cases read: %zu", ncases);
    cr_expect_eq(ncompared, nrefs, "values compared %zu of %zu (a case without its row?)",
                 ncompared, nrefs);
    cr_expect_eq(bad, 0, "%d of %zu values disagree with metafor (listed on stderr)", bad,
                 ncompared);
}

Test(sweep, parity_values_match_metafor, .init = load_parity, .fini = free_refs)
{
    size_t ncompared = 0;
    int bad = 0;
    size_t ncases = run_cases("ref/expected/parity_cases.csv", &ncompared, &bad);
    cr_expect_eq(ncases, 18, "cases read: %zu", ncases);
    cr_expect_eq(ncompared, nrefs, "values compared %zu of %zu (a case without its row?)",
                 ncompared, nrefs);
    cr_expect_eq(bad, 0, "%d of %zu values disagree with metafor (listed on stderr)", bad,
                 ncompared);
}
