"""Dependencies shared by routes and pages, as Annotated aliases. These names are stable.

(The permission checks are `async`: they do no I/O, so they skip the thread pool.)

- `SessionDep`: one unit of work per request (committed when the route returns).
- `CurrentPrincipal`: any authenticated caller, user or device (401 otherwise).
- `CurrentUser`: an authenticated *user* (a `Principal` whose `.user` is set); 401/403 otherwise.
- `OptionalUser`: the user or None (pages that also show something to anonymous visitors).
- `require(*permissions)`: a dependency returning the caller if they hold every permission, else 403.
- `CurrentStaff`, `CurrentUnit`, `CurrentDevice`, `CurrentRequest`: load the path's `{staff_id}`,
  `{unit_id}`, `{device_id}`, `{request_id}` or 404; a record outside the caller's scope is a 404 too,
  so ids cannot be probed.

Callers authenticate with `Authorization: Bearer <token>` (a user's access token from
`POST /api/auth/login`, or a device token `dev_...`) or with the session cookie set by
`POST /api/auth/session` (pages). Cookie-authenticated writes from another origin are refused.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from functools import lru_cache
from typing import Annotated

from fastapi import Depends, HTTPException, Path, Request, status
from fastapi.security import OAuth2PasswordBearer
from sqlmodel import Session

from api.auth.principal import Principal
from api.auth.roles import Permission
from api.auth.service import check_enrolment, principal_for_token
from api.auth.settings import get_auth_settings
from api.auth.tokens import InvalidToken
from attendance.db import get_engine
from attendance.models import Device, Staff, Unit
from attendance.models import Request as LeaveRequest
from config import Settings, get_settings
from devices import binding

MAX_ID = 2_147_483_647
_oauth2 = OAuth2PasswordBearer(tokenUrl="/api/auth/token", auto_error=False)
_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
_ENROLMENT_PATHS = ("/api/auth/", "/account", "/logout", "/login")


def get_session() -> Iterator[Session]:
    """One unit of work per request: committed when the route returns without error."""
    with Session(get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


# scope="function": commit before the response is sent, so a read right after a write sees it.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def get_optional_principal(request: Request, session: SessionDep,
                           bearer: Annotated[str | None, Depends(_oauth2)]) -> Principal | None:
    """The caller from the bearer token or the session cookie, or None when there is neither."""
    token = bearer
    from_cookie = False
    if not token:
        token = request.cookies.get(get_auth_settings().cookie_name)
        from_cookie = bool(token)
    if not token:
        return None
    try:
        principal = principal_for_token(session=session, token=token)
    except InvalidToken as err:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid or expired credentials",
                            headers={"WWW-Authenticate": "Bearer"}) from err
    if from_cookie and request.method in _UNSAFE and not _same_origin(request):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "cross-origin request refused")
    if principal.user is not None and not request.url.path.startswith(_ENROLMENT_PATHS):
        check_enrolment(principal.user)  # a role that must use two-factor sign-in: only set-up until then
    return principal


async def get_principal(principal: Annotated[Principal | None, Depends(get_optional_principal)]) -> Principal:
    """The authenticated caller (user or device); 401 without credentials."""
    if principal is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "not authenticated",
                            headers={"WWW-Authenticate": "Bearer"})
    return principal


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


async def get_current_user(principal: CurrentPrincipal) -> Principal:
    """The authenticated user; a device token gets 403."""
    if principal.user is None:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "this needs a user account, not a device token")
    return principal


async def get_optional_user(principal: Annotated[Principal | None, Depends(get_optional_principal)]
                      ) -> Principal | None:
    return principal if principal is not None and principal.user is not None else None


CurrentUser = Annotated[Principal, Depends(get_current_user)]
OptionalUser = Annotated[Principal | None, Depends(get_optional_user)]


def require(*permissions: Permission) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency: the caller, if they hold every one of `permissions`; else 403."""

    async def check(principal: CurrentPrincipal) -> Principal:
        missing = [p.value for p in permissions if not principal.can(p)]
        if missing:
            raise HTTPException(status.HTTP_403_FORBIDDEN, f"missing permission: {', '.join(missing)}")
        return principal

    check.__name__ = "require_" + "_".join(p.value.replace(".", "_") for p in permissions)
    return check


