/* The table-building sink: the rows a streaming analysis hands over (msum_sink, table.h)
 * collected into an msum_table, for msum_analysis_run and the report. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "metasum/metasum.h"
#include "metasum/reader.h"
#include "metasum/table.h"

typedef struct {
    msum_table *t;    /* being built */
    msum_table *done; /* after end(MSUM_OK) */
    size_t ncols;
    char *text;       /* one cell as a C string */
    size_t textcap;
} table_sink;

static int ts_begin(void *ctx, const msum_table *cols, int checked)
{
    (void)checked; /* the rows are kept until end() either way */
    table_sink *s = ctx;
    msum_table_free(s->t);
    s->t = msum_table_new(msum_table_name(cols), msum_table_title(cols));
    if (!s->t) return MSUM_ENOMEM;
    s->ncols = msum_table_ncols(cols);
    for (size_t c = 0; c < s->ncols; c++)
        if (msum_table_add_col(s->t, msum_table_col_name(cols, c), msum_table_col_type(cols, c),
                               msum_table_col_desc(cols, c)) < 0)
            return MSUM_ENOMEM;
    for (size_t i = 0; i < msum_table_nmeta(cols); i++)
        if (msum_table_set_meta(s->t, msum_table_meta_key(cols, i),
                                msum_table_meta_value(cols, i)) != MSUM_OK)
            return MSUM_ENOMEM;
    return MSUM_OK;
}

static int ts_row(void *ctx, const msum_cell *cells)
{
    table_sink *s = ctx;
    long r = msum_table_add_row(s->t);
    if (r < 0) return MSUM_ENOMEM;
    for (size_t c = 0; c < s->ncols; c++) {
        if (msum_table_col_type(s->t, c) != MSUM_COL_TEXT) {
            msum_table_set_num(s->t, (size_t)r, c, cells[c].num);
            continue;
        }
        const msum_cell *x = &cells[c];
        if (!x->text || x->len == 0 || (x->len == 2 && memcmp(x->text, "NA", 2) == 0))
            continue; /* NA */
        if (x->len + 1 > s->textcap) {
            char *p = realloc(s->text, x->len + 1);
            if (!p) return MSUM_ENOMEM;
            s->text = p;
            s->textcap = x->len + 1;
        }
        memcpy(s->text, x->text, x->len);
        s->text[x->len] = '\0';
        if (msum_table_set_text(s->t, (size_t)r, c, s->text) != MSUM_OK) return MSUM_ENOMEM;
    }
    return MSUM_OK;
}

/* Is every value of text column c an integer (and one there at least)? */
static int integer_column(const msum_table *t, size_t c)
{
    int any = 0;
    for (size_t r = 0; r < msum_table_nrows(t); r++) {
        const char *v = msum_table_text(t, r, c);
        double x;
        int got = v ? msum_parse_double(v, strlen(v), &x) : 0;
        if (got < 0 || (got == 1 && x != floor(x))) return 0;
        any |= got == 1;
    }
    return any;
}

/* t with its text columns of integers as integer columns (t itself when there are none). */
static msum_table *retype(msum_table *t)
{
    size_t nc = msum_table_ncols(t), nr = msum_table_nrows(t), nint = 0;
    unsigned char *isint = calloc(nc + 1, 1);
    if (!isint) return NULL;
    for (size_t c = 0; c < nc; c++)
        if (msum_table_col_type(t, c) == MSUM_COL_TEXT && integer_column(t, c)) {
            isint[c] = 1;
            nint++;
        }
    if (nint == 0) {
        free(isint);
        return t;
    }
    msum_table *u = msum_table_new(msum_table_name(t), msum_table_title(t));
    int ok = u != NULL;
    for (size_t c = 0; ok && c < nc; c++)
        ok = msum_table_add_col(u, msum_table_col_name(t, c),
                                isint[c] ? MSUM_COL_INT : msum_table_col_type(t, c),
                                msum_table_col_desc(t, c)) >= 0;
    for (size_t i = 0; ok && i < msum_table_nmeta(t); i++)
        ok = msum_table_set_meta(u, msum_table_meta_key(t, i), msum_table_meta_value(t, i)) ==
             MSUM_OK;
    ok = ok && msum_table_reserve(u, nr) == MSUM_OK;
    for (size_t r = 0; ok && r < nr; r++) {
        ok = msum_table_add_row(u) >= 0;
        for (size_t c = 0; ok && c < nc; c++) {
            const char *v = msum_table_text(t, r, c);
            double x = NAN;
            if (isint[c]) {
                if (v) msum_parse_double(v, strlen(v), &x);
                msum_table_set_num(u, r, c, x);
            } else if (msum_table_col_type(t, c) == MSUM_COL_TEXT) {
                ok = !v || msum_table_set_text(u, r, c, v) == MSUM_OK;
            } else {
                msum_table_set_num(u, r, c, msum_table_num(t, r, c));
            }
        }
    }
    free(isint);
    if (!ok) {
        msum_table_free(u);
        return NULL;
    }
    msum_table_free(t);
    return u;
}

static int ts_end(void *ctx, int status)
{
    table_sink *s = ctx;
    if (status != MSUM_OK || !s->t) {
        msum_table_free(s->t);
        s->t = NULL;
        return MSUM_OK;
    }
    msum_table *u = retype(s->t);
    if (!u) return MSUM_ENOMEM; /* s->t is kept and freed with the sink */
    s->done = u;
    s->t = NULL;
    return MSUM_OK;
}

int msum_table_sink_new(msum_sink *out)
{
    memset(out, 0, sizeof *out);
    table_sink *s = calloc(1, sizeof *s);
    if (!s) return MSUM_ENOMEM;
    *out = (msum_sink){ts_begin, ts_row, ts_end, s};
    /* s is owned by *out (its ctx) now, freed by the sink's free function */
    // cppcheck-suppress memleak
    return MSUM_OK;
}

msum_table *msum_table_sink_take(msum_sink *sink)
{
    table_sink *s = sink ? sink->ctx : NULL;
    if (!s) return NULL;
    msum_table *t = s->done;
    s->done = NULL;
    return t;
}

void msum_table_sink_free(msum_sink *sink)
{
    table_sink *s = sink ? sink->ctx : NULL;
    if (s) {
        msum_table_free(s->t);
        msum_table_free(s->done);
        free(s->text);
        free(s);
    }
    if (sink) memset(sink, 0, sizeof *sink);
}
