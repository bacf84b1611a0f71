"""Several ``stepscope serve --db`` processes over one PostgreSQL schema behave as one
server: what is stored through one is readable, and pushed live over server-sent events,
through the others (LISTEN/NOTIFY), within a second."""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from types import SimpleNamespace
from typing import cast

import httpx
import pytest
from tests.api.conftest import LiveServer, ServerProcess
from tests.api.test_events import events

pytestmark = pytest.mark.postgres


def test_two_replicas_behave_as_one(tmp_path: Path, pg_url: str) -> None:
    a = ServerProcess(tmp_path / "a", db=pg_url)
    b = ServerProcess(tmp_path / "b", db=pg_url)
    try:
        url_a, url_b = a.start(), b.start()
        assert url_a != url_b
        via_a = httpx.Client(base_url=f"{url_a}/api/v1", timeout=30)
        via_b = httpx.Client(base_url=f"{url_b}/api/v1", timeout=30)
        assert via_a.get("/health").json()["store"] == via_b.get("/health").json()["store"]
        assert via_a.post("/projects/team/runs", json={"id": "r1"}).status_code == 201
        latencies = []
        with events(cast(LiveServer, SimpleNamespace(url=url_b)), "team") as live_b:
            time.sleep(0.3)  # the stream is open: what follows is news to it
            # A run created through A appears on B...
            assert via_a.post("/projects/team/runs", json={"id": "r2",
                                                           "name": "second"}).status_code == 201
            created = live_b.next("run", timeout=5)
            assert created.data["id"] == "r2" and created.data["name"] == "second"
            # ...and so does every batch, pushed within a second.
            for step in range(6):
                body = {"keys": ["loss"], "key": [0], "step": [step], "value": [1.0 / (step + 1)]}
                sent = time.monotonic()
                assert via_a.post("/projects/team/runs/r1/batches", json=body).status_code == 200
                event = live_b.next("points", timeout=5)
                latencies.append(time.monotonic() - sent)
                assert event.data == {"run": "r1", "keys": ["loss"], "last_step": step}
                (loss,) = via_b.get("/projects/team/series",
                                    params={"run": "r1", "key": "loss"}).json()["series"]
                assert loss["x"] == list(range(step + 1))  # readable through B at once
            # A change of a run's visible fields through A is pushed by B.
            assert via_a.patch("/projects/team/runs/r1", json={"name": "renamed"}) \
                .status_code == 200
            assert live_b.next("run", timeout=5).data["name"] == "renamed"
        print(f"A -> B points event latency: median {statistics.median(latencies) * 1000:.0f}"
              f" ms, max {max(latencies) * 1000:.0f} ms")
        # Far below the 2 s safety-net poll: the events came through NOTIFY.
        assert statistics.median(latencies) < 1.0
        # Both list the same projects and runs.
        for client in (via_a, via_b):
            runs = client.get("/projects/team/runs", params={"sort": "created_at"}).json()
            assert [r["id"] for r in runs["runs"]] == ["r1", "r2"]
        via_a.close()
        via_b.close()
    finally:
        a.stop()
        b.stop()
