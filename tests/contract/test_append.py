"""Appending points: grouping, chunk sealing, the tail chunk, ordering, validation,
non-finite values and derived summaries."""

from __future__ import annotations

import numpy as np
import pytest

from stepscope.errors import InvalidInput, NotFound
from stepscope.store.base import PointBatch, RunPatch, Store
from stepscope.store.chunks import CHUNK_POINTS, decode_chunk
from stepscope.store.sql import SqlStore

from .conftest import Backend
from .helpers import WALL0, assert_same_floats, batch, interleaved, new_run, points


def _chunk_layout(store: Store, project: str, run_id: str, key: str) -> list[tuple[int, int]]:
    ref = store.resolve_series(project, [run_id], [key])[0]
    index = store.chunk_index(ref.series_id, None, None)
    return list(zip(index.first_steps.tolist(), index.counts.tolist(), strict=True))


def test_append_groups_points_by_key_in_append_order(store: Store) -> None:
    new_run(store)
    mixed = PointBatch(
        keys=["train/loss", "eval/acc"],
        key_index=np.array([0, 1, 0, 0, 1, 0]),
        steps=np.array([1, 1, 2, 2, 3, 3]),
        values=np.array([0.9, 0.1, 0.8, 0.7, 0.2, 0.6]),
        walls=WALL0 + np.arange(6.0),
    )
    result = store.append_batch("proj", "r1", mixed)
    assert result.cursor == 0 and not result.duplicate
    steps, values, walls = points(store, "proj", "r1", "train/loss")
    assert steps.tolist() == [1, 2, 2, 3]
    assert values.tolist() == [0.9, 0.8, 0.7, 0.6]  # equal steps keep their append order
    np.testing.assert_allclose(walls, WALL0 + np.array([0.0, 2, 3, 5]))
    steps, values, _ = points(store, "proj", "r1", "eval/acc")
    assert (steps.tolist(), values.tolist()) == ([1, 3], [0.1, 0.2])
    run = store.get_run("proj", "r1")
    assert run.last_step == 3
    assert run.summary == {"train/loss": 0.6, "eval/acc": 0.2}


def test_series_refs_follow_request_order(store: Store) -> None:
    new_run(store, run_id="a")
    new_run(store, run_id="b")
    store.append_batch("proj", "a", batch({"x": ([0, 1], [1.0, 2.0]), "y": ([0], [3.0])}))
    store.append_batch("proj", "b", batch({"y": ([5, 6, 7], [1.0, 2.0, 3.0])}))
    refs = store.resolve_series("proj", ["b", "a", "zz"], ["y", "x", "nope"])
    assert [(r.run, r.key, r.count, r.first_step, r.last_step) for r in refs] == [
        ("b", "y", 3, 5, 7), ("a", "y", 1, 0, 0), ("a", "x", 2, 0, 1)]
    assert store.resolve_series("proj", [], ["x"]) == []
    assert store.resolve_series("other", ["a"], ["x"]) == []


@pytest.mark.parametrize("pieces", [1, 3, 7, 250, 1000])
def test_chunks_seal_across_boundaries(store: Store, pieces: int) -> None:
    """However a series arrives, it is stored as full chunks plus one tail chunk, and
    reads back identical."""
    new_run(store)
    n = 2 * CHUNK_POINTS + 1234
    rng = np.random.default_rng(7)
    steps = np.arange(n, dtype=np.int64) * 2
    values = rng.normal(size=n)
    cuts = np.unique(np.concatenate(([0, n], rng.integers(1, n, pieces - 1))))
    for lo, hi in zip(cuts[:-1], cuts[1:], strict=True):
        store.append_batch("proj", "r1", batch({"m": (steps[lo:hi], values[lo:hi])}))
    got_steps, got_values, _ = points(store, "proj", "r1", "m")
    np.testing.assert_array_equal(got_steps, steps)
    assert_same_floats(got_values, values)
    assert _chunk_layout(store, "proj", "r1", "m") == [
        (0, CHUNK_POINTS), (2 * CHUNK_POINTS, CHUNK_POINTS), (4 * CHUNK_POINTS, 1234)]
    ref = store.resolve_series("proj", ["r1"], ["m"])[0]
    assert (ref.count, ref.first_step, ref.last_step) == (n, 0, 2 * (n - 1))


