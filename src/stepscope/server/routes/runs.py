"""``/projects/{project}/runs``: list, read, create or resume, and change runs."""

from __future__ import annotations

import math
import time
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from stepscope.errors import InvalidInput
from stepscope.server.responses import json_response
from stepscope.server.state import (
    ServerState,
    blocking,
    project_param,
    require_project,
    run_param,
    server_state,
)
from stepscope.server.wire import Fields, query_int, read_json_object
from stepscope.store.alerts import check_alert
from stepscope.store.base import RESUME_POLICIES, RunFilter, RunPatch, RunRecord, RunSpec, Store
from stepscope.types import RunStatus

STATUSES = tuple(s.value for s in RunStatus)
CREATE_FIELDS = ("id", "name", "group", "tags", "notes", "config", "metadata", "resume")
PATCH_FIELDS = ("name", "tags", "notes", "group", "color", "config", "summary", "metrics",
                "status", "heartbeat_at", "alerts")


def run_filter(request: Request) -> RunFilter:
    params = request.query_params
    statuses = params.getlist("status")
    for status in statuses:
        if status not in STATUSES:
            raise InvalidInput(f"status must be one of {', '.join(STATUSES)}", field="status")
    config = {name[len("config."):]: _config_value(value)
              for name, value in params.multi_items() if name.startswith("config.")}
    sort = params.get("sort", "-created_at")
    if sort not in RunFilter.SORTS:
        raise InvalidInput(f"sort must be one of {', '.join(RunFilter.SORTS)}", field="sort")
    return RunFilter(status=[RunStatus(s) for s in statuses], tags=params.getlist("tag"),
                     group=params.get("group"), query=params.get("q") or None,
                     config_equals=config, sort=sort,
                     limit=query_int(request, "limit", 200, 1, 1000),
                     offset=query_int(request, "offset", 0, 0, 2**62))


def _config_value(text: str) -> Any:
    """A config filter value: a JSON number compares as a number, anything else as
    text (the store also matches it against the field's JSON text)."""
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:
        return text
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return value
    return text


def _list_runs(store: Store, project: str, flt: RunFilter) -> tuple[list[RunRecord], int]:
    require_project(store, project)
    return store.list_runs(project, flt)


async def list_runs(request: Request) -> Response:
    project = project_param(request)
    flt = run_filter(request)
    runs, total = await blocking(_list_runs, server_state(request).store, project, flt)
    return json_response({"runs": [r.to_dict() for r in runs], "total": total})


async def get_run(request: Request) -> Response:
    project, run_id = project_param(request), run_param(request)
    record = await blocking(server_state(request).store.get_run, project, run_id)
    return json_response(record.to_dict())


def run_spec(data: dict[str, Any]) -> RunSpec:
    body = Fields(data, CREATE_FIELDS)
    return RunSpec(id=body.string("id", max_length=64), name=body.string("name", max_length=256),
                   group=body.string("group", max_length=256),
                   tags=body.strings("tags", max_items=1000, max_length=128) or [],
                   notes=body.string("notes", max_length=65536),
                   config=body.obj("config") or {}, metadata=body.obj("metadata") or {},
                   resume=body.choice("resume", RESUME_POLICIES, "allow") or "allow")


async def create_run(request: Request) -> Response:
    state = server_state(request)
    project = project_param(request)
    spec = run_spec(await read_json_object(request, state.max_body_bytes))
    record, created = await blocking(state.store.create_run, project, spec)
    state.watcher.run_changed(record)
    return json_response(record.to_dict(), status=201 if created else 200)


def run_patch(data: dict[str, Any]) -> RunPatch:
    body = Fields(data, PATCH_FIELDS)
    metrics = body.obj("metrics")
    if metrics is not None and not all(isinstance(v, dict) for v in metrics.values()):
        raise InvalidInput("metrics must map each key to an object", field="metrics")
    status = body.choice("status", STATUSES, None)
    color = body.string("color", max_length=7)
    alerts = data.get("alerts")
    if alerts is not None and (not isinstance(alerts, list) or len(alerts) > 1000):
        raise InvalidInput("alerts must be a list of at most 1000 alerts", field="alerts")
    return RunPatch(name=body.string("name", max_length=256),
                    group=body.string("group", max_length=256),
                    tags=body.strings("tags", max_items=1000, max_length=128),
                    notes=body.string("notes", max_length=65536), color=color,
                    clear_color="color" in body and color is None,
                    config=body.obj("config"), summary=body.obj("summary"), metrics=metrics,
                    status=RunStatus(status) if status is not None else None,
                    heartbeat_at=body.number("heartbeat_at"),
                    alerts=[check_alert(a) for a in alerts] if alerts is not None else None)


async def patch_run(request: Request) -> Response:
    state = server_state(request)
    project, run_id = project_param(request), run_param(request)
    patch = run_patch(await read_json_object(request, state.max_body_bytes))
    if patch.heartbeat_at is not None:
        # Silent runs are found by comparing with this server's clock: record the time
        # of receipt, whatever the client's clock says.
        patch.heartbeat_at = time.time()
    record = await blocking(update_run, state, project, run_id, patch)
    state.watcher.run_changed(record)
    return json_response(record.to_dict())


def update_run(state: ServerState, project: str, run_id: str, patch: RunPatch) -> RunRecord:
    """Apply ``patch``, publishing the alerts it stores (blocking)."""
    if not patch.alerts:
        return state.store.update_run(project, run_id, patch)
    state.watcher.know_alerts(project)
    record = state.store.update_run(project, run_id, patch)
    state.watcher.new_alerts(project)
    return record


routes = [
    Route("/projects/{project}/runs", list_runs, methods=["GET"]),
    Route("/projects/{project}/runs", create_run, methods=["POST"]),
    Route("/projects/{project}/runs/{run_id}", get_run, methods=["GET"]),
    Route("/projects/{project}/runs/{run_id}", patch_run, methods=["PATCH"]),
]
