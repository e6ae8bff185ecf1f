"""Vietnamese name order: given name, then family name, then middle names, in Vietnamese letter order."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import TypeVar

import icu  # type: ignore[import-untyped]

T = TypeVar("T")


@lru_cache(maxsize=65536)
def name_key(full_name: str, code: str = "") -> tuple[bytes, bytes, bytes, str]:
    """Sort key for a person: given name, family name, middle names (ICU's Vietnamese rules), then code.

    Vietnamese lists are alphabetised by the given name (the last word), the way an office roll-call is
    read; ICU's vi tailoring puts Đ after D, ă/â after a, and orders tones as Vietnamese dictionaries do.
    One key per part, not one for the joined name: ICU weighs tones only after every letter, so "Hà Phạm"
    would follow "Hạ Lý". Cached: the same people are sorted on every board refresh."""
    words = full_name.split()
    if not words:
        return (b"", b"", b"", code)
    collate = _collator().getSortKey
    given, family, middle = words[-1], words[0] if len(words) > 1 else "", " ".join(words[1:-1])
    return (bytes(collate(given)), bytes(collate(family)), bytes(collate(middle)), code)


def text_key(text: str) -> bytes:
    """Sort key for any Vietnamese text (unit names, department paths)."""
    return bytes(_collator().getSortKey(text))


def sort_people(items: Iterable[T], name: Callable[[T], str], code: Callable[[T], str] = lambda _: "") -> list[T]:
    """Items that stand for people, in Vietnamese name order."""
    return sorted(items, key=lambda item: name_key(name(item), code(item)))


@lru_cache(maxsize=1)
def _collator() -> icu.Collator:
    return icu.Collator.createInstance(icu.Locale("vi_VN"))
