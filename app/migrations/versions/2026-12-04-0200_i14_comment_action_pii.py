"""comments: action, action_reason, pii

Revision ID: 0002_i14
Revises: 0002_i16
Create Date: 2026-12-04 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0002_i14"
down_revision: str | None = "0002_i16"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True)
        )
        batch_op.add_column(
            sa.Column("action_reason", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=True)
        )
        batch_op.add_column(
            sa.Column("pii", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )
        batch_op.create_index(batch_op.f("ix_comments_action"), ["action"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_comments_action"))
        batch_op.drop_column("pii")
        batch_op.drop_column("action_reason")
        batch_op.drop_column("action")
