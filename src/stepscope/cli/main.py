"""Entry point of the ``stepscope`` command. Each command group registers its
sub-commands from its own module."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from stepscope.cli import compare_cmd, demo_cmd, keys_cmd, runs_cmd, serve_cmd
from stepscope.errors import StepscopeError

COMMAND_MODULES = [runs_cmd, compare_cmd, serve_cmd, demo_cmd, keys_cmd]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="stepscope", description="Local-first experiment tracker for model training.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        result: int = args.handler(args)
    except StepscopeError as exc:
        print(f"stepscope: error: {exc.message}", file=sys.stderr)
        return 2
    return result


if __name__ == "__main__":
    sys.exit(main())
