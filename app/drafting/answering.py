"""Answers from the knowledge base, only when sure, at sentence level.

`answer(...)` picks an entry only when its score is high enough, clearly above the second
entry, and (for questions) one of its keyword phrases is in the comment and it is about the
same service as the comment. From that entry it takes the sentences that answer what was
asked (the focus: which day, which fee, which requirement), not just the first one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.drafting.knowledge import KbIndex, KbItem
from app.drafting.slots import SlotReader, Slots
from app.drafting.text import fold, match_terms, sentences, words

MIN_SCORE = {"pertanyaan": 0.5, "keluhan": 0.6, "lainnya": 0.6}
MIN_MARGIN = 0.08
MIN_COVERAGE = 0.5
# Foci an entry must name to answer them.
EXPLICIT_FOCUS = frozenset(
    {"sabtu", "minggu", "libur", "fee", "photo", "pengantar", "duration", "status"}
)


@dataclass(frozen=True)
class KbAnswer:
    """The part of one entry that answers the comment."""

    item: KbItem
    text: str
    score: float
    margin: float

    @property
    def ref(self) -> str:
        return self.item.slug or self.item.question


def _service_conflict(reader: SlotReader, slots: Slots, item: KbItem) -> bool:
    """The comment is about one service and the entry about others, never naming it."""
    if slots.service is None:
        return False
    entry_services = _entry_services(reader, item)
    about = fold(f"{item.question} {' '.join(item.keywords)}")
    if not entry_services or slots.service in entry_services:
        return False
    service = reader.by_id.get(slots.service)
    full = fold(f"{about} {item.answer}")
    return service is None or not any(p.search(full) for p in service.patterns)


def _entry_services(reader: SlotReader, item: KbItem) -> set[str]:
    about = fold(f"{item.question} {' '.join(item.keywords)}")
    return {s.id for s in reader.services if any(p.search(about) for p in s.patterns)}


_YES_NO = re.compile(
    r"^\s*(?:apakah|apa bisa|bisa(?:kah)?|boleh(?:kah)?)\b"
    r"|\b(?:tidak|nggak|ngga|ga|gak|enggak|ya)\s*\??\s*$",
    re.IGNORECASE,
)


def coverage(comment: str, item: KbItem, *, ignore: str = "") -> float:
    """Share of the comment's content terms that the entry mentions anywhere.

    `ignore` names terms that do not count (a general entry such as "every service is free"
    covers the document the comment names).
    """
    skip = set(match_terms(ignore))
    terms = {
        t
        for t in match_terms(comment)
        if t not in _QUESTION_WORDS and not _has_digit(t) and t not in skip
    }
    if not terms:
        return 0.0
    raw = f"{item.question} {' '.join(item.keywords)} {item.answer}"
    text = fold(raw)
    known = set(match_terms(raw))
    hits = sum(1 for t in terms if t in known or t in text or t.replace("-", " ") in text)
    return hits / len(terms)


# Words of asking, not of the thing asked about.
_QUESTION_WORDS = words(
    """
    perlu juga setelah sekarang biasanya fungsinya caranya cara prosesnya wajib apa2 ngurus
    urus mengurus diurus tanya nanya dong kah ya nggak ga gak hormat menanyakan ingin dilakukan
    dapat perhatian perhatiannya ucapkan informasi petunjuk petunjuknya sampaikan bersama yth
    """
)


def _has_digit(term: str) -> bool:
    return any(ch.isdigit() for ch in term)


def focus_bonus(slots: Slots, item: KbItem) -> float:
    """Entries whose answer names what was asked ("Sabtu", "gratis") rank higher."""
    if not slots.focus_terms:
        return 0.0
    low = fold(item.answer)
    if any(fold(t) in low for t in slots.first_focus_terms):
        return 0.2
    # Asked something specific the entry does not say: rank it below the entries that do.
    return -0.1 if any(fold(t) in low for t in slots.focus_terms) else -0.3


# Words added to a complaint's query so the entry that fixes it is found ("dimintai 50 ribu" →
# the free-of-charge rule).
COMPLAINT_TERMS = {
    "fee": "biaya bayar gratis pungli calo pengaduan",
    "system": "aplikasi error gagal login",
    "delay": "cek status lacak berkas belum jadi blanko suket",
    "queue": "antrean kuota",
    "damaged": "rusak cetak ulang",
    "lost": "hilang surat kehilangan",
}
KB_PROBLEMS = frozenset({"fee", "system", "delay", "queue", "damaged", "lost"})


def pick_sentences(item: KbItem, comment: str, slots: Slots, *, limit: int = 2) -> str:
    """The sentences of the entry's answer that answer the comment's focus, in their order."""
    parts = sentences(item.answer)
    if len(parts) <= 1:
        return item.answer
    query = set(match_terms(comment))
    first = {fold(t) for t in slots.focus_terms[:1]}
    # The terms of the first (most specific) focus weigh more: "sabtu" over "jam".
    weights = {fold(t): (5 if fold(t) in first else 2) for t in slots.focus_terms}
    scored = []
    for i, sentence in enumerate(parts):
        low = fold(sentence)
        focus_hits = sum(w for t, w in weights.items() if t in low)
        overlap = len(query & set(match_terms(sentence)))
        scored.append((focus_hits + overlap, -i, i))
    scored.sort(reverse=True)
    best_score = scored[0][0]
    chosen = {scored[0][2]}
    # The entry's first sentence usually says what the service is: keep it when nothing
    # specific was asked, or when the best sentence depends on it ("Syaratnya …").
    if best_score == 0:
        chosen = {0}
    for score, _, i in scored[1:]:
        if len(chosen) >= limit:
            break
        if score > 0 and score >= best_score - 1:
            chosen.add(i)
    # "Dari situ …", "Selama blanko menunggu …" lean on the sentence before them.
    for i in sorted(chosen):
        if i > 0 and _LEANS_BACK.match(parts[i]):
            chosen.add(i - 1)
    return " ".join(parts[i] for i in sorted(chosen))


_LEANS_BACK = re.compile(
    r"^(?:dari situ|setelah itu|setelah terbit|selama|lalu|kemudian|itu|ini|hal ini|"
    r"untuk itu|karena itu|sehingga|kalau masih|jika masih)\b",
    re.IGNORECASE,
)


def answer(
    *,
    index: KbIndex,
    reader: SlotReader,
    comment: str,
    slots: Slots,
    intent: str,
) -> KbAnswer | None:
    """The sure answer for a comment, or None (then the reply says it is not in the FAQ)."""
    min_score = MIN_SCORE.get(intent)
    if min_score is None or not index.items:
        return None
    question = intent != "keluhan"
    query = comment
    if not question:
        if slots.problem not in KB_PROBLEMS:
            return None
        query = f"{comment} {COMPLAINT_TERMS.get(slots.problem or '', '')}"
    ranked = []
    for hit in index.search(query, k=6):
        if hit.lexical == 0.0 or _service_conflict(reader, slots, hit.item):
            continue
        general = not _entry_services(reader, hit.item)
        cov = coverage(comment, hit.item, ignore=slots.service_phrase if general else "")
        bonus = focus_bonus(slots, hit.item)
        final = hit.score + 0.5 * cov + bonus
        ranked.append((final, hit, cov, index.phrase_hits(query, hit.item), bonus))
    if not ranked:
        return None
    ranked.sort(key=lambda r: r[0], reverse=True)
    final, best, cov, phrases, bonus = ranked[0]
    margin = final - (ranked[1][0] if len(ranked) > 1 else 0.0)
    if final < min_score:
        return None
    # Sure enough for a question: the entry covers what the comment talks about (less is
    # needed when it answers the asked focus or matches two keyword phrases), and the match
    # is lexical, not only semantic.
    answers_focus = bonus >= 0.2
    if question and not answers_focus and slots.focus[:1] and slots.focus[0] in EXPLICIT_FOCUS:
        return None  # "open on Saturday?" is not answered by the weekday hours
    if len(phrases) >= 2:
        needed = 0.3
    elif answers_focus:
        needed = 0.4
    elif _YES_NO.search(comment):
        needed = 0.6  # "can an adopted child …?": a yes/no about a special case
    else:
        needed = MIN_COVERAGE
    lexical_ok = phrases or best.lexical >= 0.6 or (answers_focus and best.lexical >= 0.45)
    if question and (cov < needed or not lexical_ok):
        return None
    if not question:
        # A complaint gets an entry only when it is the fix for that kind of problem: one of
        # its keyword phrases lies in the problem's words ("pungli", "cek status" …).
        problem_terms = set(match_terms(COMPLAINT_TERMS.get(slots.problem or "", "")))
        fix_query = f"{COMPLAINT_TERMS.get(slots.problem or '', '')} {slots.service_phrase}"
        if not any(p & problem_terms for p in index.phrase_hits(fix_query, best.item)):
            return None
    if margin < MIN_MARGIN and len(phrases) < 2:
        return None
    text = pick_sentences(best.item, comment, slots)
    return KbAnswer(item=best.item, text=text, score=final, margin=margin)
