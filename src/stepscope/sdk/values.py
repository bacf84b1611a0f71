"""Turning what training code passes to ``log()`` into (key, float) pairs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def flatten(data: Mapping[Any, Any], prefix: str = "",
            out: dict[str, Any] | None = None) -> dict[str, Any]:
    """Nested dicts become ``/``-joined keys: ``{"a": {"b": 1}}`` -> ``{"a/b": 1}``."""
    out = {} if out is None else out
    for key, value in data.items():
        if not isinstance(key, str):
            raise TypeError(f"log(): key {key!r} must be a string, not {type(key).__name__}")
        full = f"{prefix}/{key}" if prefix else key
        if isinstance(value, Mapping):
            flatten(value, full, out)
        else:
            out[full] = value
    return out


def to_float(key: str, value: Any) -> float:
    """A number from int, float, bool, numpy scalars and 0-d arrays, or anything whose
    ``.item()`` gives a number (torch tensors) — without importing torch or numpy.
    Raises TypeError naming the key and the type otherwise."""
    if isinstance(value, (float, int)):  # bool is an int
        try:
            return float(value)
        except OverflowError:
            raise ValueError(f"log(): value of {key!r} is too large for a float64") from None
    item = getattr(value, "item", None)
    if callable(item) and getattr(value, "ndim", 0) == 0 and not isinstance(value, str):
        try:
            result = item()
        except (TypeError, ValueError, RuntimeError):
            result = None
        if isinstance(result, (float, int)) and not isinstance(result, complex):
            return to_float(key, result)
    raise TypeError(f"log(): value of {key!r} is {type(value).__name__}, not a number "
                    "(stepscope logs scalars: int, float, bool, numpy or torch scalars)")

