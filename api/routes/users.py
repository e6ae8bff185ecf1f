"""Login accounts and device tokens (admin only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from sqlmodel import col, func, select

from api.auth.models import AuthSession, DeviceToken, User
from api.auth.principal import Principal
from api.auth.roles import Permission, Role
from api.auth.service import create_user, issue_device_token, revoke_device_token, set_password, update_user
from api.auth.sessions import active_sessions, end_all_sessions, end_session
from api.deps import MAX_ID, SessionDep, client_address, require
from api.schemas.auth import (
    AuthSessionPublic,
    DeviceTokenCreate,
    DeviceTokenCreated,
    DeviceTokenPublic,
    PasswordOut,
    PasswordReset,
    SessionsEnded,
    UserCreate,
    UserCreated,
    UserPublic,
    UserUpdate,
)
from api.schemas.common import COMMON_RESPONSES, MAX_LIMIT, Page
from api.services.account_scope import (
    account_condition,
    ensure_account_in_scope,
    ensure_device_in_scope,
    token_condition,
    token_in_scope,
    visible_account,
)
from api.services.scope import apply

router = APIRouter(prefix="/api", tags=["users"], responses=COMMON_RESPONSES)
Admin = Annotated[Principal, Depends(require(Permission.USERS_MANAGE))]
TokenAdmin = Annotated[Principal, Depends(require(Permission.DEVICE_TOKENS_MANAGE))]
UserId = Annotated[int, Path(ge=1, le=MAX_ID)]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
Offset = Annotated[int, Query(ge=0, le=MAX_ID)]


@router.get("/users", summary="List accounts")
def list_users(session: SessionDep, admin: Admin, role: Role | None = None, active: bool | None = None,
               q: Annotated[str | None, Query(max_length=100, description="part of username or name")] = None,
               limit: Limit = 50, offset: Offset = 0) -> Page[UserPublic]:
    query = apply(select(User), account_condition(admin))
    if role is not None:
        query = query.where(User.role == role)
    if active is not None:
        query = query.where(User.active == active)
    if q:
        pattern = f"%{q.lower()}%"
        query = query.where(col(User.username).like(pattern) | func.lower(User.full_name).like(pattern))
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(col(User.username)).limit(limit).offset(offset))
    return Page(items=[UserPublic.model_validate(r) for r in rows], total=total, limit=limit, offset=offset)


@router.post("/users", status_code=201, summary="Create an account (the password is shown once)")
def create(body: UserCreate, session: SessionDep, admin: Admin) -> UserCreated:
    user, password = create_user(session=session, username=body.username, role=body.role, password=body.password,
                                 full_name=body.full_name, unit_id=body.unit_id, staff_id=body.staff_id,
                                 grants=",".join(body.grants), actor=admin.actor)
    ensure_account_in_scope(session, admin, user)
    return UserCreated(user=UserPublic.model_validate(user), password=password)


@router.get("/users/{user_id}", summary="One account")
def read(user_id: UserId, session: SessionDep, admin: Admin) -> UserPublic:
    return UserPublic.model_validate(visible_account(session, admin, user_id))


@router.patch("/users/{user_id}", summary="Change role, unit, linked person, grants or active flag")
def update(user_id: UserId, body: UserUpdate, session: SessionDep, admin: Admin) -> UserPublic:
    user = visible_account(session, admin, user_id)
    changes = body.model_dump(exclude_unset=True)
    if "grants" in changes:
        changes["grants"] = ",".join(changes["grants"] or [])
    updated = update_user(session=session, user=user, changes=changes, actor=admin.actor)
    ensure_account_in_scope(session, admin, updated)
    return UserPublic.model_validate(updated)


@router.post("/users/{user_id}/password", summary="Reset an account's password (shown once)")
def reset_password(user_id: UserId, body: PasswordReset, request: Request, session: SessionDep,
                   admin: Admin) -> PasswordOut:
    user = visible_account(session, admin, user_id)
    return PasswordOut(password=set_password(session=session, user=user, password=body.password,
                                             actor=admin.actor, client=client_address(request)))


@router.get("/users/{user_id}/sessions", summary="An account's active sessions (browsers and API clients)")
def list_sessions(user_id: UserId, session: SessionDep, admin: Admin) -> list[AuthSessionPublic]:
    user = visible_account(session, admin, user_id)
    assert user.id is not None
    return [AuthSessionPublic.model_validate(row) for row in active_sessions(session=session, user_id=user.id)]


@router.delete("/users/{user_id}/sessions", summary="End every session of an account")
def end_sessions(user_id: UserId, request: Request, session: SessionDep, admin: Admin) -> SessionsEnded:
    user = visible_account(session, admin, user_id)
    return SessionsEnded(ended=end_all_sessions(session=session, user_id=user.id, reason="admin",
                                                actor=admin.actor, client=client_address(request)))


@router.delete("/users/{user_id}/sessions/{session_id}", status_code=204, summary="End one session of an account")
def end_one_session(user_id: UserId, session_id: UserId, request: Request, session: SessionDep,
                    admin: Admin) -> None:
    visible_account(session, admin, user_id)
    row = session.get(AuthSession, session_id)
    if row is None or row.user_id != user_id or row.ended_at is not None:
        raise HTTPException(404, f"no active session {session_id} for user {user_id}")
    end_session(session=session, row=row, reason="admin", actor=admin.actor, client=client_address(request))


@router.get("/device-tokens", summary="List device tokens (never their secrets)", tags=["devices"])
def list_tokens(session: SessionDep, admin: TokenAdmin, revoked: bool | None = None, limit: Limit = 50,
                offset: Offset = 0) -> Page[DeviceTokenPublic]:
    query = apply(select(DeviceToken), token_condition(admin))
    if revoked is not None:
        query = query.where(col(DeviceToken.revoked_at).is_not(None) if revoked
                            else col(DeviceToken.revoked_at).is_(None))
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(col(DeviceToken.id)).limit(limit).offset(offset))
    return Page(items=[DeviceTokenPublic.model_validate(r) for r in rows], total=total, limit=limit,
                offset=offset)


@router.post("/device-tokens", status_code=201, tags=["devices"],
             summary="Issue a token for a camera service or other machine (the secret is shown once)")
def create_token(body: DeviceTokenCreate, session: SessionDep, admin: TokenAdmin) -> DeviceTokenCreated:
    ensure_device_in_scope(session, admin, body.device_id)
    issued = issue_device_token(session=session, name=body.name, scopes=[s.value for s in body.scopes],
                                device_id=body.device_id, actor=admin.actor)
    return DeviceTokenCreated(token=DeviceTokenPublic.model_validate(issued.token), secret=issued.secret)


@router.delete("/device-tokens/{token_id}", summary="Revoke a device token", tags=["devices"])
def revoke_token(token_id: UserId, session: SessionDep, admin: TokenAdmin) -> DeviceTokenPublic:
    row = session.get(DeviceToken, token_id)
    if row is None or not token_in_scope(session, admin, row):
        raise HTTPException(404, f"no device token with id {token_id}")
    return DeviceTokenPublic.model_validate(revoke_device_token(session=session, token=row, actor=admin.actor))

