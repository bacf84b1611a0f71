"""Bucketing into envelopes: pure functions over arrays.

Everything is expressed over *units*: a unit is either one raw point or one block of
consecutive points with precomputed statistics (`stepscope.store.chunks.BLOCK_DTYPE`).
Units are assigned whole to equal-width buckets by their first x, so every point falls
in exactly one bucket and inside that bucket's [min, max], and the global min and max
survive at any zoom — no spike is ever averaged away.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from stepscope.store.chunks import BLOCK_DTYPE
from stepscope.types import FloatArray, IntArray


@dataclass
class Envelope:
    """Per bucket: x of its last point, that point's value, finite min/max/mean, the
    number of points and how many of them are NaN or infinite."""

    run: str
    key: str
    x: FloatArray
    last: FloatArray
    mean: FloatArray
    min: FloatArray
    max: FloatArray
    count: IntArray
    nonfinite: IntArray
    raw: bool

    def __len__(self) -> int:
        return int(self.x.shape[0])

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: non-finite floats become None; integral x values become ints."""
        xs = self.x.tolist()
        if self.x.dtype.kind == "f" and all(math.isfinite(v) and v == int(v) for v in xs):
            xs = [int(v) for v in xs]
        return {
            "run": self.run, "key": self.key, "raw": self.raw, "x": xs,
            "last": _json_floats(self.last), "mean": _json_floats(self.mean),
            "min": _json_floats(self.min), "max": _json_floats(self.max),
            "count": self.count.tolist(), "nonfinite": self.nonfinite.tolist(),
        }


def _json_floats(values: FloatArray) -> list[float | None]:
    return [v if math.isfinite(v) else None for v in values.tolist()]


def point_units(x: np.ndarray, values: FloatArray) -> np.ndarray:
    """One unit per raw point (x may be steps or any float axis)."""
    units = np.empty(x.shape[0], _unit_dtype(x))
    finite = np.isfinite(values)
    units["first_step"] = x
    units["last_step"] = x
    units["count"] = 1
    units["nonfinite"] = ~finite
    units["min"] = np.where(finite, values, np.nan)
    units["max"] = units["min"]
    units["sum"] = np.where(finite, values, 0.0)
    units["last"] = values
    return units


def _unit_dtype(x: np.ndarray) -> np.dtype[Any]:
    if x.dtype.kind in "iu":
        return BLOCK_DTYPE
    return np.dtype([(name, "<f8" if name in ("first_step", "last_step") else BLOCK_DTYPE[name])
                     for name in BLOCK_DTYPE.names or ()])


def bucket_units(units: np.ndarray, buckets: int) -> dict[str, np.ndarray]:
    """Group units (sorted by first x) into at most `buckets` equal-width buckets over
    their x span. With no more units than buckets, each unit is its own bucket."""
    n = units.shape[0]
    if n == 0:
        return {name: np.zeros(0) for name in ("x", "last", "mean", "min", "max",
                                                 "count", "nonfinite")}
    if n <= buckets:
        starts = np.arange(n)
    else:
        lo = float(units["first_step"][0])
        hi = float(units["last_step"][-1])
        width = (hi - lo) / buckets if hi > lo else 1.0
        ids = np.minimum(((units["first_step"] - lo) / width).astype(np.int64), buckets - 1)
        starts = np.concatenate(([0], np.flatnonzero(np.diff(ids)) + 1))
    ends = np.append(starts[1:], n) - 1
    count = np.add.reduceat(units["count"], starts).astype(np.int64)
    nonfinite = np.add.reduceat(units["nonfinite"], starts).astype(np.int64)
    total = np.add.reduceat(units["sum"], starts)
    finite_count = count - nonfinite
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(finite_count > 0, total / np.maximum(finite_count, 1), np.nan)
    return {
        "x": units["last_step"][ends],
        "last": units["last"][ends].astype(np.float64),
        "mean": mean,
        "min": np.fmin.reduceat(units["min"], starts),
        "max": np.fmax.reduceat(units["max"], starts),
        "count": count,
        "nonfinite": nonfinite,
    }
