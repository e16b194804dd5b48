"""What the admin should do with a comment: ``reply``, ``no_reply`` or ``hide``, and why.

Rules back up the model, in this order:

1. spam or promotion (intent ``spam``) → ``hide`` (reason ``spam``);
2. abuse aimed at a person (abusive, and addressed to someone: a mention, "kamu/lu/kau",
   "dasar ...", an official or a user) → ``hide`` (``abuse``);
3. someone else's personal data (`app.nlp.pii.pii_owner` says ``other``) → ``hide``
   (``pii_other``);
4. otherwise the model's ``action:*`` head when it has one (``model``), else from intent:
   ``lainnya`` → ``no_reply`` (``chatter``), any other intent → ``reply`` (``addressed``).

Every classifier calls `decide` on its predictions, so `Prediction.action`, `action_reason` and
`pii` are always set.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from app.nlp.classifier import Prediction
from app.nlp.labels import ACTIONS
from app.nlp.pii import find_pii, pii_owner

REASONS: tuple[str, ...] = ("spam", "abuse", "pii_other", "model", "chatter", "addressed")

# Abuse aimed at someone, not a swear word about the weather or the traffic.
_AIMED = re.compile(
    r"(^|\s)@\w|\b(kamu|kau|lu|lo|loe|lue|elu|elo|lo?nya|ente|anda|kalian|dasar|kaya|kayak|"
    r"muka|otak|mulut|bapak|pak|ibu|bu|mas|mbak|bang|om|min|admin|mimin|pejabat|petugas|"
    r"pegawai|pns|aparat|polisi|dewan|dprd?|bupati|walikota|wali ?kota|gubernur|presiden|"
    r"menteri|lurah|camat|kades|pemimpin|orang|si)\b",
    re.IGNORECASE,
)


def abuse_is_aimed(text: str) -> bool:
    """Whether abusive words in ``text`` are aimed at a person (a mention, "kamu", "dasar",
    an official); "anjir macet parah" is not."""
    return bool(_AIMED.search(text))


def decide(prediction: Prediction, text: str) -> Prediction:
    """The prediction with ``pii``, ``action`` and ``action_reason`` filled in for ``text``."""
    pii = find_pii(text)
    action, reason = _rule(prediction, text, pii)
    return replace(prediction, action=action, action_reason=reason, pii=pii)


def _rule(prediction: Prediction, text: str, pii: list[dict[str, Any]]) -> tuple[str, str]:
    if prediction.intent == "spam":
        return "hide", "spam"
    if prediction.abusive and abuse_is_aimed(text):
        return "hide", "abuse"
    if any(pii_owner(text, span) == "other" for span in pii):
        return "hide", "pii_other"
    head = prediction.scores.get("action")
    if isinstance(head, dict) and head:
        best = max((k for k in head if k in ACTIONS), key=head.__getitem__, default=None)
        if best is not None:
            return best, "model"
    if prediction.intent == "lainnya":
        return "no_reply", "chatter"
    return "reply", "addressed"
