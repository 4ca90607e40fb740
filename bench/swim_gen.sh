#!/bin/sh
# Synthetic SWiM input for timing `metasum summarize` on large outcome dictionaries:
# DIR/findings.csv with N finding rows (7 sources, outcomes cycling through the dictionary) and
# DIR/outcomes.csv with M outcomes in M/10 domains, every one with a label.  The rows cite 1000
# studies; with R, R studies and DIR/references.csv listing them with a number (the citations).
#
# Usage: sh bench/swim_gen.sh DIR [N [M [R]]]      (defaults: N = 100000, M = 20000)
# Then:  time metasum summarize --table votes DIR/findings.csv >/dev/null
set -eu
dir=$1; n=${2:-100000}; m=${3:-20000}; r=${4:-}
mkdir -p "$dir"
awk -v m="$m" 'BEGIN {
    print "outcome,beneficial,domain,label"
    for (i = 0; i < m; i++)
        printf "oc%d,%s,dom%d,Outcome %d\n", i, i % 3 ? "increase" : "decrease", i % (m / 10), i
}' >"$dir/outcomes.csv"
awk -v n="$n" -v m="$m" -v r="${r:-1000}" 'BEGIN {
    print "id,ref,source,preparation,outcome,effect_of,input,pct,direction"
    for (i = 1; i <= n; i++)
        printf "f%d,R%d,src%d,EV,oc%d,treatment,percent_change,%d,%s\n", i, i % r, i % 7,
               i % m, i % 50 - 10, i % 50 < 10 ? "decrease" : "increase"
}' >"$dir/findings.csv"
rm -f "$dir/references.csv"
if [ -n "$r" ]; then
    awk -v r="$r" 'BEGIN {
        print "ref,num"
        for (i = 0; i < r; i++) printf "R%d,%d\n", i, i + 1
    }' >"$dir/references.csv"
fi
