/* metasum effects: placeholder until the subcommand lands (prints that it is not available). */
#include "cli.h"

void usage_effects(FILE *fp)
{
    fprintf(fp, "Usage:   metasum effects [OPTIONS] FILE...\n\n(not available in this build yet)\n");
}

int cmd_effects(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_error("effects", "not available in this build yet");
    return EXIT_USAGE;
}
