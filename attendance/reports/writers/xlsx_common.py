"""Deterministic XLSX saving and the cell styles both workbooks share."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.worksheet.worksheet import Worksheet

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
BOLD = Font(name="Times New Roman", bold=True, size=11)
TITLE = Font(name="Times New Roman", bold=True, size=14)
PLAIN = Font(name="Times New Roman", size=11)
ITALIC = Font(name="Times New Roman", italic=True, size=10)
HEADER_FILL = PatternFill("solid", fgColor="DDE5F0")
WEEKEND_FILL = PatternFill("solid", fgColor="EEEEEE")
FLAG_FILL = PatternFill("solid", fgColor="F8D7DA")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=False)


CELL, TEXT, WEEKEND, FLAG, HEAD = "r_cell", "r_text", "r_weekend", "r_flag", "r_head"


def add_styles(workbook: Workbook) -> None:
    """Named cell styles: assigning one is far cheaper than setting font, border, fill one by one."""
    for name, font, alignment, fill in ((CELL, PLAIN, CENTER, None), (TEXT, PLAIN, LEFT, None),
                                        (WEEKEND, PLAIN, CENTER, WEEKEND_FILL), (FLAG, PLAIN, LEFT, FLAG_FILL),
                                        (HEAD, BOLD, CENTER, HEADER_FILL)):
        style = NamedStyle(name=name, font=font, alignment=alignment, border=BORDER)
        if fill is not None:
            style.fill = fill
        workbook.add_named_style(style)


def put(sheet: Worksheet, row: int, column: int, value: object, style: str) -> None:
    """Write a value as data: text that starts with '=' stays text, never a formula."""
    cell = sheet.cell(row, column, value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    cell.style = style


def save_workbook(workbook: Workbook, stamp: datetime) -> bytes:
    """The workbook as bytes that depend only on its content and `stamp` (no clock, no zip dates)."""
    naive = stamp.replace(tzinfo=None, microsecond=0)
    workbook.properties.created = naive
    workbook.properties.modified = naive
    workbook.properties.creator = "attendance-service"
    workbook.properties.lastModifiedBy = "attendance-service"
    raw = io.BytesIO()
    workbook.save(raw)
    raw.seek(0)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                # openpyxl stamps 'modified' with the clock while saving; put the report's stamp back.
                content = _MODIFIED.sub(rb"\g<1>" + f"{naive:%Y-%m-%dT%H:%M:%SZ}".encode() + rb"\g<2>", content)
            target.writestr(fixed, content)
    return out.getvalue()


def parse_stamp(value: str) -> datetime:
    return datetime.fromisoformat(value)


def sheet_title(name: str, taken: set[str]) -> str:
    """An Excel sheet name (31 chars, none of []:*?/\\) unique in the workbook."""
    clean = "".join("-" if ch in '[]:*?/\\' else ch for ch in name).strip() or "Sheet"
    title, counter = clean[:31], 2
    while title.lower() in taken:
        suffix = f" ({counter})"
        title, counter = clean[:31 - len(suffix)] + suffix, counter + 1
    taken.add(title.lower())
    return title
