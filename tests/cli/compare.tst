# compare through the analysis layer: the shared output options (-f, -o FILE, -o FOLDER/,
# --meta), tidy CSV, several tables in one stream, and settings errors naming the option.
# tests/fixtures/compare_bcg_rr.csv: BCG log risk ratios with year, ablat, alloc.
0 compare_tidy_one.txt         $METASUM compare tests/fixtures/compare_bcg_rr.csv --by alloc --table between
0 compare_two_tables.txt       $METASUM compare tests/fixtures/compare_bcg_rr.csv --by alloc --table groups,between -d 4
0 compare_meta.txt             $METASUM compare tests/fixtures/compare_bcg_rr.csv --by alloc --table between --meta
0 compare_json_list.txt        $METASUM compare tests/fixtures/compare_bcg_rr.csv --by alloc --table groups,between -f json -d 4
0 compare_folder.txt           $METASUM compare tests/fixtures/compare_bcg_rr.csv --by alloc -o $OUT/t/ -f tsv && ls $OUT/t && cat $OUT/t/between.tsv
0 compare_file.txt             $METASUM compare tests/fixtures/compare_bcg_rr.csv --by alloc --table model -o $OUT/m.csv && cat $OUT/m.csv
0 compare_xlsx.txt             $METASUM compare tests/fixtures/compare_bcg_rr.csv --by alloc -o $OUT/c.xlsx && unzip -l $OUT/c.xlsx | grep -o 'xl/worksheets/sheet[0-9]*.xml' | sort
0 -                            test "$($METASUM compare tests/fixtures/compare_bcg_rr.csv --by alloc -o $OUT/x.json; cat $OUT/x.json)" = "$($METASUM compare tests/fixtures/compare_bcg_rr.csv --by alloc -f json)"
2 compare_xlsx_stdout.txt      $METASUM compare tests/fixtures/compare_bcg_rr.csv --by alloc -f xlsx
2 compare_no_meta.txt          $METASUM compare tests/fixtures/compare_bcg_rr.csv --by alloc --no-meta
2 compare_bad_table.txt        $METASUM compare tests/fixtures/compare_bcg_rr.csv --by alloc --table everything
2 compare_method_mh.txt        $METASUM compare tests/fixtures/compare_bcg_rr.csv --by alloc --method MH
2 compare_plot.txt             $METASUM compare tests/fixtures/compare_bcg_rr.csv --by alloc --plot funnel=$OUT/f.svg
2 compare_two_by.txt           $METASUM compare tests/fixtures/compare_bcg_rr.csv --by alloc,year
2 compare_bad_ref.txt          $METASUM compare tests/fixtures/compare_bcg_rr.csv --by alloc --ref-level alloc=nope
# the report shows the same errors at the manifest line, naming the manifest column
1 compare_report_errors.txt    cp tests/fixtures/compare_bcg_rr.csv $OUT/bcg.csv && printf 'id,dataset,kind,by,pairs,plots\na,bcg.csv,compare,alloc,random:nope,\nb,bcg.csv,compare,alloc,,funnel\nc,bcg.csv,compare,alloc,,\n' >$OUT/m.csv && $METASUM report -q $OUT/m.csv -o $OUT/r; rc=$?; ls $OUT/r/c 2>/dev/null | grep -c csv; exit $rc
