# EXIT EXPECTED COMMAND   (see tests/cli/run.sh): the synthesis-without-meta-analysis report --
# findings sentences, effect direction tables and plots, time-course trends (magnitude_rank),
# the evidence map without empty cells -- on the exosome review and on a second, synthetic dataset

# A second dataset with directional findings gets the same report with no change to code or
# templates: the tables (findings first), the four plots (well-formed; 12 study x domain arrows,
# 5 time points, 2 panels of 2 bars), the page showing the plots in the manifest's order
0 exo_report_synthetic.txt     $METASUM report -q tests/data/topical_antioxidants/analyses.csv -o $OUT/r && (cd $OUT/r && find . -type f | sort) && xmllint --noout $OUT/r/antioxidants/*.svg $OUT/r/*/*.html && cat $OUT/r/antioxidants/findings.csv $OUT/r/antioxidants/domains.csv && grep -c '<g class="edp">' $OUT/r/antioxidants/effect_direction.svg && grep -c '<g class="tc">' $OUT/r/antioxidants/timecourse.svg && grep -c 'class="bar"' $OUT/r/antioxidants/comparisons.svg && grep -o '<svg [^>]*>\|<title>[A-Z][^<]*</title>' $OUT/r/antioxidants/index.html | grep -A1 '<svg' | grep title
# the exosome review: the sentences, the sign test per domain, the study x domain cells
0 exo_findings.txt             $METASUM summarize datasets/exosome_skin_aging/effects.csv --table findings
0 exo_domains.txt              $METASUM summarize datasets/exosome_skin_aging/effects.csv --table domains
0 exo_effect_direction.txt     $METASUM summarize datasets/exosome_skin_aging/effects.csv --table effect_direction
# the evidence map lists cells with evidence (the MSC comparator of iPSC-EV 16x among them);
# --gaps lists the empty cells too
0 exo_map_exosome.txt          $METASUM summarize datasets/exosome_skin_aging/effects.csv --table evidence_map | cut -d, -f1-10
0 exo_map_gaps.txt             $METASUM summarize tests/fixtures/swim_small.csv --outcomes tests/fixtures/swim_small_outcomes.csv --table evidence_map --gaps | cut -d, -f1-7
# magnitude_rank: a whole number from 1, on a row with a time, two or more ranked rows per time
# course (validate reports each; summarize refuses a malformed rank)
1 exo_rank_zero.txt            printf 'id,ref,outcome,time,time_unit,input,direction,magnitude_rank\na,R,x,5,passage,direction,decrease,0\nb,R,x,15,passage,direction,decrease,1\nc,R,x,28,passage,direction,decrease,2\n' >$OUT/e.csv && $METASUM validate $OUT/e.csv 2>$OUT/err; rc=$?; grep -v direction-only $OUT/err; exit $rc
1 exo_rank_no_time.txt         printf 'id,ref,outcome,time,time_unit,input,direction,magnitude_rank\na,R,x,,passage,direction,decrease,1\nb,R,x,15,passage,direction,decrease,2\nc,R,x,28,passage,direction,decrease,3\n' >$OUT/e.csv && $METASUM validate $OUT/e.csv 2>$OUT/err; rc=$?; grep -v direction-only $OUT/err; exit $rc
1 exo_rank_single.txt          printf 'id,ref,outcome,time,time_unit,input,direction,magnitude_rank\na,R,x,5,passage,direction,decrease,1\nb,R,x,15,passage,direction,decrease,\n' >$OUT/e.csv && $METASUM validate $OUT/e.csv 2>$OUT/err; rc=$?; grep -v direction-only $OUT/err; exit $rc
1 exo_rank_summarize.txt       printf 'id,ref,outcome,time,time_unit,input,direction,magnitude_rank\na,R,x,5,passage,direction,decrease,1.5\nb,R,x,15,passage,direction,decrease,2\n' >$OUT/e.csv && $METASUM summarize $OUT/e.csv --table timecourse
# a plot kind summarize does not draw is a manifest error
1 exo_report_bad_plot.txt      cp tests/data/topical_antioxidants/*.csv $OUT/ && printf 'id,dataset,kind,plots\ns,effects.csv,summarize,effect_direction;forest\n' >$OUT/m.csv && $METASUM report -q $OUT/m.csv -o $OUT/r
# big inputs: the effect direction cells find outcomes by binary search and list at most 64
# distinct outcomes per cell (10^5 rows on a 2 x 10^4-outcome dictionary took 39 s by linear
# search; 30000 rows of one outcome in one cell took 10 s by comparing every pair)
0 -                            awk 'BEGIN { print "outcome,beneficial,domain"; for (i = 0; i < 20000; i++) printf "oc%d,increase,d%d\n", i, i % 50 }' >$OUT/d.csv; awk 'BEGIN { print "id,ref,source,outcome,effect_of,input,direction"; for (i = 1; i <= 100000; i++) printf "s%d,R%d,src%d,oc%d,treatment,direction,increase\n", i, i % 500, i % 7, i % 20000 }' >$OUT/e.csv; timeout 20 $METASUM summarize $OUT/e.csv --outcomes $OUT/d.csv --table domains >$OUT/t && test "$(wc -l <$OUT/t)" = 51
0 -                            awk 'BEGIN { print "id,ref,outcome,input,direction"; for (i = 1; i <= 30000; i++) printf "r%d,R,o1,direction,increase\n", i }' >$OUT/e.csv; timeout 10 $METASUM summarize $OUT/e.csv --table effect_direction 2>/dev/null | grep -qx 'NA,NA,NA,R,o1,30000,0,0,0,30000,not rated,o1'
# --plot draws from the command line: the name from NAME= or the file's name, the format from
# its extension (PNG and PDF rendered from the SVG)
0 exo_plot_cli.txt             $METASUM summarize datasets/exosome_skin_aging/effects.csv --table domains --plot $OUT/effect_direction.svg --plot timecourse=$OUT/t.png --plot comparisons=$OUT/c.pdf >/dev/null && xmllint --noout $OUT/effect_direction.svg && grep -c '<g class="edp">' $OUT/effect_direction.svg && head -c 4 $OUT/t.png | tail -c 3 && echo && head -c 5 $OUT/c.pdf && echo
2 exo_plot_bad_name.txt        $METASUM summarize datasets/exosome_skin_aging/effects.csv --plot forest=$OUT/f.svg
1 exo_plot_nothing.txt         $METASUM summarize tests/fixtures/swim_small.csv --outcomes tests/fixtures/swim_small_outcomes.csv --filter outcome=ros --table votes --plot comparisons=$OUT/c.svg >/dev/null
