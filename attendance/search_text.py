"""The folded text a staff search runs on, and the stored key that orders people by name.

Searching must find "Nguyễn" from "nguyen" and "Đặng" from "dang" without folding 20,000 names per
request, so the folded text is stored in `staff.search_text` (indexed) and kept up to date whenever a
row is written; likewise `staff.name_order` holds the Vietnamese collation key (attendance.collation)
so the database can sort and page by name without handing every row to Python."""

from __future__ import annotations

import unicodedata

from attendance.collation import name_key

SEARCH_TEXT_MAX = 400


def fold(text: str) -> str:
    """Lowercase, diacritics removed, đ → d, whitespace collapsed: "Đặng  Thị Ánh" → "dang thi anh"."""
    text = text.replace("đ", "d").replace("Đ", "D")
    stripped = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
    return " ".join(stripped.lower().split())


def search_text_of(full_name: str | None, code: str | None, pin: str | None) -> str:
    """What a search matches: the folded name, then the code and PIN (each term may hit any of them)."""
    parts = [fold(full_name or ""), fold(code or ""), (pin or "").lower()]
    return " ".join(p for p in parts if p)[:SEARCH_TEXT_MAX]


def name_order_of(full_name: str | None, code: str | None) -> bytes:
    """One byte string ordering people as `collation.name_key` does (given, family, middle names, code).

    ICU sort keys end in a zero byte and hold no other, so the parts joined compare like the tuple."""
    given, family, middle, the_code = name_key(full_name or "", code or "")
    return given + family + middle + the_code.encode()


def search_terms(query: str | None) -> list[str]:
    """The folded words of a search box, each of which a match must contain."""
    return fold(query or "").split()[:8]
