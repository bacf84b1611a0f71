"""Run ids: short, URL-safe, random, and settable by the user to resume a run."""

from __future__ import annotations

import secrets
import string

_ALPHABET = string.ascii_lowercase + string.digits


def new_run_id() -> str:
    """Eight random characters of ``[a-z0-9]`` (about 41 bits)."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(8))
