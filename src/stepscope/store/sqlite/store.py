"""`Store` on SQLite: one write connection guarded by a lock, a read connection per
thread (as datasette does), WAL journal so readers never block the writer.

Several processes may write to one database (DDP ranks, a sweep): every write
transaction starts with ``BEGIN IMMEDIATE``, which takes the write lock up front and
waits for it under ``busy_timeout``. A deferred transaction that reads and then writes
could instead fail at once with "database is locked" when another process wrote in
between, since SQLite cannot wait in that case.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from stepscope.errors import StoreUnavailable
from stepscope.store.migrations import latest_version, pending
from stepscope.store.sql import Cursor, SqlStore

DATABASE_FILE = "stepscope.db"
BUSY_TIMEOUT_MS = 120_000


class SqliteStore(SqlStore):
    def __init__(self, directory: str | Path) -> None:
        super().__init__()
        self.directory = Path(directory)
        self.path = self.directory / DATABASE_FILE
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            self._writer = self._connect()
        except (OSError, sqlite3.Error) as exc:
            raise StoreUnavailable(
                f"cannot open the data directory {str(self.directory)!r}: {exc}") from exc
        self._write_lock = threading.RLock()
        self._local = threading.local()
        self._readers: list[sqlite3.Connection] = []
        self._readers_lock = threading.Lock()
        self._migrate()

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000,
                               isolation_level=None, check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        return conn

    def _migrate(self) -> None:
        package = "stepscope.store.sqlite"
        with self._transaction() as cur:
            cur.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            cur.execute("SELECT version FROM schema_version")
            row = cur.fetchone()
            current = row[0] if row else 0
            if current > latest_version(package):
                raise StoreUnavailable(
                    f"{self.path} has schema version {current}, newer than this stepscope "
                    f"understands ({latest_version(package)}): upgrade stepscope")
            for version, script in pending(package, current):
                for statement in script.split(";\n"):
                    if statement.strip():
                        cur.execute(statement)
                cur.execute("DELETE FROM schema_version")
                cur.execute("INSERT INTO schema_version VALUES (?)", (version,))

    @contextmanager
    def _transaction(self) -> Iterator[Cursor]:
        with self._write_lock:
            cur = self._writer.cursor()
            try:
                self._begin(cur)
                yield cur
            except BaseException:
                cur.execute("ROLLBACK")
                raise
            else:
                try:
                    cur.execute("COMMIT")
                except sqlite3.Error as exc:
                    cur.execute("ROLLBACK")
                    raise StoreUnavailable(f"could not write to {self.path}: {exc}") from exc
            finally:
                cur.close()

    @staticmethod
    def _begin(cur: sqlite3.Cursor) -> None:
        # busy_timeout already waits; this loop only covers SQLITE_BUSY returned without
        # waiting (e.g. while another process runs a WAL checkpoint/recovery).
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        while True:
            try:
                cur.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise StoreUnavailable(f"cannot write the store: {exc}") from exc
                if time.monotonic() > deadline:
                    raise StoreUnavailable(f"the store stayed locked: {exc}") from exc
                time.sleep(0.01)

    @contextmanager
    def _reading(self) -> Iterator[Cursor]:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect()
            self._local.conn = conn
            with self._readers_lock:
                self._readers.append(conn)
        cur = conn.cursor()
        try:
            yield cur
        finally:
            cur.close()

    def close(self) -> None:
        with self._readers_lock:
            for conn in self._readers:
                conn.close()
            self._readers.clear()
        with self._write_lock:
            self._writer.close()
