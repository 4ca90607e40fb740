# EXIT EXPECTED COMMAND   (see tests/cli/run.sh)
# The metafor sweep (tests/ref/sweep_refs.R) through the CLI, on the data sets as R users write
# them (tests/fixtures/sweep/: write.csv with its "" row-name column, write.csv2 with ';' and
# decimal commas, write.table with tabs; NA cells, quoted text with commas): each output is
# checked against metafor 3.8's values of the same case by tests/cli/sweep_check.sh.
0 sweep_egger_reml.txt     $METASUM pool --measure OR -f csv -d 0 tests/fixtures/sweep/egger2001_rownames.csv >$OUT/p.csv && sh tests/cli/sweep_check.sh $OUT/p.csv tests/ref/expected/sweep.csv egger2001_OR_REML pool 1e-8
0 sweep_egger_weights.txt  $METASUM pool --measure OR -m PM -t knha --weights -f csv -d 0 tests/fixtures/sweep/egger2001_rownames.csv >$OUT/p.csv && sh tests/cli/sweep_check.sh $OUT/p.csv tests/ref/expected/sweep.csv egger2001_OR_PM_knha pool_weights 1e-8
0 sweep_michael_smd.txt    $METASUM pool --measure SMD -m SJ --col m1i=Brain_m --col sd1i=Brain_s --col n1i=Brain_n --col m2i=No_brain_m --col sd2i=No_brain_s --col n2i=No_brain_n -f csv -d 0 tests/fixtures/sweep/michael2013_csv2.csv >$OUT/p.csv && sh tests/cli/sweep_check.sh $OUT/p.csv tests/ref/expected/sweep.csv michael2013_SMD_SJ pool 1e-9
0 sweep_hart_mh_irr.txt    $METASUM pool --method MH --measure IRR -f csv -d 0 tests/fixtures/sweep/hart1999.tsv >$OUT/p.csv && sh tests/cli/sweep_check.sh $OUT/p.csv tests/ref/expected/sweep.csv hart1999_mh_IRR pool 1e-9
0 sweep_hart_ird_reml.txt  $METASUM pool --measure IRD -f csv -d 0 tests/fixtures/sweep/hart1999.tsv >$OUT/p.csv && sh tests/cli/sweep_check.sh $OUT/p.csv tests/ref/expected/sweep.csv hart1999_IRD_REML pool 1e-8
# rows without counts (NA cells) are left out with a warning by every method, MH and Peto too
0 sweep_yusuf_peto.txt     $METASUM pool --method PETO -f csv -d 0 tests/fixtures/sweep/yusuf1985_rownames.csv >$OUT/p.csv && sh tests/cli/sweep_check.sh $OUT/p.csv tests/ref/expected/sweep.csv yusuf1985_peto pool 1e-9
0 sweep_yusuf_or_dl.txt    $METASUM pool --measure OR -m DL -f csv -d 0 tests/fixtures/sweep/yusuf1985_rownames.csv >$OUT/p.csv && sh tests/cli/sweep_check.sh $OUT/p.csv tests/ref/expected/sweep.csv yusuf1985_OR_DL pool 1e-9
1 sweep_yusuf_mh_error.txt $METASUM pool --method MH --measure OR --missing error tests/fixtures/sweep/yusuf1985_rownames.csv
# a text factor with NA cells as moderator: those rows leave the meta-regression
0 sweep_crede_mods.txt     $METASUM compare --measure COR --mods class -m ML --table metareg -f csv -d 0 tests/fixtures/sweep/crede2010_rownames.csv >$OUT/p.csv && sh tests/cli/sweep_check.sh $OUT/p.csv tests/ref/expected/sweep.csv crede2010_COR_mods_ML metareg 1e-8
0 sweep_dorn_mods.txt      $METASUM compare --measure RR --col ai=x.a --col n1i=n.a --col ci=x.p --col n2i=n.p --mods visits -t knha --table model -f csv -d 0 tests/fixtures/sweep/dorn2007_csv2.csv >$OUT/p.csv && sh tests/cli/sweep_check.sh $OUT/p.csv tests/ref/expected/sweep.csv dorn2007_RR_mods_REML_knha model 1e-8
# what a user reads: metafor's print layout for a proportion (PLO, back-transformed)
0 sweep_pritz_text.txt     $METASUM pool --measure PLO -f text tests/ref/inputs/sweep_pritz1997.csv
