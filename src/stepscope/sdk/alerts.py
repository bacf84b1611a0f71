"""Alerts: ``stepscope.alert(title, text, level)`` as in wandb, and opt-in automatic
watchers that the run's folder thread applies to each batch it stores — never on the
``log()`` path.

Watchers (``init(alerts=True)`` or ``init(alerts=Watch(...))``):

- **non-finite**: the first NaN or ±inf of a key matching ``nan_keys`` (``*loss*``);
- **spike**: a value of a key matching ``spike_keys`` (``*kl*``) more than ``spike_mads``
  robust deviations (1.4826 × median absolute deviation) above the median of its last
  ``window`` values, once there are ``min_history`` of them; then quiet for ``window``
  points of that key;
- **stalled**: a key matching ``stall_keys`` (``*loss*``) repeating exactly the same value
  for ``stall_points`` points in a row; re-armed when it changes.
"""

from __future__ import annotations

import enum
import fnmatch
import math
import sys
import time
import uuid
from collections import deque
from dataclasses import dataclass
from typing import Any

import numpy as np

from stepscope.store.alerts import ALERT_LEVELS, MAX_TEXT, MAX_TITLE
from stepscope.store.base import PointBatch


class AlertLevel(str, enum.Enum):
    INFO = "INFO"
    WARN = "WARN"
    ERROR = "ERROR"


def make_alert(title: str, text: str, level: str | AlertLevel, *, step: int | None,
               metric: str | None = None, source: str = "user") -> dict[str, Any]:
    """A validated alert record with a fresh id (ValueError/TypeError say what is wrong)."""
    if not isinstance(title, str) or not 1 <= len(title) <= MAX_TITLE:
        raise ValueError(f"alert(): title must be a string of 1-{MAX_TITLE} characters")
    if not isinstance(text, str) or len(text) > MAX_TEXT:
        raise ValueError(f"alert(): text must be a string of at most {MAX_TEXT} characters")
    name = level.value if isinstance(level, AlertLevel) else str(level).upper()
    if name not in ALERT_LEVELS:
        raise ValueError(f"alert(): level must be one of {', '.join(ALERT_LEVELS)}, "
                         f"not {level!r}")
    return {"id": uuid.uuid4().hex[:16], "level": name, "title": title, "text": text,
            "step": step, "metric": metric, "source": source, "created_at": time.time()}


def announce(alert: dict[str, Any], run_name: str) -> None:
    """Show an alert in the training console."""
    where = f" at step {alert['step']}" if alert.get("step") is not None else ""
    print(f"stepscope: alert [{alert['level']}] {run_name}{where}: {alert['title']}"
          + (f" — {alert['text']}" if alert["text"] else ""), file=sys.stderr)


@dataclass(frozen=True)
class Watch:
    """What the automatic watchers look for; see the module docstring."""

    nan_keys: tuple[str, ...] = ("*loss*",)
    spike_keys: tuple[str, ...] = ("*kl*",)
    spike_mads: float = 8.0
    window: int = 200
    min_history: int = 20
    stall_keys: tuple[str, ...] = ("*loss*",)
    stall_points: int = 200


class Watchers:
    """Automatic alerts over the batches a folder stores. A batch is observed once
    (by its end position); alerts stay pending until `acknowledge` says they were
    stored, so a failed store does not lose them."""

    def __init__(self, watch: Watch) -> None:
        self.watch = watch
        self._seen_until = -1
        self._pending: list[dict[str, Any]] = []
        self._history: dict[str, deque[float]] = {}
        self._quiet_until: dict[str, int] = {}
        self._nan_reported: set[str] = set()
        self._repeat: dict[str, tuple[float, int, bool]] = {}  # value, run length, alerted

    def observe(self, batch: PointBatch, end: int) -> list[dict[str, Any]]:
        if end > self._seen_until:
            self._seen_until = end
            for index, key in enumerate(batch.keys):
                mask = batch.key_index == index
                self._check(key, batch.steps[mask], batch.values[mask])
        return list(self._pending)

    def acknowledge(self) -> None:
        self._pending.clear()

    def _matches(self, key: str, patterns: tuple[str, ...]) -> bool:
        return any(fnmatch.fnmatchcase(key, p) for p in patterns)

    def _check(self, key: str, steps: np.ndarray, values: np.ndarray) -> None:
        w = self.watch
        if self._matches(key, w.nan_keys) and key not in self._nan_reported:
            bad = np.flatnonzero(~np.isfinite(values))
            if bad.size:
                self._nan_reported.add(key)
                self._raise("ERROR", f"{key} is {values[bad[0]]}", key, int(steps[bad[0]]),
                            "A non-finite value usually means training diverged.")
        if self._matches(key, w.spike_keys):
            self._check_spike(key, steps, values)
        if self._matches(key, w.stall_keys):
            self._check_stall(key, steps, values)

    def _check_spike(self, key: str, steps: np.ndarray, values: np.ndarray) -> None:
        # A batch may hold a whole second of training: judge it in slices, each against
        # the history before it, so a spike early in a run is not compared with nothing.
        size = self.watch.min_history
        for start in range(0, int(steps.shape[0]), size):
            self._check_spike_slice(key, steps[start:start + size], values[start:start + size])

    def _check_spike_slice(self, key: str, steps: np.ndarray, values: np.ndarray) -> None:
        w = self.watch
        history = self._history.setdefault(key, deque(maxlen=w.window))
        if len(history) >= w.min_history:
            past = np.fromiter(history, float)
            median = float(np.median(past))
            scale = max(1.4826 * float(np.median(np.abs(past - median))),
                        1e-3 * abs(median), 1e-12)
            over = np.flatnonzero(np.isfinite(values) & (values - median > w.spike_mads * scale)
                                  & (steps >= self._quiet_until.get(key, -1)))
            if over.size:
                i = int(over[np.argmax(values[over])])
                self._quiet_until[key] = int(steps[i]) + w.window
                self._raise("WARN", f"{key} spiked to {values[i]:.4g}", key, int(steps[i]),
                            f"{(values[i] - median) / scale:.0f} robust deviations above its "
                            f"recent median {median:.4g}.")
        history.extend(float(v) for v in values[np.isfinite(values)])

    def _check_stall(self, key: str, steps: np.ndarray, values: np.ndarray) -> None:
        value, length, alerted = self._repeat.get(key, (math.nan, 0, False))
        for i, v in enumerate(values.tolist()):
            if v == value:
                length += 1
            else:
                value, length, alerted = v, 1, False
            if length >= self.watch.stall_points and not alerted:
                alerted = True
                self._raise("WARN", f"{key} has stalled", key, int(steps[i]),
                            f"The same value {v:.6g} for {length} points in a row.")
        self._repeat[key] = (value, length, alerted)

    def _raise(self, level: str, title: str, key: str, step: int, text: str) -> None:
        self._pending.append(make_alert(title, text, level, step=step, metric=key,
                                        source="auto"))
