"""Terminal outages as read models: when a terminal was silent, so its people's missing data is not taken for absence.

An outage is a silence alert (devices.alerts): it began at the terminal's last contact, i.e. its
threshold before the alert opened, and lasts until the alert ended (or now). One query reads the
outages overlapping a period; which people a terminal serves is decided from unit paths the page
already holds (a terminal serves its unit's subtree; one without a unit, its whole organisation).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from attendance.models import Device, Unit
from attendance.timeutil import to_local, utcnow
from devices.alerts import silent_after
from devices.models import AlertKind, DeviceAlert

SEPARATOR = " / "


@dataclass(frozen=True, slots=True)
class Outage:
    device_id: int
    name: str  # the terminal's name, or its serial
    unit_path: str | None  # None: serves its whole organisation
    began_at: datetime
    ended_at: datetime | None  # None: still silent

    def serves(self, unit_path: str) -> bool:
        """Whether people of `unit_path` punch at this terminal."""
        return self.unit_path is None or unit_path == self.unit_path or unit_path.startswith(self.unit_path + SEPARATOR)

    def concerns(self, unit_path: str) -> bool:
        """Whether the terminal serves anyone of `unit_path`'s subtree (it may serve a department of it)."""
        return self.serves(unit_path) or (self.unit_path or "").startswith(unit_path + SEPARATOR)

    def local_days(self, zone: ZoneInfo | str, now: datetime | None = None) -> list[date]:
        """The local dates the outage touched."""
        first = to_local(self.began_at, zone).date()
        last = to_local(self.ended_at or now or utcnow(), zone).date()
        return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def silences(*, session: Session, start: datetime, end: datetime) -> list[Outage]:
    """Outages overlapping [start, end), oldest first (one query)."""
    rows = session.exec(
        select(DeviceAlert, Device, Unit.path)
        .join(Device, col(Device.id) == DeviceAlert.device_id)
        .join(Unit, col(Unit.id) == Device.unit_id, isouter=True)
        .where(DeviceAlert.kind == AlertKind.SILENT.value, col(DeviceAlert.started_at) < end,
               col(DeviceAlert.ended_at).is_(None) | (col(DeviceAlert.ended_at) >= start))
        .order_by(col(DeviceAlert.started_at)))
    return [Outage(alert.device_id, device.name or device.serial, path, alert.started_at - silent_after(device),
                   alert.ended_at) for alert, device, path in rows]
