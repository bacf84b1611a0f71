"""Small builders shared by the insights tests."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from stepscope.insights import MetricSeries
from stepscope.insights.model import Finding, Goal
from stepscope.insights.prepare import Prepared, prepare

FloatArray = npt.NDArray[np.float64]


def series(
    values: npt.ArrayLike,
    *,
    run: str = "r",
    metric: str = "m",
    steps: npt.ArrayLike | None = None,
    goal: Goal | None = None,
) -> MetricSeries:
    """A MetricSeries with steps 0..n-1 unless given."""
    v = np.asarray(values, dtype=np.float64)
    s = np.arange(v.size, dtype=np.int64) if steps is None else np.asarray(steps)
    return MetricSeries(run, metric, s, v, goal)


def prepared(values: npt.ArrayLike, **kwargs: object) -> Prepared:
    """``prepare(series(values, ...))``."""
    return prepare(series(values, **kwargs))  # type: ignore[arg-type]


def noisy(curve: FloatArray, sigma: float, seed: int = 0) -> FloatArray:
    """``curve`` plus seeded Gaussian noise."""
    out: FloatArray = curve + np.random.default_rng(seed).normal(0.0, sigma, curve.size)
    return out


def only(findings: list[Finding], kind: str) -> list[Finding]:
    """The findings of one type."""
    return [f for f in findings if f.type == kind]
