"""The reply template store: versioned YAML files of Jinja2 templates, rendered in one place.

Templates live in ``prompts/replies.v<N>.yaml`` under ``templates.<intent>.<sentiment>.<tone>``
as lists of variants. Every template has a stable id (``replies.v1/keluhan/negatif/santai/2``)
and the SHA-256 of its full source (shared macros included), which each draft records.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import yaml

from app.drafting.text import stable_int
from app.nlp.labels import INTENTS, SENTIMENTS, TONES

ABUSIVE = "_abusive"
ANY = "_any"
_VERSIONED = re.compile(r"^(?P<name>[a-z_]+)\.v(?P<version>\d+)\.ya?ml$")


class TemplateError(ValueError):
    """A template file is malformed or a template cannot be rendered."""


@dataclass(frozen=True)
class Template:
    """One reply variant.

    Attributes:
        id: ``<file stem>/<intent>/<sentiment>/<tone>/<n>`` (n counts from 1).
        hash: SHA-256 hex of the macros plus this template's source.
    """

    id: str
    intent: str
    sentiment: str
    tone: str
    source: str
    hash: str
    compiled: jinja2.Template


class Picker:
    """`pick(a, b, c)` inside templates: a deterministic choice per draft and per call site."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.calls = 0

    def __call__(self, *options: str) -> str:
        if not options:
            return ""
        self.calls += 1
        return options[stable_int(self.seed, self.calls) % len(options)]


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # noqa: S701 - plain-text replies, never HTML
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )


_SPACES = re.compile(r"[ \t\r\n]+")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.!?;:])")
_DOUBLE_PUNCT = re.compile(r"([.!?])\s*\.")
_COMMA_DOT = re.compile(r",\s*\.")


def tidy(text: str) -> str:
    """Collapse the whitespace that templates leave and fix spacing around punctuation."""
    text = _SPACES.sub(" ", text).strip()
    text = _SPACE_BEFORE_PUNCT.sub(r"\1", text)
    text = _COMMA_DOT.sub(".", text)
    text = _DOUBLE_PUNCT.sub(r"\1", text)
    return text


def latest_file(prompts_dir: Path, name: str) -> Path:
    """The highest version of ``<name>.v<N>.yaml`` in a folder."""
    found: list[tuple[int, Path]] = []
    for path in prompts_dir.glob(f"{name}.v*.y*ml"):
        match = _VERSIONED.match(path.name)
        if match and match["name"] == name:
            found.append((int(match["version"]), path))
    if not found:
        raise TemplateError(f"no {name}.v<N>.yaml in {prompts_dir}")
    return max(found)[1]


