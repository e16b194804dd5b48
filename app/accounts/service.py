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
    publishing_mode: str | None = None,
) -> tuple[Account, bool]:
    validate_preferences(preferences)
    row = find_account(session=session, name=name)
    created = row is None
    if row is None:
        row = Account(name=name, institution_name=institution_name)
    row.institution_name = institution_name
    row.channels = dict(channels)
    row.preferences = dict(preferences)
    if publishing_mode is not None:
        row.publishing_mode = publishing_mode
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
    publishing_mode: str | None = None,
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
            "publishing_mode": before.publishing_mode,
        }
    )
    row, created = upsert_account(
        session=session,
        name=name,
        institution_name=institution_name,
        channels=channels,
        preferences=preferences,
        publishing_mode=publishing_mode,
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
                "publishing_mode": row.publishing_mode,
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


# --- the registry: publishing mode ---------------------------------------------

PUBLISHING_MODES = ("graph", "manual")


class UnknownAccount(ValidationFailed):
    code = "unknown_account"
    message = "Unknown account: register it first (PUT /api/v1/accounts/{name})."


def list_accounts(*, session: Session) -> list[Account]:
    """Every registered account, by name."""
    return list(session.exec(select(Account).order_by(col(Account.name))))


def unknown_names(*, session: Session, names: set[str], allowed: set[str]) -> set[str]:
    """The names that are neither registered nor `allowed`."""
    known = {a.name for a in session.exec(select(Account).where(col(Account.name).in_(names)))}
    return names - known - allowed


def require_known(
    *, session: Session, names: set[str], allowed: set[str], auto_create: bool
) -> None:
    """Refuse ingest to accounts that are not registered, unless auto-creation is on (flushes).

    `allowed` names (the configured default account) are always accepted; with `auto_create`
    an unknown name gets a row with neutral settings, so it shows in the registry.
    """
    known = {a.name for a in session.exec(select(Account).where(col(Account.name).in_(names)))}
    missing = sorted(names - known - allowed)
    if missing and not auto_create:
        raise UnknownAccount(details={"accounts": missing})
    for name in sorted(names - known):
        session.add(Account(name=name, institution_name=name))
    if names - known:
        session.flush()


def set_publishing_mode(*, session: Session, name: str, mode: str, actor: str) -> Account:
    """Switch an account between posting through the Graph API and posting by hand."""
    if mode not in PUBLISHING_MODES:
        raise ValidationFailed(
            "Unknown publishing mode.", details={"mode": mode, "allowed": list(PUBLISHING_MODES)}
        )
    row = get_account(session=session, name=name)
    before = row.publishing_mode
    row.publishing_mode = mode
    row.updated_at = utcnow()
    session.add(row)
    audit.record(
        session=session,
        actor=actor,
        action="account.publishing_mode",
        account=name,
        details={"before": before, "after": mode},
    )
    session.commit()
    session.refresh(row)
    return row
