# EXIT EXPECTED COMMAND   (see tests/cli/run.sh)  -- a newcomer's own spreadsheet, as Excel,
# LibreOffice and Google Sheets export it (tests/fixtures/newcomer/, docs/columns.md): each
# file is read as it is, or the message names the fix.

# Excel "CSV UTF-8": BOM, CRLF, two trailing empty columns, blank rows, a note row under the
# table, names with accents, CJK and an emoji: pooled, the note row left out with a warning.
# metafor 3.8 (rma, measure="MD", the 5 rows, threshold=1e-12): b = 1.34361, se = 0.397077
0 newcomer_excel_pool.txt        $METASUM pool --measure MD -d 6 tests/fixtures/newcomer/excel_utf8.csv
0 newcomer_excel_effects.txt     $METASUM effects --measure MD -d 4 tests/fixtures/newcomer/excel_utf8.csv
# ... with thousands separators: each cell named, with the fix
1 newcomer_excel_thousands.txt   $METASUM pool --measure MD tests/fixtures/newcomer/excel_thousands.csv
# validate on a user's file: it checks the curated format (ids); the note row is an error there
1 newcomer_excel_validate.txt    $METASUM validate tests/fixtures/newcomer/excel_utf8.csv

# LibreOffice in a European locale: ';' and decimal commas, units and arms in parentheses
# (metafor, the first 3 rows of excel_utf8: b = 1.60205, se = 0.483743)
0 newcomer_libreoffice.txt       $METASUM pool --measure MD -d 6 tests/fixtures/newcomer/libreoffice_eu.csv
# ... with German names: the missing field is named once, with the unused columns; then --col
1 newcomer_libreoffice_de.txt    $METASUM pool --measure MD tests/fixtures/newcomer/libreoffice_de.csv
0 newcomer_libreoffice_de_col.txt $METASUM pool --measure MD -d 6 --col 'n1i=N (Behandlung)' --col study=Studie tests/fixtures/newcomer/libreoffice_de.csv

# Google Sheets (quoted names, CRLF); a TSV with long names (sample size, standard deviation)
# (metafor: rma(yi, sei): b = 0.313188, se = 0.0773365, tau2 = 0.00470471; the TSV's MD:
# b = 0.623577, se = 0.202071)
0 newcomer_google.txt            $METASUM pool -d 6 tests/fixtures/newcomer/google_sheets.csv
0 newcomer_tsv.txt               $METASUM pool --measure MD -d 6 tests/fixtures/newcomer/long_names.tsv

# what spreadsheets and papers put where a number belongs: n/a, -, #N/A, 28.19%, 1,200,
# 0.4 (0.1), a Unicode minus; each message says what to write instead
1 newcomer_cells.txt             $METASUM pool tests/fixtures/newcomer/cells.csv
# a title above the header
1 newcomer_title_row.txt         $METASUM pool tests/fixtures/newcomer/title_row.csv

# A workbook: a hidden sheet first (passed over), the first 6 BCG trials under arm names in
# parentheses, a formula, numbers stored as text, an inline string, formatting-only cells and a
# note row.  metafor 3.8: rma(measure="RR", ai=tpos, bi=tneg, ci=cpos, di=cneg,
# data=dat.bcg[1:6,], control=list(threshold=1e-12)): b = -0.9877175883, se = 0.2366652919.
0 newcomer_book.txt              $METASUM pool --measure RR -d 10 tests/fixtures/newcomer/bcg_book.xlsx
# the same table under a merged title row; the hidden sheet when named
1 newcomer_book_titled.txt       $METASUM pool --measure RR --sheet Titled tests/fixtures/newcomer/bcg_book.xlsx
1 newcomer_book_sheets.txt       $METASUM pool --sheet Results tests/fixtures/newcomer/bcg_book.xlsx

# other formats given by mistake: one message each, saying what to save the file as
1 newcomer_xls.txt               printf '\320\317\021\340\241\261\032\341\0\0\0\0' > $OUT/book.xls && $METASUM pool $OUT/book.xls
1 newcomer_ods.txt               printf 'PK\003\004%026dmimetypeapplication/vnd.oasis.opendocument.spreadsheet' 0 > $OUT/book.ods && $METASUM pool $OUT/book.ods
1 newcomer_utf16.txt             printf '\377\376S\000t\000u\000d\000y\000' > $OUT/unicode.txt && $METASUM pool $OUT/unicode.txt
1 newcomer_xls_as_xlsx.txt       printf '\320\317\021\340\241\261\032\341\0\0\0\0' > $OUT/book.xlsx && $METASUM pool $OUT/book.xlsx

# a report of the user's file (manifest beside it): all tables written, nothing else
0 newcomer_report.txt            cp tests/fixtures/newcomer/excel_utf8.csv $OUT/ && printf 'id,title,dataset,kind,measure\nmine,My trials,excel_utf8.csv,pool,MD\n' > $OUT/m.csv && $METASUM report -q $OUT/m.csv -o $OUT/r && ls $OUT/r $OUT/r/mine | grep -v '^$' && cut -d, -f1-5 $OUT/r/mine/pool.csv

# a file of repeated rows (an export that copied one row down 100 times): the first 20
# warnings and a count, not one line per row (k = 100 identical studies: estimate 0.1, se =
# sqrt(0.01 / 100) = 0.01 by hand)
0 newcomer_repeats.txt           awk 'BEGIN { print "study,yi,vi"; for (i = 0; i < 100; i++) print "s,0.1,0.01" }' > $OUT/rep.csv && $METASUM pool -d 6 $OUT/rep.csv | cut -d, -f1-6

# a CSV typed by hand with a space after each comma: the columns are found; each number
# with a space says so
1 newcomer_typed_spaces.txt      printf 'study, yi, vi\nA, 0.1, 0.01\n' > $OUT/typed.csv && $METASUM pool $OUT/typed.csv
# ... and in a report: the same 20 and a count
0 newcomer_repeats_report.txt    awk 'BEGIN { print "study,yi,vi"; for (i = 0; i < 100; i++) print "s,0.1,0.01" }' > $OUT/rep.csv && printf 'id,title,dataset,kind\nrep,Repeats,rep.csv,pool\n' > $OUT/m.csv && $METASUM report -q $OUT/m.csv -o $OUT/r 2>&1 | tail -2

# Excel's "CSV (Comma delimited)" writes Windows-1252: each name is named, and the note says to
# save as CSV UTF-8 (once)
1 newcomer_cp1252.txt            printf 'Study,yi,vi\r\nM\374ller,0.1,0.01\r\nJos\351,0.2,0.02\r\n' > $OUT/ansi.csv && $METASUM pool $OUT/ansi.csv
