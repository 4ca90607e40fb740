/* Tests for effect sizes and conversions (src/core/escalc.c): metafor 3.8 escalc values for
 * BCG (RR) and Normand 1999 (MD, SMD, ROM) from tests/ref/metafor38/, and hand calculations
 * for every conversion, zero-cell policy and invalid input. */
#include <gsl/gsl_errno.h>
#include <gsl/gsl_sf_gamma.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif
#include "metasum/metasum.h"

static void setup(void) { gsl_set_error_handler_off(); }

TestSuite(escalc, .init = setup);

/* A small reader for the reference CSVs: header + rows of plain comma-separated fields (these
 * files have no quoted fields).  Returns the number of rows; cells in tab[row][col]. */
enum { MAXROWS = 64, MAXCOLS = 16, MAXCELL = 64 };
typedef struct {
    int nrow, ncol;
    char head[MAXCOLS][MAXCELL];
    char cell[MAXROWS][MAXCOLS][MAXCELL];
} csvtab;

static void split(char *line, char out[][MAXCELL], int *n)
{
    line[strcspn(line, "\r\n")] = '\0';
    *n = 0;
    for (char *p = line;; ) {
        char *c = strchr(p, ',');
        if (c) *c = '\0';
        cr_assert_lt(*n, MAXCOLS);
        snprintf(out[(*n)++], MAXCELL, "%s", p);
        if (!c) break;
        p = c + 1;
    }
}

static void read_csv(const char *path, csvtab *t)
{
    FILE *fp = fopen(path, "r");
    cr_assert_not_null(fp, "cannot open %s (tests run from tests/)", path);
    char line[1024];
    cr_assert_not_null(fgets(line, sizeof line, fp));
    split(line, t->head, &t->ncol);
    t->nrow = 0;
    while (fgets(line, sizeof line, fp)) {
        int n;
        cr_assert_lt(t->nrow, MAXROWS);
        split(line, t->cell[t->nrow], &n);
        cr_assert_eq(n, t->ncol, "%s: ragged row %d", path, t->nrow + 2);
        t->nrow++;
    }
    fclose(fp);
}

static double num(const csvtab *t, int row, const char *col)
{
    for (int c = 0; c < t->ncol; c++)
        if (strcmp(t->head[c], col) == 0) {
            char *end;
            double v = strtod(t->cell[row][c], &end);
            cr_assert(*end == '\0', "not a number: %s", t->cell[row][c]);
            return v;
        }
    cr_assert_fail("no column %s", col);
    return NAN;
}

static msum_record rec_of(msum_input in)
{
    msum_record r;
    msum_record_clear(&r);
    r.input = in;
    return r;
}

static msum_record continuous(double m1, double sd1, double n1, double m2, double sd2, double n2)
{
    msum_record r = rec_of(MSUM_INPUT_CONTINUOUS);
    r.x[MSUM_F_M1I] = m1, r.x[MSUM_F_SD1I] = sd1, r.x[MSUM_F_N1I] = n1;
    r.x[MSUM_F_M2I] = m2, r.x[MSUM_F_SD2I] = sd2, r.x[MSUM_F_N2I] = n2;
    return r;
}

static msum_record counts(double a, double b, double c, double d)
{
    msum_record r = rec_of(MSUM_INPUT_COUNTS);
    r.x[MSUM_F_AI] = a, r.x[MSUM_F_BI] = b, r.x[MSUM_F_CI] = c, r.x[MSUM_F_DI] = d;
    return r;
}

static msum_effect ok(const msum_record *r, msum_measure m, const msum_escalc_opts *o)
{
    msum_effect e;
    int st = msum_escalc(r, m, o, &e);
    cr_assert_eq(st, MSUM_OK, "status %d (%s): %s", st, msum_strerror(st), e.message);
    return e;
}

static void conv_is(const msum_effect *e, const char *want)
{
    char buf[256];
    int n = msum_effect_conversion(e, buf, sizeof buf);
    cr_expect_str_eq(buf, want);
    cr_expect_eq(n, (int)strlen(want));
}

/* ---- metafor 3.8 references ---------------------------------------------------------- */

Test(escalc, bcg_rr_matches_metafor_all_13)
{
    csvtab in, ref;
    read_csv("ref/metafor38/inputs/bcg.csv", &in);
    read_csv("ref/metafor38/inputs/bcg_rr_yivi.csv", &ref);
    cr_assert_eq(in.nrow, 13);
    cr_assert_eq(ref.nrow, 13);
    for (int i = 0; i < 13; i++) {
        msum_record r = counts(num(&in, i, "tpos"), num(&in, i, "tneg"), num(&in, i, "cpos"),
                               num(&in, i, "cneg"));
        msum_effect e = ok(&r, MSUM_MEASURE_RR, NULL);
        assert_close(e.yi, num(&ref, i, "yi"), 1e-10, "bcg yi");
        assert_close(e.vi, num(&ref, i, "vi"), 1e-10, "bcg vi");
        cr_expect_eq(e.scale, MSUM_SCALE_LOG);
        cr_expect_eq(e.conv, 0u, "no zero cells in BCG: no correction");
    }
}

static void normand(msum_measure m, const char *refpath)
{
    csvtab in, ref;
    read_csv("ref/metafor38/inputs/normand1999.csv", &in);
    read_csv(refpath, &ref);
    cr_assert_eq(in.nrow, 9);
    cr_assert_eq(ref.nrow, 9);
    for (int i = 0; i < 9; i++) {
        msum_record r = continuous(num(&in, i, "m1i"), num(&in, i, "sd1i"), num(&in, i, "n1i"),
                                   num(&in, i, "m2i"), num(&in, i, "sd2i"), num(&in, i, "n2i"));
        msum_effect e = ok(&r, m, NULL);
        assert_close(e.yi, num(&ref, i, "yi"), 1e-10, refpath);
        assert_close(e.vi, num(&ref, i, "vi"), 1e-10, refpath);
        cr_expect_eq(e.measure, m);
    }
}

