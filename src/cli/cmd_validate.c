/* metasum validate: check effect CSVs (syntax, numbers, fields per form, impossible values,
 * ids, dictionary keys, provenance) and report every problem in one run, GNU style.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "metasum/analysis.h"
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
            "Measure (--measure M, one): compute and check the effects of continuous and\n"
            "median_iqr rows (MD, SMD, ROM) or counts rows (RR, OR, RD) as 'pool --measure M'\n"
            "does [checks that hold for every measure].  The source text of --source is compared\n"
            "without white space, full-width forms folded.  As the analyses do, a row missing a\n"
            "value is a warning and is left out; --missing error makes it an error.\n"
            "\n");
    cli_print_settings(fp, "validate");
    fprintf(fp,
            "\n"
            "Exit codes:\n"
            "    0 no errors (warnings allowed), 1 errors in the data, 2 usage, 3 I/O\n"
            "\n"
            "Examples:\n"
            "    metasum validate datasets/exosome_skin_aging/effects.csv\n"
            "    metasum validate --source paper.txt datasets/*/effects.csv\n"
            "    metasum validate --refs refs.csv --outcomes outcomes.csv my_effects.csv\n"
            "    cat effects.csv | metasum validate -\n");
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
    msum_spec sp;
    msum_spec_init(&sp);
    int nfiles = 0;
    const char **files = calloc((size_t)argc + 1, sizeof *files);
    if (!files) {
        cli_error("validate", "out of memory");
        return EXIT_IO;
    }
    int rc = cli_parse_spec("validate", argc, argv, &sp, files, argc, &nfiles);
    if (rc == EXIT_OK && nfiles == 0)
        rc = cli_usage_error("validate", "no FILE given");
    if (rc == EXIT_OK && sp.measure &&
        (strchr(sp.measure, ',') || !msum_measure_parse(sp.measure, &o.measure) ||
         o.measure == MSUM_MEASURE_ZCOR || o.measure == MSUM_MEASURE_GEN))
        rc = cli_usage_error("validate", "--measure: found '%s', expected one of MD, SMD, ROM, "
                                         "RR, OR, RD", sp.measure);
    if (rc != EXIT_OK) {
        msum_spec_clear(&sp);
        free(files);
        return rc;
    }
    /* the analyses' rule (na.omit with a warning): validate accepts and rejects the files
     * that they accept and reject */
    o.read = &sp.read;
    o.refs = sp.refs;
    o.outcomes = sp.outcomes;
    o.sources = sp.sources;
    o.preparations = sp.preparations;
    const char *source = sp.source_text;
    int quiet = sp.quiet;

    char *norm = NULL;
    if (source) {
        size_t len = 0;
        char *text = read_all(source, &len);
        if (!text) {
            cli_error("validate", "cannot read source text '%s': %s", source, strerror(errno));
            msum_spec_clear(&sp);
            free(files);
            return EXIT_IO;
        }
        norm = msum_text_normalize(text, len);
        free(text);
        if (!norm) {
            cli_error("validate", "out of memory");
            msum_spec_clear(&sp);
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
        int st = msum_validate_file(files[f], &o, d, &nrows);
        size_t e = cli_print_diags(stderr, d);
        errors += e;
        if (st == MSUM_EIO || st == MSUM_ENOMEM) {
            io_failed = 1;
            if (st == MSUM_ENOMEM) cli_error("validate", "%s: out of memory", files[f]);
        } else if (!quiet) {
            printf("%s: %zu rows, %zu errors, %zu warnings\n", files[f], nrows, e,
                   msum_diags_warnings(d));
        }
        msum_diags_free(d);
    }
    free(norm);
    free(files);
    msum_spec_clear(&sp);
    if (io_failed) return EXIT_IO;
    return errors ? EXIT_DATA : EXIT_OK;
}
