"""Import comments from CSV/JSONL (e.g. a platform export); export the queue and the audit trail.

Import columns (CSV header or JSON keys; aliases in brackets): `external_id` [id, comment_id],
`text` [message, comment, content], `platform`, `author` [username, author_name], `author_id`,
`post_id` [media_id], `parent_id`, `created_at` (ISO 8601 or unix seconds), `account`. Other
columns are ignored, so a queue export imports back as it is.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal, get_args

from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.audit import service as audit_service
from app.comments import service as comments
from app.comments.schemas import ACCOUNT_PATTERN, Platform
from app.config import Settings
from app.drafts import service as drafts_service
from app.errors import AppError, ValidationFailed
from app.validation import created_at_error, fit_field, fit_id

Format = Literal["csv", "jsonl"]
PLATFORMS = frozenset({*get_args(Platform), "chatwoot"})

_ALIASES: dict[str, tuple[str, ...]] = {
    "external_id": ("external_id", "id", "comment_id"),
    "text": ("text", "message", "comment", "content"),
    "platform": ("platform",),
    "author": ("author", "username", "author_name"),
    "author_id": ("author_id",),
    "post_id": ("post_id", "media_id"),
    "parent_id": ("parent_id",),
    "created_at": ("created_at", "created_time", "timestamp"),
    "account": ("account",),
}

QUEUE_FIELDS = (
    "draft_id",
    "status",
    "action",
    "priority",
    "tone",
    "draft_text",
    "decided_by",
    "decided_at",
    "posted_at",
    "posted_external_id",
    "comment_id",
    "platform",
    "external_id",
    "account",
    "author",
    "post_id",
    "parent_id",
    "created_at",
    "text",
    "intent",
    "sentiment",
    "abusive",
)
AUDIT_FIELDS = ("id", "at", "actor", "action", "comment_id", "draft_id", "account", "details")
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson"}


def detect_format(filename: str | None, explicit: str | None = None) -> Format:
    """`csv` or `jsonl`, from the explicit choice or the file name."""
    name = (explicit or filename or "").lower()
    if name == "csv" or name.endswith(".csv"):
        return "csv"
    if name in ("jsonl", "ndjson", "json") or name.endswith((".jsonl", ".ndjson", ".json")):
        return "jsonl"
    raise ValidationFailed(
        "Cannot tell the file format; use .csv or .jsonl, or give format.",
        details={"filename": filename, "format": explicit},
    )


# --- import ------------------------------------------------------------------------------------


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    existing: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "created": self.created,
            "existing": self.existing,
            "failed": len(self.errors),
            "errors": self.errors[:100],
        }


def read_rows(data: bytes, fmt: Format) -> Iterator[tuple[int, dict[str, Any] | str]]:
    """(line number, row) pairs; a row that cannot be parsed comes as an error string."""
    text = data.decode("utf-8-sig", errors="replace")
    if fmt == "csv":
        reader = csv.DictReader(io.StringIO(text))
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:  # e.g. a field over csv.field_size_limit() (128 KiB)
                yield reader.line_num, f"not valid CSV: {exc}"
                continue
            yield reader.line_num, {k.strip(): v for k, v in row.items() if k}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except (ValueError, RecursionError):  # RecursionError: nested too deep
            yield number, "not valid JSON"
            continue
        yield number, value if isinstance(value, dict) else "not a JSON object"


def _pick(row: dict[str, Any], name: str) -> Any:
    for key in _ALIASES[name]:
        value = row.get(key)
        if value not in (None, ""):
            return value
    return None


def _created_at(value: Any) -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, int | float) or (isinstance(value, str) and value.isdigit()):
        try:
            parsed = datetime.fromtimestamp(float(value), UTC)
        except (OverflowError, OSError, ValueError) as exc:
            raise ValidationFailed(f"created_at is out of range: {str(value)[:40]!r}") from exc
    else:
        try:
            parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError as exc:
            raise ValidationFailed(f"created_at is not a date: {str(value)[:40]!r}") from exc
    parsed = parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    problem = created_at_error(parsed)
    if problem:
        raise ValidationFailed(f"created_at {problem}")
    return parsed


def to_new_comment(
    row: dict[str, Any], *, platform: str | None, account: str | None, settings: Settings
) -> comments.NewComment:
    """One import row as a comment to ingest; raises `ValidationFailed` with the reason."""
    plat = str(_pick(row, "platform") or platform or "").strip().lower()
    if plat not in PLATFORMS:
        raise ValidationFailed(f"platform must be one of {sorted(PLATFORMS)}, got {plat!r}")
    external_id = _pick(row, "external_id")
    if external_id is None or not str(external_id).strip():
        raise ValidationFailed("external_id is missing")
    text = comments.validate_text(str(_pick(row, "text") or ""), settings)
    acct = _pick(row, "account") or account
    if acct is not None and not re.match(ACCOUNT_PATTERN, str(acct)):
        raise ValidationFailed(f"invalid account name {acct!r}")

    def opt(name: str) -> str | None:
        value = _pick(row, name)
        return None if value is None else fit_field(str(value), 200)

    return comments.NewComment(
        platform=plat,
        external_id=fit_id(str(external_id).strip()),
        text=text,
        author=opt("author"),
        author_id=opt("author_id"),
        post_id=opt("post_id"),
        parent_id=opt("parent_id"),
        created_at=_created_at(_pick(row, "created_at")),
        account=str(acct) if acct else None,
    )


def import_comments(
    *,
    session: Session,
    data: bytes,
    fmt: Format,
    actor: str,
    settings: Settings,
    platform: str | None = None,
    account: str | None = None,
) -> ImportReport:
    """Store every valid row (idempotent); classification and drafting run in the worker."""
    report = ImportReport()
    batch: list[comments.NewComment] = []

    def flush() -> None:
        if not batch:
            return
        results = comments.ingest(
            session=session,
            items=batch,
            source="import",
            actor=actor,
            settings=settings,
            classifier=None,
            drafter=None,
            inline=False,
        )
        report.created += sum(r.created for r in results)
        report.existing += sum(not r.created for r in results)
        batch.clear()

    for line, row in read_rows(data, fmt):
        report.rows += 1
        if isinstance(row, str):
            report.errors.append({"line": line, "message": row})
            continue
        try:
            batch.append(to_new_comment(row, platform=platform, account=account, settings=settings))
        except AppError as exc:
            report.errors.append({"line": line, "message": exc.message})
            continue
        if len(batch) >= settings.max_batch_items:
            flush()
    flush()
    return report


# --- export ------------------------------------------------------------------------------------


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def queue_rows(
    session: Session, *, status: str | None = "pending", account: str | None = None
) -> Iterator[dict[str, Any]]:
    """Drafts with their comments in queue order (most urgent first)."""
    filters = drafts_service.QueueFilter(status=status, account=account)
    cursor = None
    while True:
        rows, cursor = drafts_service.list_queue(
            session=session, filters=filters, limit=500, cursor=cursor
        )
        for draft, comment in rows:
            yield {
                "draft_id": draft.id,
                "status": draft.status,
                "action": draft.action,
                "priority": draft.priority,
                "tone": draft.tone,
                "draft_text": draft.text,
                "decided_by": draft.decided_by,
                "decided_at": _iso(draft.decided_at),
                "posted_at": _iso(draft.posted_at),
                "posted_external_id": draft.posted_external_id,
                "comment_id": comment.id,
                "platform": comment.platform,
                "external_id": comment.external_id,
                "account": comment.account,
                "author": comment.author,
                "post_id": comment.post_id,
                "parent_id": comment.parent_id,
                "created_at": _iso(comment.created_at),
                "text": comment.text,
                "intent": comment.intent,
                "sentiment": comment.sentiment,
                "abusive": comment.abusive,
            }
        if cursor is None:
            return


def audit_rows(
    session: Session,
    *,
    action: str | None = None,
    account: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Iterator[dict[str, Any]]:
    """Audit events, newest first."""
    before: int | None = None
    while True:
        rows = audit_service.search(
            session=session,
            action=action,
            account=account,
            since=since,
            until=until,
            before_id=before,
            limit=1000,
        )
        for e in rows:
            yield {
                "id": e.id,
                "at": _iso(e.at),
                "actor": e.actor,
                "action": e.action,
                "comment_id": e.comment_id,
                "draft_id": e.draft_id,
                "account": e.account,
                "details": e.details,
            }
        if len(rows) < 1000:
            return
        before = rows[-1].id


# Spreadsheets run a cell that starts with one of these as a formula (OWASP "CSV injection");
# full-width forms too, since some spreadsheet apps fold them.
_FORMULA_START = tuple("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")


def csv_cell(value: Any) -> Any:
    """A cell a spreadsheet shows as text: citizen text starting `=`, `+`, `-`, `@` gets a `'`."""
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def serialise(
    rows: Iterable[dict[str, Any]], fmt: Format, fields: tuple[str, ...]
) -> Iterator[str]:
    """Rows as CSV (header first; nested values as JSON; formula-safe cells) or as JSON lines."""
    if fmt == "jsonl":
        for row in rows:
            yield json.dumps(row, ensure_ascii=False, default=str) + "\n"
        return
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(fields), extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: csv_cell(v) for k, v in row.items()})
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def stream_export(
    *, engine: Engine, kind: Literal["queue", "audit"], fmt: Format, **filters: Any
) -> Iterator[str]:
    """Export chunks; opens its own session so a streamed response outlives the request's."""
    with Session(engine, expire_on_commit=False) as session:
        if kind == "queue":
            yield from serialise(queue_rows(session, **filters), fmt, QUEUE_FIELDS)
        else:
            yield from serialise(audit_rows(session, **filters), fmt, AUDIT_FIELDS)
