"""Reuse of approved replies: the drafter learns from what reviewers approved or edited.

When a comment of the same account, intent and tone is close enough to one whose reply a
reviewer approved (as drafted or edited), that reply is adapted (the old citizen's handle is
swapped for the new one) and offered again. Edited replies win ties: they carry the reviewer's
own words.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from sqlmodel import Session, col, select

from app.drafting.guardrails import clean_handle
from app.drafting.knowledge import Embedder, safe_embed
from app.drafting.templates import tidy
from app.drafting.text import jaccard, match_terms
from app.tables import Comment, Draft

APPROVED_STATUSES = ("approved", "posted", "failed")


@dataclass(frozen=True)
class ReuseMatch:
    """An approved reply close enough to reuse."""

    draft_id: int
    text: str
    similarity: float
    edited: bool
    old_author: str | None
    old_comment: str

    @property
    def text_hash(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


def find(
    *,
    session: Session,
    account: str,
    text: str,
    intent: str,
    tone: str,
    exclude_comment_id: int | None = None,
    embedder: Embedder | None = None,
    min_jaccard: float = 0.5,
    limit: int = 300,
) -> ReuseMatch | None:
    """The best approved reply to a similar comment, or None.

    Similar means: same account, intent and tone; at least two shared content terms; and a
    Jaccard overlap of `min_jaccard`, or a near-identical embedding with a weaker overlap.
    """
    query = match_terms(text)
    if len(set(query)) < 2:
        return None
    stmt = (
        select(Draft, Comment)
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
        .limit(limit)
    )
    if exclude_comment_id is not None:
        stmt = stmt.where(col(Comment.id) != exclude_comment_id)
    rows = session.exec(stmt).all()
    scored: list[tuple[float, Draft, Comment, float]] = []
    for draft, comment in rows:
        terms = match_terms(comment.text)
        overlap = len(set(query) & set(terms))
        if overlap < 2:
            continue
        sim = jaccard(query, terms)
        if sim >= min_jaccard - 0.2:
            scored.append((sim, draft, comment, sim))
    if not scored:
        return None
    if embedder is not None:
        vectors = safe_embed(embedder, [text] + [c.text for _, _, c, _ in scored])
        if vectors is not None:
            qv = vectors[0]
            rescored = []
            for (_, draft, comment, jac), vec in zip(scored, vectors[1:], strict=True):
                cosine = float(vec @ qv)
                if jac < min_jaccard and cosine < 0.93:
                    continue
                rescored.append((0.5 * jac + 0.5 * cosine, draft, comment, jac))
            scored = rescored
    else:
        scored = [s for s in scored if s[0] >= min_jaccard]
    if not scored:
        return None

    def rank(item: tuple[float, Draft, Comment, float]) -> float:
        _, draft, _, _ = item
        edited = (draft.text or "") != (draft.drafted_text or "")
        return item[0] + (0.05 if edited else 0.0)

    best = max(scored, key=rank)
    sim, draft, comment, _ = best
    return ReuseMatch(
        draft_id=int(draft.id),  # type: ignore[arg-type]
        text=str(draft.text),
        similarity=round(sim, 4),
        edited=(draft.text or "") != (draft.drafted_text or ""),
        old_author=comment.author,
        old_comment=comment.text,
    )


def adapt(match: ReuseMatch, *, new_name: str) -> str:
    """The approved reply with the old citizen's handle replaced by the new one (or removed)."""
    text = match.text
    old = clean_handle(match.old_author)
    if old:
        pattern = re.compile(rf"@?\b{re.escape(old)}\b")
        text = pattern.sub(new_name, text)
    return tidy(text)
