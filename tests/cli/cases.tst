# EXIT EXPECTED COMMAND   (see tests/cli/run.sh)
0 version.txt          $METASUM --version
0 -                    $METASUM --help
2 unknown_command.txt  $METASUM frobnicate
2 -                    $METASUM

# metasum pool.  Numbers cross-checked against metafor 3.8 (tests/ref/): BCG log RR REML and DL
# (bcg_rr_REML_tight, bcg_rr_DL, _predict, _exp, _confint_tight), per-allocation REML knha and
# FE (bcg_rr_alloc_*), Normand SMD DL and ROM REML, weights (bcg_rr_REML_tight weight[i]); the
# edge cases k = 1 and identical effects (edge_k1, edge_identical).
0 pool_bcg_rr.txt          $METASUM pool --measure RR -d 10 datasets/bcg/effects.csv
0 pool_bcg_rr_dl.txt       $METASUM pool --measure RR --method DL -d 10 datasets/bcg/effects.csv
0 pool_bcg_by_alloc.txt    $METASUM pool --measure RR --by alloc --test knha -d 8 datasets/bcg/effects.csv
0 pool_bcg_by_alloc_fe.txt $METASUM pool -m FE --measure RR -b alloc -f tsv -d 6 datasets/bcg/effects.csv
0 pool_bcg_weights.txt     $METASUM pool --measure RR --weights -d 8 datasets/bcg/effects.csv
0 pool_normand_smd.txt     $METASUM pool --measure SMD --method DL -d 10 datasets/normand1999/effects.csv
0 pool_normand_rom.txt     $METASUM pool --measure=ROM --level=0.95 -d 10 datasets/normand1999/effects.csv
0 pool_k1.txt              $METASUM pool -d 10 tests/ref/inputs/edge_k1.csv
0 pool_identical.txt       $METASUM pool -m FE -d 10 tests/ref/inputs/edge_identical.csv
0 pool_stdin_md.txt        $METASUM pool -f md -d 4 - < tests/ref/inputs/edge_k2.csv
0 pool_forms.txt           $METASUM pool --by outcome -d 6 tests/cli/data/pool_forms.csv
0 pool_output_file.txt     $METASUM pool -d 6 -o $OUT/pooled.csv tests/ref/inputs/edge_k2.csv && cat $OUT/pooled.csv
1 pool_bad_vi.txt          $METASUM pool tests/cli/data/pool_bad_vi.csv
1 pool_mixed_measure.txt   $METASUM pool tests/cli/data/pool_mixed_measure.csv
1 pool_nothing.txt         $METASUM pool datasets/exosome_skin_aging/effects.csv
2 pool_needs_measure.txt   $METASUM pool datasets/bcg/effects.csv
2 pool_bad_method.txt      $METASUM pool --method XX datasets/bcg/effects.csv
2 pool_bad_by.txt          $METASUM pool --measure RR --by nope datasets/bcg/effects.csv
2 pool_bad_level.txt       $METASUM pool --level 120 datasets/bcg/effects.csv
2 -                        $METASUM pool
3 pool_no_file.txt         $METASUM pool tests/cli/data/no_such_file.csv
0 -                        $METASUM pool --help
0 pool_by_two_cols.txt     $METASUM pool -b outcome,measure -m DL -d 6 tests/cli/data/pool_forms.csv 2>/dev/null
0 pool_many_groups.txt     awk 'BEGIN{print "g,yi,vi"; for(j=0;j<3;j++) for(i=0;i<3000;i++) printf "g%d,%g,%g\n", i, (i%7)/10+j/20, 0.01+j/100}' | $METASUM pool --by g -m DL -d 8 - | awk -F, 'NR==1||NR==2||NR==1501||NR==3001{print $1","$2","$6","$21}END{print NR}'

