"""The pages over HTTP without a browser: access, errors as pages, the catalogue, the kiosk's verdicts, charts."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.pages.charts import hbar_chart, histogram
from api.pages.i18n import MESSAGES, translate
from api.pages.live import describe_punch, punches_after
from attendance.leave import file_request
from tests.factories import punch_at
from tests.pages.conftest import DAY, PASSWORD, add_user, login, seed_office

TEMPLATES = Path(__file__).resolve().parents[2] / "api" / "pages" / "templates"


@pytest.mark.db_independent
def test_every_message_has_both_languages_and_every_template_key_exists() -> None:
    for key, (vi, en) in MESSAGES.items():
        assert vi.strip() and en.strip(), key
    used = set()
    for template in TEMPLATES.glob("*.html"):
        used |= set(re.findall(r"""\bt\(["']([a-z_.0-9]+)["']""", template.read_text(encoding="utf-8")))
    assert used, "no keys found: the pattern is wrong"
    assert sorted(k for k in used - MESSAGES.keys() if not k.endswith(".")) == []
    assert translate("status.late", "vi", n=7) == "Muộn 7 phút"
    assert translate("status.late", "en", n=7) == "Late 7 min"


@pytest.mark.db_independent
def test_charts_are_valid_svg_with_escaped_labels() -> None:
    bars = hbar_chart([("Phòng <Kinh tế> & Tài chính", 4, "4 (31′)"), ("Văn phòng", 0, "0")], title="Đi muộn")
    root = ET.fromstring(str(bars))
    assert root.tag.endswith("svg")
    assert "Phòng <Kinh tế> & Tài chính" in "".join(root.itertext())
    widths = [float(r.get("width")) for r in root.iter("{http://www.w3.org/2000/svg}rect")]
    assert widths[0] > widths[1] == 1.0
    hist = ET.fromstring(str(histogram(["<07:00", "07:00", "07:35", "≥09:00"], [1, 5, 2, 1], title="Giờ đến",
                                       mark="07:30")))
    fills = [r.get("fill") for r in hist.iter("{http://www.w3.org/2000/svg}rect")]
    assert fills[0] == fills[1] != fills[2] == fills[3]


def test_anonymous_visitors_see_the_login_page_and_are_sent_there(client: TestClient) -> None:
    start = client.get("/")
    assert start.status_code == 200 and "<h1>Đăng nhập</h1>" in start.text
    assert client.get("/?lang=en").text.count("<h1>Log in</h1>") == 1
    response = client.get("/today?day=2026-11-18")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/today%3Fday%3D2026-11-18"
    assert client.get("/live/punches").status_code == 303


def test_login_failures_and_redirects_stay_on_this_site(client: TestClient, session: Session) -> None:
    office = seed_office(session)
    add_user(session, "phongtc", "personnel", unit=office.root)
    session.commit()
    failed = client.post("/login", data={"username": "phongtc", "password": "sai-mat-khau-123"})
    assert failed.status_code == 401 and "Sai tên đăng nhập hoặc mật khẩu" in failed.text
    assert "Traceback" not in failed.text
    response = client.post("/login", data={"username": "phongtc", "password": PASSWORD, "next": "//evil.example"})
    assert response.headers["location"] == "/today"
    response = client.post("/login", data={"username": "phongtc", "password": PASSWORD,
                                           "next": "/people/1/month"})
    assert response.headers["location"] == "/people/1/month"


def test_bad_input_and_unknown_records_are_readable_pages(client: TestClient, session: Session) -> None:
    office = seed_office(session)
    add_user(session, "phongtc", "personnel", unit=office.root)
    session.commit()
    login(client, "phongtc")
    for url, status in (("/today?day=31/02/2026", 422), ("/people/999999/month", 404),
                        ("/people/abc/month", 422), ("/month?month=2026-13", 422),
                        (f"/people/{office.late.id}/month?month=13", 422)):
        response = client.get(url)
        assert response.status_code == status, url
        assert response.headers["content-type"].startswith("text/html")
        assert "Có lỗi" in response.text and "Traceback" not in response.text
    response = client.post("/requests", data={"type": "leave", "kind": "annual_leave", "start_date": "2026-11-20",
                                              "end_date": "2026-11-19", "staff_id": office.late.id})
    assert response.status_code == 422 and "Ngày kết thúc trước ngày bắt đầu" in response.text


def test_staff_see_only_their_own_record_and_cannot_decide(client: TestClient, session: Session) -> None:
    office = seed_office(session)
    add_user(session, "binh", "staff", staff=office.missing)
    request = file_request(session=session, staff=office.late, type="explanation", kind=None, start_date=DAY,
                           reason="quên", actor="test")
    session.commit()
    login(client, "binh")
    assert client.get(f"/people/{office.missing.id}/month").status_code == 200
    assert client.get(f"/people/{office.late.id}/month").status_code == 403
    for url in ("/today", "/month", "/devices", "/calendar", "/faces", "/kiosk"):
        assert client.get(url).status_code == 403, url
    page = client.get("/requests")
    assert page.status_code == 200 and "Nguyễn Văn An" not in page.text
    assert client.post(f"/requests/{request.id}/decide", data={"decision": "approve"}).status_code == 403
    session.refresh(request)
    assert request.status == "pending"


def test_kiosk_verdicts_follow_the_schedule(session: Session) -> None:
    office = seed_office(session)
    at = lambda h, m: datetime.combine(DAY, datetime.min.time()).replace(hour=h, minute=m)  # noqa: E731
    before = max(p.id for p in punches_after(session=session, after_id=0))
    punch_at(session, office.punctual, at(7, 25).replace(second=30))  # a second press, 30 s after the first
    other = datetime.combine(DAY.replace(day=DAY.day + 1), datetime.min.time())
    punch_at(session, office.late, other.replace(hour=7, minute=41), other.replace(hour=16, minute=40))
    punch_at(session, office.missing, other.replace(hour=7, minute=30))
    events = {(e["name"], e["time"]): e for e in
              (describe_punch(session=session, punch=p, language="vi")
               for p in punches_after(session=session, after_id=before))}
    assert events[("Nguyễn Văn An", "07:41:00")]["label"] == "Muộn 11 phút"
    assert events[("Nguyễn Văn An", "16:40:00")]["label"] == "Về sớm 20 phút"
    assert events[("Trần Thị Bình", "07:30:00")]["verdict"] == "on_time"
    assert events[("Lê Văn Cường", "07:25:30")]["verdict"] == "recorded"
    first = punches_after(session=session, after_id=0)[0]
    english = describe_punch(session=session, punch=first, language="en")
    assert english["name"] == "Nguyễn Văn An" and english["label"] == "Late 20 min"


def test_live_stream_resumes_after_the_last_event_id(server: str, session: Session) -> None:
    import httpx

    office = seed_office(session)
    add_user(session, "phongtc", "personnel", unit=office.root)
    session.commit()
    ids = [p.id for p in punches_after(session=session, after_id=0)]
    with httpx.Client(base_url=server, timeout=10) as client:
        assert client.post("/login", data={"username": "phongtc", "password": PASSWORD}).status_code == 303
        seen: list[int] = []
        with client.stream("GET", "/live/punches", headers={"Last-Event-ID": str(ids[5])}) as stream:
            assert stream.headers["content-type"].startswith("text/event-stream")
            for line in stream.iter_lines():
                if line.startswith("id: "):
                    seen.append(int(line[4:]))
                if seen and seen[-1] == ids[-1]:
                    break
    assert seen == [ids[5], *ids[6:]]  # the ready frame repeats the resume point, then every later punch once


def test_personnel_office_adds_a_manual_punch_once(client: TestClient, session: Session) -> None:
    office = seed_office(session)
    add_user(session, "phongtc", "personnel", unit=office.root)
    session.commit()
    login(client, "phongtc")
    url = f"/people/{office.missing.id}/punches"
    form = {"day": DAY.isoformat(), "at": "07:28", "reason": "Camera hành lang ghi nhận lúc 07:28"}
    first = client.post(url, data=form)
    assert first.status_code == 303
    page = client.get(first.headers["location"])
    assert "Đã thêm lần chấm công lúc 07:28 18/11/2026" in page.text
    assert "07:28:00 (thủ công)" in page.text
    assert "Muộn" not in page.text.split('data-date="2026-11-18"')[1].split("</div>")[0]
    again = client.get(client.post(url, data=form).headers["location"])
    assert "đã có; không thêm lần nữa" in again.text
    assert client.post(url, data={**form, "reason": " "}).status_code == 422
    assert client.post(f"/people/{office.late.id}/punches", data={**form, "day": "2026-02-30"}).status_code == 422


def test_a_department_head_sees_and_decides_for_their_department_only(client: TestClient, session: Session) -> None:
    office = seed_office(session)
    add_user(session, "truongphong", "head", unit=office.office)
    own = file_request(session=session, staff=office.missing, type="explanation", kind=None, start_date=DAY,
                       part="morning", reason="máy không nhận", actor="test")
    other = file_request(session=session, staff=office.punctual, type="leave", kind="annual_leave",
                         start_date=DAY, actor="test")
    session.commit()
    login(client, "truongphong")
    board = client.get(f"/today?day={DAY}")
    assert board.status_code == 200
    assert "Nguyễn Văn An" in board.text and "Lê Văn Cường" not in board.text
    assert client.get(f"/today?unit={office.economy.id}").status_code == 403
    assert client.get(f"/people/{office.punctual.id}/month").status_code == 403
    page = client.get("/requests")
    assert f'data-request="{own.id}"' in page.text and f'data-request="{other.id}"' not in page.text
    assert client.post(f"/requests/{other.id}/decide", data={"decision": "approve"}).status_code == 403
    decided = client.post(f"/requests/{own.id}/decide", data={"decision": "approve", "comment": "ok"})
    assert decided.status_code == 303
    session.refresh(own)
    session.refresh(other)
    assert (own.status, own.decided_by, other.status) == ("approved", "user:truongphong", "pending")


def _stream_ids(server: str, username: str, url: str, until: int) -> list[int]:
    """The punch ids a user's live stream carries, up to the punch `until` (which it must not carry)."""
    import httpx

    seen: list[int] = []
    with httpx.Client(base_url=server, timeout=10) as client:
        assert client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 303
        with client.stream("GET", url) as stream:
            frame: dict[str, str] = {}
            for line in stream.iter_lines():
                if line:
                    name, _, value = line.partition(": ")
                    frame[name] = value
                    continue
                if frame.get("event") == "punch":
                    if int(frame["id"]) == until:
                        break
                    seen.append(int(frame["id"]))
                frame = {}
    return seen


def test_live_stream_carries_only_the_viewers_units_and_the_chosen_door(server: str, session: Session) -> None:
    office = seed_office(session)
    add_user(session, "truongphong", "head", unit=office.office)
    add_user(session, "phongtc", "personnel", unit=office.root)
    at = datetime.combine(DAY, datetime.min.time())
    punch_at(session, office.late, at.replace(hour=18), device="DOOR-B")
    punch_at(session, office.punctual, at.replace(hour=18, minute=5), device="DOOR-B")
    punch_at(session, office.late, at.replace(hour=19), device="MARKER")  # the head's stream ends here
    punch_at(session, office.missing, at.replace(hour=19, minute=5), device="DOOR-B")  # the door's ends here
    session.commit()
    rows = punches_after(session=session, after_id=0)
    head_end, door_end = rows[-2].id, rows[-1].id
    owners = {p.id: (p.staff_id, p.device_serial) for p in rows}
    office_ids = {office.late.id, office.missing.id}
    head = _stream_ids(server, "truongphong", "/live/punches?after=0", until=head_end)
    assert head == [i for i in sorted(owners) if i < head_end and owners[i][0] in office_ids]
    assert len(head) == 8  # the late person's 4 + 1 at door B, the other's 3; none of the economy person's
    door = _stream_ids(server, "phongtc", "/live/punches?after=0&device=DOOR-B", until=door_end)
    assert door == [i for i in sorted(owners) if i < door_end and owners[i][1] == "DOOR-B"]
    assert len(door) == 2
