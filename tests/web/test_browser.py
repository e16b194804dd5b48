"""The review UI driven in headless Chromium against a live server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlmodel import Session, select

from app.tables import Draft, LabelFeedback
from tests.web.conftest import PASSWORD, Live

pytestmark = pytest.mark.browser


def draft(live: Live, draft_id: int) -> Draft:
    with Session(live.engine) as s:
        row = s.get(Draft, draft_id)
        assert row is not None
        return row


def card(page: Any, draft_id: int) -> Any:
    return page.locator(f'.queue .card[data-draft-id="{draft_id}"]')


def flash_text(page: Any) -> str:
    return page.locator(".flashes").inner_text()


def test_login_queue_logout(page, live, reviewer):
    live.ingest("jalan rusak tolong diperbaiki", author="warga1")
    page.goto(f"{live.url}/queue")
    page.wait_for_url(f"{live.url}/login?next=%2Fqueue")
    page.fill('input[name="username"]', reviewer)
    page.fill('input[name="password"]', "salah-sandi")
    page.click('button[type="submit"]')
    assert "salah" in page.get_by_test_id("login-error").inner_text()
    page.fill('input[name="password"]', PASSWORD)
    page.click('button[type="submit"]')
    page.wait_for_url(f"{live.url}/queue")
    assert page.get_by_test_id("queue-item").count() == 1
    assert page.get_by_test_id("chip-intent").first.inner_text().startswith("Keluhan")
    cookie = next(c for c in page.context.cookies() if c["name"] == "tanggap_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    page.get_by_test_id("logout").click()
    page.wait_for_url(f"{live.url}/login")
    assert "sudah keluar" in flash_text(page)
    page.goto(f"{live.url}/dashboard")
    assert page.url.startswith(f"{live.url}/login")


def test_approve_and_edit_then_approve(page, live, login):
    first = live.draft_id(live.ingest("jalan rusak tolong", author="a"))
    second = live.draft_id(live.ingest("kapan bansos cair?", author="b"))
    login()
    card(page, first).get_by_role("button", name="Setujui").click()
    page.wait_for_selector(f'.card[data-draft-id="{first}"]', state="detached")
    assert "Balasan disetujui, tapi akun default belum tersambung" in flash_text(page)
    assert draft(live, first).status == "ready_to_post"

    box = card(page, second).locator("textarea")
    box.fill("Halo kak, bansos tahap 2 cair minggu depan ya.")
    card(page, second).get_by_role("button", name="Setujui").click()
    page.wait_for_selector(f'.card[data-draft-id="{second}"]', state="detached")
    assert "yang diedit disetujui" in flash_text(page)
    row = draft(live, second)
    assert row.status == "ready_to_post"
    assert row.text == "Halo kak, bansos tahap 2 cair minggu depan ya."
    assert page.get_by_test_id("empty").is_visible()


def test_reject_with_reason_and_regenerate(page, live, login):
    d1 = live.draft_id(live.ingest("jalan rusak tolong", author="a"))
    d2 = live.draft_id(live.ingest("kapan bansos cair?", author="b"))
    login()
    item = card(page, d1)
    item.locator('input[name="reason"]').fill("Sudah dijawab lewat DM")
    item.get_by_role("button", name="Tolak").click()
    page.wait_for_selector(f'.card[data-draft-id="{d1}"]', state="detached")
    assert "Draf ditolak." in flash_text(page)
    row = draft(live, d1)
    assert (row.status, row.reject_reason) == ("rejected", "Sudah dijawab lewat DM")

    item = card(page, d2)
    item.get_by_text("Nada & label").click()
    item.locator('select[name="tone"]').select_option("formal")
    item.get_by_role("button", name="Buat ulang").click()
    page.wait_for_selector(f'.card[data-draft-id="{d2}"]', state="detached")
    assert "nada formal" in flash_text(page)
    assert draft(live, d2).status == "superseded"
    assert page.locator(".queue .card").count() == 1


def test_keyboard_shortcuts(page, live, login):
    ids = [
        live.draft_id(live.ingest("jalan rusak tolong", author="a")),
        live.draft_id(live.ingest("lampu jalan mati tolong", author="b")),
        live.draft_id(live.ingest("kapan pendaftaran dibuka?", author="c")),
    ]
    login()
    selected = page.locator(".card.is-selected")
    assert selected.get_attribute("data-draft-id") == str(ids[0])
    page.keyboard.press("j")
    assert selected.get_attribute("data-draft-id") == str(ids[1])
    page.keyboard.press("j")
    page.keyboard.press("k")
    assert selected.get_attribute("data-draft-id") == str(ids[1])

    # e: edit the selected draft; Escape leaves the box; a: approve it.
    page.keyboard.press("e")
    assert page.evaluate("document.activeElement.dataset.role") == "text"
    page.keyboard.press("Control+a")
    page.keyboard.type("Siap, tim PJU meluncur hari ini.")
    page.keyboard.press("Escape")
    page.keyboard.press("a")
    page.wait_for_selector(f'.card[data-draft-id="{ids[1]}"]', state="detached")
    row = draft(live, ids[1])
    assert (row.status, row.text) == ("ready_to_post", "Siap, tim PJU meluncur hari ini.")

    # After the reload the item that moved into its place is selected.
    assert selected.get_attribute("data-draft-id") == str(ids[2])
    page.keyboard.press("k")
    page.keyboard.press("r")
    assert page.evaluate("document.activeElement.name") == "reason"
    page.keyboard.type("Duplikat")
    page.keyboard.press("Enter")
    page.wait_for_selector(f'.card[data-draft-id="{ids[0]}"]', state="detached")
    assert draft(live, ids[0]).reject_reason == "Duplikat"

    # a on the selected (now top) draft approves it as drafted.
    assert selected.get_attribute("data-draft-id") == str(ids[2])
    page.keyboard.press("a")
    page.wait_for_selector(f'.card[data-draft-id="{ids[2]}"]', state="detached")
    assert draft(live, ids[2]).status == "ready_to_post"


def test_bulk_hide_as_spam(page, live, login):
    spam = [
        live.draft_id(live.ingest("slot gacor maxwin hari ini", author="bot1")),
        live.draft_id(live.ingest("depo 10rb wd 1jt judi online", author="bot2")),
    ]
    # A promotion the classifier takes for a question (lainnya would get no_reply and no draft).
    missed = live.draft_id(live.ingest("promo pinjol cepat cair, cara daftar wa", author="bot3"))
    keep = live.draft_id(live.ingest("jalan rusak tolong", author="warga"))
    login()
    for draft_id in [*spam, missed]:
        card(page, draft_id).locator('[data-role="pick"]').check()
    assert page.locator('[data-role="picked-count"]').inner_text() == "3 dipilih"
    page.locator('[data-role="bulk-hide"]').click()
    page.wait_for_selector(f'.card[data-draft-id="{missed}"]', state="detached")
    assert "3 komentar disembunyikan sebagai spam" in flash_text(page)
    assert page.locator(".queue .card").count() == 1
    assert card(page, keep).count() == 1
    with Session(live.engine) as s:
        hides = s.exec(select(Draft).where(Draft.action == "hide")).all()
        assert sorted(d.status for d in hides) == ["ready_to_post"] * 3
        feedback = s.exec(select(LabelFeedback)).all()
        assert [(f.intent, f.previous["intent"]) for f in feedback] == [("spam", "pertanyaan")]
    assert draft(live, missed).status == "superseded"


def test_bulk_approve(page, live, login):
    ids = [
        live.draft_id(live.ingest("terima kasih pak, mantap", author="a")),
        live.draft_id(live.ingest("keren programnya", author="b")),
    ]
    login()
    page.locator('[data-role="pick-all"]').check()
    page.locator('[data-role="bulk-approve"]').click()
    page.wait_for_selector('[data-testid="empty"]')
    assert "2 komentar disetujui" in flash_text(page)
    assert {draft(live, i).status for i in ids} == {"ready_to_post"}


HOSTILE = (
    '<script>window.__pwned = 1; alert("xss")</script> '
    '<img src=x onerror="window.__pwned = 2; alert(2)"> '
    '"><svg onload=alert(3)> jalan rusak tolong'
)


def test_hostile_comment_is_inert(page, live, login):
    comment = live.ingest(HOSTILE, author='<b onmouseover="alert(4)">penyerang</b>')
    login()
    item = card(page, live.draft_id(comment))
    text = item.get_by_test_id("comment-text")
    assert text.inner_text() == HOSTILE
    assert "penyerang</b>" in item.locator(".author").inner_text()
    assert item.locator("script, img, svg, b").count() == 0
    item.locator(".author").hover()
    page.goto(f"{live.url}/comments/{comment['id']}")
    assert page.get_by_test_id("comment-text").inner_text() == HOSTILE
    assert page.locator("main script, main img, main svg").count() == 0
    page.wait_for_timeout(200)
    assert page.evaluate("window.__pwned") is None
    assert page.dialogs == []  # type: ignore[attr-defined]


def test_concurrent_reviewer_gets_friendly_message(page, live, login, sqlite_engine):
    draft_id = live.draft_id(live.ingest("jalan rusak tolong", author="a"))
    login()
    # Another reviewer approves the same draft through the API while this page is open.
    with Session(sqlite_engine) as s:
        from app.keys import service as keys_service

        _, key = keys_service.create(session=s, name="rekan", role="reviewer")
    r = httpx.post(
        f"{live.url}/api/v1/drafts/{draft_id}/reject",
        json={"reason": "sudah dibalas"},
        headers={"Authorization": f"Bearer {key}"},
    )
    assert r.status_code == 200
    card(page, draft_id).get_by_role("button", name="Setujui").click()
    page.wait_for_selector(".flash-error")
    message = flash_text(page)
    assert "Draf ini sudah ditolak oleh rekan (API) lebih dulu" in message
    assert draft(live, draft_id).status == "rejected"


def test_screenshots_queue_detail_dashboard(page, live, login, artifacts):
    now = datetime.now(UTC)
    samples = [
        ("Jalan di depan SDN 3 rusak parah, tolong segera diperbaiki!", "rina.s", 80, "dinas-pu"),
        ("Kapan pendaftaran beasiswa dibuka? Syaratnya apa saja?", "adit_", 60, "pemkot"),
        ("Pelayanan di kantor kecamatan lambat banget, kecewa", "warga_kota", 20, "pemkot"),
        ("Saran: sebaiknya jadwal posyandu diumumkan lebih awal", "ibu.nur", 5, "dinkes"),
        ("Terima kasih pak, penanganan banjirnya cepat. Mantap!", "bayu", 2, "pemkot"),
        ("slot gacor maxwin malam ini, depo 10rb", "promo88", 1, "pemkot"),
        ("<script>alert('xss')</script> jalan rusak tolong", "iseng", 1, "dinas-pu"),
    ]
    ids = []
    for i, (text, author, hours, account) in enumerate(samples):
        c = live.ingest(
            text,
            author=author,
            account=account,
            platform=["instagram", "facebook", "x"][i % 3],
            created_at=now - timedelta(hours=hours),
        )
        ids.append(live.draft_id(c))
    history = [
        {
            "platform": "web",
            "external_id": f"hist-{days}-{j}",
            "text": ["terima kasih mantap", "jalan rusak tolong", "kapan dibuka?"][j % 3],
            "account": ["pemkot", "dinkes"][j % 2],
            "created_at": (now - timedelta(days=days, hours=j)).isoformat(),
        }
        for days in range(1, 12)
        for j in range(days % 4 + 1)
    ]
    r = httpx.post(
        f"{live.url}/api/v1/comments/batch",
        json={"items": history},
        headers=live.integration_headers,
    )
    for item in r.json()["items"][::2]:
        httpx.post(
            f"{live.url}/api/v1/drafts/{item['comment']['draft']['id']}/approve",
            json={},
            headers=_reviewer_headers(live),
        )
    login()
    page.keyboard.press("j")
    page.screenshot(path=str(artifacts / "queue.png"), full_page=True)
    overdue = card(page, ids[0]).get_by_test_id("sla")
    assert "Lewat batas" in overdue.inner_text()
    assert "sla-overdue" in (overdue.get_attribute("class") or "")

    page.goto(f"{live.url}/comments/{page.locator('.card').first.get_attribute('data-comment-id')}")
    page.screenshot(path=str(artifacts / "comment.png"), full_page=True)
    assert page.get_by_test_id("history").locator("tbody tr").count() >= 3

    page.goto(f"{live.url}/dashboard")
    assert page.get_by_test_id("chart-intent").locator("rect").count() == 7
    assert page.get_by_test_id("chart-sentiment").locator("rect").count() > 5
    assert page.get_by_test_id("per-account").locator("tbody tr").count() == 3
    assert page.get_by_test_id("chart-backlog").locator("rect").count() == 4
    page.screenshot(path=str(artifacts / "dashboard.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_test_id("export").click()
    assert download.value.suggested_filename.endswith(".csv")


_KEYS: dict[str, dict[str, str]] = {}


def _reviewer_headers(live: Live) -> dict[str, str]:
    if live.url not in _KEYS:
        from app.keys import service as keys_service

        with Session(live.engine) as s:
            _, key = keys_service.create(session=s, name="seed", role="reviewer")
        _KEYS[live.url] = {"Authorization": f"Bearer {key}"}
    return _KEYS[live.url]
