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
        cli_error(cmd, "--format: found '%s', expected csv, tsv, md, json or html", s);
        return 0;
    }
    *out = f;
    return 1;
}
