"""A unit's deduction table (quy chế) for the discipline part of the monthly evaluation.

Revision ID: 0008_deduction_table
Revises: 0006_punch_period_index
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_deduction_table"
down_revision: str | Sequence[str] | None = "0006_punch_period_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Existing rules keep their thresholds and symbols; none of them had a deduction table.
    with op.batch_alter_table("report_rules") as batch:
        batch.add_column(sa.Column("deductions", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("report_rules") as batch:
        batch.drop_column("deductions")
