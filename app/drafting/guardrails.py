"""Guardrails run on every draft (template, reused or LLM-polished).

A draft may only contain links, phone numbers and e-mail addresses that the account's settings
or knowledge base hold; it never promises dates, money or outcomes; it never repeats personal
data from the comment (NIK, phone, e-mail, street address); it has no profanity; it fits the
platform. Each failed rule adds a flag; drafts are flagged, not silently rewritten, so a reviewer
sees why. Text the institution wrote itself (KB answers, channel values) is exempt from the
date/amount rules: "buka Senin–Jumat 08.00–15.00" is a fact, not a promise.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from app.drafting.text import fold, sentences, tokens, words

FLAG_URL = "url_not_allowed"
FLAG_PHONE = "phone_not_allowed"
FLAG_EMAIL = "email_not_allowed"
FLAG_DATE = "promised_date"
FLAG_AMOUNT = "promised_amount"
FLAG_OUTCOME = "promised_outcome"
FLAG_PERSONAL = "personal_data"
FLAG_PROFANITY = "profanity"
FLAG_TOO_LONG = "too_long"
FLAG_EMPTY = "empty"

PLATFORM_LIMITS: dict[str, int] = {
    "x": 280,
    "instagram": 2200,
    "tiktok": 150,
    "facebook": 8000,
    "youtube": 10000,
    "web": 2000,
    "other": 2000,
}

_TLDS = (
    "com|net|org|id|co|io|me|ly|info|biz|xyz|site|online|top|app|link|click|example|gov|edu|ac|"
    "or|web|my|sg|us|uk|tv|gg|bit|shop|store|vip|live|pro|asia|cc|ws|to|in"
)
_URL = re.compile(
    rf"(?:https?://|www\.)[^\s<>\"']+|\b(?:[a-z0-9-]+\.)+(?:{_TLDS})\b(?:/[^\s<>\"']*)?",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
# Phone-like: starts with 0, +62/62 or "(0", then digits with separators; 8..15 digits in all.
_PHONE = re.compile(r"(?<![\w])(?:\+?62|\(?0)[\d\s().-]{6,20}\d")
_LONG_NUMBER = re.compile(r"(?<!\d)(?:\d[\s.-]?){15}\d(?!\d)")  # 16 digits: NIK / KK number
# Street-address patterns: the keyword in any case, the name capitalised ("Jl. Melati"), so a
# topic such as "jalan rusak" is not taken for an address.
_ADDRESS = re.compile(
    r"\b(?:(?i:jl|jln|gg)\.?\s*[A-Z0-9][\w.]*|(?i:jalan)\s+[A-Z][\w.]*|(?i:gang)\s+[A-Z0-9][\w.]*"
    r"|(?i:komplek|komp|perum|perumahan|blok)\.?\s+[A-Z0-9][\w.]*|\b(?i:rt|rw)\.?\s*\d{1,3})",
)
# In comments people write addresses in lower case too.
_ADDRESS_LOWER = re.compile(
    r"\b(?:jl|jln|gg|gang|komplek|komp|perum|perumahan|blok)\.?\s+[a-z0-9][\w.]*",
    re.IGNORECASE,
)
_ADDRESS_CI = re.compile(r"\b(?:rt|rw)\.?\s*\d{1,3}\b|\bno\.?\s*\d+[a-z]?\b", re.IGNORECASE)

_MONTHS = (
    "januari|februari|maret|april|mei|juni|juli|agustus|september|oktober|november|desember|"
    "jan|feb|mar|apr|jun|jul|agu|agt|sep|okt|nov|des"
)
_DAYS = "senin|selasa|rabu|kamis|jumat|jum'at|sabtu|minggu"
_DATE_PROMISES = re.compile(
    rf"\b(?:besok|lusa|(?:minggu|pekan|bulan|tahun) depan|hari ini juga|nanti (?:sore|malam|siang)"
    rf"|dalam (?:waktu )?\d+\s*(?:x\s*24 )?(?:jam|hari|minggu|pekan|bulan)"
    rf"|(?:maksimal|maks|paling lambat|selambat-lambatnya|dalam)\s+\d+\s*(?:jam|hari|minggu)"
    rf"|paling lambat|selambat-lambatnya|sebelum akhir (?:minggu|bulan|tahun)"
    rf"|tanggal\s+\d{{1,2}}|\d{{1,2}}\s+(?:{_MONTHS})\b|\d{{1,2}}[/-]\d{{1,2}}[/-]\d{{2,4}}"
    rf"|(?:hari\s+)?(?:{_DAYS})\s+(?:ini|depan|besok)|secepatnya|sesegera mungkin)\b",
    re.IGNORECASE,
)
_AMOUNTS = re.compile(
    r"\b(?:rp\.?\s*\d[\d.,]*|\d[\d.,]*\s*(?:rb|ribu|jt|juta|miliar|milyar|rupiah)\b|ganti rugi"
    r"|kompensasi|uang (?:kembali|pengganti)|refund|cashback|santunan|hadiah)",
    re.IGNORECASE,
)
_OUTCOMES = re.compile(
    r"\b(?:dijamin|kami jamin|menjamin|pasti\s+(?:beres|selesai|jadi|diperbaiki|cair|dapat|kami"
    r"|terbit|diproses|bisa)|dipastikan|100\s*%|tanpa ribet pasti|langsung beres)\b",
    re.IGNORECASE,
)

# The project's own list of Indonesian/English profanity and slurs (matched as whole tokens).
PROFANITY: frozenset[str] = words(
    """
    anjing anjir anjrit anjay bangsat bajingan brengsek keparat kampret goblok goblog tolol bego
    bodoh idiot dungu babi monyet tai taik kontol memek ngentot entot jancuk jancok cok asu
    pantek pukimak lonte sundal bencong banci setan iblis laknat sialan celaka mampus kafir
    fuck fucking shit bitch bastard asshole dick
    """
)


def _norm_url(url: str) -> str:
    url = url.strip().rstrip(".,;:!?)]}'\"").lower()
    url = re.sub(r"^https?://", "", url)
    url = re.sub(r"^www\.", "", url)
    return url.rstrip("/")


def _digits(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    if digits.startswith("62"):
        digits = "0" + digits[2:]
    return digits


def find_urls(text: str) -> list[str]:
    return [m.group(0) for m in _URL.finditer(text) if not _EMAIL.fullmatch(m.group(0))]


def find_emails(text: str) -> list[str]:
    return [m.group(0) for m in _EMAIL.finditer(text)]


def find_phones(text: str) -> list[str]:
    out = []
    for match in _PHONE.finditer(text):
        digits = _digits(match.group(0))
        if 8 <= len(digits) <= 15:
            out.append(match.group(0))
    return out


@dataclass(frozen=True)
class Allowed:
    """What a draft may contain: the account's own contacts and vetted text spans."""

    urls: frozenset[str] = frozenset()
    hosts: frozenset[str] = frozenset()
    phones: frozenset[str] = frozenset()
    emails: frozenset[str] = frozenset()
    spans: tuple[str, ...] = ()

    @classmethod
    def build(cls, *, channels: dict[str, object], kb_texts: Iterable[str] = ()) -> Allowed:
        """Collect contacts from channel values and from KB answers/links."""
        sources = [str(v) for v in channels.values() if v] + [t for t in kb_texts if t]
        urls: set[str] = set()
        phones: set[str] = set()
        emails: set[str] = set()
        for text in sources:
            for email in find_emails(text):
                emails.add(email.lower())
            cleaned = _EMAIL.sub(" ", text)
            for url in find_urls(cleaned):
                urls.add(_norm_url(url))
            for phone in find_phones(cleaned):
                phones.add(_digits(phone))
            # A channel value may be a bare number such as "0811-0000-0001" or "112".
            if re.fullmatch(r"[\d\s()+.-]{3,20}", text.strip()):
                phones.add(_digits(text))
        hosts = {u.split("/", 1)[0] for u in urls}
        # Whole texts and their sentences: a shortened draft may keep only part of an answer.
        pieces = {s.strip() for s in sources} | {p for s in sources for p in sentences(s)}
        spans = tuple(sorted((p for p in pieces if len(p) >= 4), key=len))
        return cls(
            urls=frozenset(urls),
            hosts=frozenset(hosts),
            phones=frozenset(phones),
            emails=frozenset(emails),
            spans=spans[::-1],  # longest first, so masking removes whole answers
        )

    def url_ok(self, url: str) -> bool:
        norm = _norm_url(url)
        return norm in self.urls or ("/" not in norm and norm in self.hosts)

    def mask(self, text: str) -> str:
        """The text with every vetted span blanked out (for the promise rules)."""
        for span in self.spans:
            if span in text:
                text = text.replace(span, " ")
        return text


