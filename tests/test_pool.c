/* Tests for intercept-only pooling (src/core/pool.c) against metafor 3.8-1 reference values
 * (tests/ref/metafor38/ and tests/ref/, see tests/ref/PROVENANCE.md): every quantity of every
 * pooling case (fits, knha/adhoc, predict, exp/tanh back-transforms, Q-profile confint,
 * fitstats, weights), plus hand-checked invariants, degenerate input and the fallback chain. */
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "metasum/metasum.h"

/* ------------------------------------------------------------------------------------------ */
/* Loaders: `case,quantity,value` reference files and study,...,yi,vi input files. */

typedef struct {
    char cas[96], qty[48];
    double value;
} refrow;

typedef struct {
    refrow *rows;
    size_t n;
} reftab;

static double parse_value(const char *s)
{
    if (strcmp(s, "NA") == 0) return NAN;
    if (strcmp(s, "Inf") == 0) return INFINITY;
    if (strcmp(s, "-Inf") == 0) return -INFINITY;
    char *end;
    double v = strtod(s, &end);
    cr_assert(end != s && *end == '\0', "bad number '%s'", s);
    return v;
}

static void chomp(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r')) s[--n] = '\0';
}

static reftab load_expected(const char *path)
{
    FILE *fp = fopen(path, "r");
    cr_assert_not_null(fp, "cannot open %s", path);
    reftab t = {NULL, 0};
    size_t cap = 0;
    char line[512];
    cr_assert_not_null(fgets(line, sizeof line, fp));
    while (fgets(line, sizeof line, fp)) {
        chomp(line);
        char *c1 = strchr(line, ','), *c2 = c1 ? strchr(c1 + 1, ',') : NULL;
        cr_assert(c1 && c2, "bad line in %s: %s", path, line);
        *c1 = *c2 = '\0';
        if (t.n == cap) {
            cap = cap ? 2 * cap : 256;
            t.rows = realloc(t.rows, cap * sizeof *t.rows);
            cr_assert_not_null(t.rows);
        }
        refrow *r = &t.rows[t.n++];
        snprintf(r->cas, sizeof r->cas, "%s", line);
        snprintf(r->qty, sizeof r->qty, "%s", c1 + 1);
        r->value = parse_value(c2 + 1);
    }
    fclose(fp);
    return t;
}

typedef struct {
    double *yi, *vi;
    size_t *row; /* 1-based input row of each study */
    size_t k;
} studies;

static void studies_free(studies *s)
{
    free(s->yi);
    free(s->vi);
    free(s->row);
}

/* Split a CSV line without quotes (the reference inputs quote nothing). */
static int split(char *line, char **f, int max)
{
    int n = 0;
    f[n++] = line;
    for (char *p = line; *p && n < max; p++)
        if (*p == ',') {
            *p = '\0';
            f[n++] = p + 1;
        }
    return n;
}

/* Read yi, vi (and keep rows whose column `fcol` equals `fval`, when given). */
static studies load_studies(const char *path, const char *fcol, const char *fval)
{
    FILE *fp = fopen(path, "r");
    cr_assert_not_null(fp, "cannot open %s", path);
    char line[1024], *f[64];
    cr_assert_not_null(fgets(line, sizeof line, fp));
    chomp(line);
    int nf = split(line, f, 64), iy = -1, iv = -1, ic = -1;
    for (int i = 0; i < nf; i++) {
        if (strcmp(f[i], "yi") == 0) iy = i;
        if (strcmp(f[i], "vi") == 0) iv = i;
        if (fcol && strcmp(f[i], fcol) == 0) ic = i;
    }
    cr_assert(iy >= 0 && iv >= 0 && (!fcol || ic >= 0), "%s: columns missing", path);
    studies s = {calloc(64, sizeof(double)), calloc(64, sizeof(double)),
                 calloc(64, sizeof(size_t)), 0};
    size_t row = 0;
    while (fgets(line, sizeof line, fp)) {
        chomp(line);
        row++;
        nf = split(line, f, 64);
        if (fcol && strcmp(f[ic], fval) != 0) continue;
        cr_assert(s.k < 64);
        s.yi[s.k] = parse_value(f[iy]);
        s.vi[s.k] = parse_value(f[iv]);
        s.row[s.k] = row;
        s.k++;
    }
    fclose(fp);
    return s;
}

/* Studies from an `<x>_escalc` case (yi[i], vi[i] at the reference's 12 digits). */
static studies studies_from_escalc(const reftab *t, const char *cas)
{
    studies s = {calloc(64, sizeof(double)), calloc(64, sizeof(double)),
                 calloc(64, sizeof(size_t)), 0};
    for (size_t i = 0; i < t->n; i++) {
        const refrow *r = &t->rows[i];
        unsigned idx;
        if (strcmp(r->cas, cas) != 0) continue;
        if (sscanf(r->qty, "yi[%u]", &idx) == 1 && idx >= 1 && idx <= 64) {
            s.yi[idx - 1] = r->value;
            s.row[idx - 1] = idx;
            if (idx > s.k) s.k = idx;
        } else if (sscanf(r->qty, "vi[%u]", &idx) == 1 && idx >= 1 && idx <= 64) {
            s.vi[idx - 1] = r->value;
        }
    }
    cr_assert(s.k > 0, "no escalc values for %s", cas);
    return s;
}

/* ------------------------------------------------------------------------------------------ */
/* Case names: <data>_<METHOD>[_knha|_adhoc][_tight][_confint|_predict|_exp|_r][_tk2|_exp]... */

typedef struct {
    const char *prefix, *file, *fcol, *fval, *escalc_case;
} dataset;

static const dataset datasets[] = {
    {"bcg_rr_alloc_random", "ref/metafor38/inputs/bcg_rr_yivi.csv", "alloc", "random", NULL},
    {"bcg_rr_alloc_alternate", "ref/metafor38/inputs/bcg_rr_yivi.csv", "alloc", "alternate",
     NULL},
    {"bcg_rr_alloc_systematic", "ref/metafor38/inputs/bcg_rr_yivi.csv", "alloc", "systematic",
     NULL},
    {"bcg_rr", "ref/metafor38/inputs/bcg_rr_yivi.csv", NULL, NULL, NULL},
    {"bcg_or", "ref/inputs/bcg_or_yivi.csv", NULL, NULL, NULL},
    {"bcg_rd", "ref/inputs/bcg_rd_yivi.csv", NULL, NULL, NULL},
    {"normand_MD", "ref/metafor38/inputs/normand1999_md_yivi.csv", NULL, NULL, NULL},
    {"normand_SMD", "ref/metafor38/inputs/normand1999_smd_yivi.csv", NULL, NULL, NULL},
    {"normand_ROM", "ref/metafor38/inputs/normand1999_rom_yivi.csv", NULL, NULL, NULL},
    {"edge_k1", "ref/inputs/edge_k1.csv", NULL, NULL, NULL},
    {"edge_k2", "ref/inputs/edge_k2.csv", NULL, NULL, NULL},
    {"edge_identical", "ref/inputs/edge_identical.csv", NULL, NULL, NULL},
    {"edge_boundary", "ref/inputs/edge_boundary.csv", NULL, NULL, NULL},
    {"edge_lb0", "ref/inputs/edge_lb0.csv", NULL, NULL, NULL},
    {"edge_qnull", "ref/inputs/edge_qnull.csv", NULL, NULL, NULL},
    {"edge_hugevar", "ref/inputs/edge_hugevar.csv", NULL, NULL, NULL},
    {"hackshaw", "ref/inputs/hackshaw1998.csv", NULL, NULL, NULL},
    {"molloy_zcor", "ref/inputs/molloy2014_zcor_yivi.csv", NULL, NULL, NULL},
    {"zero_or_only0", NULL, NULL, NULL, "zero_or_only0_escalc"},
    {"zero_or_all", NULL, NULL, NULL, "zero_or_all_escalc"},
    {"zero_rr_only0", NULL, NULL, NULL, "zero_rr_only0_escalc"},
    {"zero_rr_all", NULL, NULL, NULL, "zero_rr_all_escalc"},
    {"zero_rd_only0", NULL, NULL, NULL, "zero_rd_only0_escalc"},
    {"zero_rd_all", NULL, NULL, NULL, "zero_rd_all_escalc"},
};

