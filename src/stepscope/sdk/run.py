"""`Run`: what ``stepscope.init`` returns. ``log()`` validates and appends one record to
the run's memory-mapped write-ahead log; a `Folder` thread moves records into the sink.

Step semantics follow wandb: ``log(d)`` records at the current step and advances it;
``log(d, commit=False)`` records without advancing; ``log(d, step=s)`` moves to ``s``
(recording there, advancing only with ``commit=True``). A step below the current one is
dropped with a warning, as wandb does, so ``import stepscope as wandb`` scripts behave
the same. A step more than a billion past the highest step logged so far raises
ValueError (the store would refuse it: `stepscope.store.batches.MAX_STEP_JUMP`).
"""

from __future__ import annotations

import fnmatch
import json
import os
import shutil
import struct
import sys
import threading
import time
import warnings
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

from stepscope.errors import StepscopeError, StoreUnavailable
from stepscope.sdk.alerts import AlertLevel, Watch, Watchers, announce, make_alert
from stepscope.sdk.config import Config, Summary
from stepscope.sdk.current import clear_current
from stepscope.sdk.folding import Folder
from stepscope.sdk.sinks.base import Sink
from stepscope.sdk.values import flatten, to_float
from stepscope.sdk.wal import WalReader, WalWriter
from stepscope.store.base import PointBatch, RunPatch, RunRecord, to_json_text
from stepscope.store.batches import MAX_STEP, MAX_STEP_JUMP
from stepscope.store.keys import check_key
from stepscope.types import RunStatus

SUMMARY_KINDS = ("min", "max", "mean", "last", "none")
GOALS = ("minimize", "maximize")


class StepWarning(UserWarning):
    """A ``log()`` call named a step below the run's current step; its data was dropped."""


class RunFinishedError(StepscopeError):
    status = 409
    code = "run_finished"


