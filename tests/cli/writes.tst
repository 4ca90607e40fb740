# Writes: the spreadsheet formula guard in every command, and report's all-or-nothing output.
# Format: see tests/cli/run.sh.  Expected files are tests/cli/expected/writes_*.

# Spreadsheet safety: every CSV/TSV metasum writes puts an apostrophe before a text cell that a
# spreadsheet would evaluate (= + - @, their full-width forms ＝ ＋ － ＠, a leading TAB or CR,
# and any of these after leading spaces); the plain number -0.5 stays a number.  The fixture's
# text columns (id, study, group; source, outcome) hold such values.  Only text columns are
# shown, so the cases do not depend on the estimates.
0 writes_guard_effects.txt       $METASUM effects tests/cli/data/writes/formulas.csv | cut -d, -f1-3 | grep -v HYPERLINK; $METASUM effects tests/cli/data/writes/formulas.csv | grep -c "^\"'=HYPERLINK"
0 writes_guard_effects_tsv.txt   $METASUM effects -f tsv tests/cli/data/writes/formulas.csv | cut -f1-3
0 writes_guard_pool_weights.txt  $METASUM pool --weights --format tsv tests/cli/data/writes/formulas.csv | cut -f1,2
0 writes_guard_pool_weights_csv.txt $METASUM pool --weights -o $OUT/w.csv tests/cli/data/writes/formulas.csv && cut -d, -f1,2 $OUT/w.csv | grep -v HYPERLINK; grep -c "^2,\"'=HYPERLINK" $OUT/w.csv
0 writes_guard_pool_by.txt       $METASUM pool --by group tests/cli/data/writes/formulas.csv | cut -d, -f1; $METASUM pool --by group --format tsv tests/cli/data/writes/formulas.csv | cut -f1
0 writes_guard_compare.txt       $METASUM compare tests/cli/data/writes/formulas.csv --by group --table groups | cut -d, -f1; $METASUM compare tests/cli/data/writes/formulas.csv --by group --table groups --format tsv | cut -f1
0 writes_guard_summarize.txt     $METASUM summarize tests/cli/data/writes/formulas_swim.csv --table votes 2>/dev/null | cut -d, -f1-3; $METASUM summarize tests/cli/data/writes/formulas_swim.csv --table votes --format tsv 2>/dev/null | cut -f1-3

# The report's own CSV/TSV and XLSX go through the same guard (the effects table holds the text
# as it is, so HTML shows it unchanged).
0 writes_guard_report.txt        $METASUM report -q tests/cli/data/writes/good.csv -o $OUT/r && grep -v '^#' $OUT/r/eff/effects.csv | cut -d, -f1-3 | grep -v HYPERLINK && grep -c "^\"'=HYPERLINK" $OUT/r/eff/effects.csv && grep -v '^#' $OUT/r/eff/effects.tsv | cut -f1-3 && grep -c '<td>=HYPERLINK' $OUT/r/eff/index.html && unzip -p $OUT/r/pooled/pooled.xlsx xl/sharedStrings.xml | grep -o "<t[^>]*>'[^<]*</t>"

