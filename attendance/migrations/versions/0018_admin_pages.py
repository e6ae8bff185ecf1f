"""The staff directory's search: staff.search_text (folded name, code, PIN) and staff.name_order.

Revision ID: 0018_admin_pages
Revises: 0021_province
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from attendance.search_text import name_order_of, search_text_of

revision: str = "0018_admin_pages"
down_revision: str | Sequence[str] | None = "0021_province"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.add_column(sa.Column("search_text", sqlmodel.sql.sqltypes.AutoString(length=400), nullable=True))
        batch_op.add_column(sa.Column("name_order", sa.LargeBinary(), nullable=True))
        batch_op.create_index(batch_op.f("ix_staff_search_text"), ["search_text"], unique=False)
        batch_op.create_index(batch_op.f("ix_staff_name_order"), ["name_order"], unique=False)
    # Existing people get their derived columns now; from here on every write keeps them.
    bind = op.get_bind()
    staff = sa.table("staff", sa.column("id", sa.Integer), sa.column("full_name", sa.String),
                     sa.column("code", sa.String), sa.column("pin", sa.String),
                     sa.column("search_text", sa.String), sa.column("name_order", sa.LargeBinary))
    rows = bind.execute(sa.select(staff.c.id, staff.c.full_name, staff.c.code, staff.c.pin)).all()
    for row in rows:
        bind.execute(staff.update().where(staff.c.id == row.id).values(
            search_text=search_text_of(row.full_name, row.code, row.pin),
            name_order=name_order_of(row.full_name, row.code)))


def downgrade() -> None:
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_name_order"))
        batch_op.drop_index(batch_op.f("ix_staff_search_text"))
        batch_op.drop_column("name_order")
        batch_op.drop_column("search_text")
