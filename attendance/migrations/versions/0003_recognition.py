"""recognition: face consents, encrypted face templates, kept photos

Revision ID: 0003_recognition
Revises: 0001
Create Date: 2026-11-25 18:55:39.690661
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


import attendance.timeutil

revision: str = '0003_recognition'
down_revision: str | Sequence[str] | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('face_consents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('given_at', attendance.timeutil.UTCDateTime(timezone=True), nullable=False),
    sa.Column('recorded_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('method', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('document_ref', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('withdrawn_at', attendance.timeutil.UTCDateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('withdrawal_reason', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('face_consents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_face_consents_staff_id'), ['staff_id'], unique=False)

    op.create_table('face_templates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('consent_id', sa.Integer(), nullable=False),
    sa.Column('model', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('encoding', sa.LargeBinary(), nullable=False),
    sa.Column('quality', sa.JSON(), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('created_at', attendance.timeutil.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.ForeignKeyConstraint(['consent_id'], ['face_consents.id'], ),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('face_templates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_face_templates_staff_id'), ['staff_id'], unique=False)

    op.create_table('face_photos',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('template_id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', attendance.timeutil.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], ),
    sa.ForeignKeyConstraint(['template_id'], ['face_templates.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('face_photos', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_face_photos_staff_id'), ['staff_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_face_photos_template_id'), ['template_id'], unique=False)

    # ### end Alembic commands ###



def downgrade() -> None:
    with op.batch_alter_table('face_photos', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_face_photos_template_id'))
        batch_op.drop_index(batch_op.f('ix_face_photos_staff_id'))

    op.drop_table('face_photos')
    with op.batch_alter_table('face_templates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_face_templates_staff_id'))

    op.drop_table('face_templates')
    with op.batch_alter_table('face_consents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_face_consents_staff_id'))

    op.drop_table('face_consents')
