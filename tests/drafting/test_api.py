"""HTTP API for stateless classification and drafts (the lead's app fixtures)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.tables import Comment

KB_YAML = """
account:
  name: kota-x
  institution_name: Dinas Kota X
  channels: {website: "https://x.example", whatsapp: "0811-0000-0009"}
entries:
  - slug: jam
    question: "Jam buka kantor?"
    answer: "Buka Senin-Jumat 08.00-15.00."
    keywords: [jam buka, sabtu]
    link: "https://x.example/jam"
"""


def test_stateless_draft_uses_the_kb_and_stores_nothing(
    client: TestClient, make_key, engine
) -> None:  # type: ignore[no-untyped-def]
    admin, integration = make_key("admin"), make_key("integration")
    r = client.post(
        "/api/v1/kb/import", content=KB_YAML, headers={**admin, "Content-Type": "application/yaml"}
    )
    assert r.status_code == 200, r.text
    assert r.json() | {"account": "kota-x"} == {
        "account": "kota-x",
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "total": 1,
        "account_created": True,
    }
    r = client.post(
        "/api/v1/draft",
        json={
            "text": "jam berapa kantor buka?",
            "account": "kota-x",
            "platform": "x",
            "author": "ani",
        },
        headers=integration,
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["action"] == "reply" and body["intent"] == "pertanyaan"
    assert body["kb_entry"]["question"] == "Jam buka kantor?" and body["kb_entry"]["id"] is not None
    assert "buka Senin-Jumat 08.00-15.00." in body["draft"].replace("Buka", "buka")
    assert "@ani" in body["draft"] and body["acts"][0] == "answer"
    assert body["flags"] == [] and body["template_id"].startswith("acts.v1/greet:")
    spam = client.post(
        "/api/v1/draft", json={"text": "slot gacor maxwin"}, headers=integration
    ).json()
    assert (spam["action"], spam["draft"]) == ("hide", None)
    with Session(engine) as s:
        assert s.exec(select(Comment)).all() == []
    assert client.post("/api/v1/draft", json={"text": ""}, headers=integration).status_code == 422
    assert client.post("/api/v1/draft", json={"text": "x"}).status_code == 401


def test_stateless_classify_returns_the_labels_and_stores_nothing(
    client: TestClient, make_key, engine, classifier
) -> None:  # type: ignore[no-untyped-def]
    integration = make_key("integration")
    r = client.post(
        "/api/v1/classify", json={"text": "𝑲𝑰𝑵𝑮𝟑𝟐𝟖 slot gacor maxwin"}, headers=integration
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {
        "intent",
        "sentiment",
        "abusive",
        "action",
        "action_reason",
        "pii",
        "scores",
        "model_version",
    }
    assert body["intent"] == "spam" and body["model_version"] == classifier.model_version
    assert (body["action"], body["action_reason"], body["pii"]) == ("hide", "spam", [])
    assert abs(sum(body["scores"]["intent"].values()) - 1) < 1e-3
    question = client.post(
        "/api/v1/classify", json={"text": "min, syarat bikin KTP apa aja?"}, headers=integration
    ).json()
    assert question["intent"] == "pertanyaan" and question["action"] == "reply"
    leak = client.post(
        "/api/v1/classify",
        json={"text": "ini nomor penipunya 081234567890 sebarin aja"},
        headers=integration,
    ).json()
    assert (leak["action"], leak["action_reason"]) == ("hide", "pii_other")
    assert leak["pii"] == [{"type": "phone", "start": 20, "end": 32}]
    with Session(engine) as s:
        assert s.exec(select(Comment)).all() == []


def test_stateless_classify_rejects_bad_input_with_a_typed_error(
    client: TestClient, make_key, settings
) -> None:  # type: ignore[no-untyped-def]
    key = make_key("integration")
    for payload in ({"text": ""}, {"text": "   "}, {}, {"text": "ok", "extra": 1}):
        r = client.post("/api/v1/classify", json=payload, headers=key)
        assert r.status_code == 422, payload
        assert r.json()["error"]["code"]
    too_long = client.post(
        "/api/v1/classify", json={"text": "a" * (settings.max_text_chars + 1)}, headers=key
    )
    assert too_long.status_code == 422
    assert too_long.json()["error"]["details"]["max_chars"] == settings.max_text_chars
    assert client.post("/api/v1/classify", json={"text": "halo"}).status_code == 401
