"""The Host-header check of a server bound to the loopback address.

A web page on any site can make a browser send requests to ``127.0.0.1``; by pointing
a domain of its own at ``127.0.0.1`` (DNS rebinding) it can even read the answers, as
they look same-origin to the browser. Such requests still carry the attacker's domain
in ``Host``, so a server that only listens on loopback refuses every ``Host`` but
``localhost``, ``127.0.0.1`` and ``[::1]`` (plus names the user allows).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from starlette.types import ASGIApp, Receive, Scope, Send

from stepscope.server.responses import json_response

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")


def is_loopback(host: str) -> bool:
    """Whether listening on ``host`` only accepts connections from this machine."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def host_name(header: str) -> str:
    """The name part of a Host header (``[::1]:5473`` → ``[::1]``), lower case."""
    header = header.strip().lower()
    if header.startswith("["):
        end = header.find("]")
        return header[:end + 1] if end > 0 else header
    return header.split(":", 1)[0]


class HostCheckMiddleware:
    def __init__(self, app: ASGIApp, allowed: Iterable[str]) -> None:
        self.app = app
        self.allowed = frozenset(name.lower() for name in allowed)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = dict(scope.get("headers") or ())
            host = host_name(headers.get(b"host", b"").decode("latin-1"))
            if host not in self.allowed:
                body = {"error": {"status": 400, "code": "invalid_host", "message":
                                  f"this server answers only requests for "
                                  f"{', '.join(sorted(self.allowed))}, not {host or '(none)'!r}"
                                  " (see stepscope serve --allow-host)"}}
                await json_response(body, status=400)(scope, receive, send)
                return
        await self.app(scope, receive, send)