Test(escalc, normand_md_matches_metafor_all_9)
{
    normand(MSUM_MEASURE_MD, "ref/metafor38/inputs/normand1999_md_yivi.csv");
}

Test(escalc, normand_smd_matches_metafor_all_9)
{
    normand(MSUM_MEASURE_SMD, "ref/metafor38/inputs/normand1999_smd_yivi.csv");
}

Test(escalc, normand_rom_matches_metafor_all_9)
{
    normand(MSUM_MEASURE_ROM, "ref/metafor38/inputs/normand1999_rom_yivi.csv");
}

/* Value of `quantity` for `case` in a tests/ref/expected file (case,quantity,value; %.12g). */
static double expected(const char *path, const char *casename, const char *quantity)
{
    FILE *fp = fopen(path, "r");
    cr_assert_not_null(fp, "cannot open %s", path);
    char line[512], want[256];
    snprintf(want, sizeof want, "%s,%s,", casename, quantity);
    double v = NAN;
    int found = 0;
    while (fgets(line, sizeof line, fp))
        if (strncmp(line, want, strlen(want)) == 0) {
            v = strtod(line + strlen(want), NULL);
            found = 1;
            break;
        }
    fclose(fp);
    cr_assert(found, "%s: no %s", path, want);
    return v;
}

static void bcg_counts(msum_measure m, const char *refpath)
{
    csvtab in, ref;
    read_csv("ref/inputs/bcg.csv", &in);
    read_csv(refpath, &ref);
    cr_assert_eq(ref.nrow, 13);
    for (int i = 0; i < 13; i++) {
        msum_record r = counts(num(&in, i, "tpos"), num(&in, i, "tneg"), num(&in, i, "cpos"),
                               num(&in, i, "cneg"));
        msum_effect e = ok(&r, m, NULL);
        assert_close(e.yi, num(&ref, i, "yi"), 1e-10, refpath);
        assert_close(e.vi, num(&ref, i, "vi"), 1e-10, refpath);
    }
}

Test(escalc, bcg_or_rd_match_metafor_all_13)
{
    bcg_counts(MSUM_MEASURE_OR, "ref/inputs/bcg_or_yivi.csv");
    bcg_counts(MSUM_MEASURE_RD, "ref/inputs/bcg_rd_yivi.csv");
}

Test(escalc, molloy2014_zcor_matches_metafor_all_16)
{
    csvtab in;
    read_csv("ref/inputs/molloy2014_zcor_yivi.csv", &in);
    cr_assert_eq(in.nrow, 16);
    for (int i = 0; i < 16; i++) {
        msum_record r = rec_of(MSUM_INPUT_CORRELATION);
        r.x[MSUM_F_RI] = num(&in, i, "ri"), r.x[MSUM_F_NI] = num(&in, i, "ni");
        msum_effect e = ok(&r, MSUM_MEASURE_ZCOR, NULL);
        assert_close(e.yi, num(&in, i, "yi"), 1e-10, "molloy yi");
        assert_close(e.vi, num(&in, i, "vi"), 1e-10, "molloy vi");
    }
}

/* metafor's zero-cell handling (add = 1/2, to = "only0" and "all") for OR, RR and RD; the
 * expected values are printed with 12 significant digits. */
Test(escalc, zero_cells_match_metafor)
{
    static const struct {
        const char *name;
        msum_measure m;
    } ms[] = {{"or", MSUM_MEASURE_OR}, {"rr", MSUM_MEASURE_RR}, {"rd", MSUM_MEASURE_RD}};
    const char *exp_path = "ref/expected/zero_cells.csv";
    csvtab in;
    read_csv("ref/inputs/zero_cells.csv", &in);
    cr_assert_eq(in.nrow, 4);
    for (int k = 0; k < 3; k++)
        for (int all = 0; all < 2; all++) {
            msum_escalc_opts o = MSUM_ESCALC_OPTS_DEFAULT;
            o.to = all ? MSUM_CC_ALL : MSUM_CC_ONLY0;
            char casename[64], q[32];
            snprintf(casename, sizeof casename, "zero_%s_%s_escalc", ms[k].name,
                     all ? "all" : "only0");
            for (int i = 0; i < 4; i++) {
                msum_record r = counts(num(&in, i, "ai"), num(&in, i, "bi"), num(&in, i, "ci"),
                                       num(&in, i, "di"));
                msum_effect e = ok(&r, ms[k].m, &o);
                snprintf(q, sizeof q, "yi[%d]", i + 1);
                assert_close(e.yi, expected(exp_path, casename, q), 1e-10, casename);
                snprintf(q, sizeof q, "vi[%d]", i + 1);
                assert_close(e.vi, expected(exp_path, casename, q), 1e-10, casename);
                /* studies 1 and 2 have zero cells; 3 and 4 are corrected only under "all" */
                cr_expect_eq(!!(e.conv & MSUM_CONV_CC), all || i < 2, "%s row %d", casename,
                             i + 1);
            }
        }
}

