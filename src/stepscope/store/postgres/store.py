"""`Store` on PostgreSQL (psycopg 3): the shared backend behind several server replicas.

Every query is the engine-neutral SQL of `stepscope.store.sql`; this module supplies
connections and turns its ``?`` placeholders into psycopg's ``%s`` in one place.

Concurrency: each write transaction locks the rows it reads and then rewrites
(``SELECT ... FOR UPDATE``: the run when appending, the project when creating runs or
saving the workspace), so replicas appending to the same run take turns, each seeing
the previous one's tail chunk, series statistics and ingest cursor; appends to
different runs proceed in parallel on separate pooled connections.

Connection loss: a connection that dies (server restart, ``pg_terminate_backend``)
fails the transaction it was in with `StoreUnavailable` and is dropped from the pool;
the next call opens a new one. Statements that cannot have had an effect yet (the
``BEGIN`` of a write, any statement of a read) are retried once on a fresh connection,
so a connection that died while idle in the pool costs no error at all.
"""

from __future__ import annotations

import functools
import re
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg import errors as pgerrors
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from stepscope.errors import Conflict, InvalidInput, StepscopeError, StoreUnavailable
from stepscope.store.changes import CHANNEL, Change, ChangeListener, encode_notice
from stepscope.store.migrations import latest_version, pending
from stepscope.store.postgres.listen import PgChangeFeed
from stepscope.store.postgres.pool import Connection, ConnectionPool
from stepscope.store.sql import Cursor, SqlStore

SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
APPLICATION_NAME = "stepscope"
MIGRATION_LOCK_CLASS = 0x53535031  # "SSP1"
"""First key of the advisory lock taken while migrating; the second is the schema's hash."""

_PACKAGE = "stepscope.store.postgres"


@functools.lru_cache(maxsize=1024)
def translate_placeholders(query: str) -> str:
    """``?`` placeholders to psycopg's ``%s``, escaping literal ``%``; text inside single
    quotes (SQL string literals) is left alone."""
    out: list[str] = []
    for i, part in enumerate(query.split("'")):
        part = part.replace("%", "%%")
        out.append(part if i % 2 else part.replace("?", "%s"))
    return "'".join(out)


class _PgCursor:
    """The DB-API subset `SqlStore` uses, over a psycopg cursor, with ``?`` placeholders.

    When ``retry`` is set (reads in autocommit mode, where every statement stands
    alone), a statement that fails because the connection died is run again once on a
    fresh connection from the pool.
    """

    def __init__(self, pool: ConnectionPool, conn: Connection, *, retry: bool) -> None:
        self._pool = pool
        self._conn: Connection | None = conn
        self._cur = conn.cursor(binary=True)  # bytea and numbers arrive unparsed
        self._retry = retry

    def execute(self, query: str, params: Sequence[Any] = ()) -> _PgCursor:
        text = translate_placeholders(query)
        try:
            self._cur.execute(text, params)
        except psycopg.OperationalError:
            if not (self._retry and self._conn is not None and self._conn.broken):
                raise
            self._pool.discard(self._conn)
            self._conn = None
            self._pool.discard_idle()
            self._conn = self._pool.acquire()
            self._cur = self._conn.cursor(binary=True)
            self._cur.execute(text, params)
        return self

    def fetchone(self) -> Any:
        return self._cur.fetchone()

    def fetchall(self) -> list[Any]:
        return self._cur.fetchall()

    def close(self) -> None:
        self._cur.close()

    def release(self) -> None:
        """Close the cursor and give its connection back to the pool."""
        self._cur.close()
        if self._conn is not None:
            self._pool.release(self._conn)
            self._conn = None


