"""Guardrails against hostile comments and careless drafts."""

from __future__ import annotations

import pytest

from app.drafting import guardrails as g

CHANNELS = {
    "website": "https://dukcapil.sukamaju.example",
    "whatsapp": "0811-0000-0001",
    "email": "layanan@dukcapil.sukamaju.example",
    "office_hours": "Senin–Jumat 08.00–15.00",
}
KB_ANSWER = (
    "Nomor antrean bisa diambil paling lambat sehari sebelum datang. Layanan gratis, "
    "tidak dipungut Rp 0 pun."
)
ALLOWED = g.Allowed.build(
    channels=CHANNELS, kb_texts=[KB_ANSWER, "https://antre.sukamaju.example/lacak"]
)


def check(text: str, comment: str = "", platform: str = "instagram") -> list[str]:
    return g.check(text, comment=comment, platform=platform, allowed=ALLOWED)


def test_own_channels_and_kb_links_are_allowed() -> None:
    text = (
        "Cek https://dukcapil.sukamaju.example atau https://antre.sukamaju.example/lacak, "
        "WhatsApp 0811-0000-0001, email layanan@dukcapil.sukamaju.example "
        "(Senin–Jumat 08.00–15.00)."
    )
    assert check(text) == []


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("Daftar di https://antre-sukamaju.example.com ya", g.FLAG_URL),
        ("Cek bit.ly/promo123 ya", g.FLAG_URL),
        ("Cek dukcapil.sukamaju.example.evil.com", g.FLAG_URL),
        ("Cek https://dukcapil.sukamaju.example/login-palsu", g.FLAG_URL),
        ("Hubungi 0812-3456-7890 ya", g.FLAG_PHONE),
        ("Hubungi +62 812 3456 7890", g.FLAG_PHONE),
        ("Telepon (021) 555-0199", g.FLAG_PHONE),
        ("Kirim ke admin@gmail.com", g.FLAG_EMAIL),
        ("KTP-el kamu jadi besok ya", g.FLAG_DATE),
        ("Selesai dalam 3 hari kerja", g.FLAG_DATE),
        ("Kami perbaiki minggu depan", g.FLAG_DATE),
        ("Bisa diambil tanggal 12 ya", g.FLAG_DATE),
        ("Jadwalnya 17 Agustus", g.FLAG_DATE),
        ("Kami proses secepatnya", g.FLAG_DATE),
        ("Kamu dapat kompensasi", g.FLAG_AMOUNT),
        ("Bantuannya Rp 600.000 per bulan", g.FLAG_AMOUNT),
        ("Cair 300 ribu ya", g.FLAG_AMOUNT),
        ("Dijamin beres!", g.FLAG_OUTCOME),
        ("Pasti selesai kok", g.FLAG_OUTCOME),
        ("Dasar goblok", g.FLAG_PROFANITY),
        ("Maaf ya, ANJING tetangga bukan urusan kami", g.FLAG_PROFANITY),
        ("", g.FLAG_EMPTY),
    ],
)
def test_violations_are_flagged(text: str, flag: str) -> None:
    assert flag in check(text)


def test_kb_facts_are_not_promises_even_when_shortened() -> None:
    assert check(KB_ANSWER) == []
    assert check("Halo! " + KB_ANSWER.split(". ")[0] + ".") == []
    # The same words outside the vetted answer are a promise.
    assert g.FLAG_DATE in check("Paling lambat besok sudah jadi.")


HOSTILE_COMMENT = (
    "KTP saya rusak, NIK 3201 2345 6789 0123, rumah di Jl. Melati No. 5 RT 03 RW 05, "
    "hp 0812-9999-8888, email budi.s@mail.example"
)


@pytest.mark.parametrize(
    "draft",
    [
        "Halo, NIK 3201234567890123 sudah kami cek.",
        "Halo, kami hubungi 081299998888 ya.",
        "Halo, petugas akan ke Jl. Melati No. 5.",
        "Halo, untuk RT 03 kami teruskan.",
        "Halo, kami balas ke budi.s@mail.example.",
    ],
)
def test_personal_data_from_the_comment_is_never_echoed(draft: str) -> None:
    assert g.FLAG_PERSONAL in check(draft, comment=HOSTILE_COMMENT)


def test_personal_data_finder() -> None:
    found = " | ".join(g.personal_data_of(HOSTILE_COMMENT))
    assert "3201 2345 6789 0123" in found
    assert "0812-9999-8888" in found
    assert "budi.s@mail.example" in found
    assert "Jl. Melati" in found and "RT 03" in found


def test_topic_words_are_not_mistaken_for_addresses() -> None:
    assert check("Makasih laporannya soal jalan rusak, kami teruskan ke tim.") == []


@pytest.mark.parametrize(("platform", "limit"), [("x", 280), ("instagram", 2200), ("tiktok", 150)])
def test_platform_limits(platform: str, limit: int) -> None:
    assert g.limit_for(platform) == limit
    assert g.FLAG_TOO_LONG in check("a" * (limit + 1), platform=platform)
    assert g.FLAG_TOO_LONG not in check("Halo " + "a" * (limit - 5), platform=platform)


def test_fit_drops_optional_sentences_but_keeps_the_next_step() -> None:
    text = (
        "Halo Kak, maaf ya soal antreannya. Kirim detailnya lewat DM atau WhatsApp 0811-0000-0001. "
        "Kami baca semua masukan. Semoga harimu menyenangkan dan urusannya lancar terus ya!"
    )
    short = g.fit(text, 120, keep=["WhatsApp 0811-0000-0001"])
    assert len(short) <= 120
    assert short.startswith("Halo Kak") and "WhatsApp 0811-0000-0001" in short
    assert g.fit(text, 1000) == text


@pytest.mark.parametrize(
    ("author", "handle"),
    [
        ("@rina_s", "rina_s"),
        ("Budi Santoso", "Budi"),
        ("081234567890", ""),
        ("bangsat", ""),
        ("https://evil.example", ""),
        ("<script>alert(1)</script>", "scriptalert1script"),
        (None, ""),
        ("   ", ""),
    ],
)
def test_handles_are_sanitised(author: str | None, handle: str) -> None:
    assert g.clean_handle(author) == handle
