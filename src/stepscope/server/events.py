"""Live updates: the event hub behind ``GET /api/v1/projects/{project}/events``.

Events come from three places:

- the store's append listener, for batches this process stores (HTTP ingest, recovery);
- the run routes, for runs created or changed through this server;
- a poll (`Watcher`) of the projects someone is subscribed to, for runs that *other*
  processes write into the same store (a training script logging to the data
  directory): it compares each run's last step and visible fields with what it saw.

Each event gets an id larger than every earlier one (they start from the clock, so ids
keep increasing across server restarts) and is kept in a per-project ring buffer, so a
client reconnecting with ``Last-Event-ID`` receives everything it missed that the
buffer still holds. Publishing is thread-safe: listeners fire on store threads.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson

from stepscope.errors import StepscopeError
from stepscope.store.base import RunFilter, RunRecord, Store

BUFFER_EVENTS = 10_000
QUEUE_EVENTS = 10_000
_SIGNATURE_SKIP = ("updated_at", "heartbeat_at", "last_step", "summary")


@dataclass(frozen=True)
class Event:
    id: int
    kind: str
    data: bytes

    def encode(self) -> bytes:
        return b"id: %d\nevent: %s\ndata: %s\n\n" % (self.id, self.kind.encode(), self.data)


CLOSE = Event(-1, "close", b"")
"""Put on every subscriber's queue when the server stops: its stream ends."""


@dataclass(eq=False)
class Subscriber:
    project: str
    loop: asyncio.AbstractEventLoop
    queue: asyncio.Queue[Event] = field(default_factory=lambda: asyncio.Queue(QUEUE_EVENTS))
    overflowed: bool = False

    @property
    def open(self) -> bool:
        return not self.overflowed

    def deliver(self, event: Event) -> None:
        # Runs on the subscriber's event loop.
        try:
            self.queue.put_nowait(event)
        except asyncio.QueueFull:
            # A client that does not read: end its stream; it reconnects with
            # Last-Event-ID and replays from the ring buffer.
            self.overflowed = True


class EventHub:
    def __init__(self, buffer_events: int = BUFFER_EVENTS) -> None:
        self._lock = threading.Lock()
        self._next_id = time.time_ns() // 1000  # microseconds: increases across restarts
        self._buffer_events = buffer_events
        self._buffers: dict[str, deque[Event]] = {}
        self._subscribers: dict[str, set[Subscriber]] = {}
        self._closed = False

    def publish(self, project: str, kind: str, payload: Any) -> Event:
        data = orjson.dumps(payload, option=orjson.OPT_SERIALIZE_NUMPY)
        with self._lock:
            self._next_id += 1
            event = Event(self._next_id, kind, data)
            buffer = self._buffers.get(project)
            if buffer is None:
                buffer = self._buffers[project] = deque(maxlen=self._buffer_events)
            buffer.append(event)
            subscribers = list(self._subscribers.get(project, ()))
        for sub in subscribers:
            try:
                sub.loop.call_soon_threadsafe(sub.deliver, event)
            except RuntimeError:  # its loop is closed: the server is stopping
                self.unsubscribe(sub)
        return event

    def close(self) -> None:
        """End every event stream (the server is stopping: a stream would otherwise
        hold the shutdown until its grace period runs out)."""
        with self._lock:
            self._closed = True
            subscribers = [sub for subs in self._subscribers.values() for sub in subs]
        for sub in subscribers:
            with contextlib.suppress(RuntimeError):
                sub.loop.call_soon_threadsafe(sub.queue.put_nowait, CLOSE)

    def subscribe(self, project: str, after: int | None) -> tuple[Subscriber, list[Event]]:
        """Register a subscriber; also return the buffered events after id ``after``
        (none when ``after`` is None). Events published from now on reach its queue."""
        sub = Subscriber(project, asyncio.get_running_loop())
        if self._closed:
            sub.queue.put_nowait(CLOSE)
        with self._lock:
            self._subscribers.setdefault(project, set()).add(sub)
            buffered = list(self._buffers.get(project, ()))
        backlog = [e for e in buffered if after is not None and e.id > after]
        return sub, backlog

    def unsubscribe(self, sub: Subscriber) -> None:
        with self._lock:
            subs = self._subscribers.get(sub.project)
            if subs is not None:
                subs.discard(sub)
                if not subs:
                    del self._subscribers[sub.project]

    def watched_projects(self) -> list[str]:
        with self._lock:
            return list(self._subscribers)


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


class Watcher:
    """Turns store changes into `run` and `points` events on the hub, without
    publishing the same change twice when it is seen both directly and by the poll."""

    def __init__(self, store: Store, hub: EventHub) -> None:
        self.store = store
        self.hub = hub
        self._lock = threading.Lock()
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


def _all_runs(store: Store, project: str) -> list[RunRecord]:
    out: list[RunRecord] = []
    while True:
        page, total = store.list_runs(project, RunFilter(sort="created_at", limit=1000,
                                                         offset=len(out)))
        out.extend(page)
        if not page or len(out) >= total:
            return out


async def poll_forever(watcher: Watcher, interval: float,
                       to_thread: Callable[..., Any]) -> None:
    """The poll loop of a running server: each ``interval`` seconds, poll the projects
    that have subscribers."""
    while True:
        await asyncio.sleep(interval)
        for project in watcher.hub.watched_projects():
            try:
                await to_thread(watcher.poll, project)
            except StepscopeError:
                # The store is busy or gone for a moment: try again next round.
                continue
