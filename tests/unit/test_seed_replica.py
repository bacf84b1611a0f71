"""The replica matches what the seed's text says about the reference dashboard.

The expectations below are transcribed from the seed's "Detailed Analysis" on their own,
not imported from the module, so a wrong anchor in the module fails here.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest

from stepscope.demo.seed_replica import (
    RUN_NAMES,
    SEED_METRICS,
    monotone_cubic,
    replica_series,
)

ACC = "eval/math-eval/accuracy/mean"
ENT = "actor/entropy_loss"
KL = "actor/kl_loss"
TOLERANCE = {ACC: 0.015, ENT: 0.02, KL: 0.08}
SEEDS = [0, 1, 2, 7, 12345]

# (run, metric, step, approximate value) as the seed states them.
SEED_POINTS = [
    ("blue", ACC, 0, 0.22), ("blue", ACC, 5, 0.33), ("blue", ACC, 12, 0.35),
    ("blue", ACC, 15, 0.32), ("blue", ACC, 20, 0.32), ("blue", ACC, 25, 0.32),
    ("blue", ACC, 30, 0.31),
    ("red", ACC, 0, 0.24), ("red", ACC, 5, 0.325), ("red", ACC, 15, 0.34),
    ("red", ACC, 20, 0.355), ("red", ACC, 25, 0.33), ("red", ACC, 30, 0.35),
    ("blue", ENT, 5, 0.13), ("blue", ENT, 10, 0.07), ("blue", ENT, 15, 0.09),
    ("blue", ENT, 22, 0.07), ("blue", ENT, 30, 0.02),
    ("red", ENT, 5, 0.11), ("red", ENT, 15, 0.07), ("red", ENT, 22, 0.12),
    ("red", ENT, 30, 0.06),
    ("blue", KL, 0, 0.0), ("blue", KL, 5, 0.2), ("blue", KL, 10, 0.5),
    ("blue", KL, 20, 1.05), ("blue", KL, 30, 0.55),
    ("red", KL, 0, 0.0), ("red", KL, 5, 0.5), ("red", KL, 10, 0.55),
    ("red", KL, 20, 0.45), ("red", KL, 30, 0.4),
]  # fmt: skip


def values(seed: int, run: str, metric: str) -> npt.NDArray[np.float64]:
    return replica_series(seed)[run][metric][1]


def test_shape_of_the_result() -> None:
    assert SEED_METRICS == (ACC, ENT, KL)
    assert RUN_NAMES == ("red", "blue")
    series = replica_series()
    assert tuple(series) == RUN_NAMES
    for run in RUN_NAMES:
        assert tuple(series[run]) == SEED_METRICS
        for steps, vals in series[run].values():
            assert steps.dtype == np.int64 and vals.dtype == np.float64
            np.testing.assert_array_equal(steps, np.arange(31))
            assert vals.shape == (31,)
            assert np.all(np.isfinite(vals)) and np.all(vals >= 0)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(("run", "metric", "step", "expected"), SEED_POINTS)
def test_key_data_points(seed: int, run: str, metric: str, step: int, expected: float) -> None:
    assert values(seed, run, metric)[step] == pytest.approx(expected, abs=TOLERANCE[metric])


@pytest.mark.parametrize("seed", SEEDS)
def test_red_overtakes_blue_in_accuracy_around_step_15(seed: int) -> None:
    red, blue = values(seed, "red", ACC), values(seed, "blue", ACC)
    assert np.all(red[15:] > blue[15:])
    assert np.all(red[5:13] <= blue[5:13] + 0.005)
    assert int(np.argmax(blue)) in range(10, 15)  # blue peaks early, near step 12
    assert red[18:23].max() >= red.max() - 0.006  # red's peak is near step 20 (up to noise)


@pytest.mark.parametrize("seed", SEEDS)
def test_entropy_landmarks(seed: int) -> None:
    red, blue = values(seed, "red", ENT), values(seed, "blue", ENT)
    assert red[0] > 0.2 and blue[0] > 0.2  # both start off the chart's 0-0.2 axis
    assert red[0] > red[5] and blue[0] > blue[5]
    assert int(np.argmax(red[10:])) + 10 in range(20, 25)  # red's notable peak near 22
    assert red[10:].max() == pytest.approx(0.12, abs=0.02)
    assert np.all((red[5:26] >= 0.055) & (red[5:26] <= 0.13))
    assert blue[30] == pytest.approx(0.02, abs=0.01)
    assert int(np.argmin(blue)) == 30
    assert blue[30] < red[30]


@pytest.mark.parametrize("seed", SEEDS)
def test_kl_landmarks(seed: int) -> None:
    red, blue = values(seed, "red", KL), values(seed, "blue", KL)
    assert blue[18:23].max() >= 1.0
    assert int(np.argmax(blue)) in range(18, 23)
    assert blue[30] < 0.6 * blue.max()  # a hump, not a plateau
    assert np.all((red[5:] >= 0.35) & (red[5:] <= 0.65))
    assert red.max() < 0.65 < blue.max()


def test_same_seed_same_series_other_seed_other_noise() -> None:
    a, b, c = replica_series(3), replica_series(3), replica_series(4)
    for run in RUN_NAMES:
        for metric in SEED_METRICS:
            np.testing.assert_array_equal(a[run][metric][1], b[run][metric][1])
            assert not np.array_equal(a[run][metric][1], c[run][metric][1])


def test_monotone_cubic_hits_anchors_and_does_not_overshoot() -> None:
    x = np.array([0.0, 2.0, 3.0, 7.0, 10.0])
    y = np.array([0.0, 1.0, 1.0, 0.2, 0.5])
    np.testing.assert_allclose(monotone_cubic(x, y, x), y, atol=1e-12)
    at = np.linspace(0.0, 10.0, 201)
    curve = monotone_cubic(x, y, at)
    for lo, hi, y0, y1 in zip(x[:-1], x[1:], y[:-1], y[1:], strict=True):
        inside = curve[(at >= lo) & (at <= hi)]
        assert inside.min() >= min(y0, y1) - 1e-12
        assert inside.max() <= max(y0, y1) + 1e-12
    assert np.all(np.diff(curve[(at >= 3.0) & (at <= 7.0)]) <= 1e-12)
