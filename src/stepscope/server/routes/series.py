"""``/projects/{project}/series``: the envelope query (batch POST and one-off GET)."""

from __future__ import annotations

import sys
import time
from typing import Any

import numpy as np
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from stepscope.errors import InvalidInput
from stepscope.query.engine import MAX_BUCKETS, SeriesQuery, query_series
from stepscope.query.envelope import Envelope
from stepscope.server.responses import dumps
from stepscope.server.routes.keys import run_ids
from stepscope.server.state import blocking, project_param, require_project, server_state
from stepscope.server.wire import (
    Fields,
    is_number,
    query_float,
    query_int,
    read_json_object,
)
from stepscope.store.base import Store

MAX_SERIES = 20_000
"""Most (run, key) pairs one query may ask for."""
QUERY_FIELDS = ("runs", "keys", "x", "x_range", "buckets")


def parse_query(data: dict[str, Any]) -> SeriesQuery:
    body = Fields(data, QUERY_FIELDS)
    runs = run_ids(body.strings("runs", max_items=MAX_SERIES) or [], "runs")
    keys = body.strings("keys", max_items=MAX_SERIES, max_length=256) or []
    x_range = data.get("x_range")
    if x_range is not None and (not isinstance(x_range, list) or len(x_range) != 2
                                or not all(is_number(v) for v in x_range)):
        raise InvalidInput("x_range must be null or [min, max]", field="x_range")
    return checked(SeriesQuery(
        runs=runs, keys=keys, x=body.string("x", max_length=300) or "step",
        x_range=(float(x_range[0]), float(x_range[1])) if x_range is not None else None,
        buckets=body.integer("buckets", default=1000, lo=1, hi=MAX_BUCKETS) or 1000))


def checked(query: SeriesQuery) -> SeriesQuery:
    if len(query.runs) * len(query.keys) > MAX_SERIES:
        raise InvalidInput(f"a query may ask for at most {MAX_SERIES} (run, key) pairs",
                           field="keys")
    query.validate()
    return query


def envelope_wire(env: Envelope) -> dict[str, Any]:
    """`Envelope.to_dict` with numpy arrays left for orjson to write (non-finite floats
    become null there): the same JSON, without building Python lists."""
    x: np.ndarray = env.x
    if x.dtype.kind == "f" and x.size and bool(np.isfinite(x).all()) and bool(
            (x == np.round(x)).all()) and float(np.abs(x).max()) < 2**63:
        x = x.astype(np.int64)
    return {"run": env.run, "key": env.key, "raw": env.raw, "x": x,
            "last": _floats(env.last), "mean": _floats(env.mean), "min": _floats(env.min),
            "max": _floats(env.max), "count": np.ascontiguousarray(env.count, np.int64),
            "nonfinite": np.ascontiguousarray(env.nonfinite, np.int64)}


def _floats(values: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(values, np.float64)


def _query(store: Store, project: str, query: SeriesQuery) -> list[Envelope]:
    require_project(store, project)
    return query_series(store, project, query)


async def _answer(request: Request, query: SeriesQuery) -> Response:
    project = project_param(request)
    started = time.perf_counter()
    envelopes = await blocking(_query, server_state(request).store, project, query)
    body = dumps({"x": query.x, "buckets": query.buckets,
                  "series": [envelope_wire(e) for e in envelopes]})
    # Server-Timing: what the server spent (query and body), as browsers' dev tools and
    # the benchmarks read it.
    spent = (time.perf_counter() - started) * 1000
    return Response(body, media_type="application/json",
                    headers={"Server-Timing": f"query;dur={spent:.2f}"})


async def post_query(request: Request) -> Response:
    data = await read_json_object(request, server_state(request).max_body_bytes)
    return await _answer(request, parse_query(data))


async def get_query(request: Request) -> Response:
    params = request.query_params
    lo, hi = query_float(request, "x_min"), query_float(request, "x_max")
    x_range = None
    if lo is not None or hi is not None:
        x_range = (lo if lo is not None else -sys.float_info.max,
                   hi if hi is not None else sys.float_info.max)
    query = checked(SeriesQuery(
        runs=run_ids(params.getlist("run"), "run"), keys=params.getlist("key"),
        x=params.get("x") or "step", x_range=x_range,
        buckets=query_int(request, "buckets", 1000, 1, MAX_BUCKETS)))
    return await _answer(request, query)


routes = [
    Route("/projects/{project}/series/query", post_query, methods=["POST"]),
    Route("/projects/{project}/series", get_query, methods=["GET"]),
]