/* Cases that are not intercept-only pooling (escalc, subgroup tests, meta-regression). */
static int not_pooling(const char *cas)
{
    size_t n = strlen(cas);
    return (n > 7 && strcmp(cas + n - 7, "_escalc") == 0) ||
           strncmp(cas, "bcg_rr_subgroup_", 16) == 0 || strncmp(cas, "bcg_rr_mods_", 12) == 0 ||
           strncmp(cas, "vote_", 5) == 0;
}

typedef enum { KIND_FIT, KIND_PREDICT, KIND_CONFINT } case_kind;

typedef struct {
    const dataset *data;
    msum_estimator method;
    msum_test test;
    int tight, tk2;
    case_kind kind;
    char transf; /* 0, 'e' (exp) or 'r' (tanh) */
} case_spec;

static int parse_case(const char *cas, case_spec *c)
{
    memset(c, 0, sizeof *c);
    size_t plen = 0;
    for (size_t i = 0; i < sizeof datasets / sizeof datasets[0]; i++) {
        size_t n = strlen(datasets[i].prefix);
        if (strncmp(cas, datasets[i].prefix, n) == 0 && cas[n] == '_' && n > plen) {
            c->data = &datasets[i];
            plen = n;
        }
    }
    if (!c->data) return 0;
    char buf[96], *save = NULL;
    snprintf(buf, sizeof buf, "%s", cas + plen + 1);
    char *tok = strtok_r(buf, "_", &save);
    if (!tok || msum_estimator_parse(tok, &c->method) != MSUM_OK) return 0;
    c->test = MSUM_TEST_Z;
    c->kind = KIND_FIT;
    while ((tok = strtok_r(NULL, "_", &save))) {
        if (strcmp(tok, "knha") == 0) c->test = MSUM_TEST_KNHA;
        else if (strcmp(tok, "adhoc") == 0) c->test = MSUM_TEST_KNHA_ADHOC;
        else if (strcmp(tok, "tight") == 0) c->tight = 1;
        else if (strcmp(tok, "confint") == 0) c->kind = KIND_CONFINT;
        else if (strcmp(tok, "predict") == 0) c->kind = KIND_PREDICT;
        else if (strcmp(tok, "tk2") == 0) c->tk2 = 1;
        else if (strcmp(tok, "exp") == 0) { c->kind = KIND_PREDICT; c->transf = 'e'; }
        else if (strcmp(tok, "r") == 0) { c->kind = KIND_PREDICT; c->transf = 'r'; }
        else return 0;
    }
    return 1;
}

static int is_iterative(msum_estimator m)
{
    return m == MSUM_EST_ML || m == MSUM_EST_REML || m == MSUM_EST_EB || m == MSUM_EST_PM;
}

/* metafor's uniroot tolerance (.Machine$double.eps^0.25): its default-convergence PM
 * estimates and Q-profile bounds are only known to within this much in tau2. */
#define UNIROOT_TOL 1.220703125e-4

/* Tolerance classes (tests/ref/PROVENANCE.md): closed form 1e-9 relative; tight iterative fits
 * 1e-8.  Default-convergence REML/ML/EB are refitted with metafor's own stopping rule
 * (threshold 1e-5, at most 100 Fisher scoring steps), which must retrace its iterations: 1e-9.
 * Default PM is compared within the spread its uniroot tolerance allows (see run_case). */
static double fit_tol(const case_spec *c)
{
    return is_iterative(c->method) && c->tight ? 1e-8 : 1e-9;
}

/* ------------------------------------------------------------------------------------------ */

typedef struct {
    const msum_pool_result *r;
    const studies *s;
    const double *w;
} fitview;

/* Compare, with p-values relative to their size (they can be ~1e-26). */
static void check_value(const char *what, const char *qty, double got, double want, double tol)
{
    if (strcmp(qty, "pval") == 0 || strcmp(qty, "QEp") == 0) {
        if (want > 0 && isfinite(want) && want < 1) {
            cr_expect(fabs(got - want) <= tol * want, "%s: got %.17g, expected %.17g (rel %g)",
                      what, got, want, tol);
            return;
        }
    }
    /* metafor's infinities (BIC at k = 1) are NaN in metasum, with the reason in notes */
    if (isinf(want)) {
        cr_expect(isnan(got), "%s: got %.17g, expected NaN for metafor's %g", what, got, want);
        return;
    }
    assert_close(got, want, tol, what);
}

static double transform(char t, double x)
{
    return t == 'e' ? exp(x) : t == 'r' ? tanh(x) : x;
}

/* Value of a fit/predict quantity; *found = 0 for an unknown name. */
static double fit_quantity(const fitview *f, const case_spec *c, const char *q, int *found)
{
    const msum_pool_result *r = f->r;
    *found = 1;
    unsigned idx;
    if (c->kind == KIND_PREDICT) {
        const char *p = q;
        if (c->transf) {
            const char *want = c->transf == 'e' ? "exp." : "r.";
            if (strncmp(q, want, strlen(want)) != 0) return *found = 0, NAN;
            p = q + strlen(want);
        }
        double v;
        if (strcmp(p, "pred") == 0) v = r->estimate;
        else if (strcmp(p, "pred.se") == 0 && !c->transf) v = r->se;
        else if (strcmp(p, "ci.lb") == 0) v = r->ci_lb;
        else if (strcmp(p, "ci.ub") == 0) v = r->ci_ub;
        else if (strcmp(p, "pi.lb") == 0) v = r->pi_lb;
        else if (strcmp(p, "pi.ub") == 0) v = r->pi_ub;
        else return *found = 0, NAN;
        return transform(c->transf, v);
    }
    if (strcmp(q, "k") == 0) return (double)r->k;
    if (strcmp(q, "estimate") == 0) return r->estimate;
    if (strcmp(q, "se") == 0) return r->se;
    if (strcmp(q, "zval") == 0 && r->test == MSUM_TEST_Z) return r->stat;
    if (strcmp(q, "tval") == 0 && r->test != MSUM_TEST_Z) return r->stat;
    if (strcmp(q, "pval") == 0) return r->pval;
    if (strcmp(q, "ci.lb") == 0) return r->ci_lb;
    if (strcmp(q, "ci.ub") == 0) return r->ci_ub;
    if (strcmp(q, "df") == 0) return r->df;
    if (strcmp(q, "s2w") == 0) return r->s2w;
    if (strcmp(q, "tau2") == 0) return r->tau2;
    if (strcmp(q, "se.tau2") == 0) return r->se_tau2;
    if (strcmp(q, "tau") == 0) return r->tau;
    if (strcmp(q, "I2") == 0) return r->I2;
    if (strcmp(q, "H2") == 0) return r->H2;
    if (strcmp(q, "vt") == 0) return r->vt;
    if (strcmp(q, "QE") == 0) return r->QE;
    if (strcmp(q, "QEdf") == 0) return r->QEdf;
    if (strcmp(q, "QEp") == 0) return r->QEp;
    if (strcmp(q, "logLik") == 0) return r->logLik;
    if (strcmp(q, "deviance") == 0) return r->deviance;
    if (strcmp(q, "AIC") == 0) return r->AIC;
    if (strcmp(q, "BIC") == 0) return r->BIC;
    if (strcmp(q, "AICc") == 0) return r->AICc;
    if (sscanf(q, "weight[%u]", &idx) == 1) {
        for (size_t i = 0; i < f->s->k; i++)
            if (f->s->row[i] == idx) return f->w[i];
    }
    return *found = 0, NAN;
}

