"""Opening a store for serving (a data directory or a database URL) and running the app
under uvicorn."""

from __future__ import annotations

import signal
import socket
import threading
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import uvicorn
from starlette.applications import Starlette

from stepscope.sdk.folding import recover_dead_writers
from stepscope.sdk.sinks.local import LocalSink
from stepscope.server.housekeeping import Recover
from stepscope.server.state import server_state_of
from stepscope.store.base import Store
from stepscope.store.open import is_postgres_url
from stepscope.store.open import open_store as open_location_store
from stepscope.store.sqlite import SqliteStore

SHUTDOWN_GRACE_SECONDS = 1
"""How long open event streams may delay a shutdown."""


def open_store(directory: Path) -> SqliteStore:
    """The store of a data directory, after folding in what dead writers left behind."""
    store = SqliteStore(directory)
    recover_dead_writers(directory, LocalSink(store))
    return store


def open_location(location: str | Path) -> Store:
    """The store ``stepscope serve`` was pointed at: a ``postgresql://`` URL opens the
    shared engine, anything else is a data directory (recovered as by `open_store`).
    Recovering dead writers only applies to a directory: remote clients keep their
    write-ahead logs on their own machines."""
    if is_postgres_url(str(location)):
        return open_location_store(str(location))
    return open_store(Path(location).expanduser())


def recovery_of(location: str | Path, store: Store) -> Recover | None:
    """For a data directory, what the server calls now and then to store what local
    writers that died while it runs left behind (`stepscope.server.housekeeping`)."""
    if is_postgres_url(str(location)):
        return None
    directory = Path(location).expanduser()
    sink = LocalSink(store)
    return lambda: recover_dead_writers(directory, sink)


def describe_location(location: str | Path) -> str:
    """What to print for a store location: a URL without its password."""
    text = str(location)
    if not is_postgres_url(text):
        return text
    parts = urlsplit(text)
    if parts.password is None:
        return text
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def bind(host: str, port: int) -> socket.socket:
    """A listening socket (``port`` 0 picks a free one; read it from the socket)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP (not 0) so asyncio sets TCP_NODELAY on accepted connections; without
    # it, keep-alive requests wait ~40 ms on Nagle and delayed ACKs.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def url_of(sock: socket.socket, path: str = "/") -> str:
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}{path}"


class _Server(uvicorn.Server):
    """uvicorn, ending the app's event streams first when it shuts down, so that open
    dashboards do not hold the shutdown for its whole grace period."""

    def __init__(self, config: uvicorn.Config, on_shutdown: Callable[[], None]) -> None:
        super().__init__(config)
        self._on_shutdown = on_shutdown

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        self._on_shutdown()
        await super().shutdown(sockets)


def make_server(app: Starlette, sock: socket.socket,
                log_level: str = "warning") -> uvicorn.Server:
    """A uvicorn server for ``app`` (from `create_app`) on the bound socket ``sock``."""
    host, port = sock.getsockname()[:2]
    config = uvicorn.Config(app, host=host, port=port, log_level=log_level, access_log=False,
                            lifespan="on", timeout_graceful_shutdown=SHUTDOWN_GRACE_SECONDS,
                            server_header=False)
    return _Server(config, server_state_of(app).hub.close)


class _Terminated(Exception):
    pass


def _terminated(signum: int, frame: object) -> None:
    raise _Terminated


def serve(app: Starlette, sock: socket.socket, log_level: str = "warning") -> None:
    """Serve until interrupted (Ctrl-C or SIGTERM), then return normally so the caller's
    clean-up runs. (uvicorn shuts down gracefully, then re-raises the signal it caught;
    this turns that signal into a return.)"""
    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _terminated) if main else None
    try:
        make_server(app, sock, log_level).run(sockets=[sock])
    except (KeyboardInterrupt, _Terminated):
        pass
    finally:
        if main:
            signal.signal(signal.SIGTERM, previous)
