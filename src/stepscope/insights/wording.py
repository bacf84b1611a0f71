"""How numbers, steps, shapes and goals are written in finding sentences and reports."""

from __future__ import annotations

import math
from collections.abc import Mapping

from stepscope.insights.model import Goal, JSONValue, Shape

SHAPE_PHRASES: dict[str, str] = {
    "rising": "rises",
    "falling": "falls",
    "flat": "stays flat",
    "rise-then-plateau": "rises, then plateaus",
    "hump": "rises to a hump and falls back",
    "dip": "dips and recovers",
    "oscillating": "oscillates",
}

SHAPE_PHRASES_PLURAL: dict[str, str] = {
    "rising": "rise",
    "falling": "fall",
    "flat": "stay flat",
    "rise-then-plateau": "rise, then plateau",
    "hump": "rise to a hump and fall back",
    "dip": "dip and recover",
    "oscillating": "oscillate",
}


def fmt_value(value: float) -> str:
    """Three significant digits, plain notation from 0.001 to 1e6, trailing zeros dropped.

    >>> fmt_value(0.35), fmt_value(1.0499), fmt_value(12345.6), fmt_value(2.5e-5)
    ('0.35', '1.05', '12346', '2.5e-05')
    """
    if not math.isfinite(value):
        return str(value)
    if value == 0:
        return "0"
    magnitude = abs(value)
    if 1e-3 <= magnitude < 1e6:
        digits = max(0, 2 - math.floor(math.log10(magnitude)))
        text = f"{value:.{digits}f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return "0" if text in ("-0", "") else text
    mantissa, exponent = f"{value:.2e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}e{exponent}"


def fmt_signed(value: float) -> str:
    """:func:`fmt_value` with an explicit sign (``+0.04``)."""
    text = fmt_value(value)
    return text if text.startswith("-") or text == "0" else f"+{text}"


def fmt_steps(start: int, end: int) -> str:
    """``"step 20"`` or ``"steps 15-25"``."""
    return f"step {start}" if start == end else f"steps {start}-{end}"


def shape_phrase(shape: Shape, plural: bool = False) -> str:
    """The verb phrase for a trend shape (``"rises, then plateaus"``; plural ``"rise, ..."``)."""
    return (SHAPE_PHRASES_PLURAL if plural else SHAPE_PHRASES)[shape]


def better_word(goal: Goal | None) -> str:
    """``"higher"`` for maximize, ``"lower"`` for minimize, ``""`` when unknown."""
    return {"maximize": "higher", "minimize": "lower"}.get(goal or "", "")


def join_names(names: list[str]) -> str:
    """``"a"``, ``"a and b"``, ``"a, b and c"``."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def detail_number(detail: Mapping[str, JSONValue], key: str) -> float:
    """A numeric entry of a finding's ``detail`` as float (NaN when missing or not a number)."""
    value = detail.get(key)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return math.nan
