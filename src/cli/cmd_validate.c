/* metasum validate: check effect CSVs (syntax, numbers, fields per form, impossible values,
 * ids, dictionary keys, provenance) and report every problem in one run, GNU style.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "metasum/provenance.h"
#include "metasum/validate.h"

void usage_validate(FILE *fp)
{
    fprintf(fp,
            "About:   Check effect CSVs and report every problem in one run, as\n"
            "         FILE:LINE:COL: error: column 'x': found '...', expected ...\n"
            "         (LINE is the physical line, header = 1; COL the byte column).  Checks: CSV\n"
            "         syntax and UTF-8, strict numbers, known words (input, measure, direction,\n"
            "         effect_of, time_unit), the fields each input form needs, impossible values,\n"
            "         unique ids, dictionary keys, and provenance: every number a row reports\n"
            "         must appear in its quote.  The row checks are those of every analysis, so\n"
            "         a file that validates is one pool and effects accept.  Warnings (exit 0):\n"
            "         direction-only rows, SDs that look like SEMs, source x outcome groups with\n"
            "         one numeric effect, 2x2 tables without events in either arm.\n"
            "         The format is described in datasets/README.md.\n"
            "Usage:   metasum validate [OPTIONS] FILE...      (FILE '-' = standard input)\n"
            "\n"
            "Options:\n"
            "    --refs FILE          references dictionary [references.csv beside FILE]\n"
            "    --outcomes FILE      outcomes dictionary [outcomes.csv beside FILE]\n"
            "    --sources FILE       sources dictionary [sources.csv beside FILE, if any]\n"
            "    --preparations FILE  preparations dictionary [preparations.csv beside FILE]\n"
            "    --source TEXT        source text (UTF-8) every quote must come from; compared\n"
            "                         without white space, full-width forms folded [no check]\n"
            "    -m, --measure M      compute and check the effects of continuous and\n"
            "                         median_iqr rows (MD, SMD, ROM) or counts rows (RR, OR,\n"
            "                         RD) as 'pool --measure M' does [checks that hold for\n"
            "                         every measure]\n"
            "    -q, --quiet          no summary line per file on standard output\n"
            "    -h, --help           this text\n"
            "\n"
            "%s"
            "        (as the analyses: a row missing a value is a warning and is left out;\n"
            "        --missing error makes it an error)\n"
            "\n"
            "Exit codes:\n"
            "    0 no errors (warnings allowed), 1 errors in the data, 2 usage, 3 I/O\n"
            "\n"
            "Examples:\n"
            "    metasum validate datasets/exosome_skin_aging/effects.csv\n"
            "    metasum validate --source paper.txt datasets/*/effects.csv\n"
            "    metasum validate --refs refs.csv --outcomes outcomes.csv my_effects.csv\n"
            "    cat effects.csv | metasum validate -\n",
            cli_input_help);
}

/* Whole file into memory (NUL-terminated); NULL with errno set on failure. */
static char *read_all(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        if (n + 1 >= cap) {
            char *b = realloc(buf, cap *= 2);
            if (!b) {
                free(buf);
                buf = NULL;
                errno = ENOMEM;
                break;
            }
            buf = b;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, fp);
        n += got;
        if (got == 0) {
            if (ferror(fp)) {
                int e = errno;
                free(buf);
                buf = NULL;
                errno = e ? e : EIO;
            }
            break;
        }
    }
    fclose(fp);
    if (buf) {
        buf[n] = '\0';
        *len = n;
    }
    return buf;
}

int cmd_validate(int argc, char **argv)
{
    msum_validate_opts o = MSUM_VALIDATE_OPTS_DEFAULT;
    cli_input in;
    cli_input_init(&in);
    /* the analyses' rule (na.omit with a warning): validate accepts and rejects the files
     * that they accept and reject */
    o.read = &in.ro;
    const char *source = NULL;
    int quiet = 0, nfiles = 0;
    char **files = calloc((size_t)argc, sizeof *files);
    if (!files) {
        cli_error("validate", "out of memory");
        return EXIT_IO;
    }
    for (int i = 1; i < argc; i++) {
        const char *v;
        int r = 0;
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            while (++i < argc) files[nfiles++] = argv[i];
            break;
        }
        if ((r = cli_opt_input("validate", argc, argv, &i, &in)) > 0) continue;
        if (!r && (r = cli_opt("validate", argc, argv, &i, "--refs", NULL, &v)) > 0) o.refs = v;
        else if (!r && (r = cli_opt("validate", argc, argv, &i, "--outcomes", NULL, &v)) > 0)
            o.outcomes = v;
        else if (!r && (r = cli_opt("validate", argc, argv, &i, "--sources", NULL, &v)) > 0)
            o.sources = v;
        else if (!r && (r = cli_opt("validate", argc, argv, &i, "--preparations", NULL, &v)) > 0)
            o.preparations = v;
        else if (!r && (r = cli_opt("validate", argc, argv, &i, "--source", NULL, &v)) > 0)
            source = v;
        else if (!r && (r = cli_opt("validate", argc, argv, &i, "--measure", "-m", &v)) > 0) {
            if (!msum_measure_parse(v, &o.measure) || o.measure == MSUM_MEASURE_ZCOR ||
                o.measure == MSUM_MEASURE_GEN) {
                cli_error("validate", "--measure: found '%s', expected one of MD, SMD, ROM, RR, "
                          "OR, RD", v);
                free(files);
                return EXIT_USAGE;
            }
        }
        else if (r < 0) {
            free(files);
            return EXIT_USAGE;
        } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) quiet = 1;
        else if (a[0] == '-' && a[1] != '\0') {
            cli_error("validate", "unknown option '%s' (see 'metasum validate --help')", a);
            free(files);
            return EXIT_USAGE;
        } else files[nfiles++] = argv[i];
    }
    if (nfiles == 0) {
        cli_error("validate", "no FILE given (see 'metasum validate --help')");
        free(files);
        return EXIT_USAGE;
    }

    char *norm = NULL;
    if (source) {
        size_t len = 0;
        char *text = read_all(source, &len);
        if (!text) {
            cli_error("validate", "cannot read source text '%s': %s", source, strerror(errno));
            free(files);
            return EXIT_IO;
        }
        norm = msum_text_normalize(text, len);
        free(text);
        if (!norm) {
            cli_error("validate", "out of memory");
            free(files);
            return EXIT_IO;
        }
        o.norm_source = norm;
    }

    int io_failed = 0;
    size_t errors = 0;
    for (int f = 0; f < nfiles; f++) {
        msum_diags *d = msum_diags_new();
        if (!d) {
            io_failed = 1;
            break;
        }
        size_t nrows = 0;
        int rc = msum_validate_file(files[f], &o, d, &nrows);
        size_t e = cli_print_diags(stderr, d);
        errors += e;
        if (rc == MSUM_EIO || rc == MSUM_ENOMEM) {
            io_failed = 1;
            if (rc == MSUM_ENOMEM) cli_error("validate", "%s: out of memory", files[f]);
        } else if (!quiet) {
            printf("%s: %zu rows, %zu errors, %zu warnings\n", files[f], nrows, e,
                   msum_diags_warnings(d));
        }
        msum_diags_free(d);
    }
    free(norm);
    free(files);
    if (io_failed) return EXIT_IO;
    return errors ? EXIT_DATA : EXIT_OK;
}
