"""The insights vocabulary: the input series and the findings the engine produces.

A :class:`MetricSeries` is one metric of one run as two equal-length 1-D arrays. It is
validated on construction, so every later stage may rely on: ``steps`` is int64 and
non-decreasing, ``values`` is float64 of the same length (non-finite values allowed),
``goal`` is ``"minimize"``, ``"maximize"`` or ``None``.

A :class:`Finding` is one statement about the data, with the numbers that back it and
the human sentence that states it. ``to_dict()`` is its JSON shape (``None`` omitted).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

Goal = Literal["minimize", "maximize"]
GOALS: tuple[str, ...] = ("maximize", "minimize")

FindingType = Literal[
    "trend",
    "peak",
    "trough",
    "spike",
    "crossover",
    "final_comparison",
    "co_occurrence",
    "off_scale",
]
FINDING_TYPES: tuple[str, ...] = (
    "trend",
    "peak",
    "trough",
    "spike",
    "crossover",
    "final_comparison",
    "co_occurrence",
    "off_scale",
)

Shape = Literal["rising", "falling", "flat", "rise-then-plateau", "hump", "dip", "oscillating"]
SHAPES: tuple[str, ...] = (
    "rising",
    "falling",
    "flat",
    "rise-then-plateau",
    "hump",
    "dip",
    "oscillating",
)

JSONValue = str | int | float | bool | None | list["JSONValue"] | dict[str, "JSONValue"]


def _as_steps(raw: object, where: str) -> IntArray:
    arr = np.asarray(raw)
    if arr.ndim != 1:
        raise ValueError(f"{where}: steps must be a 1-D array, got {arr.ndim}-D")
    if arr.dtype.kind in "iu":
        return arr.astype(np.int64, copy=False)
    integral = arr.dtype.kind == "f" and np.all(np.isfinite(arr)) and np.all(arr == np.round(arr))
    if arr.size and integral:
        return arr.astype(np.int64)
    if arr.size == 0:
        return np.zeros(0, dtype=np.int64)
    raise ValueError(f"{where}: steps must be integers, got dtype {arr.dtype}")


def _as_values(raw: object, where: str) -> FloatArray:
    arr = np.asarray(raw)
    if arr.ndim != 1:
        raise ValueError(f"{where}: values must be a 1-D array, got {arr.ndim}-D")
    if arr.size and arr.dtype.kind not in "iufb":
        raise ValueError(f"{where}: values must be numeric, got dtype {arr.dtype}")
    return arr.astype(np.float64, copy=False)


@dataclass(frozen=True)
class MetricSeries:
    """One metric of one run: ``values[i]`` was logged at ``steps[i]``.

    Raises ``ValueError`` naming the problem when ``run`` or ``metric`` is empty, an
    array is not 1-D, the lengths differ, steps are not integers or go backwards, or
    ``goal`` is not ``"minimize"``, ``"maximize"`` or ``None``. NaN and ±inf values are
    accepted: statistics ignore them and the trend finding reports how many there were.
    """

    run: str
    metric: str
    steps: IntArray
    values: FloatArray
    goal: Goal | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.run, str) or not self.run:
            raise ValueError("run must be a non-empty string")
        if not isinstance(self.metric, str) or not self.metric:
            raise ValueError(f"run {self.run!r}: metric must be a non-empty string")
        where = f"{self.run}/{self.metric}"
        steps = _as_steps(self.steps, where)
        values = _as_values(self.values, where)
        if steps.shape != values.shape:
            raise ValueError(
                f"{where}: steps and values differ in length ({steps.size} != {values.size})"
            )
        if steps.size > 1 and bool(np.any(steps[1:] < steps[:-1])):
            raise ValueError(f"{where}: steps must be non-decreasing")
        if self.goal is not None and self.goal not in GOALS:
            raise ValueError(f"{where}: unknown goal {self.goal!r}; use 'minimize' or 'maximize'")
        object.__setattr__(self, "steps", steps)
        object.__setattr__(self, "values", values)


def _json_number(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def _jsonable(value: object) -> JSONValue:
    if isinstance(value, (bool, str)) or value is None:
        return value
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return _json_number(float(value))
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    raise TypeError(f"cannot express {type(value).__name__} in JSON")


@dataclass(frozen=True)
class Finding:
    """One statement about the data.

    ``metric`` is the metric the statement is about (for ``co_occurrence`` the metric
    with the anomaly; ``metrics`` then lists it first, followed by the related ones).
    ``runs`` names the runs involved, the leading or overtaking run first. ``step`` is
    the single most telling step, ``window`` an inclusive ``(start, end)`` step range,
    ``value`` the value at ``step`` (or the margin for comparisons). ``detail`` holds the
    type-specific numbers documented in ``docs/insights.md``.
    """

    type: FindingType
    metric: str
    runs: tuple[str, ...]
    text: str
    step: int | None = None
    window: tuple[int, int] | None = None
    value: float | None = None
    metrics: tuple[str, ...] | None = None
    shape: Shape | None = None
    leader: str | None = None
    margin: float | None = None
    goal: Goal | None = None
    direction: Literal["up", "down"] | None = None
    detail: Mapping[str, JSONValue] = field(default_factory=dict)

    def to_dict(self) -> dict[str, JSONValue]:
        """The JSON-safe shape: lists for tuples, ``None`` fields (and NaN) left out."""
        out: dict[str, JSONValue] = {"type": self.type, "metric": self.metric}
        if self.metrics is not None:
            out["metrics"] = list(self.metrics)
        out["runs"] = list(self.runs)
        optional: dict[str, object] = {
            "step": self.step,
            "window": list(self.window) if self.window is not None else None,
            "value": self.value,
            "shape": self.shape,
            "leader": self.leader,
            "margin": self.margin,
            "goal": self.goal,
            "direction": self.direction,
        }
        for key, val in optional.items():
            converted = _jsonable(val)
            if converted is not None:
                out[key] = converted
        out["text"] = self.text
        if self.detail:
            out["detail"] = _jsonable(self.detail)
        return out
