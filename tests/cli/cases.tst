# EXIT EXPECTED COMMAND   (see tests/cli/run.sh)
0 version.txt          $METASUM --version
0 -                    $METASUM --help
2 unknown_command.txt  $METASUM frobnicate
2 -                    $METASUM
