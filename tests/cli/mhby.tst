# EXIT EXPECTED COMMAND   (see tests/cli/run.sh)
# pool --method MH --by COL: one Mantel-Haenszel fit per group, checked to 1e-9 against metafor
# 3.8 rma.mh() on each subset (tests/ref/mh_by_refs.R -> tests/ref/expected/mh_by_{OR,RR}.csv)
# by tests/cli/close_cols.sh.
0 mhby_or.txt          $METASUM pool --method MH --measure OR --by alloc -d 15 datasets/bcg/effects.csv >$OUT/p.csv && sh tests/cli/close_cols.sh $OUT/p.csv tests/ref/expected/mh_by_OR.csv 1e-9
0 mhby_rr.txt          $METASUM pool --method MH --measure RR --by alloc -d 15 datasets/bcg/effects.csv >$OUT/p.csv && sh tests/cli/close_cols.sh $OUT/p.csv tests/ref/expected/mh_by_RR.csv 1e-9
# without --by the single fit is unchanged; a missing column or several columns are refused
0 -                    test "$($METASUM pool --method MH --by alloc --filter alloc=random datasets/bcg/effects.csv | cut -d, -f2-)" = "$($METASUM pool --method MH --filter alloc=random datasets/bcg/effects.csv)"
2 mhby_no_column.txt   $METASUM pool --method MH --by allocation datasets/bcg/effects.csv
2 mhby_two_columns.txt $METASUM pool --method MH --by alloc,year datasets/bcg/effects.csv
