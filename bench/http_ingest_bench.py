"""HTTP ingest: 4 client processes post batches of 100 metrics x 1,000 steps to one
``stepscope serve`` process, each batch named by (stream, start, end) as the SDK does.

Budget: >= 1,000,000 points/s. The binary form (WAL records, what the SDK sends) is the
measured figure; the JSON form (orjson on both sides) is reported beside it. Bodies are
encoded before the clock starts: this measures the server, not the clients' encoding.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import orjson

sys.path.insert(0, str(Path(__file__).parent))
from _record import record  # noqa: E402

from stepscope.sdk.wal import encode_records  # noqa: E402
from stepscope.store.base import PointBatch  # noqa: E402

CLIENTS = 4
METRICS = 100
STEPS_PER_BATCH = 1000
BATCHES = {"binary": 25, "json": 8}
"""Batches per client: 25 x 100,000 points = 2.5M points per client in the binary form."""


def bodies(form: str, batches: int) -> list[tuple[bytes, int, int]]:
    """(body, start, end) of each batch; start/end are positions in a pretend stream."""
    rng = np.random.default_rng(0)
    keys = [f"section{k % 5}/metric{k}" for k in range(METRICS)]
    out = []
    position = 0
    for b in range(batches):
        steps = np.repeat(np.arange(b * STEPS_PER_BATCH, (b + 1) * STEPS_PER_BATCH), METRICS)
        key_index = np.tile(np.arange(METRICS), STEPS_PER_BATCH)
        values = rng.normal(size=steps.shape[0])
        walls = (1.7e9 + steps * 0.01).astype(np.float64)
        if form == "binary":
            body = encode_records(PointBatch(keys, key_index, steps, values, walls))
        else:
            body = orjson.dumps({"keys": keys, "key": key_index, "step": steps,
                                 "value": values, "wall": walls},
                                option=orjson.OPT_SERIALIZE_NUMPY)
        out.append((body, position, position + len(body)))
        position += len(body)
    return out


def client(url: str, index: int, form: str, batches: int, barrier: Any, results: Any) -> None:
    prepared = bodies(form, batches)
    media = "application/x-stepscope-wal" if form == "binary" else "application/json"
    with httpx.Client(base_url=f"{url}/api/v1/projects/ingest", timeout=120) as http:
        run_id = f"client{index}"
        assert http.post("/runs", json={"id": run_id}).status_code in (200, 201)
        barrier.wait()
        started = time.perf_counter()
        for body, start, end in prepared:
            params: dict[str, str | int] | None = (
                {"stream": "s", "start": start, "end": end} if form == "binary" else None)
            if form == "json":
                body = body[:-1] + b',"stream":"s","start":%d,"end":%d}' % (start, end)
            response = http.post(f"/runs/{run_id}/batches", content=body, params=params,
                                 headers={"Content-Type": media})
            assert response.status_code == 200, response.text
        results.put((started, time.perf_counter(), batches * STEPS_PER_BATCH * METRICS))


def start_server(where: list[str]) -> tuple[subprocess.Popen[str], str]:
    """``stepscope serve`` with ``where`` (``--dir D`` or ``--db URL``) on a free port."""
    server = subprocess.Popen([sys.executable, "-m", "stepscope.cli.main", "serve", *where,
                               "--port", "0"], stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "STEPSCOPE_QUIET": "1"})
    assert server.stdout is not None
    url = server.stdout.readline().split(" at ")[1].split()[0].rstrip("/")
    return server, url


def stop_server(server: subprocess.Popen[str]) -> None:
    server.terminate()
    server.wait(60)
    if server.stdout is not None:
        server.stdout.close()


def drive(urls: list[str], form: str) -> float:
    """Points/s of CLIENTS client processes posting to ``urls`` (round robin)."""
    ctx = mp.get_context("spawn")
    barrier, results = ctx.Barrier(CLIENTS), ctx.Queue()
    procs = [ctx.Process(target=client, args=(urls[i % len(urls)], i, form, BATCHES[form],
                                              barrier, results)) for i in range(CLIENTS)]
    for proc in procs:
        proc.start()
    spans = [results.get(timeout=600) for _ in procs]
    for proc in procs:
        proc.join(60)
    first = min(s[0] for s in spans)
    last = max(s[1] for s in spans)
    return float(sum(s[2] for s in spans) / (last - first))


def one_round(form: str) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        server, url = start_server(["--dir", tmp])
        try:
            return drive([url], form)
        finally:
            stop_server(server)


def main() -> None:
    binary = [one_round("binary") for _ in range(3)]
    json_form = [one_round("json") for _ in range(3)]
    for name, rates in (("binary", binary), ("json", json_form)):
        print(f"{name}: " + ", ".join(f"{r:,.0f}" for r in rates) + " points/s")
    record("http_ingest", {
        "clients": CLIENTS,
        "points per request": METRICS * STEPS_PER_BATCH,
        "points per client (binary)": BATCHES["binary"] * METRICS * STEPS_PER_BATCH,
        "binary form points/s (median of 3)": statistics.median(binary),
        "binary form points/s (min of 3)": min(binary),
        "JSON form points/s (median of 3)": statistics.median(json_form),
    })


if __name__ == "__main__":
    main()
