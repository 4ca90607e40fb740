#!/bin/sh
# Check the PNG and PDF rendered from one plot's SVG (src/io/render.c): the PNG is a PNG whose
# IHDR size is twice the SVG's width and height (MSUM_RENDER_PNG_SCALE, rounded); the PDF has
# one page of the SVG's size in points (1 px = 1 pt, as pdfinfo rounds it); then the PDF's
# text lines (pdftotext) that name the axis, heterogeneity, tests and favours labels.
# Usage: forestfiles_check.sh PLOT.svg PLOT.png PLOT.pdf
set -u
svg=$1; png=$2; pdf=$3
size=$(sed -n 1p "$svg" | sed -n 's/.* width="\([0-9.]*\)" height="\([0-9.]*\)".*/\1 \2/p')
test -n "$size" || { echo "no width/height in $svg"; exit 1; }
set -- $size
sw=$1; sh=$2
# PNG: 8-byte signature, then the IHDR chunk: length, "IHDR", width, height (big-endian)
sig=$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')
test "$sig" = "89504e470d0a1a0a" || { echo "$png: not a PNG ($sig)"; exit 1; }
ihdr=$(head -c 16 "$png" | tail -c 4)
test "$ihdr" = "IHDR" || { echo "$png: no IHDR"; exit 1; }
set -- $(head -c 24 "$png" | tail -c 8 | od -An -tu1)
pw=$(( ($1 << 24) | ($2 << 16) | ($3 << 8) | $4 )); ph=$(( ($5 << 24) | ($6 << 16) | ($7 << 8) | $8 ))
ew=$(awk -v w="$sw" 'BEGIN { printf "%d", w * 2 + 0.5 }')
eh=$(awk -v h="$sh" 'BEGIN { printf "%d", h * 2 + 0.5 }')
if [ "$pw" = "$ew" ] && [ "$ph" = "$eh" ]; then
    echo "png ${pw}x${ph} = 2 x svg ${sw}x${sh}"
else
    echo "png ${pw}x${ph}, expected ${ew}x${eh} (2 x svg ${sw}x${sh})"; exit 1
fi
pages=$(pdfinfo "$pdf" | sed -n 's/^Pages: *//p')
psize=$(pdfinfo "$pdf" | sed -n 's/^Page size: *//p')
echo "pdf pages: $pages"
echo "pdf page size: $psize"
test "$pages" = 1 || exit 1
pdfinfo "$pdf" | grep -q '^CreationDate:' && { echo "$pdf: has a creation date"; exit 1; }
pdftotext -enc UTF-8 "$pdf" - |
    grep -E '^(Risk ratio|Heterogeneity|Test for overall effect|Test for subgroup|Favours)'
