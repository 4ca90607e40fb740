/* Kind "compare": per-group pooled fits, the tests for subgroup differences (separate and
 * common tau2), a meta-regression (--mods, compare_mods.c) with predictions (--newmods) and
 * per-row weights, and pairwise differences of the groups.  The tables are built by
 * src/core/compare.c; their columns are in docs/compare.md. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compare_int.h"
#include "metasum/compare.h"
#include "metasum/diag.h"
#include "metasum/subgroup.h"

enum { MAX_DEFAULT_PAIRS = 30 };

/* The tables of --table, in output order. */
static const char *const table_names[] = {"groups", "between", "metareg", "model",
                                          "pairs",  "studies", "predict"};
enum { NTAB = sizeof table_names / sizeof table_names[0] };

const char *msum_cmp_ref_level(const msum_cmp *c, const char *col)
{
    const char *r = NULL;
    for (int i = 0; i < c->nref; i++)
        if (strcmp(c->ref_col[i], col) == 0) r = c->ref_lv[i];
    return r;
}

void msum_cmp_newvars_free(msum_cmp_newvars *nv)
{
    for (int j = 0; nv->refs && j < nv->n; j++) free(nv->refs[j]);
    free(nv->refs);
    nv->refs = NULL;
}

#define SPEC_ERROR(field, ...) (msum_an_spec_error(c->diags, s, field, __VA_ARGS__), MSUM_EINVAL)

/* The spec's settings of kind compare, checked: the model, --ref-level pairs, --table. */
static int settings(const msum_spec *s, msum_diags *diags, msum_cmp *c)
{
    msum_pool_opts pd = MSUM_POOL_OPTS_DEFAULT;
    memset(c, 0, sizeof *c);
    c->s = s;
    c->diags = diags;
    c->po = pd;
    c->po.qprofile = 0;
    c->measure = MSUM_MEASURE_NONE;
    c->pi_type = MSUM_PI_DEFAULT;
    if (!msum_an_check_plots(s, "forest", diags)) return MSUM_EINVAL;
    if (msum_an_given(s->plots) && !msum_an_given(s->by))
        return SPEC_ERROR("plots", "found '%s', but the forest plot shows the groups of by; "
                                   "give by (a meta-regression alone draws no forest plot)",
                          s->plots);
    if (!msum_an_given(s->by) && !msum_an_given(s->mods))
        return SPEC_ERROR("by", "found neither by nor mods, expected a grouping column (by) or "
                                "meta-regression terms (mods)");
    if (msum_an_given(s->by) && strpbrk(s->by, ",;"))
        return SPEC_ERROR("by", "found '%s', expected one column (compare groups by one "
                                "column; pool takes several)", s->by);
    if (msum_an_given(s->newmods) && !msum_an_given(s->mods))
        return SPEC_ERROR("newmods", "found no mods, expected meta-regression terms (mods) for "
                                     "predictions at new moderator values");
    if (msum_an_given(s->measure) &&
        (!msum_measure_parse(s->measure, &c->measure) || c->measure == MSUM_MEASURE_NONE))
        return SPEC_ERROR("measure", "found '%s', expected one measure", s->measure);
    if (msum_an_given(s->method)) {
        if (msum_estimator_parse(s->method, &c->po.method) != MSUM_OK)
            return SPEC_ERROR("method", "found '%s', expected a tau2 estimator: EE, FE, CE, "
                                        "DL, HE, HS, SJ, ML, REML, PM or EB (MH and PETO: "
                                        "kind pool)", s->method);
    }
    if (msum_an_given(s->test) && msum_test_parse(s->test, &c->po.test) != MSUM_OK)
        return SPEC_ERROR("test", "found '%s', expected z, t, knha or adhoc", s->test);
    if (!isnan(s->level)) c->po.level = s->level;
    if (!isnan(s->threshold)) c->po.threshold = s->threshold;
    if (!isnan(s->step_adj)) c->po.step_adj = s->step_adj;
    if (s->maxiter > 0) {
        c->po.maxiter = s->maxiter;
        c->maxiter_set = 1;
    }
    if (msum_an_given(s->pi_type)) {
        if (strcmp(s->pi_type, "riley") == 0) c->pi_type = MSUM_PI_T_K2;
        else if (strcmp(s->pi_type, "default") != 0)
            return SPEC_ERROR("pi_type", "found '%s', expected default or riley", s->pi_type);
    }
    if (msum_an_given(s->ref_level)) {
        char *parts[MSUM_CMP_MAXLIST];
        int n = msum_an_split(s->ref_level, ',', parts, MSUM_CMP_MAXLIST, &c->refbuf);
        if (n < 0 && !c->refbuf) return MSUM_ENOMEM;
        if (n < 0)
            return SPEC_ERROR("ref_level", "found too many levels, expected at most %d",
                              MSUM_CMP_MAXLIST);
        for (int i = 0; i < n; i++) {
            char *eq = strchr(parts[i], '=');
            if (!eq || eq == parts[i] || !eq[1])
                return SPEC_ERROR("ref_level", "found '%s', expected COLUMN=LEVEL", parts[i]);
            *eq = '\0';
            c->ref_col[c->nref] = parts[i];
            c->ref_lv[c->nref++] = eq + 1;
        }
    }
    if (msum_an_given(s->table) && !msum_an_list_has(s->table, "all")) {
        for (const char *p = s->table; *p;) {
            size_t len = strcspn(p, ",;");
            int ok = 0;
            for (int t = 0; t < NTAB; t++)
                ok |= strlen(table_names[t]) == len && memcmp(p, table_names[t], len) == 0;
            if (!ok)
                return SPEC_ERROR("table", "found '%.*s', expected all, groups, between, "
                                           "metareg, model, pairs, studies or predict",
                                  (int)len, p);
            p += len + (p[len] != '\0');
        }
    }
    return MSUM_OK;
}

