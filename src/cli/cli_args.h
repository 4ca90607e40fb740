/* Comma-list splitting for the subcommands (option matching is cli_opt in cli.h).
 * Header-only: static helpers. */
#ifndef METASUM_CLI_ARGS_H
#define METASUM_CLI_ARGS_H

#include <stdlib.h>
#include <string.h>

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
