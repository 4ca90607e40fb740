/* The row typer (header mapped once, then strict typing of each row with positions in every
 * diagnostic) and whole-file datasets built on the streaming reader.
 * Format: datasets/README.md.
 */
#include "metasum/dataset.h"

#include <math.h>
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "metasum/checks.h"
#include "metasum/metasum.h"
#include "../core/strindex.h"

/* ---- typer ------------------------------------------------------------------------------ */

/* Roles a column can take: the numeric fields (MSUM_F_*), then text columns. */
enum { R_INPUT = MSUM_F_COUNT_, R_MEASURE, R_DIRECTION, R_STUDY, R_AUTHOR, R_YEAR, R_ID, R_COUNT };

struct msum_typer {
    char *name;
    size_t ncols;
    char **colname;
    msum_strix *byname; /* colname in name order: lookups are O(log n) */
    int col_of[MSUM_F_COUNT_]; /* column of each numeric field, -1 */
    int nmapped;
    unsigned long long present; /* bit per mapped field */
    msum_record blank;          /* a cleared record, copied at the start of every row */
    int mfield[MSUM_F_COUNT_], mcol[MSUM_F_COUNT_];
    int c_input, c_measure, c_direction;
    msum_input inferred;
    int c_role[R_COUNT];  /* column of each role (numeric fields, then the text roles), -1 */
    char decimal;         /* '.' or ',' (the reader's) */
    int dec_detected;     /* ',' implied by a detected ';' delimiter */
    msum_missing missing;
    char *taken;          /* "role=Header;..." for columns not named as their role */
};

static const char *const text_roles[] = {"input", "measure", "direction", "study", "author",
                                         "year", "id"};

static const char *role_name(int role)
{
    return role < MSUM_F_COUNT_ ? msum_field_name((msum_field)role)
                                : text_roles[role - MSUM_F_COUNT_];
}

/* A role by its name (any case), or -1. */
static int role_lookup(const char *name, size_t len)
{
    for (int r = 0; r < R_COUNT; r++) {
        const char *rn = role_name(r);
        if (strlen(rn) == len && strncasecmp(rn, name, len) == 0) return r;
    }
    return -1;
}

/* Aliases (docs/columns.md): whole names, and per-arm stems with arm words before or after. */
static const struct {
    const char *alias;
    int role;
} aliases[] = {
    {"studyname", R_STUDY},   {"studylabel", R_STUDY},   {"authors", R_AUTHOR},
    {"firstauthor", R_AUTHOR},
    {"pubyear", R_YEAR},      {"publicationyear", R_YEAR},
    {"effect", MSUM_F_YI},    {"effectsize", MSUM_F_YI}, {"es", MSUM_F_YI},
    {"variance", MSUM_F_VI},  {"var", MSUM_F_VI},        {"se", MSUM_F_SEI},
    {"stderr", MSUM_F_SEI},   {"standarderror", MSUM_F_SEI},
    {"cilower", MSUM_F_CI_LB}, {"lowerci", MSUM_F_CI_LB}, {"lower", MSUM_F_CI_LB},
    {"ciupper", MSUM_F_CI_UB}, {"upperci", MSUM_F_CI_UB}, {"upper", MSUM_F_CI_UB},
    {"pvalue", MSUM_F_PVAL},  {"p", MSUM_F_PVAL},
    {"correlation", MSUM_F_RI},
};

static const struct {
    const char *stem;
    int role1, role2;
} arm_stems[] = {
    {"mean", MSUM_F_M1I, MSUM_F_M2I},     {"m", MSUM_F_M1I, MSUM_F_M2I},
    {"sd", MSUM_F_SD1I, MSUM_F_SD2I},     {"stddev", MSUM_F_SD1I, MSUM_F_SD2I},
    {"std", MSUM_F_SD1I, MSUM_F_SD2I},    {"standarddeviation", MSUM_F_SD1I, MSUM_F_SD2I},
    {"sem", MSUM_F_SEM1I, MSUM_F_SEM2I},  {"n", MSUM_F_N1I, MSUM_F_N2I},
    {"total", MSUM_F_N1I, MSUM_F_N2I},    {"samplesize", MSUM_F_N1I, MSUM_F_N2I},
    {"events", MSUM_F_AI, MSUM_F_CI},
    {"event", MSUM_F_AI, MSUM_F_CI},      {"median", MSUM_F_MED1I, MSUM_F_MED2I},
};

static const char *const arm1_words[] = {"t", "1", "treatment", "treated", "trt", "tx",
                                         "exp", "experimental", "e", "intervention", "int"};
static const char *const arm2_words[] = {"c", "2", "control", "ctrl", "ctl", "placebo",
                                         "comparator", "comp"};

#define NELEM(a) (sizeof(a) / sizeof *(a))

static int is_arm_or_stem(const char *w)
{
    for (size_t i = 0; i < NELEM(arm1_words); i++)
        if (strcmp(w, arm1_words[i]) == 0) return 1;
    for (size_t i = 0; i < NELEM(arm2_words); i++)
        if (strcmp(w, arm2_words[i]) == 0) return 1;
    for (size_t i = 0; i < NELEM(arm_stems); i++)
        if (strcmp(w, arm_stems[i].stem) == 0) return 1;
    return 0;
}

/* A header name reduced for alias matching: lower case, without ' ', '_', '.', '-', '\'', and
 * without a part in parentheses or brackets that names no arm or stem: a unit or a note
 * ("Mean (mg/dL) treated" is "meantreated", "SD (control)" is "sdcontrol", but "Mean (SD)"
 * stays "meansd": one cell holding both is not a mean). */
static void squeeze(const char *s, char *out, size_t size)
{
    size_t j = 0;
    for (; *s && j + 1 < size; s++) {
        if (*s == '(' || *s == '[') {
            const char *e = strchr(s + 1, *s == '(' ? ')' : ']');
            if (e) {
                char in[64];
                size_t k = 0;
                for (const char *q = s + 1; q < e && k + 1 < sizeof in; q++)
                    if (!strchr(" _.-'", *q)) in[k++] = (char)tolower((unsigned char)*q);
                in[k] = '\0';
                if (!is_arm_or_stem(in)) s = e; /* dropped, brackets and all */
                continue;
            }
        }
        if (!strchr(" _.-'()[]", *s)) out[j++] = (char)tolower((unsigned char)*s);
    }
    out[j] = '\0';
}

/* The role an alias names, or -1. */
/* s == a followed by b, without building the concatenation (called per column and alias). */
static int concat_eq(const char *s, const char *a, const char *b)
{
    size_t la = strlen(a);
    return strncmp(s, a, la) == 0 && strcmp(s + la, b) == 0;
}

static int alias_role(const char *header)
{
    char sq[64];
    squeeze(header, sq, sizeof sq);
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (strcmp(sq, aliases[i].alias) == 0) return aliases[i].role;
    for (size_t i = 0; i < sizeof arm_stems / sizeof arm_stems[0]; i++)
        for (int arm = 1; arm <= 2; arm++) {
            const char *const *w = arm == 1 ? arm1_words : arm2_words;
            size_t nw = arm == 1 ? sizeof arm1_words / sizeof *arm1_words
                                 : sizeof arm2_words / sizeof *arm2_words;
            for (size_t j = 0; j < nw; j++) {
                int role = arm == 1 ? arm_stems[i].role1 : arm_stems[i].role2;
                if (concat_eq(sq, arm_stems[i].stem, w[j]) ||
                    concat_eq(sq, w[j], arm_stems[i].stem))
                    return role;
            }
        }
    return -1;
}

/* A --col suggestion for a column no rule maps: "mean"/"sd"/"n"/"event" with an arm word
 * anywhere in the name ("MeanTreat" -> m1i).  Never applied, only shown.  -1: none. */
static int suggest_role(const char *header)
{
    char sq[64];
    squeeze(header, sq, sizeof sq);
    /* names of effect sizes on their analysis scale (a ratio such as 'OR' is not: its log is) */
    static const char *const effects[] = {"g", "d", "smd", "hedgesg", "cohensd", "cohend",
                                          "md", "logor", "lnor", "logrr", "lnrr", "loghr",
                                          "lnhr", "zr", "fisherz"};
    for (size_t i = 0; i < NELEM(effects); i++)
        if (strcmp(sq, effects[i]) == 0) return MSUM_F_YI;
    static const struct {
        const char *part;
        int role1, role2;
    } parts[] = {
        {"mean", MSUM_F_M1I, MSUM_F_M2I}, {"avg", MSUM_F_M1I, MSUM_F_M2I},
        {"sd", MSUM_F_SD1I, MSUM_F_SD2I}, {"std", MSUM_F_SD1I, MSUM_F_SD2I},
        {"event", MSUM_F_AI, MSUM_F_CI},  {"case", MSUM_F_AI, MSUM_F_CI},
        {"total", MSUM_F_N1I, MSUM_F_N2I}, {"size", MSUM_F_N1I, MSUM_F_N2I},
        {"n", MSUM_F_N1I, MSUM_F_N2I},
    };
    static const char *const a1[] = {"treat", "exp", "interv", "active", "trt", "tx", "1"};
    static const char *const a2[] = {"control", "ctrl", "ctl", "placebo", "compar", "usual",
                                     "2"};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        size_t pl = strlen(parts[i].part);
        /* "n" only as the first letter: "nTreat", not any word with an n */
        if (pl == 1 ? sq[0] != 'n' : !strstr(sq, parts[i].part)) continue;
        const char *rest = pl == 1 ? sq + 1 : sq;
        for (size_t j = 0; j < sizeof a1 / sizeof *a1; j++)
            if (strstr(rest, a1[j])) return parts[i].role1;
        for (size_t j = 0; j < sizeof a2 / sizeof *a2; j++)
            if (strstr(rest, a2[j])) return parts[i].role2;
    }
    return -1;
}