/* Confint quantities, with the tolerance of the bounds: tight 1e-8; default-convergence
 * metafor bounds are off by up to ~2e-5 in tau2 (uniroot tol), so the test allows 3e-5 in tau2
 * carried through the derivative of each mapping (tau = sqrt, I2, H2). */
static double confint_quantity(const msum_pool_result *r, const case_spec *c, const char *q,
                               double want, double *tol, int *found)
{
    *found = 1;
    static const struct {
        const char *name;
        size_t off;
    } maps[] = {{"tau2", offsetof(msum_pool_result, tau2_ci)},
                {"tau", offsetof(msum_pool_result, tau_ci)},
                {"I2", offsetof(msum_pool_result, I2_ci)},
                {"H2", offsetof(msum_pool_result, H2_ci)}};
    if (strcmp(q, "ci.null") == 0) return *tol = 0, r->ci_null;
    if (strcmp(q, "lb.sign") == 0) return *tol = 0, r->lb_sign;
    if (strcmp(q, "ub.sign") == 0) return *tol = 0, r->ub_sign;
    const msum_interval *iv = NULL;
    const char *rest = NULL;
    int which = -1;
    for (int i = 0; i < 4; i++) {
        size_t n = strlen(maps[i].name);
        if (strncmp(q, maps[i].name, n) == 0 && (q[n] == '\0' || q[n] == '.')) {
            iv = (const msum_interval *)((const char *)r + maps[i].off);
            rest = q + n;
            which = i;
        }
    }
    if (!iv) return *found = 0, NAN;
    if (*rest == '\0') { /* the fit's own value */
        *tol = fit_tol(c);
        double est[] = {r->tau2, r->tau, r->I2, r->H2};
        return est[which];
    }
    int lower = strcmp(rest, ".ci.lb") == 0;
    if (!lower && strcmp(rest, ".ci.ub") != 0) return *found = 0, NAN;
    double v = lower ? iv->lb : iv->ub;
    if (c->tight) {
        *tol = 1e-8;
    } else {
        /* uniroot's tolerance in tau2 carried through the derivative of the mapping at our
         * bound, made relative the way assert_close measures (|e| above 1) */
        double t2 = lower ? r->tau2_ci.lb : r->tau2_ci.ub, d = 1;
        if (which == 1) d = t2 > 0 ? 0.5 / sqrt(t2) : 1e3;
        if (which == 2) d = 100 * r->vt / ((r->vt + t2) * (r->vt + t2));
        if (which == 3) d = 1 / r->vt;
        *tol = fmax(1e-8, UNIROOT_TOL * d / fmax(1, fabs(want)));
    }
    return v;
}

typedef struct {
    size_t cases, values;
} tally;

typedef struct {
    msum_pool_result r;
    double *w;
    fitview v;
} fitted;

static void fit(const studies *s, const msum_pool_opts *o, fitted *f, const char *cas)
{
    int st = msum_pool(s->yi, s->vi, s->k, o, &f->r);
    cr_assert_eq(st, MSUM_OK, "%s: msum_pool returned %d", cas, st);
    f->w = calloc(s->k, sizeof *f->w);
    cr_assert_eq(msum_pool_weights(s->vi, s->k, &f->r, f->w), MSUM_OK);
    f->v = (fitview){&f->r, s, f->w};
}

static void run_case(const reftab *t, size_t from, size_t to, const case_spec *c,
                     const studies *s, tally *n)
{
    const char *cas = t->rows[from].cas;
    msum_pool_opts o = MSUM_POOL_OPTS_DEFAULT;
    o.method = c->method;
    o.test = c->test;
    o.pi_type = c->tk2 ? MSUM_PI_T_K2 : MSUM_PI_DEFAULT;
    int default_conv = is_iterative(c->method) && !c->tight;
    if (default_conv && c->method != MSUM_EST_PM) {
        o.threshold = 1e-5; /* metafor's stopping rule */
        o.maxiter = 100;
    }
    fitted f, fp = {0}, fm = {0};
    fit(s, &o, &f, cas);
    cr_expect(f.r.converged && f.r.fallback[0] == '\0', "%s: fallback '%s'", cas, f.r.fallback);

    /* default PM: metafor's root is known to +-UNIROOT_TOL; refit with tau2 fixed at both ends
     * and accept what the quantity does over that range */
    int pm_spread = default_conv && c->method == MSUM_EST_PM;
    if (pm_spread) {
        msum_pool_opts op = o;
        op.tau2_fixed = f.r.tau2 + UNIROOT_TOL;
        fit(s, &op, &fp, cas);
        op.tau2_fixed = fmax(0, f.r.tau2 - UNIROOT_TOL);
        fit(s, &op, &fm, cas);
    }

    for (size_t i = from; i < to; i++) {
        const refrow *row = &t->rows[i];
        char what[200];
        snprintf(what, sizeof what, "%s %s", cas, row->qty);
        int found;
        double got, tol = fit_tol(c);
        int fitq = 1;
        if (c->kind == KIND_CONFINT) {
            got = confint_quantity(&f.r, c, row->qty, row->value, &tol, &found);
            fitq = strchr(row->qty, '.') == NULL; /* tau2, I2, ...: the fit's value */
        } else {
            got = fit_quantity(&f.v, c, row->qty, &found);
        }
        cr_expect(found, "%s: quantity not known to the test", what);
        if (!found) continue;
        if (pm_spread && fitq) {
            double vp, vm;
            if (c->kind == KIND_CONFINT) {
                double tt;
                vp = confint_quantity(&fp.r, c, row->qty, row->value, &tt, &found);
                vm = confint_quantity(&fm.r, c, row->qty, row->value, &tt, &found);
            } else {
                vp = fit_quantity(&fp.v, c, row->qty, &found);
                vm = fit_quantity(&fm.v, c, row->qty, &found);
            }
            double spread = fmax(fabs(vp - got), fabs(vm - got));
            int pval = strcmp(row->qty, "pval") == 0 || strcmp(row->qty, "QEp") == 0;
            double scale = pval ? fabs(row->value) : fmax(1, fabs(row->value));
            if (isfinite(spread) && scale > 0) tol = 1e-9 + spread / scale;
        }
        check_value(what, row->qty, got, row->value, tol);
        n->values++;
    }
    n->cases++;
    free(f.w);
    free(fp.w);
    free(fm.w);
}

/* Check every pooling case of one reference file; returns what was checked. */
static tally check_file(const char *path)
{
    reftab t = load_expected(path);
    tally n = {0, 0};
    size_t i = 0;
    while (i < t.n) {
        size_t j = i;
        while (j < t.n && strcmp(t.rows[j].cas, t.rows[i].cas) == 0) j++;
        const char *cas = t.rows[i].cas;
        case_spec c;
        if (!not_pooling(cas)) {
            cr_expect(parse_case(cas, &c), "%s: case name not understood", cas);
            if (parse_case(cas, &c)) {
                studies s = c.data->escalc_case ? studies_from_escalc(&t, c.data->escalc_case)
                                                : load_studies(c.data->file, c.data->fcol,
                                                               c.data->fval);
                run_case(&t, i, j, &c, &s, &n);
                studies_free(&s);
            }
        }
        i = j;
    }
    free(t.rows);
    return n;
}