/* Is table `name` asked for?  "studies" only by name. */
static int wanted(const msum_spec *s, const char *name)
{
    if (!msum_an_given(s->table) || msum_an_list_has(s->table, "all"))
        return strcmp(name, "studies") != 0;
    return msum_an_list_has(s->table, name);
}

static int only_all(const msum_spec *s)
{
    return !msum_an_given(s->table) || msum_an_list_has(s->table, "all");
}

static void effects_free(msum_cmp_effects *e)
{
    free(e->yi);
    free(e->vi);
    free(e->group);
    free(e->row);
}

/* Effect sizes of every row; rows without a variance or a group are left out with a warning,
 * impossible ones are errors.  *skipped counts the rows left out. */
static int collect(const msum_cmp *c, const msum_dataset *ds, msum_cmp_effects *e,
                   size_t *skipped)
{
    const msum_spec *s = c->s;
    msum_diags *dg = c->diags;
    size_t n = msum_dataset_nrows(ds);
    const char *name = msum_dataset_name(ds);
    int bycol = msum_an_given(s->by) ? msum_dataset_col(ds, s->by) : -1;
    memset(e, 0, sizeof *e);
    e->yi = malloc((n + 1) * sizeof *e->yi);
    e->vi = malloc((n + 1) * sizeof *e->vi);
    e->group = malloc((n + 1) * sizeof *e->group);
    e->row = malloc((n + 1) * sizeof *e->row);
    if (!e->yi || !e->vi || !e->group || !e->row) return MSUM_ENOMEM;
    msum_escalc_opts eo = MSUM_ESCALC_OPTS_DEFAULT;
    eo.level = c->po.level;
    int cst = msum_an_cc_opts(s, NULL, &eo, dg);
    if (cst != MSUM_OK) return cst;
    for (size_t i = 0; eo.to == MSUM_CC_IF0ALL && !eo.any_zero && i < n; i++)
        if (!msum_dataset_omitted(ds, i))
            eo.any_zero = msum_escalc_has_zero_cell(msum_dataset_record(ds, i));
    size_t novar = 0, omitted = 0;
    for (size_t i = 0; i < n; i++) {
        const msum_record *rec = msum_dataset_record(ds, i);
        long line = msum_dataset_line(ds, i), col = 0, l2;
        msum_effect ef;
        if (msum_dataset_omitted(ds, i)) { /* na.omit: named in a warning */
            omitted++;
            continue;
        }
        int st = msum_dataset_effect(ds, i, c->measure, &eo, &ef, dg);
        if (st == MSUM_EINVAL && c->measure == MSUM_MEASURE_NONE)
            return SPEC_ERROR("measure", "found none, expected one: %s rows (%s line %ld) "
                                         "give several measures",
                              msum_input_name(rec->input), name, line);
        if (st == MSUM_EINVAL) { /* the measure does not apply to this row's form */
            int fc = ef.field >= 0
                         ? msum_dataset_role_col(ds, msum_field_name((msum_field)ef.field))
                         : msum_dataset_role_col(ds, "input");
            if (fc >= 0) msum_dataset_pos(ds, i, (size_t)fc, &l2, &col);
            msum_diags_add(dg, MSUM_DIAG_ERROR, name, line, col,
                           fc >= 0 ? msum_dataset_colname(ds, (size_t)fc) : NULL, "%s",
                           ef.message);
            continue;
        }
        if (st != MSUM_OK) continue; /* reported */
        if (isnan(ef.yi) || isnan(ef.vi)) {
            novar++;
            continue;
        }
        const char *g = bycol >= 0 ? msum_dataset_cell(ds, i, (size_t)bycol) : "";
        if (bycol >= 0) {
            msum_dataset_pos(ds, i, (size_t)bycol, &l2, &col);
            if (msum_check_group_value(g, name, l2, col, s->by, dg)) {
                omitted++;
                continue;
            }
        }
        if (e->k == 0) {
            e->measure = ef.measure;
        } else if (ef.measure != e->measure) {
            msum_diags_add(dg, MSUM_DIAG_ERROR, name, line, 0, NULL,
                           "found an effect on %s, expected %s like the rows before it (pool "
                           "one measure at a time: --measure, or split the file)",
                           msum_measure_name(ef.measure), msum_measure_name(e->measure));
            continue;
        }
        e->yi[e->k] = ef.yi;
        e->vi[e->k] = ef.vi;
        e->group[e->k] = g;
        e->row[e->k++] = i;
    }
    *skipped = novar + omitted;
    if (novar)
        msum_diags_add(dg, MSUM_DIAG_WARNING, name, 0, 0, NULL,
                       "%zu row%s without a variance (percent or fold change, direction only, "
                       "or no SE) left out: see 'metasum summarize'", novar, novar > 1 ? "s" : "");
    if (msum_diags_errors(dg)) return MSUM_EDATA;
    if (e->k == 0) {
        msum_diags_add(dg, MSUM_DIAG_ERROR, name, 0, 0, NULL,
                       "found no row with an effect and a variance, expected at least one");
        return MSUM_EDATA;
    }
    return MSUM_OK;
}

