"""`attendance staff import FILE`: bring an office's staff list in from CSV or XLSX.

Header names may be English or Vietnamese. Units are paths ('UBND xã Tân Phú / Văn phòng'),
created when missing. Each row is its own savepoint: a bad row is reported and the rest land.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlmodel import Session, func, select

from attendance import audit
from attendance.errors import AttendanceError, InvalidInput
from attendance.models import Staff, Unit
from attendance.org import ensure_unit_path
from attendance.staff import assign_pin, create_staff, move_staff
from attendance.terminal_values import CARD_MAX, clean_text

# Normalised header (lower case, no diacritics, single spaces) -> field.
HEADER_ALIASES: dict[str, str] = {
    "code": "code", "ma": "code", "ma can bo": "code", "ma nhan vien": "code", "ma cb": "code",
    "full name": "full_name", "name": "full_name", "ho va ten": "full_name",
    "ho ten": "full_name",
    "unit": "unit", "don vi": "unit", "phong ban": "unit", "don vi / phong ban": "unit",
    "pin": "pin", "ma cham cong": "pin", "ma may cham cong": "pin", "user id": "pin",
    "card": "card", "so the": "card", "the": "card", "ma the": "card",
    "position": "position", "chuc vu": "position",
    "start date": "start_date", "ngay bat dau": "start_date",
    "ngay vao lam": "start_date",
}
REQUIRED = ("code", "full_name", "unit", "pin")
MAX_ROWS = 50_000


@dataclass(frozen=True, slots=True)
class RowError:
    row: int  # 1-based, counting the header as row 1, as a spreadsheet shows it
    reason: str


@dataclass(slots=True)
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    units_created: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged + len(self.errors)


def import_staff(*, session: Session, path: Path, actor: str,
                 progress: Callable[[int, int], None] | None = None) -> ImportReport:
    """Create or update the staff listed in `path`; each bad row is reported with its reason."""
    rows = list(read_rows(path))
    if not rows:
        raise InvalidInput(code="import.no_header", file=path.name)
    header, body = rows[0], rows[1:]
    columns = _map_header(header)
    if len(body) > MAX_ROWS:
        raise InvalidInput(code="import.too_many_rows", file=path.name, max=MAX_ROWS)
    report = ImportReport()
    units_before = _unit_count(session)
    for offset, values in enumerate(body):
        line = offset + 2
        if progress:
            progress(offset + 1, len(body))
        record = {name: _cell(values, index) for name, index in columns.items()}
        if not any(record.values()):
            continue
        savepoint = session.begin_nested()
        try:
            outcome = _apply(session, record, actor)
            savepoint.commit()
        except (AttendanceError, ValueError) as err:
            savepoint.rollback()
            report.errors.append(RowError(line, str(err)))
            continue
        setattr(report, outcome, getattr(report, outcome) + 1)
    report.units_created = _unit_count(session) - units_before
    return report


def _unit_count(session: Session) -> int:
    return session.exec(select(func.count()).select_from(Unit)).one()


def read_rows(path: Path) -> Iterator[list[str]]:
    """Rows of a CSV (UTF-8, with or without BOM; comma or semicolon) or XLSX file, as text."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        yield from _xlsx_rows(path)
    elif suffix in (".csv", ".txt"):
        text = path.read_bytes().decode("utf-8-sig", errors="strict")
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t") if text.strip() else csv.excel
        yield from ([c.strip() for c in row] for row in csv.reader(io.StringIO(text), dialect))
    else:
        raise InvalidInput(code="import.bad_type", file=path.name)


def _xlsx_rows(path: Path) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises many kinds for a damaged file
        raise InvalidInput(code="import.bad_xlsx", file=path.name, detail=err) from err
    sheet = workbook.worksheets[0]
    for row in sheet.iter_rows(values_only=True):
        yield ["" if v is None else (v.date().isoformat() if isinstance(v, datetime) else str(v)).strip()
               for v in row]
    workbook.close()


def _map_header(header: list[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, title in enumerate(header):
        name = HEADER_ALIASES.get(_fold(title))
        if name and name not in columns:
            columns[name] = index
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        raise InvalidInput(code="import.missing_columns", missing=", ".join(missing), found=", ".join(header))
    return columns


def _apply(session: Session, record: dict[str, str], actor: str) -> str:
    code, name, unit_path = record["code"], record["full_name"], record["unit"]
    if not code:
        raise InvalidInput(code="import.code_empty")
    if not name:
        raise InvalidInput(code="import.name_empty")
    if not unit_path:
        raise InvalidInput(code="import.unit_empty")
    pin = _pin(record.get("pin", ""))
    start = _date(record.get("start_date", ""))
    unit, _ = ensure_unit_path(session=session, path=unit_path)
    assert unit.id is not None
    existing = session.exec(select(Staff).where(Staff.code == code)).first()
    if existing is None:
        create_staff(session=session, unit_id=unit.id, code=code, full_name=name, pin=pin,
                     card=record.get("card") or None, position=record.get("position") or None,
                     start_date=start, actor=actor)
        return "created"
    changed = False
    before = audit.snapshot(existing)
    if existing.pin != pin:
        assign_pin(session=session, staff=existing, pin=pin, actor=actor)
        changed = True
    for attr in ("full_name", "card", "position"):
        value = (name if attr == "full_name" else record.get(attr)) or None
        value = clean_text(value, what=attr, max_length=CARD_MAX if attr == "card" else 200)
        if value is not None and getattr(existing, attr) != value:
            setattr(existing, attr, value)
            changed = True
    if existing.unit_id != unit.id:
        move_staff(session=session, staff=existing, unit_id=unit.id, effective=date.today(), actor=actor)
        changed = True
    session.add(existing)
    session.flush()
    if changed:
        audit.record(session=session, actor=actor, action="staff.import_update", entity="staff",
                     entity_id=existing.id, before=before, after=audit.snapshot(existing))
    return "updated" if changed else "unchanged"


def _pin(value: str) -> str | None:
    value = value.strip()
    if value.endswith(".0") and value[:-2].isdigit():  # spreadsheets turn 12 into 12.0
        value = value[:-2]
    if value and not value.isdigit():
        raise InvalidInput(code="import.pin_digits", value=value)
    return value or None


def _date(value: str) -> date | None:
    value = value.strip()
    if not value:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise InvalidInput(code="import.bad_date", value=value)


def _cell(values: list[str], index: int) -> str:
    return values[index].strip() if index < len(values) and values[index] is not None else ""


def _fold(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D")
    stripped = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
    return " ".join(stripped.lower().replace("_", " ").split())
