"""A PIN names a person only within the organisation owning the terminal (R14); nothing that
reaches a terminal can carry an extra field or command; nobody forges punches through their scope."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from attendance.models import DeviceKind, Punch
from devices import adms
from devices.service import add_device
from tests.api.conftest import Office, add_user
from tests.factories import make_staff


def push(client: TestClient, serial: str, body: str) -> str:
    reply = client.post(f"/iclock/cdata?SN={serial}&table=ATTLOG", content=body.encode())
    assert reply.status_code == 200, reply.text
    return reply.text


def test_two_communes_with_the_same_pins_each_punch_lands_on_the_right_person(
        client: TestClient, office: Office, session: Session) -> None:
    tan_phu = make_staff(session, office.office, full_name="Nguyễn Văn Một", pin="1")
    binh_an = make_staff(session, office.other, full_name="Trần Văn Một", pin="1")  # the same PIN, another commune
    add_device(session=session, serial="TANPHU01", actor="admin", kind=DeviceKind.ZK_PUSH, unit_id=office.root.id)
    add_device(session=session, serial="BINHAN01", actor="admin", kind=DeviceKind.ZK_PUSH, unit_id=office.other.id)
    session.commit()
    assert push(client, "TANPHU01", "1\t2026-12-02 07:25:00\t0\t1\n").startswith("OK: 1")
    assert push(client, "BINHAN01", "1\t2026-12-02 07:26:00\t0\t1\n").startswith("OK: 1")
    session.expire_all()
    owners = {p.device_serial: p.staff_id for p in session.exec(select(Punch))}
    assert owners == {"TANPHU01": tan_phu.id, "BINHAN01": binh_an.id}
    # Each commune's month shows its own person's punch only.
    for person, serial in ((tan_phu, "TANPHU01"), (binh_an, "BINHAN01")):
        month = client.get(f"/api/staff/{person.id}/month?year=2026&month=12", headers=office.headers["admin"])
        assert [p["device"] for p in month.json()["punches"]] == [serial]


def test_a_pin_assigned_later_counts_only_within_its_organisation(
        client: TestClient, office: Office, session: Session) -> None:
    add_device(session=session, serial="BINHAN01", actor="admin", kind=DeviceKind.ZK_PUSH, unit_id=office.other.id)
    session.commit()
    push(client, "BINHAN01", "9\t2026-12-02 07:26:00\t0\t1\n")  # nobody holds PIN 9 yet
    tan_phu = make_staff(session, office.office, full_name="Lê Văn Chín", pin="9")
    binh_an = make_staff(session, office.other, full_name="Phạm Văn Chín", pin="9")
    session.commit()
    admin = office.headers["admin"]
    assert client.get(f"/api/staff/{tan_phu.id}/month?year=2026&month=12", headers=admin).json()["punches"] == []
    mine = client.get(f"/api/staff/{binh_an.id}/month?year=2026&month=12", headers=admin).json()["punches"]
    assert [p["device"] for p in mine] == ["BINHAN01"]


def test_pins_are_unique_per_organisation_and_a_conflict_names_nobody(
        client: TestClient, office: Office, session: Session) -> None:
    make_staff(session, office.economy, full_name="Đỗ Thị Bí Mật", pin="55")
    make_staff(session, office.other, full_name="Người Xã Khác", pin="56")
    session.commit()
    hr_office = add_user(session, "hr.office", "personnel", unit=office.office)[1]
    session.commit()
    taken = client.put(f"/api/staff/{office.clerk.id}/pin", json={"pin": "55"}, headers=hr_office)
    assert taken.status_code == 409 and "Bí Mật" not in taken.text and "55" in taken.text
    other_commune = client.put(f"/api/staff/{office.clerk.id}/pin", json={"pin": "56"}, headers=hr_office)
    assert other_commune.status_code == 200  # PIN 56 of another commune is another namespace


def test_a_departments_terminal_cannot_credit_another_departments_people(
        client: TestClient, office: Office, session: Session) -> None:
    target = make_staff(session, office.economy, full_name="Lê Văn Kinh Tế", pin="77")
    hr_office = add_user(session, "hr.office", "personnel", unit=office.office)[1]
    session.commit()
    no_unit = client.post("/api/devices", json={"serial": "ROGUE01", "kind": "zk_push"}, headers=hr_office)
    assert no_unit.status_code == 403  # a scoped officer registers devices only within their scope
    outside = client.post("/api/devices", json={"serial": "ROGUE01", "kind": "zk_push", "unit_id": office.economy.id},
                          headers=hr_office)
    assert outside.status_code == 404
    mine = client.post("/api/devices", json={"serial": "ROGUE01", "kind": "zk_push", "unit_id": office.office.id},
                       headers=hr_office)
    assert mine.status_code == 201, mine.text
    push(client, "ROGUE01", "77\t2026-12-02 07:25:00\t0\t1\n")
    session.expire_all()
    punch = session.exec(select(Punch)).one()
    assert punch.quarantined and "outside the terminal's unit" in (punch.quarantine_reason or "")
    month = client.get(f"/api/staff/{target.id}/month?year=2026&month=12", headers=office.headers["admin"])
    days = {d["date"]: d for d in month.json()["days"]}
    assert days["2026-12-02"]["morning"]["check_in"] is None  # not counted...
    assert [p["quarantined"] for p in month.json()["punches"]] == [True]  # ...but shown, for review


def test_personnel_cannot_add_manual_punches_for_themselves(
        client: TestClient, office: Office, session: Session) -> None:
    me = make_staff(session, office.office, full_name="Cán Bộ Tổ Chức", pin="88")
    _, headers = add_user(session, "hr.self", "personnel", unit=office.root, staff=me)
    session.commit()
    body = {"at": "2026-12-02T07:25:00+07:00", "reason": "quên chấm"}
    own = client.post("/api/punches/manual", json={**body, "staff_id": me.id}, headers=headers)
    assert own.status_code == 403
    other = client.post("/api/punches/manual", json={**body, "staff_id": office.clerk.id}, headers=headers)
    assert other.status_code == 201
    session.expire_all()
    assert [p.staff_id for p in session.exec(select(Punch))] == [office.clerk.id]


def test_pins_names_and_cards_cannot_inject_terminal_fields_or_commands(
        client: TestClient, office: Office, session: Session) -> None:
    admin = office.headers["admin"]
    for pin in ("95\tPri=14", "96\nC:999:CLEAR LOG", "9 7", "1\u0000", "a-b"):
        reply = client.put(f"/api/staff/{office.clerk.id}/pin", json={"pin": pin}, headers=admin)
        assert reply.status_code == 422, (pin, reply.text)
    created = client.post("/api/staff", headers=admin, json={
        "unit_id": office.office.id, "code": "NV9", "full_name": "An\u0000Bình", "pin": "99"})
    assert created.status_code == 422
    device = add_device(session=session, serial="PUSH01", actor="admin", kind=DeviceKind.ZK_PUSH,
                        unit_id=office.root.id)
    session.commit()
    adms.queue_user_sync(session=session, device=device, actor="admin")
    session.commit()
    reply = client.get("/iclock/getrequest?SN=PUSH01")
    for line in reply.text.splitlines():
        assert line.startswith("C:") and line.count("\t") == 5 and "Pri=0" in line, line


def test_a_unit_marked_as_its_own_namespace_may_reuse_pins_and_unmarking_is_refused_on_collision(
        client: TestClient, office: Office, session: Session) -> None:
    admin = office.headers["admin"]
    make_staff(session, office.office, full_name="Người Văn Phòng", pin="5")
    session.commit()
    assert client.patch(f"/api/units/{office.economy.id}", json={"pin_namespace": True},
                        headers=admin).json()["pin_namespace"] is True
    session.expire_all()
    economist = make_staff(session, office.economy, full_name="Người Kinh Tế", pin="5")  # now allowed
    add_device(session=session, serial="KINHTE01", actor="admin", kind=DeviceKind.ZK_PUSH, unit_id=office.economy.id)
    session.commit()
    push(client, "KINHTE01", "5\t2026-12-02 07:25:00\t0\t1\n")
    session.expire_all()
    assert session.exec(select(Punch.staff_id)).all() == [economist.id]
    refused = client.patch(f"/api/units/{office.economy.id}", json={"pin_namespace": False}, headers=admin)
    assert refused.status_code == 409 and "trùng mã chấm công" in refused.text
    assert client.get(f"/api/units/{office.economy.id}", headers=admin).json()["pin_namespace"] is True
