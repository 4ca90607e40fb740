#!/bin/sh
# make bench: synthetic workloads timed as whole processes, with peak memory (bench/README.md).
#
# Usage: sh bench/run.sh METASUM
#
# Environment:
#   BENCH_REPS=5     runs per measurement; the median time is reported (peak: the largest)
#   BENCH_TOOLS="csvpass metasum rvec statsmodels metafor"   which tools to measure
#                    (csvpass also runs splitpass, the libcsv-free floor for workload a)
#   BENCH_SLOW=1     0 skips the long single-run metafor cases (k = 4000 and the group loop);
#                    "only" runs just those (with BENCH_TOOLS=metafor)
#   CC, PYTHON       compiler for the C helpers; Python with pandas + statsmodels
#
# Every measurement replaces its own line in build/bench/results.tsv, so tools can be measured
# at different times (BENCH_TOOLS=metasum after a rebuild); build/bench/results.md and the table
# printed at the end are rendered from all lines, each with its date and load average.
set -u
if [ $# -ne 1 ]; then echo "usage: run.sh METASUM" >&2; exit 2; fi
METASUM=$1
case "$METASUM" in /*) ;; *) METASUM=$(pwd)/$METASUM ;; esac
export LC_ALL=C
B=build/bench
D=$B/data
O=$B/out
TSV=$B/results.tsv
REPS=${BENCH_REPS:-5}
TOOLS=${BENCH_TOOLS:-"csvpass metasum rvec statsmodels metafor"}
SLOW=${BENCH_SLOW:-1}
CC=${CC:-cc}
TIME=/usr/bin/time
mkdir -p "$D" "$O"
touch "$TSV"

say() { printf '%s\n' "$*" >&2; }
wants() { case " $TOOLS " in *" $1 "*) return 0 ;; esac; return 1; }

if [ ! -x "$TIME" ]; then say "bench: $TIME (GNU time) is needed for peak memory"; exit 3; fi

# --- helpers: the generator and the libcsv baseline ------------------------------------------
CFLAGS_B="-std=c11 -O2 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Wpedantic -Wshadow \
-Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wvla"
build_c() { # OUT SRC LIBS
    if [ ! -x "$1" ] || [ "$2" -nt "$1" ]; then
        say "bench: cc $2"
        $CC $CFLAGS_B -o "$1" "$2" $3 || exit 3
    fi
}
build_c $B/gen bench/gen.c -lm
build_c $B/csvpass bench/csvpass.c -lcsv
# splitpass uses metasum's number parser: it needs the library built beside the binary.
LIBMS=$(dirname "$METASUM")/libmetasum.a
if [ -f "$LIBMS" ] && { [ ! -x $B/splitpass ] || [ bench/splitpass.c -nt $B/splitpass ] ||
                        [ "$LIBMS" -nt $B/splitpass ]; }; then
    say "bench: cc bench/splitpass.c"
    $CC $CFLAGS_B -Iinclude -o $B/splitpass bench/splitpass.c "$LIBMS" -lm || exit 3
fi

# --- data: regenerated only when missing -------------------------------------------------------
# name    generator arguments (seed last but one).  The (a) files share seed 42, so each is the
# first k rows of the k = 1e6 file.
DATA="a-1e3:a 1000 42
a-4e3:a 4000 42
a-1e4:a 10000 42
a-1e5:a 100000 42
a-1e6:a 1000000 42
b-1e4x20:b 10000 20 43
c-1e6:c 1000000 44"
printf '%s\n' "$DATA" | while IFS=: read -r name args; do
    if [ ! -s "$D/$name.csv" ]; then
        say "bench: generating $D/$name.csv"
        # shellcheck disable=SC2086
        $B/gen $args "$D/$name.csv" || exit 3
    fi
    # The file must have the rows and columns asked for (a bare libcsv pass counts them).
    # shellcheck disable=SC2086
    set -- $args
    case $1 in a) want="$(($2 + 1)) $((3 * ($2 + 1)))" ;;
               b) want="$(($2 * $3 + 1)) $((4 * ($2 * $3 + 1)))" ;;
               c) want="$(($2 + 1)) $((7 * ($2 + 1)))" ;; esac
    got=$($B/csvpass "$D/$name.csv") || exit 3
    if [ "$got" != "$want" ]; then
        say "bench: $D/$name.csv has rows/fields $got, expected $want; delete it to regenerate"
        exit 3
    fi
done || exit 3

# --- measurement -------------------------------------------------------------------------------
load() { cut -d' ' -f1-3 /proc/loadavg; }
median() { sort -n | awk '{a[NR] = $1} END {if (NR) print a[int((NR + 1) / 2)]}'; }

# record WORKLOAD TOOL WHOLE_S CPU_S INPROC_S PEAK_MIB RUNS NOTE: replace the line of
# WORKLOAD/TOOL in the TSV; the fastest wall time of the runs ($best) goes in the last column.
record() {
    awk -F'\t' -v w="$1" -v t="$2" '!($1 == w && $2 == t)' "$TSV" > "$TSV.new"
    b=-
    case "$3" in [0-9]*) b=$best ;; esac
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" "$6" "$7" \
        "$(date -u '+%Y-%m-%d %H:%M')" "$(load)" "$8" "$b" >> "$TSV.new"
    mv "$TSV.new" "$TSV"
    say "  $1 | $2 | $3 s (best $b, cpu $4 s) | in-process ${5:--} s | $6 MiB | $7 run(s)" \
        "${8:+| $8}"
}

# measure WORKLOAD TOOL RUNS CMD...: whole-process time and peak RSS of CMD, RUNS times.
# CMD's stdout is kept in $tmp/out.N; lines "workload,tool,seconds" in it are in-process times.
# Sets status (0 = every run exited 0), whole (median seconds), best (fastest), cpu (median
# user + system seconds), peak (largest MiB), tmp.
measure() {
    w=$1; t=$2; n=$3; shift 3
    tmp=$O/run.$$; rm -rf "$tmp"; mkdir -p "$tmp"
    status=0; i=1
    while [ "$i" -le "$n" ]; do
        "$TIME" -f '%e %M %x %U %S' -o "$tmp/time.$i" "$@" > "$tmp/out.$i" 2> "$tmp/err.$i"
        rc=$(tail -n 1 "$tmp/time.$i" | awk '{print $3}')
        if [ "$rc" != 0 ]; then status=$rc; break; fi
        i=$((i + 1))
    done
    whole=$(for f in "$tmp"/time.*; do tail -n 1 "$f" | awk '{print $1}'; done | median)
    best=$(for f in "$tmp"/time.*; do tail -n 1 "$f" | awk '{print $1}'; done | sort -n | head -n 1)
    cpu=$(for f in "$tmp"/time.*; do tail -n 1 "$f" | awk '{printf "%.2f\n", $4 + $5}'; done |
          median)
    peak=$(for f in "$tmp"/time.*; do tail -n 1 "$f"; done |
           awk '$2 > m {m = $2} END {printf "%.1f", m / 1024}')
}

# The whole-process measurement of a C tool (metasum, csvpass).
run_c() { # WORKLOAD TOOL OUTNAME CMD...
    w=$1; t=$2; name=$3; shift 3
    measure "$w" "$t" "$REPS" "$@"
    cp "$tmp/err.1" "$O/$name.err" 2>/dev/null
    if [ "$status" != 0 ]; then
        msg=$(head -n 1 "$tmp"/err.* | grep -v '^==>' | grep . | head -n 1)
        record "$w" "$t" NA NA - NA 0 "FAILED (exit $status): $msg"
    else
        head -c 4000 "$tmp/out.1" > "$O/$name.out"
        nerr=$(wc -l < "$tmp/err.1")
        record "$w" "$t" "$whole" "$cpu" - "$peak" "$REPS" \
            "$([ "$nerr" -gt 0 ] && echo "$nerr lines on stderr, e.g. $(head -c 120 "$tmp/err.1")")"
    fi
    rm -rf "$tmp"
}

# An in-process baseline (R, Python): one process per workload; every "workload,tool,seconds"
# line becomes a row with the process's whole time and peak.
run_script() { # WORKLOAD FAMILY RUNS NOTE CMD...
    w=$1; fam=$2; n=$3; extra=$4; shift 4
    measure "$w" "$fam" "$n" "$@"
    grep -h '^#' "$tmp"/err.1 > "$O/$w.$fam.notes" 2>/dev/null
    if [ "$status" != 0 ] && ! grep -q ',NA$' "$tmp/out.1"; then
        msg=$(grep -v '^#' "$tmp/err.1" | grep . | head -n 1)
        record "$w" "$fam" NA NA - NA 0 "FAILED (exit $status): $msg"
        rm -rf "$tmp"; return
    fi
    cut -d, -f2 "$tmp/out.1" | while IFS= read -r tool; do
        inproc=$(cat "$tmp"/out.* | awk -F, -v t="$tool" '$2 == t {print $3}' | median)
        if [ "$inproc" = NA ]; then
            msg=$(grep '^#' "$tmp/err.1" | sed 's/^# [^:]*: //' | head -n 1)
            record "$w" "$tool" NA NA NA "$peak" "$n" "$msg"
        else
            case "$tool" in
                *"(fit only)") record "$w" "$tool" - - "$inproc" - "$n" "$extra" ;;
                *) record "$w" "$tool" "$whole" "$cpu" "$inproc" "$peak" "$n" "$extra" ;;
            esac
        fi
    done
    rm -rf "$tmp"
}

A_SIZES="1e3 4e3 1e4 1e5 1e6"
say "bench: load average $(load); $REPS run(s) per measurement, median reported"

if wants csvpass; then
    say "bench: csvpass (bare libcsv pass)"
    for f in $(printf '%s\n' "$DATA" | cut -d: -f1); do
        case $f in a-*) w="a k=${f#a-}" ;; b-*) w="b 1e4 groups x 20" ;; c-*) w="c k=1e6" ;; esac
        run_c "$w" "libcsv pass" "$f.csvpass" $B/csvpass "$D/$f.csv"
    done
fi

if wants csvpass && [ -x $B/splitpass ]; then
    say "bench: splitpass (memchr split + metasum's number parser, no libcsv; workload a)"
    for s in 1e3 4e3 1e4 1e5 1e6; do
        run_c "a k=$s" "memchr split + number parse" "a-$s.splitpass" $B/splitpass "$D/a-$s.csv"
    done
fi

if wants metasum; then
    if [ ! -x "$METASUM" ]; then
        say "bench: $METASUM not built; metasum skipped"
    else
        say "bench: metasum"
        for s in $A_SIZES; do
            run_c "a k=$s" "metasum pool" "a-$s.metasum" "$METASUM" pool "$D/a-$s.csv"
        done
        run_c "b 1e4 groups x 20" "metasum pool --by group" "b.metasum" \
            "$METASUM" pool --by group "$D/b-1e4x20.csv"
        run_c "c k=1e6" "metasum effects --measure SMD" "c.metasum" \
            "$METASUM" effects --measure SMD "$D/c-1e6.csv"
    fi
fi

if wants rvec || wants metafor; then
    if ! command -v Rscript > /dev/null 2>&1; then
        say "bench: Rscript not installed; R baselines skipped"
        TOOLS=$(printf '%s' " $TOOLS " | sed 's/ rvec / /; s/ metafor / /')
    fi
fi
if wants rvec; then
    say "bench: vectorised R"
    for s in $A_SIZES; do
        run_script "a k=$s" rvec "$REPS" "" Rscript bench/metafor.R a rvec "a k=$s" "$D/a-$s.csv"
    done
    run_script "b 1e4 groups x 20" rvec "$REPS" "" \
        Rscript bench/metafor.R b rvec "b 1e4 groups x 20" "$D/b-1e4x20.csv"
    run_script "c k=1e6" rvec "$REPS" "" Rscript bench/metafor.R c rvec "c k=1e6" "$D/c-1e6.csv"
fi

PY=
for p in ${PYTHON:-} python3 /usr/bin/python3; do
    if "$p" -c 'import pandas, statsmodels.stats.meta_analysis' > /dev/null 2>&1; then
        PY=$p; break
    fi
done
if wants statsmodels; then
    if [ -z "$PY" ]; then
        say "bench: no Python with pandas + statsmodels; statsmodels skipped"
    else
        say "bench: pandas + statsmodels ($PY)"
        for s in $A_SIZES; do
            run_script "a k=$s" statsmodels "$REPS" "" \
                "$PY" bench/statsmodels.py a "a k=$s" "$D/a-$s.csv"
        done
        run_script "b 1e4 groups x 20" statsmodels "$REPS" "" \
            "$PY" bench/statsmodels.py b "b 1e4 groups x 20" "$D/b-1e4x20.csv"
        run_script "c k=1e6" statsmodels "$REPS" "" \
            "$PY" bench/statsmodels.py c "c k=1e6" "$D/c-1e6.csv"
    fi
fi

if wants metafor; then
    if ! Rscript -e 'suppressPackageStartupMessages(library(metafor))' > /dev/null 2>&1; then
        say "bench: R package metafor not installed; metafor skipped"
    else
        say "bench: metafor"
        [ "$SLOW" = only ] || run_script "a k=1e3" metafor "$REPS" "" \
            Rscript bench/metafor.R a metafor "a k=1e3" "$D/a-1e3.csv"
        if [ "$SLOW" != 0 ]; then
            # O(k^2) memory, O(k^3) time: one run only.
            run_script "a k=4e3" metafor 1 "" \
                Rscript bench/metafor.R a metafor "a k=4e3" "$D/a-4e3.csv"
            run_script "b 1e4 groups x 20" metafor 1 "" \
                Rscript bench/metafor.R b metafor "b 1e4 groups x 20" "$D/b-1e4x20.csv"
        fi
        # k = 1e5: each k x k matrix is 74.5 GB.  Under a 4 GB address-space cap the first
        # allocation fails at once, which is what the row records.
        [ "$SLOW" = only ] || run_script "a k=1e5" metafor 1 "" \
            sh -c 'ulimit -v 4000000; exec "$@"' sh \
            Rscript bench/metafor.R a metafor "a k=1e5" "$D/a-1e5.csv"
        [ "$SLOW" = only ] || run_script "c k=1e6" metafor "$REPS" "" \
            Rscript bench/metafor.R c metafor "c k=1e6" "$D/c-1e6.csv"
    fi
fi

# --- sensitivity: leave-one-out (l) and influence (i) on the workload-a files -----------------
# k = 200 (the first 200 studies of a-1e3) is where metafor finishes in seconds.
[ -s "$D/a-2e2.csv" ] || head -n 201 "$D/a-1e3.csv" > "$D/a-2e2.csv"
if wants metasum && [ -x "$METASUM" ]; then
    say "bench: metasum sensitivity"
    for s in 2e2 1e3 1e4; do
        run_c "l k=$s" "metasum sensitivity (leave1out)" "l-$s.metasum" \
            "$METASUM" sensitivity "$D/a-$s.csv"
        run_c "i k=$s" "metasum sensitivity -a influence" "i-$s.metasum" \
            "$METASUM" sensitivity -a influence "$D/a-$s.csv"
    done
fi
if wants metafor && [ "$SLOW" != 0 ] && Rscript -e 'library(metafor)' > /dev/null 2>&1; then
    # k refits with k x k matrices: about 9 s of CPU each at k = 200 (measured 2026-12-03),
    # growing like k^3, so k = 1e3 takes a quarter of an hour and k = 1e4 is out of reach.
    say "bench: metafor leave1out / influence"
    run_script "l k=2e2" metafor 1 "" Rscript bench/metafor.R l metafor "l k=2e2" "$D/a-2e2.csv"
    run_script "i k=2e2" metafor 1 "" Rscript bench/metafor.R i metafor "i k=2e2" "$D/a-2e2.csv"
fi

# --- the table ---------------------------------------------------------------------------------
# Rows in workload order, then tool order; the targets of the issue beside them.
render() {
    awk -F'\t' '
    function wkey(w) {
        if (w ~ /^a /) {
            split(w, p, "=")
            return sprintf("a%s", p[2] ~ /1e3/ ? 1 : p[2] ~ /4e3/ ? 2 : p[2] ~ /1e4/ ? 3 : \
                                  p[2] ~ /1e5/ ? 4 : 5)
        }
        return substr(w, 1, 1) "9"
    }
    function tkey(t) {
        if (t ~ /^metasum/) return 1; if (t ~ /^libcsv/) return 2; if (t ~ /^memchr/) return 2
        if (t ~ /^metafor/) return 3
        if (t ~ /^R vectorised/) return 4; return 5
    }
    NF >= 9 { printf "%s %d %s\t%s\n", wkey($1), tkey($2), $2, $0 }' "$TSV" | sort | cut -f2-
}

{
    echo "# metasum benchmark results"
    echo
    cpu_name=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')
    echo "Generated by \`make bench\` (bench/run.sh) on $(uname -m), $(nproc) CPUs ($cpu_name);"
    echo "rendered $(date -u '+%Y-%m-%d %H:%M') UTC."
    echo "Whole process: \`/usr/bin/time -f '%e %M %x %U %S'\`: wall seconds, median of the runs;"
    echo "cpu s = user + system seconds (median), less sensitive to other load on the machine;"
    echo "peak RSS: the largest of the runs."
    echo "In-process: the script's own clock (R \`system.time\`, Python \`perf_counter\`),"
    echo "read + fit; \"(fit only)\" rows exclude reading the CSV."
    echo "Load: the 1/5/15-minute load average when the row was measured."
    echo
    printf '%s' "| workload | tool | whole process s (median) | best s | cpu s | in-process s "
    echo "| peak MiB | runs | target | measured (UTC) | load | note |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|---|---|---|---|"
    render | awk -F'\t' '{
        tg = ""
        if ($2 ~ /^metasum/) {
            if ($1 == "a k=1e6") tg = "<= 0.35 s, <= 100 MB"
            else if ($1 ~ /^b /) tg = "<= 0.15 s"
            else if ($1 == "c k=1e6") tg = "<= 0.5 s"
        }
        printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3,
            ($11 == "" ? "-" : $11), $4, ($5 == "" ? "-" : $5), $6, $7, tg, $8, $9, $10
    }'
    echo
    echo "## Fitted values (sanity check)"
    echo
    echo '```'
    for f in "$O"/*.notes; do [ -s "$f" ] && cat "$f"; done
    for f in "$O"/a-*.metasum.out "$O"/b.metasum.out "$O"/c.metasum.out; do
        [ -s "$f" ] || continue
        echo "# $(basename "$f"):"; head -n 4 "$f" | cut -c1-200
    done
    echo '```'
} > $B/results.md

render | awk -F'\t' 'BEGIN {printf "%-18s %-46s %8s %6s %6s %8s %8s %4s\n", "workload", "tool",
        "whole s", "best", "cpu s", "inproc s", "peak MiB", "runs"}
    {printf "%-18s %-46s %8s %6s %6s %8s %8s %4s %s\n", $1, $2, $3, ($11 == "" ? "-" : $11), $4,
        ($5 == "" ? "-" : $5), $6, $7, ($10 == "" ? "" : "  " substr($10, 1, 60))}'
say "bench: table written to $B/results.md"
