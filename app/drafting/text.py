"""Small text helpers shared by retrieval, reuse, guardrails and the draft rubric.

Everything here is plain Python and deterministic; word lists are the project's own.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

_TOKEN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


# Common Indonesian function words and fillers: never topic words.
def words(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOPWORDS: frozenset[str] = words(
    """
    ada adalah agar aja aku akan aku amat anda apa apakah atas atau bagaimana bagi bahwa baik
    banget bapak baru barusan beberapa begitu belum berapa bisa boleh buat bukan cuma dah dalam
    dan dari deh demikian dengan di dia dong engga enggak gak ga gimana gitu gue hal hanya harus
    hari ini ibu ini itu jangan juga kah kak kakak kalau kalian kami kamu kan kapan karena
    ke kenapa kok kalo kita lagi lah lebih loh lho mau masih mana maka mas mbak memang mengapa
    min mimin minta mohon mulu nah namun nanti nya nih oleh pada padahal pak para per pun saat
    saja sama sampai sangat saya se sebelum sedang sejak sekali selalu semua sendiri seperti
    sih siapa sudah sudah supaya tadi tapi tau tahu telah tentang tersebut terus tidak tiap
    tolong udah untuk utk yang yg ya yah yuk min admin halo hai hi pagi siang sore malam
    selamat assalamualaikum wr wb terima kasih makasih thanks tq mohon info dgn dg krn tdk gk
    bgt aja kok sy gmn gimana bener benar gan sis bro bos om dok terimakasih apa2 sya sdh blm
    mengenai soal buat bikin jg mau pengen ingin bisakah kira2 kira kayak emang emg
    """
)

# Light slang/spelling normalisation for matching (not for display).
_SLANG: dict[str, str] = {
    "gmn": "gimana",
    "bgmn": "bagaimana",
    "brp": "berapa",
    "dmn": "dimana",
    "ktp": "ktp-el",
    "e-ktp": "ktp-el",
    "ektp": "ktp-el",
    "ktpel": "ktp-el",
    "kk": "kartu-keluarga",
    "akte": "akta",
    "capil": "dukcapil",
    "disdukcapil": "dukcapil",
    "skpwni": "pindah",
    "domisili": "pindah",
    "lahiran": "kelahiran",
    "lahir": "kelahiran",
    "antri": "antrean",
    "antrian": "antrean",
    "antre": "antrean",
    "app": "aplikasi",
    "apk": "aplikasi",
    "apl": "aplikasi",
    "sabtu": "sabtu",
    "buka": "buka",
    "jam": "jam",
    "tutup": "buka",
    "libur": "buka",
    "blangko": "blanko",
    "tdk": "tidak",
    "ga": "tidak",
    "gak": "tidak",
    "nggak": "tidak",
    "engga": "tidak",
    "enggak": "tidak",
    "online": "daring",
    "onlen": "daring",
    "hilang": "hilang",
    "ilang": "hilang",
    "meninggal": "kematian",
    "wafat": "kematian",
    "nikah": "perkawinan",
    "menikah": "perkawinan",
    "kawin": "perkawinan",
    "cerai": "perceraian",
    "rusak": "rusak",
    "robek": "rusak",
    "pecah": "rusak",
    "nik": "nik",
}

_SUFFIXES = ("nya", "kah", "lah", "pun")


def fold(text: str) -> str:
    """Lower-case and strip accents and fancy Unicode letters (ｋｔｐ → ktp)."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return text.lower()


def tokens(text: str) -> list[str]:
    """Word tokens of a text, folded; hyphenated words and numbers stay whole."""
    return _TOKEN.findall(fold(text))


def _stem(token: str) -> str:
    for suffix in _SUFFIXES:
        if token.endswith(suffix) and len(token) - len(suffix) >= 4:
            return token[: -len(suffix)]
    return token


def match_terms(text: str) -> list[str]:
    """Normalised content terms for retrieval and similarity (slang mapped, stopwords dropped)."""
    out: list[str] = []
    for raw in tokens(text):
        tok = _SLANG.get(raw, raw)
        tok = _SLANG.get(_stem(tok), _stem(tok))
        if tok in STOPWORDS or len(tok) < 2 or tok.isdigit():
            continue
        out.append(tok)
    return out


def content_words(text: str) -> list[str]:
    """Surface content words of a text (stopwords and numbers dropped), in order, unique."""
    seen: dict[str, None] = {}
    for tok in tokens(text):
        if tok in STOPWORDS or len(tok) < 3 or any(ch.isdigit() for ch in tok):
            continue
        seen.setdefault(tok, None)
    return list(seen)


def jaccard(a: list[str], b: list[str]) -> float:
    """Jaccard similarity of two token lists as sets."""
    sa, sb = set(a), set(b)
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / len(sa | sb)


def stable_int(*parts: object) -> int:
    """A deterministic integer from the parts (Python's hash() is salted per process)."""
    raw = "\x1f".join(str(p) for p in parts).encode("utf-8")
    return int.from_bytes(hashlib.sha256(raw).digest()[:8], "big")


def sentences(text: str) -> list[str]:
    """Split a draft into sentences, keeping the punctuation."""
    # "LAPOR! (lapor.go.id)" and "LAPOR! punya …" are a name, not the end of a sentence.
    parts = re.split(r"(?<!LAPOR!)(?<=[.!?])\s+", text.strip())
    return [p for p in parts if p]
