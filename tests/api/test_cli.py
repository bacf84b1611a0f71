"""``stepscope serve`` and ``stepscope demo`` as a user runs them, and the demo data."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import numpy as np
import pytest
from tests.api.conftest import ServerProcess

from stepscope.demo import populate, rl_math, seed_replica
from stepscope.query.engine import read_points
from stepscope.server.runner import open_store
from stepscope.store.base import RunFilter

ENV = {**os.environ, "STEPSCOPE_QUIET": "1"}


@contextmanager
def command(*args: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """Run ``stepscope ARGS`` until it prints a URL; stop it with Ctrl-C afterwards."""
    proc = subprocess.Popen([sys.executable, "-m", "stepscope.cli.main", *args], text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV)
    assert proc.stdout is not None and proc.stderr is not None
    try:
        url = ""
        lines: list[str] = []
        while not url:
            line = proc.stdout.readline()
            assert line, f"exited without a URL: {lines} {proc.stderr.read()}"
            lines.append(line)
            found = re.search(r"http://\S+", line)
            url = found.group(0) if found else ""
        yield proc, url
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        proc.stdout.close()
        proc.stderr.close()


def test_serve_starts_fast_answers_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    store = open_store(tmp_path)  # an existing data directory
    store.close()
    server = ServerProcess(tmp_path)
    started = time.monotonic()
    url = server.start()
    ready = time.monotonic() - started
    print(f"stepscope serve answered after {ready:.2f} s")
    assert ready < 5  # generous: the budget (< 1 s) is measured, not asserted
    assert httpx.get(f"{url}/api/v1/projects").json() == {"projects": []}
    assert server.process is not None
    server.process.send_signal(signal.SIGINT)
    assert server.process.wait(15) == 0
    server.stop()


def test_serve_says_clearly_when_the_database_is_unreachable(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "stepscope.cli.main", "serve", "--db",
                             "postgresql://nobody:secret@127.0.0.1:1/x", "--port", "0"],
                            capture_output=True, text=True, env=ENV, timeout=60)
    assert result.returncode == 2
    assert "cannot connect to PostgreSQL" in result.stderr, result.stderr
    assert "secret" not in result.stdout


def test_serve_recovers_what_a_dead_writer_left(tmp_path: Path) -> None:
    code = f"""
        import os, signal, stepscope
        run = stepscope.init(project="dead", id="w", dir={str(tmp_path)!r})
        for i in range(3000):
            run.log({{"x": float(i)}})
        os.kill(os.getpid(), signal.SIGKILL)
    """
    subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=ENV, timeout=60)
    with command("serve", "--dir", str(tmp_path), "--port", "0") as (_, url):
        run = httpx.get(f"{url}api/v1/projects/dead/runs/w").json()
        assert run["status"] == "crashed" and run["last_step"] == 2999


def test_seed_replica_runs_red_then_blue(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    try:
        red_id, blue_id = populate.fill_seed_replica(store)
        runs, total = store.list_runs(populate.SEED_PROJECT, RunFilter(sort="created_at"))
        assert total == 2 and [r.name for r in runs] == ["red", "blue"]
        assert [r.id for r in runs] == [red_id, blue_id]
        assert runs[0].created_at < runs[1].created_at
        expected = seed_replica.replica_series()
        for run in runs:
            assert run.tags == ["replica"] and "replica" in (run.notes or "")
            assert run.status.value == "finished" and run.last_step == 30
            assert run.metrics["eval/math-eval/accuracy/mean"]["goal"] == "maximize"
            for key in seed_replica.SEED_METRICS:
                (ref,) = store.resolve_series(populate.SEED_PROJECT, [run.id], [key])
                steps, values, _ = read_points(store, ref)
                np.testing.assert_array_equal(steps, np.arange(31))
                np.testing.assert_array_equal(values, expected[run.name][key][1])
    finally:
        store.close()


def test_rl_example_is_logged_through_the_sdk(tmp_path: Path) -> None:
    populate.fill_rl_example(tmp_path)
    store = open_store(tmp_path)
    try:
        runs, _ = store.list_runs(populate.RL_PROJECT, RunFilter(sort="created_at"))
        assert [r.name for r in runs] == list(rl_math.CONFIGS)
        for run in runs:
            assert run.status.value == "finished"
            assert run.last_step == rl_math.CONFIGS[run.name].steps - 1
            assert run.config["lr"] == rl_math.CONFIGS[run.name].lr
        keys = [k.key for k in store.list_keys(populate.RL_PROJECT)]
        assert set(seed_replica.SEED_METRICS) <= set(keys)
    finally:
        store.close()


def test_demo_serves_both_projects_and_prints_the_workspace_url(tmp_path: Path) -> None:
    with command("demo", "--port", "0", "--dir", str(tmp_path / "demo")) as (_, url):
        assert url.endswith("/p/seed-replica")
        base = url.rsplit("/p/", 1)[0]
        names = {p["name"] for p in httpx.get(f"{base}/api/v1/projects").json()["projects"]}
        assert names == {"seed-replica", "rl-example"}
        assert httpx.get(url).status_code == 200
    # A kept directory is reused as it is on the next start.
    with command("demo", "--port", "0", "--dir", str(tmp_path / "demo")) as (_, url):
        base = url.rsplit("/p/", 1)[0]
        runs = httpx.get(f"{base}/api/v1/projects/seed-replica/runs").json()
        assert runs["total"] == 2


def test_demo_live_grows_the_rl_runs(tmp_path: Path) -> None:
    with command("demo", "--port", "0", "--live", "--rate", "100") as (proc, url):
        base = url.rsplit("/p/", 1)[0]
        deadline = time.monotonic() + 30
        steps: list[int] = []
        while time.monotonic() < deadline:
            runs = httpx.get(f"{base}/api/v1/projects/rl-example/runs")
            if runs.status_code == 200:
                steps = [r["last_step"] or 0 for r in runs.json()["runs"]]
                if len(steps) == 2 and min(steps) > 20:
                    break
            time.sleep(0.1)
        assert len(steps) == 2 and min(steps) > 20, steps
        assert proc.poll() is None


@pytest.mark.parametrize("argv", [["serve", "--help"], ["demo", "--help"]])
def test_help(argv: list[str]) -> None:
    result = subprocess.run([sys.executable, "-m", "stepscope.cli.main", *argv],
                            capture_output=True, text=True, env=ENV, timeout=60)
    assert result.returncode == 0 and "--port" in result.stdout