/* Generic rows: given yi and vi pass through unchanged (hackshaw1998, log OR). */
Test(escalc, hackshaw1998_generic_passthrough)
{
    csvtab in;
    read_csv("ref/inputs/hackshaw1998.csv", &in);
    for (int i = 0; i < in.nrow; i++) {
        msum_record r = rec_of(MSUM_INPUT_GENERIC);
        r.measure = MSUM_MEASURE_OR;
        r.x[MSUM_F_YI] = num(&in, i, "yi"), r.x[MSUM_F_VI] = num(&in, i, "vi");
        msum_effect e = ok(&r, MSUM_MEASURE_NONE, NULL);
        cr_expect_eq(e.yi, num(&in, i, "yi"));
        cr_expect_eq(e.vi, num(&in, i, "vi"));
        assert_close(e.ci_ub - e.ci_lb, 2 * 1.959963984540054 * sqrt(e.vi), 1e-12, "CI width");
    }
}

/* ---- hand calculations ---------------------------------------------------------------- */

Test(escalc, hedges_j_exact_gamma_form)
{
    /* J(2) = Gamma(1) / (sqrt(1) Gamma(1/2)) = 1/sqrt(pi) */
    assert_close(msum_hedges_j(2), 1 / sqrt(M_PI), 1e-13, "J(2)");
    /* J(3) = Gamma(3/2) / (sqrt(3/2) Gamma(1)) = (sqrt(pi)/2) / sqrt(1.5) */
    assert_close(msum_hedges_j(3), sqrt(M_PI) / 2 / sqrt(1.5), 1e-13, "J(3)");
    /* J(4) = Gamma(2) / (sqrt(2) Gamma(3/2)) = 1 / (sqrt(2) sqrt(pi)/2) = 2/sqrt(2 pi) */
    assert_close(msum_hedges_j(4), 2 / sqrt(2 * M_PI), 1e-13, "J(4)");
    /* Large m: the approximation 1 - 3/(4m - 1) is within O(m^-2) */
    cr_expect(fabs(msum_hedges_j(1000) - (1 - 3.0 / 3999)) < 1e-6);
    /* Integer m below 594 uses GSL's factorial tables, others gsl_sf_lngamma_e.  Reference:
     * ln(Gamma(m/2) / Gamma((m-1)/2)) as GSL's Pochhammer lnpoch((m-1)/2, 1/2), which has no
     * cancellation; the difference of two log-gammas near 600 (metafor's form, and ours) carries
     * about 3e-13 of rounding. */
    for (int m = 2; m <= 700; m++) {
        gsl_sf_result p;
        cr_assert_eq(gsl_sf_lnpoch_e((m - 1) / 2.0, 0.5, &p), GSL_SUCCESS);
        assert_close(msum_hedges_j(m), exp(p.val - 0.5 * log(m / 2.0)), 1e-12, "J(m)");
    }
    assert_close(msum_hedges_j(10.5), exp(lgamma(5.25) - log(sqrt(5.25)) - lgamma(4.75)), 1e-13,
                 "J(10.5)");
    cr_expect(isnan(msum_hedges_j(1)));
    cr_expect(isnan(msum_hedges_j(NAN)));
}

Test(escalc, ci_uses_level_and_back_transform)
{
    /* MD: yi = 3 - 1 = 2, vi = 2^2/4 + 2^2/4 = 2, se = sqrt 2;
     * 90%: z = 1.6448536269514722, CI 2 -/+ 1.6448536269514722 * 1.4142135623730951 */
    msum_record r = continuous(3, 2, 4, 1, 2, 4);
    msum_escalc_opts o = MSUM_ESCALC_OPTS_DEFAULT;
    o.level = 0.90;
    msum_effect e = ok(&r, MSUM_MEASURE_MD, &o);
    assert_close(e.vi, 2, 1e-15, "vi");
    assert_close(e.sei, sqrt(2.0), 1e-15, "sei");
    assert_close(e.ci_lb, 2 - 1.6448536269514722 * sqrt(2.0), 1e-14, "lb 90%");
    assert_close(e.ci_ub, 2 + 1.6448536269514722 * sqrt(2.0), 1e-14, "ub 90%");
    cr_expect_str_eq(msum_scale_name(e.scale), "natural");
    /* prepared options give the same numbers */
    cr_assert_eq(msum_escalc_prepare(&o), MSUM_OK);
    assert_close(o.z, 1.6448536269514722, 1e-15, "z 90%");
    msum_effect p = ok(&r, MSUM_MEASURE_MD, &o);
    cr_expect_eq(p.ci_lb, e.ci_lb);
    cr_expect_eq(p.ci_ub, e.ci_ub);
    o.level = 1.5;
    cr_expect_eq(msum_escalc_prepare(&o), MSUM_EINVAL);
    /* ZCOR: r = 0.5, n = 28: yi = atanh 0.5 = 0.5493061443340548, vi = 1/25 = 0.04, se 0.2;
     * r-scale lower bound tanh(0.5493061443340548 - 1.959963984540054 * 0.2)
     * = tanh(0.15731334742604) = 0.15602836252908595 */
    msum_record z = rec_of(MSUM_INPUT_CORRELATION);
    z.x[MSUM_F_RI] = 0.5, z.x[MSUM_F_NI] = 28;
    e = ok(&z, MSUM_MEASURE_NONE, NULL);
    cr_expect_eq(e.measure, MSUM_MEASURE_ZCOR);
    assert_close(e.yi, 0.5493061443340548, 1e-14, "z");
    assert_close(e.vi, 0.04, 1e-15, "vi");
    assert_close(msum_measure_transf(e.measure, e.ci_lb), 0.15602836252908595, 1e-12, "r lb");
    assert_close(msum_measure_transf(e.measure, e.yi), 0.5, 1e-14, "r");
    cr_expect_str_eq(msum_scale_name(e.scale), "fisher_z");
    /* exp back-transform for log measures */
    assert_close(msum_measure_transf(MSUM_MEASURE_RR, log(2.0)), 2, 1e-15, "exp");
    assert_close(msum_measure_transf(MSUM_MEASURE_SMD, 0.3), 0.3, 0, "identity");
}

