"""`tanggap seed-demo`: the demo account, its KB and a queue with drafts, idempotent."""

from __future__ import annotations

from sqlmodel import Session, select

from app.tables import Comment, Draft, KbEntry


def test_seed_demo_fills_the_queue_once(engine, monkeypatch, capsys) -> None:
    from app.cli import main
    from app.config import get_settings

    monkeypatch.setenv("TANGGAP_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("TANGGAP_CLASSIFIER_BACKEND", "keyword")
    get_settings.cache_clear()
    try:
        assert main(["seed-demo"]) == 0
        assert main(["seed-demo"]) == 0
    finally:
        get_settings.cache_clear()
    out = capsys.readouterr().out
    assert "demo comments: 0 added" in out  # the second run adds nothing

    with Session(engine) as s:
        comments = s.exec(select(Comment)).all()
        drafts = s.exec(select(Draft)).all()
        kb = s.exec(select(KbEntry)).all()
    assert len(comments) >= 8 and {c.account for c in comments} == {"demo-disdukcapil"}
    assert len(kb) >= 10
    # every comment gets one queue item: a draft to review, or "tidak perlu dibalas" for chatter
    assert len(drafts) == len(comments)
    chatter = {c.id for c in comments if c.action == "no_reply"}
    assert {d.comment_id for d in drafts if d.action == "no_reply"} == chatter
    assert {d.status for d in drafts if d.action != "no_reply"} == {"pending"}
    assert len([d for d in drafts if d.action != "no_reply"]) >= 8
    replies = [d for d in drafts if d.action == "reply"]
    assert any(d.kb_entry_id is not None for d in replies)  # questions answered from the KB
    assert any(d.action == "hide" for d in drafts)  # the gambling spam gets a hide suggestion


def test_seed_demo_without_comments(engine, monkeypatch) -> None:
    from app.cli import main
    from app.config import get_settings

    monkeypatch.setenv("TANGGAP_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    try:
        assert main(["seed-demo", "--no-comments"]) == 0
    finally:
        get_settings.cache_clear()
    with Session(engine) as s:
        assert s.exec(select(Comment)).all() == []
