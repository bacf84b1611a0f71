"""``/projects/{project}/workspace``: the dashboard's saved state, with versions."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from stepscope.errors import InvalidInput
from stepscope.server.responses import json_response
from stepscope.server.state import blocking, project_param, require_project, server_state
from stepscope.server.wire import Fields, read_json_object
from stepscope.store.base import Store


def _get(store: Store, project: str) -> tuple[dict[str, Any], int]:
    require_project(store, project)
    return store.get_workspace(project)


async def get_workspace(request: Request) -> Response:
    state, version = await blocking(_get, server_state(request).store, project_param(request))
    return json_response({"state": state, "version": version})


async def put_workspace(request: Request) -> Response:
    server = server_state(request)
    project = project_param(request)
    body = Fields(await read_json_object(request, server.max_body_bytes), ("state", "version"))
    state = body.obj("state")
    version = body.integer("version", lo=0, hi=2**62)
    if state is None:
        raise InvalidInput("state is required (a JSON object)", field="state")
    if version is None:
        raise InvalidInput("version is required (the version the change is based on)",
                           field="version")
    new_version = await blocking(server.store.put_workspace, project, state, version)
    return json_response({"state": state, "version": new_version})


routes = [
    Route("/projects/{project}/workspace", get_workspace, methods=["GET"]),
    Route("/projects/{project}/workspace", put_workspace, methods=["PUT"]),
]
