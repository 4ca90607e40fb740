/* Whole-file validation, streamed: each row is typed and checked as it is read (the row checks
 * the analyses run, then dictionary keys, words, provenance), and only what the whole-file
 * checks need is kept -- the ids seen (unique ids) and a count per source x outcome group (the
 * k = 1 warning) -- so memory grows with the ids' text, not with the rows.
 */
#include "metasum/validate.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "metasum/checks.h"
#include "metasum/dataset.h"
#include "metasum/dict.h"
#include "metasum/metasum.h"
#include "metasum/provenance.h"

/* The dictionary file `base` beside path (NULL when path is stdin or the file does not exist);
 * malloc'd. */
static char *beside(const char *path, const char *base)
{
    if (strcmp(path, "-") == 0) return NULL;
    const char *slash = strrchr(path, '/');
    size_t dir = slash ? (size_t)(slash - path) + 1 : 0;
    char *p = malloc(dir + strlen(base) + 1);
    if (!p) return NULL;
    memcpy(p, path, dir);
    strcpy(p + dir, base);
    if (access(p, F_OK) != 0) {
        free(p);
        return NULL;
    }
    return p;
}

typedef struct {
    const char *col;      /* effect-file column holding the key */
    const char *file;     /* default file name beside the effect file */
    int required;         /* the column must exist and be filled when the dictionary exists */
    msum_dict *dict;
    int c;                /* its column in the effect file, -1 */
} dict_use;

/* ---- a set of strings with a line each (ids; source x outcome groups) ------------------- */

typedef struct {
    size_t off; /* key text in the arena; SIZE_MAX = empty slot */
    long line;  /* 0 for a new key; ids: the first line; groups: the line of their one row, or
                   -1 once a second row has come (only k = 1 groups are reported) */
} slot;

typedef struct {
    slot *s;
    size_t nslot, n;
    char *arena;
    size_t alen, acap;
} strmap;

static uint64_t hash_str(const char *p, size_t n)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)p[i]) * 1099511628211ULL;
    h ^= h >> 32; /* the table uses the low bits: fold the high ones in */
    h *= 0xd6e8feb86659fd93ULL;
    return h ^ (h >> 32);
}

static void strmap_free(strmap *m)
{
    free(m->s);
    free(m->arena);
}

static int strmap_grow(strmap *m)
{
    size_t n = m->nslot ? 2 * m->nslot : 1024;
    slot *s = malloc(n * sizeof *s);
    if (!s) return MSUM_ENOMEM;
    for (size_t i = 0; i < n; i++) s[i].off = SIZE_MAX;
    for (size_t i = 0; i < m->nslot; i++) {
        if (m->s[i].off == SIZE_MAX) continue;
        const char *k = m->arena + m->s[i].off;
        size_t j = hash_str(k, strlen(k)) & (n - 1);
        while (s[j].off != SIZE_MAX) j = (j + 1) & (n - 1);
        s[j] = m->s[i];
    }
    free(m->s);
    m->s = s;
    m->nslot = n;
    return MSUM_OK;
}

/* The slot of key (added with count 0 when new); NULL when out of memory. */
static slot *strmap_get(strmap *m, const char *key, size_t len)
{
    if (4 * (m->n + 1) > 3 * m->nslot && strmap_grow(m) != MSUM_OK) return NULL; /* load <= 3/4 */
    size_t j = hash_str(key, len) & (m->nslot - 1);
    while (m->s[j].off != SIZE_MAX) {
        const char *k = m->arena + m->s[j].off;
        if (strncmp(k, key, len) == 0 && k[len] == '\0') return &m->s[j];
        j = (j + 1) & (m->nslot - 1);
    }
    if (m->alen + len + 1 > m->acap) {
        size_t cap = m->acap ? m->acap : 1 << 16;
        while (cap < m->alen + len + 1) cap *= 2;
        char *a = realloc(m->arena, cap);
        if (!a) return NULL;
        m->arena = a;
        m->acap = cap;
    }
    memcpy(m->arena + m->alen, key, len);
    m->arena[m->alen + len] = '\0';
    m->s[j].off = m->alen;
    m->s[j].line = 0;
    m->alen += len + 1;
    m->n++;
    return &m->s[j];
}

