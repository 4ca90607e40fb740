# EXIT EXPECTED COMMAND   (see tests/cli/run.sh)
# Bounded input: a field over --max-field (any command, report too) and a NUL byte are errors at
# their line:col, found while reading; a stream that never ends (/dev/zero) stops at once.
1 bounds_validate_long.txt   $METASUM validate --max-field 32 tests/cli/data/bounds_long.csv
1 bounds_effects_long.txt    $METASUM effects --max-field=32 tests/cli/data/bounds_long.csv
1 bounds_pool_long.txt       $METASUM pool --max-field 32 tests/cli/data/bounds_long.csv
1 bounds_compare_long.txt    $METASUM compare --by alloc --max-field 32 tests/cli/data/bounds_long.csv
1 bounds_summarize_long.txt  $METASUM summarize --max-field 32 tests/cli/data/bounds_long.csv
0 -                          $METASUM pool --max-field 35 tests/cli/data/bounds_long.csv
# report: the same limit for the manifest and for each dataset it reads
0 -                          $METASUM report --max-field 32 tests/cli/data/bounds_manifest.csv -o $OUT/r 2>$OUT/err; test $? = 1 && grep -q "bounds_manifest.csv:2:6: error: column 'title': field longer than 32 bytes (--max-field)" $OUT/err
0 -                          $METASUM report --max-field 32 tests/cli/data/bounds_manifest_data.csv -o $OUT/r 2>$OUT/err; test $? = 1 && grep -q "bounds_long.csv:3:25: error: column 'notes': field longer than 32 bytes (--max-field)" $OUT/err
0 -                          timeout 10 $METASUM pool /dev/zero 2>$OUT/err; test $? = 1 && grep -qx "/dev/zero:1:1: error: found a NUL byte, expected UTF-8 text" $OUT/err
0 -                          head -c 100000000 /dev/zero | timeout 10 $METASUM validate - 2>$OUT/err; test $? = 1 && grep -qx -- "-:1:1: error: found a NUL byte, expected UTF-8 text" $OUT/err
0 -                          printf 'yi,vi\n0.1,0.2\n0.3,0\0\n' | $METASUM effects - 2>$OUT/err; test $? = 1 && grep -qx -- "<stdin>:3:6: error: column 'vi': found a NUL byte, expected UTF-8 text" $OUT/err
2 bounds_bad_value.txt       $METASUM pool --max-field 0 tests/cli/data/bounds_long.csv
2 bounds_no_value.txt        $METASUM effects tests/cli/data/bounds_long.csv --max-field
# a moderator with one level per study (k = 2000): refused with a message, not a fit of minutes
0 -                          awk 'BEGIN { print "id,study,yi,vi,g"; for (i = 1; i <= 2000; i++) printf "r%d,s%d,%.2f,0.05,g%d\n", i, i, (i % 17) / 10, i % 2 }' >$OUT/k.csv; timeout 20 $METASUM compare --by g --mods study $OUT/k.csv 2>$OUT/err; test $? = 1 && grep -qx "$OUT/k.csv: error: column 'study': found more than 100 levels, expected at most 100 for --mods (one coefficient each; --by compares any number of groups)" $OUT/err
# summarize: one warning per unknown outcome found by sorting, not by comparing each of 10^5
# rows with every row before it
0 -                          printf 'outcome,beneficial\nknown,increase\n' >$OUT/outcomes.csv; awk 'BEGIN { print "id,ref,source,outcome,effect_of,input,pct,direction"; for (i = 1; i <= 100000; i++) printf "s%d,R,src,oc%d,treatment,percent_change,%d,increase\n", i, i % 2, i % 50 }' >$OUT/e.csv; timeout 15 $METASUM summarize --table evidence_map $OUT/e.csv >/dev/null 2>$OUT/err && test "$(grep -c 'not in the outcome dictionary' $OUT/err)" = 2 && grep -q "e.csv:3:10: warning: column 'outcome': found 'oc0'" $OUT/err
# summarize: an evidence map of 2*10^4 sources x 2*10^4 outcomes is refused at once
0 -                          awk 'BEGIN { print "id,ref,source,outcome,effect_of,input,pct,direction"; for (i = 1; i <= 20000; i++) printf "s%d,R,src%d,oc%d,treatment,percent_change,%d,increase\n", i, i, i, i % 50 }' >$OUT/m.csv; timeout 10 $METASUM summarize $OUT/m.csv >/dev/null 2>$OUT/err; test $? = 1 && grep -qx "$OUT/m.csv: error: evidence map: found more than 10000 source x outcome cells, expected at most 10000 (narrow it with --filter, or choose another --table)" $OUT/err
