"""Where a batch came from (`submit`, `watch`) and composite indexes for per-input state counts,
so fan-in and status queries stay cheap on batches of thousands of pages.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("batches") as batch_op:
        batch_op.add_column(sa.Column("origin", sa.String(16), nullable=False, server_default="submit"))
    op.create_index("ix_pages_input_id_state", "pages", ["input_id", "state"])
    op.create_index("ix_documents_input_id_state", "documents", ["input_id", "state"])
    op.create_index("ix_events_entity", "events", ["entity", "entity_id"])


def downgrade() -> None:
    op.drop_index("ix_events_entity", table_name="events")
    op.drop_index("ix_documents_input_id_state", table_name="documents")
    op.drop_index("ix_pages_input_id_state", table_name="pages")
    with op.batch_alter_table("batches") as batch_op:
        batch_op.drop_column("origin")
