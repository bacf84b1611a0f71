"""Text, markdown and JSON renderers."""

from __future__ import annotations

import json
import re

import numpy as np

from stepscope.insights import analyze, render_json, render_markdown, render_text, report_dict
from stepscope.insights.document import (
    Bullets,
    Heading,
    Numbered,
    Paragraph,
    Table,
    to_markdown,
    to_text,
)
from stepscope.insights.keypoints import key_points, nice_steps

from .helpers import noisy, prepared, series

T = np.linspace(0.0, 1.0, 101)


def _report():  # type: ignore[no-untyped-def]
    hump = noisy(np.exp(-0.5 * ((T - 0.5) / 0.08) ** 2), 0.01, 1)
    return analyze(
        [
            series(0.2 + 0.5 * T, run="red", metric="eval/acc"),
            series(0.3 + 0.2 * np.sqrt(T), run="blue", metric="eval/acc"),
            series(hump, run="blue", metric="kl_loss"),
            series(0.2 + 0 * T, run="red", metric="kl_loss"),
            series(T, run="red", metric="grad_norm"),
            series(T * 2, run="blue", metric="grad_norm"),
        ]
    )


def test_markdown_has_the_seed_sections_in_order() -> None:
    md = render_markdown(_report())
    order = [
        "## Training metrics analysis",
        "### Overview",
        "### Detailed Analysis",
        "#### Chart 1: eval/acc",
        "#### Chart 2: kl_loss",
        "### Key Observations",
        "### Interpretation",
    ]
    positions = [md.index(h) for h in order]
    assert positions == sorted(positions)
    assert "* **Trend verification:**" in md and "* **red:** Starts at 0.2 (step 0)" in md
    assert "| step | red | blue |" in md and "| 0 | 0.2 | 0.3 |" in md
    assert re.search(r"^1\. \*\*Final result \(eval/acc\):\*\*", md, re.M)


def test_interpretation_is_hedged() -> None:
    text = render_text(_report())
    interp = text[text.index("Interpretation") :]
    assert any(word in interp for word in ("suggests", "may", "appears"))
    for word in ("proves", "proof", "definitely", "caused by"):
        assert word not in text.lower()


def test_unknown_goal_is_explained_in_the_report() -> None:
    text = render_text(_report())
    assert "Goal: unknown" in text and "grad_norm has no known goal" in text


def test_text_uses_plain_headings_and_aligned_tables() -> None:
    text = render_text(_report())
    assert "Overview\n--------\n" in text and "[Chart 1: eval/acc]" in text
    assert "**" not in text and "|" not in text


def test_json_is_strict_and_lists_every_finding() -> None:
    report = _report()
    doc = json.loads(render_json(report))
    assert list(doc) == ["findings"] and len(doc["findings"]) == len(report.findings)
    assert doc == report_dict(report) == report_dict(list(report.findings))
    assert all(None not in f.values() for f in doc["findings"])


def test_renderers_accept_bare_findings() -> None:
    report = _report()
    md = render_markdown(list(report.findings))
    assert "### Detailed Analysis" in md and "Key data points" not in md
    assert "red ends with the higher eval/acc" in md


def test_empty_input_still_renders() -> None:
    report = analyze([])
    assert "Overview" in render_text(report)
    assert json.loads(render_json(report)) == {"findings": []}


def test_document_serialisers() -> None:
    blocks = [
        Heading(1, "T"),
        Paragraph("p"),
        Bullets((("a", "x"), (None, "y"))),
        Numbered(((None, "one"),)),
        Table(("s", "v"), (("0", "1.5"),), caption="c"),
    ]
    expected = [
        "## T",
        "p",
        "* **a:** x\n* y",
        "1. one",
        "*c:*",
        "| s | v |\n| --- | --- |\n| 0 | 1.5 |",
    ]
    assert to_markdown(blocks) == "\n\n".join(expected) + "\n"
    assert to_text(blocks).splitlines()[:6] == ["T", "=", "p", "* a: x", "* y", "1. one"]


def test_key_points_are_round_steps_with_values_per_run() -> None:
    assert nice_steps(0, 30) == [0, 10, 20, 30]
    assert nice_steps(5, 7) == [5, 6, 7]
    kp = key_points([prepared(T * 10, run="a", steps=np.arange(101)), prepared(T[:51], run="b")])
    assert kp.steps == (0, 20, 40, 60, 80, 100)
    assert kp.values["a"][1] == 2.0
    assert kp.values["b"][3] is None  # b stops at step 50
