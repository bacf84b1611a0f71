"""Property tests of the series query, on both engines: whatever the series and the
zoom, the envelope keeps every point inside its bucket, keeps the global extremes,
returns raw data when there is room, and a zoom is bucketed over its own range."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stepscope.query import Envelope, SeriesQuery, query_series
from stepscope.store.base import PointBatch, RunSpec, Store
from stepscope.store.chunks import BLOCK_POINTS
from stepscope.types import FloatArray, IntArray

from .helpers import WALL0, assert_same_floats

PROPERTY_SETTINGS = settings(max_examples=40, deadline=None, derandomize=True,
                             suppress_health_check=[HealthCheck.too_slow])
_run_ids = itertools.count()


@dataclass
class Case:
    steps: IntArray
    values: FloatArray
    cuts: list[int]
    dense: bool
    stride: int


@st.composite
def cases(draw: st.DrawFn) -> Case:
    n = draw(st.one_of(st.integers(1, 300), st.integers(300, 10_000)))
    seed = draw(st.integers(0, 2**32 - 1))
    dense = draw(st.booleans())
    stride = draw(st.integers(1, 3))
    bad_share = draw(st.sampled_from([0.0, 0.002, 0.2, 1.0]))
    rng = np.random.default_rng(seed)
    start = int(rng.integers(0, 1000))
    if dense:
        steps = start + stride * np.arange(n, dtype=np.int64)
    else:  # gaps, repeated steps and jumps
        steps = start + np.cumsum(rng.choice([0, 1, 1, 2, 7, 300], n)).astype(np.int64)
    values = np.cumsum(rng.normal(size=n)) + rng.normal(0, 5, n) * (rng.random(n) < 0.01)
    bad = rng.random(n) < bad_share
    values[bad] = rng.choice([np.nan, np.inf, -np.inf], int(bad.sum()))
    pieces = draw(st.integers(1, 4))
    cuts = sorted(set(rng.integers(1, n, pieces - 1).tolist())) if n > 1 else []
    return Case(steps, values, cuts, dense, stride)


def _store_case(store: Store, case: Case) -> str:
    run_id = f"p{next(_run_ids)}"
    store.create_run("prop", RunSpec(id=run_id))
    bounds = [0, *case.cuts, case.steps.shape[0]]
    for lo, hi in itertools.pairwise(bounds):
        store.append_batch("prop", run_id, PointBatch(
            ["m"], np.zeros(hi - lo, np.int64), case.steps[lo:hi], case.values[lo:hi],
            WALL0 + np.arange(lo, hi) * 0.01))
    return run_id


def _query(store: Store, run_id: str, buckets: int,
           x_range: tuple[float, float] | None = None) -> Envelope:
    [env] = query_series(store, "prop", SeriesQuery([run_id], ["m"], x_range=x_range,
                                                     buckets=buckets))
    return env


def _check_envelope(env: Envelope, steps: IntArray, values: FloatArray,
                    buckets: int) -> None:
    """The promises of an envelope over exactly these (in-range) points."""
    assert len(env) <= buckets
    assert int(env.count.sum()) == steps.shape[0]
    assert int(env.nonfinite.sum()) == int((~np.isfinite(values)).sum())
    assert (env.count >= 1).all()
    # Buckets partition the points in step order: walk them and compare.
    ends = np.cumsum(env.count)
    starts = ends - env.count
    for b, (lo, hi) in enumerate(zip(starts.tolist(), ends.tolist(), strict=True)):
        inside = values[lo:hi]
        finite = inside[np.isfinite(inside)]
        assert env.x[b] == steps[hi - 1]
        assert_same_floats(env.last[b:b + 1], values[hi - 1:hi])
        if finite.size:
            # Every raw point lies inside its bucket's [min, max], which it attains.
            assert env.min[b] == finite.min() and env.max[b] == finite.max()
            assert np.isclose(env.mean[b], finite.mean(), rtol=1e-9, atol=1e-9)
        else:
            assert np.isnan(env.min[b]) and np.isnan(env.max[b]) and np.isnan(env.mean[b])
    finite_all = values[np.isfinite(values)]
    if finite_all.size:  # the global extremes are always there
        assert np.nanmin(env.min) == finite_all.min()
        assert np.nanmax(env.max) == finite_all.max()
    if steps.shape[0] <= buckets:  # room for every point: the raw data, exactly
        assert env.raw
        np.testing.assert_array_equal(env.x, steps)
        assert_same_floats(env.last, values)


@PROPERTY_SETTINGS
@given(case=cases(), buckets=st.integers(1, 400))
def test_full_range_envelope(module_store: Store, case: Case, buckets: int) -> None:
    run_id = _store_case(module_store, case)
    _check_envelope(_query(module_store, run_id, buckets), case.steps, case.values, buckets)


@PROPERTY_SETTINGS
@given(case=cases(), buckets=st.integers(1, 400))
def test_enough_buckets_give_the_raw_series(module_store: Store, case: Case,
                                            buckets: int) -> None:
    run_id = _store_case(module_store, case)
    env = _query(module_store, run_id, max(buckets, case.steps.shape[0]))
    assert env.raw and (env.count == 1).all()
    np.testing.assert_array_equal(env.x, case.steps)
    assert_same_floats(env.last, case.values)


@PROPERTY_SETTINGS
@given(case=cases(), buckets=st.integers(1, 300), edges=st.tuples(
    st.floats(-0.1, 1.1), st.floats(-0.1, 1.1)))
def test_zoom_is_bucketed_over_its_own_range(module_store: Store, case: Case, buckets: int,
                                             edges: tuple[float, float]) -> None:
    run_id = _store_case(module_store, case)
    first, last = int(case.steps[0]), int(case.steps[-1])
    lo, hi = sorted(first + (last - first) * e for e in edges)
    env = _query(module_store, run_id, buckets, (lo, hi))
    keep = (case.steps >= lo) & (case.steps <= hi)
    steps, values = case.steps[keep], case.values[keep]
    # Only the range's points, bucketed afresh: every promise holds over them alone.
    _check_envelope(env, steps, values, buckets)
    if len(env):
        assert lo <= env.x[0] and env.x[-1] <= hi
    if case.dense and steps.shape[0]:
        # Full resolution: buckets are as many as asked (up to the points there are),
        # not the few that the zoomed-out view had over this range. Near the switch to
        # block statistics a bucket narrower than a block may stay empty.
        wanted = min(buckets, steps.shape[0])
        if steps.shape[0] <= buckets * BLOCK_POINTS:
            assert len(env) == wanted
        else:
            assert len(env) >= wanted - 2 * buckets // BLOCK_POINTS - 2
