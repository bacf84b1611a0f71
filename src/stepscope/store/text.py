"""What free text (run names, notes, alert titles) every engine can store."""

from __future__ import annotations

from stepscope.errors import InvalidInput


def check_text(value: str | None, what: str) -> str | None:
    """``value`` if it can be stored as text by every engine: no NUL character (which
    PostgreSQL's text refuses) and no lone surrogate (which is not UTF-8)."""
    if value is None:
        return None
    if "\x00" in value:
        raise InvalidInput(f"{what} must not contain a NUL character", field=what)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidInput(f"{what} is not valid Unicode text", field=what) from None
    return value
