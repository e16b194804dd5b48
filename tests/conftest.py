"""Shared fixtures: real databases (SQLite and PostgreSQL), the app, keys and a worker.

Every test that takes `engine` runs once per backend in TANGGAP_TEST_BACKENDS (default
"sqlite,postgres"). Each backend's schema is built once per run with the real Alembic migrations;
tables are emptied after every test. The PostgreSQL database is created for the run and dropped
at the end (server from TANGGAP_TEST_PG_URL, default postgresql+psycopg://postgres@127.0.0.1:5432/test).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, SQLModel

import app.tables
from app.config import Settings
from app.db import make_engine
from app.drafting.drafter import load_drafter
from app.keys import service as keys_service
from app.nlp.keyword import KeywordClassifier
from app.outbox.worker import JobContext, Worker

BACKENDS = [b for b in os.environ.get("TANGGAP_TEST_BACKENDS", "sqlite,postgres").split(",") if b]
PG_SERVER = os.environ.get(
    "TANGGAP_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def _migrate(url: str) -> None:
    from alembic import command

    from app.cli import alembic_config

    cfg = alembic_config()
    cfg.attributes["database_url"] = url
    command.upgrade(cfg, "head")


@pytest.fixture(scope="session")
def _sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'tanggap-test.db'}"
    _migrate(url)
    return url


@pytest.fixture(scope="session")
def _postgres_url() -> Iterator[str]:
    server = make_url(PG_SERVER)
    name = f"tanggap_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = server.set(database=name).render_as_string(hide_password=False)
    try:
        _migrate(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


_ENGINES: dict[str, Engine] = {}


def _engine_for(backend: str, request: pytest.FixtureRequest) -> Engine:
    if backend not in _ENGINES:
        url = request.getfixturevalue(f"_{backend}_url")
        _ENGINES[backend] = make_engine(url)
    return _ENGINES[backend]


def _clean(engine: Engine) -> None:
    tables = [t.name for t in reversed(SQLModel.metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                conn.execute(text(f"DELETE FROM {name}"))


@pytest.fixture(params=BACKENDS)
def engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    """A migrated database on each backend, emptied after the test."""
    eng = _engine_for(request.param, request)
    try:
        yield eng
    finally:
        _clean(eng)


@pytest.fixture
def sqlite_engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    """SQLite only, for tests where the backend does not matter."""
    eng = _engine_for("sqlite", request)
    try:
        yield eng
    finally:
        _clean(eng)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    for eng in _ENGINES.values():
        eng.dispose()


@pytest.fixture
def settings(engine: Engine, tmp_path: Path) -> Settings:
    return Settings(
        environment="test",
        database_url=engine.url.render_as_string(hide_password=False),
        worker_in_process=False,
        secret_key="test-secret-key-0123456789abcdef",  # type: ignore[arg-type]
        job_backoff_base_seconds=0.0,
        job_backoff_max_seconds=0.0,
        publish_delay_seconds=0.0,
        auto_create_accounts=True,  # most tests post to made-up accounts; the registry has its own
    )


@pytest.fixture
def classifier() -> KeywordClassifier:
    return KeywordClassifier()


@pytest.fixture
def app(settings: Settings, engine: Engine, classifier: KeywordClassifier):  # type: ignore[no-untyped-def]
    from app.main import create_app

    return create_app(
        settings,
        engine=engine,
        classifier=classifier,
        drafter=load_drafter(settings),
        start_worker=False,
    )


@pytest.fixture
def client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app) as c:
        yield c


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as s:
        yield s


@pytest.fixture
def make_key(engine: Engine) -> Callable[[str], dict[str, str]]:
    """`make_key("reviewer")` -> Authorization headers for a new key of that role."""

    def make(role: str) -> dict[str, str]:
        with Session(engine) as s:
            _, key = keys_service.create(session=s, name=f"test-{role}", role=role)
        return {"Authorization": f"Bearer {key}"}

    return make


@pytest.fixture
def worker(settings: Settings, engine: Engine, classifier: KeywordClassifier) -> Iterator[Worker]:
    """A worker bound to the test database; call `worker.drain()` to run due jobs."""
    http = httpx.Client(timeout=5)
    yield Worker(
        JobContext(
            settings=settings,
            engine=engine,
            classifier=classifier,
            drafter=load_drafter(settings),
            http=http,
        )
    )
    http.close()
