# EXIT EXPECTED COMMAND   (see tests/cli/run.sh)
# compare --mods as R's formula: scale()/center() over every row of the file with a value
# (metafor 3.8, tests/ref/parity_refs.R: scale(ni) -0.0668466 (SE 0.0347709); yi NA in two
# rows, length or feedback NA in three, all left out of the fit but not of scale(ni))
0 parity_scale_all_rows.txt   $METASUM compare tests/ref/inputs/parity_bangertdrowns2004.csv --mods 'length,feedback,scale(ni),length:feedback' --table metareg
