# EXIT EXPECTED COMMAND   (see tests/cli/run.sh)
0 version.txt          $METASUM --version
0 -                    $METASUM --help
2 unknown_command.txt  $METASUM frobnicate
2 -                    $METASUM

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
0 effects_normand_md90.txt   $METASUM effects --measure MD --level 90 --digits 4 tests/ref/metafor38/inputs/normand1999.csv
0 effects_mixed.txt          $METASUM effects --measure ROM --measure OR tests/fixtures/effects_mixed.csv
0 effects_mixed_tsv.txt      $METASUM effects --measure=SMD --measure=RR --format tsv -d 4 - < tests/fixtures/effects_mixed.csv
0 effects_zero_only0.txt     $METASUM effects --measure OR tests/ref/inputs/zero_cells.csv
0 effects_zero_if0all.txt    $METASUM effects --measure RR --to if0all --add 0.25 - < tests/ref/inputs/zero_cells.csv
0 effects_zero_all_rd.txt    $METASUM effects --measure RD --to all tests/ref/inputs/zero_cells.csv
1 effects_zero_none_rr.txt   $METASUM effects --measure RR --to none tests/ref/inputs/zero_cells.csv
1 effects_errors_rom.txt     $METASUM effects --measure ROM tests/fixtures/effects_errors.csv
1 effects_errors_smd.txt     $METASUM effects --measure SMD tests/fixtures/effects_errors.csv > $OUT/table.csv; s=$?; wc -c < $OUT/table.csv; exit $s
2 effects_no_measure.txt     $METASUM effects tests/ref/metafor38/inputs/normand1999.csv
2 effects_bad_to.txt         $METASUM effects --to sometimes tests/fixtures/effects_errors.csv
2 -                          $METASUM effects --level 0 tests/fixtures/effects_errors.csv
2 -                          $METASUM effects --measure SMD tests/fixtures/effects_errors.csv tests/fixtures/effects_mixed.csv
2 -                          $METASUM effects --measure GEN tests/fixtures/effects_errors.csv
2 -                          $METASUM effects --measure MD --measure SMD tests/fixtures/effects_errors.csv
2 -                          $METASUM effects --measure MD --digits
3 effects_missing_file.txt   $METASUM effects --measure MD tests/fixtures/no_such_file.csv
# yi and vi read back as metafor's exact doubles (the shortest text of the same double)
0 -   $METASUM effects --measure RR -d 0 tests/fixtures/effects_bcg.csv | cut -d, -f13,14 > $OUT/a && cut -d, -f10,11 tests/ref/metafor38/inputs/bcg_rr_yivi.csv | cmp - $OUT/a
0 -   $METASUM effects --measure ROM -d 0 tests/ref/metafor38/inputs/normand1999.csv | cut -d, -f12,13 > $OUT/a && cut -d, -f2,3 tests/ref/metafor38/inputs/normand1999_rom_yivi.csv | cmp - $OUT/a
# 25 rows that each give a warning: 20 are shown, then a count
0 effects_many_warnings.txt  awk 'BEGIN{print "id,m1i,sd1i,n1i,m2i,sd2i,n2i"; for(i=1;i<=25;i++) print "w" i ",50,0.1,10,48,5,10"}' | $METASUM effects --measure MD - 2>&1 >/dev/null | tail -n 2
3 -   $METASUM effects --measure SMD tests/ref/metafor38/inputs/normand1999.csv > /dev/full
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

# compare: BCG log risk ratios by allocation.  tests/fixtures/compare_bcg_rr.csv is
# tests/ref/inputs/bcg_rr_yivi.csv (metafor 3.8 escalc, see tests/ref/PROVENANCE.md) cut to
# study,author,year,ablat,alloc,yi,vi with input=generic, measure=RR, plus alloc_code (the first
# letter of alloc, for the collinear-design case); compare_bad_vi.csv has one defect: vi of
# study 3 negated (line 4).  Every number printed here is checked against metafor in
# tests/test_metareg.c and tests/test_subgroup.c.
0 compare_bcg_all.txt          $METASUM compare tests/fixtures/compare_bcg_rr.csv --by alloc
0 compare_bcg_metareg_knha.txt $METASUM compare tests/fixtures/compare_bcg_rr.csv --by alloc --test knha --mods ablat,alloc --table metareg
0 compare_bcg_model_ref.txt    $METASUM compare tests/fixtures/compare_bcg_rr.csv --by alloc --mods ablat,alloc --ref-level alloc=random --table model --format tsv
0 compare_bcg_pairs.txt        $METASUM compare tests/fixtures/compare_bcg_rr.csv --by alloc --method DL --pairs random:systematic,alternate:random --table pairs --digits 4
0 compare_bcg_between_json.txt $METASUM compare tests/fixtures/compare_bcg_rr.csv --by alloc --table between --format json
0 -                            $METASUM compare --help
2 compare_no_by.txt            $METASUM compare tests/fixtures/compare_bcg_rr.csv
2 compare_bad_by.txt           $METASUM compare tests/fixtures/compare_bcg_rr.csv --by nope
2 compare_bad_pair.txt         $METASUM compare tests/fixtures/compare_bcg_rr.csv --by alloc --pairs random:nope
1 compare_bad_vi.txt           $METASUM compare tests/fixtures/compare_bad_vi.csv --by alloc
1 compare_collinear.txt        $METASUM compare tests/fixtures/compare_bcg_rr.csv --by alloc --mods alloc,alloc_code --table metareg
3 compare_missing_file.txt     $METASUM compare tests/fixtures/no_such_file.csv --by alloc
# 3000 groups: Q_between only (the common-tau2 model stops at 100 groups), pairs only on request
0 compare_many_groups.txt      awk 'BEGIN{print "g,yi,vi"; for(j=0;j<3;j++) for(i=0;i<3000;i++) printf "g%d,%g,%g\n", i, (i%7)/10+j/20, 0.01+j/100}' | $METASUM compare - --by g --table between --digits 6
0 compare_many_pairs.txt       awk 'BEGIN{print "g,yi,vi"; for(j=0;j<3;j++) for(i=0;i<300;i++) printf "g%d,%g,%g\n", i, (i%7)/10+j/20, 0.01+j/100}' | $METASUM compare - --by g --table pairs --pairs g1:g2 --digits 6

