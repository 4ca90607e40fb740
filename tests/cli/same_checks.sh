#!/bin/sh
# validate and the analyses run one set of row checks: each file of LIST ("FILE MEASURE" per
# line, MEASURE "-" for none) goes through `validate`, `pool` and `effects`, which must accept or
# reject it alike and print the same row diagnostics.  Messages only validate gives (ids,
# dictionaries, provenance, curation warnings) are left out of the comparison.
# Usage: same_checks.sh METASUM LIST OUTDIR
set -u
M=$1; list=$2; out=$3
mkdir -p "$out"
fail=0
only_validate="column 'id'|column 'ref'|column 'source'|column 'outcome'|column 'preparation'|column 'quote'|column 'effect_of'|column 'time_unit'|direction-only row|has k = 1 numeric"
while read -r f m || [ -n "$f" ]; do
    case "$f" in ''|'#'*) continue ;; esac
    # --missing error: a row without a value its form needs is then an error in all three
    # (by default all three leave it out with the same warning)
    if [ "$m" = "-" ]; then opt="--missing error"; else opt="--missing error --measure $m"; fi
    $M validate -q $opt "$f" 2>"$out/v" >/dev/null; v=$?
    $M pool $opt "$f" 2>"$out/p" >/dev/null; p=$?
    $M effects $opt "$f" 2>"$out/e" >/dev/null; e=$?
    for x in v p e; do
        grep "^$f:" "$out/$x" | grep -Ev "$only_validate" | LC_ALL=C sort >"$out/$x.diag"
    done
    verdict() { if [ "$1" -eq 0 ]; then echo accept; else echo reject; fi; }
    same=1
    [ "$(verdict $v)" = "$(verdict $p)" ] && [ "$(verdict $v)" = "$(verdict $e)" ] || same=0
    cmp -s "$out/v.diag" "$out/p.diag" && cmp -s "$out/v.diag" "$out/e.diag" || same=0
    if [ $same -eq 1 ]; then
        echo "same: $(verdict $v) $f ($(wc -l <"$out/v.diag") diagnostics)"
    else
        echo "DIFFERENT: $f: validate $v, pool $p, effects $e"
        diff "$out/v.diag" "$out/p.diag"; diff "$out/v.diag" "$out/e.diag"
        fail=1
    fi
done <"$list"
exit $fail
