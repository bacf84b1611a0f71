"""Off-scale starts and ends, judged per chart."""

from __future__ import annotations

import numpy as np

from stepscope.insights.offscale import off_scale_findings, on_scale_part, settled_band

from .helpers import noisy, prepared

T = np.linspace(0.0, 1.0, 200)


def test_loss_starting_far_above_where_it_settles_is_off_scale_at_the_start() -> None:
    curve = 0.1 + 0.05 * (1 - T) + 2.0 * np.exp(-T / 0.01)
    p = prepared(noisy(curve, 0.002), run="blue", metric="actor/entropy_loss")
    found = off_scale_findings([p])
    assert len(found) == 1
    f = found[0]
    assert (f.runs, f.direction, f.detail["position"], f.step) == (("blue",), "up", "start", 0)
    assert f.window is not None and f.window[0] == 0 and 1 <= f.window[1] <= 10
    assert f.value is not None and f.value > 2.0


def test_straight_fall_and_smooth_rise_are_not_off_scale() -> None:
    assert off_scale_findings([prepared(noisy(1 - T, 0.01))]) == []
    assert off_scale_findings([prepared(noisy(np.sqrt(T), 0.01))]) == []


def test_a_run_diverging_at_the_end_is_off_scale_at_the_end() -> None:
    values = noisy(np.full(200, 1.0), 0.01)
    values[-3:] = [30.0, 60.0, 90.0]
    (f,) = off_scale_findings([prepared(values)])
    assert (f.detail["position"], f.direction, f.window) == ("end", "up", (197, 199))


def test_band_is_shared_by_the_runs_of_a_chart() -> None:
    high = prepared(noisy(0.2 + 0.8 * np.exp(-0.5 * ((T - 0.5) / 0.1) ** 2), 0.01), run="b")
    low = prepared(noisy(np.minimum(T / 0.1, 1.0) * 0.5, 0.01), run="r")
    band = settled_band([high, low])
    assert band is not None and band[0] < 0.3 and band[1] > 0.9
    # alone, the low run's quick rise from 0 would be far below its narrow band
    assert [f.runs for f in off_scale_findings([low])] == [("r",)]
    assert off_scale_findings([high, low]) == []


def test_on_scale_part_drops_only_the_off_scale_stretch() -> None:
    curve = 0.1 + 2.0 * np.exp(-T / 0.01)
    p = prepared(curve)
    findings = off_scale_findings([p])
    q = on_scale_part(p, findings)
    assert findings[0].window is not None
    assert int(q.first_step[0]) == findings[0].window[1] + 1 and q.last_step[-1] == 199
    assert on_scale_part(p, []) is p


def test_short_series_are_never_off_scale() -> None:
    assert off_scale_findings([prepared([100.0, 1.0, 1.0])]) == []
