/* Internal table-filling helper (see tbuild.h): one sticky status instead of a check per cell. */
#include "tbuild.h"

#include "metasum/metasum.h"

void msum_tb_init(msum_tb *b, const char *name, const char *title, const msum_tb_col *cols,
                  size_t ncols)
{
    b->row = -1;
    b->st = MSUM_OK;
    b->t = msum_table_new(name, title);
    if (!b->t) {
        b->st = MSUM_ENOMEM;
        return;
    }
    msum_tb_meta(b, "table", name);
    for (size_t c = 0; c < ncols && b->st == MSUM_OK; c++)
        if (msum_table_add_col(b->t, cols[c].name, cols[c].type, cols[c].desc) < 0)
            b->st = MSUM_ENOMEM;
}

void msum_tb_row(msum_tb *b)
{
    if (b->st != MSUM_OK) return;
    b->row = msum_table_add_row(b->t);
    if (b->row < 0) b->st = MSUM_ENOMEM;
}

void msum_tb_text(msum_tb *b, const char *col, const char *s)
{
    if (b->st != MSUM_OK) return;
    int c = msum_table_col_index(b->t, col);
    b->st = c < 0 ? MSUM_EINVAL
                  : msum_table_set_text(b->t, (size_t)b->row, (size_t)c, s && *s ? s : NULL);
}

void msum_tb_num(msum_tb *b, const char *col, double v)
{
    if (b->st != MSUM_OK) return;
    int c = msum_table_col_index(b->t, col);
    b->st = c < 0 ? MSUM_EINVAL : msum_table_set_num(b->t, (size_t)b->row, (size_t)c, v);
}

void msum_tb_meta(msum_tb *b, const char *key, const char *value)
{
    if (b->st == MSUM_OK) b->st = msum_table_set_meta(b->t, key, value);
}

int msum_tb_finish(msum_tb *b, msum_table **out)
{
    msum_tb_meta(b, "metasum_version", MSUM_VERSION);
    if (b->st != MSUM_OK) {
        msum_table_free(b->t);
        *out = NULL;
        return b->st;
    }
    *out = b->t;
    return MSUM_OK;
}
