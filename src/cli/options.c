/* The command line's one option parser: the settings table (msum_settings, src/analysis/spec.c)
 * walked for every command, so an option has the same name, short form, value checks and help
 * everywhere; --max-field, taken before any command runs; the help generated from the table. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "metasum/reader.h"
#include "metasum/write.h"

/* argv[*i] as the option lng ("--max-field") or shrt, "--opt VALUE" or "--opt=VALUE": 1 and
 * *val set, 0 for another argument, -1 after a usage message (no value). */
static int cli_opt(const char *cmd, int argc, char **argv, int *i, const char *lng,
                   const char *shrt, const char **val)
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

/* ---- the settings table on the command line ---------------------------------------------- */

static const struct {
    const char *name;
    unsigned bit;
} command_bits[] = {
    {"effects", MSUM_KBIT(MSUM_KIND_EFFECTS)},
    {"pool", MSUM_KBIT(MSUM_KIND_POOL)},
    {"compare", MSUM_KBIT(MSUM_KIND_COMPARE)},
    {"summarize", MSUM_KBIT(MSUM_KIND_SUMMARIZE)},
    {"bias", MSUM_KBIT(MSUM_KIND_BIAS)},
    {"sensitivity", MSUM_KBIT(MSUM_KIND_SENSITIVITY)},
    {"validate", MSUM_CMD_VALIDATE},
    {"report", MSUM_CMD_REPORT},
};
enum { NCOMMAND_BITS = sizeof command_bits / sizeof command_bits[0] };

unsigned cli_command_bit(const char *cmd)
{
    for (int i = 0; i < NCOMMAND_BITS; i++)
        if (strcmp(command_bits[i].name, cmd) == 0) return command_bits[i].bit;
    return 0;
}

/* "pool, compare" : the commands that take setting f. */
static void takers(const msum_setting *f, char *buf, size_t size)
{
    size_t n = 0;
    buf[0] = '\0';
    for (int i = 0; i < NCOMMAND_BITS; i++)
        if (f->kinds & command_bits[i].bit) {
            int w = snprintf(buf + n, size - n, "%s%s", n ? ", " : "", command_bits[i].name);
            if (w < 0 || (size_t)w >= size - n) break;
            n += (size_t)w;
        }
}

int cli_parse_spec(const char *cmd, int argc, char **argv, msum_spec *s, const char **ops,
                   int maxops, int *nops)
{
    unsigned bit = cli_command_bit(cmd);
    *nops = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            for (i++; i < argc; i++) {
                if (*nops == maxops)
                    return cli_usage_error(cmd, "too many files ('%s')", argv[i]);
                ops[(*nops)++] = argv[i];
            }
            break;
        }
        if (a[0] != '-' || a[1] == '\0') { /* a file, or '-' for standard input */
            if (*nops == maxops)
                return cli_usage_error(cmd, "unexpected argument '%s' (%s takes %d file%s)", a,
                                       cmd, maxops, maxops == 1 ? "" : "s");
            ops[(*nops)++] = a;
            continue;
        }
        char name[64];
        const char *eq = a[1] == '-' ? strchr(a, '=') : NULL;
        size_t nlen = eq ? (size_t)(eq - a) : strlen(a);
        snprintf(name, sizeof name, "%.*s", (int)(nlen < sizeof name ? nlen : sizeof name - 1),
                 a);
        const msum_setting *f = msum_setting_option(name);
        if (!f) {
            if (strcmp(name, "--no-meta") == 0)
                return cli_usage_error(cmd, "unknown option '--no-meta': CSV and TSV are plain "
                                            "(header on line 1) unless --meta is given");
            return cli_usage_error(cmd, "unknown option '%s'", name);
        }
        if (!(f->kinds & bit)) {
            char who[160];
            takers(f, who, sizeof who);
            if (f->shrt && name[1] != '-')
                return cli_usage_error(cmd, "option %s (%s) does not apply to %s (it is an "
                                            "option of %s)%s", name, f->option, cmd, who,
                                       f->shrt == 'm' ? "; the effect measure is --measure"
                                                      : "");
            return cli_usage_error(cmd, "option %s does not apply to %s (it is an option of "
                                        "%s)", name, cmd, who);
        }
        const char *v;
        if (eq) {
            v = eq + 1;
        } else if (f->type == MSUM_SETTING_FLAG) {
            v = "1";
        } else {
            if (i + 1 >= argc) return cli_usage_error(cmd, "option %s needs a value", name);
            v = argv[++i];
        }
        char err[512];
        if (msum_spec_set(s, f, v, err, sizeof err) != MSUM_OK) {
            if (strcmp(err, "out of memory") == 0) {
                cli_error(cmd, "out of memory");
                return EXIT_NUMERICAL;
            }
            return cli_usage_error(cmd, "%s: %s", f->option, err);
        }
    }
    return EXIT_OK;
}

/* Text wrapped into lines of at most 100 columns, every line but the first indented by
 * `indent`, the first starting at column `col`. */
static void wrap(FILE *fp, const char *text, int col, int indent)
{
    for (const char *p = text; *p;) {
        while (*p == ' ' || *p == '\n') p++;
        size_t n = strcspn(p, " \n");
        if (!n) break;
        if (col > indent && col + 1 + (int)n > 100) {
            fprintf(fp, "\n%*s", indent, "");
            col = indent;
        } else if (col > indent) {
            fputc(' ', fp);
            col++;
        }
        fwrite(p, 1, n, fp);
        col += (int)n;
        p += n;
    }
    fputc('\n', fp);
}

