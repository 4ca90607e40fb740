#!/bin/sh
# Compare one table of a metasum CSV (one table, no # meta lines, -d 0) with the metafor values
# of one case of the sweep (tests/ref/expected/sweep.csv, rows CASE,TABLE.COLUMN[ROW],VALUE):
# every value of CASE whose quantity starts with TABLE. is compared with the metasum cell (ROW
# 1-based, 1 when absent) within TOL relative; NA must meet NA.  Prints "CASE: N values ok", or
# each difference; exits 1 on any difference or a missing column.
# Usage: sweep_check.sh OUT_CSV SWEEP_CSV CASE TABLE TOL
set -u
awk -F, -v case="$3" -v table="$4" -v tol="$5" '
    NR == FNR { if ($1 == case && index($2, table ".") == 1) { q[++n] = substr($2, length(table) + 2); v[n] = $3 }; next }
    FNR == 1 { for (j = 1; j <= NF; j++) col[$j] = j; next }
    { for (j = 1; j <= NF; j++) cell[FNR - 1, j] = $j }
    END {
        bad = 0
        if (n == 0) { print case ": no values for table " table; exit 1 }
        for (i = 1; i <= n; i++) {
            name = q[i]; row = 1
            if (match(name, /\[[0-9]+\]$/)) { row = substr(name, RSTART + 1, RLENGTH - 2) + 0; name = substr(name, 1, RSTART - 1) }
            if (!(name in col)) { print case " " q[i] ": no column"; bad = 1; continue }
            a = cell[row, col[name]]; b = v[i]
            if (a == "NA" || b == "NA") { if (a != b) { print case " " q[i] ": " a " vs " b; bad = 1 }; continue }
            d = a - b; if (d < 0) d = -d; s = b < 0 ? -b : b
            if (d > tol * s + 1e-300) { print case " " q[i] ": " a " vs metafor " b; bad = 1 }
        }
        if (!bad) print case ": " n " values ok"
        exit bad
    }
' "$2" "$1"
