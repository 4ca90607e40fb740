/* Kind "compare": the meta-regression on the terms of --mods (COL, center(COL), scale(COL),
 * A:B, A*B, -1) and the --newmods rows, by value or by moderator name. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compare_int.h"
#include "pool_int.h"
#include "metasum/diag.h"
#include "metasum/reader.h"

#define MODS_ERROR(...) (msum_an_spec_error(c->diags, c->s, "mods", __VA_ARGS__), MSUM_EINVAL)
#define NEWMODS_ERROR(...)                                                                     \
    (msum_an_spec_error(c->diags, c->s, "newmods", __VA_ARGS__), MSUM_EINVAL)

/* One moderator of a --mods term: a column, optionally centred (center(x)) or standardised
 * (scale(x): centred and divided by the sample SD, as R's scale()). */
typedef struct {
    char name[128];   /* the text as written: "ablat", "scale(ablat)" */
    const char *col;  /* the column name (inside the parentheses) */
    char colbuf[128];
    int idx;          /* dataset column */
    int transform;    /* 0 none, 1 center, 2 scale */
    double *x;        /* values on the used rows when continuous, else NULL */
    const char **t;   /* texts on the used rows when categorical */
} modvar;

/* Parse one moderator ("col", "center(col)", "scale(col)"); returns 0 on a syntax error. */
static int parse_var(const char *s, size_t n, modvar *v)
{
    while (n && (*s == ' ')) s++, n--;
    while (n && s[n - 1] == ' ') n--;
    if (n == 0 || n >= sizeof v->name) return 0;
    memset(v, 0, sizeof *v);
    memcpy(v->name, s, n);
    v->name[n] = '\0';
    static const char *const fn[] = {"center(", "scale("};
    for (int f = 0; f < 2; f++) {
        size_t l = strlen(fn[f]);
        if (n > l + 1 && strncmp(s, fn[f], l) == 0 && s[n - 1] == ')') {
            memcpy(v->colbuf, s + l, n - l - 1);
            v->colbuf[n - l - 1] = '\0';
            v->col = v->colbuf;
            v->transform = f + 1;
            return strchr(v->col, '(') == NULL && *v->col;
        }
    }
    if (memchr(s, '(', n) || memchr(s, ')', n)) return 0;
    v->col = v->name;
    return 1;
}

/* A --mods term: one moderator, or the interaction of two (a:b); a*b is split into a, b, a:b. */
typedef struct {
    int a, b; /* indexes into the moderator list; b = -1 for a main effect */
} modterm;

enum { MAXLIST = MSUM_CMP_MAXLIST, MAXVARS = 2 * MSUM_CMP_MAXLIST };

/* Meta-regression on the terms of --mods (rows with a missing moderator left out), with the
 * --newmods predictions.  Fills *lines with the input line of each row used (caller frees). */
