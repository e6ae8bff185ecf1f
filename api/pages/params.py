"""Path and query parameters of the pages, bounded so no value a browser can send reaches the database
unchecked (out-of-range ids and years become the error page, never a 500)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

from api.deps import MAX_ID

FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_EVENT_ID = 2**63 - 1

IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]
IdQuery = Annotated[int | None, Query(ge=1, le=MAX_ID)]
YearQuery = Annotated[int | None, Query(ge=FIRST_YEAR, le=LAST_YEAR)]
MonthQuery = Annotated[int | None, Query(ge=1, le=12)]
EventIdQuery = Annotated[int, Query(ge=-1, le=MAX_EVENT_ID)]
