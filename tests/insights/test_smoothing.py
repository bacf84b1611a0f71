"""Robust smoothing and noise scales."""

from __future__ import annotations

import numpy as np
import pytest

from stepscope.insights.smoothing import (
    median,
    noise_sigma,
    odd_window,
    robust_sigma,
    rolling_mean,
    rolling_median,
)


@pytest.mark.parametrize("window", [3, 5, 11])
def test_straight_lines_pass_through_unchanged(window: int) -> None:
    line = 3.0 - 0.5 * np.arange(40.0)
    np.testing.assert_allclose(rolling_median(line, window), line)
    np.testing.assert_allclose(rolling_mean(line, window), line)


def test_rolling_median_removes_an_isolated_spike_but_keeps_a_step() -> None:
    x = np.zeros(30)
    x[10] = 50.0
    x[20:] = 1.0
    out = rolling_median(x, 5)
    assert out[10] == 0.0
    assert out[25] == 1.0 and out[15] == 0.0


def test_rolling_mean_ends_are_as_quiet_as_the_middle() -> None:
    rng = np.random.default_rng(1)
    noise = rng.normal(0.0, 1.0, (400, 101))
    smoothed = np.array([rolling_mean(row, 21) for row in noise])
    middle, edge = smoothed[:, 50].std(), smoothed[:, 0].std()
    assert edge < 3 * middle  # a shrinking window would leave the end at full noise (~4.6x)


@pytest.mark.parametrize("n", [0, 1, 2])
def test_tiny_inputs_come_back_unchanged(n: int) -> None:
    x = np.arange(float(n))
    assert rolling_median(x, 5).tolist() == x.tolist()
    assert rolling_mean(x, 5).tolist() == x.tolist()
    assert robust_sigma(x[:1]) == 0.0
    assert noise_sigma(x) == 0.0


def test_noise_sigma_ignores_trend_and_outliers() -> None:
    rng = np.random.default_rng(2)
    x = rng.normal(0.0, 2.0, 50_000) + np.linspace(0, 1_000, 50_000)
    x[::500] += 100.0
    assert noise_sigma(x) == pytest.approx(2.0, rel=0.05)
    assert robust_sigma(rng.normal(0.0, 3.0, 20_001)) == pytest.approx(3.0, rel=0.05)


def test_median_matches_numpy_for_odd_and_even_lengths() -> None:
    rng = np.random.default_rng(3)
    for n in (1, 2, 7, 10):
        x = rng.normal(size=n)
        assert median(x) == pytest.approx(float(np.median(x)))


def test_odd_window_is_odd_and_clamped() -> None:
    assert [odd_window(s, 3, 11) for s in (0, 4, 6, 50)] == [3, 5, 7, 11]
