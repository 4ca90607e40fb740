/* Effect direction plot tables (Thomson & Thomas 2013; Hilton Boon & Thomson 2021, Research
 * Synthesis Methods 12:29-33): the direction of each study-by-domain cell by the 70 % rule, and
 * the exact sign test per domain on the cells with a clear direction.
 */
#include "metasum/direction.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metasum/metasum.h"
#include "tbuild.h"

const char *msum_edp_direction(double ben, double harm, double none, double unrated)
{
    double rated = ben + harm + none;
    if (rated <= 0) return unrated > 0 ? "not rated" : NULL;
    /* compare counts, not shares: 0.7 * 10 is 7.000000000000001 in doubles */
    double need = MSUM_EDP_THRESHOLD * rated - 1e-9;
    if (ben >= need) return "benefit";
    if (harm >= need) return "harm";
    if (none >= need) return "no change";
    return "conflicting";
}

static const char *str(const char *s) { return s ? s : ""; }

/* One kept row: its unit (study x source-preparation) and domain, as ranks once known. */
typedef struct {
    size_t row;
    const char *label, *ref, *domain;
    size_t unit, dom;
    size_t key; /* scratch: an order key */
    long di;    /* the outcome's index in the dictionary, -1 */
} rec;

static int by_unit_text(const void *pa, const void *pb)
{
    const rec *a = pa, *b = pb;
    int c = strcmp(a->label, b->label);
    if (!c) c = strcmp(a->ref, b->ref);
    return c ? c : (a->row > b->row) - (a->row < b->row);
}

static int by_domain_text(const void *pa, const void *pb)
{
    const rec *a = pa, *b = pb;
    int c = strcmp(a->domain, b->domain);
    return c ? c : (a->row > b->row) - (a->row < b->row);
}

static int by_cell(const void *pa, const void *pb)
{
    const rec *a = pa, *b = pb;
    if (a->unit != b->unit) return a->unit < b->unit ? -1 : 1;
    if (a->dom != b->dom) return a->dom < b->dom ? -1 : 1;
    return (a->row > b->row) - (a->row < b->row);
}

typedef struct {
    size_t k1, k2, idx;
} rank_key;

static int by_rank_key(const void *pa, const void *pb)
{
    const rank_key *a = pa, *b = pb;
    if (a->k1 != b->k1) return a->k1 < b->k1 ? -1 : 1;
    if (a->k2 != b->k2) return a->k2 < b->k2 ? -1 : 1;
    return (a->idx > b->idx) - (a->idx < b->idx);
}

/* Replace the run ids in rank_key idx order by their rank in (k1, k2) order. */
static void ranks(rank_key *rk, size_t m, size_t *rank_of)
{
    qsort(rk, m, sizeof *rk, by_rank_key);
    for (size_t i = 0; i < m; i++) rank_of[rk[i].idx] = i;
}

/* Units: runs of equal (label, ref) after sorting; ranked by the first row of their group
 * (label), then their own first row.  rs is sorted by unit text on return. */
static int rank_units(rec *rs, size_t m, size_t *nunits)
{
    qsort(rs, m, sizeof *rs, by_unit_text);
    rank_key *rk = malloc((m + 1) * sizeof *rk);
    size_t *rank_of = malloc((m + 1) * sizeof *rank_of);
    if (!rk || !rank_of) {
        free(rk);
        free(rank_of);
        return MSUM_ENOMEM;
    }
    size_t nu = 0;
    for (size_t i = 0; i < m;) { /* a group: rows of one label */
        size_t g = i, gfirst = rs[i].row;
        while (g < m && strcmp(rs[g].label, rs[i].label) == 0) {
            if (rs[g].row < gfirst) gfirst = rs[g].row;
            g++;
        }
        for (size_t a = i; a < g;) { /* its units: rows of one ref */
            size_t e = a, ufirst = rs[a].row;
            while (e < g && strcmp(rs[e].ref, rs[a].ref) == 0) {
                if (rs[e].row < ufirst) ufirst = rs[e].row;
                e++;
            }
            rk[nu] = (rank_key){gfirst, ufirst, nu};
            for (size_t x = a; x < e; x++) rs[x].unit = nu;
            nu++;
            a = e;
        }
        i = g;
    }
    ranks(rk, nu, rank_of);
    for (size_t i = 0; i < m; i++) rs[i].unit = rank_of[rs[i].unit];
    *nunits = nu;
    free(rk);
    free(rank_of);
    return MSUM_OK;
}

