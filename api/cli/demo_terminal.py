"""The demo's door: a simulated ZKTeco terminal holding the demo staff, polled like a real one.

A background "door" adds a punch for a random person now and then, so the board and the kiosk
move while someone watches; the poller pulls it through pyzk and the ledger like any terminal.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass

from sqlmodel import Session, col, select

from attendance.db import get_engine
from attendance.demo import DEMO_DEVICE
from attendance.models import Device, Staff
from devices.poller import Poller
from devices.sim_server import SimulatorHandle, start_simulator
from devices.simulator import SimTerminal, TerminalConfig

DOOR_INTERVAL_SECONDS = 20.0
POLL_INTERVAL_SECONDS = 10


@dataclass
class DemoTerminal:
    simulator: SimulatorHandle
    stop: threading.Event
    threads: list[threading.Thread]

    @property
    def port(self) -> int:
        return self.simulator.ports[0]

    def close(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(5)
        self.simulator.stop()


def start_demo_terminal(*, door_interval: float = DOOR_INTERVAL_SECONDS) -> DemoTerminal:
    """Start the simulated door terminal, point the demo device at it, and poll it."""
    engine = get_engine()
    terminal = SimTerminal(TerminalConfig(serial=DEMO_DEVICE))
    with Session(engine) as session:
        people = list(session.exec(select(Staff).where(col(Staff.active), col(Staff.pin).is_not(None))))
        for person in people:
            terminal.add_user(str(person.pin), _ascii(person.full_name))
    simulator = start_simulator(terminals=[terminal])
    with Session(engine) as session:
        device = session.exec(select(Device).where(Device.serial == DEMO_DEVICE)).one()
        device.host, device.port, device.poll_interval_seconds = "127.0.0.1", simulator.ports[0], POLL_INTERVAL_SECONDS
        device.next_poll_at = None
        session.add(device)
        session.commit()
    stop = threading.Event()
    poller = Poller(engine=engine, serials=[DEMO_DEVICE], workers=1)
    pins = [str(p.pin) for p in people]
    threads = [
        threading.Thread(target=poller.run, kwargs={"stop": stop}, name="demo-poller", daemon=True),
        threading.Thread(target=_door, args=(terminal, pins, stop, door_interval), name="demo-door", daemon=True),
    ]
    for thread in threads:
        thread.start()
    return DemoTerminal(simulator, stop, threads)


def _door(terminal: SimTerminal, pins: list[str], stop: threading.Event, interval: float) -> None:
    rnd = random.Random()
    while pins and not stop.wait(rnd.uniform(interval / 2, interval * 1.5)):
        terminal.add_punch(rnd.choice(pins))


def _ascii(name: str) -> str:
    """Terminals show names in ASCII: drop the diacritics (đ -> d)."""
    import unicodedata

    name = name.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", name) if unicodedata.category(c) != "Mn")[:24]
