"""Folding a write-ahead stream into a sink: the background folder of a live run, and
the recovery of streams whose writer died."""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from stepscope.errors import Conflict, NotFound, StoreUnavailable
from stepscope.sdk.alerts import Watchers
from stepscope.sdk.sinks.base import Sink
from stepscope.sdk.wal import WalReader, read_header, segment_path, try_lock
from stepscope.store.base import BatchId, PointBatch, RunPatch
from stepscope.types import RunStatus

_READ_POINTS = 1 << 22
"""Points one read of the log gathers when the sink sets no bound."""


def meta_patch(metas: list[dict[str, Any]]) -> RunPatch | None:
    """One patch carrying the latest snapshot of each kind of META record, and every
    alert."""
    if not metas:
        return None
    patch = RunPatch()
    for meta in metas:
        if "alert" in meta:
            patch.alerts = [*(patch.alerts or []), meta["alert"]]
        if "config" in meta:
            patch.config = meta["config"]
        if "summary" in meta:
            patch.summary = meta["summary"]
        if "metrics" in meta:
            patch.metrics = meta["metrics"]
    return patch


def fold_available(reader: WalReader, sink: Sink, project: str, run_id: str,
                   position: int, heartbeat: bool = False, watchers: Watchers | None = None,
                   on_alerts: Callable[[list[dict[str, Any]]], None] | None = None) -> int:
    """Send everything written to the stream after ``position``; return the new position.
    Finished segment files are deleted once their content is stored.

    A sink may bound the points of one batch (``max_batch_points``, e.g. a request size).
    A `Conflict` carrying a cursor past ``position`` means the sink stored more of the
    stream than this folder knew (a server stored a batch but its answer was lost):
    folding resumes from that cursor, so nothing is sent twice or skipped.

    ``watchers`` add automatic alerts to what is sent; ``on_alerts`` is told of every
    alert once it is stored."""
    max_points = int(getattr(sink, "max_batch_points", _READ_POINTS))
    while True:
        read = reader.read(position, max_points)
        patch = meta_patch(read.metas)
        if heartbeat:
            patch = patch or RunPatch()
            patch.heartbeat_at = time.time()
            heartbeat = False
        automatic = watchers.observe(read.batch, read.end) if watchers is not None else []
        if automatic:
            patch = patch or RunPatch()
            patch.alerts = [*(patch.alerts or []), *automatic]
        if read.end == position and patch is None:
            return position
        batch_id = BatchId(reader.stream, position, read.end) if read.end > position else None
        try:
            sink.send(project, run_id, read.batch, batch_id, patch)
        except Conflict as exc:
            if batch_id is None or exc.cursor is None or not position < exc.cursor <= read.end:
                raise
            stored = exc.cursor
        else:
            stored = read.end
        if watchers is not None:
            watchers.acknowledge()
        if on_alerts is not None and patch is not None and patch.alerts:
            on_alerts(patch.alerts)
        for segment in read.finished_segments:
            if (segment + 1) * reader.segment_bytes <= stored:
                segment_path(reader.run_dir, reader.stream, segment).unlink(missing_ok=True)
        if stored == position:
            return position
        position = stored