def test_payloads_do_not_depend_on_how_points_arrived(backend: Backend) -> None:
    """One large batch and many small ones store byte-identical chunks."""
    store = backend.open()
    new_run(store, run_id="big")
    new_run(store, run_id="small")
    n = CHUNK_POINTS + 300
    steps = np.arange(n, dtype=np.int64)
    values = np.sin(steps / 50.0)
    walls = np.full(n, WALL0)
    whole = PointBatch(["k"], np.zeros(n, np.int64), steps, values, walls)
    store.append_batch("proj", "big", whole)
    for lo in range(0, n, 97):
        hi = min(n, lo + 97)
        store.append_batch("proj", "small", PointBatch(
            ["k"], np.zeros(hi - lo, np.int64), steps[lo:hi], values[lo:hi], walls[lo:hi]))
    big, small = store.resolve_series("proj", ["big", "small"], ["k"])
    payloads = []
    for ref in (big, small):
        index = store.chunk_index(ref.series_id, None, None)
        assert index.counts.tolist() == [CHUNK_POINTS, 300]
        payloads.append(store.chunk_payloads(ref.series_id, index.seqs.tolist()))
    assert payloads[0] == payloads[1]


def test_tail_chunk_is_reused_until_it_seals(store: Store) -> None:
    new_run(store)
    for i in range(5):
        store.append_batch("proj", "r1", batch({"m": ([i], [float(i)])}))
    ref = store.resolve_series("proj", ["r1"], ["m"])[0]
    index = store.chunk_index(ref.series_id, None, None)
    assert index.seqs.tolist() == [0] and index.counts.tolist() == [5]
    # Fill the tail exactly: it seals, and the next point opens the next chunk.
    rest = np.arange(5, CHUNK_POINTS)
    store.append_batch("proj", "r1", batch({"m": (rest, rest.astype(float))}))
    index = store.chunk_index(ref.series_id, None, None)
    assert index.seqs.tolist() == [0] and index.counts.tolist() == [CHUNK_POINTS]
    store.append_batch("proj", "r1", batch({"m": ([CHUNK_POINTS], [0.0])}))
    index = store.chunk_index(ref.series_id, None, None)
    assert index.seqs.tolist() == [0, 1] and index.counts.tolist() == [CHUNK_POINTS, 1]
    steps, values, _ = points(store, "proj", "r1", "m")
    np.testing.assert_array_equal(steps, np.arange(CHUNK_POINTS + 1))


def test_two_replicas_share_the_tail_chunk(backend: Backend) -> None:
    """Two stores on the same data (two server replicas) alternate appends to one
    series; neither may trust a stale copy of the tail chunk."""
    first, second = backend.open(), backend.open()
    new_run(first)
    expected = []
    for i in range(12):
        writer = first if i % 3 else second
        steps = np.arange(i * 10, i * 10 + 10)
        values = steps * 0.5 + i
        writer.append_batch("proj", "r1", batch({"m": (steps, values)}))
        expected.append(values)
    for reader in (first, second):
        got_steps, got_values, _ = points(reader, "proj", "r1", "m")
        np.testing.assert_array_equal(got_steps, np.arange(120))
        np.testing.assert_array_equal(got_values, np.concatenate(expected))


def test_chunk_index_and_payloads_by_range(store: Store) -> None:
    new_run(store)
    n = 3 * CHUNK_POINTS
    steps = np.arange(n, dtype=np.int64)
    store.append_batch("proj", "r1", batch({"m": (steps, steps * 1.0)}))
    ref = store.resolve_series("proj", ["r1"], ["m"])[0]
    index = store.chunk_index(ref.series_id, CHUNK_POINTS + 5, CHUNK_POINTS + 6)
    assert index.first_steps.tolist() == [CHUNK_POINTS]
    assert index.last_steps.tolist() == [2 * CHUNK_POINTS - 1]
    assert index.blocks.shape[0] == index.block_chunk.shape[0] == CHUNK_POINTS // 128
    assert int(index.blocks["count"].sum()) == CHUNK_POINTS
    whole = store.chunk_index(ref.series_id, None, None)
    assert whole.seqs.shape[0] == 3
    assert store.chunk_index(ref.series_id, n + 10, None).seqs.tolist() == []
    seqs = whole.seqs.tolist()
    payloads = store.chunk_payloads(ref.series_id, [seqs[2], seqs[0]])
    assert [int(decode_chunk(p)[0][0]) for p in payloads] == [2 * CHUNK_POINTS, 0]
    assert store.chunk_payloads(ref.series_id, []) == []
    numpy_seqs = np.array([seqs[1]])
    assert store.chunk_payloads(ref.series_id, numpy_seqs) == [  # type: ignore[arg-type]
        store.chunk_payloads(ref.series_id, [seqs[1]])[0]]


