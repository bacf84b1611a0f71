"""The store logic both SQL engines share: runs, chunked series, cursors, workspaces.

An engine subclass supplies connections (`_transaction`, `_reading`), its placeholder
style and its row-lock clause; every query here is written once with ``?`` placeholders.
"""

from __future__ import annotations

import json
import math
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import Any

import numpy as np

from stepscope.errors import Conflict, InvalidInput, NotFound
from stepscope.store.alerts import AlertRecord, check_alert
from stepscope.store.api_keys import SqlApiKeys
from stepscope.store.base import (
    RESUME_POLICIES,
    AppendResult,
    BatchId,
    ChunkIndex,
    KeyInfo,
    PointBatch,
    ProjectInfo,
    RunFilter,
    RunPatch,
    RunRecord,
    RunSpec,
    SeriesRef,
    check_color,
    check_project,
    check_run_id,
    to_json_text,
)
from stepscope.store.batches import KeyPoints, check_step_jump, split_by_key
from stepscope.store.changes import ALERTS, POINTS, RUN, Change, ChangeFeed, ChangeListener
from stepscope.store.chunks import BLOCK_DTYPE, CHUNK_POINTS, decode_chunk, encode_chunk
from stepscope.store.run_ids import new_run_id
from stepscope.store.text import check_text
from stepscope.types import RunStatus, section_of

Cursor = Any
AppendListener = Callable[[str, str, list[str], int], None]

_RUN_COLUMNS = ", ".join(f"r.{c}" for c in (
    "pk", "run_id", "name", "run_group", "tags", "notes", "config", "summary", "auto_summary",
    "metrics", "metadata", "status", "created_at", "updated_at", "heartbeat_at", "last_step",
    "color"))
_SUMMARY_KINDS = ("min", "max", "mean", "last", "none")


def _real(value: float) -> float | None:
    return value if math.isfinite(value) else None


