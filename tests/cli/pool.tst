# metasum pool through the analysis layer (src/analysis/pool.c): the command line, the report
# and the library run one code path (see tests/cli/run.sh for the format).

# MH and PETO read the user's own column names as every other kind does (--col)
0 pool_lib_mh_col.txt         sed '1s/.*/Trial,Events_T,None_T,Events_C,None_C/' tests/ref/inputs/mh_bcg.csv > $OUT/x.csv && $METASUM pool --method MH -d 8 --col ai=Events_T --col bi=None_T --col ci=Events_C --col di=None_C $OUT/x.csv
0 -                           sed '1s/.*/Trial,Events_T,None_T,Events_C,None_C/' tests/ref/inputs/mh_bcg.csv > $OUT/x.csv && test "$($METASUM pool --method MH -d 8 --col ai=Events_T --col bi=None_T --col ci=Events_C --col di=None_C $OUT/x.csv)" = "$($METASUM pool --method MH -d 8 tests/ref/inputs/mh_bcg.csv)"
# a report's MH row takes its by column (one row per allocation, as metafor's rma.mh per group)
0 pool_lib_report_mh_by.txt   cp datasets/bcg/effects.csv $OUT/ && printf 'id,dataset,kind,measure,method,by,formats\nmh,effects.csv,pool,OR,MH,alloc,csv\n' > $OUT/m.csv && $METASUM report -q $OUT/m.csv -o $OUT/r && cut -d, -f1-7 $OUT/r/mh/pool.csv
# settings a method does not take are errors naming the option (CLI) or the column (report)
2 pool_lib_mh_add_reml.txt    $METASUM pool --measure RR --mh-add 0.5 datasets/bcg/effects.csv
2 pool_lib_mh_weights.txt     $METASUM pool --method PETO --weights datasets/bcg/effects.csv
1 pool_lib_report_funnel_by.txt  cp datasets/bcg/effects.csv $OUT/ && printf 'id,dataset,kind,measure,by,formats,plots\nf,effects.csv,pool,RR,alloc,csv,funnel\n' > $OUT/m.csv && $METASUM report -q $OUT/m.csv -o $OUT/r
1 pool_lib_report_bad_plot.txt   cp datasets/bcg/effects.csv $OUT/ && printf 'id,dataset,kind,measure,formats,plots\nf,effects.csv,pool,RR,csv,forest;violin\n' > $OUT/m.csv && $METASUM report -q $OUT/m.csv -o $OUT/r
# --format xlsx writes a workbook to -o FILE (the pooled estimate as a number), not to a terminal
0 -                           $METASUM pool --measure RR -f xlsx -o $OUT/p.xlsx datasets/bcg/effects.csv && unzip -p $OUT/p.xlsx xl/worksheets/sheet2.xml | grep -q '<v>-0.71453234215[0-9]*</v>'
2 pool_lib_xlsx_stdout.txt    $METASUM pool --measure RR -f xlsx datasets/bcg/effects.csv
# the report's weights table, and --weights, share the pool's method_used column
0 pool_lib_weights_text.txt   $METASUM pool --measure RR --method DL --weights -f md -d 4 --filter alloc=systematic datasets/bcg/effects.csv
# --add / --to reach escalc for every method (metafor: rma(measure = "OR", ai, bi, ci, di,
# add = 0.25, to = "all") on these two tables gives -0.5309083371, se 0.8173543849, tau2 0);
# to = "if0all" reads the file twice (metafor: -0.4585500152, se 0.7697197549, tau2 0);
# standard input cannot be read twice
0 pool_lib_add_to.txt         $METASUM pool --measure OR --add 0.25 --to all -d 10 tests/fixtures/inputs/zero_events_both.csv | cut -d, -f1-8,19
0 pool_lib_if0all.txt         $METASUM pool --measure OR --to if0all -d 10 tests/fixtures/inputs/zero_events_both.csv | cut -d, -f1-8,19
2 pool_lib_if0all_stdin.txt   $METASUM pool --measure OR --to if0all - < tests/fixtures/inputs/zero_events_both.csv
