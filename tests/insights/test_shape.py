"""Trend shapes, volatility and the trend finding."""

from __future__ import annotations

import numpy as np
import pytest

from stepscope.insights.shape import classify_shape, count_reversals, trend_finding, volatility

from .helpers import noisy, prepared

T = np.linspace(0.0, 1.0, 400)
CURVES = {
    "rising": T**1.2,
    "falling": 1.0 - T,
    "flat": np.zeros_like(T),
    "rise-then-plateau": 1.0 - np.exp(-T / 0.08),
    "hump": np.exp(-0.5 * ((T - 0.5) / 0.08) ** 2),
    "dip": 2.0 - np.exp(-0.5 * ((T - 0.4) / 0.08) ** 2),
    "oscillating": np.sin(2 * np.pi * 4 * T),
}


@pytest.mark.parametrize("shape", sorted(CURVES))
@pytest.mark.parametrize("seed", [0, 1])
def test_each_shape_is_recognised_under_noise(shape: str, seed: int) -> None:
    p = prepared(5.0 + 3.0 * noisy(CURVES[shape], 0.03, seed))
    assert classify_shape(p) == shape


@pytest.mark.parametrize("scale", [1e-6, 1.0, 1e6])
def test_shape_does_not_depend_on_scale(scale: float) -> None:
    assert classify_shape(prepared(scale * noisy(CURVES["hump"], 0.02))) == "hump"


def test_constant_series_is_flat_even_without_noise() -> None:
    assert classify_shape(prepared(np.full(50, 0.1 + 0.2))) == "flat"
    assert classify_shape(prepared(np.full(50, -7.0))) == "flat"


@pytest.mark.parametrize(
    ("values", "shape"),
    [([1.0], "flat"), ([1.0, 1.0], "flat"), ([1.0, 2.0], "rising"), ([2.0, 1.0, 0.5], "falling")],
)
def test_very_short_series_get_a_direction_only(values: list[float], shape: str) -> None:
    assert classify_shape(prepared(values)) == shape


def test_count_reversals_ignores_moves_smaller_than_delta() -> None:
    y = np.array([0, 1, 0.9, 1.1, 0, 1, 0], dtype=float)
    assert count_reversals(y, 0.5) == 3  # up to 1.1, down to 0, up to 1, down to 0
    assert count_reversals(y, 2.0) == 0


def test_volatility_separates_smooth_from_noisy() -> None:
    assert volatility(prepared(CURVES["rising"]))[1] == "smooth"
    assert volatility(prepared(noisy(CURVES["rising"], 0.3)))[1] == "noisy"


def test_trend_finding_reports_start_end_extremes_and_nan() -> None:
    values = np.array([0.2, 0.5, np.nan, 0.9, 1.4, 1.0, np.inf, 1.1])
    f = trend_finding(prepared(values, steps=np.arange(8) * 10, run="red", metric="acc"))
    assert f.type == "trend" and f.runs == ("red",) and f.metric == "acc"
    d = f.detail
    assert (d["start_step"], d["start_value"], d["end_step"], d["end_value"]) == (0, 0.2, 70, 1.1)
    assert (d["max_step"], d["max_value"], d["min_step"], d["min_value"]) == (40, 1.4, 0, 0.2)
    assert (d["nan_count"], d["inf_count"], d["points"]) == (1, 1, 8)
    assert f.window == (0, 70) and f.value == 1.1
    assert "Ignored 1 NaN and 1 infinite value(s)." in f.text
    assert f.goal == "maximize"
