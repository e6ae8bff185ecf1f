"""Vietnamese conventions: Babel's numbers, dates and times; typed dd/mm/yyyy input; the error catalogue."""

from __future__ import annotations

import re
import string
from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from attendance import formatting
from attendance.errors import AttendanceError, InvalidInput, NotFound, UnknownStaff
from attendance.local_input import parse_clock, parse_day, parse_month
from attendance.messages import MESSAGES, explain, render

ROOT = Path(__file__).resolve().parents[2]
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def test_numbers_use_the_decimal_comma_and_the_thousands_dot() -> None:
    assert formatting.format_number(0.58, digits=2) == "0,58"
    assert formatting.format_number(14.0) == "14"
    assert formatting.format_number(200000) == "200.000"
    assert formatting.format_number(1234567.5) == "1.234.567,5"
    assert formatting.format_number(1234567.5, "en") == "1,234,567.5"
    assert formatting.format_percent(0.58) == "58%"


def test_durations_are_written_out() -> None:
    assert formatting.format_seconds(-0.8) == "-0,8 giây"
    assert formatting.format_seconds(-0.8, "en") == "-0.8 s"
    assert formatting.format_minutes(394) == "394 phút"
    assert formatting.format_minutes(1394) == "1.394 phút"


def test_dates_are_dd_mm_yyyy_and_times_24_hour_on_the_units_clock() -> None:
    assert formatting.format_day(date(2026, 12, 2)) == "02/12/2026"
    assert formatting.format_day("2026-12-02") == "02/12/2026"
    assert formatting.format_clock(time(7, 5)) == "07:05"
    assert formatting.format_clock(time(19, 30)) == "19:30"
    stamp = datetime(2026, 12, 2, 15, 3, 32, tzinfo=UTC)
    assert formatting.format_instant(stamp, HANOI) == "02/12/2026 22:03"
    assert formatting.format_instant("2026-12-02T15:03:32+00:00", HANOI) == "02/12/2026 22:03"


@pytest.mark.parametrize(("typed", "day"), [("02/12/2026", date(2026, 12, 2)), ("2/1/2027", date(2027, 1, 2)),
                                            ("2026-12-02", date(2026, 12, 2)), (" 31.12.2026 ", date(2026, 12, 31))])
def test_typed_days_are_read_day_first(typed: str, day: date) -> None:
    assert parse_day(typed) == day


@pytest.mark.parametrize("typed", ["31/02/2026", "12/31/2026", "hôm nay", "02/12/1999", "", "2026/12/02"])
def test_impossible_days_are_refused_with_a_code(typed: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_day(typed)
    assert caught.value.code in ("day.not_a_date", "day.out_of_range")
    assert caught.value.message("vi").startswith("Ngày")


def test_times_and_months() -> None:
    assert parse_clock("7:30") == time(7, 30) and parse_clock("13h05") == time(13, 5)
    for bad in ("7:30 PM", "24:00", "12:60", "0730"):
        with pytest.raises(InvalidInput):
            parse_clock(bad)
    assert parse_month("11/2026") == (2026, 11) and parse_month("2026-11") == (2026, 11)
    with pytest.raises(InvalidInput):
        parse_month("13/2026")


def test_every_code_has_both_languages_with_the_same_parameters() -> None:
    def names(text: str) -> set[str]:
        return {field.split("!")[0] for _, field, _, _ in string.Formatter().parse(text) if field}

    for code, (vi, en) in MESSAGES.items():
        assert vi.strip() and en.strip(), code
        assert vi != en, code
        assert names(vi) <= names(en), code  # Vietnamese may say less, never use a parameter English lacks


def test_every_code_raised_in_the_source_is_in_the_catalogue() -> None:
    used: set[str] = set()
    for folder in ("attendance", "api", "devices", "recognition"):
        for path in (ROOT / folder).rglob("*.py"):
            used |= set(re.findall(r'\bcode="([a-z_]+\.[a-z_.]+)"', path.read_text("utf-8")))
    assert used, "no coded errors found"
    assert used <= set(MESSAGES), used - set(MESSAGES)


def test_an_error_says_itself_in_either_language_and_keeps_its_english_text() -> None:
    err = UnknownStaff(code="staff.unknown_id", staff_id=9999)
    assert str(err) == "no staff member with id 9999"  # API clients and logs read this
    assert err.message("vi") == "Không tìm thấy cán bộ này (mã số 9999)."
    assert err.message("en") == "no staff member with id 9999"
    assert render("month.invalid", "vi", month=13) == "Tháng 13 không tồn tại (chọn 1–12)."


def test_an_uncoded_error_never_shows_its_internal_text() -> None:
    assert explain(NotFound("row 42 missing in table x"), "vi") == "Không tìm thấy bản ghi này."
    assert explain(AttendanceError("internal thing"), "en") == "This could not be done."
    # Older errors already written in Vietnamese still say what they say.
    assert explain(InvalidInput("máy SIM1 đã được đăng ký"), "vi") == "máy SIM1 đã được đăng ký"
