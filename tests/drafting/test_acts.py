"""The act prompts: every variant renders in every tone, keeps the register rules and guardrails."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.drafting import guardrails
from app.drafting.templates import TemplateError
from app.drafting.writer import ActStore, join, lower_first
from app.nlp.labels import TONES
from tests.drafting.conftest import PROMPTS

FULL = {
    "name": "@rina_s", "addr": "Kak @rina_s", "kak": "Kak", "inst": "Disdukcapil Kota Sukamaju",
    "short": "Dukcapil Sukamaju", "site": "https://dukcapil.sukamaju.example",
    "wa": "0811-0000-0001", "hours": "Senin–Jumat 08.00–15.00",
    "reach": "DM atau WhatsApp 0811-0000-0001", "dm": "DM atau WhatsApp 0811-0000-0001",
    "topic": "syarat akta kelahiran", "answer_topic": "syarat akta kelahiran",
    "faq_topic": "akta kelahiran", "service": "akta kelahiran", "svc": "lampu jalan",
    "place": "kecamatan Sukajadi", "wait": "3 minggu", "trouble": "menunggu 3 minggu untuk KTP-el",
    "kb_text": "Kantor buka Senin–Jumat pukul 08.00–15.00.",
    "kb_lead": "kantor buka Senin–Jumat pukul 08.00–15.00.",
    "kb_link": "https://dukcapil.sukamaju.example/jam-layanan",
    "office": "Dinas Perhubungan Kota Sukamaju", "channel": "LAPOR! (lapor.go.id)",
    "remit_summary": "dokumen kependudukan",
    "pii": "NIK", "praise_topic": "layanan KK di MPP", "praise_what": "urusan KK lancar",
    "staff_praise": True, "staff": True, "suggestion": "supaya loket dibuka Sabtu",
    "death": False, "abusive": False, "sarcasm": False, "internal": False,
}  # fmt: skip
EMPTY = {k: (False if isinstance(v, bool) else "") for k, v in FULL.items()} | {
    "addr": "Kak", "kak": "Kak", "reach": "kanal pengaduan resmi kami",
    "dm": "kanal pengaduan resmi kami", "inst": "kami", "short": "kami", "svc": "hal ini",
    "remit_summary": "layanan kami",
    "pii": "data pribadi",
}  # fmt: skip
SLANG = re.compile(r"\b(?:nggak|gak|aja|banget|makasih|udah|dong|sih|kok|yuk|Kak)\b")
CONDOLENCE = re.compile(r"berduka|menyesal|almarhum", re.IGNORECASE)


@pytest.fixture(scope="module")
def store() -> ActStore:
    return ActStore.from_dir(PROMPTS)


def test_every_act_has_variants_in_every_tone(store: ActStore) -> None:
    keys = {k for k, _ in store.cells()}
    assert {"greet", "answer.question", "not_in_faq", "empathy", "route.report", "privacy"} <= keys
    for key in keys:
        for tone in TONES:
            assert store.variants(key, tone), (key, tone)
    assert len(store.variants("empathy", "santai")) >= 3


@pytest.mark.parametrize("tone", TONES)
@pytest.mark.parametrize(
    "values", [FULL, EMPTY, FULL | {"death": True}], ids=["full", "empty", "death"]
)
def test_every_variant_renders_and_keeps_the_rules(
    store: ActStore, tone: str, values: dict[str, object]
) -> None:
    allowed = guardrails.Allowed.build(
        channels={"website": FULL["site"], "whatsapp": FULL["wa"], "hours": FULL["hours"]},
        kb_texts=[str(FULL["kb_text"]), str(FULL["kb_lead"]), str(FULL["kb_link"]), "lapor.go.id"],
    )
    for key, key_tone in sorted(store.cells()):
        if key_tone != tone:
            continue
        for template in store.variants(key, tone):
            addr = values["addr"] if tone == "santai" else "Bapak/Ibu"
            text = store.render(template, {**values, "tone": tone, "addr": addr}, seed=1)
            assert "{{" not in text and "None" not in text, template.id
            if not text:
                continue  # a close may be left out
            if tone != "santai":
                assert not SLANG.search(text), (template.id, text)
                if key != "greet":
                    assert "Bapak/Ibu" not in text, template.id  # only the greeting says it
            else:
                assert "Bapak/Ibu" not in text and not re.search(r"\b(?:kamu|Anda)\b", text)
            if not values["death"]:
                assert not CONDOLENCE.search(text), (template.id, text)
            flags = guardrails.check(text, platform="facebook", allowed=allowed)
            assert flags == [], (template.id, text, flags)


def test_greeting_joins_the_first_act() -> None:
    assert join(["Halo Kak Rina", "Kantor buka pukul 08.00.", "Semoga membantu ya!"]) == (
        "Halo Kak Rina, kantor buka pukul 08.00. Semoga membantu ya!"
    )
    assert lower_first("KTP-el rusak") == "KTP-el rusak" and lower_first("Syarat") == "syarat"


def test_missing_variable_fails_loudly(store: ActStore) -> None:
    [greet, *_] = store.variants("greet", "santai")
    with pytest.raises(TemplateError):
        store.render(greet, {}, seed=1)


def test_newest_version_wins_and_bad_files_are_refused(tmp_path: Path) -> None:
    (tmp_path / "acts.v1.yaml").write_text("acts: {greet: {santai: ['Halo']}}", encoding="utf-8")
    (tmp_path / "acts.v2.yaml").write_text("acts: {greet: {santai: ['Hai']}}", encoding="utf-8")
    assert ActStore.from_dir(tmp_path).name == "acts.v2"
    (tmp_path / "acts.v3.yaml").write_text("acts: {greet: {galak: ['x']}}", encoding="utf-8")
    with pytest.raises(TemplateError):
        ActStore.from_dir(tmp_path)
    (tmp_path / "acts.v4.yaml").write_text("acts: {greet: {santai: ['{{ x']}}", encoding="utf-8")
    with pytest.raises(TemplateError):
        ActStore.from_dir(tmp_path)
