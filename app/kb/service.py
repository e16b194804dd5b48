"""Knowledge-base use cases: entries per account, YAML/CSV import and the demo seed.

Plain Python: keyword-only arguments, one commit per use case, helpers only flush.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from app.accounts.service import find_account, upsert_account
from app.audit import service as audit
from app.drafting.knowledge import (
    KbFile,
    KbFormatError,
    KbItem,
    account_file,
    load_path,
    parse,
)
from app.errors import NotFound, ValidationFailed
from app.tables import KbEntry, utcnow

DEMO_ACCOUNT = "demo-disdukcapil"


class KbEntryNotFound(NotFound):
    code = "kb_entry_not_found"
    message = "Knowledge-base entry not found."


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
        _, account_created = upsert_account(
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
    new = find_account(session=session, name=DEMO_ACCOUNT) is None
    upsert_account(
        session=session,
        name=DEMO_ACCOUNT,
        institution_name=str(data.get("institution_name") or DEMO_ACCOUNT),
        channels=dict(data.get("channels") or {}),
        preferences=dict(data.get("preferences") or {}),
        # The demo has no Meta token: its admins copy approved replies by hand (set once, so a
        # later seed keeps what an admin chose on /accounts).
        publishing_mode=str(data.get("publishing_mode") or "manual") if new else None,
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
