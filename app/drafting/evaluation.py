"""An honest evaluation of drafts: labeled comments with what a good reply must and must not do.

Each item of an evaluation file (``tests/drafting/data/evalset.*.yaml``) gives a comment, the
labels the classifier should produce (fed to the drafter, so this measures the drafter, not
the classifier) and the expectations: the action, the acts a good reply contains, the KB
entries it may state facts from, strings it must and must not contain. `check` applies those
plus the rules every draft must follow (register, honorifics, no condolence unless someone died,
no personal data repeated, no follow-up promised for other offices' work, no guardrail flag,
one concrete detail of the comment). Plain Python: the caller supplies drafter and context.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from app.drafting.drafter import DraftContext, Drafter, DraftRequest, DraftResult
from app.drafting.text import fold, match_terms
from app.nlp.classifier import Prediction

SLANG = ("nggak", "gak", "aja", "banget", "makasih", "udah", "dong", "sih", "kok", "yuk", "gimana")
CONDOLENCE = ("turut berduka", "berduka cita", "turut menyesal", "innalillahi")
FOLLOW_UP = ("kami teruskan", "kami tindak lanjuti", "kami perbaiki", "kami proses", "kami cek")
# Promises no reply may make, whatever the office: the account cannot vouch for what happens next.
PROMISE = (
    "kami teruskan", "kami tindak lanjuti", "akan kami", "kami sampaikan ke",
    "kami sampaikan kepada", "kami catat dan sampaikan", "segera kami", "akan segera",
    "akan ditindaklanjuti",
    "kami perbaiki", "kami proses",
)  # fmt: skip
ACT_EVIDENCE: dict[str, tuple[str, ...]] = {
    "empathy": ("maaf", "paham", "berduka", "memahami"),
    "not_in_faq": ("faq",),
    "route": ("lapor", "diurus di", "ditangani", "kewenangan", "berwenang", "melayani"),
    "privacy": ("hapus",),
    "ask_detail": ("nomor registrasi", "kantor mana", "hari dan jam", "tangkapan layar"),
    "thanks": ("terima kasih", "makasih"),
    "acknowledge": ("kritik", "usul", "saran", "masukan", "terima kasih", "makasih", "catat"),
}
ALLOWED_FLAGS = frozenset({"hide_comment_pii"})


@dataclass(frozen=True)
class EvalItem:
    """One labeled comment with the expectations for its draft."""

    id: str
    text: str
    platform: str
    author: str | None
    tone: str | None
    intent: str
    sentiment: str
    abusive: bool
    action: str
    pii: tuple[tuple[str, str], ...]
    acts: tuple[str, ...]
    facts: tuple[str, ...]
    must: tuple[str, ...]
    must_not: tuple[str, ...]
    death: bool
    label_action: str | None = None  # the classifier's action when it differs from the expected

    def prediction(self) -> Prediction:
        """The labels as the classifier's output (personal data as character spans)."""
        spans = []
        for kind, value in self.pii:
            start = self.text.find(value)
            if start >= 0:
                spans.append({"type": kind, "start": start, "end": start + len(value)})
        return Prediction(
            intent=self.intent,
            sentiment=self.sentiment,
            abusive=self.abusive,
            action=self.label_action or self.action,
            pii=spans,
        )


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value or ())


