"""Normaliser for informal social-media Indonesian.

The steps run in this order (each is also a public function):

1. `fold_unicode`: styled letters and digits (mathematical alphanumerics, fullwidth, circled,
   squared, regional-indicator, small capitals, look-alike Cyrillic/Greek) become plain ASCII;
   decorative combining marks and frame characters are dropped; emoji are kept.
2. `mask_entities`: URLs, e-mail addresses, @mentions and Indonesian phone numbers become
   ``[URL]``, ``[EMAIL]``, ``[USER]`` and ``[PHONE]``.
3. `squeeze_repeats`: ``bangeeeet`` -> ``banget``; runs of punctuation or emoji are capped.
4. reduplication: ``anak2`` -> ``anak-anak``.
5. `deleet`: digits used as letters inside words (``s10t`` -> ``slot``, ``g4c0r`` -> ``gacor``);
   plain numbers, codes and trailing numbers (``KING328``, ``covid19``, ``rt05``) are kept.
6. `expand_slang`: the project's own slang dictionary (``gak`` -> ``tidak``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import yaml

RESOURCES = Path(__file__).resolve().parent / "resources"

# ---------------------------------------------------------------------------------------------
# 1. Unicode folding
# ---------------------------------------------------------------------------------------------


def _build_fold_map() -> dict[int, str]:
    """Code points that NFKC leaves alone but that spammers use as letters."""
    table: dict[int, str] = {}
    upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    for start in (0x1F130, 0x1F150, 0x1F170, 0x1F1E6):  # squared, neg. circled/squared, flags
        for i, ch in enumerate(upper):
            table[start + i] = ch
    small_caps = {
        "ᴀ": "a", "ʙ": "b", "ᴄ": "c", "ᴅ": "d", "ᴇ": "e", "ꜰ": "f", "ɢ": "g", "ʜ": "h",
        "ɪ": "i", "ᴊ": "j", "ᴋ": "k", "ʟ": "l", "ᴍ": "m", "ɴ": "n", "ᴏ": "o", "ᴘ": "p",
        "ǫ": "q", "ʀ": "r", "ꜱ": "s", "ᴛ": "t", "ᴜ": "u", "ᴠ": "v", "ᴡ": "w", "ʏ": "y",
        "ᴢ": "z",
    }  # fmt: skip
    # Cyrillic and Greek letters that look like Latin ones (used to dodge word filters).
    lookalike = {
        "а": "a", "в": "b", "е": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
        "с": "c", "т": "t", "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s", "ԁ": "d",
        "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
        "С": "C", "Т": "T", "Х": "X", "І": "I", "Ј": "J", "Ѕ": "S",
        "α": "a", "β": "b", "ε": "e", "ι": "i", "κ": "k", "ο": "o", "ρ": "p", "τ": "t",
        "υ": "u", "ν": "v", "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I",
        "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
        "ℓ": "l", "ɑ": "a", "ɡ": "g", "ı": "i", "я": "r", "Я": "R", "И": "N", "ω": "w",
        "Λ": "A",
        # Lycian, Canadian syllabics and Armenian letters seen standing in for Latin ones in
        # gambling names (ᑭᑌᒪᗩᑌᗯIᑎ, 𝐏𝐑0𝐁𝐄𐊗, 𝐄𝐗𝐎էօէօ).
        "𐊗": "T", "ᑎ": "N", "ᗯ": "W", "ᒪ": "L", "ᑭ": "P", "ᑌ": "U", "ᗩ": "A",
        "օ": "o", "ս": "u", "ո": "n", "հ": "h", "ց": "g", "է": "t",
    }  # fmt: skip
    for src, dst in {**small_caps, **lookalike}.items():
        table[ord(src)] = dst
    # Dingbat circled digits (❶..❿, ➀..➓) that NFKC leaves alone.
    for start in (0x2776, 0x2780, 0x278A):
        for i in range(9):
            table[start + i] = str(i + 1)
    # Frames and separators that wrap single letters: 【K】『I』░N≋G
    for ch in "【】『』「」〖〗〔〕≋░▒▓█":
        table[ord(ch)] = ""
    return table


_FOLD = _build_fold_map()
# A word put in front of texts written with styled letters (see `fold_unicode`). Styled names
# are the mark of gambling promotion in both judol collections, but each uses its own names.
STYLED_MARK = "hurufhias"
STYLED_MIN_LETTERS = 3
_KEEP_MARKS = {0x200D}  # zero-width joiner glues emoji sequences together


def _is_decoration(ch: str) -> bool:
    cat = unicodedata.category(ch)
    if cat in ("Mn", "Me"):
        return True  # combining overlays (0̾, 1⃣) and variation selectors
    return cat == "Cf" and ord(ch) not in _KEEP_MARKS


def _fold_char(ch: str) -> str:
    out = unicodedata.normalize("NFKC", ch.translate(_FOLD)).translate(_FOLD)
    kept = [c for c in unicodedata.normalize("NFD", out) if not _is_decoration(c)]
    return "".join(kept)


def _split_styled_runs(pieces: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """Put a space where a styled name runs into a plain word: ``𝐖𝐄𝐓𝐎𝐍𝟖𝟖puji`` -> ``WETON88 puji``.

    Only a plain run of three or more letters counts as a word, so names that mix styled and
    plain letters (``a𝐆𝘜s𝙏𝑂𝙏𝐎``) stay whole.
    """
    out: list[tuple[str, bool]] = []
    i = 0
    while i < len(pieces):
        j = i
        while j < len(pieces) and pieces[j][1] == pieces[i][1] and pieces[j][0].isalpha():
            j += 1
        if j - i >= 3 and not pieces[i][1]:
            before = out[-1] if out else None
            after = pieces[j] if j < len(pieces) else None
            if before and before[1] and before[0].isalnum():
                out.append((" ", False))
            out.extend(pieces[i:j])
            if after and after[1] and after[0].isalnum():
                out.append((" ", False))
            i = j
            continue
        out.append(pieces[i])
        i += 1
    return out


def _join_spaced_letters(pieces: list[tuple[str, bool]]) -> str | None:
    """Join single styled letters written apart: ``𝐃 𝐄 𝐖 𝐀 d 𝐎 𝐑 𝐀`` -> ``DEWAdORA``.

    A run of three or more one-character tokens, at least two of them styled, is one word.
    Returns None when there is no such run (the caller keeps the original whitespace).
    """
    tokens: list[tuple[str, int]] = []  # (text, styled characters)
    word: list[str] = []
    styled = 0
    for text, is_styled in [*pieces, (" ", False)]:
        if text.isspace():
            if word:
                tokens.append(("".join(word), styled))
            word, styled = [], 0
        else:
            word.append(text)
            styled += is_styled
    out: list[str] = []
    joined = False
    i = 0
    while i < len(tokens):
        j = i
        while j < len(tokens) and len(tokens[j][0]) == 1 and tokens[j][0].isalnum():
            j += 1
        if j - i >= 3 and sum(s for _, s in tokens[i:j]) >= 2:
            out.append("".join(t for t, _ in tokens[i:j]))
            joined = True
            i = j
        else:
            out.append(tokens[i][0])
            i += 1
    return " ".join(out) if joined else None


def fold_unicode(text: str, *, mark_styled: bool = False) -> str:
    """Map styled Unicode letters/digits to ASCII, drop decorations, keep emoji.

    Styled names are also cut out of the plain words they are glued to and put back together
    when their letters are written apart.

    Args:
        text: raw text.
        mark_styled: put `STYLED_MARK` in front of a text with `STYLED_MIN_LETTERS` or more
            styled letters (flags do not count), so a model still sees that the text was
            dressed up after folding and lower-casing have removed the styling.

    >>> fold_unicode("𝑲𝑰𝑵𝑮𝟑𝟐𝟖")
    'KING328'
    """
    text = unicodedata.normalize("NFC", text)
    pieces: list[tuple[str, bool]] = []
    styled_letters = 0
    for ch in text:
        folded = _fold_char(ch)
        if not folded:
            continue
        # Accents are dropped too, but an accented letter is not a styled one.
        base = "".join(c for c in unicodedata.normalize("NFD", ch) if not _is_decoration(c))
        is_styled = folded != base and folded.isascii() and folded.isalnum()
        if is_styled and folded.isalpha() and not _is_flag_letter(ch):
            styled_letters += 1
        if is_styled and len(folded) > 1:  # "①⓪" style digits fold to more than one char
            pieces.append((folded, True))
            continue
        pieces.extend((c, is_styled) for c in folded)
    if not any(s for _, s in pieces):
        return "".join(c for c, _ in pieces)
    pieces = _split_styled_runs(pieces)
    joined = _join_spaced_letters(pieces)
    out = joined if joined is not None else "".join(c for c, _ in pieces)
    if mark_styled and styled_letters >= STYLED_MIN_LETTERS:
        out = f"{STYLED_MARK} {out}"
    return out


def _is_flag_letter(ch: str) -> bool:
    return 0x1F1E6 <= ord(ch) <= 0x1F1FF  # regional indicators: 🇮🇩 is two of them


# ---------------------------------------------------------------------------------------------
# 2. Masking
# ---------------------------------------------------------------------------------------------

_URL = re.compile(
    r"(?:https?://|www\.)\S+"
    r"|\b[a-z0-9][a-z0-9-]*\.(?:com|net|org|id|co|xyz|io|me|ly|link|site|online|vip|top|info|biz|"
    r"pro|club|cc|tv|store|shop|app|gg|asia|live|fun|icu)\b(?:/\S*)?",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b")
_USER = re.compile(r"(?<![\w@])@[A-Za-z0-9_.]{2,30}")
# 08xx / +62 8xx / 62 8xx / 0 8xx with spaces, dots or dashes between groups (10-13 digits).
_PHONE = re.compile(r"(?<![\w+])(?:\+?62[\s.-]?|0)8\d{1,3}(?:[\s.-]?\d{2,5}){2,4}(?!\w)")


def mask_entities(text: str) -> str:
    """Replace URLs, e-mails, @mentions and phone numbers with placeholder tokens."""
    text = _EMAIL.sub(" [EMAIL] ", text)
    text = _URL.sub(" [URL] ", text)
    text = _USER.sub(" [USER] ", text)
    text = _PHONE.sub(" [PHONE] ", text)
    return text


# ---------------------------------------------------------------------------------------------
# 3-5. Repeats, reduplication, leetspeak
# ---------------------------------------------------------------------------------------------

_REPEAT_LETTER = re.compile(r"([^\W\d_])\1{2,}", re.UNICODE)
_REPEAT_OTHER = re.compile(r"([^\w\s])\1{3,}", re.UNICODE)
_REDUP = re.compile(r"\b([^\W\d_]{3,})2\b")
_DOUBLE_OK = {
    "maaf", "saat", "taat", "jumaat", "allah", "sekolahan", "manfaat", "tinggi", "ttd",
    "saatnya", "wassalam", "assalamualaikum", "aamiin", "keep", "good", "cool", "free",
    "see", "need", "soon", "too", "sleep", "all", "will", "still", "sorry", "week",
    "coffee", "feed", "reels", "google", "gg", "ppkm", "wassalamualaikum",
}  # fmt: skip


def _squeeze_word(match: re.Match[str]) -> str:
    return match.group(1)


def squeeze_repeats(text: str) -> str:
    """Collapse 3+ repeated letters to one (or two for known double-letter words).

    Runs of 4+ identical punctuation marks or emoji are cut to three.
    """

    def fix_token(tok: str) -> str:
        if not _REPEAT_LETTER.search(tok):
            return tok
        one = _REPEAT_LETTER.sub(_squeeze_word, tok)
        two = _REPEAT_LETTER.sub(lambda m: m.group(1) * 2, tok)
        return two if two.lower() in _DOUBLE_OK else one

    text = " ".join(fix_token(t) for t in text.split(" "))
    return _REPEAT_OTHER.sub(lambda m: m.group(1) * 3, text)


_LEET = {"0": "o", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g", "6": "g"}
_TOKEN = re.compile(r"[A-Za-z0-9]+")
_LEET_WORDS = {
    "slot", "gacor", "maxwin", "jackpot", "jp", "depo", "deposit", "withdraw", "togel",
    "judi", "judol", "bonus", "scatter", "zeus", "olympus", "mahjong", "poker", "casino",
    "kasino", "bet", "taruhan", "menang", "hoki", "daftar", "link", "situs", "login",
    "admin", "gratis", "promo", "cuan", "wede", "rtp", "bandar", "pragmatic", "spin",
    "anjing", "bangsat", "goblok", "tolol", "bego", "babi", "kontol", "memek", "tai",
    "setan", "iblis", "bajingan", "brengsek", "kampret", "jancuk", "asu", "idiot",
}  # fmt: skip


@lru_cache(maxsize=1)
def _known_words() -> frozenset[str]:
    words = set(_LEET_WORDS)
    for key, value in load_slang().items():
        words.add(key)
        words.update(value.split())
    words.update(load_lexicon("abusive_words.yaml"))
    return frozenset(words)


def _deleet_token(tok: str) -> str:
    if tok.isdigit() or tok.isalpha() or not any(c.isalpha() for c in tok):
        return tok
    low = tok.lower()
    letters = [i for i, c in enumerate(low) if c.isalpha()]
    first, last = letters[0], letters[-1]
    internal = all(first < i < last for i, c in enumerate(low) if c.isdigit())
    candidates = []
    for one in ("l", "i"):
        table = {**_LEET, "1": one}
        if any(c.isdigit() and c not in table for c in low):
            return tok
        candidates.append("".join(table.get(c, c) for c in low))
    known = _known_words()
    for cand in candidates:
        if cand in known:
            return cand
    if internal and len(tok) >= 4:
        return candidates[1]  # "1" reads as "i" more often than "l" in Indonesian
    return tok


def deleet(text: str) -> str:
    """Undo digit-for-letter substitutions inside words; leave numbers and codes alone."""
    return _TOKEN.sub(lambda m: _deleet_token(m.group(0)), text)


# ---------------------------------------------------------------------------------------------
# 6. Slang
# ---------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def load_slang() -> dict[str, str]:
    """The project's own slang dictionary (`resources/slang.yaml`), lower-case keys."""
    with (RESOURCES / "slang.yaml").open(encoding="utf-8") as fh:
        raw = yaml.safe_load(fh) or {}
    return {str(k).lower(): str(v).lower() for k, v in raw.items()}


