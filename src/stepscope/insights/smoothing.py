"""Robust smoothing and noise scales, vectorised over 1-D float arrays.

Every function here is pure, accepts arrays of any length (including 0) and never
emits warnings. The conventions the detectors rely on:

* ``rolling_median`` extends the series past its ends by point reflection
  (``2*x[0] - x[k]``), so a straight line is reproduced exactly up to the edges and an
  isolated spike is removed everywhere except at the very first or last point.
* ``rolling_mean`` is a centred running mean; within half a window of either end, where
  no centred window fits, it is the least-squares line through the first (last) full
  window, so the ends are as smooth as the middle and straight lines stay straight.
* ``robust_sigma`` is the MAD scaled to a Gaussian standard deviation (x 1.4826).
* ``noise_sigma`` estimates point-to-point noise from second differences, which cancel
  any locally linear trend, so a steep but smooth curve reads as noiseless.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from stepscope.insights.model import FloatArray

MAD_TO_SIGMA = 1.4826
_SECOND_DIFF_SCALE = float(np.sqrt(6.0))  # std of x[i-1] - 2 x[i] + x[i+1] for iid noise


def median(x: FloatArray) -> float:
    """Median of a non-empty 1-D array of finite values (a partition, no NaN checks)."""
    n = x.size
    half = n // 2
    if n % 2:
        return float(np.partition(x, half)[half])
    part = np.partition(x, (half - 1, half))
    return float(part[half - 1] + part[half]) / 2.0


def odd_window(size: float, lo: int, hi: int) -> int:
    """``size`` rounded to an odd integer and clamped to ``[lo, hi]`` (both odd)."""
    n = int(min(max(size, lo), hi))
    return n if n % 2 == 1 else n + 1 if n + 1 <= hi else n - 1


def rolling_median(x: FloatArray, window: int) -> FloatArray:
    """Centred running median of odd ``window``; the output has ``x``'s length."""
    n = x.size
    half = min(window // 2, n - 1) if n > 1 else 0
    if half <= 0:
        return x.astype(np.float64, copy=True)
    head = 2.0 * x[0] - x[half:0:-1]
    tail = 2.0 * x[-1] - x[-2 : -half - 2 : -1]
    padded = np.concatenate([head, x, tail])
    windows = sliding_window_view(padded, 2 * half + 1)
    out: FloatArray = np.partition(windows, half, axis=1)[:, half]
    return out


def _edge_line(segment: FloatArray, at: FloatArray) -> FloatArray:
    """The least-squares line through ``segment`` (at 0, 1, ...) evaluated at ``at``."""
    pos = np.arange(segment.size, dtype=np.float64)
    centre = pos.mean()
    offset = pos - centre
    slope = float(np.dot(offset, segment - segment.mean()) / np.dot(offset, offset))
    out: FloatArray = segment.mean() + slope * (at - centre)
    return out


def rolling_mean(x: FloatArray, window: int) -> FloatArray:
    """Centred running mean of odd ``window``; line fits within ``window // 2`` of the ends."""
    n = x.size
    half = min(window // 2, (n - 1) // 2)
    if half <= 0:
        return x.astype(np.float64, copy=True)
    width = 2 * half + 1
    csum = np.concatenate([[0.0], np.cumsum(x)])
    out: FloatArray = np.empty(n)
    out[half : n - half] = (csum[width:] - csum[: n - width + 1]) / width
    edge = np.arange(half, dtype=np.float64)
    out[:half] = _edge_line(x[:width], edge)
    out[n - half :] = _edge_line(x[n - width :], edge + (width - half))
    return out


def robust_sigma(x: FloatArray) -> float:
    """MAD-based standard deviation of ``x`` (0.0 for fewer than two values)."""
    if x.size < 2:
        return 0.0
    return MAD_TO_SIGMA * median(np.abs(x - median(x)))


def noise_sigma(x: FloatArray, max_samples: int = 5_000) -> float:
    """Point-to-point noise of ``x`` from robust second differences.

    For long arrays the estimate uses ``max_samples`` evenly strided triples, which
    keeps the cost flat (the median of a sample is as good an estimator here).
    """
    n = x.size
    if n < 3:
        return 0.0
    if n - 2 > max_samples:
        start = np.linspace(0, n - 3, max_samples).astype(np.int64)
        d2 = x[start] - 2.0 * x[start + 1] + x[start + 2]
    else:
        d2 = x[:-2] - 2.0 * x[1:-1] + x[2:]
    return robust_sigma(d2) / _SECOND_DIFF_SCALE