def load(path: Path) -> list[EvalItem]:
    """Read an evaluation file (YAML with ``items``); raises ValueError on a malformed item."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    items = []
    for n, row in enumerate(data.get("items") or [], start=1):
        try:
            items.append(
                EvalItem(
                    id=str(row["id"]),
                    text=str(row["text"]),
                    platform=str(row.get("platform") or "other"),
                    author=row.get("author"),
                    tone=row.get("tone"),
                    intent=str(row["intent"]),
                    sentiment=str(row["sentiment"]),
                    abusive=bool(row.get("abusive", False)),
                    action=str(row["action"]),
                    pii=tuple((str(p["type"]), str(p["text"])) for p in row.get("pii") or ()),
                    acts=_strings(row.get("acts")),
                    facts=_strings(row.get("facts")),
                    must=_strings(row.get("must")),
                    must_not=_strings(row.get("must_not")),
                    death=bool(row.get("death", False)),
                    label_action=row.get("label_action"),
                )
            )
        except (KeyError, TypeError) as exc:
            raise ValueError(f"{path}: item {n}: missing or bad field {exc}") from exc
    return items


def _has(text: str, needle: str) -> bool:
    return fold(needle) in fold(text)


def _word(text: str, word: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", fold(text)) is not None


def check(item: EvalItem, result: DraftResult, *, tone: str) -> list[str]:
    """Why the draft fails the item (empty when it passes)."""
    reasons: list[str] = []
    if result.action != item.action:
        return [f"action {result.action}, expected {item.action}"]
    if item.action == "no_reply":
        if result.text and item.intent != "apresiasi":
            reasons.append("offers a text although no reply is needed")
        return reasons
    if item.action == "hide":
        return reasons
    text = result.text or ""
    if not text:
        return ["empty reply"]
    for act in item.acts:
        if act not in result.acts:
            reasons.append(f"plan lacks {act}")
        elif act == "answer":
            if not result.facts:
                reasons.append("answer without a KB fact")
        elif not any(_has(text, e) for e in ACT_EVIDENCE.get(act, ())):
            reasons.append(f"{act} not visible in the text")
    for fact in result.facts:
        if fact not in item.facts:
            reasons.append(f"states KB entry {fact}, allowed {list(item.facts) or 'none'}")
    for needle in item.must:
        if not _has(text, needle):
            reasons.append(f"missing {needle!r}")
    for needle in item.must_not:
        if _has(text, needle):
            reasons.append(f"says {needle!r}")
    if not item.death and any(_has(text, w) for w in CONDOLENCE):
        reasons.append("condolence wording although nobody died")
    if "kronologi" in fold(text):
        reasons.append("asks for a chronology")
    if "route" in item.acts and any(_has(text, w) for w in FOLLOW_UP):
        reasons.append("promises follow-up on another office's work")
    elif any(_has(text, w) for w in PROMISE):
        reasons.append("promises what the account cannot vouch for")
    if item.intent in ("keluhan", "kritik") and any(
        _word(text, w) for w in ("senang", "syukurlah", "alhamdulillah")
    ):
        reasons.append("reads a complaint as good news")
    reasons += _register(item, text, tone)
    for kind, value in item.pii:
        digits = re.sub(r"\D", "", value)
        if _has(text, value) or (len(digits) >= 6 and digits in re.sub(r"\D", "", text)):
            reasons.append(f"repeats the {kind}")
    if item.pii and "hide_comment_pii" not in result.flags:
        reasons.append("personal data but the comment is not flagged for hiding")
    bad_flags = [f for f in result.flags if f not in ALLOWED_FLAGS]
    if bad_flags:
        reasons.append(f"guardrail flags {bad_flags}")
    if not set(match_terms(item.text)) & set(match_terms(text)):
        reasons.append("names nothing concrete from the comment")
    return reasons


def _register(item: EvalItem, text: str, tone: str) -> list[str]:
    reasons = []
    titled = bool(item.author and item.author.split()[0].rstrip(".").lower() in _TITLES)
    if tone == "santai":
        if "Bapak/Ibu" in text and not titled:
            reasons.append("santai reply says Bapak/Ibu")
        if not titled and not re.search(r"\bKak\b", text):
            reasons.append("santai reply never says Kak")
        if re.search(r"\b(?:kamu|Anda)\b", text, re.IGNORECASE):
            reasons.append("santai reply mixes kamu/Anda with Kak")
    else:
        if text.count("Bapak/Ibu") > 1:
            reasons.append("Bapak/Ibu more than once")
        slang = [w for w in SLANG if _word(text, w)] + (
            ["Kak"] if re.search(r"\bKak\b", text) else []
        )
        if slang:
            reasons.append(f"slang in a {tone} reply: {slang}")
    return reasons


_TITLES = frozenset({"ibu", "bu", "bapak", "pak", "mas", "mbak", "kak", "bang", "om", "tante"})


@dataclass
class Outcome:
    item: EvalItem
    tone: str
    result: DraftResult
    reasons: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.reasons


def run(
    drafter: Drafter,
    items: Sequence[EvalItem],
    *,
    context: Callable[[EvalItem], DraftContext],
    tone: str | None = None,
    default_tone: str = "santai",
) -> list[Outcome]:
    """Draft every item (in its own tone, or `tone`) and check it.

    The drafts of the run so far are the context's recent texts, as in the service.
    """
    outcomes = []
    recent: list[str] = []
    for item in items:
        use_tone = tone or item.tone or default_tone
        base = context(item)
        ctx = DraftContext(
            profile=base.profile,
            kb=base.kb,
            approved=base.approved,
            drafts_for_comment=base.drafts_for_comment,
            recent_texts=tuple(recent[-200:]),
        )
        request = DraftRequest(
            text=item.text,
            prediction=item.prediction(),
            tone=use_tone,
            platform=item.platform,
            author=item.author,
        )
        result = drafter.draft(request, ctx)
        if result.text and result.action == "reply":
            recent.append(result.text)
        outcomes.append(Outcome(item, use_tone, result, check(item, result, tone=use_tone)))
    return outcomes


def duplicate_share(texts: Iterable[str | None]) -> tuple[float, int, int]:
    """(share of reply texts that repeat an earlier one, duplicates, replies)."""
    replies = [t for t in texts if t]
    counts = Counter(replies)
    dupes = sum(c - 1 for c in counts.values())
    return (dupes / len(replies) if replies else 0.0), dupes, len(replies)


def summary(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    """Pass share overall, per expected action and per first act."""
    by: dict[str, list[bool]] = {}
    for o in outcomes:
        group = o.item.action if o.item.action != "reply" else f"reply:{(o.item.acts or ('-',))[0]}"
        by.setdefault(group, []).append(o.passed)
    passed = sum(o.passed for o in outcomes)
    share, dupes, replies = duplicate_share(o.result.text for o in outcomes)
    return {
        "items": len(outcomes),
        "passed": passed,
        "pass_share": round(passed / len(outcomes), 4) if outcomes else 0.0,
        "by_group": {k: f"{sum(v)}/{len(v)}" for k, v in sorted(by.items())},
        "duplicate_share": round(share, 4),
        "duplicates": dupes,
        "replies": replies,
    }
