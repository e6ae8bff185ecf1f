"""The requests' workflow: two-step approval per unit, revocation, punch requests, attachments.

- units: `two_step_approval` (None = as the parent unit);
- requests: the first approval of two-step units, the revocation, the punch a `punch` request asks
  for and the manual punch its approval added;
- request_attachments: documents filed with a request, sealed at rest;
- an index on requests (status, staff_id) for the pending badge and the open list.

Revision ID: 0019_request_workflow
Revises: 0017_notifications
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import attendance.timeutil

revision: str = "0019_request_workflow"
down_revision: str | Sequence[str] | None = "0017_notifications"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.add_column(sa.Column("two_step_approval", sa.Boolean(), nullable=True))
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("first_decided_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True))
        batch_op.add_column(sa.Column("first_decided_at", attendance.timeutil.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column("first_comment", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True))
        batch_op.add_column(sa.Column("revoked_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True))
        batch_op.add_column(sa.Column("revoked_at", attendance.timeutil.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("revoke_reason", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True))
        batch_op.add_column(sa.Column("punch_at", attendance.timeutil.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("punch_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_requests_punch_id", "punches", ["punch_id"], ["id"])
    op.create_index("ix_requests_status_staff", "requests", ["status", "staff_id"])
    op.create_table(
        "request_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("filename", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("content_type", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("uploaded_at", attendance.timeutil.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["request_id"], ["requests.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_request_attachments_request_id", "request_attachments", ["request_id"])


def downgrade() -> None:
    op.drop_index("ix_request_attachments_request_id", table_name="request_attachments")
    op.drop_table("request_attachments")
    op.drop_index("ix_requests_status_staff", table_name="requests")
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.drop_constraint("fk_requests_punch_id", type_="foreignkey")
        for name in ("punch_id", "punch_at", "revoke_reason", "revoked_at", "revoked_by", "first_comment",
                     "first_decided_at", "first_decided_by"):
            batch_op.drop_column(name)
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.drop_column("two_step_approval")
