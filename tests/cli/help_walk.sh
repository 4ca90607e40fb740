#!/bin/sh
# Walk the settings table (metasum help options --tsv) against every command's --help: each
# command lists exactly the options the table gives it, with the table's short form.
# Usage: help_walk.sh METASUM.  Prints one line per problem and "help walk: N checks, M failed".
M=${1:?usage: help_walk.sh METASUM}
tmp=${TMPDIR:-/tmp}/help_walk.$$
mkdir -p "$tmp" || exit 1
trap 'rm -rf "$tmp"' EXIT
"$M" help options --tsv > "$tmp/table" || { echo "help options --tsv failed"; exit 1; }
cmds="effects pool compare summarize bias sensitivity validate report"
for c in $cmds; do "$M" "$c" --help > "$tmp/$c" || { echo "$c --help failed"; exit 1; }; done
n=0; bad=0
while IFS="|" read -r name opt shrt who; do
    [ "$name" = name ] && continue
    [ -z "$opt" ] && continue
    for c in $cmds; do
        n=$((n + 1))
        case ",$who," in *",$c,"*) want=1 ;; *) want=0 ;; esac
        if [ -n "$shrt" ]; then pat="^    $shrt, $opt( |\$)"; else pat="^        $opt( |\$)"; fi
        if grep -Eq -- "$pat" "$tmp/$c"; then have=1; else have=0; fi
        if [ $want = 1 ] && [ $have = 0 ]; then
            echo "$c --help: missing '${shrt:+$shrt, }$opt' (the table gives it to $c)"; bad=$((bad + 1))
        elif [ $want = 0 ] && grep -Eq -- "^ +(-., )?$opt( |\$)" "$tmp/$c"; then
            echo "$c --help: lists '$opt', which the table does not give to $c"; bad=$((bad + 1))
        fi
    done
done <<EOT
$(tr "\t" "|" < "$tmp/table")
EOT
echo "help walk: $n checks, $bad failed"
[ $bad = 0 ]
