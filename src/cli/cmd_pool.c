/* metasum pool: stream an effect CSV, compute each row's yi/vi (escalc), group rows (--by) and
 * pool each group with msum_pool (metafor rma.uni); one tidy row per group, or per-study
 * weights.  Only doubles are kept per row (yi, vi), so a million rows fit in a few MB.
 */
#include <errno.h>
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis.h"
#include "cli.h"
#include "metasum/dataset.h"
#include "metasum/escalc.h"
#include "metasum/pool.h"
#include "metasum/reader.h"
#include "metasum/render.h"
#include "metasum/subgroup.h"

void usage_pool(FILE *fp)
{
    fprintf(fp,
"About:   Pool effects with fixed- or random-effects models, as R's metafor rma.uni: pooled\n"
"         estimate, test, CI, prediction interval, tau2 with its Q-profile CI, I2, H2, Q.\n"
"         One output row per group (--by); every row says which estimator, test and I2\n"
"         definition it used.  Non-convergence never stops the run: REML/ML/EB fall back\n"
"         to PM, then DL, and the row says so (columns estimator_used, fallback).\n"
"Usage:   metasum pool [OPTIONS] FILE        (FILE '-' reads standard input)\n"
"\n"
"Input:   an effect CSV (datasets/README.md).  Rows of any form that has a variance are\n"
"         pooled: generic (yi with vi, sei, a CI or a p-value), continuous, median_iqr,\n"
"         counts, correlation.  Rows without one (percent_change, fold_change, direction)\n"
"         are skipped and counted (column k_skipped, and a warning).  A plain study,yi,vi\n"
"         file works too.\n"
"\n");
    fprintf(fp,
"Options:\n"
"    -m, --method NAME   tau2 estimator [REML]: EE FE CE (common effect, tau2 = 0), DL, HE,\n"
"                        HS, SJ, ML, REML, PM, EB; or MH (Mantel-Haenszel, metafor rma.mh) or\n"
"                        PETO (metafor rma.peto) from counts rows, MH also from rates rows\n"
"                        (--measure IRR, IRD): one row with the estimate, the CMH, Tarone's\n"
"                        and Breslow-Day tests, Q, I2, H2.  With MH/PETO: --measure OR, RR,\n"
"                        RD, IRR, IRD [OR]; --add X, --to P (the escalc yi/vi of Q) [0.5,\n"
"                        only0]; --mh-add X, --mh-to P (the cells of the MH/Peto sums) [0,\n"
"                        none]; --no-drop00 (keep double-zero studies in Q); --mh-drop00\n"
"                        (drop them from the sums); --no-correct (CMH test without the 1/2\n"
"                        correction); --by COL (one fit per value of one column); --level,\n"
"                        --filter, -d, -f, -o, --meta (docs/measures.md)\n"
"    -t, --test NAME     test and CI of the estimate [z]: z, t, knha (Hartung-Knapp, the\n"
"                        choice metafor recommends), adhoc (knha with its factor >= 1)\n"
"    -l, --level X       confidence level, 0.95 or 95 [95]\n"
"        --measure M     effect measure for rows that allow several: MD, SMD, ROM\n"
"                        (continuous, median_iqr), RR, OR, RD, PETO (counts), PR, PLN, PLO,\n"
"                        PAS, PFT (proportion), IR, IRLN, IRS, IRFT (rate), IRR, IRD, IRSD\n"
"                        (rates), COR (correlation rows, instead of ZCOR); bt_* columns\n"
"                        back-transform PLO, PAS, PFT (harmonic mean of n) and IRS\n"
"        --filter COL=VAL  only rows whose COL equals VAL (several: COL=A;COL2=B)\n"
"    -b, --by COL[,COL]  one result per distinct value of these columns, in order of first\n"
"                        appearance; group columns come first in the output\n"
"                        (as by_NAME when NAME is also an output column)\n"
"    -w, --weights       per-study weights (percent) instead of pooled results\n"
"        --no-fallback   exit 4 when the estimator does not converge instead of falling back\n"
"        --pi-type T     prediction interval: default (the CI's z or t(k-1)) or riley\n"
"                        (t(k-2), metafor pi.type=\"riley\", Riley et al. 2011) [default]\n"
"        --threshold X   Fisher scoring (ML, REML, EB) stops when tau2 changes by <= X, as\n"
"                        metafor's control threshold [0: to full precision, and a maximum\n"
"                        on the boundary is exactly 0]; metafor's default: 1e-5\n"
"        --maxiter N     iteration limit [1000]; metafor's default: 100\n"
"        --step-adj X    Fisher scoring step length factor (metafor stepadj) [1]\n"
"    -d, --digits N      significant digits, 0 = shortest exact [7]; text: decimals [4]\n"
"    -f, --format F      csv, tsv, md, json, html, or text: a summary to read, as R's\n"
"                        print(rma(...)), one block per group [text on a terminal, else\n"
"                        csv]\n"
"        --ci-text       add column estimate_ci, \"0.49 [0.34, 0.70]\": the estimate and CI,\n"
"                        back-transformed (exp_*, r_*, bt_*) where the table has them,\n"
"                        with --digits decimals when given, else 2\n"
"    -o, --output FILE   write there (atomically) instead of standard output\n"
"        --meta          CSV/TSV: leading '# key: value' lines with the settings\n"
"        --plot FILE     also draw a plot there: forest (FILE not starting with 'funnel',\n"
"                        or forest=FILE) or funnel (funnel=FILE; one group only); the\n"
"                        extension chooses SVG, PNG or PDF (several --plot allowed)\n"
"        --favours L,R   forest plot: 'Favours L' left and 'Favours R' right of the null\n"
"        --sort S        forest plot rows: input, effect or weight [input]\n"
"\n");
    fputs(cli_input_help, fp);
    fputs(
"\n"
"Output columns (docs/pool.md): group columns, k, k_skipped, measure, scale, estimate, se,\n"
"    stat, pval, df, ci_lb, ci_ub, pi_lb, pi_ub, exp_* (log measures) or r_* (ZCOR)\n"
"    back-transforms, tau2, se_tau2, tau2_ci_lb, tau2_ci_ub, tau2_ci_status, tau, I2,\n"
"    I2_ci_lb, I2_ci_ub, I2_definition, H2, I2_Q, H2_Q, QE, QE_df, QE_p, estimator,\n"
"    estimator_used, fallback, converged, iterations, test, ci_method, level, logLik, AIC,\n"
"    BIC, deviance, AICc, vt, tau_ci_lb, tau_ci_ub, H2_ci_lb, H2_ci_ub, pi_df,\n"
"    metasum_version.\n"
"\n"
"Exit codes: 0 ok, 1 data errors (file:line:col messages, nothing written), 2 usage,\n"
"    3 I/O, 4 numerical failure.\n"
"\n"
"Examples:\n"
"    metasum pool --measure RR datasets/bcg/effects.csv\n"
"    metasum pool --measure RR --test knha --by alloc datasets/bcg/effects.csv\n"
"    metasum pool --measure SMD --method DL datasets/normand1999/effects.csv\n"
"    metasum pool --measure RR --weights datasets/bcg/effects.csv\n"
"    metasum pool --method MH --measure OR datasets/bcg/effects.csv\n"
"    metasum pool --by source,outcome -f md datasets/exosome_skin_aging/effects.csv\n"
"    metasum pool --measure RR --plot forest.png --favours \"BCG,control\" \\\n"
"        datasets/bcg/effects.csv\n"
"    metasum pool --measure MD --col m1i=Mean_T --col m2i=Mean_C mydata.csv\n", fp);
}

/* ---- groups ------------------------------------------------------------------------------ */

typedef struct {
    char *key;        /* group column values joined by \x1f ("" without --by) */
    size_t k, fill, skipped;
    size_t first;     /* index of its first study in groups.in (while studies come in groups) */
    double *yi, *vi;  /* the group's studies: slices of groups.yi, .vi (after groups_finish) */
    long *line;       /* --weights only: input line of each study */
    char **id;        /* --weights only: the id column, when there is one */
    msum_measure measure;
    long measure_line;
} group;

/* Studies are appended as they are read (one growing array for all, not one per group).  While
 * each group's rows are consecutive in the input (the usual layout) the array is already group
 * by group; once they are not, each study's group index is kept too and groups_finish() lays
 * them out group by group (input order within a group). */
typedef struct {
    double *yi, *vi;
    long *line;
    char **id;
    size_t *gi; /* group of each study: only once the groups' rows are interleaved */
    size_t n, cap;
} studies;

typedef struct {
    group *g;
    size_t n, cap;
    size_t *slot; /* open addressing: group index + 1, 0 = empty */
    size_t nslot;
    studies in;   /* in reading order (emptied by groups_finish) */
    studies by;   /* group by group: every group's arrays point into these */
    size_t last;  /* group of the last study + 1 (0: none yet) */
} groups;

