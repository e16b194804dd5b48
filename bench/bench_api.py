"""Load benchmark of the HTTP API on loopback: ingest and queue reads, in requests per second.

Starts `tanggap serve` on a fresh database (SQLite by default, or --database-url), creates a key,
then sends a bounded number of requests from a thread pool and reports throughput and latency.

    .venv/bin/python bench/bench_api.py --requests 400 --concurrency 8
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(cmd: list[str], env: dict[str, str]) -> str:
    return subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--backend", default="auto", help="classifier backend (auto|keyword)")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="tanggap-bench-")
    env = {
        **os.environ,
        "TANGGAP_DATABASE_URL": args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}",
        "TANGGAP_CLASSIFIER_BACKEND": args.backend,
        "TANGGAP_LOG_LEVEL": "WARNING",
    }
    cli = [sys.executable, "-m", "app.cli"]
    _run([*cli, "migrate"], env)
    key = _run([*cli, "apikey", "create", "--name", "bench", "--role", "reviewer"], env).strip()
    port = _free_port()
    server = subprocess.Popen(
        [*cli, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"Bearer {key}"}
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        client = httpx.Client(base_url=base, headers=headers, timeout=30)

        def ingest(i: int) -> float:
            start = time.perf_counter()
            r = client.post(
                "/api/v1/comments",
                json={
                    "platform": "instagram",
                    "external_id": f"bench-{i}",
                    "text": SAMPLES[i % len(SAMPLES)] + f" #{i}",
                },
            )
            r.raise_for_status()
            return (time.perf_counter() - start) * 1000

        def read(_: int) -> float:
            start = time.perf_counter()
            client.get("/api/v1/drafts?status=pending&limit=50").raise_for_status()
            return (time.perf_counter() - start) * 1000

        def classify(i: int) -> float:
            start = time.perf_counter()
            r = client.post("/api/v1/classify", json={"text": SAMPLES[i % len(SAMPLES)]})
            r.raise_for_status()
            return (time.perf_counter() - start) * 1000

        report = {}
        scenarios = (("ingest", ingest), ("queue_read", read), ("classify", classify))
        for name, fn in scenarios:
            t0 = time.perf_counter()
            with ThreadPoolExecutor(args.concurrency) as pool:
                latencies = list(pool.map(fn, range(args.requests)))
            elapsed = time.perf_counter() - t0
            report[name] = {
                "requests": args.requests,
                "concurrency": args.concurrency,
                "req_per_s": round(args.requests / elapsed, 1),
                "p50_ms": round(statistics.median(latencies), 1),
                "p99_ms": round(_percentile(latencies, 0.99), 1),
            }
        model = httpx.get(f"{base}/readyz").json()["checks"]["model"]
        report["model"] = model
        report["database"] = env["TANGGAP_DATABASE_URL"].split(":", 1)[0]
        print(json.dumps(report, indent=2))
    finally:
        server.terminate()
        server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
