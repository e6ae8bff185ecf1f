"""`attendance units merge|split`: the commands move people and terminals from the date, and say what they did."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select
from typer.testing import CliRunner

from api.cli.main import app as cli
from attendance.models import AuditEntry, Device, Staff, StaffAssignment
from attendance.org import get_unit_by_path
from devices.service import add_device
from tests.factories import make_staff, make_unit

runner = CliRunner()


def test_merge_command_moves_staff_and_terminals_from_the_date(session: Session) -> None:
    office = make_unit(session, "UBND xã Tân Phú / Văn phòng")
    make_unit(session, "UBND xã Tân Hòa")
    person = make_staff(session, office, start_date=date(2020, 1, 1))
    add_device(session=session, serial="TP01", actor="test", unit_id=office.id, host="10.0.0.5")
    session.commit()
    result = runner.invoke(cli, ["units", "merge", "UBND xã Tân Phú", "UBND xã Tân Hòa", "--from", "01/07/2025"])
    assert result.exit_code == 0, result.output
    assert "chuyển 1 cán bộ, 1 máy chấm công" in " ".join(result.output.split())
    session.expire_all()
    moved = get_unit_by_path(session=session, path="UBND xã Tân Hòa / Văn phòng")
    spans = session.exec(select(StaffAssignment.unit_id, StaffAssignment.valid_to)
                         .where(StaffAssignment.staff_id == person.id).order_by(col(StaffAssignment.valid_from))).all()
    assert list(spans) == [(office.id, date(2025, 6, 30)), (moved.id, None)]
    assert session.exec(select(Device.unit_id).where(Device.serial == "TP01")).one() == moved.id
    assert session.exec(select(AuditEntry).where(AuditEntry.action == "unit.merge")).first() is not None


def test_merge_command_refuses_in_vietnamese_and_changes_nothing(session: Session) -> None:
    office = make_unit(session, "UBND xã Tân Phú / Văn phòng")
    make_staff(session, office, start_date=date(2020, 1, 1))
    session.commit()
    result = runner.invoke(cli, ["units", "merge", "UBND xã Tân Phú", "UBND xã Tân Phú / Văn phòng",
                                 "--from", "01/07/2025"])
    assert result.exit_code == 2 and "Không thể sáp nhập" in result.output
    session.expire_all()
    assert session.exec(select(StaffAssignment)).one().valid_to is None


def test_split_command_moves_only_the_chosen(session: Session) -> None:
    office = make_unit(session, "UBND xã Tân Phú / Văn phòng")
    stays, goes = (make_staff(session, office, start_date=date(2020, 1, 1)) for _ in range(2))
    session.commit()
    result = runner.invoke(cli, ["units", "split", "UBND xã Tân Phú / Văn phòng", "UBND xã Tân Phú / Một cửa",
                                 "--from", "2025-07-01", "--staff", goes.code])
    assert result.exit_code == 0, result.output
    session.expire_all()
    new = get_unit_by_path(session=session, path="UBND xã Tân Phú / Một cửa")
    assert session.get(Staff, goes.id).unit_id == new.id and session.get(Staff, stays.id).unit_id == office.id
