# Plots straight from `metasum pool --plot` (see tests/cli/run.sh for the format).  The forest
# plots' numbers are the pool results (metafor 3.8 values checked in tests/test_svg.c); these
# goldens fix the whole picture: axis named for the measure, arm data, the heterogeneity and
# overall-effect lines, prediction interval, favours labels, subgroups with the overall diamond
# and the test for subgroup differences.
0 plots_bcg_forest.svg        $METASUM pool --measure RR --plot $OUT/forest.svg --favours "BCG,control" datasets/bcg/effects.csv >/dev/null && cat $OUT/forest.svg
0 plots_bcg_by_alloc.svg      $METASUM pool --measure RR --by alloc --plot $OUT/forest.svg datasets/bcg/effects.csv >/dev/null && cat $OUT/forest.svg
0 plots_bcg_knha_sorted.svg   $METASUM pool --measure RR --test knha --sort effect --plot forest=$OUT/f.svg datasets/bcg/effects.csv >/dev/null && cat $OUT/f.svg
0 plots_normand_md.svg        $METASUM pool --measure MD --plot $OUT/forest.svg datasets/normand1999/effects.csv >/dev/null && cat $OUT/forest.svg
0 plots_bcg_funnel.svg        $METASUM pool --measure RR --plot $OUT/funnel.svg datasets/bcg/effects.csv >/dev/null && cat $OUT/funnel.svg
# the table still goes to standard output
0 -   test "$($METASUM pool --measure RR --plot $OUT/forest.svg datasets/bcg/effects.csv)" = "$($METASUM pool --measure RR datasets/bcg/effects.csv)"
# PNG: the picture at 2 px per SVG px, its size in the IHDR header (width, height: 4 bytes each)
0 plots_png_header.txt        $METASUM pool --measure RR --plot $OUT/forest.png --favours "BCG,control" datasets/bcg/effects.csv >/dev/null && head -c 24 $OUT/forest.png | tail -c 8 | od -An -tu1 && sed -n 1p tests/cli/expected/plots_bcg_forest.svg | grep -o ' width="[0-9.]*" height="[0-9.]*"' 
# PDF: one page, with the heterogeneity line and the favours labels as text
0 plots_pdf.txt               $METASUM pool --measure RR --by alloc --plot $OUT/forest.pdf --favours "BCG,control" datasets/bcg/effects.csv >/dev/null && pdfinfo $OUT/forest.pdf | grep '^Pages:' && pdftotext -enc UTF-8 $OUT/forest.pdf - | grep -E '^(Heterogeneity|Test for|Favours)'
# more than 200 studies: the summary rows only, a small file
0 -   awk 'BEGIN { print "study,yi,vi"; for (i = 1; i <= 1000; i++) printf "s%d,%g,%g\n", i, (i % 7) / 10, 0.01 + (i % 5) / 100 }' > $OUT/big.csv && $METASUM pool --plot $OUT/f.svg $OUT/big.csv >/dev/null && grep -q '1000 studies: the summary rows only' $OUT/f.svg && test $(wc -c < $OUT/f.svg) -lt 6000
# usage errors: an unknown extension, a funnel plot of several groups, bad --sort / --favours
2 plots_bad_ext.txt           $METASUM pool --measure RR --plot $OUT/forest.jpg datasets/bcg/effects.csv
2 plots_funnel_groups.txt     $METASUM pool --measure RR --by alloc --plot $OUT/funnel.svg datasets/bcg/effects.csv >/dev/null
2 plots_bad_sort.txt          $METASUM pool --measure RR --sort size --plot $OUT/f.svg datasets/bcg/effects.csv
2 plots_bad_favours.txt       $METASUM pool --measure RR --favours BCG --plot $OUT/f.svg datasets/bcg/effects.csv
# an unwritable plot file is an I/O error (exit 3)
3 -                           $METASUM pool --measure RR --plot /dev/full/forest.png datasets/bcg/effects.csv >/dev/null
# a report's forest plot takes its favours labels from the manifest column `favours`
0 plots_report_favours.txt    $METASUM report -q --allow-outside tests/cli/data/plots_manifest.csv -o $OUT/r && grep -o '>Favours [^<]*<\|>Test for subgroup[^<]*<' $OUT/r/bcg/forest.svg
