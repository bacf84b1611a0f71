"""What every route reaches through the request: the store, the event hub, limits."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ParamSpec, TypeVar

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from stepscope.errors import InvalidInput, NotFound
from stepscope.server.events import EventHub
from stepscope.server.watcher import Watcher
from stepscope.store.base import Store, check_project, check_run_id

P = ParamSpec("P")
T = TypeVar("T")


@dataclass
class ServerState:
    store: Store
    hub: EventHub
    watcher: Watcher
    max_body_bytes: int
    keepalive_seconds: float


def server_state(request: Request) -> ServerState:
    return server_state_of(request.app)


def server_state_of(app: Starlette) -> ServerState:
    state: ServerState = app.state.stepscope
    return state


async def blocking(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run a (synchronous, possibly slow) store call on a worker thread, so the event
    loop keeps serving other requests and live streams meanwhile."""
    return await run_in_threadpool(fn, *args, **kwargs)


def project_param(request: Request) -> str:
    name = request.path_params["project"]
    try:
        return check_project(name)
    except InvalidInput as exc:
        exc.field = "project"
        raise


def run_param(request: Request) -> str:
    run_id = request.path_params["run_id"]
    try:
        return check_run_id(run_id)
    except InvalidInput as exc:
        exc.field = "run_id"
        raise


def require_project(store: Store, project: str) -> None:
    """`NotFound` unless the project exists (blocking)."""
    if not any(p.name == project for p in store.list_projects()):
        raise NotFound(f"project {project!r} does not exist")