int msum_cmp_fit_mods(const msum_cmp *c, const msum_dataset *ds, const msum_cmp_effects *e,
                      msum_metareg_result *mr, long **lines, msum_cmp_newvars *nvs)
{
    msum_diags *dg = c->diags;
    const char *mods = c->s->mods;
    char *parts[MAXLIST], *buf = NULL;
    const char *name = msum_dataset_name(ds);
    int np = msum_an_split(mods, ',', parts, MAXLIST, &buf);
    if (np < 0) {
        free(buf);
        return MODS_ERROR("found too many terms in '%s', expected at most %d", mods, MAXLIST);
    }
    modvar vars[MAXVARS];
    modterm terms[2 * MAXLIST];
    int nv = 0, nt = 0, intercept = 1;
    for (int p = 0; p < np; p++) {
        char *s = parts[p];
        while (*s == ' ') s++;
        for (size_t n = strlen(s); n && s[n - 1] == ' ';) s[--n] = '\0';
        if (strcmp(s, "-1") == 0 || strcmp(s, "0") == 0) {
            intercept = 0;
            continue;
        }
        char *op = strpbrk(s, "*:");
        modvar va, vb;
        int ok = op ? parse_var(s, (size_t)(op - s), &va) && parse_var(op + 1, strlen(op + 1), &vb)
                    : parse_var(s, strlen(s), &va);
        if (!ok || (op && strpbrk(op + 1, "*:")) || strchr(s, '+')) {
            int rc = MODS_ERROR("found '%s', expected COL, center(COL), scale(COL), "
                                 "A:B, A*B or -1 (terms separated by commas)", s);
            free(buf);
            return rc;
        }
        int ia = -1, ib = -1;
        for (int side = 0; side < (op ? 2 : 1); side++) {
            modvar *v = side ? &vb : &va;
            int found = -1;
            for (int j = 0; j < nv; j++)
                if (strcmp(vars[j].name, v->name) == 0) found = j;
            if (found < 0) {
                if (nv == MAXVARS) {
                    free(buf);
                    return MODS_ERROR("found too many moderators in '%s', expected at most %d",
                                      mods, MAXVARS);
                }
                vars[nv] = *v;
                if (vars[nv].col == v->name) vars[nv].col = vars[nv].name;
                else vars[nv].col = vars[nv].colbuf;
                found = nv++;
            }
            if (side) ib = found; else ia = found;
        }
        if (op && *op == '*') {
            terms[nt++] = (modterm){ia, -1};
            terms[nt++] = (modterm){ib, -1};
        }
        terms[nt++] = (modterm){ia, ib};
    }
    for (int j = 0; j < nv; j++) {
        vars[j].idx = msum_dataset_col(ds, vars[j].col);
        if (vars[j].idx < 0) {
            free(buf);
            return MODS_ERROR("found no column '%s' in %s", vars[j].col, name);
        }
    }
    /* rows with every moderator present */
    size_t k = 0, *use = malloc((e->k + 1) * sizeof *use);
    double *y = malloc((e->k + 1) * sizeof *y), *v = malloc((e->k + 1) * sizeof *v);
    double *x0 = NULL;
    int rc = MSUM_ENOMEM;
    msum_design *d = NULL;
    *lines = malloc((e->k + 1) * sizeof **lines);
    for (int j = 0; j < nv; j++) {
        vars[j].x = malloc((e->k + 1) * sizeof(double));
        vars[j].t = malloc((e->k + 1) * sizeof(char *));
        if (!vars[j].x || !vars[j].t) goto done;
    }
    if (!use || !y || !v || !*lines) goto done;
    for (size_t i = 0; i < e->k; i++) {
        int ok = 1;
        for (int j = 0; j < nv; j++) {
            int dup = 0;
            for (int q = 0; q < j; q++)
                if (vars[q].idx == vars[j].idx) dup = 1;
            const char *cell = msum_dataset_cell(ds, e->row[i], (size_t)vars[j].idx);
            if (!*cell || strcmp(cell, "NA") == 0) {
                long l, cc;
                msum_dataset_pos(ds, e->row[i], (size_t)vars[j].idx, &l, &cc);
                if (!dup)
                    msum_diags_add(dg, MSUM_DIAG_WARNING, name, l, cc, vars[j].col,
                                   "found no value: row left out of the meta-regression");
                ok = 0;
            }
        }
        if (!ok) continue;
        y[k] = e->yi[i];
        v[k] = e->vi[i];
        (*lines)[k] = msum_dataset_line(ds, e->row[i]);
        use[k++] = e->row[i];
    }
    rc = MSUM_EDATA;
    if (k == 0 || !(d = intercept ? msum_design_new(k) : msum_design_new_nointercept(k))) {
        msum_diags_add(dg, MSUM_DIAG_ERROR, name, 0, 0, NULL,
                       "found no row with every moderator, expected at least one");
        goto done;
    }
    /* each moderator: continuous when every value is a number (and no --ref-level names it),
     * else categorical; center()/scale() need numbers */
    for (int j = 0; j < nv; j++) {
        modvar *m = &vars[j];
        int numeric = 1;
        for (size_t i = 0; i < k; i++) {
            const char *cell = msum_dataset_cell(ds, use[i], (size_t)m->idx);
            m->t[i] = cell;
            if (msum_parse_double(cell, strlen(cell), &m->x[i]) != 1) numeric = 0;
        }
        if (msum_cmp_ref_level(c, m->col) && !m->transform) numeric = 0;
        if (!numeric && m->transform) {
            msum_diags_add(dg, MSUM_DIAG_ERROR, name, 0, 0, m->col,
                           "%s: found a value that is not a number, expected numbers", m->name);
            goto done;
        }
        msum_cmp_newvar *w = &nvs->v[j];
        snprintf(w->name, sizeof w->name, "%.127s", m->name);
        snprintf(w->col, sizeof w->col, "%.127s", m->col);
        w->numeric = numeric;
        w->shift = 0;
        w->div = 1;
        if (!numeric) {
            free(m->x);
            m->x = NULL;
            continue;
        }
        if (m->transform) {
            /* R evaluates scale(x) on the data before the rows with a missing value in
             * yi, vi or another moderator are dropped: the mean and SD of every row of the
             * file (after --filter) with a value in this column */
            double mean = 0, ss = 0, xv;
            size_t nall = 0, nrows = msum_dataset_nrows(ds);
            for (size_t r = 0; r < nrows; r++) {
                const char *cell = msum_dataset_cell(ds, r, (size_t)m->idx);
                if (!*cell || strcmp(cell, "NA") == 0) continue;
                if (msum_parse_double(cell, strlen(cell), &xv) != 1) {
                    long l, cc;
                    msum_dataset_pos(ds, r, (size_t)m->idx, &l, &cc);
                    msum_diags_add(dg, MSUM_DIAG_ERROR, name, l, cc, m->col,
                                   "%s: found '%s', expected a number", m->name, cell);
                    goto done;
                }
                nall++;
                mean += xv;
            }
            mean /= (double)nall;
            for (size_t r = 0; r < nrows; r++) {
                const char *cell = msum_dataset_cell(ds, r, (size_t)m->idx);
                if (!*cell || strcmp(cell, "NA") == 0) continue;
                msum_parse_double(cell, strlen(cell), &xv);
                ss += (xv - mean) * (xv - mean);
            }
            double sd = nall > 1 ? sqrt(ss / (double)(nall - 1)) : NAN;
            if (m->transform == 2 && !(sd > 0)) {
                msum_diags_add(dg, MSUM_DIAG_ERROR, name, 0, 0, m->col,
                               "%s: found no spread (SD 0), expected values that differ",
                               m->name);
                goto done;
            }
            for (size_t i = 0; i < k; i++)
                m->x[i] = m->transform == 2 ? (m->x[i] - mean) / sd : m->x[i] - mean;
            nvs->v[j].shift = mean;
            nvs->v[j].div = m->transform == 2 ? sd : 1;
        }
    }
    /* R's model.matrix: the main effects first, then the interactions, each in the order
     * written (terms sorted by order, stably) */
    modterm sorted[2 * MAXLIST] = {{0}};
    int ns = 0;
    for (int order = 1; order <= 2; order++)
        for (int t = 0; t < nt; t++)
            if ((terms[t].b >= 0) == (order == 2)) sorted[ns++] = terms[t];
    for (int t = 0; t < ns; t++) {
        modvar *a = &vars[sorted[t].a], *b = sorted[t].b >= 0 ? &vars[sorted[t].b] : NULL;
        int st;
        if (!b) {
            int dup = 0; /* a*b after a: the main effect once */
            for (size_t j = 0; j < msum_design_ncoef(d); j++)
                if (strcmp(msum_design_coef_term(d, j), a->name) == 0) dup = 1;
            if (dup) continue;
            st = a->x ? msum_design_add_num(d, a->name, a->x)
                      : msum_design_add_factor(d, a->name, a->t, msum_cmp_ref_level(c, a->col));
        } else {
            st = msum_design_add_interaction(d, a->name, a->x, a->x ? NULL : a->t,
                                             msum_cmp_ref_level(c, a->col), b->name, b->x,
                                             b->x ? NULL : b->t, msum_cmp_ref_level(c, b->col));
        }
        if (st == MSUM_EDATA) {
            const modvar *bad = a;
            if (b && !b->x) bad = b;
            msum_diags_add(dg, MSUM_DIAG_ERROR, name, 0, 0, bad->col, "%s",
                           msum_cmp_ref_level(c, bad->col)
                               ? "found no such reference level (--ref-level)"
                               : "found a single level, expected two or more");
            goto done;
        }
        if (st == MSUM_EDOM) {
            msum_diags_add(dg, MSUM_DIAG_ERROR, name, 0, 0, a->x && b ? b->col : a->col,
                           "found more than %d levels, expected at most %d for --mods (one "
                           "coefficient each; --by compares any number of groups)",
                           MSUM_DESIGN_MAX_LEVELS, MSUM_DESIGN_MAX_LEVELS);
            goto done;
        }
        if (st != MSUM_OK) {
            rc = st;
            goto done;
        }
    }
    if (msum_design_ncoef(d) == 0) {
        rc = MODS_ERROR("found no coefficient ('-1' alone), expected a moderator");
        goto done;
    }
    msum_metareg_opts mo = MSUM_METAREG_OPTS_DEFAULT;
    mo.method = c->po.method;
    mo.test = c->po.test;
    mo.level = c->po.level;
    mo.threshold = c->po.threshold;
    mo.step_adj = c->po.step_adj;
    if (c->maxiter_set) mo.maxiter = c->po.maxiter;
    mo.fallback = c->po.fallback;
    nvs->n = nv;
    nvs->pft_n = msum_measure_scale(e->measure) == MSUM_SCALE_FREEMAN_TUKEY
                     ? msum_an_pool_pft_hm(v, k)
                     : NAN;
    if (!(nvs->refs = calloc((size_t)nv + 1, sizeof *nvs->refs))) goto done;
    for (int j = 0; j < nv; j++) {
        const char *ref = nvs->v[j].numeric ? NULL : msum_design_ref_level(d, vars[j].name);
        if (ref && !(nvs->refs[j] = strdup(ref))) goto done;
        nvs->v[j].ref = nvs->refs[j];
    }
    int st = msum_metareg(y, v, d, &mo, mr);
    if (st == MSUM_EDATA) {
        msum_diags_add(dg, MSUM_DIAG_ERROR, name, 0, 0, NULL, "meta-regression: %s",
                       mr->message);
    } else if (st != MSUM_OK) {
        msum_diags_add(dg, MSUM_DIAG_ERROR, name, 0, 0, NULL, "meta-regression: %s",
                       msum_strerror((msum_status)st));
        rc = st;
    } else {
        rc = MSUM_OK;
    }
done:
    msum_design_free(d);
    free(use);
    free(y);
    free(v);
    free(x0);
    for (int j = 0; j < nv; j++) {
        free(vars[j].x);
        free(vars[j].t);
    }
    free(buf);
    return rc;
}

