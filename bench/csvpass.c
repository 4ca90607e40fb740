/* The floor for `make bench`: one bare libcsv pass over a file that only counts fields and
 * rows, with the options the metasum reader uses (CSV_STRICT | CSV_STRICT_FINI |
 * CSV_APPEND_NULL) and the same kind of chunked read.  Whatever a metasum command spends above
 * this is its own parsing, typing and arithmetic.
 *
 * Usage: csvpass FILE   prints "rows fields"
 */
#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    unsigned long fields, rows;
} counts;

static void on_field(void *data, size_t len, void *ctx)
{
    (void)data;
    (void)len;
    ((counts *)ctx)->fields++;
}

static void on_row(int c, void *ctx)
{
    (void)c;
    ((counts *)ctx)->rows++;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fputs("usage: csvpass FILE\n", stderr);
        return 2;
    }
    FILE *fp = fopen(argv[1], "rb");
    if (!fp) {
        fprintf(stderr, "csvpass: %s: %s\n", argv[1], strerror(errno));
        return 3;
    }
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
        fclose(fp);
        return 1;
    }
    counts c = {0, 0};
    static char buf[1 << 16];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, fp)) > 0) {
        if (csv_parse(&p, buf, n, on_field, on_row, &c) != n) {
            fprintf(stderr, "csvpass: %s: %s\n", argv[1], csv_strerror(csv_error(&p)));
            csv_free(&p);
            fclose(fp);
            return 1;
        }
    }
    int bad = ferror(fp);
    fclose(fp);
    if (bad || csv_fini(&p, on_field, on_row, &c) != 0) {
        fprintf(stderr, "csvpass: %s: read or parse error\n", argv[1]);
        csv_free(&p);
        return 1;
    }
    csv_free(&p);
    printf("%lu %lu\n", c.rows, c.fields);
    return 0;
}
