"""The two store engines side by side: the same data into SQLite and PostgreSQL.

- direct ``append_batch`` ingest, 100 keys x N steps, in large batches (1,000 steps a
  batch, what a writer folding a second of logging sends) and small ones (10 steps);
- the series query: one 1,000,000-point series -> 1,000 buckets (whole range and a 10%
  zoom), and a panel of 20 runs x 1,000,000 points -> 1,000 buckets each;
- bytes per point on disk for dense integer steps.

Medians of several repeats; ratios are PostgreSQL / SQLite (time per point or per
query, so above 1 means PostgreSQL is slower). Target: PostgreSQL within 2x of SQLite.

``--scale 20,100,1000`` measures instead how the query behaves as a store fills up:
after loading each number of 1,000,000-point runs, one series and a panel of 20 runs
picked at random among all of them (``results/store_scale.json``).
PostgreSQL is the server at ``STEPSCOPE_BENCH_PG_URL`` (default
``postgresql://root@127.0.0.1:5432/test``); the benchmark works in a schema of its own
and drops it at the end.

    python bench/store_compare_bench.py [--quick | --scale 20,100,1000]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np
import psycopg

sys.path.insert(0, str(Path(__file__).parent))
from _record import record  # noqa: E402

from stepscope.query import SeriesQuery, query_series  # noqa: E402
from stepscope.store.base import PointBatch, RunSpec, Store  # noqa: E402
from stepscope.store.postgres import PostgresStore  # noqa: E402
from stepscope.store.sqlite import SqliteStore  # noqa: E402

PG_URL = os.environ.get("STEPSCOPE_BENCH_PG_URL", "postgresql://root@127.0.0.1:5432/test")
KEYS = [f"section{k % 5}/metric{k}" for k in range(100)]
SERIES_POINTS = 1_000_000
PANEL_RUNS = 20
BUCKETS = 1000
WALL0 = 1_700_000_000.0


def step_batch(steps: np.ndarray, rng: np.random.Generator) -> PointBatch:
    """Every key at every step, step-major, as a training loop logs them."""
    n, k = steps.shape[0], len(KEYS)
    return PointBatch(keys=KEYS, key_index=np.tile(np.arange(k), n),
                      steps=np.repeat(steps, k), values=rng.normal(size=n * k),
                      walls=np.repeat(WALL0 + steps * 0.05, k))


def ingest_rate(store: Store, run_id: str, steps: int, batch_steps: int) -> float:
    """Points per second of appending 100 keys x ``steps`` in batches of ``batch_steps``."""
    rng = np.random.default_rng(0)
    batches = [step_batch(np.arange(lo, min(steps, lo + batch_steps)), rng)
               for lo in range(0, steps, batch_steps)]
    store.create_run("ingest", RunSpec(id=run_id))
    start = time.perf_counter()
    for batch in batches:
        store.append_batch("ingest", run_id, batch)
    return steps * len(KEYS) / (time.perf_counter() - start)


def load_long_series(store: Store) -> None:
    """PANEL_RUNS runs holding one 1,000,000-point series each (a random walk)."""
    for r in range(PANEL_RUNS):
        run_id = f"long{r}"
        store.create_run("query", RunSpec(id=run_id))
        rng = np.random.default_rng(r)
        values = np.cumsum(rng.normal(size=SERIES_POINTS))
        for lo in range(0, SERIES_POINTS, 200_000):
            hi = lo + 200_000
            store.append_batch("query", run_id, PointBatch(
                ["train/loss"], np.zeros(hi - lo, np.int64), np.arange(lo, hi),
                values[lo:hi], (WALL0 + np.arange(lo, hi) * 0.05).astype(np.float64)))


def median_ms(fn: Callable[[], object], repeats: int) -> float:
    fn()  # warm caches and prepared statements
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def query_figures(store: Store, repeats: int) -> dict[str, float]:
    one = SeriesQuery(["long0"], ["train/loss"], buckets=BUCKETS)
    zoom = SeriesQuery(["long0"], ["train/loss"], buckets=BUCKETS,
                       x_range=(450_000.5, 549_999.5))
    panel = SeriesQuery([f"long{r}" for r in range(PANEL_RUNS)], ["train/loss"],
                        buckets=BUCKETS)
    [env] = query_series(store, "query", one)
    assert int(env.count.sum()) == SERIES_POINTS and len(env) == BUCKETS
    return {
        "series_1m_ms": median_ms(lambda: query_series(store, "query", one), repeats),
        "zoom_10pct_ms": median_ms(lambda: query_series(store, "query", zoom), repeats),
        "panel_20x1m_ms": median_ms(lambda: query_series(store, "query", panel), repeats),
    }


def sqlite_bytes(directory: Path) -> int:
    db = directory / "stepscope.db"
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return db.stat().st_size


def postgres_bytes(schema: str) -> int:
    """Heap, TOAST and indexes of every table in the schema."""
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        row = conn.execute(
            "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n "
            "ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relkind = 'r'",
            (schema,)).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def measure(engine: str, store: Store, size: Callable[[], int], steps: int,
            repeats: int) -> dict[str, float]:
    """Figures of one engine, starting from an empty store (so that its size after
    loading the long series is theirs alone)."""
    figures: dict[str, float] = {}
    print(f"-- {engine}: loading {PANEL_RUNS} x {SERIES_POINTS:,} points", flush=True)
    start = time.perf_counter()
    load_long_series(store)
    figures["load_20m_points_pps"] = PANEL_RUNS * SERIES_POINTS / (time.perf_counter() - start)
    figures["bytes_per_point"] = size() / (PANEL_RUNS * SERIES_POINTS)
    print(f"-- {engine}: queries", flush=True)
    figures.update(query_figures(store, max(repeats, 7)))
    print(f"-- {engine}: ingest", flush=True)
    figures["ingest_large_batches_pps"] = statistics.median(
        ingest_rate(store, f"big{i}", steps, 1000) for i in range(repeats))
    figures["ingest_small_batches_pps"] = statistics.median(
        ingest_rate(store, f"small{i}", steps // 10, 10) for i in range(repeats))
    return figures


def load_runs(store: Store, first: int, last: int) -> None:
    """Runs ``long{first}`` .. ``long{last - 1}``, one 1,000,000-point series each."""
    for r in range(first, last):
        run_id = f"long{r}"
        store.create_run("query", RunSpec(id=run_id))
        values = np.cumsum(np.random.default_rng(r).normal(size=SERIES_POINTS))
        steps = np.arange(SERIES_POINTS)
        store.append_batch("query", run_id, PointBatch(
            ["train/loss"], np.zeros(SERIES_POINTS, np.int64), steps, values,
            (WALL0 + steps * 0.05).astype(np.float64)))


def scale_figures(engine: str, store: Store, size: Callable[[], int],
                  checkpoints: list[int], repeats: int) -> dict[str, float]:
    """Query latency as the store fills up: after loading each checkpoint's number of
    runs (1,000,000 points each), one series and a panel of 20 runs chosen at random
    among all, first touch (never queried before) and warm (median of ``repeats``)."""
    figures: dict[str, float] = {}
    loaded = 0
    rng = np.random.default_rng(1)
    for runs in checkpoints:
        start = time.perf_counter()
        load_runs(store, loaded, runs)
        rate = (runs - loaded) * SERIES_POINTS / (time.perf_counter() - start)
        loaded = runs
        picks = [f"long{r}" for r in rng.choice(runs, PANEL_RUNS + 1,
                                                        replace=runs <= PANEL_RUNS)]
        one = SeriesQuery(picks[:1], ["train/loss"], buckets=BUCKETS)
        panel = SeriesQuery(picks[1:], ["train/loss"], buckets=BUCKETS)
        first = time.perf_counter()
        query_series(store, "query", one)
        first_one = (time.perf_counter() - first) * 1000
        first = time.perf_counter()
        query_series(store, "query", panel)
        first_panel = (time.perf_counter() - first) * 1000
        at = f"{runs}_runs"
        figures.update({
            f"{at}_load_pps": rate,
            f"{at}_bytes_per_point": size() / (runs * SERIES_POINTS),
            f"{at}_series_1m_first_ms": first_one,
            f"{at}_series_1m_ms": median_ms(partial(query_series, store, "query", one),
                                            repeats),
            f"{at}_panel_20x1m_first_ms": first_panel,
            f"{at}_panel_20x1m_ms": median_ms(partial(query_series, store, "query", panel),
                                              repeats),
        })
        print(f"-- {engine}: {runs} runs x {SERIES_POINTS:,} points: "
              + ", ".join(f"{k.removeprefix(at + '_')}={v:,.1f}" for k, v in figures.items()
                          if k.startswith(at)), flush=True)
    return figures


def on_both_engines(
        run: Callable[[str, Store, Callable[[], int]], dict[str, float]],
) -> dict[str, dict[str, float]]:
    """``run(engine, store, size)`` on a fresh SQLite store and a fresh PostgreSQL schema
    (dropped afterwards); ``size()`` gives the store's bytes on disk."""
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp) / "sqlite"
        sqlite = SqliteStore(directory)
        try:
            results["sqlite"] = run("sqlite", sqlite, lambda: sqlite_bytes(directory))
        finally:
            sqlite.close()
    schema = f"ss_bench_{uuid.uuid4().hex[:12]}"
    postgres = PostgresStore(PG_URL, schema=schema)
    try:
        results["postgres"] = run("postgres", postgres, lambda: postgres_bytes(schema))
    finally:
        postgres.close()
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    return results