Test(escalc, sem_to_sd)
{
    /* Group 1 gives SEM 2 with n 16: SD = 2 sqrt 16 = 8.  MD = 10 - 7 = 3,
     * vi = 8^2/16 + 4^2/4 = 4 + 4 = 8 (= SEM1^2 + SD2^2/n2). */
    msum_record r = continuous(10, NAN, 16, 7, 4, 4);
    r.x[MSUM_F_SEM1I] = 2;
    msum_effect e = ok(&r, MSUM_MEASURE_MD, NULL);
    assert_close(e.yi, 3, 1e-15, "yi");
    assert_close(e.vi, 8, 1e-15, "vi");
    conv_is(&e, "sem_to_sd");
    /* An SD, when given, wins over the SEM (no conversion). */
    r.x[MSUM_F_SD1I] = 8;
    e = ok(&r, MSUM_MEASURE_MD, NULL);
    conv_is(&e, "");
}

/* n = 25: n^0.75 = 5^1.5 = 11.180339887498949, n^0.55 = 5.873094715440096;
 * Phi^-1((25 - 0.375)/25.25 = 0.9752475247524752) = 1.9642168419486286,
 * Phi^-1((18.75 - 0.125)/25.25 = 0.7376237623762376) = 0.6360367406958257 (Python
 * statistics.NormalDist.inv_cdf, an independent implementation). */
Test(escalc, median_range_iqr_wan_luo)
{
    double mean, sd;
    /* C1 {min 2, median 10, max 30}: w = 4 / (4 + 11.180339887498949) = 0.2634987114678513;
     * mean = w (2 + 30)/2 + (1 - w) 10 = 11.580992268807108;
     * sd = 28 / (2 * 1.9642168419486286) = 7.12752263447202 */
    cr_assert_eq(msum_median_to_mean_sd(2, NAN, 10, NAN, 30, 25, &mean, &sd), MSUM_OK);
    assert_close(mean, 11.580992268807108, 1e-12, "C1 mean");
    assert_close(sd, 7.12752263447202, 1e-12, "C1 sd");
    /* C2 {q1 6, median 10, q3 15}: w = 0.7 + 0.39/25 = 0.7156;
     * mean = 0.7156 * 10.5 + 0.2844 * 10 = 10.3578; sd = 9 / (2 * 0.6360367406958257)
     * = 7.075062983117908 */
    cr_assert_eq(msum_median_to_mean_sd(NAN, 6, 10, 15, NAN, 25, &mean, &sd), MSUM_OK);
    assert_close(mean, 10.3578, 1e-12, "C2 mean");
    assert_close(sd, 7.075062983117908, 1e-12, "C2 sd");
    /* C3 all five: w1 = 2.2 / (2.2 + 11.180339887498949) = 0.1644203374874974,
     * w2 = 0.7 - 0.72 / 5.873094715440096 = 0.577407051157007;
     * mean = w1 * 16 + w2 * 10.5 + (1 - w1 - w2) * 10 = 11.275225550503489;
     * sd = (7.12752263447202 + 7.075062983117908) / 2 = 7.101292808794964 */
    cr_assert_eq(msum_median_to_mean_sd(2, 6, 10, 15, 30, 25, &mean, &sd), MSUM_OK);
    assert_close(mean, 11.275225550503489, 1e-12, "C3 mean");
    assert_close(sd, 7.101292808794964, 1e-12, "C3 sd");

    /* In a row: group 1 as median/IQR (C2 above), group 2 as mean/SEM (mean 8, SEM 1, n 25
     * -> SD 5).  MD = 10.3578 - 8 = 2.3578; vi = 7.075062983117908^2/25 + 5^2/25
     * = 2.002289649... + 1 = 3.0022896494... */
    msum_record r = rec_of(MSUM_INPUT_MEDIAN);
    r.x[MSUM_F_MED1I] = 10, r.x[MSUM_F_Q1_1I] = 6, r.x[MSUM_F_Q3_1I] = 15, r.x[MSUM_F_N1I] = 25;
    r.x[MSUM_F_M2I] = 8, r.x[MSUM_F_SEM2I] = 1, r.x[MSUM_F_N2I] = 25;
    msum_effect e = ok(&r, MSUM_MEASURE_MD, NULL);
    assert_close(e.yi, 2.3578, 1e-12, "yi");
    assert_close(e.vi, 7.075062983117908 * 7.075062983117908 / 25 + 1, 1e-12, "vi");
    conv_is(&e, "sem_to_sd;median_iqr_to_mean_sd(Wan2014,Luo2016)");
}

Test(escalc, percent_and_fold_to_rom_without_variance)
{
    /* +50 % -> ln 1.5 = 0.4054651081081644; -20 % -> ln 0.8 = -0.2231435513142097 */
    msum_record r = rec_of(MSUM_INPUT_PERCENT);
    r.x[MSUM_F_PCT] = 50;
    msum_effect e = ok(&r, MSUM_MEASURE_NONE, NULL);
    assert_close(e.yi, 0.4054651081081644, 1e-15, "pct 50");
    cr_expect(isnan(e.vi) && isnan(e.sei) && isnan(e.ci_lb) && isnan(e.ci_ub));
    cr_expect_eq(e.measure, MSUM_MEASURE_ROM);
    conv_is(&e, "pct_to_rom");
    r.x[MSUM_F_PCT] = -20;
    e = ok(&r, MSUM_MEASURE_ROM, NULL);
    assert_close(e.yi, -0.2231435513142097, 1e-15, "pct -20");
    /* fold 2 -> ln 2 = 0.6931471805599453 */
    msum_record f = rec_of(MSUM_INPUT_FOLD);
    f.x[MSUM_F_FOLD] = 2;
    e = ok(&f, MSUM_MEASURE_NONE, NULL);
    assert_close(e.yi, 0.6931471805599453, 1e-15, "fold 2");
    cr_expect(isnan(e.vi));
    conv_is(&e, "fold_to_rom");
}

