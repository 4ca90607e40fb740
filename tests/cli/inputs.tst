# EXIT EXPECTED COMMAND   (see tests/cli/run.sh): input checks shared by every command

# validate, pool and effects accept and reject the same files with the same row messages
0 inputs_same_checks.txt   sh tests/cli/same_checks.sh $METASUM tests/cli/data/inputs_same_checks.list $OUT

# a header and no rows: one error naming the file, in every command
1 inputs_k0_validate.txt   $METASUM validate tests/fixtures/bad/header_only.csv
1 inputs_k0_pool.txt       $METASUM pool tests/fixtures/bad/header_only.csv
1 inputs_k0_effects.txt    $METASUM effects tests/fixtures/bad/header_only.csv
1 inputs_k0_compare.txt    $METASUM compare --by input tests/fixtures/bad/header_only.csv
1 inputs_k0_summarize.txt  $METASUM summarize tests/fixtures/bad/header_only.csv
1 inputs_k0_filter.txt     $METASUM pool --filter input=counts tests/fixtures/generic.csv

# a missing --by value ('' or NA): the row is left out with a warning, in pool and compare alike
0 inputs_by_empty_pool.txt     $METASUM pool --by alloc tests/fixtures/inputs/empty_group.csv
0 inputs_by_empty_compare.txt  $METASUM compare --by alloc tests/fixtures/inputs/empty_group.csv

# no events in either arm: kept with 0.5 added (metafor escalc, drop00 = FALSE), with a warning
0 inputs_zero_events_validate.txt  $METASUM validate tests/fixtures/inputs/zero_events_both.csv
0 inputs_zero_events_pool.txt      $METASUM pool --measure OR -d 4 tests/fixtures/inputs/zero_events_both.csv

# validate --measure checks the effects as pool --measure does
0 inputs_validate_md.txt   $METASUM validate --measure MD tests/fixtures/inputs/rom_zero_mean.csv
1 inputs_validate_rom.txt  $METASUM validate --measure ROM tests/fixtures/inputs/rom_zero_mean.csv
2 inputs_validate_zcor.txt $METASUM validate --measure ZCOR tests/fixtures/inputs/rom_zero_mean.csv