# All or nothing.  A failed analysis leaves the previous report exactly as it was (no index.html
# saying "failed", no mix of old and new files), and no DIR.new-PID or DIR.lock behind.
1 writes_report_keeps_previous.txt $METASUM report -q tests/cli/data/writes/good.csv -o $OUT/r && cp -a $OUT/r $OUT/before && $METASUM report -q tests/cli/data/writes/bad.csv -o $OUT/r; rc=$?; diff -r $OUT/before $OUT/r && ls -a $OUT; exit $rc
# the first report into a new folder: nothing is created when an analysis fails
1 writes_report_nothing_new.txt  $METASUM report -q tests/cli/data/writes/bad.csv -o $OUT/r; rc=$?; ls -a $OUT; exit $rc
# a write that fails half-way (file size limit: EFBIG) names the file and the reason; the
# previous report is unchanged
3 writes_report_efbig.txt        $METASUM report -q tests/cli/data/writes/good.csv -o $OUT/r && cp -a $OUT/r $OUT/before && (trap '' XFSZ; ulimit -f 4; $METASUM report -q datasets/analyses.csv -o $OUT/r); rc=$?; diff -r $OUT/before $OUT/r && ls -a $OUT; exit $rc
# a successful run replaces the previous report as a whole (files of the old one are gone)
0 writes_report_replaces.txt     $METASUM report -q tests/cli/data/writes/bad.csv --allow-outside -o $OUT/r; $METASUM report -q tests/cli/data/writes/good.csv -o $OUT/r && touch $OUT/r/eff/stale.csv && $METASUM report -q tests/cli/data/writes/good.csv -o $OUT/r && ls -a $OUT $OUT/r $OUT/r/eff
# a folder that is not empty and holds no report is never replaced
3 writes_report_not_a_report.txt mkdir $OUT/r && echo mine > $OUT/r/notes.txt && $METASUM report -q tests/cli/data/writes/good.csv -o $OUT/r; rc=$?; ls -a $OUT $OUT/r; exit $rc

