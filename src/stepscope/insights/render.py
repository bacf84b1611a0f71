"""Renderers: a :class:`Report` (or a bare list of findings) as text, markdown or JSON.

All three are pure and deterministic. Given only findings, the text and markdown
reports are rebuilt around them without key data points (those need the series).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from stepscope.insights.document import to_markdown, to_text
from stepscope.insights.goals import GoalSource
from stepscope.insights.keypoints import KeyPoints
from stepscope.insights.model import Finding, JSONValue
from stepscope.insights.narrative import build_document
from stepscope.insights.report import Chart, Report

ReportSource = Report | Sequence[Finding]


def _goal_source(value: JSONValue) -> GoalSource:
    if value == "given":
        return "given"
    return "inferred" if value == "inferred" else "unknown"


def as_report(source: ReportSource) -> Report:
    """``source`` itself if it is a report, else a report around those findings."""
    if isinstance(source, Report):
        return source
    findings = tuple(source)
    metrics: dict[str, list[str]] = {}
    runs: list[str] = []
    for f in findings:
        for run in f.runs:
            if run not in runs:
                runs.append(run)
        chart_runs = metrics.setdefault(f.metric, [])
        if f.type == "trend" and f.runs[0] not in chart_runs:
            chart_runs.append(f.runs[0])
    charts = []
    for metric, chart_runs in metrics.items():
        trend = next((f for f in findings if f.metric == metric and f.type == "trend"), None)
        goal = trend.goal if trend is not None else None
        source_detail = trend.detail.get("goal_source") if trend is not None else None
        charts.append(
            Chart(
                metric=metric,
                runs=tuple(chart_runs),
                goal=goal,
                goal_source=_goal_source(source_detail),
                key_points=KeyPoints(steps=(), values={}),
                empty_runs=(),
            )
        )
    return Report(findings=findings, charts=tuple(charts), runs=tuple(runs))


def render_text(source: ReportSource) -> str:
    """The analysis as plain text (Overview, Detailed Analysis, Key Observations,
    Interpretation)."""
    return to_text(build_document(as_report(source)))


def render_markdown(source: ReportSource) -> str:
    """The analysis as markdown, same sections as :func:`render_text`."""
    return to_markdown(build_document(as_report(source)))


def report_dict(source: ReportSource) -> dict[str, JSONValue]:
    """``{"findings": [finding.to_dict(), ...]}``: JSON-safe, in report order."""
    findings = source.findings if isinstance(source, Report) else tuple(source)
    return {"findings": [f.to_dict() for f in findings]}


def render_json(source: ReportSource, indent: int | None = 2) -> str:
    """:func:`report_dict` serialised (strict JSON: no NaN or infinity)."""
    return json.dumps(report_dict(source), indent=indent, allow_nan=False)
