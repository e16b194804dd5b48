"""Shared pieces of the prompt files: versioned file lookup, the `pick` helper, tidying.

Prompt files are ``prompts/<name>.v<N>.yaml``; the newest version is loaded. The reply acts
themselves are in ``acts.v<N>.yaml`` and rendered by `app.drafting.writer`.
"""

from __future__ import annotations

import re
from pathlib import Path

from app.drafting.text import stable_int

_VERSIONED = re.compile(r"^(?P<name>[a-z_]+)\.v(?P<version>\d+)\.ya?ml$")


class TemplateError(ValueError):
    """A prompt file is malformed or a template cannot be rendered."""


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
