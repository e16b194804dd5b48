"""publishing modes, session ending, assignment, hide reasons, comment search

Revision ID: 0003_i17
Revises: 0002_i16
Create Date: 2026-12-04 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.tables

revision: str = "0003_i17"
down_revision: str | None = "0002_i16"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# SQLite: an FTS5 index over comment text and author, kept in step by triggers.
SQLITE_FTS = [
    "CREATE VIRTUAL TABLE comments_fts USING fts5(text, author, content='comments', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER comments_fts_ai AFTER INSERT ON comments BEGIN "
    "INSERT INTO comments_fts(rowid, text, author) VALUES (new.id, new.text, new.author); END",
    "CREATE TRIGGER comments_fts_ad AFTER DELETE ON comments BEGIN "
    "INSERT INTO comments_fts(comments_fts, rowid, text, author) "
    "VALUES ('delete', old.id, old.text, old.author); END",
    "CREATE TRIGGER comments_fts_au AFTER UPDATE OF text, author ON comments BEGIN "
    "INSERT INTO comments_fts(comments_fts, rowid, text, author) "
    "VALUES ('delete', old.id, old.text, old.author); "
    "INSERT INTO comments_fts(rowid, text, author) VALUES (new.id, new.text, new.author); END",
    "INSERT INTO comments_fts(comments_fts) VALUES ('rebuild')",
]
# PostgreSQL: the same expression as app.comments.search uses, indexed.
PG_FTS = (
    "CREATE INDEX ix_comments_search ON comments USING gin "
    "(to_tsvector('simple', coalesce(text, '') || ' ' || coalesce(author, '')))"
)


def upgrade() -> None:
    op.add_column(
        "accounts",
        sa.Column("publishing_mode", sa.String(length=10), nullable=False, server_default="graph"),
    )
    op.add_column("drafts", sa.Column("posted_url", sa.String(length=1000), nullable=True))
    op.add_column("drafts", sa.Column("hide_reason", sa.String(length=20), nullable=True))
    op.add_column("drafts", sa.Column("assigned_to", sa.String(length=150), nullable=True))
    op.create_index(op.f("ix_drafts_assigned_to"), "drafts", ["assigned_to"])
    op.add_column(
        "users",
        sa.Column("sessions_valid_after", app.tables.UTCDateTime(timezone=True), nullable=True),
    )
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_FTS:
            op.execute(statement)
    else:
        op.execute(PG_FTS)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("comments_fts_ai", "comments_fts_ad", "comments_fts_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS comments_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_comments_search")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("sessions_valid_after")
    op.drop_index(op.f("ix_drafts_assigned_to"), table_name="drafts")
    with op.batch_alter_table("drafts") as batch:
        batch.drop_column("assigned_to")
        batch.drop_column("hide_reason")
        batch.drop_column("posted_url")
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("publishing_mode")