static uint64_t hash_key(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603u;
    for (size_t i = 0; i < len; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211u;
    return h;
}

static int groups_rehash(groups *gs)
{
    size_t n = gs->nslot ? gs->nslot * 2 : 64;
    size_t *slot = calloc(n, sizeof *slot);
    if (!slot) return MSUM_ENOMEM;
    for (size_t i = 0; i < gs->n; i++) {
        size_t j = hash_key(gs->g[i].key, strlen(gs->g[i].key)) & (n - 1);
        while (slot[j]) j = (j + 1) & (n - 1);
        slot[j] = i + 1;
    }
    free(gs->slot);
    gs->slot = slot;
    gs->nslot = n;
    return MSUM_OK;
}

/* The group of a key, created in order of first appearance; NULL on allocation failure. */
static group *groups_get(groups *gs, const char *key, size_t len)
{
    if (gs->nslot == 0 || 2 * (gs->n + 1) > gs->nslot)
        if (groups_rehash(gs) != MSUM_OK) return NULL;
    size_t j = hash_key(key, len) & (gs->nslot - 1);
    while (gs->slot[j]) {
        group *g = &gs->g[gs->slot[j] - 1];
        if (strlen(g->key) == len && memcmp(g->key, key, len) == 0) return g;
        j = (j + 1) & (gs->nslot - 1);
    }
    if (gs->n == gs->cap) {
        size_t cap = gs->cap ? 2 * gs->cap : 16;
        group *ng = realloc(gs->g, cap * sizeof *ng);
        if (!ng) return NULL;
        gs->g = ng;
        gs->cap = cap;
    }
    group *g = &gs->g[gs->n];
    memset(g, 0, sizeof *g);
    g->key = malloc(len + 1);
    if (!g->key) return NULL;
    memcpy(g->key, key, len);
    g->key[len] = '\0';
    gs->slot[j] = ++gs->n;
    return g;
}

static int studies_grow(studies *st, size_t cap, int keep)
{
    double *y = realloc(st->yi, cap * sizeof *y);
    if (!y) return MSUM_ENOMEM;
    st->yi = y;
    double *v = realloc(st->vi, cap * sizeof *v);
    if (!v) return MSUM_ENOMEM;
    st->vi = v;
    if (st->gi) {
        size_t *gi = realloc(st->gi, cap * sizeof *gi);
        if (!gi) return MSUM_ENOMEM;
        st->gi = gi;
    }
    if (keep) {
        long *l = realloc(st->line, cap * sizeof *l);
        if (!l) return MSUM_ENOMEM;
        st->line = l;
        char **s = realloc(st->id, cap * sizeof *s);
        if (!s) return MSUM_ENOMEM;
        st->id = s;
    }
    st->cap = cap;
    return MSUM_OK;
}

static void studies_free(studies *st)
{
    if (st->id)
        for (size_t j = 0; j < st->n; j++) free(st->id[j]);
    free(st->id);
    free(st->line);
    free(st->yi);
    free(st->vi);
    free(st->gi);
    memset(st, 0, sizeof *st);
}

/* Append a study of group gi. */
static int group_add(groups *gs, size_t gi, double yi, double vi, long line, const char *id,
                     int keep)
{
    studies *st = &gs->in;
    group *g = &gs->g[gi];
    if (st->n == st->cap && studies_grow(st, st->cap ? 2 * st->cap : 1024, keep) != MSUM_OK)
        return MSUM_ENOMEM;
    if (!st->gi && g->k > 0 && gs->last != gi + 1) {
        /* the group's rows are interleaved with another's: from now on keep every study's
         * group (those so far are runs: group h holds first .. first + k - 1) */
        if (!(st->gi = malloc(st->cap * sizeof *st->gi))) return MSUM_ENOMEM;
        for (size_t h = 0; h < gs->n; h++)
            for (size_t j = 0; j < gs->g[h].k; j++) st->gi[gs->g[h].first + j] = h;
    }
    if (g->k == 0) g->first = st->n;
    gs->last = gi + 1;
    size_t j = st->n;
    st->yi[j] = yi;
    st->vi[j] = vi;
    if (st->gi) st->gi[j] = gi;
    if (keep) {
        st->line[j] = line;
        st->id[j] = id ? strdup(id) : NULL;
        if (id && !st->id[j]) return MSUM_ENOMEM;
    }
    st->n++;
    g->k++;
    return MSUM_OK;
}

/* Lay the studies out group by group (a stable counting sort: each group keeps the input order)
 * and point every group at its slice. */
static int groups_finish(groups *gs, int keep)
{
    studies *in = &gs->in, *by = &gs->by;
    if (!in->gi) { /* already group by group */
        for (size_t i = 0; i < gs->n; i++) {
            group *g = &gs->g[i];
            int any = in->n > 0; /* no arithmetic on NULL arrays */
            g->yi = any ? in->yi + g->first : NULL;
            g->vi = any ? in->vi + g->first : NULL;
            g->line = keep && any ? in->line + g->first : NULL;
            g->id = keep && any ? in->id + g->first : NULL;
        }
        *by = *in;
        memset(in, 0, sizeof *in);
        return MSUM_OK;
    }
    if (studies_grow(by, in->n ? in->n : 1, keep) != MSUM_OK) return MSUM_ENOMEM;
    size_t off = 0;
    for (size_t i = 0; i < gs->n; i++) {
        group *g = &gs->g[i];
        g->yi = by->yi + off;
        g->vi = by->vi + off;
        g->line = keep ? by->line + off : NULL;
        g->id = keep ? by->id + off : NULL;
        g->fill = 0;
        off += g->k;
    }
    for (size_t j = 0; j < in->n; j++) {
        group *g = &gs->g[in->gi[j]];
        size_t t = g->fill++;
        g->yi[t] = in->yi[j];
        g->vi[t] = in->vi[j];
        if (keep) {
            g->line[t] = in->line[j];
            g->id[t] = in->id[j]; /* moved */
        }
    }
    by->n = in->n;
    if (in->id) memset(in->id, 0, in->n * sizeof *in->id);
    studies_free(in);
    return MSUM_OK;
}

static void groups_free(groups *gs)
{
    for (size_t i = 0; i < gs->n; i++) free(gs->g[i].key);
    studies_free(&gs->in);
    studies_free(&gs->by);
    free(gs->g);
    free(gs->slot);
}

/* ---- options ----------------------------------------------------------------------------- */

typedef struct {
    msum_pool_opts pool;
    msum_measure measure;
    char *by;          /* comma-separated column names, or NULL */
    int weights, meta;
    int keep;          /* keep each study's line and id (weights, forest plots) */
    const char *filter; /* msum_reader_filter() spec, or NULL */
    msum_write_opts wo;
    msum_format format;
    int format_set, digits_set; /* -f / -d given (else: text on a terminal, 4 decimals) */
    int ci_text;                /* --ci-text: add estimate_ci */
    const char *output, *file;
    const char *plot[8];     /* --plot files (forest.svg, funnel.png, forest=x.pdf, ...) */
    int nplot;
    const char *favours;     /* --favours "LEFT,RIGHT", or NULL */
    msum_forest_sort sort;   /* --sort */
    cli_input in;      /* --col, --delim, --decimal, --sheet, --missing */
    char *columns;     /* columns taken under another name (meta "columns"), or NULL */
} pool_args;

static void args_init(pool_args *a)
{
    static const msum_pool_opts po = MSUM_POOL_OPTS_DEFAULT;
    static const msum_write_opts wo = MSUM_WRITE_OPTS_DEFAULT;
    memset(a, 0, sizeof *a);
    a->pool = po;
    a->wo = wo;
    a->wo.meta = 0;
    a->format = MSUM_FMT_CSV;
    a->output = "-";
    cli_input_init(&a->in);
}

/* The plot a --plot argument asks for: "forest=FILE" / "funnel=FILE", else by the file name
 * (a name starting with "funnel" is a funnel plot, anything else a forest plot).  Sets *file
 * to the file part; NULL for an empty file. */
static const char *plot_kind(const char *arg, const char **file)
{
    static const char *const kinds[] = {"forest", "funnel"};
    const char *f = arg, *kind = NULL;
    for (size_t i = 0; i < 2; i++) {
        size_t n = strlen(kinds[i]);
        if (strncmp(arg, kinds[i], n) == 0 && arg[n] == '=') {
            kind = kinds[i];
            f = arg + n + 1;
        }
    }
    if (!kind) {
        const char *base = strrchr(arg, '/');
        base = base ? base + 1 : arg;
        kind = strncmp(base, "funnel", 6) == 0 ? "funnel" : "forest";
    }
    if (file) *file = f;
    return *f ? kind : NULL;
}

static int sort_parse(const char *s, msum_forest_sort *out)
{
    static const char *const names[] = {"input", "effect", "weight"};
    for (int i = 0; i < 3; i++)
        if (strcmp(s, names[i]) == 0) {
            *out = (msum_forest_sort)i;
            return 1;
        }
    return 0;
}

static int parse_args(int argc, char **argv, pool_args *a)
{
    args_init(a);
    for (int i = 1; i < argc; i++) {
        const char *v;
        int r;
        const char *arg = argv[i];
        if ((r = cli_opt_input("pool", argc, argv, &i, &a->in)) != 0) {
            if (r < 0) return 0;
        } else if ((r = cli_opt("pool", argc, argv, &i, "--method", "-m", &v)) != 0) {
            if (r < 0) return 0;
            if (msum_estimator_parse(v, &a->pool.method) != MSUM_OK) {
                cli_error("pool", "--method: found '%s', expected one of EE, FE, CE, DL, HE, "
                          "HS, SJ, ML, REML, PM, EB", v);
                return 0;
            }
        } else if ((r = cli_opt("pool", argc, argv, &i, "--test", "-t", &v)) != 0) {
            if (r < 0) return 0;
            if (msum_test_parse(v, &a->pool.test) != MSUM_OK) {
                cli_error("pool", "--test: found '%s', expected z, t, knha or adhoc", v);
                return 0;
            }
        } else if ((r = cli_opt("pool", argc, argv, &i, "--level", "-l", &v)) != 0) {
            if (r < 0) return 0;
            if (!cli_opt_level("pool", "--level", v, &a->pool.level)) return 0;
        } else if ((r = cli_opt("pool", argc, argv, &i, "--pi-type", NULL, &v)) != 0) {
            if (r < 0) return 0;
            if (strcmp(v, "riley") == 0) {
                a->pool.pi_type = MSUM_PI_T_K2;
            } else if (strcmp(v, "default") == 0) {
                a->pool.pi_type = MSUM_PI_DEFAULT;
            } else {
                cli_error("pool", "--pi-type: found '%s', expected default or riley", v);
                return 0;
            }
        } else if ((r = cli_opt_convergence("pool", argc, argv, &i, &a->pool.threshold,
                                            &a->pool.maxiter, &a->pool.step_adj)) != 0) {
            if (r < 0) return 0;
        } else if ((r = cli_opt("pool", argc, argv, &i, "--measure", NULL, &v)) != 0) {
            if (r < 0) return 0;
            if (!msum_measure_parse(v, &a->measure) || a->measure == MSUM_MEASURE_NONE) {
                cli_error("pool", "--measure: found '%s', expected one of MD, SMD, ROM, RR, "
                          "OR, RD, ZCOR, GEN, or another measure of docs/measures.md", v);
                return 0;
            }
        } else if ((r = cli_opt("pool", argc, argv, &i, "--filter", NULL, &v)) != 0) {
            if (r < 0) return 0;
            a->filter = v;
        } else if ((r = cli_opt("pool", argc, argv, &i, "--by", "-b", &v)) != 0) {
            if (r < 0) return 0;
            if (!*v) {
                cli_error("pool", "--by: expected column names, found nothing");
                return 0;
            }
            a->by = (char *)v;
        } else if ((r = cli_opt("pool", argc, argv, &i, "--digits", "-d", &v)) != 0) {
            if (r < 0) return 0;
            if (!cli_opt_digits("pool", v, &a->wo.digits)) return 0;
            a->digits_set = 1;
        } else if ((r = cli_opt("pool", argc, argv, &i, "--format", "-f", &v)) != 0) {
            if (r < 0) return 0;
            if (!cli_opt_format("pool", v, &a->format)) return 0;
            a->format_set = 1;
        } else if ((r = cli_opt("pool", argc, argv, &i, "--output", "-o", &v)) != 0) {
            if (r < 0) return 0;
            a->output = v;
        } else if ((r = cli_opt("pool", argc, argv, &i, "--plot", NULL, &v)) != 0) {
            if (r < 0) return 0;
            msum_render_format f;
            if (plot_kind(v, NULL) == NULL || msum_render_format_of(v, &f) != MSUM_OK) {
                cli_error("pool", "--plot: found '%s', expected [forest=|funnel=]FILE ending in "
                          ".svg, .png or .pdf", v);
                return 0;
            }
            if (a->nplot == (int)(sizeof a->plot / sizeof *a->plot)) {
                cli_error("pool", "--plot: at most %zu plots", sizeof a->plot / sizeof *a->plot);
                return 0;
            }
            a->plot[a->nplot++] = v;
            a->keep = 1;
        } else if ((r = cli_opt("pool", argc, argv, &i, "--favours", NULL, &v)) != 0) {
            if (r < 0) return 0;
            if (!strchr(v, ',')) {
                cli_error("pool", "--favours: found '%s', expected LEFT,RIGHT (e.g. "
                          "\"BCG,control\")", v);
                return 0;
            }
            a->favours = v;
        } else if ((r = cli_opt("pool", argc, argv, &i, "--sort", NULL, &v)) != 0) {
            if (r < 0) return 0;
            if (!sort_parse(v, &a->sort)) {
                cli_error("pool", "--sort: found '%s', expected input, effect or weight", v);
                return 0;
            }
        } else if (strcmp(arg, "--weights") == 0 || strcmp(arg, "-w") == 0) {
            a->weights = a->keep = 1;
        } else if (strcmp(arg, "--no-fallback") == 0) {
            a->pool.fallback = 0;
        } else if (strcmp(arg, "--meta") == 0) {
            a->wo.meta = 1;
        } else if (strcmp(arg, "--ci-text") == 0) {
            a->ci_text = 1;
        } else if (arg[0] == '-' && arg[1] != '\0') {
            cli_error("pool", "unknown option '%s' (see 'metasum pool --help')", arg);
            return 0;
        } else if (a->file) {
            cli_error("pool", "one input file expected, found '%s' and '%s'", a->file, arg);
            return 0;
        } else {
            a->file = arg;
        }
    }
    if (!a->file) {
        cli_error("pool", "no input file (see 'metasum pool --help')");
        return 0;
    }
    /* a person at a terminal reads a summary; a pipe or a file gets the table */
    if (!a->format_set && strcmp(a->output, "-") == 0 && isatty(STDOUT_FILENO))
        a->format = MSUM_FMT_TEXT;
    if (a->format == MSUM_FMT_TEXT && !a->digits_set) a->wo.digits = 4; /* metafor's digits */
    return 1;
}

/* ---- reading ----------------------------------------------------------------------------- */

typedef struct {
    int *col;  /* --by column indexes */
    char **name;
    size_t n;
} bycols;

static void bycols_free(bycols *b)
{
    free(b->col);
    free(b->name);
}

/* Resolve --by against the header.  Returns 1, or 0 after printing a usage error. */
static int resolve_by(char *spec, const msum_typer *t, const char *fname, bycols *b)
{
    memset(b, 0, sizeof *b);
    if (!spec) return 1;
    size_t n = 1;
    for (const char *p = spec; *p; p++) n += *p == ',';
    b->col = calloc(n, sizeof *b->col);
    b->name = calloc(n, sizeof *b->name);
    if (!b->col || !b->name) return 0;
    for (char *s = spec, *next; s; s = next) {
        next = strchr(s, ',');
        if (next) *next++ = '\0';
        int c = msum_typer_col(t, s);
        if (c < 0) {
            cli_error("pool", "--by: %s has no column '%s'", fname, s);
            return 0;
        }
        b->col[b->n] = c;
        b->name[b->n++] = s;
    }
    return 1;
}

static int form_needs_measure(msum_input in)
{
    return in == MSUM_INPUT_CONTINUOUS || in == MSUM_INPUT_MEDIAN || in == MSUM_INPUT_COUNTS ||
           in == MSUM_INPUT_PROPORTION || in == MSUM_INPUT_RATE || in == MSUM_INPUT_RATES;
}

static void cell_pos(const msum_row *row, int col, long *line, long *colno)
{
    if (col >= 0 && (size_t)col < row->n) {
        *line = row->line[col];
        *colno = row->col[col];
    } else {
        *line = row->row_line;
        *colno = 0;
    }
}

/* Read every row into groups.  Returns EXIT_OK, or the exit code after problems were
 * reported (diagnostics are left in `d` for the caller to print). */
static int read_rows(pool_args *a, msum_diags *d, groups *gs, bycols *by,
                     size_t *nskipped, int *has_id)
{
    msum_reader *rd;
    int st = msum_reader_open_opts(a->file, NULL, &a->in.ro, d, &rd);
    if (st == MSUM_ENOMEM) return EXIT_NUMERICAL;
    if (st == MSUM_EPARSE || st == MSUM_EDATA) return EXIT_DATA;
    if (st != MSUM_OK) return EXIT_IO;
    const char *fname = msum_reader_name(rd);
    st = msum_reader_filter(rd, a->filter);
    if (st != MSUM_OK) {
        msum_reader_free(rd);
        return st == MSUM_ENOMEM ? EXIT_NUMERICAL : EXIT_DATA;
    }
    msum_typer *ty;
    st = msum_typer_from_reader(rd, &a->in.ro, d, &ty);
    if (st != MSUM_OK) {
        msum_reader_free(rd);
        return st == MSUM_ENOMEM ? EXIT_NUMERICAL : EXIT_DATA;
    }
    free(a->columns);
    a->columns = *msum_typer_columns(ty) ? strdup(msum_typer_columns(ty)) : NULL;
    int rc = EXIT_OK;
    char *key = NULL;
    msum_dups *dups = NULL;
    size_t keycap = 0;
    if (!resolve_by(a->by, ty, fname, by)) {
        rc = EXIT_USAGE;
        goto done;
    }
    int c_id = a->keep ? msum_typer_role_col(ty, "id") : -1;
    int c_measure = msum_typer_role_col(ty, "measure"),
        c_input = msum_typer_role_col(ty, "input");
    *has_id = c_id >= 0;
    msum_escalc_opts eo = MSUM_ESCALC_OPTS_DEFAULT;
    eo.level = a->pool.level;
    msum_row row;
    msum_record rec;
    int more;
    size_t nrows = 0;
    if (msum_dups_new(ty, &dups) != MSUM_OK) {
        rc = EXIT_NUMERICAL;
        goto done;
    }
    while ((more = msum_reader_next(rd, &row)) > 0) {
        nrows++;
        int omitted = 0;
        if (msum_typer_row_na(ty, &row, &rec, d, &omitted) > 0) continue;
        long line, colno;
        msum_measure want = MSUM_MEASURE_NONE;
        msum_effect e; /* not cleared: it is large, and each path below sets what it uses */
        if (omitted) {
            e.yi = e.vi = NAN; /* na.omit: counted in k_skipped of its group */
            goto grouped;
        }
        /* a duplicate is reported after the last row (a copy is an error: nothing is pooled) */
        if (msum_dups_row(dups, &row, &rec) != MSUM_OK) {
            rc = EXIT_NUMERICAL;
            break;
        }
        if (form_needs_measure(rec.input)) {
            if (a->measure == MSUM_MEASURE_NONE) {
                cell_pos(&row, c_input, &line, &colno);
                cli_error("pool", "%s:%ld: rows of form '%s' need --measure (%s)", fname, line,
                          msum_input_name(rec.input),
                          rec.input == MSUM_INPUT_COUNTS       ? "RR, OR or RD"
                          : rec.input == MSUM_INPUT_PROPORTION ? "PR, PLN, PLO, PAS or PFT"
                          : rec.input == MSUM_INPUT_RATE       ? "IR, IRLN, IRS or IRFT"
                          : rec.input == MSUM_INPUT_RATES      ? "IRR, IRD or IRSD"
                                                               : "MD, SMD or ROM");
                rc = EXIT_USAGE;
                goto done;
            }
            want = a->measure;
        } else if (rec.input == MSUM_INPUT_CORRELATION && a->measure == MSUM_MEASURE_COR) {
            want = a->measure;
        }
        if (rec.input == MSUM_INPUT_GENERIC && !isnan(rec.x[MSUM_F_VI])) {
            /* the common large-k case: yi and vi as given (what msum_escalc returns too),
             * without its per-row CI */
            e.measure = rec.measure;
            e.yi = rec.x[MSUM_F_YI];
            e.vi = rec.x[MSUM_F_VI];
            st = MSUM_OK;
        } else {
            st = msum_typer_effect(ty, &row, &rec, want, &eo, &e, d);
        }
        if (st == MSUM_EINVAL && want != MSUM_MEASURE_NONE) {
            cli_error("pool", "%s:%ld: --measure %s does not apply to rows of form '%s'", fname,
                      row.row_line, msum_measure_name(want), msum_input_name(rec.input));
            rc = EXIT_USAGE;
            goto done;
        }
        if (st != MSUM_OK) continue; /* reported at its cell */
    grouped:;
        /* A row left out for a missing group value is warned about only when it would have
         * been pooled; one without a variance is counted as skipped either way (an omitted
         * row has its own warning). */
        int novar = isnan(e.vi) || isnan(e.yi), missing = 0;
        for (size_t i = 0; i < by->n && !missing; i++) {
            cell_pos(&row, by->col[i], &line, &colno);
            missing = msum_check_group_value((size_t)by->col[i] < row.n ? row.cell[by->col[i]]
                                                                        : "",
                                             fname, line, colno, by->name[i], novar ? NULL : d);
        }
        if (missing) {
            if (novar && !omitted) (*nskipped)++;
            continue;
        }
        /* the group key */
        size_t klen = 0;
        for (size_t i = 0; i < by->n; i++) {
            const char *s = (size_t)by->col[i] < row.n ? row.cell[by->col[i]] : "";
            size_t n = (size_t)by->col[i] < row.n ? row.len[by->col[i]] : 0;
            if (klen + n + 2 > keycap) {
                keycap = 2 * (klen + n + 2) + 64;
                char *nk = realloc(key, keycap);
                if (!nk) {
                    rc = EXIT_NUMERICAL;
                    goto done;
                }
                key = nk;
            }
            if (i) key[klen++] = '\x1f';
            memcpy(key + klen, s, n);
            klen += n;
        }
        group *g = groups_get(gs, klen ? key : "", klen);
        if (!g) {
            rc = EXIT_NUMERICAL;
            goto done;
        }
        if (novar) {
            g->skipped++;
            if (!omitted) (*nskipped)++;
            continue;
        }
        if (g->measure == MSUM_MEASURE_NONE) {
            g->measure = e.measure;
            g->measure_line = row.row_line;
        } else if (g->measure != e.measure) {
            cell_pos(&row, c_measure >= 0 ? c_measure : c_input, &line, &colno);
            msum_diags_add(d, MSUM_DIAG_ERROR, fname, line, colno,
                           c_measure >= 0 ? msum_typer_colname(ty, c_measure) : NULL,
                           "found measure %s, expected %s as on line %ld: one pooled group "
                           "holds one measure (group the rows with --by measure)",
                           msum_measure_name(e.measure), msum_measure_name(g->measure),
                           g->measure_line);
            continue;
        }
        const char *id = c_id >= 0 && (size_t)c_id < row.n ? row.cell[c_id] : NULL;
        if (group_add(gs, (size_t)(g - gs->g), e.yi, e.vi, row.row_line, id, a->keep) !=
            MSUM_OK) {
            rc = EXIT_NUMERICAL;
            goto done;
        }
    }
    if (more < 0 && rc == EXIT_OK) rc = EXIT_DATA;
    if ((rc == EXIT_OK || rc == EXIT_DATA) && msum_dups_finish(dups, d) != MSUM_OK)
        rc = EXIT_NUMERICAL;
    if (more == 0 && rc == EXIT_OK) msum_check_has_rows(fname, nrows, a->filter, d);
    msum_reader_note_blank(rd, d);
    if (rc == EXIT_OK && msum_diags_errors(d) > 0) rc = EXIT_DATA;
    if (rc == EXIT_OK && groups_finish(gs, a->keep) != MSUM_OK) rc = EXIT_NUMERICAL;
done:
    free(key);
    msum_dups_free(dups);
    msum_typer_free(ty);
    msum_reader_free(rd);
    return rc;
}

/* ---- output ------------------------------------------------------------------------------ */

/* Add a column or fail; every column index is kept in an enum-free way by name lookup. */
static int add_col(msum_table *t, const char *name, msum_coltype type, const char *desc)
{
    return msum_table_add_col(t, name, type, desc) >= 0;
}

static void set_num(msum_table *t, long row, const char *col, double v)
{
    int c = msum_table_col_index(t, col);
    if (c >= 0) msum_table_set_num(t, (size_t)row, (size_t)c, v);
}

static void set_text(msum_table *t, long row, const char *col, const char *v)
{
    int c = msum_table_col_index(t, col);
    if (c >= 0) msum_table_set_text(t, (size_t)row, (size_t)c, v);
}

/* Write the group's key values into the group columns of a row. */
static void set_group_cols(msum_table *t, long row, const bycols *by, const char *key)
{
    const char *p = key;
    for (size_t i = 0; i < by->n; i++) {
        const char *end = strchr(p, '\x1f');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        char *v = malloc(n + 1);
        if (!v) return;
        memcpy(v, p, n);
        v[n] = '\0';
        msum_table_set_text(t, (size_t)row, i, v);
        free(v);
        p = end ? end + 1 : p + n;
    }
}

static const char *ci_method_name(msum_test t)
{
    switch (t) {
    case MSUM_TEST_T: return "t(k-1)";
    case MSUM_TEST_KNHA: return "Hartung-Knapp t(k-1)";
    case MSUM_TEST_KNHA_ADHOC: return "Hartung-Knapp t(k-1), factor >= 1";
    default: return "normal";
    }
}

static const char *tau2_ci_status(const msum_pool_result *r)
{
    if (isnan(r->tau2_ci.lb) && isnan(r->tau2_ci.ub)) return NULL;
    if (r->ci_null) return "null_set";
    if (r->lb_sign > 0) return "both_above_limit";
    if (r->ub_sign > 0) return "ub_above_limit";
    return "ok";
}

/* The columns of the pooled table after the group columns, in output order; the five
 * back-transform columns (exp_* or r_*) go where BT_HERE stands. */
enum {
    C_K, C_KSKIP, C_MEASURE, C_SCALE, C_EST, C_SE, C_STAT, C_PVAL, C_DF, C_CILB, C_CIUB, C_PILB,
    C_PIUB, BT_HERE, C_TAU2 = BT_HERE, C_SETAU2, C_TAU2LB, C_TAU2UB, C_TAU2ST, C_TAU, C_I2,
    C_I2LB, C_I2UB, C_I2DEF, C_H2, C_I2Q, C_H2Q, C_QE, C_QEDF, C_QEP, C_ESTOR, C_ESTUSED,
    C_FALLBACK, C_CONV, C_ITER, C_TEST, C_CIMETH, C_LEVEL, C_LOGLIK, C_AIC, C_BIC, C_DEV,
    C_AICC, C_VT, C_TAULB, C_TAUUB, C_H2LB, C_H2UB, C_PIDF, C_NOTES, C_VERSION, C_N
};

static const struct {
    const char *name;
    msum_coltype type;
    const char *desc;
} pool_cols[C_N] = {
    [C_K] = {"k", MSUM_COL_INT, "studies pooled"},
    [C_KSKIP] = {"k_skipped", MSUM_COL_INT, "rows of the group without a variance (not pooled)"},
    [C_MEASURE] = {"measure", MSUM_COL_TEXT, "effect measure"},
    [C_SCALE] = {"scale", MSUM_COL_TEXT, "scale of estimate: natural, log or fisher_z"},
    [C_EST] = {"estimate", MSUM_COL_NUM, "pooled estimate"},
    [C_SE] = {"se", MSUM_COL_NUM, "standard error (Hartung-Knapp adjusted under knha/adhoc)"},
    [C_STAT] = {"stat", MSUM_COL_NUM, "z (test z) or t statistic"},
    [C_PVAL] = {"pval", MSUM_COL_NUM, "two-sided p-value"},
    [C_DF] = {"df", MSUM_COL_NUM, "degrees of freedom of t (NA for z)"},
    [C_CILB] = {"ci_lb", MSUM_COL_NUM, "CI lower bound"},
    [C_CIUB] = {"ci_ub", MSUM_COL_NUM, "CI upper bound"},
    [C_PILB] = {"pi_lb", MSUM_COL_NUM, "prediction interval lower bound (NA for EE/FE/CE)"},
    [C_PIUB] = {"pi_ub", MSUM_COL_NUM, "prediction interval upper bound"},
    [C_TAU2] = {"tau2", MSUM_COL_NUM, "between-study variance"},
    [C_SETAU2] = {"se_tau2", MSUM_COL_NUM, "standard error of tau2"},
    [C_TAU2LB] = {"tau2_ci_lb", MSUM_COL_NUM, "Q-profile CI lower bound (Viechtbauer 2007)"},
    [C_TAU2UB] = {"tau2_ci_ub", MSUM_COL_NUM, "Q-profile CI upper bound"},
    [C_TAU2ST] = {"tau2_ci_status", MSUM_COL_TEXT,
                  "ok, null_set (both bounds below 0, shown as 0), ub_above_limit, "
                  "both_above_limit"},
    [C_TAU] = {"tau", MSUM_COL_NUM, "sqrt(tau2)"},
    [C_I2] = {"I2", MSUM_COL_NUM, "I2 in percent, definition in I2_definition (as metafor)"},
    [C_I2LB] = {"I2_ci_lb", MSUM_COL_NUM, "I2 at tau2_ci_lb"},
    [C_I2UB] = {"I2_ci_ub", MSUM_COL_NUM, "I2 at tau2_ci_ub"},
    [C_I2DEF] = {"I2_definition", MSUM_COL_TEXT, "how I2 and H2 were computed"},
    [C_H2] = {"H2", MSUM_COL_NUM, "H2 with the definition of I2"},
    [C_I2Q] = {"I2_Q", MSUM_COL_NUM,
               "Q-based I2 = 100 max(0, QE - df)/QE (Higgins & Thompson 2002; R meta)"},
    [C_H2Q] = {"H2_Q", MSUM_COL_NUM, "Q-based H2 = QE/df"},
    [C_QE] = {"QE", MSUM_COL_NUM, "Cochran's Q"},
    [C_QEDF] = {"QE_df", MSUM_COL_INT, "k - 1"},
    [C_QEP] = {"QE_p", MSUM_COL_NUM, "p-value of Q (chi-square)"},
    [C_ESTOR] = {"estimator", MSUM_COL_TEXT, "tau2 estimator asked for"},
    [C_ESTUSED] = {"estimator_used", MSUM_COL_TEXT, "tau2 estimator the numbers use"},
    [C_FALLBACK] = {"fallback", MSUM_COL_TEXT, "why estimator_used differs from estimator"},
    [C_CONV] = {"converged", MSUM_COL_INT, "1 unless the asked-for estimator failed"},
    [C_ITER] = {"iterations", MSUM_COL_INT, "Fisher scoring / root search iterations"},
    [C_TEST] = {"test", MSUM_COL_TEXT, "z, t, knha or adhoc"},
    [C_CIMETH] = {"ci_method", MSUM_COL_TEXT, "distribution of the CI and prediction interval"},
    [C_LEVEL] = {"level", MSUM_COL_NUM, "confidence level"},
    [C_LOGLIK] = {"logLik", MSUM_COL_NUM, "log-likelihood (restricted for REML)"},
    [C_AIC] = {"AIC", MSUM_COL_NUM, "AIC"},
    [C_BIC] = {"BIC", MSUM_COL_NUM, "BIC"},
    [C_DEV] = {"deviance", MSUM_COL_NUM, "deviance (metafor fitstats)"},
    [C_AICC] = {"AICc", MSUM_COL_NUM, "AICc"},
    [C_VT] = {"vt", MSUM_COL_NUM, "typical within-study variance (k-1)/(S1 - S2/S1), w = 1/vi"},
    [C_TAULB] = {"tau_ci_lb", MSUM_COL_NUM, "sqrt(tau2_ci_lb)"},
    [C_TAUUB] = {"tau_ci_ub", MSUM_COL_NUM, "sqrt(tau2_ci_ub)"},
    [C_H2LB] = {"H2_ci_lb", MSUM_COL_NUM, "H2 at tau2_ci_lb"},
    [C_H2UB] = {"H2_ci_ub", MSUM_COL_NUM, "H2 at tau2_ci_ub"},
    [C_PIDF] = {"pi_df", MSUM_COL_NUM,
                "df of the prediction interval's t quantile (NA: normal); --pi-type riley: "
                "k - 2"},
    [C_NOTES] = {"notes", MSUM_COL_TEXT, "why a value of the row is NA (e.g. BIC at k = 1)"},
    [C_VERSION] = {"metasum_version", MSUM_COL_TEXT, "metasum version"},
};

static const char *const weight_cols[] = {"line", "id", "measure", "yi", "vi", "weight", "tau2",
                                           "estimator_used"};

/* Add the group columns, named as in the input unless that name is also an output column
 * (e.g. --by measure): then "by_<name>". */
static int add_group_cols(msum_table *t, const bycols *by, int weights)
{
    int ok = 1;
    char name[256];
    for (size_t i = 0; i < by->n; i++) {
        const char *nm = by->name[i];
        int clash = 0;
        if (weights) {
            for (size_t c = 0; c < sizeof weight_cols / sizeof weight_cols[0]; c++)
                clash |= strcmp(nm, weight_cols[c]) == 0;
        } else {
            for (int c = 0; c < C_N; c++) clash |= strcmp(nm, pool_cols[c].name) == 0;
            clash |= strncmp(nm, "exp_", 4) == 0 || strncmp(nm, "r_", 2) == 0;
        }
        snprintf(name, sizeof name, "%s%s", clash ? "by_" : "", nm);
        ok &= add_col(t, name, MSUM_COL_TEXT, "group");
    }
    return ok;
}

/* df of the prediction interval's t quantile, NaN for a normal one (metafor predict(),
 * pi.type = "riley" for MSUM_PI_T_K2; as msum_pool computes it). */
static double pi_df(const msum_pool_result *r, const msum_pool_opts *o)
{
    if (isnan(r->pi_lb)) return NAN;
    if (o->pi_type == MSUM_PI_T_K2) return fmax(1, (double)r->k - (isnan(o->tau2_fixed) ? 2 : 1));
    return r->test == MSUM_TEST_Z ? NAN : r->df;
}

/* The harmonic mean of the studies' n under PFT (metafor transf.ipft.hm), each n recovered
 * from its variance 1/(4n + 2). */
static double pft_hm(const double *vi, size_t k)
{
    double s = 0;
    for (size_t i = 0; i < k; i++) s += 1 / ((1 / vi[i] - 2) / 4);
    return (double)k / s;
}

/* The natural-scale axis of a forest or funnel plot for a one-group measure that has a
 * back-transform (PLO, PAS, PFT, PLN, IRLN, IRS), else none. */
static msum_plot_transf plot_transf(msum_measure m, const double *vi, size_t k)
{
    msum_scale sc = msum_measure_scale(m);
    if (m < MSUM_MEASURE_PR || m > MSUM_MEASURE_IRFT || sc == MSUM_SCALE_NATURAL)
        return (msum_plot_transf){MSUM_MEASURE_NONE, NAN};
    return (msum_plot_transf){m, sc == MSUM_SCALE_FREEMAN_TUKEY ? pft_hm(vi, k) : NAN};
}

/* any_z: bit 1 some group is on the Fisher z scale, bit 2 on a logit, arcsine, Freeman-Tukey or
 * square-root scale (bt_* columns: proportions and rates). */
static msum_table *pooled_table(const groups *gs, const bycols *by, const msum_pool_result *res,
                                int any_log, int any_z, const msum_pool_opts *po)
{
    msum_table *t = msum_table_new("pool", "Pooled estimates");
    if (!t) return NULL;
    int ok = 1, idx[C_N], bt_exp[5], bt_r[5], bt_p[5], any_bt = any_z & 2;
    any_z &= 1;
    static const char *const bt[] = {"estimate", "ci_lb", "ci_ub", "pi_lb", "pi_ub"};
    ok &= add_group_cols(t, by, 0);
    for (int c = 0; c < C_N; c++) {
        if (c == BT_HERE) {
            char name[32];
            for (int i = 0; i < 5; i++) {
                bt_exp[i] = bt_r[i] = -1;
                if (any_log) {
                    snprintf(name, sizeof name, "exp_%s", bt[i]);
                    ok &= (bt_exp[i] = msum_table_add_col(
                               t, name, MSUM_COL_NUM,
                               "exp() of the value (ratio scale; log measures only)")) >= 0;
                }
            }
            for (int i = 0; i < 5 && any_z; i++) {
                snprintf(name, sizeof name, "r_%s", bt[i]);
                ok &= (bt_r[i] = msum_table_add_col(
                           t, name, MSUM_COL_NUM,
                           "tanh() of the value (correlation; ZCOR only)")) >= 0;
            }
            for (int i = 0; i < 5; i++) {
                bt_p[i] = -1;
                if (!any_bt) continue;
                snprintf(name, sizeof name, "bt_%s", bt[i]);
                ok &= (bt_p[i] = msum_table_add_col(
                           t, name, MSUM_COL_NUM,
                           "back-transformed value: inverse logit (PLO), arcsine (PAS), "
                           "Freeman-Tukey with the harmonic mean of n (PFT), square (IRS)")) >= 0;
            }
        }
        ok &= (idx[c] = msum_table_add_col(t, pool_cols[c].name, pool_cols[c].type,
                                           pool_cols[c].desc)) >= 0;
    }
    if (!ok || msum_table_reserve(t, gs->n) != MSUM_OK) {
        msum_table_free(t);
        return NULL;
    }
#define NUM(c, v) msum_table_set_num(t, (size_t)row, (size_t)idx[c], (v))
#define TXT(c, v) msum_table_set_text(t, (size_t)row, (size_t)idx[c], (v))
    for (size_t gi = 0; gi < gs->n; gi++) {
        const group *g = &gs->g[gi];
        const msum_pool_result *r = &res[gi];
        long row = msum_table_add_row(t);
        if (row < 0) {
            msum_table_free(t);
            return NULL;
        }
        set_group_cols(t, row, by, g->key);
        NUM(C_K, (double)g->k);
        NUM(C_KSKIP, (double)g->skipped);
        TXT(C_ESTOR, msum_estimator_name(r->method));
        TXT(C_TEST, msum_test_name(r->test));
        NUM(C_LEVEL, r->level);
        TXT(C_VERSION, MSUM_VERSION);
        if (g->k == 0) {
            TXT(C_FALLBACK, "no row with a variance to pool");
            continue;
        }
        msum_scale sc = msum_measure_scale(g->measure);
        TXT(C_MEASURE, msum_measure_name(g->measure));
        TXT(C_SCALE, msum_scale_name(sc));
        double v[] = {r->estimate, r->ci_lb, r->ci_ub, r->pi_lb, r->pi_ub};
        const int vc[] = {C_EST, C_CILB, C_CIUB, C_PILB, C_PIUB};
        /* PFT: metafor's transf.ipft.hm with the harmonic mean of the studies' n, each n
         * recovered from its variance 1/(4n + 2) */
        double hm = sc == MSUM_SCALE_FREEMAN_TUKEY ? pft_hm(g->vi, g->k) : NAN;
        for (int i = 0; i < 5; i++) {
            NUM(vc[i], v[i]);
            int c = sc == MSUM_SCALE_LOG        ? bt_exp[i]
                    : sc == MSUM_SCALE_FISHER_Z ? bt_r[i]
                    : sc >= MSUM_SCALE_LOGIT    ? bt_p[i]
                                                : -1;
            if (c >= 0)
                msum_table_set_num(t, (size_t)row, (size_t)c,
                                   msum_measure_transf_n(g->measure, v[i], hm));
        }
        NUM(C_SE, r->se);
        NUM(C_STAT, r->stat);
        NUM(C_PVAL, r->pval);
        NUM(C_DF, r->df);
        NUM(C_TAU2, r->tau2);
        NUM(C_SETAU2, r->se_tau2);
        NUM(C_TAU2LB, r->tau2_ci.lb);
        NUM(C_TAU2UB, r->tau2_ci.ub);
        TXT(C_TAU2ST, tau2_ci_status(r));
        NUM(C_TAU, r->tau);
        NUM(C_I2, r->I2);
        NUM(C_I2LB, r->I2_ci.lb);
        NUM(C_I2UB, r->I2_ci.ub);
        TXT(C_I2DEF, msum_estimator_is_fixed(r->method_used)
                         ? "Q-based: 100 (QE - df)/QE"
                         : "tau2-based: 100 tau2/(tau2 + vt)");
        NUM(C_H2, r->H2);
        NUM(C_I2Q, r->I2_Q);
        NUM(C_H2Q, r->H2_Q);
        NUM(C_QE, r->QE);
        NUM(C_QEDF, r->QEdf);
        NUM(C_QEP, r->QEp);
        TXT(C_ESTUSED, msum_estimator_name(r->method_used));
        TXT(C_FALLBACK, r->fallback);
        NUM(C_CONV, r->converged);
        NUM(C_ITER, r->iterations);
        TXT(C_CIMETH, ci_method_name(r->test));
        NUM(C_LOGLIK, r->logLik);
        NUM(C_AIC, r->AIC);
        NUM(C_BIC, r->BIC);
        NUM(C_DEV, r->deviance);
        NUM(C_AICC, r->AICc);
        NUM(C_VT, r->vt);
        NUM(C_TAULB, r->tau_ci.lb);
        NUM(C_TAUUB, r->tau_ci.ub);
        NUM(C_H2LB, r->H2_ci.lb);
        NUM(C_H2UB, r->H2_ci.ub);
        NUM(C_PIDF, pi_df(r, po));
        TXT(C_NOTES, r->notes);
    }
#undef NUM
#undef TXT
    return t;
}

static msum_table *weights_table(const groups *gs, const bycols *by, const msum_pool_result *res,
                                 int has_id)
{
    msum_table *t = msum_table_new("pool_weights", "Study weights");
    if (!t) return NULL;
    int ok = add_group_cols(t, by, 1);
    ok &= add_col(t, "line", MSUM_COL_INT, "input line of the study");
    if (has_id) ok &= add_col(t, "id", MSUM_COL_TEXT, "the row's id");
    ok &= add_col(t, "measure", MSUM_COL_TEXT, "effect measure");
    ok &= add_col(t, "yi", MSUM_COL_NUM, "effect size");
    ok &= add_col(t, "vi", MSUM_COL_NUM, "sampling variance");
    ok &= add_col(t, "weight", MSUM_COL_NUM, "percent weight 100 w_i / sum w, w = 1/(vi + tau2)");
    ok &= add_col(t, "tau2", MSUM_COL_NUM, "tau2 of the group's fit");
    ok &= add_col(t, "estimator_used", MSUM_COL_TEXT, "tau2 estimator the weights use");
    if (!ok) {
        msum_table_free(t);
        return NULL;
    }
    for (size_t gi = 0; gi < gs->n; gi++) {
        const group *g = &gs->g[gi];
        if (g->k == 0) continue;
        double *w = malloc(g->k * sizeof *w);
        if (!w || msum_pool_weights(g->vi, g->k, &res[gi], w) != MSUM_OK) {
            free(w);
            msum_table_free(t);
            return NULL;
        }
        for (size_t j = 0; j < g->k; j++) {
            long row = msum_table_add_row(t);
            if (row < 0) {
                free(w);
                msum_table_free(t);
                return NULL;
            }
            set_group_cols(t, row, by, g->key);
            set_num(t, row, "line", (double)g->line[j]);
            if (has_id) set_text(t, row, "id", g->id[j]);
            set_text(t, row, "measure", msum_measure_name(g->measure));
            set_num(t, row, "yi", g->yi[j]);
            set_num(t, row, "vi", g->vi[j]);
            set_num(t, row, "weight", w[j]);
            set_num(t, row, "tau2", res[gi].tau2);
            set_text(t, row, "estimator_used", msum_estimator_name(res[gi].method_used));
        }
        free(w);
    }
    return t;
}

/* A group's label for messages: "alloc=random" or "all rows". */
static void group_label(const bycols *by, const char *key, char *buf, size_t size)
{
    if (by->n == 0) {
        snprintf(buf, size, "all rows");
        return;
    }
    size_t j = 0;
    const char *p = key;
    for (size_t i = 0; i < by->n && j + 1 < size; i++) {
        const char *end = strchr(p, '\x1f');
        int n = end ? (int)(end - p) : (int)strlen(p);
        j += (size_t)snprintf(buf + j, size - j, "%s%s=%.*s", i ? "," : "", by->name[i], n, p);
        if (j >= size) break;
        p = end ? end + 1 : p + n;
    }
}

/* Pool every group that has rows (in *res, calloc'ed, one per group).  Returns MSUM_OK, or the
 * failing status with the group's index in *failed. */
static int pool_groups(const pool_args *a, const groups *gs, msum_pool_result **res,
                       int *any_log, int *any_z, size_t *failed)
{
    *res = calloc(gs->n ? gs->n : 1, sizeof **res);
    if (!*res) return MSUM_ENOMEM;
    msum_pool_cache cache = {0};
    for (size_t i = 0; i < gs->n; i++) {
        const group *g = &gs->g[i];
        msum_pool_result *r = &(*res)[i];
        if (g->k == 0) {
            r->method = r->method_used = a->pool.method;
            r->test = a->pool.test;
            r->level = a->pool.level;
            continue;
        }
        int st = msum_pool_cached(g->yi, g->vi, g->k, &a->pool, &cache, r);
        if (st != MSUM_OK) {
            *failed = i;
            return st;
        }
        msum_scale sc = msum_measure_scale(g->measure);
        *any_log |= sc == MSUM_SCALE_LOG;
        *any_z |= sc == MSUM_SCALE_FISHER_Z;
        *any_z |= (sc >= MSUM_SCALE_LOGIT) << 1;
    }
    return MSUM_OK;
}

/* --ci-text: the pooled table with column estimate_ci, "0.49 [0.34, 0.70]", before estimate:
 * the row's estimate and CI on the natural scale (its exp_*, r_* or bt_* columns where it has
 * them), `dec` decimals.  A table's shape is fixed once it has rows, so this is a copy (with
 * the metadata); NULL when out of memory. */
static msum_table *with_ci_text(const msum_table *t, int dec)
{
    static const char *const pre[] = {"exp_", "r_", "bt_", ""};
    size_t nc = msum_table_ncols(t), nr = msum_table_nrows(t);
    int at = msum_table_col_index(t, "estimate");
    msum_table *o = msum_table_new(msum_table_name(t), msum_table_title(t));
    int ok = o && at >= 0 && msum_table_reserve(o, nr) == MSUM_OK;
    for (size_t c = 0; ok && c < nc; c++) {
        if ((int)c == at)
            ok = msum_table_add_col(o, "estimate_ci", MSUM_COL_TEXT,
                                    "estimate [CI] as text, back-transformed for log, Fisher z, "
                                    "logit, arcsine, Freeman-Tukey and square-root measures") >=
                 0;
        ok = ok && msum_table_add_col(o, msum_table_col_name(t, c), msum_table_col_type(t, c),
                                      msum_table_col_desc(t, c)) >= 0;
    }
    for (size_t i = 0; ok && i < msum_table_nmeta(t); i++)
        ok = msum_table_set_meta(o, msum_table_meta_key(t, i), msum_table_meta_value(t, i)) ==
             MSUM_OK;
    for (size_t row = 0; ok && row < nr; row++) {
        ok = msum_table_add_row(o) >= 0;
        for (size_t c = 0; ok && c < nc; c++) {
            size_t to = c + ((int)c >= at);
            if (msum_table_is_na(t, row, c)) continue;
            ok = (msum_table_col_type(t, c) == MSUM_COL_TEXT
                      ? msum_table_set_text(o, row, to, msum_table_text(t, row, c))
                      : msum_table_set_num(o, row, to, msum_table_num(t, row, c))) == MSUM_OK;
        }
        for (size_t p = 0; ok && p < 4; p++) {
            char name[3][32];
            int ci[3];
            snprintf(name[0], sizeof name[0], "%sestimate", pre[p]);
            snprintf(name[1], sizeof name[1], "%sci_lb", pre[p]);
            snprintf(name[2], sizeof name[2], "%sci_ub", pre[p]);
            for (int j = 0; j < 3; j++) ci[j] = msum_table_col_index(t, name[j]);
            if (ci[0] < 0 || ci[1] < 0 || ci[2] < 0 || msum_table_is_na(t, row, (size_t)ci[0]))
                continue;
            char buf[160];
            msum_fmt_ci(msum_table_num(t, row, (size_t)ci[0]),
                        msum_table_num(t, row, (size_t)ci[1]),
                        msum_table_num(t, row, (size_t)ci[2]), dec, buf, sizeof buf);
            ok = msum_table_set_text(o, row, (size_t)at, buf) == MSUM_OK;
            break;
        }
    }
    if (!ok) {
        msum_table_free(o);
        return NULL;
    }
    return o;
}

/* The settings every pooled table carries. */
static void set_meta(msum_table *t, const pool_args *a)
{
    char lv[32];
    msum_table_set_meta(t, "estimator", msum_estimator_name(a->pool.method));
    msum_table_set_meta(t, "test", msum_test_name(a->pool.test));
    msum_fmt_num(a->pool.level, 0, lv, sizeof lv);
    msum_table_set_meta(t, "level", lv);
    msum_table_set_meta(t, "input", a->file);
    if (a->columns) msum_table_set_meta(t, "columns", a->columns);
}

static int write_plots(const pool_args *a, const groups *gs, const bycols *by,
                       const msum_pool_result *res);

int cmd_pool(int argc, char **argv)
{
    if (cli_pool_mh_method(argc, argv)) return cmd_pool_mh(argc, argv);
    pool_args a;
    if (!parse_args(argc, argv, &a)) return EXIT_USAGE;
    msum_diags *d = msum_diags_new();
    if (!d) return EXIT_NUMERICAL;
    groups gs = {0};
    bycols by = {0};
    size_t nskipped = 0;
    int has_id = 0;
    msum_pool_result *res = NULL;
    msum_table *t = NULL;
    int rc = read_rows(&a, d, &gs, &by, &nskipped, &has_id);
    cli_print_diags(stderr, d);
    if (rc != EXIT_OK) goto out;
    size_t npooled = 0;
    for (size_t i = 0; i < gs.n; i++) npooled += gs.g[i].k;
    if (npooled == 0) {
        cli_error("pool", "%s: nothing to pool: no row has a variance%s", a.file,
                  nskipped ? " (for effects without one, see 'metasum summarize')" : "");
        rc = EXIT_DATA;
        goto out;
    }
    if (nskipped > 0)
        cli_error("pool", "warning: %zu row%s without a variance skipped (percent_change, "
                  "fold_change or direction rows; see column k_skipped)", nskipped,
                  nskipped == 1 ? "" : "s");

    int any_log = 0, any_z = 0;
    size_t failed = 0;
    int st = pool_groups(&a, &gs, &res, &any_log, &any_z, &failed);
    if (st == MSUM_ENOMEM) {
        cli_error("pool", "out of memory");
        rc = EXIT_NUMERICAL;
        goto out;
    }
    if (st != MSUM_OK) {
        char label[256];
        group_label(&by, gs.g[failed].key, label, sizeof label);
        const char *why = res && res[failed].notes[0] ? res[failed].notes : NULL;
        cli_error("pool", "%s: error: %s: %s%s%s%s", a.file, label, msum_strerror(st),
                  st == MSUM_ENOCONV ? " (the estimator did not converge; drop "
                                       "--no-fallback to fall back to PM and DL)"
                                     : "",
                  why ? ": " : "", why ? why : "");
        rc = EXIT_NUMERICAL;
        goto out;
    }
    t = a.weights ? weights_table(&gs, &by, res, has_id)
                  : pooled_table(&gs, &by, res, any_log, any_z, &a.pool);
    if (!t) {
        cli_error("pool", "out of memory");
        rc = EXIT_NUMERICAL;
        goto out;
    }
    set_meta(t, &a);
    if (a.ci_text && !a.weights) {
        msum_table *ct = with_ci_text(t, a.digits_set && a.wo.digits ? a.wo.digits : 2);
        msum_table_free(t);
        if (!(t = ct)) {
            cli_error("pool", "out of memory");
            rc = EXIT_NUMERICAL;
            goto out;
        }
    }
    const msum_table *ts[] = {t};
    errno = 0;
    if (msum_write_file(a.output, ts, 1, a.format, &a.wo) != MSUM_OK) {
        int e = errno;
        if (strcmp(a.output, "-") == 0) cli_error("pool", "cannot write standard output");
        else cli_error("pool", "cannot write '%s': %s", a.output,
                       e ? strerror(e) : "write failed");
        rc = EXIT_IO;
    }
    if (rc == EXIT_OK) rc = write_plots(&a, &gs, &by, res);
out:
    msum_table_free(t);
    free(res);
    groups_free(&gs);
    bycols_free(&by);
    msum_diags_free(d);
    free(a.columns);
    return rc;
}

/* ---- plots (metasum pool --plot, and a report's pool analysis) --------------------------- */

/* What the plots show beside the numbers, read again from the dataset by input line: study
 * labels (the `study` column, else `author` with `year`), the arm data (events and totals, or
 * mean, SD and n per arm) and, when one value holds throughout, the arms' names and the
 * outcome's unit (column `scale` of outcomes.csv beside the dataset).  Lines increase with the
 * rows, so lookups bisect. */
typedef struct {
    size_t n;
    long *line;
    char **label;
    size_t ncols;  /* 0, 4 (counts) or 6 (continuous) */
    char **cells;  /* n * ncols texts */
    char *arm[2];  /* treatment, comparator; NULL when they vary or are missing */
    char *unit;    /* the outcome's unit, or NULL */
} study_info;

static void info_free(study_info *L)
{
    for (size_t i = 0; i < L->n; i++) free(L->label[i]);
    for (size_t i = 0; L->cells && i < L->n * L->ncols; i++) free(L->cells[i]);
    free(L->line);
    free(L->label);
    free(L->cells);
    free(L->arm[0]);
    free(L->arm[1]);
    free(L->unit);
}

/* The one value of column c throughout, or NULL (also for a missing column). */
static char *same_value(const msum_dataset *ds, int c)
{
    size_t n = msum_dataset_nrows(ds);
    if (c < 0 || n == 0) return NULL;
    const char *v = msum_dataset_cell(ds, 0, (size_t)c);
    for (size_t i = 1; i < n; i++)
        if (strcmp(msum_dataset_cell(ds, i, (size_t)c), v) != 0) return NULL;
    return *v ? strdup(v) : NULL;
}

/* Arm data of row i: events/total per arm (counts; a total is n1i/n2i or events + non-events)
 * or mean, SD, n per arm (continuous), as the dataset spells them.  Missing: "". */
static int arm_cells(const msum_dataset *ds, size_t i, size_t ncols, const int *c, char **out)
{
    for (size_t j = 0; j < ncols; j++) {
        char buf[64] = "";
        const char *v = c[j] >= 0 ? msum_dataset_cell(ds, i, (size_t)c[j]) : "";
        if (ncols == 4 && (j == 1 || j == 3)) { /* total: n, else events + non-events */
            const char *ev = c[j - 1] >= 0 ? msum_dataset_cell(ds, i, (size_t)c[j - 1]) : "";
            const char *n = c[4 + j / 2] >= 0 ? msum_dataset_cell(ds, i, (size_t)c[4 + j / 2]) : "";
            char *e1, *e2;
            double a = strtod(ev, &e1), b = strtod(v, &e2);
            if (*n) snprintf(buf, sizeof buf, "%s", n);
            else if (*ev && *v && !*e1 && !*e2) msum_fmt_num(a + b, 0, buf, sizeof buf);
            v = buf;
        }
        if (!(out[j] = strdup(v))) return MSUM_ENOMEM;
    }
    return MSUM_OK;
}

static void info_read(const char *path, const char *filter, const msum_read_opts *o,
                      study_info *L)
{
    memset(L, 0, sizeof *L);
    msum_diags *d = msum_diags_new();
    msum_dataset *ds = NULL;
    if (!d || msum_dataset_read_opts(path, filter, o, d, &ds) != MSUM_OK) goto out;
    /* any case, aliases and --col study=... / author=... / year=... (docs/columns.md) */
    int c_study = msum_dataset_role_col(ds, "study"),
        c_author = msum_dataset_role_col(ds, "author"), c_year = msum_dataset_role_col(ds, "year");
    size_t n = msum_dataset_nrows(ds);
    if (n == 0) goto out;
    /* arm columns: counts ai, bi, ci, di (+ n1i, n2i), or continuous m, sd, n per arm */
    static const char *const cnt[] = {"ai", "bi", "ci", "di", "n1i", "n2i"};
    static const char *const con[] = {"m1i", "sd1i", "n1i", "m2i", "sd2i", "n2i"};
    int cc[6];
    for (int j = 0; j < 6; j++) cc[j] = msum_dataset_role_col(ds, cnt[j]);
    if (cc[0] >= 0 && cc[2] >= 0 && (cc[1] >= 0 || cc[4] >= 0) && (cc[3] >= 0 || cc[5] >= 0)) {
        L->ncols = 4;
    } else {
        for (int j = 0; j < 6; j++) cc[j] = msum_dataset_role_col(ds, con[j]);
        L->ncols = 6;
        for (int j = 0; j < 6; j++)
            if (cc[j] < 0) L->ncols = 0;
    }
    L->line = malloc(n * sizeof *L->line);
    L->label = calloc(n, sizeof *L->label);
    L->cells = L->ncols ? calloc(n * L->ncols, sizeof *L->cells) : NULL;
    if (!L->line || !L->label || (L->ncols && !L->cells)) goto out;
    for (size_t i = 0; i < n; i++) {
        char buf[256] = "";
        if (c_study >= 0) snprintf(buf, sizeof buf, "%s", msum_dataset_cell(ds, i, c_study));
        else if (c_author >= 0 && c_year >= 0)
            snprintf(buf, sizeof buf, "%s %s", msum_dataset_cell(ds, i, c_author),
                     msum_dataset_cell(ds, i, c_year));
        else if (c_author >= 0) snprintf(buf, sizeof buf, "%s", msum_dataset_cell(ds, i, c_author));
        if (!(L->label[i] = strdup(buf))) break;
        L->line[i] = msum_dataset_line(ds, i);
        L->n = i + 1;
        if (L->ncols && arm_cells(ds, i, L->ncols, cc, L->cells + i * L->ncols) != MSUM_OK) break;
    }
    L->arm[0] = same_value(ds, msum_dataset_col(ds, "treatment"));
    L->arm[1] = same_value(ds, msum_dataset_col(ds, "comparator"));
    char *outcome = same_value(ds, msum_dataset_col(ds, "outcome"));
    if (outcome) {
        /* the outcome dictionary beside the dataset */
        const char *slash = strrchr(path, '/');
        size_t dir = slash ? (size_t)(slash - path) + 1 : 0;
        char *dict_path = malloc(dir + sizeof "outcomes.csv");
        msum_dict *dict = NULL;
        msum_diags *dd = msum_diags_new();
        if (dict_path && dd) {
            memcpy(dict_path, path, dir);
            memcpy(dict_path + dir, "outcomes.csv", sizeof "outcomes.csv");
            if (msum_dict_read(dict_path, "outcome", dd, &dict) == MSUM_OK) {
                const char *u = msum_dict_get(dict, outcome, "scale");
                if (u && *u) L->unit = strdup(u);
            }
        }
        msum_dict_free(dict);
        msum_diags_free(dd);
        free(dict_path);
        free(outcome);
    }
out:
    msum_dataset_free(ds);
    msum_diags_free(d);
}

/* Row of a study in L by input line, or -1. */
static long info_find(const study_info *L, long line)
{
    size_t lo = 0, hi = L->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (L->line[mid] < line) lo = mid + 1;
        else hi = mid;
    }
    return lo < L->n && L->line[lo] == line ? (long)lo : -1;
}

