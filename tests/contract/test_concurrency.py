"""Several replicas (store instances over the same data) writing at the same moment.

On SQLite the replicas are two connections to one file; on PostgreSQL two pools of
connections to one schema, i.e. what two server processes would hold."""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial
from typing import TypeVar

import numpy as np

from stepscope.errors import Conflict, StepscopeError
from stepscope.store.base import AppendResult, BatchId, RunSpec, Store

from .conftest import Backend
from .helpers import batch, new_run, points

T = TypeVar("T")


def _at_once(calls: list[Callable[[], T]]) -> list[T | StepscopeError]:
    """Run the calls on threads released together; collect results or store errors."""
    barrier = threading.Barrier(len(calls))
    results: list[T | StepscopeError | None] = [None] * len(calls)

    def work(i: int) -> None:
        barrier.wait()
        try:
            results[i] = calls[i]()
        except StepscopeError as exc:
            results[i] = exc

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert all(r is not None for r in results)
    return results  # type: ignore[return-value]


def test_replicas_appending_to_one_run_take_turns(backend: Backend) -> None:
    replicas = [backend.open(), backend.open()]
    new_run(replicas[0])
    writers = 4
    rounds = 15

    def writer(w: int) -> Callable[[], int]:
        def go() -> int:
            store = replicas[w % 2]
            for r in range(rounds):
                steps = np.arange(r * 10, r * 10 + 10)
                store.append_batch("proj", "r1", batch({f"w{w}/m": (steps, steps + w * 0.1)}),
                                   BatchId(f"stream-{w}", r * 100, r * 100 + 100))
            return w
        return go

    assert _at_once([writer(w) for w in range(writers)]) == list(range(writers))
    check = replicas[1]
    run = check.get_run("proj", "r1")
    assert run.last_step == rounds * 10 - 1
    # Every writer's summary survives: no replica overwrote another's with a stale copy.
    assert run.summary == {f"w{w}/m": rounds * 10 - 1 + w * 0.1 for w in range(writers)}
    for w in range(writers):
        steps, values, _ = points(check, "proj", "r1", f"w{w}/m")
        np.testing.assert_array_equal(steps, np.arange(rounds * 10))
        np.testing.assert_allclose(values, np.arange(rounds * 10) + w * 0.1)
        assert check.ingest_cursor("proj", "r1", f"stream-{w}") == rounds * 100


def test_replicas_appending_to_one_series_never_interleave_badly(backend: Backend) -> None:
    """Replicas appending the same key: each batch lands whole, after the previous one,
    or is refused for going backwards; the stored series stays sorted and complete."""
    replicas = [backend.open(), backend.open()]
    new_run(replicas[0])
    sent: list[list[int]] = [[], [], [], []]

    def writer(w: int) -> Callable[[], int]:
        def go() -> int:
            for r in range(20):
                step = r * 4 + w
                try:
                    replicas[w % 2].append_batch("proj", "r1", batch({"m": ([step], [step])}))
                    sent[w].append(step)
                except StepscopeError:
                    pass  # went backwards behind another writer: refused, nothing stored
            return w

        return go

    _at_once([writer(w) for w in range(4)])
    steps, values, _ = points(replicas[0], "proj", "r1", "m")
    assert steps.tolist() == sorted(s for part in sent for s in part)
    np.testing.assert_array_equal(values, steps.astype(float))
    assert replicas[0].resolve_series("proj", ["r1"], ["m"])[0].count == steps.shape[0]


def test_the_same_batch_sent_twice_at_once_is_stored_once(backend: Backend) -> None:
    replicas = [backend.open(), backend.open()]
    new_run(replicas[0])
    same = batch({"m": (np.arange(50), np.arange(50.0))})
    results = _at_once([partial(s.append_batch, "proj", "r1", same, BatchId("wal", 0, 500))
                        for s in replicas * 2])
    assert all(isinstance(r, AppendResult) for r in results), results
    assert sorted(r.duplicate for r in results if isinstance(r, AppendResult)) == [
        False, True, True, True]
    assert points(replicas[1], "proj", "r1", "m")[0].tolist() == list(range(50))


def test_creating_one_run_id_at_once(backend: Backend) -> None:
    replicas = [backend.open(), backend.open()]

    def create(store: Store, resume: str) -> Callable[[], bool]:
        return lambda: store.create_run("fresh", RunSpec(id="same", resume=resume))[1]

    created = _at_once([create(s, "allow") for s in replicas * 3])
    assert sorted(created) == [False] * 5 + [True]  # type: ignore[type-var]
    outcomes = _at_once([create(s, "never") for s in replicas * 2] +
                        [lambda: replicas[0].create_run("fresh2", RunSpec(
                            id="x", resume="never"))[1]])
    assert all(isinstance(o, Conflict) for o in outcomes[:4])
    assert outcomes[4] is True


def test_creating_runs_in_a_new_project_at_once(backend: Backend) -> None:
    replicas = [backend.open(), backend.open()]
    made = _at_once([partial(replicas[i % 2].create_run, "newproj", RunSpec(id=f"r{i}"))
                     for i in range(6)])
    assert [m[1] for m in made if isinstance(m, tuple)] == [True] * 6
    projects = replicas[0].list_projects()
    assert [(p.name, p.run_count) for p in projects] == [("newproj", 6)]


def test_saving_one_workspace_version_at_once(backend: Backend) -> None:
    replicas = [backend.open(), backend.open()]
    new_run(replicas[0])
    outcomes = _at_once([partial(replicas[i % 2].put_workspace, "proj", {"by": i}, 0)
                         for i in range(6)])
    winners = [i for i, o in enumerate(outcomes) if o == 1]
    assert len(winners) == 1
    assert all(isinstance(o, Conflict) for i, o in enumerate(outcomes) if i not in winners)
    assert replicas[1].get_workspace("proj") == ({"by": winners[0]}, 1)