/* Append "role=Header" to t->taken. */
static int note_taken(msum_typer *t, int role, const char *header)
{
    size_t old = t->taken ? strlen(t->taken) : 0;
    size_t add = strlen(role_name(role)) + strlen(header) + 3;
    char *p = realloc(t->taken, old + add);
    if (!p) return -1;
    snprintf(p + old, add, "%s%s=%s", old ? ";" : "", role_name(role), header);
    t->taken = p;
    return 0;
}

/* A header name without the spaces around it ("study, yi, vi" typed by hand). */
static const char *trimmed(const char *s, size_t n, size_t *len)
{
    while (n && (*s == ' ' || *s == '\t')) s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
    *len = n;
    return s;
}

/* Give every role its column: first the --col mapping, then names equal to a role (any case),
 * then aliases, each for roles still free and columns still unused (the first such column
 * wins).  A mapping that names no column, or no role, is an error. */
static int assign_roles(msum_typer *t, const msum_row *h, const char *columns,
                        const char *const *dup, msum_diags *diags)
{
    int bad = 0;
    int *used = calloc(h->n ? h->n : 1, sizeof *used);
    if (!used) return MSUM_ENOMEM;
    for (int r = 0; r < R_COUNT; r++) t->c_role[r] = -1;
    for (const char *p = columns ? columns : ""; *p;) {
        const char *end = strchr(p, ';');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        const char *eq = memchr(p, '=', len);
        int role = eq ? role_lookup(p, (size_t)(eq - p)) : -1;
        int col = -1;
        size_t wl = 0;
        const char *want = eq ? trimmed(eq + 1, len - (size_t)(eq + 1 - p), &wl) : NULL;
        for (size_t c = 0; eq && c < h->n; c++) {
            size_t hl;
            const char *hn = trimmed(h->cell[c], h->len[c], &hl);
            if (!dup[c] && hl == wl && strncasecmp(hn, want, hl) == 0) {
                col = (int)c;
                break;
            }
        }
        if (len == 0) {
            /* an empty item ("a=b;;c=d") is nothing */
        } else if (role < 0) {
            msum_diags_add(diags, MSUM_DIAG_ERROR, t->name, h->n ? h->row_line : 0, 0, NULL,
                           "column mapping '%.*s': found '%.*s', expected FIELD=COLUMN with a "
                           "field of docs/columns.md (yi, vi, m1i, sd1i, n1i, ..., study, "
                           "author, year)", (int)len, p, eq ? (int)(eq - p) : (int)len, p);
            bad = 1;
        } else if (col < 0) {
            msum_diags_add(diags, MSUM_DIAG_ERROR, t->name, h->n ? h->row_line : 0, 0, NULL,
                           "column mapping '%.*s': found no column '%.*s' in the header, "
                           "expected one of its names", (int)len, p,
                           (int)(len - (size_t)(eq + 1 - p)), eq + 1);
            bad = 1;
        } else {
            if (t->c_role[role] >= 0) used[t->c_role[role]] = 0; /* a later item wins */
            t->c_role[role] = col;
            used[col] = 1;
        }
        p += len + (end != NULL);
    }
    for (int pass = 0; pass < 2; pass++)
        for (size_t c = 0; c < h->n; c++) {
            if (used[c] || dup[c]) continue;
            size_t hl;
            const char *hn = trimmed(h->cell[c], h->len[c], &hl);
            int role = pass == 0 ? role_lookup(hn, hl) : alias_role(h->cell[c]);
            if (role < 0 || t->c_role[role] >= 0) continue;
            t->c_role[role] = (int)c;
            used[c] = 1;
        }
    free(used);
    for (int r = 0; r < R_COUNT; r++) {
        int c = t->c_role[r];
        if (c >= 0 && strcmp(h->cell[c], role_name(r)) != 0 && note_taken(t, r, h->cell[c]))
            return MSUM_ENOMEM;
    }
    return bad ? MSUM_EDATA : MSUM_OK;
}

static const char *shown(const char *s, char *buf, size_t size);
static void note_missing_columns(const msum_typer *t, const msum_row *h, msum_diags *diags);

/* After "found no 'input' column ...": the header as found, and --col options that would
 * tell the form. */
