#!/bin/sh
# Compare a metasum CSV (no # meta lines) with reference values: rows matched on the first
# column of REF_CSV, every other REF column compared with the metasum column of that name
# within TOL relative (absolute below 1); NA must meet NA.  Prints "KEY ok" per row, or what
# differs; exits 1 on any difference or a reference row or column metasum lacks.
# Usage: close_cols.sh OUT_CSV REF_CSV TOL
set -u
awk -F, -v tol="$3" '
    NR == FNR && FNR == 1 { nref = NF; for (j = 1; j <= NF; j++) rname[j] = $j; next }
    NR == FNR { keys[++nk] = $1; for (j = 2; j <= nref; j++) ref[$1, j] = $j; next }
    FNR == 1 { for (j = 1; j <= NF; j++) col[$j] = j; kc = col[rname[1]]; next }
    { for (j = 1; j <= NF; j++) got[$kc, j] = $j; seen[$kc] = 1 }
    END {
        bad = 0
        for (i = 1; i <= nk; i++) {
            k = keys[i]; rowbad = 0
            if (!(k in seen)) { print k ": no row"; bad = 1; continue }
            for (j = 2; j <= nref; j++) {
                c = col[rname[j]]
                if (!c) { print k " " rname[j] ": no column"; rowbad = 1; continue }
                a = got[k, c]; b = ref[k, j]
                if (a == "NA" || b == "NA") { if (a != b) { print k " " rname[j] ": " a " vs " b; rowbad = 1 }; continue }
                d = a - b; if (d < 0) d = -d; s = b < 0 ? -b : b; if (s < 1) s = 1
                if (d > tol * s) { print k " " rname[j] ": " a " vs " b; rowbad = 1 }
            }
            if (rowbad) bad = 1; else print k " ok"
        }
        exit bad
    }
' "$2" "$1"
