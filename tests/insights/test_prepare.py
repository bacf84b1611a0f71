"""Bucketing, non-finite handling and noise estimates."""

from __future__ import annotations

import numpy as np
import pytest

from stepscope.insights.prepare import MAX_BUCKETS, prepare, sliced

from .helpers import series


def test_short_series_is_its_own_envelope() -> None:
    p = prepare(series([1.0, 2.0, 3.0]))
    assert p.bucket == 1 and p.m == 3
    assert p.mean.tolist() == p.lo.tolist() == p.hi.tolist() == [1.0, 2.0, 3.0]


def test_long_series_is_bucketed_and_keeps_a_single_point_spike() -> None:
    n = 100_003
    values = np.zeros(n)
    values[54_321] = 9.0
    values[7] = -4.0
    p = prepare(series(values, steps=np.arange(n) * 2))
    assert p.m <= MAX_BUCKETS
    assert float(p.hi.max()) == 9.0 and int(p.hi_step[p.hi.argmax()]) == 54_321 * 2
    assert float(p.lo.min()) == -4.0 and int(p.lo_step[p.lo.argmin()]) == 14
    assert int(p.first_step[0]) == 0 and int(p.last_step[-1]) == (n - 1) * 2
    counts = np.diff(np.append(np.searchsorted(np.arange(n) * 2, p.first_step), n))
    assert counts.min() >= p.bucket  # the remainder joins the last bucket


def test_bucket_means_are_exact() -> None:
    values = np.arange(3_000, dtype=np.float64)
    p = prepare(series(values))
    assert p.bucket == 3
    assert p.mean[:2].tolist() == [1.0, 4.0]
    assert float(p.mean[-1]) == pytest.approx(np.mean(values[(p.m - 1) * 3 :]))


def test_non_finite_values_are_dropped_and_counted() -> None:
    p = prepare(series([1.0, np.nan, 2.0, np.inf, -np.inf, 3.0]))
    assert (p.n_nan, p.n_inf, p.n_points, p.m) == (1, 2, 6, 3)
    assert p.first_step.tolist() == [0, 2, 5]


def test_all_nan_gives_an_empty_prepared_series() -> None:
    p = prepare(series([np.nan, np.nan]))
    assert p.m == 0 and p.n_nan == 2 and p.smooth_range == 0.0


def test_noise_estimates_follow_the_data() -> None:
    rng = np.random.default_rng(0)
    p = prepare(series(np.linspace(0, 10, 50_000) + rng.normal(0.0, 0.5, 50_000)))
    assert p.sigma_raw == pytest.approx(0.5, rel=0.1)
    assert p.sigma == pytest.approx(0.5 / np.sqrt(p.bucket), rel=0.15)
    assert p.correlation < 0.2


def test_sliced_keeps_noise_and_cuts_every_array() -> None:
    p = prepare(series(np.arange(20.0)))
    q = sliced(p, 5, 15)
    assert q.m == 10 and q.sigma == p.sigma
    assert q.first_step[0] == 5 and q.smooth.size == q.x.size == 10


def test_index_of_step_picks_the_nearest_bucket() -> None:
    p = prepare(series([0.0, 1.0, 2.0], steps=[0, 10, 20]))
    assert [p.index_of_step(s) for s in (-5, 4, 6, 99)] == [0, 0, 1, 2]
