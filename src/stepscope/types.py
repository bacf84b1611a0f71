"""The shared vocabulary of stepscope, named once.

A *project* holds *runs*; a run holds one *series* per metric key; a series is a
sequence of *points* (step, value, wall time) with non-decreasing steps. What a valid
project name, run id and key are is checked in `stepscope.store.base` and
`stepscope.store.keys`.
"""

from __future__ import annotations

import enum

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


class RunStatus(str, enum.Enum):
    RUNNING = "running"
    FINISHED = "finished"
    FAILED = "failed"
    CRASHED = "crashed"


def section_of(key: str) -> str:
    """The section a key belongs to: its text before the first ``/`` (or the key itself)."""
    head, sep, _ = key.partition("/")
    return head if sep else key
