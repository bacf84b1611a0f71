"""``stepscope demo``: fill a data directory with the demo projects and serve it."""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path
from typing import Any

from stepscope import settings
from stepscope.errors import StepscopeError


def register(commands: Any) -> None:
    demo = commands.add_parser(
        "demo", help="Serve a dashboard of demo runs (the seed replica and a small RL run).",
        description="Fill a data directory with the projects seed-replica (the reference "
                    "dashboard's red and blue runs) and rl-example (two real RL fine-tuning "
                    "runs logged through the SDK), then serve it and print the URL. Without "
                    "--dir the data lives in a fresh temporary directory, removed on exit.")
    demo.add_argument("--dir", help="data directory to fill and keep (default: a temporary "
                                    "one, removed on exit)")
    demo.add_argument("--host", default=settings.get("host"),
                      help="address to listen on (default: 127.0.0.1)")
    demo.add_argument("--port", type=int, default=int(settings.get("port")),
                      help="port to listen on, 0 for any free one (default: 5473)")
    demo.add_argument("--live", action="store_true",
                      help="train the RL runs while serving, so their curves grow live")
    demo.add_argument("--rate", type=float, default=5.0,
                      help="steps per second of the --live runs (default: 5)")
    demo.set_defaults(handler=cmd_demo)


def cmd_demo(args: argparse.Namespace) -> int:
    from stepscope.demo import populate
    from stepscope.server.app import create_app
    from stepscope.server.runner import bind, open_store, serve, url_of

    temporary = args.dir is None
    directory = Path(tempfile.mkdtemp(prefix="stepscope-demo-") if temporary
                     else Path(args.dir).expanduser())
    children = []
    store = open_store(directory)
    try:
        try:
            sock = bind(args.host, args.port)
        except OSError as exc:
            raise StepscopeError(f"cannot listen on {args.host}:{args.port}: "
                                 f"{exc.strerror or exc}") from exc
        if not populate.has_runs(store, populate.SEED_PROJECT):
            populate.fill_seed_replica(store)
        if args.live:
            children = populate.start_live(directory, args.rate)
        elif not populate.has_runs(store, populate.RL_PROJECT):
            populate.fill_rl_example(directory)
        where = "a temporary directory, removed on exit" if temporary else str(directory)
        print(f"stepscope demo: data in {where}", flush=True)
        if args.live:
            print(f"stepscope demo: training the {populate.RL_PROJECT} runs live at "
                  f"{args.rate:g} steps/s", flush=True)
        print(f"stepscope demo: open {url_of(sock, '/p/' + populate.SEED_PROJECT)} "
              "(Ctrl-C stops)", flush=True)
        serve(create_app(store), sock)
    finally:
        populate.stop_live(children)
        store.close()
        if temporary:
            shutil.rmtree(directory, ignore_errors=True)
    return 0
