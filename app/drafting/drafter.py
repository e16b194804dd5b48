"""The drafter component: request/result types, the protocol and the loader."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from app.nlp.classifier import Prediction

if TYPE_CHECKING:
    from sqlmodel import Session

    from app.config import Settings


@dataclass(frozen=True)
class AccountProfile:
    """What drafts may say about the institution: its name and its own channels."""

    name: str
    institution_name: str
    channels: dict[str, Any] = field(default_factory=dict)
    preferences: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DraftRequest:
    """Everything the drafter needs to know about one comment."""

    text: str
    prediction: Prediction
    tone: str
    account: AccountProfile
    platform: str = "other"
    author: str | None = None
    comment_id: int | None = None


@dataclass(frozen=True)
class DraftResult:
    """A drafted action.

    Attributes:
        action: ``reply`` (text holds the reply), ``hide`` (spam: suggest hiding, text is None)
            or ``none`` (no reply by policy, e.g. abuse with ``abusive_reply=none``).
        flags: guardrail findings, e.g. ``["url_not_allowed"]``; empty when clean.
        kb_entry: the knowledge-base entry the reply used, ``{id, slug, question, link}``
            (``id`` is None when the entry came from a YAML file, not the database).
    """

    action: str
    text: str | None
    template_id: str | None = None
    template_hash: str | None = None
    kb_entry_id: int | None = None
    reused_draft_id: int | None = None
    flags: list[str] = field(default_factory=list)
    generator: str = "template"
    kb_entry: dict[str, Any] | None = None


class Drafter(Protocol):
    """Anything that drafts replies. `session` gives access to the KB and past approvals."""

    def draft(self, request: DraftRequest, *, session: Session | None = None) -> DraftResult:
        """Draft one action for one comment."""
        ...


def load_drafter(settings: Settings) -> Drafter:
    """Build the configured drafter: templates + KB + reuse (+ the LLM backend when set)."""
    from app.drafting.composer import TemplateDrafter

    return TemplateDrafter.from_settings(settings)
