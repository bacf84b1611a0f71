"""What a metric key may be.

A key is 1-256 characters of printable Unicode without control characters. ``/``
separates its parts (the first is the section); empty parts (a leading, trailing or
doubled ``/``) and ``.``/``..`` parts are refused, so a key can always be shown as a path
and never reads as one that climbs out. Spaces and non-ASCII letters are allowed:
``"eval/accuracy (top 1)"`` and ``"损失/总"`` are fine keys.
"""

from __future__ import annotations

from stepscope.errors import InvalidInput

MAX_KEY_LENGTH = 256


def check_key(key: object) -> str:
    """Return ``key`` if it is a valid metric key, else raise `InvalidInput` saying why."""
    if not isinstance(key, str):
        raise InvalidInput(f"metric key {key!r} must be a string, not {type(key).__name__}",
                           field="key")
    if not key or len(key) > MAX_KEY_LENGTH:
        raise InvalidInput(f"metric key {key[:40]!r} must be 1-{MAX_KEY_LENGTH} characters",
                           field="key")
    if not key.isprintable():
        raise InvalidInput(f"metric key {key!r} contains a control character", field="key")
    if key != key.strip():
        raise InvalidInput(f"metric key {key!r} starts or ends with white space", field="key")
    for part in key.split("/"):
        if part in ("", ".", ".."):
            raise InvalidInput(
                f"metric key {key!r} has an empty, '.' or '..' part between '/'", field="key")
    return key
