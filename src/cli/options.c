/* Option values shared by the subcommands: one parser per kind of value (confidence level,
 * digits, table format), so every command accepts the same spellings and says the same thing
 * when a value is wrong. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "metasum/reader.h"
#include "metasum/write.h"

int cli_opt(const char *cmd, int argc, char **argv, int *i, const char *lng, const char *shrt,
            const char **val)
{
    const char *a = argv[*i];
    size_t n = strlen(lng);
    if (strncmp(a, lng, n) == 0 && a[n] == '=') {
        *val = a + n + 1;
        return 1;
    }
    if (strcmp(a, lng) != 0 && !(shrt && strcmp(a, shrt) == 0)) return 0;
    if (*i + 1 >= argc) {
        cli_usage_error(cmd, "option %s needs a value", a);
        return -1;
    }
    *val = argv[++*i];
    return 1;
}

int cli_take_max_field(const char *cmd, int argc, char **argv)
{
    int out = 1;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        if (strcmp(argv[i], "--") == 0) {
            while (i < argc) argv[out++] = argv[i++]; /* operands: kept as they are */
            break;
        }
        int r = cli_opt(cmd, argc, argv, &i, "--max-field", NULL, &v);
        if (r < 0) return -1;
        if (r == 0) {
            argv[out++] = argv[i];
            continue;
        }
        char *end;
        errno = 0;
        unsigned long long b = strtoull(v, &end, 10);
        if (end == v || *end || errno || b < 1 || b > SIZE_MAX || v[0] == '-' || v[0] == '+') {
            cli_usage_error(cmd, "--max-field: found '%s', expected a number of bytes >= 1",
                            v);
            return -1;
        }
        msum_reader_set_max_field((size_t)b);
    }
    argv[out] = NULL;
    return out;
}

int cli_opt_level(const char *cmd, const char *opt, const char *s, double *out)
{
    double v; /* strict: the whole text is one finite number (msum_parse_double) */
    if (msum_parse_double(s, strlen(s), &v) == 1) {
        if (v > 1 && v < 100) v /= 100; /* 95 means 95 %, as metafor reads level > 1 */
        if (v > 0 && v < 1) {
            *out = v;
            return 1;
        }
    }
    cli_error(cmd, "%s: found '%s', expected a level in (0, 1) or a percentage in (1, 100)",
              opt, s);
    return 0;
}

int cli_opt_convergence(const char *cmd, int argc, char **argv, int *i, double *threshold,
                        int *maxiter, double *step_adj)
{
    const char *v;
    int r;
    double x;
    if ((r = cli_opt(cmd, argc, argv, i, "--threshold", NULL, &v)) != 0) {
        if (r < 0) return -1;
        if (msum_parse_double(v, strlen(v), &x) != 1 || !(x >= 0)) {
            cli_error(cmd, "--threshold: found '%s', expected a number >= 0 (metafor's default "
                           "is 1e-5; 0 = full precision)", v);
            return -1;
        }
        *threshold = x;
        return 1;
    }
    if ((r = cli_opt(cmd, argc, argv, i, "--step-adj", NULL, &v)) != 0) {
        if (r < 0) return -1;
        if (msum_parse_double(v, strlen(v), &x) != 1 || !(x > 0)) {
            cli_error(cmd, "--step-adj: found '%s', expected a number > 0 (metafor's stepadj)",
                      v);
            return -1;
        }
        *step_adj = x;
        return 1;
    }
    if ((r = cli_opt(cmd, argc, argv, i, "--maxiter", NULL, &v)) != 0) {
        if (r < 0) return -1;
        char *end;
        errno = 0;
        long n = strtol(v, &end, 10);
        if (end == v || *end || errno || n < 1 || n > 1000000) {
            cli_error(cmd, "--maxiter: found '%s', expected an integer from 1 to 1000000", v);
            return -1;
        }
        *maxiter = (int)n;
        return 1;
    }
    return 0;
}

int cli_opt_digits(const char *cmd, const char *s, int *out)
{
    char *end;
    errno = 0;
    long d = strtol(s, &end, 10);
    if (end == s || *end || errno || d < 0 || d > 17) {
        cli_error(cmd, "--digits: found '%s', expected an integer from 0 to 17 (0 = shortest "
                       "exact)", s);
        return 0;
    }
    *out = (int)d;
    return 1;
}

