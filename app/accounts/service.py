"""Account use cases: reply settings, and the drafter's view of an account (its profile).

Plain Python: keyword-only arguments, one commit per use case, helpers only flush.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from app.audit import service as audit
from app.drafting.drafter import AccountProfile
from app.errors import NotFound, ValidationFailed
from app.nlp.labels import TONES
from app.tables import Account, utcnow

ABUSIVE_POLICIES = ("calm", "none")


class AccountNotFound(NotFound):
    code = "account_not_found"
    message = "Account not found."


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


def upsert_account(
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
    connection: dict[str, Any] | None = None,
) -> tuple[Account, bool]:
    """Create or replace an account's reply settings (and change its connection fields, when
    given); returns (account, created)."""
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
    row, created = upsert_account(
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
    if connection:
        # Imported here: integrations depends on comments -> drafts -> this module.
        from app.integrations import connections

        connections.update(session=session, account=name, changes=connection, actor=actor)
    session.commit()
    session.refresh(row)
    return row, created
