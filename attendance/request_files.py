"""Documents filed with a request (giấy mời, giấy khám bệnh): recognised by content, sealed at rest.

Only PDF, JPEG and PNG are kept, told apart by their first bytes (a name or a declared type
says nothing), up to the configured size. The bytes are sealed with the service's one sealing
(attendance.sealing, a key of their own), bound to the request, so a row copied to another
request does not open. Every reading is audited; rotating the secret re-seals them (`rekey`).
"""

from __future__ import annotations

from sqlmodel import Session, col, func, select

from attendance import audit
from attendance.errors import Conflict, InvalidInput, NotFound
from attendance.models import Request, RequestAttachment
from attendance.models.requests import OPEN_STATUSES
from attendance.sealing import SealBroken, Sealer
from attendance.timeutil import utcnow
from config import get_settings

# Magic numbers (first bytes) of the kinds kept.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)
EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}


PURPOSE = "request-attachments"  # the derived key's name: changing it would orphan every filed document


def sealer(*, secret_key: str | None = None) -> Sealer:
    """The documents' sealer for the configured secret (or an explicit one, for rotation)."""
    return Sealer(secret_key or get_settings().secret_key, purpose=PURPOSE)


def content_type_of(data: bytes) -> str | None:
    """The document's kind from its first bytes, or None when it is none of those kept."""
    for signature, content_type in _SIGNATURES:
        if data.startswith(signature):
            return content_type
    return None


def attach(*, session: Session, request: Request, filename: str, data: bytes, actor: str, sealer: Sealer,
           max_bytes: int, max_count: int) -> RequestAttachment:
    """Keep a document with a request that still waits for a decision."""
    name = _clean_name(filename)
    if not data:
        raise InvalidInput(code="attachment.empty")
    if len(data) > max_bytes:
        raise InvalidInput(code="attachment.too_large", filename=name, max_mb=_megabytes(max_bytes))
    content_type = content_type_of(data)
    if content_type is None:
        raise InvalidInput(code="attachment.bad_type", filename=name)
    if request.status not in OPEN_STATUSES:
        raise Conflict(code="attachment.request_closed")
    count = session.exec(select(func.count()).select_from(RequestAttachment).where(
        RequestAttachment.request_id == request.id)).one()
    if count >= max_count:
        raise InvalidInput(code="attachment.too_many", max=max_count)
    assert request.id is not None
    row = RequestAttachment(request_id=request.id, filename=name, content_type=content_type, size=len(data),
                            sealed=sealer.seal(data, context=_context(request.id)), uploaded_by=actor,
                            uploaded_at=utcnow())
    session.add(row)
    session.flush()
    audit.record(session=session, actor=actor, action="attachment.add", entity="request", entity_id=request.id,
                 after={"attachment_id": row.id, "filename": name, "content_type": content_type, "size": len(data)})
    return row


def attachments_of(*, session: Session, request_ids: list[int]) -> dict[int, list[RequestAttachment]]:
    """The attachments of these requests (without opening them), oldest first."""
    result: dict[int, list[RequestAttachment]] = {}
    for offset in range(0, len(request_ids), 900):
        rows = session.exec(select(RequestAttachment).where(
            col(RequestAttachment.request_id).in_(request_ids[offset:offset + 900]))
            .order_by(col(RequestAttachment.id)))
        for row in rows:
            result.setdefault(row.request_id, []).append(row)
    return result


def open_attachment(*, session: Session, request: Request, attachment_id: int, actor: str, sealer: Sealer,
                    client: str | None = None) -> tuple[RequestAttachment, bytes]:
    """The document's bytes, for someone the caller has checked may see the request; audited."""
    row = session.get(RequestAttachment, attachment_id)
    if row is None or row.request_id != request.id:
        raise NotFound(code="attachment.unknown_id", attachment_id=attachment_id)
    assert request.id is not None
    try:
        data = sealer.open(row.sealed, context=_context(request.id))
    except SealBroken as err:  # wrong key or altered bytes
        raise Conflict(code="attachment.unreadable") from err
    audit.record(session=session, actor=actor, action="attachment.view", entity="request", entity_id=request.id,
                 after={"attachment_id": row.id, "filename": row.filename}, client=client)
    return row, data


def rekey(*, session: Session, old: Sealer, new: Sealer) -> int:
    """Re-seal every filed document under a new secret (secret rotation); returns how many."""
    count = 0
    for row in session.exec(select(RequestAttachment)):
        row.sealed = old.reseal(row.sealed, context=_context(row.request_id), new=new)
        session.add(row)
        count += 1
    session.flush()
    return count


def _context(request_id: int) -> str:
    return f"request:{request_id}"


def _clean_name(filename: str) -> str:
    """The last part of the name as uploaded, without control characters, at most 200 characters."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    return (base or "tep")[:200]


def _megabytes(value: int) -> str:
    return f"{value / 1_000_000:g}"
