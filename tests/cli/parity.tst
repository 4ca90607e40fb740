# EXIT EXPECTED COMMAND   (see tests/cli/run.sh)
# compare --mods as R's formula: scale()/center() over every row of the file with a value
# (metafor 3.8, tests/ref/parity_refs.R: scale(ni) -0.0668466 (SE 0.0347709); yi NA in two
# rows, length or feedback NA in three, all left out of the fit but not of scale(ni))
0 parity_scale_all_rows.txt   $METASUM compare tests/ref/inputs/parity_bangertdrowns2004.csv --mods 'length,feedback,scale(ni),length:feedback' --table metareg
# coefficients in R's model.matrix order (main effects first) whatever the order written; the
# positional --newmods follows it (metafor: intrcpt, length, feedback, length:feedback;
# pred at length 10, feedback 1: 0.2511147, tests/ref/parity_refs.R)
0 parity_order.txt            $METASUM compare tests/ref/inputs/parity_bangertdrowns2004.csv --mods 'length:feedback,length,feedback' --newmods '10,1,10;20,0,0' --table metareg,predict
# predictions back-transformed as pool names them: r_* (ZCOR, transf.ztor), bt_* (PFT,
# transf.ipft.hm with the harmonic mean of the fitted rows' n); metafor 3.8 values in
# tests/ref/expected/parity.csv (molloy2014 r_pred 0.2222478, 0.1527319; debruin2009 PFT
# bt_pred 0.4818303, 0.5581776)
0 parity_predict_zcor.txt     $METASUM compare tests/ref/inputs/parity_molloy2014.csv --measure ZCOR --mods meanage --newmods '20;50' --table predict
0 parity_predict_pft.txt      $METASUM compare tests/ref/inputs/parity_debruin2009.csv --measure PFT --mods scq --newmods '15;25' --table predict
# --add / --to reach compare, bias and sensitivity as pool (escalc add, to): regtest z with
# to = "all" on dat.nielweise2007 is metafor's -1.324612 (tests/ref/parity_refs.R); if0all
# reads the file twice, so standard input is refused for bias/sensitivity
0 parity_bias_toall.txt       $METASUM bias tests/ref/inputs/parity_nielweise2007.csv --measure OR --to all
2 parity_bias_if0all_stdin.txt   $METASUM bias - --measure OR --to if0all < tests/ref/inputs/parity_nielweise2007.csv
0 parity_compare_if0all_stdin.txt $METASUM compare - --measure OR --mods year --add 0.25 --to if0all --table metareg < tests/ref/inputs/parity_nielweise2007.csv
# ~ ablat + ablat:alloc: slopes against the reference level, as R codes it (metafor REML on
# dat.bcg: ablat -0.0220711, tests/ref/parity_refs.R bcg_ablat_contrasts_REML)
0 parity_margin.txt           $METASUM compare tests/ref/inputs/parity_bcg.csv --mods 'ablat,ablat:alloc' --table metareg