/* ---- one row ----------------------------------------------------------------------------- */

/* Fields whose numbers must appear in the quote: every reported number except the sampling
 * variance and the sample sizes (usually stated in methods and legends, not beside the result). */
static int quoted_field(int f)
{
    return f != MSUM_F_VI && f != MSUM_F_N1I && f != MSUM_F_N2I && f != MSUM_F_NI;
}

/* Everything validate needs while the rows stream past. */
typedef struct {
    const char *name;
    const msum_validate_opts *o;
    msum_diags *dg;
    const msum_typer *t;
    msum_dups *dups;
    dict_use *uses;
    int c_id, c_quote, c_input, c_source, c_outcome, c_effect_of, c_words[2];
    int c_rank, c_series[5]; /* magnitude_rank; ref, preparation, model, exposure, time_unit */
    int c_field[MSUM_F_COUNT_];
    strmap ids, groups, ranked;
    char *gkey;
    size_t gcap;
    /* repeated ids, reported after the duplicate check unless the row is a copy */
    struct id_again {
        long line, col, first, row_line;
        size_t off; /* the id in ids.arena */
    } *again;
    size_t nagain, capagain;
} vstate;

static int hcol(const msum_row *h, const char *name)
{
    for (size_t j = 0; j < h->n; j++)
        if (strcmp(h->cell[j], name) == 0) return (int)j;
    return -1;
}

static const char *cell(const msum_row *row, int c)
{
    return (c >= 0 && (size_t)c < row->n) ? row->cell[c] : "";
}

/* Position of a cell; a cell past the end of a short row (or no column) is the row's line. */
static void pos(const msum_row *row, int c, long *line, long *col)
{
    if (c >= 0 && (size_t)c < row->n) {
        *line = row->line[c];
        *col = row->col[c];
    } else {
        *line = row->row_line;
        *col = 0;
    }
}

/* A repeated id waits for msum_dups_finish(): a row reported as a copy of an earlier one does
 * not have its id reported again (id_again_report). */
static int check_id(vstate *v, const msum_row *row)
{
    if (v->c_id < 0) return MSUM_OK;
    const char *id = cell(row, v->c_id);
    long line, col;
    pos(row, v->c_id, &line, &col);
    if (!*id) {
        msum_diags_add(v->dg, MSUM_DIAG_ERROR, v->name, line, col, "id",
                       "found '', expected a unique row identifier");
        return MSUM_OK;
    }
    slot *s = strmap_get(&v->ids, id, strlen(id));
    if (!s) return MSUM_ENOMEM;
    if (s->line == 0) s->line = row->row_line;
    else if (v->dups) {
        if (v->nagain == v->capagain) {
            size_t cap = v->capagain ? 2 * v->capagain : 16;
            struct id_again *a = realloc(v->again, cap * sizeof *a);
            if (!a) return MSUM_ENOMEM;
            v->again = a;
            v->capagain = cap;
        }
        v->again[v->nagain++] = (struct id_again){line, col, s->line, row->row_line, s->off};
    } else
        msum_diags_add(v->dg, MSUM_DIAG_ERROR, v->name, line, col, "id",
                       "found '%s' again, expected unique ids (first on line %ld)", id, s->line);
    return MSUM_OK;
}

/* After the last row: the duplicated effects, then the repeated ids of rows that are not
 * copies. */
static int id_again_report(vstate *v)
{
    int rc = msum_dups_finish(v->dups, v->dg);
    for (size_t i = 0; rc == MSUM_OK && i < v->nagain; i++) {
        const struct id_again *a = &v->again[i];
        if (!msum_dups_is_copy(v->dups, a->row_line))
            msum_diags_add(v->dg, MSUM_DIAG_ERROR, v->name, a->line, a->col, "id",
                           "found '%s' again, expected unique ids (first on line %ld)",
                           v->ids.arena + a->off, a->first);
    }
    return rc;
}

