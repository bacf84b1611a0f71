"""Changes one store object announces to the others over the same data: how several
``stepscope serve --db`` replicas learn, within milliseconds, what the others stored.

On PostgreSQL every write that a viewer could see (a stored batch, a run created or
changed, alerts) also runs ``pg_notify('stepscope_events', <json>)`` inside its own
transaction, so the notice goes out exactly when the change commits, and never for a
change that rolled back. Each server listens on one dedicated connection and turns what
it hears into live events (`stepscope.server.watcher`). SQLite has no such channel
between processes; its servers keep polling.

A notice is small JSON: ``{"o": origin, "s": schema, "k": kind, "p": project, "r": run,
"keys": [...], "step": last_step}``; ``origin`` names the store object that wrote it
(it ignores its own notices: it already told its own listeners), ``schema`` keeps
stores in different schemas of one database apart. PostgreSQL limits a notice to 8000
bytes: a batch touching more keys than fit sends ``keys: null`` and the listener reads
the run's keys itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import orjson

CHANNEL = "stepscope_events"
MAX_NOTICE_BYTES = 7900

POINTS, RUN, ALERTS = "points", "run", "alerts"


@dataclass(frozen=True)
class Change:
    """Something another store object committed. ``keys`` and ``last_step`` come with
    ``points`` (``keys`` None: too many to list)."""

    kind: str
    project: str
    run_id: str | None = None
    keys: list[str] | None = None
    last_step: int | None = None


ChangeListener = Callable[[Change | None], None]
"""Told each change; told None when notices may have been missed (the feed lost its
connection), so the listener should look for itself."""


class ChangeFeed(Protocol):
    @property
    def alive(self) -> bool:
        """Whether notices are arriving now (connected and listening)."""
        ...

    def close(self) -> None: ...


def encode_notice(origin: str, schema: str, change: Change) -> str:
    body: dict[str, Any] = {"o": origin, "s": schema, "k": change.kind, "p": change.project}
    if change.run_id is not None:
        body["r"] = change.run_id
    if change.kind == POINTS:
        body["step"] = change.last_step
        body["keys"] = change.keys
        text = orjson.dumps(body)
        if len(text) <= MAX_NOTICE_BYTES:
            return text.decode()
        body["keys"] = None
    return orjson.dumps(body).decode()


def decode_notice(payload: str) -> tuple[str, str, Change] | None:
    """``(origin, schema, change)`` of a notice, or None if it is not one of ours."""
    try:
        body = orjson.loads(payload)
        kind, project = body["k"], body["p"]
        if kind not in (POINTS, RUN, ALERTS) or not isinstance(project, str):
            return None
        keys = body.get("keys")
        step = body.get("step")
        return str(body["o"]), str(body["s"]), Change(
            kind, project, body.get("r"),
            [str(k) for k in keys] if isinstance(keys, list) else None,
            step if isinstance(step, int) else None)
    except (orjson.JSONDecodeError, KeyError, TypeError):
        return None
