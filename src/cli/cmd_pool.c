/* metasum pool: placeholder until the subcommand lands (prints that it is not available). */
#include "cli.h"

void usage_pool(FILE *fp)
{
    fprintf(fp, "Usage:   metasum pool [OPTIONS] FILE...\n\n(not available in this build yet)\n");
}

int cmd_pool(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_error("pool", "not available in this build yet");
    return EXIT_USAGE;
}
