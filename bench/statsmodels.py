"""Python baseline for `make bench` (bench/README.md): pandas + statsmodels meta-analysis.

statsmodels (0.13) has no REML estimator for meta-analysis.  combine_effects offers
method_re="iterated" (Paule & Mandel 1982, iterated to Q(tau2) = k - 1; DerSimonian & Kacker
2007) and "chi2" (DerSimonian & Laird 1986); "iterated" is used: it is the iterative one and the
closest in cost and in value to REML.  It has no Q-profile CI for tau2 either, so workload (a)
here is read + tau2 + the pooled estimate and its CI.

Usage: python3 bench/statsmodels.py KIND WORKLOAD FILE
  a  pandas.read_csv + combine_effects(yi, vi, method_re="iterated")
  b  the same per group (groupby loop)
  c  pandas.read_csv + effectsize_smd (Hedges' g with the exact small-sample correction)
Prints "workload,tool,seconds" lines on stdout (in-process time.perf_counter), numbers on stderr.
"""
import os
import sys
import time
import warnings

# This file is named like the package it benchmarks: drop its own folder from the import path.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != _HERE]

import pandas as pd  # noqa: E402
from statsmodels.stats.meta_analysis import combine_effects, effectsize_smd  # noqa: E402

TOOL = "statsmodels (PM)"


def emit(workload, tool, seconds):
    print(f"{workload},{tool},{seconds:.3f}", flush=True)


def note(workload, text):
    print(f"# {workload} statsmodels: {text}", file=sys.stderr)


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: statsmodels.py KIND WORKLOAD FILE")
    kind, workload, path = sys.argv[1:]
    warnings.simplefilter("ignore")  # convergence warnings would flood stderr in (b)
    t0 = time.perf_counter()
    d = pd.read_csv(path)
    t1 = time.perf_counter()
    if kind == "a":
        r = combine_effects(d["yi"].to_numpy(), d["vi"].to_numpy(), method_re="iterated")
        ci = r.conf_int(use_t=False)
        t2 = time.perf_counter()
        note(workload, f"mu={r.mean_effect_re:.10g} tau2={r.tau2:.10g} "
                       f"CI mu=[{ci[1][0]:.10g}, {ci[1][1]:.10g}]")
        tool = TOOL
    elif kind == "b":
        out = {}
        for g, p in d.groupby("group", sort=False):
            r = combine_effects(p["yi"].to_numpy(), p["vi"].to_numpy(), method_re="iterated")
            out[g] = (r.mean_effect_re, r.tau2)
        t2 = time.perf_counter()
        note(workload, f"{len(out)} groups; g1: mu={out['g1'][0]:.10g} tau2={out['g1'][1]:.10g}")
        tool = TOOL
    elif kind == "c":
        yi, vi = effectsize_smd(d["m1i"].to_numpy(), d["sd1i"].to_numpy(), d["n1i"].to_numpy(),
                                d["m2i"].to_numpy(), d["sd2i"].to_numpy(), d["n2i"].to_numpy())
        t2 = time.perf_counter()
        note(workload, f"rows={len(yi)} first: yi={yi[0]:.10g} vi={vi[0]:.10g}")
        tool = "statsmodels"
    else:
        sys.exit(f"unknown KIND {kind}")
    emit(workload, tool, t2 - t0)
    emit(workload, tool + " (fit only)", t2 - t1)


if __name__ == "__main__":
    main()
