"""The drafter's inputs, assembled from the database (and the account's KB file).

The drafting engine never reads tables; this module does, once per draft (or once per batch of
comments, `BatchContext`): the account profile,
its KB entries, approved replies of the same account, intent and tone, how many drafts the
comment already had (a regenerate picks other variants) and the account's latest draft texts
(the writer avoids repeating them). Accounts without settings or entries in the database fall
back to ``<knowledge_dir>/<account>.yaml|.csv``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from app.accounts import service as accounts
from app.drafting.drafter import AccountProfile, ApprovedReply, DraftContext
from app.drafting.knowledge import KbFile, KbFormatError, KbItem, account_file, load_path
from app.tables import Comment, Draft, KbEntry

log = logging.getLogger("tanggap.drafts.context")

APPROVED_STATUSES = ("approved", "posted", "failed")
APPROVED_LIMIT = 300
RECENT_LIMIT = 100

_files: dict[str, tuple[float, KbFile | None]] = {}
_files_lock = threading.Lock()


def account_file_kb(knowledge_dir: Path, account: str) -> KbFile | None:
    """The account's KB file from the knowledge folder, re-read when it changes."""
    path = account_file(knowledge_dir, account)
    if path is None:
        return None
    mtime = path.stat().st_mtime
    key = str(path)
    with _files_lock:
        cached = _files.get(key)
    if cached and cached[0] == mtime:
        return cached[1]
    try:
        parsed: KbFile | None = load_path(path)
    except KbFormatError:
        log.warning("drafting.kb.invalid_file path=%s", path, exc_info=True)
        parsed = None
    with _files_lock:
        _files[key] = (mtime, parsed)
    return parsed


def profile_of(
    *, session: Session | None, name: str, knowledge_dir: Path | None = None
) -> AccountProfile:
    """The account's profile (`accounts.service.profile_of`), filled from its KB file when the
    database holds no channels for it (a demo or file-only account)."""
    profile = accounts.profile_of(session=session, name=name)
    file = account_file_kb(knowledge_dir, name) if knowledge_dir is not None else None
    if file is None or not file.account or profile.channels:
        return profile
    data: dict[str, Any] = file.account
    institution = profile.institution_name
    if institution in ("", "kami"):
        institution = str(data.get("institution_name") or institution)
    return AccountProfile(
        name=name,
        institution_name=institution,
        channels=dict(data.get("channels") or {}),
        preferences={**dict(data.get("preferences") or {}), **profile.preferences},
    )


def kb_items(*, session: Session | None, account: str, knowledge_dir: Path | None) -> list[KbItem]:
    """The account's KB: its database entries, else its KB file."""
    items: list[KbItem] = []
    if session is not None:
        rows = session.exec(
            select(KbEntry).where(col(KbEntry.account) == account).order_by(col(KbEntry.id))
        ).all()
        items = [
            KbItem(
                question=r.question,
                answer=r.answer,
                keywords=tuple(str(k) for k in r.keywords or ()),
                link=r.link,
                slug=r.slug,
                id=r.id,
            )
            for r in rows
        ]
    if not items and knowledge_dir is not None:
        file = account_file_kb(knowledge_dir, account)
        if file is not None:
            items = list(file.entries)
    return items


def _approved_stmt(*, account: str, intent: str, tone: str) -> Any:
    # Only the columns the drafter reads: this runs for every batch drafted, and whole ORM rows
    # (JSON columns included) for up to APPROVED_LIMIT drafts were most of its cost.
    return (
        sa.select(
            col(Draft.id),
            col(Draft.text),
            col(Draft.drafted_text),
            col(Comment.text),
            col(Comment.author),
            col(Comment.id),
        )
        .join(Comment, col(Comment.id) == col(Draft.comment_id))
        .where(
            col(Comment.account) == account,
            col(Comment.intent) == intent,
            col(Draft.status).in_(APPROVED_STATUSES),
            col(Draft.action) == "reply",
            col(Draft.tone) == tone,
            col(Draft.text).is_not(None),
        )
        .order_by(col(Draft.decided_at).desc(), col(Draft.id).desc())
    )


def _approved(rows: Sequence[Any], exclude_comment_id: int | None) -> list[ApprovedReply]:
    return [
        ApprovedReply(
            draft_id=int(draft_id or 0),
            text=str(text),
            comment_text=comment_text,
            author=author,
            edited=(text or "") != (drafted or ""),
        )
        for draft_id, text, drafted, comment_text, author, comment_id in rows
        if exclude_comment_id is None or comment_id != exclude_comment_id
    ][:APPROVED_LIMIT]


