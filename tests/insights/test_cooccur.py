"""Anomalies in one metric lining up with changes in another of the same run."""

from __future__ import annotations

import numpy as np

from stepscope.insights import MetricSeries, analyze

from .helpers import noisy

T = np.linspace(0.0, 1.0, 301)
STEPS = np.arange(301)
HUMP = np.exp(-0.5 * ((T - 0.6) / 0.06) ** 2)


def _co(**metrics: np.ndarray) -> list:  # type: ignore[type-arg]
    data = [MetricSeries("blue", name, STEPS, v) for name, v in metrics.items()]
    return [f for f in analyze(data).findings if f.type == "co_occurrence"]


def test_hump_coincides_with_a_plateau_in_another_metric() -> None:
    start = 0.6 - 0.07
    acc = np.minimum(T / start, 1.0) + np.maximum(T - 0.75, 0.0)
    (f,) = _co(kl=noisy(HUMP, 0.01, 1), acc=noisy(acc, 0.01, 2), other=noisy(0.5 * T, 0.01, 3))
    assert f.metric == "kl" and f.metrics == ("kl", "acc") and f.runs == ("blue",)
    assert f.detail["anomaly"] == "peak"
    assert f.detail["relations"] == [{"metric": "acc", "kind": "plateau", "step": None}]
    assert f.window is not None and f.window[0] <= 180 <= f.window[1]
    assert f.text.startswith("blue's kl peak (steps ") and "its acc plateau" in f.text


def test_peak_and_trough_at_the_same_time_are_reported_once() -> None:
    found = _co(kl=noisy(HUMP, 0.01, 1), entropy=noisy(-HUMP, 0.01, 2))
    assert len(found) == 1 and set(found[0].metrics) == {"kl", "entropy"}


def test_spikes_at_the_same_step_coincide() -> None:
    a, b = noisy(0.2 * T, 0.005, 1), noisy(T, 0.005, 2)
    a[150] += 1.0
    b[150] -= 1.0
    (f,) = _co(a=a, b=b)
    assert f.detail["anomaly"] == "spike" and f.step == 150 and set(f.metrics) == {"a", "b"}


def test_unrelated_metrics_do_not_coincide() -> None:
    early_plateau = np.minimum(T / 0.15, 1.0)
    far_trough = -np.exp(-0.5 * ((T - 0.15) / 0.04) ** 2)
    assert _co(kl=noisy(HUMP, 0.01, 1), lin=noisy(T, 0.01, 2)) == []
    assert _co(kl=noisy(HUMP, 0.01, 1), plateau=noisy(early_plateau, 0.01, 3)) == []
    assert _co(kl=noisy(HUMP, 0.01, 1), trough=noisy(far_trough, 0.01, 4)) == []


def test_a_single_metric_has_nothing_to_coincide_with() -> None:
    assert _co(kl=noisy(HUMP, 0.01, 1)) == []
