"""Personal data in comment text: NIK/KK numbers, phone numbers, e-mail, street addresses, bank
accounts (`find_pii`), and whose data it seems to be (`pii_owner`).

Rules, not a model: each kind has a structure that can be checked.

- NIK and KK numbers: 16 digits ``PP KK CC DDMMYY SSSS`` (province, regency/city, district;
  birth date, women's day + 40, or for a KK the issue date; serial). Plain or in 4-4-4-4,
  2-2-2-6-4 and 6-6-4 groups separated by one space, dot or dash. The province code must be a
  real one, regency and district non-zero, the date a possible date and the serial non-zero;
  a number named as an invoice, order, receipt or payment code is not a NIK.
- Phone numbers: Indonesian mobiles (``08``/``+62 8``/``62 8`` with an operator prefix,
  10 to 13 digits in all) and landlines (``0`` or ``+62``, area code, 5 to 8 digits) with an area
  code in brackets or set apart, or named as a phone (``telp``, ``hp``, ``wa`` ...).
- E-mail addresses.
- Street addresses with a house number or RT/RW: ``Jl./Jln./Jalan/Gg./Gang <name> No. 12``,
  optionally ``RT 03 RW 05``. An RT/RW alone ("warga RT 03") names a neighbourhood, not a
  person, and is not reported.
- Bank account numbers: 6 to 18 digits named as one (``rekening``, ``rek``, ``no rek``,
  ``norek``), optionally after a bank name.

Offsets are character offsets into the text as given.
"""

from __future__ import annotations

import re
from typing import Any

PROVINCES = frozenset(
    {11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53}
    | {61, 62, 63, 64, 65, 71, 72, 73, 74, 75, 76, 81, 82, 91, 92, 93, 94, 95, 96}
)
# Operator prefixes after the leading 0 (Telkomsel, Indosat, XL/Axis, Smartfren, Tri, ...).
MOBILE_PREFIXES = frozenset(
    {f"81{d}" for d in "123456789"}
    | {"821", "822", "823", "828", "831", "832", "833", "838"}
    | {f"85{d}" for d in "123566789"}
    | {"877", "878", "879"}
    | {f"88{d}" for d in "123456789"}
    | {f"89{d}" for d in "56789"}
)

_NO_DIGIT_BEFORE = r"(?<![\w.,/-])"
_NO_DIGIT_AFTER = r"(?![\w/-]|[.,]\d)"
_SEP = r"[ .\-]"
_NIK = re.compile(
    _NO_DIGIT_BEFORE
    + r"(?:\d{16}"
    + rf"|\d{{4}}(?P<a>{_SEP})\d{{4}}(?P=a)\d{{4}}(?P=a)\d{{4}}"
    + rf"|\d{{2}}(?P<b>{_SEP})\d{{2}}(?P=b)\d{{2}}(?P=b)\d{{6}}(?P=b)\d{{4}}"
    + rf"|\d{{6}}(?P<c>{_SEP})\d{{6}}(?P=c)\d{{4}})"
    + _NO_DIGIT_AFTER
)
# A number named as something else than an identity number.
_NOT_IDENTITY = re.compile(
    r"\b(inv(oice)?|faktur|tagihan|order|pesanan|transaksi|trx|ref(erensi)?|resi|awb|"
    r"tracking|kode ?(bayar|booking|pembayaran)|va|virtual ?account|id ?pel(anggan)?|"
    r"no\.? ?(meter|pelanggan|seri)|token|imei|serial|kartu kredit|cc)\b[\s.:#=-]*$",
    re.IGNORECASE,
)
_IDENTITY = re.compile(r"\b(nik|ktp|kk|kartu keluarga|no\.? ?induk)\b", re.IGNORECASE)

_PHONE_CONTEXT = re.compile(
    r"\b(telp|telpon|telepon|tlp|hp|handphone|wa|whatsapp|nomor|nomer|no|kontak|hubungi|"
    r"call|sms|fax)\b[\s.:()=-]*$",
    re.IGNORECASE,
)
_PHONE = re.compile(
    r"(?<![\w+])"
    r"(?P<num>\(?(?:\+62|62|0)[\s.\-]?\(?\s*\d{1,4}\s*\)?(?:[\s.\-]?\d){4,11})"
    r"(?![\w]|[.,]\d)"
)
_EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}"
    r"[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*\.[A-Za-z]{2,24}\b"
)
_STREET = r"(?:jalan|jln|jl|gang|gg)\.?"
_HOUSE = (
    r"(?:no|nomor|nomer|nmr|no\.?\s*rumah)\.?\s*:?\s*\d{1,4}[a-zA-Z]?"
    r"(?:\s*[/-]\s*\d{1,4}[a-zA-Z]?)?"
)
_RTRW = (
    r"rt\.?\s*:?\s*\d{1,3}\s*(?:[/,]|\s)\s*(?:rw\.?\s*:?\s*)?\d{1,3}"
    r"|rt\.?\s*\d{1,3}"
)
_ADDRESS = re.compile(
    rf"\b{_STREET}\s+(?:[^\W\d_][\w'.-]*)(?:\s+(?:[^\W\d_][\w'.-]*|\d{{1,3}}[a-z]?)){{0,5}}?"
    rf"(?:\s*,?\s*(?:{_HOUSE})(?:\s*,?\s*(?:{_RTRW}))?|\s*,?\s*(?:{_RTRW}))",
    re.IGNORECASE,
)
_BANK = re.compile(
    r"\b(?:no(?:mor)?\.?\s*rek(?:ening)?\.?|norek|rekening|rek\.?)"
    r"(?:\s+(?:a\.n\.\s*)?[A-Za-z]{2,12}){0,3}\s*[:.=-]?\s*"
    r"(?P<num>\d(?:[\s.\-]?\d){5,17})(?![\w]|[.,]\d)",
    re.IGNORECASE,
)

