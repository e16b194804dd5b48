"""The action rules: spam, abuse at a person and someone else's data are hidden; the model's
action head decides the rest, else the intent."""

from __future__ import annotations

import pytest

from app.nlp.action import abuse_is_aimed, decide
from app.nlp.classifier import Prediction
from app.nlp.keyword import KeywordClassifier


def pred(intent: str = "keluhan", abusive: bool = False, action: dict | None = None) -> Prediction:
    scores: dict = {"intent": {intent: 0.9}, "sentiment": {"netral": 1.0}, "abusive": 0.1}
    if action is not None:
        scores["action"] = action
    return Prediction(intent=intent, sentiment="netral", abusive=abusive, scores=scores)


MODEL_SAYS_REPLY = {"reply": 0.8, "no_reply": 0.1, "hide": 0.1}


@pytest.mark.parametrize(
    ("prediction", "text", "action", "reason"),
    [
        (pred("spam", action=MODEL_SAYS_REPLY), "slot gacor depo 10rb", "hide", "spam"),
        (pred("kritik", True, MODEL_SAYS_REPLY), "dasar pejabat goblok", "hide", "abuse"),
        (pred("kritik", True), "@andi_77 otak lu di dengkul ya", "hide", "abuse"),
        (pred("keluhan", True), "anjir macet parah banget hari ini", "reply", "addressed"),
        (
            pred("lainnya", action=MODEL_SAYS_REPLY),
            "ini nomor penipunya 081234567890 sebarin",
            "hide",
            "pii_other",
        ),
        (pred("keluhan"), "NIK saya 3578014506900002 belum terdaftar", "reply", "addressed"),
        (
            pred("apresiasi", action={"reply": 0.2, "no_reply": 0.7, "hide": 0.1}),
            "mantap",
            "no_reply",
            "model",
        ),
        (pred("lainnya"), "@budi wkwk iya bener", "no_reply", "chatter"),
        (pred("pertanyaan"), "kapan bansos cair?", "reply", "addressed"),
    ],
)
def test_rules_back_up_the_model(
    prediction: Prediction, text: str, action: str, reason: str
) -> None:
    out = decide(prediction, text)
    assert (out.action, out.action_reason) == (action, reason)


def test_pii_is_attached() -> None:
    out = decide(pred(), "hubungi saya di 081234567890")
    assert out.pii == [{"type": "phone", "start": 16, "end": 28}]


def test_aimed_abuse() -> None:
    assert abuse_is_aimed("kamu bodoh")
    assert not abuse_is_aimed("anjir hujan deras banget")


def test_keyword_classifier_gives_action_and_pii() -> None:
    spam, question, chatter = KeywordClassifier().predict(
        ["slot gacor maxwin", "kapan KTP saya jadi? wa 081234567890", "wkwk"]
    )
    assert (spam.action, spam.action_reason) == ("hide", "spam")
    assert question.action == "reply" and question.pii[0]["type"] == "phone"
    assert (chatter.action, chatter.action_reason) == ("no_reply", "chatter")
