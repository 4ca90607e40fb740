/* Shared pieces of the command-line front end: the subcommand entry points, the shared option
 * parser, and the exit codes.  Only src/cli/ sees argv, stderr and exit codes. */
#ifndef METASUM_CLI_H
#define METASUM_CLI_H

#include <stdio.h>

#include "metasum/metasum.h"

/* Exit codes (documented in `metasum --help`, the README and metasum.1). */
enum {
    EXIT_OK = 0,        /* success (warnings allowed) */
    EXIT_DATA = 1,      /* the data has errors */
    EXIT_USAGE = 2,     /* bad command line */
    EXIT_IO = 3,        /* a file could not be read or written */
    EXIT_NUMERICAL = 4  /* a computation failed (e.g. no estimator converged) */
};

/* One subcommand: name, one-line summary, entry point, usage printer. */
typedef struct {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv);
    void (*usage)(FILE *fp);
} cli_command;

/* Subcommands (one file each: src/cli/cmd_<name>.c). */
int cmd_validate(int argc, char **argv);
void usage_validate(FILE *fp);
int cmd_effects(int argc, char **argv);
void usage_effects(FILE *fp);
int cmd_pool(int argc, char **argv);
void usage_pool(FILE *fp);
int cmd_compare(int argc, char **argv);
void usage_compare(FILE *fp);
int cmd_summarize(int argc, char **argv);
void usage_summarize(FILE *fp);
int cmd_report(int argc, char **argv);
void usage_report(FILE *fp);

/* True when argv holds -h or --help before any "--". */
int cli_wants_help(int argc, char **argv);

/* Print every diagnostic in d to fp, sorted, in GNU format; returns the number of errors. */
size_t cli_print_diags(FILE *fp, msum_diags *d);

/* Print "metasum CMD: message" to stderr (printf format). */
void cli_error(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Print "metasum CMD: message (see 'metasum CMD --help')" to stderr; returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Option matching shared by the subcommands (src/cli/options.c): if argv[*i] is the option
 * `lng` ("--by") or `shrt` ("-b", may be NULL), as "--by VALUE", "--by=VALUE" or "-b VALUE", set
 * *val, advance *i past the value and return 1; return 0 when argv[*i] is another argument;
 * return -1 after printing "option X needs a value" when the value is missing. */
int cli_opt(const char *cmd, int argc, char **argv, int *i, const char *lng, const char *shrt,
            const char **val);

/* --max-field BYTES, accepted by every command (it bounds every CSV read, report included):
 * removed from argv[1..argc) (up to "--"), applied with msum_reader_set_max_field(); returns
 * the new argc, or -1 after a usage message for a bad value. */
int cli_take_max_field(const char *cmd, int argc, char **argv);

/* Shared option values (src/cli/options.c).  Each returns 1 and sets *out, or prints
 * "metasum CMD: OPT: found 'S', expected ..." and returns 0.
 * Level: 0.95 or 95 (percent).  Digits: 0 to 17 (0 = shortest exact).  Format: csv, tsv, md,
 * json, html. */
int cli_opt_level(const char *cmd, const char *opt, const char *s, double *out);
int cli_opt_digits(const char *cmd, const char *s, int *out);
int cli_opt_format(const char *cmd, const char *s, msum_format *out);

#endif