static void check_keys(vstate *v, const msum_row *row, const dict_use *u)
{
    if (u->c < 0) return;
    const char *k = cell(row, u->c);
    long line, col;
    pos(row, u->c, &line, &col);
    if (!*k) {
        if (u->required)
            msum_diags_add(v->dg, MSUM_DIAG_ERROR, v->name, line, col, u->col,
                           "found '', expected a key of %s", msum_dict_name(u->dict));
        return;
    }
    if (msum_dict_find(u->dict, k) < 0)
        msum_diags_add(v->dg, MSUM_DIAG_ERROR, v->name, line, col, u->col,
                       "found '%s', expected a key of %s", k, msum_dict_name(u->dict));
}

/* Text of a cell for a message: at most ~60 bytes, cut on a character boundary. */
static const char *shorten(const char *s, char *buf, size_t size)
{
    size_t n = strlen(s);
    if (n < 64 && n < size) return s;
    size_t cut = 60 < size - 4 ? 60 : size - 4;
    while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80) cut--;
    memcpy(buf, s, cut);
    strcpy(buf + cut, "...");
    return buf;
}

static int check_provenance(vstate *v, const msum_row *row, const msum_record *rec)
{
    if (v->c_quote < 0) return MSUM_OK;
    const char *q = cell(row, v->c_quote);
    if (!*q) return MSUM_OK;
    char buf[96];
    for (int f = 0; f < MSUM_F_COUNT_; f++) {
        if (isnan(rec->x[f]) || !quoted_field(f)) continue;
        int has = msum_text_has_number(q, rec->x[f]);
        if (has < 0) return MSUM_ENOMEM;
        if (has) continue;
        int c = v->c_field[f];
        long line, col;
        pos(row, c, &line, &col);
        double nums[8];
        size_t k = msum_text_numbers(q, nums, 8);
        char list[128] = "";
        for (size_t i = 0; i < k && i < 8; i++) {
            size_t l = strlen(list);
            snprintf(list + l, sizeof list - l, "%s%g", i ? ", " : "", nums[i]);
        }
        if (k > 8) strncat(list, ", ...", sizeof list - strlen(list) - 1);
        msum_diags_add(v->dg, MSUM_DIAG_ERROR, v->name, line, col,
                       msum_field_name((msum_field)f),
                       "found '%s', expected a number stated in the quote (%s%s)", cell(row, c),
                       k ? "it states " : "it states no number", list);
    }
    if (v->o->norm_source) {
        int in = msum_quote_in_source(q, v->o->norm_source);
        if (in < 0) return MSUM_ENOMEM;
        if (!in) {
            long line, col;
            pos(row, v->c_quote, &line, &col);
            msum_diags_add(v->dg, MSUM_DIAG_ERROR, v->name, line, col, "quote",
                           "found '%s', expected a verbatim span of the source text (compared "
                           "without white space, full-width forms folded)",
                           shorten(q, buf, sizeof buf));
        }
    }
    return MSUM_OK;
}

static const struct {
    const char *col;
    const char *const words[8];
    const char *expected;
} known_words[2] = {
    {"effect_of", {"treatment", "exposure"}, "treatment or exposure"},
    {"time_unit", {"min", "h", "day", "week", "month", "year", "passage"},
     "one of min, h, day, week, month, year, passage"},
};

static void check_words(vstate *v, const msum_row *row)
{
    for (size_t i = 0; i < 2; i++) {
        int c = v->c_words[i];
        if (c < 0) continue;
        const char *s = cell(row, c);
        if (!*s) continue;
        int ok = 0;
        for (size_t k = 0; k < 8 && known_words[i].words[k]; k++)
            ok |= strcmp(s, known_words[i].words[k]) == 0;
        if (!ok) {
            long line, col;
            pos(row, c, &line, &col);
            msum_diags_add(v->dg, MSUM_DIAG_ERROR, v->name, line, col, known_words[i].col,
                           "found '%s', expected %s", s, known_words[i].expected);
        }
    }
}

static int numeric(const msum_record *r)
{
    return r->input != MSUM_INPUT_NONE && r->input != MSUM_INPUT_DIRECTION;
}

/* Direction-only rows warn at once; source x outcome groups count their numeric effects (rows
 * of the insult alone, effect_of = exposure, left out) for the k = 1 warning at the end. */