/* The model-matrix row of one named --newmods row ("ablat=10,year=1950,alloc=random"): each
 * moderator's value (continuous ones centred and scaled as the fit did, categorical ones by
 * level name), then each coefficient from its name: "intrcpt" 1, "x" the value of x,
 * "g[level]" 1 when g is that level, "a:b" the product.  Returns a status. */
static int named_row(const msum_cmp *c, char *row, const msum_metareg_result *m,
                     const msum_cmp_newvars *nvs, double *x)
{
    char *pairs[MAXLIST * 2], *pb;
    const char *text[MAXLIST * 2] = {0};
    double val[MAXLIST * 2];
    char list[512] = "";
    for (int j = 0; j < nvs->n; j++) {
        int seen = 0;
        for (int q = 0; q < j; q++) seen |= strcmp(nvs->v[q].col, nvs->v[j].col) == 0;
        if (!seen) {
            size_t l = strlen(list);
            snprintf(list + l, sizeof list - l, "%s%s", l ? ", " : "", nvs->v[j].col);
        }
    }
    int np = msum_an_split(row, ',', pairs, MAXLIST * 2, &pb), rc = MSUM_OK;
    if (np < 0) {
        free(pb);
        return NEWMODS_ERROR("too many values in '%s'", row);
    }
    for (int p = 0; p < np && rc == MSUM_OK; p++) {
        char *nm = pairs[p], *eq = strchr(nm, '=');
        while (*nm == ' ') nm++;
        int found = 0;
        if (eq) {
            char *t = eq + 1, *e = eq;
            while (e > nm && e[-1] == ' ') e--;
            *e = '\0';
            while (*t == ' ') t++;
            for (size_t n = strlen(t); n && t[n - 1] == ' ';) t[--n] = '\0';
            for (int j = 0; j < nvs->n; j++) {
                if (strcmp(nvs->v[j].col, nm) != 0) continue;
                found = 1;
                text[j] = t;
                if (nvs->v[j].numeric) {
                    if (msum_parse_double(t, strlen(t), &val[j]) != 1) {
                        rc = NEWMODS_ERROR("%s=%s: found '%s', expected a number", nm,
                                         t, t);
                        break;
                    }
                    val[j] = (val[j] - nvs->v[j].shift) / nvs->v[j].div;
                }
            }
        }
        if (rc == MSUM_OK && !found)
            rc = NEWMODS_ERROR("found '%s%s%s', expected NAME=VALUE with NAME one of "
                             "the moderators (%s)", nm, eq ? "=" : "", eq ? eq + 1 : "", list);
    }
    for (int j = 0; rc == MSUM_OK && j < nvs->n; j++)
        if (!text[j])
            rc = NEWMODS_ERROR("found no value for '%s' in '%s', expected one for each "
                             "moderator (%s)", nvs->v[j].col, row, list);
    /* each coefficient from its name */
    for (size_t q = 0; rc == MSUM_OK && q < m->p; q++) {
        if (m->intercept && q == 0) {
            x[0] = 1;
            continue;
        }
        char nm[256], *part = nm;
        snprintf(nm, sizeof nm, "%s", m->names[q]);
        double prod = 1;
        int ok = 1;
        while (part && ok) {
            char *next = strchr(part, ':');
            if (next) *next++ = '\0';
            char *br = strrchr(part, '[');
            size_t n = strlen(part);
            int hit = 0;
            for (int j = 0; j < nvs->n && !hit; j++) {
                const msum_cmp_newvar *w = &nvs->v[j];
                if (w->numeric && strcmp(w->name, part) == 0) {
                    prod *= val[j];
                    hit = 1;
                } else if (!w->numeric && br && part[n - 1] == ']' &&
                           strlen(w->name) == (size_t)(br - part) &&
                           strncmp(w->name, part, (size_t)(br - part)) == 0) {
                    prod *= strlen(text[j]) == n - (size_t)(br - part) - 2 &&
                                    strncmp(text[j], br + 1, n - (size_t)(br - part) - 2) == 0
                                ? 1
                                : 0;
                    hit = 1;
                }
            }
            ok = hit;
            part = next;
        }
        if (!ok) {
            rc = NEWMODS_ERROR("coefficient '%s' is not made of the named moderators; "
                             "give one number per coefficient instead", m->names[q]);
            break;
        }
        x[q] = prod;
    }
    /* a level the model does not know would give the reference silently */
    for (int j = 0; rc == MSUM_OK && j < nvs->n; j++) {
        const msum_cmp_newvar *w = &nvs->v[j];
        if (w->numeric || (w->ref && strcmp(w->ref, text[j]) == 0)) continue;
        char want[300];
        snprintf(want, sizeof want, "%s[%s]", w->name, text[j]);
        int known = 0;
        for (size_t q = 0; q < m->p && !known; q++) {
            const char *cn = m->names[q];
            for (const char *f = strstr(cn, want); f && !known; f = strstr(f + 1, want))
                known = (f == cn || f[-1] == ':') &&
                        (f[strlen(want)] == '\0' || f[strlen(want)] == ':');
        }
        if (!known)
            rc = NEWMODS_ERROR("%s=%s: found no level '%s' in the model, expected one "
                             "of the levels of '%s'", w->col, text[j], text[j], w->col);
    }
    free(pb);
    return rc;
}

