# Forest and funnel plots of proportions on their natural scale (see tests/cli/run.sh for the
# format): values on the analysis scale, ticks at nice proportions, numbers back-transformed
# (the tick positions are checked against hand-computed logit and Freeman-Tukey values in
# tests/test_svg.c; the back-transformed numbers are pool's bt_* columns).
0 transf_plo_forest.svg     $METASUM pool --measure PLO --plot $OUT/forest.svg tests/ref/inputs/mh_debruin2009.csv >/dev/null && cat $OUT/forest.svg
0 transf_pft_forest.svg     $METASUM pool --measure PFT --plot $OUT/forest.svg tests/ref/inputs/mh_debruin2009.csv >/dev/null && cat $OUT/forest.svg
0 transf_pft_funnel.svg     $METASUM pool --measure PFT --plot $OUT/funnel.svg tests/ref/inputs/mh_debruin2009.csv >/dev/null && cat $OUT/funnel.svg
