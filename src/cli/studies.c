/* Reading an effect CSV into per-study arrays for the bias and sensitivity commands: each row's
 * yi/vi through msum_escalc (or as given), its sample size and its label. */
#include "studies.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "metasum/dataset.h"
#include "metasum/reader.h"

void cli_studies_free(cli_studies *s)
{
    if (!s) return;
    if (s->label)
        for (size_t i = 0; i < s->k; i++) free(s->label[i]);
    free(s->yi);
    free(s->vi);
    free(s->ni);
    free(s->key);
    free(s->line);
    free(s->label);
    memset(s, 0, sizeof *s);
}

static int grow(cli_studies *s, size_t *cap, int want_key, int want_label)
{
    if (s->k < *cap) return 1;
    size_t n = *cap ? 2 * *cap : 64;
    double *a = realloc(s->yi, n * sizeof *a);
    if (a) s->yi = a;
    double *b = realloc(s->vi, n * sizeof *b);
    if (b) s->vi = b;
    double *c = realloc(s->ni, n * sizeof *c);
    if (c) s->ni = c;
    long *l = realloc(s->line, n * sizeof *l);
    if (l) s->line = l;
    if (!a || !b || !c || !l) return 0;
    if (want_key) {
        double *kk = realloc(s->key, n * sizeof *kk);
        if (!kk) return 0;
        s->key = kk;
    }
    if (want_label) {
        char **lb = realloc(s->label, n * sizeof *lb);
        if (!lb) return 0;
        s->label = lb;
    }
    *cap = n;
    return 1;
}

static double sample_size(const msum_record *r)
{
    const double *x = r->x;
    if (!isnan(x[MSUM_F_NI])) return x[MSUM_F_NI];
    if (!isnan(x[MSUM_F_N1I]) && !isnan(x[MSUM_F_N2I])) return x[MSUM_F_N1I] + x[MSUM_F_N2I];
    if (!isnan(x[MSUM_F_AI]) && !isnan(x[MSUM_F_BI]) && !isnan(x[MSUM_F_CI]) &&
        !isnan(x[MSUM_F_DI]))
        return x[MSUM_F_AI] + x[MSUM_F_BI] + x[MSUM_F_CI] + x[MSUM_F_DI];
    return NAN;
}

int cli_studies_read(const char *cmd, const char *file, const char *filter, msum_measure measure,
                     double level, const char *key_col, cli_studies *s)
{
    memset(s, 0, sizeof *s);
    msum_diags *d = msum_diags_new();
    if (!d) return EXIT_NUMERICAL;
    msum_reader *rd = NULL;
    msum_typer *ty = NULL;
    int rc = EXIT_OK, st = msum_reader_open(file, NULL, d, &rd);
    if (st != MSUM_OK) {
        rc = st == MSUM_ENOMEM ? EXIT_NUMERICAL : EXIT_IO;
        goto done;
    }
    const char *fname = msum_reader_name(rd);
    st = msum_reader_filter(rd, filter);
    if (st == MSUM_OK) st = msum_typer_new(msum_reader_header(rd), fname, d, &ty);
    if (st != MSUM_OK) {
        rc = st == MSUM_ENOMEM ? EXIT_NUMERICAL : EXIT_DATA;
        goto done;
    }
    int c_key = -1, c_label = msum_typer_col(ty, "id");
    if (c_label < 0) c_label = msum_typer_col(ty, "study");
    if (c_label < 0) c_label = msum_typer_col(ty, "author");
    if (key_col && (c_key = msum_typer_col(ty, key_col)) < 0) {
        cli_error(cmd, "--order: %s has no column '%s'", fname, key_col);
        rc = EXIT_USAGE;
        goto done;
    }
    msum_escalc_opts eo = MSUM_ESCALC_OPTS_DEFAULT;
    eo.level = level;
    size_t cap = 0;
    msum_row row;
    msum_record rec;
    int more;
    while ((more = msum_reader_next(rd, &row)) > 0) {
        if (msum_typer_row(ty, &row, &rec, d) > 0) continue;
        int needs = rec.input == MSUM_INPUT_CONTINUOUS || rec.input == MSUM_INPUT_MEDIAN ||
                    rec.input == MSUM_INPUT_COUNTS;
        if (needs && measure == MSUM_MEASURE_NONE) {
            cli_error(cmd, "%s:%ld: rows of form '%s' need --measure (%s)", fname, row.row_line,
                      msum_input_name(rec.input),
                      rec.input == MSUM_INPUT_COUNTS ? "RR, OR or RD" : "MD, SMD or ROM");
            rc = EXIT_USAGE;
            goto done;
        }
        msum_effect e;
        st = msum_escalc(&rec, needs ? measure : MSUM_MEASURE_NONE, &eo, &e);
        if (st != MSUM_OK) {
            const char *cname = e.field >= 0 ? msum_field_name(e.field) : "input";
            int col = msum_typer_col(ty, cname);
            long line = row.row_line, colno = 0;
            if (col >= 0 && (size_t)col < row.n) {
                line = row.line[col];
                colno = row.col[col];
            }
            msum_diags_add(d, MSUM_DIAG_ERROR, fname, line, colno, col >= 0 ? cname : NULL,
                           "%s", e.message);
            continue;
        }
        if (isnan(e.yi) || isnan(e.vi)) {
            s->skipped++;
            continue;
        }
        if (s->k > 0 && e.measure != s->measure) {
            msum_diags_add(d, MSUM_DIAG_ERROR, fname, row.row_line, 0, NULL,
                           "found measure %s, expected %s: one analysis holds one measure",
                           msum_measure_name(e.measure), msum_measure_name(s->measure));
            continue;
        }
        s->measure = e.measure;
        if (!grow(s, &cap, c_key >= 0, c_label >= 0)) {
            rc = EXIT_NUMERICAL;
            goto done;
        }
        size_t i = s->k;
        s->yi[i] = e.yi;
        s->vi[i] = e.vi;
        s->ni[i] = sample_size(&rec);
        s->line[i] = row.row_line;
        if (c_key >= 0) {
            double v = NAN;
            const char *txt = (size_t)c_key < row.n ? row.cell[c_key] : "";
            size_t len = (size_t)c_key < row.n ? row.len[c_key] : 0;
            if (msum_parse_double(txt, len, &v) != 1) {
                msum_diags_add(d, MSUM_DIAG_ERROR, fname, row.row_line,
                               (size_t)c_key < row.n ? row.col[c_key] : 0, key_col,
                               "found '%s', expected a number to order by", txt);
                continue;
            }
            s->key[i] = v;
        }
        if (c_label >= 0) {
            const char *txt = (size_t)c_label < row.n ? row.cell[c_label] : "";
            s->label[i] = strdup(txt);
            if (!s->label[i]) {
                rc = EXIT_NUMERICAL;
                goto done;
            }
        }
        s->k++;
    }
    if (more < 0) rc = EXIT_DATA;
    if (rc == EXIT_OK && msum_diags_errors(d) > 0) rc = EXIT_DATA;
    if (rc == EXIT_OK && s->k == 0) {
        cli_error(cmd, "%s: no row has an effect with a variance", fname);
        rc = EXIT_DATA;
    }
done:
    cli_print_diags(stderr, d);
    msum_typer_free(ty);
    msum_reader_free(rd);
    msum_diags_free(d);
    if (rc != EXIT_OK) cli_studies_free(s);
    return rc;
}
