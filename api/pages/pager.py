"""Page links for server-side lists: previous/next keep every filter of the current URL."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlencode

from fastapi import Query
from pydantic import BeforeValidator, Field
from starlette.requests import Request

from api.deps import MAX_ID

PAGE_SIZE = 50
MAX_PAGE = 100_000

PageQuery = Annotated[int, Query(ge=1, le=MAX_PAGE)]
# A list filter's select sends "" for "all": that is no filter, not an error.
BlankIdQuery = Annotated[Annotated[int, Field(ge=1, le=MAX_ID)] | None,
                         BeforeValidator(lambda v: None if v == "" else v), Query()]


@dataclass(frozen=True, slots=True)
class Pager:
    page: int
    pages: int
    total: int
    first: int  # 1-based index of the first row shown
    last: int
    previous: str | None
    next: str | None


def pager(request: Request, *, total: int, page: int, size: int = PAGE_SIZE, path: str | None = None) -> Pager:
    """Where this page sits in `total` rows, with links to its neighbours (on `path`, default this one)."""
    pages = max(1, -(-total // size))
    page = min(page, pages)

    def link(number: int) -> str:
        params = [(k, v) for k, v in request.query_params.multi_items() if k != "page"] + [("page", str(number))]
        return f"{path or request.url.path}?{urlencode(params)}"

    first = (page - 1) * size + 1 if total else 0
    return Pager(page=page, pages=pages, total=total, first=first, last=min(total, page * size),
                 previous=link(page - 1) if page > 1 else None, next=link(page + 1) if page < pages else None)


def offset_of(page: int, size: int = PAGE_SIZE) -> int:
    return (page - 1) * size