/* --pairs "A:B,C:D" as 2*npairs level names (pointers into *buf). */
static int parse_pairs(const msum_cmp *c, const char **pl, size_t *np, char **buf)
{
    const msum_spec *s = c->s;
    char *parts[MSUM_CMP_MAXLIST];
    int n = msum_an_split(s->pairs, ',', parts, MSUM_CMP_MAXLIST, buf);
    if (n < 0 && !*buf) return MSUM_ENOMEM;
    if (n < 0)
        return SPEC_ERROR("pairs", "found too many pairs in '%s', expected at most %d",
                          s->pairs, MSUM_CMP_MAXLIST);
    *np = 0;
    for (int i = 0; i < n; i++) {
        char *colon = strchr(parts[i], ':');
        if (!colon || colon == parts[i] || !colon[1])
            return SPEC_ERROR("pairs", "found '%s', expected A:B", parts[i]);
        *colon = '\0';
        pl[2 * *np] = parts[i];
        pl[2 * *np + 1] = colon + 1;
        (*np)++;
    }
    return MSUM_OK;
}

/* The forest plot of the groups: the pool kind's subgroup forest (per-group diamonds, the
 * overall diamond and the test for subgroup differences) drawn with the same settings, so
 * `compare --by G --plot` and `pool --by G --plot` give the same picture. */
