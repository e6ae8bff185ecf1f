"""Terminal alerts to the personnel offices: silent, drifting clock, log near full, broken records, new address."""

from __future__ import annotations

from sqlmodel import Session, col, select

from api.auth.models import User
from api.auth.roles import Role
from api.notify.message import Draft
from api.notify.models import NoticeKind
from api.notify.recipients import of_account
from attendance.models import Device, Staff, Unit
from attendance.org import subtree_ids
from attendance.timeutil import to_local
from config import get_settings
from devices.alerts import LABELS_VI
from devices.models import AlertKind, DeviceAlert

NOTIFIED = tuple(AlertKind)  # every health alert of a terminal reaches its personnel office
# What the officer can do about each kind.
ADVICE = {
    AlertKind.SILENT: ("Trong thời gian này dữ liệu chấm công của máy chưa về hệ thống: đừng coi người chấm ở máy "
                       "này là vắng. Kiểm tra nguồn điện, dây mạng và địa chỉ IP của máy."),
    AlertKind.CLOCK_DRIFT: "Giờ trên máy lệch so với giờ chuẩn: có thể đồng bộ giờ ở trang Thiết bị.",
    AlertKind.LOG_FULL: ("Bộ nhớ chấm công của máy sắp đầy: khi đầy, máy ngừng ghi hoặc ghi đè lượt cũ. Hãy xoá log "
                         "đã lấy về an toàn (attendance devices clear-log)."),
    AlertKind.UNREADABLE: ("Máy có bản ghi hỏng ngày giờ: các lượt này được giữ riêng, không tính công. Kiểm tra pin "
                           "đồng hồ và giờ của máy."),
    AlertKind.ADDRESS_CHANGED: ("Máy gửi dữ liệu từ một địa chỉ mới: dữ liệu được giữ lại cho đến khi quản trị viên "
                                "xác nhận hoặc từ chối địa chỉ ở trang Thiết bị."),
}


def drafts(*, session: Session, public_url: str) -> list[Draft]:
    """One draft per open alert and personnel account whose units hold the terminal."""
    alerts = list(session.exec(select(DeviceAlert).where(col(DeviceAlert.open).is_(True),
                                                         col(DeviceAlert.kind).in_([k.value for k in NOTIFIED]))))
    if not alerts:
        return []
    officers = list(session.exec(select(User).where(col(User.role) == Role.PERSONNEL, col(User.active).is_(True))))
    people = {s.id: s for s in session.exec(select(Staff).where(
        col(Staff.id).in_([u.staff_id for u in officers if u.staff_id is not None])))}
    scopes: dict[int, set[int] | None] = {}
    for officer in officers:
        unit = session.get(Unit, officer.unit_id) if officer.unit_id is not None else None
        scopes[officer.id or 0] = set(subtree_ids(session=session, unit=unit)) if unit else None
    found = []
    for alert in alerts:
        device = session.get(Device, alert.device_id)
        if device is None:
            continue
        for officer in officers:
            scope = scopes[officer.id or 0]
            # A terminal of no unit concerns every personnel office; otherwise those whose units hold it.
            if scope is None or device.unit_id is None or device.unit_id in scope:
                found.append(draft(officer=officer, person=people.get(officer.staff_id), alert=alert,
                                   device=device, public_url=public_url))
    return found


def draft(*, officer: User, person: Staff | None, alert: DeviceAlert, device: Device, public_url: str) -> Draft:
    to = of_account(officer, person)
    since = to_local(alert.started_at, device.timezone or get_settings().zone)
    label = LABELS_VI.get(AlertKind(alert.kind), alert.kind)
    name = device.name or device.serial
    lines = [f"Máy chấm công {name} (số máy {device.serial}) {label}: {alert.detail}.",
             f"Cảnh báo bắt đầu lúc {since:%H:%M %d/%m/%Y} và vẫn đang mở."]
    lines.append(ADVICE[AlertKind(alert.kind)])
    return Draft(recipient=to.recipient, kind=NoticeKind.TERMINAL_ALERT, subject_key=f"alert:{alert.id}",
                 subject=f"[Chấm công] Máy {name} {label} từ {since:%H:%M %d/%m/%Y}", lines=tuple(lines),
                 link=f"{public_url.rstrip('/')}/devices", link_label="Mở trang Thiết bị",
                 name=to.name, email=to.email, wants_email=to.wants_email)