/* The axis title: the measure on its natural scale, with the outcome's unit for a mean
 * difference. */
static void measure_axis(msum_measure m, const char *unit, char *buf, size_t size)
{
    static const char *const name[MSUM_MEASURE_COUNT_] = {
        [MSUM_MEASURE_MD] = "Mean difference", [MSUM_MEASURE_SMD] = "Standardised mean difference",
        [MSUM_MEASURE_ROM] = "Ratio of means", [MSUM_MEASURE_RR] = "Risk ratio",
        [MSUM_MEASURE_OR] = "Odds ratio",      [MSUM_MEASURE_RD] = "Risk difference",
        [MSUM_MEASURE_ZCOR] = "Correlation",   [MSUM_MEASURE_GEN] = "Estimate",
        [MSUM_MEASURE_PR] = "Proportion",      [MSUM_MEASURE_PLN] = "Proportion",
        [MSUM_MEASURE_PLO] = "Proportion",     [MSUM_MEASURE_PAS] = "Proportion",
        [MSUM_MEASURE_PFT] = "Proportion",     [MSUM_MEASURE_IR] = "Incidence rate",
        [MSUM_MEASURE_IRLN] = "Incidence rate", [MSUM_MEASURE_IRS] = "Incidence rate"};
    const char *s = (unsigned)m < MSUM_MEASURE_COUNT_ && name[m] ? name[m] : "Estimate";
    if (m == MSUM_MEASURE_MD && unit) snprintf(buf, size, "%s (%s)", s, unit);
    else if (msum_measure_scale(m) == MSUM_SCALE_LOG) snprintf(buf, size, "%s (log scale)", s);
    else snprintf(buf, size, "%s", s);
}

