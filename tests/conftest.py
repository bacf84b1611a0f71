"""Shared fixtures: child Python processes that use stepscope for real."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest


def run_child(code: str, *, env: dict[str, str] | None = None, timeout: float = 120,
              check: bool = False) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter (stepscope importable) and wait for it."""
    full_env = {**os.environ, "STEPSCOPE_QUIET": "1", **(env or {})}
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=full_env,
                            capture_output=True, text=True, timeout=timeout)
    if check and result.returncode != 0:
        raise AssertionError(f"child failed ({result.returncode}): {result.stderr}")
    return result


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"
