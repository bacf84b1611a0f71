"""MetricSeries validation and Finding's JSON shape."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from stepscope.insights import Finding, MetricSeries


def test_valid_series_is_normalised_to_int64_steps_and_float64_values() -> None:
    s = MetricSeries("red", "loss", np.array([0, 1, 1, 5], dtype=np.int32), np.array([1, 2, 3, 4]))
    assert s.steps.dtype == np.int64
    assert s.values.dtype == np.float64
    assert s.values.tolist() == [1.0, 2.0, 3.0, 4.0]


def test_integral_float_steps_are_accepted() -> None:
    s = MetricSeries("red", "loss", np.array([0.0, 10.0]), np.array([1.0, 2.0]))
    assert s.steps.tolist() == [0, 10]


@pytest.mark.parametrize(
    ("steps", "values", "goal", "message"),
    [
        ([0, 1, 2], [1.0, 2.0], None, "differ in length"),
        ([[0, 1]], [[1.0, 2.0]], None, "steps must be a 1-D array"),
        ([0, 1], [[1.0], [2.0]], None, "values must be a 1-D array"),
        ([0, 2, 1], [1.0, 2.0, 3.0], None, "non-decreasing"),
        ([0.5, 1.0], [1.0, 2.0], None, "steps must be integers"),
        ([0, 1], ["a", "b"], None, "values must be numeric"),
        ([0, 1], [1.0, 2.0], "biggest", "unknown goal 'biggest'"),
    ],
)
def test_bad_input_raises_value_error_naming_the_problem(
    steps: object, values: object, goal: object, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        MetricSeries("red", "loss", np.asarray(steps), np.asarray(values), goal)  # type: ignore[arg-type]


def test_empty_run_or_metric_name_is_rejected() -> None:
    with pytest.raises(ValueError, match="run must be"):
        MetricSeries("", "loss", np.zeros(1, dtype=np.int64), np.zeros(1))
    with pytest.raises(ValueError, match="metric must be"):
        MetricSeries("red", "", np.zeros(1, dtype=np.int64), np.zeros(1))


def test_error_names_run_and_metric() -> None:
    with pytest.raises(ValueError, match="red/actor/kl_loss"):
        MetricSeries("red", "actor/kl_loss", np.arange(3), np.zeros(2))


def test_to_dict_omits_none_and_non_finite_and_is_json() -> None:
    f = Finding(
        type="peak",
        metric="kl",
        runs=("blue",),
        text="blue's kl peaks",
        step=20,
        window=(15, 25),
        value=1.05,
        detail={"prominence": 0.5, "missing": None, "bad": math.nan},
    )
    d = f.to_dict()
    assert d == {
        "type": "peak",
        "metric": "kl",
        "runs": ["blue"],
        "step": 20,
        "window": [15, 25],
        "value": 1.05,
        "text": "blue's kl peaks",
        "detail": {"prominence": 0.5, "bad": None},
    }
    json.dumps(d, allow_nan=False)


def test_co_occurrence_to_dict_lists_metrics() -> None:
    f = Finding(type="co_occurrence", metric="a", runs=("r",), text="t", metrics=("a", "b"))
    assert f.to_dict()["metrics"] == ["a", "b"]
