"""Simulated terminals on free ports, registered devices for them."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from sqlmodel import Session

from attendance.models import Device
from devices.service import add_device
from devices.sim_server import SimulatorHandle, start_simulator


@pytest.fixture
def simulator() -> Iterator[Callable[..., SimulatorHandle]]:
    """Start simulators (stopped at the end of the test): simulator(users=.., punches=.., ...)."""
    handles: list[SimulatorHandle] = []

    def start(**kwargs: object) -> SimulatorHandle:
        handle = start_simulator(**kwargs)  # type: ignore[arg-type]
        handles.append(handle)
        return handle

    yield start
    for handle in handles:
        handle.stop()


def register(session: Session, handle: SimulatorHandle, index: int = 0, **kwargs: object) -> Device:
    """Register simulated terminal `index` as a pull device."""
    term = handle.terminals[index]
    kwargs.setdefault("comm_key", term.config.comm_key)
    device = add_device(session=session, serial=term.config.serial, host=handle.host, port=handle.ports[index],
                        actor="test", **kwargs)  # type: ignore[arg-type]
    session.commit()
    return device