/* --newmods: rows separated by ';', each either one number per coefficient but the intercept
 * ("a,b", in metareg-table order) or the moderators by name ("ablat=10,alloc=random", see
 * named_row), into *x0 (rows x p, the intercept's 1 prepended).  Returns a status. */
int msum_cmp_newmods(const msum_cmp *c, const msum_metareg_result *m,
                     const msum_cmp_newvars *nvs, double **x0, size_t *nrows)
{
    const char *s = c->s->newmods;
    char *rows[MAXLIST], *buf;
    int nr = msum_an_split(s, ';', rows, MAXLIST, &buf);
    size_t first = m->intercept ? 1 : 0, want = m->p - first;
    *x0 = nr > 0 ? calloc((size_t)nr * m->p, sizeof **x0) : NULL;
    if (nr < 0 || !*x0) {
        free(buf);
        return nr < 0 ? NEWMODS_ERROR("too many rows in '%s'", s) : MSUM_ENOMEM;
    }
    for (int r = 0; r < nr; r++) {
        double *x = *x0 + (size_t)r * m->p;
        if (strchr(rows[r], '=')) {
            int rc = named_row(c, rows[r], m, nvs, x);
            if (rc != MSUM_OK) {
                free(buf);
                return rc;
            }
            continue;
        }
        char *vals[MAXLIST], *vb;
        int n = msum_an_split(rows[r], ',', vals, MAXLIST, &vb);
        if (first) x[0] = 1;
        int ok = n >= 0 && (size_t)n == want;
        for (int j = 0; ok && j < n; j++) {
            const char *t = vals[j];
            while (*t == ' ') t++;
            if (msum_parse_double(t, strlen(t), &x[first + (size_t)j]) != 1) ok = 0;
        }
        free(vb);
        if (!ok) {
            int rc = NEWMODS_ERROR("found '%s', expected %zu number%s (one per "
                                 "coefficient but the intercept, in the order of the metareg "
                                 "table) or NAME=VALUE for each moderator; rows separated by "
                                 "';'", rows[r], want, want == 1 ? "" : "s");
            free(buf);
            return rc;
        }
    }
    *nrows = (size_t)nr;
    free(buf);
    return MSUM_OK;
}

