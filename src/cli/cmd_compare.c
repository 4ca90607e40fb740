/* metasum compare: per-group pooled fits, tests for subgroup differences (separate and common
 * tau2), meta-regression and pairwise differences of an effect file, as CSV/TSV tables. */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "cli.h"
#include "cli_args.h"
#include "metasum/dataset.h"
#include "metasum/render.h"

#define CMD "compare"
enum { MAXLIST = 64, MAX_DEFAULT_PAIRS = 30 };

void usage_compare(FILE *fp)
{
    fputs(
"About:   Compare groups of effects (e.g. exosome sources): a pooled fit per group, the tests\n"
"         for subgroup differences (separate tau2 per group as R meta; common tau2 as metafor\n"
"         rma(mods = ~ factor(group))), a meta-regression, and pairwise differences.  With\n"
"         --mods and no --by: a meta-regression alone (metafor rma(yi, vi, mods = ~ ...)).\n"
"Usage:   metasum compare FILE --by COLUMN [OPTIONS]\n"
"         metasum compare FILE --mods TERMS [--newmods ROWS] [OPTIONS]\n"
"\n"
"Options:\n"
"    --by COLUMN          the grouping column, e.g. source, alloc (required without --mods)\n"
"    --filter COL=VAL     only rows whose COL equals VAL (several: COL=A;COL2=B)\n"
"    --measure M          effect size for rows that allow several: MD, SMD, ROM (means),\n"
"                         RR, OR, RD (2x2 counts) [the rows' own measure]\n"
"    --method M           tau2 estimator: REML, ML, DL, HE, HS, SJ, PM, EB, FE (EE, CE)\n"
"                         [REML]\n"
"    --test T             z, t, knha (Hartung-Knapp) or adhoc [z]\n"
"    --level L            confidence level [0.95]\n"
"    --mods TERMS         meta-regression terms, comma-separated: COL (numbers ->\n"
"                         continuous, text -> categorical), center(COL), scale(COL), A:B\n"
"                         (interaction), A*B (A, B and A:B), -1 (no intercept)\n"
"                         [the grouping column as a factor]\n"
"    --newmods ROWS       predictions at new moderator values, table predict; rows separated\n"
"                         by ';', each NAME=VALUE for every moderator column of --mods\n"
"                         (raw values: centred/scaled as the fit did; a factor by level,\n"
"                         e.g. 'ablat=10,alloc=random;ablat=30,alloc=systematic'), or one\n"
"                         number per coefficient but the intercept in metareg-table order\n"
"                         (e.g. '10,1950;30,1970')\n"
"    --pi-type T          prediction interval of --newmods: default (as the CI's quantile)\n"
"                         or riley (t on k-p-1 df, metafor pi.type=\"riley\") [default]\n"
"    --ref-level COL=LV   reference level of a categorical moderator or of --by (repeatable)\n"
"                         [the first level in byte order, as R's factor()]\n"
"    --threshold X        Fisher scoring (ML, REML, EB) stops when tau2 changes by <= X, as\n"
"                         metafor's control threshold [0: full precision]; metafor: 1e-5\n"
"    --maxiter N          iteration limit [100 meta-regression, 1000 groups]\n"
"    --step-adj X         Fisher scoring step length factor (metafor stepadj) [1]\n"
"    --pairs A:B,C:D      pairwise differences to report [every pair, up to 30 groups]\n"
"    --table T            all, groups, between, metareg, model, pairs, predict or studies\n"
"                         (weights and hat values per row, only on request) [all]\n"
"    --format F           csv, tsv, md, json, html, or text (aligned columns to read) [csv]\n"
"    --digits N           significant digits, 0 = shortest exact [7]; text: decimals [4]\n"
"    --no-meta            no '# key,value' lines in CSV/TSV (with one --table: plain CSV)\n"
"    --plot FILE          also draw the subgroup forest plot there (with --by): the studies\n"
"                         and pooled diamond of each group, the overall diamond and the test\n"
"                         for subgroup differences, as 'metasum pool --by COLUMN --plot';\n"
"                         the extension chooses SVG, PNG or PDF (95% intervals)\n"
"    --favours L,R        forest plot: 'Favours L' left and 'Favours R' right of the null\n"
"\n", fp);
    fprintf(fp,
"Output:  tables separated by a blank line; in CSV/TSV each starts with its metadata as\n"
"         '# key,value' lines: table (its name), scale, by, method, test, level,\n"
"         metasum_version.\n"
"         Columns: docs/compare.md.  Rows without a variance (percent or fold changes,\n"
"         direction only) cannot be pooled: they are skipped with a warning (see 'metasum\n"
"         summarize').\n"
"\n"
"Exit codes: 0 ok (warnings allowed), 1 data errors, 2 usage, 3 I/O, 4 numerical failure\n"
"\n"
"%s"
"\n"
"Examples:\n"
"    metasum compare datasets/bcg/effects.csv --by alloc --measure RR\n"
"    metasum compare datasets/bcg/effects.csv --by alloc --measure RR --test knha \\\n"
"        --mods ablat,alloc --ref-level alloc=random --table metareg\n"
"    metasum compare effects.csv --by source --pairs ADSC:hucMSC --table pairs --format tsv\n"
"    metasum compare datasets/bcg/effects.csv --by alloc --measure RR --plot forest.pdf\n"
"    metasum compare datasets/bcg/effects.csv --measure RR --mods 'ablat*year' \\\n"
"        --newmods '20,1950,39000;50,1970,98500' --table predict\n",
            cli_input_help);
}

