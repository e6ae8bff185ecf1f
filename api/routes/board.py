"""The unit day board and a person's month."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from api.auth.principal import Principal
from api.auth.roles import Permission
from api.deps import CurrentStaff, CurrentUnit, SessionDep, require, require_any
from api.schemas.activity import BoardOut, PersonMonthOut
from api.schemas.common import COMMON_RESPONSES
from api.services.board_cache import board_bytes
from attendance.queries import person_month
from attendance.timeutil import utcnow
from attendance.zones import unit_today

router = APIRouter(tags=["attendance"], responses=COMMON_RESPONSES)
BoardRead = Annotated[Principal, Depends(require(Permission.BOARD_READ))]
SelfOrStaffRead = Annotated[Principal, Depends(require_any(Permission.STAFF_READ, Permission.SELF_READ))]


@router.get("/units/{unit_id}/board", summary="Everyone of a unit (sub-units included) on one day, both sessions",
            response_model=BoardOut)
def board(unit: CurrentUnit, session: SessionDep, _: BoardRead, request: Request,
          day: Annotated[date | None, Query(ge=date(2000, 1, 1), le=date(2200, 12, 31),
                                            description="local date; default today")] = None) -> Response:
    now = utcnow()
    day = day or unit_today(session=session, unit=unit, now=now)
    plain, zipped = board_bytes(session=session, unit=unit, day=day, now=now)
    if "gzip" in request.headers.get("accept-encoding", ""):
        return Response(zipped, media_type="application/json",
                        headers={"Content-Encoding": "gzip", "Vary": "Accept-Encoding"})
    return Response(plain, media_type="application/json", headers={"Vary": "Accept-Encoding"})


@router.get("/staff/{staff_id}/month", summary="One person's month: sessions, raw punches, leave balance")
def month(staff: CurrentStaff, session: SessionDep, _: SelfOrStaffRead,
          year: Annotated[int, Query(ge=2000, le=2200)], month: Annotated[int, Query(ge=1, le=12)]) -> PersonMonthOut:
    assert staff.id is not None
    return PersonMonthOut.model_validate(person_month(session=session, staff_id=staff.id, year=year, month=month))
