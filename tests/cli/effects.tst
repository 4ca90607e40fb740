# metasum effects and validate on the shared option table (src/analysis/effects.c streams the
# rows to the CSV sink; other formats get the table).  -m is --method everywhere, which neither
# takes; the effect measure is --measure.
2 effects_dash_m.txt          $METASUM effects -m MD tests/ref/metafor38/inputs/normand1999.csv
2 effects_validate_dash_m.txt $METASUM validate -m MD tests/fixtures/inputs/rom_zero_mean.csv
2 effects_gen.txt             $METASUM effects --measure GEN tests/fixtures/effects_errors.csv
2 effects_twice.txt           $METASUM effects --measure MD --measure SMD tests/fixtures/effects_errors.csv
2 effects_two_formats.txt     $METASUM effects --measure MD -f csv,tsv tests/ref/metafor38/inputs/normand1999.csv
2 effects_xlsx_stdout.txt     $METASUM effects --measure MD -f xlsx tests/ref/metafor38/inputs/normand1999.csv
2 effects_level_slip.txt      $METASUM effects --measure MD --level 1.5 tests/ref/metafor38/inputs/normand1999.csv
2 effects_no_file.txt         $METASUM effects --measure MD
# --meta: the '# key,value' lines of every CSV before the header (tidy without)
0 effects_meta.txt            $METASUM effects --measure RR --meta -d 4 --filter alloc=random datasets/bcg/effects.csv
# the table in the other formats (Edinburgh, escalc("MD"): yi = 55 - 75 = -20,
# vi = 47^2/155 + 64^2/156 = 40.50802)
0 effects_md.txt              $METASUM effects --measure MD -f md -d 6 --filter source=Edinburgh tests/ref/metafor38/inputs/normand1999.csv
0 effects_json.txt            $METASUM effects --measure RR -f json -d 7 --filter trial=1 tests/fixtures/effects_bcg.csv
# -o FILE: written atomically; a data error leaves no file, and nothing on a pipe
0 effects_output.txt          $METASUM effects --measure SMD -d 4 -o $OUT/t.csv tests/ref/metafor38/inputs/normand1999.csv && cat $OUT/t.csv
1 effects_output_error.txt    $METASUM effects --measure SMD -o $OUT/t.csv tests/fixtures/effects_errors.csv; s=$?; ls $OUT; exit $s
1 effects_pipe_error.txt      $METASUM effects --measure SMD tests/fixtures/effects_errors.csv | wc -c; exit 1
0 effects_xlsx.txt            $METASUM effects --measure RR -f xlsx -o $OUT/e.xlsx tests/fixtures/effects_bcg.csv && unzip -p $OUT/e.xlsx xl/worksheets/sheet2.xml | grep -o '<c r="M2"[^/]*</v>'
# validate: the shared reading options and its own ones from the table
0 effects_validate_quiet.txt  $METASUM validate -q --measure MD tests/fixtures/inputs/rom_zero_mean.csv
2 effects_validate_two.txt    $METASUM validate --measure MD --measure RR tests/fixtures/inputs/rom_zero_mean.csv
2 effects_validate_none.txt   $METASUM validate -q
