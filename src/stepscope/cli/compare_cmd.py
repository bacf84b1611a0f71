"""``stepscope compare``: the written analysis of runs, shaped like the seed's."""

from __future__ import annotations

import argparse
from typing import Any

from stepscope.api import Api
from stepscope.cli.runs_cmd import find_run
from stepscope.errors import InvalidInput
from stepscope.insights import analyze, render_json, render_markdown, render_text
from stepscope.query.for_insights import load_series

RENDERERS = {"text": render_text, "markdown": render_markdown, "json": render_json}


def register(commands: Any) -> None:
    compare = commands.add_parser(
        "compare", help="Write what the curves of one or more runs show: trends, peaks, "
                        "crossovers, spikes, which run did better.")
    compare.add_argument("runs", nargs="+", metavar="RUN",
                         help="PROJECT/RUN_ID, or a run id or name with --project")
    compare.add_argument("--project", help="project of the runs")
    compare.add_argument("--metrics", nargs="+", metavar="KEY",
                         help="metric keys to analyse (default: every key)")
    compare.add_argument("--format", choices=sorted(RENDERERS), default="text")
    compare.add_argument("--dir", help="data directory")
    compare.set_defaults(handler=cmd_compare)


def cmd_compare(args: argparse.Namespace) -> int:
    api = Api(args.dir)
    found = [find_run(api, spec, args.project) for spec in args.runs]
    projects = {r.project for r in found}
    if len(projects) != 1:
        raise InvalidInput("compare runs of one project at a time")
    series = load_series(api.store, projects.pop(), [r.record for r in found], args.metrics)
    if not series:
        raise InvalidInput("those runs have no data for the metrics asked")
    print(RENDERERS[args.format](analyze(series)))
    return 0
