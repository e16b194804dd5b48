"""The normaliser: styled Unicode, leetspeak, repeats, masking, emoji, slang."""

from __future__ import annotations

import pytest

from app.nlp.normalise import (
    STYLED_MARK,
    deleet,
    expand_slang,
    fold_unicode,
    load_slang,
    mask_entities,
    normalise,
    slang_coverage,
    squeeze_repeats,
)


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("𝑲𝑰𝑵𝑮𝟑𝟐𝟖", "KING328"),  # mathematical bold italic + bold digits
        ("ＳＬＯＴ８８", "SLOT88"),  # fullwidth
        ("ⓢⓛⓞⓣ", "slot"),  # circled
        ("🅶🅰🅲🅾🆁", "GACOR"),  # negative squared (not handled by NFKC)
        ("🄶🄰🄲🄾🅁", "GACOR"),  # squared
        ("ꜱʟᴏᴛ", "slot"),  # small capitals
        ("【K】【I】【N】【G】", "KING"),  # frames
        ("1️⃣2️⃣3️⃣", "123"),  # keycaps
        ("ѕlоt", "slot"),  # Cyrillic look-alikes
        ("𝓂𝒶𝓍𝓌𝒾𝓃", "maxwin"),  # script
        ("𝑴𝑨𝑵𝑫𝑨𝙇𝙄𝙆𝘼❼❼", "MANDALIKA77"),  # dingbat digits
        ("main 𝐃 𝘌 𝑊 𝐴 d 𝑂 𝐑 𝘼 yuk", "main DEWAdORA yuk"),  # letters written apart
        ("berkat 𝗪𝗘𝗧𝗢𝗡𝟴𝟴puji syukur", "berkat WETON88 puji syukur"),  # glued to a word
        ("a𝐆𝘜s𝙏𝑂𝙏𝐎 mantap", "aGUsTOTO mantap"),  # mixed styled and plain letters
        ("𝐌𝐀𝐗я", "MAXr"),  # mirrored R
        ("ᒪᑌᑭᑌᗯIᑎ77", "LUPUWIN77"),  # Canadian syllabics
        ("𝐁𝐄𐊗𝟏𝟐 gas", "BET12 gas"),  # Lycian T
        ("𝐊𝐈𝐍𝐆էօէօ", "KINGtoto"),  # Armenian look-alikes
        ("ΛИΓΚΛ ωin", "ANΓKA win"),  # Greek and Cyrillic capitals
    ],
)
def test_fold_unicode(raw: str, folded: str) -> None:
    assert fold_unicode(raw) == folded


def test_fold_keeps_emoji_and_indonesian_text() -> None:
    assert fold_unicode("mantap 👍😡 pak") == "mantap 👍😡 pak"
    assert fold_unicode("kafé di jl. a b c") == "kafe di jl. a b c"  # plain letters stay apart
    assert fold_unicode("y g 𝐀 d") == "y g A d"  # one styled letter is not a spaced name
    assert "🙏" in normalise("terima kasih 🙏🙏")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("s10t", "slot"), ("g4c0r", "gacor"), ("m4xw1n", "maxwin"), ("d3p0", "depo")],
)
def test_deleet_words(raw: str, expected: str) -> None:
    assert deleet(raw) == expected


@pytest.mark.parametrize(
    "kept",
    ["2024", "KING328", "covid19", "rt05", "p3k", "08123456789", "50rb", "jam 10.30", "x5"],
)
def test_deleet_leaves_numbers_and_codes(kept: str) -> None:
    assert deleet(kept) == kept


def test_squeeze_repeats() -> None:
    assert squeeze_repeats("bangeeeet") == "banget"
    assert squeeze_repeats("maaaaaf") == "maaf"  # a real double letter is kept
    assert squeeze_repeats("tinggi") == "tinggi"  # two letters are not a repeat
    assert squeeze_repeats("kenapa!!!!!!!") == "kenapa!!!"


@pytest.mark.parametrize(
    ("raw", "token"),
    [
        ("cek https://bit.ly/abc123 sekarang", "[URL]"),
        ("daftar di www.situs-gacor.vip", "[URL]"),
        ("main di kingslot.com/daftar", "[URL]"),
        ("halo @pemkot_sby", "[USER]"),
        ("wa 0812-3456-7890", "[PHONE]"),
        ("hub +62 812 3456 7890", "[PHONE]"),
        ("telp 081234567890 ya", "[PHONE]"),
        ("email saya budi@mail.com", "[EMAIL]"),
    ],
)
def test_mask_entities(raw: str, token: str) -> None:
    masked = mask_entities(raw)
    assert token in masked
    assert not any(ch.isdigit() for ch in masked.split(token)[-1][:3])


def test_masking_leaves_plain_numbers() -> None:
    assert mask_entities("rt 05 rw 12 tahun 2023 rp 50000") == "rt 05 rw 12 tahun 2023 rp 50000"


def test_slang_dictionary_is_large_and_expands() -> None:
    table = load_slang()
    assert len(table) >= 300
    assert expand_slang("gak ada yg bener, gmn nih") == "tidak ada yang benar, bagaimana ini"
    assert slang_coverage(["gak", "zzzunknown"]) == 0.5


def test_normalise_full_pipeline() -> None:
    text = normalise("𝐒𝟏𝟎𝐓 g4c0r bangeeeet!!!!! daftar di bit.ly/xx wa 081234567890 😍")
    assert text.startswith("slot gacor")
    assert "[URL]" in text and "[PHONE]" in text
    assert text.endswith("😍")
    assert "!!!!" not in text
    assert normalise("anak2 sekolah") == "anak-anak sekolah"


def test_lexicon_hit_whole_words_only() -> None:
    from app.nlp.normalise import lexicon_hit

    assert lexicon_hit("dasar goblok!")
    assert lexicon_hit("kurang ajar kamu")  # phrases
    assert not lexicon_hit("tahun babinsa datang")  # "babi" inside a word is not a hit


def test_styled_texts_get_a_mark_only_when_asked() -> None:
    styled = "main 𝐃 𝘌 𝑊 𝐴 d 𝑂 𝐑 𝘼 yuk"
    assert normalise(styled, mark_styled=True) == f"{STYLED_MARK} main DEWAdORA yuk"
    assert STYLED_MARK not in normalise(styled)
    # Flags, a superscript and two look-alike letters are not a styled text.
    for plain in ("mantap 🇮🇩🇮🇩 pak", "laki² juga bisa masak", "ѕlоt", "jalan rusak pak"):
        assert STYLED_MARK not in normalise(plain, mark_styled=True)
