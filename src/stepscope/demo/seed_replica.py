"""A replica of the reference dashboard: the seed's red and blue runs, rebuilt from its text.

The reference picture (``/work/shared/seeds/000_1897f5b2935d57e6.txt``) shows three
panels — ``eval/math-eval/accuracy/mean``, ``actor/entropy_loss``, ``actor/kl_loss`` —
over steps 0-30 for two runs drawn in red and blue. Its analysis gives approximate
values at a handful of steps and describes the shape in between. This module encodes
those values as anchor points, interpolates them with a monotone cubic (which passes
through every anchor and never overshoots between two of them) at every integer step,
and adds light, bounded, seeded noise so the lines look logged rather than drawn.

The noise is bounded so that the picture's landmarks survive any seed: every point
stays within 0.003 (accuracy), 4.5% (entropy) or 4% (KL) of the interpolated curve;
red overtakes blue in accuracy between steps 12 and 15; red's entropy peaks near 0.12
at step 22; blue's entropy ends near 0.02; blue's KL hump tops 1.0 around step 20.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

SEED_METRICS: tuple[str, ...] = (
    "eval/math-eval/accuracy/mean",
    "actor/entropy_loss",
    "actor/kl_loss",
)
"""The three panels of the reference dashboard, left to right."""

RUN_NAMES: tuple[str, ...] = ("red", "blue")
"""The reference dashboard's two runs, named by their line colour."""

LAST_STEP = 30

# Anchor points as (step, value). Values at the steps marked "seed" are read from the
# seed's "Detailed Analysis" (its trend text and "Key Data Points"); the rest are
# shape anchors placed to follow its wording ("rises steeply", "fluctuates between
# ~0.06 and 0.11", "accelerates sharply", ...). The seed only says entropy starts
# "off-chart (>0.2)"; 0.5-0.55 is our choice.
_ANCHORS: dict[str, dict[str, tuple[tuple[int, float], ...]]] = {
    "blue": {
        "eval/math-eval/accuracy/mean": (
            (0, 0.22), (1, 0.26), (2, 0.29), (3, 0.31),
            (5, 0.33),  # seed
            (8, 0.342),
            (12, 0.35),  # seed: peak
            (15, 0.32), (18, 0.322), (20, 0.32), (22, 0.318), (25, 0.32),  # seed: plateau
            (28, 0.314),
            (30, 0.31),  # seed
        ),
        "actor/entropy_loss": (
            (0, 0.55), (1, 0.38), (2, 0.27), (3, 0.20), (4, 0.16),
            (5, 0.13),  # seed
            (6, 0.11), (7, 0.115), (8, 0.09), (9, 0.085),
            (10, 0.07),  # seed
            (12, 0.075),
            (15, 0.09),  # seed: minor rise
            (18, 0.08),
            (22, 0.07),  # seed
            (25, 0.05), (28, 0.032),
            (30, 0.02),  # seed: lowest point
        ),
        "actor/kl_loss": (
            (0, 0.0), (2, 0.06),
            (5, 0.2),  # seed
            (8, 0.36),
            (10, 0.5),  # seed
            (12, 0.6), (15, 0.82), (18, 0.99),
            (20, 1.05),  # seed: peak
            (22, 1.0), (25, 0.85), (28, 0.66),
            (30, 0.55),  # seed
        ),
    },
    "red": {
        "eval/math-eval/accuracy/mean": (
            (0, 0.24), (1, 0.27), (2, 0.295), (3, 0.31),
            (5, 0.325),  # seed
            (8, 0.328), (10, 0.332), (12, 0.335),
            (15, 0.34),  # seed: has overtaken blue
            (18, 0.35),
            (20, 0.355),  # seed: peak
            (22, 0.345),
            (25, 0.33),  # seed: dip
            (28, 0.342),
            (30, 0.35),  # seed
        ),
        "actor/entropy_loss": (
            (0, 0.5), (1, 0.34), (2, 0.24), (3, 0.17), (4, 0.13),
            (5, 0.11),  # seed
            (7, 0.08), (9, 0.095), (11, 0.065), (13, 0.08),
            (15, 0.07),  # seed
            (17, 0.09), (19, 0.075),
            (22, 0.12),  # seed: notable peak
            (24, 0.085), (25, 0.08), (27, 0.065),
            (30, 0.06),  # seed
        ),
        "actor/kl_loss": (
            (0, 0.0), (1, 0.15), (2, 0.28), (3, 0.38), (4, 0.45),
            (5, 0.5),  # seed
            (7, 0.58),
            (10, 0.55),  # seed
            (12, 0.47), (14, 0.56), (17, 0.5),
            (20, 0.45),  # seed
            (23, 0.55), (26, 0.43), (28, 0.48),
            (30, 0.4),  # seed
        ),
    },
}  # fmt: skip

