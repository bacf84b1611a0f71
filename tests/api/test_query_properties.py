"""Properties of the series query (the envelope the dashboard draws), checked with
hypothesis over a real SQLite store, both below and above the sizes where the engine
answers from block statistics instead of raw points."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import hypothesis.strategies as st
import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings

from stepscope.query.engine import SeriesQuery, query_series
from stepscope.query.envelope import Envelope
from stepscope.store.base import PointBatch, RunSpec
from stepscope.store.sqlite import SqliteStore

PROJECT = "props"
_ids = itertools.count()
SETTINGS = settings(max_examples=40, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SqliteStore]:
    store = SqliteStore(Path(tmp_path_factory.mktemp("props")))
    yield store
    store.close()


@st.composite
def series(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    """Non-decreasing steps (gaps and repeats allowed) with values that include spikes
    and, sometimes, NaN and infinities."""
    n = draw(st.one_of(st.integers(1, 300), st.integers(3000, 20000)))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    gaps = rng.choice([0, 1, 1, 1, 2, 7], size=n) if draw(st.booleans()) else np.ones(n, int)
    steps = np.cumsum(gaps).astype(np.int64) + draw(st.integers(0, 1000))
    values = rng.normal(size=n) * draw(st.sampled_from([1e-6, 1.0, 1e6]))
    for _ in range(draw(st.integers(0, 3))):
        values[rng.integers(n)] = draw(st.sampled_from([50.0, -50.0, np.nan, np.inf, -np.inf]))
    return steps, values


def store_series(store: SqliteStore, steps: np.ndarray, values: np.ndarray) -> str:
    run_id = f"r{next(_ids)}"
    store.create_run(PROJECT, RunSpec(id=run_id))
    store.append_batch(PROJECT, run_id, PointBatch(["y"], np.zeros(steps.shape[0], np.int64),
                                                   steps, values, np.ones(steps.shape[0])))
    return run_id


def envelope(store: SqliteStore, run_id: str, buckets: int,
             x_range: tuple[float, float] | None = None) -> Envelope:
    (env,) = query_series(store, PROJECT, SeriesQuery([run_id], ["y"], "step", x_range,
                                                      buckets))
    return env


def check_envelope(env: Envelope, steps: np.ndarray, values: np.ndarray, buckets: int) -> None:
    """Buckets partition the points in step order: each point lies within its bucket's
    [min, max], and x/last/count/nonfinite describe exactly the bucket's points."""
    assert len(env) <= buckets
    assert int(env.count.sum()) == steps.shape[0] and (env.count > 0).all()
    bounds = np.concatenate(([0], np.cumsum(env.count)))
    for i in range(len(env)):
        part_steps = steps[bounds[i]:bounds[i + 1]]
        part = values[bounds[i]:bounds[i + 1]]
        finite = part[np.isfinite(part)]
        assert env.x[i] == part_steps[-1]
        assert env.last[i] == part[-1] or (np.isnan(env.last[i]) and np.isnan(part[-1]))
        assert env.nonfinite[i] == part.shape[0] - finite.shape[0]
        if finite.size:
            assert env.min[i] <= finite.min() and finite.max() <= env.max[i]
            assert env.min[i] == finite.min() and env.max[i] == finite.max()
        else:
            assert np.isnan(env.min[i]) and np.isnan(env.max[i])
    assert (np.diff(env.x) >= 0).all()


@SETTINGS
@given(data=series(), buckets=st.one_of(st.integers(1, 24), st.integers(25, 120)))
def test_points_lie_in_their_buckets_and_extremes_survive(
        store: SqliteStore, data: tuple[np.ndarray, np.ndarray], buckets: int) -> None:
    steps, values = data
    env = envelope(store, store_series(store, steps, values), buckets)
    event("answered from block statistics" if not env.raw and steps.shape[0] > 128 * buckets
          else "answered from raw points")
    check_envelope(env, steps, values, buckets)
    finite = values[np.isfinite(values)]
    if finite.size:
        assert np.nanmin(env.min) == finite.min() and np.nanmax(env.max) == finite.max()


@SETTINGS
@given(data=series(), extra=st.integers(0, 50))
def test_enough_buckets_return_the_raw_points(
        store: SqliteStore, data: tuple[np.ndarray, np.ndarray], extra: int) -> None:
    steps, values = data
    buckets = min(steps.shape[0] + extra, 10_000)
    if buckets < steps.shape[0]:
        return
    env = envelope(store, store_series(store, steps, values), buckets)
    assert env.raw
    np.testing.assert_array_equal(env.x, steps)
    np.testing.assert_array_equal(env.last, values)
    np.testing.assert_array_equal(env.count, np.ones(steps.shape[0]))


@SETTINGS
@given(data=series(), lo=st.floats(0, 1), width=st.floats(0, 1),
       buckets=st.one_of(st.integers(1, 24), st.integers(25, 120)))
def test_a_zoom_recomputes_over_its_range_only(
        store: SqliteStore, data: tuple[np.ndarray, np.ndarray], lo: float, width: float,
        buckets: int) -> None:
    steps, values = data
    first, last = int(steps[0]), int(steps[-1])
    a = first + lo * (last - first)
    b = a + width * (last - a)
    run_id = store_series(store, steps, values)
    inside = (steps >= np.ceil(a)) & (steps <= np.floor(b))
    zoomed = envelope(store, run_id, buckets, (a, b))
    event("zoom from block statistics" if not zoomed.raw and inside.sum() > 128 * buckets
          else "zoom from raw points")
    check_envelope(zoomed, steps[inside], values[inside], buckets)
    # At full resolution the zoom is exactly the raw points of the range.
    if 0 < int(inside.sum()) <= 10_000:
        full = envelope(store, run_id, 10_000, (a, b))
        assert full.raw
        np.testing.assert_array_equal(full.x, steps[inside])
        np.testing.assert_array_equal(full.last, values[inside])
