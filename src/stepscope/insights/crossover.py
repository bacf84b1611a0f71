"""Crossovers: where one run's curve moves past another's on the same metric, for real.

All runs are averaged onto one grid over the steps they all cover, as fine as the
most sparsely logged run, and smoothed there alike (so a coarse grid or a different
smoothing cannot fake a lead). For every pair their difference ``d`` is read with a
dead band
``delta = max(DEADBAND_SIGMAS x noise of d, DEADBAND_FRACTION x chart range)``:
a lead is *established* where ``|d| > delta``; between establishments the previous lead
holds, so noise-level flip-flops inside the band never count. A lead held for fewer
than ``MIN_LEAD_FRACTION`` of the grid is dropped as a flicker. Each change of
established lead is one crossover, placed where ``d`` last crossed zero before the new
lead was established. With a known goal the run moving ahead is said to *overtake*
(higher is ahead for ``maximize``, lower for ``minimize``); without one the finding only
says which run moved above the other.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import combinations

import numpy as np

from stepscope.insights.align import binned_on_grid, common_range, grid_over
from stepscope.insights.model import Finding, FloatArray, Goal, IntArray
from stepscope.insights.prepare import MIN_DETECT_POINTS, Prepared
from stepscope.insights.smoothing import odd_window, rolling_mean, rolling_median
from stepscope.insights.wording import better_word

DEADBAND_SIGMAS = 3.0
DEADBAND_FRACTION = 0.03
MIN_LEAD_FRACTION = 0.03


def established_leads(d: FloatArray, delta: float, min_len: int) -> list[tuple[int, int, int]]:
    """Segments ``(start, end, sign)`` of established lead in ``d`` (sign +1: first ahead).

    ``start`` is the index where the lead was established. Leads shorter than
    ``min_len`` points are dropped and equal neighbours merged.
    """
    state = np.where(d > delta, 1, np.where(d < -delta, -1, 0))
    idx = np.where(state != 0, np.arange(d.size), -1)
    idx = np.maximum.accumulate(idx)
    filled: IntArray = np.where(idx >= 0, state[np.maximum(idx, 0)], 0)
    cuts = np.flatnonzero(filled[1:] != filled[:-1]) + 1
    starts = np.concatenate([[0], cuts])
    ends = np.concatenate([cuts - 1, [d.size - 1]])
    segments: list[tuple[int, int, int]] = []
    for a, b in zip(starts.tolist(), ends.tolist(), strict=True):
        sign = int(filled[a])
        if sign == 0 or b - a + 1 < min_len:
            continue
        if segments and segments[-1][2] == sign:
            segments[-1] = (segments[-1][0], b, sign)
        else:
            segments.append((a, b, sign))
    return segments


def _zero_crossing(grid: FloatArray, d: FloatArray, old_sign: int, new_start: int) -> float:
    before = np.flatnonzero(d[:new_start] * old_sign > 0)
    k = int(before[-1]) if before.size else 0
    if k + 1 >= d.size or d[k] == d[k + 1]:
        return float(grid[k])
    t = float(d[k] / (d[k] - d[k + 1]))
    return float(grid[k] + min(max(t, 0.0), 1.0) * (grid[k + 1] - grid[k]))


def _sentence(ahead: str, behind: str, metric: str, goal: Goal | None, step: int) -> str:
    if goal is None:
        return f"{ahead} moves above {behind} on {metric} around step {step}."
    return (
        f"{ahead} overtakes {behind} on {metric} around step {step} "
        f"({ahead} now {better_word(goal)})."
    )


def crossover_findings(group: Sequence[Prepared], goal: Goal | None) -> list[Finding]:
    """All robust crossovers between pairs of runs in one chart, in step order."""
    usable = [p for p in group if p.m >= MIN_DETECT_POINTS]
    span = common_range(usable)
    if len(usable) < 2 or span is None or span[1] <= span[0]:
        return []
    grid = grid_over(usable, *span, coarsest=True)
    median_window = odd_window(grid.size / 20, 3, 11)
    mean_window = odd_window(grid.size / 15, 1, 51)
    curves: list[FloatArray] = []
    noises: list[float] = []
    for p in usable:
        binned, per_cell = binned_on_grid(p, grid)
        curves.append(rolling_mean(rolling_median(binned, median_window), mean_window))
        spread = math.pi / 2.0 / (per_cell * mean_window)
        noises.append(p.sigma_level * p.correlation_factor * math.sqrt(spread))
    chart_range = max(float(c.max()) for c in curves) - min(float(c.min()) for c in curves)
    min_len = max(2, math.ceil(MIN_LEAD_FRACTION * grid.size))
    out: list[Finding] = []
    for (i, a), (j, b) in combinations(enumerate(usable), 2):
        d = curves[i] - curves[j]
        noise = math.hypot(noises[i], noises[j])
        level = max(float(np.abs(curves[i]).max()), float(np.abs(curves[j]).max()))
        delta = max(DEADBAND_SIGMAS * noise, DEADBAND_FRACTION * chart_range, 1e-9 * level)
        leads = established_leads(d, delta, min_len)
        for old, new in zip(leads, leads[1:], strict=False):
            at = _zero_crossing(grid, d, old[2], new[0])
            held = np.flatnonzero(d[: new[0]] * old[2] > delta)
            since = int(held[-1]) if held.size else old[0]
            step = int(round(at))
            upper, lower = (a, b) if new[2] > 0 else (b, a)
            ahead, behind = (lower, upper) if goal == "minimize" else (upper, lower)
            out.append(
                Finding(
                    type="crossover",
                    metric=a.metric,
                    runs=(ahead.run, behind.run),
                    text=_sentence(ahead.run, behind.run, a.metric, goal, step),
                    step=step,
                    window=(int(round(float(grid[since]))), int(round(float(grid[new[0]])))),
                    value=float(np.interp(at, grid, curves[i])),
                    leader=ahead.run if goal is not None else None,
                    goal=goal,
                    direction="up" if ahead is upper else "down",
                    detail={"above": upper.run, "below": lower.run, "deadband": delta},
                )
            )
    out.sort(key=lambda f: (f.step if f.step is not None else 0, f.runs))
    return out