class TemplateStore:
    """All reply templates of one file, compiled once."""

    def __init__(self, templates: list[Template], *, name: str, version: int) -> None:
        self.name = name
        self.version = version
        self._by_cell: dict[tuple[str, str, str], list[Template]] = {}
        for template in templates:
            key = (template.intent, template.sentiment, template.tone)
            self._by_cell.setdefault(key, []).append(template)
        self._by_id = {t.id: t for t in templates}

    @classmethod
    def from_dir(cls, prompts_dir: Path, name: str = "replies") -> TemplateStore:
        """Load the newest ``<name>.v<N>.yaml`` from `prompts_dir`."""
        return cls.from_file(latest_file(prompts_dir, name))

    @classmethod
    def from_file(cls, path: Path) -> TemplateStore:
        """Load and compile one template file; raises `TemplateError` on any problem.

        Compiling every variant takes a second or two, so a file is compiled once per
        process and again only when it changes on disk.
        """
        try:
            stat = path.stat()
        except OSError as exc:
            raise TemplateError(f"{path}: {exc}") from exc
        return cls._compiled_file(path.resolve(), stat.st_mtime_ns, stat.st_size)

    @classmethod
    @functools.lru_cache(maxsize=8)
    def _compiled_file(cls, path: Path, _mtime_ns: int, _size: int) -> TemplateStore:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise TemplateError(f"{path}: {exc}") from exc
        return cls.from_mapping(data, stem=path.name.rsplit(".", 1)[0])

    @classmethod
    def from_mapping(cls, data: Any, *, stem: str) -> TemplateStore:
        if not isinstance(data, Mapping) or not isinstance(data.get("templates"), Mapping):
            raise TemplateError(f"{stem}: expected a mapping with `templates`")
        macros = str(data.get("macros") or "")
        env = _environment()
        templates: list[Template] = []
        for intent, by_sentiment in data["templates"].items():
            if intent not in INTENTS and intent != ABUSIVE:
                raise TemplateError(f"{stem}: unknown intent {intent!r}")
            for sentiment, by_tone in (by_sentiment or {}).items():
                if sentiment not in SENTIMENTS and sentiment != ANY:
                    raise TemplateError(f"{stem}: unknown sentiment {sentiment!r}")
                for tone, variants in (by_tone or {}).items():
                    if tone not in TONES:
                        raise TemplateError(f"{stem}: unknown tone {tone!r}")
                    for n, source in enumerate(variants or [], start=1):
                        tid = f"{stem}/{intent}/{sentiment}/{tone}/{n}"
                        full = f"{macros}\n{source}"
                        try:
                            compiled = env.from_string(full)
                        except jinja2.TemplateSyntaxError as exc:
                            raise TemplateError(f"{tid}: {exc}") from exc
                        templates.append(
                            Template(
                                id=tid,
                                intent=intent,
                                sentiment=sentiment,
                                tone=tone,
                                source=str(source),
                                hash=hashlib.sha256(full.encode("utf-8")).hexdigest(),
                                compiled=compiled,
                            )
                        )
        version = int(data.get("version") or 0)
        return cls(templates, name=stem, version=version)

    def __iter__(self) -> Iterator[Template]:
        return iter(self._by_id.values())

    def __len__(self) -> int:
        return len(self._by_id)

    def get(self, template_id: str) -> Template | None:
        return self._by_id.get(template_id)

    def candidates(self, intent: str, sentiment: str, tone: str) -> list[Template]:
        """The variants for a cell; falls back to `_any` sentiment, then to `lainnya`."""
        for key in (
            (intent, sentiment, tone),
            (intent, ANY, tone),
            ("lainnya", sentiment, tone),
            ("lainnya", "netral", tone),
        ):
            if key in self._by_cell:
                return self._by_cell[key]
        return []

    def choose(self, intent: str, sentiment: str, tone: str, *, seed: int) -> Template:
        """Pick one variant for the cell deterministically from `seed`."""
        options = self.candidates(intent, sentiment, tone)
        if not options:
            raise TemplateError(f"no template for {intent}/{sentiment}/{tone}")
        return options[seed % len(options)]

    @staticmethod
    def render(template: Template, context: Mapping[str, Any], *, seed: int) -> str:
        """Render with strict undefined variables; returns tidied plain text."""
        values = dict(context)
        values["pick"] = Picker(seed)
        # "Pak Harun" already carries an honorific: no "Kak" or "Bapak/Ibu" in front of it
        values.setdefault("titled", " " in str(values.get("name") or ""))
        values.setdefault("tone", template.tone)
        values.setdefault("intent", template.intent)
        values.setdefault("sentiment", template.sentiment)
        try:
            return tidy(template.compiled.render(values))
        except jinja2.TemplateError as exc:
            raise TemplateError(f"{template.id}: {exc}") from exc


@dataclass(frozen=True)
class Topic:
    phrase: str
    patterns: tuple[re.Pattern[str], ...]


class TopicLexicon:
    """Maps a comment to a short topic phrase the reply can name back."""

    def __init__(self, topics: list[Topic]) -> None:
        self.topics = topics

    @classmethod
    def from_dir(cls, prompts_dir: Path) -> TopicLexicon:
        try:
            path = latest_file(prompts_dir, "topics")
        except TemplateError:
            return cls([])
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        topics = [
            Topic(
                phrase=str(item["phrase"]),
                patterns=tuple(re.compile(p) for p in item.get("patterns", [])),
            )
            for item in data.get("topics", [])
        ]
        return cls(topics)

    def find(self, text: str) -> str | None:
        low = text.lower()
        for topic in self.topics:
            if any(p.search(low) for p in topic.patterns):
                return topic.phrase
        return None
