"""HTTP ingest into PostgreSQL: 4 client processes post batches of 100 metrics x 1,000
steps (binary form, what the SDK sends) to ``stepscope serve --db``, each batch named by
(stream, start, end). The clients are those of ``http_ingest_bench.py``.

- one server process: the figure per server process (target >= 500,000 points/s);
- two replicas over the same schema, two clients each: what one PostgreSQL node takes
  from several servers (on this 2-core machine clients, servers and PostgreSQL share
  the same two cores, so this is a floor, not the node's ceiling);
- the CPU time PostgreSQL's processes and the servers' spend per million points (read
  from /proc), which says what one core of each sustains when they are not sharing.

Medians of 3 rounds, each on a fresh schema (dropped afterwards). PostgreSQL is
``STEPSCOPE_BENCH_PG_URL`` (default ``postgresql://root@127.0.0.1:5432/test``).

    python bench/pg_http_ingest_bench.py
"""

from __future__ import annotations

import os
import statistics
import sys
import time
import uuid
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).parent))
from _record import record  # noqa: E402
from http_ingest_bench import (  # noqa: E402
    BATCHES,
    CLIENTS,
    METRICS,
    STEPS_PER_BATCH,
    drive,
    start_server,
    stop_server,
)

PG_URL = os.environ.get("STEPSCOPE_BENCH_PG_URL", "postgresql://root@127.0.0.1:5432/test")


TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: set[int] | None = None, name: str | None = None) -> float:
    """User + system CPU seconds of the processes ``pids``, or of those called ``name``."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or (pids is not None and int(entry.name) not in pids):
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # gone meanwhile
        comm, rest = stat[stat.index("(") + 1:stat.rindex(")")], stat[stat.rindex(")") + 2:]
        if name is not None and comm != name:
            continue
        fields = rest.split()
        total += int(fields[11]) + int(fields[12])
    return total / TICKS


def one_round(replicas: int) -> tuple[float, float, float]:
    """Points/s, and CPU seconds per million points of the PostgreSQL processes and of
    the server processes."""
    schema = f"ss_bench_{uuid.uuid4().hex[:12]}"
    url = f"{PG_URL}{'&' if '?' in PG_URL else '?'}schema={schema}"
    servers = []
    try:
        for _ in range(replicas):
            servers.append(start_server(["--db", url]))
            time.sleep(0.2)  # the first one migrates the fresh schema
        pids = {server.pid for server, _ in servers}
        pg_before, servers_before = cpu_seconds(name="postgres"), cpu_seconds(pids)
        rate = drive([found_url for _, found_url in servers], "binary")
        millions = CLIENTS * BATCHES["binary"] * METRICS * STEPS_PER_BATCH / 1e6
        return (rate, (cpu_seconds(name="postgres") - pg_before) / millions,
                (cpu_seconds(pids) - servers_before) / millions)
    finally:
        for server, _ in servers:
            stop_server(server)
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def main() -> None:
    one = [one_round(1) for _ in range(3)]
    two = [one_round(2) for _ in range(3)]
    for name, rounds in (("1 server", one), ("2 replicas", two)):
        print(f"{name}: " + ", ".join(f"{r[0]:,.0f}" for r in rounds) + " points/s")
    pg_cpu = statistics.median(r[1] for r in one + two)
    server_cpu = statistics.median(r[2] for r in one + two)
    record("pg_http_ingest", {
        "clients": CLIENTS,
        "points per request": METRICS * STEPS_PER_BATCH,
        "points per client": BATCHES["binary"] * METRICS * STEPS_PER_BATCH,
        "one server process, points/s (median of 3)": statistics.median(r[0] for r in one),
        "one server process, points/s (min of 3)": min(r[0] for r in one),
        "two replicas, one PostgreSQL, points/s (median of 3)":
            statistics.median(r[0] for r in two),
        "two replicas, points/s (min of 3)": min(r[0] for r in two),
        "PostgreSQL CPU seconds per million points (median)": pg_cpu,
        "server CPU seconds per million points (median)": server_cpu,
        "points/s one PostgreSQL core can store (1 / its CPU per point)": 1e6 / pg_cpu,
        "points/s one server core can take (1 / its CPU per point)": 1e6 / server_cpu,
    })


if __name__ == "__main__":
    main()
