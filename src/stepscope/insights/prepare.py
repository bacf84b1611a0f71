"""Turn a validated series into the compact form every detector works on.

Non-finite values are dropped (and counted). A series longer than ``MAX_BUCKETS``
points is cut into that many equal-count buckets; each bucket keeps its mean (for
trends, levels and comparisons), its min and max with the steps where they occurred
(so a one-point spike survives as the bucket max), and its first and last step. A
short series is its own envelope: one point per bucket.

The prepared series also carries the smoothed trend curve (a short running median that
drops spikes, then a running mean) and two noise scales: ``sigma`` for the bucket means
and ``sigma_raw`` for single raw points. Cost is linear in the raw length with small
constants; everything after this stage is bounded by ``MAX_BUCKETS``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from stepscope.insights.goals import GoalSource, resolve_goal
from stepscope.insights.model import FloatArray, Goal, IntArray, MetricSeries
from stepscope.insights.smoothing import (
    noise_sigma,
    odd_window,
    robust_sigma,
    rolling_mean,
    rolling_median,
)

MAX_BUCKETS = 1000
"""Upper bound on the points any detector sees per series (each with mean, min, max)."""

MIN_DETECT_POINTS = 5
"""Below this many points only start/end/min/max and a coarse direction are reported."""

MAX_CORRELATION = 0.9
"""Cap on the residuals' autocorrelation used to widen error bars."""


@dataclass(frozen=True)
class Prepared:
    """A series reduced to at most ``MAX_BUCKETS`` buckets, plus its trend and noise.

    All per-bucket arrays have length ``m``. ``x`` is the bucket's centre step.
    ``sigma`` is the noise standard deviation of ``mean`` and ``sigma_smooth`` the
    (approximate) one of ``smooth``.
    """

    run: str
    metric: str
    goal: Goal | None
    goal_source: GoalSource
    n_points: int
    n_nan: int
    n_inf: int
    bucket: int
    first_step: IntArray
    last_step: IntArray
    x: FloatArray
    mean: FloatArray
    lo: FloatArray
    hi: FloatArray
    lo_step: IntArray
    hi_step: IntArray
    smooth: FloatArray
    sigma: float
    sigma_raw: float
    smooth_window: int
    sigma_resid: float
    """Robust spread of ``mean`` around ``smooth`` (includes unsmoothed structure)."""
    correlation: float
    """Lag-1 autocorrelation of those residuals, clipped to ``[0, MAX_CORRELATION]``."""

    @property
    def m(self) -> int:
        """Number of buckets (0 when the series has no finite value)."""
        return int(self.mean.size)

    @property
    def smooth_range(self) -> float:
        """Max minus min of the smoothed trend (0.0 when empty)."""
        return float(self.smooth.max() - self.smooth.min()) if self.m else 0.0

    @property
    def correlation_factor(self) -> float:
        """How much correlated noise inflates the error of an average: ``sqrt((1+r)/(1-r))``."""
        return math.sqrt((1.0 + self.correlation) / (1.0 - self.correlation))

    @property
    def sigma_level(self) -> float:
        """A cautious noise scale for single buckets: the larger of ``sigma`` (blind to
        slowly varying noise) and ``sigma_resid`` (which also holds unsmoothed shape)."""
        return max(self.sigma, self.sigma_resid)

    @property
    def sigma_smooth(self) -> float:
        """Noise left in ``smooth`` (a median, then a mean of ``smooth_window`` points),
        inflated for correlated noise."""
        spread = math.pi / 2.0 / max(self.smooth_window, 1)
        return self.sigma_level * self.correlation_factor * math.sqrt(spread)

    def index_of_step(self, step: float) -> int:
        """The bucket whose centre is closest to ``step`` (the series must be non-empty)."""
        i = int(np.searchsorted(self.x, step))
        if i <= 0:
            return 0
        if i >= self.m:
            return self.m - 1
        return i if self.x[i] - step < step - self.x[i - 1] else i - 1


