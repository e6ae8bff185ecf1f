"""Parsing text punch logs (USB files, ADMS bodies)."""

from __future__ import annotations

from datetime import datetime

import pytest

from devices.attlog import decode_body, parse_attlog, parse_time

pytestmark = pytest.mark.db_independent


def test_lines_as_terminals_write_them() -> None:
    parsed = parse_attlog("   42\t2026-11-24 07:28:13\t0\t1\t0\t0\r\n\n7\t2026-11-24 17:00:00\n")
    assert [(p.line, p.pin, p.device_time, p.status, p.verify) for p in parsed.punches] == [
        (1, "42", datetime(2026, 11, 24, 7, 28, 13), 0, 1), (3, "7", datetime(2026, 11, 24, 17), None, None)]
    assert parsed.errors == []


@pytest.mark.parametrize("line,reason", [
    ("42 2026-11-24 07:28:13", "thiếu trường"),
    ("42\t2026-11-31 07:28:13", "thời gian"),
    ("42\t24/11/2026 07:28", "thời gian"),
    ("42\t2026-11-24 07:28:13\tIN", "phải là số"),
    ("4 2\t2026-11-24 07:28:13", "PIN"),
    ("\t2026-11-24 07:28:13", "PIN"),
])
def test_bad_lines_are_reported_with_their_number(line: str, reason: str) -> None:
    parsed = parse_attlog(f"1\t2026-11-24 07:00:00\n{line}\n")
    assert len(parsed.punches) == 1
    assert [e.line for e in parsed.errors] == [2] and reason in parsed.errors[0].reason


def test_time_parser_agrees_with_strptime() -> None:
    assert parse_time("2024-02-29 23:59:59") == datetime(2024, 2, 29, 23, 59, 59)
    for bad in ("2023-02-29 10:00:00", "2026-1-05 07:00:00", "2026-01-05T07:00:00", "２０２６-01-05 07:00:00"):
        with pytest.raises(ValueError):
            parse_time(bad)


def test_undecodable_bytes_lose_no_line() -> None:
    assert decode_body(b"1\t2026-01-01 07:00:00\xff\n").count("\n") == 1
