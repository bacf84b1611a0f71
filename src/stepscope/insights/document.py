"""A tiny document model (headings, paragraphs, bullets, numbered lists, tables) and its
two serialisations, plain text and markdown.

The narrative builds a list of blocks once; each renderer only decides how a block
looks, so the text and markdown reports always say the same thing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Heading:
    level: int
    """1 for the report title, 2 for sections, 3 for a chart."""
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Bullets:
    items: tuple[tuple[str | None, str], ...]
    """``(label, text)`` pairs; the label is emphasised when present."""


@dataclass(frozen=True)
class Numbered:
    items: tuple[tuple[str | None, str], ...]


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str | None = None


Block = Heading | Paragraph | Bullets | Numbered | Table


def _labelled(label: str | None, text: str, strong: bool) -> str:
    if label is None:
        return text
    return f"**{label}:** {text}" if strong else f"{label}: {text}"


def _text_table(table: Table) -> list[str]:
    cells = [table.header, *table.rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(table.header))]
    lines = ["  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    out = [f"{table.caption}:"] if table.caption else []
    return out + ["  " + line for line in lines]


def to_text(blocks: Sequence[Block]) -> str:
    """Plain text: underlined headings, ``*`` bullets, aligned tables."""
    lines: list[str] = []
    for block in blocks:
        if isinstance(block, Heading):
            if lines:
                lines.append("")
            underline = {1: "=", 2: "-"}.get(block.level)
            lines.append(block.text if underline else f"[{block.text}]")
            if underline:
                lines.append(underline * len(block.text))
        elif isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, Bullets):
            lines.extend(f"* {_labelled(lab, txt, False)}" for lab, txt in block.items)
        elif isinstance(block, Numbered):
            lines.extend(
                f"{i}. {_labelled(lab, txt, False)}" for i, (lab, txt) in enumerate(block.items, 1)
            )
        else:
            lines.extend(_text_table(block))
    return "\n".join(lines) + "\n"


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|")


def to_markdown(blocks: Sequence[Block]) -> str:
    """GitHub-flavoured markdown: ``##`` sections, ``**label:**`` bullets, pipe tables."""
    parts: list[str] = []
    for block in blocks:
        if isinstance(block, Heading):
            parts.append(f"{'#' * (block.level + 1)} {block.text}")
        elif isinstance(block, Paragraph):
            parts.append(block.text)
        elif isinstance(block, Bullets):
            parts.append("\n".join(f"* {_labelled(lab, t, True)}" for lab, t in block.items))
        elif isinstance(block, Numbered):
            parts.append(
                "\n".join(
                    f"{i}. {_labelled(lab, t, True)}" for i, (lab, t) in enumerate(block.items, 1)
                )
            )
        else:
            rows = [block.header, tuple("---" for _ in block.header), *block.rows]
            table = "\n".join("| " + " | ".join(map(_md_cell, r)) + " |" for r in rows)
            parts.append(f"*{block.caption}:*\n\n{table}" if block.caption else table)
    return "\n\n".join(parts) + "\n"
