"""Drafting use cases: stateless drafts, account reply settings and the knowledge base.

Plain Python: keyword-only arguments, one commit per use case, helpers only flush.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from app.audit import service as audit
from app.config import Settings
from app.drafting.drafter import AccountProfile, Drafter, DraftRequest, DraftResult
from app.drafting.knowledge import (
    KbFile,
    KbFormatError,
    KbItem,
    account_file,
    load_path,
    parse,
)
from app.errors import NotFound, ValidationFailed
from app.nlp.classifier import Classifier, Prediction
from app.nlp.labels import TONES
from app.pipeline import classify
from app.tables import Account, KbEntry, utcnow

DEMO_ACCOUNT = "demo-disdukcapil"
ABUSIVE_POLICIES = ("calm", "none")


class AccountNotFound(NotFound):
    code = "account_not_found"
    message = "Account not found."


class KbEntryNotFound(NotFound):
    code = "kb_entry_not_found"
    message = "Knowledge-base entry not found."


# --- accounts ------------------------------------------------------------------------------


def find_account(*, session: Session, name: str) -> Account | None:
    return session.exec(select(Account).where(col(Account.name) == name)).first()


def get_account(*, session: Session, name: str) -> Account:
    """The account's reply settings, or `AccountNotFound`."""
    row = find_account(session=session, name=name)
    if row is None:
        raise AccountNotFound(details={"account": name})
    return row


def profile_of(*, session: Session | None, name: str) -> AccountProfile:
    """The drafter's view of an account; neutral defaults when it has no settings row."""
    row = find_account(session=session, name=name) if session is not None else None
    if row is None:
        return AccountProfile(name=name, institution_name="kami")
    return AccountProfile(
        name=row.name,
        institution_name=row.institution_name,
        channels=dict(row.channels or {}),
        preferences=dict(row.preferences or {}),
    )


def validate_preferences(preferences: dict[str, Any]) -> None:
    tone = preferences.get("default_tone")
    if tone is not None and tone not in TONES:
        raise ValidationFailed(
            "Unknown default_tone.", details={"default_tone": tone, "allowed": list(TONES)}
        )
    policy = preferences.get("abusive_reply")
    if policy is not None and policy not in ABUSIVE_POLICIES:
        raise ValidationFailed(
            "Unknown abusive_reply.",
            details={"abusive_reply": policy, "allowed": list(ABUSIVE_POLICIES)},
        )


def _upsert_account(
    *,
    session: Session,
    name: str,
    institution_name: str,
    channels: dict[str, Any],
    preferences: dict[str, Any],
) -> tuple[Account, bool]:
    validate_preferences(preferences)
    row = find_account(session=session, name=name)
    created = row is None
    if row is None:
        row = Account(name=name, institution_name=institution_name)
    row.institution_name = institution_name
    row.channels = dict(channels)
    row.preferences = dict(preferences)
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    return row, created


def put_account(
    *,
    session: Session,
    name: str,
    institution_name: str,
    channels: dict[str, Any],
    preferences: dict[str, Any],
    actor: str,
) -> tuple[Account, bool]:
    """Create or replace an account's reply settings; returns (account, created)."""
    before = find_account(session=session, name=name)
    snapshot = (
        None
        if before is None
        else {
            "institution_name": before.institution_name,
            "channels": dict(before.channels),
            "preferences": dict(before.preferences),
        }
    )
    row, created = _upsert_account(
        session=session,
        name=name,
        institution_name=institution_name,
        channels=channels,
        preferences=preferences,
    )
    audit.record(
        session=session,
        actor=actor,
        action="account.created" if created else "account.updated",
        account=name,
        details={
            "before": snapshot,
            "after": {
                "institution_name": institution_name,
                "channels": channels,
                "preferences": preferences,
            },
        },
    )
    session.commit()
    session.refresh(row)
    return row, created


# --- knowledge base ------------------------------------------------------------------------