Test(escalc, generic_vi_sei_ci_p)
{
    msum_record r = rec_of(MSUM_INPUT_GENERIC);
    r.measure = MSUM_MEASURE_ROM;
    r.x[MSUM_F_YI] = 0.5;
    r.x[MSUM_F_SEI] = 0.25; /* vi = 0.0625 */
    msum_effect e = ok(&r, MSUM_MEASURE_NONE, NULL);
    assert_close(e.vi, 0.0625, 1e-15, "sei^2");
    cr_expect_eq(e.measure, MSUM_MEASURE_ROM);
    cr_expect_eq(e.scale, MSUM_SCALE_LOG);
    conv_is(&e, "");
    /* CI 0.1 .. 0.9 at 95 %: se = 0.8 / (2 * 1.959963984540054) = 0.2040853827698616 */
    r.x[MSUM_F_SEI] = NAN;
    r.x[MSUM_F_CI_LB] = 0.1, r.x[MSUM_F_CI_UB] = 0.9;
    e = ok(&r, MSUM_MEASURE_NONE, NULL);
    assert_close(e.sei, 0.2040853827698616, 1e-13, "ci_to_se");
    conv_is(&e, "ci_to_se");
    /* the same CI read as a 90 % CI: se = 0.8 / (2 * 1.6448536269514722) = 0.2431826... */
    msum_escalc_opts o = MSUM_ESCALC_OPTS_DEFAULT;
    o.input_level = 0.90;
    e = ok(&r, MSUM_MEASURE_NONE, &o);
    assert_close(e.sei, 0.8 / (2 * 1.6448536269514722), 1e-13, "ci_to_se 90%");
    /* p = 0.05 two-sided with yi = -0.5 (GEN): z = 1.959963984540054, se = 0.5 / z
     * = 0.255106728462327, so the 95 % CI is exactly -0.5 -/+ 0.5 = [-1, 0]. */
    msum_record p = rec_of(MSUM_INPUT_GENERIC);
    p.x[MSUM_F_YI] = -0.5, p.x[MSUM_F_PVAL] = 0.05;
    e = ok(&p, MSUM_MEASURE_NONE, NULL);
    cr_expect_eq(e.measure, MSUM_MEASURE_GEN);
    assert_close(e.sei, 0.255106728462327, 1e-13, "p_to_se");
    assert_close(e.ci_lb, -1, 1e-13, "lb");
    assert_close(e.ci_ub, 0, 1e-13, "ub");
    conv_is(&e, "p_to_se");
    /* vi wins over everything else */
    p.x[MSUM_F_VI] = 0.01;
    e = ok(&p, MSUM_MEASURE_NONE, NULL);
    assert_close(e.vi, 0.01, 0, "vi");
    conv_is(&e, "");
}

Test(escalc, direction_only)
{
    msum_record r = rec_of(MSUM_INPUT_DIRECTION);
    r.direction = MSUM_DIR_INCREASE;
    msum_effect e = ok(&r, MSUM_MEASURE_SMD, NULL);
    cr_expect(isnan(e.yi) && isnan(e.vi));
    cr_expect_eq(e.measure, MSUM_MEASURE_NONE);
    conv_is(&e, "direction_only");
}

/* ---- zero cells ------------------------------------------------------------------------ */

/* Table a=0, b=10, c=5, d=5 with 1/2 added: a=.5, b=10.5, c=5.5, d=5.5, n1 = n2 = 11.
 *   RR: ln((.5/11)/(5.5/11)) = ln(1/11) = -2.3978952727983707; vi = 2 - 1/11 + 1/5.5 - 1/11 = 2
 *   OR: ln((.5/10.5)/(5.5/5.5)) = ln(1/21) = -3.044522437723423;
 *       vi = 2 + 1/10.5 + 2/5.5 = 2.458874458874459
 *   RD: 1/22 - 1/2 = -5/11; vi = (1/22)(21/22)/11 + (1/4)/11 = (142/484)/11 = 142/5324 */
Test(escalc, zero_cell_only0_default)
{
    msum_record r = counts(0, 10, 5, 5);
    msum_effect e = ok(&r, MSUM_MEASURE_RR, NULL);
    assert_close(e.yi, log(1.0 / 11), 1e-14, "RR");
    assert_close(e.vi, 2, 1e-14, "RR vi");
    conv_is(&e, "cc_add_0.5");
    e = ok(&r, MSUM_MEASURE_OR, NULL);
    assert_close(e.yi, log(1.0 / 21), 1e-14, "OR");
    assert_close(e.vi, 2 + 1 / 10.5 + 2 / 5.5, 1e-14, "OR vi");
    e = ok(&r, MSUM_MEASURE_RD, NULL);
    assert_close(e.yi, -5.0 / 11, 1e-14, "RD");
    assert_close(e.vi, 142.0 / 5324, 1e-14, "RD vi");
    conv_is(&e, "cc_add_0.5");
    /* the same table with group sizes instead of non-events: bi = 10 - 0, di = 10 - 5 */
    msum_record gs = counts(0, NAN, 5, NAN);
    gs.x[MSUM_F_N1I] = 10, gs.x[MSUM_F_N2I] = 10;
    cr_expect_eq(msum_escalc_has_zero_cell(&gs), 1);
    e = ok(&gs, MSUM_MEASURE_RR, NULL);
    assert_close(e.yi, log(1.0 / 11), 1e-14, "RR from n1i, n2i");
    assert_close(e.vi, 2, 1e-14, "RR vi from n1i, n2i");
    /* a table without zeros is left alone under only0 */
    msum_record nz = counts(1, 9, 5, 5);
    e = ok(&nz, MSUM_MEASURE_RR, NULL);
    conv_is(&e, "");
    assert_close(e.yi, log((1.0 / 10) / (5.0 / 10)), 1e-14, "RR no cc");
}

