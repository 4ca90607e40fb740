/* Plain text for a person at a terminal: the pooled table of `metasum pool` in the layout and
 * words of R metafor 3.8's print.rma.uni, predict.rma and confint.rma (Viechtbauer 2010, J Stat
 * Softw 36(3)); any other table as aligned columns.  The numbers are the table's own: only
 * their text (decimals, "<.0001") is decided here.
 */
#include "metasum/write.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "metasum/metasum.h"
#include "text.h"

#define CELL 64  /* bytes of one formatted number or label */
#define WIDTH 80 /* a generic table is split into column blocks this wide */

static int decimals(const msum_write_opts *o)
{
    return o && o->digits >= 1 && o->digits <= 12 ? o->digits : 4;
}

/* metafor .fcf: fixed decimals; NA for NaN and infinities. */
static char *fcf(double v, int dec, char *buf)
{
    if (!isfinite(v)) snprintf(buf, CELL, "NA");
    else msum_io_fixed(v, dec, buf, CELL);
    return buf;
}

/* metafor .pval: p with `dec` decimals, or "<.0001" below 10^-dec; showeq adds "= " / "< ". */
static char *pval(double p, int dec, int showeq, char *buf)
{
    char cut[16], num[32];
    snprintf(cut, sizeof cut, ".%.*s1", dec - 1, "00000000000"); /* dec <= 12 */
    if (isnan(p)) snprintf(buf, CELL, "%sNA", showeq ? "= " : "");
    else if (p >= strtod(cut, NULL))
        snprintf(buf, CELL, "%s%s", showeq ? "= " : "", msum_io_fixed(p, dec, num, sizeof num));
    else snprintf(buf, CELL, "<%s%s", showeq ? " " : "", cut);
    return buf;
}

/* metafor .pval(p, showeq = TRUE, add0 = TRUE): "= 0.0183" or "< 0.0001". */
static char *pval0(double p, int dec, char *buf)
{
    char tmp[CELL];
    pval(p, dec, 1, tmp);
    if (tmp[0] == '<') snprintf(buf, CELL, "< 0%.60s", tmp + 2);
    else snprintf(buf, CELL, "%.63s", tmp);
    return buf;
}

/* Print s as clean UTF-8 (invalid bytes as U+FFFD, control characters as spaces), padded with
 * spaces to `width` code points on the left (right = 1) or the right. */
static void put_cell(FILE *fp, const char *s, size_t width, int right)
{
    size_t len = msum_io_utf8_len(s);
    if (right)
        for (size_t i = len; i < width; i++) fputc(' ', fp);
    for (const char *p = s; *p;) {
        uint32_t cp;
        p += msum_io_utf8_next(p, &cp);
        if (cp < 0x20 || cp == 0x7f) cp = ' ';
        msum_io_put_cp(fp, cp);
    }
    if (!right)
        for (size_t i = len; i < width; i++) fputc(' ', fp);
}

/* A grid: a header row and nrows rows of ncols cells, each column as wide as its widest cell;
 * columns separated by two spaces; an optional first column of row labels (left-aligned, the
 * header's first cell empty).  Numbers right-aligned, as R prints a data frame.  No trailing
 * spaces. */
static void put_grid(FILE *fp, const char *const *head, const char *const *cells, size_t nrows,
                     size_t ncols, const int *right, size_t c0, size_t c1)
{
    size_t w[64];
    for (size_t c = c0; c < c1 && c - c0 < 64; c++) {
        w[c - c0] = msum_io_utf8_len(head[c]);
        for (size_t r = 0; r < nrows; r++) {
            size_t n = msum_io_utf8_len(cells[r * ncols + c]);
            if (n > w[c - c0]) w[c - c0] = n;
        }
    }
    for (size_t r = 0; r <= nrows; r++) {
        for (size_t c = c0; c < c1 && c - c0 < 64; c++) {
            const char *s = r == 0 ? head[c] : cells[(r - 1) * ncols + c];
            if (c > c0) fputs("  ", fp);
            int last = c + 1 == c1;
            put_cell(fp, s, last && !right[c] ? 0 : w[c - c0], right[c]);
        }
        fputc('\n', fp);
    }
}