def recent_texts(*, session: Session, account: str) -> list[str]:
    """The account's latest drafted texts, newest first."""
    rows = session.exec(
        select(Draft.drafted_text)
        .join(Comment, col(Comment.id) == col(Draft.comment_id))
        .where(col(Comment.account) == account, col(Draft.drafted_text).is_not(None))
        .order_by(col(Draft.id).desc())
        .limit(RECENT_LIMIT)
    ).all()
    return [str(t) for t in rows if t]


class BatchContext:
    """Drafting inputs shared by the comments of one processing batch.

    Read once per batch instead of once per comment: the profile, KB and latest draft texts
    per account, the approved replies per (account, intent, tone), and the draft counts of
    the batch's comments. Drafts written in the batch join the account's latest texts, so the
    writer avoids repeating them within the batch as well. Lives for one transaction.
    """

    def __init__(
        self,
        *,
        session: Session,
        knowledge_dir: Path | None,
        profiles: dict[str, AccountProfile] | None = None,
    ) -> None:
        self._session = session
        self._knowledge_dir = knowledge_dir
        self._profiles: dict[str, AccountProfile] = dict(profiles or {})
        self._kb: dict[str, tuple[KbItem, ...]] = {}
        self._recent: dict[str, list[str]] = {}
        self._approved: dict[tuple[str, str, str], list[Any]] = {}
        self._counts: dict[int, int] = {}

    def count_drafts(self, comment_ids: Sequence[int]) -> None:
        """Count the existing drafts of these comments in one query."""
        ids = [i for i in comment_ids if i not in self._counts]
        if not ids:
            return
        self._counts.update(dict.fromkeys(ids, 0))
        rows = self._session.execute(
            sa.select(col(Draft.comment_id), func.count())
            .where(col(Draft.comment_id).in_(ids))
            .group_by(col(Draft.comment_id))
        ).all()
        self._counts.update({int(cid): int(n) for cid, n in rows})

    def profile(self, account: str) -> AccountProfile:
        if account not in self._profiles:
            self._profiles[account] = profile_of(
                session=self._session, name=account, knowledge_dir=self._knowledge_dir
            )
        return self._profiles[account]

    def context(
        self, *, account: str, intent: str, tone: str, comment_id: int | None
    ) -> DraftContext:
        if account not in self._kb:
            self._kb[account] = tuple(
                kb_items(session=self._session, account=account, knowledge_dir=self._knowledge_dir)
            )
            self._recent[account] = recent_texts(session=self._session, account=account)
        key = (account, intent, tone)
        if key not in self._approved:
            # One row more per comment of the batch, so excluding its own still leaves the limit.
            stmt = _approved_stmt(account=account, intent=intent, tone=tone)
            self._approved[key] = list(self._session.execute(stmt.limit(APPROVED_LIMIT + 1)).all())
        if comment_id is not None and comment_id not in self._counts:
            self.count_drafts([comment_id])
        return DraftContext(
            profile=self.profile(account),
            kb=self._kb[account],
            approved=tuple(_approved(self._approved[key], comment_id)),
            drafts_for_comment=self._counts.get(comment_id, 0) if comment_id is not None else 0,
            recent_texts=tuple(self._recent[account]),
        )

    def drafted(self, *, account: str, comment_id: int | None, text: str | None) -> None:
        """Note a draft written in this batch."""
        if comment_id is not None:
            self._counts[comment_id] = self._counts.get(comment_id, 0) + 1
        if text and account in self._recent:
            recent = self._recent[account]
            recent.insert(0, text)
            del recent[RECENT_LIMIT:]


def build(
    *,
    session: Session | None,
    account: str,
    knowledge_dir: Path | None,
    intent: str,
    tone: str,
    comment_id: int | None = None,
    profile: AccountProfile | None = None,
) -> DraftContext:
    """Everything the drafter needs for one comment of `account` (a batch of one)."""
    if session is None:  # file-only accounts (CLI evaluation without a database)
        profile = profile or profile_of(session=None, name=account, knowledge_dir=knowledge_dir)
        kb = kb_items(session=None, account=account, knowledge_dir=knowledge_dir)
        return DraftContext(profile=profile, kb=tuple(kb))
    batch = BatchContext(
        session=session,
        knowledge_dir=knowledge_dir,
        profiles={account: profile} if profile is not None else None,
    )
    return batch.context(account=account, intent=intent, tone=tone, comment_id=comment_id)
