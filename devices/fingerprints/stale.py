"""Telling the other pull terminals their users are out of date, when a terminal taught the service a card.

Their fingers and counters did not move, so without this mark the poller would not sync their users
and the card would wait for a hand-run sync.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from attendance.models import Device, DeviceKind
from devices import health


def mark_users_stale(session: Session, *, besides: int) -> None:
    ids = session.exec(select(Device.id).where(col(Device.enabled), Device.kind == DeviceKind.ZK_PULL,
                                               col(Device.id) != besides))
    for device_id in list(ids):
        state = health.sync_state(session=session, device_id=device_id or 0)
        state.users_stale = True
        session.add(state)
