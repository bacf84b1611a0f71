"""``stepscope.Api``: read runs and their history from a data directory.

    api = stepscope.Api("./stepscope")
    for run in api.runs("rl-math"):
        df = run.history(keys=["actor/kl_loss"])
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from stepscope import settings
from stepscope.errors import InvalidInput
from stepscope.query.engine import SeriesQuery, query_series, read_points
from stepscope.query.envelope import Envelope
from stepscope.sdk.folding import recover_dead_writers
from stepscope.sdk.sinks.local import LocalSink
from stepscope.store.base import RunFilter, RunRecord, Store
from stepscope.store.sqlite import SqliteStore
from stepscope.types import RunStatus


class Api:
    """Read access to a data directory. Opening it recovers the write-ahead logs of
    writers that died (their runs show ``crashed``)."""

    def __init__(self, path: str | Path | None = None) -> None:
        directory = Path(path if path is not None else settings.get("dir")).expanduser()
        if str(directory).startswith(("http://", "https://")):
            raise InvalidInput("Api() over HTTP is not supported yet: pass a data directory")
        if not (directory / "stepscope.db").exists():
            raise InvalidInput(f"{str(directory)!r} holds no stepscope data "
                               "(no stepscope.db)")
        self.store: Store = SqliteStore(directory)
        recover_dead_writers(directory, LocalSink(self.store))

    def projects(self) -> list[str]:
        return [p.name for p in self.store.list_projects()]

    def runs(self, project: str, *, status: Sequence[str] = (), tags: Sequence[str] = (),
             group: str | None = None, name: str | None = None,
             sort: str = "-created_at") -> list[ApiRun]:
        flt = RunFilter(status=[RunStatus(s) for s in status], tags=tags, group=group,
                        query=name, sort=sort, limit=1000)
        records, _ = self.store.list_runs(project, flt)
        return [ApiRun(self.store, r) for r in records]

    def run(self, path: str) -> ApiRun:
        """A run by ``"project/run_id"``."""
        project, sep, run_id = path.partition("/")
        if not sep:
            raise InvalidInput(f"run path {path!r} must be 'project/run_id'")
        return ApiRun(self.store, self.store.get_run(project, run_id))

    def series(self, project: str, runs: Sequence[str], keys: Sequence[str], x: str = "step",
               x_range: tuple[float, float] | None = None,
               buckets: int = 1000) -> list[Envelope]:
        """Per (run, key): min/max/mean/last per bucket (see docs/http-api.md)."""
        return query_series(self.store, project, SeriesQuery(runs, keys, x, x_range, buckets))

    def close(self) -> None:
        self.store.close()


class ApiRun:
    def __init__(self, store: Store, record: RunRecord) -> None:
        self._store = store
        self.record = record
        self.project, self.id, self.name = record.project, record.id, record.name
        self.config, self.summary = record.config, record.summary
        self.status = record.status.value
        self.tags, self.group = record.tags, record.group

    def __repr__(self) -> str:
        return f"<ApiRun {self.project}/{self.id} {self.name!r} {self.status}>"

    def metric_keys(self) -> list[str]:
        return [k.key for k in self._store.list_keys(self.project, [self.id])]

    def series(self, key: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Raw (steps, values, wall times) of one key."""
        refs = self._store.resolve_series(self.project, [self.id], [key])
        if not refs:
            raise InvalidInput(f"run {self.id} has no key {key!r}", field="key")
        return read_points(self._store, refs[0])

    def history(self, keys: Sequence[str] | None = None, x: str = "step",
                pandas: bool = True) -> Any:
        """One row per step with a column per key (NaN where a key has no value at
        that step; the last value when it has several), plus ``_step`` and
        ``_timestamp``. A pandas DataFrame when pandas is installed and ``pandas`` is
        true, else a dict of numpy arrays. ``x`` names the column to sort by."""
        columns = self._columns(keys)
        if x != "step" and x not in columns and x != "wall":
            raise InvalidInput(f"x must be 'step', 'wall' or a logged key, not {x!r}")
        if pandas:
            try:
                import pandas as pd
            except ImportError:
                pass
            else:
                frame = pd.DataFrame(columns)
                sort_by = {"step": "_step", "wall": "_timestamp"}.get(x, x)
                return frame.sort_values(sort_by, kind="stable").reset_index(drop=True)
        return columns

    def scan_history(self, keys: Sequence[str] | None = None,
                     page_size: int = 1000) -> Iterator[dict[str, Any]]:
        """Rows of `history`, one dict per step, streamed a page at a time."""
        columns = self._columns(keys)
        names = list(columns)
        total = len(columns["_step"])
        for start in range(0, total, page_size):
            page = {n: columns[n][start:start + page_size].tolist() for n in names}
            for i in range(len(page["_step"])):
                yield {n: page[n][i] for n in names}

    def _columns(self, keys: Sequence[str] | None) -> dict[str, np.ndarray]:
        wanted = list(keys) if keys is not None else self.metric_keys()
        series = {k: self.series(k) for k in wanted}
        all_steps = np.unique(np.concatenate(
            [s[0] for s in series.values()] or [np.zeros(0, np.int64)]))
        out: dict[str, np.ndarray] = {"_step": all_steps}
        stamp = np.full(all_steps.shape[0], np.nan)
        for key, (steps, values, walls) in series.items():
            column = np.full(all_steps.shape[0], np.nan)
            pos = np.searchsorted(all_steps, steps)
            column[pos] = values  # later duplicates of a step overwrite earlier ones
            np.fmax.at(stamp, pos, walls)
            out[key] = column
        out["_timestamp"] = stamp
        return out
