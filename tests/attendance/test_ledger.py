"""The ledger: one way in, idempotent, append-only, quarantine, unmatched PINs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from attendance.ledger import PunchIn, ingest_punches
from attendance.models import Punch, PunchSource
from attendance.staff import assign_pin
from tests.factories import make_staff, punch_at


def test_same_punch_twice_is_stored_once(session) -> None:
    staff = make_staff(session)
    first = punch_at(session, staff, datetime(2026, 11, 23, 7, 25), datetime(2026, 11, 23, 11, 31))
    again = punch_at(session, staff, datetime(2026, 11, 23, 7, 25), datetime(2026, 11, 23, 11, 31))
    session.commit()
    assert (first.stored, first.duplicates) == (2, 0)
    assert (again.stored, again.duplicates) == (0, 2)
    assert len(session.exec(select(Punch)).all()) == 2


def test_duplicates_inside_one_batch_are_stored_once(session) -> None:
    staff = make_staff(session)
    moment = datetime(2026, 11, 23, 7, 25, 10)
    result = punch_at(session, staff, moment, moment, moment)
    assert (result.stored, result.duplicates) == (1, 2)


def test_device_local_time_is_converted_with_the_device_zone(session) -> None:
    staff = make_staff(session)
    ingest_punches(session=session, punches=[
        PunchIn(PunchSource.TERMINAL_PULL, "HCM1", staff.pin, datetime(2026, 11, 23, 7, 30)),
        PunchIn(PunchSource.TERMINAL_PULL, "TOKYO", staff.pin, datetime(2026, 11, 23, 9, 30), timezone="Asia/Tokyo"),
    ])
    rows = {p.device_serial: p for p in session.exec(select(Punch))}
    assert rows["HCM1"].punched_at == datetime(2026, 11, 23, 0, 30, tzinfo=UTC)
    assert rows["TOKYO"].punched_at == datetime(2026, 11, 23, 0, 30, tzinfo=UTC)
    assert rows["TOKYO"].device_time == datetime(2026, 11, 23, 9, 30)


def test_impossible_dates_are_stored_quarantined(session) -> None:
    staff = make_staff(session)
    future = datetime.now() + timedelta(days=30)
    result = punch_at(session, staff, datetime(2000, 1, 1, 0, 0), future, datetime(2026, 11, 23, 7, 30))
    assert (result.stored, result.quarantined) == (3, 2)
    reasons = sorted(p.quarantine_reason or "" for p in session.exec(select(Punch)))
    assert reasons == ["", "before 2010", "in the future"]


def test_bad_rows_are_reported_and_good_rows_kept(session) -> None:
    staff = make_staff(session)
    good = PunchIn(PunchSource.TERMINAL_PUSH, "PUSH1", staff.pin, datetime(2026, 11, 23, 7, 30))
    result = ingest_punches(session=session, punches=[
        PunchIn(PunchSource.TERMINAL_PUSH, "PUSH1", "", datetime(2026, 11, 23, 7, 30)),
        good,
        PunchIn(PunchSource.TERMINAL_PUSH, "PUSH1", staff.pin, "2026-11-23 07:31"),  # type: ignore[arg-type]
        PunchIn(PunchSource.TERMINAL_PUSH, "PUSH1", staff.pin, datetime(2026, 11, 23, 7, 32), timezone="Mars/Base"),
    ])
    assert result.stored == 1
    assert [(r.index, r.reason) for r in result.rejected] == [
        (0, "missing user PIN"),
        (2, "not a date and time: '2026-11-23 07:31'"),
        (3, "unknown time zone 'Mars/Base'"),
    ]


def test_unmatched_pin_counts_once_assigned(session) -> None:
    staff = make_staff(session, pin="")
    result = ingest_punches(session=session, punches=[
        PunchIn(PunchSource.TERMINAL_PULL, "SIM1", "777", datetime(2026, 11, 23, 7, 30))])
    assert result.unmatched == 1
    assign_pin(session=session, staff=staff, pin="777", actor="hr")
    from datetime import date

    from attendance.queries import month_punches
    punches = month_punches(session=session, staff=staff, start=date(2026, 11, 1), end=date(2026, 11, 30))
    assert [p["at"] for p in punches] == ["2026-11-23T07:30:00"]


def test_aware_instants_from_cameras(session) -> None:
    staff = make_staff(session)
    instant = datetime(2026, 11, 23, 0, 31, 5, 123456, tzinfo=UTC)
    ingest_punches(session=session, punches=[
        PunchIn(PunchSource.CAMERA, "CAM1", staff.pin, instant, staff_id=staff.id)])
    again = ingest_punches(session=session, punches=[
        PunchIn(PunchSource.CAMERA, "CAM1", staff.pin, instant, staff_id=staff.id)])
    row = session.exec(select(Punch)).one()
    assert row.device_time == datetime(2026, 11, 23, 0, 31, 5)  # instants are keyed in UTC
    assert row.staff_id == staff.id and again.duplicates == 1


def test_unknown_staff_id_rejects_that_row_only(session) -> None:
    staff = make_staff(session)
    instant = datetime(2026, 11, 23, 0, 31, tzinfo=UTC)
    result = ingest_punches(session=session, punches=[
        PunchIn(PunchSource.CAMERA, "CAM1", "x", instant, staff_id=999_999),
        PunchIn(PunchSource.CAMERA, "CAM1", staff.pin, instant, staff_id=staff.id)])
    assert result.stored == 1
    assert [(r.index, r.reason) for r in result.rejected] == [(0, "unknown staff id 999999")]
