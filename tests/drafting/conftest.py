"""Fixtures for drafting tests: the shipped prompts, a drafter without models, a SQLite DB."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, create_engine

import app.tables  # noqa: F401  (registers every table on the metadata)
from app.config import ROOT
from app.drafting.composer import TemplateDrafter
from app.drafting.drafter import AccountProfile, DraftRequest
from app.drafting.knowledge import load_path
from app.drafting.templates import TemplateStore, TopicLexicon
from app.nlp.classifier import Prediction

PROMPTS = ROOT / "prompts"
KNOWLEDGE = PROMPTS / "knowledge"
DEMO = "demo-disdukcapil"


@pytest.fixture(scope="session")
def store() -> TemplateStore:
    return TemplateStore.from_dir(PROMPTS)


@pytest.fixture(scope="session")
def demo_file():  # type: ignore[no-untyped-def]
    return load_path(KNOWLEDGE / f"{DEMO}.yaml")


@pytest.fixture
def drafter(store: TemplateStore) -> TemplateDrafter:
    """The real drafter with lexical retrieval only (no embedding model, no LLM)."""
    return TemplateDrafter(
        store=store,
        topics=TopicLexicon.from_dir(PROMPTS),
        knowledge_dir=KNOWLEDGE,
        embedder=None,
    )


@pytest.fixture
def demo_profile() -> AccountProfile:
    # As the pipeline builds it for an account without a settings row: filled from YAML.
    return AccountProfile(name=DEMO, institution_name="kami")


def request(
    text: str,
    intent: str = "pertanyaan",
    sentiment: str = "netral",
    *,
    tone: str = "santai",
    abusive: bool = False,
    account: AccountProfile | None = None,
    platform: str = "instagram",
    author: str | None = "rina_s",
    comment_id: int | None = None,
) -> DraftRequest:
    return DraftRequest(
        text=text,
        prediction=Prediction(intent=intent, sentiment=sentiment, abusive=abusive),
        tone=tone,
        account=account or AccountProfile(name=DEMO, institution_name="kami"),
        platform=platform,
        author=author,
        comment_id=comment_id,
    )


@pytest.fixture
def db_engine(tmp_path: Path) -> Iterator[Engine]:
    """A fresh SQLite database per test (tables from the metadata: tests only)."""
    engine = create_engine(f"sqlite:///{tmp_path / 'drafting.db'}")
    SQLModel.metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def db(db_engine: Engine) -> Iterator[Session]:
    with Session(db_engine, expire_on_commit=False) as session:
        yield session
