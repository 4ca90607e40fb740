/* Tests for Mantel-Haenszel and Peto pooling (src/core/mh.c) against metafor 3.8 rma.mh and
 * rma.peto (tests/ref/mh_refs.R -> tests/ref/expected/mh_binary.csv): dat.bcg, dat.li2007
 * (single zero cells), dat.hahn2001 (double-zero tables) with the add/to/drop00/correct
 * variants, dat.nielweise2008 (rates); closed forms, compared at 1e-9. */
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "helpers.h"
#include "metasum/metasum.h"
#include "refvals.h"

#define EXP "ref/expected/mh_binary.csv"
#define TOL 1e-9

static void setup(void) { gsl_set_error_handler_off(); }

TestSuite(mh, .init = setup);

enum { MAXK = 64 };
typedef struct {
    int k;
    double a[MAXK], b[MAXK], c[MAXK], d[MAXK];
} tables;

/* 2x2 tables of a reference input: ai, bi, ci, di or ai, n1i, ci, n2i */
static void load_tables(const char *name, tables *t)
{
    char path[128];
    snprintf(path, sizeof path, "ref/inputs/%s.csv", name);
    t->k = ref_column(path, "ai", t->a, MAXK);
    ref_column(path, "ci", t->c, MAXK);
    if (strcmp(name, "mh_bcg") == 0) {
        ref_column(path, "bi", t->b, MAXK);
        ref_column(path, "di", t->d, MAXK);
        return;
    }
    ref_column(path, "n1i", t->b, MAXK);
    ref_column(path, "n2i", t->d, MAXK);
    for (int i = 0; i < t->k; i++) {
        t->b[i] -= t->a[i];
        t->d[i] -= t->c[i];
    }
}

/* Value of a row when present (rma.peto has no CMH rows, say). */
static int ref_find_in(const char *path, const char *casename, const char *q, double *v)
{
    FILE *fp = fopen(path, "r");
    cr_assert_not_null(fp, "cannot open %s", path);
    char line[512], want[256];
    snprintf(want, sizeof want, "%s,%s,", casename, q);
    int found = 0;
    while (!found && fgets(line, sizeof line, fp))
        if (strncmp(line, want, strlen(want)) == 0) {
            const char *s = line + strlen(want);
            *v = strncmp(s, "NA", 2) == 0 ? NAN : strtod(s, NULL);
            found = 1;
        }
    fclose(fp);
    return found;
}

static void check_fit_in(const char *path, const char *casename, const msum_mh_result *r)
{
    const struct {
        const char *q;
        double v;
    } f[] = {
        {"beta", r->beta},   {"se", r->se},       {"zval", r->zval},   {"pval", r->pval},
        {"ci.lb", r->ci_lb}, {"ci.ub", r->ci_ub}, {"QE", r->Q},        {"QEp", r->Qp},
        {"I2", r->I2},       {"H2", r->H2},       {"k", (double)r->k}, {"k.yi", (double)r->k_yi},
        {"MH", r->cmh},      {"MHp", r->cmh_p},   {"CO", r->cochran},  {"COp", r->cochran_p},
        {"TA", r->tarone},   {"TAp", r->tarone_p}, {"BD", r->bd},      {"BDp", r->bd_p},
    };
    int n = 0;
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        double e;
        if (!ref_find_in(path, casename, f[i].q, &e)) continue;
        char what[128];
        snprintf(what, sizeof what, "%s %s", casename, f[i].q);
        /* relative throughout, small p-values included (assert_close is absolute below 1) */
        assert_close(f[i].v, e, e != 0 && isfinite(e) ? TOL * fmin(1, fabs(e)) : 1e-12, what);
        n++;
    }
    double kpos;
    if (ref_find_in(path, casename, "k.pos", &kpos) && !isnan(kpos) &&
        (r->measure == MSUM_MEASURE_OR || r->measure == MSUM_MEASURE_PETO))
        cr_expect_eq((double)r->k_pos, kpos, "%s k.pos: got %zu", casename, r->k_pos);
    cr_expect_geq(n, 12, "%s: only %d quantities compared", casename, n);
}

static void check_fit(const char *casename, const msum_mh_result *r)
{
    check_fit_in(EXP, casename, r);
}

static void run_mh(const char *data, msum_measure m, const msum_mh_opts *o, const char *casename)
{
    tables t;
    load_tables(data, &t);
    msum_mh_result r;
    int st = msum_mh(m, (size_t)t.k, t.a, t.b, t.c, t.d, o, &r);
    cr_assert_eq(st, MSUM_OK, "%s: status %d", casename, st);
    check_fit(casename, &r);
}