Test(escalc, zero_cell_policies)
{
    msum_escalc_opts o = MSUM_ESCALC_OPTS_DEFAULT;
    msum_record nz = counts(1, 9, 5, 5), z = counts(0, 10, 5, 5);
    msum_effect e;
    /* all: 1 added everywhere (add = 1): a=2, b=10, c=6, d=6 -> RR ln((2/12)/(6/12)) = ln(1/3) */
    o.to = MSUM_CC_ALL;
    o.add = 1;
    e = ok(&nz, MSUM_MEASURE_RR, &o);
    assert_close(e.yi, log(1.0 / 3), 1e-14, "all");
    conv_is(&e, "cc_add_1");
    /* if0all: corrected only when some table of the analysis has a zero */
    o.to = MSUM_CC_IF0ALL;
    o.add = 0.5;
    o.any_zero = 0;
    e = ok(&nz, MSUM_MEASURE_RR, &o);
    conv_is(&e, "");
    o.any_zero = 1;
    e = ok(&nz, MSUM_MEASURE_RR, &o); /* 1.5/11 vs 5.5/11 */
    assert_close(e.yi, log(1.5 / 5.5), 1e-14, "if0all");
    conv_is(&e, "cc_add_0.5");
    cr_expect_eq(msum_escalc_has_zero_cell(&z), 1);
    cr_expect_eq(msum_escalc_has_zero_cell(&nz), 0);
    /* none: log RR of a zero cell is undefined (status, not NaN); RD is fine: 0 - 1/2,
     * vi = 0 + (1/4)/10 = 0.025 */
    o.to = MSUM_CC_NONE;
    cr_expect_eq(msum_escalc(&z, MSUM_MEASURE_RR, &o, &e), MSUM_EDOM);
    cr_expect_eq(msum_escalc(&z, MSUM_MEASURE_OR, &o, &e), MSUM_EDOM);
    e = ok(&z, MSUM_MEASURE_RD, &o);
    assert_close(e.yi, -0.5, 1e-15, "RD none");
    assert_close(e.vi, 0.025, 1e-15, "RD none vi");
    conv_is(&e, "");
    /* add = 0 under only0 is no correction either */
    o.to = MSUM_CC_ONLY0;
    o.add = 0;
    cr_expect_eq(msum_escalc(&z, MSUM_MEASURE_RR, &o, &e), MSUM_EDOM);
    /* double-zero table (metafor drop00 = FALSE): a=c=0 -> .5/11 vs .5/11: RR 0,
     * vi = 2 (1/0.5 - 1/11) = 3.8181818181818183 */
    msum_record dz = counts(0, 10, 0, 10);
    e = ok(&dz, MSUM_MEASURE_RR, NULL);
    assert_close(e.yi, 0, 1e-15, "double zero");
    assert_close(e.vi, 2 * (1 / 0.5 - 1 / 11.0), 1e-14, "double zero vi");
    msum_cc_policy p;
    cr_expect(msum_cc_policy_parse("if0all", &p) && p == MSUM_CC_IF0ALL);
    cr_expect(!msum_cc_policy_parse("some", &p));
    cr_expect_str_eq(msum_cc_policy_name(MSUM_CC_NONE), "none");
}

/* ---- invalid inputs: statuses, the field at fault, no NaN results ---------------------- */

static void fails(const msum_record *r, msum_measure m, const msum_escalc_opts *o, int st,
                  int field, const char *msgpart)
{
    msum_effect e;
    int got = msum_escalc(r, m, o, &e);
    cr_expect_eq(got, st, "status %d, expected %d (%s)", got, st, e.message);
    cr_expect_eq(e.field, field, "field %d, expected %d (%s)", e.field, field, e.message);
    cr_expect(strstr(e.message, msgpart) != NULL, "message '%s' lacks '%s'", e.message, msgpart);
}

