"""The drafter component: its inputs (request + context), its result, the protocol and the loader.

The drafter never reads the database: the service layer assembles a `DraftContext` (the
account profile, its KB entries, approved replies to similar comments, counters for variation)
and passes it in, so the engine can be tested, reused and benchmarked without one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from app.drafting.knowledge import KbItem
from app.nlp.classifier import Prediction

if TYPE_CHECKING:
    from app.config import Settings

LAPOR = "LAPOR! (lapor.go.id), kanal pengaduan pelayanan publik nasional SP4N-LAPOR!"


@dataclass(frozen=True)
class Office:
    """Who handles some services, and how citizens reach them."""

    name: str
    channel: str = LAPOR
    services: tuple[str, ...] = ()
    internal: bool = False  # part of the same government (a city's dinas for its media centre)


@dataclass(frozen=True)
class Remit:
    """The services an account handles and where the rest go.

    Stored in the account's ``preferences.remit``::

        {"services": ["ktp-el", "kk", ...],
         "elsewhere": [{"services": ["lampu-jalan"], "office": "Dinas Perhubungan",
                        "channel": "LAPOR! (lapor.go.id)"}],
         "default_channel": "LAPOR! (lapor.go.id)"}

    An ``elsewhere`` entry with ``internal: true`` is an office of the same government (a city
    media centre pointing to the city's own dinas): replies name it without "not our remit".
    An account without ``remit`` handles everything (nothing is routed elsewhere) except police
    matters and reports of misuse of public money, which always go to the police or the
    inspectorate.
    """

    services: frozenset[str]
    elsewhere: tuple[Office, ...] = ()
    default_channel: str = LAPOR
    summary: str = ""  # what the account handles, as a reply names it ("dokumen kependudukan")
    hub: bool = False  # a government's media centre: most topics belong to its own offices

    @classmethod
    def from_preferences(cls, preferences: dict[str, Any]) -> Remit | None:
        raw = preferences.get("remit")
        if not isinstance(raw, dict) or not raw.get("services"):
            return None
        offices = tuple(
            Office(
                name=str(o.get("office") or ""),
                channel=str(o.get("channel") or raw.get("default_channel") or LAPOR),
                services=tuple(str(s) for s in o.get("services") or ()),
                internal=bool(o.get("internal", False)),
            )
            for o in raw.get("elsewhere") or ()
            if isinstance(o, dict) and o.get("office")
        )
        return cls(
            services=frozenset(str(s) for s in raw["services"]),
            elsewhere=offices,
            default_channel=str(raw.get("default_channel") or LAPOR),
            summary=str(raw.get("summary") or ""),
            hub=bool(raw.get("hub", False)),
        )

    def handles(self, service: str | None) -> bool:
        return service is None or service in self.services

    def office_for(self, service: str) -> Office | None:
        return next((o for o in self.elsewhere if service in o.services), None)


@dataclass(frozen=True)
class AccountProfile:
    """What drafts may say about the institution: its name, its channels and its remit."""

    name: str
    institution_name: str
    channels: dict[str, Any] = field(default_factory=dict)
    preferences: dict[str, Any] = field(default_factory=dict)

    @property
    def remit(self) -> Remit | None:
        return Remit.from_preferences(self.preferences)

    @property
    def short_name(self) -> str:
        return str(self.preferences.get("short_name") or self.institution_name or "kami")


@dataclass(frozen=True)
class ApprovedReply:
    """A reply a reviewer approved (as drafted or edited) for an earlier comment."""

    draft_id: int
    text: str
    comment_text: str
    author: str | None = None
    edited: bool = False


@dataclass(frozen=True)
class DraftContext:
    """Everything about the account and history a draft needs, fetched by the service layer.

    Attributes:
        profile: the account (institution name, channels, preferences incl. remit).
        kb: the account's knowledge-base entries.
        approved: approved replies of the same account, intent and tone (newest first).
        drafts_for_comment: drafts this comment already had (a regenerate picks another variant).
        recent_texts: texts of the account's latest drafts (the writer avoids repeating them).
    """

    profile: AccountProfile
    kb: tuple[KbItem, ...] = ()
    approved: tuple[ApprovedReply, ...] = ()
    drafts_for_comment: int = 0
    recent_texts: tuple[str, ...] = ()


@dataclass(frozen=True)
class DraftRequest:
    """The comment to draft for."""

    text: str
    prediction: Prediction
    tone: str
    platform: str = "other"
    author: str | None = None
    comment_id: int | None = None


@dataclass(frozen=True)
class DraftResult:
    """A drafted action.

    Attributes:
        action: ``reply`` (text holds the reply), ``hide`` (suggest hiding; text is None) or
            ``no_reply`` (nothing to answer; text is an optional short thank-you for praise).
        reason: why hide / no_reply (``spam``, ``abuse``, ``pii_other``, ``chatter``, ``grief``,
            ``election`` …), None for replies.
        acts: the plan the reply realises, in order (``acknowledge``, ``answer`` …).
        facts: slugs (or questions) of the KB entries whose sentences the reply states.
        flags: guardrail findings and suggestions, e.g. ``["hide_comment_pii"]``.
        kb_entry: the knowledge-base entry the reply used, ``{id, slug, question, link}``.
    """

    action: str
    text: str | None
    reason: str | None = None
    acts: list[str] = field(default_factory=list)
    facts: list[str] = field(default_factory=list)
    template_id: str | None = None
    template_hash: str | None = None
    kb_entry_id: int | None = None
    reused_draft_id: int | None = None
    flags: list[str] = field(default_factory=list)
    generator: str = "template"
    kb_entry: dict[str, Any] | None = None


class Drafter(Protocol):
    """Anything that drafts replies from a request and its context (no database access)."""

    def draft(self, request: DraftRequest, context: DraftContext) -> DraftResult:
        """Draft one action for one comment."""
        ...


def load_drafter(settings: Settings) -> Drafter:
    """Build the configured drafter: slots, plan, act prompts, KB (+ the LLM backend when set)."""
    from app.drafting.composer import PlanDrafter

    return PlanDrafter.from_settings(settings)
