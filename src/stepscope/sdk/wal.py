"""The per-run write-ahead log (WAL): memory-mapped segment files that ``log()`` appends
to without a system call, and that the kernel keeps when the process is killed.

Layout of a segment file (little-endian):

- a 4096-byte header: ``b"SSWAL001"``, a u32 length and that many bytes of JSON naming
  the project, run id, stream id and segment number;
- records, each 8-byte aligned: a u64 word ``payload_length | type << 32`` followed by the
  payload. The payload is written first and the word last, so a reader that sees a
  non-zero word sees a complete record; a zero word ends the written part.

Record types: KEY (u32 key id, UTF-8 name), POINTS (i64 step, f64 wall time, n x u32 key
id, padding to 8, n x f64 value), META (JSON: config, summary, metric definitions),
END (the writer moved to the next segment). Every segment starts by repeating the KEY
records known so far, so a reader may start at any segment.

Positions in a stream are ``segment * segment_bytes + offset``; a batch folded into a
store is named by the stream and its ``[start, end)`` positions (see `BatchId`).
"""

from __future__ import annotations

import fcntl
import json
import mmap
import os
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from stepscope.errors import StoreUnavailable
from stepscope.store.base import PointBatch

MAGIC = b"SSWAL001"
HEADER_BYTES = 4096
KEY, POINTS, META, END = 1, 2, 3, 4
_WORD = struct.Struct("<Q")
_KEY_ID = struct.Struct("<I")
_READ_WINDOW = 8 << 20


def segment_path(run_dir: Path, stream: str, segment: int) -> Path:
    return run_dir / f"{stream}-{segment:06d}.wal"


def _padded(length: int) -> int:
    return (length + 7) & ~7


class WalWriter:
    """Appends records to a run's stream. Not thread-safe: the `Run` serializes calls.

    Before it creates a segment it calls ``room(segment)``, which may block until the
    folder has caught up: that is how the owner bounds the files not yet folded.
    """

    def __init__(self, run_dir: Path, header: dict[str, Any], stream: str,
                 segment_bytes: int, room: Callable[[int], None] | None = None) -> None:
        self.run_dir = run_dir
        self._room = room
        self.stream = stream
        self.segment_bytes = segment_bytes
        self._header = header
        self._keys: list[bytes] = []
        self._structs: dict[int, struct.Struct] = {}
        self.segment = -1
        self._mm: mmap.mmap | None = None
        self._open_segment(0)

    @property
    def position(self) -> int:
        return self.segment * self.segment_bytes + self.offset

    def _open_segment(self, segment: int) -> None:
        path = segment_path(self.run_dir, self.stream, segment)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            # Reserve the blocks now: writing into a sparse mapping on a full disk
            # would kill the process with SIGBUS instead of raising.
            os.posix_fallocate(fd, 0, self.segment_bytes)
            mm = mmap.mmap(fd, self.segment_bytes)
        except OSError as exc:
            os.close(fd)
            path.unlink(missing_ok=True)
            raise StoreUnavailable(
                f"cannot extend the write-ahead log in {str(self.run_dir)!r}: "
                f"{exc.strerror or exc}") from exc
        os.close(fd)
        head = json.dumps({**self._header, "stream": self.stream,
                           "segment": segment}).encode()
        mm[:8] = MAGIC
        mm[8:12] = _KEY_ID.pack(len(head))
        mm[12:12 + len(head)] = head
        if self._mm is not None:
            self._mm.close()
        self._mm, self.segment, self.offset = mm, segment, HEADER_BYTES
        for key_id, name in enumerate(self._keys):
            self._append(KEY, _KEY_ID.pack(key_id) + name)

    def _append(self, kind: int, payload: bytes) -> None:
        size = 8 + _padded(len(payload))
        if self.offset + size + 8 > self.segment_bytes:
            self._rotate()
        mm = self._mm
        assert mm is not None
        mm[self.offset + 8:self.offset + 8 + len(payload)] = payload
        _WORD.pack_into(mm, self.offset, len(payload) | kind << 32)
        self.offset += size

    def _rotate(self) -> None:
        assert self._mm is not None
        _WORD.pack_into(self._mm, self.offset, END << 32)
        if self._room is not None:
            self._room(self.segment + 1)
        self._open_segment(self.segment + 1)

    def add_key(self, name: str) -> int:
        key_id = len(self._keys)
        self._keys.append(name.encode())
        self._append(KEY, _KEY_ID.pack(key_id) + self._keys[-1])
        return key_id

    def add_meta(self, meta: dict[str, Any]) -> None:
        self._append(META, json.dumps(meta, allow_nan=False).encode())

    def points_struct(self, count: int) -> struct.Struct:
        """The packer of a POINTS payload with ``count`` values (cached per count)."""
        packer = self._structs.get(count)
        if packer is None:
            pad = "4x" if count % 2 else ""
            packer = struct.Struct(f"<qd{count}I{pad}{count}d")
            self._structs[count] = packer
        return packer

    def add_points(self, packer: struct.Struct, args: tuple[Any, ...]) -> None:
        """Append one POINTS record: ``args`` is (step, wall, *key_ids, *values)."""
        size = 8 + packer.size
        offset = self.offset
        if offset + size + 8 > self.segment_bytes:
            self._rotate()
            offset = self.offset
        mm = self._mm
        try:
            packer.pack_into(mm, offset + 8, *args)  # type: ignore[arg-type]
        except BaseException:
            # A value did not pack: clear what was written, or a later record's header
            # could land on these bytes and be read before it is complete.
            mm[offset:offset + size] = bytes(size)  # type: ignore[index]
            raise
        _WORD.pack_into(mm, offset, packer.size | POINTS << 32)  # type: ignore[arg-type]
        self.offset = offset + size

    def close(self) -> None:
        if self._mm is not None:
            self._mm.close()
            self._mm = None


