"""A rubric for drafted replies: measurable proxies for "casual, humane Indonesian".

- Indonesian: share of a draft's words that are common Indonesian words, and whether English
  words stay rare.
- Casual register: everyday markers ("ya", "kak", "makasih", "kabari") against the stiff phrases
  of letters and meeting invitations ("dengan hormat", "demikian kami sampaikan").
- Topical overlap: share of the comment's content terms that the draft takes up.
- Diversity: distinct-1/distinct-2 over all drafts, unique drafts, the most repeated opening.
- Guardrails: flags per rule. Length: characters, and how many exceed the platform limit.
The word lists are the project's own.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from app.drafting.guardrails import limit_for
from app.drafting.text import match_terms, tokens, words

INDONESIAN = words(
    """
    ada adalah agar akan aja apa atau atas bagi bahwa baik banget bantu bareng belum berapa bisa
    boleh buat bukan cek cerita ceritain coba dalam dan dari dapat dengan di dia dulu hari harus
    ini itu jadi jangan jika juga kalau kami kamu kan ke kenapa kirim kita kok lagi langsung lebih
    lewat lihat mau masih mohon nanti nggak nih oleh pada para perlu saja sama sampai sangat saya
    sebagai sedang sekali semoga sesuai silakan soal sudah supaya tapi telah tentang terima kasih
    terus tetap tim tidak tulis udah untuk yang ya yuk halo hai maaf makasih selamat informasi
    layanan kantor petugas warga masukan saran kritik keluhan pertanyaan laporan kabari detail
    rinciannya kendala kendalanya terkait melalui apabila bapak ibu kak tanya sampaikan catat
    teruskan bagian menangani membantu senang semangat lancar urusan urusannya ide usulan kabar
    baru juga atas berikut selengkapnya menghubungi kembali ketidaknyamanan ketidaknyamanannya
    jawaban jawabannya begini begitu kartu anak tahun bawah atas orang rumah jalan kota bulan
    minggu jam buka tutup syarat cara daftar bawa datang dokumen surat data nama baru lama
    """
)
ENGLISH = words(
    """
    the and you your we our is are was were to of in for on with this that please thank thanks
    sorry hello hi will would can could should be been have has do does not it they them from
    at by as an or if but so just about more information contact us
    """
)
CASUAL_MARKERS = words(
    """
    ya kak kamu makasih aja nih yuk banget udah nggak gak kok dong sih deh kabari ceritain bikin
    biar kayak bareng ngerti dengernya tulis nanya duh wah oh iya siap kesel ribet repot mentok
    noted
    """
)
STIFF_PHRASES = (
    "dengan hormat",
    "bersama ini",
    "demikian kami sampaikan",
    "demikian disampaikan",
    "atas perhatiannya",
    "atas perhatian bapak",
    "sehubungan dengan",
    "perihal",
    "hormat kami",
    "yth.",
    "kami undang",
    "mengundang",
    "dimohon kehadiran",
)


@dataclass
class Scored:
    """One drafted comment, as the rubric sees it."""

    comment: str
    draft: str | None
    action: str
    flags: list[str] = field(default_factory=list)
    platform: str = "other"
    author: str | None = None
    tone: str = "santai"
    kb_used: bool = False
    reused: bool = False


def indonesian_ratio(text: str) -> tuple[float, float]:
    """(share of Indonesian words, share of English words) among a draft's alphabetic tokens."""
    toks = [t for t in tokens(text) if t.isalpha()]
    if not toks:
        return 0.0, 0.0
    ind = sum(t in INDONESIAN for t in toks) / len(toks)
    eng = sum(t in ENGLISH and t not in INDONESIAN for t in toks) / len(toks)
    return ind, eng


def is_indonesian(text: str) -> bool:
    ind, eng = indonesian_ratio(text)
    return ind >= 0.3 and eng <= 0.05


def casual_markers(text: str) -> int:
    return sum(t in CASUAL_MARKERS for t in tokens(text))


def stiff(text: str) -> bool:
    low = text.lower()
    return any(p in low for p in STIFF_PHRASES)


def overlap(comment: str, draft: str) -> float:
    """Share of the comment's content terms (up to the first 8) that the draft takes up."""
    terms = list(dict.fromkeys(match_terms(comment)))[:8]
    if not terms:
        return 0.0
    dterms = set(match_terms(draft))
    return sum(t in dterms for t in terms) / len(terms)


def opening(draft: str, author: str | None) -> str:
    """The first four words of a draft without the citizen's handle (for repetition)."""
    skip = set(tokens(author or ""))
    return " ".join([t for t in tokens(draft) if t not in skip][:4])


def distinct_n(texts: Sequence[str], n: int) -> float:
    grams: list[tuple[str, ...]] = []
    for text in texts:
        toks = tokens(text)
        grams += [tuple(toks[i : i + n]) for i in range(len(toks) - n + 1)]
    return len(set(grams)) / len(grams) if grams else 0.0