/* ---- metasum pool's table, as metafor prints a fit ------------------------------------------ */

static double num(const msum_table *t, size_t row, const char *col)
{
    int c = msum_table_col_index(t, col);
    return c < 0 || msum_table_is_na(t, row, (size_t)c) ? NAN : msum_table_num(t, row, (size_t)c);
}

static const char *txt(const msum_table *t, size_t row, const char *col)
{
    int c = msum_table_col_index(t, col);
    if (c < 0 || msum_table_is_na(t, row, (size_t)c)) return "";
    const char *s = msum_table_text(t, row, (size_t)c);
    return s ? s : "";
}

static int is_fixed(const char *est)
{
    return strcmp(est, "EE") == 0 || strcmp(est, "FE") == 0 || strcmp(est, "CE") == 0;
}

/* tau^2 and tau as metafor prints them: no decimals when tau^2 is (numerically) zero. */
static char *fcf_var(double v, double tau2, int dec, char *buf)
{
    return fcf(v, fabs(tau2) <= 2.220446049250313e-15 ? 0 : dec, buf);
}

static void pool_block(const msum_table *t, size_t row, FILE *fp, int dec)
{
    char b[8][CELL];
    int ck = msum_table_col_index(t, "k");
    /* the group: the columns before k */
    for (int c = 0; c < ck; c++) {
        const char *v =
            msum_table_is_na(t, row, (size_t)c) ? "NA" : msum_table_text(t, row, (size_t)c);
        fputs(c ? ", " : "Group: ", fp);
        put_cell(fp, msum_table_col_name(t, (size_t)c), 0, 0);
        fputs(" = ", fp);
        put_cell(fp, v ? v : "", 0, 0);
        if (c + 1 == ck) fputs("\n\n", fp);
    }
    double k = num(t, row, "k");
    const char *est = txt(t, row, "method_used"), *fallback = txt(t, row, "fallback");
    if (!*est) est = txt(t, row, "method"); /* a group without a fit (k = 0) */
    int fixed = is_fixed(est);
    if (fixed)
        fprintf(fp, "%s (k = %.0f)\n", strcmp(est, "EE") == 0   ? "Equal-Effects Model"
                                       : strcmp(est, "FE") == 0 ? "Fixed-Effects Model"
                                                                : "Common-Effects Model",
                k);
    else
        fprintf(fp, "Random-Effects Model (k = %.0f; tau^2 estimator: %s)\n", k, est);
    if (*fallback) {
        fputs("Note: ", fp);
        put_cell(fp, fallback, 0, 0);
        fputc('\n', fp);
    }
    double skipped = num(t, row, "k_skipped");
    if (skipped > 0)
        fprintf(fp, "Note: %.0f row%s without a variance not pooled\n", skipped,
                skipped == 1 ? "" : "s");
    if (!(k > 0)) return;

    double tau2 = num(t, row, "tau2"), I2 = num(t, row, "I2"), H2 = num(t, row, "H2");
    if (!fixed || !isnan(I2) || !isnan(H2)) fputc('\n', fp);
    if (!fixed) {
        double se = num(t, row, "se_tau2");
        fprintf(fp, "tau^2 (estimated amount of total heterogeneity): %s",
                fcf_var(tau2, tau2, dec, b[0]));
        if (!isnan(se)) fprintf(fp, " (SE = %s)", fcf(se, dec, b[1]));
        fprintf(fp, "\ntau (square root of estimated tau^2 value):      %s\n",
                fcf_var(num(t, row, "tau"), tau2, dec, b[0]));
    }
    if (!isnan(I2))
        fprintf(fp, "I^2 (total heterogeneity / total variability):   %s%%\n", fcf(I2, 2, b[0]));
    if (!isnan(H2))
        fprintf(fp, "H^2 (total variability / sampling variability):  %s\n", fcf(H2, 2, b[0]));

    double QE = num(t, row, "QE");
    if (!isnan(QE))
        fprintf(fp, "\nTest for Heterogeneity:\nQ(df = %.0f) = %s, p-val %s\n",
                num(t, row, "QEdf"),
                fcf(QE, dec, b[0]), pval(num(t, row, "QEp"), dec, 1, b[1]));

    /* Model Results: t tests show their df (metafor: knha, adhoc, t) */
    const char *test = txt(t, row, "test");
    int is_t = strcmp(test, "z") != 0;
    const char *measure = txt(t, row, "measure"), *scale = txt(t, row, "scale");
    fputs("\nModel Results", fp);
    if (*measure) {
        fputs(" (", fp);
        put_cell(fp, measure, 0, 0);
        if (*scale && strcmp(scale, "natural") != 0)
            fprintf(fp, ", %s scale", strcmp(scale, "fisher_z") == 0        ? "Fisher z"
                                      : strcmp(scale, "freeman_tukey") == 0 ? "Freeman-Tukey"
                                                                            : scale);
        fputc(')', fp);
    }
    fputs(":\n\n", fp);
    {
        const char *head[] = {"estimate", "se",    is_t ? "tval" : "zval", "df",
                              "pval",     "ci.lb", "ci.ub"};
        static const int right[] = {1, 1, 1, 1, 1, 1, 1};
        double df = num(t, row, "df");
        fcf(num(t, row, "estimate"), dec, b[0]);
        fcf(num(t, row, "se"), dec, b[1]);
        fcf(num(t, row, "stat"), dec, b[2]);
        msum_fmt_num(round(df * 100) / 100, 0, b[3], CELL); /* R: round(ddf, 2) */
        pval(num(t, row, "pval"), dec, 0, b[4]);
        fcf(num(t, row, "ci_lb"), dec, b[5]);
        fcf(num(t, row, "ci_ub"), dec, b[6]);
        const char *cells[7], *h[7];
        size_t n = 0;
        for (size_t i = 0; i < 7; i++) {
            if (i == 3 && !is_t) continue;
            h[n] = head[i];
            cells[n++] = b[i];
        }
        put_grid(fp, h, cells, 1, n, right, 0, n);
    }

    /* the estimate with its CI and prediction interval, on the measure's scale and, where the
     * table has them, back-transformed (as metafor predict(fit, transf = ...)) */
    {
        static const char *const part[] = {"estimate", "ci_lb", "ci_ub", "pi_lb", "pi_ub"};
        static const char *const head[] = {"", "pred", "ci.lb", "ci.ub", "pi.lb", "pi.ub"};
        static const int right[] = {0, 1, 1, 1, 1, 1};
        static const char *const prefix[] = {"exp_", "r_", "bt_"};
        char cell[2][6][CELL];
        const char *cells[12];
        int has_pi = !isnan(num(t, row, "pi_lb")) || !isnan(num(t, row, "pi_ub"));
        size_t ncols = has_pi ? 6 : 4, nrows = 1;
        int is_log = strcmp(scale, "log") == 0;
        snprintf(cell[0][0], CELL, "%s%s", is_log ? "log " : "", *measure ? measure : "estimate");
        for (int i = 0; i < 5; i++) fcf(num(t, row, part[i]), dec, cell[0][i + 1]);
        for (int p = 0; p < 3 && nrows == 1; p++) {
            char name[32];
            snprintf(name, sizeof name, "%s%s", prefix[p], part[0]);
            if (isnan(num(t, row, name))) continue;
            snprintf(cell[1][0], CELL, "%s", p == 0 ? (*measure ? measure : "exp")
                                             : p == 1                   ? "r"
                                             : strcmp(scale, "sqrt") == 0 ? "rate"
                                                                          : "proportion");
            for (int i = 0; i < 5; i++) {
                snprintf(name, sizeof name, "%s%s", prefix[p], part[i]);
                fcf(num(t, row, name), dec, cell[1][i + 1]);
            }
            nrows = 2;
        }
        for (size_t r = 0; r < nrows; r++)
            for (size_t c = 0; c < ncols; c++) cells[r * ncols + c] = cell[r][c];
        double level = num(t, row, "level");
        char lv[CELL];
        msum_fmt_num(100 * level, 6, lv, sizeof lv);
        fprintf(fp, "\nEstimate with %s%% CI%s:\n\n", lv, has_pi ? " and prediction interval" : "");
        put_grid(fp, head, cells, nrows, ncols, right, 0, ncols);
    }

    /* the Q-profile CIs of tau^2, tau, I^2 and H^2 (as metafor confint(fit)) */
    double lb = num(t, row, "tau2_ci_lb"), ub = num(t, row, "tau2_ci_ub");
    if (!fixed && (!isnan(lb) || !isnan(ub))) {
        static const char *const head[] = {"", "estimate", "ci.lb", "ci.ub"};
        static const char *const lab[] = {"tau^2", "tau", "I^2(%)", "H^2"};
        static const char *const col[][3] = {{"tau2", "tau2_ci_lb", "tau2_ci_ub"},
                                             {"tau", "tau_ci_lb", "tau_ci_ub"},
                                             {"I2", "I2_ci_lb", "I2_ci_ub"},
                                             {"H2", "H2_ci_lb", "H2_ci_ub"}};
        static const int right[] = {0, 1, 1, 1};
        char cell[4][4][CELL];
        const char *cells[16];
        for (int r = 0; r < 4; r++) {
            snprintf(cell[r][0], CELL, "%s", lab[r]);
            for (int c = 0; c < 3; c++) fcf(num(t, row, col[r][c]), dec, cell[r][c + 1]);
            for (int c = 0; c < 4; c++) cells[r * 4 + c] = cell[r][c];
        }
        double level = num(t, row, "level");
        char lv[CELL];
        msum_fmt_num(100 * level, 6, lv, sizeof lv);
        fprintf(fp, "\nHeterogeneity with %s%% Q-profile CI:\n\n", lv);
        put_grid(fp, head, cells, 4, 4, right, 0, 4);
        const char *st = txt(t, row, "tau2_ci_status");
        if (strcmp(st, "null_set") == 0)
            fputs("Note: both bounds of the CI for tau^2 fall below 0 (shown as 0)\n", fp);
        else if (strcmp(st, "ub_above_limit") == 0)
            fputs("Note: the upper bound of the CI for tau^2 lies above the search limit\n", fp);
        else if (strcmp(st, "both_above_limit") == 0)
            fputs("Note: both bounds of the CI for tau^2 lie above the search limit\n", fp);
    }
    const char *notes = txt(t, row, "notes");
    if (*notes) {
        fputs("\nNote: ", fp);
        put_cell(fp, notes, 0, 0);
        fputc('\n', fp);
    }
}

