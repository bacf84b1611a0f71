"""The chunk codec every engine shares.

A series is stored as chunks of up to `CHUNK_POINTS` points. A chunk's payload packs
its columns:

- steps: ``(first, stride)`` when the steps are evenly spaced (the common, dense case:
  zero bytes per point), else zlib-compressed int64 deltas;
- values: raw little-endian float64 (training curves are noise-dominated; compressing
  them costs CPU for a few percent);
- wall times: integer milliseconds, zlib-compressed deltas (many points share one
  ``log()`` call's time, so they compress to almost nothing).

Each chunk also carries block statistics: per `BLOCK_POINTS` consecutive points, the
first/last step, count, non-finite count, finite min/max/sum and the last value. A
downsampling query answers buckets that cover whole blocks from these alone and decodes
raw points only where a range edge cuts a block, so its cost follows the number of
buckets and chunks touched, not the length of the history.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

import numpy as np

from stepscope.types import FloatArray, IntArray

CHUNK_POINTS = 4096
BLOCK_POINTS = 128

BLOCK_DTYPE = np.dtype([
    ("first_step", "<i8"), ("last_step", "<i8"), ("count", "<i4"), ("nonfinite", "<i4"),
    ("min", "<f8"), ("max", "<f8"), ("sum", "<f8"), ("last", "<f8"),
])

_MAGIC = b"SSC1"
_HEADER = struct.Struct("<4sIBxxxqqqI")  # magic, count, step mode, first, stride, wall0, len
_STEPS_STRIDED = 1
_STEPS_DELTAS = 2


class CorruptChunk(ValueError):
    """A stored payload does not decode: the store was written by something else."""


@dataclass(frozen=True)
class EncodedChunk:
    first_step: int
    last_step: int
    count: int
    payload: bytes
    blocks: bytes
    vmin: float
    vmax: float
    vsum: float
    last_value: float
    nonfinite: int


def encode_chunk(steps: IntArray, values: FloatArray, walls: FloatArray) -> EncodedChunk:
    """Pack one chunk. Steps must be non-decreasing and all three arrays equally long."""
    count = int(steps.shape[0])
    if count == 0 or values.shape[0] != count or walls.shape[0] != count:
        raise ValueError("a chunk needs 1+ points and equal-length columns")
    steps = np.ascontiguousarray(steps, dtype="<i8")
    values = np.ascontiguousarray(values, dtype="<f8")
    first = int(steps[0])
    deltas = np.diff(steps)
    if count == 1 or bool((deltas == deltas[0]).all()):
        mode, stride, step_bytes = _STEPS_STRIDED, (int(deltas[0]) if count > 1 else 0), b""
    else:
        mode, stride, step_bytes = _STEPS_DELTAS, 0, zlib.compress(deltas.tobytes(), 1)
    wall_ms = np.round(walls * 1000.0).astype("<i8")
    wall_bytes = zlib.compress(np.diff(wall_ms).tobytes(), 1)
    header = _HEADER.pack(_MAGIC, count, mode, first, stride, int(wall_ms[0]), len(step_bytes))
    payload = b"".join((header, step_bytes, values.tobytes(), wall_bytes))
    blocks = block_stats(steps, values)
    finite_min = blocks["min"][np.isfinite(blocks["min"])]
    finite_max = blocks["max"][np.isfinite(blocks["max"])]
    return EncodedChunk(
        first_step=first, last_step=int(steps[-1]), count=count, payload=payload,
        blocks=blocks.tobytes(),
        vmin=float(finite_min.min()) if finite_min.size else float("nan"),
        vmax=float(finite_max.max()) if finite_max.size else float("nan"),
        vsum=float(blocks["sum"].sum()), last_value=float(values[-1]),
        nonfinite=int(blocks["nonfinite"].sum()),
    )


def decode_chunk(payload: bytes) -> tuple[IntArray, FloatArray, FloatArray]:
    """Unpack a payload into (steps, values, walls)."""
    try:
        magic, count, mode, first, stride, wall0, step_len = _HEADER.unpack_from(payload)
    except struct.error as exc:
        raise CorruptChunk("chunk payload is truncated") from exc
    if magic != _MAGIC:
        raise CorruptChunk("chunk payload has an unknown format")
    offset = _HEADER.size
    if mode == _STEPS_STRIDED:
        steps = first + stride * np.arange(count, dtype=np.int64)
    elif mode == _STEPS_DELTAS:
        deltas = np.frombuffer(zlib.decompress(payload[offset:offset + step_len]), "<i8")
        steps = np.empty(count, np.int64)
        steps[0] = first
        np.cumsum(deltas, out=steps[1:])
        steps[1:] += first
        offset += step_len
    else:
        raise CorruptChunk(f"chunk payload has unknown step mode {mode}")
    values = np.frombuffer(payload, "<f8", count, offset)
    offset += 8 * count
    wall_deltas = np.frombuffer(zlib.decompress(payload[offset:]), "<i8")
    wall_ms = np.empty(count, np.int64)
    wall_ms[0] = wall0
    np.cumsum(wall_deltas, out=wall_ms[1:])
    wall_ms[1:] += wall0
    return steps, values, wall_ms / 1000.0


def block_stats(steps: IntArray, values: FloatArray) -> np.ndarray:
    """Statistics per run of `BLOCK_POINTS` consecutive points (a `BLOCK_DTYPE` array)."""
    count = steps.shape[0]
    starts = np.arange(0, count, BLOCK_POINTS)
    ends = np.minimum(starts + BLOCK_POINTS, count)
    finite = np.isfinite(values)
    out = np.empty(starts.shape[0], BLOCK_DTYPE)
    out["first_step"] = steps[starts]
    out["last_step"] = steps[ends - 1]
    out["count"] = ends - starts
    out["nonfinite"] = np.add.reduceat(~finite, starts)
    with np.errstate(invalid="ignore"):
        lows = np.minimum.reduceat(np.where(finite, values, np.inf), starts)
        highs = np.maximum.reduceat(np.where(finite, values, -np.inf), starts)
    empty = out["nonfinite"] == out["count"]
    out["min"] = np.where(empty, np.nan, lows)
    out["max"] = np.where(empty, np.nan, highs)
    out["sum"] = np.add.reduceat(np.where(finite, values, 0.0), starts)
    out["last"] = values[ends - 1]
    return out


def split_into_chunks(steps: IntArray, values: FloatArray, walls: FloatArray,
                      size: int = CHUNK_POINTS) -> list[EncodedChunk]:
    """Encode a run of points as consecutive chunks of at most `size` points."""
    return [encode_chunk(steps[i:i + size], values[i:i + size], walls[i:i + size])
            for i in range(0, int(steps.shape[0]), size)]