static void setup(void) { gsl_set_error_handler_off(); }

/* The expected case counts pin down that nothing was skipped silently. */
#define CHECK_FILE(path, ncases)                                                          \
    do {                                                                                  \
        tally n_ = check_file(path);                                                      \
        cr_expect_eq(n_.cases, (ncases), "%s: %zu pooling cases checked", path, n_.cases); \
        cr_expect(n_.values > 0);                                                         \
    } while (0)

Test(pool_metafor, bcg_rr, .init = setup) { CHECK_FILE("ref/metafor38/expected/bcg_rr.csv", 30); }
Test(pool_metafor, normand1999, .init = setup)
{
    CHECK_FILE("ref/metafor38/expected/normand1999.csv", 17);
}
Test(pool_metafor, bcg_rr_knha_adhoc, .init = setup)
{
    CHECK_FILE("ref/expected/bcg_rr_knha.csv", 90);
}
Test(pool_metafor, bcg_or_rd, .init = setup) { CHECK_FILE("ref/expected/bcg_or_rd.csv", 26); }
Test(pool_metafor, bcg_rr_subgroup_fits, .init = setup)
{
    CHECK_FILE("ref/expected/bcg_rr_subgroups.csv", 30);
}
Test(pool_metafor, edge_k1, .init = setup) { CHECK_FILE("ref/expected/edge_k1.csv", 30); }
Test(pool_metafor, edge_k2, .init = setup) { CHECK_FILE("ref/expected/edge_k2.csv", 102); }
Test(pool_metafor, edge_identical, .init = setup)
{
    CHECK_FILE("ref/expected/edge_identical.csv", 42);
}
Test(pool_metafor, edge_boundary, .init = setup)
{
    CHECK_FILE("ref/expected/edge_boundary.csv", 102);
}
Test(pool_metafor, edge_lb0, .init = setup) { CHECK_FILE("ref/expected/edge_lb0.csv", 102); }
Test(pool_metafor, edge_qnull, .init = setup) { CHECK_FILE("ref/expected/edge_qnull.csv", 42); }
Test(pool_metafor, edge_hugevar, .init = setup)
{
    CHECK_FILE("ref/expected/edge_hugevar.csv", 42);
}
Test(pool_metafor, hackshaw1998, .init = setup)
{
    CHECK_FILE("ref/expected/hackshaw1998.csv", 27);
}
Test(pool_metafor, molloy2014, .init = setup) { CHECK_FILE("ref/expected/molloy2014.csv", 15); }
Test(pool_metafor, zero_cells, .init = setup) { CHECK_FILE("ref/expected/zero_cells.csv", 66); }

/* ------------------------------------------------------------------------------------------ */
/* Degenerate input, options, fallback, and the O(k) sums against direct formulas. */

/* Thirteen log ratios with spread like the BCG trials (invented, used only for invariants). */
static const double demo_y[] = {-0.8893113339202054, -1.5853886572014306, -1.3480731482996928,
                               -1.4415511900213241, -0.2175473222112956, -0.7861155858188096,
                               -1.6208982235983924, 0.0119523335238405,  -0.4694176487381487,
                               -1.3713448034727176, -0.3393588283383258, 0.4459134005713783,
                               -0.0173139482168798};

Test(pool, empty_and_invalid_input, .init = setup)
{
    double y[] = {0.1, 0.2}, v[] = {0.01, 0.02}, bad[] = {0.01, -0.02};
    msum_pool_result r;
    cr_expect_eq(msum_pool(y, v, 0, NULL, &r), MSUM_EDOM, "k = 0");
    cr_expect_eq(msum_pool(y, bad, 2, NULL, &r), MSUM_EDATA, "negative vi");
    double ynan[] = {0.1, NAN};
    cr_expect_eq(msum_pool(ynan, v, 2, NULL, &r), MSUM_EDATA, "NaN yi");
    cr_expect_eq(msum_pool(NULL, v, 2, NULL, &r), MSUM_EINVAL);
    msum_pool_opts o = MSUM_POOL_OPTS_DEFAULT;
    o.level = 95; /* a percentage is a usage error, not 95 % */
    cr_expect_eq(msum_pool(y, v, 2, &o, &r), MSUM_EINVAL);
    o = (msum_pool_opts)MSUM_POOL_OPTS_DEFAULT;
    o.tau2_fixed = -1;
    cr_expect_eq(msum_pool(y, v, 2, &o, &r), MSUM_EINVAL);
    /* a vi of 0 with tau2 = 0 is an infinite weight (metafor: division by zero) */
    double v0[] = {0, 0.02};
    o = (msum_pool_opts)MSUM_POOL_OPTS_DEFAULT;
    o.method = MSUM_EST_FE;
    cr_expect_eq(msum_pool(y, v0, 2, &o, &r), MSUM_EDATA);
    o.method = MSUM_EST_DL; /* needs every vi > 0, as in metafor */
    cr_expect_eq(msum_pool(y, v0, 2, &o, &r), MSUM_EDATA);
}

/* Hand calculation, k = 2, DL: w = (1/0.04, 1/0.09) = (25, 11.111...), S1 = 36.111...,
 * mu_FE = (25*0.1 + 11.111*0.9)/36.111 = 0.346153..., QE = 25*0.246153^2 + 11.111*0.553846^2
 * = 4.923077, tau2 = (QE - 1)/(S1 - S2/S1) with S2 = 625 + 123.457 = 748.457. */
Test(pool, dl_by_hand, .init = setup)
{
    double y[] = {0.1, 0.9}, v[] = {0.04, 0.09};
    msum_pool_opts o = MSUM_POOL_OPTS_DEFAULT;
    o.method = MSUM_EST_DL;
    msum_pool_result r;
    cr_assert_eq(msum_pool(y, v, 2, &o, &r), MSUM_OK);
    double w1 = 25, w2 = 1 / 0.09, s1 = w1 + w2, s2 = w1 * w1 + w2 * w2;
    double mu = (w1 * 0.1 + w2 * 0.9) / s1;
    double qe = w1 * (0.1 - mu) * (0.1 - mu) + w2 * (0.9 - mu) * (0.9 - mu);
    double tau2 = (qe - 1) / (s1 - s2 / s1);
    assert_close(r.QE, qe, 1e-12, "QE");
    assert_close(qe, 4.923076923076923, 1e-12, "QE by hand");
    assert_close(r.tau2, tau2, 1e-12, "tau2");
    double u1 = 1 / (0.04 + tau2), u2 = 1 / (0.09 + tau2);
    assert_close(r.estimate, (u1 * 0.1 + u2 * 0.9) / (u1 + u2), 1e-12, "mu");
    assert_close(r.se, sqrt(1 / (u1 + u2)), 1e-12, "se");
    assert_close(r.I2_Q, 100 * (qe - 1) / qe, 1e-12, "I2 (Q-based)");
    assert_close(r.H2_Q, qe, 1e-12, "H2 (Q-based)");
    assert_close(r.vt, 1 / (s1 - s2 / s1), 1e-12, "vt");
}

/* Fisher scoring crippled by a tiny step length falls back REML -> PM, says so, and the
 * numbers are PM's; with one iteration allowed PM's root search fails too and DL is used;
 * without fallback the call reports MSUM_ENOCONV. */
