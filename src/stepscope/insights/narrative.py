"""The report's structure, shaped like the reference analysis: Overview, then per chart a
Detailed Analysis (trend verification, goal, each run, crossovers, final comparison,
key data points), then Key Observations and Interpretation.

Everything said here is taken from findings; this module decides order and wording,
never detects anything itself.
"""

from __future__ import annotations

from collections.abc import Sequence

from stepscope.insights.document import Block, Bullets, Heading, Paragraph, Table
from stepscope.insights.interpretation import interpretation, key_observations
from stepscope.insights.model import Finding
from stepscope.insights.report import Chart, Report
from stepscope.insights.wording import (
    detail_number,
    fmt_steps,
    fmt_value,
    join_names,
    shape_phrase,
)

_GOAL_WORDS = {
    "maximize": "higher is better",
    "minimize": "lower is better",
}


def _goal_line(chart: Chart) -> str:
    if chart.goal is None:
        return (
            "unknown: the name does not say whether higher or lower is better, "
            "so no run is called better"
        )
    how = "given" if chart.goal_source == "given" else "inferred from the name"
    return f"{_GOAL_WORDS[chart.goal]} ({how})"


def _trend_verification(trends: Sequence[Finding]) -> str:
    shapes = {f.shape for f in trends}
    if len(trends) > 1 and len(shapes) == 1 and trends[0].shape is not None:
        who = "Both runs" if len(trends) == 2 else f"All {len(trends)} runs"
        return f"{who} {shape_phrase(trends[0].shape, plural=True)}."
    parts = [f"{f.runs[0]} {shape_phrase(f.shape)}" for f in trends if f.shape is not None]
    return "; ".join(parts) + "." if parts else ""


def describe_run(run: str, findings: Sequence[Finding]) -> str:
    """One run on one chart, in a few short sentences built from its findings."""
    mine = [f for f in findings if f.runs == (run,)]
    trend = next((f for f in mine if f.type == "trend"), None)
    if trend is None or trend.shape is None:
        return "no finite values."
    d = trend.detail
    start = f"Starts at {fmt_value(detail_number(d, 'start_value'))} (step {d['start_step']})"
    for f in mine:
        if f.type == "off_scale" and f.detail.get("position") == "start" and f.window:
            side = "above" if f.direction == "up" else "below"
            start += f", off-scale: far {side} where the chart settles ({fmt_steps(*f.window)})"
    sentences = [start, shape_phrase(trend.shape).capitalize()]
    for f in mine:
        if f.type in ("peak", "trough") and f.window and f.value is not None:
            verb = "Peaks" if f.type == "peak" else "Bottoms out"
            sentences.append(
                f"{verb} at {fmt_value(f.value)} around step {f.step} ({fmt_steps(*f.window)})"
            )
        elif f.type == "spike" and f.value is not None:
            sentences.append(f"Spikes {f.direction} to {fmt_value(f.value)} at step {f.step}")
    end = f"Ends at {fmt_value(detail_number(d, 'end_value'))} (step {d['end_step']})"
    for f in mine:
        if f.type == "off_scale" and f.detail.get("position") == "end":
            end += ", off-scale"
    sentences.append(end)
    sentences.append(f"Volatility: {d['volatility_label']}")
    skipped = [f"{d[k]} {name}" for k, name in (("nan_count", "NaN"), ("inf_count", "inf")) if d[k]]
    if skipped:
        sentences.append(f"Ignored {' and '.join(skipped)} value(s)")
    return ". ".join(sentences) + "."


def _key_table(chart: Chart) -> Table | None:
    kp = chart.key_points
    if not kp.steps:
        return None
    rows = []
    for i, step in enumerate(kp.steps):
        cells = [str(step)]
        for run in chart.runs:
            values = kp.values.get(run, ())
            v = values[i] if i < len(values) else None
            cells.append(fmt_value(v) if v is not None else "-")
        rows.append(tuple(cells))
    return Table(
        header=("step", *chart.runs), rows=tuple(rows), caption="Key data points (approximate)"
    )


def chart_blocks(index: int, chart: Chart, findings: Sequence[Finding]) -> list[Block]:
    """The Detailed Analysis of one chart."""
    mine = [f for f in findings if f.metric == chart.metric and f.type != "co_occurrence"]
    trends = [f for f in mine if f.type == "trend"]
    items: list[tuple[str | None, str]] = []
    verification = _trend_verification(trends)
    if verification:
        items.append(("Trend verification", verification))
    items.append(("Goal", _goal_line(chart)))
    for run in chart.runs:
        items.append((run, describe_run(run, mine)))
    crossings = [f.text for f in mine if f.type == "crossover"]
    if crossings:
        items.append(("Crossovers", " ".join(crossings)))
    final = next((f for f in mine if f.type == "final_comparison"), None)
    if final is not None:
        items.append(("Final comparison", final.text))
    blocks: list[Block] = [Heading(3, f"Chart {index}: {chart.metric}"), Bullets(tuple(items))]
    table = _key_table(chart)
    if table is not None:
        blocks.append(table)
    return blocks


def _overview(report: Report) -> str:
    metrics = [c.metric for c in report.charts]
    if not metrics:
        return "There are no series to analyse."
    lows = [min(c.key_points.steps) for c in report.charts if c.key_points.steps]
    highs = [max(c.key_points.steps) for c in report.charts if c.key_points.steps]
    over = f" over steps {min(lows)}-{max(highs)}" if lows else ""
    who = (
        f"{len(report.runs)} runs ({join_names(list(report.runs))})"
        if len(report.runs) > 1
        else f"run {join_names(list(report.runs))}"
    )
    text = (
        f"Analysis of {who} on {len(metrics)} metric(s){over}: "
        f"{join_names(metrics)}. Each chart below is described run by run, with key data "
        f"points at regular steps; findings were computed from the logged values."
    )
    leaders = [f for f in report.of_type("final_comparison") if f.leader is not None]
    if leaders:
        wins = "; ".join(f"{f.leader} ends better on {f.metric}" for f in leaders)
        text += f" In short: {wins}."
    return text


def build_document(report: Report) -> list[Block]:
    """The whole report as blocks, ready for :mod:`document`'s serialisers."""
    blocks: list[Block] = [
        Heading(1, "Training metrics analysis"),
        Heading(2, "Overview"),
        Paragraph(_overview(report)),
    ]
    if report.charts:
        blocks.append(Heading(2, "Detailed Analysis"))
    for i, chart in enumerate(report.charts, 1):
        blocks.extend(chart_blocks(i, chart, report.findings))
    observations = key_observations(report)
    if observations.items:
        blocks += [Heading(2, "Key Observations"), observations]
    blocks += [Heading(2, "Interpretation"), interpretation(report)]
    return blocks
