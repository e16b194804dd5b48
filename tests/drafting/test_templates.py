"""Every template renders, strictly, for every intent × sentiment × tone."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from app.drafting import guardrails
from app.drafting.templates import ABUSIVE, TemplateError, TemplateStore, TopicLexicon, tidy
from app.nlp.labels import INTENTS, SENTIMENTS, TONES
from tests.drafting.conftest import PROMPTS

CHANNELS = {
    "website": "https://dukcapil.sukamaju.example",
    "whatsapp": "0811-0000-0001",
    "office_hours": "Senin–Jumat 08.00–15.00",
}
KB = {
    "answer": "KTP-el yang rusak bisa dicetak ulang di kantor. Layanannya gratis.",
    "first": "KTP-el yang rusak bisa dicetak ulang di kantor.",
    "link": "https://dukcapil.sukamaju.example/ktp-el",
    "question": "KTP-el rusak?",
    "slug": "ktp-el-rusak",
}


def _contexts():  # type: ignore[no-untyped-def]
    full = {
        "name": "@rina_s",
        "topic": "KTP-el",
        "inst": "Disdukcapil Kota Sukamaju",
        "site": CHANNELS["website"],
        "wa": CHANNELS["whatsapp"],
        "hotline": "",
        "email": "",
        "hours": CHANNELS["office_hours"],
        "reach": "DM atau WhatsApp 0811-0000-0001",
        "kb": KB,
        "platform": "instagram",
    }
    bare = dict(full, name="", topic="", site="", wa="", hours="", kb=None, inst="kami")
    bare["reach"] = "kanal pengaduan resmi kami"
    return {"full": full, "bare": bare, "no_kb": dict(full, kb=None)}


CELLS = [(i, s, t) for i, s, t in itertools.product(INTENTS, SENTIMENTS, TONES) if i != "spam"]


def test_every_cell_has_its_own_variants(store: TemplateStore) -> None:
    for intent, sentiment, tone in CELLS:
        own = [t for t in store if (t.intent, t.sentiment, t.tone) == (intent, sentiment, tone)]
        assert len(own) >= 2, (intent, sentiment, tone)
    for tone in TONES:
        assert len(store.candidates(ABUSIVE, "negatif", tone)) >= 2
    assert not [t for t in store if t.intent == "spam"], "spam gets a hide suggestion, no reply"


@pytest.mark.parametrize(("intent", "sentiment", "tone"), CELLS)
def test_every_template_renders_strictly(
    store: TemplateStore, intent: str, sentiment: str, tone: str
) -> None:
    allowed = guardrails.Allowed.build(channels=CHANNELS, kb_texts=[KB["answer"], KB["link"]])
    for template in store.candidates(intent, sentiment, tone):
        for label, context in _contexts().items():
            for seed in range(3):
                text = store.render(template, context, seed=seed)
                where = f"{template.id} [{label}, seed {seed}]: {text}"
                assert len(text) > 40, where
                assert "{" not in text and "}" not in text, where
                assert "None" not in text and "  " not in text, where
                assert not re.search(r"\s[,.!?]", text), where
                assert text[0].isupper(), where
                assert guardrails.check(text, platform="instagram", allowed=allowed) == [], where
                if label != "bare":
                    assert "@rina_s" in text, where


def test_kb_answer_appears_in_question_templates(store: TemplateStore) -> None:
    context = _contexts()["full"]
    for tone in TONES:
        for template in store.candidates("pertanyaan", "netral", tone):
            assert KB["answer"] in store.render(template, context, seed=1)


def test_questions_without_kb_point_to_channels_instead_of_answering(
    store: TemplateStore,
) -> None:
    context = _contexts()["no_kb"]
    for template in store.candidates("pertanyaan", "negatif", "santai"):
        text = store.render(template, context, seed=0)
        assert CHANNELS["website"] in text and "WhatsApp 0811-0000-0001" in text


def test_ids_are_unique_and_hashes_are_sha256(store: TemplateStore) -> None:
    ids = [t.id for t in store]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[0-9a-f]{64}", t.hash) for t in store)
    assert all(t.id.startswith("replies.v1/") for t in store)


def test_missing_variable_fails_loudly(store: TemplateStore) -> None:
    template = store.candidates("keluhan", "negatif", "santai")[0]
    context = _contexts()["full"]
    del context["reach"]
    with pytest.raises(TemplateError):
        store.render(template, context, seed=0)


def test_hash_changes_with_the_shared_macros(tmp_path: Path) -> None:
    def store_with(macro: str) -> TemplateStore:
        path = tmp_path / "replies.v9.yaml"
        path.write_text(
            "version: 9\nmacros: '" + macro + "'\n"
            "templates:\n  saran:\n    netral:\n      santai:\n        - 'Makasih {{ x }}'\n",
            encoding="utf-8",
        )
        return TemplateStore.from_dir(tmp_path)

    a = next(iter(store_with("{% macro m() %}a{% endmacro %}")))
    b = next(iter(store_with("{% macro m() %}b{% endmacro %}")))
    assert a.id == b.id == "replies.v9/saran/netral/santai/1"
    assert a.hash != b.hash


def test_newest_version_wins_and_bad_files_are_rejected(tmp_path: Path) -> None:
    body = "templates:\n  saran:\n    netral:\n      santai:\n        - 'v{{ n }}'\n"
    (tmp_path / "replies.v1.yaml").write_text(body, encoding="utf-8")
    (tmp_path / "replies.v2.yaml").write_text(body, encoding="utf-8")
    assert TemplateStore.from_dir(tmp_path).name == "replies.v2"
    (tmp_path / "replies.v3.yaml").write_text(
        "templates:\n  gossip:\n    netral:\n      santai: ['x']\n", encoding="utf-8"
    )
    with pytest.raises(TemplateError, match="unknown intent"):
        TemplateStore.from_dir(tmp_path)
    (tmp_path / "replies.v3.yaml").write_text(
        "templates:\n  saran:\n    netral:\n      santai: ['{% if %}']\n", encoding="utf-8"
    )
    with pytest.raises(TemplateError):
        TemplateStore.from_dir(tmp_path)


def test_tidy_fixes_template_whitespace() -> None:
    assert tidy("Halo ,  kak\n\n kami bantu .") == "Halo, kak kami bantu."
    assert tidy("Makasih ya!.") == "Makasih ya!"


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("ktp saya patah min", "KTP-el yang rusak"),
        ("syarat akte kelahiran apa?", "akta kelahiran"),
        ("mau urus surat pindah", "pindah domisili"),
        ("antrian online error", "antrean online"),
        ("halo min", None),
    ],
)
def test_topic_lexicon(text: str, phrase: str | None) -> None:
    assert TopicLexicon.from_dir(PROMPTS).find(text) == phrase