/* "Random effects (REML), z test", "Common effect, z test", "Random effects (PM; REML did
 * not converge), Knapp-Hartung t test". */
static void model_label(const msum_pool_result *r, const char *prefix, char *buf, size_t size)
{
    char model[96];
    const char *est = msum_estimator_name(r->method_used);
    if (msum_estimator_is_fixed(r->method_used))
        snprintf(model, sizeof model, "%s", r->method_used == MSUM_EST_EE   ? "Equal effects"
                                            : r->method_used == MSUM_EST_FE ? "Fixed effect"
                                                                            : "Common effect");
    else if (r->method_used != r->method)
        snprintf(model, sizeof model, "Random effects (%s; %s did not converge)", est,
                 msum_estimator_name(r->method));
    else
        snprintf(model, sizeof model, "Random effects (%s)", est);
    const char *test = r->test == MSUM_TEST_Z      ? "z test"
                       : r->test == MSUM_TEST_T    ? "t test"
                       : r->test == MSUM_TEST_KNHA ? "Knapp\xe2\x80\x93Hartung t test"
                                                   : "Knapp\xe2\x80\x93Hartung t test (ad hoc)";
    snprintf(buf, size, "%s%s, %s", prefix, model, test);
}

/* A fit as the plot's pooled row: the fit's own numbers, nothing recomputed.  No prediction
 * interval for common-effect fits (it is the CI) and no tau2 there; no Q at k = 1. */