Test(escalc, invalid_continuous)
{
    msum_record r = continuous(10, -1, 5, 8, 2, 5);
    fails(&r, MSUM_MEASURE_MD, NULL, MSUM_EDATA, MSUM_F_SD1I, "sd1i is -1");
    r = continuous(10, 1, 0, 8, 2, 5);
    fails(&r, MSUM_MEASURE_MD, NULL, MSUM_EDATA, MSUM_F_N1I, "n1i is 0");
    r = continuous(10, 1, 5, 8, NAN, 5);
    fails(&r, MSUM_MEASURE_MD, NULL, MSUM_EDATA, MSUM_F_SD2I, "sd2i is missing");
    r = continuous(NAN, 1, 5, 8, 1, 5);
    fails(&r, MSUM_MEASURE_MD, NULL, MSUM_EDATA, MSUM_F_M1I, "m1i is missing");
    r = continuous(10, 1, 5, 0, 1, 5);
    fails(&r, MSUM_MEASURE_ROM, NULL, MSUM_EDATA, MSUM_F_M2I, "means > 0");
    r = continuous(10, 1, 1, 8, 1, 2); /* m = 1 */
    fails(&r, MSUM_MEASURE_SMD, NULL, MSUM_EDOM, MSUM_F_N1I, "n1i + n2i - 2 is 1");
    r = continuous(10, 0, 5, 8, 0, 5);
    fails(&r, MSUM_MEASURE_SMD, NULL, MSUM_EDOM, MSUM_F_SD1I, "pooled SD is 0");
    r = continuous(10, 1, 5, 8, 1, 5);
    fails(&r, MSUM_MEASURE_NONE, NULL, MSUM_EINVAL, -1, "MD, SMD or ROM");
    fails(&r, MSUM_MEASURE_RR, NULL, MSUM_EINVAL, -1, "not RR");
    msum_escalc_opts o = MSUM_ESCALC_OPTS_DEFAULT;
    o.level = 1;
    fails(&r, MSUM_MEASURE_MD, &o, MSUM_EINVAL, -1, "level");
    o = (msum_escalc_opts)MSUM_ESCALC_OPTS_DEFAULT;
    o.add = -1;
    fails(&r, MSUM_MEASURE_MD, &o, MSUM_EINVAL, -1, "add");
    msum_effect e;
    cr_expect_eq(msum_escalc(&r, MSUM_MEASURE_MD, NULL, NULL), MSUM_EINVAL);
    cr_expect_eq(msum_escalc(NULL, MSUM_MEASURE_MD, NULL, &e), MSUM_EINVAL);
}

Test(escalc, invalid_median)
{
    msum_record r = rec_of(MSUM_INPUT_MEDIAN);
    r.x[MSUM_F_MED1I] = 10, r.x[MSUM_F_Q1_1I] = 12, r.x[MSUM_F_Q3_1I] = 15, r.x[MSUM_F_N1I] = 25;
    r.x[MSUM_F_M2I] = 8, r.x[MSUM_F_SD2I] = 1, r.x[MSUM_F_N2I] = 25;
    fails(&r, MSUM_MEASURE_MD, NULL, MSUM_EDATA, MSUM_F_MED1I, "median (10) is below q1 (12)");
    r.x[MSUM_F_Q1_1I] = NAN;
    fails(&r, MSUM_MEASURE_MD, NULL, MSUM_EDATA, MSUM_F_Q1_1I, "q1 is missing (q3 is given)");
    r.x[MSUM_F_Q3_1I] = NAN;
    fails(&r, MSUM_MEASURE_MD, NULL, MSUM_EDATA, MSUM_F_Q1_1I, "one pair");
    r.x[MSUM_F_MIN1I] = 1, r.x[MSUM_F_MAX1I] = 20, r.x[MSUM_F_N1I] = 1;
    fails(&r, MSUM_MEASURE_MD, NULL, MSUM_EDOM, MSUM_F_N1I, "n >= 2");
    r.x[MSUM_F_N1I] = 2; /* n = 2 is the smallest size with a quantile above 1/2 */
    msum_effect e = ok(&r, MSUM_MEASURE_MD, NULL);
    cr_expect(isfinite(e.vi) && e.vi > 0);
    double mean, sd;
    cr_expect_eq(msum_median_to_mean_sd(1, NAN, 5, NAN, 3, 10, &mean, &sd), MSUM_EDATA);
}

Test(escalc, invalid_counts_correlation_pct_fold)
{
    msum_record r = counts(1, -2, 3, 4);
    fails(&r, MSUM_MEASURE_OR, NULL, MSUM_EDATA, MSUM_F_BI, "bi is -2");
    r = counts(1, 2, NAN, 4);
    fails(&r, MSUM_MEASURE_OR, NULL, MSUM_EDATA, MSUM_F_CI, "ci is missing");
    r = counts(5, NAN, 3, 4);
    r.x[MSUM_F_N1I] = 4;
    fails(&r, MSUM_MEASURE_OR, NULL, MSUM_EDATA, MSUM_F_N1I, "n1i (4) is below ai (5)");
    r.x[MSUM_F_N1I] = NAN;
    fails(&r, MSUM_MEASURE_OR, NULL, MSUM_EDATA, MSUM_F_BI, "bi is missing (give bi or n1i)");
    r = counts(1, 2, 3, 4);
    fails(&r, MSUM_MEASURE_SMD, NULL, MSUM_EINVAL, -1, "RR, OR or RD");
    msum_record c = rec_of(MSUM_INPUT_CORRELATION);
    c.x[MSUM_F_RI] = 1.2, c.x[MSUM_F_NI] = 30;
    fails(&c, MSUM_MEASURE_NONE, NULL, MSUM_EDATA, MSUM_F_RI, "ri is 1.2");
    c.x[MSUM_F_RI] = 1;
    fails(&c, MSUM_MEASURE_NONE, NULL, MSUM_EDOM, MSUM_F_RI, "infinite");
    c.x[MSUM_F_RI] = 0.3, c.x[MSUM_F_NI] = 4;
    fails(&c, MSUM_MEASURE_NONE, NULL, MSUM_EDOM, MSUM_F_NI, "ni >= 5");
    c.x[MSUM_F_NI] = 30;
    fails(&c, MSUM_MEASURE_SMD, NULL, MSUM_EINVAL, -1, "ZCOR");
    msum_record p = rec_of(MSUM_INPUT_PERCENT);
    p.x[MSUM_F_PCT] = -100;
    fails(&p, MSUM_MEASURE_NONE, NULL, MSUM_EDATA, MSUM_F_PCT, "pct is -100");
    msum_record f = rec_of(MSUM_INPUT_FOLD);
    f.x[MSUM_F_FOLD] = 0;
    fails(&f, MSUM_MEASURE_NONE, NULL, MSUM_EDATA, MSUM_F_FOLD, "fold is 0");
    f.x[MSUM_F_FOLD] = NAN;
    fails(&f, MSUM_MEASURE_NONE, NULL, MSUM_EDATA, MSUM_F_FOLD, "fold is missing");
    msum_record none = rec_of(MSUM_INPUT_NONE);
    fails(&none, MSUM_MEASURE_NONE, NULL, MSUM_EINVAL, -1, "no input form");
}