static void run_peto(const char *data, const msum_mh_opts *o, const char *casename)
{
    tables t;
    load_tables(data, &t);
    msum_mh_result r;
    int st = msum_peto((size_t)t.k, t.a, t.b, t.c, t.d, o, &r);
    cr_assert_eq(st, MSUM_OK, "%s: status %d", casename, st);
    cr_expect_eq(r.measure, MSUM_MEASURE_PETO);
    check_fit(casename, &r);
}

static const msum_measure MEAS[3] = {MSUM_MEASURE_OR, MSUM_MEASURE_RR, MSUM_MEASURE_RD};

Test(mh, default_options_match_rma_mh)
{
    static const char *const data[3] = {"bcg", "li2007", "hahn2001"};
    msum_mh_opts o = MSUM_MH_OPTS_DEFAULT;
    for (int d = 0; d < 3; d++)
        for (int j = 0; j < 3; j++) {
            char in[32], cs[64];
            snprintf(in, sizeof in, "mh_%s", data[d]);
            snprintf(cs, sizeof cs, "%s_mh_%s", data[d], msum_measure_name(MEAS[j]));
            run_mh(in, MEAS[j], &o, cs);
        }
}

/* The zero-cell variants of tests/ref/mh_refs.R on dat.hahn2001 (3 of 12 tables are double
 * zero, one more has a single zero cell). */
Test(mh, zero_cell_variants_match_rma_mh)
{
    static const char *const name[] = {"nocorrect", "toall", "toif0all", "nodrop00",
                                       "add1", "mhadd", "mhaddall"};
    for (int v = 0; v < 7; v++) {
        msum_mh_opts o = MSUM_MH_OPTS_DEFAULT;
        switch (v) {
        case 0: o.correct = 0; break;
        case 1: o.to[0] = MSUM_CC_ALL; break;
        case 2: o.to[0] = MSUM_CC_IF0ALL; break;
        case 3: o.drop00[0] = 0; break;
        case 4: o.add[0] = 1; break;
        case 5: o.add[1] = 0.5; o.to[1] = MSUM_CC_ONLY0; break;
        default:
            o.add[1] = 0.5;
            o.to[1] = MSUM_CC_ALL;
            o.drop00[1] = 1;
            break;
        }
        for (int j = 0; j < 3; j++) {
            char cs[64];
            snprintf(cs, sizeof cs, "hahn2001_mh_%s_%s", msum_measure_name(MEAS[j]), name[v]);
            run_mh("mh_hahn2001", MEAS[j], &o, cs);
        }
    }
    msum_mh_opts o = MSUM_MH_OPTS_DEFAULT;
    o.to[0] = MSUM_CC_ALL;
    run_mh("mh_li2007", MSUM_MEASURE_OR, &o, "li2007_mh_OR_toall");
    o = (msum_mh_opts)MSUM_MH_OPTS_DEFAULT;
    o.drop00[0] = 0;
    run_mh("mh_li2007", MSUM_MEASURE_OR, &o, "li2007_mh_OR_nodrop00");
    o = (msum_mh_opts)MSUM_MH_OPTS_DEFAULT;
    o.correct = 0;
    run_mh("mh_li2007", MSUM_MEASURE_OR, &o, "li2007_mh_OR_nocorrect");
    o = (msum_mh_opts)MSUM_MH_OPTS_DEFAULT;
    o.level = 0.90;
    run_mh("mh_bcg", MSUM_MEASURE_OR, &o, "bcg_mh_OR_level90");
}

Test(mh, peto_matches_rma_peto)
{
    msum_mh_opts o = MSUM_MH_OPTS_DEFAULT;
    run_peto("mh_bcg", &o, "bcg_peto");
    run_peto("mh_li2007", &o, "li2007_peto");
    run_peto("mh_hahn2001", &o, "hahn2001_peto");
    o.to[0] = MSUM_CC_ALL;
    run_peto("mh_hahn2001", &o, "hahn2001_peto_toall");
    o = (msum_mh_opts)MSUM_MH_OPTS_DEFAULT;
    o.drop00[0] = 0;
    run_peto("mh_hahn2001", &o, "hahn2001_peto_nodrop00");
    o = (msum_mh_opts)MSUM_MH_OPTS_DEFAULT;
    o.add[0] = 1;
    run_peto("mh_hahn2001", &o, "hahn2001_peto_add1");
}

