/* What an analysis produced: its tables and plots, owned by the result. */
#include <stdlib.h>
#include <string.h>

#include "metasum/analysis.h"
#include "metasum/table.h"

int msum_result_add_table(msum_result *r, msum_table *t)
{
    if (!t) return MSUM_ENOMEM;
    msum_table **v = realloc(r->tables, (r->ntables + 1) * sizeof *v);
    if (!v) {
        msum_table_free(t);
        return MSUM_ENOMEM;
    }
    r->tables = v;
    r->tables[r->ntables++] = t;
    return MSUM_OK;
}

int msum_result_add_plot(msum_result *r, const char *name, char *svg_owned)
{
    char *n = svg_owned ? strdup(name) : NULL;
    char **a = n ? realloc(r->plot_names, (r->nplots + 1) * sizeof *a) : NULL;
    if (a) r->plot_names = a;
    char **b = a ? realloc(r->plots, (r->nplots + 1) * sizeof *b) : NULL;
    if (!b) {
        free(n);
        free(svg_owned);
        return MSUM_ENOMEM;
    }
    r->plots = b;
    r->plot_names[r->nplots] = n;
    r->plots[r->nplots++] = svg_owned;
    return MSUM_OK;
}

const msum_table *msum_result_table(const msum_result *r, const char *name)
{
    for (size_t i = 0; i < r->ntables; i++)
        if (strcmp(msum_table_name(r->tables[i]), name) == 0) return r->tables[i];
    return NULL;
}

const char *msum_result_plot(const msum_result *r, const char *name)
{
    for (size_t i = 0; i < r->nplots; i++)
        if (strcmp(r->plot_names[i], name) == 0) return r->plots[i];
    return NULL;
}

void msum_result_free(msum_result *r)
{
    for (size_t i = 0; i < r->ntables; i++) msum_table_free(r->tables[i]);
    for (size_t i = 0; i < r->nplots; i++) {
        free(r->plot_names[i]);
        free(r->plots[i]);
    }
    free(r->tables);
    free(r->plot_names);
    free(r->plots);
    memset(r, 0, sizeof *r);
}