def list_kb(*, session: Session, account: str) -> list[KbEntry]:
    return list(
        session.exec(
            select(KbEntry).where(col(KbEntry.account) == account).order_by(col(KbEntry.id))
        ).all()
    )


def get_kb(*, session: Session, entry_id: int) -> KbEntry:
    row = session.get(KbEntry, entry_id)
    if row is None:
        raise KbEntryNotFound(details={"id": entry_id})
    return row


def _entry_values(item: KbItem) -> dict[str, Any]:
    return {
        "slug": item.slug,
        "question": item.question,
        "answer": item.answer,
        "keywords": list(item.keywords),
        "link": item.link,
    }


def create_kb(*, session: Session, account: str, item: KbItem, actor: str) -> KbEntry:
    """Add one entry to an account's KB."""
    row = KbEntry(account=account, **_entry_values(item))
    session.add(row)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="kb.created",
        account=account,
        details={"kb_entry_id": row.id, "slug": row.slug, "question": row.question},
    )
    session.commit()
    session.refresh(row)
    return row


def update_kb(*, session: Session, entry_id: int, values: dict[str, Any], actor: str) -> KbEntry:
    """Change some fields of an entry (question and answer may not become empty)."""
    row = get_kb(session=session, entry_id=entry_id)
    for key in ("question", "answer"):
        if key in values and not str(values[key] or "").strip():
            raise ValidationFailed(f"`{key}` may not be empty.")
    changed = {}
    for key in ("slug", "question", "answer", "keywords", "link"):
        if key in values:
            new = list(values[key] or []) if key == "keywords" else values[key]
            if getattr(row, key) != new:
                changed[key] = {"before": getattr(row, key), "after": new}
                setattr(row, key, new)
    row.updated_at = utcnow()
    session.add(row)
    audit.record(
        session=session,
        actor=actor,
        action="kb.updated",
        account=row.account,
        details={"kb_entry_id": row.id, "changes": changed},
    )
    session.commit()
    session.refresh(row)
    return row


def delete_kb(*, session: Session, entry_id: int, actor: str) -> None:
    """Remove an entry; drafts that used it keep their text and lose the link to it."""
    row = get_kb(session=session, entry_id=entry_id)
    from app.tables import Draft

    for draft in session.exec(select(Draft).where(col(Draft.kb_entry_id) == entry_id)).all():
        draft.kb_entry_id = None
        session.add(draft)
    session.delete(row)
    audit.record(
        session=session,
        actor=actor,
        action="kb.deleted",
        account=row.account,
        details={"kb_entry_id": entry_id, "slug": row.slug, "question": row.question},
    )
    session.commit()


