"""Dataset readers for training and evaluation.

Every reader returns `Example`s whose task labels may be missing (``None``): each data set labels
only some tasks and training masks the rest. Readers take the data root (``../shared/data``) so
a user can point them at their own copy. Nothing read here is ever written into the repository.
"""

from __future__ import annotations

import csv
import hashlib
import json
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from app.nlp.labels import INTENTS
from app.nlp.normalise import RESOURCES, lexicon_hit, normalise

csv.field_size_limit(10_000_000)

SENTIMENT_MAP = {"positive": "positif", "neutral": "netral", "negative": "negatif"}
DEFAULT_SENTIMENT = {
    "pertanyaan": "netral",
    "keluhan": "negatif",
    "kritik": "negatif",
    "saran": "netral",
    "apresiasi": "positif",
    "spam": None,
    "lainnya": "netral",
}
NOT_SPAM = tuple(i for i in INTENTS if i != "spam")


@dataclass
class Example:
    """One training or evaluation text.

    ``intent`` is a label, or a tuple of allowed labels (a partial label, e.g. "anything but
    spam"), or None when unknown. ``source`` names the data set.
    """

    text: str
    source: str
    intent: str | tuple[str, ...] | None = None
    sentiment: str | None = None
    abusive: bool | None = None
    meta: dict[str, str] = field(default_factory=dict)
    action: str | None = None


# ---------------------------------------------------------------------------------------------
# Open sets (may train the shipped model)
# ---------------------------------------------------------------------------------------------


def read_smsa(root: Path, split: str) -> list[Example]:
    """SmSA (IndoNLU): ``text<TAB>label`` without header."""
    out = []
    with (root / "sentiment" / "smsa" / f"{split}.tsv").open(encoding="utf-8") as fh:
        for line in fh:
            text, _, label = line.rstrip("\n").rpartition("\t")
            if text and label in SENTIMENT_MAP:
                out.append(Example(text, f"smsa-{split}", sentiment=SENTIMENT_MAP[label]))
    return out


def read_emot(root: Path, split: str) -> list[Example]:
    """EmoT (IndoNLU) tweets; emotion mapped to sentiment (love/happy positive, rest negative)."""
    mapping = {"happy": "positif", "love": "positif", "anger": "negatif", "sadness": "negatif"}
    mapping["fear"] = "negatif"
    out = []
    with (root / "emotion" / "emot" / f"{split}.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            out.append(
                Example(
                    row["tweet"],
                    f"emot-{split}",
                    sentiment=mapping.get(row["label"]),
                    meta={"emotion": row["label"]},
                )
            )
    return out


def stable_bucket(text: str, buckets: int = 100) -> int:
    digest = hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()
    return int(digest[:8], 16) % buckets


def read_judol_gbennnn(root: Path) -> tuple[list[Example], list[Example]]:
    """judol_gbennnn comments, deduplicated on normalised text, split 90/10 by a text hash.

    Returns (train, valid). Spam rows get intent ``spam``; the rest get the partial label
    "any intent but spam".
    """
    seen: set[str] = set()
    train: list[Example] = []
    valid: list[Example] = []
    with (root / "spam" / "judol_gbennnn" / "comments.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            text = (row.get("text") or "").strip()
            if not text:
                continue
            key = normalise(text, slang=False).lower()
            if key in seen:
                continue
            seen.add(key)
            spam = str(row.get("label", "0")).strip() == "1"
            ex = Example(text, "judol_gbennnn", intent="spam" if spam else NOT_SPAM)
            (valid if stable_bucket(key) < 10 else train).append(ex)
    return train, valid


def read_judol_sites(root: Path) -> list[str]:
    """Gambling site names listed with judol_gbennnn (MIT); empty when the file is absent."""
    path = root / "spam" / "judol_gbennnn" / "situs_judol.csv"
    if not path.is_file():
        return []
    with path.open(encoding="utf-8") as fh:
        return [
            row["site"].strip() for row in csv.DictReader(fh) if (row.get("site") or "").strip()
        ]


def read_own_intents(path: Path | None = None) -> list[Example]:
    """The project's own written intent examples (`resources/intent_examples.yaml`)."""
    path = path or RESOURCES / "intent_examples.yaml"
    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    out = []
    for intent, texts in data.items():
        for raw in texts:
            text, _, sent = str(raw).partition("||")
            sentiment = sent.strip() or DEFAULT_SENTIMENT[intent]
            out.append(Example(text.strip(), "own", intent=intent, sentiment=sentiment))
    return out


# Variation used to multiply the own examples: the same comment written the way people write.
_OPENERS = ["", "", "", "min ", "pak ", "bu ", "admin ", "halo min, ", "permisi ", "kak "]
_CLOSERS = ["", "", "", " 🙏", " min", " pak", "!!", " ya", " 😊", " 😡", " tks", "..."]
_SWAPS = [
    (r"\btidak\b", "gak"),
    (r"\bsudah\b", "udah"),
    (r"\byang\b", "yg"),
    (r"\bbagaimana\b", "gimana"),
    (r"\bterima kasih\b", "makasih"),
    (r"\bsaja\b", "aja"),
    (r"\bsekali\b", "banget"),
    (r"\bdengan\b", "dgn"),
    (r"\bkarena\b", "karna"),
    (r"\btolong\b", "tlg"),
]


# Polite wrappers of real citizen messages: thanks and greetings are not praise by themselves.
_POLITE_OPEN = [
    "Selamat pagi, ",
    "Selamat siang, ",
    "Assalamualaikum, ",
    "Yth. admin, ",
    "Permisi, ",
]
_POLITE_CLOSE = [
    " Terima kasih.",
    " Terimakasih atas perhatiannya.",
    " Mohon ditindaklanjuti.",
    " 🙏",
]


def augment(ex: Example, rng: random.Random, n: int) -> list[Example]:
    """Write ``n`` informal variants of an own example (openers, closers, slang, casing)."""
    out = []
    polite = ex.intent in ("pertanyaan", "keluhan", "kritik", "saran")
    for _ in range(n):
        text = ex.text
        for pattern, repl in _SWAPS:
            if rng.random() < 0.5:
                text = re.sub(pattern, repl, text)
        if polite and rng.random() < 0.4:
            text = rng.choice(_POLITE_OPEN) + text + rng.choice(_POLITE_CLOSE)
        else:
            text = rng.choice(_OPENERS) + text + rng.choice(_CLOSERS)
        r = rng.random()
        if r < 0.15:
            text = text.upper()
        elif r < 0.35:
            text = text.capitalize()
        out.append(Example(text, "own-aug", ex.intent, ex.sentiment, ex.abusive, action=ex.action))
    return out


# Weak intent labels on open unlabeled comments (judol_gbennnn non-spam rows): high-precision
# rules only; anything unmatched keeps the partial label.
_WEAK_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("saran", re.compile(r"\b(saran saya|sebaiknya|alangkah baiknya|usul(an)? saya)\b")),
    (
        "apresiasi",
        re.compile(
            r"\b(terima kasih|terimakasih|makasih|salut|bangga|sehat selalu|sukses selalu)\b"
        ),
    ),
    (
        "pertanyaan",
        re.compile(
            r"^(.{0,80})\b(bagaimana|gimana|kapan|dimana|di mana|berapa|apakah)\b.{0,60}\?$"
        ),
    ),
]


