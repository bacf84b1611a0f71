"""Insights: turn metric series into findings (trends, peaks, spikes, crossovers, ...)
and render them as text, markdown or JSON. Pure functions over numpy arrays.

Usage: ``report = analyze(series)`` then ``render_markdown(report)``.
"""

from stepscope.insights.goals import infer_goal
from stepscope.insights.model import Finding, MetricSeries
from stepscope.insights.render import render_json, render_markdown, render_text, report_dict
from stepscope.insights.report import Chart, Report, analyze

__all__ = [
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
