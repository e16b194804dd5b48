"""drafts: comment_created_at and the queue-order index

Revision ID: 0004_queue
Revises: 0002_i14
Create Date: 2026-12-04 19:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.tables import UTCDateTime

revision: str = "0004_queue"
down_revision: str | None = "0002_i14"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "drafts", sa.Column("comment_created_at", UTCDateTime(timezone=True), nullable=True)
    )
    op.execute(
        "UPDATE drafts SET comment_created_at = "
        "(SELECT comments.created_at FROM comments WHERE comments.id = drafts.comment_id)"
    )
    op.create_index(
        "ix_drafts_queue",
        "drafts",
        ["status", sa.text("priority DESC"), "comment_created_at", "id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_drafts_queue", table_name="drafts")
    op.drop_column("drafts", "comment_created_at")
