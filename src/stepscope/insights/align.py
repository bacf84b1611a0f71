"""Put several prepared series on one step grid, so runs logged at different steps compare.

Values between bucket centres are linearly interpolated; nothing is extrapolated past
a series' own first or last bucket — callers restrict grids to the common range.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from stepscope.insights.model import FloatArray
from stepscope.insights.prepare import Prepared

MAX_GRID = 500


def common_range(group: Sequence[Prepared]) -> tuple[float, float] | None:
    """The step range every series in ``group`` covers, or None if they do not overlap."""
    present = [p for p in group if p.m]
    if not present:
        return None
    lo = max(float(p.x[0]) for p in present)
    hi = min(float(p.x[-1]) for p in present)
    return (lo, hi) if lo <= hi else None


def union_range(group: Sequence[Prepared]) -> tuple[float, float] | None:
    """The step range any series in ``group`` covers, or None if all are empty."""
    present = [p for p in group if p.m]
    if not present:
        return None
    return min(float(p.x[0]) for p in present), max(float(p.x[-1]) for p in present)


def grid_over(
    group: Sequence[Prepared], lo: float, hi: float, limit: int = MAX_GRID, coarsest: bool = False
) -> FloatArray:
    """Evenly spaced steps over ``[lo, hi]``: as many as the densest (or, with
    ``coarsest``, the sparsest) series has there, at least 2 and at most ``limit``
    (a single step when ``lo == hi``)."""
    if hi <= lo:
        return np.array([lo], dtype=np.float64)
    counts = [
        int(np.searchsorted(p.x, hi, side="right") - np.searchsorted(p.x, lo, side="left"))
        for p in group
    ]
    density = min(counts) if coarsest else max(counts)
    return np.linspace(lo, hi, int(min(max(density, 2), limit)))


def binned_on_grid(p: Prepared, grid: FloatArray) -> tuple[FloatArray, float]:
    """``p``'s bucket means averaged over the cell around each grid step (interpolated
    where a cell holds none, and at the two ends), and the median number of buckets in
    an averaged cell.

    Averaging rather than interpolating keeps a densely logged run as quiet on a coarse
    grid as its data allow, and treats every run on the grid alike.
    """
    out: FloatArray = np.interp(grid, p.x, p.mean)
    if grid.size < 2:
        return out, 1.0
    half = (grid[1] - grid[0]) / 2.0
    inside = (p.x >= grid[0] - half) & (p.x <= grid[-1] + half)
    cell = np.searchsorted((grid[1:] + grid[:-1]) / 2.0, p.x[inside])
    counts = np.bincount(cell, minlength=grid.size)
    sums = np.bincount(cell, weights=p.mean[inside], minlength=grid.size)
    filled = counts > 0
    # the end cells reach past the range on one side only: their mean would sit off-centre
    filled[0] = filled[-1] = False
    out[filled] = sums[filled] / counts[filled]
    return out, float(max(np.median(counts[filled]), 1.0)) if filled.any() else 1.0


def on_grid(p: Prepared, grid: FloatArray, smoothed: bool = True) -> FloatArray:
    """``p``'s smoothed trend (or bucket means) linearly interpolated at ``grid`` steps."""
    source = p.smooth if smoothed else p.mean
    out: FloatArray = np.interp(grid, p.x, source)
    return out
