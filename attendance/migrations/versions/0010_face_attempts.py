"""Face attempts a camera refused or flagged (liveness), the encrypted evidence of face decisions, and
what each camera asks of the face in front of it (for its kiosk).

Revision ID: 0010_face_attempts
Revises: 0006_punch_period_index
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import attendance.timeutil

revision: str = "0010_face_attempts"
down_revision: str | Sequence[str] | None = "0006_punch_period_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "face_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", attendance.timeutil.UTCDateTime(timezone=True), nullable=False),
        sa.Column("device_serial", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("distance", sa.Float(), nullable=True),
        sa.Column("runner_up", sa.Float(), nullable=True),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("received_at", attendance.timeutil.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("face_attempts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_face_attempts_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_face_attempts_device_serial"), ["device_serial"], unique=False)
        batch_op.create_index(batch_op.f("ix_face_attempts_staff_id"), ["staff_id"], unique=False)
    op.create_table(
        "face_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("device_serial", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
        sa.Column("pin", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=True),
        sa.Column("device_time", attendance.timeutil.UTCDateTime(timezone=True), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("distance", sa.Float(), nullable=True),
        sa.Column("runner_up", sa.Float(), nullable=True),
        sa.Column("face", sa.LargeBinary(), nullable=False),
        sa.Column("context", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", attendance.timeutil.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", attendance.timeutil.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("face_evidence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_face_evidence_device_time"), ["device_time"], unique=False)
        batch_op.create_index(batch_op.f("ix_face_evidence_staff_id"), ["staff_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_face_evidence_expires_at"), ["expires_at"], unique=False)
    op.create_table(
        "camera_prompts",
        sa.Column("device_serial", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("challenge", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("at", attendance.timeutil.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("device_serial"),
    )


def downgrade() -> None:
    op.drop_table("camera_prompts")
    op.drop_table("face_evidence")
    op.drop_table("face_attempts")
