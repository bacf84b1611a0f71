"""Change notices between store objects over the same data (`stepscope.store.changes`):
what server replicas over one PostgreSQL database hear from each other."""

from __future__ import annotations

import queue
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from stepscope.store.base import RunPatch, RunSpec
from stepscope.store.changes import CHANNEL, POINTS, Change, decode_notice, encode_notice
from stepscope.store.postgres import PostgresStore
from stepscope.store.sqlite import SqliteStore
from stepscope.types import RunStatus

from .conftest import PG_URL, Backend, postgres_unreachable
from .helpers import batch


def _next(heard: queue.Queue[Change | None], timeout: float = 5.0) -> Change | None:
    return heard.get(timeout=timeout)


@pytest.fixture
def pg(tmp_path: Path) -> Iterator[Backend]:
    if reason := postgres_unreachable():
        pytest.skip(reason)
    found = Backend("postgres", tmp_path)
    try:
        yield found
    finally:
        found.cleanup()


def test_sqlite_has_no_feed_and_servers_poll(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path)
    try:
        assert store.watch_changes(lambda change: None) is None
    finally:
        store.close()


@pytest.mark.postgres
def test_replicas_hear_what_the_others_commit(pg: Backend) -> None:
    writer, reader = pg.open(), pg.open()
    heard: queue.Queue[Change | None] = queue.Queue()
    assert isinstance(reader, PostgresStore)
    assert reader.watch_changes(heard.put).wait_listening(10)
    mine: queue.Queue[Change | None] = queue.Queue()
    writer.watch_changes(mine.put)

    started = time.monotonic()
    writer.create_run("p", RunSpec(id="r"))
    assert _next(heard) == Change("run", "p", "r")
    writer.append_batch("p", "r", batch({"loss": ([0, 1, 2], [1.0, 0.5, 0.2]),
                                         "acc": ([2], [0.9])}))
    assert _next(heard) == Change(POINTS, "p", "r", ["loss", "acc"], 2)
    print(f"two notices in {time.monotonic() - started:.3f} s")
    # A heartbeat alone is not announced; a change a viewer sees is.
    writer.update_run("p", "r", RunPatch(heartbeat_at=time.time()))
    writer.update_run("p", "r", RunPatch(name="renamed"))
    assert _next(heard) == Change("run", "p", "r")
    writer.update_run("p", "r", RunPatch(alerts=[
        {"id": "a1", "level": "WARN", "title": "t", "created_at": time.time()}]))
    assert {_next(heard), _next(heard)} == {Change("run", "p", "r"), Change("alerts", "p", "r")}
    # Crashing a silent run is announced, and so is a heartbeat that revives it.
    writer.update_run("p", "r", RunPatch(heartbeat_at=time.time() - 600))
    assert writer.crash_stale_runs(time.time() - 60)[0].status is RunStatus.CRASHED
    assert _next(heard) == Change("run", "p", "r")
    writer.update_run("p", "r", RunPatch(heartbeat_at=time.time()))
    assert _next(heard) == Change("run", "p", "r")
    # A failed write announces nothing; nobody hears its own notices.
    with pytest.raises(Exception):  # noqa: B017 - any refusal will do
        writer.append_batch("p", "r", batch({"loss": ([0], [1.0])}))
    time.sleep(0.3)
    assert heard.empty() and mine.empty()


@pytest.mark.postgres
def test_a_listener_that_loses_its_connection_is_told_to_look_itself(pg: Backend) -> None:
    writer, reader = pg.open(), pg.open()
    assert isinstance(reader, PostgresStore)
    heard: queue.Queue[Change | None] = queue.Queue()
    feed = reader.watch_changes(heard.put)
    assert feed.wait_listening(10)
    with psycopg.connect(PG_URL, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                      "WHERE query = %s", (f"LISTEN {CHANNEL}",))
    assert _next(heard, 15) is None  # reconnected: notices may have been missed
    writer.create_run("p", RunSpec(id="after"))
    assert _next(heard) == Change("run", "p", "after")


def test_notices_fit_postgres_limit() -> None:
    many = [f"metrics/key_{i:05d}" for i in range(2000)]
    text = encode_notice("o", "s", Change(POINTS, "p", "r", many, 7))
    assert len(text.encode()) < 8000
    assert decode_notice(text) == ("o", "s", Change(POINTS, "p", "r", None, 7))
    assert decode_notice("not json") is None and decode_notice('{"k": "x"}') is None
