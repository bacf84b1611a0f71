"""The series query: runs x keys x x-axis x x-range x bucket count -> envelopes.

On the step axis a query reads only the block statistics of the chunks that overlap
the range, decodes raw points only from chunks whose blocks a range edge cuts, and
falls back to raw points when the range holds too few points for blocks to give the
resolution asked for. Other axes (wall time, relative time, another metric) decode
the series' points; their cost follows the series' length.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from stepscope.errors import InvalidInput
from stepscope.query.envelope import Envelope, bucket_units, point_units
from stepscope.store.base import SeriesRef, Store
from stepscope.store.chunks import BLOCK_POINTS, decode_chunk
from stepscope.store.keys import check_key
from stepscope.types import FloatArray, IntArray

MAX_BUCKETS = 10_000
X_AXES = ("step", "wall", "relative")


@dataclass(frozen=True)
class SeriesQuery:
    runs: Sequence[str]
    keys: Sequence[str]
    x: str = "step"
    x_range: tuple[float, float] | None = None
    buckets: int = 1000

    def validate(self) -> None:
        if not isinstance(self.buckets, int) or not 1 <= self.buckets <= MAX_BUCKETS:
            raise InvalidInput(f"buckets must be an integer in 1..{MAX_BUCKETS}",
                               field="buckets")
        if not self.x.startswith("metric:") and self.x not in X_AXES:
            raise InvalidInput("x must be step, wall, relative or metric:<key>", field="x")
        if self.x.startswith("metric:"):
            check_key(self.x[len("metric:"):])
        for key in self.keys:
            check_key(key)
        if self.x_range is not None:
            lo, hi = self.x_range
            if not (np.isfinite(lo) and np.isfinite(hi)) or lo > hi:
                raise InvalidInput("x_range must be [min, max] with finite min <= max",
                                   field="x_range")


def query_series(store: Store, project: str, query: SeriesQuery) -> list[Envelope]:
    """Envelopes for every (run, key) of the query that has data, in request order."""
    query.validate()
    refs = store.resolve_series(project, query.runs, query.keys)
    if query.x == "step":
        lo, hi = _step_bounds(query.x_range)
        return [step_envelope(store, ref, lo, hi, query.buckets) for ref in refs]
    out = []
    for ref in refs:
        x, values = _points_on_axis(store, project, ref, query.x)
        if query.x_range is not None:
            keep = (x >= query.x_range[0]) & (x <= query.x_range[1])
            x, values = x[keep], values[keep]
        out.append(_envelope(ref, point_units(x, values), query.buckets, raw_points=True))
    return out


def read_points(store: Store, ref: SeriesRef, lo: int | None = None,
                hi: int | None = None) -> tuple[IntArray, FloatArray, FloatArray]:
    """Raw (steps, values, walls) of a series, optionally within [lo, hi]."""
    index = store.chunk_index(ref.series_id, lo, hi)
    parts = [decode_chunk(p) for p in store.chunk_payloads(ref.series_id, index.seqs.tolist())]
    if not parts:
        return np.zeros(0, np.int64), np.zeros(0), np.zeros(0)
    steps, values, walls = (np.concatenate(col) for col in zip(*parts, strict=True))
    if lo is not None or hi is not None:
        keep = (steps >= (lo if lo is not None else -1)) & (
            steps <= (hi if hi is not None else np.iinfo(np.int64).max))
        steps, values, walls = steps[keep], values[keep], walls[keep]
    return steps, values, walls


def _step_bounds(x_range: tuple[float, float] | None) -> tuple[int | None, int | None]:
    if x_range is None:
        return None, None
    # Clamped to what a stored step can be, so a range like [-1e300, 1e300] still binds
    # as a 64-bit integer.
    return (max(int(np.ceil(x_range[0])), -1),
            min(int(np.floor(x_range[1])), np.iinfo(np.int64).max))


def step_envelope(store: Store, ref: SeriesRef, lo: int | None, hi: int | None,
                  buckets: int) -> Envelope:
    """The envelope of one resolved series on the step axis over [lo, hi]. With more
    than ``buckets`` x `BLOCK_POINTS` points in range it reads block statistics only."""
    index = store.chunk_index(ref.series_id, lo, hi)
    blocks = index.blocks
    lo_ = -1 if lo is None else lo
    hi_ = np.iinfo(np.int64).max if hi is None else hi
    inside = (blocks["first_step"] >= lo_) & (blocks["last_step"] <= hi_)
    overlapping = (blocks["last_step"] >= lo_) & (blocks["first_step"] <= hi_)
    if int(blocks["count"][overlapping].sum()) <= buckets * BLOCK_POINTS:
        steps, values, _ = read_points(store, ref, lo, hi)
        return _envelope(ref, point_units(steps, values), buckets, raw_points=True)
    # Whole blocks answer from their statistics; blocks cut by the range edges are
    # replaced by their raw points inside the range.
    cut = overlapping & ~inside
    cut_chunks = np.unique(index.block_chunk[cut])
    pieces = [blocks[inside]]
    order = [np.flatnonzero(inside).astype(np.float64)]
    if cut_chunks.size:
        payloads = store.chunk_payloads(ref.series_id, [int(index.seqs[c]) for c in cut_chunks])
        block_ids = np.flatnonzero(cut)
        for chunk_pos, payload in zip(cut_chunks, payloads, strict=True):
            steps, values, _ = decode_chunk(payload)
            first_block = int(np.flatnonzero(index.block_chunk == chunk_pos)[0])
            position_block = first_block + np.arange(steps.shape[0]) // BLOCK_POINTS
            keep = np.isin(position_block, block_ids) & (steps >= lo_) & (steps <= hi_)
            pieces.append(point_units(steps[keep], values[keep]))
            # Raw points sort just after the block boundary they belong to.
            order.append(position_block[keep] + np.arange(steps.shape[0])[keep] % BLOCK_POINTS
                         / BLOCK_POINTS)
    units = np.concatenate(pieces)[np.argsort(np.concatenate(order), kind="stable")]
    return _envelope(ref, units, buckets, raw_points=False)


def _points_on_axis(store: Store, project: str, ref: SeriesRef,
                    axis: str) -> tuple[FloatArray, FloatArray]:
    steps, values, walls = read_points(store, ref)
    if axis == "wall":
        return walls, values
    if axis == "relative":
        started = store.get_run(project, ref.run).created_at
        return walls - started, values
    x_key = axis[len("metric:"):]
    x_refs = store.resolve_series(project, [ref.run], [x_key])
    if not x_refs:
        return np.zeros(0), np.zeros(0)
    x_steps, x_values, _ = read_points(store, x_refs[0])
    # x at a step is the x metric's last value logged at that step.
    pos = np.searchsorted(x_steps, steps, side="right") - 1
    matched = (pos >= 0) & (x_steps[np.maximum(pos, 0)] == steps)
    x = x_values[pos[matched]]
    y = values[matched]
    finite = np.isfinite(x)
    x, y = x[finite], y[finite]
    order = np.argsort(x, kind="stable")
    return x[order], y[order]


def _envelope(ref: SeriesRef, units: np.ndarray, buckets: int, *, raw_points: bool) -> Envelope:
    cols = bucket_units(units, buckets)
    raw = raw_points and units.shape[0] <= buckets
    return Envelope(run=ref.run, key=ref.key, x=cols["x"].astype(np.float64),
                    last=cols["last"], mean=cols["mean"], min=cols["min"], max=cols["max"],
                    count=cols["count"], nonfinite=cols["nonfinite"], raw=raw)