Test(pool, fallback_chain, .init = setup)
{
    static const double v[] = {0.3255847650039613, 0.1945811213981438, 0.4153679653679654,
                               0.0200100319022476, 0.0512101721696993, 0.0069056184559087,
                               0.2230172475467417, 0.0039606186307048, 0.0564342104632232,
                               0.0705249277753029, 0.0069872368328628, 0.0533355506391391,
                               0.0052079658981373};
    msum_pool_opts o = MSUM_POOL_OPTS_DEFAULT;
    o.step_adj = 1e-3;
    o.maxiter = 50;
    msum_pool_result r, pm;
    cr_assert_eq(msum_pool(demo_y, v, 13, &o, &r), MSUM_OK);
    cr_expect_eq(r.method, MSUM_EST_REML);
    cr_expect_eq(r.method_used, MSUM_EST_PM);
    cr_expect_not(r.converged);
    cr_expect(strstr(r.fallback, "REML") && strstr(r.fallback, "PM"), "reason: %s", r.fallback);
    msum_pool_opts op = MSUM_POOL_OPTS_DEFAULT;
    op.method = MSUM_EST_PM;
    cr_assert_eq(msum_pool(demo_y, v, 13, &op, &pm), MSUM_OK);
    assert_close(r.tau2, pm.tau2, 1e-12, "fallback tau2 is PM's");
    assert_close(r.estimate, pm.estimate, 1e-12, "fallback estimate is PM's");
    o.fallback = 0;
    cr_expect_eq(msum_pool(demo_y, v, 13, &o, &r), MSUM_ENOCONV);
    o.fallback = 1;
    o.step_adj = 1;
    o.maxiter = 1;
    cr_assert_eq(msum_pool(demo_y, v, 13, &o, &r), MSUM_OK);
    cr_expect_eq(r.method_used, MSUM_EST_DL);
    cr_expect(strstr(r.fallback, "REML") && strstr(r.fallback, "PM") && strstr(r.fallback, "DL"),
              "reason: %s", r.fallback);
    msum_pool_result dl;
    op.method = MSUM_EST_DL;
    cr_assert_eq(msum_pool(demo_y, v, 13, &op, &dl), MSUM_OK);
    assert_close(r.tau2, dl.tau2, 1e-12, "second fallback tau2 is DL's");
    op.method = MSUM_EST_PM;
    /* PM widens its bracket where metafor stops ("tau2.max too low") */
    double y2[] = {-300, 300, 0}, v2[] = {1, 1, 1};
    cr_assert_eq(msum_pool(y2, v2, 3, &op, &pm), MSUM_OK);
    double w = 1 / (1 + pm.tau2);
    assert_close(w * (300.0 * 300 * 2), 2, 1e-9, "Q(tau2) = k - 1 beyond tau2 = 100");
}

/* Shifting every yi by a constant moves the estimate by it and leaves everything else alone,
 * also for a shift 1e6 times the spread: the sums are taken around the running estimate. */
Test(pool, shift_invariance, .init = setup)
{
    double v[13], ys[13];
    for (int i = 0; i < 13; i++) v[i] = 0.01 + 0.03 * i;
    const double shift = 1e6;
    for (int i = 0; i < 13; i++) ys[i] = demo_y[i] + shift;
    for (int m = MSUM_EST_EE; m <= MSUM_EST_EB; m++) {
        msum_pool_opts o = MSUM_POOL_OPTS_DEFAULT;
        o.method = (msum_estimator)m;
        msum_pool_result a, b;
        cr_assert_eq(msum_pool(demo_y, v, 13, &o, &a), MSUM_OK);
        cr_assert_eq(msum_pool(ys, v, 13, &o, &b), MSUM_OK);
        const char *nm = msum_estimator_name(o.method);
        cr_expect(fabs((b.estimate - shift) - a.estimate) < 1e-8, "%s estimate", nm);
        cr_expect(fabs(b.tau2 - a.tau2) <= 1e-8 * fmax(1, a.tau2), "%s tau2 %.17g %.17g", nm,
                  b.tau2, a.tau2);
        cr_expect(fabs(b.QE - a.QE) <= 1e-8 * a.QE, "%s QE", nm);
        if (!isnan(a.tau2_ci.lb))
            cr_expect(fabs(b.tau2_ci.ub - a.tau2_ci.ub) <= 1e-8 * a.tau2_ci.ub, "%s ub", nm);
    }
}

/* The O(k) sums against the textbook quadratic forms with P = W - w w'/S1, built as a k x k
 * matrix here (k = 40): REML's se(tau2) = sqrt(2 / tr(P P)), and the restricted likelihood. */
Test(pool, sums_match_matrix_forms, .init = setup)
{
    enum { K = 40 };
    double y[K], v[K];
    unsigned s = 12345;
    for (int i = 0; i < K; i++) {
        s = s * 1103515245u + 12345u;
        y[i] = ((s >> 8) % 2000) / 1000.0 - 1;
        s = s * 1103515245u + 12345u;
        v[i] = 0.01 + ((s >> 8) % 1000) / 2000.0;
    }
    msum_pool_result r;
    cr_assert_eq(msum_pool(y, v, K, NULL, &r), MSUM_OK);
    static double P[K][K];
    double w[K], s1 = 0;
    for (int i = 0; i < K; i++) s1 += w[i] = 1 / (v[i] + r.tau2);
    for (int i = 0; i < K; i++)
        for (int j = 0; j < K; j++) P[i][j] = (i == j ? w[i] : 0) - w[i] * w[j] / s1;
    double trpp = 0, ypy = 0, ypp = 0, trp = 0;
    for (int i = 0; i < K; i++) {
        trp += P[i][i];
        double py = 0;
        for (int j = 0; j < K; j++) {
            trpp += P[i][j] * P[j][i];
            py += P[i][j] * y[j];
        }
        ypy += y[i] * py;
        ypp += py * py;
    }
    assert_close(r.se_tau2, sqrt(2 / trpp), 1e-10, "se(tau2) = sqrt(2/tr PP)");
    /* REML score at the optimum: y'PPy = tr P */
    assert_close(ypp, trp, 1e-8, "REML estimating equation");
    double slog = 0;
    for (int i = 0; i < K; i++) slog += log(v[i] + r.tau2);
    double ll = -0.5 * (K - 1) * log(6.283185307179586) + 0.5 * log(K) - 0.5 * slog - 0.5 * log(s1) -
                0.5 * ypy;
    assert_close(r.logLik, ll, 1e-10, "REML log-likelihood");
}

Test(pool, names_round_trip)
{
    for (int m = MSUM_EST_EE; m <= MSUM_EST_EB; m++) {
        msum_estimator e;
        cr_expect_eq(msum_estimator_parse(msum_estimator_name((msum_estimator)m), &e), MSUM_OK);
        cr_expect_eq((int)e, m);
    }
    msum_test t;
    cr_expect_eq(msum_test_parse("HKSJ", &t), MSUM_OK);
    cr_expect_eq(t, MSUM_TEST_KNHA);
    cr_expect_eq(msum_test_parse("adhoc", &t), MSUM_OK);
    cr_expect_eq(t, MSUM_TEST_KNHA_ADHOC);
    cr_expect_eq(msum_test_parse("wald", &t), MSUM_EINVAL);
    msum_estimator e;
    cr_expect_eq(msum_estimator_parse("reml", &e), MSUM_OK);
    cr_expect_eq(e, MSUM_EST_REML);
    cr_expect_eq(msum_estimator_parse("XX", &e), MSUM_EINVAL);
}

/* Generalized Q by the two-pass definition. */
static double q_direct(const double *y, const double *v, size_t k, double tau2)
{
    double s1 = 0, sy = 0, q = 0;
    for (size_t i = 0; i < k; i++) {
        s1 += 1 / (v[i] + tau2);
        sy += y[i] / (v[i] + tau2);
    }
    double mu = sy / s1;
    for (size_t i = 0; i < k; i++) q += (y[i] - mu) * (y[i] - mu) / (v[i] + tau2);
    return q;
}

