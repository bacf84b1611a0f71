"""Runs whose client went silent: `crash_stale_runs`, heartbeats and batches as signs of
life, and several replicas looking for stale runs at once."""

from __future__ import annotations

import threading
import time

from stepscope.store.base import RunPatch, RunRecord, RunSpec, Store
from stepscope.types import RunStatus

from .conftest import Backend
from .helpers import batch


def _silent_since(store: Store, run_id: str, when: float) -> None:
    store.update_run("p", run_id, RunPatch(heartbeat_at=when))


def test_only_running_runs_past_the_timeout_are_marked_crashed(store: Store) -> None:
    now = time.time()
    for run_id in ("stale", "fresh", "done"):
        store.create_run("p", RunSpec(id=run_id))
    _silent_since(store, "stale", now - 120)
    _silent_since(store, "done", now - 120)
    store.update_run("p", "done", RunPatch(status=RunStatus.FINISHED))
    crashed = store.crash_stale_runs(now - 60)
    assert [(r.project, r.id, r.status) for r in crashed] == [
        ("p", "stale", RunStatus.CRASHED)]
    assert store.get_run("p", "stale").status is RunStatus.CRASHED
    assert store.get_run("p", "fresh").status is RunStatus.RUNNING
    assert store.get_run("p", "done").status is RunStatus.FINISHED
    assert store.crash_stale_runs(now - 60) == []  # already crashed: reported once


def test_a_heartbeat_brings_a_crashed_run_back(store: Store) -> None:
    store.create_run("p", RunSpec(id="r"))
    _silent_since(store, "r", time.time() - 120)
    store.crash_stale_runs(time.time() - 60)
    store.update_run("p", "r", RunPatch(heartbeat_at=time.time()))
    assert store.get_run("p", "r").status is RunStatus.RUNNING
    # An explicit status wins over the heartbeat that comes with it.
    store.update_run("p", "r", RunPatch(heartbeat_at=time.time(), status=RunStatus.FAILED))
    assert store.get_run("p", "r").status is RunStatus.FAILED
    store.update_run("p", "r", RunPatch(heartbeat_at=time.time()))
    assert store.get_run("p", "r").status is RunStatus.FAILED  # only crashed comes back


def test_a_stored_batch_is_a_sign_of_life(store: Store) -> None:
    store.create_run("p", RunSpec(id="r"))
    _silent_since(store, "r", time.time() - 120)
    store.crash_stale_runs(time.time() - 60)
    before = time.time()
    store.append_batch("p", "r", batch({"x": ([0, 1], [1.0, 2.0])}))
    run = store.get_run("p", "r")
    assert run.status is RunStatus.RUNNING
    assert run.heartbeat_at is not None and run.heartbeat_at >= before
    assert store.crash_stale_runs(time.time() - 60) == []


def test_replicas_looking_at_once_report_each_run_once(backend: Backend) -> None:
    first = backend.open()
    for i in range(20):
        first.create_run("p", RunSpec(id=f"r{i}"))
        _silent_since(first, f"r{i}", time.time() - 120)
    replicas = [first, backend.open(), backend.open()]
    barrier = threading.Barrier(len(replicas))
    found: list[list[RunRecord]] = [[] for _ in replicas]

    def look(i: int) -> None:
        barrier.wait()
        found[i] = replicas[i].crash_stale_runs(time.time() - 60)

    threads = [threading.Thread(target=look, args=(i,)) for i in range(len(replicas))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    reported = sorted(r.id for f in found for r in f)
    assert reported == sorted(f"r{i}" for i in range(20))
