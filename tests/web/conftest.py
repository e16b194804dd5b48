"""Web UI fixtures: a live uvicorn server on SQLite, users, and headless Chromium via Playwright.

Chromium is Debian's package (`/usr/bin/chromium`, installed by the Makefile/CI); Playwright only
drives it (never `playwright install`). Browser tests are marked `browser`; a missing Chromium is a
test failure (run `make browser-deps`), never a silent skip.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.config import Settings
from app.drafting.drafter import load_drafter
from app.keys import service as keys_service
from app.nlp.keyword import KeywordClassifier
from app.users import service as users_service

CHROMIUM = os.environ.get("TANGGAP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "rahasia-123"


@dataclass
class Live:
    """A running server and the helpers to feed it."""

    url: str
    engine: Engine
    settings: Settings
    integration_headers: dict[str, str]

    def ingest(self, text: str, **fields: Any) -> dict[str, Any]:
        """POST a comment through the public API, as an integration would."""
        body = {"platform": "instagram", "external_id": f"ext-{time.monotonic_ns()}", "text": text}
        body.update(fields)
        if isinstance(body.get("created_at"), datetime):
            body["created_at"] = body["created_at"].isoformat()
        r = httpx.post(
            f"{self.url}/api/v1/comments", json=body, headers=self.integration_headers, timeout=10
        )
        assert r.status_code == 201, r.text
        return r.json()

    def draft_id(self, comment: dict[str, Any]) -> int:
        draft = comment["draft"] or comment["suggestion"]
        return draft["id"] if "id" in draft else draft["draft_id"]


@pytest.fixture
def web_settings(sqlite_engine: Engine) -> Settings:
    return Settings(
        environment="test",
        database_url=sqlite_engine.url.render_as_string(hide_password=False),
        worker_in_process=False,
        secret_key="web-test-secret-0123456789abcdef",  # type: ignore[arg-type]
        auto_create_accounts=True,
    )


@pytest.fixture
def reviewer(sqlite_engine: Engine) -> str:
    """A reviewer user `budi` (password `rahasia-123`)."""
    with Session(sqlite_engine) as s:
        users_service.create(session=s, username="budi", password=PASSWORD, role="reviewer")
    return "budi"


def _free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@pytest.fixture
def live(sqlite_engine: Engine, web_settings: Settings) -> Iterator[Live]:
    """The real app served by uvicorn in a background thread on a free 127.0.0.1 port."""
    from app.main import create_app

    app = create_app(
        web_settings,
        engine=sqlite_engine,
        classifier=KeywordClassifier(),
        drafter=load_drafter(web_settings),
        start_worker=False,
    )
    sock = _free_socket()
    port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("live server did not start")
        time.sleep(0.02)
    with Session(sqlite_engine) as s:
        _, key = keys_service.create(session=s, name="web-test", role="integration")
    try:
        yield Live(
            url=f"http://127.0.0.1:{port}",
            engine=sqlite_engine,
            settings=web_settings,
            integration_headers={"Authorization": f"Bearer {key}"},
        )
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the whole run."""
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make browser-deps`")
    from playwright import sync_api

    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser: Any, live: Live) -> Iterator[Any]:
    """A fresh browser context (no cookies) with a wide desktop viewport; fails on JS errors."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    # The copy button writes to the clipboard; newer Chromium waits for this permission.
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live.url)
    context.set_default_timeout(5000)
    pg = context.new_page()
    errors: list[str] = []
    dialogs: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    pg.js_errors = errors  # type: ignore[attr-defined]
    pg.dialogs = dialogs  # type: ignore[attr-defined]
    try:
        yield pg
    finally:
        context.close()
    assert not errors, f"JavaScript errors: {errors}"


@pytest.fixture
def login(page: Any, live: Live, reviewer: str) -> Callable[[], Any]:
    """Log `budi` in through the form; returns the page on the queue."""

    def do() -> Any:
        page.goto(f"{live.url}/")
        page.fill('input[name="username"]', reviewer)
        page.fill('input[name="password"]', PASSWORD)
        page.click('button[type="submit"]')
        page.wait_for_url(f"{live.url}/queue")
        return page

    return do


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
