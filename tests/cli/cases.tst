# EXIT EXPECTED COMMAND   (see tests/cli/run.sh)
0 version.txt          $METASUM --version
0 -                    $METASUM --help
2 unknown_command.txt  $METASUM frobnicate
2 -                    $METASUM

# compare: BCG log risk ratios (tests/fixtures/compare_bcg_rr.csv = metafor escalc yi/vi) by allocation
0 compare_bcg_all.txt          $METASUM compare tests/fixtures/compare_bcg_rr.csv --by alloc
0 compare_bcg_metareg_knha.txt $METASUM compare tests/fixtures/compare_bcg_rr.csv --by alloc --test knha --mods ablat,alloc --table metareg
0 compare_bcg_model_ref.txt    $METASUM compare tests/fixtures/compare_bcg_rr.csv --by alloc --mods ablat,alloc --ref-level alloc=random --table model --format tsv --no-meta
0 compare_bcg_pairs.txt        $METASUM compare tests/fixtures/compare_bcg_rr.csv --by alloc --method DL --pairs random:systematic,alternate:random --table pairs --digits 4
0 -                            $METASUM compare --help
2 compare_no_by.txt            $METASUM compare tests/fixtures/compare_bcg_rr.csv
2 compare_bad_by.txt           $METASUM compare tests/fixtures/compare_bcg_rr.csv --by nope
2 compare_bad_pair.txt         $METASUM compare tests/fixtures/compare_bcg_rr.csv --by alloc --pairs random:nope
2 compare_bad_method.txt       $METASUM compare tests/fixtures/compare_bcg_rr.csv --by alloc --method PM --mods ablat
1 compare_bad_vi.txt           $METASUM compare tests/fixtures/compare_bad_vi.csv --by alloc
1 compare_collinear.txt        $METASUM compare tests/fixtures/compare_bcg_rr.csv --by alloc --mods alloc,alloc_code --table metareg
3 compare_missing_file.txt     $METASUM compare tests/fixtures/no_such_file.csv --by alloc

# summarize: directional rows of the exosome review (tests/fixtures/swim_small.csv)
0 summarize_small.txt          $METASUM summarize tests/fixtures/swim_small.csv --outcomes tests/fixtures/swim_small_outcomes.csv
0 summarize_small_prep.txt     $METASUM summarize tests/fixtures/swim_small.csv --outcomes tests/fixtures/swim_small_outcomes.csv --by source,preparation,outcome --table votes --per-row
0 summarize_no_dict.txt        $METASUM summarize tests/fixtures/swim_small.csv --table votes --no-meta
0 -                            $METASUM summarize --help
1 summarize_bad_effect_of.txt  $METASUM summarize tests/fixtures/swim_bad_effect_of.csv --outcomes tests/fixtures/swim_small_outcomes.csv --table votes
2 summarize_bad_table.txt      $METASUM summarize tests/fixtures/swim_small.csv --table nope
