"""Spike detection."""

from __future__ import annotations

import numpy as np
import pytest

from stepscope.insights.spikes import MAX_SPIKES, spike_findings

from .helpers import noisy, prepared


def _spikes(values: np.ndarray, steps: np.ndarray | None = None) -> list:  # type: ignore[type-arg]
    return spike_findings(prepared(values, steps=steps))


@pytest.mark.parametrize("n", [40, 900, 100_000])
def test_up_and_down_spikes_are_found_at_their_steps(n: int) -> None:
    values = noisy(np.linspace(0.0, 1.0, n), 0.01, seed=n)
    up, down = n // 3, (2 * n) // 3
    values[up] += 0.8
    values[down] -= 0.8
    found = sorted(_spikes(values, steps=np.arange(n) * 5), key=lambda f: f.step)
    assert [(f.direction, f.step) for f in found] == [("up", up * 5), ("down", down * 5)]
    assert found[0].value == pytest.approx(values[up])
    assert found[0].window is not None and found[0].window[0] <= up * 5 <= found[0].window[1]


@pytest.mark.parametrize("seed", range(5))
def test_pure_noise_has_no_spikes(seed: int) -> None:
    assert _spikes(noisy(np.zeros(50_000), 1.0, seed)) == []
    assert _spikes(noisy(np.zeros(60), 1.0, seed)) == []


def test_spike_on_a_constant_series_is_found() -> None:
    values = np.full(30, 2.0)
    values[12] = 2.5
    assert [(f.step, f.direction) for f in _spikes(values)] == [(12, "up")]


def test_first_and_last_points_are_not_spikes() -> None:
    values = np.zeros(50)
    values[0] = values[-1] = 10.0
    assert _spikes(values) == []


def test_top_of_a_narrow_hump_is_not_a_spike() -> None:
    t = np.linspace(0.0, 1.0, 80)
    assert _spikes(noisy(np.exp(-0.5 * ((t - 0.5) / 0.05) ** 2), 0.005)) == []


def test_corner_of_a_noiseless_triangle_is_not_a_spike() -> None:
    values = np.interp(np.arange(31.0), [0, 20, 30], [0.0, 1.05, 0.55])
    assert _spikes(values) == []


def test_a_wide_excursion_is_not_a_spike() -> None:
    values = np.zeros(200)
    values[100:120] = 5.0
    assert _spikes(values) == []


def test_at_most_max_spikes_tallest_first() -> None:
    values = np.zeros(500)
    for i, k in enumerate(range(50, 450, 40)):
        values[k] = 1.0 + i
    found = _spikes(values)
    assert len(found) == MAX_SPIKES
    heights = [f.value for f in found]
    assert heights == sorted(heights, reverse=True) and heights[0] == 10.0
