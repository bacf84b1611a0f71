"""The storage contract. Every engine (SQLite, PostgreSQL) implements `Store`; nothing
above this module asks which engine it talks to. The conformance suite in
``tests/contract`` runs against every engine.

Promises every engine keeps:

- Runs are identified by ``(project, run_id)``. ``create_run`` with an existing id obeys
  ``resume``: ``never`` raises `Conflict`, ``must`` requires it to exist, ``allow`` resumes.
- Points are appended by batch. A batch carrying a `BatchId` is applied at most once:
  the store keeps, per (run, stream), the end offset of the last batch it stored, in the
  same transaction as the points, so a retried batch is never doubled and a crash
  between two batches loses neither.
- A series is read back in step order; points with equal steps keep their append order.
- Series live as sealed chunks of `CHUNK_POINTS` points (plus a short unsealed tail
  chunk) with per-block statistics (see `stepscope.store.chunks`); readers decode with
  the shared codec, so every engine stores byte-identical chunk payloads.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from stepscope.errors import InvalidInput
from stepscope.store.alerts import AlertRecord
from stepscope.types import FloatArray, IntArray, RunStatus

if TYPE_CHECKING:
    from stepscope.store.api_keys import ApiKey
    from stepscope.store.changes import ChangeFeed, ChangeListener

PROJECT_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}")
RUN_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
RESUME_POLICIES = ("allow", "must", "never")


def check_project(name: object) -> str:
    if not isinstance(name, str) or not PROJECT_NAME.fullmatch(name):
        raise InvalidInput(
            f"project name {name!r} is invalid: use 1-128 characters of A-Z a-z 0-9 . _ - "
            "(not starting with '.')", field="project")
    return name


def check_run_id(run_id: object) -> str:
    if not isinstance(run_id, str) or not RUN_ID.fullmatch(run_id):
        raise InvalidInput(
            f"run id {run_id!r} is invalid: use 1-64 characters of A-Z a-z 0-9 _ -",
            field="id")
    return run_id


def check_color(color: object) -> str | None:
    if color is None:
        return None
    if not isinstance(color, str) or not re.fullmatch(r"#[0-9a-fA-F]{6}", color):
        raise InvalidInput(f"color {color!r} is invalid: use #rrggbb", field="color")
    return color.lower()


MAX_JSON_DEPTH = 64
"""How deeply a config, summary, metadata or workspace value may nest: far beyond any
real config, and far below what would exhaust a parser's recursion."""


def check_depth(value: object, what: str, limit: int = MAX_JSON_DEPTH) -> None:
    """`InvalidInput` if lists and dicts nest more than ``limit`` levels deep (checked
    without recursion, so a hostile value cannot exhaust the stack here)."""
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Iterable[object] = item.values()
        elif isinstance(item, (list, tuple)):
            children = item
        else:
            continue
        if depth > limit:
            raise InvalidInput(f"{what} nests more than {limit} levels deep", field=what)
        stack.extend((child, depth + 1) for child in children)


def to_json_text(value: object, what: str) -> str:
    """JSON text of a config/summary/metadata value; non-finite floats become null."""
    check_depth(value, what)
    try:
        return json.dumps(value, allow_nan=False, default=_json_default, sort_keys=True)
    except ValueError:
        return json.dumps(_replace_nonfinite(value), default=_json_default, sort_keys=True)
    except TypeError as exc:
        raise InvalidInput(f"{what} is not JSON-serializable: {exc}", field=what) from exc


def _json_default(obj: object) -> object:
    item = getattr(obj, "item", None)
    if callable(item):
        return item()
    tolist = getattr(obj, "tolist", None)
    if callable(tolist):
        return tolist()
    raise TypeError(f"{type(obj).__name__} is not JSON-serializable")


def _replace_nonfinite(value: object) -> object:
    if isinstance(value, float) and not np.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _replace_nonfinite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_replace_nonfinite(v) for v in value]
    return value


