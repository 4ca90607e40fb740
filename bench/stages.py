"""Group a flat profile into the stages of a metasum command (bench/README.md).

Usage: python3 bench/stages.py FLAT [VERBOSE] [TOP]
FLAT has one line per function: "cost<TAB>description" (callgrind self instruction counts or
perf sample percentages, as bench/profile.sh writes them).  Prints each stage's share, then the
largest unclassified items when VERBOSE is non-empty and the TOP functions when TOP is given.
"""
import re
import sys

rows = []
for l in open(sys.argv[1]):
    n, name = l.rstrip('\n').split('\t', 1)
    rows.append((float(n), name))
tot = sum(n for n, _ in rows)
# (stage, pattern on the function description); the first match wins, so the order matters.
stages = [
    ('output: writing', r'put_text|put_num|put_field|write_csv|write\.c:|msum_write|xsputn'
                        r'|fwrite|fputs|fputc|msum_io_put'),
    ('result table (table.c)', r'table\.c:|msum_table_'),
    ('cmd_* / analysis own code (row loop, arrays)', r'cmd_\w+\.c:|\bcmd_|run_pass'
        r'|analysis/\w+\.c:|\bread_rows\b|\bgroup_add\b|\bgroups_get\b'),
    ('libcsv csv_parse', r'csv_parse'),
    ('reader.c (byte scan, field/row callbacks)', r'reader\.c:|\bfeed\b|\bon_field\b|\bon_row\b'
        r'|no_space|msum_reader_next|queue_start|\bfill\b'),
    ('number parsing (number.c)', r'number\.c:|msum_parse_double|eight_digits'),
    ('typer + checks', r'dataset\.c:|checks\.c:|record\.c:|msum_typer_row|msum_record_check'),
    ('pool.c numerics', r'pool\.c:|sums_pass|sums_at|msum_pool|estimate_tau2|chisq_quantile'
                        r'|sum_log|q_root|q_minus'),
    ('escalc.c numerics', r'escalc\.c:|msum_escalc|msum_hedges_j|resolve_group|lngamma_half'
                          r'|msum_effect_conversion'),
    ('GSL + libm', r'libgsl|gsl_|libm\.so|ieee754|w_log|w_exp|\blog@|\bexp@'),
    ('output: number formatting', r'fmt|printf|hack_digit|mpn_|localeconv|vsnprintf|_IO_str'
                                  r'|__strchrnul'),
    ('malloc/memcpy/strlen', r'malloc|memmove|memcpy|strlen|realloc|\bfree\b|memset|mempcpy'
                             r'|memcmp|_int_'),
    ('kernel', r'\[k\]'),
]
acc = {s: 0.0 for s, _ in stages}
other = []
for n, name in rows:
    for s, pat in stages:
        if re.search(pat, name):
            acc[s] += n
            break
    else:
        other.append((n, name))
for s, _ in stages:
    if acc[s]:
        print("  %-44s %5.1f%%" % (s, 100 * acc[s] / tot))
o = sum(n for n, _ in other)
print("  %-44s %5.1f%%" % ('other (startup, dynamic linking, ...)', 100 * o / tot))
if len(sys.argv) > 2 and sys.argv[2]:
    for n, name in sorted(other, reverse=True)[:5]:
        print("     %.1f%% %s" % (100 * n / tot, name.strip()[:100]))

if len(sys.argv) > 3:
    agg = {}
    for n, name in rows:
        key = re.sub(r'\s+-\s+-\s*$', '', name.strip())
        agg[key] = agg.get(key, 0) + n
    print("  top functions:")
    for key, n in sorted(agg.items(), key=lambda x: -x[1])[:int(sys.argv[3])]:
        print("    %5.1f%%  %s" % (100 * n / tot, key[:90]))
