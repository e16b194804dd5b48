"""Fixtures: fake Graph API / Chatwoot / receiver servers and an app wired to them."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy.engine import Engine

from app.config import Settings
from app.drafting.drafter import load_drafter
from app.nlp.keyword import KeywordClassifier
from app.outbox.worker import JobContext, Worker
from app.tables import utcnow
from tests.integrations.fakes import ChatwootState, FakeServer, GraphState, ok_responder

APP_SECRET = "meta-app-secret-for-tests"
VERIFY_TOKEN = "verify-me-please"
PAGE_TOKEN = "page-token-default"
PAGE_ID = "1234567890"
IG_ID = "17841400000000"


@pytest.fixture
def graph() -> Iterator[FakeServer]:
    server = FakeServer(GraphState(owner_id=PAGE_ID, app_secret=APP_SECRET)).start()
    yield server
    server.stop()


@pytest.fixture
def chatwoot() -> Iterator[FakeServer]:
    server = FakeServer(ChatwootState()).start()
    yield server
    server.stop()


@pytest.fixture
def receiver() -> Iterator[FakeServer]:
    server = FakeServer(ok_responder).start()
    yield server
    server.stop()


@pytest.fixture
def isettings(settings: Settings, graph: FakeServer, chatwoot: FakeServer) -> Settings:
    """Test settings pointing at the fake servers."""
    return settings.model_copy(
        update={
            "meta_verify_token": SecretStr(VERIFY_TOKEN),
            "meta_app_secret": SecretStr(APP_SECRET),
            "meta_page_token": SecretStr(PAGE_TOKEN),
            "meta_page_ids": [PAGE_ID, IG_ID, "dinas.kota"],
            "meta_graph_url": graph.url,
            "meta_api_version": "v21.0",
            "chatwoot_url": chatwoot.url,
            "chatwoot_api_token": SecretStr("cw-token"),
            "http_timeout_seconds": 2.0,
            # the fake receivers listen on loopback; outgoing webhooks refuse it otherwise
            "webhook_allowed_targets": ["127.0.0.1"],
            # most Chatwoot tests post unsigned; test_chatwoot_unsigned_refused_by_default checks
            # that without this explicit setting nothing unsigned is stored
            "chatwoot_allow_unsigned": True,
        }
    )


@pytest.fixture
def make_app(engine: Engine) -> Callable[[Settings], Any]:
    from app.main import create_app

    def make(s: Settings) -> Any:
        return create_app(
            s,
            engine=engine,
            classifier=KeywordClassifier(),
            drafter=load_drafter(s),
            start_worker=False,
        )

    return make


@pytest.fixture
def iclient(make_app: Callable[[Settings], Any], isettings: Settings) -> Iterator[TestClient]:
    with TestClient(make_app(isettings)) as c:
        yield c


class FakeClock:
    """The worker's clock and sleep: real time plus an offset; `sleep` and `advance` move the
    offset on instead of waiting."""

    def __init__(self) -> None:
        self.offset = timedelta()
        self.sleeps: list[float] = []

    @property
    def now(self) -> datetime:
        return utcnow() + self.offset

    def __call__(self) -> datetime:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.offset += timedelta(seconds=seconds)

    def advance(self, seconds: float) -> None:
        self.offset += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_worker(engine: Engine, clock: FakeClock) -> Iterator[Callable[..., Worker]]:
    """`make_worker(settings)`: a fresh worker (a new process, as far as the DB can tell), on
    the test's fake clock, so nothing really waits."""
    clients: list[httpx.Client] = []

    def make(s: Settings) -> Worker:
        http = httpx.Client(timeout=s.http_timeout_seconds)
        clients.append(http)
        return Worker(
            JobContext(
                settings=s,
                engine=engine,
                classifier=KeywordClassifier(),
                drafter=load_drafter(s),
                http=http,
                clock=clock,
                sleep=clock.sleep,
            )
        )

    yield make
    for c in clients:
        c.close()


@pytest.fixture
def iworker(make_worker: Callable[[Settings], Worker], isettings: Settings) -> Worker:
    return make_worker(isettings)


def meta_body(payload: dict[str, Any]) -> bytes:
    # Deliberately not compact: the signature must be checked on these exact bytes.
    return json.dumps(payload, indent=1, ensure_ascii=True).encode()


def meta_headers(body: bytes, secret: str = APP_SECRET) -> dict[str, str]:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {"X-Hub-Signature-256": f"sha256={digest}", "Content-Type": "application/json"}


def ig_payload(
    comment_id: str,
    text: str,
    *,
    username: str = "warga01",
    user_id: str = "555",
    parent_id: str | None = None,
):
    # Instagram webhook reference (developers.facebook.com/docs/graph-api/webhooks/reference/
    # instagram, `comments` field): `parent_id` is set when the comment replies to another one.
    value = {
        "from": {"id": user_id, "username": username},
        "media": {"id": "media-1", "media_product_type": "FEED"},
        "id": comment_id,
        "text": text,
    }
    if parent_id is not None:
        value["parent_id"] = parent_id
    return {
        "object": "instagram",
        "entry": [
            {
                "id": IG_ID,
                "time": 1700000000,
                "changes": [
                    {
                        "field": "comments",
                        "value": value,
                    }
                ],
            }
        ],
    }


def fb_change(
    comment_id: str,
    text: str,
    *,
    verb: str = "add",
    from_id: str = "777",
    parent_id: str | None = None,
) -> dict:
    # Page `feed` webhook reference: a top-level comment's parent_id is the post, a reply's
    # parent_id is the comment it answers.
    return {
        "field": "feed",
        "value": {
            "from": {"id": from_id, "name": "Budi"},
            "item": "comment",
            "verb": verb,
            "post_id": f"{PAGE_ID}_post1",
            "comment_id": comment_id,
            "parent_id": parent_id or f"{PAGE_ID}_post1",
            "message": text,
            "created_time": 1700000100,
        },
    }


def fb_payload(*changes: dict) -> dict:
    return {
        "object": "page",
        "entry": [{"id": PAGE_ID, "time": 1700000100, "changes": list(changes)}],
    }
