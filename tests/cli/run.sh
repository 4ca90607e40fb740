#!/bin/sh
# CLI golden-case runner (htslib .tst style).
#
# Usage: run.sh [-r] METASUM CASES OUTDIR
#
# CASES has one case per line:  EXIT  EXPECTED  COMMAND...
#   EXIT      the expected exit status
#   EXPECTED  a file under tests/cli/expected/ holding the expected stdout, then (when the
#             command wrote any) a line "--- stderr" and the expected stderr; "-" = not compared
#   COMMAND   a shell command run from the repository root; $METASUM is the binary under test,
#             $OUT a scratch folder for this case
# Blank lines and lines starting with # are ignored.  -r rewrites the expected files.
set -u
regen=0
if [ "${1:-}" = "-r" ]; then regen=1; shift; fi
if [ $# -ne 3 ]; then echo "usage: run.sh [-r] METASUM CASES OUTDIR" >&2; exit 2; fi
METASUM=$1; cases=$2; outdir=$3
case "$METASUM" in /*) ;; *) METASUM=$(pwd)/$METASUM ;; esac
export METASUM LC_ALL=C
mkdir -p "$outdir"
pass=0; fail=0; n=0
while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in ''|'#'*) continue ;; esac
    n=$((n + 1))
    want=$(printf '%s\n' "$line" | awk '{print $1}')
    exp=$(printf '%s\n' "$line" | awk '{print $2}')
    cmd=$(printf '%s\n' "$line" | sed 's/^[[:space:]]*[^[:space:]]*[[:space:]]*[^[:space:]]*[[:space:]]*//')
    OUT="$outdir/case$n"; rm -rf "$OUT"; mkdir -p "$OUT"; export OUT
    sh -c "$cmd" >"$OUT/stdout" 2>"$OUT/stderr" </dev/null
    got=$?
    { cat "$OUT/stdout"; if [ -s "$OUT/stderr" ]; then echo "--- stderr"; cat "$OUT/stderr"; fi; } \
        | sed "s|$OUT|\$OUT|g" >"$OUT/actual"
    ok=1
    if [ "$got" != "$want" ]; then
        echo "FAIL [$n] exit $got, expected $want: $cmd"; ok=0
    fi
    if [ "$exp" != "-" ]; then
        if [ $regen -eq 1 ]; then
            cp "$OUT/actual" "tests/cli/expected/$exp"
        elif ! cmp -s "$OUT/actual" "tests/cli/expected/$exp"; then
            echo "FAIL [$n] output differs from tests/cli/expected/$exp: $cmd"
            diff -u "tests/cli/expected/$exp" "$OUT/actual" | head -40
            ok=0
        fi
    fi
    if [ $ok -eq 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done <"$cases"
echo "cli ($(basename "$cases")): $pass passed, $fail failed"
[ $fail -eq 0 ]
