"""Role-aware navigation: each entry shows only to users who may open it."""

from __future__ import annotations

from dataclasses import dataclass

from api.auth.principal import Principal
from api.auth.roles import Permission as P
from api.pages.i18n import translate


@dataclass(frozen=True, slots=True)
class NavItem:
    href: str
    label: str
    badge: int = 0  # e.g. requests waiting for the user's decision
    badge_label: str = ""


_ITEMS: list[tuple[str, str, tuple[P, ...]]] = [
    ("/today", "nav.today", (P.BOARD_READ,)),
    ("/me", "nav.my_month", ()),
    ("/requests", "nav.requests", (P.REQUESTS_READ, P.REQUESTS_FILE)),
    ("/notifications", "nav.notifications", ()),
    ("/month", "nav.month", (P.REPORTS_READ,)),
    ("/staff", "nav.staff", (P.STAFF_READ,)),
    ("/calendar", "nav.calendar", (P.SCHEDULES_READ,)),
    ("/devices", "nav.devices", (P.DEVICES_READ,)),
    ("/faces", "nav.faces", (P.BIOMETRICS_MANAGE,)),
    ("/users", "nav.users", (P.USERS_MANAGE,)),
    ("/audit", "nav.audit", (P.AUDIT_READ,)),
    ("/kiosk", "nav.kiosk", (P.BOARD_READ,)),
    ("/units/changes", "nav.units_changes", (P.UNITS_WRITE,)),
]


def navigation(principal: Principal, language: str) -> list[NavItem]:
    """The entries this user may open, in their language."""
    from api.pages.badge import menu_badges

    badges = menu_badges(principal)
    items = []
    for href, key, needs in _ITEMS:
        if href == "/me" and principal.staff_id is None:
            continue
        if needs and not any(principal.can(p) for p in needs):
            continue
        count = badges.get(href, 0)
        items.append(NavItem(href, translate(key, language), count,
                             translate("nav.pending_badge", language, n=count) if count else ""))
    return items


def home_for(principal: Principal) -> str:
    """Where a user lands after logging in."""
    if principal.can(P.BOARD_READ):
        return "/today"
    if principal.staff_id is not None:
        return "/me"
    if principal.can(P.REPORTS_READ):  # a province office: reports only
        return "/month"
    return "/requests"
