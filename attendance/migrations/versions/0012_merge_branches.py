"""Joins the branches of parallel work into one head again.

Revision ID: 0012_merge_branches
Revises: 0007_ledger_integrity, 0008_deduction_table, 0009_sessions_throttle, 0010_face_attempts
"""
from collections.abc import Sequence

revision: str = "0012_merge_branches"
down_revision: str | Sequence[str] | None = (
    "0007_ledger_integrity", "0008_deduction_table", "0009_sessions_throttle", "0010_face_attempts")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
