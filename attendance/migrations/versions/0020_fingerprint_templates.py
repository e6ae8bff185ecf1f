"""Fingerprint templates as the person's biometric data: consents, sealed templates, terminal holdings.

Revision ID: 0020_fingerprint_templates
Revises: 0019_request_workflow
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import attendance.timeutil

revision: str = "0020_fingerprint_templates"
down_revision: str | Sequence[str] | None = "0019_request_workflow"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "fingerprint_consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("given_at", attendance.timeutil.UTCDateTime(), nullable=False),
        sa.Column("recorded_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("method", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
        sa.Column("document_ref", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("withdrawn_at", attendance.timeutil.UTCDateTime(), nullable=True),
        sa.Column("withdrawn_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_fingerprint_consents_staff_id"), "fingerprint_consents", ["staff_id"], unique=False)
    op.create_table(
        "fingerprint_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("finger", sa.Integer(), nullable=False),
        sa.Column("valid", sa.Integer(), nullable=False),
        sa.Column("template", sa.LargeBinary(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("consent_id", sa.Integer(), nullable=False),
        sa.Column("source_device_id", sa.Integer(), nullable=True),
        sa.Column("enrolled_at", attendance.timeutil.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["consent_id"], ["fingerprint_consents.id"]),
        sa.ForeignKeyConstraint(["source_device_id"], ["devices.id"]),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("staff_id", "finger", name="uq_fingerprint_finger"),
    )
    op.create_index(op.f("ix_fingerprint_templates_staff_id"), "fingerprint_templates", ["staff_id"], unique=False)
    op.create_table(
        "terminal_fingerprints",
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("finger", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("command_id", sa.Integer(), nullable=True),
        sa.Column("confirmed", sa.Boolean(), nullable=False),
        sa.Column("updated_at", attendance.timeutil.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"]),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("device_id", "staff_id", "finger"),
    )
    op.create_index(op.f("ix_terminal_fingerprints_command_id"), "terminal_fingerprints", ["command_id"],
                    unique=False)
    with op.batch_alter_table("device_sync_state", schema=None) as batch_op:
        batch_op.add_column(sa.Column("biodata", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("device_commands", schema=None) as batch_op:
        batch_op.alter_column("command", existing_type=sqlmodel.sql.sqltypes.AutoString(length=2000),
                              type_=sqlmodel.sql.sqltypes.AutoString(length=8000), existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("device_commands", schema=None) as batch_op:
        batch_op.alter_column("command", existing_type=sqlmodel.sql.sqltypes.AutoString(length=8000),
                              type_=sqlmodel.sql.sqltypes.AutoString(length=2000), existing_nullable=False)
    with op.batch_alter_table("device_sync_state", schema=None) as batch_op:
        batch_op.drop_column("biodata")
    op.drop_index(op.f("ix_terminal_fingerprints_command_id"), table_name="terminal_fingerprints")
    op.drop_table("terminal_fingerprints")
    op.drop_index(op.f("ix_fingerprint_templates_staff_id"), table_name="fingerprint_templates")
    op.drop_table("fingerprint_templates")
    op.drop_index(op.f("ix_fingerprint_consents_staff_id"), table_name="fingerprint_consents")
    op.drop_table("fingerprint_consents")
