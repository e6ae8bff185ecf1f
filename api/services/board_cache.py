"""The API's day board as JSON bytes and gzipped, built once per change of its inputs
(api.services.build_once: the key is what the board was built from)."""

from __future__ import annotations

import gzip
import json
from datetime import date, datetime

from sqlmodel import Session

from api.services.build_once import BuildOnce, board_key
from attendance.models import Unit
from attendance.queries import board_json, day_board

_boards: BuildOnce[tuple[bytes, bytes]] = BuildOnce(max_entries=64)


def board_bytes(*, session: Session, unit: Unit, day: date, now: datetime) -> tuple[bytes, bytes]:
    """The board of `unit` on `day` as JSON bytes and gzipped, rebuilt only when its inputs changed."""
    def build() -> tuple[bytes, bytes]:
        plain = json.dumps(board_json(day_board(session=session, unit=unit, day=day, now=now), unit, day),
                           ensure_ascii=False, separators=(",", ":")).encode()
        return plain, gzip.compress(plain, compresslevel=5, mtime=0)

    return _boards.get(board_key(session=session, unit=unit, day=day, now=now), build)


def clear() -> None:
    _boards.clear()
