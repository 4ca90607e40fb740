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
 * --digits and --meta, each --plot [NAME=]FILE drawn (a FILE named after one of `plots`, a
 * comma list whose first name is the default, needs no NAME=).  `adjust` (may be NULL) may
 * change the spec before the run (returns an exit code).  Returns the exit code. */
#include "metasum/analysis.h"
/* --plot entries ("FILE" or "NAME=FILE", comma-separated) as "NAME=FILE,..." (a FILE named
 * after one of `plots` is that plot, else the first of `plots`); a new string, or NULL after a
 * message (a file not ending in .svg, .png or .pdf: *rc = EXIT_USAGE). */
char *cli_resolve_plots(const char *cmd, const char *given, const char *plots, int *rc);
/* Render each "NAME=FILE" of `resolved` from the result's plot NAME; an exit code. */
int cli_write_plots(const char *cmd, const char *resolved, const msum_result *r);
int cli_run_kind(const char *cmd, msum_kind kind, const char *plots, int argc, char **argv,
                 int (*adjust)(const char *cmd, msum_spec *s));

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
 * json, html, text. */
int cli_opt_level(const char *cmd, const char *opt, const char *s, double *out);
/* metafor's convergence control (rma control= threshold, maxiter, stepadj): --threshold X
 * (> 0: Fisher scoring stops when |change in tau2| <= X, as metafor; 0: full precision),
 * --maxiter N, --step-adj X.  Returns 1 when argv[*i] is one of them (its value stored),
 * 0 when it is not, -1 on an error (reported). */
int cli_opt_convergence(const char *cmd, int argc, char **argv, int *i, double *threshold,
                        int *maxiter, double *step_adj);
int cli_opt_digits(const char *cmd, const char *s, int *out);
int cli_opt_format(const char *cmd, const char *s, msum_format *out);

/* Reading options shared by every command that reads effects (src/cli/options.c):
 *   --col FIELD=COLUMN   (repeatable; "a=B;c=D" also)   --delim , ; tab
 *   --decimal . ,        --sheet NAME (XLSX)             --missing omit|error
 * `ro` is what the library takes (msum_read_opts); its strings point into argv or `cols`. */
typedef struct {
    msum_read_opts ro;
    int missing_set; /* --missing was given (validate's default differs) */
    char cols[2048];
} cli_input;

void cli_input_init(cli_input *in);

/* If argv[*i] is one of the reading options, take it (and its value) into *in and return 1;
 * 0 when it is another argument; -1 after printing a usage error. */
int cli_opt_input(const char *cmd, int argc, char **argv, int *i, cli_input *in);

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
/* MSUM_KBIT(kind) or MSUM_CMD_* of a command name; 0 for none. */
unsigned cli_command_bit(const char *cmd);

/* The help lines of the reading options, for each command's usage text. */
extern const char cli_input_help[];

#endif
