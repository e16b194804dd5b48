"""Bounded load on loopback: many concurrent clients for a fixed time, then `/readyz` once.

Starts `tanggap serve` on a fresh database (SQLite by default, or --database-url, which must be an
empty database on 127.0.0.1), creates a key and sends requests from N asyncio + httpx clients, one
keep-alive connection each, for a fixed number of seconds per scenario:

- ``ingest``: ``POST /api/v1/comments`` (stored, classified and drafted inline)
- ``batch``: ``POST /api/v1/comments/batch`` with ``--batch-items`` comments (the same work)
- ``queue``: ``GET /api/v1/drafts?status=pending`` (the moderation queue read)
- ``webhook``: a signed Meta webhook delivery with one new comment (stored, processed later)
- ``classify``: ``POST /api/v1/classify`` (batch-1 latency with ``--clients 1``)

Each scenario reports requests by status, timeouts, latency percentiles, how many non-2xx answers
lacked ``Retry-After``, and how long ``/readyz`` took right after the load. Only 127.0.0.1 is used.
It also reports the CPU seconds the server process used during the scenario (all its threads,
from /proc) and per successful comment: on a machine the load generator and other jobs share,
that cost is a better guide to capacity than throughput, which they take cores from.

    .venv/bin/python bench/bench_load.py --clients 200 --seconds 60 --scenarios ingest,queue,webhook
    .venv/bin/python bench/bench_load.py --url http://127.0.0.1:8000 --key KEY  # a running server
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import itertools
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx

SAMPLES = [
    "min, syarat bikin KTP-el apa aja ya?",
    "jalan di depan pasar rusak parah, tolong segera diperbaiki",
    "pelayanannya lambat banget, antre dari pagi belum dipanggil",
    "saran min, bikin antrean online biar gak numpuk",
    "terima kasih pak, pelayanannya cepat dan ramah",
    "slot gacor hari ini maxwin, daftar di KING88",
    "wkwk pagi-pagi udah rame aja",
]
META_SECRET = "bench-meta-secret"  # noqa: S105 - a throwaway server of the run
REQUEST_TIMEOUT = 30.0


@dataclass
class Result:
    scenario: str
    clients: int
    seconds: float
    statuses: Counter[str] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    ok_latencies: list[float] = field(default_factory=list)
    shed_latencies: list[float] = field(default_factory=list)
    missing_retry_after: int = 0
    readyz_seconds: float | None = None
    readyz_status: str = ""
    comments_per_request: int = 1
    server_cpu_s: float | None = None
    client_cpu_s: float | None = None

    def percentile(self, q: float, values: list[float] | None = None) -> float:
        values = self.latencies if values is None else values
        if not values:
            return float("nan")
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    def summary(self) -> dict[str, object]:
        ok = sum(n for s, n in self.statuses.items() if s.startswith("2"))
        return {
            "scenario": self.scenario,
            "clients": self.clients,
            "seconds": self.seconds,
            "requests": sum(self.statuses.values()),
            "ok_per_second": round(ok / self.seconds, 1),
            "comments_per_second": round(ok * self.comments_per_request / self.seconds, 1),
            "server_cpu_s": None if self.server_cpu_s is None else round(self.server_cpu_s, 1),
            "server_cpu_ms_per_comment": None
            if self.server_cpu_s is None or not ok
            else round(1000 * self.server_cpu_s / (ok * self.comments_per_request), 2),
            "client_cpu_s": None if self.client_cpu_s is None else round(self.client_cpu_s, 1),
            "statuses": dict(sorted(self.statuses.items())),
            "p50_ms": round(self.percentile(0.50), 1),
            "p99_ms": round(self.percentile(0.99), 1),
            "max_ms": round(self.percentile(1.0), 1),
            "ok_p50_ms": round(self.percentile(0.50, self.ok_latencies), 1),
            "ok_p99_ms": round(self.percentile(0.99, self.ok_latencies), 1),
            "shed_p50_ms": round(self.percentile(0.50, self.shed_latencies), 1),
            "shed_p99_ms": round(self.percentile(0.99, self.shed_latencies), 1),
            "non_2xx_without_retry_after": self.missing_retry_after,
            "readyz_after_s": None
            if self.readyz_seconds is None
            else round(self.readyz_seconds, 3),
            "readyz_status": self.readyz_status,
        }


def _meta_body(n: int) -> bytes:
    ident = uuid.uuid4().hex
    payload = {
        "object": "instagram",
        "entry": [
            {
                "id": "bench-ig",
                "time": int(time.time()),
                "changes": [
                    {
                        "field": "comments",
                        "value": {
                            "id": f"bench-{ident}",
                            "text": SAMPLES[n % len(SAMPLES)],
                            "from": {"id": f"u{n}", "username": f"warga{n}"},
                            "media": {"id": "bench-media"},
                        },
                    }
                ],
            }
        ],
    }
    return json.dumps(payload).encode()


async def _client(
    scenario: str,
    base: str,
    key: str,
    stop_at: float,
    counter: itertools.count[int],
    result: Result,
    batch_items: int = 10,
) -> None:
    headers = {"Authorization": f"Bearer {key}"}
    async with httpx.AsyncClient(
        base_url=base,
        headers=headers,
        timeout=REQUEST_TIMEOUT,
        limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
    ) as client:
        while time.monotonic() < stop_at:
            n = next(counter)
            start = time.perf_counter()
            try:
                if scenario == "ingest":
                    response = await client.post(
                        "/api/v1/comments",
                        json={
                            "platform": "web",
                            "external_id": f"bench-{uuid.uuid4().hex}",
                            "text": SAMPLES[n % len(SAMPLES)],
                            "author": f"warga{n}",
                        },
                    )
                elif scenario == "batch":
                    response = await client.post(
                        "/api/v1/comments/batch",
                        json={
                            "items": [
                                {
                                    "platform": "web",
                                    "external_id": f"bench-{uuid.uuid4().hex}",
                                    "text": SAMPLES[(n + i) % len(SAMPLES)],
                                    "author": f"warga{n}",
                                }
                                for i in range(batch_items)
                            ]
                        },
                    )
                elif scenario == "classify":
                    response = await client.post(
                        "/api/v1/classify", json={"text": SAMPLES[n % len(SAMPLES)]}
                    )
                elif scenario == "queue":
                    response = await client.get("/api/v1/drafts?status=pending&limit=50")
                elif scenario == "webhook":
                    body = _meta_body(n)
                    digest = hmac.new(META_SECRET.encode(), body, hashlib.sha256).hexdigest()
                    response = await client.post(
                        "/webhooks/meta",
                        content=body,
                        headers={
                            "Content-Type": "application/json",
                            "X-Hub-Signature-256": f"sha256={digest}",
                        },
                    )
                else:  # pragma: no cover - argparse restricts the choice
                    raise ValueError(scenario)
            except httpx.TimeoutException:
                result.statuses["timeout"] += 1
                continue
            except httpx.TransportError as exc:
                result.statuses[type(exc).__name__] += 1
                await asyncio.sleep(0.05)
                continue
            elapsed = time.perf_counter() - start
            result.latencies.append(elapsed)
            if response.status_code < 300:
                result.ok_latencies.append(elapsed)
            elif response.status_code in (429, 503):
                result.shed_latencies.append(elapsed)
            result.statuses[str(response.status_code)] += 1
            if response.status_code >= 300 and "retry-after" not in response.headers:
                result.missing_retry_after += 1
            if response.status_code in (429, 503):
                # honour the server's hint, bounded so the run stays a load test
                await asyncio.sleep(min(float(response.headers.get("retry-after", 1)), 1.0))


async def _readyz(base: str, result: Result) -> None:
    start = time.perf_counter()
    async with httpx.AsyncClient(base_url=base, timeout=REQUEST_TIMEOUT) as client:
        try:
            response = await client.get("/readyz")
            result.readyz_status = str(response.status_code)
        except httpx.HTTPError as exc:
            result.readyz_status = type(exc).__name__
    result.readyz_seconds = time.perf_counter() - start


def _cpu_seconds(pid: int | None) -> float | None:
    """User + system CPU seconds of a process, its threads and its child processes (the
    workers of `tanggap serve --workers N`), from Linux /proc."""
    if pid is None:
        return None
    total, found = 0.0, False
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(stat.parent.name) == pid or int(fields[1]) == pid:
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            found = True
    return total if found else None


async def run_scenario(
    scenario: str,
    base: str,
    key: str,
    clients: int,
    seconds: float,
    *,
    server_pid: int | None = None,
    batch_items: int = 10,
) -> Result:
    result = Result(
        scenario=scenario,
        clients=clients,
        seconds=seconds,
        comments_per_request=batch_items if scenario == "batch" else 1,
    )
    stop_at = time.monotonic() + seconds
    counter = itertools.count()
    cpu0, own0 = _cpu_seconds(server_pid), time.process_time()
    await asyncio.gather(
        *(
            _client(scenario, base, key, stop_at, counter, result, batch_items)
            for _ in range(clients)
        )
    )
    cpu1 = _cpu_seconds(server_pid)
    result.client_cpu_s = time.process_time() - own0
    if cpu0 is not None and cpu1 is not None:
        result.server_cpu_s = cpu1 - cpu0
    await _readyz(base, result)
    return result


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_server(database_url: str | None, backend: str, workers_env: dict[str, str]):  # type: ignore[no-untyped-def]
    tmp = tempfile.mkdtemp(prefix="tanggap-load-")
    env = {
        **os.environ,
        "TANGGAP_DATABASE_URL": database_url or f"sqlite:///{Path(tmp) / 'load.db'}",
        "TANGGAP_CLASSIFIER_BACKEND": backend,
        "TANGGAP_LOG_LEVEL": "WARNING",
        # one key for all clients: the per-key limit would otherwise be what is measured
        "TANGGAP_API_RATE_LIMIT": "1000000/minute",
        "TANGGAP_META_APP_SECRET": META_SECRET,
        "TANGGAP_META_ACCOUNTS": json.dumps({"bench-ig": "default"}),
        **workers_env,
    }
    cli = [sys.executable, "-m", "app.cli"]
    subprocess.run([*cli, "migrate"], env=env, check=True, capture_output=True)
    key = subprocess.run(
        [*cli, "apikey", "create", "--name", "bench", "--role", "reviewer"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    port = _free_port()
    log = open(Path(tmp) / "serve.log", "wb")  # noqa: SIM115 - closed with the process
    server = subprocess.Popen(
        [*cli, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                return server, base, key, Path(tmp) / "serve.log"
        except httpx.TransportError:
            pass
        if server.poll() is not None:
            break
        time.sleep(0.5)
    server.kill()
    raise SystemExit(f"server did not become ready; see {Path(tmp) / 'serve.log'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--scenarios", default="ingest,queue,webhook")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--backend", default="auto", help="classifier backend (auto|keyword)")
    parser.add_argument("--url", default=None, help="an already running server (loopback only)")
    parser.add_argument("--key", default=None, help="reviewer key for --url")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    parser.add_argument("--batch-items", type=int, default=10, help="comments per batch request")
    args = parser.parse_args()
    if args.clients > 500 or args.seconds > 120:
        raise SystemExit("bounded: at most 500 clients and 120 s per scenario")
    scenarios = [s for s in args.scenarios.split(",") if s]
    for s in scenarios:
        if s not in ("ingest", "batch", "queue", "webhook", "classify"):
            raise SystemExit(f"unknown scenario {s}")

    server = None
    log_path = None
    if args.url:
        if urlsplit(args.url).hostname not in ("127.0.0.1", "localhost"):
            raise SystemExit("loopback only")
        base, key = args.url, args.key or ""
    else:
        server, base, key, log_path = _start_server(args.database_url, args.backend, {})
    results = []
    try:
        for scenario in scenarios:
            result = asyncio.run(
                run_scenario(
                    scenario,
                    base,
                    key,
                    args.clients,
                    args.seconds,
                    server_pid=server.pid if server is not None else None,
                    batch_items=args.batch_items,
                )
            )
            summary = result.summary()
            results.append(summary)
            print(json.dumps(summary), flush=True)
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
    if log_path is not None:
        errors = [
            line
            for line in log_path.read_text(errors="replace").splitlines()
            if "Traceback" in line or "ERROR" in line
        ]
        print(json.dumps({"server_log": str(log_path), "error_lines": len(errors)}))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
