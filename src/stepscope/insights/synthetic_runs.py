"""Labelled synthetic cases with several series: two runs on one metric (crossovers,
final comparison, goal handling, unequal step grids) and one run with several metrics
(co-occurrence). See :mod:`synthetic` for the common conventions.
"""

from __future__ import annotations

import numpy as np

from stepscope.insights.model import FloatArray, Goal, MetricSeries
from stepscope.insights.synthetic import (
    PEAK_TOLERANCE,
    Case,
    Label,
    bump,
    draw_length,
    draw_noise,
    draw_steps,
    shape_cases,
)

PAIR_KINDS = ("cross", "double-cross", "parallel", "same")
COOC_KINDS = ("plateau", "trough", "spike", "far-trough", "linear", "early-plateau", "far-spike")
_METRICS: dict[str, tuple[str, Goal | None]] = {
    "maximize": ("eval/accuracy/mean", None),
    "minimize": ("train/loss", None),
    "unknown": ("actor/grad_norm", None),
    "given-max": ("actor/entropy", "maximize"),
    "given-min": ("critic/values", "minimize"),
}


def _pair_curves(
    rng: np.random.Generator, kind: str, t: FloatArray
) -> tuple[FloatArray, FloatArray, list[float]]:
    """Two clean curves (``a``, ``b``) of range about 1 and where ``a - b`` changes sign."""
    base = 1.0 - np.exp(-t / rng.uniform(0.1, 0.3))
    if kind == "cross":
        a = 1.0 - np.exp(-t / rng.uniform(0.03, 0.08))
        level_b = rng.uniform(1.4, 1.7)
        # b reaches 1 (where it crosses a, nearly) at t_cross in [0.25, 0.7]
        tau_b = -rng.uniform(0.25, 0.7) / np.log(1.0 - 1.0 / level_b)
        b = level_b * (1.0 - np.exp(-t / tau_b))
    elif kind == "double-cross":
        t1 = rng.uniform(0.2, 0.35)
        t2 = t1 + rng.uniform(0.3, 0.4)
        gap = (t - t1) * (t - t2) / ((t2 - t1) / 2.0) ** 2
        a = base
        b = base + 0.3 * np.clip(gap, -1.0, 1.0)
    elif kind == "parallel":
        a = base
        b = base + rng.choice([-1.0, 1.0]) * rng.uniform(0.15, 0.3)
    else:
        a = b = base
    d = a - b
    flips = np.flatnonzero(np.sign(d[1:]) * np.sign(d[:-1]) < 0)
    return a, b, [float(t[i]) for i in flips] if kind in ("cross", "double-cross") else []


