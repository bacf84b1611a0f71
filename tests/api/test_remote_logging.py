"""Remote logging: ``stepscope.init(server=...)`` ships the write-ahead log to a server;
nothing is lost or doubled when the server goes away, comes back, or stores a batch
whose answer never reaches the client."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import httpx
import numpy as np
import pytest
from tests.api.conftest import LiveServer, ServerProcess, running_server

import stepscope
from stepscope.errors import StoreUnavailable
from stepscope.query.engine import read_points
from stepscope.sdk.folding import fold_available
from stepscope.sdk.sinks.http import HttpSink
from stepscope.sdk.wal import WalReader, WalWriter
from stepscope.server.runner import open_store
from stepscope.store.base import BatchId, PointBatch, RunPatch, RunSpec, Store
from stepscope.types import RunStatus


def series(store: Store, project: str, run_id: str, key: str) -> tuple[np.ndarray, np.ndarray]:
    (ref,) = store.resolve_series(project, [run_id], [key])
    steps, values, _ = read_points(store, ref)
    return steps, values


def test_init_with_server_logs_over_http(server: LiveServer, tmp_path: Path) -> None:
    client_dir = tmp_path / "client"
    run = stepscope.init(project="remote", name="r", dir=client_dir, server=server.url,
                         config={"lr": 0.1}, tags=["t"])
    assert isinstance(run, stepscope.Run)
    run.define_metric("loss", goal="minimize", summary="min")
    for step in range(5000):
        run.log({"loss": 1.0 / (step + 1), "acc": step / 5000})
    run.config["batch"] = 32
    run.summary["note"] = 1.5
    run.finish(quiet=True)
    record = server.store.get_run("remote", run.id)
    assert record.status.value == "finished" and record.last_step == 4999
    assert record.config == {"lr": 0.1, "batch": 32} and record.tags == ["t"]
    assert record.metrics["loss"] == {"goal": "minimize", "summary": "min"}
    assert record.summary["note"] == 1.5 and record.summary["loss"] == 1.0 / 5000
    steps, values = series(server.store, "remote", run.id, "loss")
    np.testing.assert_array_equal(steps, np.arange(5000))
    np.testing.assert_array_equal(values, 1.0 / (np.arange(5000) + 1))
    assert not (client_dir / "stepscope.db").exists()  # the client keeps only its WAL
    assert not list(client_dir.glob("wal/*/*/*.wal"))


def test_the_environment_variable_selects_the_server(server: LiveServer, tmp_path: Path) -> None:
    code = f"""
        import stepscope
        run = stepscope.init(project="env", id="e1", dir={str(tmp_path / 'c')!r})
        for i in range(100):
            run.log({{"x": i}})
        run.finish()
    """
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], text=True,
                            capture_output=True, timeout=60,
                            env={**os.environ, "STEPSCOPE_SERVER": server.url,
                                 "STEPSCOPE_QUIET": "1"})
    assert result.returncode == 0, result.stderr
    steps, _ = series(server.store, "env", "e1", "x")
    np.testing.assert_array_equal(steps, np.arange(100))


def test_an_unreachable_server_at_init_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreUnavailable, match="cannot reach"):
        stepscope.init(project="p", dir=tmp_path, server="http://127.0.0.1:9")


def test_a_gap_resumes_from_the_servers_cursor(server: LiveServer, tmp_path: Path) -> None:
    """The server stored a batch but its answer was lost: the client, still at the old
    position, reads a longer batch; the server answers 409 with its cursor and the
    folder continues from there. Small segments make the log rotate meanwhile."""
    server.store.create_run("p", RunSpec(id="g"))
    segment_bytes = 16 << 10
    writer = WalWriter(tmp_path, {"project": "p", "run_id": "g",
                                  "segment_bytes": segment_bytes}, "stream1", segment_bytes)
    keys = (writer.add_key("a"), writer.add_key("b"))
    packer = writer.points_struct(2)

    def write(lo: int, hi: int) -> None:
        for step in range(lo, hi):
            writer.add_points(packer, (step, 1.0, *keys, float(step), -float(step)))

    sink = HttpSink(server.url, finish_timeout=0)
    try:
        write(0, 1000)
        first = WalReader(tmp_path, "stream1", segment_bytes).read(0)
        sink.send("p", "g", first.batch, BatchId("stream1", 0, first.end), None)  # answer "lost"
        write(1000, 3000)
        position = fold_available(WalReader(tmp_path, "stream1", segment_bytes), sink, "p", "g",
                                  0)
        assert position == writer.position
        assert sink.cursor("p", "g", "stream1") == writer.position
    finally:
        sink.close()
        writer.close()
    steps, values = series(server.store, "p", "g", "b")
    np.testing.assert_array_equal(steps, np.arange(3000))
    np.testing.assert_array_equal(values, -np.arange(3000.0))


def test_a_server_down_at_finish_leaves_the_log_for_recovery(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]
                                                            ) -> None:
    monkeypatch.setenv("STEPSCOPE_FINISH_TIMEOUT", "0.5")
    monkeypatch.setenv("STEPSCOPE_FLUSH_INTERVAL", "30")  # nothing leaves before finish
    client_dir, data_dir = tmp_path / "client", tmp_path / "server"
    store = open_store(data_dir)
    try:
        with running_server(store, data_dir) as first:
            run = stepscope.init(project="p", id="down", dir=client_dir, server=first.url)
            for step in range(2000):
                run.log({"x": float(step)})
        run.finish()
        err = capsys.readouterr().err
        assert "waiting to store run down's remaining data" in err
        assert "could not store all its data" in err
        assert list(client_dir.glob("wal/p/down/*.wal"))
        assert not store.resolve_series("p", ["down"], ["x"])
        with running_server(store, data_dir) as second:
            # The next init with this directory recovers the dead run's log.
            other = stepscope.init(project="p", id="next", dir=client_dir, server=second.url)
            other.finish(quiet=True)
        steps, _ = series(store, "p", "down", "x")
        np.testing.assert_array_equal(steps, np.arange(2000))
        assert store.get_run("p", "down").status.value == "crashed"
        assert not list(client_dir.glob("wal/p/down/*.wal"))
    finally:
        store.close()


def test_server_killed_and_restarted_mid_run_loses_and_doubles_nothing(
        server_process: ServerProcess, tmp_path: Path) -> None:
    url = server_process.start()
    steps, keys = 20_000, 3
    code = f"""
        import time, stepscope
        run = stepscope.init(project="kill", id="victim", dir={str(tmp_path / 'client')!r},
                             server={url!r})
        for step in range({steps}):
            run.log({{f"k{{i}}": step * 10 + i for i in range({keys})}})
            if step % 100 == 0:
                time.sleep(0.02)
        run.finish()
    """
    child = subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], text=True,
                             stderr=subprocess.PIPE,
                             env={**os.environ, "STEPSCOPE_QUIET": "1",
                                  "STEPSCOPE_FLUSH_INTERVAL": "0.1"})
    try:
        _wait_for_points(url, "kill", "victim", deadline=time.monotonic() + 20)
        server_process.kill()  # SIGKILL, mid-ingest
        time.sleep(1.0)
        server_process.start()
        _, stderr = child.communicate(timeout=90)
        assert child.returncode == 0, stderr
    finally:
        if child.poll() is None:
            child.send_signal(signal.SIGKILL)
            child.communicate()
    server_process.stop()
    store = open_store(server_process.data_dir)
    try:
        assert store.get_run("kill", "victim").status.value == "finished"
        for i in range(keys):
            got_steps, got_values = series(store, "kill", "victim", f"k{i}")
            np.testing.assert_array_equal(got_steps, np.arange(steps))
            np.testing.assert_array_equal(got_values, np.arange(steps) * 10.0 + i)
    finally:
        store.close()


def _wait_for_points(url: str, project: str, run_id: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            run = httpx.get(f"{url}/api/v1/projects/{project}/runs/{run_id}", timeout=2)
            if run.status_code == 200 and (run.json()["last_step"] or 0) > 1000:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.02)
    raise AssertionError("no points reached the server")


def test_alerts_raised_remotely_are_stored_once(server: LiveServer, tmp_path: Path) -> None:
    run = stepscope.init(project="alerts", id="a", dir=tmp_path / "c", server=server.url)
    assert isinstance(run, stepscope.Run)
    run.log({"loss": 1.0})
    run.alert("Loss plateau", "no progress", level="WARN")
    run.finish(quiet=True)
    stored = server.store.list_alerts("alerts", "a")
    assert [(a.title, a.level, a.text) for _, a in stored] == [("Loss plateau", "WARN",
                                                               "no progress")]


def test_the_final_status_waits_for_a_restarting_server(server_process: ServerProcess) -> None:
    store = open_store(server_process.data_dir)
    store.create_run("p", RunSpec(id="late"))
    store.close()
    free = socket.socket()
    free.bind(("127.0.0.1", 0))
    server_process.port = free.getsockname()[1]
    free.close()
    sink = HttpSink(f"http://127.0.0.1:{server_process.port}", finish_timeout=20)
    starter = threading.Timer(1.0, server_process.start)
    starter.start()
    try:
        sink.send("p", "late", PointBatch.empty(), None, RunPatch(status=RunStatus.FINISHED))
        assert sink.get_run("p", "late").status == RunStatus.FINISHED
    finally:
        starter.join()
        sink.close()
