"""Graph API versions: the default is supported, near-end versions warn at start-up."""

from __future__ import annotations

import logging
from datetime import date

from fastapi.testclient import TestClient

from app.config import Settings
from app.integrations.versions import GRAPH_VERSION_ENDS, version_warning


def test_default_version_is_the_one_with_the_longest_window() -> None:
    default = Settings.model_fields["meta_api_version"].default
    # None = Meta has not announced an end yet: longer than any dated one.
    assert GRAPH_VERSION_ENDS[default] is None
    assert version_warning(default, today=date(2026, 12, 4)) is None


def test_warnings_within_60_days_of_the_end_and_after_it() -> None:
    assert version_warning("v22.0", today=date(2027, 3, 20)) is None  # 61 days left
    assert "2027-05-20" in (version_warning("v22.0", today=date(2027, 3, 21)) or "")
    assert "stopped" in (version_warning("v20.0", today=date(2026, 12, 4)) or "")
    assert "not one Tanggap knows" in (version_warning("v99.0", today=date(2026, 12, 4)) or "")


def test_start_up_warns_about_the_configured_and_account_versions(
    make_app, isettings, make_key, caplog
) -> None:
    caplog.set_level(logging.WARNING, logger="tanggap")
    s = isettings.model_copy(update={"meta_api_version": "v26.0"})
    with TestClient(make_app(s)) as c:
        r = c.put(
            "/api/v1/accounts/dinas/connection",
            json={"meta_graph_version": "v21.0", "meta_graph_host": "https://graph.instagram.com"},
            headers=make_key("admin"),
        )
        assert r.status_code == 200, r.text
        meta = r.json()["meta"]
        assert meta["graph_host"] == "https://graph.instagram.com"
        assert meta["version_warning"] == version_warning("v21.0", today=date.today())
        bad = c.put(
            "/api/v1/accounts/dinas/connection",
            json={"meta_graph_version": "v99.0"},
            headers=make_key("admin"),
        )
        assert bad.status_code == 422 and bad.json()["error"]["code"] == "validation_error"
    caplog.clear()
    with TestClient(make_app(s)):
        pass
    # Today (the test's clock is the real one) decides whether v21.0 is near its end.
    near = version_warning("v21.0", today=date.today())
    messages = [r.getMessage() for r in caplog.records if "graph_version" in r.getMessage()]
    assert any("account dinas" in m for m in messages) == (near is not None)
    assert not any("TANGGAP_META_API_VERSION" in m for m in messages)