def sliced(p: Prepared, start: int, stop: int) -> Prepared:
    """Buckets ``start:stop`` of ``p``, keeping its noise estimates and smoothing."""
    return replace(
        p,
        first_step=p.first_step[start:stop],
        last_step=p.last_step[start:stop],
        x=p.x[start:stop],
        mean=p.mean[start:stop],
        lo=p.lo[start:stop],
        hi=p.hi[start:stop],
        lo_step=p.lo_step[start:stop],
        hi_step=p.hi_step[start:stop],
        smooth=p.smooth[start:stop],
    )


def _buckets(
    steps: IntArray, values: FloatArray, size: int
) -> tuple[IntArray, IntArray, FloatArray, FloatArray, FloatArray, IntArray, IntArray]:
    """Buckets of ``size`` points; the last one also takes the remainder (up to
    ``2 * size - 1`` points), so no bucket mean rests on a handful of points."""
    count = values.size // size
    cut = (count - 1) * size
    v = np.vstack([values[:cut].reshape(count - 1, size), values[cut : cut + size]])
    s = np.vstack([steps[:cut].reshape(count - 1, size), steps[cut : cut + size]])
    tail_v, tail_s = values[cut:], steps[cut:]
    rows = np.arange(count)
    i_lo, i_hi = v.argmin(axis=1), v.argmax(axis=1)
    mean = v.mean(axis=1)
    lo, hi = v[rows, i_lo], v[rows, i_hi]
    lo_step, hi_step = s[rows, i_lo], s[rows, i_hi]
    mean[-1] = tail_v.mean()
    j_lo, j_hi = int(tail_v.argmin()), int(tail_v.argmax())
    lo[-1], hi[-1] = tail_v[j_lo], tail_v[j_hi]
    lo_step[-1], hi_step[-1] = tail_s[j_lo], tail_s[j_hi]
    last = s[:, -1].copy()
    last[-1] = tail_s[-1]
    return s[:, 0].copy(), last, mean, lo, hi, lo_step, hi_step


def prepare(series: MetricSeries) -> Prepared:
    """Drop non-finite points, bucket long series, smooth, and estimate noise."""
    values = series.values
    steps = series.steps
    finite = np.isfinite(values)
    n_finite = int(np.count_nonzero(finite))
    n_nan = int(np.count_nonzero(np.isnan(values))) if n_finite < values.size else 0
    n_inf = values.size - n_finite - n_nan
    if n_finite < values.size:
        values = values[finite]
        steps = steps[finite]
    if values.size > MAX_BUCKETS:
        size = -(-values.size // MAX_BUCKETS)
        first, last, mean, lo, hi, lo_step, hi_step = _buckets(steps, values, size)
    else:
        size = 1
        first = last = lo_step = hi_step = steps
        mean = lo = hi = values
    m = mean.size
    if m >= MIN_DETECT_POINTS:
        median_window = odd_window(m / 20, 3, 11)
        mean_window = odd_window(m / 15, 1, 51)
        smooth = rolling_mean(rolling_median(mean, median_window), mean_window)
    else:
        mean_window = 1
        smooth = mean.astype(np.float64, copy=True)
    goal, source = resolve_goal(series.metric, series.goal)
    sigma = noise_sigma(mean)
    residual = mean - smooth
    sigma_resid = robust_sigma(residual)
    correlation = 0.0
    peak = float(np.abs(residual).max()) if m else 0.0
    if m >= MIN_DETECT_POINTS and peak > 0:
        unit = residual / peak  # scaled so the products below cannot overflow
        lag1 = float(np.dot(unit[1:], unit[:-1]) / np.dot(unit, unit))
        correlation = min(max(lag1, 0.0), MAX_CORRELATION)
    return Prepared(
        run=series.run,
        metric=series.metric,
        goal=goal,
        goal_source=source,
        n_points=int(series.values.size),
        n_nan=n_nan,
        n_inf=n_inf,
        bucket=size,
        first_step=first,
        last_step=last,
        x=(first.astype(np.float64) + last.astype(np.float64)) / 2.0,
        mean=mean,
        lo=lo,
        hi=hi,
        lo_step=lo_step,
        hi_step=hi_step,
        smooth=smooth,
        sigma=sigma,
        sigma_raw=noise_sigma(values) if size > 1 else sigma,
        smooth_window=mean_window,
        sigma_resid=sigma_resid,
        correlation=correlation,
    )
