"""Writing a plan: each act in the chosen tone from ``prompts/acts.v<N>.yaml``.

Every act has several variants per tone; one is chosen per act from a seed, so two comments
with the same plan still read differently, and a regenerate (another seed) picks others. The
greeting and the first act are joined into one sentence ("Halo Kak Rina, maaf banget ya …").
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import yaml

from app.drafting.templates import Picker, TemplateError, latest_file, tidy
from app.drafting.text import stable_int
from app.nlp.labels import TONES


@dataclass(frozen=True)
class ActTemplate:
    """One variant of one act in one tone (`id` is ``acts.v1/<key>/<tone>/<n>``)."""

    id: str
    key: str
    tone: str
    source: str
    compiled: jinja2.Template


@dataclass(frozen=True)
class Written:
    """A written plan: the text, the variants used and their combined hash."""

    text: str
    template_ids: tuple[str, ...]
    hash: str


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # noqa: S701 - plain-text replies, never HTML
        trim_blocks=True,
        lstrip_blocks=True,
    )


def lower_first(text: str) -> str:
    """ "Kantor buka …" → "kantor buka …"; leaves "KTP-el …" and "SiAntre …" alone."""
    if len(text) >= 2 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


class ActStore:
    """All act variants of one file, compiled once."""

    def __init__(self, templates: list[ActTemplate], *, name: str, source_hash: str) -> None:
        self.name = name
        self.source_hash = source_hash
        self._by_key: dict[tuple[str, str], list[ActTemplate]] = {}
        for template in templates:
            self._by_key.setdefault((template.key, template.tone), []).append(template)

    @classmethod
    def from_dir(cls, prompts_dir: Path, name: str = "acts") -> ActStore:
        """Load the newest ``<name>.v<N>.yaml`` from `prompts_dir`."""
        path = latest_file(prompts_dir, name)
        stat = path.stat()
        return cls._compiled(path.resolve(), stat.st_mtime_ns, stat.st_size)

    @classmethod
    @functools.lru_cache(maxsize=8)
    def _compiled(cls, path: Path, _mtime_ns: int, _size: int) -> ActStore:
        raw = path.read_text(encoding="utf-8")
        try:
            data = yaml.safe_load(raw)
        except yaml.YAMLError as exc:
            raise TemplateError(f"{path}: {exc}") from exc
        return cls.from_mapping(data, stem=path.name.rsplit(".", 1)[0], raw=raw)

    @classmethod
    def from_mapping(cls, data: Any, *, stem: str, raw: str = "") -> ActStore:
        if not isinstance(data, Mapping) or not isinstance(data.get("acts"), Mapping):
            raise TemplateError(f"{stem}: expected a mapping with `acts`")
        macros = str(data.get("macros") or "")
        env = _environment()
        templates: list[ActTemplate] = []
        for key, by_tone in data["acts"].items():
            for tone, variants in (by_tone or {}).items():
                if tone not in TONES:
                    raise TemplateError(f"{stem}/{key}: unknown tone {tone!r}")
                for n, source in enumerate(variants or [], start=1):
                    tid = f"{stem}/{key}/{tone}/{n}"
                    try:
                        compiled = env.from_string(f"{macros}\n{source}")
                    except jinja2.TemplateSyntaxError as exc:
                        raise TemplateError(f"{tid}: {exc}") from exc
                    templates.append(ActTemplate(tid, str(key), str(tone), str(source), compiled))
        digest = hashlib.sha256((raw or repr(data)).encode("utf-8")).hexdigest()
        return cls(templates, name=stem, source_hash=digest)

    def cells(self) -> set[tuple[str, str]]:
        return set(self._by_key)

    def variants(self, key: str, tone: str) -> list[ActTemplate]:
        options = self._by_key.get((key, tone)) or self._by_key.get((key, "netral"))
        if not options:
            raise TemplateError(f"no act {key!r} for tone {tone!r}")
        return options

    def render(self, template: ActTemplate, values: Mapping[str, Any], *, seed: int) -> str:
        context = dict(values)
        context["pick"] = Picker(seed)
        context.setdefault("tone", template.tone)
        try:
            return tidy(template.compiled.render(context))
        except jinja2.TemplateError as exc:
            raise TemplateError(f"{template.id}: {exc}") from exc

    def write(
        self, keys: Sequence[str], tone: str, values: Mapping[str, Any], *, seed: int
    ) -> Written:
        """Render the acts in order and join them into one reply."""
        pieces: list[str] = []
        ids: list[str] = []
        for n, key in enumerate(keys):
            options = self.variants(key, tone)
            template = options[stable_int(seed, key, n) % len(options)]
            text = self.render(template, values, seed=stable_int(seed, key))
            ids.append(template.id)
            if text and key.startswith("close") and _thanks(text) and _thanks(" ".join(pieces)):
                continue  # one thank-you per reply is enough
            if text:
                pieces.append(text)
        return Written(text=join(pieces), template_ids=tuple(ids), hash=self._hash(ids))

    def _hash(self, ids: Sequence[str]) -> str:
        return hashlib.sha256("\n".join([self.source_hash, *ids]).encode("utf-8")).hexdigest()


def _thanks(text: str) -> bool:
    low = text.lower()
    return "terima kasih" in low or "makasih" in low


def join(pieces: Sequence[str]) -> str:
    """Greeting + first act as one sentence, the rest as sentences of their own."""
    if not pieces:
        return ""
    out = pieces[0]
    rest = list(pieces[1:])
    if rest and out and not out[-1].isalnum() and not out.endswith((".", "!", "?")):
        out = f"{out} {upper_first(rest.pop(0))}"  # "Halo Kak 👋 Kantor buka …"
    elif rest and not out.endswith((".", "!", "?")):
        out = f"{out}, {lower_first(rest.pop(0))}"
    for piece in rest:
        if not out.endswith((".", "!", "?", "😊", "🙏")):
            out += "."
        out = f"{out} {upper_first(piece)}"
    out = upper_first(out)
    if not out.endswith((".", "!", "?", "😊", "🙏", ")")):
        out += "."
    return tidy(out)