Test(mh, escalc_peto_matches_metafor)
{
    static const char *const data[2] = {"bcg", "li2007"};
    for (int d = 0; d < 2; d++) {
        char in[32], cs[64];
        snprintf(in, sizeof in, "mh_%s", data[d]);
        snprintf(cs, sizeof cs, "%s_escalc_PETO", data[d]);
        tables t;
        load_tables(in, &t);
        for (int i = 0; i < t.k; i++) {
            msum_record r;
            msum_record_clear(&r);
            r.input = MSUM_INPUT_COUNTS;
            r.x[MSUM_F_AI] = t.a[i];
            r.x[MSUM_F_BI] = t.b[i];
            r.x[MSUM_F_CI] = t.c[i];
            r.x[MSUM_F_DI] = t.d[i];
            msum_effect e;
            cr_assert_eq(msum_escalc(&r, MSUM_MEASURE_PETO, NULL, &e), MSUM_OK, "%s", e.message);
            cr_expect_eq(e.scale, MSUM_SCALE_LOG);
            char q[32];
            snprintf(q, sizeof q, "yi[%d]", i + 1);
            assert_close(e.yi, ref_value(EXP, cs, q), TOL, q);
            snprintf(q, sizeof q, "vi[%d]", i + 1);
            assert_close(e.vi, ref_value(EXP, cs, q), TOL, q);
        }
    }
}

Test(mh, rates_match_rma_mh)
{
    const char *path = "ref/inputs/mh_nielweise2008.csv";
    double x1[MAXK], t1[MAXK], x2[MAXK], t2[MAXK];
    int k = ref_column(path, "x1i", x1, MAXK);
    ref_column(path, "t1i", t1, MAXK);
    ref_column(path, "x2i", x2, MAXK);
    ref_column(path, "t2i", t2, MAXK);
    msum_mh_opts o = MSUM_MH_OPTS_DEFAULT;
    msum_mh_result r;
    cr_assert_eq(msum_mh_rates(MSUM_MEASURE_IRR, (size_t)k, x1, t1, x2, t2, &o, &r), MSUM_OK);
    check_fit("nielweise2008_mh_IRR", &r);
    cr_assert_eq(msum_mh_rates(MSUM_MEASURE_IRD, (size_t)k, x1, t1, x2, t2, &o, &r), MSUM_OK);
    check_fit("nielweise2008_mh_IRD", &r);

    /* zero events: one rate pair with none at all (no yi: drop00), two with none in a group */
    path = "ref/inputs/mh_rates_zero.csv";
    k = ref_column(path, "x1i", x1, MAXK);
    ref_column(path, "t1i", t1, MAXK);
    ref_column(path, "x2i", x2, MAXK);
    ref_column(path, "t2i", t2, MAXK);
    cr_assert_eq(msum_mh_rates(MSUM_MEASURE_IRR, (size_t)k, x1, t1, x2, t2, &o, &r), MSUM_OK);
    check_fit_in("ref/expected/mh_measures.csv", "rates_zero_mh_IRR", &r);
    cr_assert_eq(msum_mh_rates(MSUM_MEASURE_IRD, (size_t)k, x1, t1, x2, t2, &o, &r), MSUM_OK);
    check_fit_in("ref/expected/mh_measures.csv", "rates_zero_mh_IRD", &r);
}

/* Two tables worked by hand.  Table 1: a=2, b=8, c=1, d=9 (N=20); table 2: a=3, b=7, c=3,
 * d=7 (N=20).  R = 2*9/20 + 3*7/20 = 1.95, S = 8*1/20 + 7*3/20 = 1.45, OR_MH = 1.95/1.45 =
 * 1.3448275862068966.  RR: R = 2*10/20 + 3*10/20 = 2.5, S = 1*10/20 + 3*10/20 = 2, RR = 1.25.
 * RD: sum (a n2 - c n1)/N = (20-10)/20 + (30-30)/20 = 0.5, W = 2*100/20 = 10, RD = 0.05.
 * CMH: sum a - n1 (a+c)/N = (2 - 1.5) + (3 - 3) = 0.5; with correct the numerator is 0 -> 0;
 * without: 0.25 / sum n1 n2 (a+c)(b+d)/(N^2 (N-1)) = 0.25 / (100*3*17/7600 + 100*6*14/7600)
 * = 0.25 / (5100/7600 + 8400/7600) = 0.25 * 7600/13500 = 0.14074074074074075.
 * Peto: O-E = 0.5 + 0, V = 5100/7600 + 8400/7600 = 13500/7600, beta = 0.5*7600/13500
 * = 0.28148148148148150. */
