"""Shared fixtures: child Python processes that use stepscope for real."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.contract.conftest import PG_URL, drop_schema, postgres_unreachable


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


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A PostgreSQL URL whose ``?schema=`` is fresh, dropped when the test ends (servers
    started by the test must be stopped first)."""
    if reason := postgres_unreachable():
        pytest.skip(reason)
    schema = f"ss_test_{uuid.uuid4().hex[:16]}"
    try:
        yield f"{PG_URL}{'&' if '?' in PG_URL else '?'}schema={schema}"
    finally:
        drop_schema(schema)
