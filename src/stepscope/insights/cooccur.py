"""Co-occurrence: an anomaly in one metric of a run lining up with a change in another.

The anomalies are the run's ``peak``, ``trough`` and ``spike`` findings, most prominent
first. For each, every other metric of the same run is checked against the anomaly's
window (widened by ``SLACK_FRACTION`` of the run's step range on both sides):

* **extreme** — for a peak or trough: the other metric has a peak or trough whose step
  lies in the widened window ("coincides with its accuracy trough"); for a spike: the
  other metric has a spike within ``SPIKE_SLACK_FRACTION`` of the step range;
* **plateau** (peak and trough anomalies only) — on the other metric's smoothed curve,
  the movement (max - min) inside the window is at most ``PLATEAU_FRACTION`` of its
  range, while over an equally long stretch just before the window it moved at least
  ``PLATEAU_BEFORE_RATIO`` times as much and at least ``PLATEAU_BEFORE_FRACTION`` of its
  range — it stopped moving when the anomaly began. Flat metrics never plateau.

A pair of metrics is reported once per overlapping window, whichever anomaly is found
first; the sentence names at most ``MAX_RELATED`` related metrics (extremes first),
``metrics`` and ``detail["relations"]`` list them all.

All metrics of a run are interpolated onto one grid of ``GRID_POINTS`` steps, so the
plateau test is a few vectorised reductions per anomaly. An anomaly already named as
another's related extreme is not reported again as a primary.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from stepscope.insights.align import union_range
from stepscope.insights.model import Finding, JSONValue, Shape
from stepscope.insights.prepare import MIN_DETECT_POINTS, Prepared
from stepscope.insights.wording import fmt_steps, join_names

SLACK_FRACTION = 0.05
SPIKE_SLACK_FRACTION = 0.005
MAX_RELATED = 6
PLATEAU_FRACTION = 0.15
PLATEAU_BEFORE_RATIO = 3.0
PLATEAU_BEFORE_FRACTION = 0.08
GRID_POINTS = 400
ANOMALY_TYPES = ("peak", "trough", "spike")
_KIND_WORDS = {"peak": "peak", "trough": "trough", "spike": "spike", "plateau": "plateau"}


def _significance(f: Finding) -> float:
    if f.type == "spike":
        height, threshold = f.detail.get("height"), f.detail.get("threshold")
        if isinstance(height, float) and isinstance(threshold, float) and threshold > 0:
            return height / threshold / 100.0
        return 0.0
    frac = f.detail.get("prominence_fraction")
    return 1.0 + frac if isinstance(frac, float) else 1.0


def co_occurrence_findings(
    run_series: Sequence[Prepared],
    anomalies: Mapping[str, Sequence[Finding]],
    shapes: Mapping[str, Shape],
) -> list[Finding]:
    """Co-occurrence findings of one run (``run_series`` all belong to it).

    ``anomalies`` maps each metric to its peak/trough/spike findings and ``shapes`` to
    its trend shape.
    """
    series = [p for p in run_series if p.m >= MIN_DETECT_POINTS]
    span = union_range(series)
    if len(series) < 2 or span is None or span[1] <= span[0]:
        return []
    grid = np.linspace(span[0], span[1], GRID_POINTS)
    curves = np.vstack([np.interp(grid, p.x, p.smooth) for p in series])
    starts = np.array([float(p.x[0]) for p in series])
    ends = np.array([float(p.x[-1]) for p in series])
    ranges = curves.max(axis=1) - curves.min(axis=1)
    movable = np.array([shapes.get(p.metric) != "flat" for p in series]) & (ranges > 0)
    slack = SLACK_FRACTION * (span[1] - span[0])
    primaries = [f for p in series for f in anomalies.get(p.metric, ()) if f.type in ANOMALY_TYPES]
    primaries.sort(key=lambda f: -_significance(f))
    named: set[tuple[str, str, int | None]] = set()
    out: list[Finding] = []
    for a in primaries:
        if (a.metric, a.type, a.step) in named or a.window is None:
            continue
        if a.type == "spike":
            reach = SPIKE_SLACK_FRACTION * (span[1] - span[0])
            lo, hi = a.window[0] - reach, a.window[1] + reach
            kinds: tuple[str, ...] = ("spike",)
        else:
            lo, hi = a.window[0] - slack, a.window[1] + slack
            kinds = ("peak", "trough")
        related: list[tuple[str, str, Finding | None]] = []
        for f in primaries:
            if (
                f.type in kinds
                and f.metric != a.metric
                and f.step is not None
                and lo <= f.step <= hi
                and all(r[0] != f.metric for r in related)
            ):
                related.append((f.metric, f.type, f))
        if a.type != "spike":
            ia = int(np.searchsorted(grid, a.window[0], side="left"))
            ib = int(np.searchsorted(grid, a.window[1], side="right")) - 1
            length = ib - ia + 1
            if length >= 3 and ia - length >= 0:
                inside = np.ptp(curves[:, ia : ib + 1], axis=1)
                before = np.ptp(curves[:, ia - length : ia], axis=1)
                covered = (starts <= grid[ia - length]) & (ends >= grid[ib])
                plateau = (
                    movable
                    & covered
                    & (inside <= PLATEAU_FRACTION * ranges)
                    & (before >= PLATEAU_BEFORE_RATIO * inside)
                    & (before >= PLATEAU_BEFORE_FRACTION * ranges)
                )
                for k in np.flatnonzero(plateau).tolist():
                    metric = series[k].metric
                    if metric != a.metric and all(r[0] != metric for r in related):
                        related.append((metric, "plateau", None))
        related = [
            r
            for r in related
            if not any(
                r[0] in (f.metrics or ())
                and a.metric in (f.metrics or ())
                and f.window is not None
                and f.window[0] <= a.window[1]
                and a.window[0] <= f.window[1]
                for f in out
            )
        ]
        if not related:
            continue
        omitted = max(0, len(related) - MAX_RELATED)
        for _, _, other in related:
            if other is not None:
                named.add((other.metric, other.type, other.step))
        named.add((a.metric, a.type, a.step))
        run = series[0].run
        phrases = [f"its {metric} {_KIND_WORDS[kind]}" for metric, kind, _ in related[:MAX_RELATED]]
        if omitted:
            phrases.append(f"{omitted} more metric(s)")
        text = (
            f"{run}'s {a.metric} {_KIND_WORDS[a.type]} ({fmt_steps(*a.window)}) coincides with "
            f"{join_names(phrases)}."
        )
        relations: list[JSONValue] = [
            {"metric": metric, "kind": kind, "step": other.step if other is not None else None}
            for metric, kind, other in related
        ]
        out.append(
            Finding(
                type="co_occurrence",
                metric=a.metric,
                metrics=(a.metric, *(metric for metric, _, _ in related)),
                runs=(run,),
                text=text,
                step=a.step,
                window=a.window,
                value=a.value,
                detail={"anomaly": a.type, "relations": relations, "omitted": omitted},
            )
        )
    return out
