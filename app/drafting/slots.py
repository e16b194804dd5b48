"""Reading a comment before replying: the slots a reply plan is built from.

`SlotReader.read(text, prediction)` returns `Slots`: the service or document the comment is
about, the place, how long the citizen waited, whether they gave a registration number, what a
question asks about (which day, fee, requirement), the kind of problem a complaint reports,
personal data (from the classifier's `pii`), and whether the text is sarcastic, grief, a
threat, election talk or gambling promotion. The word lists live in ``prompts/slots.v<N>.yaml``.
Plain Python, no database, deterministic.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from app.drafting import guardrails
from app.drafting.guardrails import find_phones
from app.drafting.templates import latest_file
from app.drafting.text import fold
from app.nlp.classifier import Prediction

PII_PHRASES = {
    "nik": "NIK",
    "phone": "nomor HP",
    "email": "alamat email",
    "address": "alamat rumah",
    "bank_account": "nomor rekening",
}
_NUMBER_WORDS = (
    r"\d+(?:[.,]\d+)?|se|satu|dua|tiga|empat|lima|enam|tujuh|delapan|sembilan|sepuluh|"
    r"sebelas|belasan|puluhan|beberapa"
)
_UNITS = r"menit|jam|hari|minggu|pekan|bulan|tahun"
_MONTHS = "januari|februari|maret|april|mei|juni|juli|agustus|september|oktober|november|desember"
_WAIT = re.compile(
    rf"\b(?:(?:{_NUMBER_WORDS})\s*(?:{_UNITS})(?:\s+lebih)?|se(?:{_UNITS})(?![-\w])(?:\s+lebih)?"
    rf"|dari (?:bulan )?(?:{_MONTHS})|dari (?:jam \d+(?: sampai jam \d+)?|subuh|pagi))\b",
    re.IGNORECASE,
)
_VISITS = re.compile(
    r"\b(?:(\d+)\s*x|(dua|tiga|empat|lima|\d+)\s*kali)\b(?!\s*lipat)|bolak.?balik", re.IGNORECASE
)
_OFFICE = re.compile(
    r"\b(?:(?i:kantor)\s+)?(?i:kecamatan|kelurahan|desa|kec\.)\s+[A-Z][a-z]+"
    r"|\b(?i:MPP|mal pelayanan publik|mall pelayanan publik)\b"
)
_SPOT = re.compile(
    r"\b(?:(?i:loket)\s+\d+|gang\s+[A-Z]\w+|gg\.?\s+[A-Z]\w+|jalan\s+[A-Z]\w+|jl\.?\s+[A-Z]\w+"
    r"|perempatan\s+[A-Z]\w+|perum(?:ahan)?\s+[A-Z][\w ]{2,20}?(?=[,.]|\s(?:blok|no|rt|rw)\b|$)"
    r"|SD Negeri \d+|SMP Negeri \d+|pasar\s+[a-z]+|RW\s*\d+|RT\s*\d+|TPS\s+pasar\s+\w+)",
)
_REFERENCE = re.compile(
    r"(?:no\.?\s*reg(?:istrasi)?(?:nya)?|nomor\s+reg(?:istrasi)?(?:nya)?|kode booking"
    r"|nomor pengajuan|(?:no\.?|nomor|nmr)\s*(?:tiket|laporan|pengaduan|aduan|berkas|permohonan"
    r"|resi|pendaftaran)(?:nya)?)\s*[:#.]?\s*([A-Z0-9][A-Z0-9/.-]{3,})"
    r"|\b\d{3,}/[A-Z]{1,4}/[A-Za-z0-9]{1,4}/\d{4}\b"
    r"|\b[A-Z]{2,4}-\d{4}-\d{3,}\b|\b\d{4}-[A-Z]{2,4}-\d{3,}\b|\b[A-Z]{2,4}-\d{5,}\b",
    re.IGNORECASE,
)
_TIME_GIVEN = re.compile(
    r"\b(?:tadi|kemarin|kemaren|minggu lalu|pekan lalu|hari ini|barusan|pagi ini|siang ini"
    r"|tanggal \d+|jam \d+|hari (?:senin|selasa|rabu|kamis|jumat|sabtu))\b",
    re.IGNORECASE,
)
_ASK = re.compile(
    r"\b(?:menanyakan|bertanya|mau (?:nanya|tanya)|ingin (?:tanya|bertanya)|izin (?:nanya|tanya)"
    r"|ijin (?:nanya|tanya)|mohon info(?:rmasi)?|minta info(?:rmasi)?|bagaimana cara|gimana cara"
    r"|caranya (?:gimana|bagaimana)|apakah bisa|bisakah)\b",
    re.IGNORECASE,
)
_QUESTION = re.compile(
    r"\?|\b(?:apa|apakah|bagaimana|gimana|gmn|berapa|brp|kapan|di ?mana|ke ?mana|bisa|boleh"
    r"|kenapa|mengapa|knp"
    r"|bisakah|mohon info|mau tanya|tanya)\b",
    re.IGNORECASE,
)
_MENTION_START = re.compile(r"^\s*@[\w.]+")
_SUGGEST = re.compile(
    r"\b(?:saran(?: aja nih| saja| min| kak)?|usul(?:an)?|sebaiknya|mending|tolong ditambah"
    r"|tambah(?:in)?|alangkah baiknya)\b[\s,:]*",
    re.IGNORECASE,
)
_SUGGEST_CUT = re.compile(
    r"\s*(?:\b(?:min|kak|dong|ya|biar|supaya|agar|karena|soalnya|padahal|jangan)\b|[,.!?;:]).*$",
    re.IGNORECASE,
)
_STAFF = re.compile(r"\b(?:petugas\w*|pegawai\w*|satpam\w*|staf\w*)\b", re.IGNORECASE)
_RELATIVE_DEATH = re.compile(
    r"\b(?:bapak|ayah|ibu|ibunda|suami|istri|anak|kakak|adik|nenek|kakek|mertua|tetangga)\w*"
    r"(?:\s+\w+)?\s+(?:saya\s+|ku\s+|kami\s+)?(?:baru\s+|sudah\s+)?(?:meninggal|wafat|berpulang)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Service:
    id: str
    phrase: str
    patterns: tuple[re.Pattern[str], ...]
    office: str | None = None
    public: bool = False  # a shared place or utility (street lamp, road), not a personal matter
    channel: str | None = None  # where reports go when the account names no office for it
    kind: str = ""  # "integrity" (misuse of funds) or "security" (police matters) get own acts


@dataclass(frozen=True)
class Focus:
    key: str
    phrase: str
    patterns: tuple[re.Pattern[str], ...]
    terms: tuple[str, ...]


@dataclass(frozen=True)
class Slots:
    """What one comment says, as far as a reply needs it.

    Attributes:
        service: id of the service or document (``ktp-el``, ``lampu-jalan`` …) or None.
        service_phrase: how a reply names it ("KTP-el", "lampu jalan").
        general_office: who handles the service in general (for services outside a remit).
        place: an office or spot named in the comment ("kecamatan Sukajadi", "loket 3").
        office_given: whether the comment says at which office it happened.
        wait: how long, as written ("3 minggu", "dari jam 7 sampai jam 12").
        visits: how often they came ("tiga kali", "4x").
        reference: whether a registration/ticket number is given.
        time_given: whether the comment says when it happened ("tadi", "kemarin").
        focus: what a question asks about, most specific first (``sabtu``, ``fee`` …).
        problem: the kind of complaint: fee, staff, data, system, facility, delay, queue or None.
        pii: personal-data types present; pii_texts: the exposed strings (never repeated).
        suggestion: the proposal of a suggestion, in the citizen's words, shortened.
        request: whether the comment asks for action (a complaint or request, whatever the
            intent label says).
    """

    service: str | None = None
    services: tuple[str, ...] = ()  # every service the comment names, the first one first
    service_phrase: str = ""
    general_office: str | None = None
    general_channel: str | None = None
    service_kind: str = ""
    public_issue: bool = False
    place: str = ""
    office_given: bool = False
    wait: str = ""
    visits: str = ""
    reference: bool = False
    time_given: bool = False
    focus: tuple[str, ...] = ()
    focus_terms: tuple[str, ...] = ()
    first_focus_terms: tuple[str, ...] = ()
    focus_phrase: str = ""
    focus_phrases: tuple[str, ...] = ()
    problem: str | None = None
    pii: tuple[str, ...] = ()
    pii_texts: tuple[str, ...] = ()
    question: bool = False
    ask: bool = False  # an explicit ask for information ("mau menanyakan", "bagaimana cara")
    sarcasm: bool = False
    outage: bool = False  # a supply that stopped: "listrik padam", "air ga ngalir"
    death: bool = False
    grief: bool = False
    threat: bool = False
    election: bool = False
    gambling: bool = False
    chatter: bool = False
    staff: bool = False
    praise_detail: str = ""
    suggestion: str = ""
    request: bool = False  # asks for action ("mohon bantuan", "tolong ditindaklanjuti")
    institution: bool = False  # names an institution, its staff or its counters
    public_words: bool = False  # names a public matter: a street, the neighbourhood, a letter
    addressed: bool = False  # speaks to an institution or about a public matter
    commercial: bool = False  # a shop, restaurant or product review
    gist: str = ""
    amount: str = ""
    details: tuple[str, ...] = field(default_factory=tuple)

    @property
    def pii_phrase(self) -> str:
        names = [PII_PHRASES.get(p, "data pribadi") for p in self.pii]
        if not names:
            return "data pribadi"
        if len(names) == 1:
            return names[0]
        return ", ".join(names[:-1]) + " dan " + names[-1]


def _compile(patterns: Sequence[Any]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(str(p), re.IGNORECASE) for p in patterns)


class SlotReader:
    """Reads slots from comments with the word lists of one ``slots.v<N>.yaml`` file."""

    def __init__(self, data: Mapping[str, Any], *, source_id: str = "slots") -> None:
        self.source_id = source_id
        self.services = [
            Service(
                id=str(s["id"]),
                phrase=str(s["phrase"]),
                patterns=_compile(s.get("patterns") or []),
                office=s.get("office"),
                public=bool(s.get("public", False)),
                channel=s.get("channel"),
                kind=str(s.get("kind") or ""),
            )
            for s in data.get("services") or []
        ]
        self.by_id = {s.id: s for s in self.services}
        self.focus = [
            Focus(
                key=str(k),
                phrase=str(v["phrase"]),
                patterns=_compile(v.get("patterns") or []),
                terms=tuple(str(t) for t in v.get("terms") or []),
            )
            for k, v in (data.get("focus") or {}).items()
        ]
        self.problems = {str(k): _compile(v) for k, v in (data.get("problems") or {}).items()}
        self.lists = {
            key: _compile(data.get(key) or [])
            for key in (
                "sarcasm", "outage", "death", "grief", "threat", "election", "gambling", "request",
                "institution", "public", "commercial",
            )
        }  # fmt: skip
        self.praise_words = tuple(str(w) for w in data.get("praise_detail") or [])
        self.criticism = [
            (str(c["phrase"]), _compile(c.get("patterns") or []))
            for c in data.get("criticism") or []
        ]

    @classmethod
    def from_dir(cls, prompts_dir: Path) -> SlotReader:
        """Load the newest ``slots.v<N>.yaml``."""
        path = latest_file(prompts_dir, "slots")
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return cls(data, source_id=path.name.rsplit(".", 1)[0])

    def service_of(self, text: str) -> Service | None:
        found = self.services_of(text)
        return found[0] if found else None

    def services_of(self, text: str) -> list[Service]:
        """Every service the text names, in the order of the word list (specific first)."""
        low = fold(text)
        return [s for s in self.services if any(p.search(low) for p in s.patterns)]

    def _any(self, key: str, low: str) -> bool:
        return any(p.search(low) for p in self.lists.get(key, ()))

    def read(self, text: str, prediction: Prediction | None = None) -> Slots:
        """The slots of one comment (`prediction.pii` gives the personal data)."""
        low = fold(text)
        pii_types, pii_texts = _personal_data(text, prediction)
        # Personal data never becomes a place or a detail a reply names back.
        scrubbed = text
        for item in pii_texts:
            scrubbed = scrubbed.replace(item, " ")
        named = self.services_of(scrubbed)
        if named and named[0].id in _CHANNEL_SERVICES:
            # "lapor lewat aplikasi soal lampu mati": the app is how, the lamp is what.
            named = sorted(named, key=lambda s: s.id in _CHANNEL_SERVICES)
        service = named[0] if named else None
        focus = [f for f in self.focus if any(p.search(low) for p in f.patterns)]
        problem = None
        for kind, patterns in self.problems.items():
            if any(p.search(low) for p in patterns):
                problem = kind
                break
        wait = _wait(scrubbed)
        visits_match = _VISITS.search(scrubbed)
        visits = ""
        if visits_match:
            raw = visits_match.group(0)
            visits = "bolak-balik" if "balik" in raw.lower() else _visits_phrase(raw)
        office = _first(_OFFICE, scrubbed)
        spot = _first(_SPOT, scrubbed)
        if spot:
            before = scrubbed[: scrubbed.find(spot)]
            near = re.search(r"\b(depan|dekat|samping|belakang|sebelah)\s+$", before, re.I)
            if near:
                spot = f"{near.group(1).lower()} {spot}"
        if spot and guardrails.personal_data_of(spot):
            spot = ""  # a street, gang or RT/RW: a reply never names an address back
        place = _tidy_place(office or spot)
        sarcasm = self._any("sarcasm", low) and (
            prediction is None or prediction.sentiment == "negatif" or bool(wait)
        )
        death = bool(_RELATIVE_DEATH.search(text)) or (
            self._any("death", low) and not self._any("grief", low)
        )
        details = tuple(d for d in (wait, visits, place, service.phrase if service else "") if d)
        praise = ""
        if prediction is not None and prediction.intent == "apresiasi":
            praise = next((w for w in self.praise_words if re.search(rf"\b{w}", low)), "")
        focus_keys = tuple(f.key for f in focus)
        focus_phrase = focus[0].phrase if focus else ""
        return Slots(
            service=service.id if service else None,
            services=tuple(s.id for s in named),
            service_phrase=service.phrase if service else "",
            general_office=service.office if service else None,
            general_channel=service.channel if service else None,
            service_kind=service.kind if service else "",
            public_issue=bool(service and service.public),
            place=place,
            office_given=bool(office),
            wait=wait,
            visits=visits,
            reference=bool(_REFERENCE.search(scrubbed)),
            time_given=bool(_TIME_GIVEN.search(scrubbed)),
            focus=focus_keys,
            focus_terms=tuple(t for f in focus for t in f.terms),
            first_focus_terms=focus[0].terms if focus else (),
            focus_phrase=focus_phrase,
            focus_phrases=tuple(f.phrase for f in focus),
            problem=problem,
            pii=pii_types,
            pii_texts=pii_texts,
            question=bool(_QUESTION.search(text)),
            ask=bool(_ASK.search(text)),
            sarcasm=sarcasm,
            outage=self._any("outage", low),
            death=death,
            grief=self._any("grief", low),
            threat=self._any("threat", low),
            election=self._any("election", low),
            gambling=self._any("gambling", low),
            chatter=bool(_MENTION_START.match(text)),
            staff=bool(_STAFF.search(text)),
            praise_detail=praise,
            suggestion=_suggestion(scrubbed),
            request=self._any("request", low),
            institution=self._any("institution", low),
            public_words=self._any("public", low),
            addressed=bool(named or pii_types or self._any("institution", low))
            or self._any("public", low)
            or bool(_REFERENCE.search(scrubbed)),
            commercial=self._any("commercial", low),
            gist=next((ph for ph, ps in self.criticism if any(p.search(low) for p in ps)), ""),
            amount=_first(_AMOUNT, scrubbed),
            details=details,
        )


_CHANNEL_SERVICES = frozenset({"antrean", "aplikasi"})
_AMOUNT = re.compile(r"\b(?:rp\.?\s*)?\d+(?:[.,]\d+)?\s*(?:rb|ribu|jt|juta|k)\b", re.IGNORECASE)
# "baru 3 tahun", "umur 6 tahun", "tiga hari lalu": ages and dates, not waits.
_NOT_WAIT_BEFORE = re.compile(r"(?:baru|umur|usia|berusia|bayi\w*|lahir)\s*$", re.I)
_NOT_WAIT_AFTER = re.compile(r"^\s*(?:yang\s+)?(?:lalu|lagi|depan|ke depan|sekali|pagi)\b", re.I)
_YEARS_WAIT_BEFORE = re.compile(r"(?:sudah|udah|sdh|selama|hampir|lebih dari)\s*$", re.I)


def _wait(text: str) -> str:
    """How long the citizen has waited, as written, or ""."""
    for match in _WAIT.finditer(text):
        before, after = text[: match.start()], text[match.end() :]
        if _NOT_WAIT_BEFORE.search(before) or _NOT_WAIT_AFTER.search(after):
            continue
        if "tahun" in match.group(0).lower() and not _YEARS_WAIT_BEFORE.search(before):
            continue
        return match.group(0).strip()
    return ""


def _first(pattern: re.Pattern[str], text: str) -> str:
    match = pattern.search(text)
    return match.group(0).strip() if match else ""


def _visits_phrase(raw: str) -> str:
    number = re.sub(r"\s*x$", "", raw.strip(), flags=re.IGNORECASE)
    number = re.sub(r"\s*kali$", "", number, flags=re.IGNORECASE)
    words = {"2": "dua", "3": "tiga", "4": "empat", "5": "lima", "6": "enam"}
    return f"{words.get(number, number)} kali"


def _tidy_place(place: str) -> str:
    place = re.sub(r"^kantor\s+", "", place.strip(), flags=re.IGNORECASE)
    low = place.lower()
    if low in ("mpp", "mal pelayanan publik", "mall pelayanan publik"):
        return "MPP"
    for word in ("kecamatan", "kelurahan", "desa", "loket", "gang", "jalan", "perumahan", "pasar"):
        if low.startswith(word):
            return word + place[len(word) :]
    return place


def _suggestion(text: str) -> str:
    match = _SUGGEST.search(text)
    if not match:
        return ""
    rest = text[match.end() :]
    rest = re.sub(r"^(?:min|kak|nih|aja|saja)\b[\s,]*", "", rest, flags=re.IGNORECASE)
    rest = re.sub(r"^(?:sebaiknya|mending)\s+", "", rest, flags=re.IGNORECASE)
    clause = _SUGGEST_CUT.sub("", rest).strip()
    words = clause.split()
    if len(words) < 2:
        return ""
    return " ".join(words[:10])


def _personal_data(
    text: str, prediction: Prediction | None
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Types and strings of exposed personal data: the classifier's spans, else NIK and phones."""
    types: list[str] = []
    texts: list[str] = []
    for span in (prediction.pii if prediction is not None else None) or []:
        kind = str(span.get("type") or "")
        try:
            start, end = int(span["start"]), int(span["end"])
        except (KeyError, TypeError, ValueError):
            continue
        if kind and 0 <= start < end <= len(text):
            if kind not in types:
                types.append(kind)
            texts.append(text[start:end])
    if not types:
        # Until the classifier marks spans itself: 16-digit NIK/KK numbers and phone numbers.
        for match in re.finditer(r"(?<!\d)(?:\d[\s.-]?){15}\d(?!\d)", text):
            if "nik" not in types:
                types.append("nik")
            texts.append(match.group(0))
        phones = [p for p in find_phones(text) if not any(p in t or t in p for t in texts)]
        if phones:
            types.append("phone")
            texts.extend(phones)
    return tuple(types), tuple(texts)