def pair_case(rng: np.random.Generator, index: int, kind: str, max_length: int) -> Case:
    """Two runs on one metric; run ``b`` may be logged on a coarser or shorter grid."""
    goal_kind = str(rng.choice(list(_METRICS)))
    metric, given = _METRICS[goal_kind]
    goal = given or (goal_kind if goal_kind in ("maximize", "minimize") else None)
    n = draw_length(rng, max_length)
    steps_a = draw_steps(rng, n)
    coarse = int(rng.choice([1, 1, 2, 3]))
    keep = max(30, int(n * rng.choice([1.0, 1.0, 0.9])) // coarse)
    steps_b = steps_a[::coarse][:keep]
    t = np.linspace(0.0, 1.0, n)
    a, b, flips = _pair_curves(rng, kind, t)
    if rng.random() < 0.5:
        a, b = -a, -b
    amp = 10 ** rng.uniform(-3, 3)
    level = amp * rng.uniform(-5, 5)
    sigma = amp * rng.uniform(0.005, 0.03 if n < 300 else 0.08)
    va = level + amp * a + draw_noise(rng, n, sigma)
    vb_full = level + amp * b
    vb = vb_full[::coarse][:keep] + draw_noise(rng, steps_b.size, sigma)
    span = float(min(steps_a[-1], steps_b[-1]) - steps_a[0])
    labels: list[Label] = []
    end_b_t = (float(steps_b[-1]) - float(steps_a[0])) / float(steps_a[-1] - steps_a[0])
    for ft in flips:
        if ft > end_b_t - 0.05:
            continue
        i = int(round(ft * (n - 1)))
        upper_after = "a" if a[min(i + 1, n - 1)] > b[min(i + 1, n - 1)] else "b"
        lower_after = "b" if upper_after == "a" else "a"
        runs = (lower_after, upper_after) if goal == "minimize" else (upper_after, lower_after)
        step = float(steps_a[0]) + ft * float(steps_a[-1] - steps_a[0])
        labels.append(Label("crossover", metric, runs, step=step, tolerance=PEAK_TOLERANCE * span))
    if goal is not None and kind != "same":
        j = min(int(round(end_b_t * (n - 1))), n - 1)
        higher = "a" if a[j] > b[j] else "b"
        lower = "b" if higher == "a" else "a"
        labels.append(Label("final_comparison", metric, (higher if goal == "maximize" else lower,)))
    series = (
        MetricSeries("a", metric, steps_a, va, given),
        MetricSeries("b", metric, steps_b, vb, given),
    )
    name = f"pair-{index:03d}-{kind}-{goal_kind}-n{n}"
    return Case(name, series, tuple(labels), frozenset({"crossover", "final_comparison"}))


def cooc_case(rng: np.random.Generator, index: int, kind: str, max_length: int) -> Case:
    """One run with an anomaly in metric ``A``, a candidate partner ``B`` and a bystander."""
    n = draw_length(rng, max(max_length, 60))
    n = max(n, 60)
    steps = draw_steps(rng, n)
    t = np.linspace(0.0, 1.0, n)
    span = float(steps[-1] - steps[0])
    center, width = rng.uniform(0.4, 0.7), rng.uniform(0.04, 0.08)
    half = 1.18 * width
    noise = rng.uniform(0.005, 0.05)
    a = bump(t, center, width)
    b = t.copy()
    spike_at: int | None = None
    related = kind in ("plateau", "trough", "spike")
    if kind == "plateau":
        start = center - half
        b = np.minimum(t / start, 1.0) + np.maximum(t - (center + 2 * half), 0.0)
    elif kind == "trough":
        b = -bump(t, center, width)
    elif kind == "far-trough":
        center = rng.uniform(0.35, 0.45)
        a = bump(t, center, width)
        b = -bump(t, center + 0.45, width)
    elif kind == "early-plateau":
        b = np.minimum(t / max(center - half - 0.3, 0.05), 1.0)
    elif kind in ("spike", "far-spike"):
        spike_at = int(round(rng.uniform(0.3, 0.7) * (n - 1)))
        a = 0.2 * t
    values_a = a + draw_noise(rng, n, noise)
    values_b = b + draw_noise(rng, n, noise)
    if spike_at is not None:
        values_a[spike_at] += 1.0
        apart = n // 4 if spike_at < n // 2 else -(n // 4)
        values_b[spike_at if kind == "spike" else spike_at + apart] -= 1.0
    bystander = 0.5 * t + draw_noise(rng, n, noise)
    labels = []
    if related:
        at = float(steps[spike_at]) if spike_at is not None else float(steps[0]) + center * span
        labels.append(
            Label(
                "co_occurrence",
                "A",
                ("run",),
                step=at,
                tolerance=PEAK_TOLERANCE * span + (half * span if spike_at is None else 0.0),
                related="B",
            )
        )
    series = tuple(
        MetricSeries("run", name, steps, v)
        for name, v in (("A", values_a), ("B", values_b), ("C", bystander))
    )
    name = f"cooc-{index:03d}-{kind}-n{n}"
    return Case(name, series, tuple(labels), frozenset({"co_occurrence"}))


def pair_cases(rng: np.random.Generator, per_kind: int, max_length: int) -> list[Case]:
    """``per_kind`` two-run cases of every kind."""
    return [
        pair_case(rng, i * len(PAIR_KINDS) + k, kind, max_length)
        for i in range(per_kind)
        for k, kind in enumerate(PAIR_KINDS)
    ]


def cooc_cases(rng: np.random.Generator, per_kind: int, max_length: int) -> list[Case]:
    """``per_kind`` co-occurrence cases of every kind (three related, four not)."""
    return [
        cooc_case(rng, i * len(COOC_KINDS) + k, kind, max_length)
        for i in range(per_kind)
        for k, kind in enumerate(COOC_KINDS)
    ]


def benchmark_cases(
    seed: int, per_kind: tuple[int, int, int] = (30, 20, 10), max_length: int = 100_000
) -> list[Case]:
    """The full labelled set: ``per_kind`` = (shape, pair, co-occurrence) cases per kind.

    The defaults give 7x30 + 4x20 + 7x10 = 360 cases; the same seed gives the same cases.
    """
    rng = np.random.default_rng(seed)
    shapes, pairs, coocs = per_kind
    return (
        shape_cases(rng, shapes, max_length)
        + pair_cases(rng, pairs, max_length)
        + cooc_cases(rng, coocs, max_length)
    )
