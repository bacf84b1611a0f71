"""API keys on the wire: who may call what, checked before any route runs.

With access control on (``stepscope serve --auth``, the default off loopback), every
call under ``/api/v1`` but ``/health`` needs ``Authorization: Bearer <key>``; the event
stream also takes ``?token=<key>``, since a browser's EventSource cannot send headers.
What a call needs follows from its method and path alone:

- ``/projects/{p}/api-keys...``: ``admin`` of project ``p``;
- reads (``GET``, and the ``POST .../series/query`` read) of ``/projects/{p}/...``:
  ``read`` of ``p``; any other method there: ``write`` of ``p``;
- everything else (``GET /projects``, the OpenAPI document): any valid key.
  ``GET /projects`` then lists only the projects the key may read.

No key, or one that is unknown or revoked: 401. A key of another project or too small a
scope: 403. Ingest (``POST .../batches``) is also limited per key by a token bucket:
429 with ``Retry-After`` beyond it. The key that was accepted is left in the request's
scope (`api_key_of`), for routes that narrow what they show.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from stepscope import settings
from stepscope.errors import Forbidden, RateLimited, StepscopeError, Unauthorized
from stepscope.server.errors import error_response
from stepscope.server.hosts import LOOPBACK_NAMES, HostCheckMiddleware, is_loopback
from stepscope.server.ratelimit import TokenBuckets
from stepscope.store.api_keys import ApiKey
from stepscope.store.base import Store

API_PREFIX = "/api/v1"
PUBLIC_PATHS = frozenset({f"{API_PREFIX}/health"})
SCOPE_KEY = "stepscope.api_key"
_PROJECT_PATH = re.compile(r"/api/v1/projects/([^/]+)(/.*)?")
_READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_BEARER = re.compile(r"bearer[ \t]+(\S+)[ \t]*", re.IGNORECASE)


@dataclass(frozen=True)
class Need:
    """What a call needs: ``scope`` within ``project`` (None: no project in particular)."""

    project: str | None
    scope: str
    ingest: bool = False
    events: bool = False


def need_of(method: str, path: str) -> Need | None:
    """What calling ``method path`` needs; None for what anyone may call."""
    if path in PUBLIC_PATHS or not (path == API_PREFIX or path.startswith(API_PREFIX + "/")):
        return None  # the dashboard's files hold no data
    match = _PROJECT_PATH.fullmatch(path)
    if match is None:
        return Need(None, "read")
    project, rest = match.group(1), match.group(2) or ""
    if rest == "/api-keys" or rest.startswith("/api-keys/"):
        return Need(project, "admin")
    if method in _READ_METHODS or (method == "POST" and rest == "/series/query"):
        return Need(project, "read", events=rest == "/events")
    ingest = method == "POST" and rest.endswith("/batches") and rest.startswith("/runs/")
    return Need(project, "write", ingest=ingest)


def api_key_of(request: Request) -> ApiKey | None:
    """The key a request was accepted with (None when access control is off)."""
    key: ApiKey | None = request.scope.get(SCOPE_KEY)
    return key


def _token(scope: Scope, need: Need) -> str | None:
    for name, value in scope.get("headers") or ():
        if name == b"authorization":
            match = _BEARER.fullmatch(value.decode("latin-1"))
            return match.group(1) if match else None
    if need.events:
        request = Request(scope)
        return request.query_params.get("token") or None
    return None


class AccessMiddleware:
    """Checks API keys (see the module docstring). ``ingest_rate`` batches a second per
    key, bursts of ``ingest_burst``; a rate of 0 means no limit."""

    def __init__(self, app: ASGIApp, store: Store, ingest_rate: float = 0.0,
                 ingest_burst: float = 1.0) -> None:
        self.app = app
        self.store = store
        self.buckets = (TokenBuckets(ingest_rate, max(1.0, ingest_burst))
                        if ingest_rate > 0 else None)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        need = need_of(scope["method"], scope["path"])
        if need is None:
            await self.app(scope, receive, send)
            return
        try:
            scope[SCOPE_KEY] = await self._check(scope, need)
        except StepscopeError as exc:
            response = error_response(exc)
            if isinstance(exc, Unauthorized):
                response.headers["WWW-Authenticate"] = 'Bearer realm="stepscope"'
            if isinstance(exc, RateLimited):
                response.headers["Retry-After"] = str(max(1, math.ceil(exc.retry_after)))
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)

    async def _check(self, scope: Scope, need: Need) -> ApiKey:
        token = _token(scope, need)
        if not token:
            raise Unauthorized("this server needs an API key: send 'Authorization: Bearer "
                               "<key>' (create one with `stepscope keys create`)")
        key = await run_in_threadpool(self.store.find_api_key, token)
        if key is None:
            raise Unauthorized("the API key is not valid (unknown or revoked)")
        if not key.allows(need.project, need.scope):
            where = f"project {need.project!r}" if need.project else "this"
            raise Forbidden(f"API key {key.id} ({key.scope} scope, project {key.project!r}) "
                            f"may not do what needs {need.scope} scope in {where}")
        if need.ingest and self.buckets is not None:
            wait = self.buckets.take(key.id)
            if wait > 0:
                raise RateLimited(f"API key {key.id} posts more than {self.buckets.rate:g} "
                                  f"batches a second; retry in {wait:.2f} s",
                                  retry_after=wait)
        return key


@dataclass(frozen=True)
class AccessPolicy:
    """Who may reach a server and how: API keys (``auth``), the Host names it answers
    (None: any; see `stepscope.server.hosts`), the origins allowed to call it from a
    browser (CORS; none by default), and the per-key ingest rate limit."""

    auth: bool = False
    allowed_hosts: tuple[str, ...] | None = None
    cors_origins: tuple[str, ...] = ()
    ingest_rate: float = 0.0
    """Batches a second each key may post (0: no limit); bursts of ``ingest_burst``."""
    ingest_burst: float = 1.0

    @classmethod
    def for_serving(cls, host: str, *, auth: bool | None = None,
                    extra_hosts: tuple[str, ...] = (), cors_origins: tuple[str, ...] = (),
                    ingest_rate: float | None = None) -> AccessPolicy:
        """The policy of ``stepscope serve`` listening on ``host``: keys are required
        unless that is a loopback address (or ``auth`` says otherwise), and a loopback
        server answers only loopback Host names (and ``extra_hosts``)."""
        loopback = is_loopback(host)
        rate = float(settings.get("ingest_rate")) if ingest_rate is None else ingest_rate
        return cls(auth=not loopback if auth is None else auth,
                   allowed_hosts=(*LOOPBACK_NAMES, *extra_hosts) if loopback else None,
                   cors_origins=cors_origins, ingest_rate=rate, ingest_burst=2 * rate)

    def middleware(self, store: Store) -> list[Middleware]:
        """The middleware stack for this policy, outermost first."""
        stack: list[Middleware] = []
        if self.allowed_hosts is not None:
            stack.append(Middleware(HostCheckMiddleware, allowed=self.allowed_hosts))
        if self.cors_origins:
            stack.append(Middleware(
                CORSMiddleware, allow_origins=list(self.cors_origins),
                allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
                allow_headers=["Authorization", "Content-Type", "Last-Event-ID"],
                expose_headers=["Retry-After", "Server-Timing"], max_age=600))
        if self.auth:
            stack.append(Middleware(AccessMiddleware, store=store,
                                    ingest_rate=self.ingest_rate,
                                    ingest_burst=self.ingest_burst))
        return stack
