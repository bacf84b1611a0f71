"""A store holds on to little after a large append: the cached tail chunk of a series
must not keep the whole batch's arrays alive (it did: 24 MB per 1M-point series, which
exhausted memory loading 1,000 such runs)."""

from __future__ import annotations

import gc
import tracemalloc

import numpy as np

from stepscope.store.base import PointBatch, Store

from .helpers import new_run

POINTS = 1_000_000


def test_a_large_append_leaves_little_behind(store: Store) -> None:
    new_run(store)
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for key in ("a", "b", "c"):
            steps = np.arange(POINTS)
            store.append_batch("proj", "r1", PointBatch(
                [key], np.zeros(POINTS, np.int64), steps, np.ones(POINTS),
                np.full(POINTS, 1.7e9)))
            del steps
        gc.collect()
        kept = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    # Three series of 24 MB each went in; what stays is a few tails of < 4,096 points.
    assert kept < 4 << 20, f"{kept / 2**20:.1f} MiB kept"
