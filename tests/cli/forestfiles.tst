# The BCG forest plots of `metasum pool` and `metasum compare` as SVG goldens, each also rendered
# to PNG and PDF and checked (tests/cli/forestfiles_check.sh: PNG size from its IHDR header =
# 2 x the SVG's, one PDF page of the SVG's size, no creation date, the text lines present); the
# report's PNG and PDF files and their determinism; the report's workbook.
# Format: tests/cli/run.sh.  The plots' numbers are the pool results (metafor 3.8 values checked
# in tests/test_svg.c and tests/cli/cases.tst).
#
# pool, REML, risk ratio: the studies with arm data, the pooled diamond, heterogeneity,
# test for overall effect, prediction interval, favours labels
0 forestfiles_pool.svg            $METASUM pool --measure RR --method REML --favours "BCG,control" --plot $OUT/f.svg datasets/bcg/effects.csv >/dev/null && cat $OUT/f.svg
0 forestfiles_pool_files.txt      for e in svg png pdf; do $METASUM pool --measure RR --method REML --favours "BCG,control" --plot $OUT/f.$e datasets/bcg/effects.csv >/dev/null || exit 1; done && sh tests/cli/forestfiles_check.sh $OUT/f.svg $OUT/f.png $OUT/f.pdf
# pool --by alloc: a block per group with its own lines, the overall diamond, the test for
# subgroup differences
0 forestfiles_pool_by_alloc.svg   $METASUM pool --measure RR --by alloc --favours "BCG,control" --plot $OUT/f.svg datasets/bcg/effects.csv >/dev/null && cat $OUT/f.svg
0 forestfiles_pool_by_files.txt   for e in svg png pdf; do $METASUM pool --measure RR --by alloc --favours "BCG,control" --plot $OUT/f.$e datasets/bcg/effects.csv >/dev/null || exit 1; done && sh tests/cli/forestfiles_check.sh $OUT/f.svg $OUT/f.png $OUT/f.pdf
# compare --by alloc --plot: the same subgroup forest (its Q = 1.86, df = 2, p = 0.394 is the
# separate-tau2 Q_between of compare's between table), the tables still on standard output
0 forestfiles_compare_by_alloc.svg $METASUM compare datasets/bcg/effects.csv --by alloc --measure RR --favours "BCG,control" --plot $OUT/f.svg >/dev/null && cat $OUT/f.svg
0 forestfiles_compare_files.txt   for e in svg png pdf; do $METASUM compare datasets/bcg/effects.csv --by alloc --measure RR --favours "BCG,control" --plot $OUT/f.$e >/dev/null || exit 1; done && sh tests/cli/forestfiles_check.sh $OUT/f.svg $OUT/f.png $OUT/f.pdf
0 -   $METASUM compare datasets/bcg/effects.csv --by alloc --measure RR --plot $OUT/c.svg >/dev/null && $METASUM pool --measure RR --by alloc --plot $OUT/p.svg datasets/bcg/effects.csv >/dev/null && cmp $OUT/c.svg $OUT/p.svg
0 -   test "$($METASUM compare datasets/bcg/effects.csv --by alloc --measure RR --plot $OUT/c.svg)" = "$($METASUM compare datasets/bcg/effects.csv --by alloc --measure RR)"
0 forestfiles_compare_between.txt $METASUM compare datasets/bcg/effects.csv --by alloc --measure RR --table between | cut -d, -f1-7
# compare --plot: usage errors, and an unwritable file is an I/O error
2 forestfiles_compare_no_by.txt   $METASUM compare datasets/bcg/effects.csv --mods ablat --plot $OUT/f.svg
2 forestfiles_compare_ext.txt     $METASUM compare datasets/bcg/effects.csv --by alloc --plot $OUT/f.jpg
0 forestfiles_compare_level.txt   $METASUM compare datasets/bcg/effects.csv --by alloc --measure RR --level 0.9 --plot $OUT/f.svg >/dev/null && grep -o 'Estimate \[[^]]*\]\|90% prediction' $OUT/f.svg
2 forestfiles_compare_favours.txt $METASUM compare datasets/bcg/effects.csv --by alloc --measure RR --favours BCG --plot $OUT/f.svg
3 -                               $METASUM compare datasets/bcg/effects.csv --by alloc --measure RR --plot /dev/full/f.png >/dev/null
# the report writes each plot as SVG, PNG and PDF and links them under the plot; two runs give
# the same bytes (no dates in the PDF), and the files pass the checks above
0 forestfiles_report.txt          $METASUM report -q --allow-outside tests/cli/data/plots_manifest.csv -o $OUT/a && sleep 1 && $METASUM report -q --allow-outside tests/cli/data/plots_manifest.csv -o $OUT/b && diff -r $OUT/a $OUT/b && (cd $OUT/a && ls */forest.*) && grep -o '<a href="forest\.p[nd][gf]">[^<]*</a>' $OUT/a/bcg/index.html && sh tests/cli/forestfiles_check.sh $OUT/a/bcg/forest.svg $OUT/a/bcg/forest.png $OUT/a/bcg/forest.pdf
# the report's workbook: the summary sheet first, then the tables, then metadata; every sheet
# landscape and one page wide with its header row repeated (a one-row pool sheet no longer
# prints as 15 portrait pages); the summary turns the pool result round, full precision
0 forestfiles_xlsx.txt            x=reports/bcg-pool/bcg-pool.xlsx && unzip -p $x xl/workbook.xml | grep -o '<sheet name="[^"]*"\|<definedName name="_xlnm.Print_Titles"[^<]*' && for i in 1 2 3 4; do unzip -p $x xl/worksheets/sheet$i.xml | grep -o '<pageSetUpPr[^>]*>\|<pageSetup [^>]*>' | tr '\n' ' '; echo; done && unzip -p $x xl/worksheets/sheet1.xml | grep -o '<c r="B[0-9]*" s="[0-9]*"><v>[^<]*</v>'