# Noise half-widths: absolute for accuracy (an eval mean over a fixed set wobbles by a
# constant amount), relative for entropy and KL (they stay non-negative and the
# near-zero starts and ends stay near zero).
_ABSOLUTE_NOISE = {"eval/math-eval/accuracy/mean": 0.003}
_RELATIVE_NOISE = {"actor/entropy_loss": 0.045, "actor/kl_loss": 0.04}


def _pchip_slopes(x: FloatArray, y: FloatArray) -> FloatArray:
    """Fritsch-Carlson slopes: zero at local extrema, so the curve never overshoots."""
    h = np.diff(x)
    delta = np.diff(y) / h
    slopes = np.zeros_like(y)
    for k in range(1, y.size - 1):
        if delta[k - 1] * delta[k] > 0:
            w1, w2 = 2 * h[k] + h[k - 1], h[k] + 2 * h[k - 1]
            slopes[k] = (w1 + w2) / (w1 / delta[k - 1] + w2 / delta[k])
    for end, (h0, h1, d0, d1) in ((0, (h[0], h[1], delta[0], delta[1])),
                                  (-1, (h[-1], h[-2], delta[-1], delta[-2]))):  # fmt: skip
        m = ((2 * h0 + h1) * d0 - h0 * d1) / (h0 + h1)
        if np.sign(m) != np.sign(d0):
            m = 0.0
        elif np.sign(d0) != np.sign(d1) and abs(m) > 3 * abs(d0):
            m = 3 * d0
        slopes[end] = m
    return slopes


def monotone_cubic(x: FloatArray, y: FloatArray, at: FloatArray) -> FloatArray:
    """Interpolate anchors ``(x, y)`` (``x`` strictly increasing, >= 3 points) at ``at``.

    The curve passes through every anchor, is monotone wherever the anchors are, and
    stays within the range of the two anchors around each point of ``at``.
    """
    slopes = _pchip_slopes(x, y)
    i = np.clip(np.searchsorted(x, at, side="right") - 1, 0, x.size - 2)
    h = x[i + 1] - x[i]
    t = (at - x[i]) / h
    h00, h10 = 2 * t**3 - 3 * t**2 + 1, t**3 - 2 * t**2 + t
    h01, h11 = -2 * t**3 + 3 * t**2, t**3 - t**2
    out: FloatArray = h00 * y[i] + h10 * h * slopes[i] + h01 * y[i + 1] + h11 * h * slopes[i + 1]
    return out


def replica_series(seed: int = 0) -> dict[str, dict[str, tuple[IntArray, FloatArray]]]:
    """The reference dashboard's runs: ``{run: {metric: (steps, values)}}``.

    Runs are :data:`RUN_NAMES`, metrics :data:`SEED_METRICS`; steps are ``0..30`` as
    int64, values float64 of the same length. Same ``seed``, same arrays; different
    seeds differ only in the bounded noise described in the module docstring.
    """
    rng = np.random.default_rng(seed)
    steps = np.arange(LAST_STEP + 1, dtype=np.int64)
    at = steps.astype(np.float64)
    series: dict[str, dict[str, tuple[IntArray, FloatArray]]] = {}
    for run in RUN_NAMES:
        series[run] = {}
        for metric in SEED_METRICS:
            anchor_x, anchor_y = np.array(_ANCHORS[run][metric], dtype=np.float64).T
            smooth = monotone_cubic(anchor_x, anchor_y, at)
            wobble = rng.uniform(-1.0, 1.0, size=at.size)
            if metric in _ABSOLUTE_NOISE:
                values = smooth + _ABSOLUTE_NOISE[metric] * wobble
            else:
                values = smooth * (1.0 + _RELATIVE_NOISE[metric] * wobble)
            series[run][metric] = (steps.copy(), np.maximum(values, 0.0))
    return series
