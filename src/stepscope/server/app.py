"""`create_app`: the ASGI application of ``stepscope serve``."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route

from stepscope import settings
from stepscope.errors import StepscopeError
from stepscope.server import errors
from stepscope.server.auth import AccessPolicy
from stepscope.server.events import EventHub
from stepscope.server.housekeeping import (
    RECOVER_SECONDS,
    Housekeeping,
    Recover,
    housekeep_forever,
)
from stepscope.server.openapi import openapi_spec
from stepscope.server.responses import json_response
from stepscope.server.routes import api_routes
from stepscope.server.state import ServerState, blocking
from stepscope.server.static import STATIC_DIR, dashboard_routes
from stepscope.server.watcher import Watcher, poll_forever
from stepscope.store.base import Store

MAX_BODY_BYTES = 32 << 20
POLL_SECONDS = 0.1
KEEPALIVE_SECONDS = 15.0


def _version() -> str:
    from stepscope import __version__

    return __version__


def create_app(store: Store, *, static_dir: Path | None = STATIC_DIR,
               max_body_bytes: int = MAX_BODY_BYTES, poll_seconds: float = POLL_SECONDS,
               keepalive_seconds: float = KEEPALIVE_SECONDS,
               heartbeat_timeout: float | None = None, recover: Recover | None = None,
               recover_seconds: float = RECOVER_SECONDS,
               access: AccessPolicy | None = None) -> Starlette:
    """The server over ``store`` (which the caller opens, recovers and closes).

    ``static_dir`` holds the built dashboard (None: serve the "not built" page);
    ``poll_seconds`` is how often projects with live subscribers are checked for
    changes made by other processes; ``keepalive_seconds`` spaces the comment lines
    that keep idle event streams open. Running runs silent for ``heartbeat_timeout``
    seconds (default: the ``heartbeat_timeout`` setting; 0 never) are marked crashed;
    ``recover``, when given, is called every ``recover_seconds`` to store what dead
    local writers left (see `stepscope.server.housekeeping`). ``access`` says who may
    call it (`stepscope.server.auth.AccessPolicy`; default: anyone).
    """
    hub = EventHub()
    watcher = Watcher(store, hub)
    housekeeping = Housekeeping(
        watcher, float(settings.get("heartbeat_timeout")) if heartbeat_timeout is None
        else heartbeat_timeout, recover, recover_seconds)
    store.add_append_listener(watcher.points_stored)
    spec = openapi_spec(_version())

    async def health(request: Request) -> Response:
        return json_response({"status": "ok", "version": spec["info"]["version"],
                              "store": store.store_id()})

    async def openapi(request: Request) -> Response:
        return json_response(spec)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # Replicas over one PostgreSQL database hear each other through the store's
        # change feed (LISTEN/NOTIFY); without one, the poll finds others' changes.
        feed = store.watch_changes(watcher.changed_elsewhere)
        tasks = [asyncio.create_task(poll_forever(watcher, poll_seconds, blocking, feed)),
                 asyncio.create_task(housekeep_forever(housekeeping, blocking))]
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            if feed is not None:
                await blocking(feed.close)

    api = [Route("/health", health, methods=["GET"]),
           Route("/openapi.json", openapi, methods=["GET"]), *api_routes()]
    app = Starlette(
        routes=[Mount("/api/v1", routes=api), *dashboard_routes(static_dir)],
        lifespan=lifespan, middleware=(access or AccessPolicy()).middleware(store),
        exception_handlers={StepscopeError: errors.handle_stepscope_error,
                            HTTPException: errors.handle_http_exception,
                            Exception: errors.handle_unexpected})
    app.state.stepscope = ServerState(store=store, hub=hub, watcher=watcher,
                                      max_body_bytes=max_body_bytes,
                                      keepalive_seconds=keepalive_seconds)
    return app
