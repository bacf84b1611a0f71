"""A small thread-safe pool of PostgreSQL connections.

Connections are opened lazily up to ``size``; a caller beyond that waits for one to be
returned. A connection that broke (server restart, ``pg_terminate_backend``) is closed
and forgotten rather than returned, so the next caller opens a fresh one.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import psycopg

from stepscope.errors import StoreUnavailable

Connection = psycopg.Connection[tuple[object, ...]]


class ConnectionPool:
    def __init__(self, connect: Callable[[], Connection], size: int,
                 wait_timeout: float = 30.0) -> None:
        if size < 1:
            raise ValueError("a pool needs at least one connection")
        self._connect = connect
        self._size = size
        self._wait_timeout = wait_timeout
        self._idle: list[Connection] = []
        self._open = 0
        self._closed = False
        self._cond = threading.Condition()

    def acquire(self) -> Connection:
        """An idle connection, a new one if the pool has room, else the next returned."""
        deadline = time.monotonic() + self._wait_timeout
        with self._cond:
            while True:
                if self._closed:
                    raise StoreUnavailable("the store is closed")
                if self._idle:
                    return self._idle.pop()
                if self._open < self._size:
                    self._open += 1
                    break
                left = deadline - time.monotonic()
                if left <= 0:
                    raise StoreUnavailable(
                        f"all {self._size} database connections stayed busy for "
                        f"{self._wait_timeout:g} s")
                self._cond.wait(left)
        try:
            return self._connect()
        except BaseException:
            with self._cond:
                self._open -= 1
                self._cond.notify()
            raise

    def release(self, conn: Connection) -> None:
        """Give a connection back; broken or closed ones are dropped."""
        if conn.closed or conn.broken or self._closed:
            self.discard(conn)
            return
        with self._cond:
            self._idle.append(conn)
            self._cond.notify()

    def discard(self, conn: Connection) -> None:
        """Close a connection and free its slot."""
        conn.close()
        with self._cond:
            self._open -= 1
            self._cond.notify()

    def discard_idle(self) -> None:
        """Close every idle connection: after one connection was found dead, its idle
        siblings most likely died with it (server restart, failover)."""
        with self._cond:
            idle, self._idle = self._idle, []
            self._open -= len(idle)
            self._cond.notify_all()
        for conn in idle:
            conn.close()

    def close(self) -> None:
        with self._cond:
            self._closed = True
        self.discard_idle()
