# EXIT EXPECTED COMMAND   (see tests/cli/run.sh): metasum bias / sensitivity through the analysis
# layer: the shared options, the user's own data, setting errors, the report's settings

# the user's own data: the same numbers from a CSV, a ';' file with decimal commas, --col
0 bsens_bias_userdata.txt       $METASUM bias --measure MD tests/fixtures/userdata/normand1999.csv
0 bsens_bias_semicolon.txt      $METASUM bias --measure MD tests/fixtures/userdata/normand1999_semicolon.csv
0 bsens_sens_col.txt            $METASUM sensitivity --measure MD --col 'm1i=Mean Active' --col 'sd1i=SD Active' --col 'n1i=N Active' --col 'm2i=Mean Usual Care' --col 'sd2i=SD Usual Care' --col 'n2i=N Usual Care;study=Trial' tests/fixtures/userdata/unknown_form.csv
0 bsens_sens_stdin.txt          cat tests/fixtures/userdata/normand1999.csv | $METASUM sensitivity -a influence --measure MD -d 4 -
# a row without a variance is left out with a warning; --missing error makes a missing value fatal
0 bsens_sens_novar.txt          printf 'study,yi,vi\na,0.1,0.04\nb,0.3,0.05\nc,0.2,\nd,0.5,0.02\n' >$OUT/d.csv && $METASUM sensitivity -d 4 $OUT/d.csv
1 bsens_sens_missing_error.txt  printf 'study,yi,vi\na,0.1,0.04\nb,0.3,0.05\nc,0.2,\nd,0.5,0.02\n' >$OUT/d.csv && $METASUM sensitivity --missing error $OUT/d.csv
# output: --meta, json, xlsx needs a file, one format
0 bsens_sens_meta.txt           $METASUM sensitivity -a cumul --order year --measure RR -d 4 --meta datasets/bcg/effects.csv
0 bsens_bias_json.txt           $METASUM bias --measure RR -f json -d 4 datasets/bcg/effects.csv
2 bsens_bias_xlsx_stdout.txt    $METASUM bias --measure RR -f xlsx datasets/bcg/effects.csv
2 bsens_bias_two_formats.txt    $METASUM bias --measure RR -f csv,json datasets/bcg/effects.csv
0 bsens_bias_xlsx.txt           $METASUM bias --measure RR -f xlsx -o $OUT/b.xlsx datasets/bcg/effects.csv && unzip -l $OUT/b.xlsx | grep -c 'xl/worksheets/sheet'
# setting errors name the option
2 bsens_bias_unknown_plot.txt   $METASUM bias --measure RR --plot forest=$OUT/f.svg datasets/bcg/effects.csv
2 bsens_sens_unknown_plot.txt   $METASUM sensitivity --measure RR --plot funnel_trimfill=$OUT/f.svg datasets/bcg/effects.csv
2 bsens_bias_method_mh.txt      $METASUM bias --measure RR -m MH datasets/bcg/effects.csv
2 bsens_sens_weights.txt        $METASUM sensitivity --measure RR --weights datasets/bcg/effects.csv
2 bsens_bias_two_files.txt      $METASUM bias --measure RR datasets/bcg/effects.csv datasets/bcg/effects.csv
2 bsens_bias_no_file.txt        $METASUM bias --measure RR
2 bsens_bias_level.txt          $METASUM bias --measure RR --level 1.5 datasets/bcg/effects.csv
1 bsens_bias_filter_none.txt    $METASUM bias --measure RR --filter alloc=nosuch datasets/bcg/effects.csv
# the report: a sensitivity row with analysis and order columns has that one table
0 bsens_report_settings.txt     cp datasets/bcg/effects.csv $OUT/bcg.csv && printf 'id,dataset,kind,measure,analysis,order,predictor,formats\ns,bcg.csv,sensitivity,RR,cumul,year,,csv\nb,bcg.csv,bias,RR,,,vi,csv\n' >$OUT/m.csv && $METASUM report -q $OUT/m.csv -o $OUT/r && (cd $OUT/r && find . -type f -name '*.csv' | sort) && grep -v '^#' $OUT/r/s/cumul.csv | head -3 && grep -v '^#' $OUT/r/b/bias.csv | head -2
1 bsens_report_bad_order.txt    cp datasets/bcg/effects.csv $OUT/bcg.csv && printf 'id,dataset,kind,measure,analysis,order\ns,bcg.csv,sensitivity,RR,influence,year\n' >$OUT/m.csv && $METASUM report -q $OUT/m.csv -o $OUT/r
# summarize: the evidence map drawn as a heat map, and only with its table
0 bsens_summarize_plot.txt     $METASUM summarize tests/fixtures/swim_small.csv --outcomes tests/fixtures/swim_small_outcomes.csv --table evidence_map --plot evidence_map=$OUT/em.svg >/dev/null && xmllint --noout $OUT/em.svg && grep -o '<title>[^<]*</title>' $OUT/em.svg | head -3
0 bsens_summarize_plot_table.txt $METASUM summarize tests/fixtures/swim_small.csv --outcomes tests/fixtures/swim_small_outcomes.csv --table votes --plot evidence_map=$OUT/em.svg >/dev/null && grep -c "<svg" $OUT/em.svg