/* k = 500001: the Q-profile bounds solve Q(tau2) = chi2 quantiles of 5e5 df, which GSL's
 * inverse gets wrong (257738 for the upper 2.5 % point); Wilson-Hilferty is accurate to ~1e-9
 * there.  Also PM solves Q = k - 1. */
Test(pool, qprofile_large_k, .init = setup)
{
    size_t k = 500001;
    double *y = malloc(k * sizeof *y), *v = malloc(k * sizeof *v);
    cr_assert(y && v);
    unsigned s = 7;
    for (size_t i = 0; i < k; i++) {
        s = s * 1103515245u + 12345u;
        v[i] = 0.01 + 0.2 * ((s >> 8) / 16777216.0);
        s = s * 1103515245u + 12345u;
        double u1 = ((s >> 8) + 0.5) / 16777216.0;
        s = s * 1103515245u + 12345u;
        double u2 = (s >> 8) / 16777216.0;
        y[i] = 0.3 + sqrt(v[i] + 0.1) * sqrt(-2 * log(u1)) * cos(6.283185307179586 * u2);
    }
    msum_pool_result r;
    cr_assert_eq(msum_pool(y, v, k, NULL, &r), MSUM_OK);
    double df = (double)k - 1, z = 1.959963984540054, h = 2 / (9 * df);
    double up = df * pow(1 - h + z * sqrt(h), 3), lo = df * pow(1 - h - z * sqrt(h), 3);
    assert_close(q_direct(y, v, k, r.tau2_ci.lb) / up, 1, 1e-8, "Q(lb) = chi2 upper point");
    assert_close(q_direct(y, v, k, r.tau2_ci.ub) / lo, 1, 1e-8, "Q(ub) = chi2 lower point");
    cr_expect(r.tau2_ci.lb < r.tau2 && r.tau2 < r.tau2_ci.ub, "CI around the estimate");
    msum_pool_opts o = MSUM_POOL_OPTS_DEFAULT;
    o.method = MSUM_EST_PM;
    o.qprofile = 0;
    cr_assert_eq(msum_pool(y, v, k, &o, &r), MSUM_OK);
    assert_close(q_direct(y, v, k, r.tau2) / df, 1, 1e-10, "PM: Q = k - 1");
    free(y);
    free(v);
}

/* For df where GSL's inverse is right (<= 1e4), the Q-profile bounds solve Q = its quantiles. */
Test(pool, qprofile_quantiles_moderate_k, .init = setup)
{
    static const size_t ks[] = {4, 11, 101, 1001, 10001};
    double *y = malloc(10001 * sizeof *y), *v = malloc(10001 * sizeof *v);
    cr_assert(y && v);
    for (size_t n = 0; n < sizeof ks / sizeof ks[0]; n++) {
        size_t k = ks[n];
        unsigned s = 99;
        for (size_t i = 0; i < k; i++) {
            s = s * 1103515245u + 12345u;
            v[i] = 0.02 + 0.1 * ((s >> 8) / 16777216.0);
            s = s * 1103515245u + 12345u;
            y[i] = ((s >> 8) / 16777216.0 - 0.5) * 2.5;
        }
        msum_pool_result r;
        cr_assert_eq(msum_pool(y, v, k, NULL, &r), MSUM_OK);
        double df = (double)k - 1;
        cr_assert(r.tau2_ci.lb > 0 && r.ub_sign == 0, "k = %zu: interior bounds", k);
        assert_close(q_direct(y, v, k, r.tau2_ci.lb) / gsl_cdf_chisq_Qinv(0.025, df), 1, 1e-9,
                     "Q(lb) = chi2 upper 2.5 % point");
        assert_close(q_direct(y, v, k, r.tau2_ci.ub) / gsl_cdf_chisq_Pinv(0.025, df), 1, 1e-9,
                     "Q(ub) = chi2 lower 2.5 % point");
    }
    free(y);
    free(v);
}

/* A quantile cache shared across groups (as `pool --by` uses it) changes no byte of any result:
 * groups of several sizes and levels, pooled in turn with one cache and each without one.  The
 * Q-profile bounds themselves are checked against metafor above. */
