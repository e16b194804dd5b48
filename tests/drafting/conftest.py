"""Fixtures for drafting tests: the shipped prompts, a drafter without models, the demo context."""

from __future__ import annotations

from typing import Any

import pytest

from app.config import ROOT
from app.drafting.composer import PlanDrafter
from app.drafting.drafter import AccountProfile, DraftContext, DraftRequest
from app.drafting.knowledge import KbFile, load_path
from app.nlp.classifier import Prediction

PROMPTS = ROOT / "prompts"
KNOWLEDGE = PROMPTS / "knowledge"
DEMO = "demo-disdukcapil"


@pytest.fixture(scope="session")
def demo_file() -> KbFile:
    return load_path(KNOWLEDGE / f"{DEMO}.yaml")


@pytest.fixture
def drafter() -> PlanDrafter:
    """The real drafter with lexical retrieval only (no embedding model, no LLM)."""
    return PlanDrafter.from_dir(PROMPTS)


def demo_profile(demo_file: KbFile, **preferences: Any) -> AccountProfile:
    data = demo_file.account or {}
    return AccountProfile(
        name=DEMO,
        institution_name=str(data["institution_name"]),
        channels=dict(data["channels"]),
        preferences={**dict(data["preferences"]), **preferences},
    )


@pytest.fixture
def demo(demo_file: KbFile) -> DraftContext:
    """The demo account as the service layer hands it to the drafter."""
    return DraftContext(profile=demo_profile(demo_file), kb=tuple(demo_file.entries))


def request(
    text: str,
    intent: str = "pertanyaan",
    sentiment: str = "netral",
    *,
    tone: str = "santai",
    abusive: bool = False,
    action: str = "reply",
    pii: list[dict[str, Any]] | None = None,
    platform: str = "instagram",
    author: str | None = "rina_s",
    comment_id: int | None = None,
) -> DraftRequest:
    return DraftRequest(
        text=text,
        prediction=Prediction(
            intent=intent, sentiment=sentiment, abusive=abusive, action=action, pii=pii or []
        ),
        tone=tone,
        platform=platform,
        author=author,
        comment_id=comment_id,
    )


def pii_span(text: str, value: str, kind: str) -> dict[str, Any]:
    start = text.index(value)
    return {"type": kind, "start": start, "end": start + len(value)}
