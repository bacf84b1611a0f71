"""The embedded engine: SQLite in WAL mode, no set-up."""

from stepscope.store.sqlite.store import SqliteStore

__all__ = ["SqliteStore"]
