"""Which run ends better on a metric, by how much, and who led early.

Each run's *end level* is read from its bucket means over the last ``END_FRACTION`` of
the step range (at least one point) with a robust line fit evaluated at the last step
(see :func:`level_at`), so one noisy last point does not decide and runs logged at
different steps are compared at the same step. When runs end more than
``SAME_END_FRACTION`` of the step range apart, all are read at the last step they all
reach. The best
run (by the goal; highest
when the goal is unknown) is the ``leader`` only when the goal is known and its margin
over the runner-up exceeds ``DECISIVE_SIGMAS`` x the noise of the two end levels;
otherwise the finding says the runs end level, or that the goal is unknown.

The *early leader* is the run ahead for most of the first ``EARLY_FRACTION`` of the
common step range; the text mentions it when it is not the final leader.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from stepscope.insights.align import common_range, grid_over, on_grid
from stepscope.insights.goals import GoalSource
from stepscope.insights.model import Finding, Goal, JSONValue
from stepscope.insights.prepare import Prepared
from stepscope.insights.wording import better_word, fmt_signed, fmt_value, join_names

END_FRACTION = 0.05
SAME_END_FRACTION = 0.02
DECISIVE_SIGMAS = 3.0
EARLY_FRACTION = 1.0 / 3.0


def level_at(p: Prepared, step: float, width: float) -> tuple[float, float]:
    """``p``'s level at ``step`` from its bucket means in ``[step - width, step]`` (or the
    nearest bucket), and the standard error of that level.

    The level is a robust (Theil-Sen) line through those points evaluated at ``step``,
    so runs logged at different steps are compared at the same step even on a slope.
    """
    lo = int(np.searchsorted(p.x, step - width, side="left"))
    hi = int(np.searchsorted(p.x, step, side="right"))
    if hi <= lo:
        lo = p.index_of_step(step)
        hi = lo + 1
    x, y = p.x[lo:hi], p.mean[lo:hi]
    k = x.size
    slope = 0.0
    if k > 1:
        i, j = np.triu_indices(k, 1)
        apart = x[j] > x[i]  # repeated steps carry no slope information
        if apart.any():
            i, j = i[apart], j[apart]
            slope = float(np.median((y[j] - y[i]) / (x[j] - x[i])))
    level = float(np.median(y - slope * x)) + slope * step
    leverage = 1.0 if k < 3 else 4.0
    return level, 1.25 * p.sigma_level * p.correlation_factor * math.sqrt(leverage / k)


def early_leader(group: Sequence[Prepared], goal: Goal | None) -> str | None:
    """The run ahead (by goal; highest if unknown) over most of the early common range."""
    span = common_range(group)
    if len(group) < 2 or span is None or span[1] <= span[0]:
        return None
    lo, hi = span
    grid = grid_over(group, lo, lo + EARLY_FRACTION * (hi - lo))
    curves = np.vstack([on_grid(p, grid) for p in group])
    best = curves.argmin(axis=0) if goal == "minimize" else curves.argmax(axis=0)
    return group[int(np.bincount(best, minlength=len(group)).argmax())].run


def final_comparison(
    group: Sequence[Prepared], goal: Goal | None, source: GoalSource
) -> Finding | None:
    """The ``final_comparison`` finding for one chart, or None with fewer than two runs."""
    runs = [p for p in group if p.m]
    if len(runs) < 2:
        return None
    x0 = min(float(p.x[0]) for p in runs)
    last = [float(p.x[-1]) for p in runs]
    x_end = max(last)
    width = END_FRACTION * max(x_end - x0, 0.0)
    at_step: int | None = None
    if x_end - min(last) > SAME_END_FRACTION * max(x_end - x0, 1.0):
        at_step = int(round(min(last)))
        ends = [level_at(p, min(last), width) for p in runs]
    else:
        ends = [level_at(p, float(p.x[-1]), width) for p in runs]
    order = sorted(range(len(runs)), key=lambda i: ends[i][0], reverse=goal != "minimize")
    first, second = order[0], order[1]
    margin = abs(ends[first][0] - ends[second][0])
    noise = math.hypot(ends[first][1], ends[second][1])
    scale = max(abs(ends[first][0]), abs(ends[second][0]))
    decisive = margin > DECISIVE_SIGMAS * noise and margin > 1e-9 * scale
    best = runs[first].run
    best_value, runner_value = ends[first][0], ends[second][0]
    metric = runs[0].metric
    where = f" at step {at_step}, the last step all runs reach" if at_step is not None else ""
    others = [f"{fmt_value(ends[i][0])} for {runs[i].run}" for i in order[1:]]
    relative = margin / abs(runner_value) if runner_value != 0 else None
    leader: str | None = None
    if goal is None:
        text = (
            f"{metric} has no known goal (its name gives no hint), so no run is called "
            f"better; {best} ends highest{where}: {fmt_value(best_value)} vs "
            f"{join_names(others)}."
        )
    elif not decisive:
        text = (
            f"{join_names([runs[i].run for i in order])} end level on {metric}{where} "
            f"({fmt_value(best_value)} vs {fmt_value(runner_value)}; the gap is within the noise)."
        )
    else:
        leader = best
        pct = f", {relative:.0%}" if relative is not None else ""
        text = (
            f"{best} ends with the {better_word(goal)} {metric}{where}: "
            f"{fmt_value(best_value)} vs {join_names(others)} "
            f"({fmt_signed(best_value - runner_value)}{pct})."
        )
    early = early_leader(runs, goal)
    if leader is not None and early is not None and early != leader:
        text += f" {early} led early, but the lead did not last."
    detail: dict[str, JSONValue] = {
        "ends": {runs[i].run: ends[i][0] for i in order},
        "ranking": [runs[i].run for i in order],
        "decisive": decisive,
        "goal_source": source,
        "relative_margin": relative,
        "early_leader": early,
        "at_step": at_step,
    }
    return Finding(
        type="final_comparison",
        metric=metric,
        runs=tuple(runs[i].run for i in order),
        text=text,
        step=at_step if at_step is not None else int(round(x_end)),
        value=best_value,
        leader=leader,
        margin=margin,
        goal=goal,
        detail=detail,
    )
