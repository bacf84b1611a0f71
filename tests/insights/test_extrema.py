"""Peaks and troughs."""

from __future__ import annotations

import numpy as np
import pytest

from stepscope.insights.extrema import extremum_findings
from stepscope.insights.shape import classify_shape

from .helpers import noisy, prepared

T = np.linspace(0.0, 1.0, 301)


def _extrema(values: np.ndarray, steps: np.ndarray | None = None) -> list:  # type: ignore[type-arg]
    p = prepared(values, steps=steps, run="blue", metric="kl")
    return extremum_findings(p, classify_shape(p))


def test_hump_gives_one_peak_at_its_top_with_a_half_prominence_window() -> None:
    curve = np.exp(-0.5 * ((T - 0.6) / 0.05) ** 2)
    found = _extrema(noisy(curve, 0.01), steps=np.arange(301) * 10)
    assert [f.type for f in found] == ["peak"]
    peak = found[0]
    assert peak.runs == ("blue",) and peak.metric == "kl"
    assert abs(peak.step - 1800) <= 30
    half_width = 0.05 * np.sqrt(2 * np.log(2)) * 3000
    assert peak.window is not None
    assert abs(peak.window[0] - (1800 - half_width)) <= 60
    assert abs(peak.window[1] - (1800 + half_width)) <= 60
    assert peak.value == pytest.approx(1.0, abs=0.05)
    assert float(peak.detail["prominence_fraction"]) > 0.9  # type: ignore[arg-type]


def test_dip_gives_one_trough() -> None:
    found = _extrema(noisy(-np.exp(-0.5 * ((T - 0.3) / 0.06) ** 2), 0.01))
    assert [f.type for f in found] == ["trough"]
    assert abs(found[0].step - 90) <= 6


def test_rise_then_fall_to_a_lower_level_still_peaks() -> None:
    curve = np.interp(T, [0, 0.4, 0.6, 1.0], [0.22, 0.35, 0.32, 0.31])
    found = _extrema(noisy(curve, 0.002))
    assert [f.type for f in found] == ["peak"] and abs(found[0].step - 120) <= 10


@pytest.mark.parametrize(
    "curve",
    [T, 1 - T, 1 - np.exp(-T / 0.1), np.zeros_like(T), np.sin(2 * np.pi * 5 * T)],
    ids=["rising", "falling", "plateau", "flat", "oscillating"],
)
def test_monotone_flat_and_oscillating_series_have_no_extremum(curve: np.ndarray) -> None:  # type: ignore[type-arg]
    assert _extrema(noisy(curve, 0.02)) == []


def test_edge_maximum_is_not_a_peak_and_short_series_have_none() -> None:
    assert _extrema(np.concatenate([[5.0], np.zeros(50)])) == []
    assert _extrema(np.array([0.0, 1.0, 0.0])) == []


def test_noise_bump_on_a_plateau_is_not_a_peak() -> None:
    curve = np.concatenate([np.linspace(0, 1, 20), np.ones(281)])
    assert [f.type for f in _extrema(noisy(curve, 0.02, seed=4))] == []
