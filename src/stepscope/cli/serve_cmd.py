"""``stepscope serve``: the dashboard and the JSON API of a data directory or a
PostgreSQL database."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stepscope import settings
from stepscope.errors import StepscopeError

if TYPE_CHECKING:
    from stepscope.server.auth import AccessPolicy
    from stepscope.store.base import Store


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
    serve.add_argument("--auth", action=argparse.BooleanOptionalAction, default=None,
                       help="require an API key on every API call (default: on unless "
                            "--host is a loopback address; see docs/auth.md)")
    serve.add_argument("--allow-host", action="append", default=[], metavar="NAME",
                       help="also answer requests for this Host name when listening on "
                            "loopback (default: localhost, 127.0.0.1, [::1] only)")
    serve.add_argument("--cors-origin", action="append", default=[], metavar="ORIGIN",
                       help="let pages from this origin call the API from a browser "
                            "(e.g. https://lab.example.com; default: none)")
    serve.set_defaults(handler=cmd_serve)


def cmd_serve(args: argparse.Namespace) -> int:
    from stepscope.server.app import create_app
    from stepscope.server.auth import AccessPolicy
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
    access = AccessPolicy.for_serving(args.host, auth=args.auth,
                                      extra_hosts=tuple(args.allow_host),
                                      cors_origins=tuple(args.cors_origin))
    store = open_location(location)
    try:
        try:
            sock = bind(args.host, args.port)
        except OSError as exc:
            raise StepscopeError(f"cannot listen on {args.host}:{args.port}: "
                                   f"{exc.strerror or exc}") from exc
        print(f"stepscope: serving {describe_location(location)} at {url_of(sock)} "
              "(Ctrl-C stops)", flush=True)
        _say_who_may_call(access, args.host, store)
        serve(create_app(store, recover=recovery_of(location, store), access=access), sock)
    finally:
        store.close()
    return 0


def _say_who_may_call(access: AccessPolicy, host: str, store: Store) -> None:
    if access.auth:
        hint = "" if store.list_api_keys() else (
            "; there are none yet: create one with "
            "`stepscope keys create --project P --scope write` (same --dir/--db)")
        print(f"stepscope: API keys required{hint}", file=sys.stderr, flush=True)
    elif access.allowed_hosts is None:
        print(f"stepscope: warning: listening on {host} without --auth: anyone who can "
              "reach this port can read and change every run", file=sys.stderr, flush=True)
