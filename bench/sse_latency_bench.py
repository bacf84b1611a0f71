"""Point logged -> ``points`` event received by an open event stream (what an open
dashboard waits for), p50 and p95.

Two paths are measured, each with a training process logging ~20 steps/s for 10 s:

- remote: the script logs with ``server=`` (WAL -> HTTP batch -> store -> event);
- local: the script logs into the server's own data directory (WAL -> its own store),
  and the server's poll of watched projects notices.

The figure depends on the SDK's flush interval (``STEPSCOPE_FLUSH_INTERVAL``, default
0.5 s): it is reported for 1 s, the default and 0.25 s. Budget: p95 <= 1 s.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

import httpx
import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from _record import record  # noqa: E402

STEPS = 200
RATE = 20.0
PROJECT = "latency"

LOGGER = """
import json, sys, time, stepscope
run = stepscope.init(project={project!r}, id={run_id!r}, dir={directory!r}, server={server})
times = []
for step in range({steps}):
    times.append(time.time())
    run.log({{"loss": 1.0 / (step + 1)}})
    time.sleep({pause})
run.finish(quiet=True)
print(json.dumps(times))
"""


def listen(url: str, arrivals: list[tuple[str, int, float]], stop: threading.Event,
           ready: threading.Event) -> None:
    with httpx.Client(timeout=httpx.Timeout(30.0)) as client, client.stream(
            "GET", f"{url}/api/v1/projects/{PROJECT}/events") as response:
        ready.set()
        event = ""
        for line in response.iter_lines():
            if stop.is_set():
                return
            if line.startswith("event:"):
                event = line.split(":", 1)[1].strip()
            elif line.startswith("data:") and event == "points":
                data = json.loads(line.split(":", 1)[1])
                arrivals.append((data["run"], data["last_step"], time.time()))


def measure(url: str, data_dir: str, remote: bool, flush: str, run_id: str) -> list[float]:
    arrivals: list[tuple[str, int, float]] = []
    stop, ready = threading.Event(), threading.Event()
    thread = threading.Thread(target=listen, args=(url, arrivals, stop, ready), daemon=True)
    thread.start()
    assert ready.wait(10)
    code = LOGGER.format(project=PROJECT, run_id=run_id, steps=STEPS, pause=1 / RATE,
                         directory=tempfile.mkdtemp() if remote else data_dir,
                         server=repr(url) if remote else "None")
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                            text=True, timeout=120,
                            env={**os.environ, "STEPSCOPE_FLUSH_INTERVAL": flush,
                                 "STEPSCOPE_SERVER": "", "STEPSCOPE_QUIET": "1"})
    assert result.returncode == 0, result.stderr
    logged = json.loads(result.stdout)
    time.sleep(1.5)
    stop.set()
    # Each event covers the steps up to its last_step not covered by an earlier one.
    latencies = []
    covered = -1
    for _run, last_step, received in sorted(a for a in arrivals if a[0] == run_id):
        for step in range(covered + 1, last_step + 1):
            latencies.append(received - logged[step])
        covered = max(covered, last_step)
    assert covered == STEPS - 1, f"events covered steps up to {covered}"
    return latencies


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        server = subprocess.Popen([sys.executable, "-m", "stepscope.cli.main", "serve",
                                   "--dir", tmp, "--port", "0"], stdout=subprocess.PIPE,
                                  text=True, env={**os.environ, "STEPSCOPE_QUIET": "1"})
        try:
            assert server.stdout is not None
            url = server.stdout.readline().split(" at ")[1].split()[0].rstrip("/")
            httpx.post(f"{url}/api/v1/projects/{PROJECT}/runs", json={"id": "anchor"})
            figures: dict[str, object] = {"steps per run": STEPS, "steps per second": RATE}
            for flush in ("1.0", "0.5", "0.25"):
                for remote in (True, False):
                    p50s, p95s = [], []
                    for i in range(3):
                        ms = np.array(measure(url, tmp, remote, flush, f"{'r' if remote else 'l'}"
                                              f"{flush.replace('.', '')}-{i}")) * 1000
                        p50s.append(float(np.percentile(ms, 50)))
                        p95s.append(float(np.percentile(ms, 95)))
                    path = "remote (HTTP sink)" if remote else "local (same data dir, poll)"
                    figures[f"{path}, flush {flush} s: p50 ms (median of 3)"] = \
                        statistics.median(p50s)
                    figures[f"{path}, flush {flush} s: p95 ms (median of 3)"] = \
                        statistics.median(p95s)
                    print(f"{path} flush {flush}: p50 {p50s} ms, p95 {p95s} ms")
        finally:
            server.terminate()
            server.wait(60)
            if server.stdout is not None:
                server.stdout.close()
    record("sse_latency", figures)


if __name__ == "__main__":
    main()