def test_large_interleaved_batch_round_trips(store: Store) -> None:
    new_run(store)
    keys = [f"sec{k % 4}/metric{k}" for k in range(20)]
    steps = np.arange(3000, dtype=np.int64)
    values = np.cos(steps / 100.0)
    store.append_batch("proj", "r1", interleaved(keys, steps, values))
    for k, key in enumerate(keys):
        got_steps, got_values, _ = points(store, "proj", "r1", key)
        np.testing.assert_array_equal(got_steps, steps)
        np.testing.assert_array_equal(got_values, values + k)


def test_non_finite_values_round_trip(store: Store) -> None:
    new_run(store)
    values = np.array([1.0, np.nan, np.inf, -np.inf, -0.0, 2.5, np.nan])
    store.append_batch("proj", "r1", batch({"m": (np.arange(7), values)}))
    steps, got, _ = points(store, "proj", "r1", "m")
    assert_same_floats(got, values)
    summary = store.get_run("proj", "r1").summary
    assert summary == {"m": None}  # the last value is NaN: shown as missing
    store.append_batch("proj", "r1", batch({"m": ([7], [np.inf])}))
    assert store.get_run("proj", "r1").summary == {"m": None}
    ref = store.resolve_series("proj", ["r1"], ["m"])[0]
    index = store.chunk_index(ref.series_id, None, None)
    block = index.blocks[0]
    assert (int(block["count"]), int(block["nonfinite"])) == (8, 5)
    assert (float(block["min"]), float(block["max"])) == (-0.0, 2.5)


def test_all_non_finite_series(store: Store) -> None:
    new_run(store)
    store.update_run("proj", "r1", RunPatch(metrics={"m": {"summary": "max"}}))
    store.append_batch("proj", "r1", batch({"m": ([0, 1], [np.nan, -np.inf])}))
    assert store.get_run("proj", "r1").summary == {"m": None}
    _, got, _ = points(store, "proj", "r1", "m")
    assert_same_floats(got, np.array([np.nan, -np.inf]))


@pytest.mark.parametrize(("kind", "expected"), [
    ("last", 2.0), ("min", -1.0), ("max", 5.0), ("mean", 1.75), ("none", None),
])
def test_summary_follows_metric_definitions(store: Store, kind: str,
                                            expected: float | None) -> None:
    new_run(store)
    store.update_run("proj", "r1", RunPatch(metrics={"m": {"summary": kind}}))
    store.append_batch("proj", "r1", batch({"m": ([0, 1], [5.0, np.nan])}))
    store.append_batch("proj", "r1", batch({"m": ([2, 3, 4], [-1.0, 1.0, 2.0]),
                                            "other": ([4], [9.0])}))
    summary = store.get_run("proj", "r1").summary
    if expected is None:
        assert summary == {"other": 9.0}
    else:
        assert summary == {"m": expected, "other": 9.0}


def test_user_summary_overrides_the_derived_one(store: Store) -> None:
    new_run(store)
    store.append_batch("proj", "r1", batch({"a": ([0], [1.0]), "b": ([0], [2.0])}))
    store.update_run("proj", "r1", RunPatch(summary={"a": "best", "extra": [1, 2]}))
    store.append_batch("proj", "r1", batch({"a": ([1], [3.0]), "b": ([1], [4.0])}))
    assert store.get_run("proj", "r1").summary == {"a": "best", "b": 4.0, "extra": [1, 2]}


def test_steps_going_backwards_write_nothing(store: Store) -> None:
    new_run(store)
    store.append_batch("proj", "r1", batch({"a": ([0, 10], [1.0, 2.0]), "b": ([10], [5.0])}))
    before = store.get_run("proj", "r1")
    # "a" is fine, "b" goes back: the whole batch is refused, "a" included.
    with pytest.raises(InvalidInput) as info:
        store.append_batch("proj", "r1", batch({"a": ([11], [3.0]), "b": ([9], [6.0])}))
    assert info.value.field == "step"
    with pytest.raises(InvalidInput):
        store.append_batch("proj", "r1", batch({"a": ([12, 11], [3.0, 4.0])}))
    after = store.get_run("proj", "r1")
    assert (after.summary, after.last_step) == (before.summary, before.last_step) == (
        {"a": 2.0, "b": 5.0}, 10)
    assert points(store, "proj", "r1", "a")[0].tolist() == [0, 10]
    assert points(store, "proj", "r1", "b")[0].tolist() == [10]
    # Equal steps are allowed, and the store is still writable after the refusals.
    store.append_batch("proj", "r1", batch({"a": ([10, 11], [7.0, 8.0])}))
    steps, values, _ = points(store, "proj", "r1", "a")
    assert (steps.tolist(), values.tolist()) == ([0, 10, 10, 11], [1.0, 2.0, 7.0, 8.0])


