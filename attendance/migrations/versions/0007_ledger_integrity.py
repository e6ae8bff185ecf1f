"""Ledger integrity: PIN namespaces per organisation, push address binding, command redelivery.

- staff, devices and punches carry the organisation whose PIN namespace they belong to (R14);
  a PIN is unique per organisation, no longer per service. Existing rows get the organisation of
  their unit (a device without a unit: the only organisation, if the service has one).
- device serials are stored upper-case without blanks, as every path now compares them; punches
  stored under another spelling of a serial move to it, unless that would store a punch twice, in
  which case the copy stays, quarantined as a duplicate.
- push terminals: allowed networks, the address pinned at the first handshake, uploads held after a
  change of address; commands count their deliveries; pulls keep a fingerprint of the newest records.
- terminal health alerts with their start and end (`device_alerts`).

Revision ID: 0007_ledger_integrity
Revises: 0006_punch_period_index
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import attendance.timeutil

revision: str = "0007_ledger_integrity"
down_revision: str | Sequence[str] | None = "0006_punch_period_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CONVENTION = {"uq": "uq_%(table_name)s_%(column_0_name)s", "fk": "fk_%(table_name)s_%(column_0_name)s"}


def upgrade() -> None:
    bind = op.get_bind()
    with op.batch_alter_table("units") as batch:
        batch.add_column(sa.Column("pin_namespace", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("push_allowed_from", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True))
    with op.batch_alter_table("devices") as batch:
        batch.add_column(sa.Column("pin_scope_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("push_allowed_from", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True))
        batch.add_column(sa.Column("push_pinned_address", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch.add_column(sa.Column("push_pending_address", sqlmodel.sql.sqltypes.AutoString(length=64),
                                   nullable=True))
        batch.create_foreign_key("fk_devices_pin_scope_id", "units", ["pin_scope_id"], ["id"])
    with op.batch_alter_table("punches") as batch:
        batch.add_column(sa.Column("pin_scope_id", sa.Integer(), nullable=True))
    if bind.dialect.name == "postgresql":
        op.drop_constraint("staff_pin_key", "staff", type_="unique")
        op.add_column("staff", sa.Column("pin_scope_id", sa.Integer(), nullable=True))
        op.create_foreign_key("fk_staff_pin_scope_id", "staff", "units", ["pin_scope_id"], ["id"])
        op.create_unique_constraint("uq_staff_scope_pin", "staff", ["pin_scope_id", "pin"])
    else:
        with op.batch_alter_table("staff", naming_convention=_CONVENTION) as batch:
            batch.drop_constraint("uq_staff_pin", type_="unique")
            batch.add_column(sa.Column("pin_scope_id", sa.Integer(), nullable=True))
            batch.create_foreign_key("fk_staff_pin_scope_id", "units", ["pin_scope_id"], ["id"])
            batch.create_unique_constraint("uq_staff_scope_pin", ["pin_scope_id", "pin"])
    op.create_index("ix_staff_pin_scope_id", "staff", ["pin_scope_id"])

    with op.batch_alter_table("device_commands") as batch:
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("device_sync_state") as batch:
        batch.add_column(sa.Column("newest_fingerprint", sqlmodel.sql.sqltypes.AutoString(length=64),
                                   nullable=True))
    op.create_table(
        "push_holds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("address", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("table_name", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("stamp", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("received_at", attendance.timeutil.UTCDateTime(timezone=True), nullable=False),
        sa.Column("released_at", attendance.timeutil.UTCDateTime(timezone=True), nullable=True),
        sa.Column("released_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_push_holds_device_id", "push_holds", ["device_id"])
    op.create_table(
        "device_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("open", sa.Boolean(), nullable=True),
        sa.Column("started_at", attendance.timeutil.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", attendance.timeutil.UTCDateTime(timezone=True), nullable=True),
        sa.Column("detail", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("device_id", "kind", "open", name="uq_device_alert_open"),
    )
    op.create_index("ix_device_alerts_device_id", "device_alerts", ["device_id"])
    _carry_over(bind)


def _carry_over(bind: sa.engine.Connection) -> None:
    units = {row.id: (row.parent_id, row.pin_namespace)
             for row in bind.execute(sa.text("SELECT id, parent_id, pin_namespace FROM units"))}

    def organisation(unit_id: int | None) -> int | None:
        seen: set[int] = set()
        while unit_id is not None and unit_id in units and unit_id not in seen:
            seen.add(unit_id)
            parent, marked = units[unit_id]
            if marked or parent is None:
                return unit_id
            unit_id = parent
        return None

    roots = [uid for uid, (parent, _) in units.items() if parent is None]
    sole = roots[0] if len(roots) == 1 else None
    for table in ("staff", "devices"):
        for row in bind.execute(sa.text(f"SELECT DISTINCT unit_id FROM {table}")).all():
            scope = organisation(row.unit_id) if row.unit_id is not None else (sole if table == "devices" else None)
            condition = "unit_id IS NULL" if row.unit_id is None else "unit_id = :unit"
            bind.execute(sa.text(f"UPDATE {table} SET pin_scope_id = :scope WHERE {condition}"),
                         {"scope": scope, "unit": row.unit_id})
    for row in bind.execute(sa.text("SELECT id, serial FROM devices")).all():
        canonical = row.serial.strip().upper()
        if canonical != row.serial:
            bind.execute(sa.text("UPDATE devices SET serial = :s WHERE id = :id"), {"s": canonical, "id": row.id})
    bind.execute(sa.text(
        "UPDATE punches SET device_serial = UPPER(TRIM(device_serial)) "
        "WHERE device_serial <> UPPER(TRIM(device_serial)) AND NOT EXISTS ("
        " SELECT 1 FROM punches AS other WHERE other.device_serial = UPPER(TRIM(punches.device_serial))"
        " AND other.pin = punches.pin AND other.device_time = punches.device_time)"))
    bind.execute(sa.text(
        "UPDATE punches SET quarantined = :yes, quarantine_reason = 'duplicate under another spelling of the serial' "
        "WHERE device_serial <> UPPER(TRIM(device_serial))"), {"yes": True})
    bind.execute(sa.text(
        "UPDATE punches SET pin_scope_id = (SELECT devices.pin_scope_id FROM devices "
        "WHERE devices.serial = punches.device_serial)"))


def downgrade() -> None:
    op.drop_index("ix_device_alerts_device_id", table_name="device_alerts")
    op.drop_table("device_alerts")
    op.drop_index("ix_push_holds_device_id", table_name="push_holds")
    op.drop_table("push_holds")
    with op.batch_alter_table("device_sync_state") as batch:
        batch.drop_column("newest_fingerprint")
    with op.batch_alter_table("device_commands") as batch:
        batch.drop_column("attempts")
    op.drop_index("ix_staff_pin_scope_id", table_name="staff")
    with op.batch_alter_table("staff") as batch:
        batch.drop_constraint("uq_staff_scope_pin", type_="unique")
        batch.drop_constraint("fk_staff_pin_scope_id", type_="foreignkey")
        batch.drop_column("pin_scope_id")
        batch.create_unique_constraint("staff_pin_key", ["pin"])
    with op.batch_alter_table("punches") as batch:
        batch.drop_column("pin_scope_id")
    with op.batch_alter_table("devices") as batch:
        batch.drop_constraint("fk_devices_pin_scope_id", type_="foreignkey")
        for column in ("push_pending_address", "push_pinned_address", "push_allowed_from", "pin_scope_id"):
            batch.drop_column(column)
    with op.batch_alter_table("units") as batch:
        batch.drop_column("push_allowed_from")
        batch.drop_column("pin_namespace")
