#!/bin/sh
# Check a `metasum pool -f text` summary against metafor's printed output: every line of the
# reference sections whose header ("== ...") matches PATTERN must appear in OUTPUT, compared
# with runs of spaces squeezed (metafor pads with one space where metasum uses two), either as
# a whole line or as the end of one (metasum labels the rows of its predict table).  "Model
# Results:" is left out: metasum names the measure there.
# Usage: textsum_check.sh OUTPUT REFERENCE PATTERN
set -u
out=$1; ref=$2; pat=$3
squeeze() { sed 's/[[:space:]][[:space:]]*/ /g; s/^ //; s/ $//' "$1"; }
squeeze "$out" >"$out.sq"
awk -v pat="$pat" '/^== / { on = ($0 ~ pat); next } on' "$ref" | squeeze /dev/stdin |
    grep -v '^$' | grep -v '^Model Results:$' >"$out.want"
test -s "$out.want" || { echo "no reference lines for '$pat'"; exit 1; }
bad=0
while IFS= read -r l; do
    if ! grep -qxF -- "$l" "$out.sq" && ! grep -qF -- " $l" "$out.sq"; then
        echo "missing: $l"; bad=1
    fi
done <"$out.want"
exit $bad
