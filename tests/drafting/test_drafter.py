"""The template drafter end to end: policy, KB answers, guardrails, variety, reuse, LLM."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest
from sqlmodel import Session

from app.config import Settings
from app.drafting.composer import TemplateDrafter
from app.drafting.drafter import AccountProfile, load_drafter
from app.drafting.llm import LlmPolisher, LlmPrompts, endpoint
from app.tables import Comment, Draft, KbEntry
from tests.drafting.conftest import DEMO, PROMPTS, request


def test_load_drafter_returns_the_template_drafter() -> None:
    assert isinstance(load_drafter(Settings(llm_url="")), TemplateDrafter)


def test_spam_is_hidden_not_answered(drafter: TemplateDrafter) -> None:
    result = drafter.draft(request("slot gacor maxwin", "spam"))
    assert (result.action, result.text, result.template_id) == ("hide", None, "policy/spam")


def test_abuse_gets_a_calm_reply_or_none_per_account(drafter: TemplateDrafter) -> None:
    calm = drafter.draft(request("dasar goblok petugasnya", "keluhan", "negatif", abusive=True))
    assert calm.action == "reply" and "/_abusive/" in (calm.template_id or "")
    assert "goblok" not in (calm.text or "") and calm.flags == []
    quiet = AccountProfile(
        name="x", institution_name="Dinas X", preferences={"abusive_reply": "none"}
    )
    none = drafter.draft(request("dasar goblok", "keluhan", "negatif", abusive=True, account=quiet))
    assert (none.action, none.text, none.flags) == ("none", None, ["abusive_no_reply"])


def test_questions_are_answered_from_the_kb(drafter: TemplateDrafter) -> None:
    result = drafter.draft(request("min hari sabtu buka gak ya?"))
    assert result.kb_entry is not None and result.kb_entry["slug"] == "jam-layanan"
    assert result.kb_entry_id is None  # from the YAML file, not the database
    assert "Sabtu pukul 08.00–12.00" in (result.text or "")
    assert "https://dukcapil.sukamaju.example/jam-layanan" in (result.text or "")
    assert result.text and result.text.startswith(("Halo", "Hai")) and "@rina_s" in result.text
    assert result.flags == []


def test_unknown_answers_are_not_invented(drafter: TemplateDrafter) -> None:
    result = drafter.draft(request("kapan bansos tahap 3 cair?"))
    assert result.kb_entry is None
    text = result.text or ""
    assert "dukcapil.sukamaju.example" in text and "WhatsApp 0811-0000-0001" in text
    assert "cair" not in text.lower()


def test_complaints_get_empathy_and_a_next_step(drafter: TemplateDrafter) -> None:
    for tone in ("santai", "netral", "formal"):
        result = drafter.draft(
            request(
                "antrian lama banget dari pagi belum dipanggil", "keluhan", "negatif", tone=tone
            )
        )
        text = (result.text or "").lower()
        assert "maaf" in text or "menyesal" in text, text
        assert "dm atau whatsapp 0811-0000-0001" in text, text
        assert result.flags == []


def test_personal_data_is_not_echoed(drafter: TemplateDrafter) -> None:
    text = (
        "KTP saya rusak NIK 3201234567890123 alamat Jl. Melati No. 5 RT 03, hp 081234567890 "
        "tolong dibantu"
    )
    for tone in ("santai", "netral", "formal"):
        result = drafter.draft(request(text, "keluhan", "negatif", tone=tone))
        draft = result.text or ""
        for secret in ("3201234567890123", "Melati", "081234567890", "RT 03"):
            assert secret not in draft
        assert "personal_data" not in result.flags


def test_x_replies_fit_280_characters(drafter: TemplateDrafter) -> None:
    for text, intent in [
        ("syarat akte kelahiran apa aja min", "pertanyaan"),
        ("pelayanan lambat banget, kecewa", "kritik"),
        ("tolong antrian online error terus", "keluhan"),
    ]:
        result = drafter.draft(request(text, intent, "negatif", platform="x", tone="formal"))
        assert len(result.text or "") <= 280, result.text
        assert "too_long" not in result.flags


def test_fifty_praises_do_not_read_the_same(drafter: TemplateDrafter) -> None:
    texts = {
        drafter.draft(
            request(f"terima kasih pelayanannya cepat #{n}", "apresiasi", "positif", author=None)
        ).text
        for n in range(50)
    }
    assert len(texts) >= 5


def test_drafts_are_deterministic_and_tones_differ(drafter: TemplateDrafter) -> None:
    a = drafter.draft(request("saran min, ada loket lansia", "saran"))
    b = drafter.draft(request("saran min, ada loket lansia", "saran"))
    formal = drafter.draft(request("saran min, ada loket lansia", "saran", tone="formal"))
    assert a == b
    assert a.text != formal.text and "Bapak/Ibu" in (formal.text or "")
    assert (a.template_id or "").endswith(("/santai/1", "/santai/2", "/santai/3"))
    assert a.template_hash and len(a.template_hash) == 64


# --- with a database -------------------------------------------------------------------------


def _approved(
    session: Session, text: str, reply: str, *, drafted: str | None = None, author: str = "budi"
) -> Draft:
    comment = Comment(
        platform="instagram",
        external_id=f"c-{abs(hash(text))}",
        account=DEMO,
        author=author,
        text=text,
        intent="pertanyaan",
        sentiment="netral",
    )
    session.add(comment)
    session.flush()
    draft = Draft(
        comment_id=comment.id,  # type: ignore[arg-type]
        status="approved",
        text=reply,
        drafted_text=drafted or reply,
        tone="santai",
    )
    session.add(draft)
    session.commit()
    return draft


def test_reuses_an_edited_approved_reply_for_a_similar_comment(
    drafter: TemplateDrafter, db: Session
) -> None:
    edited = _approved(
        db,
        "min perekaman ktp hari sabtu buka jam berapa?",
        "Halo @budi, Sabtu perekaman KTP-el buka 08.00–12.00 ya, datang pagi biar nggak "
        "antre lama!",
        drafted="Halo @budi, cek situs kami ya.",
    )
    _approved(db, "akta kematian syaratnya apa?", "Halo @budi, bawa surat kematian ya.")
    result = drafter.draft(
        request("perekaman ktp hari sabtu buka jam berapa min?", author="sinta"), session=db
    )
    assert result.reused_draft_id == edited.id
    assert result.generator == "reuse" and result.template_id == f"reuse/draft-{edited.id}"
    assert result.text == (
        "Halo @sinta, Sabtu perekaman KTP-el buka 08.00–12.00 ya, datang pagi biar nggak "
        "antre lama!"
    )
    # Other tones, other intents and unrelated comments do not reuse it.
    assert (
        drafter.draft(
            request("perekaman ktp hari sabtu buka jam berapa?", tone="formal"), session=db
        ).reused_draft_id
        is None
    )
    assert drafter.draft(request("cara legalisir kk?"), session=db).reused_draft_id is None


def test_reuse_skips_replies_that_fail_guardrails(drafter: TemplateDrafter, db: Session) -> None:
    _approved(db, "ktp hilang urusnya gimana ya", "Halo @budi, chat aja 0812-1111-2222 ya!")
    result = drafter.draft(request("ktp hilang urusnya gimana ya min"), session=db)
    assert result.reused_draft_id is None and result.flags == []


def test_database_kb_wins_over_the_yaml_file(drafter: TemplateDrafter, db: Session) -> None:
    entry = KbEntry(
        account=DEMO,
        slug="jam",
        question="Jam buka kantor hari Sabtu?",
        answer="Sabtu kantor tutup, kecuali layanan perekaman di mal pelayanan.",
        keywords=["sabtu", "jam buka"],
        link="https://dukcapil.sukamaju.example/jam",
    )
    db.add(entry)
    db.commit()
    result = drafter.draft(request("min hari sabtu buka gak?"), session=db)
    assert result.kb_entry_id == entry.id and result.kb_entry is not None
    assert "Sabtu kantor tutup" in (result.text or "")


def test_regenerating_the_same_comment_picks_another_variant(
    drafter: TemplateDrafter, db: Session
) -> None:
    comment = Comment(platform="x", external_id="r1", account=DEMO, text="mantap min keren")
    db.add(comment)
    db.commit()
    texts = set()
    for _ in range(4):
        result = drafter.draft(
            request("mantap min keren", "apresiasi", "positif", comment_id=comment.id), session=db
        )
        texts.add(result.text)
        db.add(Draft(comment_id=comment.id, text=result.text, status="superseded"))  # type: ignore[arg-type]
        db.commit()
    assert len(texts) >= 2


# --- LLM backend -------------------------------------------------------------------------------


class FakeChat(BaseHTTPRequestHandler):
    """A chat-completions server: `mode` decides the answer."""

    mode: ClassVar[str] = "ok"
    requests: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeChat.requests.append(
            {"path": self.path, "body": body, "auth": self.headers.get("Authorization")}
        )
        if self.mode == "slow":
            time.sleep(1.0)
        if self.mode == "error":
            self.send_response(500)
            self.end_headers()
            return
        content = {
            "ok": 'Balasan: "Halo Kak @rina_s! Sabtu kami buka khusus perekaman KTP-el, '
            '08.00–12.00. Yuk mampir!"',
            "unsafe": "Halo! Hubungi 0812-3333-4444 atau https://scam.example, pasti beres besok.",
        }.get(self.mode, "")
        payload = {
            "id": "chatcmpl-1",
            "object": "chat.completion",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "finish_reason": "stop",
                }
            ],
        }
        data = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def llm_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeChat)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeChat.requests = []
    FakeChat.mode = "ok"
    yield f"http://127.0.0.1:{server.server_port}/v1"
    server.shutdown()
    server.server_close()


def _llm_drafter(drafter: TemplateDrafter, url: str, timeout: float = 0.3) -> TemplateDrafter:
    drafter.polisher = LlmPolisher(
        url=url,
        model="fake-7b",
        prompts=LlmPrompts.from_dir(PROMPTS),
        api_key="k",
        timeout=timeout,
        cooldown_seconds=0,
    )
    return drafter


def test_llm_polishes_the_template_draft(drafter: TemplateDrafter, llm_url: str) -> None:
    result = _llm_drafter(drafter, llm_url).draft(
        request("min hari sabtu buka gak? NIK saya 3201234567890123")
    )
    assert result.generator == "llm:fake-7b"
    assert (
        result.text
        == "Halo Kak @rina_s! Sabtu kami buka khusus perekaman KTP-el, 08.00–12.00. Yuk mampir!"
    )
    assert result.kb_entry is not None and result.flags == []
    [call] = FakeChat.requests
    assert call["path"] == "/v1/chat/completions" and call["auth"] == "Bearer k"
    assert call["body"]["model"] == "fake-7b"
    roles = [m["role"] for m in call["body"]["messages"]]
    assert roles == ["system", "user"]
    user = call["body"]["messages"][1]["content"]
    assert "3201234567890123" not in user and "[data pribadi]" in user


@pytest.mark.parametrize("mode", ["slow", "error", "unsafe", "empty"])
def test_llm_failures_fall_back_to_the_template(
    drafter: TemplateDrafter, llm_url: str, mode: str
) -> None:
    FakeChat.mode = mode
    plain = drafter.draft(request("min hari sabtu buka gak?"))
    started = time.monotonic()
    result = _llm_drafter(drafter, llm_url).draft(request("min hari sabtu buka gak?"))
    assert time.monotonic() - started < 1.0
    assert result.generator == "template"
    assert result.text == plain.text and result.flags == []


def test_endpoint_urls() -> None:
    assert endpoint("http://h:11434/v1") == "http://h:11434/v1/chat/completions"
    assert endpoint("http://h:8000") == "http://h:8000/v1/chat/completions"
    assert endpoint("http://h/v1/chat/completions/") == "http://h/v1/chat/completions"


@pytest.mark.parametrize("tone", ["santai", "netral", "formal"])
@pytest.mark.parametrize("intent", ["pertanyaan", "keluhan", "apresiasi"])
def test_display_name_with_honorific_is_not_doubled(
    drafter: TemplateDrafter, tone: str, intent: str
) -> None:
    result = drafter.draft(
        request("kantor tutup terus", intent, tone=tone, platform="facebook", author="Pak Harun")
    )
    assert "Pak Harun" in (result.text or "")
    assert "Kak Pak" not in (result.text or "")
    assert "Bapak/Ibu Pak" not in (result.text or "")
