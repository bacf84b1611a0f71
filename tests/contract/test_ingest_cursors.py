"""Idempotent ingest: a batch named by (stream, [start, end)) is stored at most once."""

from __future__ import annotations

import numpy as np
import pytest

from stepscope.errors import Conflict, InvalidInput, NotFound
from stepscope.store.base import BatchId, PointBatch, Store

from .helpers import batch, new_run, points


def _steps(store: Store) -> list[int]:
    return [int(s) for s in points(store, "proj", "r1", "m")[0]]


def test_cursor_starts_at_zero_and_follows_batches(store: Store) -> None:
    new_run(store)
    assert store.ingest_cursor("proj", "r1", "wal-0") == 0
    result = store.append_batch("proj", "r1", batch({"m": ([0, 1], [1.0, 2.0])}),
                                BatchId("wal-0", 0, 120))
    assert (result.cursor, result.duplicate) == (120, False)
    result = store.append_batch("proj", "r1", batch({"m": ([2], [3.0])}),
                                BatchId("wal-0", 120, 180))
    assert (result.cursor, result.duplicate) == (180, False)
    assert store.ingest_cursor("proj", "r1", "wal-0") == 180
    assert store.ingest_cursor("proj", "r1", "other") == 0
    assert _steps(store) == [0, 1, 2]


def test_a_retried_batch_is_a_duplicate_and_writes_nothing(store: Store) -> None:
    new_run(store)
    first = batch({"m": ([0, 1], [1.0, 2.0])})
    store.append_batch("proj", "r1", first, BatchId("s", 0, 100))
    store.append_batch("proj", "r1", batch({"m": ([2], [3.0])}), BatchId("s", 100, 150))
    for retry in (BatchId("s", 0, 100), BatchId("s", 100, 150), BatchId("s", 50, 150)):
        result = store.append_batch("proj", "r1", first, retry)
        assert (result.cursor, result.duplicate) == (150, True)
    assert _steps(store) == [0, 1, 2]
    assert store.get_run("proj", "r1").summary == {"m": 3.0}


@pytest.mark.parametrize("bad", [BatchId("s", 101, 200), BatchId("s", 99, 200),
                                 BatchId("s", 0, 200)])
def test_a_gap_or_overlap_is_a_conflict_carrying_the_cursor(store: Store, bad: BatchId) -> None:
    new_run(store)
    store.append_batch("proj", "r1", batch({"m": ([0], [1.0])}), BatchId("s", 0, 100))
    with pytest.raises(Conflict) as info:
        store.append_batch("proj", "r1", batch({"m": ([5], [9.0])}), bad)
    assert info.value.cursor == 100 and info.value.status == 409
    assert info.value.to_dict()["cursor"] == 100
    assert _steps(store) == [0]
    assert store.ingest_cursor("proj", "r1", "s") == 100


def test_a_new_stream_must_start_at_zero(store: Store) -> None:
    new_run(store)
    with pytest.raises(Conflict) as info:
        store.append_batch("proj", "r1", batch({"m": ([0], [1.0])}), BatchId("s", 10, 20))
    assert info.value.cursor == 0
    assert _steps(store) == []


def test_streams_are_independent_and_per_run(store: Store) -> None:
    new_run(store)
    new_run(store, run_id="r2")
    store.append_batch("proj", "r1", batch({"m": ([0], [1.0])}), BatchId("a", 0, 10))
    store.append_batch("proj", "r1", batch({"m": ([1], [1.0])}), BatchId("b", 0, 30))
    store.append_batch("proj", "r2", batch({"m": ([0], [1.0])}), BatchId("a", 0, 5))
    assert [store.ingest_cursor("proj", "r1", s) for s in ("a", "b")] == [10, 30]
    assert store.ingest_cursor("proj", "r2", "a") == 5


def test_an_empty_batch_still_advances_the_cursor(store: Store) -> None:
    new_run(store)
    result = store.append_batch("proj", "r1", PointBatch.empty(), BatchId("s", 0, 64))
    assert (result.cursor, result.duplicate) == (64, False)
    assert store.ingest_cursor("proj", "r1", "s") == 64


def test_a_refused_batch_leaves_the_cursor(store: Store) -> None:
    new_run(store)
    store.append_batch("proj", "r1", batch({"m": ([5], [1.0])}), BatchId("s", 0, 10))
    with pytest.raises(InvalidInput):
        store.append_batch("proj", "r1", batch({"m": ([4], [1.0])}), BatchId("s", 10, 20))
    assert store.ingest_cursor("proj", "r1", "s") == 10
    store.append_batch("proj", "r1", batch({"m": ([6], [1.0])}), BatchId("s", 10, 20))
    assert store.ingest_cursor("proj", "r1", "s") == 20
    assert _steps(store) == [5, 6]


@pytest.mark.parametrize("bad", [BatchId("s", -1, 10), BatchId("s", 10, 5)])
def test_malformed_batch_ranges(store: Store, bad: BatchId) -> None:
    new_run(store)
    with pytest.raises(InvalidInput):
        store.append_batch("proj", "r1", batch({"m": ([0], [1.0])}), bad)
    assert _steps(store) == []


def test_cursor_of_a_missing_run(store: Store) -> None:
    with pytest.raises(NotFound):
        store.ingest_cursor("proj", "nope", "s")


def test_replaying_a_whole_stream_stores_each_point_once(store: Store) -> None:
    """A writer that crashed and replays its stream from the start doubles nothing."""
    new_run(store)
    rng = np.random.default_rng(3)
    sizes = rng.integers(1, 40, 30)
    offsets = np.concatenate(([0], np.cumsum(sizes * 16)))
    step = 0
    batches = []
    for i, size in enumerate(sizes):
        steps = np.arange(step, step + size)
        step += int(size)
        batches.append((batch({"m": (steps, steps * 0.5)}),
                        BatchId("wal", int(offsets[i]), int(offsets[i + 1]))))
    for pair in batches[:20]:
        store.append_batch("proj", "r1", *pair)
    for pair in batches:  # the replay
        store.append_batch("proj", "r1", *pair)
    assert _steps(store) == list(range(step))
    assert store.ingest_cursor("proj", "r1", "wal") == int(offsets[-1])