class SqlStore(SqlApiKeys, ABC):
    """`Store` over a DB-API connection. Subclasses decide how connections are made."""

    lock_clause = ""

    def __init__(self) -> None:
        # series_id -> (open_seq, steps, values, walls) of the unsealed tail chunk, so
        # that appending to it does not decode it again; checked against the row.
        self._tails: dict[int, tuple[int, np.ndarray, np.ndarray, np.ndarray]] = {}
        self._listeners: list[AppendListener] = []
        self._store_id: str | None = None

    @abstractmethod
    def _transaction(self) -> AbstractContextManager[Cursor]:
        """A cursor inside a write transaction that commits on success."""

    @abstractmethod
    def _reading(self) -> AbstractContextManager[Cursor]:
        """A cursor for reads (a consistent snapshot is not required)."""

    def add_append_listener(self, listener: AppendListener) -> None:
        """Call ``listener(project, run_id, keys, last_step)`` after each stored batch."""
        self._listeners.append(listener)

    def watch_changes(self, listener: ChangeListener) -> ChangeFeed | None:
        return None  # an engine with a channel between processes overrides both

    def _announce(self, cur: Cursor, change: Change) -> None:
        """Tell other store objects about ``change`` when this transaction commits."""

    def store_id(self) -> str:
        if self._store_id is None:
            with self._reading() as cur:
                cur.execute("SELECT id FROM store_identity")
                self._store_id = str(cur.fetchone()[0])
        return self._store_id

    # -- projects and runs -------------------------------------------------------------

    def list_projects(self) -> list[ProjectInfo]:
        with self._reading() as cur:
            cur.execute("SELECT p.name, COUNT(r.pk), p.updated_at FROM projects p "
                        "LEFT JOIN runs r ON r.project_id = p.id GROUP BY p.id, p.name, "
                        "p.updated_at ORDER BY p.updated_at DESC")
            return [ProjectInfo(name, count, updated) for name, count, updated in cur.fetchall()]

    def create_run(self, project: str, spec: RunSpec) -> tuple[RunRecord, bool]:
        check_project(project)
        if spec.resume not in RESUME_POLICIES:
            raise InvalidInput(f"resume must be one of {', '.join(RESUME_POLICIES)}, "
                               f"not {spec.resume!r}", field="resume")
        run_id = check_run_id(spec.id) if spec.id is not None else new_run_id()
        tags = _check_tags(spec.tags)
        config = to_json_text(spec.config, "config")
        metadata = to_json_text(spec.metadata, "metadata")
        now = time.time()
        with self._transaction() as cur:
            project_id = self._project_id(cur, project, create=True)
            cur.execute(f"SELECT pk, status FROM runs WHERE project_id = ? AND run_id = ?"
                        f"{self.lock_clause}", (project_id, run_id))
            row = cur.fetchone()
            if row is not None:
                if spec.resume == "never":
                    raise Conflict(f"run {run_id!r} already exists in project {project!r}",
                                   field="id")
                cur.execute("UPDATE runs SET status = ?, updated_at = ?, heartbeat_at = ? "
                            "WHERE pk = ?", (RunStatus.RUNNING.value, now, now, row[0]))
                created = False
            else:
                if spec.resume == "must":
                    raise NotFound(f"run {run_id!r} does not exist in project {project!r} "
                                   "(resume='must')")
                cur.execute(
                    "INSERT INTO runs (project_id, run_id, name, run_group, tags, notes, "
                    "config, metadata, status, created_at, updated_at, heartbeat_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (project_id, run_id, check_text(spec.name, "name") or run_id,
                     check_text(spec.group, "group"), json.dumps(tags),
                     check_text(spec.notes, "notes"), config, metadata,
                     RunStatus.RUNNING.value, now, now, now))
                created = True
            cur.execute("UPDATE projects SET updated_at = ? WHERE id = ?", (now, project_id))
            record = self._fetch_run(cur, project, run_id)
            self._announce(cur, Change(RUN, project, run_id))
        return record, created

    def get_run(self, project: str, run_id: str) -> RunRecord:
        with self._reading() as cur:
            return self._fetch_run(cur, project, run_id)

    def update_run(self, project: str, run_id: str, patch: RunPatch) -> RunRecord:
        sets: list[str] = []
        params: list[Any] = []

        def put(column: str, value: Any) -> None:
            sets.append(f"{column} = ?")
            params.append(value)

        if patch.name is not None:
            if not patch.name.strip() or len(patch.name) > 256:
                raise InvalidInput("name must be 1-256 characters", field="name")
            put("name", check_text(patch.name, "name"))
        if patch.group is not None:
            put("run_group", check_text(patch.group, "group"))
        if patch.tags is not None:
            put("tags", json.dumps(_check_tags(patch.tags)))
        if patch.notes is not None:
            put("notes", check_text(patch.notes, "notes"))
        if patch.color is not None or patch.clear_color:
            put("color", None if patch.clear_color else check_color(patch.color))
        if patch.config is not None:
            put("config", to_json_text(patch.config, "config"))
        if patch.summary is not None:
            put("summary", to_json_text(patch.summary, "summary"))
        if patch.metrics is not None:
            put("metrics", to_json_text(_check_metrics(patch.metrics), "metrics"))
        if patch.status is not None:
            put("status", RunStatus(patch.status).value)
        if patch.heartbeat_at is not None:
            put("heartbeat_at", patch.heartbeat_at)
            if patch.status is None:  # a run thought dead is alive after all
                sets.append("status = CASE WHEN status = ? THEN ? ELSE status END")
                params.extend((RunStatus.CRASHED.value, RunStatus.RUNNING.value))
        put("updated_at", time.time())
        alerts = [check_alert(a) for a in patch.alerts or ()]
        # A heartbeat alone changes nothing a viewer sees (unless it revives the run):
        # other servers are not told of the two a second every live run sends.
        heartbeat_only = patch.heartbeat_at is not None and not alerts \
            and not patch.clear_color and all(value is None for value in (
                patch.name, patch.group, patch.tags, patch.notes, patch.color, patch.config,
                patch.summary, patch.metrics, patch.status))
        with self._transaction() as cur:
            cur.execute("SELECT r.pk, r.status FROM runs r JOIN projects p "
                        "ON p.id = r.project_id WHERE p.name = ? AND r.run_id = ?",
                        (project, run_id))
            found = cur.fetchone()
            if found is None:
                raise NotFound(f"run {run_id!r} does not exist in project {project!r}")
            pk = int(found[0])
            cur.execute(f"UPDATE runs SET {', '.join(sets)} WHERE pk = ?", (*params, pk))
            for alert in alerts:
                cur.execute("INSERT INTO alerts (run_pk, alert_id, level, title, text, step, "
                            "metric, source, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                            "ON CONFLICT (run_pk, alert_id) DO NOTHING",
                            (pk, alert["id"], alert["level"], alert["title"], alert["text"],
                             alert["step"], alert["metric"], alert["source"],
                             alert["created_at"]))
            if not heartbeat_only or found[1] == RunStatus.CRASHED.value:
                self._announce(cur, Change(RUN, project, run_id))
            if alerts:
                self._announce(cur, Change(ALERTS, project, run_id))
            return self._fetch_run(cur, project, run_id)

    def crash_stale_runs(self, heartbeat_before: float) -> list[RunRecord]:
        # The status test in the WHERE clause is what makes concurrent servers safe: a
        # second UPDATE of the same row waits for the first and then no longer matches.
        with self._transaction() as cur:
            cur.execute("UPDATE runs SET status = ?, updated_at = ? WHERE status = ? "
                        "AND COALESCE(heartbeat_at, updated_at) < ? RETURNING pk",
                        (RunStatus.CRASHED.value, time.time(), RunStatus.RUNNING.value,
                         heartbeat_before))
            pks = [int(row[0]) for row in cur.fetchall()]
            if not pks:
                return []
            cur.execute(f"SELECT {_RUN_COLUMNS}, p.name FROM runs r JOIN projects p "
                        f"ON p.id = r.project_id WHERE r.pk IN ({', '.join('?' * len(pks))}) "
                        "ORDER BY r.pk", pks)
            records = [_run_from_row(row[-1], row[:-1]) for row in cur.fetchall()]
            for record in records:
                self._announce(cur, Change(RUN, record.project, record.id))
            return records

    def list_alerts(self, project: str, run_id: str | None = None, after_id: int = 0,
                    limit: int = 200) -> list[tuple[int, AlertRecord]]:
        if not 1 <= limit <= 1000:
            raise InvalidInput("limit must be 1-1000", field="limit")
        sql = ("SELECT a.id, r.run_id, a.alert_id, a.level, a.title, a.text, a.step, "
               "a.metric, a.source, a.created_at FROM alerts a JOIN runs r ON r.pk = a.run_pk "
               "JOIN projects p ON p.id = r.project_id WHERE p.name = ? AND a.id > ?")
        params: list[Any] = [project, after_id]
        if run_id is not None:
            sql += " AND r.run_id = ?"
            params.append(run_id)
        with self._reading() as cur:
            cur.execute(sql + " ORDER BY a.id LIMIT ?", (*params, limit))
            rows = cur.fetchall()
        return [(int(row[0]), AlertRecord(project, *row[1:])) for row in rows]

    def list_runs(self, project: str, flt: RunFilter) -> tuple[list[RunRecord], int]:
        if flt.sort not in RunFilter.SORTS:
            raise InvalidInput(f"sort must be one of {', '.join(RunFilter.SORTS)}", field="sort")
        if not 1 <= flt.limit <= 1000 or flt.offset < 0:
            raise InvalidInput("limit must be 1-1000 and offset >= 0", field="limit")
        with self._reading() as cur:
            cur.execute(f"SELECT {_RUN_COLUMNS} FROM runs r JOIN projects p "
                        "ON p.id = r.project_id WHERE p.name = ?", (project,))
            runs = [_run_from_row(project, row) for row in cur.fetchall()]
        statuses = {RunStatus(s) for s in flt.status}
        needle = flt.query.lower() if flt.query else None
        kept = [
            r for r in runs
            if (not statuses or r.status in statuses)
            and all(t in r.tags for t in flt.tags)
            and (flt.group is None or r.group == flt.group)
            and (needle is None or needle in r.name.lower() or needle in r.id.lower())
            and all(_config_matches(r.config.get(k), v) for k, v in flt.config_equals.items())
        ]
        field_name = flt.sort.lstrip("-")
        kept.sort(key=lambda r: (r.created_at, r.id))  # stable tie-break by creation
        if field_name != "created_at":
            kept.sort(key=lambda r: (getattr(r, field_name) is None, getattr(r, field_name)
                                     if getattr(r, field_name) is not None else 0))
        if flt.sort.startswith("-"):
            kept.reverse()
        return kept[flt.offset:flt.offset + flt.limit], len(kept)

    def list_keys(self, project: str, runs: Sequence[str] | None = None) -> list[KeyInfo]:
        sql = ("SELECT s.key, COUNT(*), MAX(s.last_step), MIN(s.id) FROM series s "
               "JOIN runs r ON r.pk = s.run_pk JOIN projects p ON p.id = r.project_id "
               "WHERE p.name = ?")
        params: list[Any] = [project]
        if runs:
            sql += f" AND r.run_id IN ({', '.join('?' * len(runs))})"
            params.extend(runs)
        with self._reading() as cur:
            cur.execute(sql + " GROUP BY s.key", params)
            rows = cur.fetchall()
        # Sections in order of first appearance, keys sorted within a section.
        first_seen: dict[str, int] = {}
        for key, _, _, _first_id in sorted(rows, key=lambda r: r[3]):
            first_seen.setdefault(section_of(key), len(first_seen))
        rows.sort(key=lambda r: (first_seen[section_of(r[0])], r[0]))
        return [KeyInfo(key, section_of(key), count, last) for key, count, last, _ in rows]

    # -- points ------------------------------------------------------------------------

    def ingest_cursor(self, project: str, run_id: str, stream: str) -> int:
        with self._reading() as cur:
            pk = self._run_pk(cur, project, run_id)
            cur.execute("SELECT cursor FROM ingest_cursors WHERE run_pk = ? AND stream = ?",
                        (pk, stream))
            row = cur.fetchone()
            return int(row[0]) if row else 0

    def append_batch(self, project: str, run_id: str, batch: PointBatch,
                     batch_id: BatchId | None = None) -> AppendResult:
        groups = split_by_key(batch)
        if batch_id is not None and not 0 <= batch_id.start <= batch_id.end:
            raise InvalidInput("batch range must satisfy 0 <= start <= end", field="start")
        try:
            return self._append_locked(project, run_id, groups, batch_id)
        except BaseException:
            # The tail cache may hold points of the transaction that just rolled back.
            self._tails.clear()
            raise

    def _append_locked(self, project: str, run_id: str, groups: list[KeyPoints],
                       batch_id: BatchId | None) -> AppendResult:
        with self._transaction() as cur:
            cur.execute(f"SELECT r.pk, r.metrics, r.auto_summary, r.last_step FROM runs r "
                        f"JOIN projects p ON p.id = r.project_id WHERE p.name = ? "
                        f"AND r.run_id = ?{self.lock_clause}", (project, run_id))
            row = cur.fetchone()
            if row is None:
                raise NotFound(f"run {run_id!r} does not exist in project {project!r}")
            pk, metrics, auto_summary = row[0], json.loads(row[1]), json.loads(row[2])
            cursor = 0
            if batch_id is not None:
                cur.execute("SELECT cursor FROM ingest_cursors WHERE run_pk = ? AND stream = ?",
                            (pk, batch_id.stream))
                found = cur.fetchone()
                cursor = int(found[0]) if found else 0
                if batch_id.end <= cursor and found is not None:
                    return AppendResult(cursor, duplicate=True)
                if batch_id.start != cursor:
                    raise Conflict(f"batch starts at {batch_id.start} but the stream's "
                                   f"cursor is {cursor}", field="start", cursor=cursor)
            check_step_jump(groups, row[3])
            last_step = self._append_groups(cur, pk, groups, metrics, auto_summary)
            if groups:
                # A stored batch is a sign of life too (clients other than the SDK may
                # never send a heartbeat).
                now = time.time()
                cur.execute("UPDATE runs SET auto_summary = ?, updated_at = ?, "
                            "heartbeat_at = ?, "
                            "status = CASE WHEN status = ? THEN ? ELSE status END, "
                            "last_step = CASE WHEN last_step IS NULL OR last_step < ? "
                            "THEN ? ELSE last_step END WHERE pk = ?",
                            (to_json_text(auto_summary, "summary"), now, now,
                             RunStatus.CRASHED.value, RunStatus.RUNNING.value, last_step,
                             last_step, pk))
            if groups:
                self._announce(cur, Change(POINTS, project, run_id, [g.key for g in groups],
                                           last_step))
            if batch_id is not None:
                cursor = batch_id.end
                cur.execute("INSERT INTO ingest_cursors (run_pk, stream, cursor) "
                            "VALUES (?, ?, ?) ON CONFLICT (run_pk, stream) "
                            "DO UPDATE SET cursor = excluded.cursor",
                            (pk, batch_id.stream, cursor))
        if groups:
            keys = [g.key for g in groups]
            for listener in self._listeners:
                listener(project, run_id, keys, last_step)
        return AppendResult(cursor, duplicate=False)

    def _append_groups(self, cur: Cursor, pk: int, groups: list[KeyPoints],
                       metrics: dict[str, Any], auto_summary: dict[str, Any]) -> int:
        # The tail chunk's stored count comes along, to check the cached tail against it
        # without one more query per series (a round trip each on a client/server engine).
        cur.execute("SELECT s.key, s.id, s.count, s.first_step, s.last_step, s.vmin, s.vmax, "
                    "s.vsum, s.nonfinite, s.last_value, s.next_seq, s.open_seq, c.count "
                    "FROM series s LEFT JOIN chunks c ON c.series_id = s.id "
                    "AND c.seq = s.open_seq WHERE s.run_pk = ?", (pk,))
        existing = {row[0]: row[1:] for row in cur.fetchall()}
        last_step = -1
        for group in groups:
            row = existing.get(group.key)
            if row is not None and int(group.steps[0]) < row[3]:
                raise InvalidInput(
                    f"step {int(group.steps[0])} of {group.key!r} is before its last stored "
                    f"step {row[3]}", field="step")
            stats = self._append_series(cur, pk, group, row)
            last_step = max(last_step, int(group.steps[-1]))
            kind = metrics.get(group.key, {}).get("summary", "last")
            if kind != "none":
                auto_summary[group.key] = _summary_value(kind, stats)
        return last_step

    def _append_series(self, cur: Cursor, pk: int, group: KeyPoints,
                       row: tuple[Any, ...] | None) -> dict[str, Any]:
        steps, values, walls = group.steps, group.values, group.walls
        if row is None:
            cur.execute("INSERT INTO series (run_pk, key, count, first_step, last_step, vsum, "
                        "nonfinite, next_seq) VALUES (?, ?, 0, ?, ?, 0, 0, 0) RETURNING id",
                        (pk, group.key, int(steps[0]), int(steps[0])))
            series_id = int(cur.fetchone()[0])
            count, first, vmin, vmax, vsum, nonfinite, next_seq, open_seq, tail_count = (
                0, int(steps[0]), None, None, 0.0, 0, 0, None, None)
        else:
            (series_id, count, first, _, vmin, vmax, vsum, nonfinite, _, next_seq,
             open_seq, tail_count) = row
        if open_seq is not None:
            tail = self._tail(cur, series_id, open_seq, tail_count)
            steps = np.concatenate((tail[0], steps))
            values = np.concatenate((tail[1], values))
            walls = np.concatenate((tail[2], walls))
            cur.execute("DELETE FROM chunks WHERE series_id = ? AND seq = ?",
                        (series_id, open_seq))
        else:
            open_seq = next_seq
            next_seq += 1
        new_open: int | None = None
        for start in range(0, int(steps.shape[0]), CHUNK_POINTS):
            seq = open_seq if start == 0 else next_seq
            if start != 0:
                next_seq += 1
            end = start + CHUNK_POINTS
            chunk = encode_chunk(steps[start:end], values[start:end], walls[start:end])
            cur.execute("INSERT INTO chunks (series_id, seq, first_step, last_step, count, "
                        "blocks, payload) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (series_id, seq, chunk.first_step, chunk.last_step, chunk.count,
                         chunk.blocks, chunk.payload))
            if chunk.count < CHUNK_POINTS:
                new_open = seq
                # Copies: a slice would keep the whole batch's arrays alive for as long
                # as the tail stays cached (24 MB per series after a 1M-point append).
                self._tails[series_id] = (seq, steps[start:end].copy(),
                                          values[start:end].copy(), walls[start:end].copy())
        if new_open is None:
            self._tails.pop(series_id, None)
        new = group.values
        finite = new[np.isfinite(new)]
        count += int(new.shape[0])
        nonfinite += int(new.shape[0] - finite.shape[0])
        if finite.size:
            vmin = float(finite.min()) if vmin is None else min(vmin, float(finite.min()))
            vmax = float(finite.max()) if vmax is None else max(vmax, float(finite.max()))
            vsum += float(finite.sum())
        last_value = float(new[-1])
        cur.execute("UPDATE series SET count = ?, last_step = ?, vmin = ?, vmax = ?, vsum = ?, "
                    "nonfinite = ?, last_value = ?, next_seq = ?, open_seq = ? WHERE id = ?",
                    (count, int(group.steps[-1]), vmin, vmax, vsum, nonfinite,
                     _real(last_value), next_seq, new_open, series_id))
        return {"count": count - nonfinite, "min": vmin, "max": vmax, "sum": vsum,
                "last": last_value}

    def _tail(self, cur: Cursor, series_id: int, seq: int,
              stored_count: int | None) -> tuple[np.ndarray, ...]:
        cached = self._tails.get(series_id)
        if cached is not None and cached[0] == seq and stored_count == cached[1].shape[0]:
            return cached[1:]
        cur.execute("SELECT payload FROM chunks WHERE series_id = ? AND seq = ?",
                    (series_id, seq))
        return decode_chunk(bytes(cur.fetchone()[0]))

    def resolve_series(self, project: str, runs: Sequence[str],
                       keys: Sequence[str]) -> list[SeriesRef]:
        if not runs or not keys:
            return []
        with self._reading() as cur:
            cur.execute(
                "SELECT r.run_id, s.key, s.id, s.count, s.first_step, s.last_step FROM series s "
                "JOIN runs r ON r.pk = s.run_pk JOIN projects p ON p.id = r.project_id "
                f"WHERE p.name = ? AND r.run_id IN ({', '.join('?' * len(runs))}) "
                f"AND s.key IN ({', '.join('?' * len(keys))})", (project, *runs, *keys))
            found = {(row[0], row[1]): SeriesRef(*row) for row in cur.fetchall()}
        return [found[(r, k)] for r in runs for k in keys if (r, k) in found]

    def chunk_index(self, series_id: int, step_lo: int | None,
                    step_hi: int | None) -> ChunkIndex:
        lo = -1 if step_lo is None else step_lo
        hi = 2**63 - 1 if step_hi is None else step_hi
        with self._reading() as cur:
            cur.execute("SELECT seq, first_step, last_step, count, blocks FROM chunks "
                        "WHERE series_id = ? AND last_step >= ? AND first_step <= ? "
                        "ORDER BY first_step, seq", (series_id, lo, hi))
            rows = cur.fetchall()
        # One join and one frombuffer: concatenating many small structured arrays costs
        # more than the query itself.
        raw = [bytes(r[4]) for r in rows]
        return ChunkIndex(
            seqs=np.array([r[0] for r in rows], np.int64),
            first_steps=np.array([r[1] for r in rows], np.int64),
            last_steps=np.array([r[2] for r in rows], np.int64),
            counts=np.array([r[3] for r in rows], np.int64),
            blocks=np.frombuffer(bytearray(b"".join(raw)), BLOCK_DTYPE),
            block_chunk=np.repeat(np.arange(len(rows)),
                                  [len(b) // BLOCK_DTYPE.itemsize for b in raw]),
        )

    def chunk_payloads(self, series_id: int, seqs: Sequence[int]) -> list[bytes]:
        seqs = [int(s) for s in seqs]  # numpy integers would bind as blobs
        if not seqs:
            return []
        with self._reading() as cur:
            cur.execute(f"SELECT seq, payload FROM chunks WHERE series_id = ? AND seq IN "
                        f"({', '.join('?' * len(seqs))})", (series_id, *seqs))
            found = {int(seq): bytes(payload) for seq, payload in cur.fetchall()}
        return [found[s] for s in seqs if s in found]

    # -- workspace ---------------------------------------------------------------------

    def get_workspace(self, project: str) -> tuple[dict[str, Any], int]:
        with self._reading() as cur:
            cur.execute("SELECT w.state, w.version FROM workspaces w JOIN projects p "
                        "ON p.id = w.project_id WHERE p.name = ?", (project,))
            row = cur.fetchone()
        return (json.loads(row[0]), int(row[1])) if row else ({}, 0)

    def put_workspace(self, project: str, state: dict[str, Any], version: int) -> int:
        if not isinstance(state, dict):
            raise InvalidInput("workspace state must be a JSON object", field="state")
        text = to_json_text(state, "state")
        with self._transaction() as cur:
            project_id = self._project_id(cur, project, create=False)
            cur.execute(f"SELECT version FROM workspaces WHERE project_id = ?{self.lock_clause}",
                        (project_id,))
            row = cur.fetchone()
            stored = int(row[0]) if row else 0
            if stored != version:
                raise Conflict(f"workspace version is {stored}, not {version}",
                               field="version")
            cur.execute("INSERT INTO workspaces (project_id, state, version) VALUES (?, ?, ?) "
                        "ON CONFLICT (project_id) DO UPDATE SET state = excluded.state, "
                        "version = excluded.version", (project_id, text, version + 1))
        return version + 1

    # -- helpers -----------------------------------------------------------------------

    def _project_id(self, cur: Cursor, project: str, *, create: bool) -> int:
        # Locked: run creation and workspace saves in one project take turns, so two
        # replicas cannot both create the same run id or both save workspace version n.
        cur.execute(f"SELECT id FROM projects WHERE name = ?{self.lock_clause}", (project,))
        row = cur.fetchone()
        if row is not None:
            return int(row[0])
        if not create:
            raise NotFound(f"project {project!r} does not exist")
        now = time.time()
        # An upsert, because another replica may create the same project concurrently.
        cur.execute("INSERT INTO projects (name, created_at, updated_at) VALUES (?, ?, ?) "
                    "ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING id",
                    (check_project(project), now, now))
        return int(cur.fetchone()[0])

    def _run_pk(self, cur: Cursor, project: str, run_id: str) -> int:
        cur.execute("SELECT r.pk FROM runs r JOIN projects p ON p.id = r.project_id "
                    "WHERE p.name = ? AND r.run_id = ?", (project, run_id))
        row = cur.fetchone()
        if row is None:
            raise NotFound(f"run {run_id!r} does not exist in project {project!r}")
        return int(row[0])

    def _fetch_run(self, cur: Cursor, project: str, run_id: str) -> RunRecord:
        cur.execute(f"SELECT {_RUN_COLUMNS} FROM runs r JOIN projects p "
                    "ON p.id = r.project_id WHERE p.name = ? AND r.run_id = ?",
                    (project, run_id))
        row = cur.fetchone()
        if row is None:
            raise NotFound(f"run {run_id!r} does not exist in project {project!r}")
        return _run_from_row(project, row)


def _run_from_row(project: str, row: Sequence[Any]) -> RunRecord:
    (_, run_id, name, group, tags, notes, config, summary, auto_summary, metrics, metadata,
     status, created, updated, heartbeat, last_step, color) = row
    merged = json.loads(auto_summary)
    merged.update(json.loads(summary))
    return RunRecord(
        project=project, id=run_id, name=name, group=group, tags=json.loads(tags),
        notes=notes, config=json.loads(config), summary=merged, status=RunStatus(status),
        created_at=created, updated_at=updated, heartbeat_at=heartbeat, last_step=last_step,
        color=color, metadata=json.loads(metadata), metrics=json.loads(metrics))


def _summary_value(kind: str, stats: dict[str, Any]) -> float | None:
    if kind == "last":
        return _real(stats["last"])
    if kind == "mean":
        return stats["sum"] / stats["count"] if stats["count"] else None
    value = stats[kind]
    return None if value is None else float(value)


def _check_tags(tags: object) -> list[str]:
    if not isinstance(tags, (list, tuple)) or not all(
            isinstance(t, str) and 0 < len(t) <= 128 for t in tags):
        raise InvalidInput("tags must be a list of 1-128 character strings", field="tags")
    return list(dict.fromkeys(tags))


def _check_metrics(metrics: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    for key, spec in metrics.items():
        summary = spec.get("summary", "last")
        if summary not in _SUMMARY_KINDS:
            raise InvalidInput(f"summary of {key!r} must be one of "
                               f"{', '.join(_SUMMARY_KINDS)}", field="metrics")
        if spec.get("goal") not in (None, "minimize", "maximize"):
            raise InvalidInput(f"goal of {key!r} must be 'minimize' or 'maximize'",
                               field="metrics")
    return metrics


def _config_matches(actual: object, wanted: object) -> bool:
    if actual == wanted:
        return True
    return isinstance(wanted, str) and json.dumps(actual) == wanted or str(actual) == wanted

