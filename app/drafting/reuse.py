"""Reuse of approved replies: the drafter learns from what reviewers approved or edited.

The service layer hands the drafter the approved replies of the same account, intent and tone
(`DraftContext.approved`); when a comment is close enough to one of theirs, and says the same
things (same service, wait, place, registration number, personal data), that reply is adapted
(the old citizen's handle is swapped for the new one) and offered again. Edited replies win
ties: they carry the reviewer's own words. Plain Python: no database here.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from app.drafting.drafter import ApprovedReply
from app.drafting.guardrails import clean_handle
from app.drafting.knowledge import Embedder, safe_embed
from app.drafting.templates import tidy
from app.drafting.text import jaccard, match_terms


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
    text: str,
    candidates: Sequence[ApprovedReply],
    same_facts: Callable[[str], bool] | None = None,
    embedder: Embedder | None = None,
    min_jaccard: float = 0.5,
) -> ReuseMatch | None:
    """The best approved reply to a similar comment, or None.

    Similar means: at least two shared content terms and a Jaccard overlap of `min_jaccard`,
    or a near-identical embedding with a weaker overlap; and `same_facts(old_comment)` holds.
    """
    query = match_terms(text)
    if len(set(query)) < 2:
        return None
    scored: list[tuple[float, ApprovedReply, float]] = []
    for reply in candidates:
        terms = match_terms(reply.comment_text)
        if len(set(query) & set(terms)) < 2:
            continue
        sim = jaccard(query, terms)
        if sim >= min_jaccard - 0.2 and (same_facts is None or same_facts(reply.comment_text)):
            scored.append((sim, reply, sim))
    if not scored:
        return None
    if embedder is not None:
        vectors = safe_embed(embedder, [text] + [r.comment_text for _, r, _ in scored])
        if vectors is not None:
            qv = vectors[0]
            rescored = []
            for (_, reply, jac), vec in zip(scored, vectors[1:], strict=True):
                cosine = float(vec @ qv)
                if jac < min_jaccard and cosine < 0.93:
                    continue
                rescored.append((0.5 * jac + 0.5 * cosine, reply, jac))
            scored = rescored
    else:
        scored = [s for s in scored if s[0] >= min_jaccard]
    if not scored:
        return None
    sim, best, _ = max(scored, key=lambda s: s[0] + (0.05 if s[1].edited else 0.0))
    return ReuseMatch(
        draft_id=best.draft_id,
        text=best.text,
        similarity=round(sim, 4),
        edited=best.edited,
        old_author=best.author,
        old_comment=best.comment_text,
    )


def adapt(match: ReuseMatch, *, new_name: str) -> str:
    """The approved reply with the old citizen's handle replaced by the new one (or removed)."""
    text = match.text
    old = clean_handle(match.old_author)
    if old:
        pattern = re.compile(rf"@?\b{re.escape(old)}\b")
        text = pattern.sub(new_name, text)
    return tidy(text)