typedef struct {
    const char *file, *by, *mods, *pairs, *table, *newmods;
    const char *plot, *favours;              /* --plot FILE, --favours L,R */
    const char *measure_s, *method_s, *test_s; /* as given, for the plot's pool analysis */
    msum_pi_type pi_type;
    int maxiter_set;
    const char *filter;
    const char *ref_col[MAXLIST], *ref_lv[MAXLIST];
    int nref;
    char *refbuf[MAXLIST];
    msum_measure measure;
    msum_pool_opts po;
    msum_format fmt;
    int digits, meta;
    cli_input in; /* --col, --delim, --decimal, --sheet, --missing */
} opts;

#define usage_error(...) cli_usage_error(CMD, __VA_ARGS__)

static int parse(int argc, char **argv, opts *o)
{
    msum_pool_opts pd = MSUM_POOL_OPTS_DEFAULT;
    memset(o, 0, sizeof *o);
    o->po = pd;
    o->po.qprofile = 0;
    o->fmt = MSUM_FMT_CSV;
    o->digits = -1; /* 7, or 4 decimals for text */
    o->meta = 1;
    o->table = "all";
    cli_input_init(&o->in);
    for (int i = 1; i < argc; i++) {
        const char *v = NULL, *a = argv[i];
        int r;
        if ((r = cli_opt_input(CMD, argc, argv, &i, &o->in))) {
            if (r < 0) return EXIT_USAGE;
        } else if (strcmp(a, "--no-meta") == 0) {
            o->meta = 0;
        } else if ((r = cli_opt(CMD, argc, argv, &i, "--filter", NULL, &v))) {
            if (r < 0) return EXIT_USAGE;
            o->filter = v;
        } else if ((r = cli_opt(CMD, argc, argv, &i, "--by", NULL, &v))) {
            if (r < 0) return EXIT_USAGE;
            o->by = v;
        } else if ((r = cli_opt(CMD, argc, argv, &i, "--measure", NULL, &v))) {
            if (r < 0) return EXIT_USAGE;
            if (!msum_measure_parse(v, &o->measure) || o->measure == MSUM_MEASURE_NONE)
                return usage_error("--measure: unknown measure '%s' (MD, SMD, ROM, RR, OR, RD, "
                                   "ZCOR, GEN)", v);
            o->measure_s = v;
        } else if ((r = cli_opt(CMD, argc, argv, &i, "--method", NULL, &v))) {
            if (r < 0) return EXIT_USAGE;
            if (msum_estimator_parse(v, &o->po.method) != MSUM_OK)
                return usage_error("--method: unknown estimator '%s'", v);
            o->method_s = v;
        } else if ((r = cli_opt(CMD, argc, argv, &i, "--test", NULL, &v))) {
            if (r < 0) return EXIT_USAGE;
            if (msum_test_parse(v, &o->po.test) != MSUM_OK)
                return usage_error("--test: unknown test '%s' (z, t, knha, adhoc)", v);
            o->test_s = v;
        } else if ((r = cli_opt(CMD, argc, argv, &i, "--plot", NULL, &v))) {
            if (r < 0) return EXIT_USAGE;
            if (msum_render_format_of(v, NULL) != MSUM_OK)
                return usage_error("--plot: found '%s', expected a FILE ending in .svg, .png or "
                                   ".pdf", v);
            o->plot = v;
        } else if ((r = cli_opt(CMD, argc, argv, &i, "--favours", NULL, &v))) {
            if (r < 0) return EXIT_USAGE;
            if (!strchr(v, ','))
                return usage_error("--favours: found '%s', expected LEFT,RIGHT (e.g. "
                                   "\"BCG,control\")", v);
            o->favours = v;
        } else if ((r = cli_opt(CMD, argc, argv, &i, "--level", NULL, &v))) {
            if (r < 0) return EXIT_USAGE;
            if (!cli_opt_level(CMD, "--level", v, &o->po.level)) return EXIT_USAGE;
        } else if ((r = cli_opt_convergence(CMD, argc, argv, &i, &o->po.threshold,
                                            &o->po.maxiter, &o->po.step_adj))) {
            if (r < 0) return EXIT_USAGE;
            if (strncmp(a, "--maxiter", 9) == 0) o->maxiter_set = 1;
        } else if ((r = cli_opt(CMD, argc, argv, &i, "--newmods", NULL, &v))) {
            if (r < 0) return EXIT_USAGE;
            o->newmods = v;
        } else if ((r = cli_opt(CMD, argc, argv, &i, "--pi-type", NULL, &v))) {
            if (r < 0) return EXIT_USAGE;
            if (strcmp(v, "riley") == 0)
                o->pi_type = MSUM_PI_T_K2;
            else if (strcmp(v, "default") == 0)
                o->pi_type = MSUM_PI_DEFAULT;
            else
                return usage_error("--pi-type: found '%s', expected default or riley", v);
        } else if ((r = cli_opt(CMD, argc, argv, &i, "--digits", NULL, &v))) {
            if (r < 0) return EXIT_USAGE;
            if (!cli_opt_digits(CMD, v, &o->digits)) return EXIT_USAGE;
        } else if ((r = cli_opt(CMD, argc, argv, &i, "--mods", NULL, &v))) {
            if (r < 0) return EXIT_USAGE;
            o->mods = v;
        } else if ((r = cli_opt(CMD, argc, argv, &i, "--pairs", NULL, &v))) {
            if (r < 0) return EXIT_USAGE;
            o->pairs = v;
        } else if ((r = cli_opt(CMD, argc, argv, &i, "--table", NULL, &v))) {
            if (r < 0) return EXIT_USAGE;
            static const char *const names[] = {"all",   "groups", "between", "metareg",
                                                "model", "pairs",  "studies", "predict"};
            int ok = 0;
            for (size_t t = 0; t < sizeof names / sizeof names[0]; t++)
                if (strcmp(v, names[t]) == 0) ok = 1;
            if (!ok)
                return usage_error("--table: found '%s', expected all, groups, between, "
                                   "metareg, model, pairs, studies or predict", v);
            o->table = v;
        } else if ((r = cli_opt(CMD, argc, argv, &i, "--format", NULL, &v))) {
            if (r < 0) return EXIT_USAGE;
            if (!cli_opt_format(CMD, v, &o->fmt)) return EXIT_USAGE;
        } else if ((r = cli_opt(CMD, argc, argv, &i, "--ref-level", NULL, &v))) {
            if (r < 0) return EXIT_USAGE;
            const char *eq = strchr(v, '=');
            if (!eq || eq == v || !eq[1])
                return usage_error("--ref-level: found '%s', expected COLUMN=LEVEL", v);
            if (o->nref == MAXLIST) return usage_error("too many %s options", a);
            char *c = malloc(strlen(v) + 1);
            if (!c) return EXIT_NUMERICAL;
            strcpy(c, v);
            c[eq - v] = '\0';
            o->refbuf[o->nref] = c;
            o->ref_col[o->nref] = c;
            o->ref_lv[o->nref++] = c + (eq - v) + 1;
        } else if (a[0] == '-' && a[1] != '\0') {
            return usage_error("unknown option '%s'", a);
        } else {
            if (o->file) return usage_error("one FILE expected, found also '%s'", a);
            o->file = a;
        }
    }
    if (!o->file) return usage_error("%s", "no FILE given");
    if (!o->by && !o->mods)
        return usage_error("%s", "--by COLUMN or --mods TERMS is required");
    if (o->newmods && !o->mods) return usage_error("%s", "--newmods needs --mods");
    if (o->plot && !o->by) return usage_error("%s", "--plot needs --by COLUMN");
    if (o->plot && (o->in.ro.delim || o->in.ro.decimal || o->in.ro.sheet ||
                    o->in.ro.missing != MSUM_MISSING_OMIT))
        return usage_error("%s", "--plot reads the file with its detected delimiter, decimal "
                                 "mark and first sheet: drop --delim, --decimal, --sheet and "
                                 "--missing (or draw with 'metasum pool --by COLUMN --plot')");
    if (o->plot && o->po.level != 0.95)
        return usage_error("%s", "--plot draws 95% intervals: drop --level (or draw with "
                                 "'metasum pool --by COLUMN --level L --plot FILE')");
    return EXIT_OK;
}

