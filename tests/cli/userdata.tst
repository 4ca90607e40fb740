# EXIT EXPECTED COMMAND   (see tests/cli/run.sh)  -- a user's own data: column names, delimiters,
# decimal commas, workbooks, blank rows and missing values (docs/columns.md)
# The same data in every form gives the same numbers (metafor: tests/ref/userdata.csv).
0 userdata_normand_csv.txt        $METASUM pool --measure MD -d 10 tests/fixtures/userdata/normand1999.csv
0 userdata_normand_semicolon.txt  $METASUM pool --measure MD -d 10 tests/fixtures/userdata/normand1999_semicolon.csv
0 userdata_normand_xlsx.txt       $(dirname $METASUM)/tests/csv2xlsx tests/fixtures/userdata/normand1999.csv $OUT/normand.xlsx && $METASUM pool --measure MD -d 10 $OUT/normand.xlsx
0 userdata_normand_col.txt        $METASUM pool --measure MD -d 10 --col 'm1i=Mean Active' --col 'sd1i=SD Active' --col 'n1i=N Active' --col 'm2i=Mean Usual Care' --col 'sd2i=SD Usual Care' --col 'n2i=N Usual Care;study=Trial' tests/fixtures/userdata/unknown_form.csv
0 userdata_normand_meta.txt       $METASUM pool --measure MD -d 6 --meta tests/fixtures/userdata/normand1999.csv
0 userdata_normand_json.txt       $METASUM pool --measure MD -d 6 -f json tests/fixtures/userdata/normand1999.csv
0 userdata_raud_csv.txt           $METASUM pool -d 10 tests/fixtures/userdata/raudenbush1985.csv
0 userdata_raud_semicolon.txt     $METASUM pool -d 10 tests/fixtures/userdata/raudenbush1985_semicolon.csv
0 userdata_raud_tsv.txt           $METASUM pool -d 10 tests/fixtures/userdata/raudenbush1985.tsv
0 userdata_raud_xlsx_sheet.txt    $(dirname $METASUM)/tests/csv2xlsx -i -f -s Data tests/fixtures/userdata/raudenbush1985.csv $OUT/r.xlsx && $METASUM pool -d 10 --sheet Data $OUT/r.xlsx
0 userdata_raud_forced.txt        $METASUM pool -d 10 --delim ';' --decimal , tests/fixtures/userdata/raudenbush1985_semicolon.csv
0 userdata_raud_dl_by.txt         $METASUM pool -d 10 -m DL --by Setting tests/fixtures/userdata/raudenbush1985_semicolon.csv
0 userdata_effects_semicolon.txt  $METASUM effects -d 6 tests/fixtures/userdata/raudenbush1985_semicolon.csv
0 userdata_effects_xlsx.txt       $(dirname $METASUM)/tests/csv2xlsx tests/fixtures/userdata/normand1999.csv $OUT/n.xlsx && $METASUM effects --measure MD -d 6 $OUT/n.xlsx
0 userdata_compare.txt            $METASUM compare --digits 6 --by Setting --table groups tests/fixtures/userdata/raudenbush1985_semicolon.csv
1 userdata_validate.txt           $METASUM validate --col 'm1i=mean active' --col 'sd1i=SD Active' --col 'n1i=N Active' --col 'm2i=Mean Usual Care' --col 'sd2i=SD Usual Care' --col 'n2i=N Usual Care' tests/fixtures/userdata/unknown_form.csv

# Blank rows are skipped and counted; a row without a value its form needs is left out (na.omit)
0 userdata_blank_rows.txt         $METASUM pool --measure MD -d 10 tests/fixtures/userdata/blank_rows.csv
0 userdata_missing_omit.txt       $METASUM pool --measure MD -d 10 tests/fixtures/userdata/missing_value.csv
1 userdata_missing_error.txt      $METASUM pool --measure MD --missing error tests/fixtures/userdata/missing_value.csv
0 userdata_missing_effects.txt    $METASUM effects --measure MD -d 4 tests/fixtures/userdata/missing_value.csv