def scale(checkpoints: list[int], repeats: int) -> None:
    """``--scale``: the query at growing numbers of 1M-point runs, both engines."""
    results = on_both_engines(partial(scale_figures, checkpoints=checkpoints,
                                      repeats=repeats))
    figures: dict[str, object] = {"series_points": SERIES_POINTS, "repeats": repeats}
    for engine, found in results.items():
        figures.update({f"{engine}_{k}": round(v, 3) for k, v in found.items()})
    record("store_scale", figures)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer steps, for a smoke run")
    parser.add_argument("--scale", metavar="RUNS,...",
                        help="instead: query latency after loading this many 1M-point runs "
                             "(e.g. 20,100,1000), both engines -> results/store_scale.json")
    args = parser.parse_args()
    if args.scale:
        scale(sorted(int(n) for n in args.scale.split(",")), repeats=7)
        return
    steps = 2_000 if args.quick else 20_000
    repeats = 3
    results = on_both_engines(partial(measure, steps=steps, repeats=repeats))
    figures: dict[str, object] = {"steps_x_keys": f"{steps} x {len(KEYS)}",
                                  "repeats": repeats}
    for engine, found in results.items():
        for name, value in found.items():
            figures[f"{engine}_{name}"] = round(value, 3)
    sq, pg = results["sqlite"], results["postgres"]
    for name in sq:  # PG / SQLite in cost: time per point or per query
        cost_ratio = sq[name] / pg[name] if name.endswith("_pps") else pg[name] / sq[name]
        figures[f"ratio_pg_over_sqlite_{name.removesuffix('_pps').removesuffix('_ms')}"] = (
            round(cost_ratio, 3))
    record("store_compare", figures)


if __name__ == "__main__":
    main()
