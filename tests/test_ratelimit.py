"""Per-key API rate limits answer 429 with Retry-After; other keys are not affected."""

from __future__ import annotations

from fastapi.testclient import TestClient

from app.drafting.drafter import load_drafter
from app.main import create_app
from app.nlp.keyword import KeywordClassifier
from tests.helpers import assert_error


def test_each_key_has_its_own_limit(settings, engine, make_key) -> None:
    limited = settings.model_copy(update={"api_rate_limit": "3/minute"})
    app = create_app(
        limited,
        engine=engine,
        classifier=KeywordClassifier(),
        drafter=load_drafter(limited),
        start_worker=False,
    )
    first, second = make_key("reviewer"), make_key("reviewer")
    with TestClient(app) as c:
        assert [c.get("/api/v1/drafts", headers=first).status_code for _ in range(3)] == [200] * 3
        r = c.get("/api/v1/drafts", headers=first)
        error = assert_error(r, 429, "rate_limited")
        assert 1 <= int(r.headers["retry-after"]) <= 60
        assert error["details"]["limit"].startswith("3 per 1 minute")
        assert c.get("/api/v1/drafts", headers=second).status_code == 200
        assert c.get("/readyz").status_code == 200  # probes are not rate limited


def test_serve_trusts_proxy_headers_only_from_configured_proxies(monkeypatch) -> None:
    import argparse

    import uvicorn

    from app import cli
    from app.config import Settings

    calls: list[dict] = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **kw: calls.append(kw))
    for proxies in ([], ["10.0.0.2", "10.1.0.0/16"]):
        monkeypatch.setattr(cli, "get_settings", lambda p=proxies: Settings(trusted_proxies=p))
        cli.cmd_serve(argparse.Namespace(host="127.0.0.1", port=1))
    assert calls[0]["proxy_headers"] is False
    assert calls[1]["proxy_headers"] is True
    assert calls[1]["forwarded_allow_ips"] == "10.0.0.2,10.1.0.0/16"