static msum_plot_pooled plot_pooled(const msum_pool_result *r, const char *label)
{
    int fixed = msum_estimator_is_fixed(r->method_used);
    return (msum_plot_pooled){.label = label, .est = r->estimate, .ci_lb = r->ci_lb,
                              .ci_ub = r->ci_ub, .pi_lb = fixed ? NAN : r->pi_lb,
                              .pi_ub = fixed ? NAN : r->pi_ub, .stats = 1,
                              .tau2 = fixed ? NAN : r->tau2, .Q = r->k >= 2 ? r->QE : NAN,
                              .Q_df = r->QEdf, .Q_p = r->QEp, .I2 = r->I2, .stat = r->stat,
                              .stat_df = r->df, .pval = r->pval, .level = r->level};
}

typedef struct {
    const char *title;
    const char *favours; /* "LEFT,RIGHT" or "LEFT;RIGHT", or NULL */
    msum_forest_sort sort;
} plot_opts;

/* The forest plot of the pooled groups: one block per group (with its diamond, heterogeneity
 * and test lines) when grouped, then the overall fit of all studies and the test for subgroup
 * differences (msum_subgroup_qbetween on the groups' fits, as msum_subgroup computes it);
 * else the studies and the pooled diamond with its lines. */
static char *forest_svg(const pool_args *a, const groups *gs, const bycols *by,
                        const msum_pool_result *res, const plot_opts *po, const study_info *L)
{
    size_t k = 0, ng = 0;
    msum_measure m = MSUM_MEASURE_NONE;
    int one_measure = 1;
    for (size_t i = 0; i < gs->n; i++) {
        if (!gs->g[i].k) continue;
        k += gs->g[i].k, ng++;
        if (m != MSUM_MEASURE_NONE && gs->g[i].measure != m) one_measure = 0;
        m = gs->g[i].measure;
    }
    int list = k <= MSUM_FOREST_MAX_STUDIES; /* study rows are drawn */
    size_t nc = list ? L->ncols : 0;
    char **labels = calloc(k + 1, sizeof *labels), **glabels = calloc(ng + 1, sizeof *glabels);
    double *yi = malloc((k + 1) * sizeof *yi), *vi = malloc((k + 1) * sizeof *vi),
           *lb = malloc((k + 1) * sizeof *lb), *ub = malloc((k + 1) * sizeof *ub),
           *w = malloc((k + 1) * sizeof *w);
    size_t *grp = malloc((k + 1) * sizeof *grp);
    const char **cells = calloc(k * nc + 1, sizeof *cells);
    msum_plot_pooled *gp = calloc(ng + 1, sizeof *gp);
    double *gest = malloc((ng + 1) * sizeof *gest), *gse = malloc((ng + 1) * sizeof *gse);
    char *svg = NULL, *fav = po->favours ? strdup(po->favours) : NULL;
    int log_scale = 0, zscale = 0;
    int ok = labels && glabels && yi && vi && lb && ub && w && grp && cells && gp && gest && gse &&
             (fav || !po->favours);
    size_t j = 0, gj = 0;
    double z = gsl_cdf_ugaussian_Pinv(0.5 + a->pool.level / 2);
    for (size_t i = 0; ok && i < gs->n; i++) {
        const group *g = &gs->g[i];
        const msum_pool_result *r = &res[i];
        if (g->k == 0) continue;
        log_scale |= msum_measure_scale(g->measure) == MSUM_SCALE_LOG;
        zscale |= msum_measure_scale(g->measure) == MSUM_SCALE_FISHER_Z;
        ok = msum_pool_weights(g->vi, g->k, r, w + j) == MSUM_OK;
        char gl[256];
        group_label(by, g->key, gl, sizeof gl);
        ok = ok && (glabels[gj] = strdup(gl)) != NULL;
        for (size_t s = 0; ok && s < g->k; s++, j++) {
            if (list) {
                char buf[256];
                long row = info_find(L, g->line[s]);
                if (row >= 0 && *L->label[row]) snprintf(buf, sizeof buf, "%s", L->label[row]);
                else if (g->id && g->id[s]) snprintf(buf, sizeof buf, "%s", g->id[s]);
                else snprintf(buf, sizeof buf, "line %ld", g->line[s]);
                ok = (labels[j] = strdup(buf)) != NULL;
                for (size_t c = 0; c < nc; c++)
                    cells[j * nc + c] = row >= 0 ? L->cells[(size_t)row * nc + c] : "";
            }
            yi[j] = g->yi[s];
            vi[j] = g->vi[s];
            lb[j] = g->yi[s] - z * sqrt(g->vi[s]);
            ub[j] = g->yi[s] + z * sqrt(g->vi[s]);
            grp[j] = gj;
        }
        if (ok) gp[gj] = plot_pooled(r, by->n ? glabels[gj] : NULL);
        gest[gj] = r->estimate;
        gse[gj] = r->se;
        gj++;
    }
    msum_pool_result all;
    msum_plot_pooled overall;
    msum_subgroup_between sg = {0};
    int has_overall = 0;
    char model[160], xlab[160];
    if (ok && by->n && ng >= 2 && one_measure) {
        /* the overall diamond: every study in one fit, with the groups' options */
        has_overall = msum_pool(yi, vi, k, &a->pool, &all) == MSUM_OK;
        if (has_overall) model_label(&all, "Overall: ", model, sizeof model);
        overall = plot_pooled(&all, model);
        msum_subgroup_qbetween(gest, gse, ng, &sg); /* the groups' own fits */
    }
    if (ok) {
        if (!by->n) {
            model_label(&res[0], "", model, sizeof model);
            gp[0].label = model;
        }
        if (one_measure) measure_axis(m, L->unit, xlab, sizeof xlab);
        msum_forest_data fd = {.title = po->title, .log_scale = log_scale ? 1 : zscale ? 2 : 0,
                               .xlab = one_measure ? xlab : NULL, .null_value = 0, .k = k,
                               .labels = (const char *const *)labels, .yi = yi, .ci_lb = lb,
                               .ci_ub = ub, .weights = w, .sort = po->sort, .sg_df = 0};
        /* The weights are the weights table's: percent within each group's own fit. */
        fd.weights_percent = 1;
        if (one_measure) fd.transf = plot_transf(m, vi, k);
        if (m >= MSUM_MEASURE_PR && m <= MSUM_MEASURE_IRFT) fd.null_value = NAN; /* no null */
        if (nc) {
            static const char *const cnt_heads[] = {"Events", "Total", "Events", "Total"};
            static const char *const con_heads[] = {"Mean", "SD", "N", "Mean", "SD", "N"};
            fd.ncols = nc;
            fd.col_heads = nc == 4 ? cnt_heads : con_heads;
            fd.cols = cells;
            fd.col_span[0] = L->arm[0] ? L->arm[0] : "Treatment";
            fd.col_span[1] = L->arm[1] ? L->arm[1] : "Comparator";
        }
        if (fav) {
            char *sep = strpbrk(fav, ",;");
            if (sep) {
                *sep = '\0';
                fd.favours_lo = *fav ? fav : NULL;
                fd.favours_hi = sep[1] ? sep + 1 : NULL;
            }
        }
        if (by->n) {
            fd.weight_head = "Weight in group";
            fd.group = grp;
            fd.ngroups = gj;
            fd.group_labels = (const char *const *)glabels;
            fd.group_pooled = gp;
            if (has_overall) {
                fd.pooled = &overall;
                fd.npooled = 1;
            }
            if (sg.G_used >= 2) {
                fd.sg_Q = sg.Qb;
                fd.sg_df = sg.Qb_df;
                fd.sg_p = sg.Qb_p;
            }
        } else {
            fd.pooled = gp;
            fd.npooled = 1;
        }
        svg = analysis_svg_forest(&fd);
    }
    for (size_t i = 0; labels && i < k; i++) free(labels[i]);
    for (size_t i = 0; glabels && i < ng; i++) free(glabels[i]);
    free(labels);
    free(glabels);
    free(yi);
    free(vi);
    free(lb);
    free(ub);
    free(w);
    free(grp);
    free(gest);
    free(gse);
    free(cells);
    free(gp);
    free(fav);
    return svg;
}

