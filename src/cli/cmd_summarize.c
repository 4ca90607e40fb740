/* metasum summarize: synthesis without meta-analysis (SWiM) of an effect file: evidence map,
 * vote counts, descriptive comparisons, ROM magnitudes and time courses, as tables (the kind
 * "summarize" of src/analysis/summarize.c). */
#include "cli.h"

void usage_summarize(FILE *fp)
{
    fprintf(fp,
"About:   Synthesis without meta-analysis (SWiM, Campbell et al. BMJ 2020) for effects reported\n"
"         without a variance: directions standardised by the outcome dictionary, vote counts\n"
"         with a Wilson score CI and an exact sign test, the effect direction plot's cells\n"
"         (Hilton Boon & Thomson 2021) with a sign test per outcome domain, magnitudes on the\n"
"         ROM scale, descriptive comparisons of reported numbers, an evidence map, time\n"
"         courses (with trends from magnitude_rank), and the findings in sentences.  Rows\n"
"         about the insult (effect_of = exposure) are kept apart from treatment rows.\n"
"         Nothing is pooled: use 'metasum compare' for effects with variances.\n"
"Usage:   metasum summarize FILE [OPTIONS]\n"
"\n");
    cli_print_settings(fp, "summarize");
    fprintf(fp,
"\n"
"Settings: --by takes source,outcome plus any of preparation, model, exposure; --table one of\n"
"         all, findings, comparisons, timecourse, domains, effect_direction, evidence_map,\n"
"         votes or magnitudes; --per-row makes every row a vote [one vote per study (ref) and\n"
"         cell; a study whose rows disagree casts none]; --level is the level of the Wilson\n"
"         interval; --outcomes names the dictionary (outcome, beneficial = increase|decrease|\n"
"         none; optional domain, label) [outcomes.csv beside FILE].\n"
"Plots:   --plot [NAME=]FILE with NAME comparisons, timecourse, effect_direction or\n"
"         evidence_map (a FILE named after one needs no NAME=; none is the default, so a\n"
"         FILE named after none is an error); .svg, .png or .pdf.\n"
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
"    metasum summarize effects.csv --outcomes my_outcomes.csv --table evidence_map --format tsv\n"
"    metasum summarize datasets/exosome_skin_aging/effects.csv --table findings \\\n"
"        --plot effect_direction.svg --plot timecourse=tc.png\n");
}

int cmd_summarize(int argc, char **argv)
{
    return cli_run_kind("summarize", MSUM_KIND_SUMMARIZE,
                        ",comparisons,timecourse,effect_direction,evidence_map", argc, argv, NULL);
}
