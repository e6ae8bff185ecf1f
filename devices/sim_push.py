"""The simulator in push mode: a SimTerminal speaking ADMS to a server, as real push terminals do.

It uploads its punches as ATTLOG lines, each enrolment as an OPERLOG `FP` line (or `BIODATA` on protocol 2.x firmware), fetches
queued commands with `getrequest`, carries them out on its memory (users, fingers) and reports each
result with `devicecmd`. `http` is any client with httpx's `get`/`post` (httpx.Client, TestClient).
"""

from __future__ import annotations

import base64
from typing import Any

from devices import zkfinger, zkproto
from devices.simulator import SimTerminal


class PushAgent:
    def __init__(self, terminal: SimTerminal, http: Any, *, biodata: bool = False) -> None:
        self.terminal = terminal
        self.http = http
        self.biodata = biodata
        self.serial = terminal.config.serial
        self._pending: list[tuple[str, zkfinger.RawFinger]] = []
        self._punches_sent = 0
        terminal.on_enrolment(lambda pin, finger: self._pending.append((pin, finger)))

    def handshake(self) -> str:
        return str(self.http.get(f"/iclock/cdata?SN={self.serial}&options=all&pushver=2.4.1&language=69").text)

    def upload_enrolments(self) -> str:
        """POST the enrolments made since the last upload; the server's reply."""
        lines, self._pending = [self._line(pin, f) for pin, f in self._pending], []
        if not lines:
            return "OK: 0"
        body = "\n".join(lines) + "\n"
        return str(self.http.post(f"/iclock/cdata?SN={self.serial}&table=OPERLOG&Stamp=1", content=body).text)

    def upload_punches(self) -> str:
        """POST the punches made since the last upload as ATTLOG lines (the verify mode in the fourth field)."""
        with self.terminal.lock:
            fresh = self.terminal.punches[self._punches_sent :]
            self._punches_sent = len(self.terminal.punches)
        lines = []
        for punch in fresh:
            try:
                when = zkproto.decode_time(punch.time)
            except ValueError:
                continue
            lines.append(f"{punch.user_id}\t{when:%Y-%m-%d %H:%M:%S}\t{punch.status}\t{punch.punch}\t0\t0")
        if not lines:
            return "OK: 0"
        body = "\n".join(lines) + "\n"
        return str(self.http.post(f"/iclock/cdata?SN={self.serial}&table=ATTLOG&Stamp={self._punches_sent}",
                                  content=body).text)

    def run(self, *, every: float, stop: Any) -> None:
        """As a terminal does: handshake, then upload and fetch commands every `every` seconds until `stop` is set."""
        self.handshake()
        while not stop.is_set():
            self.upload_punches()
            self.upload_enrolments()
            while self.poll_commands():
                pass
            stop.wait(every)

    def poll_commands(self) -> int:
        """Fetch and carry out the queued commands, confirming each; how many were run."""
        reply = str(self.http.get(f"/iclock/getrequest?SN={self.serial}").text)
        results = []
        for line in reply.splitlines():
            if not line.startswith("C:"):
                continue
            _c, command_id, command = line.split(":", 2)
            code = self._run(command)
            results.append(f"ID={command_id}&Return={code}&CMD={command.split(' ')[0]}")
        if results:
            self.http.post(f"/iclock/devicecmd?SN={self.serial}", content="\n".join(results) + "\n")
        return len(results)

    def _line(self, pin: str, finger: zkfinger.RawFinger) -> str:
        tmp = base64.b64encode(finger.template).decode()
        if self.biodata:
            return (f"BIODATA Pin={pin}\tNo={finger.finger}\tIndex=0\tValid=1\tDuress={int(finger.valid == 3)}\t"
                    f"Type=1\tMajorVer=10\tMinorVer=0\tFormat=0\tTmp={tmp}")
        return f"FP PIN={pin}\tFID={finger.finger}\tSize={len(tmp)}\tValid={finger.valid}\tTMP={tmp}"

    def _run(self, command: str) -> int:
        words = command.split(" ", 3)
        if len(words) < 4 or words[0] != "DATA":
            return -1
        action, table, rest = words[1], words[2], words[3]
        fields = {k.upper(): v for k, v in (p.split("=", 1) for p in rest.split("\t") if "=" in p)}
        term = self.terminal
        pin = fields.get("PIN", "")
        user = term.user_by_id(pin)
        if table == "USERINFO":
            if action == "UPDATE":
                card = fields.get("CARD", "")
                term.add_user(pin, fields.get("NAME", ""), int(fields.get("PRI", "0") or 0),
                              int(card) if card.isdigit() else 0)
            elif user is not None:
                term.delete_user(user.uid)
            return 0
        if table not in ("FINGERTMP", "BIODATA") or user is None:
            return -1
        finger = int(fields.get("FID") or fields.get("NO") or -1)
        with term.lock:
            if action == "UPDATE":
                template = base64.b64decode(fields.get("TMP", ""))
                term.templates[(user.uid, finger)] = zkfinger.RawFinger(user.uid, finger, template,
                                                                        int(fields.get("VALID", "1") or 1))
            else:
                term.templates.pop((user.uid, finger), None)
        return 0
