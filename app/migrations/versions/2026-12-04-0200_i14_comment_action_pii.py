"""comments: action, action_reason, pii

Revision ID: 0002_i14
Revises: 0003_i17
Create Date: 2026-12-04 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0002_i14"
down_revision: str | None = "0003_i17"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN (no batch copy of the table): the comments search triggers of 0003_i17
    # stay in place on SQLite.
    op.add_column(
        "comments",
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
    )
    op.add_column(
        "comments",
        sa.Column("action_reason", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=True),
    )
    op.add_column(
        "comments",
        sa.Column("pii", sa.JSON(), nullable=False, server_default=sa.text("'[]'")),
    )
    op.create_index(op.f("ix_comments_action"), "comments", ["action"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_comments_action"), table_name="comments")
    op.drop_column("comments", "pii")
    op.drop_column("comments", "action_reason")
    op.drop_column("comments", "action")
