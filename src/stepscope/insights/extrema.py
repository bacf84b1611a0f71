"""Peaks and troughs: the interior high and low points that stand out from the trend.

A series has at most one ``peak`` (its global maximum) and one ``trough`` (its global
minimum), both read on the smoothed curve so noise cannot place them. Each is reported
only when it is *interior* (not within the first or last 3% of the series) and
*prominent*: the drop from it to the lower of the two sides' lowest points (its
topographic prominence) is at least ``PROMINENCE_FRACTION`` of the smoothed range and
``PROMINENCE_SIGMAS`` times the noise of the bucket means (``Prepared.sigma_level``).
Flat and oscillating series report neither: their extremes are noise or one of many.

The finding's ``window`` is where the smoothed curve stays above half the prominence
(the full width at half prominence), its ``step`` and ``value`` those of the most
extreme bucket mean within a smoothing window of the smoothed extreme.
"""

from __future__ import annotations

import math

import numpy as np

from stepscope.insights.model import Finding, FindingType, Shape
from stepscope.insights.prepare import MIN_DETECT_POINTS, Prepared
from stepscope.insights.shape import EDGE_FRACTION
from stepscope.insights.wording import fmt_steps, fmt_value

PROMINENCE_FRACTION = 0.2
PROMINENCE_SIGMAS = 4.0


def _extremum(p: Prepared, sign: float) -> Finding | None:
    y = sign * p.smooth
    m = p.m
    k = max(1, math.ceil(EDGE_FRACTION * m))
    i = int(y.argmax())
    if not k <= i < m - k:
        return None
    prominence = float(y[i] - max(y[:i].min(), y[i + 1 :].min()))
    span = p.smooth_range
    floor = max(PROMINENCE_FRACTION * span, PROMINENCE_SIGMAS * p.sigma_level)
    if span <= 0 or prominence < floor:
        return None
    below = np.flatnonzero(y < y[i] - prominence / 2.0)
    left_edge = below[below < i]
    right_edge = below[below > i]
    left = int(left_edge[-1]) + 1 if left_edge.size else 0
    right = int(right_edge[0]) - 1 if right_edge.size else m - 1
    reach = p.smooth_window // 2 + 1
    lo, hi = max(0, i - reach), min(m, i + reach + 1)
    j = lo + int((sign * p.mean[lo:hi]).argmax())
    step = int(round(float(p.x[j])))
    value = float(p.mean[j])
    window = (int(p.first_step[left]), int(p.last_step[right]))
    kind: FindingType = "peak" if sign > 0 else "trough"
    verb = "peaks" if sign > 0 else "bottoms out"
    side = "above" if sign > 0 else "below"
    level = sign * (float(y[i]) - prominence / 2.0)
    text = (
        f"{p.run}'s {p.metric} {verb} at {fmt_value(value)} around step {step} "
        f"({side} {fmt_value(level)} over {fmt_steps(*window)})."
    )
    return Finding(
        type=kind,
        metric=p.metric,
        runs=(p.run,),
        text=text,
        step=step,
        window=window,
        value=value,
        detail={
            "prominence": prominence,
            "prominence_fraction": prominence / span,
            "half_prominence_level": level,
        },
    )


def extremum_findings(p: Prepared, shape: Shape) -> list[Finding]:
    """The ``peak`` and ``trough`` findings of one series (zero, one or two)."""
    if p.m < MIN_DETECT_POINTS or shape in ("flat", "oscillating"):
        return []
    found = (_extremum(p, 1.0), _extremum(p, -1.0))
    return [f for f in found if f is not None]