def limit_for(platform: str | None) -> int:
    return PLATFORM_LIMITS.get((platform or "other").lower(), PLATFORM_LIMITS["other"])


def personal_data_of(comment: str) -> list[str]:
    """Personal data found in a comment: long ID numbers, phones, e-mails, street addresses."""
    found = [m.group(0) for m in _LONG_NUMBER.finditer(comment)]
    found += find_phones(comment) + find_emails(comment)
    found += [m.group(0) for m in _ADDRESS.finditer(comment)]
    found += [m.group(0) for m in _ADDRESS_CI.finditer(comment)]
    found += [m.group(0) for m in _ADDRESS_LOWER.finditer(comment)]
    return found


def _contains_personal(draft: str, comment: str, masked: str) -> bool:
    if _LONG_NUMBER.search(draft):
        return True
    fdraft = fold(draft)
    draft_digits = re.sub(r"\D", "", draft)
    for item in personal_data_of(comment):
        digits = re.sub(r"\D", "", item)
        if len(digits) >= 6 and digits in draft_digits:
            return True
        if len(item) >= 5 and fold(item) in fdraft:
            return True
    # An address pattern the institution did not write itself.
    return bool(_ADDRESS.search(masked) or _ADDRESS_CI.search(masked))


def check(
    text: str | None,
    *,
    comment: str = "",
    platform: str | None = None,
    allowed: Allowed | None = None,
) -> list[str]:
    """Every guardrail flag the draft raises, in a stable order; empty when clean."""
    if text is None:
        return []
    if not text.strip():
        return [FLAG_EMPTY]
    allowed = allowed or Allowed()
    flags: list[str] = []
    emails = find_emails(text)
    without_emails = _EMAIL.sub(" ", text)
    if any(not allowed.url_ok(u) for u in find_urls(without_emails)):
        flags.append(FLAG_URL)
    if any(_digits(p) not in allowed.phones for p in find_phones(without_emails)):
        flags.append(FLAG_PHONE)
    if any(e.lower() not in allowed.emails for e in emails):
        flags.append(FLAG_EMAIL)
    masked = allowed.mask(text)
    if _DATE_PROMISES.search(masked):
        flags.append(FLAG_DATE)
    if _AMOUNTS.search(masked):
        flags.append(FLAG_AMOUNT)
    if _OUTCOMES.search(masked):
        flags.append(FLAG_OUTCOME)
    if _contains_personal(text, comment, masked):
        flags.append(FLAG_PERSONAL)
    if any(tok in PROFANITY for tok in tokens(text)):
        flags.append(FLAG_PROFANITY)
    if len(text) > limit_for(platform):
        flags.append(FLAG_TOO_LONG)
    return flags