static char *funnel_svg(const group *g, const msum_pool_result *r, const char *title)
{
    double *sei = malloc((g->k + 1) * sizeof *sei);
    if (!sei) return NULL;
    for (size_t i = 0; i < g->k; i++) sei[i] = sqrt(g->vi[i]);
    char xlab[160];
    measure_axis(g->measure, NULL, xlab, sizeof xlab);
    msum_funnel_data fd = {.title = title, .xlab = xlab,
                           .log_scale = msum_measure_scale(g->measure) == MSUM_SCALE_LOG,
                           .transf = plot_transf(g->measure, g->vi, g->k),
                           .k = g->k, .yi = g->yi, .sei = sei, .est = r->estimate};
    char *svg = analysis_svg_funnel(&fd);
    free(sei);
    return svg;
}

/* Study information for a forest plot: read only when its rows will be drawn. */
static void plot_info(const char *path, const char *filter, const msum_read_opts *o,
                      const groups *gs, study_info *L)
{
    size_t k = 0;
    for (size_t i = 0; i < gs->n; i++) k += gs->g[i].k;
    if (k <= MSUM_FOREST_MAX_STUDIES) info_read(path, filter, o, L);
    else memset(L, 0, sizeof *L);
}

/* metasum pool --plot: every requested plot, drawn and written in its file's format. */
static int write_plots(const pool_args *a, const groups *gs, const bycols *by,
                       const msum_pool_result *res)
{
    study_info L;
    memset(&L, 0, sizeof L);
    int have_info = 0, rc = EXIT_OK;
    for (int p = 0; rc == EXIT_OK && p < a->nplot; p++) {
        const char *file;
        const char *kind = plot_kind(a->plot[p], &file);
        char *svg = NULL;
        if (strcmp(kind, "funnel") == 0) {
            if (gs->n != 1 || gs->g[0].k == 0) {
                cli_error("pool", "--plot %s: a funnel plot needs one group (drop --by)",
                          a->plot[p]);
                rc = EXIT_USAGE;
                break;
            }
            svg = funnel_svg(&gs->g[0], &res[0], NULL);
        } else {
            if (!have_info) plot_info(a->file, a->filter, &a->in.ro, gs, &L);
            have_info = 1;
            plot_opts po = {NULL, a->favours, a->sort};
            svg = forest_svg(a, gs, by, res, &po, &L);
        }
        int st = svg ? msum_render_file(svg, strlen(svg), file) : MSUM_ENOMEM;
        if (st != MSUM_OK) {
            cli_error("pool", "cannot write %s: %s", file, msum_strerror(st));
            rc = st == MSUM_ENOMEM ? EXIT_NUMERICAL : EXIT_IO;
        }
        free(svg);
    }
    if (have_info) info_free(&L);
    return rc;
}

