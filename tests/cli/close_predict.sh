#!/bin/sh
# Compare a `compare --table predict` CSV (--no-meta) with metafor's values for one case of
# tests/ref/expected/newmods.csv (case,row,pred,se,ci_lb,ci_ub,pi_lb,pi_ub): every value within
# TOL relative (absolute below 1).  Prints one "CASE row N ok" line per row, or what differs.
# Usage: close_predict.sh PREDICT_CSV REF_CSV CASE TOL
set -u
awk -F, -v case="$3" -v tol="$4" '
    FNR == 1 { next }
    NR == FNR { if ($1 == case) for (j = 3; j <= 8; j++) ref[$2, j] = $j; next }
    {
        row = $1; bad = 0
        if (!((row, 3) in ref)) { print case " row " row ": no reference"; nbad++; next }
        for (j = 3; j <= 8; j++) {
            a = $j + 0; b = ref[row, j] + 0; d = a - b; if (d < 0) d = -d
            s = b < 0 ? -b : b; if (s < 1) s = 1
            if (d > tol * s) { print case " row " row " column " j ": " $j " vs " ref[row, j]; bad = 1 }
        }
        if (!bad) print case " row " row " ok"; else nbad++
        n++
    }
    END { if (n == 0) print case ": no rows"; exit (nbad > 0 || n == 0) }
' "$2" "$1"