static int count_row(vstate *v, const msum_row *row, const msum_record *rec)
{
    if (rec->input == MSUM_INPUT_DIRECTION) {
        long line, col;
        pos(row, v->c_input, &line, &col);
        msum_diags_add(v->dg, MSUM_DIAG_WARNING, v->name, line, col,
                       v->c_input >= 0 ? "input" : NULL,
                       "direction-only row: counted in vote counts and the evidence map, "
                       "not pooled");
    }
    if (v->c_source < 0 || v->c_outcome < 0 || !numeric(rec)) return MSUM_OK;
    if (v->c_effect_of >= 0 && strcmp(cell(row, v->c_effect_of), "exposure") == 0)
        return MSUM_OK;
    const char *s = cell(row, v->c_source), *o = cell(row, v->c_outcome);
    if (!*s || !*o) return MSUM_OK;
    size_t ls = strlen(s), lo = strlen(o), n = ls + lo + 1;
    if (n + 1 > v->gcap) {
        char *k = realloc(v->gkey, 2 * n + 64);
        if (!k) return MSUM_ENOMEM;
        v->gkey = k;
        v->gcap = 2 * n + 64;
    }
    memcpy(v->gkey, s, ls);
    v->gkey[ls] = '\x1f';
    memcpy(v->gkey + ls + 1, o, lo);
    slot *g = strmap_get(&v->groups, v->gkey, n);
    if (!g) return MSUM_ENOMEM;
    g->line = g->line == 0 ? row->row_line : -1;
    return MSUM_OK;
}

static void group_warnings(vstate *v)
{
    for (size_t i = 0; i < v->groups.nslot; i++) {
        const slot *g = &v->groups.s[i];
        if (g->off == SIZE_MAX || g->line <= 0) continue;
        const char *k = v->groups.arena + g->off, *sep = strchr(k, '\x1f');
        msum_diags_add(v->dg, MSUM_DIAG_WARNING, v->name, g->line, 0, NULL,
                       "source '%.*s' x outcome '%s' has k = 1 numeric effect: nothing to "
                       "pool or compare", (int)(sep - k), k, sep + 1);
    }
}

/* magnitude_rank orders the rows of one time course by the size of their effect (1 = the
 * largest): a whole number from 1, on a row with a time point; the rows of one series (ref,
 * source, preparation, model, exposure, outcome, time unit) are counted so that a series with
 * a single ranked row, which orders nothing, is reported at the end. */
static int check_rank(vstate *v, const msum_row *row)
{
    const char *s = cell(row, v->c_rank);
    if (v->c_rank < 0 || !*s || strcmp(s, "NA") == 0) return MSUM_OK;
    long line, col;
    pos(row, v->c_rank, &line, &col);
    double r;
    if (msum_parse_double(s, strlen(s), &r) != 1 || r < 1 || r != floor(r) || r > 1e6) {
        msum_diags_add(v->dg, MSUM_DIAG_ERROR, v->name, line, col, "magnitude_rank",
                       "found '%s', expected a whole number from 1 (the largest effect of its "
                       "time course)", s);
        return MSUM_OK;
    }
    int ct = v->c_field[MSUM_F_TIME];
    if (ct < 0 || !*cell(row, ct) || strcmp(cell(row, ct), "NA") == 0) {
        msum_diags_add(v->dg, MSUM_DIAG_ERROR, v->name, line, col, "magnitude_rank",
                       "found a rank on a row without a time, expected a time point (the rank "
                       "orders the time points of one time course)");
        return MSUM_OK;
    }
    const int cs[] = {v->c_series[0], v->c_source, v->c_series[1], v->c_series[2],
                      v->c_series[3], v->c_outcome, v->c_series[4]};
    size_t n = 0;
    for (size_t i = 0; i < sizeof cs / sizeof cs[0]; i++) n += strlen(cell(row, cs[i])) + 1;
    if (n + 1 > v->gcap) {
        char *k = realloc(v->gkey, 2 * n + 64);
        if (!k) return MSUM_ENOMEM;
        v->gkey = k;
        v->gcap = 2 * n + 64;
    }
    size_t len = 0;
    for (size_t i = 0; i < sizeof cs / sizeof cs[0]; i++) {
        size_t l = strlen(cell(row, cs[i]));
        memcpy(v->gkey + len, cell(row, cs[i]), l);
        len += l;
        v->gkey[len++] = '\x1f';
    }
    slot *g = strmap_get(&v->ranked, v->gkey, len);
    if (!g) return MSUM_ENOMEM;
    g->line = g->line == 0 ? row->row_line : -1;
    return MSUM_OK;
}

