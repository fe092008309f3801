#!/usr/bin/env python3
"""check-budgets.py - the run budget each `wakesim check` expectation needs.

A named mutant's budget (the runs `wakesim check` makes before it declares
the mutant missed) must be MARGIN times the most runs any of 20 trials of
the same search needed, measured with other first seeds by
`tools/bench-detect --strategies check`.  The measurements are
tools/bench/detect-check.txt, bench-detect's output as it printed it;
regenerate it (about 15 minutes on 2 cores) with

    cmake --build --preset build -j2
    tools/bench-detect --trials 20 --cap 300 --give-up 0 --strategies check \
        --build build > tools/bench/detect-check.txt

(--mutants a,b for some mutants only: then merge the rows by hand), and
tools/bench/detect-2026-12-01.txt, earlier measurements (see its header).  Without a margin a budget fitted to seeds
1, 2, ... flips red when a harmless change shifts schedules.

Usage: tools/check-budgets.py [--check] [--margin M] [--data FILE]... [SCENARIO.scn...]
  (default: every scenarios/*.scn, margin 3)
Prints one line per (scenario, mutant) the [expect] names with an outcome
other than pass: trials, found, median and most runs, the budget needed and
the file's.  --check exits 1 when a budget is below the margin, or an
expectation has no measurement of at least 20 trials that all found it.

Rows the data may hold (bench-detect's columns):
  MUTANT check:SCENARIO FOUND/TRIALS MEDIAN SECONDS MAX
      the check's own search (its strategy, PCT depth, memory model and what
      the expectation accepts);
  MUTANT random:SCENARIO FOUND/TRIALS MEDIAN SECONDS MAX
      an older `wakesim run SCENARIO --strategy random` measurement (first
      violation of any kind): the same search only for a 'found'
      expectation on a scenario whose check strategy is random, and used
      only there.
A pair measured more than once gets the largest maximum.
"""
import argparse
import glob
import math
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MIN_TRIALS = 20


def parse_scenario(path):
    """The [expect] group: (strategy, default runs, {mutant: (outcome, runs)})."""
    group, keys = None, {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line[0] in "#;":
                continue
            if line.startswith("["):
                group = line[1:-1]
            elif group == "expect" and "=" in line:
                k, v = (s.strip() for s in line.split("=", 1))
                keys[k] = v
    default_runs = int(keys.pop("runs", "100"))
    strategy = keys.pop("strategy", "random")
    keys.pop("pct-depth", None)
    keys.pop("hold-stores", None)
    keys.pop("fixed", None)
    expect = {}
    for mutant, v in keys.items():
        own = None
        if "," in v:
            v, r = v.split(",", 1)
            own = int(r.strip().split()[1])
        outcome = v.split("@")[0].strip()
        expect[mutant] = (outcome, own or default_runs)
    return strategy, expect


def parse_data(path):
    """{(kind, scenario, mutant): [(found, trials, median, max)]}."""
    rows = {}
    row = re.compile(r"^(\S+)\s+(check|random):(\S+)\s+(\d+)/(\d+)\s+(\S+)\s+\S+\s+(\S+)\s*$")
    with open(path) as f:
        for line in f:
            m = row.match(line)
            if not m:
                continue
            mutant, kind, scn, found, trials, median, most = m.groups()
            num = lambda s: None if s in ("-", ">cap", "stop") else int(s.replace(",", ""))
            rows.setdefault((kind, scn, mutant), []).append(
                (int(found), int(trials), num(median), num(most)))
    return rows


def measurements(rows, scn, mutant, strategy, outcome):
    """The rows that measure this check's search."""
    got = list(rows.get(("check", scn, mutant), []))
    if strategy == "random" and outcome == "found":
        got += rows.get(("random", scn, mutant), [])
    return got


def judge(ms, margin, budget):
    """(needed budget or None, verdict)."""
    full = [m for m in ms if m[0] == m[1] and m[1] >= MIN_TRIALS]
    if any(m[0] < m[1] for m in ms):
        return None, "MISSED in some trials: no budget covers it"
    if not full:
        return None, f"NO DATA of {MIN_TRIALS} trials"
    needed = math.ceil(margin * max(m[3] for m in ms))
    return needed, "ok" if budget >= needed else "LOW"


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="exit 1 when a budget is short")
    ap.add_argument("--margin", type=float, default=3.0, help="default 3")
    ap.add_argument("--data", action="append",
                    help="measurements (default: tools/bench/detect-*.txt)")
    ap.add_argument("scenarios", nargs="*")
    a = ap.parse_args()
    rows = {}
    for path in a.data or sorted(glob.glob(os.path.join(ROOT, "tools/bench/detect-*.txt"))):
        for k, v in parse_data(path).items():
            rows.setdefault(k, []).extend(v)
    files = a.scenarios or sorted(glob.glob(os.path.join(ROOT, "scenarios/*.scn")))
    print(f"# budget needed: {a.margin:g} x the most runs any of {MIN_TRIALS}+ trials needed")
    print(f"{'scenario':24} {'mutant':32} {'outcome':20} {'trials':>7} {'median':>7} "
          f"{'max':>7} {'needed':>8} {'budget':>8}  verdict")
    bad = 0
    for path in files:
        scn = os.path.basename(path)[:-4]
        strategy, expect = parse_scenario(path)
        for mutant, (outcome, budget) in sorted(expect.items()):
            if outcome == "pass":
                continue
            ms = measurements(rows, scn, mutant, strategy, outcome)
            needed, verdict = judge(ms, a.margin, budget)
            bad += verdict != "ok"
            trials = sum(m[1] for m in ms)
            med = max((m[2] for m in ms if m[2] is not None), default="-")
            most = max((m[3] for m in ms if m[3] is not None), default="-")
            print(f"{scn:24} {mutant:32} {outcome:20} {trials:>7} {med:>7} {most:>7} "
                  f"{needed if needed else '-':>8} {budget:>8}  {verdict}")
    if a.check and bad:
        print(f"check-budgets: {bad} expectation(s) without a budget {a.margin:g} x the "
              f"slowest trial (measure with the command in tools/check-budgets.py --help)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
