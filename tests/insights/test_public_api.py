"""The insights package's public names change only on purpose."""

from __future__ import annotations

import stepscope.insights as insights


def test_public_names_are_sorted_and_exact() -> None:
    assert insights.__all__ == sorted(insights.__all__)
    assert insights.__all__ == [
        "Chart",
        "Finding",
        "MetricSeries",
        "Report",
        "analyze",
        "infer_goal",
        "render_json",
        "render_markdown",
        "render_text",
        "report_dict",
    ]
    for name in insights.__all__:
        assert getattr(insights, name) is not None
