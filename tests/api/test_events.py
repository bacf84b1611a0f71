"""Server-sent events: run and points events, ids, Last-Event-ID replay, keepalives, and
changes made by another process's store."""

from __future__ import annotations

import json
import queue
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import numpy as np
from tests.api.conftest import LiveServer, running_server

from stepscope.server.runner import open_store
from stepscope.store.base import PointBatch, RunPatch, RunSpec
from stepscope.store.sqlite import SqliteStore


@dataclass
class Sse:
    id: int | None
    event: str | None
    data: Any
    comment: str | None = None


class EventReader:
    def __init__(self) -> None:
        self.items: queue.Queue[Sse] = queue.Queue()

    def next(self, kind: str | None = None, timeout: float = 5.0) -> Sse:
        """The next event (of ``kind``), skipping comments and other kinds."""
        deadline = time.monotonic() + timeout
        while True:
            item = self.items.get(timeout=max(0.01, deadline - time.monotonic()))
            if item.comment is None and (kind is None or item.event == kind):
                return item

    def comment(self, timeout: float = 5.0) -> str:
        deadline = time.monotonic() + timeout
        while True:
            item = self.items.get(timeout=max(0.01, deadline - time.monotonic()))
            if item.comment is not None:
                return item.comment


@contextmanager
def events(server: LiveServer, project: str,
           headers: dict[bytes, bytes] | None = None) -> Iterator[EventReader]:
    reader = EventReader()
    client = httpx.Client(timeout=httpx.Timeout(10.0))
    ready = threading.Event()
    stop = threading.Event()

    def pump() -> None:
        with client.stream("GET", f"{server.url}/api/v1/projects/{project}/events",
                           headers=headers) as response:
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            ready.set()
            fields: dict[str, str] = {}
            try:
                for line in response.iter_lines():
                    if stop.is_set():
                        return
                    if line.startswith(":"):
                        reader.items.put(Sse(None, None, None, comment=line[1:].strip()))
                    elif line == "":
                        if "data" in fields:
                            reader.items.put(Sse(int(fields["id"]), fields.get("event"),
                                                 json.loads(fields["data"])))
                        fields = {}
                    else:
                        name, _, value = line.partition(":")
                        fields[name] = value.lstrip(" ")
            except httpx.HTTPError:
                return

    thread = threading.Thread(target=pump, daemon=True)
    thread.start()
    assert ready.wait(5), "event stream did not open"
    try:
        yield reader
    finally:
        stop.set()
        client.close()
        thread.join(5)


def test_run_and_points_events_in_id_order(server: LiveServer) -> None:
    server.create_run("p", id="first")
    with events(server, "p") as stream:
        run = server.create_run("p", id="r", name="live")
        created = stream.next("run")
        assert created.data["id"] == "r" and created.data == run
        server.post_points("p", "r", {"loss": [1.0, 0.5], "acc": [0.1]})
        points = stream.next("points")
        assert points.data == {"run": "r", "keys": ["loss", "acc"], "last_step": 1}
        assert points.id is not None and created.id is not None and points.id > created.id
        server.client.patch("/projects/p/runs/r", json={"status": "finished"})
        changed = stream.next("run")
        assert changed.data["status"] == "finished" and changed.id > points.id  # type: ignore[operator]
        # A heartbeat changes nothing a viewer sees: no event for it.
        server.client.patch("/projects/p/runs/r", json={"heartbeat_at": 5.0})
        server.client.patch("/projects/p/runs/r", json={"notes": "n"})
        assert stream.next("run").data["notes"] == "n"


def test_last_event_id_replays_what_was_missed(server: LiveServer) -> None:
    server.create_run("p", id="r")
    with events(server, "p") as stream:
        server.post_points("p", "r", {"x": [1.0]})
        first = stream.next("points")
    for step in range(1, 4):
        server.post_points("p", "r", {"x": [float(step)]}, first_step=step)
    with events(server, "p", headers={b"Last-Event-ID": str(first.id).encode()}) as stream:
        replayed = [stream.next("points").data["last_step"] for _ in range(3)]
        assert replayed == [1, 2, 3]
        server.post_points("p", "r", {"x": [4.0]}, first_step=4)
        assert stream.next("points").data["last_step"] == 4


def test_keepalive_comments(server: LiveServer) -> None:
    server.create_run("p", id="r")
    with events(server, "p") as stream:
        assert "stepscope events" in stream.comment()
        assert stream.comment(timeout=3) == "keepalive"


