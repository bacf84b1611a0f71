"""Folding a write-ahead stream into a sink: the background folder of a live run, and
the recovery of streams whose writer died."""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

from stepscope.errors import NotFound
from stepscope.sdk.sinks.base import Sink
from stepscope.sdk.wal import WalReader, read_header, segment_path, try_lock
from stepscope.store.base import BatchId, PointBatch, RunPatch
from stepscope.types import RunStatus


def meta_patch(metas: list[dict[str, Any]]) -> RunPatch | None:
    """One patch carrying the latest snapshot of each kind of META record."""
    if not metas:
        return None
    patch = RunPatch()
    for meta in metas:
        if "config" in meta:
            patch.config = meta["config"]
        if "summary" in meta:
            patch.summary = meta["summary"]
        if "metrics" in meta:
            patch.metrics = meta["metrics"]
    return patch


def fold_available(reader: WalReader, sink: Sink, project: str, run_id: str,
                   position: int, heartbeat: bool = False) -> int:
    """Send everything written to the stream after ``position``; return the new position.
    Finished segment files are deleted once their content is stored."""
    while True:
        read = reader.read(position)
        patch = meta_patch(read.metas)
        if heartbeat:
            patch = patch or RunPatch()
            patch.heartbeat_at = time.time()
            heartbeat = False
        if read.end == position and patch is None:
            return position
        batch_id = BatchId(reader.stream, position, read.end) if read.end > position else None
        sink.send(project, run_id, read.batch, batch_id, patch)
        for segment in read.finished_segments:
            segment_path(reader.run_dir, reader.stream, segment).unlink(missing_ok=True)
        if read.end == position:
            return position
        position = read.end


class Folder(threading.Thread):
    """The background thread of a live run. It is the one place in stepscope that
    catches every error: logging must never kill training. The first failure is
    reported once on stderr; the data stays in the write-ahead log and is retried."""

    def __init__(self, reader: WalReader, sink: Sink, project: str, run_id: str,
                 start: int, interval: float) -> None:
        super().__init__(name=f"stepscope-folder-{run_id}", daemon=True)
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
        self.fold()

    def fold(self, heartbeat: bool = False) -> bool:
        try:
            position = fold_available(self.reader, self.sink, self.project, self.run_id,
                                      self.position, heartbeat)
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
    alone. Returns the (project, run id) pairs recovered."""
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
    for path in sorted(run_dir.glob("*.wal")):
        header = read_header(path)
        streams.setdefault(header["stream"], int(header["segment_bytes"]))
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
    for path in run_dir.glob("*.wal"):
        path.unlink(missing_ok=True)
    (run_dir / "lock").unlink(missing_ok=True)
    with contextlib.suppress(OSError):  # not empty: a new writer already started
        run_dir.rmdir()
    return True

