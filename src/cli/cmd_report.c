/* metasum report: placeholder until the subcommand lands (prints that it is not available). */
#include "cli.h"

void usage_report(FILE *fp)
{
    fprintf(fp, "Usage:   metasum report [OPTIONS] FILE...\n\n(not available in this build yet)\n");
}

int cmd_report(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_error("report", "not available in this build yet");
    return EXIT_USAGE;
}
