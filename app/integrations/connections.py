"""Per-account connections to Meta and Chatwoot: tokens, Graph host and version, state, pacing.

An account's row (`AccountConnection`) overrides the `TANGGAP_META_*` / `TANGGAP_CHATWOOT_*`
settings field by field. A token error (Graph code 190) marks the account `disconnected` and its
publishing jobs are parked; setting a new token reconnects it and makes them due again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.audit import service as audit
from app.config import Settings
from app.errors import ValidationFailed
from app.integrations.meta import GraphTarget, Usage, page_token
from app.integrations.versions import GRAPH_VERSION_ENDS, version_warning
from app.outbox import service as outbox
from app.outbox.jobs import JobKind
from app.tables import AccountConnection, Comment, Draft, Job, utcnow

log = logging.getLogger("tanggap.integrations")

CONNECTED = "connected"
DISCONNECTED = "disconnected"

# Hosts a Graph token can belong to: Facebook Login / Page tokens, Instagram Login tokens.
GRAPH_HOSTS = ("https://graph.facebook.com", "https://graph.instagram.com")
# Job kinds that call Meta for an account; they are parked while it is disconnected.
META_JOB_KINDS = (JobKind.REPLY_PUBLISH, JobKind.COMMENT_HIDE, JobKind.META_MENTION)

# Fields a person may set; secrets are write-only.
SECRET_FIELDS = frozenset({"meta_token", "chatwoot_token"})
SETTABLE_FIELDS = frozenset(
    {
        "reconnect",
        "meta_token",
        "meta_graph_host",
        "meta_graph_version",
        "meta_appsecret_proof",
        "meta_replies_per_hour",
        "chatwoot_url",
        "chatwoot_token",
        "chatwoot_labels",
        "chatwoot_handoff",
    }
)


def mask(secret: str | None) -> str | None:
    """Enough of a secret to recognise it: its last four characters, never more."""
    if not secret:
        return None
    return "…" + secret[-4:] if len(secret) >= 12 else "…"


def get(*, session: Session, account: str) -> AccountConnection | None:
    return session.exec(
        select(AccountConnection).where(col(AccountConnection.account) == account)
    ).first()


def state_of(*, session: Session, account: str) -> tuple[str, str | None]:
    """The account's Meta connection state and its error (`connected`, None without a row)."""
    row = get(session=session, account=account)
    return (row.meta_state, row.meta_error) if row else (CONNECTED, None)


def _row(session: Session, account: str) -> AccountConnection:
    row = get(session=session, account=account)
    if row is None:
        row = AccountConnection(account=account)
        session.add(row)
        session.flush()
    return row


# --- reading what an account uses -----------------------------------------------------------


@dataclass(frozen=True)
class MetaAccess:
    """How to reach Meta for one account right now."""

    account: str
    target: GraphTarget
    connected: bool
    error: str | None
    paused_until: datetime | None
    replies_per_hour: int


def meta_access(
    *, session: Session, settings: Settings, account: str, entry_id: str = ""
) -> MetaAccess:
    """The account's token (its own, else from settings), Graph host and version, and state.

    `entry_id` is the page / Instagram account id the webhook came through (settings may key
    tokens by it)."""
    row = get(session=session, account=account)
    token = (row.meta_token if row else None) or page_token(settings, account, entry_id)
    proof = row.meta_appsecret_proof if row else True
    target = GraphTarget(
        host=(row.meta_graph_host if row else None) or settings.meta_graph_url,
        version=(row.meta_graph_version if row else None) or settings.meta_api_version,
        token=token,
        app_secret=settings.meta_app_secret.get_secret_value() if proof else "",
    )
    return MetaAccess(
        account=account,
        target=target,
        connected=row is None or row.meta_state != DISCONNECTED,
        error=row.meta_error if row else None,
        paused_until=row.meta_paused_until if row else None,
        replies_per_hour=(
            row.meta_replies_per_hour
            if row and row.meta_replies_per_hour
            else settings.meta_replies_per_hour
        ),
    )


@dataclass(frozen=True)
class ChatwootAccess:
    url: str
    token: str
    labels: bool
    handoff: str


def chatwoot_access(*, session: Session, settings: Settings, account: str) -> ChatwootAccess:
    """The account's Chatwoot URL, token, labelling and hand-off (its own, else settings)."""
    row = get(session=session, account=account)
    return ChatwootAccess(
        url=(row.chatwoot_url if row else None) or settings.chatwoot_url,
        token=(row.chatwoot_token if row else None)
        or settings.chatwoot_api_token.get_secret_value(),
        labels=(
            row.chatwoot_labels
            if row is not None and row.chatwoot_labels is not None
            else settings.chatwoot_labels
        ),
        handoff=(row.chatwoot_handoff if row else None) or settings.chatwoot_handoff,
    )