def test_a_refused_batch_leaves_no_stale_tail(store: Store) -> None:
    """A batch refused after part of it was applied in the transaction must not leak
    into what the next batch of the same size builds on."""
    new_run(store)
    store.append_batch("proj", "r1", batch({"a": ([0, 1], [0.0, 1.0]), "z": ([5], [0.0])}))
    with pytest.raises(InvalidInput):
        store.append_batch("proj", "r1", batch({"a": ([2, 3], [99.0, 99.0]),
                                                "z": ([4], [0.0])}))
    store.append_batch("proj", "r1", batch({"a": ([2, 3], [2.0, 3.0])}))
    _, values, _ = points(store, "proj", "r1", "a")
    assert values.tolist() == [0.0, 1.0, 2.0, 3.0]


@pytest.mark.parametrize("key", ["", "a//b", "/a", "a/", " a", "a ", "a/../b", "a/./b",
                                 "tab\there", "x" * 257])
def test_invalid_keys_are_refused(store: Store, key: str) -> None:
    new_run(store)
    with pytest.raises(InvalidInput) as info:
        store.append_batch("proj", "r1", batch({"ok": ([0], [1.0]), key: ([0], [1.0])}))
    assert info.value.field == "key"
    assert store.list_keys("proj") == []


def test_unusual_but_valid_keys(store: Store) -> None:
    new_run(store)
    keys = ["eval/accuracy (top 1)", "损失/总", "a-b_c.d/e:f", "x" * 256, "it's/100%?"]
    store.append_batch("proj", "r1", batch({k: ([0], [float(i)]) for i, k in enumerate(keys)}))
    assert sorted(k.key for k in store.list_keys("proj")) == sorted(keys)
    for i, key in enumerate(keys):
        assert points(store, "proj", "r1", key)[1].tolist() == [float(i)]


@pytest.mark.parametrize("bad", [
    PointBatch(["a"], np.array([0, 0]), np.array([0, 1]), np.array([1.0]), np.array([0.0, 0])),
    PointBatch(["a"], np.array([1]), np.array([0]), np.array([1.0]), np.array([0.0])),
    PointBatch(["a"], np.array([0]), np.array([-1]), np.array([1.0]), np.array([0.0])),
    PointBatch(["a"], np.array([0]), np.array([2**53]), np.array([1.0]), np.array([0.0])),
    PointBatch(["a"], np.array([0]), np.array([0]), np.array([1.0]), np.array([np.nan])),
    PointBatch(["a", "a"], np.array([0]), np.array([0]), np.array([1.0]), np.array([0.0])),
])
def test_malformed_batches_are_refused(store: Store, bad: PointBatch) -> None:
    new_run(store)
    with pytest.raises(InvalidInput):
        store.append_batch("proj", "r1", bad)
    assert store.list_keys("proj") == []
    assert store.get_run("proj", "r1").last_step is None


def test_largest_step_is_accepted(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    new_run(store)
    # Reaching it honestly takes 9 million leaps of MAX_STEP_JUMP (test_step_jumps.py);
    # the codec's edge is what this checks.
    monkeypatch.setattr("stepscope.store.batches.MAX_STEP_JUMP", 2**53)
    store.append_batch("proj", "r1", batch({"m": ([0, 2**53 - 1], [1.0, 2.0])}))
    assert points(store, "proj", "r1", "m")[0].tolist() == [0, 2**53 - 1]
    assert store.get_run("proj", "r1").last_step == 2**53 - 1


def test_append_to_a_missing_run(store: Store) -> None:
    with pytest.raises(NotFound):
        store.append_batch("proj", "nope", batch({"m": ([0], [1.0])}))
    new_run(store)
    with pytest.raises(NotFound):
        store.append_batch("proj", "other", batch({"m": ([0], [1.0])}))


def test_empty_batch_changes_nothing(store: Store) -> None:
    new_run(store)
    result = store.append_batch("proj", "r1", PointBatch.empty())
    assert result.cursor == 0 and not result.duplicate
    assert store.get_run("proj", "r1").last_step is None


def test_append_listeners_hear_stored_batches(store: Store) -> None:
    heard: list[tuple[str, str, list[str], int]] = []
    assert isinstance(store, SqlStore)  # both engines share the listener hook
    store.add_append_listener(lambda *args: heard.append(args))
    new_run(store)
    store.append_batch("proj", "r1", batch({"a": ([3], [1.0]), "b": ([4], [1.0])}))
    with pytest.raises(InvalidInput):
        store.append_batch("proj", "r1", batch({"a": ([1], [1.0])}))
    store.append_batch("proj", "r1", PointBatch.empty())
    assert heard == [("proj", "r1", ["a", "b"], 4)]