def require_any(*permissions: Permission) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency: the caller, if they hold at least one of `permissions`; else 403."""

    async def check(principal: CurrentPrincipal) -> Principal:
        if not any(principal.can(p) for p in permissions):
            raise HTTPException(status.HTTP_403_FORBIDDEN,
                                f"needs one of: {', '.join(p.value for p in permissions)}")
        return principal

    return check


# Biometric endpoints (faces): the permission is granted per user, never implied by a role.
RequireBiometrics = Annotated[Principal, Depends(require(Permission.BIOMETRICS_MANAGE))]
RequireGallery = Annotated[Principal, Depends(require(Permission.GALLERY_READ))]
RequireHeartbeat = Annotated[Principal, Depends(require(Permission.DEVICE_HEARTBEAT))]

StaffId = Annotated[int, Path(ge=1, le=MAX_ID, description="staff id", examples=[1])]
UnitId = Annotated[int, Path(ge=1, le=MAX_ID, description="unit id", examples=[1])]
DeviceId = Annotated[int, Path(ge=1, le=MAX_ID, description="device id", examples=[1])]
RequestId = Annotated[int, Path(ge=1, le=MAX_ID, description="request id", examples=[1])]


def get_current_staff(staff_id: StaffId, session: SessionDep, principal: CurrentUser) -> Staff:
    """The staff member `{staff_id}` if the caller may see them (themselves, or in their units)."""
    staff = session.get(Staff, staff_id)
    if staff is None or not principal.sees_staff(staff_id=staff.id, unit_id=staff.unit_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no staff member with id {staff_id}")
    return staff


def get_current_unit(unit_id: UnitId, session: SessionDep, principal: CurrentUser) -> Unit:
    """The unit `{unit_id}` if it is in the caller's scope."""
    unit = session.get(Unit, unit_id)
    if unit is None or not principal.sees_unit(unit.id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no unit with id {unit_id}")
    return unit


def get_current_device(device_id: DeviceId, session: SessionDep, principal: CurrentUser) -> Device:
    """The device `{device_id}` if it belongs to a unit in the caller's scope (unassigned: admins)."""
    device = session.get(Device, device_id)
    if device is None or not principal.sees_unit(device.unit_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no device with id {device_id}")
    return device


def get_current_request(request_id: RequestId, session: SessionDep, principal: CurrentUser) -> LeaveRequest:
    """The leave/explanation request `{request_id}` if its person is visible to the caller."""
    row = session.get(LeaveRequest, request_id)
    staff = session.get(Staff, row.staff_id) if row is not None else None
    if row is None or staff is None or not principal.sees_staff(staff_id=staff.id, unit_id=staff.unit_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no request with id {request_id}")
    return row


CurrentStaff = Annotated[Staff, Depends(get_current_staff)]
CurrentUnit = Annotated[Unit, Depends(get_current_unit)]
CurrentDevice = Annotated[Device, Depends(get_current_device)]
CurrentRequest = Annotated[LeaveRequest, Depends(get_current_request)]


def client_address(request: Request) -> str:
    """The caller's address: the TCP peer, or, when that is a trusted proxy
    (`TERMINALS__TRUSTED_PROXIES`), the client its X-Forwarded-For names. The throttle, the audit log and
    the terminals' address binding all key on it; nobody else can choose it by writing a header."""
    trusted = _trusted_proxies(get_settings().terminals.trusted_proxies)
    peer = request.client.host if request.client else None
    return (binding.client_address(peer, request.headers.getlist("x-forwarded-for"), trusted) or "unknown")[:100]


@lru_cache(maxsize=8)
def _trusted_proxies(text: str) -> tuple[binding.Network, ...]:
    return tuple(binding.parse_networks(text))


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin") or request.headers.get("referer")
    if not origin:
        return True  # non-browser clients; browsers send Origin on cross-site POSTs
    host = request.headers.get("host", "")
    rest = origin.split("://", 1)[-1]
    return rest.split("/", 1)[0] == host
