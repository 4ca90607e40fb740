# EXIT EXPECTED COMMAND   (see tests/cli/run.sh)
# A report's manifest names plots, never files: NAME=FILE (the command line's form) is an error
# at the cell, and nothing is written, inside the output folder or outside it
1 manifest_plots_file.txt      cp -r datasets/bcg $OUT/ && printf 'id,title,dataset,kind,measure,plots\nb,BCG,bcg/effects.csv,pool,RR,forest=../../x.svg\n' >$OUT/m.csv && $METASUM report -q $OUT/m.csv -o $OUT/out; rc=$?; test ! -e $OUT/out && test ! -e $OUT/../x.svg && test ! -e $OUT/x.svg && exit $rc