# summarize: tests/fixtures/swim_small.csv holds directional rows modelled on the exosome review
# (the numbers 18.08 %, 28.19 % and 16-fold as the review reports them; the refs are labels);
# swim_bad_effect_of.csv has one defect: effect_of 'insult' on line 14.  The SWiM numbers are
# checked by hand in tests/test_swim.c.
0 summarize_small.txt          $METASUM summarize tests/fixtures/swim_small.csv --outcomes tests/fixtures/swim_small_outcomes.csv --meta
0 summarize_small_prep.txt     $METASUM summarize tests/fixtures/swim_small.csv --outcomes tests/fixtures/swim_small_outcomes.csv --by source,preparation,outcome --table votes --per-row --meta
0 summarize_no_dict.txt        $METASUM summarize tests/fixtures/swim_small.csv --table votes
0 -                            $METASUM summarize --help
1 summarize_bad_effect_of.txt  $METASUM summarize tests/fixtures/swim_bad_effect_of.csv --outcomes tests/fixtures/swim_small_outcomes.csv --table votes
2 summarize_bad_table.txt      $METASUM summarize tests/fixtures/swim_small.csv --table nope
0 summarize_exosome_cmp.txt   $METASUM summarize datasets/exosome_skin_aging/effects.csv --table comparisons --meta
0 summarize_exosome_time.txt  $METASUM summarize datasets/exosome_skin_aging/effects.csv --table timecourse
# metasum report.  The committed reports/ are exactly what the manifest regenerates (determinism).
0 -                      $METASUM report -q datasets/analyses.csv -o $OUT/r && diff -r reports $OUT/r
# every page is well-formed (X)HTML, every plot well-formed SVG
0 -                      xmllint --noout reports/index.html reports/*/index.html reports/*/*.html reports/*/*.svg
# the XLSX holds typed numbers at full precision: the pooled estimate (column E of the pool
# sheet, after the summary sheet) has no t="s", and a display format (s=) rounds what it shows
0 -                      unzip -p reports/bcg-pool/bcg-pool.xlsx xl/worksheets/sheet2.xml | grep -q '<c r="E2" s="[0-9]*"><v>-0.7145323421581393</v>'
# a failing analysis is reported (every analysis runs), the exit code says one failed, and nothing
# is written (all or nothing: more in writes.tst); the datasets lie outside the manifest's folder
1 report_failures.txt    $METASUM report -q --allow-outside tests/cli/data/report_manifest.csv -o $OUT/r; rc=$?; ls $OUT; exit $rc
# hostile ids never become paths
1 report_hostile.txt     $METASUM report -q --allow-outside tests/cli/data/report_hostile.csv -o $OUT/r
3 -                      $METASUM report -q datasets/analyses.csv -o /dev/full/r
2 -                      $METASUM report datasets/analyses.csv
0 -                      $METASUM report --help
# the curated datasets stay valid (quotes against the review itself: see datasets/README.md)
0 validate_datasets.txt  $METASUM validate datasets/*/effects.csv 2>/dev/null
# a full disk is an error (exit 3), never silence
3 -   $METASUM pool --measure RR -o /dev/full datasets/bcg/effects.csv
3 -   $METASUM summarize datasets/exosome_skin_aging/effects.csv > /dev/full
3 -   $METASUM compare --by alloc --measure RR datasets/bcg/effects.csv > /dev/full
# --filter keeps the matching rows only (the random-allocation trials: 7 of 13)
0 -   test "$($METASUM pool --measure RR --filter alloc=random datasets/bcg/effects.csv | cut -d, -f1 | tail -1)" = 7
0 -   test "$($METASUM effects --measure RR --filter alloc=random datasets/bcg/effects.csv | wc -l)" = 8
# option values are read by one parser in every command: levels as 0.95 or 95, strict numbers
2 -   $METASUM compare --by alloc --measure RR --level 2x datasets/bcg/effects.csv
0 -   test "$($METASUM compare --by alloc --measure RR --level 90 --table groups -d 6 datasets/bcg/effects.csv)" = "$($METASUM compare --by alloc --measure RR --level 0.9 --table groups -d 6 datasets/bcg/effects.csv)"
2 -   $METASUM summarize --digits 99 datasets/exosome_skin_aging/effects.csv
2 option_no_value.txt  $METASUM pool --by; $METASUM effects --measure; $METASUM compare --by; $METASUM summarize --outcomes