Test(pool, cached_quantiles_same_results)
{
    gsl_set_error_handler_off();
    msum_pool_cache cache = {0};
    double yi[40], vi[40];
    unsigned s = 12345;
    for (int i = 0; i < 40; i++) {
        s = s * 1103515245u + 12345u;
        yi[i] = (double)(s >> 16) / 65536.0 - 0.5;
        s = s * 1103515245u + 12345u;
        vi[i] = 0.01 + (double)(s >> 16) / 65536.0 / 4;
    }
    const size_t ks[] = {20, 20, 5, 20, 40, 5, 3, 20, 12, 40, 7, 20};
    for (size_t g = 0; g < sizeof ks / sizeof ks[0]; g++) {
        msum_pool_opts o = MSUM_POOL_OPTS_DEFAULT;
        o.level = g % 3 == 2 ? 0.9 : 0.95;
        msum_pool_result a, b;
        memset(&a, 0, sizeof a);
        memset(&b, 0, sizeof b);
        const double *y = yi + g % 3, *v = vi + (g * 7) % 3;
        size_t k = ks[g] > 37 ? 37 : ks[g];
        cr_assert_eq(msum_pool_cached(y, v, k, &o, &cache, &a), MSUM_OK);
        cr_assert_eq(msum_pool(y, v, k, &o, &b), MSUM_OK);
        cr_expect(isfinite(a.tau2_ci.ub) || a.ub_sign != 0, "group %zu has a CI", g);
        cr_expect_eq(memcmp(&a, &b, sizeof a), 0, "group %zu (k = %zu)", g, k);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Fit statistics that metafor gives as infinities are NaN with the reason in notes.  By hand
 * (REML, k = 1, yi = 0.4, vi = 0.2, tau2 = 0, parms = 2):
 *   logLik = -0/2 log 2pi + 1/2 log 1 - 1/2 log 0.2 - 1/2 log(1/0.2) - 0 = 0,
 *   AIC = 0 + 2*2 = 4,  BIC = 0 + 2 log(k - 1) = -Inf -> NaN,
 *   AICc = 0 + 2*2*m/(m - 3), m = max(k - 1, 4) = 4 -> 16. */
Test(pool, k1_infinite_fit_stats_are_na_with_reason)
{
    double yi[] = {0.4}, vi[] = {0.2};
    msum_pool_result r;
    cr_assert_eq(msum_pool(yi, vi, 1, NULL, &r), MSUM_OK);
    assert_close(r.logLik, 0, 1e-12, "logLik");
    assert_close(r.AIC, 4, 1e-12, "AIC");
    assert_close(r.AICc, 16, 1e-12, "AICc");
    cr_expect(isnan(r.BIC), "BIC %g", r.BIC);
    cr_expect(strstr(r.notes, "BIC") != NULL && strstr(r.notes, "k = 1") != NULL, "notes '%s'",
              r.notes);
    cr_expect(strstr(r.notes, "AIC,") == NULL, "AIC is finite: notes '%s'", r.notes);

    /* k = 2 REML: every statistic finite, no notes */
    double y2[] = {0.1, 0.9}, v2[] = {0.05, 0.08};
    cr_assert_eq(msum_pool(y2, v2, 2, NULL, &r), MSUM_OK);
    cr_expect(isfinite(r.BIC) && isfinite(r.AICc) && r.notes[0] == '\0', "notes '%s'", r.notes);
}

/* ------------------------------------------------------------------------------------------ */
/* Large k: the log-likelihood is a sum of logs, so it stays finite when the product of k
 * variances under- (vi ~ 0.005) or overflows (vi ~ 25).  Before, ll(tau2 = 0) came out +Inf and
 * REML/ML returned tau2 = 0 on ordinary data.  References: tests/ref/largek_refs.R (metafor 3.8,
 * threshold 1e-12), inputs tests/ref/largek/<regime>_k<k>.csv. */

static studies load_largek(const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "ref/largek/%s.csv", name);
    FILE *fp = fopen(path, "r");
    cr_assert_not_null(fp, "cannot open %s", path);
    studies s = {NULL, NULL, NULL, 0};
    size_t cap = 0;
    char line[256];
    cr_assert_not_null(fgets(line, sizeof line, fp));
    cr_assert_str_eq(line, "study,yi,vi\n");
    while (fgets(line, sizeof line, fp)) {
        if (s.k == cap) {
            cap = cap ? 2 * cap : 1024;
            s.yi = realloc(s.yi, cap * sizeof *s.yi);
            s.vi = realloc(s.vi, cap * sizeof *s.vi);
            cr_assert(s.yi && s.vi);
        }
        cr_assert_eq(sscanf(line, "%*[^,],%lf,%lf", &s.yi[s.k], &s.vi[s.k]), 2, "%s", line);
        s.k++;
    }
    fclose(fp);
    return s;
}

/* relative comparison (tau2 can be ~1e-3: an absolute 1e-8 would be loose there) */
static void expect_rel_finite(double got, double want, double tol, const char *what)
{
    cr_expect(isfinite(got) && fabs(got - want) <= tol * fabs(want),
              "%s: got %.17g, expected %.17g (rel %g)", what, got, want, tol);
}

static void check_largek(const char *name, size_t k)
{
    static const char *methods[] = {"REML", "ML", "DL"};
    static const msum_estimator est[] = {MSUM_EST_REML, MSUM_EST_ML, MSUM_EST_DL};
    reftab t = load_expected("ref/largek/expected.csv");
    studies s = load_largek(name);
    cr_assert_eq(s.k, k);
    for (int m = 0; m < 3; m++) {
        char cas[96], what[160];
        snprintf(cas, sizeof cas, "%s_%s", name, methods[m]);
        msum_pool_opts o = MSUM_POOL_OPTS_DEFAULT;
        o.method = est[m];
        msum_pool_result r;
        cr_assert_eq(msum_pool(s.yi, s.vi, s.k, &o, &r), MSUM_OK, "%s", cas);
        cr_expect_eq(r.method_used, est[m], "%s: no fallback", cas);
        double tol = m == 2 ? 1e-9 : 1e-8;
        size_t seen = 0;
        for (size_t i = 0; i < t.n; i++) {
            const refrow *w = &t.rows[i];
            if (strcmp(w->cas, cas) != 0) continue;
            const char *q = w->qty;
            double got = strcmp(q, "k") == 0 ? (double)r.k
                         : strcmp(q, "estimate") == 0 ? r.estimate
                         : strcmp(q, "se") == 0 ? r.se
                         : strcmp(q, "ci_lb") == 0 ? r.ci_lb
                         : strcmp(q, "ci_ub") == 0 ? r.ci_ub
                         : strcmp(q, "tau2") == 0 ? r.tau2
                         : strcmp(q, "se_tau2") == 0 ? r.se_tau2
                         : strcmp(q, "QE") == 0 ? r.QE
                         : strcmp(q, "I2") == 0 ? r.I2
                         : strcmp(q, "H2") == 0 ? r.H2
                         : strcmp(q, "logLik") == 0 ? r.logLik
                         : strcmp(q, "deviance") == 0 ? r.deviance
                         : strcmp(q, "AIC") == 0 ? r.AIC
                         : strcmp(q, "BIC") == 0 ? r.BIC
                         : strcmp(q, "tau2_ci_lb") == 0 ? r.tau2_ci.lb
                         : strcmp(q, "tau2_ci_ub") == 0 ? r.tau2_ci.ub
                                                        : NAN;
            snprintf(what, sizeof what, "%s %s", cas, q);
            cr_expect(!isnan(got), "%s: unknown or NaN", what);
            /* Q-profile bounds are roots found to ~1e-10 relative by both tools */
            expect_rel_finite(got, w->value, strncmp(q, "tau2_ci", 7) == 0 ? 1e-7 : tol, what);
            seen++;
        }
        /* k = 10^4: REML and ML without the Q-profile CI (see largek_refs.R) */
        if (k > 1000 && m == 2) continue;
        cr_expect(seen >= (k > 1000 ? 14u : 16u), "%s: %zu reference values", cas, seen);
        cr_expect(r.tau2 > 0, "%s: tau2 %g", cas, r.tau2);
    }
    studies_free(&s);
    free(t.rows);
}

Test(pool_largek, small_variances_k100) { check_largek("small_k100", 100); }
Test(pool_largek, small_variances_k1000) { check_largek("small_k1000", 1000); }
Test(pool_largek, small_variances_k10000) { check_largek("small_k10000", 10000); }
Test(pool_largek, large_variances_k100) { check_largek("large_k100", 100); }
Test(pool_largek, large_variances_k1000) { check_largek("large_k1000", 1000); }
Test(pool_largek, large_variances_k10000) { check_largek("large_k10000", 10000); }

/* Property: over random data sets from k = 2 to 20000, with variances from 1e-6 to 1e4, REML
 * and ML give a finite likelihood and a tau2 inside REML's own Q-profile CI, and never tau2 = 0
 * while DL finds clear heterogeneity (Q far above its df). */
static double unif(unsigned long long *st)
{
    *st = *st * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(*st >> 11) / 9007199254740992.0;
}

Test(pool_largek, reml_inside_its_qprofile_ci_and_finite)
{
    unsigned long long st = 12345;
    static const size_t ks[] = {2, 5, 30, 300, 3000, 20000};
    static const double vscale[] = {1e-6, 1e-3, 0.07, 1, 30, 1e4};
    double *y = malloc(20000 * sizeof *y), *v = malloc(20000 * sizeof *v);
    cr_assert(y && v);
    for (size_t a = 0; a < 6; a++)
        for (size_t b = 0; b < 6; b++) {
            size_t k = ks[a];
            double tau2 = vscale[b] * (b % 2 ? 0.5 : 2);
            for (size_t i = 0; i < k; i++) {
                v[i] = vscale[b] * (0.2 + 1.6 * unif(&st));
                /* normal by Box-Muller */
                double u1 = unif(&st), u2 = unif(&st);
                double z = sqrt(-2 * log(u1 + 1e-300)) * cos(6.283185307179586 * u2);
                y[i] = 0.3 + z * sqrt(v[i] + tau2);
            }
            for (int m = 0; m < 2; m++) {
                msum_pool_opts o = MSUM_POOL_OPTS_DEFAULT;
                o.method = m ? MSUM_EST_ML : MSUM_EST_REML;
                msum_pool_result r;
                cr_assert_eq(msum_pool(y, v, k, &o, &r), MSUM_OK, "k %zu scale %g", k, vscale[b]);
                cr_expect(isfinite(r.logLik), "k %zu scale %g: logLik %g", k, vscale[b], r.logLik);
                if (m == 0) {
                    cr_expect(r.tau2 >= r.tau2_ci.lb * (1 - 1e-9) &&
                                  r.tau2 <= r.tau2_ci.ub * (1 + 1e-9),
                              "k %zu scale %g: tau2 %g outside [%g, %g]", k, vscale[b], r.tau2,
                              r.tau2_ci.lb, r.tau2_ci.ub);
                }
                if (k >= 300) /* tau2 is half to twice the variances: Q is far above k - 1 */
                    cr_expect(r.tau2 > 0 && r.QE > 1.2 * (double)(k - 1), "k %zu scale %g: tau2 "
                              "%g QE %g", k, vscale[b], r.tau2, r.QE);
            }
        }
    free(y);
    free(v);
}

/* An estimate that is not a number is an error with its reason, never a silent NA: a positive
 * vi below 1/DBL_MAX has no finite weight (MSUM_EDATA); |yi| = 1e308 overflows sum w y
 * (1e308 / 0.1 = 1e309 > DBL_MAX, MSUM_EDOM). */
Test(pool, nonfinite_estimate_is_an_error_with_reason)
{
    msum_pool_result r;
    double y1[] = {0.5, 0.3, 0.1}, v1[] = {5e-324, 0.1, 0.2};
    cr_expect_eq(msum_pool(y1, v1, 3, NULL, &r), MSUM_EDATA);
    cr_expect(strstr(r.notes, "too small") != NULL && strstr(r.notes, "study 1") != NULL,
              "notes '%s'", r.notes);
    double y2[] = {1e308, -1e308, 1e308}, v2[] = {0.1, 0.1, 0.2};
    for (int m = 0; m < 2; m++) {
        msum_pool_opts o = MSUM_POOL_OPTS_DEFAULT;
        o.method = m ? MSUM_EST_FE : MSUM_EST_REML;
        cr_expect_eq(msum_pool(y2, v2, 3, &o, &r), MSUM_EDOM, "method %d", m);
        cr_expect(strstr(r.notes, "not a finite number") != NULL, "notes '%s'", r.notes);
    }
    /* 1e300 still pools: w y = 1e301 is finite */
    double y3[] = {1e300, 2e300}, v3[] = {0.1, 0.1};
    msum_pool_opts o = MSUM_POOL_OPTS_DEFAULT;
    o.method = MSUM_EST_FE;
    cr_expect_eq(msum_pool(y3, v3, 2, &o, &r), MSUM_OK);
    assert_close(r.estimate, 1.5e300, 1e-12, "estimate");
}

/* Numerical finish (tests/ref/expected/numerical_finish.csv, tests/ref/metareg_refs.R). */

static const char *NUMFIN = "ref/expected/numerical_finish.csv";

/* |got - want| <= tol |want|: relative also for values below 1 (assert_close is absolute
 * there, which cannot see a small tau2 wrong in its 7th digit). */
static void expect_rel(double got, double want, double tol, const char *what)
{
    cr_expect(fabs(got - want) <= tol * fabs(want), "%s: got %.17g, expected %.17g (rel %g)",
              what, got, want, tol);
}

static double numfin(const char *cas, const char *q)
{
    reftab t = load_expected(NUMFIN);
    double v = NAN;
    int found = 0;
    for (size_t i = 0; i < t.n; i++)
        if (strcmp(t.rows[i].cas, cas) == 0 && strcmp(t.rows[i].qty, q) == 0) {
            v = t.rows[i].value;
            found = 1;
        }
    free(t.rows);
    cr_assert(found, "%s: no %s,%s", NUMFIN, cas, q);
    return v;
}

/* dat.cohen1981 (ZCOR) under ML: tau2 = 0.00118 is reached to 1e-9 relative by the default
 * (relative) stopping rule; the absolute rule |change| < 1e-10 stopped 1e-7 short. */
Test(pool_numerical, small_tau2_to_full_relative_precision, .init = setup)
{
    studies s = load_studies("ref/inputs/cohen1981_zcor_yivi.csv", NULL, NULL);
    msum_pool_opts o = MSUM_POOL_OPTS_DEFAULT;
    msum_pool_result r;
    static const msum_estimator m[] = {MSUM_EST_ML, MSUM_EST_REML};
    static const char *const cs[] = {"cohen1981_ML_tight", "cohen1981_REML_tight"};
    for (int i = 0; i < 2; i++) {
        o.method = m[i];
        cr_assert_eq(msum_pool(s.yi, s.vi, s.k, &o, &r), MSUM_OK);
        expect_rel(r.tau2, numfin(cs[i], "tau2"), 1e-9, cs[i]);
        expect_rel(r.se_tau2, numfin(cs[i], "se.tau2"), 1e-9, cs[i]);
        expect_rel(r.estimate, numfin(cs[i], "estimate[intrcpt]"), 1e-9, cs[i]);
        expect_rel(r.logLik, numfin(cs[i], "logLik"), 1e-9, cs[i]);
    }
    /* metafor's own rule (threshold 1e-5, or changed: 1e-4 with stepadj 0.5, maxiter 50)
     * retraces its default-convergence value */
    o.method = MSUM_EST_ML;
    o.threshold = 1e-5;
    o.maxiter = 100;
    cr_assert_eq(msum_pool(s.yi, s.vi, s.k, &o, &r), MSUM_OK);
    expect_rel(r.tau2, numfin("cohen1981_ML_default", "tau2"), 1e-9, "metafor default");
    o.threshold = 1e-4;
    o.step_adj = 0.5;
    o.maxiter = 50;
    cr_assert_eq(msum_pool(s.yi, s.vi, s.k, &o, &r), MSUM_OK);
    expect_rel(r.tau2, numfin("cohen1981_ML_ctl", "tau2"), 1e-9, "metafor threshold/stepadj");
    studies_free(&s);
}

/* An optimum on the boundary is exactly 0: dat.gibson2002 (RR, REML; metafor's tight run
 * stops at 9e-14, its default one at 3e-7) and dat.raudenbush1985 weeks = 2 and 17 (REML, 0
 * in metafor); metasum's halving iterates used to stop at 9e-12 and 3e-11. */
Test(pool_numerical, boundary_optimum_is_exactly_zero, .init = setup)
{
    static const struct {
        const char *file, *col, *val, *cas;
    } c[] = {{"ref/inputs/gibson2002_rr_yivi.csv", NULL, NULL, "gibson2002_REML_tight"},
             {"ref/inputs/raudenbush1985.csv", "weeks", "2", "raudenbush1985_weeks2_REML_tight"},
             {"ref/inputs/raudenbush1985.csv", "weeks", "17",
              "raudenbush1985_weeks17_REML_tight"}};
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        studies s = load_studies(c[i].file, c[i].col, c[i].val);
        msum_pool_result r;
        cr_assert_eq(msum_pool(s.yi, s.vi, s.k, NULL, &r), MSUM_OK);
        cr_expect(r.tau2 == 0, "%s: tau2 %.17g, expected exactly 0", c[i].cas, r.tau2);
        assert_close(r.se_tau2, numfin(c[i].cas, "se.tau2"), 1e-8, c[i].cas);
        assert_close(r.estimate, numfin(c[i].cas, "estimate[intrcpt]"), 1e-8, c[i].cas);
        assert_close(r.logLik, numfin(c[i].cas, "logLik"), 1e-8, c[i].cas);
        studies_free(&s);
    }
    /* metafor's stopping rule reproduces its default run, 3e-7 */
    studies s = load_studies("ref/inputs/gibson2002_rr_yivi.csv", NULL, NULL);
    msum_pool_opts o = MSUM_POOL_OPTS_DEFAULT;
    o.threshold = 1e-5;
    o.maxiter = 100;
    msum_pool_result r;
    cr_assert_eq(msum_pool(s.yi, s.vi, s.k, &o, &r), MSUM_OK);
    expect_rel(r.tau2, numfin("gibson2002_REML_default", "tau2"), 1e-8, "metafor default");
    studies_free(&s);
}