class Folder(threading.Thread):
    """The background thread of a live run. It is the one place in stepscope that
    catches every error: logging must never kill training. The first failure is
    reported once on stderr; the data stays in the write-ahead log and is retried."""

    def __init__(self, reader: WalReader, sink: Sink, project: str, run_id: str,
                 start: int, interval: float, watchers: Watchers | None = None,
                 on_alerts: Callable[[list[dict[str, Any]]], None] | None = None) -> None:
        super().__init__(name=f"stepscope-folder-{run_id}", daemon=True)
        self.watchers, self.on_alerts = watchers, on_alerts
        self.reader, self.sink = reader, sink
        self.project, self.run_id = project, run_id
        self.position = start
        self.interval = interval
        self.error: Exception | None = None
        self._stop_event = threading.Event()
        self._wake = threading.Event()
        self.progress = threading.Condition()

    def run(self) -> None:
        while not self._stop_event.is_set():
            self._wake.wait(self.interval)
            self._wake.clear()
            self.fold(heartbeat=True)
        if not self.fold():
            self._drain()

    def _drain(self) -> None:
        """The run is finishing but its data is not stored yet: while the failure is one
        that may pass (a server restarting or unreachable), keep retrying for the sink's
        ``finish_timeout`` seconds (0 for sinks without one), saying so on stderr."""
        deadline = time.monotonic() + float(getattr(self.sink, "finish_timeout", 0.0))
        delay, next_note, noted = 0.2, time.monotonic(), False
        while isinstance(self.error, StoreUnavailable) and time.monotonic() < deadline:
            now = time.monotonic()
            if now >= next_note:
                print(f"stepscope: waiting to store run {self.run_id}'s remaining data "
                      f"({deadline - now:.0f} s left): {self.error}", file=sys.stderr)
                next_note, noted = now + 5.0, True
            time.sleep(min(delay, max(0.0, deadline - now)))
            delay = min(delay * 2, 2.0)
            self.fold()
        if noted and self.error is None:
            print(f"stepscope: run {self.run_id}'s data is stored", file=sys.stderr)

    def fold(self, heartbeat: bool = False) -> bool:
        try:
            position = fold_available(self.reader, self.sink, self.project, self.run_id,
                                      self.position, heartbeat, self.watchers, self.on_alerts)
        except Exception as exc:  # noqa: BLE001 - see the class docstring
            if self.error is None:
                print(f"stepscope: could not store run {self.run_id}'s data yet ({exc}); "
                      "it is kept in the write-ahead log and retried", file=sys.stderr)
            self.error = exc
            return False
        self.error = None
        with self.progress:
            self.position = position
            self.progress.notify_all()
        return True

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float | None = None) -> None:
        self._stop_event.set()
        self._wake.set()
        self.join(timeout)


def recover_dead_writers(data_dir: Path, sink: Sink) -> list[tuple[str, str]]:
    """Fold the write-ahead logs left by processes that died, mark their runs crashed
    and delete the logs. A log whose lock is held belongs to a live writer and is left
    alone; so is a log bound for another store than ``sink``'s (a run that logged to a
    server is recovered by the next process that logs to that server, never into a local
    store). Returns the (project, run id) pairs recovered."""
    recovered = []
    for lock_path in sorted((data_dir / "wal").glob("*/*/lock")):
        run_dir = lock_path.parent
        try:
            fd = try_lock(lock_path)
        except OSError:
            continue
        if fd is None:
            continue
        try:
            if not lock_path.exists():  # another process finished recovering it
                continue
            project, run_id = run_dir.parent.name, run_dir.name
            if _recover_run(run_dir, sink, project, run_id):
                recovered.append((project, run_id))
        finally:
            os.close(fd)
    return recovered


def _recover_run(run_dir: Path, sink: Sink, project: str, run_id: str) -> bool:
    streams: dict[str, int] = {}
    elsewhere = False
    for path in sorted(run_dir.glob("*.wal")):
        header = read_header(path)
        if header.get("destination") != sink.destination:
            elsewhere = True
            continue
        streams.setdefault(header["stream"], int(header["segment_bytes"]))
    if not streams:
        return False
    try:
        for stream, segment_bytes in streams.items():
            reader = WalReader(run_dir, stream, segment_bytes)
            start = sink.cursor(project, run_id, stream)
            fold_available(reader, sink, project, run_id, start)
        if sink.get_run(project, run_id).status == RunStatus.RUNNING:
            sink.send(project, run_id, PointBatch.empty(), None,
                      RunPatch(status=RunStatus.CRASHED))
    except NotFound:
        return False
    for stream in streams:
        for path in run_dir.glob(f"{stream}-*.wal"):
            path.unlink(missing_ok=True)
    if elsewhere:
        return True
    (run_dir / "lock").unlink(missing_ok=True)
    with contextlib.suppress(OSError):  # not empty: a new writer already started
        run_dir.rmdir()
    return True

