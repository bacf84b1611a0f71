"""The shared vocabulary of stepscope, named once.

A *project* holds *runs*; a run holds one *series* per metric key; a series is a
sequence of *points* (step, value, wall time) with non-decreasing steps.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import NewType

import numpy as np
import numpy.typing as npt

RunId = NewType("RunId", str)
"""Short, URL-safe run identifier, unique within a project (``[A-Za-z0-9_-]{1,64}``)."""

MetricKey = NewType("MetricKey", str)
"""A metric's name, e.g. ``actor/kl_loss``; the text before the first ``/`` is its section."""

Step = int
"""The x position of a point: a non-negative integer, non-decreasing within a run."""

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


class RunStatus(str, enum.Enum):
    RUNNING = "running"
    FINISHED = "finished"
    FAILED = "failed"
    CRASHED = "crashed"


@dataclass(frozen=True)
class Point:
    step: Step
    value: float
    wall: float
    """Seconds since the epoch when ``log()`` was called."""


@dataclass
class Series:
    """One metric of one run as columnar arrays of equal length, ordered by step."""

    steps: IntArray
    values: FloatArray
    walls: FloatArray

    def __len__(self) -> int:
        return int(self.steps.shape[0])


def section_of(key: str) -> str:
    """The section a key belongs to: its text before the first ``/`` (or the key itself)."""
    head, sep, _ = key.partition("/")
    return head if sep else key