Test(mh, two_tables_by_hand)
{
    double a[2] = {2, 3}, b[2] = {8, 7}, c[2] = {1, 3}, d[2] = {9, 7};
    msum_mh_opts o = MSUM_MH_OPTS_DEFAULT;
    msum_mh_result r;
    cr_assert_eq(msum_mh(MSUM_MEASURE_OR, 2, a, b, c, d, &o, &r), MSUM_OK);
    assert_close(exp(r.beta), 1.95 / 1.45, 1e-14, "OR_MH");
    assert_close(r.cmh, 0, 1e-14, "CMH corrected");
    o.correct = 0;
    cr_assert_eq(msum_mh(MSUM_MEASURE_OR, 2, a, b, c, d, &o, &r), MSUM_OK);
    assert_close(r.cmh, 0.25 * 7600 / 13500, 1e-14, "CMH uncorrected");
    cr_assert_eq(msum_mh(MSUM_MEASURE_RR, 2, a, b, c, d, &o, &r), MSUM_OK);
    assert_close(exp(r.beta), 1.25, 1e-14, "RR_MH");
    cr_expect(isnan(r.cmh), "no CMH test for RR");
    cr_assert_eq(msum_mh(MSUM_MEASURE_RD, 2, a, b, c, d, &o, &r), MSUM_OK);
    assert_close(r.beta, 0.05, 1e-14, "RD_MH");
    cr_assert_eq(msum_peto(2, a, b, c, d, &o, &r), MSUM_OK);
    assert_close(r.beta, 0.5 * 7600 / 13500, 1e-14, "Peto");
    assert_close(r.se, sqrt(7600.0 / 13500), 1e-14, "Peto se");
}

Test(mh, undefined_and_invalid)
{
    /* no events in group 2 anywhere: RR_MH undefined (metafor: NA), OR too (S = 0) */
    double a[2] = {2, 3}, b[2] = {8, 7}, c[2] = {0, 0}, d[2] = {10, 10};
    msum_mh_opts o = MSUM_MH_OPTS_DEFAULT;
    msum_mh_result r;
    cr_assert_eq(msum_mh(MSUM_MEASURE_RR, 2, a, b, c, d, &o, &r), MSUM_OK);
    cr_expect(isnan(r.beta) && isnan(r.se) && isnan(r.Q), "RR undefined");
    cr_assert_eq(msum_mh(MSUM_MEASURE_OR, 2, a, b, c, d, &o, &r), MSUM_OK);
    cr_expect(isnan(r.beta) && isnan(r.tarone) && r.k_pos == 0, "OR undefined");
    cr_expect(!isnan(r.cmh), "CMH is defined without the estimate");
    cr_expect_eq(msum_mh(MSUM_MEASURE_SMD, 2, a, b, c, d, &o, &r), MSUM_EINVAL);
    double neg[2] = {-1, 3};
    cr_expect_eq(msum_mh(MSUM_MEASURE_OR, 2, neg, b, c, d, &o, &r), MSUM_EDATA);
    double na[2] = {NAN, NAN};
    cr_expect_eq(msum_mh(MSUM_MEASURE_OR, 2, na, b, c, d, &o, &r), MSUM_EDOM);
    o.level = 1;
    cr_expect_eq(msum_mh(MSUM_MEASURE_OR, 2, a, b, c, d, &o, &r), MSUM_EINVAL);
    /* every table without events: Peto has no variance */
    double z[2] = {0, 0};
    o = (msum_mh_opts)MSUM_MH_OPTS_DEFAULT;
    cr_expect_eq(msum_peto(2, z, b, z, d, &o, &r), MSUM_EDOM);
}

/* Peto with one informative table: (2, 8, 1, 9) and a double-zero table kept (drop00 off).
 * O - E = 2 - 3*10/20 = 0.5, V = 3*17*(1/2)(1/2)/19 = 12.75/19, beta = 0.5*19/12.75
 * = 0.74509803921568627; Q from the tables = 0.25/V - 0.25/V = 0; k_yi = 2 but k_pos = 1, so
 * metafor (rma.peto(ai=c(2,0), bi=c(8,10), ci=c(1,0), di=c(9,10), drop00=FALSE)) reports
 * QEp 1, I2 0, H2 1 rather than the k_yi - 1 = 1 df values. */
Test(mh, peto_one_informative_table)
{
    double a[2] = {2, 0}, b[2] = {8, 10}, c[2] = {1, 0}, d[2] = {9, 10};
    msum_mh_opts o = MSUM_MH_OPTS_DEFAULT;
    o.drop00[0] = 0;
    msum_mh_result r;
    cr_assert_eq(msum_peto(2, a, b, c, d, &o, &r), MSUM_OK);
    assert_close(r.beta, 0.5 * 19 / 12.75, 1e-14, "beta");
    cr_expect_eq(r.k_yi, 2u);
    cr_expect_eq(r.k_pos, 1u);
    assert_close(r.Q, 0, 1e-14, "Q");
    cr_expect_eq(r.Qp, 1);
    cr_expect_eq(r.I2, 0);
    cr_expect_eq(r.H2, 1);
}
