/* metasum summarize: placeholder until the subcommand lands (prints that it is not available). */
#include "cli.h"

void usage_summarize(FILE *fp)
{
    fprintf(fp, "Usage:   metasum summarize [OPTIONS] FILE...\n\n(not available in this build yet)\n");
}

int cmd_summarize(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_error("summarize", "not available in this build yet");
    return EXIT_USAGE;
}
