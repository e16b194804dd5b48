"""End to end: `tanggap migrate` on an empty database, then `tanggap serve`, on both engines."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.conftest import BACKENDS, PG_SERVER

TANGGAP = [sys.executable, "-m", "app.cli"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(params=BACKENDS)
def empty_database(request, tmp_path: Path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    server = make_url(PG_SERVER)
    name = f"tanggap_e2e_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.mark.slow
@pytest.mark.parametrize("workers", [1, 2])
def test_migrate_then_serve(empty_database: str, workers: int):
    env = {
        **os.environ,
        "TANGGAP_DATABASE_URL": empty_database,
        "TANGGAP_CLASSIFIER_BACKEND": "keyword",
        "TANGGAP_WORKER_POLL_SECONDS": "0.1",
    }
    subprocess.run([*TANGGAP, "migrate"], env=env, check=True, capture_output=True, timeout=120)
    key = subprocess.run(
        [*TANGGAP, "apikey", "create", "--name", "e2e", "--role", "reviewer"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout.strip()
    port = _free_port()
    proc = subprocess.Popen(
        [*TANGGAP, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else ""
            assert time.monotonic() < deadline, "server did not become ready"
            time.sleep(0.2)
        headers = {"Authorization": f"Bearer {key}"}
        r = httpx.post(
            f"{base}/api/v1/comments",
            json={"platform": "web", "external_id": "e2e-1", "text": "jalan rusak tolong"},
            headers=headers,
        )
        assert r.status_code == 201, r.text
        draft_id = r.json()["draft"]["id"]
        assert (
            httpx.post(f"{base}/api/v1/drafts/{draft_id}/approve", headers=headers).json()["status"]
            == "approved"
        )
        # Every process serves: new connections land on either, each comment is processed.
        for i in range(8):
            with httpx.Client(base_url=base, headers=headers) as fresh:
                r = fresh.post(
                    "/api/v1/comments",
                    json={"platform": "web", "external_id": f"e2e-w{i}", "text": "lampu mati"},
                )
                assert r.status_code == 201, r.text
                assert r.json()["status"] == "processed"
        if workers == 1:  # metrics are per process (no multiprocess registry)
            assert "tanggap_comments_ingested_total" in httpx.get(f"{base}/metrics").text
    finally:
        proc.terminate()
        proc.wait(timeout=30)
