# EXIT EXPECTED COMMAND   (see tests/cli/run.sh)
# --plot FILE: a file named after a plot is that plot; one named after none is the command's
# default plot (pool forest, bias funnel_trimfill, sensitivity leave1out, compare its one plot),
# and a usage error listing the plots for summarize, whose plots have no default
2 tidy_summarize_plot_unnamed.txt   $METASUM summarize --table votes --outcomes tests/fixtures/swim_small_outcomes.csv --plot $OUT/x.svg tests/fixtures/swim_small.csv
2 tidy_summarize_plot_one_unnamed.txt $METASUM summarize --outcomes tests/fixtures/swim_small_outcomes.csv --plot $OUT/evidence_map.svg,$OUT/time.svg tests/fixtures/swim_small.csv >/dev/null; test $? = 2 && test ! -e $OUT/evidence_map.svg && exit 2
0 tidy_summarize_plot_named.txt     $METASUM summarize --outcomes tests/fixtures/swim_small_outcomes.csv --plot $OUT/evidence_map_small.svg,$OUT/timecourse.svg tests/fixtures/swim_small.csv >/dev/null && grep -o '<title>[^<]*</title>' $OUT/evidence_map_small.svg | head -1 && grep -o '<title>[^<]*</title>' $OUT/timecourse.svg | head -1
0 tidy_pool_plot_default.txt        $METASUM pool --measure RR --plot $OUT/x.svg datasets/bcg/effects.csv >/dev/null && grep -o '<title>[^<]*</title>' $OUT/x.svg | head -1
0 tidy_compare_plot_default.txt     $METASUM compare --measure RR --by alloc --plot $OUT/x.svg datasets/bcg/effects.csv >/dev/null && grep -o '<title>[^<]*</title>' $OUT/x.svg | head -1
0 tidy_sens_plot_default.txt        $METASUM sensitivity --measure RR --plot $OUT/x.svg datasets/bcg/effects.csv >/dev/null && grep -c '>Omitting ' $OUT/x.svg
0 tidy_bias_plot_default.txt        $METASUM bias --measure RR --plot $OUT/x.svg datasets/bcg/effects.csv >/dev/null && grep -o '<title>[^<]*</title>' $OUT/x.svg | head -1
# effects out of memory (standard input's output is kept until the last row is checked): the
# message and exit 4 as every command (cli_exit_code), not a silent exit 3; skipped under
# AddressSanitizer, which reserves more address space than the limit
0 -                                 [ -n "${ASAN_OPTIONS:-}" ] || { (ulimit -v 150000; awk 'BEGIN { print "id,yi,vi"; for (i = 1; i <= 2000000; i++) printf "r%d,0.%d,0.0%d\n", i, i % 97, 1 + i % 9 }' | $METASUM effects - >/dev/null 2>$OUT/err); test $? = 4 && grep -qx 'metasum effects: out of memory' $OUT/err; }
# effects streams CSV/TSV: C0 controls and DEL in a passed-through cell become U+FFFD there too,
# as in the table formats (-f md)
0 tidy_effects_controls_csv.txt     printf 'id,yi,vi,notes\nr1,0.5,0.04,ok\001bell\nr2,0.2,0.1,"a\177b\tc"\n' | $METASUM effects -
0 tidy_effects_controls_tsv.txt     printf 'id,yi,vi,notes\nr1,0.5,0.04,ok\001bell\nr2,0.2,0.1,"a\177b\tc"\n' | $METASUM effects -f tsv -
