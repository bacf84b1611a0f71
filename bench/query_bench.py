"""The series query: one 1,000,000-point series -> a 1,000-bucket envelope, and a panel
of 20 runs x 1,000,000 points, in the query engine (what the server spends) and through
a real ``stepscope serve`` over HTTP.

Budgets: <= 5 ms for one series, <= 50 ms server time for the 20-run panel.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import numpy as np
import orjson

sys.path.insert(0, str(Path(__file__).parent))
from _record import record  # noqa: E402

from stepscope.query.engine import SeriesQuery, query_series  # noqa: E402
from stepscope.server.responses import dumps  # noqa: E402
from stepscope.server.routes.series import envelope_wire  # noqa: E402
from stepscope.store.base import PointBatch, RunSpec  # noqa: E402
from stepscope.store.sqlite import SqliteStore  # noqa: E402

POINTS = 1_000_000
RUNS = 20
BUCKETS = 1000
PROJECT = "bench"
KEY = "actor/kl_loss"


def fill(store: SqliteStore) -> list[str]:
    rng = np.random.default_rng(0)
    ids = []
    for i in range(RUNS):
        run_id = f"run{i:02d}"
        store.create_run(PROJECT, RunSpec(id=run_id))
        for lo in range(0, POINTS, 200_000):
            n = min(200_000, POINTS - lo)
            values = np.cumsum(rng.normal(size=n)) * 1e-3
            store.append_batch(PROJECT, run_id, PointBatch(
                [KEY], np.zeros(n, np.int64), np.arange(lo, lo + n, dtype=np.int64), values,
                1.7e9 + np.arange(lo, lo + n) * 0.01))
        ids.append(run_id)
    return ids


def timed(fn: Callable[[], object], repeat: int) -> float:
    """Median milliseconds of ``repeat`` calls, after one warm-up call."""
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def rounds(fn: Callable[[], object], repeat: int = 15, count: int = 3) -> list[float]:
    return [timed(fn, repeat) for _ in range(count)]


def engine_figures(store: SqliteStore, ids: list[str]) -> dict[str, float]:
    one = SeriesQuery([ids[0]], [KEY], buckets=BUCKETS)
    zoom = SeriesQuery([ids[0]], [KEY], x_range=(123_457.0, 876_543.0), buckets=BUCKETS)
    panel = SeriesQuery(ids, [KEY], buckets=BUCKETS)

    def served(query: SeriesQuery) -> object:
        # What the route does: the query, then the response body.
        envelopes = query_series(store, PROJECT, query)
        return dumps({"x": query.x, "buckets": query.buckets,
                      "series": [envelope_wire(e) for e in envelopes]})

    one_ms = rounds(lambda: query_series(store, PROJECT, one))
    zoom_ms = rounds(lambda: query_series(store, PROJECT, zoom))
    panel_ms = rounds(lambda: query_series(store, PROJECT, panel))
    panel_served_ms = rounds(lambda: served(panel))
    return {
        "one 1M-point series -> 1000 buckets, ms (median of 3 rounds)":
            statistics.median(one_ms),
        "zoom into 75% of it -> 1000 buckets, ms": statistics.median(zoom_ms),
        "panel 20 runs x 1M points -> 1000 buckets, query ms": statistics.median(panel_ms),
        "panel 20 runs x 1M points, query + JSON body ms (server time)":
            statistics.median(panel_served_ms),
    }


def http_figures(directory: Path, ids: list[str]) -> dict[str, float]:
    server = subprocess.Popen([sys.executable, "-m", "stepscope.cli.main", "serve", "--dir",
                               str(directory), "--port", "0"], stdout=subprocess.PIPE,
                              text=True, env={**os.environ, "STEPSCOPE_QUIET": "1"})
    try:
        assert server.stdout is not None
        url = server.stdout.readline().split(" at ")[1].split()[0].rstrip("/")
        with httpx.Client(base_url=f"{url}/api/v1/projects/{PROJECT}", timeout=60) as client:
            body = {"runs": ids, "keys": [KEY], "buckets": BUCKETS}
            server_ms: dict[str, list[float]] = {"one": [], "panel": []}

            def ask(name: str, runs: list[str]) -> None:
                response = client.post("/series/query", json={**body, "runs": runs})
                assert len(orjson.loads(response.content)["series"]) == len(runs)
                server_ms[name].append(float(response.headers["server-timing"].split("=")[1]))

            one = rounds(lambda: ask("one", ids[:1]))
            panel = rounds(lambda: ask("panel", ids))
            return {"one series over HTTP, ms (round trip, orjson parse included)":
                    statistics.median(one),
                    "one series over HTTP, server ms (Server-Timing)":
                    statistics.median(server_ms["one"][1:]),
                    "panel over HTTP, ms (round trip, orjson parse included)":
                    statistics.median(panel),
                    "panel over HTTP, server ms (Server-Timing)":
                    statistics.median(server_ms["panel"][1:])}
    finally:
        server.terminate()
        server.wait(30)
        if server.stdout is not None:
            server.stdout.close()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = SqliteStore(tmp)
        started = time.perf_counter()
        ids = fill(store)
        print(f"filled {RUNS} x {POINTS:,} points in {time.perf_counter() - started:.1f} s")
        figures: dict[str, object] = {"points per series": POINTS, "runs in the panel": RUNS,
                                      "buckets": BUCKETS}
        figures.update(engine_figures(store, ids))
        store.close()
        figures.update(http_figures(Path(tmp), ids))
    record("query", figures)


if __name__ == "__main__":
    main()
