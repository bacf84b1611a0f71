"""Key Observations (the most telling findings, numbered) and Interpretation (hedged
readings of them).

The interpretation only ever *suggests*: every sentence is phrased with "suggests",
"may", "appears" or "could", because a curve shows what happened, not why. The
sentences are templates filled from findings; nothing here inspects the data.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from stepscope.insights.document import Bullets, Numbered
from stepscope.insights.model import Finding
from stepscope.insights.wording import detail_number, fmt_steps, fmt_value, join_names

if TYPE_CHECKING:
    from stepscope.insights.report import Report

MAX_OBSERVATIONS = 10
MAJOR_PROMINENCE = 0.4
"""A peak or trough at least this prominent (fraction of range) is a key observation."""


def _major_extrema(report: Report) -> list[Finding]:
    found = [
        f
        for f in report.findings
        if f.type in ("peak", "trough")
        and detail_number(f.detail, "prominence_fraction") >= MAJOR_PROMINENCE
    ]
    return sorted(found, key=lambda f: -detail_number(f.detail, "prominence_fraction"))


def _off_scale_summaries(report: Report) -> list[tuple[str | None, str]]:
    grouped: dict[tuple[str, str, str], list[Finding]] = {}
    for f in report.of_type("off_scale"):
        key = (f.metric, str(f.detail.get("position")), f.direction or "")
        grouped.setdefault(key, []).append(f)
    items: list[tuple[float, str | None, str]] = []
    for (metric, position, direction), group in grouped.items():
        verb = "start" if position == "start" else "end"
        verb = verb + "s" if len(group) == 1 else verb
        band = group[0].detail.get("band")
        where = ""
        if isinstance(band, list) and len(band) == 2:
            lo, hi = (float(v) if isinstance(v, (int, float)) else 0.0 for v in band)
            where = f" the {fmt_value(lo)}-{fmt_value(hi)} band where it settles"
        side = "above" if direction == "up" else "below"
        values = ", ".join(f"{f.runs[0]} {fmt_value(f.value or 0.0)}" for f in group)
        reach = max(abs(detail_number(f.detail, "excess")) for f in group)
        items.append(
            (
                reach,
                f"Off-scale {position} ({metric})",
                f"{join_names([f.runs[0] for f in group])} {verb} far {side}{where} ({values}).",
            )
        )
    items.sort(key=lambda item: -item[0])
    return [(label, text) for _, label, text in items]


def key_observations(report: Report) -> Numbered:
    """The numbered Key Observations: results, lead changes, anomalies, links, off-scale."""
    items: list[tuple[str | None, str]] = []
    for f in report.of_type("final_comparison"):
        label = "Final result" if f.goal is not None else "No known goal"
        items.append((f"{label} ({f.metric})", f.text))
    changes: dict[str, list[str]] = {}
    for f in report.of_type("crossover"):
        if f.goal is not None:
            changes.setdefault(f.metric, []).append(f.text)
    for metric, texts in changes.items():
        label = "Lead change" if len(texts) == 1 else "Lead changes"
        items.append((f"{label} ({metric})", " ".join(texts)))
    for f in _major_extrema(report):
        items.append((f"{f.type.capitalize()} ({f.metric})", f.text))
    for f in report.of_type("co_occurrence"):
        items.append(("Metrics moving together", f.text))
    items.extend(_off_scale_summaries(report))
    for f in report.of_type("spike")[:3]:
        items.append((f"Spike ({f.metric})", f.text))
    return Numbered(tuple(items[:MAX_OBSERVATIONS]))


def _overall(report: Report) -> str | None:
    finals = [f for f in report.of_type("final_comparison") if f.goal is not None]
    if not finals:
        return None
    wins = Counter(f.leader for f in finals if f.leader is not None)
    if not wins:
        return "The runs end level on every metric with a known goal; no run appears better."
    (best, count), *rest = wins.most_common()
    metrics = [f.metric for f in finals if f.leader == best]
    if rest and rest[0][1] == count:
        others = "; ".join(
            f"{run} on {join_names([f.metric for f in finals if f.leader == run])}"
            for run, _ in wins.most_common()
        )
        return f"The results appear mixed: {others}. Which matters more may depend on the goal."
    return (
        f"The data suggests {best} did better overall: it ends ahead on {count} of "
        f"{len(finals)} metric(s) with a known goal ({join_names(metrics)})."
    )


def _travel(report: Report) -> list[str]:
    """Per run: which metrics with a known goal moved the good or the bad way overall."""
    moves: dict[str, tuple[list[str], list[str]]] = {}
    for f in report.of_type("trend"):
        if f.goal is None or f.shape == "flat":
            continue
        change = detail_number(f.detail, "end_value") - detail_number(f.detail, "start_value")
        better, worse = moves.setdefault(f.runs[0], ([], []))
        if change != 0:
            (better if (change > 0) == (f.goal == "maximize") else worse).append(f.metric)
    sentences = []
    for run, (better, worse) in moves.items():
        parts = []
        if better:
            verb = "appears" if len(better) == 1 else "appear"
            parts.append(f"{join_names(better)} {verb} to improve over the run")
        if worse:
            verb, it = ("ends", "it") if len(worse) == 1 else ("end", "they")
            parts.append(f"{join_names(worse)} {verb} worse than {it} started")
        if parts:
            sentences.append(f"For {run}, " + "; ".join(parts) + ".")
    return sentences


def interpretation(report: Report) -> Bullets:
    """Hedged readings of the findings (never claims of cause)."""
    items: list[tuple[str | None, str]] = []
    overall = _overall(report)
    if overall:
        items.append(("What the data suggests", overall))
    travel = _travel(report)
    if travel:
        items.append(("Direction of travel", " ".join(travel)))
    for f in report.of_type("co_occurrence"):
        items.append(
            (
                "Relationship between metrics",
                f"{f.text[:-1]}, which suggests the two may be linked (for example a "
                f"period of instability that stalled progress), though a coincidence in "
                f"time alone does not establish cause.",
            )
        )
    for f in _major_extrema(report)[:2]:
        if f.window is None:
            continue
        items.append(
            (
                "Notable anomaly",
                f"The {f.type} in {f.runs[0]}'s {f.metric} over {fmt_steps(*f.window)} may "
                f"indicate a transient change in training (for instance an aggressive "
                f"learning rate or an unusual stretch of data); it could also be benign.",
            )
        )
    if report.of_type("spike"):
        items.append(
            (
                "Spikes",
                "Isolated spikes may come from single unusual batches or logging glitches; "
                "they appear worth a look but need not mean the trend changed.",
            )
        )
    if report.of_type("off_scale"):
        items.append(
            (
                "Off-scale values",
                "Values far outside where a metric settles at the start of a run often "
                "reflect an initial transient; charts may need a clipped y-range to show "
                "the rest.",
            )
        )
    unknown = [c.metric for c in report.charts if c.goal is None and len(c.runs) > 1]
    if unknown:
        items.append(
            (
                "Unknown goals",
                f"For {join_names(unknown)} the name does not say whether higher or lower "
                f"is better, so no run is called better; a goal could be given explicitly.",
            )
        )
    items.append(
        (
            "Caveat",
            "These readings come from the logged curves alone; they suggest where to look "
            "rather than establish why the runs differ.",
        )
    )
    return Bullets(tuple(items))
