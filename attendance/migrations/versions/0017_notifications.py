"""E-mail notices: addresses and opt-outs of staff and accounts, the notices made, the worker's lease.

Revision ID: 0017_notifications
Revises: 0012_merge_branches
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import attendance.timeutil

revision: str = "0017_notifications"
down_revision: str | Sequence[str] | None = "0012_merge_branches"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for table in ("staff", "users"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=True))
            batch_op.add_column(sa.Column("notify_email", sa.Boolean(), nullable=False, server_default=sa.true()))
    op.create_table(
        "notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("subject_key", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("subject", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("link", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("link_label", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=True),
        sa.Column("delivery", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("created_at", attendance.timeutil.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", attendance.timeutil.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("recipient", "kind", "subject_key", name="uq_notices_recipient_kind_key"),
    )
    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notices_recipient"), ["recipient"], unique=False)
        batch_op.create_index(batch_op.f("ix_notices_delivery"), ["delivery"], unique=False)
    op.create_table(
        "worker_leases",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("holder", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("expires_at", attendance.timeutil.UTCDateTime(timezone=True), nullable=False),
        sa.Column("taken_at", attendance.timeutil.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade() -> None:
    op.drop_table("worker_leases")
    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notices_delivery"))
        batch_op.drop_index(batch_op.f("ix_notices_recipient"))
    op.drop_table("notices")
    for table in ("users", "staff"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("notify_email")
            batch_op.drop_column("email")
