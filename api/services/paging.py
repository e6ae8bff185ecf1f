"""Limit/offset pages over a filtered query."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from fastapi import Query
from pydantic import BaseModel
from sqlmodel import Session, func, select

from api.schemas.common import MAX_LIMIT, Page

M = TypeVar("M", bound=BaseModel)

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="page size")]
Offset = Annotated[int, Query(ge=0, le=2_147_483_647, description="rows to skip")]


def paginate(session: Session, query: Any, *, model: type[M], order_by: Any, limit: int, offset: int) -> Page[M]:
    """One page of `query` as `model`s, with the total count of matching rows."""
    total = session.exec(select(func.count()).select_from(query.order_by(None).subquery())).one()
    rows = session.exec(query.order_by(*order_by).limit(limit).offset(offset)).all()
    return Page[model](items=[model.model_validate(row) for row in rows], total=total,  # type: ignore[valid-type]
                       limit=limit, offset=offset)
