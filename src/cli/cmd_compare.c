/* metasum compare: placeholder until the subcommand lands (prints that it is not available). */
#include "cli.h"

void usage_compare(FILE *fp)
{
    fprintf(fp, "Usage:   metasum compare [OPTIONS] FILE...\n\n(not available in this build yet)\n");
}

int cmd_compare(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_error("compare", "not available in this build yet");
    return EXIT_USAGE;
}
