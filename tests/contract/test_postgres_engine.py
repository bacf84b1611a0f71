"""What only the PostgreSQL engine has: placeholders, schemas, advisory-locked
migrations, error mapping, and surviving connections killed under it."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import psycopg
import pytest

from stepscope.errors import InvalidInput, StoreUnavailable
from stepscope.store.base import BatchId, RunFilter, RunSpec
from stepscope.store.migrations import latest_version
from stepscope.store.open import open_store, split_schema
from stepscope.store.postgres import PostgresStore
from stepscope.store.postgres.store import translate_placeholders
from stepscope.store.sqlite import SqliteStore

from .conftest import PG_URL, drop_schema, postgres_unreachable
from .helpers import batch, new_run, points


@pytest.mark.parametrize(("query", "expected"), [
    ("SELECT a FROM t WHERE b = ? AND c IN (?, ?)",
     "SELECT a FROM t WHERE b = %s AND c IN (%s, %s)"),
    ("SELECT '?' || ?, 100 % 7", "SELECT '?' || %s, 100 %% 7"),
    ("UPDATE t SET x = 'it''s ?' WHERE y = ?", "UPDATE t SET x = 'it''s ?' WHERE y = %s"),
    ("SELECT 1", "SELECT 1"),
])
def test_placeholders_translate_in_one_place(query: str, expected: str) -> None:
    assert translate_placeholders(query) == expected


def test_schema_query_parameter_is_stepscope_s() -> None:
    assert split_schema("postgresql://u@h:5432/db?schema=team_a&sslmode=disable") == (
        "postgresql://u@h:5432/db?sslmode=disable", "team_a")
    assert split_schema("postgres://h/db") == ("postgres://h/db", None)


def test_open_store_picks_sqlite_for_a_directory(tmp_path: Path) -> None:
    store = open_store(tmp_path / "data")
    try:
        assert isinstance(store, SqliteStore)
    finally:
        store.close()



@pytest.fixture
def pg() -> Iterator[tuple[str, str]]:
    """A URL tagged with its own application_name (so a test can kill exactly its own
    connections) and a schema name, dropped afterwards."""
    if reason := postgres_unreachable():
        pytest.skip(reason)
    tag = uuid.uuid4().hex[:16]
    schema = f"ss_test_{tag}"
    try:
        yield f"{PG_URL}?application_name=ss_test_{tag}", schema
    finally:
        drop_schema(schema)


def _terminate(url: str) -> int:
    """Kill every server backend of this URL's application_name; return how many."""
    app = url.rsplit("application_name=", 1)[1]
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        rows = conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                            "WHERE application_name = %s AND pid <> pg_backend_pid()",
                            (app,)).fetchall()
    return len(rows)


@pytest.mark.postgres
def test_open_store_picks_postgres_for_a_url(pg: tuple[str, str]) -> None:
    url, schema = pg
    for scheme in ("postgresql://", "postgres://"):
        store = open_store(url.replace("postgresql://", scheme) + f"&schema={schema}")
        try:
            assert isinstance(store, PostgresStore) and store.schema == schema
            store.create_run("proj", RunSpec(id="r"))
        finally:
            store.close()


@pytest.mark.postgres
def test_unreachable_server_is_store_unavailable() -> None:
    started = time.monotonic()
    with pytest.raises(StoreUnavailable) as info:
        PostgresStore("postgresql://root@127.0.0.1:1/test")
    assert info.value.status == 503 and "connect" in info.value.message
    assert time.monotonic() - started < 10


@pytest.mark.postgres
def test_bad_schema_names_and_urls() -> None:
    with pytest.raises(InvalidInput):
        PostgresStore(PG_URL, schema="Robert'); DROP TABLE runs;--")
    with pytest.raises(StoreUnavailable):
        PostgresStore("postgresql://root@127.0.0.1:5432/test?nonsense_option=1")


@pytest.mark.postgres
def test_schemas_are_isolated(pg: tuple[str, str]) -> None:
    url, schema = pg
    other = schema + "_b"
    first, second = PostgresStore(url, schema), PostgresStore(url, other)
    try:
        first.create_run("proj", RunSpec(id="only-here"))
        assert [p.name for p in first.list_projects()] == ["proj"]
        assert second.list_projects() == []
    finally:
        first.close()
        second.close()
        drop_schema(other)


