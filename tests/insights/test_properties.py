"""Property tests: any valid input gives a well-formed report and strict JSON."""

from __future__ import annotations

import json

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from stepscope.insights import MetricSeries, analyze, render_json, render_markdown, render_text
from stepscope.insights.model import FINDING_TYPES, SHAPES

values_strategy = arrays(
    np.float64,
    st.integers(0, 80),
    elements=st.one_of(
        st.floats(-1e12, 1e12, allow_nan=False),
        st.just(float("nan")),
        st.just(float("inf")),
    ),
)


@st.composite
def metric_series(draw: st.DrawFn, run: str, metric: str) -> MetricSeries:
    values = draw(values_strategy)
    gaps = draw(arrays(np.int64, values.size, elements=st.integers(0, 5)))
    steps = np.cumsum(gaps).astype(np.int64)
    return MetricSeries(run, metric, steps, values)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_any_valid_input_gives_a_well_formed_report(data: st.DataObject) -> None:
    series = [
        data.draw(metric_series(run, metric))
        for run in ("red", "blue")
        for metric in ("eval/acc", "grad_norm")
    ]
    report = analyze(series)
    for f in report.findings:
        assert f.type in FINDING_TYPES
        assert f.shape is None or f.shape in SHAPES
        assert set(f.runs) <= {"red", "blue"}
        if f.window is not None:
            assert f.window[0] <= f.window[1]
    doc = json.loads(render_json(report))
    assert len(doc["findings"]) == len(report.findings)
    assert render_text(report) and render_markdown(report)
    present = {(s.run, s.metric) for s in series if np.isfinite(s.values).any()}
    trends = {(f.runs[0], f.metric) for f in report.of_type("trend")}
    assert trends == present