@dataclass
class RunSpec:
    """What a client asks for when it creates or resumes a run."""

    id: str | None = None
    name: str | None = None
    group: str | None = None
    tags: list[str] = field(default_factory=list)
    notes: str | None = None
    config: dict[str, Any] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)
    resume: str = "allow"


@dataclass
class RunPatch:
    """Fields to change on a run; `None` leaves a field as it is."""

    name: str | None = None
    group: str | None = None
    tags: list[str] | None = None
    notes: str | None = None
    color: str | None = None
    clear_color: bool = False
    config: dict[str, Any] | None = None
    summary: dict[str, Any] | None = None
    metrics: dict[str, dict[str, Any]] | None = None
    status: RunStatus | None = None
    heartbeat_at: float | None = None
    alerts: list[dict[str, Any]] | None = None
    """Alerts to append (see `stepscope.store.alerts`); an id already stored is skipped."""


@dataclass
class RunRecord:
    project: str
    id: str
    name: str
    group: str | None
    tags: list[str]
    notes: str | None
    config: dict[str, Any]
    summary: dict[str, Any]
    status: RunStatus
    created_at: float
    updated_at: float
    heartbeat_at: float | None
    last_step: int | None
    color: str | None
    metadata: dict[str, Any]
    metrics: dict[str, dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "project": self.project, "name": self.name, "group": self.group,
            "tags": self.tags, "notes": self.notes, "config": self.config,
            "summary": self.summary, "status": self.status.value,
            "created_at": self.created_at, "updated_at": self.updated_at,
            "heartbeat_at": self.heartbeat_at, "last_step": self.last_step,
            "color": self.color, "metadata": self.metadata, "metrics": self.metrics,
        }


@dataclass
class RunFilter:
    status: Sequence[RunStatus] = ()
    tags: Sequence[str] = ()
    group: str | None = None
    query: str | None = None
    config_equals: Mapping[str, Any] = field(default_factory=dict)
    sort: str = "-created_at"
    limit: int = 200
    offset: int = 0

    SORTS = ("created_at", "-created_at", "name", "-name", "last_step", "-last_step")


@dataclass
class ProjectInfo:
    name: str
    run_count: int
    updated_at: float

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "run_count": self.run_count, "updated_at": self.updated_at}


@dataclass
class KeyInfo:
    key: str
    section: str
    runs: int
    last_step: int | None

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "section": self.section, "runs": self.runs,
                "last_step": self.last_step}


@dataclass
class PointBatch:
    """Points of one run in columnar form: point i is ``keys[key_index[i]]`` at
    ``steps[i]`` with ``values[i]`` logged at ``walls[i]``."""

    keys: list[str]
    key_index: IntArray
    steps: IntArray
    values: FloatArray
    walls: FloatArray

    def __len__(self) -> int:
        return int(self.steps.shape[0])

    @classmethod
    def empty(cls) -> PointBatch:
        return cls([], np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0),
                   np.zeros(0))


@dataclass(frozen=True)
class BatchId:
    """Names a batch by the byte range ``[start, end)`` of write-ahead stream ``stream``."""

    stream: str
    start: int
    end: int


@dataclass(frozen=True)
class AppendResult:
    cursor: int
    duplicate: bool


@dataclass(frozen=True)
class SeriesRef:
    run: str
    key: str
    series_id: int
    count: int
    first_step: int
    last_step: int


@dataclass
class ChunkIndex:
    """The chunks of one series overlapping a step range, in step order, without their
    point payloads. ``blocks`` concatenates their block statistics (a structured array
    of `stepscope.store.chunks.BLOCK_DTYPE`); ``block_chunk`` maps each block to its
    position in ``seqs``."""

    seqs: IntArray
    first_steps: IntArray
    last_steps: IntArray
    counts: IntArray
    blocks: np.ndarray
    block_chunk: IntArray


