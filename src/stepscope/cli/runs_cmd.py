"""``stepscope ls`` and ``stepscope export``: runs of a data directory."""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import math
import sys
from typing import Any

from rich.console import Console
from rich.table import Table

from stepscope.api import Api, ApiRun
from stepscope.errors import InvalidInput, NotFound

EXPORT_FORMATS = ("csv", "parquet", "jsonl")


def register(commands: Any) -> None:
    ls = commands.add_parser("ls", help="List projects, or the runs of a project.")
    ls.add_argument("project", nargs="?", help="project to list runs of")
    ls.add_argument("--dir", help="data directory (default: $STEPSCOPE_DIR or ./stepscope)")
    ls.set_defaults(handler=cmd_ls)

    export = commands.add_parser("export", help="Write a run's history as CSV, Parquet or "
                                                "JSON lines.")
    export.add_argument("run", help="PROJECT/RUN_ID, or RUN_ID (or name) with --project")
    export.add_argument("--project", help="project of the run")
    export.add_argument("--format", choices=EXPORT_FORMATS, default="csv")
    export.add_argument("--output", "-o", help="file to write (default: standard output; "
                                               "required for parquet)")
    export.add_argument("--dir", help="data directory")
    export.set_defaults(handler=cmd_export)


def cmd_ls(args: argparse.Namespace) -> int:
    api = Api(args.dir)
    console = Console()
    if args.project is None:
        table = Table("project", "runs", title="projects")
        for info in api.store.list_projects():
            table.add_row(info.name, str(info.run_count))
        console.print(table)
        return 0
    runs = api.runs(args.project)
    if not runs and args.project not in api.projects():
        raise NotFound(f"project {args.project!r} does not exist")
    table = Table("name", "id", "status", "steps", "last values", title=args.project)
    for run in runs:
        last = run.record.last_step
        values = ", ".join(f"{k}={_fmt(v)}" for k, v in list(run.summary.items())[:4])
        table.add_row(run.name, run.id, run.status, "-" if last is None else str(last + 1),
                      values)
    console.print(table)
    return 0


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def find_run(api: Api, spec: str, project: str | None) -> ApiRun:
    """A run from ``project/id``, or an id or name within ``project``."""
    if project is None:
        if "/" not in spec:
            raise InvalidInput(f"run {spec!r}: give PROJECT/RUN_ID or use --project")
        return api.run(spec)
    try:
        return api.run(f"{project}/{spec}")
    except (NotFound, InvalidInput):
        named = [r for r in api.runs(project) if r.name == spec]
        if len(named) == 1:
            return named[0]
        if len(named) > 1:
            raise InvalidInput(f"{len(named)} runs are named {spec!r} in {project!r}: "
                               "give the run id") from None
        raise NotFound(f"no run {spec!r} in project {project!r}") from None


def cmd_export(args: argparse.Namespace) -> int:
    if args.format == "parquet" and not args.output:
        raise InvalidInput("--format parquet needs --output FILE")
    run = find_run(Api(args.dir), args.run, args.project)
    columns = run.history(pandas=False)
    names = list(columns)
    if args.format == "parquet":
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError:
            raise InvalidInput("parquet export needs pyarrow: pip install "
                               "'stepscope[pandas]'") from None
        pq.write_table(pa.table({n: columns[n] for n in names}), args.output)
        return 0
    with contextlib.ExitStack() as stack:
        out = stack.enter_context(open(args.output, "w", newline="")) if args.output \
            else sys.stdout
        rows = zip(*(columns[n].tolist() for n in names), strict=True)
        if args.format == "csv":
            writer = csv.writer(out)
            writer.writerow(names)
            writer.writerows(["" if isinstance(v, float) and math.isnan(v) else v for v in row]
                             for row in rows)
        else:
            for row in rows:
                record = {n: (None if isinstance(v, float) and not math.isfinite(v) else v)
                          for n, v in zip(names, row, strict=True)}
                out.write(json.dumps(record) + "\n")
    return 0
