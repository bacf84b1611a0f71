"""Open a store from what a user types after ``--db``: a PostgreSQL URL or a directory."""

from __future__ import annotations

from pathlib import Path

from stepscope.store.base import Store

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def is_postgres_url(location: str) -> bool:
    return location.lower().startswith(POSTGRES_SCHEMES)


def open_store(url_or_dir: str | Path) -> Store:
    """`PostgresStore` for a ``postgresql://`` or ``postgres://`` URL, else `SqliteStore`
    on the directory (created if missing). psycopg is imported only when asked for, so
    the embedded store works without it."""
    location = str(url_or_dir)
    if is_postgres_url(location):
        from stepscope.store.postgres import PostgresStore

        return PostgresStore(location)
    from stepscope.store.sqlite import SqliteStore

    return SqliteStore(Path(location))