class _PointColumns:
    """Points gathered from POINTS records, turned into one `PointBatch` at the end."""

    def __init__(self) -> None:
        self.steps: list[np.ndarray] = []
        self.key_ids: list[np.ndarray] = []
        self.values: list[np.ndarray] = []
        self.walls: list[np.ndarray] = []

    def take(self, data: bytes, pos: int, size: int, word: int, n: int) -> int:
        """Take the run of identically-shaped POINTS records (n values each) starting
        at ``pos``; return how many records it holds."""
        run = _uniform_run(data, pos, size, word)
        if n:
            rec = np.frombuffer(data, _points_dtype(n, size), run, pos)
            self.steps.append(np.repeat(rec["step"], n))
            self.walls.append(np.repeat(rec["wall"], n))
            self.key_ids.append(rec["keys"].reshape(-1).astype(np.int64))
            self.values.append(rec["values"].reshape(-1).copy())
        return run

    def used_ids(self) -> np.ndarray:
        if not self.key_ids:
            return np.zeros(0, np.int64)
        return np.unique(np.concatenate(self.key_ids))

    def batch(self, names: dict[int, str]) -> PointBatch:
        """The gathered points, naming key ids through ``names`` (which must hold every
        id used)."""
        if not self.steps:
            return PointBatch.empty()
        all_ids = np.concatenate(self.key_ids)
        used = np.unique(all_ids)
        remap = np.zeros(int(used[-1]) + 1, np.int64)
        remap[used] = np.arange(used.shape[0])
        return PointBatch(keys=[names[int(k)] for k in used], key_index=remap[all_ids],
                          steps=np.concatenate(self.steps), values=np.concatenate(self.values),
                          walls=np.concatenate(self.walls))


@dataclass
class WalRead:
    """What a read of a stream found from its start position up to ``end``."""

    batch: PointBatch
    metas: list[dict[str, Any]] = field(default_factory=list)
    end: int = 0
    finished_segments: list[int] = field(default_factory=list)


