"""Limits of the requests' workflow."""

from __future__ import annotations

from pydantic import BaseModel, Field


class RequestPolicy(BaseModel):
    """`ATTENDANCE_REQUESTS__MAX_ATTACHMENT_BYTES` etc."""

    max_attachment_bytes: int = Field(5_000_000, ge=1_000, le=50_000_000,
                                      description="largest document filed with a request")
    max_attachments: int = Field(5, ge=1, le=50, description="documents per request")
    page_size: int = Field(50, ge=5, le=500, description="requests per page of the list")