# "my number", "contact me" versus "his number", "this fraudster's account".
_SELF = re.compile(
    r"\b(saya|sy|aku|ak|gue|gw|kami|kmi|punyaku|milikku|"
    r"(nomor|nomer|no|hp|wa|alamat|rumah|rekening|rek|nik|ktp|email|kontak)ku)\b",
    re.IGNORECASE,
)
_OTHER = re.compile(
    r"\b(dia|beliau|mereka|orang ini|orangnya|si \w+|pelaku|penipu|maling|pelakor|tersangka|"
    r"sebar(in|kan)?|viral(kan|in)?|teror|spam(in)?|tagih|ini (nomor|nomer|no|alamat|nik|ktp|"
    r"rekening|rek|rumah)|"
    r"(nomor|nomer|no|hp|wa|alamat|rumah|rekening|rek|nik|ktp|email|kontak)nya)\b",
    re.IGNORECASE,
)


def _digits(s: str) -> str:
    return re.sub(r"\D", "", s)


def valid_nik(digits: str) -> bool:
    """Whether 16 digits have the structure of a NIK or KK number."""
    if len(digits) != 16 or not digits.isdigit():
        return False
    province, regency, district = int(digits[0:2]), int(digits[2:4]), int(digits[4:6])
    day, month = int(digits[6:8]), int(digits[8:10])
    if province not in PROVINCES or regency == 0 or district == 0:
        return False
    if day > 40:
        day -= 40  # women's NIK
    if not 1 <= day <= 31 or not 1 <= month <= 12:
        return False
    if (month == 2 and day > 29) or (month in (4, 6, 9, 11) and day > 30):
        return False
    return digits[12:] != "0000"


def _valid_phone(digits: str, raw: str, before: str) -> bool:
    raw = raw.lstrip("(")
    if digits.startswith("62"):
        national = "0" + digits[2:]
    elif digits.startswith("0"):
        national = digits
    else:
        return False
    international = raw.lstrip().startswith(("+62", "62"))
    if national.startswith("08"):
        if national[1:4] not in MOBILE_PREFIXES or not 10 <= len(national) <= 13:
            return False
        # A bare "62..." without "+" could be any number: only with a phone word before it.
        return not (raw.startswith("62") and not _PHONE_CONTEXT.search(before))
    if national[1] in "01" or not 9 <= len(national) <= 12:
        return False
    # Landline: the area code set apart, or an international prefix, or a phone word before.
    set_apart = bool(re.match(r"^(\+?62[\s.\-]?)?\(?\s*0?\d{1,3}\s*[)\s.\-]", raw))
    plus = international and raw.startswith("+")
    return plus or set_apart or bool(_PHONE_CONTEXT.search(before))


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in taken)


def find_pii(text: str) -> list[dict[str, Any]]:
    """Personal data in ``text``: ``[{"type", "start", "end"}]`` sorted by start.

    Types are `app.nlp.labels.PII_TYPES`; spans never overlap (a number counts once, as the
    first of: NIK, e-mail, bank account, phone).
    """
    if not text:
        return []
    found: list[dict[str, Any]] = []
    taken: list[tuple[int, int]] = []

    def add(kind: str, start: int, end: int) -> None:
        if not _overlaps((start, end), taken):
            taken.append((start, end))
            found.append({"type": kind, "start": start, "end": end})

    for m in _NIK.finditer(text):
        before = text[max(0, m.start() - 30) : m.start()]
        if not valid_nik(_digits(m.group())):
            continue
        if _NOT_IDENTITY.search(before) and not _IDENTITY.search(before):
            continue
        add("nik", m.start(), m.end())
    for m in _EMAIL.finditer(text):
        add("email", m.start(), m.end())
    for m in _BANK.finditer(text):
        num = m.group("num").rstrip(" .-")
        add("bank_account", m.start("num"), m.start("num") + len(num))
    for m in _PHONE.finditer(text):
        raw = m.group("num").rstrip(" .-")
        before = text[max(0, m.start() - 25) : m.start()]
        if _NOT_IDENTITY.search(before):
            continue
        if _valid_phone(_digits(raw), raw, before):
            add("phone", m.start("num"), m.start("num") + len(raw))
    for m in _ADDRESS.finditer(text):
        add("address", m.start(), m.end())
    return sorted(found, key=lambda f: f["start"])


def pii_owner(text: str, span: dict[str, Any]) -> str:
    """Whose data a span seems to be: ``self`` (the writer's: "nomor saya", "hubungi aku"),
    ``other`` (someone else's: "ini nomor dia", "rekening penipu", "sebarin alamatnya") or
    ``unknown``. Reads the 40 characters before the span (and 15 after it)."""
    before = text[max(0, span["start"] - 40) : span["start"]]
    after = text[span["end"] : span["end"] + 15]
    near = before + " " + after
    other = _OTHER.search(near)
    own = _SELF.search(near)
    if other and not own:
        return "other"
    if own and not other:
        return "self"
    if own and other:
        # The cue closest before the span decides.
        last_other = max((m.end() for m in _OTHER.finditer(before)), default=-1)
        last_self = max((m.end() for m in _SELF.finditer(before)), default=-1)
        if last_other == last_self:
            return "unknown"
        return "other" if last_other > last_self else "self"
    return "unknown"
