"""Key data points: each run's value at a few evenly spaced, round steps of a chart.

The steps are the chart's first and last step and, between them, the multiples of the
smallest "nice" increment (1, 2, 2.5 or 5 times a power of ten) that keeps the total at
``MAX_POINTS`` or fewer — like the ticks of a chart axis.
A run's value at a step is its bucket means interpolated there, or ``None`` outside
the steps that run covers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from stepscope.insights.align import union_range
from stepscope.insights.prepare import Prepared

MIN_POINTS = 4
MAX_POINTS = 6
_MULTIPLIERS = (1.0, 2.0, 2.5, 5.0)


@dataclass(frozen=True)
class KeyPoints:
    """``values[run][i]`` is that run's value at ``steps[i]`` (None if not covered)."""

    steps: tuple[int, ...]
    values: dict[str, tuple[float | None, ...]]


def nice_steps(lo: int, hi: int) -> list[int]:
    """``lo``, round evenly spaced steps inside ``(lo, hi)``, and ``hi``: 4 to 6 in all
    when the range has that many steps.

    >>> nice_steps(0, 30)
    [0, 10, 20, 30]
    >>> nice_steps(10, 99_999)
    [10, 20000, 40000, 60000, 80000, 99999]
    """
    if hi <= lo:
        return [lo]
    span = hi - lo
    if span < MIN_POINTS:
        return list(range(lo, hi + 1))
    exponent = max(0, math.floor(math.log10(span / MAX_POINTS)) - 1)
    while True:
        for mult in _MULTIPLIERS:
            inc = int(mult * 10**exponent)
            if inc != mult * 10**exponent:
                continue
            first = (lo // inc + 1) * inc
            inner = [t for t in range(first, hi, inc) if t - lo > inc / 4 and hi - t > inc / 4]
            if len(inner) + 2 <= MAX_POINTS:
                if len(inner) + 2 < MIN_POINTS:
                    return [int(round(t)) for t in np.linspace(lo, hi, MIN_POINTS)]
                return [lo, *inner, hi]
        exponent += 1


def key_points(group: Sequence[Prepared]) -> KeyPoints:
    """Key data points of one chart (its runs' prepared series)."""
    span = union_range(group)
    if span is None:
        return KeyPoints(steps=(), values={p.run: () for p in group})
    steps = nice_steps(int(math.floor(span[0])), int(math.ceil(span[1])))
    at = np.array(steps, dtype=np.float64)
    values: dict[str, tuple[float | None, ...]] = {}
    for p in group:
        if not p.m:
            values[p.run] = tuple(None for _ in steps)
            continue
        inside = (at >= p.first_step[0]) & (at <= p.last_step[-1])
        interp = np.interp(at, p.x, p.mean)
        values[p.run] = tuple(
            float(v) if ok else None for v, ok in zip(interp.tolist(), inside.tolist(), strict=True)
        )
    return KeyPoints(steps=tuple(steps), values=values)
