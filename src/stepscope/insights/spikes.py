"""Spikes: short excursions far from the local trend, up or down.

Up-spikes are searched in the bucket maxima, down-spikes in the bucket minima (for a
short series both are the raw values), so a single raw point survives any amount of
downsampling. Against a running median of ``2w + 1`` buckets (``w`` = the widest spike:
2 buckets, up to ``MAX_WIDTH`` for series of 1,000 buckets — a spike is at most 0.5% of
a long series), a residual is a spike point when it exceeds all of:

* ``RESIDUAL_SIGMAS`` x the noise of the envelope (the larger of the MAD of all
  residuals and the second-difference noise, since a short median window makes many
  residuals exactly zero and the MAD alone too small),
* ``RAW_SIGMAS`` x the raw point-to-point noise (only for bucketed series, whose
  envelopes are noise extremes rather than typical points),
* ``RANGE_FRACTION`` x the 5-95% range of the smoothed curve, so the corner of a
  smooth noiseless hump is not a spike (and a steep start does not hide later spikes).

Adjacent spike points form one spike; a run wider than ``w`` buckets or touching the
first or last bucket is not a spike (a plateau change, or an off-scale start/end), nor
is one that does not also clear the threshold above both buckets flanking it (the
rounded top of a narrow hump sits barely above its neighbours; a spike does not).
At most ``MAX_SPIKES`` per series are reported, the tallest relative to the threshold.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from stepscope.insights.model import Finding, FloatArray, IntArray
from stepscope.insights.prepare import MIN_DETECT_POINTS, Prepared
from stepscope.insights.smoothing import noise_sigma, robust_sigma, rolling_median
from stepscope.insights.wording import fmt_value

RESIDUAL_SIGMAS = 6.0
RAW_SIGMAS = 5.0
RANGE_FRACTION = 0.2
MAX_WIDTH = 5
MAX_SPIKES = 5


def spike_width(m: int) -> int:
    """The widest spike, in buckets, for a series of ``m`` buckets."""
    return max(2, min(MAX_WIDTH, m // 200))


def _runs(hits: np.ndarray) -> list[tuple[int, int]]:
    idx = np.flatnonzero(hits)
    if idx.size == 0:
        return []
    breaks = np.flatnonzero(np.diff(idx) > 1)
    starts = idx[np.concatenate([[0], breaks + 1])]
    ends = idx[np.concatenate([breaks, [idx.size - 1]])]
    return list(zip(starts.tolist(), ends.tolist(), strict=True))


def _one_side(
    p: Prepared, envelope: FloatArray, steps: IntArray, sign: float
) -> list[tuple[float, Finding]]:
    m = p.m
    width = spike_width(m)
    residual = sign * (envelope - rolling_median(envelope, 2 * width + 1))
    level = float(np.abs(p.smooth).max())
    threshold = max(
        RESIDUAL_SIGMAS * max(robust_sigma(residual), noise_sigma(envelope)),
        RANGE_FRACTION * float(np.ptp(np.quantile(p.smooth, (0.05, 0.95)))),
        1e-9 * level,
        1e-300,
    )
    if p.bucket > 1:
        threshold = max(threshold, RAW_SIGMAS * p.sigma_raw)
    found: list[tuple[float, Finding]] = []
    for start, end in _runs(residual > threshold):
        if end - start + 1 > width or start == 0 or end == m - 1:
            continue
        j = start + int(residual[start : end + 1].argmax())
        flank = max(sign * float(envelope[start - 1]), sign * float(envelope[end + 1]))
        if sign * float(envelope[j]) - flank <= threshold:
            continue
        value = float(envelope[j])
        step = int(steps[j])
        base = value - sign * float(residual[j])
        direction: Literal["up", "down"] = "up" if sign > 0 else "down"
        text = (
            f"{p.run}'s {p.metric} spikes {direction} to {fmt_value(value)} at step {step} "
            f"(local level {fmt_value(base)})."
        )
        finding = Finding(
            type="spike",
            metric=p.metric,
            runs=(p.run,),
            text=text,
            step=step,
            window=(int(p.first_step[start]), int(p.last_step[end])),
            value=value,
            direction=direction,
            detail={"baseline": base, "height": float(residual[j]), "threshold": threshold},
        )
        found.append((float(residual[j]) / threshold, finding))
    return found


def spike_findings(p: Prepared) -> list[Finding]:
    """Up and down spikes of one series, tallest first, at most ``MAX_SPIKES``."""
    if p.m < MIN_DETECT_POINTS:
        return []
    ranked = _one_side(p, p.hi, p.hi_step, 1.0) + _one_side(p, p.lo, p.lo_step, -1.0)
    # (for an unbucketed series hi and lo are the same array; both sides are still needed)
    ranked.sort(key=lambda pair: -pair[0])
    return [finding for _, finding in ranked[:MAX_SPIKES]]