# validate
0 validate_help.txt        $METASUM validate --help
0 validate_good.txt        $METASUM validate --source tests/fixtures/ds/source.txt tests/fixtures/ds/effects.csv
1 validate_bad_many.txt    $METASUM validate tests/fixtures/bad/unterminated_quote.csv tests/fixtures/bad/ragged_long.csv tests/fixtures/bad/comma_decimal.csv tests/fixtures/bad/invalid_utf8.csv tests/fixtures/bad/duplicate_header.csv tests/fixtures/bad/form_missing_field.csv
1 validate_provenance.txt  $METASUM validate --refs tests/fixtures/ds/references.csv --outcomes tests/fixtures/ds/outcomes.csv --source tests/fixtures/ds/source.txt tests/fixtures/bad/number_not_in_quote.csv tests/fixtures/bad/quote_not_in_source.csv tests/fixtures/bad/duplicate_id.csv
1 validate_plain_no_id.txt $METASUM validate tests/fixtures/plain_yi_vi.csv
0 validate_stdin.txt       cat tests/fixtures/crlf.csv | $METASUM validate -
1 validate_stdin_bad.txt   $METASUM validate -q - < tests/fixtures/bad/stray_quote.csv
3 validate_missing.txt     $METASUM validate tests/fixtures/no_such_file.csv
3 validate_no_source.txt   $METASUM validate --source tests/fixtures/no_such_source.txt tests/fixtures/generic.csv
2 validate_no_file.txt     $METASUM validate
2 validate_bad_option.txt  $METASUM validate --frobnicate tests/fixtures/generic.csv

# metasum effects
0 -                          $METASUM effects --help
0 effects_normand_smd.txt    $METASUM effects --measure SMD tests/ref/metafor38/inputs/normand1999.csv
0 effects_normand_md90.txt   $METASUM effects -m MD --level 90 --digits 4 tests/ref/metafor38/inputs/normand1999.csv
0 effects_mixed.txt          $METASUM effects -m ROM -m OR tests/fixtures/effects_mixed.csv
0 effects_mixed_tsv.txt      $METASUM effects --measure=SMD --measure=RR --format tsv -d 4 - < tests/fixtures/effects_mixed.csv
0 effects_zero_only0.txt     $METASUM effects -m OR tests/ref/inputs/zero_cells.csv
0 effects_zero_if0all.txt    $METASUM effects -m RR --to if0all --add 0.25 - < tests/ref/inputs/zero_cells.csv
0 effects_zero_all_rd.txt    $METASUM effects -m RD --to all tests/ref/inputs/zero_cells.csv
1 effects_zero_none_rr.txt   $METASUM effects -m RR --to none tests/ref/inputs/zero_cells.csv
1 effects_errors_rom.txt     $METASUM effects -m ROM tests/fixtures/effects_errors.csv
1 effects_errors_smd.txt     $METASUM effects -m SMD tests/fixtures/effects_errors.csv > $OUT/table.csv; s=$?; wc -c < $OUT/table.csv; exit $s
2 effects_no_measure.txt     $METASUM effects tests/ref/metafor38/inputs/normand1999.csv
2 effects_bad_to.txt         $METASUM effects --to sometimes tests/fixtures/effects_errors.csv
2 -                          $METASUM effects --level 0 tests/fixtures/effects_errors.csv
2 -                          $METASUM effects -m SMD tests/fixtures/effects_errors.csv tests/fixtures/effects_mixed.csv
2 -                          $METASUM effects --measure GEN tests/fixtures/effects_errors.csv
2 -                          $METASUM effects -m MD -m SMD tests/fixtures/effects_errors.csv
2 -                          $METASUM effects -m MD --digits
3 effects_missing_file.txt   $METASUM effects -m MD tests/fixtures/no_such_file.csv
# yi and vi read back as metafor's exact doubles (the shortest text of the same double)
0 -   $METASUM effects -m RR -d 0 tests/fixtures/effects_bcg.csv | cut -d, -f13,14 > $OUT/a && cut -d, -f10,11 tests/ref/metafor38/inputs/bcg_rr_yivi.csv | cmp - $OUT/a
0 -   $METASUM effects -m ROM -d 0 tests/ref/metafor38/inputs/normand1999.csv | cut -d, -f12,13 > $OUT/a && cut -d, -f2,3 tests/ref/metafor38/inputs/normand1999_rom_yivi.csv | cmp - $OUT/a
# 25 rows that each give a warning: 20 are shown, then a count
0 effects_many_warnings.txt  awk 'BEGIN{print "id,m1i,sd1i,n1i,m2i,sd2i,n2i"; for(i=1;i<=25;i++) print "w" i ",50,0.1,10,48,5,10"}' | $METASUM effects -m MD - 2>&1 >/dev/null | tail -n 2
3 -   $METASUM effects -m SMD tests/ref/metafor38/inputs/normand1999.csv > /dev/full
