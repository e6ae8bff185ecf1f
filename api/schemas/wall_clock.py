"""Wall-clock values in responses: a time of day or a device's reading, with no UTC offset.

OpenAPI's `time` and `date-time` formats are RFC 3339 and require an offset; a session start
("07:30:00") or a terminal's own clock reading ("2026-11-24T07:28:13") has none, so declaring them
with those formats made every such response break its own schema. They are declared as patterned
strings instead, saying what they are.
"""

from __future__ import annotations

import re
from datetime import datetime, time
from typing import Annotated

from pydantic import BeforeValidator, WithJsonSchema

_PLAIN_TIME = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]+)?)?$")


def _plain_local_time(value: object) -> object:
    """Session times are the unit's wall-clock times: 'HH:MM' or 'HH:MM:SS', no zone, no number."""
    if isinstance(value, time) and value.tzinfo is None:
        return value
    if not isinstance(value, str) or not _PLAIN_TIME.match(value.strip()):
        raise ValueError("a session time is a plain local time 'HH:MM' (the unit's own clock), "
                         f"without a zone, offset or number: got {value!r}")
    return value.strip()


LocalTime = Annotated[time, BeforeValidator(_plain_local_time), WithJsonSchema({
    "type": "string", "pattern": _PLAIN_TIME.pattern, "examples": ["07:30:00"],
    "description": "a wall-clock time in the unit's time zone (no offset)"})]

DeviceDateTime = Annotated[datetime, WithJsonSchema({
    "type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$",
    "examples": ["2026-11-24T07:28:13"],
    "description": "the time as the device reported it: naive device-local, or with its offset"})]
