/* Shared pieces of the command-line front end: the subcommand entry points, the shared option
 * parser, and the exit codes.  Only src/cli/ sees argv, stderr and exit codes. */
#ifndef METASUM_CLI_H
#define METASUM_CLI_H

#include <stdio.h>

#include "metasum/metasum.h"
#include "metasum/reader.h"

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
int cmd_bias(int argc, char **argv);
void usage_bias(FILE *fp);
int cmd_sensitivity(int argc, char **argv);
void usage_sensitivity(FILE *fp);

/* A command that is one analysis kind (src/cli/run_kind.c): the options of the shared table
 * into a spec (the FILE operand its dataset), msum_analysis_run, its diagnostics on stderr
 * (a setting's as "metasum CMD: --OPTION: message"), the result's tables written with -f, -o,
 * --digits and --meta, each --plot [NAME=]FILE drawn (a FILE named after one of `plots` needs
 * no NAME=; see cli_resolve_plots for a FILE named after none).  `adjust` (may be NULL) may
 * change the spec before the run (returns an exit code).  Returns the exit code. */
#include "metasum/analysis.h"
/* --plot entries ("FILE" or "NAME=FILE", comma-separated) as "NAME=FILE,..."; a new string,
 * or NULL after a message (*rc = EXIT_USAGE).  `plots` is the command's plot names, comma-
 * separated, its default first.  A FILE whose name starts with a plot name is that plot (the
 * longest such name); a FILE named after none is the default plot, and a usage error naming
 * the plots when the list starts with ',' (a command whose plots have no default, summarize).
 * A file must end in .svg, .png or .pdf. */
char *cli_resolve_plots(const char *cmd, const char *given, const char *plots, int *rc);
/* Render each "NAME=FILE" of `resolved` from the result's plot NAME; an exit code. */
int cli_write_plots(const char *cmd, const char *resolved, const msum_result *r);
int cli_run_kind(const char *cmd, msum_kind kind, const char *plots, int argc, char **argv,
                 int (*adjust)(const char *cmd, msum_spec *s));

/* True when argv holds -h or --help before any "--". */
int cli_wants_help(int argc, char **argv);

/* Print every diagnostic in d to fp, sorted, in GNU format; returns the number of errors. */
size_t cli_print_diags(FILE *fp, msum_diags *d);
/* The same with at most max_warnings warnings (0: all), then "metasum CMD: N more warnings
 * not shown"; every error is printed. */
size_t cli_print_diags_max(FILE *fp, msum_diags *d, size_t max_warnings, const char *cmd);

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

/* --max-field BYTES, accepted by every command (it bounds every CSV read, report included):
 * removed from argv[1..argc) (up to "--"), applied with msum_reader_set_max_field(); returns
 * the new argc, or -1 after a usage message for a bad value. */
int cli_take_max_field(const char *cmd, int argc, char **argv);

/* The settings table (msum_settings, include/metasum/analysis.h) on the command line: the
 * one option parser of every command.  Parses argv[1..argc) of command `cmd` into s (the
 * options that command takes; values checked by msum_spec_set), collecting operands (files,
 * '-', everything after "--") into ops[0..maxops).  Returns EXIT_OK, or EXIT_USAGE after a
 * message naming the option ("--level: found '1.5', expected ...", "option --weights does not
 * apply to compare (it is an option of pool)"). */
#include "metasum/analysis.h"
int cli_parse_spec(const char *cmd, int argc, char **argv, msum_spec *s, const char **ops,
                   int maxops, int *nops);
/* The options of command `cmd`, grouped, for its --help (generated from the table). */
void cli_print_settings(FILE *fp, const char *cmd);
/* `metasum help options`: every setting, its commands and its manifest column. */
void cli_help_options(FILE *fp);
/* `metasum help options --tsv`: name, option, short, commands (comma-separated), for scripts. */
void cli_help_options_tsv(FILE *fp);
/* An analysis's diagnostics on stderr, sorted: a setting's problem (no file, no line, the
 * setting's name as its column) as "metasum CMD: --OPTION: message (see 'metasum CMD --help')",
 * like the option parser's; the others in GNU format.  At most max_warnings warnings (0: all),
 * then a count.  *spec (may be NULL): 1 when a setting was at fault.  Returns the errors. */
size_t cli_print_result_diags(const char *cmd, msum_diags *d, size_t max_warnings, int *spec);
/* Warnings an analysis command prints before the count of the rest: a file of a million
 * repeated rows would otherwise write a million lines (validate lists them all). */
enum { CLI_MAX_WARNINGS = 20 };
/* An analysis's status as the exit code: MSUM_EINVAL (a setting) 2, MSUM_EDATA and MSUM_EPARSE
 * 1, MSUM_EIO 3, any other failure 4. */
int cli_exit_code(int st);
/* MSUM_KBIT(kind) or MSUM_CMD_* of a command name; 0 for none. */
unsigned cli_command_bit(const char *cmd);

#endif
