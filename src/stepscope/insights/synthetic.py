"""Labelled synthetic cases for measuring the engine: single series with known shapes,
peaks, spikes and off-scale starts. Pairs of runs and multi-metric runs live in
:mod:`synthetic_runs`; matching and scoring in :mod:`scoring`.

Every case is built from a clean curve on ``t`` in ``[0, 1]`` mapped to ``n`` steps
(``n`` log-uniform in ``[30, max_length]``, stride 1-10, random offset), scaled by an
amplitude ``A`` from 1e-3 to 1e3 around a level of up to ``5A``, plus Gaussian noise of
0.5-12% of ``A`` (at most 6% below 300 points), correlated over 2-4 points in a third of
the cases. Labels state what a careful reader of the
clean curve would say; a label that sits too close to a definition's threshold to call
is not guessed: that finding type is then left unscored for the case.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from stepscope.insights.model import FloatArray, IntArray, MetricSeries

SHAPE_KINDS = ("rising", "falling", "flat", "rise-then-plateau", "hump", "dip", "oscillating")
PEAK_TOLERANCE = 0.1
"""A peak, trough, crossover or co-occurrence matches within this fraction of the span."""
SPIKE_TOLERANCE = 0.01
OFF_SCALE_CLEAR = 1.5
OFF_SCALE_NONE = 0.6


@dataclass(frozen=True)
class Label:
    """One expected finding. ``step`` and ``tolerance`` are in steps; ``related`` is the
    second metric of a co-occurrence; ``runs`` follows the engine's order."""

    type: str
    metric: str
    runs: tuple[str, ...]
    step: float | None = None
    tolerance: float = 0.0
    shape: str | None = None
    direction: str | None = None
    position: str | None = None
    related: str | None = None


@dataclass(frozen=True)
class Case:
    """Input series, expected findings, and the finding types this case scores."""

    name: str
    series: tuple[MetricSeries, ...]
    labels: tuple[Label, ...]
    scored: frozenset[str]


def draw_length(rng: np.random.Generator, max_length: int) -> int:
    """A series length, log-uniform in ``[30, max_length]``."""
    return int(round(np.exp(rng.uniform(np.log(30), np.log(max(max_length, 30))))))


def draw_steps(rng: np.random.Generator, n: int) -> IntArray:
    """``n`` increasing steps with a random stride and start."""
    stride = int(rng.choice([1, 1, 1, 2, 5, 10]))
    start = int(rng.choice([0, 0, stride * int(rng.integers(1, 50))]))
    return (start + stride * np.arange(n)).astype(np.int64)


def draw_noise(rng: np.random.Generator, n: int, sigma: float) -> FloatArray:
    """Gaussian noise of standard deviation ``sigma``; for a third of the cases a moving
    average over 2-4 points, so neighbouring points are correlated as in real logs."""
    white = rng.normal(0.0, 1.0, n + 3)
    if rng.random() < 1 / 3:
        k = int(rng.integers(2, 5))
        white = np.convolve(white, np.ones(k) / np.sqrt(k), mode="same")
    out: FloatArray = sigma * white[:n]
    return out


def bump(t: FloatArray, center: float, width: float) -> FloatArray:
    """A unit Gaussian bump."""
    out: FloatArray = np.exp(-0.5 * ((t - center) / width) ** 2)
    return out


def shape_curve(
    rng: np.random.Generator, kind: str, t: FloatArray
) -> tuple[FloatArray, float | None, float | None]:
    """A clean curve of the given shape (range about 1) and its peak/trough ``t``."""
    if kind == "rising":
        return t ** rng.uniform(0.7, 1.6), None, None
    if kind == "falling":
        return 1.0 - t ** rng.uniform(0.7, 1.6), None, None
    if kind == "flat":
        return np.zeros_like(t), None, None
    if kind == "rise-then-plateau":
        if rng.random() < 0.5:
            return 1.0 - np.exp(-t / rng.uniform(0.04, 0.12)), None, None
        return np.minimum(t / rng.uniform(0.1, 0.35), 1.0), None, None
    if kind in ("hump", "dip"):
        center = rng.uniform(0.3, 0.7)
        curve = bump(t, center, rng.uniform(0.03, 0.1)) + rng.uniform(-0.15, 0.15) * t
        if kind == "hump":
            return curve, center, None
        return -curve, None, center
    cycles = min(rng.uniform(2.5, 5.0), max(2.5, t.size / 12))
    return np.sin(2 * np.pi * cycles * t + rng.uniform(0, 2 * np.pi)), None, None