/* metasum pool --method MH / PETO: one row, as metafor's print.rma.mh / print.rma.peto. */
static void mh_block(const msum_table *t, size_t row, FILE *fp, int dec)
{
    char b[8][CELL];
    static const int right[] = {1, 1, 1, 1, 1, 1};
    fprintf(fp, "Equal-Effects Model (k = %.0f)\n", num(t, row, "k"));
    double I2 = num(t, row, "I2"), H2 = num(t, row, "H2"), QE = num(t, row, "QE");
    if (!isnan(I2) || !isnan(H2)) fputc('\n', fp);
    if (!isnan(I2))
        fprintf(fp, "I^2 (total heterogeneity / total variability):  %s%%\n", fcf(I2, 2, b[0]));
    if (!isnan(H2))
        fprintf(fp, "H^2 (total variability / sampling variability): %s\n", fcf(H2, 2, b[0]));
    if (!isnan(QE))
        fprintf(fp, "\nTest for Heterogeneity:\nQ(df = %.0f) = %s, p-val %s\n",
                num(t, row, "QEdf"), fcf(QE, dec, b[0]), pval(num(t, row, "QEp"), dec, 1, b[1]));
    const char *scale = txt(t, row, "scale"), *measure = txt(t, row, "measure");
    int is_log = strcmp(scale, "log") == 0;
    fprintf(fp, "\nModel Results%s:\n\n", is_log ? " (log scale)" : "");
    static const char *const head[] = {"estimate", "se", "zval", "pval", "ci.lb", "ci.ub"};
    const char *cells[6] = {fcf(num(t, row, "estimate"), dec, b[0]),
                            fcf(num(t, row, "se"), dec, b[1]),
                            fcf(num(t, row, "zval"), dec, b[2]),
                            pval(num(t, row, "pval"), dec, 0, b[3]),
                            fcf(num(t, row, "ci_lb"), dec, b[4]),
                            fcf(num(t, row, "ci_ub"), dec, b[5])};
    put_grid(fp, head, cells, 1, 6, right, 0, 6);
    if (!isnan(num(t, row, "exp_estimate"))) {
        static const char *const h2[] = {"estimate", "ci.lb", "ci.ub"};
        const char *c2[3] = {fcf(num(t, row, "exp_estimate"), dec, b[0]),
                             fcf(num(t, row, "exp_ci_lb"), dec, b[1]),
                             fcf(num(t, row, "exp_ci_ub"), dec, b[2])};
        fputs("\nModel Results (", fp);
        put_cell(fp, strcmp(measure, "PETO") == 0 ? "OR" : measure, 0, 0); /* Peto's OR */
        fputs(" scale):\n\n", fp);
        put_grid(fp, h2, c2, 1, 3, right, 0, 3);
    }
    /* metafor: the CMH test (df 1) and Tarone's test (df = tables with events - 1), the
     * df padded to one width, p-values with a leading 0 ("< 0.0001") */
    double cmh = num(t, row, "cmh"), ta = num(t, row, "tarone"), tadf = num(t, row, "k_pos") - 1;
    if (!isnan(cmh) || !isnan(ta)) {
        char d1[32], d2[32];
        snprintf(d1, sizeof d1, "1,");
        snprintf(d2, sizeof d2, "%.0f,", tadf);
        int w = (int)(strlen(d1) > strlen(d2) || isnan(ta) ? strlen(d1) : strlen(d2));
        fputc('\n', fp);
        if (!isnan(cmh))
            fprintf(fp, "Cochran-Mantel-Haenszel Test:    CMH = %s, df = %-*s p-val %s\n",
                    fcf(cmh, dec, b[0]), w, d1, pval0(num(t, row, "cmh_p"), dec, b[1]));
        if (!isnan(ta))
            fprintf(fp, "Tarone's Test for Heterogeneity: X^2 = %s, df = %-*s p-val %s\n",
                    fcf(ta, dec, b[0]), w, d2, pval0(num(t, row, "tarone_p"), dec, b[1]));
    }
}

