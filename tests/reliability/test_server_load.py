"""Many clients logging into one server at once, through faults: every point is stored
exactly once.

(a) N client processes log concurrently through the SDK (``server=``) into one
    ``stepscope serve`` (a data directory, or PostgreSQL);
(b) the same while the server is killed with SIGKILL and restarted twice;
(c) the same while PostgreSQL terminates the server's connections every 150 ms
    (``pg_terminate_backend``): the server answers 503, clients retry, nothing is lost.

The default suite runs 4 clients x 20,000 points; ``-m slow`` runs the full 16 clients x
200,000 points. Everything stays on 127.0.0.1.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import numpy as np
import psycopg
import pytest
from tests.api.conftest import ServerProcess
from tests.contract.conftest import PG_URL

from stepscope.query.engine import read_points
from stepscope.store.base import Store
from stepscope.store.open import open_store
from stepscope.types import RunStatus

KEYS = 4
_CLIENT = """
    import sys, time, stepscope
    url, where, run_id = sys.argv[1], sys.argv[2], sys.argv[3]
    steps, pace = int(sys.argv[4]), float(sys.argv[5])
    run = stepscope.init(project="load", id=run_id, server=url, dir=where)
    print("ready", flush=True)
    sys.stdin.readline()
    names = [f"m{j}" for j in range(int(sys.argv[6]))]
    for i in range(steps):
        run.log({name: i + j * 0.25 for j, name in enumerate(names)})
        if pace and i % 200 == 199:
            time.sleep(pace)  # spread logging over a few seconds, so faults land mid-run
    run.finish()
    print("done", flush=True)
"""


@dataclass(frozen=True)
class Size:
    clients: int
    points: int
    """Per client."""
    pace: float
    """Seconds slept every 200 steps."""

    @property
    def steps(self) -> int:
        return self.points // KEYS


SMALL = Size(4, 20_000, 0.08)  # logging spans ~2 s
FULL = Size(16, 200_000, 0.02)  # ~5 s
SIZES = [pytest.param(SMALL, id="4x20k"),
         pytest.param(FULL, id="16x200k", marks=pytest.mark.slow)]
ENGINES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@contextmanager
def served(tmp_path: Path, engine: str, request: pytest.FixtureRequest,
           app_name: str | None = None) -> Iterator[tuple[ServerProcess, str]]:
    """A ``stepscope serve`` child process and the location of its store."""
    if engine == "postgres":
        location = request.getfixturevalue("pg_url")
        if app_name is not None:
            location += f"&application_name={app_name}"
        server = ServerProcess(tmp_path / "unused", db=location)
    else:
        location = str(tmp_path / "served")
        server = ServerProcess(Path(location))
    try:
        server.start()
        yield server, location
    finally:
        server.stop()


def drain(server: ServerProcess) -> None:
    """Read the server's stderr so that its warnings never fill the pipe."""
    process = server.process
    assert process is not None and process.stderr is not None
    stream = process.stderr
    threading.Thread(target=lambda: [None for _ in stream], daemon=True).start()


def log_concurrently(url: str, size: Size, where: Path,
                     meanwhile: Callable[[], None] | None = None) -> list[str]:
    """Run ``size.clients`` SDK processes against ``url``; all have created their run
    before any logs, and ``meanwhile`` runs while they log. Returns their run ids."""
    env = {**os.environ, "STEPSCOPE_QUIET": "1", "STEPSCOPE_FLUSH_INTERVAL": "0.2",
           "STEPSCOPE_FINISH_TIMEOUT": "180"}
    run_ids = [f"c{i:02d}" for i in range(size.clients)]
    clients = [subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(_CLIENT), url, str(where / run_id), run_id,
         str(size.steps), str(size.pace), str(KEYS)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, env=env) for run_id in run_ids]
    try:
        for client in clients:
            assert client.stdout is not None and client.stdin is not None
            line = client.stdout.readline()
            assert line.strip() == "ready", (line, client.stderr.read() if client.stderr
                                             else "")
        started = time.monotonic()
        for client in clients:
            assert client.stdin is not None
            client.stdin.write("go\n")
            client.stdin.flush()
        if meanwhile is not None:
            meanwhile()
        results = [client.communicate(timeout=600) for client in clients]
        print(f"{size.clients} clients x {size.points:,} points done in "
              f"{time.monotonic() - started:.1f} s")
        for client, (out, err) in zip(clients, results, strict=True):
            assert client.returncode == 0 and "done" in out, err
    finally:
        for client in clients:
            if client.poll() is None:
                client.kill()
                client.wait(10)
    return run_ids


