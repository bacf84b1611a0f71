"""Off-scale starts and ends: values far outside the range where a chart's runs settle.

Charts that ignore outliers cut off a loss that starts at ten times where it settles;
this finding says so. It is computed per chart (one metric, all its runs), because
"off-chart" is relative to the range every run on the chart spans:

* the *settled band* ``[lo, hi]`` is the union over runs of the smoothed curve's range
  over the middle of each run (``MIDDLE`` of its step range);
* a point is off-scale when its bucket mean lies more than
  ``max(SPANS x (hi - lo), SIGMAS x noise)`` beyond the band;
* a run's leading (trailing) points that are all off-scale on the same side form an
  ``off_scale`` finding at position ``start`` (``end``), if they are no more than
  ``MAX_SEGMENT`` of the run — a longer stretch is a regime, not an outlier.

The other detectors then work on :func:`on_scale_part`, so an off-chart start neither
decides a trend's shape nor dwarfs a later hump or spike.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from stepscope.insights.model import Finding
from stepscope.insights.prepare import MIN_DETECT_POINTS, Prepared, sliced
from stepscope.insights.wording import fmt_steps, fmt_value

MIDDLE = (0.2, 0.8)
SPANS = 4.0
SIGMAS = 6.0
MAX_SEGMENT = 0.2


def settled_band(group: Sequence[Prepared]) -> tuple[float, float] | None:
    """The union of the runs' smoothed ranges over their middle steps (None if no data)."""
    lows: list[float] = []
    highs: list[float] = []
    for p in group:
        if p.m < MIN_DETECT_POINTS:
            continue
        x0, x1 = float(p.x[0]), float(p.x[-1])
        a, b = x0 + MIDDLE[0] * (x1 - x0), x0 + MIDDLE[1] * (x1 - x0)
        middle = p.smooth[(p.x >= a) & (p.x <= b)]
        if middle.size == 0:
            continue
        lows.append(float(middle.min()))
        highs.append(float(middle.max()))
    if not lows:
        return None
    return min(lows), max(highs)


def _segment(p: Prepared, outside: np.ndarray, at_start: bool) -> tuple[int, int] | None:
    flags = outside if at_start else outside[::-1]
    if not flags[0]:
        return None
    inside = np.flatnonzero(~flags)
    length = int(inside[0]) if inside.size else p.m
    if length > MAX_SEGMENT * p.m:
        return None
    return (0, length - 1) if at_start else (p.m - length, p.m - 1)


def off_scale_findings(group: Sequence[Prepared]) -> list[Finding]:
    """``off_scale`` findings for the runs of one chart (all ``Prepared`` of one metric)."""
    band = settled_band(group)
    if band is None:
        return []
    lo, hi = band
    noise = max(p.sigma_level for p in group)
    level = max(abs(lo), abs(hi))
    margin = max(SPANS * (hi - lo), SIGMAS * noise, 1e-9 * level, 1e-300)
    findings: list[Finding] = []
    for p in group:
        if p.m < MIN_DETECT_POINTS:
            continue
        for side, outside in (("above", p.mean > hi + margin), ("below", p.mean < lo - margin)):
            for position in ("start", "end"):
                seg = _segment(p, outside, position == "start")
                if seg is None:
                    continue
                a, b = seg
                values = p.mean[a : b + 1]
                j = a + int(values.argmax() if side == "above" else values.argmin())
                window = (int(p.first_step[a]), int(p.last_step[b]))
                verb = "starts" if position == "start" else "ends"
                text = (
                    f"{p.run}'s {p.metric} {verb} off-scale: {fmt_value(float(p.mean[j]))} "
                    f"at step {int(round(float(p.x[j])))}, far {side} the "
                    f"{fmt_value(lo)}-{fmt_value(hi)} band where the chart's runs settle "
                    f"({fmt_steps(*window)})."
                )
                findings.append(
                    Finding(
                        type="off_scale",
                        metric=p.metric,
                        runs=(p.run,),
                        text=text,
                        step=int(round(float(p.x[j]))),
                        window=window,
                        value=float(p.mean[j]),
                        direction="up" if side == "above" else "down",
                        detail={
                            "position": position,
                            "band": [lo, hi],
                            "margin": margin,
                            "excess": (float(p.mean[j]) - (hi if side == "above" else lo)) / margin,
                        },
                    )
                )
    return findings


def on_scale_part(p: Prepared, findings: Sequence[Finding]) -> Prepared:
    """``p`` without the off-scale start and end named in ``findings`` (other runs' and
    metrics' findings are ignored). Returns ``p`` itself if too little would be left."""
    start, stop = 0, p.m
    for f in findings:
        if f.type != "off_scale" or f.runs != (p.run,) or f.metric != p.metric or not f.window:
            continue
        if f.detail.get("position") == "start":
            start = max(start, int(np.searchsorted(p.last_step, f.window[1], side="right")))
        else:
            stop = min(stop, int(np.searchsorted(p.first_step, f.window[0], side="left")))
    if stop - start < MIN_DETECT_POINTS or (start == 0 and stop == p.m):
        return p
    return sliced(p, start, stop)
