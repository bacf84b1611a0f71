"""``analyze`` end to end: edge cases and bad input."""

from __future__ import annotations

import numpy as np
import pytest

from stepscope.insights import MetricSeries, analyze
from stepscope.insights.model import FINDING_TYPES, SHAPES

from .helpers import noisy, series

T = np.linspace(0.0, 1.0, 200)


def _types(values: object, **kw: object) -> list[str]:
    return [f.type for f in analyze([series(values, **kw)]).findings]  # type: ignore[arg-type]


@pytest.mark.parametrize("n", [0, 1, 2])
def test_very_short_series(n: int) -> None:
    report = analyze([series(np.arange(float(n)), metric="loss")])
    assert [f.type for f in report.findings] == ([] if n == 0 else ["trend"])
    if n:
        assert report.findings[0].shape == ("flat" if n == 1 else "rising")
    assert report.charts[0].empty_runs == (("r",) if n == 0 else ())


def test_constant_series_is_one_flat_trend() -> None:
    (f,) = analyze([series(np.full(1_000, 3.0))]).findings
    assert f.type == "trend" and f.shape == "flat" and f.detail["volatility"] == 0.0


def test_all_nan_series_gives_no_findings_but_is_listed_as_empty() -> None:
    report = analyze([series([np.nan] * 10, run="a"), series(T, run="b")])
    assert {f.runs for f in report.findings} == {("b",)}
    assert report.charts[0].empty_runs == ("a",)
    assert report.charts[0].key_points.values["a"] == (None,) * len(
        report.charts[0].key_points.steps
    )


def test_nan_and_inf_in_the_middle_are_ignored_and_counted() -> None:
    values = noisy(np.exp(-0.5 * ((T - 0.5) / 0.08) ** 2), 0.01)
    values[[50, 120]] = np.nan
    values[80] = np.inf
    report = analyze([series(values)])
    trend = report.of_type("trend")[0]
    assert (
        trend.shape == "hump" and trend.detail["nan_count"] == 2 and trend.detail["inf_count"] == 1
    )
    assert [f.type for f in report.of_type("peak")] == ["peak"]
    assert report.of_type("spike") == []


def test_single_run_has_trend_but_no_between_run_findings() -> None:
    types = _types(noisy(1 - np.exp(-T / 0.1), 0.01), metric="acc")
    assert "crossover" not in types and "final_comparison" not in types and "trend" in types


def test_unequal_step_grids_and_lengths() -> None:
    a = MetricSeries("a", "acc", np.arange(0, 2000, 2), noisy(np.linspace(0, 1, 1000), 0.01, 1))
    b_steps = np.arange(0, 1500, 7)
    b = MetricSeries("b", "acc", b_steps, noisy(0.3 + 0.3 * b_steps / 1498, 0.01, 2))
    report = analyze([a, b])
    (final,) = report.of_type("final_comparison")
    assert final.detail["at_step"] == 1498 and final.leader == "a"
    (cross,) = report.of_type("crossover")
    assert cross.runs == ("a", "b") and abs(cross.step - 1000) < 120


def test_unknown_goal_is_said_not_guessed() -> None:
    report = analyze(
        [series(T, run="a", metric="grad_norm"), series(T + 1, run="b", metric="grad_norm")]
    )
    (final,) = report.of_type("final_comparison")
    assert final.leader is None and "no known goal" in final.text
    assert report.charts[0].goal is None and report.charts[0].goal_source == "unknown"


def test_given_goal_overrides_the_name() -> None:
    a = series(T, run="a", metric="loss", goal="maximize")
    b = series(T + 1, run="b", metric="loss", goal="maximize")
    report = analyze([a, b])
    assert report.of_type("final_comparison")[0].leader == "b"
    assert report.charts[0].goal_source == "given"


def test_every_finding_type_and_shape_is_from_the_documented_sets() -> None:
    values = noisy(np.exp(-0.5 * ((T - 0.5) / 0.08) ** 2), 0.01)
    report = analyze([series(values, run=r, metric=m) for r in "ab" for m in ("x", "y")])
    assert {f.type for f in report.findings} <= set(FINDING_TYPES)
    assert {f.shape for f in report.of_type("trend")} <= set(SHAPES)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: [series(T), series(T)], "appear twice"),
        (
            lambda: [series(T, run="a", goal="minimize"), series(T, run="b", goal="maximize")],
            "conflicting goals",
        ),
        (lambda: [object()], "takes MetricSeries"),
    ],
)
def test_bad_input_raises_value_error(make, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=message):
        analyze(make())


def test_report_helpers_filter_findings() -> None:
    report = analyze([series(T, run="a", metric="x"), series(T, run="a", metric="y")])
    assert [f.metric for f in report.for_metric("y")] == ["y"]
    assert all(f.type == "trend" for f in report.of_type("trend"))
    assert report.runs == ("a",)


def test_analysis_is_deterministic() -> None:
    data = [series(noisy(T, 0.05, 3), run=r) for r in ("a", "b")]
    assert analyze(data) == analyze(data)