class Store(Protocol):
    """One interface, every engine. Methods raise `InvalidInput`, `NotFound`,
    `Conflict` or `StoreUnavailable`; nothing else escapes on purpose."""

    def close(self) -> None: ...

    def store_id(self) -> str:
        """A random id made when the store was created: the same through every path,
        URL or replica that reaches it."""
        ...

    def add_append_listener(
            self, listener: Callable[[str, str, list[str], int], None]) -> None:
        """Call ``listener(project, run_id, keys, last_step)`` after each batch this
        store object stores (not for batches other processes store)."""
        ...

    def watch_changes(self, listener: ChangeListener) -> ChangeFeed | None:
        """Tell ``listener`` what *other* store objects over the same data commit (see
        `stepscope.store.changes`), from a thread of its own, until the feed is closed.
        None when the engine cannot (then callers poll)."""
        ...

    # runs
    def list_projects(self) -> list[ProjectInfo]: ...
    def create_run(self, project: str, spec: RunSpec) -> tuple[RunRecord, bool]:
        """Create or resume; returns the run and whether it was created."""
        ...
    def get_run(self, project: str, run_id: str) -> RunRecord: ...
    def update_run(self, project: str, run_id: str, patch: RunPatch) -> RunRecord:
        """Change a run. A heartbeat (``patch.heartbeat_at`` without a status) returns a
        run marked ``crashed`` to ``running``: its client was only silent for a while."""
        ...
    def crash_stale_runs(self, heartbeat_before: float) -> list[RunRecord]:
        """Mark ``crashed`` every ``running`` run whose last sign of life (heartbeat or
        stored batch) is older than ``heartbeat_before``, and return them. One conditional
        UPDATE: when several servers run this at once, each run is returned by one."""
        ...
    def list_runs(self, project: str, flt: RunFilter) -> tuple[list[RunRecord], int]: ...
    def list_keys(self, project: str, runs: Sequence[str] | None = None) -> list[KeyInfo]: ...

    # points
    def append_batch(self, project: str, run_id: str, batch: PointBatch,
                     batch_id: BatchId | None = None) -> AppendResult: ...
    def ingest_cursor(self, project: str, run_id: str, stream: str) -> int: ...
    def resolve_series(self, project: str, runs: Sequence[str],
                       keys: Sequence[str]) -> list[SeriesRef]:
        """The series that exist among runs x keys, in (run, key) request order."""
        ...
    def chunk_index(self, series_id: int, step_lo: int | None,
                    step_hi: int | None) -> ChunkIndex: ...
    def chunk_payloads(self, series_id: int, seqs: Sequence[int]) -> list[bytes]:
        """Encoded payloads of the given chunks, in the order asked."""
        ...

    def list_alerts(self, project: str, run_id: str | None = None, after_id: int = 0,
                    limit: int = 200) -> list[tuple[int, AlertRecord]]:
        """Alerts of a project (or one run) with a store sequence number above
        ``after_id``, oldest first, as ``(sequence, alert)`` pairs."""
        ...

    # API keys (`stepscope.store.api_keys`)
    def create_api_key(self, project: str, scope: str,
                       name: str | None = None) -> tuple[ApiKey, str]:
        """A new key for ``project`` (or ``*``) with ``scope``; returns it and its secret
        text, which is shown this once: only its hash is stored."""
        ...
    def list_api_keys(self, project: str | None = None) -> list[ApiKey]:
        """Keys (revoked ones included, secrets never), oldest first."""
        ...
    def revoke_api_key(self, key_id: str) -> ApiKey: ...
    def find_api_key(self, token: str) -> ApiKey | None:
        """The unrevoked key whose text is ``token``, else None."""
        ...

    # dashboard state
    def get_workspace(self, project: str) -> tuple[dict[str, Any], int]: ...
    def put_workspace(self, project: str, state: dict[str, Any], version: int) -> int: ...
