"""Bodies and answers of the requests' workflow: bulk decisions, revocation, attachments, the count."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.activity import RequestPublic

MAX_BULK = 500


class BulkDecisionIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"request_ids": [12, 13, 14], "decision": "approve", "comment": "Đồng ý"}]})

    request_ids: list[int] = Field(min_length=1, max_length=MAX_BULK)
    decision: Literal["approve", "reject"]
    comment: str | None = Field(None, max_length=2000)


class Refused(BaseModel):
    request_id: int
    code: str | None
    detail: str
    message: str


class BulkDecisionOut(BaseModel):
    decided: list[RequestPublic]
    refused: list[Refused]


class RevokeIn(BaseModel):
    reason: str = Field(min_length=1, max_length=2000)


class AttachmentPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    request_id: int
    filename: str
    content_type: str
    size: int
    uploaded_by: str
    uploaded_at: datetime


class PendingCount(BaseModel):
    count: int = Field(description="requests waiting for this caller's decision")