@lru_cache(maxsize=8)
def load_lexicon(name: str) -> frozenset[str]:
    """A word list from `resources/` (a YAML list of lower-case words)."""
    with (RESOURCES / name).open(encoding="utf-8") as fh:
        raw = yaml.safe_load(fh) or []
    return frozenset(str(w).lower() for w in raw)


_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*", re.UNICODE)


def expand_slang(text: str, slang: dict[str, str] | None = None) -> str:
    """Replace slang words by their standard form (case-insensitive, whole words)."""
    table = load_slang() if slang is None else slang

    def repl(m: re.Match[str]) -> str:
        word = m.group(0)
        return table.get(word.lower(), word)

    return _WORD.sub(repl, text)


_SPACES = re.compile(r"\s+")


def normalise(
    text: str, *, slang: bool = True, mask: bool = True, mark_styled: bool = False
) -> str:
    """Run the full normalisation pipeline on one text.

    Args:
        text: raw comment text.
        slang: expand slang words with the project's dictionary.
        mask: replace URLs, e-mails, mentions and phone numbers by placeholders.
        mark_styled: start texts written with styled letters with `STYLED_MARK` (models
            trained with it say so in their config: ``tanggap_mark_styled``).

    Returns:
        The normalised text (case is kept except for replaced slang words).
    """
    text = fold_unicode(text, mark_styled=mark_styled)
    if mask:
        text = mask_entities(text)
    text = _SPACES.sub(" ", text).strip()
    text = squeeze_repeats(text)
    text = _REDUP.sub(lambda m: f"{m.group(1)}-{m.group(1)}", text)
    text = deleet(text)
    if slang:
        text = expand_slang(text)
    return _SPACES.sub(" ", text).strip()


def normalise_many(texts: Iterable[str]) -> list[str]:
    """`normalise` applied to each text."""
    return [normalise(t) for t in texts]


def slang_coverage(slang_words: Iterable[str]) -> float:
    """Share of the given slang words (e.g. a research lexicon's keys) our dictionary knows.

    Only used to *measure* the dictionary; nothing from the measured list is copied in.
    """
    table = load_slang()
    words = [w.strip().lower() for w in slang_words if w and w.strip()]
    if not words:
        return 0.0
    return sum(1 for w in words if w in table) / len(words)


_NON_WORD = re.compile(r"[^\w ]+")


def lexicon_hit(text: str, name: str = "abusive_words.yaml") -> bool:
    """Whether a normalised text holds a word or phrase of a `resources/` word list."""
    low = " " + _NON_WORD.sub(" ", text.lower()) + " "
    low = _SPACES.sub(" ", low)
    return any(f" {w} " in low for w in load_lexicon(name))
