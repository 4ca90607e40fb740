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
