"""Reminders of a session's faults (late arrival, early leave, a missing punch, no punch) to each person."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session, col, select

from api.notify.message import Draft
from api.notify.models import NoticeKind
from api.notify.recipients import of_staff
from attendance.evaluation import evaluate_period
from attendance.models import Device, Staff, Unit
from attendance.org import subtree_ids
from attendance.rules import SessionName, SessionResult, SessionStatus
from attendance.timeutil import local_day_bounds, utcnow
from config import get_settings
from devices.models import AlertKind, DeviceAlert

REMINDED = frozenset({SessionStatus.LATE, SessionStatus.LEFT_EARLY, SessionStatus.LATE_AND_LEFT_EARLY,
                      SessionStatus.MISSING_CHECK_IN, SessionStatus.MISSING_CHECK_OUT, SessionStatus.ABSENT})
# What a silent terminal also produces: these are not reminded of while one of the person's terminals was silent.
UNHEARD = frozenset({SessionStatus.MISSING_CHECK_IN, SessionStatus.MISSING_CHECK_OUT, SessionStatus.ABSENT})
SESSION_VI = {SessionName.MORNING: "buổi sáng", SessionName.AFTERNOON: "buổi chiều"}
_HEADLINE = {
    SessionStatus.LATE: "đi muộn",
    SessionStatus.LEFT_EARLY: "về sớm",
    SessionStatus.LATE_AND_LEFT_EARLY: "đi muộn và về sớm",
    SessionStatus.MISSING_CHECK_IN: "thiếu lượt chấm công vào",
    SessionStatus.MISSING_CHECK_OUT: "thiếu lượt chấm công ra",
    SessionStatus.ABSENT: "chưa có dữ liệu chấm công",
}


def drafts(*, session: Session, day: date, part: SessionName, public_url: str,
           now: datetime | None = None) -> list[Draft]:
    """One draft per person whose `part` of `day` went wrong and is not yet explained or excused."""
    periods = evaluate_period(session=session, start=day, end=day, now=now)
    faulty = {p.staff.id: getattr(p.days[0], part.value) for p in periods
              if getattr(p.days[0], part.value).status in REMINDED}
    if not faulty:
        return []
    people = {s.id: s for s in session.exec(select(Staff).where(col(Staff.id).in_(list(faulty))))}
    unheard = units_with_a_silent_terminal(session=session, day=day, now=now or utcnow())
    found = []
    for staff_id, result in faulty.items():
        staff = people[staff_id]
        if not staff.active:
            continue
        if result.status in UNHEARD and staff.unit_id in unheard:
            continue  # the punches may be on a terminal that has not reported: not the person's fault yet
        found.append(draft(staff=staff, day=day, part=part, result=result, public_url=public_url))
    return found


def units_with_a_silent_terminal(*, session: Session, day: date, now: datetime) -> set[int]:
    """Units (with those below) served by a terminal that was silent at some time on `day` up to `now`."""
    start, _ = local_day_bounds(day, get_settings().zone)
    alerts = session.exec(select(DeviceAlert).where(
        col(DeviceAlert.kind) == AlertKind.SILENT, col(DeviceAlert.started_at) <= now,
        col(DeviceAlert.ended_at).is_(None) | (col(DeviceAlert.ended_at) >= start)))
    device_ids = {a.device_id for a in alerts}
    if not device_ids:
        return set()
    units: set[int] = set()
    for device in session.exec(select(Device).where(col(Device.id).in_(device_ids))):
        unit = session.get(Unit, device.unit_id) if device.unit_id is not None else None
        if unit is None:  # a terminal of no unit may serve anyone
            return {u for u in session.exec(select(Unit.id)) if u is not None}
        units.update(subtree_ids(session=session, unit=unit))
    return units


def draft(*, staff: Staff, day: date, part: SessionName, result: SessionResult, public_url: str) -> Draft:
    """The reminder's words for one person's session."""
    to = of_staff(staff)
    when = f"{SESSION_VI[part]} ngày {day:%d/%m/%Y}"
    absent = result.status is SessionStatus.ABSENT
    lines = [f"Hệ thống chấm công ghi nhận {when} của bạn ({staff.code}): {_detail(result)}."]
    if absent:
        lines.append("Nếu bạn nghỉ có lý do (phép, ốm, công tác…), hãy nộp đơn để được tính là vắng có lý do.")
        link = f"{public_url.rstrip('/')}/requests?type=leave&date={day.isoformat()}"
        label = "Nộp đơn xin nghỉ"
    else:
        lines.append("Nếu có lý do chính đáng (đi họp, công tác, máy chấm công hỏng…), "
                     "hãy gửi giải trình để lãnh đạo xem xét.")
        link = f"{public_url.rstrip('/')}/requests?type=explanation&date={day.isoformat()}"
        label = "Gửi giải trình"
    lines.append("Nếu bạn đã chấm công mà vẫn nhận thư này, máy chấm công có thể chưa gửi dữ liệu; "
                 "hãy báo phòng tổ chức cán bộ.")
    return Draft(recipient=to.recipient, kind=NoticeKind.DAY_FAULTS, subject_key=f"{day.isoformat()}:{part.value}",
                 subject=f"[Chấm công] Nhắc {_HEADLINE[result.status]} {when}", lines=tuple(lines), link=link,
                 link_label=label, name=to.name, email=to.email, wants_email=to.wants_email)


def _detail(result: SessionResult) -> str:
    status = result.status
    if status is SessionStatus.ABSENT:
        return "không có lượt chấm công nào"
    parts = []
    if status in (SessionStatus.LATE, SessionStatus.LATE_AND_LEFT_EARLY):
        parts.append(f"đến muộn {result.late_minutes} phút (chấm vào lúc {_hhmm(result.check_in)})")
    if status in (SessionStatus.LEFT_EARLY, SessionStatus.LATE_AND_LEFT_EARLY):
        parts.append(f"về sớm {result.early_minutes} phút (chấm ra lúc {_hhmm(result.check_out)})")
    if status is SessionStatus.MISSING_CHECK_IN:
        parts.append(f"thiếu lượt chấm công vào (chỉ có lượt ra lúc {_hhmm(result.check_out)})")
    if status is SessionStatus.MISSING_CHECK_OUT:
        parts.append(f"thiếu lượt chấm công ra (chỉ có lượt vào lúc {_hhmm(result.check_in)})")
    return " và ".join(parts)


def _hhmm(moment: datetime | None) -> str:
    return "?" if moment is None else f"{moment:%H:%M}"