Test(escalc, invalid_generic)
{
    msum_record g = rec_of(MSUM_INPUT_GENERIC);
    g.x[MSUM_F_YI] = 0.5;
    fails(&g, MSUM_MEASURE_NONE, NULL, MSUM_EDATA, MSUM_F_VI, "vi is missing");
    g.x[MSUM_F_VI] = 0;
    fails(&g, MSUM_MEASURE_NONE, NULL, MSUM_EDATA, MSUM_F_VI, "vi is 0");
    g.x[MSUM_F_VI] = NAN, g.x[MSUM_F_SEI] = -1;
    fails(&g, MSUM_MEASURE_NONE, NULL, MSUM_EDATA, MSUM_F_SEI, "sei is -1");
    g.x[MSUM_F_SEI] = NAN, g.x[MSUM_F_CI_LB] = 0.9, g.x[MSUM_F_CI_UB] = 0.1;
    fails(&g, MSUM_MEASURE_NONE, NULL, MSUM_EDATA, MSUM_F_CI_LB, "above ci_ub");
    g.x[MSUM_F_CI_LB] = 0.6, g.x[MSUM_F_CI_UB] = 0.9; /* yi 0.5 outside: scale mix-up */
    fails(&g, MSUM_MEASURE_NONE, NULL, MSUM_EDATA, MSUM_F_YI, "outside its CI");
    g.x[MSUM_F_CI_UB] = NAN;
    fails(&g, MSUM_MEASURE_NONE, NULL, MSUM_EDATA, MSUM_F_CI_UB, "ci_ub is missing");
    g.x[MSUM_F_CI_LB] = NAN, g.x[MSUM_F_PVAL] = 0;
    fails(&g, MSUM_MEASURE_NONE, NULL, MSUM_EDATA, MSUM_F_PVAL, "pval is 0");
    g.x[MSUM_F_PVAL] = 1.5;
    fails(&g, MSUM_MEASURE_NONE, NULL, MSUM_EDATA, MSUM_F_PVAL, "(0, 1]");
    g.x[MSUM_F_PVAL] = 1;
    fails(&g, MSUM_MEASURE_NONE, NULL, MSUM_EDOM, MSUM_F_PVAL, "no standard error");
    g.x[MSUM_F_PVAL] = 0.2, g.x[MSUM_F_YI] = 0;
    fails(&g, MSUM_MEASURE_NONE, NULL, MSUM_EDOM, MSUM_F_YI, "yi is 0");
    g.x[MSUM_F_YI] = NAN;
    fails(&g, MSUM_MEASURE_NONE, NULL, MSUM_EDATA, MSUM_F_YI, "yi is missing");
    g.x[MSUM_F_YI] = 1;
    g.measure = MSUM_MEASURE_OR;
    fails(&g, MSUM_MEASURE_SMD, NULL, MSUM_EINVAL, -1, "on OR, not SMD");
}

Test(escalc, names)
{
    cr_expect_str_eq(msum_scale_name(MSUM_SCALE_LOG), "log");
    cr_expect_str_eq(msum_scale_name(MSUM_SCALE_NATURAL), "natural");
    cr_expect_str_eq(msum_scale_name(MSUM_SCALE_NONE), "");
    cr_expect_eq(msum_measure_scale(MSUM_MEASURE_ROM), MSUM_SCALE_LOG);
    cr_expect_eq(msum_measure_scale(MSUM_MEASURE_RD), MSUM_SCALE_NATURAL);
    cr_expect_eq(msum_measure_scale(MSUM_MEASURE_GEN), MSUM_SCALE_NATURAL);
    /* a small buffer truncates but reports the full length */
    msum_effect e;
    memset(&e, 0, sizeof e);
    e.conv = MSUM_CONV_SEM_TO_SD | MSUM_CONV_CC;
    e.cc_add = 0.5;
    char buf[8];
    cr_expect_eq(msum_effect_conversion(&e, buf, sizeof buf), (int)strlen("sem_to_sd;cc_add_0.5"));
    cr_expect_str_eq(buf, "sem_to_");
}

/* ROM with means far from 1: m1/m2 = 1e200/1e-200 overflows, n m^2 = 10 * 1e400 too.  By hand:
 * yi = ln(1e200) - ln(1e-200) = 400 ln 10 = 921.03403719761827; vi = (sd1/m1)^2/n1 +
 * (sd2/m2)^2/n2 = 0.1^2/10 + 0.1^2/10 = 0.002.  Ordinary means keep metafor's own forms. */
Test(escalc, rom_extreme_means_stay_finite)
{
    msum_record r = continuous(1e200, 1e199, 10, 1e-200, 1e-201, 10);
    msum_effect e = ok(&r, MSUM_MEASURE_ROM, NULL);
    assert_close(e.yi, 921.03403719761827, 1e-14, "yi");
    assert_close(e.vi, 0.002, 1e-14, "vi");
    r = continuous(10, 2, 5, 8, 2, 5); /* ln 1.25, 0.2^2/5 + 0.25^2/5 = 0.0205 */
    e = ok(&r, MSUM_MEASURE_ROM, NULL);
    cr_expect_eq(e.yi, log(10.0 / 8.0), "metafor's log(m1/m2) bit for bit");
    assert_close(e.vi, 0.0205, 1e-15, "vi");
}