def fit(text: str, limit: int, *, keep: Iterable[str] = ()) -> str:
    """Shorten a draft to `limit` characters by dropping whole sentences.

    The first sentence (the greeting) stays. Sentences holding a `keep` string (in priority
    order: e.g. the KB answer, its link, the contact channel) go last, the least important
    first. If even that is too long, the text is returned as it is and the guardrail flags it.
    """
    if len(text) <= limit:
        return text
    parts = sentences(text)
    wanted = [k for k in keep if k]
    for n in range(len(wanted), -1, -1):
        protected = wanted[:n]
        alive = list(range(len(parts)))
        for i in reversed(range(1, len(parts))):
            if any(k in parts[i] for k in protected):
                continue
            alive.remove(i)
            candidate = " ".join(parts[j] for j in alive)
            if len(candidate) <= limit:
                return candidate
    return text


HONORIFICS = {
    "ibu": "Ibu", "bu": "Bu", "bapak": "Bapak", "pak": "Pak", "mas": "Mas", "mbak": "Mbak",
    "mba": "Mbak", "kak": "Kak", "bang": "Bang", "abang": "Bang", "om": "Om", "tante": "Tante",
}  # fmt: skip


def clean_handle(author: str | None) -> str:
    """A safe form of the citizen's handle to greet them with ("" when unsafe or absent).

    A display name that starts with an honorific keeps it and the next word ("Ibu Sulastri").
    """
    if not author:
        return ""
    words = author.strip().lstrip("@").split()
    title = HONORIFICS.get(words[0].lower().strip(".")) if len(words) >= 2 else None
    if title:
        rest = clean_handle(" ".join(words[1:]))
        return f"{title} {rest}" if rest else ""
    first = words[0] if words else ""
    handle = re.sub(r"[^\w.]", "", first)[:30].strip(".")
    if not handle or re.search(r"\d{5,}", handle) or handle.lower() in PROFANITY:
        return ""
    if any(tok in PROFANITY for tok in tokens(handle.replace("_", " ").replace(".", " "))):
        return ""
    if _URL.search(handle):
        return ""
    return handle
