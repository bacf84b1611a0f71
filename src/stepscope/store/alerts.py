"""Alerts a run raises: by ``stepscope.alert`` or by the automatic watchers.

An alert carries its own id (made where it is raised), so storing one twice — a write-
ahead log replayed after a crash, an HTTP retry — keeps a single copy.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from stepscope.errors import InvalidInput
from stepscope.store.keys import check_key
from stepscope.store.text import check_text

ALERT_LEVELS = ("INFO", "WARN", "ERROR")
ALERT_SOURCES = ("user", "auto")
MAX_TITLE = 256
MAX_TEXT = 4096


@dataclass(frozen=True)
class AlertRecord:
    project: str
    run: str
    id: str
    level: str
    title: str
    text: str
    step: int | None
    metric: str | None
    source: str
    created_at: float

    def to_dict(self) -> dict[str, Any]:
        return {"project": self.project, "run": self.run, "id": self.id, "level": self.level,
                "title": self.title, "text": self.text, "step": self.step,
                "metric": self.metric, "source": self.source, "created_at": self.created_at}


def check_alert(raw: object) -> dict[str, Any]:
    """A validated copy of one alert as sent by a client; `InvalidInput` names the
    field at fault."""
    if not isinstance(raw, Mapping):
        raise InvalidInput("an alert must be a JSON object", field="alerts")
    alert_id = raw.get("id")
    if not isinstance(alert_id, str) or not 1 <= len(alert_id) <= 64:
        raise InvalidInput("alert id must be a string of 1-64 characters", field="alerts.id")
    level = raw.get("level")
    if level not in ALERT_LEVELS:
        raise InvalidInput(f"alert level must be one of {', '.join(ALERT_LEVELS)}",
                           field="alerts.level")
    title, text = raw.get("title"), raw.get("text", "")
    if not isinstance(title, str) or not 1 <= len(title) <= MAX_TITLE:
        raise InvalidInput(f"alert title must be 1-{MAX_TITLE} characters",
                           field="alerts.title")
    if not isinstance(text, str) or len(text) > MAX_TEXT:
        raise InvalidInput(f"alert text must be at most {MAX_TEXT} characters",
                           field="alerts.text")
    check_text(title, "alerts.title")
    check_text(text, "alerts.text")
    step = raw.get("step")
    if step is not None and (isinstance(step, bool) or not isinstance(step, int) or step < 0):
        raise InvalidInput("alert step must be a non-negative integer", field="alerts.step")
    metric = raw.get("metric")
    if metric is not None:
        check_key(metric)
    source = raw.get("source", "user")
    if source not in ALERT_SOURCES:
        raise InvalidInput("alert source must be 'user' or 'auto'", field="alerts.source")
    created = raw.get("created_at")
    if isinstance(created, bool) or not isinstance(created, (int, float)) \
            or not math.isfinite(created):
        raise InvalidInput("alert created_at must be a time in seconds",
                           field="alerts.created_at")
    return {"id": alert_id, "level": level, "title": title, "text": text, "step": step,
            "metric": metric, "source": source, "created_at": float(created)}
