"""`tanggap serve` end to end: kill -9 loses no acknowledged comment; load never hangs it.

Both tests start the real command on an empty database of each engine (keyword classifier) and
talk to it over loopback only, with a bounded number of clients for a bounded time.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import os
import signal
import subprocess
import threading
import time
import uuid
from pathlib import Path

import httpx
import pytest

from tests.test_serve import TANGGAP, _free_port
from tests.test_serve import empty_database as empty_database  # the fixture

META_SECRET = "crash-test-secret"


def _env(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "TANGGAP_DATABASE_URL": database_url,
        "TANGGAP_CLASSIFIER_BACKEND": "keyword",
        "TANGGAP_WORKER_POLL_SECONDS": "0.1",
        "TANGGAP_INLINE_GRACE_SECONDS": "1",
        "TANGGAP_JOB_BACKOFF_BASE_SECONDS": "0.2",
        "TANGGAP_META_APP_SECRET": META_SECRET,
        "TANGGAP_META_ACCOUNTS": json.dumps({"crash-ig": "default"}),
        "TANGGAP_SECRET_KEY": "crash-test-secret-key-0123456789",
        "TANGGAP_LOG_LEVEL": "WARNING",
    }


def _prepare(env: dict[str, str]) -> str:
    subprocess.run([*TANGGAP, "migrate"], env=env, check=True, capture_output=True, timeout=120)
    return subprocess.run(
        [*TANGGAP, "apikey", "create", "--name", "e2e", "--role", "reviewer"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout.strip()


def _serve(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    out = log.open("ab")
    proc = subprocess.Popen(
        [*TANGGAP, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 90
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                return proc
        except httpx.TransportError:
            pass
        assert proc.poll() is None, log.read_text(errors="replace")[-3000:]
        assert time.monotonic() < deadline, "server did not become ready"
        time.sleep(0.2)


def _meta(external_id: str) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(
        {
            "object": "instagram",
            "entry": [
                {
                    "id": "crash-ig",
                    "time": int(time.time()),
                    "changes": [
                        {
                            "field": "comments",
                            "value": {
                                "id": external_id,
                                "text": "min, kapan jalan diperbaiki?",
                                "from": {"id": "u1", "username": "warga"},
                                "media": {"id": "m1"},
                            },
                        }
                    ],
                }
            ],
        }
    ).encode()
    digest = hmac.new(META_SECRET.encode(), body, hashlib.sha256).hexdigest()
    return body, {"Content-Type": "application/json", "X-Hub-Signature-256": f"sha256={digest}"}


@pytest.mark.slow
def test_kill_9_loses_no_acknowledged_comment(empty_database: str, tmp_path: Path) -> None:
    env = _env(empty_database)
    key = _prepare(env)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"Bearer {key}"}
    log = tmp_path / "serve.log"
    proc = _serve(env, port, log)
    acknowledged: dict[str, str] = {}  # external id -> platform
    stop = threading.Event()

    def send(kind: str) -> None:
        with httpx.Client(base_url=base, timeout=10) as client:
            while not stop.is_set():
                external_id = f"{kind}-{uuid.uuid4().hex[:12]}"
                try:
                    if kind == "api":
                        r = client.post(
                            "/api/v1/comments",
                            json={
                                "platform": "web",
                                "external_id": external_id,
                                "text": "jalan rusak",
                            },
                            headers=headers,
                        )
                    else:
                        body, meta_headers = _meta(external_id)
                        r = client.post("/webhooks/meta", content=body, headers=meta_headers)
                except httpx.HTTPError:
                    continue  # the kill: not acknowledged, nothing promised
                if r.is_success:
                    acknowledged[external_id] = "web" if kind == "api" else "instagram"

    senders = [threading.Thread(target=send, args=(k,)) for k in ("api", "api", "meta", "meta")]
    for t in senders:
        t.start()
    deadline = time.monotonic() + 60
    while len(acknowledged) < 40 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)  # mid-flight: requests are still being sent
    proc.wait(timeout=10)
    stop.set()
    for t in senders:
        t.join(timeout=15)
    assert len(acknowledged) >= 40

    proc = _serve(env, port, log)
    try:
        missing: list[str] = []
        unprocessed: list[str] = []
        processed: set[str] = set()
        deadline = time.monotonic() + 90
        with httpx.Client(base_url=base, headers=headers, timeout=10) as client:
            while time.monotonic() < deadline:
                audit = client.get("/api/v1/audit?action=comment.ingested&limit=500").json()
                stored = {e["details"]["external_id"]: e["comment_id"] for e in audit["items"]}
                missing = sorted(set(acknowledged) - set(stored))
                for external_id in set(acknowledged) & set(stored) - processed:
                    comment = client.get(f"/api/v1/comments/{stored[external_id]}").json()
                    if comment["status"] == "processed" and comment["classification"]:
                        processed.add(external_id)
                unprocessed = sorted(set(acknowledged) - processed)
                if not missing and not unprocessed:
                    break
                time.sleep(0.5)
        assert not missing, f"acknowledged but not stored: {missing[:5]}"
        assert not unprocessed, f"stored but never classified: {unprocessed[:5]}"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


async def _load(base: str, key: str, clients: int, seconds: float) -> dict[str, int]:
    statuses: dict[str, int] = {}
    stop_at = time.monotonic() + seconds

    async def one(n: int) -> None:
        async with httpx.AsyncClient(
            base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=20
        ) as client:
            while time.monotonic() < stop_at:
                try:
                    if n % 2:
                        r = await client.post(
                            "/api/v1/comments",
                            json={
                                "platform": "web",
                                "external_id": uuid.uuid4().hex,
                                "text": "pelayanan lambat",
                            },
                        )
                    else:
                        r = await client.get("/api/v1/drafts?status=pending")
                except httpx.TimeoutException:
                    statuses["timeout"] = statuses.get("timeout", 0) + 1
                    continue
                code = str(r.status_code)
                if r.status_code in (429, 503):
                    assert r.headers.get("retry-after"), r.text
                    assert r.json()["error"]["code"]
                    await asyncio.sleep(0.2)
                statuses[code] = statuses.get(code, 0) + 1

    await asyncio.gather(*(one(n) for n in range(clients)))
    return statuses


@pytest.mark.slow
def test_serve_under_concurrent_load_sheds_and_recovers(
    empty_database: str, tmp_path: Path
) -> None:
    """The deadlock of issue 16: 64 clients made every request time out and /readyz hang."""
    env = {
        **_env(empty_database),
        "TANGGAP_MAX_CONCURRENT_REQUESTS": "4",
        "TANGGAP_MAX_WAITING_REQUESTS": "8",
    }
    key = _prepare(env)
    port = _free_port()
    log = tmp_path / "serve.log"
    proc = _serve(env, port, log)
    try:
        statuses = asyncio.run(_load(f"http://127.0.0.1:{port}", key, clients=48, seconds=4))
        assert set(statuses) <= {"200", "201", "429", "503"}, statuses
        assert statuses.get("200", 0) + statuses.get("201", 0) > 0, statuses
        ready = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=5)
        assert ready.status_code == 200
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert "Traceback" not in log.read_text(errors="replace")
