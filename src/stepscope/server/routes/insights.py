"""``/projects/{project}/insights``: the written analysis of runs (see docs/insights.md)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from stepscope.errors import InvalidInput
from stepscope.insights import Report, analyze, render_markdown, render_text, report_dict
from stepscope.query.for_insights import load_series
from stepscope.server.responses import json_response
from stepscope.server.routes.keys import run_ids
from stepscope.server.state import blocking, project_param, require_project, server_state
from stepscope.store.base import RunFilter, Store
from stepscope.store.keys import check_key

FORMATS = ("json", "markdown", "text")
DEFAULT_RUNS = 10
"""Without ``run=``, the analysis covers the project's most recent runs, this many."""
MAX_RUNS = 50
MAX_KEYS = 100


class _ReportCache:
    """The last few reports, keyed by what they were computed from: the store, the runs
    (each with its last step and last change) and the keys. A dashboard reloading, or
    opened twice, gets the same report without analysing every series again; any new
    point or run change makes a new key."""

    def __init__(self, size: int = 32) -> None:
        self._size = size
        self._reports: OrderedDict[Hashable, Report] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], Report]) -> Report:
        with self._lock:
            if key in self._reports:
                self._reports.move_to_end(key)
                return self._reports[key]
        report = compute()
        with self._lock:
            self._reports[key] = report
            while len(self._reports) > self._size:
                self._reports.popitem(last=False)
        return report


_reports = _ReportCache()


def _analysis(store: Store, project: str, runs: list[str], keys: list[str],
              fmt: str) -> str | Mapping[str, object]:
    require_project(store, project)
    if runs:
        records = [store.get_run(project, run_id) for run_id in runs]
    else:
        records = store.list_runs(project, RunFilter(limit=DEFAULT_RUNS))[0][::-1]
    if keys:
        chosen: list[str] | None = keys
    else:
        chosen = [k.key for k in store.list_keys(project, [r.id for r in records])][:MAX_KEYS]
    version = tuple((r.id, r.last_step, r.updated_at) for r in records)
    report = _reports.get((store.store_id(), project, version, tuple(chosen or ())),
                          lambda: analyze(load_series(store, project, records, chosen)))
    if fmt == "json":
        return report_dict(report)
    return render_markdown(report) if fmt == "markdown" else render_text(report)


async def get_insights(request: Request) -> Response:
    project = project_param(request)
    params = request.query_params
    runs = list(dict.fromkeys(run_ids(params.getlist("run"), "run")))
    keys = list(dict.fromkeys(params.getlist("key")))
    for key in keys:
        check_key(key)
    fmt = params.get("format", "json")
    if fmt not in FORMATS:
        raise InvalidInput(f"format must be one of {', '.join(FORMATS)}", field="format")
    if len(runs) > MAX_RUNS or len(keys) > MAX_KEYS:
        raise InvalidInput(f"at most {MAX_RUNS} runs and {MAX_KEYS} keys per analysis",
                           field="run" if len(runs) > MAX_RUNS else "key")
    result = await blocking(_analysis, server_state(request).store, project, runs, keys, fmt)
    if not isinstance(result, str):
        return json_response(result)
    media = "text/markdown" if fmt == "markdown" else "text/plain"
    return PlainTextResponse(result, media_type=f"{media}; charset=utf-8")


routes = [Route("/projects/{project}/insights", get_insights, methods=["GET"])]
