"""Incoming integration use cases: Meta and Chatwoot webhooks.

Both verify the signature on the raw bytes first, store the comments (idempotent on platform +
external id, so re-deliveries are harmless) and leave classification and drafting to the
`comment.process` job, so the webhook answers fast.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, select

from app.audit import service as audit
from app.comments import service as comments
from app.config import Settings
from app.errors import AppError, BadRequest, MalformedJson
from app.integrations import chatwoot, meta
from app.outbox import service as outbox
from app.outbox.jobs import JobKind
from app.tables import Comment, utcnow
from app.validation import fit_id


@dataclass
class Receipt:
    """What a webhook delivery did."""

    stored: list[int] = field(default_factory=list)
    duplicates: list[int] = field(default_factory=list)
    edited: list[int] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)
    hidden: list[int] = field(default_factory=list)
    mentions: int = 0
    skipped: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "stored": len(self.stored),
            "duplicates": len(self.duplicates),
            "edited": len(self.edited),
            "removed": len(self.removed),
            "hidden": len(self.hidden),
            "mentions": self.mentions,
            "skipped": len(self.skipped),
            "comment_ids": self.stored,
        }


def _json(body: bytes) -> dict[str, Any]:
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise MalformedJson("Webhook body is not valid JSON.") from exc
    if not isinstance(payload, dict):
        raise BadRequest("Webhook body must be a JSON object.")
    return payload


def _existing(session: Session, platform: str, external_id: str) -> Comment | None:
    return session.exec(
        select(Comment)
        .where(Comment.platform == platform)
        .where(Comment.external_id == external_id)
    ).first()


def _store(
    *, session: Session, items: list[comments.NewComment], source: str, settings: Settings
) -> tuple[list[int], list[int]]:
    valid = []
    for item in items:
        try:
            comments.validate_text(item.text, settings)
        except AppError:
            continue  # e.g. only control characters: nothing to answer, never a retry loop
        valid.append(item)
    if not valid:
        return [], []
    results = comments.ingest(
        session=session,
        items=valid,
        source=source,
        actor=f"webhook:{source}",
        settings=settings,
        classifier=None,
        drafter=None,
        inline=False,
    )
    stored = [r.comment.id for r in results if r.created]
    duplicates = [r.comment.id for r in results if not r.created]
    return stored, duplicates  # type: ignore[return-value]


def _newer(item: comments.NewComment, row: Comment) -> bool:
    """An edit applies unless both carry Meta's time and the stored state is newer."""
    incoming = meta.change_time(item)
    stored = (row.extra or {}).get("meta_time")
    if incoming is None or not isinstance(stored, int | float):
        return True
    return incoming >= stored  # the same second: no order to tell, the later delivery wins


def receive_meta(
    *, session: Session, body: bytes, signature: str | None, settings: Settings
) -> Receipt:
    """Verify and store one Meta webhook delivery (Instagram comments, Facebook feed)."""
    meta.verify_signature(settings=settings, body=body, header=signature)
    changes = meta.parse_payload(_json(body), settings=settings)
    receipt = Receipt(skipped=changes.skipped)
    new = list(changes.new)
    for item in changes.edited:
        row = _existing(session, item.platform, fit_id(item.external_id))
        if row is None:
            new.append(item)
            continue
        if not _newer(item, row):
            # a replayed or late delivery of an older edit must not put older text back
            receipt.skipped.append({"reason": "stale_edit", "external_id": row.external_id})
            continue
        stamp = meta.change_time(item)
        if stamp is not None:
            row.extra = {**(row.extra or {}), "meta_time": stamp}
            session.add(row)
        text = comments.validate_text_or_none(item.text, settings)
        if text is not None:
            # new text: classified again, its pending draft redrafted (comments.apply_edit)
            comments.apply_edit(session=session, comment=row, text=text, actor="webhook:meta")
        receipt.edited.append(row.id)  # type: ignore[arg-type]
    for platform, external_id in changes.removed:
        row = _existing(session, platform, fit_id(external_id))
        if row is None or not comments.apply_removal(
            session=session, comment=row, actor="webhook:meta"
        ):
            continue
        receipt.removed.append(row.id)  # type: ignore[arg-type]
    for platform, external_id, hide in [
        *((p, e, True) for p, e in changes.hidden),
        *((p, e, False) for p, e in changes.unhidden),
    ]:
        row = _existing(session, platform, external_id)
        if row is None or (row.hidden_at is not None) == hide:
            continue
        row.hidden_at = utcnow() if hide else None
        session.add(row)
        audit.record(
            session=session,
            actor="webhook:meta",
            action="comment.hidden_on_platform" if hide else "comment.unhidden_on_platform",
            comment_id=row.id,
            account=row.account,
            details={"platform": platform, "external_id": external_id},
        )
        receipt.hidden.append(row.id)  # type: ignore[arg-type]
    for mention in changes.mentions:
        # The webhook has no text: the `meta.mention` job reads the comment, then ingests it.
        if _existing(session, "instagram", mention.comment_id) is not None:
            continue
        outbox.enqueue(
            session=session,
            kind=JobKind.META_MENTION,
            payload={
                "entry_id": mention.entry_id,
                "comment_id": mention.comment_id,
                "media_id": mention.media_id,
                "account": mention.account or settings.default_account,
            },
            dedupe_key=f"meta.mention:{mention.comment_id}",
        )
        receipt.mentions += 1
    session.commit()
    receipt.stored, receipt.duplicates = _store(
        session=session, items=new, source="meta", settings=settings
    )
    return receipt


def receive_chatwoot(
    *,
    session: Session,
    body: bytes,
    signature: str | None,
    timestamp: str | None,
    settings: Settings,
) -> Receipt:
    """Verify and store a Chatwoot `message_created` webhook; other events are ignored."""
    chatwoot.verify_signature(
        settings=settings, body=body, signature=signature, timestamp=timestamp
    )
    parsed = chatwoot.parse_message(_json(body), settings=settings)
    if isinstance(parsed, str):
        return Receipt(skipped=[{"reason": parsed}])
    receipt = Receipt()
    receipt.stored, receipt.duplicates = _store(
        session=session, items=[parsed], source=chatwoot.PLATFORM, settings=settings
    )
    return receipt
