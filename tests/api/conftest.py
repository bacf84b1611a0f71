"""Real servers for the API tests: uvicorn on 127.0.0.1 with a free port, over a real
SQLite store in a temporary directory, stopped by the fixture that started it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from stepscope.server.app import create_app
from stepscope.server.runner import bind, make_server, open_store, url_of
from stepscope.store.base import Store


@dataclass
class LiveServer:
    url: str
    """Base URL, e.g. ``http://127.0.0.1:43123``."""
    store: Store
    data_dir: Path
    client: httpx.Client
    """A client whose base URL is ``<url>/api/v1``."""
    stopping: Callable[[], None]
    """Ask the server to stop (as Ctrl-C does); the fixture waits for it."""

    def create_run(self, project: str, **fields: Any) -> dict[str, Any]:
        response = self.client.post(f"/projects/{project}/runs", json=fields)
        assert response.status_code in (200, 201), response.text
        body: dict[str, Any] = response.json()
        return body

    def post_points(self, project: str, run_id: str, points: dict[str, list[float]],
                    first_step: int = 0, **ident: Any) -> httpx.Response:
        """Post ``{key: values}`` (values at consecutive steps from ``first_step``)."""
        keys = list(points)
        key, step, value = [], [], []
        for index, name in enumerate(keys):
            for offset, v in enumerate(points[name]):
                key.append(index)
                step.append(first_step + offset)
                value.append(v)
        body = {"keys": keys, "key": key, "step": step, "value": value,
                "wall": [1_700_000_000.0 + s for s in step], **ident}
        return self.client.post(f"/projects/{project}/runs/{run_id}/batches", json=body)


@contextmanager
def running_server(store: Store, data_dir: Path, **options: Any) -> Iterator[LiveServer]:
    app = create_app(store, **options)
    sock = bind("127.0.0.1", 0)
    server = make_server(app, sock)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "server did not start"
        time.sleep(0.01)
    url = url_of(sock).rstrip("/")
    client = httpx.Client(base_url=f"{url}/api/v1", timeout=30)
    try:
        yield LiveServer(url, store, data_dir, client, lambda: setattr(server, "should_exit",
                                                                       True))
    finally:
        client.close()
        server.should_exit = True
        thread.join(15)
        sock.close()
        assert not thread.is_alive(), "server did not stop"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    data_dir = tmp_path / "data"
    store = open_store(data_dir)
    try:
        with running_server(store, data_dir, poll_seconds=0.05, keepalive_seconds=0.5) as live:
            yield live
    finally:
        store.close()


@dataclass
class ServerProcess:
    """``stepscope serve`` in a child process (for tests that kill the server)."""

    data_dir: Path
    port: int = 0
    process: subprocess.Popen[str] | None = None
    url: str = ""
    db: str | None = None
    """A database URL to serve instead of ``data_dir``."""
    args: tuple[str, ...] = ()
    """More ``stepscope serve`` options."""
    env: dict[str, str] = field(default_factory=dict)

    def start(self, timeout: float = 15.0) -> str:
        env = {**os.environ, "STEPSCOPE_QUIET": "1", **self.env}
        where = ["--db", self.db] if self.db is not None else ["--dir", str(self.data_dir)]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "stepscope.cli.main", "serve", *where,
             "--port", str(self.port), *self.args], stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, env=env)
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        assert "http://" in line, (line, self.process.stderr.read() if self.process.stderr
                                   else "")
        self.url = line.split(" at ")[1].split()[0].rstrip("/")
        self.port = int(self.url.rsplit(":", 1)[1])
        deadline = time.monotonic() + timeout
        while True:
            try:
                if httpx.get(f"{self.url}/api/v1/health", timeout=1).status_code == 200:
                    return self.url
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "server process did not answer"
            time.sleep(0.05)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)
        self._close_pipes()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self._close_pipes()

    def _close_pipes(self) -> None:
        if self.process is not None:
            for pipe in (self.process.stdout, self.process.stderr):
                if pipe is not None:
                    pipe.close()


@pytest.fixture
def server_process(tmp_path: Path) -> Iterator[ServerProcess]:
    proc = ServerProcess(tmp_path / "server-data")
    try:
        yield proc
    finally:
        proc.stop()
