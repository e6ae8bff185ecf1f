"""ATTPHOTO uploads of push terminals: the photo a terminal takes at a punch, kept as face evidence.

Body: text header lines then the JPEG, e.g. `PIN=20261124072813-1001.jpg\\nSN=..\\nsize=N\\nCMD=uploadphoto\\0`
followed by N bytes. The file name carries the device-local time and the PIN. Sealed with the face
cipher, kept `faces.evidence_retention_days`, shown only with the biometric grant, erased with the
person's face data (recognition.attempts).
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from attendance.errors import InvalidInput
from attendance.models import Device
from attendance.timeutil import to_local, utcnow
from config import get_settings
from devices import health
from devices.sync import staff_for_device
from recognition.attempts import record_terminal_photo
from recognition.crypto import cipher_from_settings

_NAME = re.compile(r"^(\d{14})-([A-Za-z0-9]{1,24})(?:\.jpg)?$", re.IGNORECASE)
MAX_PHOTO_BYTES = 2 * 1024 * 1024


def receive_photo(*, session: Session, device: Device, body: bytes) -> str:
    """Store one ATTPHOTO upload; the reply the terminal expects (`OK`)."""
    head, sep, photo = body.partition(b"\x00")
    if not sep:
        head, sep, photo = body.partition(b"\r\n\r\n")
    fields = dict(line.split("=", 1) for line in head.decode("ascii", "replace").splitlines() if "=" in line)
    match = _NAME.match(fields.get("PIN", "").strip())
    size = fields.get("size", "").strip()
    if match is None or not photo or len(photo) > MAX_PHOTO_BYTES or (size.isdigit() and int(size) != len(photo)):
        raise InvalidInput("ảnh chấm công (ATTPHOTO) không đúng định dạng: cần tên YYYYMMDDhhmmss-PIN.jpg và ảnh")
    try:
        local = datetime.strptime(match.group(1), "%Y%m%d%H%M%S")
    except ValueError as err:
        raise InvalidInput("ảnh chấm công có thời điểm không hợp lệ") from err
    zone = health.device_zone(device, session)
    at = local.replace(tzinfo=ZoneInfo(zone))
    pin = match.group(2)
    today = to_local(utcnow(), zone).date()
    wanted, left = staff_for_device(session=session, device=device, today=today)
    person = next((s for s in wanted + left if s.pin == pin), None)
    settings = get_settings()
    record_terminal_photo(session=session, serial=device.serial, pin=pin, at=at,
                          staff_id=person.id if person else None, photo=photo,
                          cipher=cipher_from_settings(settings), policy=settings.faces)
    return "OK\n"
