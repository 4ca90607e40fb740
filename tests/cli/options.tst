# One settings table for every command (src/analysis/spec.c): the same option has the same name,
# short form and meaning everywhere, and every command's --help lists exactly its options.
0 options_help_walk.txt          sh tests/cli/help_walk.sh $METASUM
0 options_help_tsv_head.txt      $METASUM help options --tsv | head -12
# --level 1.5 is a slip, not a 1.5 % interval, in every command that takes a level
2 options_level_pool.txt         $METASUM pool --level 1.5 datasets/bcg/effects.csv
2 options_level_compare.txt      $METASUM compare --level 1.5 --by alloc datasets/bcg/effects.csv
2 options_level_effects.txt      $METASUM effects --level 1.5 datasets/bcg/effects.csv
2 options_level_summarize.txt    $METASUM summarize --level 1.5 datasets/exosome_skin_aging/effects.csv
2 options_level_bias.txt         $METASUM bias --level 1.5 datasets/bcg/effects.csv
2 options_level_sensitivity.txt  $METASUM sensitivity -l 1.5 datasets/bcg/effects.csv
# an option of another command is named as such; -m is --method everywhere
2 options_m_in_effects.txt       $METASUM effects -m RR datasets/bcg/effects.csv
2 options_weights_in_compare.txt $METASUM compare --weights --by alloc datasets/bcg/effects.csv
2 options_unknown.txt            $METASUM bias --frobnicate datasets/bcg/effects.csv
2 options_no_meta.txt            $METASUM summarize --no-meta datasets/exosome_skin_aging/effects.csv
# 90 means 90 % and 0.9 the same; -f, -o, -d alike in every command
0 options_level_90.txt           a=$($METASUM pool --measure RR -l 90 datasets/bcg/effects.csv | cut -d, -f10-11); b=$($METASUM pool --measure RR --level=0.9 datasets/bcg/effects.csv | cut -d, -f10-11); test "$a" = "$b" && echo "$a"
0 options_json_every.txt         for c in "effects --measure RR" "pool --measure RR" "compare --by alloc --measure RR --table groups" "bias --measure RR" "sensitivity --measure RR"; do $METASUM $c -f json -d 4 datasets/bcg/effects.csv | head -c 1; echo " $c"; done
# a filter that keeps no row says so, for every command
1 options_filter_none.txt        $METASUM sensitivity --measure RR --filter alloc=Random datasets/bcg/effects.csv
# a manifest's wrong setting is named by its column, at its line and column
1 options_manifest_column.txt    cp datasets/bcg/effects.csv $OUT/bcg.csv && printf 'id,dataset,kind,measure,level,sort\np,bcg.csv,pool,RR,1.5,year-ish\nq,bcg.csv,compare,RR,95,\n' >$OUT/m.csv && $METASUM report -q $OUT/m.csv -o $OUT/r
# forest rows by year (the year column; the BCG trials run from 1948 to 1980)
0 options_sort_year.txt          $METASUM pool --measure RR --sort year --plot $OUT/f.svg datasets/bcg/effects.csv >/dev/null && grep -o '>[^<]*19[0-9][0-9]<' $OUT/f.svg | tr -d '<>'
