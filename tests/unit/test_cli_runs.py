"""`stepscope ls` and `stepscope export` on a real data directory."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import stepscope
from stepscope.cli.main import main


@pytest.fixture
def filled(data_dir: Path) -> tuple[Path, str]:
    with stepscope.init(project="cli", name="alpha", dir=data_dir) as run:
        for i in range(5):
            run.log({"loss": 1.0 / (i + 1), "acc": i / 10 if i != 2 else float("nan")})
    return data_dir, run.id


def test_ls_lists_projects_and_runs(filled: tuple[Path, str],
                                    capsys: pytest.CaptureFixture[str]) -> None:
    data_dir, run_id = filled
    assert main(["ls", "--dir", str(data_dir)]) == 0
    assert "cli" in capsys.readouterr().out
    assert main(["ls", "cli", "--dir", str(data_dir)]) == 0
    out = capsys.readouterr().out
    assert "alpha" in out and run_id in out and "finished" in out


def test_export_formats(filled: tuple[Path, str], tmp_path: Path,
                        capsys: pytest.CaptureFixture[str]) -> None:
    data_dir, run_id = filled
    assert main(["export", f"cli/{run_id}", "--dir", str(data_dir)]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["_step"] for r in rows] == ["0", "1", "2", "3", "4"]
    assert rows[2]["acc"] == "" and rows[4]["loss"] == "0.2"
    assert main(["export", "alpha", "--project", "cli", "--format", "jsonl",
                 "--dir", str(data_dir)]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert lines[2]["acc"] is None and lines[1]["acc"] == 0.1
    target = tmp_path / "out.parquet"
    assert main(["export", f"cli/{run_id}", "--format", "parquet", "-o", str(target),
                 "--dir", str(data_dir)]) == 0
    assert pq.read_table(target).column("loss").to_pylist()[0] == 1.0


@pytest.mark.parametrize(("argv", "message"), [
    (["ls", "nope"], "project 'nope' does not exist"),
    (["export", "nope", "--project", "cli"], "no run 'nope'"),
    (["export", "just-an-id"], "give PROJECT/RUN_ID"),
    (["export", "cli/x", "--format", "parquet"], "needs --output"),
])
def test_bad_arguments_are_clear_errors(filled: tuple[Path, str], argv: list[str],
                                        message: str,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    data_dir, _ = filled
    assert main([*argv, "--dir", str(data_dir)]) == 2
    assert message in capsys.readouterr().err


def test_a_directory_without_data_is_a_clear_error(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ls", "--dir", str(tmp_path)]) == 2
    assert "holds no stepscope data" in capsys.readouterr().err