static void rank_errors(vstate *v)
{
    for (size_t i = 0; i < v->ranked.nslot; i++) {
        const slot *g = &v->ranked.s[i];
        if (g->off == SIZE_MAX || g->line <= 0) continue;
        msum_diags_add(v->dg, MSUM_DIAG_ERROR, v->name, g->line, 0, "magnitude_rank",
                       "found 1 ranked row in its time course, expected 2 or more (rows of the "
                       "same ref, source, preparation, model, exposure, outcome and time_unit)");
    }
}

/* The measure validate computes a row's effect on: --measure for the forms that can give it,
 * the form's own otherwise (NONE for continuous, median_iqr and counts without --measure). */
static msum_measure measure_for(msum_measure m, msum_input in)
{
    int means = m == MSUM_MEASURE_MD || m == MSUM_MEASURE_SMD || m == MSUM_MEASURE_ROM;
    int tables = m == MSUM_MEASURE_RR || m == MSUM_MEASURE_OR || m == MSUM_MEASURE_RD;
    if ((in == MSUM_INPUT_CONTINUOUS || in == MSUM_INPUT_MEDIAN) && means) return m;
    if (in == MSUM_INPUT_COUNTS && tables) return m;
    return MSUM_MEASURE_NONE;
}

static int check_row(vstate *v, const msum_row *row)
{
    msum_record rec;
    msum_record_clear(&rec);
    if (v->t && msum_typer_row(v->t, row, &rec, v->dg) == 0 && rec.input != MSUM_INPUT_NONE) {
        msum_effect e;
        msum_escalc_opts eo = MSUM_ESCALC_OPTS_DEFAULT;
        msum_typer_effect(v->t, row, &rec, measure_for(v->o->measure, rec.input), &eo, &e,
                          v->dg);
        if (msum_dups_row(v->dups, row, &rec) != MSUM_OK) return MSUM_ENOMEM;
    }
    int rc = check_id(v, row);
    for (size_t i = 0; i < 4; i++)
        if (v->uses[i].dict) check_keys(v, row, &v->uses[i]);
    check_words(v, row);
    if (rc == MSUM_OK) rc = check_provenance(v, row, &rec);
    if (rc == MSUM_OK) rc = count_row(v, row, &rec);
    if (rc == MSUM_OK) rc = check_rank(v, row);
    return rc;
}

/* ---- the file ---------------------------------------------------------------------------- */

/* Header-level problems: the id column and the dictionaries' key columns. */
static void check_header(vstate *v, const msum_row *h)
{
    if (v->c_id < 0)
        msum_diags_add(v->dg, MSUM_DIAG_ERROR, v->name, 1, 0, "id",
                       "missing required column (found none in the header, expected a unique "
                       "identifier per row: validate checks the curated format of "
                       "datasets/README.md; pool, effects and compare read files without ids)");
    for (size_t i = 0; i < 4; i++) {
        dict_use *u = &v->uses[i];
        if (!u->dict) continue;
        u->c = hcol(h, u->col);
        if (u->c < 0 && u->required)
            msum_diags_add(v->dg, MSUM_DIAG_ERROR, v->name, 1, 0, u->col,
                           "found no such column, expected a missing required column '%s' "
                           "(keys into %s)", u->col, msum_dict_name(u->dict));
    }
}

static int read_dicts(const char *path, const msum_validate_opts *o, dict_use *uses,
                      msum_diags *dg)
{
    const char *given[] = {o->refs, o->outcomes, o->sources, o->preparations};
    int rc = MSUM_OK;
    for (size_t i = 0; i < 4; i++) {
        char *p = given[i] ? NULL : beside(path, uses[i].file);
        const char *file = given[i] ? given[i] : p;
        if (file) {
            int drc = msum_dict_read(file, uses[i].col, dg, &uses[i].dict);
            if (drc == MSUM_EIO || drc == MSUM_ENOMEM) rc = drc;
        }
        free(p);
    }
    return rc;
}

