"""The write-ahead log: records round-trip, segments rotate, readers start anywhere."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from stepscope.sdk.wal import HEADER_BYTES, WalReader, WalWriter, read_header, segment_path

SEGMENT = 64 * 1024


def _write(tmp_path: Path, calls: int) -> WalWriter:
    writer = WalWriter(tmp_path, {"project": "p", "run_id": "r", "segment_bytes": SEGMENT},
                       "s1", SEGMENT)
    a, b = writer.add_key("a"), writer.add_key("b/c")
    two, one = writer.points_struct(2), writer.points_struct(1)
    for i in range(calls):
        if i % 7 == 3:
            writer.add_points(one, (i, 100.0 + i, b, -float(i)))
        else:
            writer.add_points(two, (i, 100.0 + i, a, b, float(i), float(i) / 2))
        if i == calls // 2:
            writer.add_meta({"config": {"lr": 0.1}})
    return writer


def test_round_trip_across_segments(tmp_path: Path) -> None:
    writer = _write(tmp_path, 5000)
    assert writer.segment >= 3, "the test should cross several segments"
    read = WalReader(tmp_path, "s1", SEGMENT).read(0)
    assert read.end == writer.position
    assert read.metas == [{"config": {"lr": 0.1}}]
    assert read.finished_segments == list(range(writer.segment))
    keys = np.array(read.batch.keys)[read.batch.key_index]
    a = keys == "a"
    np.testing.assert_array_equal(read.batch.values[a], read.batch.steps[a].astype(float))
    b_steps = read.batch.steps[keys == "b/c"]
    assert b_steps.shape[0] == 5000
    np.testing.assert_array_equal(np.sort(b_steps), np.arange(5000))
    assert read_header(segment_path(tmp_path, "s1", 1))["segment"] == 1


def test_a_fresh_reader_resumes_mid_segment_and_relearns_keys(tmp_path: Path) -> None:
    writer = _write(tmp_path, 3000)
    whole = WalReader(tmp_path, "s1", SEGMENT).read(0, max_points=1000)
    rest = WalReader(tmp_path, "s1", SEGMENT).read(whole.end)
    assert len(whole.batch) >= 1000 and rest.end == writer.position
    steps = np.concatenate([whole.batch.steps, rest.batch.steps])
    keys = [whole.batch.keys[i] for i in whole.batch.key_index] + [
        rest.batch.keys[i] for i in rest.batch.key_index]
    assert sorted(set(keys)) == ["a", "b/c"]
    assert len(steps) == sum(1 if i % 7 == 3 else 2 for i in range(3000))


def test_reading_stops_at_the_unwritten_part(tmp_path: Path) -> None:
    writer = _write(tmp_path, 10)
    reader = WalReader(tmp_path, "s1", SEGMENT)
    first = reader.read(0)
    assert reader.read(first.end).end == first.end and len(reader.read(first.end).batch) == 0
    writer.add_points(writer.points_struct(1), (10, 1.0, 0, 42.0))
    later = reader.read(first.end)
    assert later.batch.values.tolist() == [42.0] and later.end == writer.position


def test_a_value_that_does_not_pack_leaves_no_trace(tmp_path: Path) -> None:
    writer = _write(tmp_path, 2)
    before = writer.position
    with pytest.raises(Exception):  # noqa: B017 - struct.error or TypeError
        writer.add_points(writer.points_struct(1), (2, 1.0, 0, "not a number"))
    assert writer.position == before
    writer.add_points(writer.points_struct(1), (2, 1.0, 0, 7.0))
    read = WalReader(tmp_path, "s1", SEGMENT).read(HEADER_BYTES)
    assert read.batch.values[-1] == 7.0
