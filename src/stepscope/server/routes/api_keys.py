"""``/projects/{project}/api-keys``: an admin key manages its project's keys.

Only on a server with access control on (``--auth``): without it there is no admin to
ask, and keys are managed with ``stepscope keys`` on the store directly."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from stepscope.errors import Forbidden, NotFound
from stepscope.server.auth import api_key_of
from stepscope.server.responses import json_response
from stepscope.server.state import blocking, project_param, server_state
from stepscope.server.wire import Fields, read_json_object
from stepscope.store.api_keys import SCOPES, ApiKey
from stepscope.store.base import Store

CREATE_FIELDS = ("scope", "name")


def _admin(request: Request) -> ApiKey:
    key = api_key_of(request)
    if key is None:
        raise Forbidden("managing API keys over HTTP needs a server started with --auth; "
                        "use `stepscope keys` instead")
    return key


async def list_keys(request: Request) -> Response:
    _admin(request)
    project = project_param(request)
    keys = await blocking(server_state(request).store.list_api_keys, project)
    return json_response({"keys": [k.to_dict() for k in keys]})


async def create_key(request: Request) -> Response:
    _admin(request)
    state = server_state(request)
    project = project_param(request)
    body = Fields(await read_json_object(request, state.max_body_bytes), CREATE_FIELDS)
    scope = body.choice("scope", SCOPES, None) or "read"
    key, token = await blocking(state.store.create_api_key, project, scope,
                                body.string("name", max_length=256))
    return json_response({"key": key.to_dict(), "token": token}, status=201)


def _revoke(store: Store, project: str, key_id: str) -> ApiKey:
    if not any(k.id == key_id for k in store.list_api_keys(project)):
        raise NotFound(f"project {project!r} has no API key {key_id!r}")
    return store.revoke_api_key(key_id)


async def revoke_key(request: Request) -> Response:
    _admin(request)
    project = project_param(request)
    key = await blocking(_revoke, server_state(request).store, project,
                         request.path_params["key_id"])
    return json_response(key.to_dict())


routes = [
    Route("/projects/{project}/api-keys", list_keys, methods=["GET"]),
    Route("/projects/{project}/api-keys", create_key, methods=["POST"]),
    Route("/projects/{project}/api-keys/{key_id}", revoke_key, methods=["DELETE"]),
]
