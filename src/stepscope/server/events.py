"""Live updates: the event hub behind ``GET /api/v1/projects/{project}/events``.

`stepscope.server.watcher` turns store changes into events; the hub numbers them, keeps
them and hands them to the open streams. Each event gets an id larger than every
earlier one (ids start from the clock, so they keep increasing across server restarts)
and is kept in a per-project ring buffer, so a client reconnecting with
``Last-Event-ID`` receives everything it missed that the buffer still holds.
Publishing is thread-safe: listeners fire on store threads.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import orjson

BUFFER_EVENTS = 10_000
QUEUE_EVENTS = 10_000


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
