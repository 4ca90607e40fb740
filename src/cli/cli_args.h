/* Long-option matching for the subcommands that take "--name VALUE" / "--name=VALUE" options
 * (compare, summarize), and comma-list splitting.  Header-only: static helpers. */
#ifndef METASUM_CLI_ARGS_H
#define METASUM_CLI_ARGS_H

#include <stdlib.h>
#include <string.h>

/* If argv[*i] is the option `name` ("--by"), set *val to its value ("--by=x" or the next
 * argument, advancing *i) and return 1; return -1 when the value is missing, 0 when argv[*i] is
 * another argument. */
static inline int cli_arg(int argc, char **argv, int *i, const char *name, const char **val)
{
    size_t n = strlen(name);
    const char *a = argv[*i];
    if (strncmp(a, name, n) != 0) return 0;
    if (a[n] == '=') {
        *val = a + n + 1;
        return 1;
    }
    if (a[n] != '\0') return 0;
    if (*i + 1 >= argc) return -1;
    *val = argv[++*i];
    return 1;
}

/* Split a copy of s at `sep` into at most max parts (empty parts kept); returns the number of
 * parts, or -1 on allocation failure or too many parts.  *buf must be freed by the caller. */
static inline int cli_split(const char *s, char sep, char **parts, int max, char **buf)
{
    size_t n = strlen(s) + 1;
    *buf = malloc(n);
    if (!*buf) return -1;
    memcpy(*buf, s, n);
    int k = 0;
    for (char *p = *buf;;) {
        if (k == max) return -1;
        parts[k++] = p;
        char *c = strchr(p, sep);
        if (!c) break;
        *c = '\0';
        p = c + 1;
    }
    return k;
}

#endif
