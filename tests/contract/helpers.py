"""Building batches and reading series back, for the conformance suite."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

from stepscope.query.engine import read_points
from stepscope.store.base import PointBatch, RunSpec, Store
from stepscope.types import FloatArray, IntArray

WALL0 = 1_700_000_000.0


def batch(series: Mapping[str, tuple[npt.ArrayLike, npt.ArrayLike]],
          wall: float = WALL0) -> PointBatch:
    """A batch holding, for each key, its (steps, values), keys one after another."""
    keys = list(series)
    steps = [np.asarray(s, np.int64) for s, _ in series.values()]
    values = [np.asarray(v, np.float64) for _, v in series.values()]
    n = sum(s.shape[0] for s in steps)
    return PointBatch(
        keys=keys,
        key_index=np.repeat(np.arange(len(keys)), [s.shape[0] for s in steps]),
        steps=np.concatenate(steps) if steps else np.zeros(0, np.int64),
        values=np.concatenate(values) if values else np.zeros(0),
        walls=wall + np.arange(n) * 0.001,
    )


def interleaved(keys: Sequence[str], steps: IntArray, values: FloatArray,
                wall: float = WALL0) -> PointBatch:
    """One point per key at every step, step-major (as a training loop logs them):
    key k at step i has value ``values[i] + k``."""
    n, k = steps.shape[0], len(keys)
    return PointBatch(
        keys=list(keys),
        key_index=np.tile(np.arange(k), n),
        steps=np.repeat(steps, k),
        values=(values[:, None] + np.arange(k)[None, :]).ravel(),
        walls=np.repeat(wall + steps * 0.01, k),
    )


def new_run(store: Store, project: str = "proj", run_id: str = "r1", **spec: object) -> str:
    store.create_run(project, RunSpec(id=run_id, **spec))  # type: ignore[arg-type]
    return run_id


def points(store: Store, project: str, run_id: str,
           key: str) -> tuple[IntArray, FloatArray, FloatArray]:
    """Every stored point of a series (empty arrays if it does not exist)."""
    refs = store.resolve_series(project, [run_id], [key])
    if not refs:
        return np.zeros(0, np.int64), np.zeros(0), np.zeros(0)
    return read_points(store, refs[0])


def assert_same_floats(actual: FloatArray, expected: FloatArray) -> None:
    """Bit-for-bit equal, NaN included."""
    np.testing.assert_array_equal(np.asarray(actual).view(np.int64),
                                  np.asarray(expected, np.float64).view(np.int64))
