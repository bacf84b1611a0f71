"""Speed of the insights engine: 10 runs x 50 metrics x 100,000 steps (50 M points).

Builds the series once (seeded: saturating curves, humps and noise, a few spikes and
NaNs), then times ``analyze`` end to end (validation excluded: the series are built
before the clock starts) three times and reports the median wall time, plus the CPU
time of the same runs (less sensitive to other load on the machine). Budget: < 2 s.
Prints the figures and writes ``bench/results/insights_speed.json``.

    python bench/insights_speed.py [--runs 10] [--metrics 50] [--steps 100000]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from stepscope.insights import MetricSeries, analyze

BUDGET_SECONDS = 2.0
RESULTS = Path(__file__).parent / "results" / "insights_speed.json"


def build(runs: int, metrics: int, steps: int, seed: int = 7) -> list[MetricSeries]:
    """``runs x metrics`` series of ``steps`` points sharing one step array."""
    rng = np.random.default_rng(seed)
    grid = np.arange(steps, dtype=np.int64)
    t = np.linspace(0.0, 1.0, steps)
    out: list[MetricSeries] = []
    for r in range(runs):
        for k in range(metrics):
            tau = 0.03 + 0.02 * (k % 7)
            curve = (1.0 + 0.1 * r) * (1.0 - np.exp(-t / tau))
            if k % 5 == 0:
                curve = curve + 0.5 * np.exp(-0.5 * ((t - 0.3 - 0.04 * (r % 5)) / 0.05) ** 2)
            values = curve + rng.normal(0.0, 0.02 + 0.01 * (k % 3), steps)
            values[rng.integers(0, steps, 3)] += 1.0
            values[rng.integers(0, steps, 2)] = np.nan
            name = f"train/loss_{k}" if k % 2 else f"eval/accuracy_{k}"
            out.append(MetricSeries(f"run{r}", name, grid, values))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--metrics", type=int, default=50)
    parser.add_argument("--steps", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    series = build(args.runs, args.metrics, args.steps)
    walls: list[float] = []
    cpus: list[float] = []
    findings = 0
    for _ in range(args.repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        report = analyze(series)
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
        findings = len(report.findings)
    points = args.runs * args.metrics * args.steps
    wall = statistics.median(walls)
    figures = {
        "runs": args.runs,
        "metrics": args.metrics,
        "steps": args.steps,
        "points": points,
        "findings": findings,
        "wall_seconds_median": round(wall, 3),
        "wall_seconds_all": [round(w, 3) for w in walls],
        "cpu_seconds_median": round(statistics.median(cpus), 3),
        "points_per_second": round(points / wall),
        "budget_seconds": BUDGET_SECONDS,
        "within_budget": wall < BUDGET_SECONDS,
    }
    print(f"insights speed: {args.runs} runs x {args.metrics} metrics x {args.steps:,} steps")
    for key, value in figures.items():
        print(f"  {key:<20} {value}")
    doc = {
        "benchmark": "insights_speed",
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "load_average": list(os.getloadavg()),
        },
        "figures": figures,
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(doc, indent=2) + "\n")
    print(f"  wrote {RESULTS}")
    return 0 if wall < BUDGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