/* Domains ranked by their first place in the dictionary, those missing from it after, by their
 * first row; rs[i].key holds each row's own key on entry. */
static int rank_domains(rec *rs, size_t m, size_t *ndom)
{
    qsort(rs, m, sizeof *rs, by_domain_text);
    rank_key *rk = malloc((m + 1) * sizeof *rk);
    size_t *rank_of = malloc((m + 1) * sizeof *rank_of);
    if (!rk || !rank_of) {
        free(rk);
        free(rank_of);
        return MSUM_ENOMEM;
    }
    size_t nd = 0;
    for (size_t i = 0; i < m;) {
        size_t e = i, key = rs[i].key;
        while (e < m && strcmp(rs[e].domain, rs[i].domain) == 0) {
            if (rs[e].key < key) key = rs[e].key;
            rs[e].dom = nd;
            e++;
        }
        rk[nd] = (rank_key){key, 0, nd};
        nd++;
        i = e;
    }
    ranks(rk, nd, rank_of);
    for (size_t i = 0; i < m; i++) rs[i].dom = rank_of[rs[i].dom];
    *ndom = nd;
    free(rk);
    free(rank_of);
    return MSUM_OK;
}

/* The dictionary sorted by outcome (ties by position), so that each row's outcome is found by
 * binary search: rows x dictionary comparisons would be quadratic on big inputs. */
typedef struct {
    const char *key;
    size_t i;
} dkey;

static int cmp_dkey(const void *pa, const void *pb)
{
    const dkey *a = pa, *b = pb;
    int c = strcmp(a->key, b->key);
    return c ? c : (a->i > b->i) - (a->i < b->i);
}

static long find_outcome(const dkey *ix, size_t nd, const char *outcome)
{
    size_t lo = 0, hi = nd;
    while (lo < hi) { /* first entry not below outcome: the first of equal keys */
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(ix[mid].key, outcome) < 0) lo = mid + 1;
        else hi = mid;
    }
    return lo < nd && strcmp(ix[lo].key, outcome) == 0 ? (long)ix[lo].i : -1;
}

static const char *label_of(const msum_swim_outcome *dict, long di, const char *outcome)
{
    return di >= 0 && dict[di].label && *dict[di].label ? dict[di].label : str(outcome);
}

static const char *domain_of(const msum_swim_outcome *dict, long di, const char *outcome)
{
    return di >= 0 && dict[di].domain && *dict[di].domain ? dict[di].domain
                                                          : label_of(dict, di, outcome);
}

/* dfirst[i] = the first dictionary position of outcome i's domain; ix: the sorted index. */
static int index_dict(const msum_swim_outcome *dict, size_t nd, dkey *ix, size_t *dfirst)
{
    dkey *bydom = malloc((nd + 1) * sizeof *bydom);
    if (!bydom) return MSUM_ENOMEM;
    for (size_t i = 0; i < nd; i++) {
        ix[i] = (dkey){str(dict[i].outcome), i};
        bydom[i] = (dkey){domain_of(dict, (long)i, dict[i].outcome), i};
    }
    qsort(ix, nd, sizeof *ix, cmp_dkey);
    qsort(bydom, nd, sizeof *bydom, cmp_dkey);
    for (size_t a = 0; a < nd;) {
        size_t e = a;
        while (e < nd && strcmp(bydom[e].key, bydom[a].key) == 0) dfirst[bydom[e++].i] = bydom[a].i;
        a = e;
    }
    free(bydom);
    return MSUM_OK;
}

typedef struct {
    double units, benefit, harm, none, conflicting, unrated;
} domain_tally;

/* Distinct outcome labels of a cell, comma-joined in row order (as many as fit in buf). */
static void cell_outcomes(const msum_swim_row *rows, const rec *rs, size_t a, size_t e,
                          const msum_swim_outcome *dict, char *buf, size_t size)
{
    enum { MAXSEEN = 64 };
    const char *seen[MAXSEEN];
    size_t ns = 0, len = 0;
    buf[0] = '\0';
    for (size_t i = a; i < e && ns < MAXSEEN; i++) {
        const char *lab = label_of(dict, rs[i].di, rows[rs[i].row].outcome);
        size_t j = 0;
        /* cppcheck-suppress uninitvar ; seen[0..ns) is set before it is read */
        while (j < ns && strcmp(seen[j], lab) != 0) j++;
        if (j < ns) continue;
        seen[ns++] = lab;
        if (len < size)
            len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? ", " : "", lab);
    }
}

