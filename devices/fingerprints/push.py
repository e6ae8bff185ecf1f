"""Fingerprints push terminals upload: `FP PIN=..\tFID=..\tSize=..\tValid=..\tTMP=<base64>` lines, or
`BIODATA Pin=..\tNo=<finger>\tIndex=..\tValid=..\tDuress=..\tType=1\t...\tTmp=<base64>` on protocol 2.x
firmware (Type 1 is a fingerprint; faces and palms are other types, not kept here)."""

from __future__ import annotations

import base64
import binascii

from sqlmodel import Session

from attendance.errors import InvalidInput
from attendance.models import Device
from attendance.sealing import Sealer
from attendance.terminal_values import is_valid_pin
from attendance.timeutil import to_local, utcnow
from devices import health
from devices.fingerprints import harvest, store
from devices.fingerprints.store import Finger

FINGERPRINT_TYPE = "1"


def parse_line(kind: str, rest: str) -> Finger | None:
    """The finger of one FP or BIODATA line; None for biometrics that are not fingers; InvalidInput if bad."""
    fields = dict(part.split("=", 1) for part in rest.split("\t") if "=" in part)
    if kind == "BIODATA":
        if fields.get("Type", "").strip() != FINGERPRINT_TYPE:
            return None
        pin, finger, tmp = fields.get("Pin", ""), fields.get("No", ""), fields.get("Tmp", "")
        valid = "3" if fields.get("Duress", "0").strip() == "1" else fields.get("Valid", "1")
    else:
        pin, finger, tmp, valid = fields.get("PIN", ""), fields.get("FID", ""), fields.get("TMP", ""), \
            fields.get("Valid", "1")
    pin, finger, valid = pin.strip(), finger.strip(), valid.strip()
    if not is_valid_pin(pin) or not finger.isdigit() or not 0 <= int(finger) <= 9 or not valid.isdigit():
        raise InvalidInput(f"dòng {kind} thiếu PIN hoặc số ngón tay hợp lệ")
    try:
        template = base64.b64decode(tmp.strip(), validate=True)
    except (binascii.Error, ValueError) as err:
        raise InvalidInput(f"mẫu vân tay của dòng {kind} không phải base64") from err
    if not template:
        raise InvalidInput(f"dòng {kind} không có mẫu vân tay")
    return Finger(pin, int(finger), template, min(int(valid), 127))


def keep(*, session: Session, device: Device, fingers: list[Finger], biodata: bool | None, actor: str,
         cards: dict[str, int] | None = None, seal: Sealer | None = None) -> harvest.Harvest:
    """Keep fingers and card numbers a push terminal uploaded (enrolments there); remember which format it
    speaks (`biodata`; None: the upload held no finger, so it says nothing of that)."""
    state = health.sync_state(session=session, device_id=device.id or 0)
    if biodata is not None and state.biodata != biodata:
        state.biodata = biodata
        session.add(state)
    today = to_local(utcnow(), health.device_zone(device, session)).date()
    return harvest.harvest(session=session, device=device, fingers=fingers, cards=cards or {}, seal=seal or store.sealer(),
                           actor=actor, today=today, enrolment=True)