class WalReader:
    """Reads a stream's segments with ``pread`` (which sees the writer's mapped pages).

    It keeps the key names it has seen, so a long-lived reader (the folder thread) reads
    each record once; a fresh reader (recovery) starts at the segment holding the cursor
    and relearns the keys from that segment's leading KEY records.
    """

    def __init__(self, run_dir: Path, stream: str, segment_bytes: int) -> None:
        self.run_dir = run_dir
        self.stream = stream
        self.segment_bytes = segment_bytes
        self._keys: dict[int, str] = {}

    def read(self, start: int, max_points: int = 1 << 22) -> WalRead:
        """Records from position ``start`` on, up to about ``max_points`` points."""
        points = _PointColumns()
        out = WalRead(PointBatch.empty(), end=start)
        segment, offset = divmod(start, self.segment_bytes)
        if offset < HEADER_BYTES:
            offset = HEADER_BYTES
        total = 0
        while total < max_points:
            path = segment_path(self.run_dir, self.stream, segment)
            try:
                fd = os.open(path, os.O_RDONLY)
            except FileNotFoundError:
                break
            try:
                if offset > HEADER_BYTES and not self._keys:
                    self._learn_keys(fd, offset)
                offset, ended, found = self._read_segment(fd, offset, max_points - total,
                                                          points, out)
                total += found
            finally:
                os.close(fd)
            out.end = segment * self.segment_bytes + offset
            if not ended:
                break
            out.finished_segments.append(segment)
            segment, offset = segment + 1, HEADER_BYTES
            out.end = segment * self.segment_bytes + offset
        out.batch = points.batch(self._keys)
        return out

    def _learn_keys(self, fd: int, stop: int) -> None:
        for kind, payload, _ in _records(fd, HEADER_BYTES, stop):
            if kind == KEY:
                self._keys[_KEY_ID.unpack_from(payload)[0]] = bytes(payload[4:]).decode()

    def _read_segment(self, fd: int, offset: int, budget: int, points: _PointColumns,
                      out: WalRead) -> tuple[int, bool, int]:
        found = 0
        while True:
            data = os.pread(fd, min(_READ_WINDOW, self.segment_bytes - offset), offset)
            pos = 0
            while pos + 8 <= len(data) and found < budget:
                word = _WORD.unpack_from(data, pos)[0]
                if word == 0:
                    return offset + pos, False, found
                length, kind = word & 0xFFFFFFFF, word >> 32
                size = 8 + _padded(length)
                if pos + size > len(data):
                    break
                if kind == POINTS:
                    n = (length - 16) // 12
                    run = points.take(data, pos, size, word, n)
                    found += run * n
                    pos += run * size
                    continue
                payload = data[pos + 8:pos + 8 + length]
                if kind == KEY:
                    self._keys[_KEY_ID.unpack_from(payload)[0]] = payload[4:].decode()
                elif kind == META:
                    out.metas.append(json.loads(payload))
                elif kind == END:
                    return offset + pos + size, True, found
                pos += size
            if found >= budget or pos == 0:
                return offset + pos, False, found
            offset += pos


def _uniform_run(data: bytes, pos: int, size: int, word: int) -> int:
    """How many consecutive records from ``pos`` have the same header word."""
    count = (len(data) - pos) // size
    words = np.ndarray((count,), "<u8", data, pos, (size,))
    mismatch = np.flatnonzero(words != word)
    return int(mismatch[0]) if mismatch.size else count


_DTYPES: dict[tuple[int, int], np.dtype[Any]] = {}


def _points_dtype(n: int, size: int) -> np.dtype[Any]:
    dtype = _DTYPES.get((n, size))
    if dtype is None:
        values_at = 24 + _padded(4 * n)
        dtype = np.dtype({"names": ["step", "wall", "keys", "values"],
                          "formats": ["<i8", "<f8", ("<u4", (n,)), ("<f8", (n,))],
                          "offsets": [8, 16, 24, values_at], "itemsize": size})
        _DTYPES[(n, size)] = dtype
    return dtype


def _records(fd: int, start: int, stop: int) -> Iterator[tuple[int, bytes, int]]:
    data = os.pread(fd, stop - start, start)
    pos = 0
    while pos + 8 <= len(data):
        word = _WORD.unpack_from(data, pos)[0]
        if word == 0:
            return
        length, kind = word & 0xFFFFFFFF, word >> 32
        yield kind, data[pos + 8:pos + 8 + length], start + pos
        pos += 8 + _padded(length)


def read_header(path: Path) -> dict[str, Any]:
    """The JSON header of a segment file (raises ValueError if it is not one)."""
    with open(path, "rb") as f:
        head = f.read(HEADER_BYTES)
    if head[:8] != MAGIC:
        raise ValueError(f"{path} is not a stepscope write-ahead log")
    length = _KEY_ID.unpack_from(head, 8)[0]
    result: dict[str, Any] = json.loads(head[12:12 + length])
    return result


