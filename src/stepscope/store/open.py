"""Open a store from what a user types after ``--db``: a PostgreSQL URL or a directory."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from stepscope.errors import StoreUnavailable
from stepscope.store.base import Store

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def is_postgres_url(location: str) -> bool:
    return location.lower().startswith(POSTGRES_SCHEMES)


def split_schema(url: str) -> tuple[str, str | None]:
    """Take stepscope's own ``schema`` query parameter out of a PostgreSQL URL
    (``postgresql://host/db?schema=team_a``); libpq does not know it."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    schemas = [value for name, value in query if name == "schema"]
    if not schemas:
        return url, None
    rest = urlencode([(name, value) for name, value in query if name != "schema"])
    return urlunsplit(parts._replace(query=rest)), schemas[-1]


def open_store(url_or_dir: str | Path) -> Store:
    """`PostgresStore` for a ``postgresql://`` or ``postgres://`` URL (optionally with
    ``?schema=name``), else `SqliteStore` on the directory, created if missing.

    psycopg is imported only when a URL asks for it, so the embedded store works
    without it."""
    location = str(url_or_dir)
    if is_postgres_url(location):
        try:
            from stepscope.store.postgres import PostgresStore
        except ImportError as exc:
            raise StoreUnavailable(
                "a PostgreSQL URL needs psycopg: pip install 'stepscope[postgres]'") from exc
        url, schema = split_schema(location)
        return PostgresStore(url, schema=schema)
    from stepscope.store.sqlite import SqliteStore

    return SqliteStore(Path(location))
