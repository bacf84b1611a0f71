"""Malformed, oversized and hostile requests get a 4xx and write nothing, on both
engines: SQL-looking names, path traversal in ids, invalid UTF-8, deeply nested JSON, a
billion-step jump, bodies too large, broken binary batches.

What "nothing" means is checked by comparing everything a reader can see (projects,
runs and their fields, keys, points, workspace, alerts, API keys) before and after.

Metric keys are data, not names: a key that merely *looks* like SQL (``loss'); DROP
TABLE chunks;--``) is a valid key, stored and read back as text, never executed
(`test_sql_looking_text_is_only_ever_data`); one that is also malformed (a control
character, a ``..`` part) is refused like any malformed key.
"""

from __future__ import annotations

import struct
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import orjson
import pytest
from tests.api.conftest import LiveServer, running_server
from tests.contract.conftest import PG_URL, drop_schema, postgres_unreachable

from stepscope.query.engine import read_points
from stepscope.sdk.wal import KEY, META, encode_records
from stepscope.server.runner import open_store
from stepscope.store.base import PointBatch, RunFilter, Store
from stepscope.store.batches import MAX_STEP_JUMP
from stepscope.store.postgres import PostgresStore

WAL = "application/x-stepscope-wal"
JSON = {"Content-Type": "application/json"}


@contextmanager
def _served(engine: str, where: Path) -> Iterator[LiveServer]:
    store: Store
    schema = f"ss_test_{uuid.uuid4().hex[:16]}"
    if engine == "postgres":
        if reason := postgres_unreachable():
            pytest.skip(reason)
        store = PostgresStore(PG_URL, schema=schema)
    else:
        store = open_store(where / "data")
    try:
        with running_server(store, where / "data") as live:
            live.create_run("p", id="r", config={"lr": 0.1})
            stored = live.post_points("p", "r", {"loss": [float(i) for i in range(10)]})
            assert stored.status_code == 200
            assert live.client.put("/projects/p/workspace",
                                   json={"state": {"a": 1}, "version": 0}).status_code == 200
            yield live
    finally:
        store.close()
        if engine == "postgres":
            drop_schema(schema)


