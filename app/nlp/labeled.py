"""Real texts labeled by the team (intent, sentiment, action), read by id; and the own corpus.

The repository holds only ids and labels (`resources/labeled/*.jsonl`, rows ``{"id", "intent",
"sentiment", "action"}``); the texts are read from the data folder (``../shared/data``) when
training or evaluating. An id is ``<set>/<split>/<row>``: the 0-based data row of the file after
its header (SmSA has none), NusaX's own ``id`` column:

- ``emot/train/12``: EmoT ``emotion/emot/train.csv``;
- ``judol_gbennnn/comments/5``: ``spam/judol_gbennnn/comments.csv``;
- ``nusax/train/219``: NusaX ``sentiment/nusax/train.csv`` row whose ``id`` is 219;
- ``smsa/train/7``: line 7 of ``sentiment/smsa/train.tsv``.

`split_of` fixes, once and by a hash of the id, which rows are held out for evaluation
(``eval``, 20%: never used for training, data generation or model selection), which are the
development split for design choices (``dev``, 15%) and which train (``train``, 65%).

The own corpus (`resources/corpus/*.jsonl`, rows ``{"text", "intent", "sentiment", "action",
"register", "topic"}``) is the team's own writing and is committed with its text.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from app.nlp.data import Example
from app.nlp.labels import ACTIONS, INTENTS, SENTIMENTS
from app.nlp.normalise import RESOURCES

LABELED_DIR = RESOURCES / "labeled"
CORPUS_DIR = RESOURCES / "corpus"
SPLIT_SALT = "tanggap-real-split-v1"
EVAL_PERCENT = 20
DEV_PERCENT = 15
FIELDS: tuple[str, ...] = ("intent", "sentiment", "action")
_ALLOWED = {"intent": INTENTS, "sentiment": SENTIMENTS, "action": ACTIONS}

csv.field_size_limit(10_000_000)


def split_of(item_id: str) -> str:
    """``eval``, ``dev`` or ``train`` for a labeled id; fixed by a salted SHA-256 of the id."""
    digest = hashlib.sha256(f"{SPLIT_SALT}:{item_id}".encode()).hexdigest()
    bucket = int(digest[:8], 16) % 100
    if bucket < EVAL_PERCENT:
        return "eval"
    return "dev" if bucket < EVAL_PERCENT + DEV_PERCENT else "train"


def read_label_file(path: Path) -> list[dict[str, Any]]:
    """Rows of one label file; a row with an unknown label value raises ValueError."""
    rows = []
    for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        if not isinstance(row, dict) or not isinstance(row.get("id"), str):
            raise ValueError(f"{path.name} line {no}: no id")
        for name in FIELDS:
            value = row.get(name)
            if value is not None and value not in _ALLOWED[name]:
                raise ValueError(f"{path.name} line {no}: {name} {value!r}")
        rows.append(row)
    return rows


def label_files(directory: Path | None = None) -> list[Path]:
    """The first-pass label files (``L*.jsonl``), not the agreement sample."""
    return sorted((directory or LABELED_DIR).glob("L*.jsonl"))


def read_labels(files: Iterable[Path] | None = None) -> dict[str, dict[str, Any]]:
    """All first-pass labels by id (a later file wins for a repeated id)."""
    out: dict[str, dict[str, Any]] = {}
    for path in label_files() if files is None else files:
        for row in read_label_file(path):
            out[row["id"]] = row
    return out


def _rows(path: Path, **kwargs: Any) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, **kwargs))


def texts_by_id(root: Path, ids: Iterable[str]) -> dict[str, str]:
    """The texts of the given ids from the data folder (missing files and rows are skipped)."""
    wanted: dict[tuple[str, str], set[str]] = {}
    for item_id in ids:
        name, split, row = item_id.split("/", 2)
        wanted.setdefault((name, split), set()).add(row)
    out: dict[str, str] = {}
    for (name, split), rows in wanted.items():
        try:
            if name == "emot":
                data = _rows(root / "emotion" / "emot" / f"{split}.csv")
                texts = {str(i): r["tweet"] for i, r in enumerate(data)}
            elif name == "judol_gbennnn":
                data = _rows(root / "spam" / "judol_gbennnn" / f"{split}.csv")
                texts = {str(i): r["text"] for i, r in enumerate(data)}
            elif name == "nusax":
                data = _rows(root / "sentiment" / "nusax" / f"{split}.csv")
                texts = {str(r["id"]): r["text"] for r in data}
            elif name == "smsa":
                with (root / "sentiment" / "smsa" / f"{split}.tsv").open(encoding="utf-8") as fh:
                    texts = {
                        str(i): line.rstrip("\n").rsplit("\t", 1)[0] for i, line in enumerate(fh)
                    }
            else:
                continue
        except FileNotFoundError:
            continue
        for row in rows:
            text = texts.get(row)
            if text and text.strip():
                out[f"{name}/{split}/{row}"] = " ".join(text.split())
    return out


def labeled_examples(
    root: Path, splits: Sequence[str] = ("train",), files: Iterable[Path] | None = None
) -> list[Example]:
    """Labeled real texts of the given splits, joined with their texts from ``root``."""
    labels = {k: v for k, v in read_labels(files).items() if split_of(k) in splits}
    texts = texts_by_id(root, labels)
    out = []
    for item_id in sorted(labels, key=lambda k: (k.split("/")[0], k)):
        if item_id not in texts:
            continue
        row = labels[item_id]
        out.append(
            Example(
                texts[item_id],
                f"real-{item_id.split('/')[0]}",
                intent=row.get("intent"),
                sentiment=row.get("sentiment"),
                action=row.get("action"),
                meta={"id": item_id, "split": split_of(item_id)},
            )
        )
    return out


def read_corpus(directory: Path | None = None) -> list[Example]:
    """The team's own written citizen messages (``corpus_*.jsonl``)."""
    out = []
    for path in sorted((directory or CORPUS_DIR).glob("corpus_*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            text = row.get("text")
            if not isinstance(text, str) or not text.strip():
                continue
            labels = {
                name: row.get(name) if row.get(name) in _ALLOWED[name] else None for name in FIELDS
            }
            out.append(
                Example(
                    text,
                    "own-corpus",
                    intent=labels["intent"],
                    sentiment=labels["sentiment"],
                    action=labels["action"],
                    meta={
                        "register": str(row.get("register", "")),
                        "topic": str(row.get("topic", "")),
                    },
                )
            )
    return out


def cohen_kappa(a: Sequence[str], b: Sequence[str]) -> float:
    """Cohen's kappa of two label sequences (1.0 when both are one and the same label)."""
    from sklearn.metrics import cohen_kappa_score

    if len(set(a) | set(b)) <= 1:
        return 1.0
    return float(cohen_kappa_score(a, b))


def agreement(
    first: dict[str, dict[str, Any]], second: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """Cohen's kappa and raw agreement per field on the ids both label sets hold."""
    a, b = first, second
    common = sorted(set(a) & set(b))
    report: dict[str, Any] = {"n": len(common)}
    for name in FIELDS:
        pairs = [
            (str(a[i][name]), str(b[i][name]))
            for i in common
            if a[i].get(name) is not None and b[i].get(name) is not None
        ]
        if not pairs:
            continue
        x, y = [p for p, _ in pairs], [q for _, q in pairs]
        report[name] = {
            "n": len(pairs),
            "kappa": round(cohen_kappa(x, y), 4),
            "agreement": round(sum(p == q for p, q in pairs) / len(pairs), 4),
        }
    return report
