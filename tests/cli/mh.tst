# Mantel-Haenszel / Peto pooling and the measures of proportions, rates, correlations and ratios
# (references: tests/ref/expected/mh_binary.csv, mh_measures.csv from tests/ref/mh_refs.R)

# pool --method MH | PETO
0 mh_bcg_or.txt          $METASUM pool --method MH -d 10 tests/ref/inputs/mh_bcg.csv
0 mh_li2007_rr.txt       $METASUM pool --method MH --measure RR -d 10 tests/ref/inputs/mh_li2007.csv
0 mh_hahn2001_rd.txt     $METASUM pool -m MH --measure RD --no-drop00 -d 10 tests/ref/inputs/mh_hahn2001.csv
0 mh_hahn2001_or_mh.txt  $METASUM pool --method=MH --mh-add 0.5 --mh-to only0 --no-correct -d 10 tests/ref/inputs/mh_hahn2001.csv
0 mh_bcg_peto.txt        $METASUM pool --method PETO -d 10 -f md tests/ref/inputs/mh_bcg.csv
0 mh_niel_irr.txt        $METASUM pool --method MH --measure IRR -d 10 tests/ref/inputs/mh_nielweise2008.csv
1 mh_wrong_form.txt      $METASUM pool --method MH --measure IRR --filter trial=1 tests/ref/inputs/mh_bcg.csv
2 mh_test_refused.txt   $METASUM pool --method MH --test knha tests/ref/inputs/mh_bcg.csv
2 mh_peto_rr.txt         $METASUM pool --method PETO --measure RR tests/ref/inputs/mh_bcg.csv

# effects: proportions, rates, COR, ratios
0 mh_effects_plo.txt     $METASUM effects --measure PLO tests/ref/inputs/mh_pagliaro1992.csv --filter id=22
0 mh_effects_pft.txt     $METASUM effects --measure PFT -d 10 tests/ref/inputs/mh_debruin2009.csv
0 mh_effects_pas_add.txt $METASUM effects --measure PAS --add 0.5 tests/ref/inputs/mh_pagliaro1992.csv --filter id=41
0 mh_effects_irr.txt     $METASUM effects --measure IRR -d 10 tests/ref/inputs/mh_nielweise2008.csv
0 mh_effects_irs.txt     $METASUM effects --measure IRS tests/fixtures/mh_rate.csv
0 mh_effects_cor.txt     $METASUM effects --measure COR -d 10 tests/ref/inputs/mh_molloy2014.csv
0 mh_effects_ratio.txt   $METASUM effects tests/fixtures/mh_ratio.csv
2 mh_effects_nomeasure.txt $METASUM effects tests/ref/inputs/mh_nielweise2008.csv
1 mh_effects_prop_bad.txt  $METASUM effects --measure PR tests/fixtures/mh_prop_bad.csv

# pool (random effects) with back-transforms
0 mh_pool_pft.txt        $METASUM pool --measure PFT -d 10 tests/ref/inputs/mh_debruin2009.csv
0 mh_pool_plo.txt        $METASUM pool --measure PLO -d 10 tests/ref/inputs/mh_debruin2009.csv

# report: pool analyses with method MH / PETO from a manifest
0 mh_report.txt          $METASUM report -q --allow-outside tests/fixtures/mh_manifest.csv -o $OUT/r && cat $OUT/r/bcg-mh/pool.csv $OUT/r/bcg-peto/pool.csv $OUT/r/debruin-pft/pool.csv

# Peto's log odds ratio per study (escalc PETO), pooled by REML (metafor: rma(yi, vi) on
# escalc("PETO") of dat.li2007: estimate -0.5538712699, se 0.1416315799)
0 mh_pool_peto_reml.txt  $METASUM pool --measure PETO -d 10 tests/ref/inputs/mh_li2007.csv
0 mh_effects_peto.txt    $METASUM effects --measure PETO -d 10 tests/ref/inputs/mh_bcg.csv