# SIGTERM while an analysis is blocked reading a FIFO: the run stops at once, removes its new
# folder and lock, dies of the signal (143), and the previous report is unchanged.
0 writes_report_sigterm.txt      mkdir $OUT/m && cp tests/cli/data/writes/good.csv tests/cli/data/writes/formulas.csv $OUT/m/ && $METASUM report -q $OUT/m/good.csv -o $OUT/r && cp -a $OUT/r $OUT/before && printf 'slow,Slow,fifo.csv,table,,csv,\n' >>$OUT/m/good.csv && mkfifo $OUT/m/fifo.csv && { $METASUM report -q $OUT/m/good.csv -o $OUT/r 2>$OUT/bg.err & pid=$!; i=0; while [ ! -e $OUT/r.new-$pid/pooled/index.html ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done; sleep 0.2; kill -TERM $pid; { wait $pid; } 2>/dev/null; echo "exit $?"; }; tail -n 1 $OUT/bg.err; diff -r $OUT/before $OUT/r && ls -a $OUT
# A second report into the same folder stops at once and names the lock and the process holding
# it; the first is undisturbed.  A lock file left by a dead process is taken over, and new/old
# folders left by dead processes are removed.
3 writes_report_locked.txt       mkdir $OUT/m && cp tests/cli/data/writes/formulas.csv $OUT/m/ && printf 'id,dataset,kind\nslow,fifo.csv,table\n' >$OUT/m/slow.csv && mkfifo $OUT/m/fifo.csv && { $METASUM report -q $OUT/m/slow.csv -o $OUT/r 2>/dev/null & pid=$!; i=0; while [ ! -e $OUT/r.new-$pid ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done; $METASUM report -q tests/cli/data/writes/good.csv -o $OUT/r 2>$OUT/err; rc=$?; sed "s/process $pid,/process PID,/" $OUT/err >&2; rm $OUT/err; kill -TERM $pid; { wait $pid; } 2>/dev/null; ls -a $OUT; exit $rc; }
0 writes_report_stale_lock.txt   dead=$(sh -c 'echo $$') && echo $dead >$OUT/r.lock && mkdir $OUT/r.new-$dead $OUT/r.old-$dead && touch $OUT/r.new-$dead/junk && $METASUM report -q tests/cli/data/writes/good.csv -o $OUT/r && ls -a $OUT

# Symbolic links: a link inside the output folder is never followed (the new folder replaces it);
# a link given as the output folder is kept and the folder it names gets the report.
0 writes_report_link_inside.txt  mkdir $OUT/elsewhere && $METASUM report -q tests/cli/data/writes/good.csv -o $OUT/r && rm -r $OUT/r/eff && ln -s ../elsewhere $OUT/r/eff && $METASUM report -q tests/cli/data/writes/good.csv -o $OUT/r && ls -a $OUT/elsewhere && test -d $OUT/r/eff && test ! -L $OUT/r/eff && echo "eff is a folder"
0 writes_report_link_output.txt  mkdir $OUT/real && ln -s real $OUT/lnk && $METASUM report -q tests/cli/data/writes/good.csv -o $OUT/lnk/ && test -L $OUT/lnk && ls $OUT/real && ls -a $OUT
3 writes_report_link_file.txt    ln -s /dev/null $OUT/r && $METASUM report -q tests/cli/data/writes/good.csv -o $OUT/r

# Datasets resolve inside the manifest's folder: absolute paths, '..' that climbs out and
# symbolic links that lead out are errors naming line:col, unless --allow-outside.
1 writes_report_outside.txt      mkdir $OUT/m && cp tests/cli/data/writes/outside.csv tests/cli/data/writes/formulas.csv $OUT/m/ && ln -s /etc/hostname $OUT/m/host.csv && printf 'link,host.csv,table\n' >>$OUT/m/outside.csv && $METASUM report -q $OUT/m/outside.csv -o $OUT/r; rc=$?; ls -a $OUT; exit $rc
0 writes_report_allow_outside.txt mkdir $OUT/m && printf 'id,dataset,kind\nup,%s/tests/cli/data/writes/formulas.csv,table\nabs,%s/tests/cli/data/writes/formulas.csv,table\n' "$(echo $OUT/m | sed 's|[^/][^/]*|..|g')" "$(pwd)" >$OUT/m/m.csv && $METASUM report -q --allow-outside $OUT/m/m.csv -o $OUT/r && ls $OUT/r/up $OUT/r/abs

# Ids are folder names: 1-64 characters from A-Z a-z 0-9 . _ -, not starting with '-' or '.',
# unique ignoring case; each problem names line:col and the rule.
1 writes_report_ids.txt          $METASUM report -q tests/cli/data/writes/ids.csv -o $OUT/r; rc=$?; ls -a $OUT; exit $rc

# I/O failures name the path and the reason (strerror), for report and for pool -o; a FIFO that
# no process reads (also through a link) is an error, not a hang.
3 writes_report_dev_full.txt     $METASUM report -q tests/cli/data/writes/good.csv -o /dev/full
3 writes_report_not_dir.txt      $METASUM report -q tests/cli/data/writes/good.csv -o /dev/full/r
3 writes_report_readonly.txt     mkdir $OUT/ro && chmod 555 $OUT/ro && if [ "$(id -u)" = 0 ]; then setpriv --reuid=65534 --regid=65534 --clear-groups $METASUM report -q tests/cli/data/writes/good.csv -o $OUT/ro/r; else $METASUM report -q tests/cli/data/writes/good.csv -o $OUT/ro/r; fi
3 writes_pool_dev_full.txt       $METASUM pool tests/cli/data/writes/formulas.csv -o /dev/full
3 writes_pool_missing_dir.txt    $METASUM pool tests/cli/data/writes/formulas.csv -o $OUT/nope/x.csv
3 writes_pool_fifo_link.txt      mkfifo $OUT/fifo && ln -s fifo $OUT/out.csv && timeout 10 $METASUM pool tests/cli/data/writes/formulas.csv -o $OUT/out.csv
# a dataset that cannot be read fails its analysis (exit 3), and the later analyses still run, so
# every problem is listed in one run
3 writes_report_missing_dataset.txt mkdir $OUT/m && cp tests/cli/data/writes/formulas.csv $OUT/m/f.csv && printf 'id,dataset,kind\ngone,missing.csv,table\nbroken,f.csv,regress\nok,f.csv,table\n' >$OUT/m/m.csv && $METASUM report -q $OUT/m/m.csv -o $OUT/r; rc=$?; ls -a $OUT; exit $rc
