"""Shapes every area shares: pages of results, error bodies, the responses routes document."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field

T = TypeVar("T")

MAX_LIMIT = 500


class Page(BaseModel, Generic[T]):
    """One page of a list: `items`, the `total` matching the filters, and the window asked for."""

    items: list[T]
    total: int = Field(examples=[42])
    limit: int = Field(examples=[50])
    offset: int = Field(examples=[0])


class Problem(BaseModel):
    """An error: a human-readable `detail` and, for domain errors, the error's name."""

    detail: str = Field(examples=["no staff member with id 7"])
    error: str | None = Field(None, examples=["UnknownStaff"])
    code: str | None = Field(None, examples=["staff.unknown_id"])
    message: str | None = Field(None, examples=["Không tìm thấy cán bộ này (mã số 7)."],
                                description="The error in the caller's language (?lang=, the lang cookie; else Vietnamese)")


class FieldError(BaseModel):
    field: str = Field(examples=["body.start_date"])
    reason: str = Field(examples=["Input should be a valid date"])


class ValidationProblem(BaseModel):
    """422: what was wrong, field by field (`errors`), plus FastAPI's own `detail` list."""

    detail: list[dict[str, Any]] | str
    errors: list[FieldError] = []


def _problem(description: str) -> dict[str, Any]:
    return {"model": Problem, "description": description}


COMMON_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _problem("The request is not possible"),
    401: _problem("Not authenticated"),
    403: _problem("Not allowed for this account"),
    404: _problem("No such record, or not visible to this account"),
    409: _problem("Conflicts with existing data"),
    413: _problem("Body too large"),
    422: {"model": ValidationProblem, "description": "Invalid input: the field and the reason"},
    429: _problem("Too many attempts"),
}
