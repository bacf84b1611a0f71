"""The trend of one series: its shape, start, end, extremes and volatility.

The shape is read from the smoothed curve ``s`` (see :mod:`prepare`) with range
``R = max(s) - min(s)``, start level ``S`` and end level ``E`` (means of the first and
last 3% of ``s``), tested in this order (on the on-scale part of the series, see
:func:`classify_on_scale`):

1. **flat** — ``R <= FLAT_NOISE_RATIO * sigma``: the trend moves less than the noise.
2. **oscillating** — at least ``OSCILLATION_REVERSALS`` reversals of ``s``, each a move
   of at least ``REVERSAL_FRACTION * R`` against the previous direction.
3. **hump** / **dip** — an interior maximum that stands ``HUMP_PROMINENCE * R`` above both
   ``S`` and ``E`` (a dip mirrors it); the more prominent of the two wins.
4. **rise-then-plateau** — ``E > S`` and the curve gets within 10% of ``E`` before
   ``PLATEAU_REACH`` of the step range; else **rising**; ``E < S`` is **falling**.

Series with fewer than :data:`MIN_DETECT_POINTS` points are flat when the first and
last values are equal, else rising or falling.
"""

from __future__ import annotations

import math

import numpy as np

from stepscope.insights.model import Finding, FloatArray, Shape
from stepscope.insights.prepare import MIN_DETECT_POINTS, Prepared
from stepscope.insights.smoothing import robust_sigma
from stepscope.insights.wording import fmt_value, shape_phrase

FLAT_NOISE_RATIO = 4.0
OSCILLATION_REVERSALS = 4
REVERSAL_FRACTION = 0.25
HUMP_PROMINENCE = 0.4
PLATEAU_REACH = 0.6
PLATEAU_LEVEL = 0.9
EDGE_FRACTION = 0.03
VOLATILITY_LABELS: tuple[tuple[float, str], ...] = ((0.03, "smooth"), (0.1, "moderate"))


