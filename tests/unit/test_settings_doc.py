"""docs/settings.md is generated from the settings table; this keeps it true."""

from __future__ import annotations

from pathlib import Path

from stepscope.settings import SETTINGS

DOC = Path(__file__).parents[2] / "docs" / "settings.md"


def render() -> str:
    lines = ["# Settings", "",
             "Generated from `src/stepscope/settings.py`; `tests/unit/test_settings_doc.py` "
             "fails when they differ.", "",
             "| name | environment variable | default | meaning |", "|---|---|---|---|"]
    lines += [f"| {s.name} | `{s.env}` | `{s.default}` | {s.help} |" for s in SETTINGS]
    return "\n".join(lines) + "\n"


def test_settings_doc_matches_the_table() -> None:
    assert DOC.read_text() == render(), "regenerate: python tests/unit/test_settings_doc.py"


if __name__ == "__main__":
    DOC.write_text(render())
