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
from stepscope.insights.smoothing import noise_sigma, odd_window, rolling_mean, rolling_median

MAX_BUCKETS = 1000
"""Upper bound on the points any detector sees per series (each with mean, min, max)."""

MIN_DETECT_POINTS = 5
"""Below this many points only start/end/min/max and a coarse direction are reported."""


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

    @property
    def m(self) -> int:
        """Number of buckets (0 when the series has no finite value)."""
        return int(self.mean.size)

    @property
    def smooth_range(self) -> float:
        """Max minus min of the smoothed trend (0.0 when empty)."""
        return float(self.smooth.max() - self.smooth.min()) if self.m else 0.0

    @property
    def sigma_smooth(self) -> float:
        """Noise left in ``smooth``: a median then a mean of ``smooth_window`` points."""
        return self.sigma * math.sqrt(math.pi / 2.0 / max(self.smooth_window, 1))

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
    n = values.size
    count = -(-n // size)
    pad = count * size - n
    if pad:
        values = np.concatenate([values, np.full(pad, values[-1])])
        steps = np.concatenate([steps, np.full(pad, steps[-1])])
    v = values.reshape(count, size)
    s = steps.reshape(count, size)
    sums = v.sum(axis=1)
    sums[-1] -= pad * values[-1]
    counts = np.full(count, float(size))
    counts[-1] = size - pad
    rows = np.arange(count)
    i_lo = v.argmin(axis=1)
    i_hi = v.argmax(axis=1)
    return (
        s[:, 0].copy(),
        s[:, -1].copy(),
        sums / counts,
        v[rows, i_lo],
        v[rows, i_hi],
        s[rows, i_lo],
        s[rows, i_hi],
    )


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
    )