def test_another_process_writing_the_store_is_seen_by_the_poll(server: LiveServer) -> None:
    server.create_run("p", id="r")
    other = SqliteStore(server.data_dir)  # what a training script's own store does
    try:
        with events(server, "p") as stream:
            other.create_run("p", RunSpec(id="elsewhere", name="script"))
            seen = stream.next("run")
            assert seen.data["id"] == "elsewhere" and seen.data["name"] == "script"
            started = time.monotonic()
            other.append_batch("p", "elsewhere", PointBatch(
                ["loss"], np.zeros(3, np.int64), np.arange(3), np.ones(3), np.ones(3)))
            points = stream.next("points")
            assert points.data == {"run": "elsewhere", "keys": ["loss"], "last_step": 2}
            assert time.monotonic() - started < 2.0
            other.append_batch("p", "elsewhere", PointBatch(
                ["acc", "loss"], np.array([0, 1]), np.array([3, 3]), np.ones(2), np.ones(2)))
            moved = stream.next("points")
            assert sorted(moved.data["keys"]) == ["acc", "loss"] and moved.data["last_step"] == 3
    finally:
        other.close()


def test_events_of_unknown_or_invalid_projects(server: LiveServer) -> None:
    assert server.client.get("/projects/nope/events").status_code == 404
    assert server.client.get("/projects/.x/events").status_code == 422


def test_stopping_the_server_ends_open_streams_at_once(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    try:
        with running_server(store, tmp_path, keepalive_seconds=30) as live:
            live.create_run("p", id="r")
            client = httpx.Client(timeout=10)
            with client.stream("GET", f"{live.url}/api/v1/projects/p/events") as response:
                lines = response.iter_lines()
                assert next(lines).startswith("retry:")
                started = time.monotonic()
                live_exit = threading.Thread(target=_stop_soon, args=(live,))
                live_exit.start()
                rest = list(lines)  # ends when the server closes the stream
                live_exit.join()
            client.close()
        assert time.monotonic() - started < 0.9  # well within the 1 s grace period
        assert all(not line.startswith("event:") for line in rest)
    finally:
        store.close()


def _stop_soon(live: LiveServer) -> None:
    live.stopping()


def alert(alert_id: str, title: str = "KL too high") -> dict[str, Any]:
    return {"id": alert_id, "level": "WARN", "title": title, "text": "kl=1.2", "step": 20,
            "metric": "actor/kl_loss", "source": "user", "created_at": 1_700_000_000.0}


def test_alert_events_once_per_alert(server: LiveServer) -> None:
    server.create_run("p", id="r")
    server.client.patch("/projects/p/runs/r", json={"alerts": [alert("old")]})
    with events(server, "p") as stream:
        patched = server.client.patch("/projects/p/runs/r", json={"alerts": [alert("a1")]})
        assert patched.status_code == 200, patched.text
        got = stream.next("alert")
        assert got.data == {"project": "p", "run": "r", **alert("a1")}
        server.client.patch("/projects/p/runs/r", json={"alerts": [alert("a1"), alert("a2")]})
        assert stream.next("alert").data["id"] == "a2"  # a1 is not announced again
        bad = server.client.patch("/projects/p/runs/r", json={"alerts": [{"id": "x"}]})
        assert bad.status_code == 422


def test_alerts_stored_by_another_process_reach_the_stream(server: LiveServer) -> None:
    server.create_run("p", id="r")
    other = SqliteStore(server.data_dir)
    try:
        other.update_run("p", "r", RunPatch(alerts=[alert("before")]))
        with events(server, "p") as stream:
            other.update_run("p", "r", RunPatch(alerts=[alert("after", "NaN loss")]))
            got = stream.next("alert")
            assert got.data["id"] == "after" and got.data["title"] == "NaN loss"
    finally:
        other.close()


def test_a_foreign_last_event_id_starts_from_now(server: LiveServer) -> None:
    server.create_run("p", id="r")
    server.post_points("p", "r", {"x": [1.0]})
    for step, value in enumerate(("\u00b2", "abc", "-5"), start=1):
        with events(server, "p", headers={b"Last-Event-ID": value.encode("latin-1")}) as stream:
            server.post_points("p", "r", {"x": [2.0]}, first_step=step)
            assert stream.next("points").data["last_step"] == step  # no replay of step 0
