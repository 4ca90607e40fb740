/* metasum validate: placeholder until the subcommand lands (prints that it is not available). */
#include "cli.h"

void usage_validate(FILE *fp)
{
    fprintf(fp, "Usage:   metasum validate [OPTIONS] FILE...\n\n(not available in this build yet)\n");
}

int cmd_validate(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_error("validate", "not available in this build yet");
    return EXIT_USAGE;
}