class Run:
    """A live run. Use it as a context manager, or call `finish` (also run at exit)."""

    def __init__(self, record: RunRecord, sink: Sink, wal_dir: Path, lock_fd: int,
                 stream: str, segment_bytes: int, max_segments: int,
                 flush_interval: float, watch: Watch | None = None,
                 alert_webhook: str = "") -> None:
        self.project = record.project
        self.id = record.id
        self.name = record.name
        self.group = record.group
        self.tags = tuple(record.tags)
        self.dir = wal_dir
        self._sink = sink
        self._lock_fd = lock_fd
        self._lock = threading.Lock()
        self._step = 0 if record.last_step is None else record.last_step + 1
        # The highest step written so far: an explicit step may not leap more than
        # MAX_STEP_JUMP past it (the store refuses such a batch, see store.batches).
        self._reached = 0 if record.last_step is None else record.last_step
        self._key_ids: dict[str, int] = {}
        self._plans: dict[tuple[str, ...], tuple[struct.Struct, tuple[int, ...]]] = {}
        self._metric_defs: dict[str, dict[str, Any]] = dict(record.metrics)
        self._metric_globs = {k: v for k, v in self._metric_defs.items() if "*" in k}
        self._finished = False
        self._max_segments = max_segments
        self._room_warned = False
        self._wal = WalWriter(wal_dir, {"project": self.project, "run_id": self.id,
                                        "segment_bytes": segment_bytes,
                                        "destination": sink.destination},
                              stream, segment_bytes, room=self._wait_for_room)
        self._alert_webhook = alert_webhook
        self._webhook_failed = False
        self._last_alert: dict[str, float] = {}
        self._folder = Folder(WalReader(wal_dir, stream, segment_bytes), sink, self.project,
                              self.id, 0, flush_interval,
                              Watchers(watch) if watch is not None else None,
                              self._alerts_stored)
        self.config = Config(record.config, self._config_changed)
        self.summary = Summary({}, self._summary_changed)
        self._folder.start()

    # -- logging -----------------------------------------------------------------------

    @property
    def step(self) -> int:
        """The step the next ``log()`` without ``step=`` records at."""
        return self._step

    def log(self, data: Mapping[str, Any], step: int | None = None,
            commit: bool | None = None) -> None:
        """Record ``data`` (a possibly nested dict of scalars) at a step.

        Raises TypeError, naming the key, for a value that is not a number, and
        ValueError for an invalid key or step; a call that raises records nothing.
        """
        if step is None and commit is None and type(data) is dict:
            plan = self._plans.get(tuple(data))
            if plan is not None:
                with self._lock:
                    if not self._finished:
                        try:
                            self._wal.add_points(plan[0], (self._step, time.time(),
                                                           *plan[1], *data.values()))
                        except Exception:  # noqa: BLE001 - the slow path says what is wrong
                            pass
                        else:
                            self._reached = self._step
                            self._step += 1
                            return
        self._log_checked(data, step, commit)

    def _log_checked(self, data: Mapping[str, Any], step: int | None,
                     commit: bool | None) -> None:
        if not isinstance(data, Mapping):
            raise TypeError(f"log() takes a dict of metrics, not {type(data).__name__}")
        flat = flatten(data)
        values = [to_float(key, value) for key, value in flat.items()]
        for key in flat:
            check_key(key)
        if step is not None:
            if isinstance(step, bool) or not hasattr(step, "__index__"):
                raise TypeError(f"log(): step must be an integer, not {type(step).__name__}")
            step = int(step)
            if not 0 <= step <= MAX_STEP:
                raise ValueError(f"log(): step must be in 0..{MAX_STEP}, not {step}")
        with self._lock:
            if self._finished:
                raise RunFinishedError(f"run {self.id} is finished; call stepscope.init() "
                                       "to start another")
            if step is not None:
                if step > self._reached + MAX_STEP_JUMP:
                    raise ValueError(
                        f"log(): step {step} leaps more than {MAX_STEP_JUMP:,} steps past the "
                        f"run's last step {self._reached}; log counters such as tokens as a "
                        "metric and plot against it (define_metric(step_metric=...))")
                if step < self._step:
                    warnings.warn(
                        f"log(): step {step} is below the run's current step {self._step}; "
                        "the data was dropped (steps must not go backwards)", StepWarning,
                        stacklevel=3)
                    return
                self._step = step
            at = self._step
            if commit is None:
                commit = step is None
            if flat:
                key_ids = tuple(self._key_id(key) for key in flat)
                packer = self._wal.points_struct(len(key_ids))
                self._wal.add_points(packer, (at, time.time(), *key_ids, *values))
                self._reached = max(self._reached, at)
                if flat.keys() == data.keys():
                    self._plans[tuple(data)] = (packer, key_ids)
            if commit:
                self._step = at + 1

    def _key_id(self, key: str) -> int:
        key_id = self._key_ids.get(key)
        if key_id is None:
            key_id = self._key_ids[key] = self._wal.add_key(key)
            for pattern, spec in self._metric_globs.items():
                if key not in self._metric_defs and fnmatch.fnmatchcase(key, pattern):
                    self._metric_defs[key] = dict(spec)
                    self._wal.add_meta({"metrics": self._metric_defs})
        return key_id

    def define_metric(self, name: str, step_metric: str | None = None,
                      summary: str | None = None, goal: str | None = None,
                      hidden: bool | None = None) -> None:
        """Declare how a metric (or a ``*`` glob of them) is summarized and judged:
        ``summary`` is min, max, mean, last or none; ``goal`` minimize or maximize;
        ``step_metric`` another key to plot it against."""
        if "*" not in name:
            check_key(name)
        if summary is not None and summary not in SUMMARY_KINDS:
            raise ValueError(f"define_metric(): summary must be one of "
                             f"{', '.join(SUMMARY_KINDS)}, not {summary!r}")
        if goal is not None and goal not in GOALS:
            raise ValueError(f"define_metric(): goal must be 'minimize' or 'maximize', "
                             f"not {goal!r}")
        if step_metric is not None:
            check_key(step_metric)
        spec = {k: v for k, v in (("summary", summary), ("goal", goal),
                                  ("step_metric", step_metric), ("hidden", hidden))
                if v is not None}
        with self._lock:
            self._metric_defs[name] = spec
            if "*" in name:
                self._metric_globs[name] = spec
                for key in self._key_ids:
                    if fnmatch.fnmatchcase(key, name):
                        self._metric_defs[key] = dict(spec)
            self._wal.add_meta({"metrics": self._metric_defs})

    def alert(self, title: str, text: str = "", level: str | AlertLevel = AlertLevel.INFO,
              wait_duration: float | timedelta | None = None) -> bool:
        """Raise an alert: shown in this console now, stored with the run, shown in the
        dashboard and posted to the webhook if one is set. With ``wait_duration``, an
        alert whose title was raised less than that long ago is skipped (returns False)."""
        alert = make_alert(title, text, level, step=self._step)
        seconds = (wait_duration.total_seconds() if isinstance(wait_duration, timedelta)
                   else float(wait_duration or 0.0))
        now = time.monotonic()
        last = self._last_alert.get(title)
        if last is not None and now - last < seconds:
            return False
        self._add_meta({"alert": alert})
        self._last_alert[title] = now
        announce(alert, self.name)
        return True

    def _alerts_stored(self, alerts: list[dict[str, Any]]) -> None:
        # On the folder thread, after the alerts were stored.
        for alert in alerts:
            if alert["source"] == "auto":
                announce(alert, self.name)
        if self._alert_webhook:
            try:
                for alert in alerts:
                    httpx.post(self._alert_webhook, timeout=5.0, json={
                        "project": self.project, "run": self.id, "run_name": self.name,
                        "alert": alert})
            except httpx.HTTPError as exc:
                if not self._webhook_failed:
                    self._webhook_failed = True
                    print(f"stepscope: could not post alerts to the webhook: {exc}",
                          file=sys.stderr)

    def _config_changed(self, snapshot: dict[str, Any]) -> None:
        self._add_meta({"config": snapshot})

    def _summary_changed(self, snapshot: dict[str, Any]) -> None:
        self._add_meta({"summary": snapshot})

    def _add_meta(self, meta: dict[str, Any]) -> None:
        safe = json.loads(to_json_text(meta, next(iter(meta))))  # NaN -> null
        with self._lock:
            if self._finished:
                raise RunFinishedError(f"run {self.id} is finished")
            self._wal.add_meta(safe)

    def _wait_for_room(self, next_segment: int) -> None:
        # Called under self._lock by the WAL writer when it needs a new segment.
        folder = self._folder
        with folder.progress:
            while next_segment - folder.position // self._wal.segment_bytes \
                    >= self._max_segments and folder.is_alive():
                if folder.error is not None:
                    raise StoreUnavailable(
                        f"run {self.id}: the write-ahead log is full and the store cannot "
                        f"be written ({folder.error}); what was logged so far is kept in "
                        f"{self.dir} and stored when the directory is next opened")
                if not self._room_warned:
                    self._room_warned = True
                    print(f"stepscope: run {self.id} logs faster than its data can be stored; "
                          "log() waits for the writer (no data is dropped)", file=sys.stderr)
                folder.wake()
                folder.progress.wait(0.5)

    # -- ending ------------------------------------------------------------------------

    def finish(self, exit_code: int | None = None, quiet: bool | None = None) -> None:
        """Store everything logged, mark the run finished (or failed for a non-zero
        exit code) and remove its write-ahead log. Safe to call twice."""
        with self._lock:
            if self._finished:
                return
            self._finished = True
        _forget(self)
        self._folder.stop()
        status = RunStatus.FINISHED if not exit_code else RunStatus.FAILED
        if self._folder.error is not None:
            print(f"stepscope: run {self.id} could not store all its data: "
                  f"{self._folder.error}. It is kept in {self.dir} and will be stored when "
                  "this directory is next opened.", file=sys.stderr)
            self._wal.close()
            os.close(self._lock_fd)
            return
        try:
            self._sink.send(self.project, self.id, PointBatch.empty(), None,
                            RunPatch(status=status))
        finally:
            self._wal.close()
            shutil.rmtree(self.dir, ignore_errors=True)
            os.close(self._lock_fd)
        if not quiet and os.environ.get("STEPSCOPE_QUIET") is None:
            print(f"stepscope: run {self.name} ({self.project}/{self.id}) {status.value}, "
                  f"{self._step} steps", file=sys.stderr)

    def __enter__(self) -> Run:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.finish(exit_code=1 if exc_type is not None else 0)

    def __repr__(self) -> str:
        return f"<stepscope.Run {self.project}/{self.id} name={self.name!r}>"


_active: list[Run] = []


def _forget(run: Run) -> None:
    if run in _active:
        _active.remove(run)
    clear_current(run)
