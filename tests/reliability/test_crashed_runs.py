"""A client killed with SIGKILL in the middle of a run: the server marks its run
``crashed`` once it has been silent for the heartbeat timeout, keeping every point the
client flushed before it died. A local writer that dies while ``stepscope serve`` shows
its directory is recovered by the server's housekeeping."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.api.conftest import ServerProcess, running_server

from stepscope.server.runner import open_store, recovery_of

_REMOTE_VICTIM = """
    import sys, time, stepscope
    run = stepscope.init(project="crash", id="victim", server=sys.argv[1], dir=sys.argv[2])
    for i in range(1_000_000):
        run.log({"x": float(i), "y": -float(i)})
        if i % 20 == 0:
            time.sleep(0.01)  # about 2,000 steps a second: killed mid-run
"""


def _run(client: httpx.Client, run_id: str) -> dict[str, Any]:
    response = client.get(f"/projects/crash/runs/{run_id}")
    if response.status_code == 404:
        return {"status": None, "last_step": None}
    body: dict[str, Any] = response.json()
    return body


def _wait(what: str, check: Any, timeout: float) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


@pytest.mark.parametrize("engine", ["sqlite", pytest.param("postgres",
                                                           marks=pytest.mark.postgres)])
def test_a_remote_client_killed_mid_run_shows_crashed_with_what_it_flushed(
        tmp_path: Path, engine: str, request: pytest.FixtureRequest) -> None:
    db = request.getfixturevalue("pg_url") if engine == "postgres" else None
    server = ServerProcess(tmp_path / "served", db=db,
                           env={"STEPSCOPE_HEARTBEAT_TIMEOUT": "1.5"})
    env = {**os.environ, "STEPSCOPE_QUIET": "1", "STEPSCOPE_FLUSH_INTERVAL": "0.2"}
    victim = None
    try:
        url = server.start()
        victim = subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(_REMOTE_VICTIM), url,
             str(tmp_path / "client")], env=env, stderr=subprocess.PIPE, text=True)
        with httpx.Client(base_url=f"{url}/api/v1", timeout=30) as client:
            seen = _wait("flushed points", lambda: (_run(client, "victim")["last_step"] or 0)
                         >= 500 and _run(client, "victim")["last_step"], 60)
            assert _run(client, "victim")["status"] == "running"  # alive, heartbeating
            victim.send_signal(signal.SIGKILL)
            assert victim.wait(10) == -signal.SIGKILL
            killed = time.monotonic()
            run = _wait("the crashed status",
                        lambda: (r := _run(client, "victim"))["status"] == "crashed" and r, 30)
            print(f"marked crashed {time.monotonic() - killed:.2f} s after the kill")
            n = run["last_step"] + 1
            assert n > seen
            series = client.get("/projects/crash/series", params={
                "run": "victim", "key": ["x", "y"], "buckets": 10000}).json()["series"]
            x, y = series
            assert x["raw"] and x["x"] == list(range(n)) and y["x"] == list(range(n))
            assert x["last"] == [float(i) for i in range(n)]
            assert y["last"] == [-float(i) for i in range(n)]
    finally:
        if victim is not None:
            if victim.poll() is None:
                victim.kill()
                victim.wait(10)
            assert victim.stderr is not None
            victim.stderr.close()
        server.stop()


def test_a_local_writer_dying_while_the_directory_is_served_is_recovered(
        tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    store = open_store(data_dir)
    code = f"""
        import os, signal, stepscope
        run = stepscope.init(project="crash", id="local", dir={str(data_dir)!r})
        for i in range(3000):
            run.log({{"x": float(i)}})
        os.kill(os.getpid(), signal.SIGKILL)
    """
    try:
        with running_server(store, data_dir, recover=recovery_of(data_dir, store),
                            recover_seconds=0.1, heartbeat_timeout=0) as live:
            env = {**os.environ, "STEPSCOPE_QUIET": "1", "STEPSCOPE_FLUSH_INTERVAL": "60"}
            result = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=env,
                                    timeout=60)
            assert result.returncode == -signal.SIGKILL
            run = _wait("the recovered run", lambda: (r := _run(live.client, "local"))[
                "status"] == "crashed" and r, 30)
            assert run["last_step"] == 2999  # everything log() returned from, from the WAL
            (x,) = live.client.get("/projects/crash/series", params={
                "run": "local", "key": "x", "buckets": 10000}).json()["series"]
            assert x["last"] == [float(i) for i in range(3000)]
    finally:
        store.close()