@dataclass(frozen=True)
class ImportResult:
    account: str
    created: int
    updated: int
    unchanged: int
    account_created: bool = False

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def _import(*, session: Session, account: str, file: KbFile, create_account: bool) -> ImportResult:
    account_created = False
    if create_account and file.account and find_account(session=session, name=account) is None:
        _, account_created = _upsert_account(
            session=session,
            name=account,
            institution_name=str(file.account.get("institution_name") or account),
            channels=dict(file.account.get("channels") or {}),
            preferences=dict(file.account.get("preferences") or {}),
        )
    existing = list_kb(session=session, account=account)
    by_slug = {r.slug: r for r in existing if r.slug}
    by_question = {r.question.strip().lower(): r for r in existing}
    created = updated = unchanged = 0
    for item in file.entries:
        row = by_slug.get(item.slug) if item.slug else None
        row = row or by_question.get(item.question.strip().lower())
        values = _entry_values(item)
        if row is None:
            row = KbEntry(account=account, **values)
            session.add(row)
            created += 1
        elif any(getattr(row, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(row, key, value)
            row.updated_at = utcnow()
            session.add(row)
            updated += 1
        else:
            unchanged += 1
        if row.slug:
            by_slug[row.slug] = row
        by_question[row.question.strip().lower()] = row
    session.flush()
    return ImportResult(account, created, updated, unchanged, account_created)


def import_kb(
    *,
    session: Session,
    text: str,
    account: str | None,
    actor: str,
    fmt: str | None = None,
    filename: str | None = None,
    default_account: str,
) -> ImportResult:
    """Import KB entries from YAML or CSV text; entries match existing ones by slug or question.

    The account is `account`, else the file's own ``account.name``, else `default_account`.
    A YAML file with an ``account`` block also creates that account's settings if missing.
    """
    try:
        file = parse(text, fmt=fmt, filename=filename)
    except KbFormatError as exc:
        raise ValidationFailed(str(exc)) from exc
    name = account or str((file.account or {}).get("name") or "") or default_account
    result = _import(session=session, account=name, file=file, create_account=True)
    audit.record(
        session=session,
        actor=actor,
        action="kb.imported",
        account=name,
        details={
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "source": filename or fmt or "body",
        },
    )
    session.commit()
    return result


def seed_demo(
    *, session: Session, knowledge_dir: Path, actor: str = "cli:seed-demo"
) -> ImportResult:
    """Create (or refresh) the demo account and its KB from the knowledge folder; idempotent."""
    path = account_file(knowledge_dir, DEMO_ACCOUNT)
    if path is None:
        raise NotFound(f"No {DEMO_ACCOUNT}.yaml in {knowledge_dir}.")
    try:
        file = load_path(path)
    except KbFormatError as exc:
        raise ValidationFailed(str(exc)) from exc
    data = file.account or {}
    _upsert_account(
        session=session,
        name=DEMO_ACCOUNT,
        institution_name=str(data.get("institution_name") or DEMO_ACCOUNT),
        channels=dict(data.get("channels") or {}),
        preferences=dict(data.get("preferences") or {}),
    )
    result = _import(session=session, account=DEMO_ACCOUNT, file=file, create_account=False)
    if result.created or result.updated:
        audit.record(
            session=session,
            actor=actor,
            action="kb.imported",
            account=DEMO_ACCOUNT,
            details={"created": result.created, "updated": result.updated, "source": path.name},
        )
    session.commit()
    return result


# --- stateless drafting --------------------------------------------------------------------


@dataclass(frozen=True)
class StatelessDraft:
    prediction: Prediction
    model_version: str
    tone: str
    account: str
    result: DraftResult


def _check_length(settings: Settings, text: str) -> None:
    if len(text) > settings.max_text_chars:
        raise ValidationFailed(
            "Text too long.", details={"max_chars": settings.max_text_chars, "chars": len(text)}
        )


def classify_text(*, settings: Settings, classifier: Classifier, text: str) -> Prediction:
    """Classify one text for a caller that stores nothing (the stateless classify API)."""
    _check_length(settings, text)
    if not text.strip():
        raise ValidationFailed("Text is empty.", details={"field": "text"})
    [prediction] = classify(classifier, [text])
    return prediction


def draft_text(
    *,
    session: Session | None,
    settings: Settings,
    classifier: Classifier,
    drafter: Drafter,
    text: str,
    tone: str | None = None,
    account: str | None = None,
    platform: str | None = None,
    author: str | None = None,
    prediction: Prediction | None = None,
) -> StatelessDraft:
    """Classify a text and draft its reply; reads the account and KB, stores nothing."""
    _check_length(settings, text)
    name = account or settings.default_account
    profile = profile_of(session=session, name=name)
    tone = tone or str(profile.preferences.get("default_tone") or "") or settings.default_tone
    if prediction is None:
        [prediction] = classifier.predict([text])
    result = drafter.draft(
        DraftRequest(
            text=text,
            prediction=prediction,
            tone=tone,
            account=profile,
            platform=platform or "other",
            author=author,
        ),
        session=session,
    )
    return StatelessDraft(
        prediction=prediction,
        model_version=classifier.model_version,
        tone=tone,
        account=name,
        result=result,
    )
