#!/bin/sh
# Usage: sh bench/ab.sh OLD_METASUM NEW_METASUM [REPS]   (after make bench has made build/bench/data)
# Before/after in one run: each workload of make bench alternates OLD and NEW, REPS times;
# median wall, median user CPU, largest peak RSS.
OLD=$1; NEW=$2; REPS=${3:-5}; D=build/bench/data
med() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
max() { sort -n | tail -1; }
run() { # label args...
    label=$1; shift
    for b in old new; do : > /tmp/ab.$b; done
    i=0
    while [ $i -lt $REPS ]; do
        for b in old new; do
            bin=$OLD; [ $b = new ] && bin=$NEW
            /usr/bin/time -f "%e %U %M" -o /tmp/ab.t $bin "$@" >/tmp/ab.stdout 2>&1
            cat /tmp/ab.t >> /tmp/ab.$b
        done
        i=$((i + 1))
    done
    for b in old new; do
        w=$(cut -d' ' -f1 /tmp/ab.$b | med); u=$(cut -d' ' -f2 /tmp/ab.$b | med)
        m=$(cut -d' ' -f3 /tmp/ab.$b | max)
        printf '%-28s %-4s wall %6s s  user %6s s  peak %7s KiB\n' "$label" $b $w $u $m
    done
}
run "pool a k=1e3" pool $D/a-1e3.csv
run "pool a k=1e4" pool $D/a-1e4.csv
run "pool a k=1e5" pool $D/a-1e5.csv
run "pool a k=1e6" pool $D/a-1e6.csv
run "pool --by group b 1e4x20" pool --by group $D/b-1e4x20.csv
run "effects --measure SMD c 1e6" effects --measure SMD $D/c-1e6.csv
run "sensitivity a k=1e4" sensitivity $D/a-1e4.csv
run "sensitivity -a influence 1e4" sensitivity -a influence $D/a-1e4.csv