static void suggest_cols(const msum_typer *t, const msum_row *h, msum_diags *diags)
{
    char list[512] = "", sugg[512] = "";
    size_t nl = 0, ns = 0;
    for (size_t c = 0; c < h->n && nl + 8 < sizeof list; c++) {
        int w = snprintf(list + nl, sizeof list - nl, "%s%s", c ? "," : "", h->cell[c]);
        nl += w > 0 ? (size_t)w : 0;
        if (nl >= sizeof list) nl = sizeof list - 1;
    }
    size_t named = 0, which = 0;
    for (size_t c = 0; c < h->n; c++)
        if (h->len[c]) named++, which = c;
    if (named == 1 && which == 0 && (h->n > 1 || !strpbrk(h->cell[0], ";\t"))) {
        /* a title above the table in its first cell ("Table 2. Outcomes", a merged cell; not
         * a whole header read with the wrong delimiter) */
        char buf[96];
        msum_diags_add(diags, MSUM_DIAG_NOTE, t->name, h->row_line, 0, NULL,
                       "the first row holds one name, '%s': a title? The column names must be "
                       "the first row: delete the rows above them (docs/columns.md)",
                       shown(h->cell[which], buf, sizeof buf));
        return;
    }
    int seen[R_COUNT] = {0};
    for (size_t c = 0; c < h->n; c++) {
        int role = t->c_role[MSUM_F_YI] < 0 ? suggest_role(h->cell[c]) : -1;
        if (role < 0 || seen[role] || t->c_role[role] >= 0 || ns + 8 >= sizeof sugg) continue;
        seen[role] = 1;
        /* quoted for the shell when the name holds more than letters, digits and _ . - */
        int q = h->cell[c][strspn(h->cell[c], "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                              "0123456789_.-")] != '\0';
        /* a name with a ' (Hedges' g) in double quotes */
        const char *qc = !q ? "" : strchr(h->cell[c], '\'') ? "\"" : "'";
        int w = snprintf(sugg + ns, sizeof sugg - ns, "%s--col %s%s=%s%s", ns ? " " : "", qc,
                         role_name(role), h->cell[c], qc);
        ns += w > 0 ? (size_t)w : 0;
        if (ns >= sizeof sugg) ns = sizeof sugg - 1;
    }
    if (ns)
        msum_diags_add(diags, MSUM_DIAG_NOTE, t->name, h->row_line, 0, NULL,
                       "the header is '%s'; did you mean %s? (docs/columns.md)", list, sugg);
    else
        msum_diags_add(diags, MSUM_DIAG_NOTE, t->name, h->row_line, 0, NULL,
                       "the header is '%s'; name the columns with --col, e.g. --col yi=COLUMN "
                       "--col vi=COLUMN, or m1i, sd1i, n1i, m2i, sd2i, n2i for means, or ai, "
                       "n1i, ci, n2i for event counts (docs/columns.md)", list);
}


void msum_typer_free(msum_typer *t)
{
    if (!t) return;
    free(t->taken);
    for (size_t i = 0; i < t->ncols; i++) free(t->colname[i]);
    free(t->colname);
    free(t->byname);
    free(t->name);
    free(t);
}

/* Without an `input` column, the first of these columns in the header names the form. */
static const struct {
    msum_field field;
    msum_input input;
} infer_from[] = {
    {MSUM_F_YI, MSUM_INPUT_GENERIC},       {MSUM_F_M1I, MSUM_INPUT_CONTINUOUS},
    {MSUM_F_AI, MSUM_INPUT_COUNTS},        {MSUM_F_RI, MSUM_INPUT_CORRELATION},
    {MSUM_F_PCT, MSUM_INPUT_PERCENT},      {MSUM_F_FOLD, MSUM_INPUT_FOLD},
    {MSUM_F_MED1I, MSUM_INPUT_MEDIAN},
    {MSUM_F_RATIO, MSUM_INPUT_RATIO},      {MSUM_F_X1I, MSUM_INPUT_RATES},
    {MSUM_F_TI, MSUM_INPUT_RATE},          {MSUM_F_XI, MSUM_INPUT_PROPORTION},
};

static int typer_new(const msum_row *h, const char *name, const msum_read_opts *o, char decimal,
                     int dec_detected, msum_diags *diags, msum_typer **out);

int msum_typer_new(const msum_row *h, const char *name, msum_diags *diags, msum_typer **out)
{
    msum_read_opts o = MSUM_READ_OPTS_DEFAULT;
    o.missing = MSUM_MISSING_ERROR;
    return typer_new(h, name, &o, '.', 0, diags, out);
}

int msum_typer_from_reader(const msum_reader *rd, const msum_read_opts *o, msum_diags *diags,
                           msum_typer **out)
{
    const msum_row *h = msum_reader_header(rd);
    int rc = typer_new(h, msum_reader_name(rd), o, msum_reader_decimal(rd),
                       msum_reader_decimal_detected(rd), diags, out);
    const char *sheets = msum_reader_sheets(rd);
    if (rc == MSUM_EDATA && sheets && strchr(sheets, ','))
        msum_diags_add(diags, MSUM_DIAG_NOTE, msum_reader_name(rd), h->n ? h->row_line : 1, 0,
                       NULL, "the workbook's sheets are %s; --sheet NAME reads another",
                       sheets);
    /* never guessed silently: the output says how the file was read */
    char d = msum_reader_delim(rd), dec = msum_reader_decimal(rd);
    long line = h->n ? h->row_line : 1;
    if (h->n && (d != ',' || dec != '.'))
        msum_diags_add(diags, MSUM_DIAG_NOTE, msum_reader_name(rd), line, 0, NULL,
                       "read with delimiter %s and decimal mark '%c'%s",
                       d == '\t' ? "tab" : d == ';' ? "';'" : "','", dec,
                       o && o->delim ? "" : " (delimiter detected from the header line)");
    if (rc == MSUM_OK && *msum_typer_columns(*out))
        msum_diags_add(diags, MSUM_DIAG_NOTE, msum_reader_name(rd), line, 0, NULL,
                       "columns taken as %s (docs/columns.md; --col sets others)",
                       msum_typer_columns(*out));
    if (rc == MSUM_OK) note_missing_columns(*out, h, diags);
    return rc;
}

static int typer_new(const msum_row *h, const char *name, const msum_read_opts *o, char decimal,
                     int dec_detected, msum_diags *diags, msum_typer **out)
{
    *out = NULL;
    msum_typer *t = calloc(1, sizeof *t);
    if (!t) return MSUM_ENOMEM;
    t->name = strdup(name ? name : "-");
    t->colname = calloc(h->n ? h->n : 1, sizeof *t->colname);
    const char **dup = calloc(h->n ? h->n : 1, sizeof *dup);
    if (!t->name || !t->colname || !dup) {
        free(dup);
        msum_typer_free(t);
        return MSUM_ENOMEM;
    }
    t->decimal = decimal;
    t->dec_detected = dec_detected;
    t->missing = o ? o->missing : MSUM_MISSING_OMIT;
    t->ncols = h->n;
    for (int f = 0; f < MSUM_F_COUNT_; f++) t->col_of[f] = -1;
    t->c_input = t->c_measure = t->c_direction = -1;
    msum_record_clear(&t->blank);
    for (size_t i = 0; i < h->n; i++)
        if (!(t->colname[i] = strdup(h->cell[i]))) {
            free(dup);
            msum_typer_free(t);
            return MSUM_ENOMEM;
        }
    if (!(t->byname = msum_strix_new((const char *const *)t->colname, h->n))) {
        free(dup);
        msum_typer_free(t);
        return MSUM_ENOMEM;
    }
    /* In name order the later uses of a name follow its first use (ties are by position):
     * O(n log n) in columns.  The first use is the one taken (assign_roles skips dup[]). */
    for (size_t k = 1, first = 0; k < h->n; k++) {
        if (strcmp(t->byname[k].text, t->byname[first].text) != 0) {
            first = k;
            continue;
        }
        /* columns without a name (a spreadsheet's trailing ",,") are used for nothing */
        if (t->byname[k].text[0] == '\0') continue;
        size_t i = t->byname[k].pos, f = t->byname[first].pos;
        msum_diags_add(diags, MSUM_DIAG_ERROR, t->name, h->line[i], h->col[i], h->cell[i],
                       "found a second column '%s', expected unique column names (first "
                       "at %ld:%ld)", h->cell[i], h->line[f], h->col[f]);
        dup[i] = h->cell[i];
    }
    int rc = assign_roles(t, h, o ? o->columns : NULL, dup, diags);
    free(dup);
    if (rc != MSUM_OK) {
        msum_typer_free(t);
        return rc;
    }
    for (int f = 0; f < MSUM_F_COUNT_; f++) t->col_of[f] = t->c_role[f];
    t->c_input = t->c_role[R_INPUT];
    t->c_measure = t->c_role[R_MEASURE];
    t->c_direction = t->c_role[R_DIRECTION];
    for (int f = 0; f < MSUM_F_COUNT_; f++)
        if (t->col_of[f] >= 0) {
            t->mfield[t->nmapped] = f;
            t->mcol[t->nmapped] = t->col_of[f];
            t->nmapped++;
            t->present |= 1ULL << f;
        }
    if (t->c_input < 0) {
        for (size_t k = 0; k < sizeof infer_from / sizeof infer_from[0]; k++)
            if (t->col_of[infer_from[k].field] >= 0) {
                t->inferred = infer_from[k].input;
                break;
            }
        if (t->inferred == MSUM_INPUT_NONE && t->c_direction >= 0)
            t->inferred = MSUM_INPUT_DIRECTION;
        if (t->inferred == MSUM_INPUT_NONE) {
            msum_diags_add(diags, MSUM_DIAG_ERROR, t->name, h->n ? h->row_line : 0, 0, NULL,
                           "found no 'input' column and none of yi, m1i, ai, ri, pct, fold, "
                           "med1i, direction, expected one of them to tell the form of the rows");
            suggest_cols(t, h, diags);
            msum_typer_free(t);
            return MSUM_EDATA;
        }
    }
    *out = t;
    return MSUM_OK;
}

/* After the form was told from the header's names: when the header has no column for a field
 * that form needs (so that every row would be "without n1i"), say it once, with the columns
 * left unused, which are the ones a --col would name. */
static void note_missing_columns(const msum_typer *t, const msum_row *h, msum_diags *diags)
{
    if (t->c_input >= 0 || t->inferred == MSUM_INPUT_NONE ||
        t->inferred == MSUM_INPUT_DIRECTION)
        return;
    msum_record rec = t->blank;
    rec.input = t->inferred;
    for (int k = 0; k < t->nmapped; k++) rec.x[t->mfield[k]] = 1.0;
    msum_check chk[MSUM_CHECKS_MAX];
    size_t n = msum_record_check(&rec, t->present, chk, MSUM_CHECKS_MAX);
    const char *missing = NULL;
    for (size_t i = 0; i < n && i < MSUM_CHECKS_MAX && !missing; i++)
        if (chk[i].kind == MSUM_CHECK_MISSING) missing = chk[i].text;
    if (!missing) return;
    char unused[400] = "";
    size_t nu = 0;
    for (size_t c = 0; c < h->n && nu + 8 < sizeof unused; c++) {
        int used = 0;
        for (int r = 0; r < R_COUNT && !used; r++) used = t->c_role[r] == (int)c;
        if (used || !h->len[c]) continue;
        char buf[96];
        int w = snprintf(unused + nu, sizeof unused - nu, "%s'%s'", nu ? ", " : "",
                         shown(h->cell[c], buf, sizeof buf));
        nu += w > 0 ? (size_t)w : 0;
        if (nu >= sizeof unused) nu = sizeof unused - 1;
    }
    msum_diags_add(diags, MSUM_DIAG_NOTE, t->name, h->row_line, 0, NULL,
                   "no column is taken as %s, which rows of form '%s' need; %s%s%sname it with "
                   "--col FIELD=COLUMN (docs/columns.md)", missing,
                   msum_input_name(t->inferred), nu ? "columns not used: " : "", unused,
                   nu ? "; " : "");
}

int msum_typer_col(const msum_typer *t, const char *colname)
{
    return (int)msum_strix_find(t->byname, t->ncols, colname);
}

int msum_typer_role_col(const msum_typer *t, const char *role)
{
    int r = role_lookup(role, strlen(role));
    return r < 0 ? -1 : t->c_role[r];
}

const char *msum_typer_colname(const msum_typer *t, int col)
{
    return col >= 0 && (size_t)col < t->ncols ? t->colname[col] : NULL;
}

const char *msum_typer_columns(const msum_typer *t) { return t->taken ? t->taken : ""; }

int msum_typer_label(const msum_typer *t, const msum_row *row, char *buf, size_t size)
{
    int cs = t->c_role[R_STUDY], ca = t->c_role[R_AUTHOR], cy = t->c_role[R_YEAR];
    const char *st = cs >= 0 && (size_t)cs < row->n ? row->cell[cs] : "";
    const char *au = ca >= 0 && (size_t)ca < row->n ? row->cell[ca] : "";
    const char *yr = cy >= 0 && (size_t)cy < row->n ? row->cell[cy] : "";
    if (*st) snprintf(buf, size, "%s", st);
    else if (*au && *yr) snprintf(buf, size, "%s %s", au, yr); /* as the forest plot */
    else if (*au) snprintf(buf, size, "%s", au);
    else {
        snprintf(buf, size, "line %ld", row->row_line);
        return 0;
    }
    return 1;
}

/* Cell text for a message: at most ~60 bytes, cut on a UTF-8 boundary, line ends shown as \n. */
static const char *shown(const char *s, char *buf, size_t size)
{
    size_t j = 0;
    for (size_t i = 0; s[i] && j + 8 < size; i++) {
        if (j >= 60 && ((unsigned char)s[i] & 0xC0) != 0x80) {
            memcpy(buf + j, "...", 3);
            j += 3;
            break;
        }
        if (s[i] == '\n' || s[i] == '\r') {
            buf[j++] = '\\';
            buf[j++] = s[i] == '\n' ? 'n' : 'r';
        } else {
            buf[j++] = s[i];
        }
    }
    buf[j] = '\0';
    return buf;
}

/* Does s (case ignored) equal one of the words spreadsheets and papers use for a missing
 * value (metasum reads only an empty cell and NA as missing)? */
static int missing_word(const char *s)
{
    static const char *const words[] = {"na", "n/a", "n.a.", "n.a", "#n/a", "-", "--", ".",
                                        "?", "nr", "n.r.", "nd", "n.d.", "null", "none",
                                        "missing", "not reported", "nan"};
    for (size_t i = 0; i < NELEM(words); i++)
        if (strcasecmp(s, words[i]) == 0) return 1;
    return 0;
}

/* Does s look like a number with thousands separators `sep` before the decimal mark `dec`
 * (1,200 or 12,345.6; with decimal commas 1.234,5)?  0 no, else 1 + (a decimal part or more
 * than one separator: 1.234,5 and 1.234.567 cannot be decimals, 1.234 can). */
static int thousands(const char *s, char sep, char dec)
{
    const char *p = s + (*s == '-' || *s == '+');
    size_t lead = strspn(p, "0123456789");
    if (lead < 1 || lead > 3 || p[lead] != sep) return 0;
    p += lead;
    int groups = 0;
    while (*p == sep) {
        if (strspn(p + 1, "0123456789") != 3) return 0;
        p += 4;
        groups++;
    }
    if (*p == '\0') return 1 + (groups > 1);
    return *p == dec && p[1 + strspn(p + 1, "0123456789")] == '\0' ? 2 : 0;
}

/* What a text that is not a number should have been. */
static const char *number_expected(const msum_typer *t, const char *s)
{
    size_t n = strlen(s);
    if (missing_word(s)) return "a number (write NA or leave the cell empty when missing)";
    if (strncmp(s, "\xE2\x88\x92", 3) == 0 || strncmp(s, "\xE2\x80\x93", 3) == 0)
        return "a number with the ASCII minus sign '-' (found a Unicode minus or dash, as "
               "copied from a PDF)";
    if (n && s[n - 1] == '%') return "a number without a '%' sign";
    if (n >= 10 && strspn(s, "0123456789") == 4 && s[4] == '-' && s[7] == '-')
        return "a number, not a date (a workbook cell formatted as a date: format it as a "
               "number)";
    if ((strchr(s, '(') || strchr(s, '[') || strstr(s, "\xC2\xB1")) &&
        strchr("0123456789+-.", s[0]))
        return "one number per cell (a mean and its SD, or an estimate and its CI, go in "
               "columns of their own)";
    if (t->decimal == ',' && thousands(s, '.', ',') == 2)
        return "a number without a thousands separator (1234,5, not 1.234,5)";
    if (t->decimal == ',' && strchr(s, '.'))
        return t->dec_detected ? "a number with ',' as the decimal mark (taken from the ';' "
                                 "delimiter; --decimal . reads '.')"
                               : "a number with ',' as the decimal mark (--decimal ,)";
    if (t->decimal == ',' && strchr(s, ',')) return "a number";
    if (thousands(s, ',', '.')) return "a number without a thousands separator (1200, not 1,200)";
    if (strchr(s, ',')) return "a number with '.' as the decimal point (C locale)";
    if (s[0] == ' ' || s[0] == '\t' || (*s && strchr(" \t", s[n - 1])))
        return "a number without surrounding spaces";
    if (strchr(s, ' ') || strstr(s, "\xC2\xA0") || strstr(s, "\xE2\x80\xAF"))
        return "a number without spaces (no thousands separator)";
    char *end;
    double v = strtod(s, &end);
    if (*s && *end == '\0' && !isfinite(v)) {
        if (isnan(v)) return "a number (write NA or leave the cell empty when missing)";
        return "a finite number";
    }
    if ((s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) || strstr(s, "0x") || strstr(s, "0X"))
        return "a decimal number (no hexadecimal)";
    return "a number";
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

static const char *cell_text(const msum_row *row, int col)
{
    return (col >= 0 && (size_t)col < row->n) ? row->cell[col] : "";
}

size_t msum_typer_row(const msum_typer *t, const msum_row *row, msum_record *rec,
                      msum_diags *diags)
{
    return msum_typer_row_na(t, row, rec, diags, NULL);
}

size_t msum_typer_row_na(const msum_typer *t, const msum_row *row, msum_record *rec,
                         msum_diags *diags, int *omitted)
{
    size_t nerr = 0;
    int omit = omitted && t->missing == MSUM_MISSING_OMIT;
    if (omitted) *omitted = 0;
    char buf[96];
    long line, colno;
    *rec = t->blank;

    for (int k = 0; k < t->nmapped; k++) {
        int c = t->mcol[k];
        if ((size_t)c >= row->n) continue;
        int rc = msum_parse_double_dec(row->cell[c], row->len[c], t->decimal,
                                       &rec->x[t->mfield[k]]);
        if (rc < 0) {
            rec->x[t->mfield[k]] = NAN;
            msum_diags_add(diags, MSUM_DIAG_ERROR, t->name, row->line[c], row->col[c],
                           t->colname[c], "found '%s', expected %s",
                           shown(row->cell[c], buf, sizeof buf),
                           number_expected(t, row->cell[c]));
            nerr++;
        }
    }

    if (t->c_input >= 0) {
        const char *s = cell_text(row, t->c_input);
        if (!msum_input_parse(s, &rec->input)) {
            cell_pos(row, t->c_input, &line, &colno);
            msum_diags_add(diags, MSUM_DIAG_ERROR, t->name, line, colno, "input",
                           "found '%s', expected one of generic, continuous, counts, "
                           "correlation, percent_change, fold_change, median_iqr, direction",
                           shown(s, buf, sizeof buf));
            nerr++;
        }
    } else {
        rec->input = t->inferred;
    }

    if (t->c_measure >= 0 && *cell_text(row, t->c_measure)) {
        const char *s = cell_text(row, t->c_measure);
        if (!msum_measure_parse(s, &rec->measure)) {
            cell_pos(row, t->c_measure, &line, &colno);
            msum_diags_add(diags, MSUM_DIAG_ERROR, t->name, line, colno, "measure",
                           "found '%s', expected one of MD, SMD, ROM, RR, OR, RD, ZCOR, GEN",
                           shown(s, buf, sizeof buf));
            nerr++;
        }
    } else if (rec->input == MSUM_INPUT_GENERIC) {
        if (t->c_measure < 0) {
            rec->measure = MSUM_MEASURE_GEN;
        } else {
            cell_pos(row, t->c_measure, &line, &colno);
            msum_diags_add(diags, MSUM_DIAG_ERROR, t->name, line, colno, "measure",
                           "found '', expected the scale of yi for a generic row: one of MD, "
                           "SMD, ROM, RR, OR, RD, ZCOR, GEN");
            nerr++;
        }
    }

    if (t->c_direction >= 0 && *cell_text(row, t->c_direction)) {
        const char *s = cell_text(row, t->c_direction);
        if (!msum_direction_parse(s, &rec->direction)) {
            cell_pos(row, t->c_direction, &line, &colno);
            msum_diags_add(diags, MSUM_DIAG_ERROR, t->name, line, colno, "direction",
                           "found '%s', expected one of increase, decrease, no_change",
                           shown(s, buf, sizeof buf));
            nerr++;
        }
    }

    if (rec->input == MSUM_INPUT_NONE) return nerr; /* already reported */
    /* A cell already reported (bad number or word) or a short row (reported by the reader)
     * would also show up as a missing field: one defect, one message. */
    int skip_missing = nerr > 0 || row->n < t->ncols;
    /* A row with text and no number at all (a note under the table: "Source: Table 2") is
     * named as such, not as a row missing every field of its form.  A row whose number
     * columns say NA is a data row with missing values, not a note. */
    const char *text_only = NULL;
    if (t->c_input < 0) {
        int any = 0;
        for (int k = 0; k < t->nmapped && !any; k++)
            any = !isnan(rec->x[t->mfield[k]]) ||
                  ((size_t)t->mcol[k] < row->n && row->len[t->mcol[k]] > 0);
        for (size_t c = 0; c < row->n && !any && !text_only; c++)
            if (row->len[c]) text_only = row->cell[c];
    }
    char tbuf[96];
    msum_check chk[MSUM_CHECKS_MAX];
    size_t n = msum_record_check(rec, t->present, chk, MSUM_CHECKS_MAX);
    if (n > MSUM_CHECKS_MAX) n = MSUM_CHECKS_MAX;
    for (size_t i = 0; i < n; i++) {
        const msum_check *c = &chk[i];
        if (c->kind == MSUM_CHECK_MISSING && skip_missing) continue;
        /* every field of the form missing: say so once instead of listing it twice */
        char needs[160] = "";
        int none = c->kind == MSUM_CHECK_MISSING &&
                   strcmp(c->text, msum_input_needs(rec->input)) == 0;
        if (c->kind == MSUM_CHECK_MISSING && !none)
            snprintf(needs, sizeof needs, ", expected %s", msum_input_needs(rec->input));
        if (c->kind == MSUM_CHECK_MISSING && omit) {
            /* na.omit: the row is left out, named in a warning */
            cell_pos(row, t->c_input, &line, &colno);
            if (text_only)
                msum_diags_add(diags, MSUM_DIAG_WARNING, t->name, line, colno, NULL,
                               "row left out: found text and no number ('%s': a note?), "
                               "expected %s (--missing error makes this an error)",
                               shown(text_only, tbuf, sizeof tbuf),
                               msum_input_needs(rec->input));
            else
                msum_diags_add(diags, MSUM_DIAG_WARNING, t->name, line, colno,
                               t->c_input >= 0 ? "input" : NULL,
                               "row left out: found '%s' without %s%s%s (--missing error "
                               "makes this an error)", msum_input_name(rec->input),
                               none ? "any of " : "", c->text, none ? "" : needs);
            *omitted = 1;
            continue;
        }
        if (c->severity == MSUM_DIAG_ERROR) nerr++;
        if (c->kind == MSUM_CHECK_MISSING) {
            cell_pos(row, t->c_input, &line, &colno);
            if (text_only)
                msum_diags_add(diags, c->severity, t->name, line, colno, NULL,
                               "found text and no number ('%s': a note? delete the row), "
                               "expected %s", shown(text_only, tbuf, sizeof tbuf),
                               msum_input_needs(rec->input));
            else
                msum_diags_add(diags, c->severity, t->name, line, colno,
                               t->c_input >= 0 ? "input" : NULL,
                               "found '%s' without %s%s%s", msum_input_name(rec->input),
                               none ? "any of " : "", c->text, none ? "" : needs);
            continue;
        }
        int col = t->col_of[c->field];
        cell_pos(row, col, &line, &colno);
        if (c->kind == MSUM_CHECK_VALUE)
            msum_diags_add(diags, c->severity, t->name, line, colno, t->colname[col],
                           "found '%s', expected %s", shown(cell_text(row, col), buf, sizeof buf),
                           c->text);
        else
            msum_diags_add(diags, c->severity, t->name, line, colno, t->colname[col], "%s",
                           c->text);
    }
    return nerr;
}

/* Where a field of the row is: its cell's line:col and column name (NULL when the file has no
 * such column: the row's line). */
typedef void (*field_pos_fn)(const void *ctx, int field, long *line, long *col,
                             const char **colname);

/* The body of msum_typer_effect() and msum_dataset_effect(): one implementation. */
static int effect_checked(const char *name, const msum_record *rec, msum_measure measure,
                          const msum_escalc_opts *eo, msum_effect *eff, msum_diags *diags,
                          field_pos_fn where, const void *ctx)
{
    msum_escalc_opts def = MSUM_ESCALC_OPTS_DEFAULT;
    if (!eo) eo = &def;
    long line, colno;
    const char *cname;
    /* No events in either arm: metafor's escalc keeps the table (drop00 = FALSE) and, with
     * to = "only0" or "all"/"if0all", adds `add` to each cell; the table then says little. */
    if (rec->input == MSUM_INPUT_COUNTS && rec->x[MSUM_F_AI] == 0 && rec->x[MSUM_F_CI] == 0) {
        where(ctx, MSUM_F_AI, &line, &colno, &cname);
        if (eo->to != MSUM_CC_NONE && eo->add > 0)
            msum_diags_add(diags, MSUM_DIAG_WARNING, name, line, colno, cname,
                           "both arms have zero events (ai = ci = 0): %g added to each cell, as "
                           "metafor's escalc (to = \"%s\", drop00 = FALSE); the row is kept",
                           eo->add, msum_cc_policy_name(eo->to));
        else
            msum_diags_add(diags, MSUM_DIAG_WARNING, name, line, colno, cname,
                           "both arms have zero events (ai = ci = 0) and no continuity "
                           "correction is added (to = \"none\" or add = 0)");
    }
    if (measure == MSUM_MEASURE_NONE &&
        (rec->input == MSUM_INPUT_CONTINUOUS || rec->input == MSUM_INPUT_MEDIAN ||
         rec->input == MSUM_INPUT_COUNTS)) {
        /* what msum_escalc would say, without formatting it for every row of a large file */
        eff->measure = MSUM_MEASURE_NONE;
        eff->yi = eff->vi = eff->sei = eff->ci_lb = eff->ci_ub = NAN;
        eff->field = -1;
        strcpy(eff->message, "this form gives several measures: choose one");
        return MSUM_EINVAL;
    }
    int st = msum_escalc(rec, measure, eo, eff);
    if (st == MSUM_OK || st == MSUM_EINVAL) return st;
    where(ctx, eff->field, &line, &colno, &cname);
    msum_diags_add(diags, MSUM_DIAG_ERROR, name, line, colno, cname, "%s", eff->message);
    return MSUM_EDATA;
}

typedef struct {
    const msum_typer *t;
    const msum_row *row;
} typer_ctx;

/* A field's cell in a streamed row; field -1 = the input cell. */
static void typer_field_pos(const void *ctx, int field, long *line, long *col,
                            const char **colname)
{
    const typer_ctx *x = ctx;
    int c = field >= 0 ? x->t->col_of[field] : x->t->c_input;
    cell_pos(x->row, c, line, col);
    /* the header's own name (a mapped or aliased column is named as the user wrote it) */
    *colname = c < 0 || (size_t)c >= x->t->ncols ? NULL : x->t->colname[c];
}

int msum_typer_effect(const msum_typer *t, const msum_row *row, const msum_record *rec,
                      msum_measure measure, const msum_escalc_opts *eo, msum_effect *eff,
                      msum_diags *diags)
{
    typer_ctx x = {t, row};
    return effect_checked(t->name, rec, measure, eo, eff, diags, typer_field_pos, &x);
}

int msum_check_has_rows(const char *name, size_t nrows, const char *filter, msum_diags *diags)
{
    if (nrows > 0) return 0;
    if (!(filter && *filter)) /* the reader says when a filter matches no row */
        msum_diags_add(diags, MSUM_DIAG_ERROR, name, 1, 0, NULL,
                       "found a header and no data rows, expected at least one row");
    return 1;
}

int msum_check_group_value(const char *value, const char *name, long line, long col,
                           const char *column, msum_diags *diags)
{
    if (value && *value && strcmp(value, "NA") != 0) return 0;
    if (diags)
        msum_diags_add(diags, MSUM_DIAG_WARNING, name, line, col, column,
                       "found '%s', expected a group: row left out (a missing grouping value, "
                       "as metafor leaves out rows with a missing moderator)",
                       value ? value : "");
    return 1;
}

/* ---- duplicated effects ---------------------------------------------------------------- */

/* The rows stream past once.  Each numeric row leaves, appended in row order: a 64-bit hash of
 * what makes two rows one effect (its key), the step from the previous row's first line (a
 * byte; larger steps go to a list) and, when the file has an id column, a 32-bit hash of its id:
 * 9 or 13 bytes a row.  A blocked Bloom filter over the keys (8 to 16 bits a row) says which
 * rows may repeat an earlier one; only those few keep the texts a message names (study,
 * outcome, id) and where their study cell is.  The rows meet the filter in batches (their texts
 * wait in a small buffer), so its words are fetched many at a time, not one per row while the
 * reader waits.  msum_dups_finish() reads the keys once in row order, with a small table of the
 * flagged keys only, to find the first row of each: a flagged row whose key an earlier row has
 * is reported against that first row (the filter's false alarms find none and are dropped). */

typedef struct {
    size_t row;          /* index into key[] */
    size_t text;         /* its study, outcome and id in text[], each NUL-terminated */
    uint32_t line, col;  /* its study cell (saturating) */
} dup_flag;

typedef struct {
    size_t end;          /* its texts end here in wtext[] */
    uint32_t line, col;  /* its study cell */
    int seen;            /* the filter may have its key */
} dup_wait;

typedef struct {
    uint64_t key;  /* 0 = empty slot */
    uint32_t id;   /* the first row's: hash of the id cell */
    uint32_t line; /* the first row's line; 0 = not reached yet */
} dup_first;

#define DUP_FAR 255                      /* step[i]: the row's line is the next of far[] */
#define DUP_BATCH 4096                   /* rows that wait for the filter, */
#define DUP_BATCH_TEXT ((size_t)1 << 20) /* with at most about this many bytes of texts */

struct msum_dups {
    const msum_typer *t;
    int c_study, c_outcome, c_id;
    const char *study_name;
    uint64_t *key;       /* per row in row order (never 0) */
    unsigned char *step; /* per row: its line minus the previous row's, or DUP_FAR */
    uint32_t *id;        /* per row: hash of the id (NULL without an id column) */
    size_t n, cap;
    uint32_t *far, last; /* the lines of the DUP_FAR rows; the last row's line */
    size_t nfar, capfar;
    uint64_t *bloom;     /* nbloom words (a power of two), at least 8 bits a row */
    size_t nbloom;
    size_t done;         /* rows done..n-1 wait for the filter (at most DUP_BATCH) */
    dup_wait *wait;
    char *wtext;         /* their study, outcome and id texts, each NUL-terminated */
    size_t wlen, wcap;
    dup_flag *flag;      /* rows that may repeat an earlier one, in row order */
    size_t nflag, capflag;
    char *text;
    size_t ntext, captext;
    uint32_t *copy;      /* after msum_dups_finish(): lines of the copies, increasing */
    size_t ncopy, capcopy;
};

/* One 64-bit word into the hash (multiply-rotate: a few instructions, not one per byte). */
static inline uint64_t mix64(uint64_t h, uint64_t w)
{
    h ^= w * 0x9e3779b97f4a7c15ULL;
    h = (h << 27) | (h >> 37);
    return h * 0xbf58476d1ce4e5b9ULL + 0x94d049bb133111ebULL;
}

/* A text of n bytes into the hash, a word at a time, its length too (so "ab","" and "a","b"
 * differ).  The last 1 to 7 bytes are read as two overlapping 4-byte pieces, or as the first,
 * middle and last byte: every byte once at least, without a store to the stack and a wider
 * load back (which the processor cannot forward). */
static inline uint64_t mix_text(uint64_t h, const char *s, size_t n)
{
    h ^= (uint64_t)n * 0xc2b2ae3d27d4eb4fULL;
    uint64_t w;
    for (; n >= 8; s += 8, n -= 8) {
        memcpy(&w, s, 8);
        h = mix64(h, w);
    }
    if (n >= 4) {
        uint32_t a, b;
        memcpy(&a, s, 4);
        memcpy(&b, s + n - 4, 4);
        h = mix64(h, (uint64_t)a << 32 | b);
    } else if (n) {
        const unsigned char *u = (const unsigned char *)s;
        h = mix64(h, (uint64_t)u[0] << 16 | (uint64_t)u[n >> 1] << 8 | u[n - 1]);
    }
    return h;
}

static inline uint64_t finish(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h ? h : 1; /* 0 marks an empty slot */
}

/* The four bits a key sets in its word of the Bloom filter (the word is chosen by its low
 * bits). */
static inline uint64_t bloom_bits(uint64_t k)
{
    return (1ULL << (k >> 58)) | (1ULL << ((k >> 52) & 63)) | (1ULL << ((k >> 46) & 63)) |
           (1ULL << ((k >> 40) & 63));
}

/* A line or column as kept: at most 2^32 - 1 (saturating), lines at least 1. */
static uint32_t sat32(long v, uint32_t least)
{
    return v < (long)least ? least : v < (long)UINT32_MAX ? (uint32_t)v : UINT32_MAX;
}

static size_t cell_len(const msum_row *row, int col)
{
    return (col >= 0 && (size_t)col < row->n) ? row->len[col] : 0;
}

int msum_dups_new(const msum_typer *t, msum_dups **out)
{
    *out = calloc(1, sizeof **out);
    if (!*out) return MSUM_ENOMEM;
    msum_dups *d = *out;
    d->t = t;
    d->c_study = msum_typer_col(t, "study");
    d->study_name = "study";
    if (d->c_study < 0) {
        d->c_study = msum_typer_col(t, "ref");
        d->study_name = "ref";
    }
    d->c_outcome = msum_typer_col(t, "outcome");
    d->c_id = msum_typer_col(t, "id");
    return MSUM_OK;
}

/* What only the rows need: released by msum_dups_finish(), which keeps the copies' lines. */
static void dups_release(msum_dups *d)
{
    free(d->key);
    free(d->step);
    free(d->id);
    free(d->far);
    free(d->bloom);
    free(d->wait);
    free(d->wtext);
    free(d->flag);
    free(d->text);
    d->key = NULL;
    d->step = NULL;
    d->id = d->far = NULL;
    d->bloom = NULL;
    d->wait = NULL;
    d->wtext = d->text = NULL;
    d->flag = NULL;
    d->n = d->cap = d->nfar = d->capfar = d->nbloom = d->done = d->wlen = d->wcap = 0;
    d->nflag = d->capflag = d->ntext = d->captext = 0;
}

void msum_dups_free(msum_dups *d)
{
    if (!d) return;
    dups_release(d);
    free(d->copy);
    free(d);
}

/* Room for n more bytes in a growable buffer. */
static int reserve(char **p, size_t *cap, size_t len, size_t n)
{
    if (len + n <= *cap) return MSUM_OK;
    size_t c = 2 * (len + n) + 256;
    char *q = realloc(*p, c);
    if (!q) return MSUM_ENOMEM;
    *p = q;
    *cap = c;
    return MSUM_OK;
}

static int dups_grow(msum_dups *d)
{
    size_t cap = d->cap ? 2 * d->cap : 1024;
    uint64_t *key = realloc(d->key, cap * sizeof *key);
    if (!key) return MSUM_ENOMEM;
    d->key = key;
    unsigned char *step = realloc(d->step, cap);
    if (!step) return MSUM_ENOMEM;
    d->step = step;
    if (d->c_id >= 0) {
        uint32_t *id = realloc(d->id, cap * sizeof *id);
        if (!id) return MSUM_ENOMEM;
        d->id = id;
    }
    d->cap = cap;
    return MSUM_OK;
}

/* Twice the words, the keys so far put in again (none is waiting). */
static int bloom_grow(msum_dups *d)
{
    size_t nb = d->nbloom ? 2 * d->nbloom : 64, mask = nb - 1;
    uint64_t *b = calloc(nb, sizeof *b);
    if (!b) return MSUM_ENOMEM;
    for (size_t i = 0; i < d->n; i++) {
        if (i + 16 < d->n) __builtin_prefetch(&b[d->key[i + 16] & mask], 1);
        b[d->key[i] & mask] |= bloom_bits(d->key[i]);
    }
    free(d->bloom);
    d->bloom = b;
    d->nbloom = nb;
    return MSUM_OK;
}

/* The waiting rows through the filter, in row order: each is added to it, and keeps its texts
 * when its key may have come before. */
static int dups_sift(msum_dups *d)
{
    /* first the filter alone, its words fetched ahead, without a branch on what it holds */
    size_t mask = d->nbloom - 1, nw = d->n - d->done;
    const uint64_t *key = d->key + d->done;
    uint64_t *bloom = d->bloom;
    dup_wait *wait = d->wait;
    for (size_t i = 0; i < nw; i++) {
        if (i + 32 < nw) __builtin_prefetch(&bloom[key[i + 32] & mask], 1);
        uint64_t k = key[i], m = bloom_bits(k), *w = &bloom[k & mask], old = *w;
        *w = old | m;
        wait[i].seen = (old & m) == m;
    }
    for (size_t i = d->done; i < d->n; i++) {
        const dup_wait *wt = &d->wait[i - d->done];
        if (!wt->seen) continue; /* a key not seen before */
        size_t from = i > d->done ? wt[-1].end : 0, len = wt->end - from;
        if (d->nflag == d->capflag) {
            size_t cap = d->capflag ? 2 * d->capflag : 64;
            dup_flag *f = realloc(d->flag, cap * sizeof *f);
            if (!f) return MSUM_ENOMEM;
            d->flag = f;
            d->capflag = cap;
        }
        if (reserve(&d->text, &d->captext, d->ntext, len) != MSUM_OK) return MSUM_ENOMEM;
        memcpy(d->text + d->ntext, d->wtext + from, len);
        d->flag[d->nflag++] = (dup_flag){i, d->ntext, wt->line, wt->col};
        d->ntext += len;
    }
    d->done = d->n;
    d->wlen = 0;
    return MSUM_OK;
}

/* A text and its NUL at t; returns the byte after. */
static char *put_text(char *t, const char *s, size_t n)
{
    if (n) memcpy(t, s, n);
    t[n] = '\0';
    return t + n + 1;
}

int msum_dups_row(msum_dups *d, const msum_row *row, const msum_record *rec)
{
    if (!d || d->c_study < 0 || rec->input == MSUM_INPUT_NONE ||
        rec->input == MSUM_INPUT_DIRECTION)
        return MSUM_OK;
    const char *study = cell_text(row, d->c_study);
    size_t ls = cell_len(row, d->c_study), lo = cell_len(row, d->c_outcome),
           li = cell_len(row, d->c_id);
    if (ls == 0 || (ls == 2 && study[0] == 'N' && study[1] == 'A')) return MSUM_OK; /* none */
    const char *outcome = cell_text(row, d->c_outcome), *id = cell_text(row, d->c_id);
    uint64_t h = mix_text(mix_text(1469598103934665603ULL, study, ls), outcome, lo);
    h = mix64(h, ((uint64_t)rec->input << 32) | (uint32_t)rec->measure);
    /* the numbers of the fields the header has (the others are NaN in every row) */
    for (unsigned long long bits = d->t->present; bits; bits &= bits - 1) {
        int f = __builtin_ctzll(bits);
        double v = rec->x[f];
        if (isnan(v)) v = NAN; /* one NaN, one zero */
        else if (v == 0) v = 0;
        uint64_t w;
        memcpy(&w, &v, sizeof w);
        h = mix64(h, w ^ (uint64_t)f);
    }
    h = finish(h);
    if (d->n == d->cap && dups_grow(d) != MSUM_OK) return MSUM_ENOMEM;
    if (d->n >= 8 * d->nbloom && (dups_sift(d) != MSUM_OK || bloom_grow(d) != MSUM_OK))
        return MSUM_ENOMEM;
    if ((d->n - d->done == DUP_BATCH || d->wlen > DUP_BATCH_TEXT) && dups_sift(d) != MSUM_OK)
        return MSUM_ENOMEM;
    if (!d->wait && !(d->wait = malloc(DUP_BATCH * sizeof *d->wait))) return MSUM_ENOMEM;
    if (reserve(&d->wtext, &d->wcap, d->wlen, ls + lo + li + 3) != MSUM_OK) return MSUM_ENOMEM;
    uint32_t line = sat32(row->row_line, 1);
    if (line > d->last && line - d->last < DUP_FAR) {
        d->step[d->n] = (unsigned char)(line - d->last);
    } else {
        if (d->nfar == d->capfar) {
            size_t cap = d->capfar ? 2 * d->capfar : 16;
            uint32_t *f = realloc(d->far, cap * sizeof *f);
            if (!f) return MSUM_ENOMEM;
            d->far = f;
            d->capfar = cap;
        }
        d->far[d->nfar++] = line;
        d->step[d->n] = DUP_FAR;
    }
    d->last = line;
    if (d->id) d->id[d->n] = (uint32_t)finish(mix_text(1469598103934665603ULL, id, li));
    /* the row waits for the filter with its texts */
    char *t = put_text(d->wtext + d->wlen, study, ls);
    t = put_text(put_text(t, outcome, lo), id, li);
    d->wlen = (size_t)(t - d->wtext);
    long sline, scol;
    cell_pos(row, d->c_study, &sline, &scol);
    d->wait[d->n - d->done] = (dup_wait){d->wlen, sat32(sline, 1), sat32(scol, 0), 0};
    d->key[d->n++] = h;
    return MSUM_OK;
}

/* The flagged row f repeats the row `first`; idh: the hash of its id, row_line: its line. */
static int dups_report(msum_dups *d, const dup_flag *f, const dup_first *first, uint32_t idh,
                       uint32_t row_line, msum_diags *diags)
{
    const char *study = d->text + f->text, *outcome = study + strlen(study) + 1,
               *id = outcome + strlen(outcome) + 1;
    char buf[96], obuf[96];
    if (d->c_id >= 0 && *id && first->id == idh) {
        msum_diags_add(diags, MSUM_DIAG_ERROR, d->t->name, (long)f->line, (long)f->col,
                       d->study_name, "found a copy of line %ld (same id '%s', %s, outcome and "
                       "numbers), expected each effect once", (long)first->line,
                       shown(id, buf, sizeof buf), d->study_name);
        if (d->ncopy == d->capcopy) {
            size_t cap = d->capcopy ? 2 * d->capcopy : 16;
            uint32_t *c = realloc(d->copy, cap * sizeof *c);
            if (!c) return MSUM_ENOMEM;
            d->copy = c;
            d->capcopy = cap;
        }
        d->copy[d->ncopy++] = row_line;
        return MSUM_OK;
    }
    char with[128] = "";
    if (d->c_outcome >= 0)
        snprintf(with, sizeof with, " with outcome '%s'", shown(outcome, obuf, sizeof obuf));
    msum_diags_add(diags, MSUM_DIAG_WARNING, d->t->name, (long)f->line, (long)f->col,
                   d->study_name, "found '%s' again%s and the same numbers as line %ld: one "
                   "effect entered twice? (it would be pooled twice)",
                   shown(study, buf, sizeof buf), with, (long)first->line);
    return MSUM_OK;
}

/* The table of flagged keys: open addressing from a multiplicative hash. */
static size_t first_index(uint64_t k, int shift)
{
    return (size_t)((k * 0x9e3779b97f4a7c15ULL) >> shift);
}

static dup_first *first_slot(dup_first *tab, size_t mask, int shift, uint64_t k)
{
    size_t s = first_index(k, shift);
    while (tab[s].key && tab[s].key != k) s = (s + 1) & mask;
    return &tab[s];
}

/* Before the table: a filter of the flagged keys small enough for the first-level cache. */
static uint64_t small_bits(uint64_t k)
{
    return (1ULL << ((k >> 8) & 63)) | (1ULL << ((k >> 14) & 63));
}

int msum_dups_finish(msum_dups *d, msum_diags *diags)
{
    if (!d) return MSUM_OK;
    int st = d->n > d->done ? dups_sift(d) : MSUM_OK;
    free(d->bloom);
    d->bloom = NULL;
    dup_first *tab = NULL;
    uint64_t *small = NULL;
    if (st == MSUM_OK && d->nflag > 0) {
        /* the table at most half full; the small filter 16 bits a key */
        size_t nt = 16, ns = 1;
        int shift = 60;
        while (nt < 2 * d->nflag) {
            nt *= 2;
            shift--;
        }
        while (64 * ns < 16 * d->nflag) ns *= 2;
        tab = calloc(nt, sizeof *tab);
        small = calloc(ns, sizeof *small);
        if (!tab || !small) st = MSUM_ENOMEM;
        for (size_t j = 0; st == MSUM_OK && j < d->nflag; j++) {
            uint64_t k = d->key[d->flag[j].row];
            first_slot(tab, nt - 1, shift, k)->key = k;
            small[(k >> 20) & (ns - 1)] |= small_bits(k);
        }
        /* the rows in order up to the last flagged one: the first row of each flagged key,
         * then the flagged rows that repeat it */
        size_t last = d->flag[d->nflag - 1].row, j = 0, far = 0;
        uint32_t line = 0;
        for (size_t i = 0; st == MSUM_OK && i <= last; i++) {
            line = d->step[i] == DUP_FAR ? d->far[far++] : line + d->step[i];
            uint64_t k = d->key[i], m = small_bits(k);
            if ((small[(k >> 20) & (ns - 1)] & m) != m) continue; /* not a flagged key */
            dup_first *s = first_slot(tab, nt - 1, shift, k);
            if (!s->key) continue;
            const dup_flag *f = d->flag[j].row == i ? &d->flag[j++] : NULL; /* j < nflag */
            uint32_t idh = d->id ? d->id[i] : 0;
            if (!s->line) {
                s->line = line;
                s->id = idh;
            } else if (f) {
                st = dups_report(d, f, s, idh, line, diags);
            }
        }
    }
    free(tab);
    free(small);
    dups_release(d);
    return st;
}

int msum_dups_is_copy(const msum_dups *d, long row_line)
{
    if (!d) return 0;
    uint32_t l = sat32(row_line, 1);
    size_t lo = 0, hi = d->ncopy;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (d->copy[mid] < l) lo = mid + 1;
        else hi = mid;
    }
    return lo < d->ncopy && d->copy[lo] == l;
}

/* ---- dataset ---------------------------------------------------------------------------- */

struct msum_dataset {
    char *name;
    size_t ncols, nrows, cap;
    char **colname;
    msum_strix *byname; /* colname in name order: lookups are O(log n) */
    char *arena;          /* every cell's text, NUL-terminated */
    size_t alen, acap;
    size_t *off;          /* nrows * ncols offsets into arena; SIZE_MAX = short row */
    long *line, *col;     /* nrows * ncols positions */
    long *row_line;
    msum_record *rec;
    unsigned char *omit;  /* per row: left out under MSUM_MISSING_OMIT */
    size_t nblank;
    char *columns;        /* msum_typer_columns() of the header */
    int c_role[R_COUNT];
};

void msum_dataset_free(msum_dataset *ds)
{
    if (!ds) return;
    for (size_t i = 0; i < ds->ncols; i++) free(ds->colname[i]);
    free(ds->colname);
    free(ds->byname);
    free(ds->name);
    free(ds->arena);
    free(ds->off);
    free(ds->line);
    free(ds->col);
    free(ds->row_line);
    free(ds->rec);
    free(ds->omit);
    free(ds->columns);
    free(ds);
}

static int ds_add_row(msum_dataset *ds, const msum_row *row)
{
    size_t nc = ds->ncols;
    if (ds->nrows == ds->cap) {
        size_t cap = ds->cap ? 2 * ds->cap : 64;
        size_t cells = cap * (nc ? nc : 1);
        size_t *off = realloc(ds->off, cells * sizeof *off);
        if (!off) return MSUM_ENOMEM;
        ds->off = off;
        long *line = realloc(ds->line, cells * sizeof *line);
        if (!line) return MSUM_ENOMEM;
        ds->line = line;
        long *col = realloc(ds->col, cells * sizeof *col);
        if (!col) return MSUM_ENOMEM;
        ds->col = col;
        long *rl = realloc(ds->row_line, cap * sizeof *rl);
        if (!rl) return MSUM_ENOMEM;
        ds->row_line = rl;
        msum_record *rec = realloc(ds->rec, cap * sizeof *rec);
        if (!rec) return MSUM_ENOMEM;
        ds->rec = rec;
        unsigned char *om = realloc(ds->omit, cap);
        if (!om) return MSUM_ENOMEM;
        ds->omit = om;
        ds->cap = cap;
    }
    size_t need = 0;
    for (size_t j = 0; j < nc && j < row->n; j++) need += row->len[j] + 1;
    if (ds->alen + need > ds->acap) {
        size_t cap = ds->acap ? ds->acap : 4096;
        while (cap < ds->alen + need) cap *= 2;
        char *a = realloc(ds->arena, cap);
        if (!a) return MSUM_ENOMEM;
        ds->arena = a;
        ds->acap = cap;
    }
    size_t r = ds->nrows;
    for (size_t j = 0; j < nc; j++) {
        size_t k = r * nc + j;
        if (j < row->n) {
            ds->off[k] = ds->alen;
            memcpy(ds->arena + ds->alen, row->cell[j], row->len[j] + 1);
            ds->alen += row->len[j] + 1;
            ds->line[k] = row->line[j];
            ds->col[k] = row->col[j];
        } else {
            ds->off[k] = SIZE_MAX;
            ds->line[k] = row->row_line;
            ds->col[k] = 0;
        }
    }
    ds->row_line[r] = row->row_line;
    msum_record_clear(&ds->rec[r]);
    ds->omit[r] = 0;
    ds->nrows++;
    return MSUM_OK;
}

int msum_dataset_read(const char *path, msum_diags *diags, msum_dataset **out)
{
    return msum_dataset_read_filtered(path, NULL, diags, out);
}

int msum_dataset_read_filtered(const char *path, const char *filter, msum_diags *diags,
                               msum_dataset **out)
{
    /* the curated format: commas, decimal points, a missing field is an error */
    msum_read_opts o = MSUM_READ_OPTS_DEFAULT;
    o.delim = ',';
    o.decimal = '.';
    o.missing = MSUM_MISSING_ERROR;
    return msum_dataset_read_opts(path, filter, &o, diags, out);
}

int msum_dataset_read_opts(const char *path, const char *filter, const msum_read_opts *o,
                           msum_diags *diags, msum_dataset **out)
{
    *out = NULL;
    msum_reader *rd = NULL;
    int rc = msum_reader_open_opts(path, NULL, o, diags, &rd);
    if (rc != MSUM_OK) return rc;
    if ((rc = msum_reader_filter(rd, filter)) != MSUM_OK) {
        msum_reader_free(rd);
        return rc;
    }
    msum_dataset *ds = calloc(1, sizeof *ds);
    if (!ds || !(ds->name = strdup(msum_reader_name(rd)))) {
        free(ds);
        msum_reader_free(rd);
        return MSUM_ENOMEM;
    }
    const msum_row *h = msum_reader_header(rd);
    ds->colname = calloc(h->n ? h->n : 1, sizeof *ds->colname);
    if (!ds->colname) {
        rc = MSUM_ENOMEM;
        goto done;
    }
    for (size_t j = 0; j < h->n; j++) {
        if (!(ds->colname[j] = strdup(h->cell[j]))) {
            rc = MSUM_ENOMEM;
            goto done;
        }
        ds->ncols = j + 1;
    }
    if (!(ds->byname = msum_strix_new((const char *const *)ds->colname, ds->ncols))) {
        rc = MSUM_ENOMEM;
        goto done;
    }
    msum_typer *t = NULL;
    for (int r = 0; r < R_COUNT; r++) ds->c_role[r] = -1;
    if (h->n > 0) {
        rc = msum_typer_from_reader(rd, o, diags, &t);
        if (rc == MSUM_ENOMEM) goto done;
        rc = MSUM_OK; /* an unusable header is reported; rows are still kept as text */
        if (t) {
            memcpy(ds->c_role, t->c_role, sizeof ds->c_role);
            if (!(ds->columns = strdup(msum_typer_columns(t)))) {
                msum_typer_free(t);
                rc = MSUM_ENOMEM;
                goto done;
            }
        }
    }
    msum_row row;
    int got = 1;
    if (h->n == 0 && (got = msum_reader_next(rd, &row)) == 0) /* < 0: a reported CSV defect */
        msum_diags_add(diags, MSUM_DIAG_ERROR, ds->name, 1, 0, NULL,
                       "found an empty file, expected a header row");
    while (got == 1 && (got = msum_reader_next(rd, &row)) == 1) {
        if ((rc = ds_add_row(ds, &row)) != MSUM_OK) break;
        int om = 0;
        if (t) msum_typer_row_na(t, &row, &ds->rec[ds->nrows - 1], diags, &om);
        ds->omit[ds->nrows - 1] = (unsigned char)om;
    }
    ds->nblank = msum_reader_blank_rows(rd);
    msum_reader_note_blank(rd, diags);
    if (got < 0) rc = -got == MSUM_ENOMEM ? MSUM_ENOMEM : -got == MSUM_EIO ? MSUM_EIO
                                                                           : MSUM_EPARSE;
    else if (h->n > 0 && rc == MSUM_OK) msum_check_has_rows(ds->name, ds->nrows, filter, diags);
    msum_typer_free(t);
done:
    msum_reader_free(rd);
    if (rc == MSUM_ENOMEM || rc == MSUM_EIO) {
        msum_dataset_free(ds);
        return rc;
    }
    *out = ds;
    return rc;
}

const char *msum_dataset_name(const msum_dataset *ds) { return ds->name; }
int msum_dataset_omitted(const msum_dataset *ds, size_t row)
{
    return row < ds->nrows && ds->omit[row];
}
size_t msum_dataset_blank_rows(const msum_dataset *ds) { return ds->nblank; }
const char *msum_dataset_columns(const msum_dataset *ds)
{
    return ds->columns ? ds->columns : "";
}
int msum_dataset_role_col(const msum_dataset *ds, const char *role)
{
    int r = role_lookup(role, strlen(role));
    return r < 0 ? -1 : ds->c_role[r];
}
size_t msum_dataset_ncols(const msum_dataset *ds) { return ds->ncols; }
size_t msum_dataset_nrows(const msum_dataset *ds) { return ds->nrows; }

const char *msum_dataset_colname(const msum_dataset *ds, size_t col)
{
    return col < ds->ncols ? ds->colname[col] : NULL;
}

int msum_dataset_col(const msum_dataset *ds, const char *name)
{
    return ds->byname ? (int)msum_strix_find(ds->byname, ds->ncols, name) : -1;
}

const char *msum_dataset_cell(const msum_dataset *ds, size_t row, size_t col)
{
    if (row >= ds->nrows || col >= ds->ncols) return NULL;
    size_t o = ds->off[row * ds->ncols + col];
    return o == SIZE_MAX ? "" : ds->arena + o;
}

const char *msum_dataset_get(const msum_dataset *ds, size_t row, const char *colname)
{
    int c = msum_dataset_col(ds, colname);
    return c < 0 ? NULL : msum_dataset_cell(ds, row, (size_t)c);
}

long msum_dataset_line(const msum_dataset *ds, size_t row)
{
    return row < ds->nrows ? ds->row_line[row] : 0;
}

void msum_dataset_pos(const msum_dataset *ds, size_t row, size_t col, long *line, long *colno)
{
    if (row >= ds->nrows || col >= ds->ncols) {
        *line = 0;
        *colno = 0;
        return;
    }
    *line = ds->line[row * ds->ncols + col];
    *colno = ds->col[row * ds->ncols + col];
}

const msum_record *msum_dataset_record(const msum_dataset *ds, size_t row)
{
    return row < ds->nrows ? &ds->rec[row] : NULL;
}

typedef struct {
    const msum_dataset *ds;
    size_t row;
} dataset_ctx;

static void dataset_field_pos(const void *ctx, int field, long *line, long *col,
                              const char **colname)
{
    const dataset_ctx *x = ctx;
    const char *nm = field >= 0 ? msum_field_name((msum_field)field) : "input";
    int c = msum_dataset_role_col(x->ds, nm); /* after --col mapping and aliases */
    if (c >= 0) msum_dataset_pos(x->ds, x->row, (size_t)c, line, col);
    else {
        *line = msum_dataset_line(x->ds, x->row);
        *col = 0;
    }
    *colname = c >= 0 ? msum_dataset_colname(x->ds, (size_t)c) : NULL;
}

int msum_dataset_effect(const msum_dataset *ds, size_t row, msum_measure measure,
                        const msum_escalc_opts *eo, msum_effect *eff, msum_diags *diags)
{
    dataset_ctx x = {ds, row};
    return effect_checked(ds->name, &ds->rec[row], measure, eo, eff, diags, dataset_field_pos,
                          &x);
}