static int domains_table(domain_tally *dt, const char *const *names, size_t nd,
                         msum_table **out)
{
    static const msum_tb_col cols[] = {
        {"domain", MSUM_COL_TEXT, "outcome domain"},
        {"n_units", MSUM_COL_INT, "studies x source-preparation with a finding in the domain"},
        {"n_benefit", MSUM_COL_INT, "units whose findings favour the treatment (70 % rule)"},
        {"n_harm", MSUM_COL_INT, "units whose findings favour the control"},
        {"n_no_change", MSUM_COL_INT, "units whose findings show no change"},
        {"n_conflicting", MSUM_COL_INT, "units whose findings conflict (no direction >= 70 %)"},
        {"n_not_rated", MSUM_COL_INT, "units with findings only on outcomes without a "
                                      "beneficial direction"},
        {"n_votes", MSUM_COL_INT, "n_benefit + n_harm"},
        {"prop_benefit", MSUM_COL_NUM, "n_benefit / n_votes"},
        {"sign_pval", MSUM_COL_NUM, "exact two-sided sign test (binomial, p = 1/2) on the votes"}};
    msum_tb b;
    msum_tb_init(&b, "domains", "Effect direction by outcome domain: sign test", cols,
                 sizeof cols / sizeof cols[0]);
    for (size_t d = 0; d < nd; d++) {
        double v = dt[d].benefit + dt[d].harm;
        msum_tb_row(&b);
        msum_tb_text(&b, "domain", names[d]);
        msum_tb_num(&b, "n_units", dt[d].units);
        msum_tb_num(&b, "n_benefit", dt[d].benefit);
        msum_tb_num(&b, "n_harm", dt[d].harm);
        msum_tb_num(&b, "n_no_change", dt[d].none);
        msum_tb_num(&b, "n_conflicting", dt[d].conflicting);
        msum_tb_num(&b, "n_not_rated", dt[d].unrated);
        msum_tb_num(&b, "n_votes", v);
        msum_tb_num(&b, "prop_benefit", v > 0 ? dt[d].benefit / v : NAN);
        msum_tb_num(&b, "sign_pval", v > 0 ? msum_sign_test_p(dt[d].benefit, v) : NAN);
    }
    msum_tb_meta(&b, "method", "effect direction (Thomson & Thomas 2013; Hilton Boon & Thomson "
                               "2021): a unit's direction is the one >= 70 % of its rated "
                               "findings in the domain report; exact two-sided sign test per "
                               "domain on the units favouring treatment or control");
    msum_tb_meta(&b, "unit", "a study (ref) with one source-preparation");
    return msum_tb_finish(&b, out);
}

