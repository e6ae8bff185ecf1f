"""Covering index for the evaluation engine's period scan; joins the parallel branches into one head.

Revision ID: 0006_punch_period_index
Revises: 0002_devices, 0003_recognition, 0004_reports, 0005_auth
"""
from collections.abc import Sequence

from alembic import op

revision: str = "0006_punch_period_index"
down_revision: str | Sequence[str] | None = ("0002_devices", "0003_recognition", "0004_reports", "0005_auth")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_punches_period", "punches", ["punched_at", "staff_id", "pin", "quarantined"])
    op.drop_index("ix_punches_punched_at", table_name="punches")


def downgrade() -> None:
    op.create_index("ix_punches_punched_at", "punches", ["punched_at"])
    op.drop_index("ix_punches_period", table_name="punches")
