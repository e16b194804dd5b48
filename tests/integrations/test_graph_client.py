"""GraphClient.find_reply against a fake Graph API: which earlier reply counts as ours."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from app.config import Settings
from app.integrations.meta import GraphClient, GraphTarget
from tests.integrations.fakes import Call, FakeServer

PAGE = "1234567890"
TEXT = "Halo kak, laporannya sudah kami teruskan ke dinas terkait ya."


def _pages(call: Call) -> tuple[int, Any]:
    """Two pages of Facebook replies; ours is on the second, a copy by a citizen on the first."""
    after = call.query.get("after", [None])[0]
    if after is None:
        return 200, {
            "data": [
                {"id": "c1", "message": TEXT, "from": {"id": "777", "name": "Budi"}},
                {"id": "c2", "message": "makasih min", "from": {"id": "778"}},
            ],
            "paging": {"cursors": {"after": "cur-2"}, "next": "https://graph.example/next"},
        }
    assert after == "cur-2"
    return 200, {
        "data": [{"id": "c3", "message": f"  {TEXT} ", "from": {"id": PAGE}}],
        "paging": {"cursors": {"after": "cur-3"}},
    }


@pytest.fixture
def client(settings: Settings) -> Iterator[tuple[GraphClient, FakeServer]]:
    server = FakeServer(_pages).start()
    http = httpx.Client()
    target = GraphTarget(host=server.url, version="v21.0", token="tok")
    yield GraphClient(http, target, timeout=settings.http_timeout_seconds), server
    http.close()
    server.stop()


def _find(graph: GraphClient, message: str, own: str) -> str | None:
    return graph.find_reply(
        path="fb-1/comments", text_field="message", message=message, own_ids=frozenset({own})
    )


def test_finds_own_reply_on_a_later_page(client: tuple[GraphClient, FakeServer]) -> None:
    graph, server = client
    assert _find(graph, TEXT, PAGE) == "c3"
    assert [c.path for c in server.calls] == ["/v21.0/fb-1/comments"] * 2
    assert server.calls[0].query["fields"] == ["id,message,from"]
    assert all(c.headers["authorization"] == "Bearer tok" for c in server.calls)
    assert all("tok" not in str(c.query) for c in server.calls)


def test_other_text_or_other_author_is_not_ours(client: tuple[GraphClient, FakeServer]) -> None:
    graph, _ = client
    assert _find(graph, TEXT, "999") is None
    assert _find(graph, "teks lain", PAGE) is None
