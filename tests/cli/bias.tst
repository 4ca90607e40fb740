# EXIT EXPECTED COMMAND   (see tests/cli/run.sh): metasum bias and metasum sensitivity

# bias
0 bias_help.txt            $METASUM bias --help
0 bias_bcg.txt             $METASUM bias --measure RR datasets/bcg/effects.csv
0 bias_bcg_lm_vi_R0.txt    $METASUM bias --measure RR --model lm --predictor vi --estimator R0 --side left -m DL -f md datasets/bcg/effects.csv
0 bias_bcg_ninv.txt        $METASUM bias --measure RR --predictor ninv --meta datasets/bcg/effects.csv
0 bias_k2.txt              $METASUM bias tests/ref/inputs/edge_k2.csv
0 bias_no_ni.txt           $METASUM bias --predictor ni tests/ref/inputs/hackshaw1998.csv
2 bias_bad_predictor.txt   $METASUM bias --predictor foo datasets/bcg/effects.csv
2 bias_needs_measure.txt   $METASUM bias datasets/bcg/effects.csv
3 bias_missing.txt         $METASUM bias tests/fixtures/no_such_file.csv

# sensitivity
0 sens_help.txt            $METASUM sensitivity --help
0 sens_leave1out.txt       $METASUM sensitivity --measure RR datasets/bcg/effects.csv
0 sens_cumul_year.txt      $METASUM sensitivity -a cumul --order year --measure RR -m DL datasets/bcg/effects.csv
0 sens_cumul_desc.txt      $METASUM sensitivity -a cumul --order year --decreasing --measure RR -d 4 datasets/bcg/effects.csv
0 sens_influence.txt       $METASUM sensitivity -a influence --measure RR -t knha datasets/bcg/effects.csv
0 sens_k2.txt              $METASUM sensitivity -a influence tests/ref/inputs/edge_k2.csv
1 sens_k1.txt              $METASUM sensitivity tests/ref/inputs/edge_k1.csv
2 sens_order_not_cumul.txt $METASUM sensitivity --order year --measure RR datasets/bcg/effects.csv
2 sens_order_no_column.txt $METASUM sensitivity -a cumul --order nosuch --measure RR datasets/bcg/effects.csv
2 sens_bad_analysis.txt    $METASUM sensitivity -a jackknife datasets/bcg/effects.csv

# --by: one block of results per group
0 bias_by_alloc.txt        $METASUM bias --measure RR --by alloc -d 6 datasets/bcg/effects.csv
0 sens_by_alloc.txt        $METASUM sensitivity -a influence --measure RR --by alloc -d 6 datasets/bcg/effects.csv
1 sens_by_small_group.txt  $METASUM sensitivity --measure RR --by alloc,year datasets/bcg/effects.csv
2 sens_by_no_column.txt    $METASUM sensitivity --measure RR --by nosuch datasets/bcg/effects.csv
0 sens_pm_fallback.txt     $METASUM sensitivity -m PM -d 5 tests/ref/inputs/bcg_rr_yivi.csv
0 bias_pm.txt              $METASUM bias -m PM tests/ref/inputs/bcg_rr_yivi.csv