ENGINES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=ENGINES, scope="module")
def shared(request: pytest.FixtureRequest,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One server per engine for the module: every hostile request must leave it as it
    was, which each test checks."""
    with _served(request.param, tmp_path_factory.mktemp("hostile")) as live:
        yield live


@pytest.fixture(params=ENGINES)
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LiveServer]:
    with _served(request.param, tmp_path) as live:
        yield live


def snapshot(store: Store) -> Any:
    """Everything a reader can see, without the clocks."""
    seen: dict[str, Any] = {"keys": [(k.id, k.revoked_at) for k in store.list_api_keys()]}
    for project in store.list_projects():
        runs, _ = store.list_runs(project.name, RunFilter(limit=1000))
        seen[project.name] = {
            "runs": sorted((r.id, r.name, r.group, r.notes, tuple(r.tags),
                            orjson.dumps(r.config, option=orjson.OPT_SORT_KEYS),
                            orjson.dumps(r.summary, option=orjson.OPT_SORT_KEYS),
                            orjson.dumps(r.metrics, option=orjson.OPT_SORT_KEYS),
                            r.status.value, r.last_step, r.color) for r in runs),
            "keys": [(k.key, k.runs, k.last_step) for k in store.list_keys(project.name)],
            "workspace": store.get_workspace(project.name),
            "alerts": [a.to_dict() for _, a in store.list_alerts(project.name)],
            "points": {(ref.run, ref.key): read_points(store, ref)[0].tolist()
                       for ref in store.resolve_series(
                           project.name, [r.id for r in runs],
                           [k.key for k in store.list_keys(project.name)])},
        }
    return seen


def nested(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = {"a": value}
    return value


def deep_text(depth: int) -> bytes:
    return b'{"config": ' + b'{"a": ' * depth + b"1" + b"}" * depth + b"}"


def record(kind: int, payload: bytes) -> bytes:
    return (struct.pack("<Q", len(payload) | kind << 32) + payload
            + bytes(-len(payload) % 8))


def points_body(steps: list[int], key: str = "loss") -> bytes:
    n = len(steps)
    return encode_records(PointBatch([key], np.zeros(n, np.int64), np.array(steps, np.int64),
                                     np.ones(n), np.full(n, 1.7e9)))


BATCHES = "/projects/p/runs/r/batches"

HOSTILE: list[tuple[str, str, str, dict[str, Any]]] = [
    # SQL-looking names and parameters
    ("sql: project name", "POST", "/projects/p'%3B%20DROP%20TABLE%20runs%3B--/runs",
     {"json": {}}),
    ("sql: run id in body", "POST", "/projects/p/runs",
     {"json": {"id": "r'; DROP TABLE runs; --"}}),
    ("sql: run id in path", "POST", "/projects/p/runs/r'%20OR%20'1'%3D'1/batches",
     {"json": {"keys": ["x"], "key": [0], "step": [10], "value": [1.0]}}),
    ("sql: sort", "GET", "/projects/p/runs?sort=name%3B%20DROP%20TABLE%20runs", {}),
    ("sql: status", "GET", "/projects/p/runs?status=running'%20OR%201%3D1", {}),
    ("sql: malformed key", "POST", BATCHES,
     {"json": {"keys": ["loss\n'); DROP TABLE chunks;--"], "key": [0], "step": [10],
               "value": [1.0]}}),
    ("sql: stream", "POST", BATCHES,
     {"json": {"stream": "s'; DROP TABLE ingest_cursors;--", "start": 0, "end": 1,
               "keys": ["loss"], "key": [0], "step": [10], "value": [1.0]}}),
    ("nul in a name", "PATCH", "/projects/p/runs/r", {"json": {"name": "a\u0000b"}}),
    ("nul in notes", "POST", "/projects/p/runs", {"json": {"id": "n", "notes": "\u0000"}}),
    ("nul in an alert", "PATCH", "/projects/p/runs/r", {"json": {"alerts": [
        {"id": "a", "level": "WARN", "title": "x\u0000", "created_at": 1.0}]}}),
    # path traversal
    ("traversal: run id in path", "GET", "/projects/p/runs/..%2F..%2Fetc%2Fpasswd", {}),
    ("traversal: run id in body", "POST", "/projects/p/runs",
     {"json": {"id": "../../../etc/passwd"}}),
    ("traversal: dot-dot run id", "POST", "/projects/p/runs", {"json": {"id": ".."}}),
    ("traversal: dot-dot project", "POST", "/projects/%2E%2E/runs", {"json": {}}),
    ("traversal: batch run id", "POST", "/projects/p/runs/%2E%2E/batches",
     {"json": {"keys": ["x"], "key": [0], "step": [10], "value": [1.0]}}),
    ("traversal: stream", "GET", "/projects/p/runs/r/streams/..%2F..%2Fx", {}),
    ("traversal: key", "POST", BATCHES,
     {"json": {"keys": ["a/../../etc/passwd"], "key": [0], "step": [10], "value": [1.0]}}),
    ("traversal: binary key", "POST", BATCHES + "?stream=s&start=0&end=8",
     {"content": record(KEY, struct.pack("<I", 0) + b"../x") + points_body([10])[24:],
      "headers": {"Content-Type": WAL}}),
    # invalid UTF-8
    ("utf-8: run body", "POST", "/projects/p/runs",
     {"content": b'{"id": "\xff\xfe"}', "headers": JSON}),
    ("utf-8: batch body", "POST", BATCHES,
     {"content": b'{"keys": ["\xc3\x28"], "key": [0], "step": [10], "value": [1.0]}',
      "headers": JSON}),
    ("utf-8: workspace", "PUT", "/projects/p/workspace",
     {"content": b'{"state": {"\xed\xa0\x80": 1}, "version": 1}', "headers": JSON}),
    ("utf-8: binary key", "POST", BATCHES + "?stream=s&start=0&end=8",
     {"content": record(KEY, struct.pack("<I", 0) + b"\xff\xfe") + points_body([10])[24:],
      "headers": {"Content-Type": WAL}}),
    ("utf-8: project in path", "POST", "/projects/%FF%FE/runs", {"json": {}}),
    ("utf-8: lone surrogate", "POST", "/projects/p/runs",
     {"content": b'{"id": "s", "name": "\\ud800"}', "headers": JSON}),
    # deeply nested JSON
    ("nested: beyond the parser", "POST", "/projects/p/runs",
     {"content": deep_text(100_000), "headers": JSON}),
    ("nested: config", "POST", "/projects/p/runs", {"json": {"id": "d", "config": nested(100)}}),
    ("nested: summary", "PATCH", "/projects/p/runs/r", {"json": {"summary": nested(900)}}),
    ("nested: workspace", "PUT", "/projects/p/workspace",
     {"json": {"state": nested(200), "version": 1}}),
    ("nested: binary META", "POST", BATCHES + "?stream=s&start=0&end=8",
     {"content": record(META, b'{"config": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"),
      "headers": {"Content-Type": WAL}}),
    ("nested: series query", "POST", "/projects/p/series/query",
     {"json": {"runs": [[[["r"]]]], "keys": ["loss"]}}),
    # a billion-step jump, and steps out of range
    ("jump: json", "POST", BATCHES,
     {"json": {"keys": ["loss"], "key": [0, 0], "step": [10, 10 + MAX_STEP_JUMP + 9],
               "value": [1.0, 2.0]}}),
    ("jump: binary", "POST", BATCHES + "?stream=s&start=0&end=64",
     {"content": points_body([10, 11, 5 * MAX_STEP_JUMP]), "headers": {"Content-Type": WAL}}),
    ("jump: new key", "POST", BATCHES,
     {"json": {"keys": ["fresh"], "key": [0], "step": [2 * MAX_STEP_JUMP], "value": [1.0]}}),
    ("step: 2^63", "POST", BATCHES,
     {"json": {"keys": ["loss"], "key": [0], "step": [2**63], "value": [1.0]}}),
    ("step: 2^70", "POST", BATCHES,
     {"json": {"keys": ["loss"], "key": [0], "step": [2**70], "value": [1.0]}}),
    ("step: negative", "POST", BATCHES,
     {"json": {"keys": ["loss"], "key": [0], "step": [-1], "value": [1.0]}}),
    ("step: backwards", "POST", BATCHES,
     {"json": {"keys": ["loss"], "key": [0], "step": [3], "value": [1.0]}}),
    # oversized and malformed
    ("oversized body", "POST", BATCHES,
     {"content": b" " * (33 << 20), "headers": JSON}),
    ("too many keys", "POST", BATCHES,
     {"json": {"keys": ["k"] * 1_000_001, "key": [], "step": [], "value": []}}),
    ("columns differ", "POST", BATCHES,
     {"json": {"keys": ["loss"], "key": [0, 0], "step": [10], "value": [1.0]}}),
    ("nan wall", "POST", BATCHES,
     {"json": {"keys": ["loss"], "key": [0], "step": [10], "value": [1.0], "wall": ["NaN"]}}),
    ("not json", "POST", "/projects/p/runs", {"content": b"{'id': 1", "headers": JSON}),
    ("text/plain", "POST", BATCHES, {"content": b"hello", "headers": {"Content-Type":
                                                                      "text/plain"}}),
    ("binary: ragged", "POST", BATCHES + "?stream=s&start=0&end=8",
     {"content": b"\x01" * 13, "headers": {"Content-Type": WAL}}),
    ("binary: huge length", "POST", BATCHES + "?stream=s&start=0&end=8",
     {"content": struct.pack("<Q", 0xFFFFFFF0 | 2 << 32) + bytes(8),
      "headers": {"Content-Type": WAL}}),
    ("binary: unnamed key", "POST", BATCHES + "?stream=s&start=0&end=8",
     {"content": points_body([10])[24:], "headers": {"Content-Type": WAL}}),
    ("unknown field", "PATCH", "/projects/p/runs/r", {"json": {"name": "x", "admin": True}}),
]


@pytest.mark.parametrize(("name", "method", "path", "kwargs"), HOSTILE,
                         ids=[case[0] for case in HOSTILE])
def test_hostile_requests_get_4xx_and_write_nothing(shared: LiveServer, name: str,
                                                    method: str, path: str,
                                                    kwargs: dict[str, Any]) -> None:
    target = shared
    before = snapshot(target.store)
    response = target.client.request(method, path, **kwargs)
    assert 400 <= response.status_code < 500, (name, response.status_code, response.text)
    if response.headers.get("content-type", "").startswith("application/json"):
        assert response.json()["error"]["status"] == response.status_code
    assert snapshot(target.store) == before, name
    assert target.client.get("/health").status_code == 200


def test_static_files_never_leave_their_folder(shared: LiveServer) -> None:
    target = shared
    for path in ("/..%2F..%2F..%2F..%2Fetc%2Fpasswd", "/assets/..%2F..%2F..%2Fetc%2Fpasswd",
                 "/%2E%2E/%2E%2E/etc/passwd", "/assets/%00.js"):
        response = httpx.get(target.url + path, timeout=10)
        assert response.status_code in (200, 404) and "root:" not in response.text
        assert not response.text.startswith("#"), path


def test_sql_looking_text_is_only_ever_data(target: LiveServer) -> None:
    evil = "loss'); DROP TABLE chunks;--"
    name = "Robert'); DROP TABLE runs;--"
    assert target.client.patch("/projects/p/runs/r", json={"name": name, "notes": evil,
                                                           "tags": [evil]}).status_code == 200
    stored = target.client.post(BATCHES, json={"keys": [evil], "key": [0], "step": [10],
                                               "value": [4.0]})
    assert stored.status_code == 200, stored.text
    run = target.client.get("/projects/p/runs/r").json()
    assert (run["name"], run["notes"], run["tags"]) == (name, evil, [evil])
    (series,) = target.client.post("/projects/p/series/query",
                                   json={"runs": ["r"], "keys": [evil]}).json()["series"]
    assert series["key"] == evil and series["last"] == [4.0]
    # Every table is still there and whole.
    loss = target.store.resolve_series("p", ["r"], ["loss"])
    assert read_points(target.store, loss[0])[0].tolist() == list(range(10))
    assert [r.id for r in target.store.list_runs("p", RunFilter())[0]] == ["r"]
