# Summaries a person reads: `metasum pool -f text` (the default when standard output is a
# terminal), as metafor 3.8's print.rma, predict.rma and confint.rma; --ci-text; compare
# --format text.  See tests/cli/run.sh for the format.  The numbers are checked against
# metafor's own printed output (tests/ref/print/bcg_rr_print.txt, from tests/ref/print_refs.R)
# by tests/cli/textsum_check.sh; the goldens fix the whole layout.
0 textsum_bcg_rr.txt          $METASUM pool -f text --measure RR datasets/bcg/effects.csv
0 -   $METASUM pool -f text --measure RR datasets/bcg/effects.csv >$OUT/t && sh tests/cli/textsum_check.sh $OUT/t tests/ref/print/bcg_rr_print.txt 'method = "REML"|transf = exp\)$|confint\(res'
0 textsum_bcg_by_alloc.txt    $METASUM pool --format text --measure RR --by alloc datasets/bcg/effects.csv
0 -   $METASUM pool -f text --measure RR --by alloc datasets/bcg/effects.csv >$OUT/t && sh tests/cli/textsum_check.sh $OUT/t tests/ref/print/bcg_rr_print.txt 'subset'
0 textsum_bcg_knha.txt        $METASUM pool -f text --measure RR --test knha datasets/bcg/effects.csv
0 -   $METASUM pool -f text --measure RR --test knha datasets/bcg/effects.csv >$OUT/t && sh tests/cli/textsum_check.sh $OUT/t tests/ref/print/bcg_rr_print.txt 'knha'
0 textsum_bcg_fe.txt          $METASUM pool -f text --measure RR --method FE datasets/bcg/effects.csv
0 -   $METASUM pool -f text --measure RR --method FE datasets/bcg/effects.csv >$OUT/t && sh tests/cli/textsum_check.sh $OUT/t tests/ref/print/bcg_rr_print.txt '"FE"'
# a proportion: logit scale, back-transformed to a proportion (metafor transf.ilogit)
0 textsum_plo.txt             $METASUM pool -f text --measure PLO tests/cli/data/textsum_plo.csv
0 -   $METASUM pool -f text --measure PLO tests/cli/data/textsum_plo.csv >$OUT/t && sh tests/cli/textsum_check.sh $OUT/t tests/ref/print/bcg_rr_print.txt 'PLO|plo'
# the checker itself fails on other numbers (6 decimals instead of metafor's 4)
1 -   $METASUM pool -f text -d 6 --measure RR datasets/bcg/effects.csv >$OUT/t && sh tests/cli/textsum_check.sh $OUT/t tests/ref/print/bcg_rr_print.txt 'method = "REML"' >/dev/null
# --digits sets the decimals of the text
0 textsum_bcg_d2.txt          $METASUM pool -f text -d 2 --measure MD datasets/normand1999/effects.csv
# piped output without -f stays the CSV it always was (the goldens of cases.tst)
0 -   $METASUM pool --measure RR -d 10 datasets/bcg/effects.csv | cmp - tests/cli/expected/pool_bcg_rr.txt
0 -   $METASUM pool --measure RR --by alloc --test knha -d 8 datasets/bcg/effects.csv | cmp - tests/cli/expected/pool_bcg_by_alloc.txt
# on a terminal (util-linux script gives the command a pseudo-terminal): the summary; -f csv
# and -o FILE keep the table
0 -   command -v script >/dev/null || exit 0; script -qec "$METASUM pool --measure RR datasets/bcg/effects.csv" /dev/null | tr -d '\r' | cmp - tests/cli/expected/textsum_bcg_rr.txt
0 -   command -v script >/dev/null || exit 0; script -qec "$METASUM pool --measure RR -f csv -d 10 datasets/bcg/effects.csv" /dev/null | tr -d '\r' | cmp - tests/cli/expected/pool_bcg_rr.txt
0 -   command -v script >/dev/null || exit 0; script -qec "$METASUM pool --measure RR -d 10 -o $OUT/p.csv datasets/bcg/effects.csv" /dev/null >/dev/null && cmp $OUT/p.csv tests/cli/expected/pool_bcg_rr.txt
# --ci-text: estimate_ci before estimate, back-transformed for ratio and proportion measures,
# 2 decimals or --digits
0 textsum_ci_text.txt         $METASUM pool --measure RR --ci-text --by alloc datasets/bcg/effects.csv | cut -d, -f1-7
0 textsum_ci_text_md.txt      $METASUM pool --measure MD --ci-text -d 3 -f tsv datasets/normand1999/effects.csv | cut -f1-6
0 textsum_ci_text_plo.txt     $METASUM pool --measure PLO --ci-text tests/cli/data/textsum_plo.csv | cut -d, -f1-6
# other tables as aligned columns: study weights, compare's tables
0 textsum_weights.txt         $METASUM pool -f text --measure RR --weights datasets/bcg/effects.csv
0 textsum_compare.txt         $METASUM compare --format text datasets/bcg/effects.csv --by alloc --measure RR --table groups
2 textsum_bad_format.txt      $METASUM pool -f txt --measure RR datasets/bcg/effects.csv
# pool --method MH / PETO: as metafor's print.rma.mh / print.rma.peto
0 textsum_mh.txt              $METASUM pool --method MH --measure OR -f text datasets/bcg/effects.csv
0 -   $METASUM pool --method MH --measure OR -f text datasets/bcg/effects.csv >$OUT/t && sh tests/cli/textsum_check.sh $OUT/t tests/ref/print/bcg_rr_print.txt 'rma.mh\(measure = "OR"'
0 -   $METASUM pool --method PETO --measure OR -f text datasets/bcg/effects.csv >$OUT/t && sh tests/cli/textsum_check.sh $OUT/t tests/ref/print/bcg_rr_print.txt 'rma.peto'
0 -   $METASUM pool --method MH --measure RD -f text datasets/bcg/effects.csv >$OUT/t && sh tests/cli/textsum_check.sh $OUT/t tests/ref/print/bcg_rr_print.txt 'rma.mh\(measure = "RD"'
0 -   command -v script >/dev/null || exit 0; script -qec "$METASUM pool --method MH --measure OR datasets/bcg/effects.csv" /dev/null | tr -d '\r' | cmp - tests/cli/expected/textsum_mh.txt
0 -   $METASUM pool --method MH --measure OR datasets/bcg/effects.csv | head -1 | grep -q '^method,measure,scale,k,'
# a group without a row to pool: its block says so
0 textsum_k0.txt              $METASUM pool -f text --by g tests/cli/data/textsum_k0.csv