# Messages: the form cannot be told, wrong guesses, bad mappings, workbooks
1 userdata_unknown_form.txt       $METASUM pool --measure MD tests/fixtures/userdata/unknown_form.csv
1 userdata_semicolon_dot.txt      $METASUM pool tests/fixtures/userdata/semicolon_dot.csv
0 userdata_semicolon_dot_ok.txt   $METASUM pool -d 6 --decimal . tests/fixtures/userdata/semicolon_dot.csv
1 userdata_wrong_delim.txt        $METASUM pool tests/fixtures/userdata/wrong_delim.csv
1 userdata_forced_comma.txt       $METASUM pool --delim , tests/fixtures/userdata/raudenbush1985_semicolon.csv
1 userdata_col_bad_field.txt      $METASUM pool --col mean1=Mean_T tests/fixtures/userdata/normand1999.csv
1 userdata_col_no_column.txt      $METASUM pool --measure MD --col m1i=Mean_X tests/fixtures/userdata/normand1999.csv
2 userdata_col_no_equals.txt      $METASUM pool --col Mean_T tests/fixtures/userdata/normand1999.csv
2 userdata_bad_delim.txt          $METASUM pool --delim '|' tests/fixtures/userdata/normand1999.csv
2 userdata_bad_decimal.txt        $METASUM compare --decimal x --by Setting tests/fixtures/userdata/raudenbush1985.csv
2 userdata_bad_missing.txt        $METASUM effects --missing drop tests/fixtures/userdata/normand1999.csv
1 userdata_xlsx_no_sheet.txt      $(dirname $METASUM)/tests/csv2xlsx -s Data tests/fixtures/userdata/raudenbush1985.csv $OUT/r.xlsx && $METASUM pool --sheet Results $OUT/r.xlsx
1 userdata_xlsx_bad_cell.txt      printf 'Author,Year,Effect,Variance\nA,1999,0.1,0.02\nB,2001,0.2,x\n' > $OUT/b.csv && $(dirname $METASUM)/tests/csv2xlsx $OUT/b.csv $OUT/b.xlsx && $METASUM pool $OUT/b.xlsx
1 userdata_xlsx_not_zip.txt       printf 'PK\003\004 not really a zip archive' > $OUT/bad.xlsx && $METASUM pool $OUT/bad.xlsx
1 userdata_xlsx_stdin.txt         $(dirname $METASUM)/tests/csv2xlsx tests/fixtures/userdata/normand1999.csv $OUT/n.xlsx && $METASUM pool --measure MD - < $OUT/n.xlsx

# The report manifest's `columns` field is --col; forest-plot labels from the mapped study column,
# or author + year
0 userdata_report.txt             $METASUM report -q --allow-outside tests/cli/data/userdata_manifest.csv -o $OUT/r; rc=$?; ls $OUT/r; grep -o '>Edinburgh</text>' $OUT/r/normand/forest.svg; grep -o '>Rosenthal et al. 1974</text>' $OUT/r/raudenbush/forest.svg; grep -c Montreal $OUT/r/normand-effects/effects.csv; grep '^indiv' $OUT/r/raudenbush-compare/groups.csv; exit $rc
# a mapping naming no column: the manifest's analysis fails, nothing is written
1 userdata_report_bad.txt         $METASUM report -q --allow-outside tests/cli/data/userdata_manifest_bad.csv -o $OUT/r; rc=$?; ls $OUT/r; exit $rc

# Detection on a stream (standard input read ahead), a forced tab
0 userdata_stdin_semicolon.txt    cat tests/fixtures/userdata/raudenbush1985_semicolon.csv | $METASUM pool -d 10 -
0 userdata_forced_tab.txt         $METASUM pool -d 10 --delim tab tests/fixtures/userdata/raudenbush1985.tsv
