# EXIT EXPECTED COMMAND   (see tests/cli/run.sh)
# librsvg, cairo and GLib are loaded only when a PNG or PDF is rendered (src/io/render.c): the
# binary does not link them, so a command that draws none starts without them; rendering
# still works (a PNG and a PDF, each with its signature)
0 -   ! ldd $METASUM | grep -E 'librsvg|libcairo|libglib|libgobject'
0 -   $METASUM pool --measure RR --plot $OUT/f.png --plot $OUT/f.pdf datasets/bcg/effects.csv >/dev/null && head -c 8 $OUT/f.png | od -An -c | grep -q 'P   N   G' && head -c 5 $OUT/f.pdf | grep -q '%PDF-'
