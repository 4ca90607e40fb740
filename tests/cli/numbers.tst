# Wrong numbers never pass silently (see tests/cli/run.sh for the format)

# REML at k = 1000 with vi ~ U(0.001, 0.01): the product of the variances underflows, the
# log-likelihood is a sum of logs; tau2 = 0.00425.. as metafor (tests/ref/largek/expected.csv)
0 numbers_reml_small_vi.txt   $METASUM pool -d 8 tests/ref/largek/small_k1000.csv
# an infinite fit statistic is NA with its reason (metafor: BIC -Inf at k = 1)
0 numbers_k1_bic.txt          $METASUM pool -d 6 tests/ref/inputs/edge_k1.csv | cut -d, -f38-
# an estimate that is not a number is exit 4 with the group and the reason
4 numbers_tiny_vi.txt         $METASUM pool tests/cli/data/numbers_tiny_vi.csv
4 numbers_huge_yi.txt         $METASUM pool --by g tests/cli/data/numbers_huge_yi.csv
0 numbers_huge_yi_compare.txt $METASUM compare --by g --table groups tests/cli/data/numbers_huge_yi.csv
# the subgroup forest plot shows the weights table's within-group percentages
0 numbers_forest_weights.txt  cp datasets/bcg/effects.csv $OUT/ && printf 'id,title,dataset,filter,kind,measure,method,test,by,mods,formats,plots\nw,BCG,effects.csv,,pool,RR,REML,z,alloc,,csv,forest\n' > $OUT/m.csv && $METASUM report -q $OUT/m.csv -o $OUT/r && grep -o '>Weight in group<\|>[0-9.]*%<' $OUT/r/w/forest.svg | tr '\n' ' ' && echo && grep -v '^#' $OUT/r/w/pool_weights.csv | cut -d, -f1,3,7