@pytest.mark.postgres
def test_migrations_run_once_even_when_replicas_start_together(pg: tuple[str, str]) -> None:
    url, schema = pg
    stores: list[PostgresStore] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(6)

    def start() -> None:
        barrier.wait()
        try:
            stores.append(PostgresStore(url, schema))
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    try:
        assert errors == [] and len(stores) == 6
        with psycopg.connect(PG_URL) as conn:
            rows = conn.execute(f"SELECT version FROM {schema}.schema_version").fetchall()
        assert rows == [(latest_version("stepscope.store.postgres"),)]
        stores[0].create_run("proj", RunSpec(id="r"))
        assert stores[5].get_run("proj", "r").id == "r"
    finally:
        for store in stores:
            store.close()


@pytest.mark.postgres
def test_a_newer_schema_is_refused(pg: tuple[str, str]) -> None:
    url, schema = pg
    PostgresStore(url, schema).close()
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f"UPDATE {schema}.schema_version SET version = 999")
    with pytest.raises(StoreUnavailable, match="upgrade stepscope"):
        PostgresStore(url, schema)


@pytest.mark.postgres
def test_idle_connections_killed_under_the_store_cost_no_error(pg: tuple[str, str]) -> None:
    store = PostgresStore(*pg)
    try:
        new_run(store)
        store.append_batch("proj", "r1", batch({"m": ([0], [1.0])}))
        assert _terminate(pg[0]) >= 1
        assert store.get_run("proj", "r1").id == "r1"  # a read reconnects
        assert _terminate(pg[0]) >= 1
        store.append_batch("proj", "r1", batch({"m": ([1], [2.0])}))  # so does a write
        assert points(store, "proj", "r1", "m")[0].tolist() == [0, 1]
    finally:
        store.close()


@pytest.mark.postgres
def test_connection_killed_mid_ingest_fails_that_batch_only(
        pg: tuple[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    url, schema = pg
    store = PostgresStore(url, schema)
    try:
        new_run(store)
        store.append_batch("proj", "r1", batch({"a": ([0], [1.0]), "b": ([0], [1.0])}),
                           BatchId("wal", 0, 10))
        original = store._append_series
        calls = []

        def kill_after_first_series(*args: Any) -> Any:
            calls.append(1)
            if len(calls) == 2:
                _terminate(url)
            return original(*args)

        monkeypatch.setattr(store, "_append_series", kill_after_first_series)
        with pytest.raises(StoreUnavailable):
            store.append_batch("proj", "r1", batch({"a": ([1], [2.0]), "b": ([1], [2.0])}),
                               BatchId("wal", 10, 20))
        monkeypatch.undo()
        # Nothing of the failed batch was kept; the retry reconnects and applies it once.
        assert store.ingest_cursor("proj", "r1", "wal") == 10
        assert points(store, "proj", "r1", "a")[0].tolist() == [0]
        result = store.append_batch("proj", "r1", batch({"a": ([1], [2.0]), "b": ([1], [2.0])}),
                                    BatchId("wal", 10, 20))
        assert not result.duplicate and result.cursor == 20
        for key in ("a", "b"):
            assert points(store, "proj", "r1", key)[1].tolist() == [1.0, 2.0]
    finally:
        store.close()


@pytest.mark.postgres
def test_ingest_survives_repeated_connection_kills(pg: tuple[str, str]) -> None:
    """Batches retried after StoreUnavailable (as the SDK's sender does) end up stored
    exactly once, even when the kill lands on a COMMIT whose outcome is unknown."""
    url, schema = pg
    store = PostgresStore(url, schema)
    stop = threading.Event()
    kills = []

    def killer() -> None:
        # A bounded number of kills: on a loaded machine a transaction can outlast the
        # 15 ms between kills, and unbounded killing would then never let one commit.
        while not stop.wait(0.015) and sum(kills) < 40:
            kills.append(_terminate(url))

    try:
        new_run(store)
        thread = threading.Thread(target=killer)
        thread.start()
        failures = 0
        n_batches = 60
        try:
            for i in range(n_batches):
                steps = np.arange(i * 200, i * 200 + 200)
                payload = batch({f"k{j}": (steps, steps * 1.0 + j) for j in range(10)})
                for _ in range(500):
                    try:
                        store.append_batch("proj", "r1", payload,
                                           BatchId("wal", i * 100, i * 100 + 100))
                        break
                    except StoreUnavailable:
                        failures += 1
                else:
                    raise AssertionError("the store never recovered")
        finally:
            stop.set()
            thread.join()
        assert sum(kills) > 0
        for j in range(10):
            steps, values, _ = points(store, "proj", "r1", f"k{j}")
            np.testing.assert_array_equal(steps, np.arange(n_batches * 200))
            np.testing.assert_array_equal(values, steps + float(j))
        assert store.ingest_cursor("proj", "r1", "wal") == n_batches * 100
        assert store.list_runs("proj", RunFilter())[1] == 1
    finally:
        store.close()