/* One option's help: "    -m, --method NAME     text [default]", wrapped at 100 columns. */
static void print_setting(FILE *fp, const msum_setting *f, int width)
{
    char head[96];
    if (!f->option)
        snprintf(head, sizeof head, "    %s (manifest)", f->name);
    else if (f->shrt)
        snprintf(head, sizeof head, "    -%c, %s%s%s", f->shrt, f->option, f->metavar ? " " : "",
                 f->metavar ? f->metavar : "");
    else
        snprintf(head, sizeof head, "        %s%s%s", f->option, f->metavar ? " " : "",
                 f->metavar ? f->metavar : "");
    int n = (int)strlen(head);
    fputs(head, fp);
    if (n + 2 > width) {
        fputc('\n', fp);
        n = 0;
    }
    fprintf(fp, "%*s", width - n, "");
    char text[1024];
    snprintf(text, sizeof text, "%s%s%s%s", f->help, f->dflt ? " [" : "", f->dflt ? f->dflt : "",
             f->dflt ? "]" : "");
    wrap(fp, text, width, width);
}

void cli_print_settings(FILE *fp, const char *cmd)
{
    unsigned bit = cli_command_bit(cmd);
    const char *group = NULL;
    for (size_t i = 0; i < msum_nsettings; i++) {
        const msum_setting *f = &msum_settings[i];
        if (!f->option || !(f->kinds & bit)) continue;
        if (!group || strcmp(group, f->group) != 0) {
            group = f->group;
            fprintf(fp, "%s:\n", group);
        }
        print_setting(fp, f, 26);
    }
    fprintf(fp, "    -h, --help            this text ('metasum help options': every option of "
                "every command)\n");
}

void cli_help_options(FILE *fp)
{
    fprintf(fp, "Every setting, once: the same option means the same thing in every command "
                "that takes\nit, and a report manifest takes it as the column NAME (the value as "
                "on the command\nline; lists separated by ';').\n\n");
    const char *group = NULL;
    for (size_t i = 0; i < msum_nsettings; i++) {
        const msum_setting *f = &msum_settings[i];
        if (!group || strcmp(group, f->group) != 0) {
            group = f->group;
            fprintf(fp, "%s:\n", group);
        }
        print_setting(fp, f, 26);
        char who[160];
        takers(f, who, sizeof who);
        if (f->kinds & MSUM_KBIT(MSUM_KIND_TABLE)) {
            size_t n = strlen(who);
            snprintf(who + n, sizeof who - n, "%s(kind table)", n ? ", " : "");
        }
        char line[512];
        snprintf(line, sizeof line, "(%s; manifest column: %s)", who,
                 (f->kinds & ((1u << MSUM_NKINDS) - 1)) && strcmp(f->name, "output") != 0 &&
                         strcmp(f->name, "quiet") != 0
                     ? f->name
                     : "none");
        fprintf(fp, "%26s", "");
        wrap(fp, line, 26, 26);
    }
}

void cli_help_options_tsv(FILE *fp)
{
    fprintf(fp, "name\toption\tshort\tcommands\n");
    for (size_t i = 0; i < msum_nsettings; i++) {
        const msum_setting *f = &msum_settings[i];
        char who[160];
        takers(f, who, sizeof who);
        for (char *p = who; *p; p++)
            if (*p == ' ') memmove(p, p + 1, strlen(p));
        char shrt[3] = {f->shrt ? '-' : '\0', f->shrt, '\0'};
        fprintf(fp, "%s\t%s\t%s\t%s\n", f->name, f->option ? f->option : "", shrt, who);
    }
}

size_t cli_print_result_diags(const char *cmd, msum_diags *d, size_t max_warnings, int *spec)
{
    char buf[4096];
    size_t shown = 0, hidden = 0;
    if (spec) *spec = 0;
    msum_diags_sort(d);
    for (size_t i = 0; i < msum_diags_count(d); i++) {
        const msum_diag *g = msum_diags_get(d, i);
        int err = g->severity == MSUM_DIAG_ERROR;
        if (!err && max_warnings && shown >= max_warnings) {
            hidden++;
            continue;
        }
        shown += !err;
        /* a setting's problem: no file (or "-"), no line, the setting's name as the column */
        const msum_setting *f = g->line == 0 && g->column &&
                                        (!g->file || !*g->file || strcmp(g->file, "-") == 0)
                                    ? msum_setting_find(g->column)
                                    : NULL;
        if (f && f->option) {
            fprintf(stderr, "metasum %s: %s%s: %s%s%s%s\n", cmd, err ? "" : "warning: ",
                    f->option, g->message, err ? " (see 'metasum " : "", err ? cmd : "",
                    err ? " --help')" : "");
            if (spec && err) *spec = 1;
            continue;
        }
        msum_diag_format(g, buf, sizeof buf);
        fprintf(stderr, "%s\n", buf);
    }
    if (hidden)
        cli_error(cmd, "%zu more warnings not shown ('metasum validate' lists them all)", hidden);
    return msum_diags_errors(d);
}

int cli_exit_code(int st)
{
    switch (st) {
    case MSUM_OK: return EXIT_OK;
    case MSUM_EINVAL: return EXIT_USAGE;
    case MSUM_EIO: return EXIT_IO;
    case MSUM_EDATA:
    case MSUM_EPARSE: return EXIT_DATA;
    default: return EXIT_NUMERICAL;
    }
}
