"""The one way in for punches: batch ingest, idempotent, append-only, with quarantine."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlmodel import Session, col

from attendance import punch_store
from attendance.models import PunchSource, Staff
from attendance.timeutil import utcnow
from config import AttendancePolicy, get_settings


@dataclass(frozen=True, slots=True)
class PunchIn:
    """One punch as a source delivers it.

    `device_time` is what the device reported: naive device-local time in `timezone` (None = the
    service's zone), or an aware instant (cameras, manual entries), which is converted to that zone.
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
    for index, punch in enumerate(punches):
        try:
            row = _to_row(punch, zones, default_zone, policy, now)
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
    _attach_staff(session, rows)
    stored_rows = _insert_new(session, rows)
    result.stored = len(stored_rows)
    result.duplicates += len(rows) - len(stored_rows)
    result.quarantined = sum(1 for row in stored_rows if row["quarantined"])
    result.unmatched = sum(1 for row in stored_rows if row["staff_id"] is None)
    return result


def _to_row(
    punch: PunchIn,
    zones: dict[str, ZoneInfo],
    default_zone: str,
    policy: AttendancePolicy,
    now: datetime,
) -> dict[str, object]:
    serial = (punch.device_serial or "").strip()
    pin = (punch.pin or "").strip()
    if not serial:
        raise ValueError("missing device serial")
    if not pin:
        raise ValueError("missing user PIN")
    if len(serial) > 64 or len(pin) > 24:
        raise ValueError("device serial or PIN too long")
    if not isinstance(punch.device_time, datetime):
        raise ValueError(f"not a date and time: {punch.device_time!r}")
    zone_name = punch.timezone or default_zone
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
        punched_at = punch.device_time.astimezone(UTC).replace(microsecond=0)
        device_time = punched_at.astimezone(zone).replace(tzinfo=None)
    reason = _quarantine_reason(punched_at, policy, now)
    return {
        "source": PunchSource(punch.source).value,
        "device_serial": serial,
        "pin": pin,
        "device_time": device_time,
        "punched_at": punched_at,
        "staff_id": punch.staff_id,
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


def _attach_staff(session: Session, rows: list[dict[str, object]]) -> None:
    """Fill staff_id from the PIN where known; unknown PINs stay unmatched until assigned."""
    pins = {row["pin"] for row in rows if row["staff_id"] is None}
    if not pins:
        return
    known: dict[str, int] = {}
    pin_list = list(pins)
    for start in range(0, len(pin_list), 900):
        chunk = pin_list[start : start + 900]
        for pin, staff_id in session.execute(select(col(Staff.pin), col(Staff.id)).where(col(Staff.pin).in_(chunk))):
            known[pin] = staff_id
    for row in rows:
        if row["staff_id"] is None:
            row["staff_id"] = known.get(str(row["pin"]))


def _insert_new(session: Session, rows: list[dict[str, object]]) -> list[dict[str, object]]:
    """INSERT ... ON CONFLICT DO NOTHING; returns the rows that were new."""
    new_keys = punch_store.insert_new(session, rows)
    return [row for row in rows if (row["device_serial"], row["pin"], row["device_time"]) in new_keys]
