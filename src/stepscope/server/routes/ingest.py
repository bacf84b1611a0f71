"""``/projects/{project}/runs/{run_id}/batches``: points in, idempotent by batch identity.

A batch names the byte range ``[start, end)`` of the client's write-ahead stream it
carries; the store keeps each stream's cursor with the points in one transaction, so a
retry is answered ``duplicate`` and a gap ``409`` with the cursor to resend from.
"""

from __future__ import annotations

import re
import time
from typing import Any

import numpy as np
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from stepscope.errors import Conflict, InvalidInput
from stepscope.sdk.folding import meta_patch
from stepscope.sdk.wal import parse_records
from stepscope.server.errors import UnsupportedMediaType
from stepscope.server.responses import json_response
from stepscope.server.routes.runs import update_run
from stepscope.server.state import (
    ServerState,
    blocking,
    project_param,
    run_param,
    server_state,
)
from stepscope.server.wire import MAX_INT, Fields, parse_json_object, read_body
from stepscope.store.base import AppendResult, BatchId, PointBatch
from stepscope.store.batches import split_by_key

WAL_MEDIA_TYPE = "application/x-stepscope-wal"
STREAM = re.compile(r"[A-Za-z0-9._:-]{1,128}")
_DIGITS = re.compile(r"[0-9]{1,19}")
BATCH_FIELDS = ("stream", "start", "end", "keys", "key", "step", "value", "wall")
_NONFINITE = {"NaN": float("nan"), "Infinity": float("inf"), "-Infinity": float("-inf")}


def batch_id(stream: object, start: object, end: object) -> BatchId | None:
    """The batch identity, or None when a client sends none of its three parts."""
    if stream is None and start is None and end is None:
        return None
    if not isinstance(stream, str) or not STREAM.fullmatch(stream):
        raise InvalidInput("stream must be 1-128 characters of A-Z a-z 0-9 . _ : -",
                           field="stream")
    for name, value in (("start", start), ("end", end)):
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_INT:
            raise InvalidInput(f"{name} must be an integer in 0..{MAX_INT}", field=name)
    assert isinstance(start, int) and isinstance(end, int)
    if start > end:
        raise InvalidInput("start must not be after end", field="start")
    return BatchId(stream, start, end)


def _ints(value: object, name: str) -> np.ndarray:
    if not isinstance(value, list) or not set(map(type, value)) <= {int}:
        raise InvalidInput(f"{name} must be a list of integers", field=name)
    try:
        return np.array(value, dtype=np.int64)
    except OverflowError:
        raise InvalidInput(f"{name} holds an integer out of range", field=name) from None


def _floats(value: object, name: str, *, nonfinite: bool) -> np.ndarray:
    allowed = {int, float, type(None), str} if nonfinite else {int, float}
    if not isinstance(value, list) or not set(map(type, value)) <= allowed:
        raise InvalidInput(f"{name} must be a list of numbers"
                           + (' (or null, "NaN", "Infinity", "-Infinity")' if nonfinite else ""),
                           field=name)
    if str in set(map(type, value)):
        if not all(v in _NONFINITE for v in value if isinstance(v, str)):
            raise InvalidInput(f'{name} takes only the strings "NaN", "Infinity" and '
                               '"-Infinity"', field=name)
        value = [_NONFINITE[v] if isinstance(v, str) else v for v in value]
    try:
        return np.array(value, dtype=np.float64)  # null becomes NaN
    except OverflowError:
        raise InvalidInput(f"{name} holds a number out of range", field=name) from None


def json_batch(data: dict[str, Any]) -> tuple[PointBatch, BatchId | None]:
    body = Fields(data, BATCH_FIELDS)
    ident = batch_id(data.get("stream"), data.get("start"), data.get("end"))
    keys = body.strings("keys", max_items=1_000_000, max_length=256) or []
    steps = _ints(data.get("step", []), "step")
    key_index = _ints(data.get("key", []), "key")
    values = _floats(data.get("value", []), "value", nonfinite=True)
    walls = (_floats(data["wall"], "wall", nonfinite=False) if data.get("wall") is not None
             else np.full(steps.shape[0], time.time()))
    for name, column in (("key", key_index), ("value", values), ("wall", walls)):
        if column.shape[0] != steps.shape[0]:
            raise InvalidInput(f"{name} has {column.shape[0]} entries but step has "
                               f"{steps.shape[0]}", field=name)
    return PointBatch(keys, key_index, steps, values, walls), ident


def _store(state: ServerState, project: str, run_id: str, batch: PointBatch,
           ident: BatchId | None, metas: list[dict[str, Any]]) -> AppendResult:
    store = state.store
    patch = meta_patch(metas)
    if patch is not None:
        split_by_key(batch)  # refuse bad points before the run is changed
    if patch is not None and ident is not None:
        # A retried batch must not re-apply an older config snapshot: look first.
        cursor = store.ingest_cursor(project, run_id, ident.stream)
        if ident.end <= cursor and cursor > 0:
            return AppendResult(cursor, duplicate=True)
        if ident.start != cursor:
            raise Conflict(f"batch starts at {ident.start} but the stream's cursor is "
                           f"{cursor}", field="start", cursor=cursor)
    if patch is not None:
        update_run(state, project, run_id, patch)
    return store.append_batch(project, run_id, batch, ident)


async def post_batch(request: Request) -> Response:
    state = server_state(request)
    project, run_id = project_param(request), run_param(request)
    media = request.headers.get("content-type", "application/json").split(";")[0].strip()
    metas: list[dict[str, Any]] = []
    if media == WAL_MEDIA_TYPE:
        params = request.query_params
        ident = batch_id(params.get("stream"), _int_param(params.get("start"), "start"),
                         _int_param(params.get("end"), "end"))
        batch, metas = parse_records(await read_body(request, state.max_body_bytes), {})
    elif media in ("application/json", ""):
        data = parse_json_object(await read_body(request, state.max_body_bytes))
        batch, ident = json_batch(data)
    else:
        raise UnsupportedMediaType(f"a batch is application/json or {WAL_MEDIA_TYPE}, "
                                   f"not {media}")
    result = await blocking(_store, state, project, run_id, batch, ident, metas)
    return json_response({"cursor": result.cursor, "duplicate": result.duplicate})


def _int_param(raw: str | None, name: str) -> int | None:
    if raw is None:
        return None
    if not _DIGITS.fullmatch(raw):
        raise InvalidInput(f"{name} must be a non-negative integer", field=name)
    return int(raw)


async def get_stream(request: Request) -> Response:
    project, run_id = project_param(request), run_param(request)
    stream = request.path_params["stream"]
    if not STREAM.fullmatch(stream):
        raise InvalidInput("stream must be 1-128 characters of A-Z a-z 0-9 . _ : -",
                           field="stream")
    cursor = await blocking(server_state(request).store.ingest_cursor, project, run_id, stream)
    return json_response({"stream": stream, "cursor": cursor})


routes = [
    Route("/projects/{project}/runs/{run_id}/batches", post_batch, methods=["POST"]),
    Route("/projects/{project}/runs/{run_id}/streams/{stream}", get_stream, methods=["GET"]),
]
