"""The terminal counters at the last finger read, so the poller reads templates only when they moved.

Revision ID: 0023_finger_counts
Revises: 0018_admin_pages
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import attendance.timeutil

revision: str = "0023_finger_counts"
down_revision: str | Sequence[str] | None = "0018_admin_pages"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("device_sync_state") as batch:
        batch.add_column(sa.Column("harvest_users", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("harvest_fingers", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("harvest_cards", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("harvested_at", attendance.timeutil.UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("users_stale", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("device_sync_state") as batch:
        batch.drop_column("users_stale")
        batch.drop_column("harvested_at")
        batch.drop_column("harvest_cards")
        batch.drop_column("harvest_fingers")
        batch.drop_column("harvest_users")
