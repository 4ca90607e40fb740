# EXIT EXPECTED COMMAND   (see tests/cli/run.sh): plots of metasum bias / sensitivity (--plot) and
# the report kinds bias and sensitivity

# --plot: the trim-and-fill funnel has k0 = 1 open circle (metafor trimfill on BCG), the
# contour funnel 3 shaded regions; the Baujat plot and the leave-one-out forest as SVG, PNG, PDF
0 biasreport_bias_plots.txt     $METASUM bias --measure RR --plot $OUT/funnel_trimfill.svg --plot funnel_contour=$OUT/c.svg datasets/bcg/effects.csv >/dev/null && xmllint --noout $OUT/funnel_trimfill.svg $OUT/c.svg && grep -c 'class="filled"' $OUT/funnel_trimfill.svg && grep -c 'class="contour"' $OUT/c.svg && grep -c 'class="study"' $OUT/c.svg
0 biasreport_baujat.svg.txt     $METASUM sensitivity --measure RR --plot $OUT/baujat.svg datasets/bcg/effects.csv >/dev/null && xmllint --noout $OUT/baujat.svg && cat $OUT/baujat.svg
0 biasreport_leave1out.svg.txt  $METASUM sensitivity -a influence --measure RR --plot leave1out=$OUT/l.svg datasets/bcg/effects.csv >/dev/null && xmllint --noout $OUT/l.svg && cat $OUT/l.svg
0 biasreport_cumul.txt         $METASUM sensitivity -a cumul --order year --measure RR --plot $OUT/cumul.svg datasets/bcg/effects.csv >/dev/null && xmllint --noout $OUT/cumul.svg && grep -o '>+ [^<]*<\|>[0-9.]* \[[0-9.]*, [0-9.]*\]<' $OUT/cumul.svg
0 biasreport_radial.txt        $METASUM bias --measure RR --plot $OUT/radial.svg --plot radial=$OUT/r.png datasets/bcg/effects.csv >/dev/null && xmllint --noout $OUT/radial.svg && grep -c 'class="study"' $OUT/radial.svg && grep -c 'class="band"' $OUT/radial.svg && head -c 4 $OUT/r.png | tail -c 3 && echo
0 biasreport_influence.txt     $METASUM sensitivity -m FE --measure RR --plot $OUT/influence.svg datasets/bcg/effects.csv >/dev/null && xmllint --noout $OUT/influence.svg && grep -c '<g class="panel">' $OUT/influence.svg && grep -c 'class="inf"' $OUT/influence.svg && grep -o '<circle class="inf"[^>]*><title>[^<]*' $OUT/influence.svg | sed 's/.*<title>//' | sort -u
0 biasreport_egger.txt         $METASUM bias --measure RR --plot $OUT/funnel_egger.svg datasets/bcg/effects.csv >/dev/null && xmllint --noout $OUT/funnel_egger.svg && grep -c 'class="egger"' $OUT/funnel_egger.svg && grep -c 'class="filled"' $OUT/funnel_egger.svg
1 biasreport_egger_k2.txt       $METASUM bias --plot funnel_egger=$OUT/f.svg tests/ref/inputs/edge_k2.csv >/dev/null
0 biasreport_png_pdf.txt        $METASUM sensitivity --measure RR --plot $OUT/baujat.png --plot leave1out=$OUT/l.pdf datasets/bcg/effects.csv >/dev/null && head -c 4 $OUT/baujat.png | tail -c 3 && echo && head -c 5 $OUT/l.pdf && echo
2 biasreport_bad_ext.txt        $METASUM bias --measure RR --plot $OUT/f.txt datasets/bcg/effects.csv
2 biasreport_plot_by.txt        $METASUM sensitivity --measure RR --by alloc --plot $OUT/b.svg datasets/bcg/effects.csv >/dev/null
2 biasreport_bias_plot_by.txt   $METASUM bias --measure RR --by alloc --plot $OUT/f.svg datasets/bcg/effects.csv >/dev/null
1 biasreport_tf_undefined.txt   $METASUM bias --plot $OUT/f.svg tests/ref/inputs/edge_k2.csv >/dev/null

# report: kinds bias and sensitivity (tables in every format, the four plots); by groups
0 biasreport_report.txt         cp datasets/bcg/effects.csv $OUT/bcg.csv && printf 'id,dataset,kind,measure,by,formats,plots\nb,bcg.csv,bias,RR,,csv;tsv;md;json;html;xlsx,funnel_trimfill;funnel_contour\ns,bcg.csv,sensitivity,RR,,csv;tsv;md;json;html;xlsx,leave1out;baujat\nbg,bcg.csv,bias,RR,alloc,csv,\nsg,bcg.csv,sensitivity,RR,alloc,csv,\n' >$OUT/m.csv && $METASUM report -q $OUT/m.csv -o $OUT/r && (cd $OUT/r && find . -type f | sort) && xmllint --noout $OUT/r/*/*.svg $OUT/r/*/*.html && cat $OUT/r/bg/bias.csv $OUT/r/s/cumul.tsv
1 biasreport_report_bad_plot.txt cp datasets/bcg/effects.csv $OUT/bcg.csv && printf 'id,dataset,kind,measure,by,plots\nb,bcg.csv,bias,RR,,forest\ns,bcg.csv,sensitivity,RR,,funnel\nbg,bcg.csv,bias,RR,alloc,funnel_contour\n' >$OUT/m.csv && $METASUM report -q $OUT/m.csv -o $OUT/r
