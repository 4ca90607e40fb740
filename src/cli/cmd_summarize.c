/* metasum summarize: synthesis without meta-analysis (SWiM) of an effect file: evidence map,
 * vote counts, descriptive comparisons, ROM magnitudes and time courses, as tables (the kind
 * "summarize" of src/analysis/summarize.c). */
#include "cli.h"

void usage_summarize(FILE *fp)
{
    fprintf(fp,
"About:   Synthesis without meta-analysis (SWiM, Campbell et al. BMJ 2020) for effects reported\n"
"         without a variance: directions standardised by the outcome dictionary, vote counts\n"
"         with a Wilson score CI and an exact sign test, magnitudes on the ROM scale,\n"
"         descriptive comparisons of reported numbers, an evidence map with its gaps, and time\n"
"         courses.  Rows about the insult (effect_of = exposure) are kept apart from treatment\n"
"         rows.  Nothing is pooled: use 'metasum compare' for effects with variances.\n"
"Usage:   metasum summarize FILE [OPTIONS]\n"
"\n");
    cli_print_settings(fp, "summarize");
    fprintf(fp,
"\n"
"Settings: --by takes source,outcome plus any of preparation, model, exposure; --table one of\n"
"         all, evidence_map, votes, comparisons, magnitudes or timecourse; --per-row makes\n"
"         every row a vote [one vote per study (ref) and cell; a study whose rows disagree\n"
"         casts none]; --level is the level of the Wilson interval.\n"
"Plots:   evidence_map (--plot [evidence_map=]FILE): the evidence map as a heat map.\n"
"\n"
"Output:  tables separated by a blank line; with --meta, in CSV/TSV each starts with its\n"
"         metadata as '# key,value' lines: table (its name), method, scale, level,\n"
"         metasum_version.  Columns: docs/summarize.md.\n"
"\n"
"Exit codes: 0 ok (warnings allowed), 1 data errors, 2 usage, 3 I/O, 4 numerical failure\n"
"\n"
"Examples:\n"
"    metasum summarize datasets/exosome_skin_aging/effects.csv\n"
"    metasum summarize datasets/exosome_skin_aging/effects.csv --table votes \\\n"
"        --by source,preparation,outcome\n"
"    metasum summarize effects.csv --outcomes my_outcomes.csv --table evidence_map --format tsv\n");
}

int cmd_summarize(int argc, char **argv)
{
    return cli_run_kind("summarize", MSUM_KIND_SUMMARIZE, "evidence_map", argc, argv, NULL);
}
