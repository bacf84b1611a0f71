"""Reading runs' series for the insights engine, through the query layer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from stepscope.insights import MetricSeries
from stepscope.query.engine import SeriesQuery, query_series, read_points
from stepscope.store.base import RunRecord, Store

RAW_LIMIT = 5000
"""Series up to this many points are analysed point by point; longer ones through a
2,000-bucket envelope (bucket means, so the analysis cost does not grow with history)."""
BUCKETS = 2000


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
            (env,) = query_series(store, project, SeriesQuery([ref.run], [ref.key],
                                                              buckets=BUCKETS))
            steps, values = env.x.astype(np.int64), env.mean
        out.append(MetricSeries(run=label[ref.run], metric=ref.key, steps=steps,
                                values=values, goal=goals.get((ref.run, ref.key))))
    return out