int cli_opt_format(const char *cmd, const char *s, msum_format *out)
{
    msum_format f;
    if (!msum_format_parse(s, &f) || f == MSUM_FMT_XLSX) {
        cli_error(cmd, "--format: found '%s', expected csv, tsv, md, json, html or text", s);
        return 0;
    }
    *out = f;
    return 1;
}

const char cli_input_help[] =
"Reading (docs/columns.md):\n"
"        --col FIELD=COLUMN  take header COLUMN as FIELD (m1i=Mean_T; repeatable); names\n"
"                        are matched in any case and common aliases are recognised\n"
"        --delim D       field delimiter: ',' ';' or tab [detected from the header line]\n"
"        --decimal C     decimal mark: '.' or ',' [',' with a ';' delimiter, else '.']\n"
"        --sheet NAME    worksheet of an .xlsx workbook [the first]\n"
"        --missing M     rows without a value their form needs: omit (left out with a\n"
"                        warning, counted in k_skipped) or error [omit]\n";

void cli_input_init(cli_input *in)
{
    static const msum_read_opts def = MSUM_READ_OPTS_DEFAULT;
    memset(in, 0, sizeof *in);
    in->ro = def;
}

int cli_opt_input(const char *cmd, int argc, char **argv, int *i, cli_input *in)
{
    const char *v;
    int r;
    if ((r = cli_opt(cmd, argc, argv, i, "--col", NULL, &v)) != 0) {
        if (r < 0) return -1;
        size_t n = strlen(in->cols), m = strlen(v);
        if (!strchr(v, '=') || *v == '=') {
            cli_usage_error(cmd, "--col: found '%s', expected FIELD=COLUMN (e.g. "
                                 "--col m1i=Mean_T)", v);
            return -1;
        }
        if (n + m + 2 > sizeof in->cols) {
            cli_usage_error(cmd, "--col: the mappings are too long (at most %zu bytes)",
                            sizeof in->cols - 1);
            return -1;
        }
        if (n) in->cols[n++] = ';';
        memcpy(in->cols + n, v, m + 1);
        in->ro.columns = in->cols;
        return 1;
    }
    if ((r = cli_opt(cmd, argc, argv, i, "--delim", NULL, &v)) != 0) {
        if (r < 0) return -1;
        if (strcmp(v, ",") == 0 || strcmp(v, "comma") == 0) in->ro.delim = ',';
        else if (strcmp(v, ";") == 0 || strcmp(v, "semicolon") == 0) in->ro.delim = ';';
        else if (strcmp(v, "tab") == 0 || strcmp(v, "\t") == 0 || strcmp(v, "\\t") == 0)
            in->ro.delim = '\t';
        else {
            cli_usage_error(cmd, "--delim: found '%s', expected ',', ';' or tab", v);
            return -1;
        }
        return 1;
    }
    if ((r = cli_opt(cmd, argc, argv, i, "--decimal", NULL, &v)) != 0) {
        if (r < 0) return -1;
        if ((v[0] != '.' && v[0] != ',') || v[1]) {
            cli_usage_error(cmd, "--decimal: found '%s', expected '.' or ','", v);
            return -1;
        }
        in->ro.decimal = v[0];
        return 1;
    }
    if ((r = cli_opt(cmd, argc, argv, i, "--sheet", NULL, &v)) != 0) {
        if (r < 0) return -1;
        in->ro.sheet = v;
        return 1;
    }
    if ((r = cli_opt(cmd, argc, argv, i, "--missing", NULL, &v)) != 0) {
        if (r < 0) return -1;
        if (strcmp(v, "omit") == 0) in->ro.missing = MSUM_MISSING_OMIT;
        else if (strcmp(v, "error") == 0) in->ro.missing = MSUM_MISSING_ERROR;
        else {
            cli_usage_error(cmd, "--missing: found '%s', expected omit or error", v);
            return -1;
        }
        in->missing_set = 1;
        return 1;
    }
    return 0;
}