class PostgresStore(SqlStore):
    """A store in one PostgreSQL database, optionally confined to one ``schema``
    (created if missing; it becomes the connections' ``search_path``)."""

    lock_clause = " FOR UPDATE"

    def __init__(self, url: str, schema: str | None = None, *, pool_size: int = 8,
                 connect_timeout: float = 10.0) -> None:
        super().__init__()
        if schema is not None and not SCHEMA_NAME.fullmatch(schema):
            raise InvalidInput(f"schema {schema!r} must be 1-63 characters of a-z 0-9 _, "
                               "not starting with a digit", field="schema")
        self.url = url
        self.schema = schema
        self.origin = uuid.uuid4().hex[:12]
        """Names this store object in change notices (it ignores its own)."""
        try:
            given = conninfo_to_dict(url)
            defaults: dict[str, str | int] = {
                "application_name": APPLICATION_NAME,
                "connect_timeout": max(1, round(connect_timeout))}
            self._conninfo = make_conninfo(
                url, **{k: v for k, v in defaults.items() if k not in given})
        except psycopg.ProgrammingError as exc:
            raise StoreUnavailable(f"invalid PostgreSQL URL: {_reason(exc)}") from exc
        self._pool = ConnectionPool(self._connect, pool_size)
        self._feeds: list[PgChangeFeed] = []
        try:
            self._migrate()
        except BaseException:
            self._pool.close()
            raise

    # -- connections -------------------------------------------------------------------

    def _connect(self) -> Connection:
        try:
            conn: Connection = psycopg.connect(self._conninfo, autocommit=True)
        except psycopg.Error as exc:
            raise StoreUnavailable(f"cannot connect to PostgreSQL: {_reason(exc)}") from exc
        try:
            if self.schema is not None:
                conn.execute(sql.SQL("SET search_path TO {}").format(
                    sql.Identifier(self.schema)))
        except psycopg.Error as exc:
            conn.close()
            raise StoreUnavailable(f"cannot connect to PostgreSQL: {_reason(exc)}") from exc
        return conn

    def _begin(self) -> Connection:
        """A pooled connection inside a fresh ``BEGIN``. ``BEGIN`` cannot have had an
        effect, so a connection found dead here is replaced once without an error."""
        for attempt in (1, 2):
            conn = self._pool.acquire()
            try:
                conn.execute("BEGIN")
                return conn
            except psycopg.Error as exc:
                broken = conn.broken
                self._pool.discard(conn)
                if not broken or attempt == 2:
                    raise _unavailable(exc) from exc
                self._pool.discard_idle()
        raise AssertionError("unreachable")

    @contextmanager
    def _transaction(self) -> Iterator[Cursor]:
        conn = self._begin()
        try:
            # Pipeline mode sends the statements whose results nobody reads (the chunk
            # inserts and series updates of an append) without waiting for each reply.
            with conn.pipeline():
                cur = _PgCursor(self._pool, conn, retry=False)
                try:
                    yield cur
                finally:
                    cur.close()
            conn.execute("COMMIT")
        except BaseException as exc:
            self._abandon(conn)
            if isinstance(exc, psycopg.Error):
                raise _translate_error(exc) from exc
            raise
        self._pool.release(conn)

    def _abandon(self, conn: Connection) -> None:
        """Roll back a failed transaction and return (or drop) its connection."""
        if not conn.broken and not conn.closed:
            try:
                conn.execute("ROLLBACK")
            except psycopg.Error:
                self._pool.discard(conn)
                return
        self._pool.release(conn)

    @contextmanager
    def _reading(self) -> Iterator[Cursor]:
        conn = self._pool.acquire()
        try:
            cur = _PgCursor(self._pool, conn, retry=True)
        except psycopg.Error as exc:
            self._pool.discard(conn)
            raise _translate_error(exc) from exc
        try:
            yield cur
        except psycopg.Error as exc:
            raise _translate_error(exc) from exc
        finally:
            cur.release()

    def close(self) -> None:
        for feed in self._feeds:
            feed.close()
        self._pool.close()

    # -- change notices (stepscope.store.changes) --------------------------------------

    def _announce(self, cur: Cursor, change: Change) -> None:
        # Sent when the transaction commits, and only if it does.
        cur.execute("SELECT pg_notify(?, ?)",
                    (CHANNEL, encode_notice(self.origin, self.schema or "", change)))

    def watch_changes(self, listener: ChangeListener) -> PgChangeFeed:
        feed = PgChangeFeed(self._connect, self.origin, self.schema or "", listener)
        self._feeds.append(feed)
        return feed

    # -- schema ------------------------------------------------------------------------

    def _migrate(self) -> None:
        """Apply pending numbered migrations under an advisory lock, so that replicas
        starting at the same moment migrate once, one after the other."""
        target = self.schema if self.schema is not None else "(search_path)"
        latest = latest_version(_PACKAGE)
        conn = self._begin()
        try:
            conn.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))",
                         (MIGRATION_LOCK_CLASS, target))
            if self.schema is not None:
                conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(
                    sql.Identifier(self.schema)))
            conn.execute("CREATE TABLE IF NOT EXISTS schema_version "
                         "(version INTEGER NOT NULL)")
            row = conn.execute("SELECT version FROM schema_version").fetchone()
            current = int(row[0]) if row else 0  # type: ignore[call-overload]
            if current > latest:
                raise StoreUnavailable(
                    f"the database schema {target} has version {current}, newer than this "
                    f"stepscope understands ({latest}): upgrade stepscope")
            for version, script in pending(_PACKAGE, current):
                conn.execute(script)  # no parameters: runs as one multi-statement script
                conn.execute("DELETE FROM schema_version")
                conn.execute("INSERT INTO schema_version VALUES (%s)", (version,))
            conn.execute("COMMIT")
        except BaseException as exc:
            self._abandon(conn)
            if isinstance(exc, psycopg.Error):
                raise _translate_error(exc) from exc
            raise
        self._pool.release(conn)


def _reason(exc: psycopg.Error) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _unavailable(exc: psycopg.Error) -> StoreUnavailable:
    return StoreUnavailable(f"PostgreSQL is unavailable: {_reason(exc)}")


def _translate_error(exc: psycopg.Error) -> StepscopeError:
    """Map a driver error onto the `stepscope.errors` tree."""
    if isinstance(exc, pgerrors.UniqueViolation):
        return Conflict("a concurrent request changed the same record; retry")
    if isinstance(exc, (pgerrors.SerializationFailure, pgerrors.DeadlockDetected)):
        return StoreUnavailable("the database aborted a conflicting transaction; retry")
    if isinstance(exc, (psycopg.OperationalError, psycopg.InterfaceError)):
        return _unavailable(exc)
    return StoreUnavailable(f"the database refused the request: {_reason(exc)}")
