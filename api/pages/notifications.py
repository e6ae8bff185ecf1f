"""Thông báo: the notices made for the signed-in account (the same ones e-mail carries), and its e-mail choice."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from api.deps import SessionDep
from api.notify import settings_of
from api.notify.listing import local_link, notices_of
from api.pages.deps import PageRoute, PageUser
from api.pages.i18n import language_of, translate
from api.pages.render import flash_redirect, render
from attendance.contact import InvalidEmail

router = APIRouter(route_class=PageRoute)
PAGE = 50


@router.get("/notifications", response_class=HTMLResponse, include_in_schema=False)
def notifications_page(request: Request, session: SessionDep, user: PageUser,
                       page: Annotated[int, Query(ge=1, le=10_000)] = 1) -> HTMLResponse:
    assert user.user is not None
    rows, total = notices_of(session=session, user=user.user, limit=PAGE, offset=(page - 1) * PAGE)
    return render(request, "notifications.html", {
        "notices": [(n, local_link(n.link), n.summary.splitlines()) for n in rows], "total": total, "page": page,
        "pages": max(1, (total + PAGE - 1) // PAGE),
        "settings": settings_of.of_account(session=session, user=user.user),
    }, user=user)


@router.post("/account/notifications", include_in_schema=False)
def change_settings(request: Request, session: SessionDep, user: PageUser,
                    email: Annotated[str, Form(max_length=300)] = "",
                    notify_email: Annotated[str, Form(max_length=10)] = "",
                    back: Annotated[str, Form(max_length=20)] = "/account") -> Response:
    assert user.user is not None
    language = language_of(request)
    target = back if back in ("/account", "/notifications") else "/account"
    try:
        settings_of.change(session=session, user=user.user, email=email, notify_email=notify_email == "on",
                           actor=user.actor)
    except InvalidEmail:
        session.rollback()
        from api.pages.account import account_page_with

        return account_page_with(request, session, user, error=translate("notice.bad_email", language),
                                 notify_form={"email": email, "notify_email": notify_email == "on"})
    session.commit()
    return flash_redirect(session, target, translate("notice.saved", language))
