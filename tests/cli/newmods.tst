# EXIT EXPECTED COMMAND   (see tests/cli/run.sh)
# compare --newmods with moderators by name: predictions checked to 1e-8 against metafor 3.8
# predict(rma(...), newmods = ...) (tests/ref/newmods_refs.R -> tests/ref/expected/newmods.csv,
# REML, tight convergence) by tests/cli/close_predict.sh; factor moderators by level name,
# scale()/center() moderators given raw and transformed as the fit did, interactions.
0 newmods_factor.txt         $METASUM compare tests/fixtures/compare_bcg_rr.csv --mods ablat,year,alloc --newmods 'ablat=10,year=1950,alloc=random;ablat=30,year=1970,alloc=systematic;ablat=50,year=1960,alloc=alternate' --table predict --digits 15 >$OUT/p.csv && sh tests/cli/close_predict.sh $OUT/p.csv tests/ref/expected/newmods.csv factor 1e-8
0 newmods_scaled.txt         $METASUM compare tests/fixtures/compare_bcg_rr.csv --mods 'scale(ablat), center(year)' --newmods 'ablat=10,year=1950;year=1970, ablat=30' --table predict --digits 15 >$OUT/p.csv && sh tests/cli/close_predict.sh $OUT/p.csv tests/ref/expected/newmods.csv scaled 1e-8
0 newmods_interaction.txt    $METASUM compare tests/fixtures/compare_bcg_rr.csv --mods 'ablat*alloc' --newmods 'ablat=20,alloc=random;ablat=40,alloc=systematic;ablat=33,alloc=alternate' --table predict --digits 15 >$OUT/p.csv && sh tests/cli/close_predict.sh $OUT/p.csv tests/ref/expected/newmods.csv interaction 1e-8
# the positional form still works and gives the same rows
0 -                          test "$($METASUM compare tests/fixtures/compare_bcg_rr.csv --mods ablat,year,alloc --newmods '10,1950,1,0;50,1960,0,0' --table predict)" = "$($METASUM compare tests/fixtures/compare_bcg_rr.csv --mods ablat,year,alloc --newmods 'ablat=10,year=1950,alloc=random;alloc=alternate,ablat=50,year=1960' --table predict)"
# errors: an unknown name, a missing moderator, an unknown level, a value that is not a number
2 newmods_bad_name.txt       $METASUM compare tests/fixtures/compare_bcg_rr.csv --mods ablat,alloc --newmods 'ablat=10,latitude=3,alloc=random'
2 newmods_missing.txt        $METASUM compare tests/fixtures/compare_bcg_rr.csv --mods ablat,alloc --newmods 'ablat=10'
2 newmods_bad_level.txt      $METASUM compare tests/fixtures/compare_bcg_rr.csv --mods ablat,alloc --newmods 'ablat=10,alloc=Random'
2 newmods_bad_number.txt     $METASUM compare tests/fixtures/compare_bcg_rr.csv --mods ablat,alloc --newmods 'ablat=ten,alloc=random'
