"""Reading the audit log: the filters the API and the /audit page share, and what an entry changed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import col, select

from attendance.models import AuditEntry


def audit_query(*, entity: str | None = None, entity_id: str | None = None, actor: str | None = None,
                action: str | None = None, client: str | None = None, since: datetime | None = None,
                until: datetime | None = None) -> Any:
    """Entries matching every given filter; `action` is exact, or a prefix when it ends in '.'."""
    query = select(AuditEntry)
    for value, column in ((entity, AuditEntry.entity), (entity_id, AuditEntry.entity_id),
                          (actor, AuditEntry.actor), (client, AuditEntry.client)):
        if value is not None:
            query = query.where(col(column) == value)
    if action:
        query = query.where(col(AuditEntry.action).startswith(action) if action.endswith(".")
                            else col(AuditEntry.action) == action)
    if since is not None:
        query = query.where(col(AuditEntry.at) >= since)
    if until is not None:
        query = query.where(col(AuditEntry.at) < until)
    return query


def changes(entry: AuditEntry) -> list[tuple[str, Any, Any]]:
    """(field, before, after) for each field whose value differs, in the order the row lists them."""
    before, after = entry.before or {}, entry.after or {}
    keys = list(dict.fromkeys([*before, *after]))
    return [(key, before.get(key), after.get(key)) for key in keys if before.get(key) != after.get(key)]
