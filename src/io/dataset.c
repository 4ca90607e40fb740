/* The row typer (header mapped once, then strict typing of each row with positions in every
 * diagnostic) and whole-file datasets built on the streaming reader.
 * Format: datasets/README.md.
 */
#include "metasum/dataset.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "metasum/checks.h"
#include "metasum/metasum.h"
#include "strindex.h"

/* ---- typer ------------------------------------------------------------------------------ */

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
};

void msum_typer_free(msum_typer *t)
{
    if (!t) return;
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
};

int msum_typer_new(const msum_row *h, const char *name, msum_diags *diags, msum_typer **out)
{
    *out = NULL;
    msum_typer *t = calloc(1, sizeof *t);
    if (!t) return MSUM_ENOMEM;
    t->name = strdup(name ? name : "-");
    t->colname = calloc(h->n ? h->n : 1, sizeof *t->colname);
    if (!t->name || !t->colname) {
        msum_typer_free(t);
        return MSUM_ENOMEM;
    }
    t->ncols = h->n;
    for (int f = 0; f < MSUM_F_COUNT_; f++) t->col_of[f] = -1;
    t->c_input = t->c_measure = t->c_direction = -1;
    msum_record_clear(&t->blank);
    for (size_t i = 0; i < h->n; i++)
        if (!(t->colname[i] = strdup(h->cell[i]))) {
            msum_typer_free(t);
            return MSUM_ENOMEM;
        }
    if (!(t->byname = msum_strix_new((const char *const *)t->colname, h->n))) {
        msum_typer_free(t);
        return MSUM_ENOMEM;
    }
    /* In name order the later uses of a name follow its first use (ties are by position). */
    for (size_t k = 1, first = 0; k < h->n; k++) {
        if (strcmp(t->byname[k].text, t->byname[first].text) != 0) {
            first = k;
            continue;
        }
        size_t i = t->byname[k].pos, f = t->byname[first].pos;
        msum_diags_add(diags, MSUM_DIAG_ERROR, t->name, h->line[i], h->col[i], h->cell[i],
                       "found a second column '%s', expected unique column names (first "
                       "at %ld:%ld)", h->cell[i], h->line[f], h->col[f]);
    }
    for (size_t i = 0; i < h->n; i++) {
        if (msum_strix_find(t->byname, h->n, h->cell[i]) != (long)i) continue; /* a repeat */
        int f = msum_field_lookup(h->cell[i]);
        if (f >= 0) t->col_of[f] = (int)i;
        else if (strcmp(h->cell[i], "input") == 0) t->c_input = (int)i;
        else if (strcmp(h->cell[i], "measure") == 0) t->c_measure = (int)i;
        else if (strcmp(h->cell[i], "direction") == 0) t->c_direction = (int)i;
    }
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
            msum_typer_free(t);
            return MSUM_EDATA;
        }
    }
    *out = t;
    return MSUM_OK;
}

int msum_typer_col(const msum_typer *t, const char *colname)
{
    return (int)msum_strix_find(t->byname, t->ncols, colname);
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

/* What a text that is not a number should have been. */
static const char *number_expected(const char *s)
{
    if (strchr(s, ',')) return "a number with '.' as the decimal point (C locale)";
    if (s[0] == ' ' || s[0] == '\t' || (*s && strchr(" \t", s[strlen(s) - 1])))
        return "a number without surrounding spaces";
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
    size_t nerr = 0;
    char buf[96];
    long line, colno;
    *rec = t->blank;

    for (int k = 0; k < t->nmapped; k++) {
        int c = t->mcol[k];
        if ((size_t)c >= row->n) continue;
        int rc = msum_parse_double(row->cell[c], row->len[c], &rec->x[t->mfield[k]]);
        if (rc < 0) {
            rec->x[t->mfield[k]] = NAN;
            msum_diags_add(diags, MSUM_DIAG_ERROR, t->name, row->line[c], row->col[c],
                           t->colname[c], "found '%s', expected %s",
                           shown(row->cell[c], buf, sizeof buf), number_expected(row->cell[c]));
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
    msum_check chk[MSUM_CHECKS_MAX];
    size_t n = msum_record_check(rec, t->present, chk, MSUM_CHECKS_MAX);
    if (n > MSUM_CHECKS_MAX) n = MSUM_CHECKS_MAX;
    for (size_t i = 0; i < n; i++) {
        const msum_check *c = &chk[i];
        if (c->kind == MSUM_CHECK_MISSING && skip_missing) continue;
        if (c->severity == MSUM_DIAG_ERROR) nerr++;
        if (c->kind == MSUM_CHECK_MISSING) {
            cell_pos(row, t->c_input, &line, &colno);
            msum_diags_add(diags, c->severity, t->name, line, colno,
                           t->c_input >= 0 ? "input" : NULL,
                           "found '%s' without %s, expected %s", msum_input_name(rec->input),
                           c->text, msum_input_needs(rec->input));
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
    *out = NULL;
    msum_reader *rd = NULL;
    int rc = msum_reader_open(path, NULL, diags, &rd);
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
    if (h->n > 0) {
        rc = msum_typer_new(h, ds->name, diags, &t);
        if (rc == MSUM_ENOMEM) goto done;
        rc = MSUM_OK; /* an unusable header is reported; rows are still kept as text */
    }
    msum_row row;
    int got = 1;
    if (h->n == 0 && (got = msum_reader_next(rd, &row)) == 0) /* < 0: a reported CSV defect */
        msum_diags_add(diags, MSUM_DIAG_ERROR, ds->name, 1, 0, NULL,
                       "found an empty file, expected a header row");
    while (got == 1 && (got = msum_reader_next(rd, &row)) == 1) {
        if ((rc = ds_add_row(ds, &row)) != MSUM_OK) break;
        if (t) msum_typer_row(t, &row, &ds->rec[ds->nrows - 1], diags);
    }
    if (got < 0) rc = -got == MSUM_ENOMEM ? MSUM_ENOMEM : -got == MSUM_EIO ? MSUM_EIO
                                                                           : MSUM_EPARSE;
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
