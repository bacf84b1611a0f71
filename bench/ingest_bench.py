"""Local ingest end to end (log() -> WAL -> folder -> SQLite), disk per point, and
reading back one 1,000,000-point series.

Budgets: >= 2 million points/s sustained (100 metrics/step), <= 12 bytes per point for
dense integer steps, read-back of 1M points <= 20 ms.
"""

from __future__ import annotations

import os
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from _record import record  # noqa: E402

import stepscope  # noqa: E402

STEPS = 40_000
METRICS = 100


def ingest_once(directory: str, name: str) -> float:
    rng = np.random.default_rng(0)
    rows = rng.normal(size=(1000, METRICS)).tolist()
    keys = [f"section{k % 5}/metric{k}" for k in range(METRICS)]
    payloads = [dict(zip(keys, row, strict=True)) for row in rows]
    start = time.perf_counter()
    run = stepscope.init(project="ingest", name=name, dir=directory)
    for step in range(STEPS):
        run.log(payloads[step % 1000])
    run.finish(quiet=True)  # returns once every point is stored
    return STEPS * METRICS / (time.perf_counter() - start)


def disk_and_read(directory: str) -> tuple[float, float]:
    run = stepscope.init(project="disk", name="long", dir=directory)
    values = np.random.default_rng(1).normal(size=1_000_000).tolist()
    for value in values:
        run.log({"loss": value})
    run.finish(quiet=True)
    db = Path(directory) / "stepscope.db"
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("VACUUM")
    bytes_per_point = db.stat().st_size / 1_000_000
    api_run = stepscope.Api(directory).run(f"disk/{run.id}")
    times = []
    for _ in range(7):
        start = time.perf_counter()
        steps, vals, _ = api_run.series("loss")
        times.append(time.perf_counter() - start)
        assert steps.shape[0] == 1_000_000
    return bytes_per_point, statistics.median(times) * 1000


def main() -> None:
    os.environ.setdefault("STEPSCOPE_QUIET", "1")
    with tempfile.TemporaryDirectory() as tmp:
        rates = [ingest_once(tmp, f"r{i}") for i in range(3)]
    with tempfile.TemporaryDirectory() as tmp:
        bytes_per_point, read_ms = disk_and_read(tmp)
    record("local_ingest", {
        "points per run": STEPS * METRICS,
        "ingest points/s (median of 3)": statistics.median(rates),
        "ingest points/s (min of 3)": min(rates),
        "disk bytes per point (1M dense steps, after VACUUM)": bytes_per_point,
        "read back 1M-point series ms (median of 7)": read_ms,
    })


if __name__ == "__main__":
    main()