def public(
    *, session: Session, settings: Settings, account: str, row: AccountConnection | None = None
) -> dict[str, Any]:
    """The connection as the admin sees it: state, hosts, versions; secrets masked."""
    row = row or get(session=session, account=account)
    own_token = row.meta_token if row else None
    fallback = settings.meta_page_tokens.get(account)
    default_token = (fallback.get_secret_value() if fallback else "") or (
        settings.meta_page_token.get_secret_value()
    )
    return {
        "account": account,
        "meta": {
            "state": row.meta_state if row else CONNECTED,
            "error": row.meta_error if row else None,
            "disconnected_at": row.meta_disconnected_at if row else None,
            "token": mask(own_token or default_token),
            "token_source": "account" if own_token else ("settings" if default_token else None),
            "token_set_at": row.meta_token_set_at if row else None,
            "graph_host": (row.meta_graph_host if row else None) or settings.meta_graph_url,
            "graph_version": (row.meta_graph_version if row else None) or settings.meta_api_version,
            "appsecret_proof": bool(
                (row.meta_appsecret_proof if row else True)
                and settings.meta_app_secret.get_secret_value()
            ),
            "replies_per_hour": (row.meta_replies_per_hour if row else None)
            or settings.meta_replies_per_hour,
            "paused_until": row.meta_paused_until if row else None,
            "usage": row.meta_usage if row else {},
        },
        "chatwoot": {
            "url": (row.chatwoot_url if row else None) or settings.chatwoot_url or None,
            "token": mask(
                (row.chatwoot_token if row else None)
                or settings.chatwoot_api_token.get_secret_value()
            ),
            "labels": (
                row.chatwoot_labels
                if row is not None and row.chatwoot_labels is not None
                else settings.chatwoot_labels
            ),
            "handoff": (row.chatwoot_handoff if row else None) or settings.chatwoot_handoff,
        },
    }


def view(
    *, session: Session, settings: Settings, account: str, today: date | None = None
) -> dict[str, Any]:
    """`public` plus a warning when the account's Graph version is near (or past) its end."""
    out = public(session=session, settings=settings, account=account)
    out["meta"]["version_warning"] = version_warning(
        out["meta"]["graph_version"], today=today or utcnow().date()
    )
    return out


def list_views(*, session: Session, settings: Settings) -> list[dict[str, Any]]:
    """Every account with a connection row (the disconnected first), for the account registry."""
    rows = session.exec(select(AccountConnection).order_by(col(AccountConnection.account)))
    views = [public(session=session, settings=settings, account=r.account, row=r) for r in rows]
    return sorted(views, key=lambda v: v["meta"]["state"] != DISCONNECTED)


def disconnected_accounts(*, session: Session) -> list[str]:
    """Accounts whose Meta token stopped working (for a banner)."""
    return list(
        session.exec(
            select(AccountConnection.account)
            .where(col(AccountConnection.meta_state) == DISCONNECTED)
            .order_by(col(AccountConnection.account))
        )
    )


def put(
    *, session: Session, settings: Settings, account: str, changes: dict[str, Any], actor: str
) -> dict[str, Any]:
    """Use case: change an account's connection and commit; returns the admin's view of it."""
    _, resumed = update(session=session, account=account, changes=changes, actor=actor)
    session.commit()
    return view(session=session, settings=settings, account=account) | {
        "resumed_jobs": len(resumed)
    }


# --- changing it ------------------------------------------------------------------------------


def _check(changes: dict[str, Any]) -> None:
    unknown = sorted(set(changes) - SETTABLE_FIELDS)
    if unknown:
        raise ValidationFailed("Unknown connection fields.", details={"unknown": unknown})
    host = changes.get("meta_graph_host")
    if host is not None and host.rstrip("/") not in GRAPH_HOSTS:
        raise ValidationFailed(
            "Unsupported Graph host.", details={"field": "meta_graph_host", "allowed": GRAPH_HOSTS}
        )
    version = changes.get("meta_graph_version")
    if version is not None and version not in GRAPH_VERSION_ENDS:
        raise ValidationFailed(
            "Unknown Graph API version.",
            details={"field": "meta_graph_version", "allowed": sorted(GRAPH_VERSION_ENDS)},
        )
    url = changes.get("chatwoot_url")
    if url and not (url.startswith("https://") or url.startswith("http://")):
        raise ValidationFailed("Chatwoot URL must be http(s).", details={"field": "chatwoot_url"})