def assert_exactly_once(location: str, run_ids: list[str], size: Size) -> None:
    store: Store = open_store(location)
    try:
        expected_steps = np.arange(size.steps)
        for run_id in run_ids:
            run = store.get_run("load", run_id)
            assert run.status is RunStatus.FINISHED, (run_id, run.status)
            assert run.last_step == size.steps - 1
            refs = store.resolve_series("load", [run_id], [f"m{j}" for j in range(KEYS)])
            assert len(refs) == KEYS
            for j, ref in enumerate(refs):
                steps, values, _ = read_points(store, ref)
                assert ref.count == size.steps, (run_id, ref.key, ref.count)
                np.testing.assert_array_equal(steps, expected_steps)
                np.testing.assert_array_equal(values, expected_steps + j * 0.25)
    finally:
        store.close()


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("engine", ENGINES)
def test_clients_at_once_store_every_point_once(tmp_path: Path, engine: str, size: Size,
                                                request: pytest.FixtureRequest) -> None:
    with served(tmp_path, engine, request) as (server, location):
        drain(server)
        run_ids = log_concurrently(server.url, size, tmp_path / "clients")
    assert_exactly_once(location, run_ids, size)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("engine", ENGINES)
def test_server_killed_twice_mid_ingest(tmp_path: Path, engine: str, size: Size,
                                        request: pytest.FixtureRequest) -> None:
    kills: list[float] = []
    with served(tmp_path, engine, request) as (server, location):
        drain(server)

        def kill_and_restart_twice() -> None:
            for _ in range(2):
                time.sleep(0.4 * size.steps * size.pace / 200)
                server.kill()
                kills.append(time.monotonic())
                time.sleep(0.3)  # clients find nobody there meanwhile
                server.start()
                drain(server)

        run_ids = log_concurrently(server.url, size, tmp_path / "clients",
                                   kill_and_restart_twice)
    assert len(kills) == 2
    assert_exactly_once(location, run_ids, size)


@pytest.mark.postgres
@pytest.mark.parametrize("size", SIZES)
def test_postgres_drops_the_servers_connections_mid_ingest(
        tmp_path: Path, size: Size, request: pytest.FixtureRequest) -> None:
    app_name = f"ss_rel_{uuid.uuid4().hex[:12]}"
    terminated = []
    with served(tmp_path, "postgres", request, app_name) as (server, location):
        drain(server)
        stop = threading.Event()

        def terminate_forever() -> None:
            with psycopg.connect(PG_URL, autocommit=True) as admin:
                while not stop.wait(0.15):
                    rows = admin.execute(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE application_name = %s", (app_name,)).fetchall()
                    terminated.append(len(rows))

        killer = threading.Thread(target=terminate_forever, daemon=True)

        def meanwhile() -> None:
            killer.start()
            time.sleep(size.steps * size.pace / 200)  # about as long as logging lasts
            stop.set()

        try:
            run_ids = log_concurrently(server.url, size, tmp_path / "clients", meanwhile)
        finally:
            stop.set()
            killer.join(10)
        print(f"{sum(terminated)} server connections terminated in {len(terminated)} rounds")
        assert sum(terminated) >= 5
        # The server recovered: it answers, writes, and listens for changes again.
        with httpx.Client(base_url=f"{server.url}/api/v1", timeout=30) as client:
            assert client.post("/projects/load/runs", json={"id": "after"}).status_code == 201
    assert_exactly_once(location, run_ids, size)