static const char *ref_level(const opts *o, const char *col)
{
    const char *r = NULL;
    for (int i = 0; i < o->nref; i++)
        if (strcmp(o->ref_col[i], col) == 0) r = o->ref_lv[i];
    return r;
}

/* The rows that can be pooled: yi, vi, group and their dataset row. */
typedef struct {
    size_t k;
    double *yi, *vi;
    const char **group;
    size_t *row;
    msum_measure measure;
} effects;

static void effects_free(effects *e)
{
    free(e->yi);
    free(e->vi);
    free(e->group);
    free(e->row);
}

/* Effect sizes of every row; rows without a variance or a group are skipped with a warning,
 * impossible ones are errors.  Returns an exit code. */
static int collect(const msum_dataset *ds, const opts *o, msum_diags *dg, effects *e)
{
    size_t n = msum_dataset_nrows(ds);
    const char *name = msum_dataset_name(ds);
    int bycol = o->by ? msum_dataset_col(ds, o->by) : -1;
    memset(e, 0, sizeof *e);
    e->yi = malloc((n + 1) * sizeof *e->yi);
    e->vi = malloc((n + 1) * sizeof *e->vi);
    e->group = malloc((n + 1) * sizeof *e->group);
    e->row = malloc((n + 1) * sizeof *e->row);
    if (!e->yi || !e->vi || !e->group || !e->row) return EXIT_NUMERICAL;
    msum_escalc_opts eo = MSUM_ESCALC_OPTS_DEFAULT;
    eo.level = o->po.level;
    size_t novar = 0;
    for (size_t i = 0; i < n; i++) {
        const msum_record *rec = msum_dataset_record(ds, i);
        long line = msum_dataset_line(ds, i), col = 0, l2;
        msum_effect ef;
        if (msum_dataset_omitted(ds, i)) continue; /* na.omit: named in a warning */
        int st = msum_dataset_effect(ds, i, o->measure, &eo, &ef, dg);
        if (st == MSUM_EINVAL && o->measure == MSUM_MEASURE_NONE) {
            fprintf(stderr, "metasum " CMD ": %s:%ld: %s rows give several measures: choose one "
                    "with --measure (see 'metasum " CMD " --help')\n", name, line,
                    msum_input_name(rec->input));
            return EXIT_USAGE;
        }
        if (st == MSUM_EINVAL) { /* the measure does not apply to this row's form */
            int c = ef.field >= 0
                        ? msum_dataset_role_col(ds, msum_field_name((msum_field)ef.field))
                        : msum_dataset_role_col(ds, "input");
            if (c >= 0) msum_dataset_pos(ds, i, (size_t)c, &l2, &col);
            msum_diags_add(dg, MSUM_DIAG_ERROR, name, line, col,
                           c >= 0 ? msum_dataset_colname(ds, (size_t)c) : NULL, "%s",
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
            if (msum_check_group_value(g, name, l2, col, o->by, dg)) continue;
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
    if (novar)
        msum_diags_add(dg, MSUM_DIAG_WARNING, name, 0, 0, NULL,
                       "%zu row%s without a variance (percent or fold change, direction only, "
                       "or no SE) left out: see 'metasum summarize'", novar, novar > 1 ? "s" : "");
    if (msum_diags_errors(dg)) return EXIT_DATA;
    if (e->k == 0) {
        msum_diags_add(dg, MSUM_DIAG_ERROR, name, 0, 0, NULL,
                       "found no row with an effect and a variance, expected at least one");
        return EXIT_DATA;
    }
    return EXIT_OK;
}

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

/* A moderator of the fitted model as named --newmods gives it: its column, continuous or
 * categorical, and the centring and scaling the fit applied to its values. */
typedef struct {
    char name[128];      /* as written in --mods: the coefficient names use it */
    char col[128];       /* the column: --newmods names it */
    int numeric;
    double shift, div;   /* continuous: x -> (x - shift) / div */
    const char *ref;     /* categorical: the reference level (a design string; NULL when every
                            level has its own column) */
} newvar;

typedef struct {
    newvar v[MAXLIST * 2];
    int n;
    char **refs;         /* owned copies of the reference levels */
} newvars;

static void newvars_free(newvars *nv)
{
    for (int j = 0; nv->refs && j < nv->n; j++) free(nv->refs[j]);
    free(nv->refs);
    nv->refs = NULL;
}

enum { MAXVARS = 2 * MAXLIST };

/* Meta-regression on the terms of --mods (rows with a missing moderator left out), with the
 * --newmods predictions.  Fills *lines with the input line of each row used (caller frees). */
static int fit_mods(const msum_dataset *ds, const opts *o, const effects *e, msum_diags *dg,
                    msum_metareg_result *mr, long **lines, newvars *nvs)
{
    char *parts[MAXLIST], *buf = NULL;
    const char *name = msum_dataset_name(ds);
    int np = cli_split(o->mods, ',', parts, MAXLIST, &buf);
    if (np < 0) {
        free(buf);
        return usage_error("--mods: too many terms in '%s'", o->mods);
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
            int rc = usage_error("--mods: found '%s', expected COL, center(COL), scale(COL), "
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
                    return usage_error("--mods: too many moderators in '%s'", o->mods);
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
            fprintf(stderr, "metasum " CMD ": --mods: no column '%s' in %s\n", vars[j].col, name);
            free(buf);
            return EXIT_USAGE;
        }
    }
    /* rows with every moderator present */
    size_t k = 0, *use = malloc((e->k + 1) * sizeof *use);
    double *y = malloc((e->k + 1) * sizeof *y), *v = malloc((e->k + 1) * sizeof *v);
    double *x0 = NULL;
    int rc = EXIT_NUMERICAL;
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
            const char *c = msum_dataset_cell(ds, e->row[i], (size_t)vars[j].idx);
            if (!*c || strcmp(c, "NA") == 0) {
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
    rc = EXIT_DATA;
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
            const char *c = msum_dataset_cell(ds, use[i], (size_t)m->idx);
            m->t[i] = c;
            if (msum_parse_double(c, strlen(c), &m->x[i]) != 1) numeric = 0;
        }
        if (ref_level(o, m->col) && !m->transform) numeric = 0;
        if (!numeric && m->transform) {
            msum_diags_add(dg, MSUM_DIAG_ERROR, name, 0, 0, m->col,
                           "%s: found a value that is not a number, expected numbers", m->name);
            goto done;
        }
        newvar *w = &nvs->v[j];
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
            double mean = 0, ss = 0;
            for (size_t i = 0; i < k; i++) mean += m->x[i] / (double)k;
            for (size_t i = 0; i < k; i++) ss += (m->x[i] - mean) * (m->x[i] - mean);
            double sd = k > 1 ? sqrt(ss / (double)(k - 1)) : NAN;
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
    for (int t = 0; t < nt; t++) {
        modvar *a = &vars[terms[t].a], *b = terms[t].b >= 0 ? &vars[terms[t].b] : NULL;
        int st;
        if (!b) {
            int dup = 0; /* a*b after a: the main effect once */
            for (size_t j = 0; j < msum_design_ncoef(d); j++)
                if (strcmp(msum_design_coef_term(d, j), a->name) == 0) dup = 1;
            if (dup) continue;
            st = a->x ? msum_design_add_num(d, a->name, a->x)
                      : msum_design_add_factor(d, a->name, a->t, ref_level(o, a->col));
        } else {
            st = msum_design_add_interaction(d, a->name, a->x, a->x ? NULL : a->t,
                                             ref_level(o, a->col), b->name, b->x,
                                             b->x ? NULL : b->t, ref_level(o, b->col));
        }
        if (st == MSUM_EDATA) {
            const modvar *bad = a;
            if (b && !b->x) bad = b;
            msum_diags_add(dg, MSUM_DIAG_ERROR, name, 0, 0, bad->col, "%s",
                           ref_level(o, bad->col) ? "found no such reference level (--ref-level)"
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
            rc = EXIT_NUMERICAL;
            goto done;
        }
    }
    if (msum_design_ncoef(d) == 0) {
        rc = usage_error("--mods: found no coefficient ('-1' alone), expected a moderator");
        goto done;
    }
    msum_metareg_opts mo = MSUM_METAREG_OPTS_DEFAULT;
    mo.method = o->po.method;
    mo.test = o->po.test;
    mo.level = o->po.level;
    mo.threshold = o->po.threshold;
    mo.step_adj = o->po.step_adj;
    if (o->maxiter_set) mo.maxiter = o->po.maxiter;
    mo.fallback = o->po.fallback;
    nvs->n = nv;
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
        rc = EXIT_NUMERICAL;
    } else {
        rc = EXIT_OK;
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
 * "g[level]" 1 when g is that level, "a:b" the product.  Returns an exit code. */
static int named_row(char *row, const msum_metareg_result *m, const newvars *nvs, double *x)
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
    int np = cli_split(row, ',', pairs, MAXLIST * 2, &pb), rc = EXIT_OK;
    if (np < 0) {
        free(pb);
        return usage_error("--newmods: too many values in '%s'", row);
    }
    for (int p = 0; p < np && rc == EXIT_OK; p++) {
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
                        rc = usage_error("--newmods: %s=%s: found '%s', expected a number", nm,
                                         t, t);
                        break;
                    }
                    val[j] = (val[j] - nvs->v[j].shift) / nvs->v[j].div;
                }
            }
        }
        if (rc == EXIT_OK && !found)
            rc = usage_error("--newmods: found '%s%s%s', expected NAME=VALUE with NAME one of "
                             "the moderators (%s)", nm, eq ? "=" : "", eq ? eq + 1 : "", list);
    }
    for (int j = 0; rc == EXIT_OK && j < nvs->n; j++)
        if (!text[j])
            rc = usage_error("--newmods: found no value for '%s' in '%s', expected one for each "
                             "moderator (%s)", nvs->v[j].col, row, list);
    /* each coefficient from its name */
    for (size_t c = 0; rc == EXIT_OK && c < m->p; c++) {
        if (m->intercept && c == 0) {
            x[0] = 1;
            continue;
        }
        char nm[256], *part = nm;
        snprintf(nm, sizeof nm, "%s", m->names[c]);
        double prod = 1;
        int ok = 1;
        while (part && ok) {
            char *next = strchr(part, ':');
            if (next) *next++ = '\0';
            char *br = strrchr(part, '[');
            size_t n = strlen(part);
            int hit = 0;
            for (int j = 0; j < nvs->n && !hit; j++) {
                const newvar *w = &nvs->v[j];
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
            rc = usage_error("--newmods: coefficient '%s' is not made of the named moderators; "
                             "give one number per coefficient instead", m->names[c]);
            break;
        }
        x[c] = prod;
    }
    /* a level the model does not know would give the reference silently */
    for (int j = 0; rc == EXIT_OK && j < nvs->n; j++) {
        const newvar *w = &nvs->v[j];
        if (w->numeric || (w->ref && strcmp(w->ref, text[j]) == 0)) continue;
        char want[300];
        snprintf(want, sizeof want, "%s[%s]", w->name, text[j]);
        int known = 0;
        for (size_t c = 0; c < m->p && !known; c++) {
            const char *q = m->names[c];
            for (const char *f = strstr(q, want); f && !known; f = strstr(f + 1, want))
                known = (f == q || f[-1] == ':') &&
                        (f[strlen(want)] == '\0' || f[strlen(want)] == ':');
        }
        if (!known)
            rc = usage_error("--newmods: %s=%s: found no level '%s' in the model, expected one "
                             "of the levels of '%s'", w->col, text[j], text[j], w->col);
    }
    free(pb);
    return rc;
}

/* --newmods: rows separated by ';', each either one number per coefficient but the intercept
 * ("a,b", in metareg-table order) or the moderators by name ("ablat=10,alloc=random", see
 * named_row), into *x0 (rows x p, the intercept's 1 prepended).  Returns an exit code. */
static int parse_newmods(const char *s, const msum_metareg_result *m, const newvars *nvs,
                         double **x0, size_t *nrows)
{
    char *rows[MAXLIST], *buf;
    int nr = cli_split(s, ';', rows, MAXLIST, &buf);
    size_t first = m->intercept ? 1 : 0, want = m->p - first;
    *x0 = nr > 0 ? calloc((size_t)nr * m->p, sizeof **x0) : NULL;
    if (nr < 0 || !*x0) {
        free(buf);
        return nr < 0 ? usage_error("--newmods: too many rows in '%s'", s) : EXIT_NUMERICAL;
    }
    for (int r = 0; r < nr; r++) {
        double *x = *x0 + (size_t)r * m->p;
        if (strchr(rows[r], '=')) {
            int rc = named_row(rows[r], m, nvs, x);
            if (rc != EXIT_OK) {
                free(buf);
                return rc;
            }
            continue;
        }
        char *vals[MAXLIST], *vb;
        int n = cli_split(rows[r], ',', vals, MAXLIST, &vb);
        if (first) x[0] = 1;
        int ok = n >= 0 && (size_t)n == want;
        for (int j = 0; ok && j < n; j++) {
            const char *t = vals[j];
            while (*t == ' ') t++;
            if (msum_parse_double(t, strlen(t), &x[first + (size_t)j]) != 1) ok = 0;
        }
        free(vb);
        if (!ok) {
            int rc = usage_error("--newmods: found '%s', expected %zu number%s (one per "
                                 "coefficient but the intercept, in the order of the metareg "
                                 "table) or NAME=VALUE for each moderator; rows separated by "
                                 "';'", rows[r], want, want == 1 ? "" : "s");
            free(buf);
            return rc;
        }
    }
    *nrows = (size_t)nr;
    free(buf);
    return EXIT_OK;
}

static int wanted(const opts *o, const char *name)
{
    return strcmp(o->table, "all") == 0 || strcmp(o->table, name) == 0;
}

/* compare --plot: the subgroup forest plot of `metasum pool --by`, drawn by the pool analysis
 * (its per-group fits, overall fit and test for subgroup differences) with this command's
 * settings, and written in the format of the file's extension. */
static int write_plot(const opts *o)
{
    char *by = analysis_list(o->by), *fav = o->favours ? strdup(o->favours) : NULL;
    if (fav) *strchr(fav, ',') = ';';
    analysis_spec spec = {.id = "", .title = "", .dataset = o->file, .kind = "pool",
                          .filter = o->filter ? o->filter : "", .by = by ? by : "",
                          .measure = o->measure_s ? o->measure_s : "",
                          .method = o->method_s ? o->method_s : "",
                          .test = o->test_s ? o->test_s : "", .mods = "", .formats = "",
                          .plots = "forest", .favours = fav ? fav : "", .manifest = CMD,
                          .columns = o->in.ro.columns ? o->in.ro.columns : ""};
    analysis_output out = {0};
    msum_diags *dg = msum_diags_new();
    /* the same rows were read and checked above: only a failure is worth a message */
    int st = by && dg && (fav || !o->favours) ? analysis_pool(&spec, o->file, &out, dg)
                                              : MSUM_ENOMEM;
    if (st == MSUM_OK && (out.nplots != 1 || !out.plots[0])) st = MSUM_ENOMEM;
    if (st == MSUM_OK) st = msum_render_file(out.plots[0], strlen(out.plots[0]), o->plot);
    else if (dg) cli_print_diags(stderr, dg);
    if (st != MSUM_OK) cli_error(CMD, "cannot write %s: %s", o->plot, msum_strerror(st));
    msum_result_free(&out);
    msum_diags_free(dg);
    free(by);
    free(fav);
    return st == MSUM_OK ? EXIT_OK : st == MSUM_EIO ? EXIT_IO : EXIT_NUMERICAL;
}

/* Set while a report analysis runs the subcommand: the tables go there, not to stdout. */
static analysis_output *capture;

int cmd_compare(int argc, char **argv)
{
    opts o;
    int rc = parse(argc, argv, &o);
    if (rc != EXIT_OK) goto out_opts;
    msum_diags *dg = msum_diags_new();
    msum_dataset *ds = NULL;
    effects e = {0};
    msum_subgroup_result sg = {0};
    msum_metareg_result mr = {0};
    enum { NTAB = 7 };
    msum_table *tabs[NTAB] = {0};
    char *pairbuf = NULL;
    long *lines = NULL;
    double *x0 = NULL;
    size_t nnew = 0;
    newvars nvs = {0};
    if (!dg) {
        rc = EXIT_NUMERICAL;
        goto out;
    }
    int st = msum_dataset_read_opts(o.file, o.filter, &o.in.ro, dg, &ds);
    if (st == MSUM_EIO || st == MSUM_ENOMEM) {
        rc = st == MSUM_EIO ? EXIT_IO : EXIT_NUMERICAL;
        goto out;
    }
    if (st != MSUM_OK || msum_diags_errors(dg)) {
        rc = EXIT_DATA;
        goto out;
    }
    if (o.by && msum_dataset_col(ds, o.by) < 0) {
        fprintf(stderr, "metasum " CMD ": --by %s: no such column in %s\n", o.by,
                msum_dataset_name(ds));
        rc = EXIT_USAGE;
        goto out;
    }
    if ((rc = collect(ds, &o, dg, &e)) != EXIT_OK) goto out;

    if (o.by) {
        st = msum_subgroup(e.yi, e.vi, e.group, e.k, o.by, &o.po, ref_level(&o, o.by), &sg);
        if (st != MSUM_OK) {
            cli_error(CMD, "%s", msum_strerror((msum_status)st));
            rc = st == MSUM_EINVAL ? EXIT_USAGE : EXIT_NUMERICAL;
            goto out;
        }
        if (ref_level(&o, o.by) && msum_subgroup_find(&sg, ref_level(&o, o.by)) < 0) {
            fprintf(stderr, "metasum " CMD ": --ref-level %s=%s: no such group\n", o.by,
                    ref_level(&o, o.by));
            rc = EXIT_USAGE;
            goto out;
        }
    }
    const msum_metareg_result *model = o.by && sg.me_status == MSUM_OK ? &sg.me : NULL;
    if (o.mods) {
        if ((rc = fit_mods(ds, &o, &e, dg, &mr, &lines, &nvs)) != EXIT_OK) goto out;
        model = &mr;
        if (o.newmods && (rc = parse_newmods(o.newmods, &mr, &nvs, &x0, &nnew)) != EXIT_OK)
            goto out;
    } else if (sg.me_status != MSUM_OK && (wanted(&o, "metareg") || wanted(&o, "model")) &&
               strcmp(o.table, "all") != 0) {
        msum_diags_add(dg, MSUM_DIAG_ERROR, msum_dataset_name(ds), 0, 0, o.by,
                       "meta-regression on the groups: %s", sg.me.message);
        rc = EXIT_DATA;
        goto out;
    }

    msum_compare_info info = {o.by, e.measure, o.po.level};
    char *pp[2 * MAXLIST] = {0};
    const char *pl[2 * MAXLIST] = {0};
    size_t np = 0;
    if (o.pairs) {
        char *parts[MAXLIST];
        int n = cli_split(o.pairs, ',', parts, MAXLIST, &pairbuf);
        for (int i = 0; i < n; i++) {
            char *c = strchr(parts[i], ':');
            if (!c || c == parts[i] || !c[1]) {
                rc = usage_error("--pairs: found '%s', expected A:B", parts[i]);
                goto out;
            }
            *c = '\0';
            pp[2 * np] = parts[i];
            pp[2 * np + 1] = c + 1;
            np++;
        }
        if (n < 0) {
            rc = usage_error("--pairs: too many pairs in '%s'", o.pairs);
            goto out;
        }
        for (size_t i = 0; i < 2 * np; i++) pl[i] = pp[i];
    }
    const char *bad = NULL;
    st = MSUM_OK;
    if (o.by && wanted(&o, "groups")) st = msum_compare_groups_table(&sg, &info, &tabs[0]);
    if (st == MSUM_OK && o.by && wanted(&o, "between"))
        st = msum_compare_between_table(&sg, &info, &tabs[1]);
    if (st == MSUM_OK && model && wanted(&o, "metareg"))
        st = msum_compare_metareg_table(model, &info, &tabs[2]);
    if (st == MSUM_OK && model && wanted(&o, "model"))
        st = msum_compare_model_table(model, &info, &tabs[3]);
    /* every pair of G groups is G(G-1)/2 rows: by default only for a readable number */
    int allpairs = !o.pairs && sg.G > MAX_DEFAULT_PAIRS;
    if (allpairs && wanted(&o, "pairs"))
        msum_diags_add(dg, MSUM_DIAG_WARNING, msum_dataset_name(ds), 0, 0, o.by,
                       "%zu groups: pairwise differences only for the pairs given with --pairs "
                       "(all pairs are listed up to %d groups)", sg.G, MAX_DEFAULT_PAIRS);
    if (st == MSUM_OK && o.by && wanted(&o, "pairs") && !allpairs)
        st = msum_compare_pairs_table(&sg, o.pairs ? pl : NULL, np, &info, &tabs[4], &bad);
    /* with --mods: per-row weights and hat values on request, predictions at --newmods */
    if (st == MSUM_OK && o.mods && strcmp(o.table, "studies") == 0)
        st = msum_compare_studies_table(&mr, lines, &info, &tabs[5]);
    if (st == MSUM_OK && o.mods && nnew && wanted(&o, "predict"))
        st = msum_compare_predict_table(&mr, x0, nnew, o.pi_type, &info, &tabs[6]);
    if (st == MSUM_EDATA && bad) {
        fprintf(stderr, "metasum " CMD ": --pairs: no group '%s' in column '%s'\n", bad, o.by);
        rc = EXIT_USAGE;
        goto out;
    }
    if (st != MSUM_OK) {
        cli_error(CMD, "%s", msum_strerror((msum_status)st));
        rc = EXIT_NUMERICAL;
        goto out;
    }
    const msum_table *out[NTAB];
    size_t nout = 0;
    for (int t = 0; t < NTAB; t++)
        if (tabs[t] && wanted(&o, msum_table_name(tabs[t]))) {
            if (capture) { /* a report analysis takes the tables instead */
                if (analysis_add_table(capture, tabs[t]) != MSUM_OK) rc = EXIT_NUMERICAL;
                tabs[t] = NULL;
            } else {
                out[nout++] = tabs[t];
            }
        }
    if (capture) goto out;
    msum_write_opts wo = MSUM_WRITE_OPTS_DEFAULT;
    wo.digits = o.digits >= 0 ? o.digits : o.fmt == MSUM_FMT_TEXT ? 4 : 7;
    wo.meta = o.meta;
    if (msum_write_tables(out, nout, o.fmt, stdout, &wo) != MSUM_OK) rc = EXIT_IO;
    if (rc == EXIT_OK && o.plot) rc = write_plot(&o);
out:
    if (dg && cli_print_diags(stderr, dg) && rc == EXIT_OK) rc = EXIT_DATA;
    for (int t = 0; t < NTAB; t++) msum_table_free(tabs[t]);
    free(pairbuf);
    free(lines);
    free(x0);
    newvars_free(&nvs);
    msum_metareg_result_free(&mr);
    msum_subgroup_result_free(&sg);
    effects_free(&e);
    msum_dataset_free(ds);
    msum_diags_free(dg);
out_opts:
    for (int i = 0; i < o.nref; i++) free(o.refbuf[i]);
    return rc;
}

/* As a report analysis: the subcommand with the manifest's settings, its tables captured. */
int analysis_compare(const analysis_spec *spec, const char *path, analysis_output *out,
                     msum_diags *diags)
{
    char *by = analysis_list(spec->by), *mods = analysis_list(spec->mods);
    char *argv[18];
    int argc = 0;
    argv[argc++] = "compare";
    argv[argc++] = (char *)path;
    if (*spec->by) argv[argc++] = "--by", argv[argc++] = by;
    if (*spec->mods) argv[argc++] = "--mods", argv[argc++] = mods;
    if (*spec->measure) argv[argc++] = "--measure", argv[argc++] = (char *)spec->measure;
    if (*spec->method) argv[argc++] = "--method", argv[argc++] = (char *)spec->method;
    if (*spec->test) argv[argc++] = "--test", argv[argc++] = (char *)spec->test;
    if (*spec->filter) argv[argc++] = "--filter", argv[argc++] = (char *)spec->filter;
    if (spec->columns && *spec->columns)
        argv[argc++] = "--col", argv[argc++] = (char *)spec->columns;
    argv[argc] = NULL;
    capture = out;
    int rc = by && mods ? cmd_compare(argc, argv) : EXIT_NUMERICAL;
    capture = NULL;
    free(by);
    free(mods);
    if (rc != EXIT_OK)
        msum_diags_add(diags, MSUM_DIAG_ERROR, spec->manifest, spec->line, 0, NULL,
                       "compare on %s failed (exit %d; messages above)", spec->dataset, rc);
    return analysis_status(rc);
}
