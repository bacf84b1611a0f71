"""Fixtures of the conformance suite: every test that takes ``store`` (or ``backend``)
runs once per engine, against a fresh SQLite directory and a fresh PostgreSQL schema.

PostgreSQL is the server at ``STEPSCOPE_TEST_PG_URL`` (default
``postgresql://root@127.0.0.1:5432/test``). Each test gets its own schema, dropped when
it ends; PostgreSQL tests are skipped, saying why, only when that server is unreachable.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import psycopg
import pytest

from stepscope.store.base import Store
from stepscope.store.postgres import PostgresStore
from stepscope.store.sqlite import SqliteStore

PG_URL = os.environ.get("STEPSCOPE_TEST_PG_URL", "postgresql://root@127.0.0.1:5432/test")
ENGINES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@cache
def postgres_unreachable() -> str | None:
    """Why PostgreSQL cannot be used, or None when it can."""
    try:
        with psycopg.connect(PG_URL, connect_timeout=3):
            return None
    except psycopg.Error as exc:
        detail = " ".join(str(exc).split())[:160]
        return f"PostgreSQL at {PG_URL} is unreachable ({detail}); set STEPSCOPE_TEST_PG_URL"


def drop_schema(schema: str) -> None:
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


class Backend:
    """One storage location (a directory or a schema) of one engine. `open` may be
    called again to get a second store on the same data: another server replica."""

    def __init__(self, engine: str, tmp_path: Path) -> None:
        self.engine = engine
        self.directory = tmp_path / "store"
        self.schema = f"ss_test_{uuid.uuid4().hex[:16]}"
        self._opened: list[Store] = []

    def open(self) -> Store:
        store: Store
        if self.engine == "sqlite":
            store = SqliteStore(self.directory)
        else:
            store = PostgresStore(PG_URL, schema=self.schema)
        self._opened.append(store)
        return store

    def cleanup(self) -> None:
        for store in self._opened:
            store.close()
        if self.engine == "postgres":
            drop_schema(self.schema)


@pytest.fixture(params=ENGINES)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    engine: str = request.param
    if engine == "postgres" and (reason := postgres_unreachable()):
        pytest.skip(reason)
    found = Backend(engine, tmp_path)
    try:
        yield found
    finally:
        found.cleanup()


@pytest.fixture
def store(backend: Backend) -> Store:
    return backend.open()


@pytest.fixture(params=ENGINES, scope="module")
def module_store(request: pytest.FixtureRequest,
                 tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """One store per engine for a whole module (hypothesis examples use fresh runs)."""
    engine: str = request.param
    if engine == "postgres" and (reason := postgres_unreachable()):
        pytest.skip(reason)
    found = Backend(engine, tmp_path_factory.mktemp("module-store"))
    try:
        yield found.open()
    finally:
        found.cleanup()
