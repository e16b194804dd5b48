"""Full-text search over comment text and author: SQLite FTS5, PostgreSQL `to_tsvector`.

The index is made by the migration (`comments_fts` with triggers on SQLite, a GIN expression
index on PostgreSQL). Every word of the query must occur, as a word prefix (`jalan rus` finds
"jalan rusak"); anything but letters and digits separates words, so a query can never be FTS
syntax.
"""

from __future__ import annotations

import re

from sqlalchemy import ColumnElement, func, literal_column, text
from sqlmodel import Session, col

from app.tables import Comment

MAX_TERMS = 8
_WORD = re.compile(r"\w+", re.UNICODE)


def terms(query: str) -> list[str]:
    """The words of a search query (lower case, at most MAX_TERMS)."""
    return [w.lower() for w in _WORD.findall(query or "")][:MAX_TERMS]


def matches(*, session: Session, query: str) -> ColumnElement[bool] | None:
    """A WHERE clause on `Comment` for comments matching every word; None for an empty query."""
    words = terms(query)
    if not words:
        return None
    if session.get_bind().dialect.name == "postgresql":
        document = func.to_tsvector(
            literal_column("'simple'"),
            func.coalesce(col(Comment.text), "") + " " + func.coalesce(col(Comment.author), ""),
        )
        tsquery = func.to_tsquery(literal_column("'simple'"), " & ".join(f"{w}:*" for w in words))
        return document.op("@@")(tsquery)
    fts = " ".join(f'"{w}"*' for w in words)
    ids = text("SELECT rowid FROM comments_fts WHERE comments_fts MATCH :fts").bindparams(fts=fts)
    return col(Comment.id).in_(ids)
