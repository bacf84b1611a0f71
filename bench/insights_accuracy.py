"""Accuracy of the insights engine on labelled synthetic cases.

Generates 360 deterministic cases (seeded): single series of every trend shape with
peaks, troughs, spikes and off-scale starts; pairs of runs that cross once, twice, run
parallel or are identical up to noise, under known, given and unknown goals and on
unequal step grids; runs whose metrics do or do not move together. Lengths run from 30
to 100,000 points, scales from 1e-3 to 1e3. Runs the engine on each case and reports
precision and recall per finding type (the match rules are in
``stepscope.insights.scoring``); prints a table and writes
``bench/results/insights_accuracy.json``. Exits 1 if any figure is below the target.

    python bench/insights_accuracy.py [--seed N] [--show-misses K]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

from stepscope.insights import analyze
from stepscope.insights.scoring import score
from stepscope.insights.synthetic_runs import benchmark_cases

TARGET = 0.9
RESULTS = Path(__file__).parent / "results" / "insights_accuracy.json"
MATCH_RULES = {
    "trend": "same run and metric, same shape",
    "peak": "same run and metric, step within 10% of the step span",
    "trough": "same run and metric, step within 10% of the step span",
    "spike": "same run, metric and direction, step within max(2 strides, 1% of span)",
    "off_scale": "same run, metric, position (start/end) and direction",
    "crossover": "same runs in order (overtaker first), step within 10% of common span",
    "final_comparison": "a finding with a leader names the labelled leader; none when "
    "the goal is unknown or the runs are identical up to noise",
    "co_occurrence": "same run and unordered metric pair, step within the anomaly "
    "window plus 10% of the span",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=20_240_601)
    parser.add_argument("--show-misses", type=int, default=3, metavar="K")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    cases = benchmark_cases(args.seed)
    tallies = score(cases, analyze)
    elapsed = time.perf_counter() - started
    figures: dict[str, dict[str, float | int]] = {}
    print(f"insights accuracy: {len(cases)} cases, seed {args.seed}, {elapsed:.1f} s")
    header = ("labels", "TP", "FP", "FN", "prec", "rec")
    print(f"  {'finding type':<18} " + " ".join(f"{h:>6}" for h in header))
    for kind, t in tallies.items():
        figures[kind] = {
            "labels": t.tp + t.fn,
            "tp": t.tp,
            "fp": t.fp,
            "fn": t.fn,
            "precision": round(t.precision, 4),
            "recall": round(t.recall, 4),
        }
        print(
            f"  {kind:<18} {t.tp + t.fn:>6} {t.tp:>6} {t.fp:>6} {t.fn:>6} "
            f"{t.precision:>6.3f} {t.recall:>6.3f}"
        )
    below = [k for k, t in tallies.items() if min(t.precision, t.recall) < TARGET]
    for kind, t in tallies.items():
        for miss in t.misses[: args.show_misses]:
            print(f"    {kind}: {miss[:200]}")
    doc = {
        "benchmark": "insights_accuracy",
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "figures": {
            "seed": args.seed,
            "cases": len(cases),
            "seconds": round(elapsed, 2),
            "target": TARGET,
            "below_target": below,
            "per_type": figures,
            "match_rules": MATCH_RULES,
        },
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(doc, indent=2) + "\n")
    print(f"  wrote {RESULTS}" + (f"; below {TARGET}: {', '.join(below)}" if below else ""))
    return 1 if below else 0


if __name__ == "__main__":
    sys.exit(main())