static int forest(const msum_spec *s, const char *path, msum_result *out, msum_diags *diags)
{
    msum_spec ps = *s;
    ps.kind = MSUM_KIND_POOL;
    ps.plots = "forest";
    ps.weights = 0;
    ps.mods = ps.newmods = ps.ref_level = ps.pairs = ps.table = NULL;
    ps.owned_ = NULL;
    msum_result pr = {0};
    msum_diags *pd = msum_diags_new(); /* the rows' warnings were said by compare already */
    if (!pd) return MSUM_ENOMEM;
    int st = msum_an_pool(&ps, path, &pr, pd);
    const char *svg = st == MSUM_OK ? msum_result_plot(&pr, "forest") : NULL;
    if (svg) {
        char *copy = strdup(svg);
        st = copy ? msum_result_add_plot(out, "forest", copy) : MSUM_ENOMEM;
    } else if (st != MSUM_ENOMEM) { /* its errors (a setting such as favours) as they are */
        size_t nerr = 0;
        for (size_t i = 0; i < msum_diags_count(pd); i++) {
            const msum_diag *g = msum_diags_get(pd, i);
            if (g->severity != MSUM_DIAG_ERROR) continue;
            msum_diags_add(diags, MSUM_DIAG_ERROR, g->file, g->line, g->col, g->column, "%s",
                           g->message);
            nerr++;
        }
        if (!nerr)
            msum_diags_add(diags, MSUM_DIAG_ERROR, path, 0, 0, "plots",
                           "the forest plot could not be drawn: %s",
                           msum_strerror((msum_status)st));
        if (st == MSUM_OK) st = MSUM_EDATA;
    }
    msum_result_free(&pr);
    msum_diags_free(pd);
    return st;
}