def _pct(part: float, whole: float) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def evaluate(items: Sequence[Scored]) -> dict[str, Any]:
    """The rubric over a set of drafts (replies only for the text measures)."""
    replies = [i for i in items if i.action == "reply" and i.draft]
    texts = [i.draft or "" for i in replies]
    n = len(replies)
    actions = Counter(i.action for i in items)
    flags = Counter(f for i in replies for f in i.flags)
    lengths = [len(t) for t in texts]
    ratios = [indonesian_ratio(t) for t in texts]
    openings = Counter(opening(i.draft or "", i.author) for i in replies)
    top_opening, top_count = openings.most_common(1)[0] if openings else ("", 0)
    overlaps = [overlap(i.comment, i.draft or "") for i in replies]
    return {
        "comments": len(items),
        "actions": dict(actions),
        "replies": n,
        "indonesian": {
            "share_of_drafts_pct": _pct(sum(is_indonesian(t) for t in texts), n),
            "mean_indonesian_word_ratio": round(statistics.fmean(r[0] for r in ratios), 3)
            if n
            else 0.0,
            "mean_english_word_ratio": round(statistics.fmean(r[1] for r in ratios), 3)
            if n
            else 0.0,
        },
        "register": {
            "casual_drafts_pct": _pct(
                sum(casual_markers(t) >= 1 and not stiff(t) for t in texts), n
            ),
            "mean_casual_markers": round(statistics.fmean(casual_markers(t) for t in texts), 2)
            if n
            else 0.0,
            "stiff_drafts_pct": _pct(sum(stiff(t) for t in texts), n),
        },
        "topical": {
            "mean_overlap": round(statistics.fmean(overlaps), 3) if n else 0.0,
            "drafts_with_overlap_pct": _pct(sum(o > 0 for o in overlaps), n),
            "kb_answered_pct": _pct(sum(i.kb_used for i in replies), n),
            "reused_pct": _pct(sum(i.reused for i in replies), n),
        },
        "diversity": {
            "distinct_1": round(distinct_n(texts, 1), 3),
            "distinct_2": round(distinct_n(texts, 2), 3),
            "unique_drafts_pct": _pct(len(set(texts)), n),
            "top_opening": top_opening,
            "top_opening_pct": _pct(top_count, n),
        },
        "guardrails": {
            "flagged_drafts_pct": _pct(sum(bool(i.flags) for i in replies), n),
            "flags": dict(flags),
        },
        "length": {
            "mean_chars": round(statistics.fmean(lengths), 1) if n else 0.0,
            "median_chars": statistics.median(lengths) if n else 0,
            "p95_chars": sorted(lengths)[max(0, int(0.95 * n) - 1)] if n else 0,
            "max_chars": max(lengths) if n else 0,
            "over_platform_limit": sum(len(i.draft or "") > limit_for(i.platform) for i in replies),
        },
    }


ROWS: tuple[tuple[str, str, str], ...] = (
    ("replies", "replies", ""),
    ("Indonesian drafts", "indonesian", "share_of_drafts_pct"),
    ("Indonesian word ratio", "indonesian", "mean_indonesian_word_ratio"),
    ("English word ratio", "indonesian", "mean_english_word_ratio"),
    ("casual drafts %", "register", "casual_drafts_pct"),
    ("casual markers / draft", "register", "mean_casual_markers"),
    ("stiff (letter-style) %", "register", "stiff_drafts_pct"),
    ("topical overlap", "topical", "mean_overlap"),
    ("drafts with overlap %", "topical", "drafts_with_overlap_pct"),
    ("KB-answered %", "topical", "kb_answered_pct"),
    ("distinct-1", "diversity", "distinct_1"),
    ("distinct-2", "diversity", "distinct_2"),
    ("unique drafts %", "diversity", "unique_drafts_pct"),
    ("top opening %", "diversity", "top_opening_pct"),
    ("flagged drafts %", "guardrails", "flagged_drafts_pct"),
    ("mean length", "length", "mean_chars"),
    ("p95 length", "length", "p95_chars"),
    ("max length", "length", "max_chars"),
    ("over platform limit", "length", "over_platform_limit"),
)


def table(reports: dict[str, dict[str, Any]]) -> str:
    """A plain-text table: one column per report (e.g. per tone)."""
    names = list(reports)
    width = max(len(r[0]) for r in ROWS) + 2
    lines = ["metric".ljust(width) + "".join(n.rjust(12) for n in names)]
    for label, group, key in ROWS:
        cells = []
        for name in names:
            value = reports[name][group] if not key else reports[name][group][key]
            cells.append(str(value).rjust(12))
        lines.append(label.ljust(width) + "".join(cells))
    for name in names:
        flags = reports[name]["guardrails"]["flags"]
        lines.append(f"flags[{name}]: {dict(sorted(flags.items())) or 'none'}")
    return "\n".join(lines)
