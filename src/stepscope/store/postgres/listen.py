"""The change feed of the PostgreSQL store: one dedicated connection that ``LISTEN``s on
`stepscope.store.changes.CHANNEL` in a thread of its own (see that module for what the
notices say).

If the connection drops, the thread reconnects (backing off up to 5 s) and, once
listening again, tells its listener None: notices sent meanwhile are lost, so the
listener should look for changes itself (servers poll then).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import psycopg

from stepscope.errors import StepscopeError
from stepscope.store.changes import CHANNEL, Change, ChangeListener, decode_notice
from stepscope.store.postgres.pool import Connection

log = logging.getLogger("stepscope.store")

WAIT_SECONDS = 0.1
"""Longest wait for a notice before the thread checks whether it should stop."""


class PgChangeFeed:
    def __init__(self, connect: Callable[[], Connection], origin: str, schema: str,
                 listener: ChangeListener) -> None:
        self._connect = connect
        self._origin, self._schema = origin, schema
        self._listener = listener
        self._stop = threading.Event()
        self._listening = threading.Event()
        self._thread = threading.Thread(target=self._run, name="stepscope-listen",
                                        daemon=True)
        self._thread.start()

    @property
    def alive(self) -> bool:
        return self._listening.is_set()

    def wait_listening(self, timeout: float) -> bool:
        """Wait until notices can arrive (for callers that must not miss the first)."""
        return self._listening.wait(timeout)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(WAIT_SECONDS * 4)

    def _run(self) -> None:
        delay, missed = 0.2, False
        while not self._stop.is_set():
            conn: Connection | None = None
            try:
                conn = self._connect()
                conn.execute(f"LISTEN {CHANNEL}")
                self._listening.set()
                if missed:
                    self._tell(None)
                delay = 0.2
                while not self._stop.is_set():
                    for notice in conn.notifies(timeout=WAIT_SECONDS):
                        self._heard(notice.payload)
            except (psycopg.Error, StepscopeError) as exc:
                if self._listening.is_set() or not missed:
                    log.warning("listening for changes failed, retrying: %s", exc)
                self._listening.clear()
                missed = True
                self._stop.wait(delay)
                delay = min(delay * 2, 5.0)
            finally:
                if conn is not None:
                    conn.close()
        self._listening.clear()

    def _heard(self, payload: str) -> None:
        decoded = decode_notice(payload)
        if decoded is None:
            return
        origin, schema, change = decoded
        if origin != self._origin and schema == self._schema:
            self._tell(change)

    def _tell(self, change: Change | None) -> None:
        try:
            self._listener(change)
        except StepscopeError as exc:
            # The listener reads the store, which may be busy for a moment.
            log.warning("a change could not be published: %s", exc)