int msum_an_compare(const msum_spec *s, const char *path, msum_result *out, msum_diags *diags)
{
    msum_cmp cs, *c = &cs;
    msum_dataset *ds = NULL;
    msum_cmp_effects e = {0};
    msum_subgroup_result sg = {0};
    msum_metareg_result mr = {0};
    msum_table *tabs[NTAB] = {0};
    char *pairbuf = NULL;
    long *lines = NULL;
    double *x0 = NULL;
    size_t nnew = 0;
    msum_cmp_newvars nvs = {0};
    int st = settings(s, diags, c);
    if (st != MSUM_OK) goto out;
    st = msum_dataset_read_opts(path, s->filter, &s->read, diags, &ds);
    if (st == MSUM_OK && msum_diags_errors(diags)) st = MSUM_EDATA;
    if (st != MSUM_OK) {
        if (st == MSUM_EPARSE || st == MSUM_EINVAL) st = MSUM_EDATA;
        goto out;
    }
    const char *name = msum_dataset_name(ds);
    const char *by = msum_an_given(s->by) ? s->by : NULL;
    if (by && msum_dataset_col(ds, by) < 0) {
        st = SPEC_ERROR("by", "found no column '%s' in %s", by, name);
        goto out;
    }
    if ((st = collect(c, ds, &e, &out->k_skipped)) != MSUM_OK) goto out;

    const char *ref = by ? msum_cmp_ref_level(c, by) : NULL;
    if (by) {
        st = msum_subgroup(e.yi, e.vi, e.group, e.k, by, &c->po, ref, &sg);
        if (st != MSUM_OK) {
            msum_diags_add(diags, MSUM_DIAG_ERROR, name, 0, 0, by, "subgroups: %s",
                           msum_strerror((msum_status)st));
            if (st == MSUM_EINVAL) st = MSUM_EDATA;
            goto out;
        }
        if (ref && msum_subgroup_find(&sg, ref) < 0) {
            st = SPEC_ERROR("ref_level", "%s=%s: found no such group in column '%s'", by, ref,
                            by);
            goto out;
        }
    }
    const msum_metareg_result *model = by && sg.me_status == MSUM_OK ? &sg.me : NULL;
    if (msum_an_given(s->mods)) {
        if ((st = msum_cmp_fit_mods(c, ds, &e, &mr, &lines, &nvs)) != MSUM_OK) goto out;
        model = &mr;
        if (msum_an_given(s->newmods) &&
            (st = msum_cmp_newmods(c, &mr, &nvs, &x0, &nnew)) != MSUM_OK)
            goto out;
    } else if (sg.me_status != MSUM_OK && (wanted(s, "metareg") || wanted(s, "model")) &&
               !only_all(s)) {
        msum_diags_add(diags, MSUM_DIAG_ERROR, name, 0, 0, by,
                       "meta-regression on the groups: %s", sg.me.message);
        st = MSUM_EDATA;
        goto out;
    }

    msum_compare_info info = {by, e.measure, c->po.level, nvs.pft_n};
    const char *pl[2 * MSUM_CMP_MAXLIST] = {0};
    size_t np = 0;
    if (msum_an_given(s->pairs) && (st = parse_pairs(c, pl, &np, &pairbuf)) != MSUM_OK)
        goto out;
    const char *bad = NULL;
    if (by && wanted(s, "groups")) st = msum_compare_groups_table(&sg, &info, &tabs[0]);
    if (st == MSUM_OK && by && wanted(s, "between"))
        st = msum_compare_between_table(&sg, &info, &tabs[1]);
    if (st == MSUM_OK && model && wanted(s, "metareg"))
        st = msum_compare_metareg_table(model, &info, &tabs[2]);
    if (st == MSUM_OK && model && wanted(s, "model"))
        st = msum_compare_model_table(model, &info, &tabs[3]);
    /* every pair of G groups is G(G-1)/2 rows: by default only for a readable number */
    int allpairs = !msum_an_given(s->pairs) && sg.G > MAX_DEFAULT_PAIRS;
    if (allpairs && by && wanted(s, "pairs"))
        msum_diags_add(diags, MSUM_DIAG_WARNING, name, 0, 0, by,
                       "%zu groups: pairwise differences only for the pairs given with --pairs "
                       "(all pairs are listed up to %d groups)", sg.G, MAX_DEFAULT_PAIRS);
    if (st == MSUM_OK && by && wanted(s, "pairs") && !allpairs)
        st = msum_compare_pairs_table(&sg, np ? pl : NULL, np, &info, &tabs[4], &bad);
    /* with --mods: per-row weights and hat values on request, predictions at --newmods */
    if (st == MSUM_OK && msum_an_given(s->mods) && wanted(s, "studies"))
        st = msum_compare_studies_table(&mr, lines, &info, &tabs[5]);
    if (st == MSUM_OK && msum_an_given(s->mods) && nnew && wanted(s, "predict"))
        st = msum_compare_predict_table(&mr, x0, nnew, c->pi_type, &info, &tabs[6]);
    if (st == MSUM_EDATA && bad) {
        st = SPEC_ERROR("pairs", "found no group '%s' in column '%s'", bad, by);
        goto out;
    }
    if (st != MSUM_OK) {
        msum_diags_add(diags, MSUM_DIAG_ERROR, name, 0, 0, NULL, "compare: %s",
                       msum_strerror((msum_status)st));
        goto out;
    }
    for (int t = 0; t < NTAB && st == MSUM_OK; t++)
        if (tabs[t]) {
            msum_table_set_meta(tabs[t], "input", s->dataset);
            st = msum_result_add_table(out, tabs[t]);
            tabs[t] = NULL;
        }
    if (st == MSUM_OK && msum_an_list_has(s->plots, "forest")) st = forest(s, path, out, diags);
out:
    for (int t = 0; t < NTAB; t++) msum_table_free(tabs[t]);
    free(c->refbuf);
    free(pairbuf);
    free(lines);
    free(x0);
    msum_cmp_newvars_free(&nvs);
    msum_metareg_result_free(&mr);
    msum_subgroup_result_free(&sg);
    effects_free(&e);
    msum_dataset_free(ds);
    return st;
}