/* ---- as a report analysis ---------------------------------------------------------------- */

int analysis_pool(const analysis_spec *spec, const char *path, analysis_output *out,
                  msum_diags *diags)
{
    if (strcmp(spec->method, "MH") == 0 || strcmp(spec->method, "PETO") == 0)
        return analysis_pool_mh(spec, path, out, diags);
    pool_args a;
    args_init(&a);
    a.file = path;
    a.filter = spec->filter;
    a.keep = 1;
    if (spec->columns && *spec->columns) a.in.ro.columns = spec->columns;
    if ((*spec->measure && !msum_measure_parse(spec->measure, &a.measure)) ||
        (*spec->method && msum_estimator_parse(spec->method, &a.pool.method) != MSUM_OK) ||
        (*spec->test && msum_test_parse(spec->test, &a.pool.test) != MSUM_OK)) {
        msum_diags_add(diags, MSUM_DIAG_ERROR, spec->manifest, spec->line, 0, NULL,
                       "unknown measure '%s', method '%s' or test '%s' (see 'metasum pool "
                       "--help')", spec->measure, spec->method, spec->test);
        return MSUM_EDATA;
    }
    char *bylist = *spec->by ? analysis_list(spec->by) : NULL;
    a.by = bylist;
    groups gs = {0};
    bycols by = {0};
    size_t nskipped = 0, failed = 0;
    int has_id = 0, any_log = 0, any_z = 0;
    msum_pool_result *res = NULL;
    int st = analysis_status(read_rows(&a, diags, &gs, &by, &nskipped, &has_id));
    if (st == MSUM_OK) {
        st = pool_groups(&a, &gs, &res, &any_log, &any_z, &failed);
        if (st != MSUM_OK && st != MSUM_ENOMEM) {
            char label[256];
            group_label(&by, gs.g[failed].key, label, sizeof label);
            msum_diags_add(diags, MSUM_DIAG_ERROR, path, 0, 0, NULL, "%s: %s", label,
                           msum_strerror(st));
        }
    }
    a.file = spec->dataset; /* tables name the dataset as the manifest does */
    for (int which = 0; st == MSUM_OK && which < 2; which++) {
        msum_table *t = which ? weights_table(&gs, &by, res, has_id)
                              : pooled_table(&gs, &by, res, any_log, any_z, &a.pool);
        if (t) set_meta(t, &a);
        st = analysis_add_table(out, t);
    }
    const char *title = *spec->title ? spec->title : *spec->id ? spec->id : NULL;
    if (st == MSUM_OK && analysis_list_has(spec->plots, "forest")) {
        study_info L;
        plot_info(path, spec->filter, &a.in.ro, &gs, &L);
        plot_opts po = {title, *spec->favours ? spec->favours : NULL, MSUM_FOREST_SORT_INPUT};
        st = analysis_add_plot(out, "forest", forest_svg(&a, &gs, &by, res, &po, &L));
        info_free(&L);
    }
    if (st == MSUM_OK && analysis_list_has(spec->plots, "funnel") && gs.n == 1 && gs.g[0].k)
        st = analysis_add_plot(out, "funnel", funnel_svg(&gs.g[0], &res[0], title));
    free(res);
    groups_free(&gs);
    bycols_free(&by);
    free(bylist);
    free(a.columns);
    return st;
}
