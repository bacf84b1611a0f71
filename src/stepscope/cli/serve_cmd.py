"""``stepscope serve``: the dashboard and the JSON API of a data directory or a
PostgreSQL database."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from stepscope import settings
from stepscope.errors import StepscopeError


def register(commands: Any) -> None:
    serve = commands.add_parser(
        "serve", help="Serve the dashboard and the JSON API of a data directory or database.",
        description="Serve the dashboard at / and the JSON API at /api/v1 "
                    "(see docs/server.md). Stops on Ctrl-C.")
    where = serve.add_mutually_exclusive_group()
    where.add_argument("--dir", help="data directory (default: $STEPSCOPE_DIR or ./stepscope)")
    where.add_argument("--db", help="PostgreSQL URL (postgresql://user@host/db, optionally "
                                    "?schema=name) or a data directory")
    serve.add_argument("--host", default=settings.get("host"),
                       help="address to listen on (default: $STEPSCOPE_HOST or 127.0.0.1)")
    serve.add_argument("--port", type=int, default=int(settings.get("port")),
                       help="port to listen on, 0 for any free one "
                            "(default: $STEPSCOPE_PORT or 5473)")
    serve.set_defaults(handler=cmd_serve)


def cmd_serve(args: argparse.Namespace) -> int:
    from stepscope.server.app import create_app
    from stepscope.server.runner import (
        bind,
        describe_location,
        open_location,
        recovery_of,
        serve,
        url_of,
    )

    location: str | Path = (args.db if args.db is not None else Path(
        args.dir if args.dir is not None else settings.get("dir")).expanduser())
    store = open_location(location)
    try:
        try:
            sock = bind(args.host, args.port)
        except OSError as exc:
            raise StepscopeError(f"cannot listen on {args.host}:{args.port}: "
                                   f"{exc.strerror or exc}") from exc
        print(f"stepscope: serving {describe_location(location)} at {url_of(sock)} "
              "(Ctrl-C stops)", flush=True)
        serve(create_app(store, recover=recovery_of(location, store)), sock)
    finally:
        store.close()
    return 0
