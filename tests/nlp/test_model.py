"""The real shipped model (marked `model`): loads and gets obvious cases right."""

from __future__ import annotations

import json

import pytest

from app.config import ROOT

MODEL_DIR = ROOT / "models" / "tanggap-mini"
pytestmark = [
    pytest.mark.model,
    pytest.mark.skipif(not (MODEL_DIR / "config.json").is_file(), reason="no shipped model"),
]


@pytest.fixture(scope="module")
def clf():
    from app.nlp.transformer import TransformerClassifier

    c = TransformerClassifier.from_dir(MODEL_DIR)
    c.warmup()
    return c


def test_shipped_model_card_and_size() -> None:
    size = sum(p.stat().st_size for p in MODEL_DIR.rglob("*") if p.is_file())
    assert size <= 50 * 1024 * 1024
    config = json.loads((MODEL_DIR / "config.json").read_text())
    assert set(config["tanggap_temperatures"]) >= {"intent", "sentiment", "abusive"}
    assert (MODEL_DIR / "README.md").is_file()


def test_shipped_model_obvious_cases(clf) -> None:
    spam, thanks, broken, abuse = clf.predict(
        [
            "𝐒𝐋𝐎𝐓 𝐆𝐀𝐂𝐎𝐑 hari ini pasti maxwin, depo 10rb di KING328",
            "terima kasih banyak pak wali, pelayanannya cepat sekali 🙏",
            "lampu jalan di gang 5 mati sudah seminggu, tolong diperbaiki",
            "dasar pejabat goblok bangsat",
        ]
    )
    assert spam.intent == "spam"
    assert thanks.intent == "apresiasi" and thanks.sentiment == "positif"
    assert broken.intent == "keluhan" and broken.sentiment == "negatif"
    assert abuse.abusive and not thanks.abusive


def test_shipped_model_has_an_action_head(clf) -> None:
    chatter, broken, spam = clf.predict(
        [
            "@budi_88 wkwk iya bener bang, kemarin aku juga lihat",
            "lampu jalan di gang 5 mati sudah seminggu, tolong diperbaiki",
            "𝐒𝐋𝐎𝐓 𝐆𝐀𝐂𝐎𝐑 hari ini pasti maxwin, depo 10rb di KING328",
        ]
    )
    assert set(broken.scores["action"]) == {"reply", "no_reply", "hide"}
    assert (broken.action, broken.action_reason) == ("reply", "model")
    assert chatter.action == "no_reply"
    assert (spam.action, spam.action_reason) == ("hide", "spam")
