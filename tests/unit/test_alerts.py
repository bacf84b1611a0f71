"""stepscope.alert and the automatic watchers: shown, stored once, never lost."""

from __future__ import annotations

import json
import signal
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from tests.conftest import run_child

import stepscope
from stepscope.sdk.alerts import Watch, Watchers
from stepscope.store.base import PointBatch


def _alerts(data_dir: Path, project: str) -> list[dict[str, Any]]:
    api = stepscope.Api(data_dir)
    return [a.to_dict() for _, a in api.store.list_alerts(project)]


def test_user_alert_is_shown_and_stored(data_dir: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    run = stepscope.init(project="al", name="r", dir=data_dir)
    run.log({"loss": 1.0})
    assert stepscope.alert("Loss plateau", "no progress in 1k steps", level="warn")
    assert not run.alert("Loss plateau", "again", wait_duration=timedelta(minutes=5))
    assert run.alert("Other", wait_duration=60)
    run.finish(quiet=True)
    assert "alert [WARN] r at step 1: Loss plateau — no progress in 1k steps" in (
        capsys.readouterr().err)
    stored = _alerts(data_dir, "al")
    assert [(a["title"], a["level"], a["step"], a["source"]) for a in stored] == [
        ("Loss plateau", "WARN", 1, "user"), ("Other", "INFO", 1, "user")]


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"title": ""}, "title"), ({"title": "x" * 257}, "title"),
    ({"title": "t", "level": "fatal"}, "level must be one of"),
    ({"title": "t", "text": "x" * 5000}, "text")])
def test_bad_alerts_raise_and_store_nothing(data_dir: Path, kwargs: dict[str, Any],
                                            match: str) -> None:
    run = stepscope.init(project="bad", dir=data_dir)
    with pytest.raises(ValueError, match=match):
        run.alert(**kwargs)
    run.finish(quiet=True)
    assert _alerts(data_dir, "bad") == []


def test_an_alert_survives_sigkill(data_dir: Path) -> None:
    result = run_child(f"""
        import os, signal, stepscope
        run = stepscope.init(project="kill", dir={str(data_dir)!r})
        run.alert("diverging", "kl above 10", level="ERROR")
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    assert result.returncode == -signal.SIGKILL
    (alert,) = _alerts(data_dir, "kill")
    assert (alert["title"], alert["level"]) == ("diverging", "ERROR")
    _alerts(data_dir, "kill")  # opening again recovers nothing twice
    assert len(_alerts(data_dir, "kill")) == 1


def _batch(key: str, steps: np.ndarray, values: np.ndarray) -> PointBatch:
    return PointBatch([key], np.zeros(len(steps), np.int64), steps, values,
                      np.zeros(len(steps)))


def test_watchers_find_a_kl_spike_once_and_not_noise() -> None:
    rng = np.random.default_rng(3)
    watchers = Watchers(Watch())
    values = 0.5 + 0.02 * rng.standard_normal(400)
    values[250] = 1.4
    found = []
    for start in range(0, 400, 50):
        steps = np.arange(start, start + 50)
        found += watchers.observe(_batch("actor/kl_loss", steps, values[steps]), start + 50)
        watchers.acknowledge()
    assert [(a["metric"], a["step"], a["level"]) for a in found] == [
        ("actor/kl_loss", 250, "WARN")]
    assert "spiked to 1.4" in found[0]["title"]


def test_watchers_nan_loss_and_stall() -> None:
    watchers = Watchers(Watch(stall_points=30))
    values = np.linspace(2.0, 1.0, 100)
    values[60:] = 1.25
    values[95] = np.nan
    found = watchers.observe(_batch("train/loss", np.arange(100), values), 1)
    assert {(a["level"], a["step"]) for a in found} == {("ERROR", 95), ("WARN", 89)}
    assert watchers.observe(PointBatch.empty(), 1) == found  # pending until acknowledged
    watchers.acknowledge()
    assert watchers.observe(_batch("train/loss", np.arange(100, 110), np.full(10, np.nan)),
                            2) == []  # NaN is reported once per key


def test_automatic_alerts_reach_store_console_and_webhook(
        data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    received: list[dict[str, Any]] = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        run = stepscope.init(project="auto", name="a", dir=data_dir, alerts=True,
                             alert_webhook=f"http://127.0.0.1:{server.server_port}/hook")
        for step in range(100):
            run.log({"actor/kl_loss": 0.5 + 0.01 * (step % 3), "loss": 1.0 / (step + 1)})
        run.log({"actor/kl_loss": 3.0, "loss": float("nan")})
        run.finish(quiet=True)
    finally:
        server.shutdown()
        server.server_close()
    stored = {(a["metric"], a["level"], a["step"]) for a in _alerts(data_dir, "auto")}
    assert stored == {("actor/kl_loss", "WARN", 100), ("loss", "ERROR", 100)}
    assert "alert [ERROR] a at step 100: loss is nan" in capsys.readouterr().err
    assert {(r["run_name"], r["alert"]["metric"]) for r in received} == {
        ("a", "actor/kl_loss"), ("a", "loss")}


def test_webhook_failure_is_reported_once_and_training_goes_on(
        data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = stepscope.init(project="hook", dir=data_dir, alert_webhook="http://127.0.0.1:9/x")
    run.alert("one")
    run.alert("two")
    run.log({"a": 1.0})
    run.finish(quiet=True)
    assert capsys.readouterr().err.count("could not post alerts to the webhook") == 1
    assert len(_alerts(data_dir, "hook")) == 2
