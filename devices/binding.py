"""Where a push terminal may send from: ADMS has no credentials, so the address is its identity.

A registered push terminal is bound to networks given when it was registered (or inherited from
its unit), else to the address of its first contact (trust on first use). An upload from outside
the given networks is refused; one from a changed address after trust on first use is held whole
(`PushHold`) until an admin confirms the new address or rejects it, so nothing is lost and
nothing forged is counted.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from enum import StrEnum

from sqlmodel import Session

from attendance.models import Device, Unit
from attendance.org import ancestors
from devices.errors import BadDeviceInput

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class Verdict(StrEnum):
    ALLOW = "allow"
    HOLD = "hold"  # trusted-on-first-use address changed: keep the upload, count nothing
    REFUSE = "refuse"  # outside the networks the device is bound to


def parse_networks(text: str | None) -> list[Network]:
    """'10.1.2.0/24, 192.168.1.5' -> networks; BadDeviceInput on anything else."""
    networks: list[Network] = []
    for part in (text or "").replace(";", ",").replace(" ", ",").split(","):
        if not part:
            continue
        try:
            networks.append(ipaddress.ip_network(part, strict=False))
        except ValueError as err:
            raise BadDeviceInput(f"không phải địa chỉ hay mạng IP: {part[:60]!r}") from err
    return networks


def parse_networks_text(text: str) -> str:
    """The canonical text of a networks setting (what is stored)."""
    networks = parse_networks(text)
    if not networks:
        raise BadDeviceInput("cần ít nhất một địa chỉ hoặc mạng IP (ví dụ 10.1.2.0/24)")
    result = ", ".join(str(n) for n in networks)
    if len(result) > 500:
        raise BadDeviceInput("danh sách mạng quá dài (tối đa 500 ký tự)")
    return result


def _ip(text: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address((text or "").strip())
    except ValueError:
        return None


def client_address(peer: str | None, forwarded_for: Sequence[str], trusted: Iterable[Network]) -> str:
    """The terminal's address: the TCP peer, unless that is a trusted proxy.

    Behind trusted proxies, the X-Forwarded-For chain is read from the right, skipping trusted
    hops; the first untrusted address is the client. Without trusted proxies the header is ignored,
    so nobody can claim an address by writing a header.
    """
    trusted = list(trusted)
    address = _ip(peer)
    if address is None:
        return peer or ""
    if not any(address in net for net in trusted):
        return str(address)
    chain = [hop.strip() for header in forwarded_for for hop in header.split(",") if hop.strip()]
    for hop in reversed(chain):
        hop_ip = _ip(hop)
        if hop_ip is None:
            return str(address)  # a garbled header: believe only the proxy itself
        if not any(hop_ip in net for net in trusted):
            return str(hop_ip)
        address = hop_ip
    return str(address)


def allowed_networks(session: Session, device: Device) -> list[Network]:
    """The device's own networks, else the nearest unit's that has some."""
    if device.push_allowed_from:
        return parse_networks(device.push_allowed_from)
    unit = session.get(Unit, device.unit_id) if device.unit_id is not None else None
    for level in ancestors(session=session, unit=unit) if unit is not None else []:
        if level.push_allowed_from:
            return parse_networks(level.push_allowed_from)
    return []


def check(session: Session, device: Device, address: str) -> Verdict:
    """Judge one request; pins the address at the first contact, notes a changed one as pending."""
    networks = allowed_networks(session, device)
    ip = _ip(address)
    if networks:
        return Verdict.ALLOW if ip is not None and any(ip in net for net in networks) else Verdict.REFUSE
    if device.push_pinned_address is None:
        device.push_pinned_address = address[:64]
        session.add(device)
        return Verdict.ALLOW
    if address == device.push_pinned_address:
        return Verdict.ALLOW
    if device.push_pending_address != address[:64]:
        device.push_pending_address = address[:64]
        session.add(device)
    return Verdict.HOLD
