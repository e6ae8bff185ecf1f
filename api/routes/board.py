"""The unit day board and a person's month."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["attendance"])
