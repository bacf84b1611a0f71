"""``stepscope keys``: create, list and revoke the API keys of a store."""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from stepscope import settings
from stepscope.store.api_keys import ALL_PROJECTS, SCOPES
from stepscope.store.base import Store


def register(commands: Any) -> None:
    keys = commands.add_parser(
        "keys", help="Create, list and revoke API keys (see docs/auth.md).",
        description="API keys of the store a server serves with --auth.")
    actions = keys.add_subparsers(dest="action", required=True, metavar="ACTION")

    create = actions.add_parser("create", help="Create a key; prints it as the last word.")
    _where(create)
    create.add_argument("--project", required=True,
                        help=f"project the key is for ('{ALL_PROJECTS}': every project)")
    create.add_argument("--scope", required=True, choices=SCOPES,
                        help="read: look; write: also log; admin: also manage keys")
    create.add_argument("--name", help="a label, e.g. who or what uses the key")
    create.set_defaults(handler=cmd_create)

    ls = actions.add_parser("ls", help="List keys (never their secrets).")
    _where(ls)
    ls.add_argument("--project", help="only keys of this project")
    ls.set_defaults(handler=cmd_ls)

    revoke = actions.add_parser("revoke", help="Revoke a key by its id.")
    _where(revoke)
    revoke.add_argument("id", help="the key's id (see `stepscope keys ls`)")
    revoke.set_defaults(handler=cmd_revoke)


def _where(parser: argparse.ArgumentParser) -> None:
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--dir", help="data directory (default: $STEPSCOPE_DIR or ./stepscope)")
    where.add_argument("--db", help="PostgreSQL URL (postgresql://..., optionally ?schema=)")


def _open(args: argparse.Namespace) -> Store:
    from stepscope.store.open import open_store

    if args.db is not None:
        return open_store(args.db)
    return open_store(Path(args.dir if args.dir is not None
                           else settings.get("dir")).expanduser())


def cmd_create(args: argparse.Namespace) -> int:
    store = _open(args)
    try:
        key, token = store.create_api_key(args.project, args.scope, args.name)
    finally:
        store.close()
    # Scripts take the key from the last word of the output.
    print(f"created API key {key.id} ({key.scope} scope, project {key.project}); it is "
          f"shown only now:\n{token}")
    return 0


def cmd_ls(args: argparse.Namespace) -> int:
    store = _open(args)
    try:
        keys = store.list_api_keys(args.project)
    finally:
        store.close()
    table = Table("id", "project", "scope", "name", "created", "revoked", title="API keys")
    for key in keys:
        table.add_row(key.id, key.project, key.scope, key.name or "", _when(key.created_at),
                      _when(key.revoked_at) if key.revoked_at is not None else "")
    Console().print(table)
    return 0


def cmd_revoke(args: argparse.Namespace) -> int:
    store = _open(args)
    try:
        key = store.revoke_api_key(args.id)
    finally:
        store.close()
    print(f"revoked API key {key.id} ({key.scope} scope, project {key.project})")
    return 0


def _when(seconds: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(seconds))
