"""Server side of the cameras: punch ingest with a stale gallery, device rows."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import Session, select

from attendance.errors import Conflict
from attendance.models import Device, Punch
from recognition.cameras import CameraPunch, ensure_camera, ingest_camera_punches
from tests.factories import make_staff


def test_unknown_staff_id_falls_back_to_the_pin(session: Session) -> None:
    staff = make_staff(session, pin="5501")
    moment = datetime(2026, 11, 25, 0, 45, tzinfo=UTC)
    result = ingest_camera_punches(
        session=session,
        serial="CAM-02",
        punches=[
            CameraPunch("5501", moment, staff_id=987654),  # a person the camera's stale gallery still had
            CameraPunch("9999", moment, staff_id=987655),
        ],
    )
    session.commit()
    assert (result.stored, result.unmatched) == (2, 1)
    rows = {p.pin: p.staff_id for p in session.exec(select(Punch))}
    assert rows == {"5501": staff.id, "9999": None}


def test_a_terminal_serial_is_not_a_camera(session: Session) -> None:
    session.add(Device(serial="ZK-01", kind="zk_pull"))
    session.flush()
    with pytest.raises(Conflict):
        ensure_camera(session=session, serial="ZK-01")
    assert ensure_camera(session=session, serial="CAM-03").kind == "camera"