_PROBLEM = re.compile(r"\b(belum|tidak|rusak|mohon|tolong|kenapa|masih|namun|tapi|tetapi)\b")


def weak_intent(text: str) -> str | None:
    """High-precision rule label for an unlabeled comment, or None."""
    low = normalise(text, slang=False).lower()
    hits = [name for name, rx in _WEAK_RULES if rx.search(low)]
    if hits == ["apresiasi"] and _PROBLEM.search(low):
        return None
    return hits[0] if len(hits) == 1 else None


def abusive_weak_label(text: str) -> bool:
    """Weak abusive label from the project's own lexicon (whole words, after normalisation)."""
    return lexicon_hit(normalise(text, slang=False))


# ---------------------------------------------------------------------------------------------
# Research sets: evaluation only
# ---------------------------------------------------------------------------------------------


def read_judol_nafhanugm(root: Path) -> list[Example]:
    """judol_nafhanugm (research): evaluation of spam across collections."""
    out = []
    with (root / "spam" / "judol_nafhanugm" / "train.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            text = (row.get("comment") or "").strip()
            if text:
                spam = str(row.get("label")).strip() == "1"
                out.append(Example(text, "judol_nafhanugm", intent="spam" if spam else NOT_SPAM))
    return out


def read_ibrohim(root: Path) -> list[Example]:
    """Ibrohim & Budi 2019 tweets (research): abusive evaluation."""
    out = []
    path = root / "abusive" / "ibrohim" / "tweets.csv"
    with path.open(encoding="latin-1") as fh:
        for row in csv.DictReader(fh):
            text = re.sub(r"\\x[0-9a-f]{2}", " ", row.get("Tweet", ""))
            text = text.replace("USER", "@user").replace("URL", "http://url")
            out.append(Example(text, "ibrohim", abusive=row.get("Abusive") == "1"))
    return out


def read_surabaya(root: Path) -> dict[str, str]:
    """Surabaya citizen messages (research) by row id. Never copy these texts anywhere."""
    out = {}
    with (root / "intent" / "surabaya" / "complaints.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            out[str(row["id"])] = row["keluhan"]
    return out


ISP_CS_INTENT = {"Information": "pertanyaan", "Request": "pertanyaan", "Problem": "keluhan"}
"""Mapping of the ISP customer-service labels to intents, fixed before any prediction was read.
``Unknown`` rows (greetings, fragments, account numbers, but also some problems) have no intent."""


def isp_cs_split(row: int) -> str:
    """``dev`` or ``eval`` for an ISP question by its 0-based data row (fixed 50/50 hash split)."""
    digest = hashlib.sha256(f"isp_cs:{row}".encode()).hexdigest()
    return "dev" if int(digest, 16) % 2 == 0 else "eval"


def read_isp_cs(root: Path, split: str) -> list[Example]:
    """ISP customer-service questions (research) of one split, with mapped intents.

    ``dev`` chooses designs (linear-head hyper-parameters); ``eval`` is read once per shipped
    model. Never copy these texts anywhere.
    """
    out = []
    with (root / "intent" / "isp_cs" / "questions.csv").open(encoding="utf-8") as fh:
        for row, rec in enumerate(csv.DictReader(fh)):
            intent = ISP_CS_INTENT.get(rec["label"])
            if intent is None or isp_cs_split(row) != split:
                continue
            out.append(
                Example(rec["question_list"], "isp_cs", intent=intent, meta={"row": str(row)})
            )
    return out


def read_intent_eval(path: Path | None = None) -> list[dict[str, str]]:
    """Our own intent labels for Surabaya rows: ``{"id", "intent"}`` per line (no text)."""
    path = path or RESOURCES / "intent_eval_surabaya.jsonl"
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def surabaya_intent_eval(root: Path) -> list[Example]:
    """Join our labels with the Surabaya texts (at evaluation time only)."""
    texts = read_surabaya(root)
    return [
        Example(texts[r["id"]], "surabaya", intent=r["intent"])
        for r in read_intent_eval()
        if r["id"] in texts
    ]
