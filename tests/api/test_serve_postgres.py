"""``stepscope serve --db postgresql://...``: the server over the shared engine, as a
user starts it (a child process), on a fresh schema of its own."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from tests.api.conftest import ServerProcess

pytestmark = pytest.mark.postgres


def test_serve_db_ingests_over_http_and_reads_back(tmp_path: Path, pg_url: str) -> None:
    server = ServerProcess(tmp_path / "unused", db=pg_url)
    try:
        url = server.start()
        assert not (tmp_path / "unused").exists()  # nothing is written to a directory
        with httpx.Client(base_url=f"{url}/api/v1", timeout=30) as client:
            created = client.post("/projects/team/runs", json={"id": "r1", "name": "first"})
            assert created.status_code == 201, created.text
            body = {"stream": "s1", "start": 0, "end": 30, "keys": ["loss", "acc"],
                    "key": [0, 1] * 15, "step": [s for s in range(15) for _ in (0, 1)],
                    "value": [float(i) for i in range(30)]}
            stored = client.post("/projects/team/runs/r1/batches", json=body)
            assert stored.json() == {"cursor": 30, "duplicate": False}
            again = client.post("/projects/team/runs/r1/batches", json=body)
            assert again.json() == {"cursor": 30, "duplicate": True}
            query = client.post("/projects/team/series/query",
                                json={"runs": ["r1"], "keys": ["loss", "acc"]}).json()
            loss, acc = query["series"]
            assert loss["x"] == list(range(15)) and acc["x"] == list(range(15))
            assert loss["last"] == [float(i) for i in range(0, 30, 2)]
            assert acc["last"] == [float(i) for i in range(1, 30, 2)]
            assert client.get("/projects").json()["projects"][0]["name"] == "team"
            run = client.get("/projects/team/runs/r1").json()
            assert run["last_step"] == 14 and run["summary"] == {"loss": 28.0, "acc": 29.0}
    finally:
        server.stop()
    # A second start over the same schema sees everything (nothing lived in the process).
    second = ServerProcess(tmp_path / "unused", db=pg_url)
    try:
        url = second.start()
        run = httpx.get(f"{url}/api/v1/projects/team/runs/r1", timeout=30).json()
        assert run["last_step"] == 14
    finally:
        second.stop()
