"""Turning store changes into events on the hub.

Changes reach the watcher four ways:

- the store's append listener, for batches this process stores (HTTP ingest, recovery);
- the routes, for runs created or changed and alerts stored through this server;
- the store's change feed, where the engine has one (PostgreSQL's LISTEN/NOTIFY), for
  what other servers over the same database commit, within milliseconds;
- a poll of the projects someone is subscribed to, for what *other* processes write
  into the same store (a training script logging to the data directory): it compares
  each run's last step and visible fields with what it saw, and reads alerts stored
  since the last one it published. With a live change feed it runs every 2 s only.

What is seen both directly and by the poll is published once.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson

from stepscope.errors import StepscopeError
from stepscope.server.events import EventHub
from stepscope.store.base import RunFilter, RunRecord, Store
from stepscope.store.changes import ALERTS, POINTS, RUN, Change, ChangeFeed

_SIGNATURE_SKIP = ("updated_at", "heartbeat_at", "last_step", "summary")
_ALERT_PAGE = 1000
FEED_POLL_SECONDS = 2.0


def run_signature(record: RunRecord) -> bytes:
    """What a `run` event reports a change of: every field but times, last step and
    summary (those move with every batch; `points` events cover them)."""
    data = record.to_dict()
    for name in _SIGNATURE_SKIP:
        data.pop(name)
    return orjson.dumps(data, option=orjson.OPT_SORT_KEYS)


@dataclass
class _Seen:
    signature: bytes
    last_step: int | None
    key_steps: dict[str, int | None] = field(default_factory=dict)


@dataclass
class _ProjectState:
    baselined: bool = False
    runs: dict[str, _Seen] = field(default_factory=dict)
    alert_seq: int | None = None
    """Store sequence of the last alert published (None: not read yet)."""


class Watcher:
    """Publishes `run`, `points` and `alert` events for a store's changes."""

    def __init__(self, store: Store, hub: EventHub) -> None:
        self.store = store
        self.hub = hub
        self._lock = threading.Lock()
        self._alerts_lock = threading.Lock()
        self._projects: dict[str, _ProjectState] = {}

    def _state(self, project: str) -> _ProjectState:
        state = self._projects.get(project)
        if state is None:
            state = self._projects[project] = _ProjectState()
        return state

    def run_changed(self, record: RunRecord) -> None:
        """A run was created or changed through this server."""
        signature = run_signature(record)
        with self._lock:
            seen = self._state(record.project).runs.get(record.id)
            if seen is not None and seen.signature == signature:
                return
            if seen is None:
                self._state(record.project).runs[record.id] = _Seen(signature, record.last_step)
            else:
                seen.signature = signature
        self.hub.publish(record.project, "run", record.to_dict())

    def points_stored(self, project: str, run_id: str, keys: list[str], last_step: int) -> None:
        """The store's append listener (called on the thread that stored the batch)."""
        with self._lock:
            seen = self._state(project).runs.get(run_id)
            if seen is not None:
                seen.last_step = max(seen.last_step or 0, last_step)
                for key in keys:
                    seen.key_steps[key] = max(seen.key_steps.get(key) or 0, last_step)
        self.hub.publish(project, "points", {"run": run_id, "keys": keys,
                                             "last_step": last_step})

    def changed_elsewhere(self, change: Change | None) -> None:
        """Listener of the store's change feed (on the feed's thread, blocking): what
        another server over the same database committed. None: notices may have been
        missed, so every watched project is polled."""
        if change is None:
            for project in self.hub.watched_projects():
                self.poll(project)
            return
        project, run_id = change.project, change.run_id
        if change.kind == POINTS and run_id is not None and change.last_step is not None:
            keys = change.keys if change.keys is not None else [
                k.key for k in self.store.list_keys(project, [run_id])]
            with self._lock:
                seen = self._state(project).runs.get(run_id)
                known = seen is not None and (seen.last_step or -1) >= change.last_step \
                    and all((seen.key_steps.get(k) or -1) >= change.last_step for k in keys)
            if not known:  # the poll may have seen it first
                self.points_stored(project, run_id, keys, change.last_step)
        elif project in self.hub.watched_projects():
            if change.kind == RUN and run_id is not None:
                self.run_changed(self.store.get_run(project, run_id))
            elif change.kind == ALERTS:
                self.new_alerts(project)

    def poll(self, project: str) -> None:
        """Compare the project's runs with what was last seen (blocking: call it on a
        worker thread). The first poll of a project only records what is there."""
        records = _all_runs(self.store, project)
        events: list[tuple[str, Any]] = []
        with self._lock:
            state = self._state(project)
            quiet = not state.baselined
            state.baselined = True
        for record in records:
            signature = run_signature(record)
            with self._lock:
                seen = state.runs.get(record.id)
                if seen is None:
                    seen = state.runs[record.id] = _Seen(b"", None)
                    if quiet:
                        seen.signature, seen.last_step = signature, record.last_step
                        continue
                if seen.signature != signature:
                    seen.signature = signature
                    events.append(("run", record.to_dict()))
                moved = record.last_step is not None and (
                    seen.last_step is None or record.last_step > seen.last_step)
                if moved:
                    seen.last_step = record.last_step
                    before = dict(seen.key_steps)
            if moved:
                keys = self._moved_keys(project, record.id, before)
                events.append(("points", {"run": record.id, "keys": keys,
                                           "last_step": record.last_step}))
        for kind, payload in events:
            self.hub.publish(project, kind, payload)
        self.new_alerts(project)

    def _moved_keys(self, project: str, run_id: str,
                    before: dict[str, int | None]) -> list[str]:
        infos = self.store.list_keys(project, [run_id])
        moved = [k.key for k in infos if k.key not in before or (
            k.last_step is not None and k.last_step > (before[k.key] or -1))]
        with self._lock:
            seen = self._state(project).runs.get(run_id)
            if seen is not None:
                seen.key_steps.update({k.key: k.last_step for k in infos})
        return moved


    # -- alerts ------------------------------------------------------------------------

    def know_alerts(self, project: str) -> None:
        """Note the latest alert stored so far (blocking), so that `new_alerts` after a
        change publishes only what the change added. Call it before the change."""
        with self._alerts_lock:
            state = self._state(project)
            if state.alert_seq is None:
                state.alert_seq = self._latest_alert(project)

    def new_alerts(self, project: str) -> None:
        """Publish the alerts stored since the last one published (blocking). The first
        call for a project only notes where the alerts end."""
        with self._alerts_lock:
            state = self._state(project)
            if state.alert_seq is None:
                state.alert_seq = self._latest_alert(project)
                return
            while True:
                page = self.store.list_alerts(project, after_id=state.alert_seq,
                                              limit=_ALERT_PAGE)
                for seq, alert in page:
                    self.hub.publish(project, "alert", alert.to_dict())
                    state.alert_seq = seq
                if len(page) < _ALERT_PAGE:
                    return

    def _latest_alert(self, project: str) -> int:
        latest = 0
        while True:
            page = self.store.list_alerts(project, after_id=latest, limit=_ALERT_PAGE)
            if page:
                latest = page[-1][0]
            if len(page) < _ALERT_PAGE:
                return latest


def _all_runs(store: Store, project: str) -> list[RunRecord]:
    out: list[RunRecord] = []
    while True:
        page, total = store.list_runs(project, RunFilter(sort="created_at", limit=1000,
                                                         offset=len(out)))
        out.extend(page)
        if not page or len(out) >= total:
            return out


async def poll_forever(watcher: Watcher, interval: float, to_thread: Callable[..., Any],
                       feed: ChangeFeed | None = None,
                       feed_interval: float = FEED_POLL_SECONDS) -> None:
    """The poll loop of a running server: each ``interval`` seconds, poll the projects
    that have subscribers. While the store's change ``feed`` is alive, other servers'
    changes arrive through it, and the poll (a safety net then, and the way changes
    made without a server are found) runs only every ``feed_interval`` seconds."""
    last = 0.0
    while True:
        await asyncio.sleep(interval)
        if feed is not None and feed.alive and time.monotonic() - last < feed_interval:
            continue
        last = time.monotonic()
        for project in watcher.hub.watched_projects():
            try:
                await to_thread(watcher.poll, project)
            except StepscopeError:
                # The store is busy or gone for a moment: try again next round.
                continue
