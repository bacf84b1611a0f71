"""The default sink: the embedded store in the run's data directory."""

from __future__ import annotations

from stepscope.store.base import BatchId, PointBatch, RunPatch, RunRecord, RunSpec, Store


class LocalSink:
    def __init__(self, store: Store) -> None:
        self.store = store

    @property
    def destination(self) -> str:
        return self.store.store_id()

    def open_run(self, project: str, spec: RunSpec) -> RunRecord:
        return self.store.create_run(project, spec)[0]

    def send(self, project: str, run_id: str, batch: PointBatch, batch_id: BatchId | None,
             patch: RunPatch | None) -> None:
        if patch is not None:
            self.store.update_run(project, run_id, patch)
        if len(batch) or batch_id is not None:
            self.store.append_batch(project, run_id, batch, batch_id)

    def get_run(self, project: str, run_id: str) -> RunRecord:
        return self.store.get_run(project, run_id)

    def cursor(self, project: str, run_id: str, stream: str) -> int:
        return self.store.ingest_cursor(project, run_id, stream)

    def close(self) -> None:
        self.store.close()