def bucket_means(x: FloatArray, limit: int = 1000) -> FloatArray:
    """``x`` averaged over equal-count buckets so at most ``limit`` remain (as a chart
    that downsamples would draw it); the last bucket may be shorter."""
    if x.size <= limit:
        return x
    size = -(-x.size // limit)
    sums = np.add.reduceat(x, np.arange(0, x.size, size))
    counts = np.diff(np.append(np.arange(0, x.size, size), x.size))
    out: FloatArray = sums / counts
    return out


def off_scale_labels(
    clean: FloatArray, sigma: float, metric: str, run: str
) -> tuple[list[Label], bool, float]:
    """Off-scale labels of a clean single-run curve, whether the call is clear, and the
    fraction of the series at the start that lies beyond the margin.

    Mirrors the definition in ``docs/insights.md``: band = range over the middle 60%,
    margin = max(4 x band width, 6 sigma); the first (last) point must lie beyond it by
    more than ``OFF_SCALE_CLEAR`` margins to be labelled, less than ``OFF_SCALE_NONE``
    to be unlabelled, and the stretch beyond must be at most 20% of the series.
    """
    b = bucket_means(clean)
    m = b.size
    middle = b[int(np.ceil(0.2 * (m - 1))) : int(np.floor(0.8 * (m - 1))) + 1]
    lo, hi = float(middle.min()), float(middle.max())
    margin = max(4.0 * (hi - lo), 6.0 * sigma, 1e-12)
    labels: list[Label] = []
    clear = True
    low, high = lo - margin, hi + margin
    inside = (b >= low) & (b <= high)
    reserved = float(np.argmax(inside)) if inside.any() else float(m)
    for position, seq in (("start", b), ("end", b[::-1])):
        v = float(seq[0])
        excess = max(v - hi, lo - v) / margin
        if OFF_SCALE_NONE <= excess <= OFF_SCALE_CLEAR:
            clear = False
        if excess <= OFF_SCALE_CLEAR:
            continue
        up = v > hi
        outside = (seq > hi + margin) if up else (seq < lo - margin)
        length = int(np.argmin(outside)) if not outside.all() else m
        if length > 0.25 * m:
            continue
        if length > 0.15 * m:
            clear = False
            continue
        direction = "up" if up else "down"
        labels.append(Label("off_scale", metric, (run,), direction=direction, position=position))
    return labels, clear, reserved / m


def shape_case(rng: np.random.Generator, index: int, kind: str, max_length: int) -> Case:
    """One single-series case: shape, peak/trough, optional spikes and off-scale start."""
    n = draw_length(rng, max_length)
    steps = draw_steps(rng, n)
    t = np.linspace(0.0, 1.0, n)
    span = float(steps[-1] - steps[0])
    amp = 10 ** rng.uniform(-3, 3)
    level = amp * rng.uniform(-5, 5)
    sigma = amp * rng.uniform(0.005, 0.06 if n < 300 else 0.12)
    curve, peak_t, trough_t = shape_curve(rng, kind, t)
    metric, run = f"synthetic/{kind}", "run"
    labels = [Label("trend", metric, (run,), shape=kind)]
    for typ, where in (("peak", peak_t), ("trough", trough_t)):
        if where is not None:
            step = float(steps[0]) + where * span
            labels.append(Label(typ, metric, (run,), step=step, tolerance=PEAK_TOLERANCE * span))
    if kind in ("rising", "falling", "rise-then-plateau") and rng.random() < 0.35:
        sign = -1.0 if kind != "falling" else 1.0
        curve = curve + sign * rng.uniform(5, 20) * np.exp(-t / rng.uniform(0.004, 0.015))
    clean = level + amp * curve
    off_labels, clear, reserved = off_scale_labels(clean, sigma, metric, run)
    labels.extend(off_labels)
    values = clean + draw_noise(rng, n, sigma)
    if rng.random() < 0.4 and n >= 30:
        # spikes are looked for in the on-scale part only: keep them clear of the start
        first_spot = max(1, int(np.ceil((reserved + 0.03) * 10)))
        spots = np.arange(first_spot, 9)
        spots = rng.choice(spots, size=min(int(rng.integers(1, 4)), spots.size), replace=False)
        for spot in np.sort(spots):
            i = int(round(spot / 10.0 * (n - 1)))
            sign = 1.0 if rng.random() < 0.5 else -1.0
            height = max(amp * rng.uniform(0.3, 1.5), sigma * rng.uniform(10, 30))
            if kind == "flat":
                height = sigma * rng.uniform(10, 30)
            values[i] += sign * height
            labels.append(
                Label(
                    "spike",
                    metric,
                    (run,),
                    step=float(steps[i]),
                    tolerance=max(2.0 * float(steps[1] - steps[0]), SPIKE_TOLERANCE * span),
                    direction="up" if sign > 0 else "down",
                )
            )
    scored = {"trend", "peak", "trough", "spike"} | ({"off_scale"} if clear else set())
    series = MetricSeries(run, metric, steps, values)
    return Case(f"shape-{index:03d}-{kind}-n{n}", (series,), tuple(labels), frozenset(scored))


def shape_cases(rng: np.random.Generator, per_kind: int, max_length: int) -> list[Case]:
    """``per_kind`` cases of every shape."""
    return [
        shape_case(rng, i * len(SHAPE_KINDS) + k, kind, max_length)
        for i in range(per_kind)
        for k, kind in enumerate(SHAPE_KINDS)
    ]
