#!/bin/sh
# Hostile-input corpus: every command on every file of tests/hostile/ (each one a defect class:
# NUL bytes, invalid UTF-8, BOMs, broken quoting, CR-only lines, odd numbers, extreme values,
# empty and header-only files, duplicate columns, control characters, formula-like cells,
# hostile manifests, ...), hostile workbooks (*.xlsx: a ZIP bomb of cells, entity expansion,
# deep nesting, a cell over --max-field, a broken ZIP directory, ...; made by make_xlsx.py),
# files in other formats given as CSV (.xls, .ods), plus big inputs generated here at run time
# (10^5 columns, a 2 MiB field, a 3 MB line, 3*10^4 rows, a 300-row manifest, a NUL stream on
# stdin).
#
# Usage: run.sh METASUM OUTDIR      (HOSTILE_TIMEOUT seconds per run, default 10)
#
# Each run must: exit 0, 1, 2, 3 or 4 (never a signal, never a sanitizer report), finish within
# the timeout, and say "error" on stderr when it exits 1, 3 or 4 (a usage error, exit 2, may
# instead be the CLI's usage line "metasum CMD: ...").  A run that fails leaves no output: the
# analyses write with -o into an empty folder, which must stay empty; a failed report leaves
# no report folder, no DIR.new-* folder and no lock.  Runs listed in known.txt are defects
# already filed and not yet fixed: reported as "known", not failed; one that passes is
# reported so its line can be removed.
set -u
if [ $# -ne 2 ]; then echo "usage: run.sh METASUM OUTDIR" >&2; exit 2; fi
METASUM=$1; OUT=$2; T=${HOSTILE_TIMEOUT:-10}
case "$METASUM" in /*) ;; *) METASUM=$(pwd)/$METASUM ;; esac
here=$(cd "$(dirname "$0")" && pwd)
export LC_ALL=C
# a sanitizer report must not pass for a data error (both default to exit status 1)
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:exitcode=99" UBSAN_OPTIONS="halt_on_error=1:exitcode=99"
rm -rf "$OUT"; mkdir -p "$OUT/gen"
gen=$OUT/gen

# ---- big inputs, generated (not committed) ----
H="id,study,input,measure,yi,vi,alloc,outcome,effect_of,notes"
awk 'BEGIN { n = 100000; printf "id,yi,vi"; for (i = 3; i < n; i++) printf ",c%d", i
             print ",c77"; printf "r1,0.1,0.2"; for (i = 3; i <= n; i++) printf ",x"; print "" }' \
    >"$gen/wide_header.csv"
{ echo "$H"; printf 'r1,s1,generic,MD,0.1,0.04,x,o1,treatment,'
  head -c 2097152 /dev/zero | tr '\0' 'x'; echo; } >"$gen/huge_field.csv"
{ echo "$H"; printf 'r1'; yes ',0.1' | head -n 800000 | tr -d '\n'; echo; } >"$gen/long_line.csv"
awk -v h="$H" 'BEGIN { print h; for (i = 1; i <= 30000; i++)
    printf "r%d,s%d,generic,MD,%.4f,%.4f,%s,o1,treatment,n\n", i, i, (i % 97) / 50 - 1,
           0.01 + (i % 13) / 100, (i % 2) ? "x" : "y" }' >"$gen/many_rows.csv"
cp "$here/valid.csv" "$gen/valid.csv"
awk 'BEGIN { print "id,title,dataset,filter,kind,measure,method,test,by,mods,formats,plots";
             for (i = 1; i <= 300; i++) printf "a%d,Row %d,valid.csv,,regress,,,,,,csv,\n", i, i
             printf "deep,Deep path,"; for (i = 0; i < 400; i++) printf "./"
             print "valid.csv,,table,,,,,,csv,"
             printf "updown,Up and down,"; for (i = 0; i < 200; i++) printf "gen/../"
             print "valid.csv,,table,,,,,,csv," }' >"$gen/manifest_long.csv"

runs=0; failed=0; known=0
check() { # label: judge the last run ($rc, $OUT/err)
    runs=$((runs + 1))
    why=""
    if [ "$rc" -eq 124 ]; then why="timed out after ${T}s"
    elif [ "$rc" -gt 4 ]; then why="exit status $rc (signal or sanitizer)"
    elif grep -q -e "AddressSanitizer" -e "runtime error" -e "LeakSanitizer" "$OUT/err"; then
        why="sanitizer report"
    elif [ "$rc" -eq 2 ] && ! grep -q -e "error" -e "^metasum " "$OUT/err"; then
        why="exit 2 without a message"
    elif [ "$rc" -ne 0 ] && [ "$rc" -ne 2 ] && ! grep -q "error" "$OUT/err"; then
        why="exit $rc without 'error'"
    elif [ "$rc" -ne 0 ] && [ -n "$(ls -A "$OUT/o" 2>/dev/null)" ]; then
        why="exit $rc with partial output: $(ls -A "$OUT/o" | head -3 | tr '\n' ' ')"
    fi
    if sed 's/[[:space:]]*#.*//' "$here/known.txt" | grep -qxF "$1"; then
        if [ -n "$why" ]; then known=$((known + 1)); echo "known hostile: $1: $why"
        else echo "note hostile: $1 passes now: remove it from tests/hostile/known.txt"; fi
        return
    fi
    if [ -n "$why" ]; then
        failed=$((failed + 1))
        echo "FAIL hostile: $1: $why"
        head -c 2000 "$OUT/err"
    fi
}
run_all() { # file
    f=$1; b=$(basename "$f")
    for cmd in validate effects pool "compare --by study" summarize; do
        rm -rf "$OUT/o"; mkdir "$OUT/o"
        out=; [ "$cmd" = validate ] || out="-o $OUT/o/out.csv"
        # shellcheck disable=SC2086
        timeout "$T" "$METASUM" $cmd $out "$f" >"$OUT/out" 2>"$OUT/err" </dev/null; rc=$?
        check "metasum $cmd $b"
    done
    rm -rf "$OUT/report" "$OUT/o"; mkdir "$OUT/o"
    timeout "$T" "$METASUM" report -q "$f" -o "$OUT/o/report" >"$OUT/out" 2>"$OUT/err" </dev/null
    rc=$?
    check "metasum report $b"
}
for f in "$here"/*.csv "$here"/*.xlsx "$gen"/*.csv; do run_all "$f"; done
for cmd in validate effects pool summarize; do
    head -c 50000000 /dev/zero | timeout "$T" "$METASUM" $cmd - >"$OUT/out" 2>"$OUT/err"; rc=$?
    check "NUL stream | metasum $cmd -"
done
echo "hostile: $runs runs, $failed failed, $known known"
[ "$failed" -eq 0 ]
