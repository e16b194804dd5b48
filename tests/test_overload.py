"""Overload answers instead of hangs: admission, short database waits, pools sized together."""

from __future__ import annotations

import anyio
import httpx
import pytest
from sqlalchemy.engine import Engine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from app.config import Settings
from app.db import engine_from_settings, make_engine
from app.main import create_app
from app.middleware import AdmissionMiddleware
from tests.helpers import assert_error


def _gated_app(release: anyio.Event, entered: anyio.Event, *, max_waiting: int) -> object:
    async def slow(_: Request) -> PlainTextResponse:
        entered.set()
        await release.wait()
        return PlainTextResponse("done")

    async def ready(_: Request) -> PlainTextResponse:
        return PlainTextResponse("ready")

    inner = Starlette(routes=[Route("/api/slow", slow), Route("/readyz", ready)])
    return AdmissionMiddleware(
        inner, limit=1, max_waiting=max_waiting, wait_seconds=0.05, retry_after=3
    )


@pytest.mark.anyio
@pytest.mark.parametrize("max_waiting", [0, 1])
async def test_full_server_sheds_with_503_and_retry_after(max_waiting: int) -> None:
    release, entered = anyio.Event(), anyio.Event()
    app = _gated_app(release, entered, max_waiting=max_waiting)
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        results: dict[str, httpx.Response] = {}

        async def first() -> None:
            results["first"] = await client.get("/api/slow")

        async with anyio.create_task_group() as tg:
            tg.start_soon(first)
            await entered.wait()
            shed = await client.get("/api/slow")  # the only slot is taken
            probe = await client.get("/readyz")  # probes are never queued
            release.set()
        assert_error(shed, 503, "server_busy")
        assert shed.headers["retry-after"] == "3"
        assert probe.status_code == 200
        assert results["first"].text == "done"
        # the slot came back at once: the next request is admitted
        again = await client.get("/readyz")
        assert again.status_code == 200


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def test_pool_timeout_is_503_with_retry_after(settings: Settings, engine: Engine, make_key) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from app.drafting.drafter import load_drafter
    from app.nlp.keyword import KeywordClassifier

    tiny = make_engine(
        engine.url.render_as_string(hide_password=False), pool_size=1, pool_timeout=0.05
    )
    headers = make_key("reviewer")
    app = create_app(
        settings,
        engine=tiny,
        classifier=KeywordClassifier(),
        drafter=load_drafter(settings),
        start_worker=False,
    )
    try:
        with TestClient(app) as client:
            held = tiny.connect()  # another request holds the only connection
            try:
                response = client.get("/api/v1/drafts", headers=headers)
            finally:
                held.close()
            assert_error(response, 503, "database_busy")
            assert response.headers["retry-after"] == "1"
            # released: the same client is served again at once
            assert client.get("/api/v1/drafts", headers=headers).status_code == 200
            assert client.get("/readyz").status_code == 200
    finally:
        tiny.dispose()


def test_pools_are_sized_together(tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'x.db'}", max_concurrent_requests=12, db_pool_reserve=4
    )
    engine = engine_from_settings(settings)
    try:
        assert engine.pool.size() == 16  # type: ignore[attr-defined]
        assert engine.pool._max_overflow == 0  # type: ignore[attr-defined]
        assert settings.thread_pool_size > settings.max_concurrent_requests
    finally:
        engine.dispose()