int msum_validate_file(const char *path, const msum_validate_opts *o, msum_diags *dg,
                       size_t *nrows)
{
    msum_validate_opts def = MSUM_VALIDATE_OPTS_DEFAULT;
    if (!o) o = &def;
    if (nrows) *nrows = 0;
    dict_use uses[] = {
        {"ref", "references.csv", 1, NULL, -1},
        {"outcome", "outcomes.csv", 1, NULL, -1},
        {"source", "sources.csv", 0, NULL, -1},
        {"preparation", "preparations.csv", 0, NULL, -1},
    };
    msum_reader *rd = NULL;
    /* a user's file (delimiter, decimal mark, sheet, column mapping) or the curated format */
    int rc = o->read ? msum_reader_open_opts(path, NULL, o->read, dg, &rd)
                     : msum_reader_open(path, NULL, dg, &rd);
    if (rc != MSUM_OK) return rc;
    vstate v;
    memset(&v, 0, sizeof v);
    v.name = msum_reader_name(rd);
    v.o = o;
    v.dg = dg;
    v.uses = uses;
    msum_typer *t = NULL;
    size_t n = 0;
    int got = 1, fatal = 0;
    msum_row row;
    const msum_row *h = msum_reader_header(rd);
    if (h->n > 0) {
        rc = o->read ? msum_typer_from_reader(rd, o->read, dg, &t)
                     : msum_typer_new(h, v.name, dg, &t);
        if (rc == MSUM_ENOMEM || (t && (rc = msum_dups_new(t, &v.dups)) != MSUM_OK)) goto done;
        rc = MSUM_OK; /* an unusable header is reported; the rows are still checked as text */
    }
    v.t = t;
    if ((rc = read_dicts(path, o, uses, dg)) != MSUM_OK) goto done;
    if (h->n == 0 && (got = msum_reader_next(rd, &row)) == 0) /* < 0: a reported CSV defect */
        msum_diags_add(dg, MSUM_DIAG_ERROR, v.name, 1, 0, NULL,
                       "found an empty file, expected a header row");
    v.c_id = hcol(h, "id");
    v.c_quote = hcol(h, "quote");
    v.c_input = hcol(h, "input");
    v.c_source = hcol(h, "source");
    v.c_outcome = hcol(h, "outcome");
    v.c_effect_of = hcol(h, "effect_of");
    for (size_t i = 0; i < 2; i++) v.c_words[i] = hcol(h, known_words[i].col);
    v.c_rank = hcol(h, "magnitude_rank");
    static const char *const series[] = {"ref", "preparation", "model", "exposure", "time_unit"};
    for (size_t i = 0; i < 5; i++) v.c_series[i] = hcol(h, series[i]);
    for (int f = 0; f < MSUM_F_COUNT_; f++) v.c_field[f] = hcol(h, msum_field_name((msum_field)f));
    check_header(&v, h);
    while (got == 1 && (got = msum_reader_next(rd, &row)) == 1) {
        n++;
        if ((rc = check_row(&v, &row)) != MSUM_OK) goto done;
    }
    fatal = got < 0;
    if (got < 0 && (-got == MSUM_ENOMEM || -got == MSUM_EIO)) {
        rc = -got;
        goto done;
    }
    if ((rc = id_again_report(&v)) != MSUM_OK) goto done;
    if (h->n > 0 && !fatal) msum_check_has_rows(v.name, n, NULL, dg);
    group_warnings(&v);
    rank_errors(&v);
done:
    if (nrows) *nrows = n;
    for (size_t i = 0; i < 4; i++) msum_dict_free(uses[i].dict);
    strmap_free(&v.ids);
    strmap_free(&v.groups);
    strmap_free(&v.ranked);
    free(v.gkey);
    free(v.again);
    msum_dups_free(v.dups);
    msum_typer_free(t);
    msum_reader_free(rd);
    return rc;
}