def update(
    *, session: Session, account: str, changes: dict[str, Any], actor: str
) -> tuple[AccountConnection, list[int]]:
    """Set connection fields (None clears one); a new Meta token reconnects and resumes jobs.

    Flushes; the caller commits. Returns the row and the ids of the jobs made due again.
    """
    _check(changes)
    changes = dict(changes)
    # `reconnect`: the token in the settings was replaced (and the process restarted).
    reconnect = bool(changes.pop("reconnect", False))
    row = _row(session, account)
    for name, value in changes.items():
        if name == "meta_graph_host" and value:
            value = value.rstrip("/")
        if name == "meta_appsecret_proof" and value is None:
            value = True  # cleared: back to the default (the column cannot be empty)
        setattr(row, name, value if value != "" else None)
    resumed: list[int] = []
    now = utcnow()
    if changes.get("meta_token") or reconnect:
        if changes.get("meta_token"):
            row.meta_token_set_at = now
        was_disconnected = row.meta_state == DISCONNECTED
        row.meta_state = CONNECTED
        row.meta_error = None
        row.meta_disconnected_at = None
        if was_disconnected:
            resumed = resume_parked(session=session, account=account)
    row.updated_at = now
    session.add(row)
    audit.record(
        session=session,
        actor=actor,
        action="account.connection_updated",
        account=account,
        details={
            "fields": sorted(changes) + (["reconnect"] if reconnect else []),
            # Which secrets changed, never their values.
            "secrets_set": sorted(k for k in changes if k in SECRET_FIELDS and changes[k]),
            "resumed_jobs": resumed,
        },
    )
    session.flush()
    return row, resumed


def mark_disconnected(*, session: Session, account: str, error: str) -> AccountConnection:
    """A token error: the account is `disconnected` until a new token is set. Flushes."""
    row = _row(session, account)
    first = row.meta_state != DISCONNECTED
    row.meta_state = DISCONNECTED
    row.meta_error = error[:500]
    row.meta_disconnected_at = row.meta_disconnected_at or utcnow()
    row.updated_at = utcnow()
    session.add(row)
    if first:
        audit.record(
            session=session,
            actor="system:publisher",
            action="meta.disconnected",
            account=account,
            details={"error": row.meta_error},
        )
        log.warning("meta.disconnected account=%s", account)
    session.flush()
    return row


def pause(*, session: Session, account: str, until: datetime, reason: str) -> None:
    """Hold the account's Meta calls until `until` (the later of this and any earlier pause)."""
    row = _row(session, account)
    if row.meta_paused_until is None or row.meta_paused_until < until:
        row.meta_paused_until = until
        row.updated_at = utcnow()
        session.add(row)
        log.info("meta.paused account=%s until=%s reason=%s", account, until.isoformat(), reason)
    session.flush()


def note_usage(
    *, session: Session, settings: Settings, account: str, usage: Usage, now: datetime
) -> datetime | None:
    """Record the usage headers; above the threshold, pause the account. Returns the pause end."""
    row = _row(session, account)
    row.meta_usage = {**usage.as_dict(), "at": now.isoformat()}
    row.updated_at = utcnow()
    session.add(row)
    if usage.percent < settings.meta_usage_slowdown_percent:
        session.flush()
        return None
    wait = max(usage.regain_seconds or 0.0, settings.meta_usage_pause_seconds)
    until = now + timedelta(seconds=wait)
    pause(session=session, account=account, until=until, reason=f"usage {usage.percent:.0f}%")
    return until


def resume_parked(*, session: Session, account: str) -> list[int]:
    """Make the account's parked Meta jobs due again; returns their ids."""
    jobs = list(
        session.exec(
            select(Job)
            .where(col(Job.status) == "parked")
            .where(col(Job.kind).in_(META_JOB_KINDS))
            .order_by(col(Job.id))
        )
    )
    ids: list[int] = []
    for job in jobs:
        if _job_account(session, job) == account and job.id is not None:
            ids.append(job.id)
    outbox.unpark(session=session, job_ids=ids)
    if ids:
        log.info("meta.resumed account=%s jobs=%s", account, len(ids))
    return ids


def _job_account(session: Session, job: Job) -> str | None:
    if job.payload.get("account"):
        return str(job.payload["account"])
    comment_id = job.payload.get("comment_id")
    if comment_id is None and job.payload.get("draft_id") is not None:
        draft = session.get(Draft, job.payload["draft_id"])
        comment_id = draft.comment_id if draft else None
    comment = session.get(Comment, comment_id) if comment_id is not None else None
    return comment.account if comment else None


def replies_last_hour(
    *, session: Session, account: str, now: datetime
) -> tuple[int, datetime | None]:
    """Replies posted for the account in the hour before `now`, and the oldest of them."""
    since = now - timedelta(hours=1)
    row = session.exec(
        select(func.count(), func.min(Draft.posted_at))
        .join(Comment, col(Comment.id) == col(Draft.comment_id))
        .where(col(Comment.account) == account)
        .where(col(Draft.action) == "reply")
        .where(col(Draft.posted_at) >= since)
    ).one()
    count, oldest = row
    return int(count or 0), oldest


def version_warnings(*, session: Session, settings: Settings, today: date) -> list[str]:
    """Start-up check: the default Graph version and every account's own one."""
    found = []
    default = version_warning(settings.meta_api_version, today=today)
    if default:
        found.append(f"TANGGAP_META_API_VERSION: {default}")
    rows = session.exec(
        select(AccountConnection).where(col(AccountConnection.meta_graph_version).is_not(None))
    )
    for row in rows:
        warning = version_warning(str(row.meta_graph_version), today=today)
        if warning:
            found.append(f"account {row.account}: {warning}")
    return found
