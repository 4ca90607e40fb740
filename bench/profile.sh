#!/bin/sh
# Where a metasum command spends its time (bench/README.md): callgrind instruction counts
# (repeatable) and perf cpu-clock samples (time, 5 runs pooled), grouped by stage with
# bench/stages.py.  Run after bench/run.sh has generated the data.  Standard output goes to a
# regular file, as in run.sh (metasum effects streams into a regular file, but holds its whole
# output in memory for a pipe or /dev/null).
#
# Usage: sh bench/profile.sh METASUM
set -u
if [ $# -ne 1 ]; then echo "usage: profile.sh METASUM" >&2; exit 2; fi
M=$1
D=build/bench/data
P=build/bench/prof
mkdir -p "$P"
export LC_ALL=C
for x in "pool_a1e6 pool $D/a-1e6.csv" "pool_b pool --by group $D/b-1e4x20.csv" \
         "effects_c effects --measure SMD $D/c-1e6.csv"; do
    # shellcheck disable=SC2086
    set -- $x
    n=$1; shift
    if command -v valgrind > /dev/null 2>&1; then
        valgrind --tool=callgrind --callgrind-out-file="$P/cg.$n" "$M" "$@" > "$P/out" 2>&1
        callgrind_annotate --inclusive=no --threshold=100 "$P/cg.$n" 2>/dev/null |
            sed -n '/file:function/,/^-- Auto/p' | grep -E '^ *[0-9,]+ ' |
            sed -E 's/^ *([0-9,]+) *(\([ 0-9.]+%\))? */\1\t/; s/,//g' > "$P/$n.cg.flat"
        ir=$(awk -F'\t' '{s += $1} END {printf "%.3g", s}' "$P/$n.cg.flat")
        echo "== $n: callgrind, $ir instructions"
        python3 bench/stages.py "$P/$n.cg.flat" "" 12
    fi
    if command -v perf > /dev/null 2>&1; then
        : > "$P/$n.perf.flat"
        for i in 1 2 3 4 5; do
            perf record -q -e cpu-clock -F 10000 -o "$P/perf.$n.$i" "$M" "$@" > "$P/out" 2> /dev/null
            perf report -i "$P/perf.$n.$i" --no-children --sort dso,symbol --stdio 2>/dev/null |
                grep -E '^ +[0-9.]+%' | sed -E 's/^ +([0-9.]+)% +/\1\t/' >> "$P/$n.perf.flat"
        done
        echo "== $n: perf cpu-clock samples, 5 runs"
        python3 bench/stages.py "$P/$n.perf.flat" "" 12
    fi
done
rm -f "$P/out"
