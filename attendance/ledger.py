"""The one way in for punches: batch ingest, idempotent, append-only, with quarantine."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import ARRAY, String, any_, bindparam, func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from attendance import pin_scope, punch_store
from attendance.models import Device, PunchSource, Staff, Unit
from attendance.models.org import PATH_SEPARATOR
from attendance.org import subtree_ids
from attendance.terminal_values import EARLIEST_YEAR, LATEST_YEAR, PIN_MAX, in_int32, serial_key
from attendance.timeutil import utcnow
from config import AttendancePolicy, get_settings


@dataclass(frozen=True, slots=True)
class PunchIn:
    """One punch as a source delivers it.

    `device_time` is what the device reported: naive device-local time in `timezone` (None = the
    service's zone), or an aware instant (cameras, manual entries), which is keyed as naive UTC.
    The triple (device_serial, pin, device_time) identifies the source punch.
    """

    source: PunchSource
    device_serial: str
    pin: str
    device_time: datetime
    timezone: str | None = None
    state: int | None = None
    verify: int | None = None
    staff_id: int | None = None
    note: str | None = None
    created_by: str | None = None


@dataclass(frozen=True, slots=True)
class RejectedPunch:
    index: int
    reason: str


@dataclass(slots=True)
class IngestResult:
    received: int = 0
    stored: int = 0
    duplicates: int = 0
    quarantined: int = 0
    unmatched: int = 0
    rejected: list[RejectedPunch] = field(default_factory=list)

    def merge(self, other: IngestResult) -> None:
        """Add another batch's counts to this one (rejected indexes stay as the batches gave them)."""
        self.received += other.received
        self.stored += other.stored
        self.duplicates += other.duplicates
        self.quarantined += other.quarantined
        self.unmatched += other.unmatched
        self.rejected.extend(other.rejected)


def ingest_punches(
    *,
    session: Session,
    punches: Sequence[PunchIn],
    policy: AttendancePolicy | None = None,
    default_timezone: str | None = None,
    now: datetime | None = None,
) -> IngestResult:
    """Store every new punch of the batch once; report duplicates, quarantine and rejects.

    Flushes but does not commit: the caller's unit of work decides. Bad rows are reported by
    index and never stop the good ones.
    """
    settings = get_settings()
    policy = policy or settings.policy
    default_zone = default_timezone or settings.timezone
    now = now or utcnow()
    result = IngestResult(received=len(punches))
    rows: list[dict[str, object]] = []
    indexes: list[int] = []
    seen: set[tuple[object, object, object]] = set()
    zones: dict[str, ZoneInfo] = {}
    serials = [serial_key(p.device_serial) for p in punches]
    devices, device_zones = _devices(session, set(serials))
    for index, punch in enumerate(punches):
        serial = serials[index]
        # A device that declares no zone keeps its unit's time (DOMAIN.md: the unit's zone).
        zone_name = punch.timezone or device_zones.get(serial)
        try:
            row = _to_row(punch, serial, zones, zone_name or default_zone, policy, now)
        except ValueError as err:
            result.rejected.append(RejectedPunch(index, str(err)))
            continue
        key = (row["device_serial"], row["pin"], row["device_time"])
        if key in seen:
            result.duplicates += 1
            continue
        seen.add(key)
        rows.append(row)
        indexes.append(index)
    unknown = _unknown_staff_ids(session, rows)
    if unknown:
        for index, row in zip(indexes, rows, strict=True):
            if row["staff_id"] in unknown:
                result.rejected.append(RejectedPunch(index, f"unknown staff id {row['staff_id']}"))
        rows = [row for row in rows if row["staff_id"] not in unknown]
        result.rejected.sort(key=lambda r: r.index)
    if not rows:
        return result
    _attach_staff(session, rows, devices)
    stored_rows = _insert_new(session, rows)
    result.stored = len(stored_rows)
    result.duplicates += len(rows) - len(stored_rows)
    result.quarantined = sum(1 for row in stored_rows if row["quarantined"])
    result.unmatched = sum(1 for row in stored_rows if row["staff_id"] is None)
    return result


def _to_row(
    punch: PunchIn,
    serial: str,
    zones: dict[str, ZoneInfo],
    zone_name: str,
    policy: AttendancePolicy,
    now: datetime,
) -> dict[str, object]:
    pin = (punch.pin or "").strip()
    if not serial:
        raise ValueError("missing device serial")
    if not pin:
        raise ValueError("missing user PIN")
    if len(serial) > 64 or len(pin) > PIN_MAX:
        raise ValueError("device serial or PIN too long")
    # isprintable() is False for tabs, newlines, NUL, other controls and blanks but the space (in C: hot path).
    if not (serial.isprintable() and pin.isprintable()) or " " in pin:
        raise ValueError("control characters or blanks in the device serial or PIN")
    if not isinstance(punch.device_time, datetime):
        raise ValueError(f"not a date and time: {punch.device_time!r}")
    if not EARLIEST_YEAR <= punch.device_time.year <= LATEST_YEAR:
        raise ValueError(f"not a real date (year {punch.device_time.year}, expected {EARLIEST_YEAR}-{LATEST_YEAR})")
    if (punch.state is not None and not in_int32(punch.state)) or (
            punch.verify is not None and not in_int32(punch.verify)):
        raise ValueError("status or verify mode out of range")
    zone = zones.get(zone_name)
    if zone is None:
        try:
            zone = zones[zone_name] = ZoneInfo(zone_name)
        except (ZoneInfoNotFoundError, ValueError) as err:
            raise ValueError(f"unknown time zone {zone_name!r}") from err
    if punch.device_time.tzinfo is None:
        device_time = punch.device_time
        if device_time.microsecond:
            device_time = device_time.replace(microsecond=0)
        punched_at = device_time.replace(tzinfo=zone).astimezone(UTC)
    else:
        # An instant (cameras, manual entries) is keyed in UTC: a clock change in its zone cannot
        # give two punches the same key.
        punched_at = punch.device_time.astimezone(UTC).replace(microsecond=0)
        device_time = punched_at.replace(tzinfo=None)
    reason = _quarantine_reason(punched_at, policy, now)
    return {
        "source": PunchSource(punch.source).value,
        "device_serial": serial,
        "pin": pin,
        "device_time": device_time,
        "punched_at": punched_at,
        "staff_id": punch.staff_id,
        "pin_scope_id": None,
        "state": punch.state,
        "verify": punch.verify,
        "quarantined": reason is not None,
        "quarantine_reason": reason,
        "note": punch.note,
        "created_by": punch.created_by,
        "ingested_at": now,
    }


def _quarantine_reason(punched_at: datetime, policy: AttendancePolicy, now: datetime) -> str | None:
    if punched_at.year < policy.earliest_valid_year:
        return f"before {policy.earliest_valid_year}"
    if punched_at > now + timedelta(hours=policy.future_tolerance_hours):
        return "in the future"
    return None


def _unknown_staff_ids(session: Session, rows: list[dict[str, object]]) -> set[object]:
    """Staff ids given by the source (cameras, manual entries) that no staff member has."""
    given = list({row["staff_id"] for row in rows if row["staff_id"] is not None})
    known: set[object] = set()
    for start in range(0, len(given), 900):
        known.update(session.execute(select(col(Staff.id)).where(col(Staff.id).in_(given[start:start + 900]))).scalars())
    return set(given) - known


def _devices(session: Session, serials: set[str]) -> tuple[dict[str, tuple[int | None, int | None]], dict[str, str]]:
    """Of the registered devices among `serials`: serial -> (organisation, unit), and serial -> the zone
    of its unit (its own, else its nearest ancestor's), where the unit tree declares one. One query."""
    listed = list(serials)
    devices: dict[str, tuple[int | None, int | None]] = {}
    zones: dict[str, str] = {}
    for start in range(0, len(listed), 900):
        for serial, scope, unit_id, zone in session.execute(_devices_statement(),
                                                            {"serials": listed[start:start + 900]}):
            devices[serial] = (scope, unit_id)
            if zone:
                zones[serial] = zone
    return devices, zones


@lru_cache(maxsize=1)
def _devices_statement() -> Any:
    # Built once: composing this statement costs more than running it, batch after batch.
    outer, inner = aliased(Unit), aliased(Unit)
    inner_path, outer_path = col(inner.path), col(outer.path)
    unit_zone = (select(col(inner.timezone))
                 .where(col(inner.timezone).is_not(None),
                        (inner_path == outer_path) | outer_path.startswith(inner_path + PATH_SEPARATOR))
                 .order_by(func.length(inner_path).desc()).limit(1).correlate(outer).scalar_subquery())
    return (select(col(Device.serial), col(Device.pin_scope_id), col(Device.unit_id), unit_zone)
            .join(outer, col(outer.id) == col(Device.unit_id), isouter=True)
            .where(col(Device.serial).in_(bindparam("serials", expanding=True))))


def _attach_staff(session: Session, rows: list[dict[str, object]],
                  devices: dict[str, tuple[int | None, int | None]]) -> None:
    """Fill staff_id from the PIN, within the organisation owning the terminal (R14).

    A registered device's PIN names only staff of its organisation; a person outside the device's
    own unit (a department's terminal naming another department's PIN) is stored quarantined, not
    credited. A serial that names no organisation (unregistered, or registered without a unit in a
    service of several) matches a PIN only where exactly one person in the service holds it.
    Unknown PINs stay unmatched until assigned.
    """
    sole: list[int | None] = []
    wanted: dict[int | None, set[str]] = {}
    for row in rows:
        serial = str(row["device_serial"])
        scope, _ = devices.get(serial, (None, None))
        if scope is None and serial in devices:
            if not sole:
                sole.append(pin_scope.sole_organisation_id(session))
            scope = sole[0]
        row["pin_scope_id"] = scope
        if row["staff_id"] is None:
            wanted.setdefault(scope, set()).add(str(row["pin"]))
    holders: dict[tuple[int | None, str], tuple[int, int]] = {}
    for scope, pins in wanted.items():
        holders.update(_holders(session, scope, list(pins)))
    # A terminal registered below its organisation (a department's) credits only that subtree.
    subtrees: dict[int, set[int]] = {}
    for row in rows:
        if row["staff_id"] is not None:
            continue
        holder = holders.get((row["pin_scope_id"], str(row["pin"])))  # type: ignore[arg-type]
        if holder is None:
            continue
        staff_id, staff_unit = holder
        _, device_unit = devices.get(str(row["device_serial"]), (None, None))
        if device_unit is not None and device_unit != row["pin_scope_id"]:
            if device_unit not in subtrees:
                unit = session.get(Unit, device_unit)
                subtrees[device_unit] = set(subtree_ids(session=session, unit=unit)) if unit else set()
            if staff_unit not in subtrees[device_unit]:
                row["quarantined"] = True
                row["quarantine_reason"] = "PIN of a person outside the terminal's unit"
        row["staff_id"] = staff_id


def _holders(session: Session, scope: int | None, pins: list[str]) -> dict[tuple[int | None, str], tuple[int, int]]:
    """(scope, pin) -> (staff id, unit id) of the people holding `pins` in `scope`."""
    found: dict[tuple[int | None, str], tuple[int, int]] = {}
    postgresql = session.get_bind().dialect.name == "postgresql"
    step = (len(pins) or 1) if postgresql else 900
    statement = _holders_statement(postgresql, scope is not None)
    for start in range(0, len(pins), step):
        params: dict[str, object] = {"pins": pins[start:start + step], "scope": scope}
        for pin, staff_id, unit_id in session.execute(statement, params):
            found[(scope, pin)] = (staff_id, unit_id)
    return found


@lru_cache(maxsize=4)
def _holders_statement(postgresql: bool, scoped: bool) -> Any:
    # One array parameter on PostgreSQL: an IN list of ~1,000 binds costs more to send than to run.
    member = (col(Staff.pin) == any_(bindparam("pins", type_=ARRAY(String))) if postgresql
              else col(Staff.pin).in_(bindparam("pins", expanding=True)))
    query = select(col(Staff.pin), col(Staff.id), col(Staff.unit_id)).where(member)
    if scoped:
        return query.where(col(Staff.pin_scope_id) == bindparam("scope"))
    # No organisation known: a PIN counts only where exactly one person in the service holds it.
    unique = select(col(Staff.pin)).where(member).group_by(col(Staff.pin)).having(func.count() == 1)
    return query.where(col(Staff.pin).in_(unique))


def _insert_new(session: Session, rows: list[dict[str, object]]) -> list[dict[str, object]]:
    """INSERT ... ON CONFLICT DO NOTHING; returns the rows that were new."""
    new_keys = punch_store.insert_new(session, rows)
    return [row for row in rows if (row["device_serial"], row["pin"], row["device_time"]) in new_keys]