static int is_pool_table(const msum_table *t)
{
    static const char *const need[] = {"k", "estimate", "se", "stat", "pval", "ci_lb", "ci_ub",
                                       "tau2", "QE", "method_used", "test", "level"};
    if (strcmp(msum_table_name(t), "pool") != 0) return 0;
    for (size_t i = 0; i < sizeof need / sizeof *need; i++)
        if (msum_table_col_index(t, need[i]) < 0) return 0;
    return 1;
}

/* ---- any other table ------------------------------------------------------------------------ */

static int generic(const msum_table *t, FILE *fp, const msum_write_opts *o, int dec)
{
    size_t nc = msum_table_ncols(t), nr = msum_table_nrows(t);
    const char *title = msum_table_title(t);
    put_cell(fp, title && *title ? title : msum_table_name(t), 0, 0);
    fputc('\n', fp);
    for (size_t i = 0; (!o || o->meta) && i < msum_io_nmeta(t); i++) {
        const char *key, *value;
        msum_io_meta(t, i, &key, &value);
        if (strcmp(key, "table") == 0 || strcmp(key, "metasum_version") == 0) continue;
        put_cell(fp, key, 0, 0);
        fputs(": ", fp);
        put_cell(fp, value, 0, 0);
        fputc('\n', fp);
    }
    fputc('\n', fp);
    if (nc == 0) return MSUM_OK;
    const char **head = malloc(nc * sizeof *head), **cells = calloc(nr * nc + 1, sizeof *cells);
    char *buf = malloc((nr * nc + 1) * CELL);
    int *right = malloc(nc * sizeof *right);
    size_t *w = malloc(nc * sizeof *w);
    if (!head || !cells || !buf || !right || !w) {
        free(head), free(cells), free(buf), free(right), free(w);
        return MSUM_ENOMEM;
    }
    for (size_t c = 0; c < nc; c++) {
        msum_coltype ty = msum_table_col_type(t, c);
        head[c] = msum_table_col_name(t, c);
        right[c] = ty != MSUM_COL_TEXT;
        int p = msum_io_is_pval_col(head[c]);
        w[c] = msum_io_utf8_len(head[c]);
        for (size_t r = 0; r < nr; r++) {
            char *b = buf + (r * nc + c) * CELL;
            if (msum_table_is_na(t, r, c)) snprintf(b, CELL, "NA");
            else if (ty == MSUM_COL_TEXT) b = (char *)msum_table_text(t, r, c);
            else if (ty == MSUM_COL_INT) msum_fmt_num(msum_table_num(t, r, c), 0, b, CELL);
            else if (p) pval(msum_table_num(t, r, c), dec, 0, b);
            else fcf(msum_table_num(t, r, c), dec, b);
            cells[r * nc + c] = b ? b : "";
            size_t n = msum_io_utf8_len(cells[r * nc + c]);
            if (n > w[c]) w[c] = n;
        }
    }
    /* column blocks at most WIDTH wide (at least one column each), as R prints a wide frame */
    for (size_t c0 = 0; c0 < nc;) {
        size_t c1 = c0, width = 0;
        while (c1 < nc && c1 - c0 < 64 && (c1 == c0 || width + 2 + w[c1] <= WIDTH))
            width += (c1 > c0 ? 2 : 0) + w[c1], c1++;
        if (c0) fputc('\n', fp);
        put_grid(fp, head, cells, nr, nc, right, c0, c1);
        c0 = c1;
    }
    free(head), free(cells), free(buf), free(right), free(w);
    return MSUM_OK;
}

int msum_write_text(const msum_table *t, FILE *fp, const msum_write_opts *o)
{
    if (!t || !fp) return MSUM_EINVAL;
    int dec = decimals(o);
    if (strcmp(msum_table_name(t), "pool") == 0 && msum_table_col_index(t, "cmh") >= 0 &&
        msum_table_col_index(t, "zval") >= 0) {
        for (size_t r = 0; r < msum_table_nrows(t); r++) {
            if (r) fputs("\n\n", fp);
            mh_block(t, r, fp, dec);
        }
    } else if (is_pool_table(t)) {
        size_t nr = msum_table_nrows(t);
        for (size_t r = 0; r < nr; r++) {
            if (r) fputs("\n\n", fp);
            pool_block(t, r, fp, dec);
        }
    } else {
        int st = generic(t, fp, o, dec);
        if (st != MSUM_OK) return st;
    }
    return ferror(fp) ? MSUM_EIO : MSUM_OK;
}
