"""The seam between a `Run` and where its data goes (local store, server)."""

from __future__ import annotations

from typing import Protocol

from stepscope.store.base import BatchId, PointBatch, RunPatch, RunRecord, RunSpec


class Sink(Protocol):
    @property
    def destination(self) -> str:
        """The id of the store this sink writes to (`Store.store_id`, as a server
        reports it). Written into the write-ahead log's header, so a dead writer's log
        is recovered only into the store it was bound for, whatever path reaches it."""
        ...

    def open_run(self, project: str, spec: RunSpec) -> RunRecord:
        """Create or resume the run (obeying ``spec.resume``)."""
        ...

    def send(self, project: str, run_id: str, batch: PointBatch, batch_id: BatchId | None,
             patch: RunPatch | None) -> None:
        """Apply ``patch`` (if any), then store ``batch``. A batch whose ``batch_id`` was
        already stored is ignored; raising means nothing of the batch was stored."""
        ...

    def get_run(self, project: str, run_id: str) -> RunRecord: ...

    def cursor(self, project: str, run_id: str, stream: str) -> int:
        """End position of the last batch of ``stream`` this sink stored (0 if none)."""
        ...

    def close(self) -> None: ...
