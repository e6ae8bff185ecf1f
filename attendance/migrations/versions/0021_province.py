"""Province scale: units keep their history through mergers (dissolved_on, successor_id).

Revision ID: 0021_province
Revises: 0020_fingerprint_templates
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021_province"
down_revision: str | Sequence[str] | None = "0020_fingerprint_templates"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.add_column(sa.Column("dissolved_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("successor_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_units_successor_id_units", "units", ["successor_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.drop_constraint("fk_units_successor_id_units", type_="foreignkey")
        batch_op.drop_column("successor_id")
        batch_op.drop_column("dissolved_on")
