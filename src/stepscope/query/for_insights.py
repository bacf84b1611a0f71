"""Reading runs' series for the insights engine, through the query layer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from stepscope.insights import MetricSeries
from stepscope.query.engine import read_points, step_envelope
from stepscope.store.base import RunRecord, Store
from stepscope.store.chunks import BLOCK_POINTS

RAW_LIMIT = 100 * 2 * BLOCK_POINTS
"""Series up to this many points (25,600) are analysed point by point."""
MAX_BUCKETS = 1000
"""Longer series are analysed through an envelope of bucket means, with at most this many
buckets and at least two blocks per bucket, so that it is answered from the chunks' block
statistics alone and the cost does not grow with the history (the insights engine
thins series to 1,000 points anyway)."""


def load_series(store: Store, project: str, runs: Sequence[RunRecord],
                keys: Sequence[str] | None = None) -> list[MetricSeries]:
    """One `MetricSeries` per (run, key) with data, named by run name (or id when two
    runs share a name), with each key's goal from ``define_metric`` when declared."""
    run_ids = [r.id for r in runs]
    if keys is None:
        keys = [k.key for k in store.list_keys(project, run_ids)]
    names = [r.name for r in runs]
    label = {r.id: (r.name if names.count(r.name) == 1 else f"{r.name} ({r.id})")
             for r in runs}
    goals: dict[tuple[str, str], Any] = {
        (r.id, k): spec.get("goal") for r in runs for k, spec in r.metrics.items()}
    out = []
    for ref in store.resolve_series(project, run_ids, keys):
        if ref.count <= RAW_LIMIT:
            steps, values, _ = read_points(store, ref)
        else:
            buckets = min(MAX_BUCKETS, ref.count // (2 * BLOCK_POINTS))
            env = step_envelope(store, ref, None, None, buckets)
            steps, values = env.x.astype(np.int64), env.mean
        out.append(MetricSeries(run=label[ref.run], metric=ref.key, steps=steps,
                                values=values, goal=goals.get((ref.run, ref.key))))
    return out
