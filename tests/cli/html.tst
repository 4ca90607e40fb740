# EXIT EXPECTED COMMAND   (see tests/cli/run.sh): the report's pages open with the findings
# (src/io/findings.c), then the main numbers, the plots and the folded tables; DOI cells link to
# doi.org; index.html gives each analysis' first finding, grouped by dataset.
#
# Findings of every kind the report summarises, on BCG (metafor 3.8: REML risk ratio 0.4894
# [0.3441, 0.6962], z = -3.9744, I^2 = 92.22%, tau^2 = 0.3132, PI [0.1546, 1.5490]; Knapp-Hartung
# t(12) = -3.9522, p = 0.0019; by allocation Q_between = 1.8614, p = 0.394; Egger z = -0.8033;
# trim and fill k0 = 1 right), as written to findings.csv; then the index entries.
0 html_report.txt        mkdir -p $OUT/d/bcg && cp datasets/bcg/effects.csv datasets/bcg/references.csv $OUT/d/bcg/ && printf 'id,title,dataset,kind,measure,method,test,by,formats,plots\npool,BCG: pooled,bcg/effects.csv,pool,RR,REML,z,,csv,forest\nknha,BCG: Knapp-Hartung,bcg/effects.csv,pool,RR,REML,knha,,csv,\nby,BCG: per allocation,bcg/effects.csv,pool,RR,REML,z,alloc,csv,\ncmp,BCG: subgroups,bcg/effects.csv,compare,RR,REML,z,alloc,csv,\nbias,BCG: bias,bcg/effects.csv,bias,RR,REML,z,,csv,\nsens,BCG: sensitivity,bcg/effects.csv,sensitivity,RR,REML,z,,csv,\neff,BCG: effects,bcg/effects.csv,effects,RR,,,,csv,\nrefs,BCG: references,bcg/references.csv,table,,,,,csv;html,\n' >$OUT/d/m.csv && $METASUM report -q $OUT/d/m.csv -o $OUT/r && for a in pool knha by cmp bias sens eff refs; do echo "== $a"; grep -v '^#' $OUT/r/$a/findings.csv; done && echo "== index" && grep -o '<h2>[^<]*</h2>\|<p class="entry">.*</p>' $OUT/r/index.html

# The page: the findings block, then the main numbers, the settings, the plot, then each table
# folded with its files; the findings table is not repeated among the tables.  DOI cells are
# links (percent-encoded); the references page keeps its table open.
0 html_page.txt          mkdir -p $OUT/d && cp datasets/bcg/effects.csv datasets/bcg/references.csv $OUT/d/ && printf 'id,dataset,kind,measure,formats,plots\npool,effects.csv,pool,RR,csv;md,forest\nrefs,references.csv,table,,csv,\n' >$OUT/d/m.csv && $METASUM report -q $OUT/d/m.csv -o $OUT/r && grep -o '<section class="findings"[^>]*>\|<h2>Main numbers</h2>\|<p>dataset: [^<]*</p>\|<figure>\|<details [^>]*>\|<summary>.*</summary>\|<p class="files">.*</p>' $OUT/r/pool/index.html && { grep -c 'href="findings' $OUT/r/pool/index.html || true; } && grep -o '<details [^>]*>\|<td><a href="https://doi.org/[^"]*">[^<]*</a></td>' $OUT/r/refs/index.html

# Contract: an analysis that makes its own table named "findings" (here a table-kind analysis
# of findings.csv, column "finding") gets it as the findings block, shown once; an analysis
# without findings gets a block that says what the page holds.
0 html_own_findings.txt  mkdir -p $OUT/d && printf 'finding\nFirst sentence of its own.\nSecond one.\n' >$OUT/d/findings.csv && cp datasets/exosome_skin_aging/effects.csv $OUT/d/e.csv && printf 'id,dataset,kind,by,formats\nown,findings.csv,table,,csv\nsum,e.csv,summarize,source;outcome,csv\n' >$OUT/d/m.csv && $METASUM report -q $OUT/d/m.csv -o $OUT/r && grep -A3 '<section class="findings"' $OUT/r/own/index.html && { grep -c '<details' $OUT/r/own/index.html || true; } && grep -A2 '<section class="findings"' $OUT/r/sum/index.html | grep -o 'Reported numbers compared' && grep -o '<p class="entry">.*</p>' $OUT/r/index.html
