"""Request body limits, one per route, in one place.

Terminals upload their whole backlog to /iclock after an outage: a 413 would make them resend
forever, so they get the terminal policy's limit (16 MiB); face photos get the face policy's limit
(phone photos are 2-5 MB, multipart adds a little); batches of punches a generous fixed one;
everything else 1 MB. `BodySizeLimit` (api/errors.py) applies them before a route reads the body.
"""

from __future__ import annotations

import re

from config import get_settings

DEFAULT_MAX_BODY = 1_000_000
BATCH_MAX_BODY = 8_000_000
_MULTIPART_OVERHEAD = 64 * 1024
_PHOTO_ROUTES = re.compile(r"^(/api)?/faces/[^/]+/photos$")
# Filing a request with its document, or adding one later.
_ATTACHMENT_ROUTES = re.compile(r"^(/requests|(/api)?/requests/[^/]+/attachments)$")


def body_limit(path: str) -> int:
    """The largest body the route at `path` accepts."""
    settings = get_settings()
    if path.startswith("/iclock/"):
        return settings.terminals.max_upload_bytes
    if _PHOTO_ROUTES.match(path):
        return settings.faces.max_upload_bytes + _MULTIPART_OVERHEAD
    if _ATTACHMENT_ROUTES.match(path):
        return settings.requests.max_attachment_bytes + _MULTIPART_OVERHEAD
    if path == "/api/punches/batch":
        return BATCH_MAX_BODY
    return DEFAULT_MAX_BODY
