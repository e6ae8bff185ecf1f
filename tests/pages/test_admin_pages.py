"""The administration pages with the real app and database: the staff directory and the board's list."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from attendance.models import AuditEntry, Staff, StaffAssignment
from attendance.search_text import fold, search_text_of
from tests.factories import make_staff
from tests.pages.conftest import add_user, login, seed_office


def _names(html: str) -> list[str]:
    import re

    return re.findall(r'class="person-name" href="/staff/\d+">([^<]+)</a>', html)


@pytest.mark.db_independent
def test_folding_removes_tones_and_the_d_stroke() -> None:
    assert fold("Đặng  Thị ÁNH") == "dang thi anh"
    assert fold("Nguyễn Văn Ưng") == "nguyen van ung"
    assert search_text_of("Bùi Kim Cường", "CB-07", "1042") == "bui kim cuong cb-07 1042"


def test_search_text_follows_every_write_of_the_core(session: Session) -> None:
    office = seed_office(session)
    person = make_staff(session, office.office, full_name="Đỗ Thị Hằng")
    session.commit()
    assert session.get(Staff, person.id).search_text.startswith("do thi hang ")
    person.full_name, person.pin = "Đặng Thu Hà", "777"
    session.add(person)
    session.commit()
    session.refresh(person)
    assert person.search_text.startswith("dang thu ha ") and person.search_text.endswith(" 777")
    found = session.exec(select(Staff.id).where(col(Staff.search_text).contains("thu ha"))).all()
    assert found == [person.id]


def test_directory_searches_without_accents_filters_sorts_and_pages(client: TestClient, session: Session) -> None:
    office = seed_office(session)
    for i in range(55):
        make_staff(session, office.economy, full_name=f"Nguyễn Văn Tư {i:02d}")
    make_staff(session, office.office, full_name="Ngô Thị Ánh")
    add_user(session, "phongtc", "personnel", unit=office.root)
    session.commit()
    login(client, "phongtc")
    page = client.get("/staff", params={"q": "nguyen"})
    assert page.status_code == 200
    names = _names(page.text)
    assert len(names) == 50 and all(n.startswith("Nguyễn") for n in names)
    assert "1–50 trong 56" in page.text  # 55 + Nguyễn Văn An of the seed
    second = client.get("/staff", params={"q": "nguyen", "page": 2})
    assert len(_names(second.text)) == 6 and "q=nguyen" in second.text.split('rel="prev"')[0].rsplit("href", 1)[1]
    by_unit = client.get("/staff", params={"q": "nguyen", "unit": office.office.id})
    assert _names(by_unit.text) == ["Nguyễn Văn An"]
    # Vietnamese order by given name: Ánh, An? No: "An" < "Ánh" (tones weigh last), then Bình, Cường.
    everyone = _names(client.get("/staff", params={"unit": office.office.id}).text)
    assert everyone == ["Nguyễn Văn An", "Ngô Thị Ánh", "Trần Thị Bình"]
    code = office.punctual.code
    assert _names(client.get("/staff", params={"q": code.lower()}).text) == ["Lê Văn Cường"]


def test_add_edit_move_and_leave_are_audited_and_keep_the_input_on_error(client: TestClient,
                                                                         session: Session) -> None:
    office = seed_office(session)
    add_user(session, "phongtc", "personnel", unit=office.root)
    session.commit()
    login(client, "phongtc")
    form = {"unit": office.office.id, "code": "CB-900", "full_name": "Bùi Kim Cường", "pin": "900",
            "position": "Chuyên viên", "start_date": "01/09/2026"}
    created = client.post("/staff", data=form)
    assert created.status_code == 303, created.text
    staff_id = int(created.headers["location"].rsplit("/", 1)[1])
    again = client.post("/staff", data={**form, "full_name": "Bùi Kim Cường Hai"})
    assert again.status_code == 409 or again.status_code == 422
    assert 'value="Bùi Kim Cường Hai"' in again.text and "CB-900" in again.text
    edited = client.post(f"/staff/{staff_id}", data={"full_name": "Bùi Kim Cường", "position": "Phó phòng",
                                                     "start_date": "31/02/2026"})
    assert edited.status_code == 422 and 'value="Phó phòng"' in edited.text
    assert client.post(f"/staff/{staff_id}", data={"full_name": "Bùi Kim Cường", "position": "Phó phòng",
                                                   "start_date": "01/09/2026"}).status_code == 303
    moved = client.post(f"/staff/{staff_id}/move", data={"unit": office.economy.id, "effective": "01/12/2026"})
    assert moved.status_code == 303
    left = client.post(f"/staff/{staff_id}/leave", data={"last_day": "31/12/2026"})
    assert left.status_code == 303
    detail = client.get(f"/staff/{staff_id}")
    assert "Đã nghỉ từ 31/12/2026" in detail.text and "data-confirm" in detail.text
    session.expire_all()
    actions = session.exec(select(AuditEntry.action).where(AuditEntry.entity_id == str(staff_id))
                           .order_by(col(AuditEntry.id))).all()
    assert actions == ["staff.create", "staff.update", "staff.move", "staff.leave"]
    assignments = session.exec(select(StaffAssignment.unit_id).where(StaffAssignment.staff_id == staff_id)
                               .order_by(col(StaffAssignment.valid_from))).all()
    assert assignments == [office.office.id, office.economy.id]
    assert client.get("/staff", params={"q": "bui kim", "status": "active"}).text.count("person-name") == 0
    assert _names(client.get("/staff", params={"q": "bui kim", "status": "left"}).text) == ["Bùi Kim Cường"]


def test_import_shows_the_bad_rows_on_the_page(client: TestClient, session: Session) -> None:
    office = seed_office(session)
    add_user(session, "quantri", "admin")
    add_user(session, "truongphong", "head", unit=office.office)
    session.commit()
    login(client, "quantri")
    csv = ("ma,ho_ten,don_vi,pin\n"
           f"CB-1,Phạm Thị Lan,{office.office.path},501\n"
           f"CB-2,,{office.office.path},502\n"
           f"CB-3,Hoàng Văn Nam,{office.office.path},501\n").encode()
    page = client.post("/staff/import", files={"file": ("ds.csv", csv, "text/csv")})
    assert page.status_code == 200, page.text
    assert "thêm 1" in page.text and "2 dòng lỗi" in page.text
    assert "Dòng 3" in page.text and "Dòng 4" in page.text
    assert _names(client.get("/staff", params={"q": "pham lan"}).text) == ["Phạm Thị Lan"]
    wrong_kind = client.post("/staff/import", files={"file": ("ds.txt", b"x", "text/plain")})
    assert wrong_kind.status_code == 422 and "Chỉ nhận tệp" in wrong_kind.text
    client.post("/logout")
    login(client, "truongphong")
    assert client.post("/staff/import", files={"file": ("ds.csv", csv, "text/csv")}).status_code == 403
    assert client.post("/staff", data={"unit": office.office.id, "code": "X", "full_name": "X"}).status_code == 403


def _board_rows(html: str) -> list[str]:
    import re

    return re.findall(r'<tr data-staff="(\d+)"', html)


def test_board_lists_search_filter_and_page_on_the_server(client: TestClient, session: Session) -> None:
    from tests.pages.conftest import DAY

    office = seed_office(session)
    for i in range(60):
        make_staff(session, office.economy, full_name=f"Phạm Văn Vắng {i:02d}")
    add_user(session, "phongtc", "personnel", unit=office.root)
    session.commit()
    login(client, "phongtc")
    base = {"unit": office.root.id, "day": DAY.isoformat()}
    page = client.get("/today", params=base)
    assert page.status_code == 200
    assert len(_board_rows(page.text)) == 50 and "1–50 trong 63" in page.text
    absent = page.text.split('id="absent-list"')[1].split("</section>")[0]
    assert "(60)" in absent and absent.count("<li>") == 10 and "cả ngày" in absent  # once per person
    assert "show=absent" in absent  # "see all" opens the filtered list
    assert 'href="/today?unit=' in page.text and "show=late#list" in page.text
    only_absent = client.get("/today", params={**base, "show": "absent", "page": 2})
    assert len(_board_rows(only_absent.text)) == 10
    found = client.get("/today", params={**base, "q": "tran binh"})
    assert _board_rows(found.text) == [str(office.missing.id)]
    assert office.missing.code in found.text.split('id="list"')[1]
    late = client.get("/today", params={**base, "show": "late"})
    assert _board_rows(late.text) == [str(office.late.id)]
    by_dept = client.get("/today", params={**base, "dept": office.office.id, "sort": "code"})
    assert sorted(_board_rows(by_dept.text)) == sorted([str(office.late.id), str(office.missing.id)])
    fragment = client.get("/today/fragment", params={**base, "q": "vang", "page": 2})
    assert len(_board_rows(fragment.text)) == 10 and 'href="/today?' in fragment.text  # links to the page
    assert "server-timing" in page.headers


def test_the_all_option_of_a_list_filter_is_no_filter(client: TestClient, session: Session) -> None:
    office = seed_office(session)
    add_user(session, "phongtc", "personnel", unit=office.root)
    session.commit()
    login(client, "phongtc")
    assert len(_names(client.get("/staff?q=&unit=&status=all&sort=name").text)) == 3
    assert client.get(f"/today?unit={office.root.id}&dept=&show=all&q=").status_code == 200
    assert client.get("/staff?unit=abc").status_code == 422


def test_audit_log_filters_by_who_what_when_and_record(client: TestClient, session: Session) -> None:
    office = seed_office(session)
    add_user(session, "quantri", "admin")
    add_user(session, "phongtc", "personnel", unit=office.root)
    session.commit()
    login(client, "phongtc")
    assert client.get("/audit").status_code == 403
    created = client.post("/staff", data={"unit": office.office.id, "code": "CB-55", "full_name": "Lý Thị Mai"})
    staff_id = created.headers["location"].rsplit("/", 1)[1]
    client.post(f"/staff/{staff_id}/pin", data={"pin": "5555"})
    client.post("/logout")
    login(client, "quantri")
    mine = client.get("/audit", params={"actor": "phongtc", "action": "staff."})
    assert mine.status_code == 200
    listed = mine.text.split('id="audit-list"')[1]
    assert listed.count('<li class="card">') == 2 and "staff.pin" in listed and "staff.create" in listed
    assert "5555" in listed  # what changed, before and after
    one = client.get("/audit", params={"entity": "staff", "entity_id": staff_id, "action": "staff.pin"})
    assert one.text.split('id="audit-list"')[1].count('<li class="card">') == 1
    assert "Không có mục nào" in client.get("/audit", params={"until": "01/01/2020"}).text
    assert client.get("/audit", params={"since": "31/02/2026"}).status_code == 422


def test_terminals_are_added_edited_and_retired_from_the_pages(client: TestClient, session: Session) -> None:
    from attendance.models import Device

    office = seed_office(session)
    add_user(session, "phongtc", "personnel", unit=office.root)
    add_user(session, "truongphong", "head", unit=office.office)
    session.commit()
    login(client, "phongtc")
    form = {"serial": "CEXJ2301", "kind": "zk_pull", "unit": str(office.office.id), "name": "Cổng chính",
            "host": "", "port": "4370", "transport": "tcp", "poll_interval_seconds": "60"}
    refused = client.post("/devices/new", data=form)  # a pull terminal needs its address
    assert refused.status_code == 422 and "cần địa chỉ IP/host" in refused.text
    assert 'value="CEXJ2301"' in refused.text and 'value="Cổng chính"' in refused.text
    assert client.post("/devices/new", data={**form, "host": "10.0.0.9", "port": "abc"}).status_code == 422
    added = client.post("/devices/new", data={**form, "host": "10.0.0.9"})
    assert added.status_code == 303 and added.headers["location"] == "/devices"
    device = session.exec(select(Device).where(Device.serial == "CEXJ2301")).one()
    listing = client.get("/devices").text
    assert f'href="/devices/{device.id}/edit"' in listing and 'href="/devices/new"' in listing
    edit = client.get(f"/devices/{device.id}/edit")
    assert "Chưa liên lạc" in edit.text and "data-confirm" in edit.text
    changed = client.post(f"/devices/{device.id}/edit", data={**form, "host": "10.0.0.10", "name": "Cổng phụ",
                                                              "poll_interval_seconds": "120"})
    assert changed.status_code == 303
    push = client.post("/devices/new", data={**form, "serial": "PUSH01", "kind": "zk_push",
                                             "push_allowed_from": "10.1.2.0/24"})
    assert push.status_code == 303
    assert client.post(f"/devices/{device.id}/retire", data={"reason": "hỏng"}).status_code == 303
    session.expire_all()
    device = session.get(Device, device.id)
    assert (device.host, device.name, device.poll_interval_seconds, device.enabled) == ("10.0.0.10", "Cổng phụ",
                                                                                         120, False)
    actions = session.exec(select(AuditEntry.action).where(AuditEntry.entity == "device",
                                                           AuditEntry.entity_id == str(device.id))
                           .order_by(col(AuditEntry.id))).all()
    assert actions == ["device.add", "device.update", "device.retire"]
    pushed = session.exec(select(Device).where(Device.serial == "PUSH01")).one()
    assert "10.1.2.0/24" in client.get(f"/devices/{pushed.id}/edit").text
    client.post("/logout")
    login(client, "truongphong")
    assert client.get("/devices/new").status_code == 403
    assert client.post(f"/devices/{pushed.id}/retire").status_code == 403


def test_month_close_and_reopen_with_the_units_rules(client: TestClient, session: Session) -> None:
    from attendance.reports.models import MonthClosure

    office = seed_office(session)
    add_user(session, "phongtc", "personnel", unit=office.root)
    add_user(session, "truongphong", "head", unit=office.office)
    session.commit()
    login(client, "phongtc")
    where = {"unit": office.root.id, "month": "2026-11"}
    page = client.get("/month/close", params=where)
    assert page.status_code == 200
    assert "Thông tư" in page.text and "Lượt đi muộn: <b>3</b>" in page.text and "chưa có bảng trừ điểm" in page.text
    assert 'href="/month/close?unit=' in client.get("/month", params=where).text
    refused = client.post("/month/rules", data={**where, "valid_from": "01/11/2026", "t_late_count": "ba",
                                                "basis": "Căn cứ Quyết định 12/QĐ-UBND"})
    assert refused.status_code == 422 and "“ba” không phải là số" in refused.text
    assert 'value="Căn cứ Quyết định 12/QĐ-UBND"' in refused.text
    saved = client.post("/month/rules", data={**where, "valid_from": "01/11/2026", "t_late_count": "2",
                                              "t_absent_sessions": "", "basis": "Căn cứ Quyết định 12/QĐ-UBND",
                                              "max_points": "10", "cap": "8", "p_late_count": "0,5"})
    assert saved.status_code == 303
    page = client.get("/month/close", params=where).text
    assert "Lượt đi muộn: <b>2</b>" in page and "Buổi vắng: <b>không xét</b>" in page
    assert "Căn cứ Quyết định 12/QĐ-UBND" in page and "−0,5" in page
    assert client.post("/month/close", data=where).status_code == 303
    closed = client.get("/month/close", params=where).text
    assert "Tháng đã khóa sổ" in closed and "data-confirm" in closed
    assert client.post("/month/close", data=where).status_code == 409  # already closed: said, not a 500
    assert client.post("/month/reopen", data={**where, "reason": " "}).status_code == 422
    assert client.post("/month/reopen", data={**where, "reason": "Bổ sung giải trình"}).status_code == 303
    session.expire_all()
    row = session.exec(select(MonthClosure).where(MonthClosure.unit_id == office.root.id)).one()
    assert row.status == "reopened" and row.reopen_reason == "Bổ sung giải trình"
    actions = session.exec(select(AuditEntry.action).where(col(AuditEntry.action).in_(
        ["month.close", "month.reopen", "report_rules.set"])).order_by(col(AuditEntry.id))).all()
    assert actions == ["report_rules.set", "month.close", "month.reopen"]
    client.post("/logout")
    login(client, "truongphong")
    assert client.get("/month/close").status_code == 403


def test_calendar_entries_and_schedules_are_edited_and_deleted(client: TestClient, session: Session) -> None:
    from datetime import date, time

    from attendance.calendar import add_exception, add_schedule
    from attendance.models import CalendarException, Schedule

    office = seed_office(session)
    add_user(session, "phongtc", "personnel", unit=office.root)
    entry = add_exception(session=session, day=date(2026, 12, 24), kind="holiday", name="Nghỉ bù",
                          unit_id=office.office.id, actor="test")
    national = add_exception(session=session, day=date(2026, 12, 31), kind="holiday", name="Toàn quốc", actor="test")
    winter = add_schedule(session=session, unit_id=office.office.id, actor="test", schedule={
        "valid_from": date(2026, 10, 16), "valid_to": date(2027, 4, 15), "name": "Mùa đông",
        "workdays": "0,1,2,3,4", "morning_start": time(7, 30), "morning_end": time(11, 30),
        "afternoon_start": time(13, 0), "afternoon_end": time(17, 0), "grace_minutes": 5})
    summer = add_schedule(session=session, unit_id=office.office.id, actor="test", schedule={
        "valid_from": date(2027, 4, 16), "valid_to": date(2027, 10, 15), "name": "Mùa hè",
        "workdays": "0,1,2,3,4", "morning_start": time(7, 0), "morning_end": time(11, 30),
        "afternoon_start": time(13, 30), "afternoon_end": time(17, 0), "grace_minutes": 5})
    session.commit()
    entry_id, summer_id = entry.id, summer.id
    login(client, "phongtc")
    calendar = client.get("/calendar", params={"unit": office.office.id, "year": 2026}).text
    assert f"/calendar/exceptions/{entry.id}/edit" in calendar and f"/calendar/schedules/{winter.id}/edit" in calendar
    assert f"/calendar/exceptions/{national.id}/edit" not in calendar  # every unit's entry: administrators only
    assert client.get(f"/calendar/exceptions/{national.id}/edit").status_code == 403
    moved = client.post(f"/calendar/exceptions/{entry.id}/edit", data={"day": "25/12/2026", "kind": "holiday",
                                                                        "name": "Nghỉ bù Noel"})
    assert moved.status_code == 303
    clash = client.post(f"/calendar/schedules/{winter.id}/edit", data={
        "valid_from": "16/10/2026", "valid_to": "30/04/2027", "name": "Mùa đông", "morning_start": "07:30",
        "morning_end": "11:30", "afternoon_start": "13:00", "afternoon_end": "16:30", "grace_minutes": "10",
        "workdays": ["0", "1", "2", "3", "4"]})
    assert clash.status_code == 422 and "Trùng khoảng thời gian" in clash.text and 'value="30/04/2027"' in clash.text
    fixed = client.post(f"/calendar/schedules/{winter.id}/edit", data={
        "valid_from": "16/10/2026", "valid_to": "15/04/2027", "name": "Mùa đông", "morning_start": "07:30",
        "morning_end": "11:30", "afternoon_start": "13:00", "afternoon_end": "16:30", "grace_minutes": "10",
        "workdays": ["0", "1", "2", "3", "4", "5"]})
    assert fixed.status_code == 303
    assert "data-confirm" in client.get(f"/calendar/schedules/{summer.id}/edit").text
    assert client.post(f"/calendar/schedules/{summer.id}/delete").status_code == 303
    assert client.post(f"/calendar/exceptions/{entry.id}/delete").status_code == 303
    session.expire_all()
    assert session.get(CalendarException, entry_id) is None and session.get(Schedule, summer_id) is None
    changed = session.get(Schedule, winter.id)
    assert (changed.afternoon_end, changed.grace_minutes, changed.workdays) == (time(16, 30), 10, "0,1,2,3,4,5")
    actions = session.exec(select(AuditEntry.action).where(col(AuditEntry.actor) == "user:phongtc")
                           .order_by(col(AuditEntry.id))).all()
    assert [a for a in actions if not a.startswith("auth.")] == [
        "calendar.exception.update", "schedule.update", "schedule.remove", "calendar.exception.remove"]


def test_accounts_and_roles_are_managed_by_administrators(client: TestClient, session: Session) -> None:
    from api.auth.models import User

    office = seed_office(session)
    add_user(session, "quantri", "admin")
    add_user(session, "phongtc", "personnel", unit=office.root)
    session.commit()
    login(client, "phongtc")
    assert client.get("/users").status_code == 403
    assert 'href="/users"' not in client.get("/staff").text  # not in their menu either
    client.post("/logout")
    login(client, "quantri")
    listing = client.get("/users", params={"role": "personnel"})
    assert listing.status_code == 200 and "phongtc" in listing.text and "quantri" not in listing.text.split(
        'id="user-list"')[1].split("</ul>")[0]
    assert "Cấp tỉnh (xem báo cáo)" in listing.text  # every role named in words, none as a key
    refused = client.post("/users", data={"username": "tp.kinhte", "role": "head", "full_name": "Trưởng phòng KT"})
    assert refused.status_code == 422 and 'value="tp.kinhte"' in refused.text  # a head needs a unit
    created = client.post("/users", data={"username": "tp.kinhte", "role": "head", "full_name": "Trưởng phòng KT",
                                          "unit": str(office.economy.id), "staff_code": office.punctual.code})
    assert created.status_code == 200 and "chỉ hiện một lần" in created.text
    new_id = session.exec(select(User.id).where(User.username == "tp.kinhte")).one()
    assert "data-confirm" in client.get(f"/users/{new_id}").text
    demoted = client.post(f"/users/{new_id}", data={"role": "staff", "full_name": "Lê Văn Cường",
                                                    "unit": str(office.economy.id), "staff_code": office.punctual.code})
    assert demoted.status_code == 303  # "active" left unticked: the account is deactivated too
    reset = client.post(f"/users/{new_id}/password")
    assert reset.status_code == 200 and 'id="new-password"' in reset.text
    session.expire_all()
    account = session.get(User, new_id)
    assert (account.role, account.active, account.staff_id) == ("staff", False, office.punctual.id)
    actions = session.exec(select(AuditEntry.action).where(AuditEntry.entity == "user",
                                                           AuditEntry.entity_id == str(new_id))
                           .order_by(col(AuditEntry.id))).all()
    assert [a for a in actions if a.startswith("user.")] == ["user.create", "user.update", "user.password"]


def test_board_snapshot_follows_new_punches_and_serves_the_previous_one_while_rebuilt(session: Session) -> None:
    import threading
    from datetime import datetime

    from api.pages import board_list
    from api.services.build_once import data_version
    from attendance.ledger import PunchIn, ingest_punches
    from attendance.models import PunchSource
    from tests.pages.conftest import DAY

    office = seed_office(session)
    session.commit()
    board_list.clear()
    first = board_list.snapshot(session=session, unit=office.root, day=DAY)
    assert board_list.snapshot(session=session, unit=office.root, day=DAY) is first  # nothing changed
    late_cell = next(p for p in first.people if p.data["staff_id"] == office.missing.id).data["morning"]
    assert late_cell["status"] == "missing_check_in"
    ingest_punches(session=session, punches=[PunchIn(source=PunchSource.TERMINAL_PULL, device_serial="SIM0001",
                                                     pin=office.missing.pin, device_time=datetime.combine(
                                                         DAY, datetime.min.time()).replace(hour=7, minute=29))])
    session.commit()
    key = (office.root.id, DAY, None, *data_version(session))
    busy = threading.Lock()
    busy.acquire()
    board_list.SNAPSHOTS._building[key] = busy  # another request is evaluating the new state
    try:
        assert board_list.snapshot(session=session, unit=office.root, day=DAY) is first
    finally:
        busy.release()
        board_list.SNAPSHOTS._building.pop(key, None)
    fresh = board_list.snapshot(session=session, unit=office.root, day=DAY)
    assert fresh is not first
    cell = next(p for p in fresh.people if p.data["staff_id"] == office.missing.id).data["morning"]
    assert cell["status"] == "present"