int msum_swim_direction(const msum_swim_row *rows, size_t n, const msum_swim_outcome *dict,
                        size_t ndict, msum_table **edp, msum_table **domains)
{
    if (!edp || !domains || (!rows && n) || (!dict && ndict)) return MSUM_EINVAL;
    *edp = *domains = NULL;
    char *h2h = msum_swim_head_to_head(rows, n);
    rec *rs = malloc((n + 1) * sizeof *rs);
    char (*lab)[160] = malloc((n + 1) * sizeof *lab);
    size_t *dfirst = malloc((ndict + 1) * sizeof *dfirst);
    dkey *ix = malloc((ndict + 1) * sizeof *ix);
    const char **dnames = malloc((n + 1) * sizeof *dnames);
    domain_tally *dt = calloc(n + 1, sizeof *dt);
    int st = h2h && rs && lab && dnames && dt && dfirst && ix ? MSUM_OK : MSUM_ENOMEM;
    if (st == MSUM_OK) st = index_dict(dict, ndict, ix, dfirst);
    size_t m = 0, nu = 0, nd = 0;
    for (size_t i = 0; st == MSUM_OK && i < n; i++) {
        const msum_swim_row *r = &rows[i];
        if (r->about_exposure || h2h[i]) continue;
        const char *s = str(r->source), *p = str(r->preparation);
        snprintf(lab[m], sizeof lab[m], "%s%s%s", s, *s && *p ? "-" : "", p);
        long di = find_outcome(ix, ndict, str(r->outcome));
        const char *dom = domain_of(dict, di, r->outcome);
        rs[m] = (rec){i, lab[m], str(r->ref), dom, 0, 0, di >= 0 ? dfirst[di] : ndict + i, di};
        m++;
    }
    if (st == MSUM_OK) st = rank_domains(rs, m, &nd);
    if (st == MSUM_OK) st = rank_units(rs, m, &nu);
    if (st == MSUM_OK) {
        qsort(rs, m, sizeof *rs, by_cell);
        for (size_t i = 0; i < m; i++) dnames[rs[i].dom] = rs[i].domain;
    }
    static const msum_tb_col cols[] = {
        {"group", MSUM_COL_TEXT, "source-preparation"},
        {"source", MSUM_COL_TEXT, "cell source"},
        {"preparation", MSUM_COL_TEXT, "preparation"},
        {"ref", MSUM_COL_TEXT, "the study (reference key)"},
        {"domain", MSUM_COL_TEXT, "outcome domain"},
        {"n_findings", MSUM_COL_INT, "findings (rows) of the study in the domain"},
        {"n_beneficial", MSUM_COL_INT, "findings in the beneficial direction"},
        {"n_harmful", MSUM_COL_INT, "findings in the harmful direction"},
        {"n_no_change", MSUM_COL_INT, "findings of no change"},
        {"n_not_rated", MSUM_COL_INT,
         "findings on outcomes without a beneficial direction, or without a direction"},
        {"direction", MSUM_COL_TEXT, "benefit, harm, no change, conflicting (70 % rule) or not "
                                     "rated"},
        {"outcomes", MSUM_COL_TEXT, "outcomes of the findings"}};
    msum_tb b;
    msum_tb_init(&b, "effect_direction", "Effect direction: study x outcome domain", cols,
                 sizeof cols / sizeof cols[0]);
    if (st != MSUM_OK) b.st = st;
    char outs[1024];
    for (size_t i = 0; b.st == MSUM_OK && i < m;) {
        size_t e = i;
        double ben = 0, harm = 0, none = 0, unr = 0;
        for (; e < m && rs[e].unit == rs[i].unit && rs[e].dom == rs[i].dom; e++) {
            const msum_swim_row *r = &rows[rs[e].row];
            long k = rs[e].di;
            msum_benefit bf = k >= 0 ? dict[k].beneficial : MSUM_BENEFIT_UNKNOWN;
            int c = msum_swim_classify(r, bf, NULL);
            if (c == 1) ben++;
            else if (c == -1) harm++;
            else if (c == 0) none++;
            else unr++;
        }
        const char *dir = msum_edp_direction(ben, harm, none, unr);
        domain_tally *t = &dt[rs[i].dom];
        t->units++;
        if (!strcmp(dir, "benefit")) t->benefit++;
        else if (!strcmp(dir, "harm")) t->harm++;
        else if (!strcmp(dir, "no change")) t->none++;
        else if (!strcmp(dir, "conflicting")) t->conflicting++;
        else t->unrated++;
        const msum_swim_row *r = &rows[rs[i].row];
        cell_outcomes(rows, rs, i, e, dict, outs, sizeof outs);
        msum_tb_row(&b);
        msum_tb_text(&b, "group", rs[i].label);
        msum_tb_text(&b, "source", r->source);
        msum_tb_text(&b, "preparation", r->preparation);
        msum_tb_text(&b, "ref", r->ref);
        msum_tb_text(&b, "domain", rs[i].domain);
        msum_tb_num(&b, "n_findings", (double)(e - i));
        msum_tb_num(&b, "n_beneficial", ben);
        msum_tb_num(&b, "n_harmful", harm);
        msum_tb_num(&b, "n_no_change", none);
        msum_tb_num(&b, "n_not_rated", unr);
        msum_tb_text(&b, "direction", dir);
        msum_tb_text(&b, "outcomes", outs);
        i = e;
    }
    msum_tb_meta(&b, "method", "effect direction plot (Thomson & Thomas 2013; Hilton Boon & "
                               "Thomson 2021): a cell's direction is the one >= 70 % of its "
                               "rated findings report, else conflicting");
    msum_tb_meta(&b, "unit", "a study (ref) with one source-preparation; treatment rows against "
                             "a control (no exposure or head-to-head rows)");
    st = msum_tb_finish(&b, edp);
    if (st == MSUM_OK) {
        st = domains_table(dt, dnames, nd, domains);
        if (st != MSUM_OK) {
            msum_table_free(*edp);
            *edp = NULL;
        }
    }
    free(h2h);
    free(rs);
    free(lab);
    free(dnames);
    free(dt);
    free(dfirst);
    free(ix);
    return st;
}
