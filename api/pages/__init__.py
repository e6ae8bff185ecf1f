"""The web pages: server-rendered (Jinja2), Vietnamese by default, with live updates over SSE."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.staticfiles import StaticFiles

from api.pages import (
    account,
    audit_page,
    board,
    calendar_edit_page,
    calendar_page,
    device_admin_page,
    devices_page,
    faces_page,
    kiosk,
    login,
    month,
    month_close_page,
    notifications,
    person,
    request_actions_page,
    requests,
    staff_page,
    units_page,
    users_page,
)
from api.pages.render import STATIC

router = APIRouter(include_in_schema=False)
for _module in (login, account, board, person, request_actions_page, requests, month, calendar_edit_page, calendar_page,
                device_admin_page, devices_page, faces_page, kiosk, notifications, units_page, staff_page, audit_page,
                month_close_page, users_page):
    router.include_router(_module.router)


def static_files() -> StaticFiles:
    """The stylesheet and script, mounted at /static."""
    return StaticFiles(directory=str(STATIC))
