# Writes: the spreadsheet formula guard in every command, and report's all-or-nothing output.
# Format: see tests/cli/run.sh.  Expected files are tests/cli/expected/writes_*.

# Spreadsheet safety: every CSV/TSV metasum writes puts an apostrophe before a text cell that a
# spreadsheet would evaluate (= + - @, their full-width forms ＝ ＋ － ＠, a leading TAB or CR,
# and any of these after leading spaces); the plain number -0.5 stays a number.  The fixture's
# text columns (id, study, group; source, outcome) hold such values.  Only text columns are
# shown, so the cases do not depend on the estimates.
0 writes_guard_effects.txt       $METASUM effects tests/cli/data/writes_formulas.csv | cut -d, -f1-3 | grep -v HYPERLINK; $METASUM effects tests/cli/data/writes_formulas.csv | grep -c "^\"'=HYPERLINK"
0 writes_guard_effects_tsv.txt   $METASUM effects -f tsv tests/cli/data/writes_formulas.csv | cut -f1-3
0 writes_guard_pool_weights.txt  $METASUM pool --weights --format tsv tests/cli/data/writes_formulas.csv | cut -f1,2
0 writes_guard_pool_weights_csv.txt $METASUM pool --weights -o $OUT/w.csv tests/cli/data/writes_formulas.csv && cut -d, -f1,2 $OUT/w.csv | grep -v HYPERLINK; grep -c "^2,\"'=HYPERLINK" $OUT/w.csv
0 writes_guard_pool_by.txt       $METASUM pool --by group tests/cli/data/writes_formulas.csv | cut -d, -f1; $METASUM pool --by group --format tsv tests/cli/data/writes_formulas.csv | cut -f1
0 writes_guard_compare.txt       $METASUM compare tests/cli/data/writes_formulas.csv --by group --table groups --no-meta | cut -d, -f1; $METASUM compare tests/cli/data/writes_formulas.csv --by group --table groups --no-meta --format tsv | cut -f1
0 writes_guard_summarize.txt     $METASUM summarize tests/cli/data/writes_formulas_swim.csv --table votes --no-meta 2>/dev/null | cut -d, -f1-3; $METASUM summarize tests/cli/data/writes_formulas_swim.csv --table votes --no-meta --format tsv 2>/dev/null | cut -f1-3