def try_lock(path: Path) -> int | None:
    """Open ``path`` and take an exclusive flock without waiting. Returns the fd holding
    the lock, or None if another live process holds it. The kernel drops the lock when
    its holder dies, which is how a dead writer is told from a live one."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


# -- records as bytes: the binary ingest form (application/x-stepscope-wal) -----------
#
# A batch travels to a server as a run of WAL records: KEY records naming every key it
# uses, then POINTS records (and optionally META records). The server parses them with
# `parse_records`; nothing here touches files.


def _record_dtype(n: int) -> np.dtype[Any]:
    length = 16 + _padded(4 * n) + 8 * n
    return np.dtype({"names": ["word", "step", "wall", "keys", "values"],
                     "formats": ["<u8", "<i8", "<f8", ("<u4", (n,)), ("<f8", (n,))],
                     "offsets": [0, 8, 16, 24, 24 + _padded(4 * n)],
                     "itemsize": 8 + length})


def encode_records(batch: PointBatch) -> bytes:
    """``batch`` as WAL records: a KEY record per key (ids are positions in
    ``batch.keys``), then one POINTS record per run of points sharing a step and a
    wall time. `parse_records` reads back the same points in the same order."""
    parts = []
    for key_id, name in enumerate(batch.keys):
        payload = _KEY_ID.pack(key_id) + name.encode()
        parts.append(_WORD.pack(len(payload) | KEY << 32) + payload
                     + bytes(_padded(len(payload)) - len(payload)))
    total = len(batch)
    if total == 0:
        return b"".join(parts)
    steps, walls = batch.steps, batch.walls
    cuts = np.flatnonzero((steps[1:] != steps[:-1]) | (walls[1:] != walls[:-1])) + 1
    starts = np.concatenate(([0], cuts))
    sizes = np.diff(np.append(starts, total))
    # Records of equal size are packed together into one structured array.
    size_cuts = np.flatnonzero(sizes[1:] != sizes[:-1]) + 1
    for lo, hi in zip(np.concatenate(([0], size_cuts)), np.append(size_cuts, sizes.shape[0]),
                      strict=True):
        n, count = int(sizes[lo]), int(hi - lo)
        first = int(starts[lo])
        dtype = _record_dtype(n)
        records = np.zeros(count, dtype)
        records["word"] = (dtype.itemsize - 8) | POINTS << 32
        records["step"] = steps[starts[lo:hi]]
        records["wall"] = walls[starts[lo:hi]]
        records["keys"] = batch.key_index[first:first + n * count].reshape(count, n)
        records["values"] = batch.values[first:first + n * count].reshape(count, n)
        parts.append(records.tobytes())
    return b"".join(parts)


def parse_records(data: bytes, keys: dict[int, str]) -> tuple[PointBatch, list[dict[str, Any]]]:
    """The points and META snapshots of a run of WAL records (as `encode_records` or a
    segment file writes them), in order. ``keys`` maps key ids named by earlier records;
    KEY records in ``data`` add to a copy of it. Raises `InvalidInput` (field ``body``)
    for anything malformed: a truncated record, an unknown type, an unnamed key id."""
    from stepscope.errors import InvalidInput

    names = dict(keys)
    metas: list[dict[str, Any]] = []
    points = _PointColumns()
    pos, end = 0, len(data)

    def bad(why: str) -> InvalidInput:
        return InvalidInput(f"malformed write-ahead records at byte {pos}: {why}", field="body")

    if end % 8:
        raise bad("the body's length is not a multiple of 8")
    while pos < end:
        word = _WORD.unpack_from(data, pos)[0]
        length, kind = word & 0xFFFFFFFF, word >> 32
        size = 8 + _padded(length)
        if word == 0 or pos + size > end:
            raise bad("empty or truncated record")
        if kind == POINTS:
            n = (length - 16) // 12 if length >= 16 else -1
            if n < 0 or length != 16 + _padded(4 * n) + 8 * n:
                raise bad(f"a POINTS record of {length} bytes")
            pos += points.take(data, pos, size, word, n) * size
            continue
        payload = data[pos + 8:pos + 8 + length]
        if kind == KEY:
            if length < 4:
                raise bad("a KEY record without a key id")
            try:
                names[_KEY_ID.unpack_from(payload)[0]] = payload[4:].decode()
            except UnicodeDecodeError:
                raise bad("a key name that is not UTF-8") from None
        elif kind == META:
            try:
                meta = json.loads(payload)
            except (ValueError, RecursionError):  # nesting beyond the parser's depth
                raise bad("a META record that is not JSON") from None
            if not isinstance(meta, dict):
                raise bad("a META record that is not a JSON object")
            metas.append(meta)
        elif kind != END:
            raise bad(f"unknown record type {kind}")
        pos += size
    missing = [int(k) for k in points.used_ids() if int(k) not in names]
    if missing:
        raise InvalidInput(f"key id {missing[0]} is used before a KEY record names it",
                           field="body")
    return points.batch(names), metas