def count_reversals(y: FloatArray, delta: float) -> int:
    """How many times ``y`` turns round after moving at least ``delta`` each way."""
    if y.size > 200:
        y = y[:: -(-y.size // 200)]
    direction = 0
    turns = 0
    extreme = low = high = float(y[0]) if y.size else 0.0
    for v in y.tolist():
        if direction == 0:
            low, high = min(low, v), max(high, v)
            if v - low >= delta:
                direction, extreme = 1, v
            elif high - v >= delta:
                direction, extreme = -1, v
        elif (v - extreme) * direction > 0:
            extreme = v
        elif (extreme - v) * direction >= delta:
            turns += 1
            direction, extreme = -direction, v
    return turns


def edge_levels(p: Prepared) -> tuple[float, float]:
    """Start and end levels: means of the first and last 3% (at least one) of ``smooth``."""
    k = max(1, math.ceil(EDGE_FRACTION * p.m))
    return float(p.smooth[:k].mean()), float(p.smooth[-k:].mean())


def is_flat(p: Prepared) -> bool:
    """Whether the smoothed trend moves no more than the noise (always True if constant)."""
    span = p.smooth_range
    level = float(np.abs(p.smooth).max()) if p.m else 0.0
    if p.m < MIN_DETECT_POINTS:
        return span <= 1e-12 * max(level, 1e-300)
    return span <= FLAT_NOISE_RATIO * p.sigma + 1e-12 * level


def classify_shape(p: Prepared) -> Shape:
    """The shape of a non-empty prepared series, by the rules in the module docstring."""
    if is_flat(p):
        return "flat"
    start, end = edge_levels(p)
    if p.m < MIN_DETECT_POINTS:
        return "rising" if end > start else "falling"
    s = p.smooth
    span = p.smooth_range
    if count_reversals(s, REVERSAL_FRACTION * span) >= OSCILLATION_REVERSALS:
        return "oscillating"
    k = max(1, math.ceil(EDGE_FRACTION * p.m))
    i_max, i_min = int(s.argmax()), int(s.argmin())
    hump = float(s[i_max]) - max(start, end) if k <= i_max < p.m - k else 0.0
    dip = min(start, end) - float(s[i_min]) if k <= i_min < p.m - k else 0.0
    if max(hump, dip) >= HUMP_PROMINENCE * span:
        return "hump" if hump >= dip else "dip"
    if end < start:
        return "falling"
    reached = int(np.argmax(s >= start + PLATEAU_LEVEL * (end - start)))
    x = p.x
    duration = float(x[-1] - x[0])
    if duration > 0 and (x[reached] - x[0]) / duration <= PLATEAU_REACH:
        return "rise-then-plateau"
    return "rising"


def classify_on_scale(full: Prepared, on_scale: Prepared) -> Shape:
    """The shape of ``full`` read on its on-scale part (see :mod:`offscale`).

    When the on-scale part is flat but the series started off-scale, the series as a
    whole rose from below (``rise-then-plateau``) or fell from above (``falling``).
    """
    shape = classify_shape(on_scale)
    if shape == "flat" and on_scale.m < full.m and full.first_step[0] < on_scale.first_step[0]:
        return "rise-then-plateau" if full.mean[0] < on_scale.mean[0] else "falling"
    return shape


def volatility(p: Prepared) -> tuple[float, str]:
    """Noise around the trend as a fraction of the series' 5-95% spread, and its label."""
    if p.m < MIN_DETECT_POINTS:
        return 0.0, "smooth"
    spread = float(np.ptp(np.quantile(p.mean, (0.05, 0.95))))
    noise = robust_sigma(p.mean - p.smooth)
    ratio = noise / spread if spread > 0 else 0.0
    label = next((name for limit, name in VOLATILITY_LABELS if ratio < limit), "noisy")
    return ratio, label


def trend_finding(p: Prepared, shape: Shape | None = None) -> Finding:
    """The ``trend`` finding for a prepared series with at least one finite value.

    ``shape`` is :func:`classify_shape` of ``p``, computed here when not given.
    """
    shape = classify_shape(p) if shape is None else shape
    vol, vol_label = volatility(p)
    i_lo, i_hi = int(p.lo.argmin()), int(p.hi.argmax())
    start_step, end_step = int(p.first_step[0]), int(p.last_step[-1])
    start_value, end_value = float(p.mean[0]), float(p.mean[-1])
    text = (
        f"{p.run}'s {p.metric} {shape_phrase(shape)}: from {fmt_value(start_value)} at step "
        f"{start_step} to {fmt_value(end_value)} at step {end_step} (max "
        f"{fmt_value(float(p.hi[i_hi]))} at step {int(p.hi_step[i_hi])}, min "
        f"{fmt_value(float(p.lo[i_lo]))} at step {int(p.lo_step[i_lo])}; {vol_label})."
    )
    skipped = [f"{n} {kind}" for n, kind in ((p.n_nan, "NaN"), (p.n_inf, "infinite")) if n]
    if skipped:
        text += f" Ignored {' and '.join(skipped)} value(s)."
    return Finding(
        type="trend",
        metric=p.metric,
        runs=(p.run,),
        text=text,
        step=end_step,
        window=(start_step, end_step),
        value=end_value,
        shape=shape,
        goal=p.goal,
        detail={
            "start_step": start_step,
            "start_value": start_value,
            "end_step": end_step,
            "end_value": end_value,
            "min_step": int(p.lo_step[i_lo]),
            "min_value": float(p.lo[i_lo]),
            "max_step": int(p.hi_step[i_hi]),
            "max_value": float(p.hi[i_hi]),
            "volatility": vol,
            "volatility_label": vol_label,
            "points": p.n_points,
            "nan_count": p.n_nan,
            "inf_count": p.n_inf,
            "goal_source": p.goal_source,
        },
    )
