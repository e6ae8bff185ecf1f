"""Recording changes in the audit log (never edited, never deleted)."""

from __future__ import annotations

from datetime import date, datetime, time
from enum import Enum
from typing import Any

from sqlmodel import Session, SQLModel

from attendance.models import AuditEntry
from attendance.timeutil import utcnow


def snapshot(obj: SQLModel | None) -> dict[str, Any] | None:
    """A JSON-safe copy of a row's fields, for before/after values."""
    if obj is None:
        return None
    derived = getattr(obj, "__audit_exclude__", ())
    return {key: _jsonable(value) for key, value in obj.model_dump().items() if key not in derived}


def record(
    *,
    session: Session,
    actor: str,
    action: str,
    entity: str,
    entity_id: object = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str | None = None,
    client: str | None = None,
) -> AuditEntry:
    """Append one audit entry (flushed with the caller's unit of work)."""
    entry = AuditEntry(
        at=utcnow(),
        actor=actor,
        action=action,
        entity=entity,
        entity_id=None if entity_id is None else str(entity_id),
        before=before,
        after=after,
        reason=reason,
        client=client[:100] if client else None,
    )
    session.add(entry)
    return entry


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return value
