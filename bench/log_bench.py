"""Caller's cost of log(): 3 scalars and a 100-scalar dict (budget: <= 2 us median for 3).

The median comes from timing blocks of 1,000 calls (the timer's own cost spread over
the block); the p99 from timing every call alone, which includes ~50-100 ns of timer.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _record import record  # noqa: E402

import stepscope  # noqa: E402

BLOCK = 1000


def measure(run: stepscope.Run, make: object, calls: int) -> tuple[float, float]:
    payloads = [make(i) for i in range(BLOCK)]  # type: ignore[operator]
    log = run.log
    blocks = []
    for _ in range(calls // BLOCK):
        start = time.perf_counter_ns()
        for payload in payloads:
            log(payload)
        blocks.append((time.perf_counter_ns() - start) / BLOCK)
    singles = []
    clock = time.perf_counter_ns
    for payload in payloads * 20:
        start = clock()
        log(payload)
        singles.append(clock() - start)
    singles.sort()
    return statistics.median(blocks) / 1000, singles[int(len(singles) * 0.99)] / 1000


def main() -> None:
    os.environ.setdefault("STEPSCOPE_QUIET", "1")
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for label, make, calls in (
                ("3 scalars", lambda i: {"actor/kl_loss": i * 1e-3, "actor/entropy_loss": 0.5,
                                         "eval/acc": 0.3}, 300_000),
                ("100 scalars", lambda i: {f"m/{k}": i + k * 0.5 for k in range(100)},
                 30_000)):
            medians, p99s = [], []
            for repeat in range(3):
                run = stepscope.init(project="bench", name=f"{label}-{repeat}", dir=tmp)
                median, p99 = measure(run, make, calls)
                run.finish(quiet=True)
                medians.append(median)
                p99s.append(p99)
            figures[f"log() {label}: median us"] = statistics.median(medians)
            figures[f"log() {label}: p99 us (single-call timing)"] = statistics.median(p99s)
    record("log_cost", figures)


if __name__ == "__main__":
    main()
