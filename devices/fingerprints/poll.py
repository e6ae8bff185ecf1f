"""The poller's finger step, after each pull: cheap when nothing moved.

Reading a terminal's template buffer is its costliest read, so the poller reads it only when the
terminal's counters (users, fingers, cards: the status read the pull already made) differ from those at
the last read, or the last read is a day old (a re-enrolment keeps the count). Writing needs no
terminal read to decide: the database's holdings say what each terminal lacks, and a card learnt
on another terminal marks its users stale.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session

from attendance.models import Device
from attendance.sealing import Sealer
from attendance.timeutil import to_local, utcnow
from devices import health
from devices.fingerprints import distribute
from devices.fingerprints.service import sync_device
from devices.models import DeviceSyncState
from devices.terminal import Terminal, TerminalStatus

FULL_READ_EVERY = timedelta(days=1)  # re-enrolments with an unchanged count are caught within this


@dataclass(frozen=True, slots=True)
class FingerStep:
    harvested: bool = False  # the terminal's fingers were read
    distributed: bool = False  # users synced and fingers written or removed


def counters_moved(state: DeviceSyncState, status: TerminalStatus) -> bool:
    """Whether the terminal's users or fingers may have changed since its fingers were last read."""
    if state.harvested_at is None or utcnow() - state.harvested_at >= FULL_READ_EVERY:
        return True
    return _counters(state) != (status.user_count, status.finger_count, status.card_count)


def _counters(state: DeviceSyncState) -> tuple[int | None, int | None, int | None]:
    return state.harvest_users, state.harvest_fingers, state.harvest_cards


def after_pull(*, session: Session, device: Device, terminal: Terminal, status: TerminalStatus, seal: Sealer,
               actor: str) -> FingerStep:
    """Read the terminal's fingers if its counters moved; write what the holdings say it lacks."""
    state = health.sync_state(session=session, device_id=device.id or 0)
    harvest = counters_moved(state, status)
    if not harvest and not state.users_stale and not distribute.lacking(session=session, device=device, today=to_local(utcnow(), health.device_zone(device, session)).date()):
        return FingerStep()
    sync_device(session=session, device=device, terminal=terminal, seal=seal, actor=actor, harvested=not harvest)
    # Our own writes moved the counters: remember them as they now stand, read after the writes.
    after = terminal.status()
    state.harvest_users, state.harvest_fingers, state.harvest_cards = (after.user_count, after.finger_count,
                                                                       after.card_count)
    state.users_stale = False
    if harvest:
        state.harvested_at = utcnow()
    session.add(state)
    session.flush()
    return FingerStep(harvested=harvest, distributed=True)
