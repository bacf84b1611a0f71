"""The series query over both engines: the same envelopes from the same data, and the
envelope's promises checked example by example."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from stepscope.errors import InvalidInput
from stepscope.query import SeriesQuery, query_series
from stepscope.store.base import PointBatch, RunSpec, Store
from stepscope.store.chunks import CHUNK_POINTS

from .conftest import Backend, postgres_unreachable
from .helpers import WALL0, batch, new_run


def _fill(store: Store) -> None:
    """Three runs whose series exercise every path of the query: dense and gappy steps,
    several chunks, a tail chunk, spikes, NaN and infinities, batches of odd sizes."""
    rng = np.random.default_rng(11)
    for r, run_id in enumerate(("steady", "spiky", "short")):
        store.create_run("proj", RunSpec(id=run_id, name=run_id))
        n = (3 * CHUNK_POINTS + 777, 20_000, 300)[r]
        dense = np.arange(n, dtype=np.int64)
        gappy = np.cumsum(rng.integers(0, 4, n)).astype(np.int64)
        loss = np.exp(-dense / 5000.0) + rng.normal(0, 0.01, n)
        kl = np.abs(rng.normal(0, 0.001, n))
        if r == 1:
            kl[12_345] = 50.0  # the spike no zoom level may hide
            loss[rng.integers(0, n, 40)] = np.nan
            loss[100] = np.inf
            loss[101] = -np.inf
        cuts = np.unique(np.concatenate(([0, n], rng.integers(1, n, 6))))
        for lo, hi in zip(cuts[:-1], cuts[1:], strict=True):
            store.append_batch("proj", run_id, PointBatch(
                keys=["train/loss", "actor/kl_loss", "perf/tokens"],
                key_index=np.repeat([0, 1, 2], hi - lo),
                steps=np.concatenate((dense[lo:hi], dense[lo:hi], gappy[lo:hi])),
                values=np.concatenate((loss[lo:hi], kl[lo:hi], dense[lo:hi] * 1.5)),
                walls=np.tile(WALL0 + dense[lo:hi] * 0.25, 3)))


QUERIES = [
    SeriesQuery(["steady", "spiky", "short"], ["train/loss", "actor/kl_loss", "perf/tokens"]),
    SeriesQuery(["spiky"], ["actor/kl_loss"], buckets=7),
    SeriesQuery(["spiky"], ["actor/kl_loss"], buckets=1),
    SeriesQuery(["spiky", "steady"], ["train/loss"], x_range=(1000.4, 9876.0), buckets=300),
    SeriesQuery(["spiky"], ["train/loss"], x_range=(12_000, 12_500), buckets=1000),
    SeriesQuery(["spiky"], ["perf/tokens"], x_range=(50, 60_000), buckets=10_000),
    SeriesQuery(["steady"], ["train/loss"], x_range=(5000, 5000)),
    SeriesQuery(["steady"], ["train/loss"], x_range=(10**9, 10**10)),
    SeriesQuery(["steady", "missing"], ["train/loss", "nope"], x="wall", buckets=64),
    SeriesQuery(["spiky"], ["actor/kl_loss"], x="wall", x_range=(WALL0 + 100, WALL0 + 2000)),
    SeriesQuery(["spiky", "steady"], ["train/loss"], x="metric:perf/tokens", buckets=50),
]


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, Store]]:
    if reason := postgres_unreachable():
        pytest.skip(reason)
    sqlite = Backend("sqlite", tmp_path_factory.mktemp("query-sqlite"))
    postgres = Backend("postgres", Path("/nonexistent"))
    try:
        stores = sqlite.open(), postgres.open()
        for store in stores:
            _fill(store)
        yield stores
    finally:
        sqlite.cleanup()
        postgres.cleanup()


@pytest.mark.postgres
@pytest.mark.parametrize("query", QUERIES, ids=lambda q: f"{q.x}-{q.buckets}-{q.x_range}")
def test_both_engines_give_identical_envelopes(both: tuple[Store, Store],
                                               query: SeriesQuery) -> None:
    on_sqlite, on_postgres = (
        [e.to_dict() for e in query_series(store, "proj", query)] for store in both)
    assert on_sqlite == on_postgres
    assert on_sqlite  # every query of the list finds some series


def test_a_spike_survives_every_zoom(store: Store) -> None:
    new_run(store)
    n = 50_000
    values = np.zeros(n)
    values[31_337] = 9.0
    values[31_338] = -9.0
    store.append_batch("proj", "r1", batch({"kl": (np.arange(n), values)}))
    for buckets in (1, 3, 100, 1000):
        for x_range in (None, (0.0, 40_000.0), (31_000.0, 32_000.0), (31_337.0, 31_338.0)):
            [env] = query_series(store, "proj", SeriesQuery(["r1"], ["kl"], x_range=x_range,
                                                            buckets=buckets))
            assert np.nanmax(env.max) == 9.0 and np.nanmin(env.min) == -9.0


def test_few_points_come_back_raw(store: Store) -> None:
    new_run(store)
    store.append_batch("proj", "r1", batch({"m": ([0, 5, 5, 9], [1.0, np.nan, 3.0, 4.0])}))
    [env] = query_series(store, "proj", SeriesQuery(["r1"], ["m"], buckets=10))
    body = env.to_dict()
    assert body["raw"] is True
    assert body["x"] == [0, 5, 5, 9]
    assert body["last"] == [1.0, None, 3.0, 4.0]
    assert body["nonfinite"] == [0, 1, 0, 0]


def test_missing_series_are_left_out(store: Store) -> None:
    new_run(store)
    store.append_batch("proj", "r1", batch({"m": ([0], [1.0])}))
    assert query_series(store, "proj", SeriesQuery(["nope"], ["m"])) == []
    assert query_series(store, "other", SeriesQuery(["r1"], ["m"])) == []
    assert [e.key for e in query_series(store, "proj", SeriesQuery(["r1"], ["x", "m"]))] == [
        "m"]


@pytest.mark.parametrize("query", [
    SeriesQuery(["r1"], ["m"], buckets=0), SeriesQuery(["r1"], ["m"], buckets=10_001),
    SeriesQuery(["r1"], ["m"], x="epoch"), SeriesQuery(["r1"], ["a//b"]),
    SeriesQuery(["r1"], ["m"], x_range=(5, 1)),
    SeriesQuery(["r1"], ["m"], x_range=(0, float("inf"))),
])
def test_invalid_queries(store: Store, query: SeriesQuery) -> None:
    with pytest.raises(InvalidInput):
        query_series(store, "proj", query)


def test_relative_time_axis(store: Store) -> None:
    run, _ = store.create_run("proj", RunSpec(id="r1"))
    store.append_batch("proj", "r1", PointBatch(
        ["m"], np.zeros(3, np.int64), np.arange(3), np.array([1.0, 2.0, 3.0]),
        run.created_at + np.array([1.0, 2.0, 4.0])))
    [env] = query_series(store, "proj", SeriesQuery(["r1"], ["m"], x="relative"))
    np.testing.assert_allclose(env.x, [1.0, 2.0, 4.0], atol=1e-3)


@pytest.mark.postgres
def test_both_engines_store_identical_chunks(both: tuple[Store, Store]) -> None:
    """The codec is shared: the same appends give byte-identical chunks and stats."""
    runs, keys = ["steady", "spiky", "short"], ["train/loss", "actor/kl_loss", "perf/tokens"]
    stored = []
    for store in both:
        found = []
        for ref in store.resolve_series("proj", runs, keys):
            index = store.chunk_index(ref.series_id, None, None)
            found.append((ref.run, ref.key, ref.count, ref.first_step, ref.last_step,
                          index.counts.tolist(), index.blocks.tobytes(),
                          store.chunk_payloads(ref.series_id, index.seqs.tolist())))
        stored.append(found)
    assert len(stored[0]) == 9
    assert stored[0] == stored[1]
