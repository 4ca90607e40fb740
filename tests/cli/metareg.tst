# EXIT EXPECTED COMMAND   (see tests/cli/run.sh)
# Meta-regression parity: compare --mods terms, no --by, --newmods, studies table, every
# estimator, and metafor's convergence control.  Values: tests/ref/expected/metareg_parity.csv
# and numerical_finish.csv (tests/ref/metareg_refs.R) hold metafor's numbers for the same fits.
# tests/fixtures/compare_bcg_rr.csv: BCG log risk ratios with year, ablat, alloc.
0 metareg_ablat_year_pm.txt      $METASUM compare tests/fixtures/compare_bcg_rr.csv --mods ablat,year --method PM --table metareg --digits 10
0 metareg_model_sj_knha.txt      $METASUM compare tests/fixtures/compare_bcg_rr.csv --mods ablat,year --method SJ --test knha --table model --digits 10
0 metareg_hs_eb.txt              $METASUM compare tests/fixtures/compare_bcg_rr.csv --mods alloc --method HS --table model; $METASUM compare tests/fixtures/compare_bcg_rr.csv --mods alloc --method EB --table model
0 metareg_he_se.txt              $METASUM compare tests/fixtures/compare_bcg_rr.csv --mods ablat --method HE --table model --digits 10
0 metareg_noint.txt              $METASUM compare tests/fixtures/compare_bcg_rr.csv --mods alloc,-1 --table all --digits 10
0 metareg_interaction.txt        $METASUM compare tests/fixtures/compare_bcg_rr.csv --mods 'ablat*year' --method DL --table metareg --digits 10
0 metareg_colon_factor.txt       $METASUM compare tests/fixtures/compare_bcg_rr.csv --mods ablat:alloc --table metareg --digits 10
0 metareg_scaled.txt             $METASUM compare tests/fixtures/compare_bcg_rr.csv --mods 'scale(ablat), center(year)' --table metareg --digits 10
0 metareg_predict.txt            $METASUM compare tests/fixtures/compare_bcg_rr.csv --mods ablat,year --newmods '10,1950;30,1970;50,1980' --table predict --digits 10
0 metareg_predict_riley.txt      $METASUM compare tests/fixtures/compare_bcg_rr.csv --mods ablat,year --newmods '10,1950;30,1970;50,1980' --pi-type riley --test knha --table predict --digits 10
0 metareg_studies.txt            $METASUM compare tests/fixtures/compare_bcg_rr.csv --mods ablat,year --table studies --digits 10
0 metareg_with_by.txt            $METASUM compare tests/fixtures/compare_bcg_rr.csv --by alloc --mods 'ablat*alloc' --table metareg
0 metareg_threshold.txt          $METASUM compare tests/fixtures/compare_bcg_rr.csv --mods ablat --threshold 1e-5 --maxiter 100 --table model --digits 12; $METASUM compare tests/fixtures/compare_bcg_rr.csv --mods ablat --table model --digits 12
0 metareg_pool_control.txt       $METASUM pool --measure RR --method ML --threshold 1e-4 --step-adj 0.5 --maxiter 50 -d 12 datasets/bcg/effects.csv | cut -d, -f19,20,39,40
2 metareg_bad_term.txt           $METASUM compare tests/fixtures/compare_bcg_rr.csv --mods 'ablat+year'
2 metareg_bad_newmods.txt        $METASUM compare tests/fixtures/compare_bcg_rr.csv --mods ablat,year --newmods '10;30,1970'
2 metareg_newmods_no_mods.txt    $METASUM compare tests/fixtures/compare_bcg_rr.csv --by alloc --newmods 10
1 metareg_scale_text.txt         $METASUM compare tests/fixtures/compare_bcg_rr.csv --mods 'scale(alloc)'
2 metareg_no_column.txt          $METASUM compare tests/fixtures/compare_bcg_rr.csv --mods 'center(nope)'
2 metareg_bad_threshold.txt      $METASUM pool --threshold -1 datasets/bcg/effects.csv; $METASUM compare tests/fixtures/compare_bcg_rr.csv --mods ablat --maxiter 0
2 metareg_only_noint.txt         $METASUM compare tests/fixtures/compare_bcg_rr.csv --mods -1
0 metareg_pool_riley.txt         $METASUM pool --measure RR --pi-type riley -d 10 datasets/bcg/effects.csv | cut -d, -f5,12,13,19-22,43-
2 metareg_pool_bad_pi.txt        $METASUM pool --pi-type t datasets/bcg/effects.csv
