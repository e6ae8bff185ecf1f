"""Accounts and tokens: create, update, authenticate with rate limiting, resolve bearer tokens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

from sqlalchemy import Engine
from sqlmodel import Session, select

from api.auth import throttle, two_factor
from api.auth.models import AuthSession, DeviceToken, User
from api.auth.passwords import dummy_verify, hash_password, random_password, verify_password
from api.auth.principal import Principal
from api.auth.roles import DEVICE_SCOPES, Permission, Role, parse_grants, permissions_for, unit_scoped
from api.auth.sessions import SessionEnded, end_all_sessions, live_session
from api.auth.settings import get_auth_settings
from api.auth.strength import check_password_strength
from api.auth.throttle import TooManyAttempts
from api.auth.tokens import InvalidToken, decode_access_token, device_token_hash, new_device_secret
from attendance import audit
from attendance.errors import AttendanceError, Conflict, InvalidInput, NotFound, UnknownStaff, UnknownUnit
from attendance.models import Device, Staff, Unit
from attendance.org import organisation_of, subtree_ids
from attendance.timeutil import utcnow

_SECRET_FIELDS = {"password_hash", "token_hash", "totp_secret", "recovery_codes"}


class LoginFailed(AttendanceError):
    """Wrong username or password (deliberately not saying which)."""


class SecondFactorRequired(AttendanceError):
    """The password was right; the account also needs its two-factor code (`otp`)."""

    def __init__(self, user: User) -> None:
        super().__init__("this account signs in with a two-factor code too: send it as 'otp'")
        self.user = user


class TwoFactorEnrolmentRequired(AttendanceError):
    """The account's role must use two-factor sign-in and it is not set up yet (see /account)."""


class WrongPassword(InvalidInput):
    """The password given to confirm an action (e.g. the current one, to change it) is wrong."""


@dataclass(frozen=True, slots=True)
class IssuedDeviceToken:
    token: DeviceToken
    secret: str  # shown once, never stored


def create_user(*, session: Session, username: str, role: str, password: str | None = None,
                full_name: str = "", unit_id: int | None = None, staff_id: int | None = None,
                grants: str = "", actor: str) -> tuple[User, str]:
    """Create an account; returns (user, password) with a random password when none is given."""
    username = _clean_username(username)
    role = _role(role)
    if session.exec(select(User.id).where(User.username == username)).first() is not None:
        raise Conflict(code="user.username_taken", username=username)
    password = password if password is not None else random_password()
    staff = session.get(Staff, staff_id) if staff_id else None
    check_password_strength(password, username=username,
                            full_name=" ".join([full_name, staff.full_name if staff else ""]))
    user = User(username=username, full_name=full_name.strip(), password_hash=hash_password(password),
                role=role, created_at=utcnow())
    _apply(session, user, {"unit_id": unit_id, "staff_id": staff_id, "grants": grants})
    session.add(user)
    session.flush()
    audit.record(session=session, actor=actor, action="user.create", entity="user", entity_id=user.id,
                 after=user_snapshot(user))
    return user, password


def update_user(*, session: Session, user: User, changes: dict[str, object], actor: str) -> User:
    """Change role, unit, linked person, grants, name or active flag; deactivation revokes tokens."""
    before = user_snapshot(user)
    allowed = {"role", "unit_id", "staff_id", "grants", "full_name", "active"}
    unknown = set(changes) - allowed
    if unknown:
        raise InvalidInput(code="user.cannot_change", fields=", ".join(sorted(unknown)))
    if "role" in changes:
        changes["role"] = _role(str(changes["role"]))
    _apply(session, user, changes)
    if before and (before["role"] != user.role or before["active"] != user.active
                   or before["grants"] != user.grants or before["unit_id"] != user.unit_id):
        user.token_version += 1
    session.add(user)
    session.flush()
    audit.record(session=session, actor=actor, action="user.update", entity="user", entity_id=user.id,
                 before=before, after=user_snapshot(user))
    if not user.active:
        end_all_sessions(session=session, user_id=user.id, reason="deactivated", actor=actor)
    return user


def set_password(*, session: Session, user: User, password: str | None, actor: str,
                 client: str | None = None) -> str:
    """Set (or, with None, generate) a password; every session of the account ends."""
    password = password if password is not None else random_password()
    check_password_strength(password, username=user.username, full_name=_person_name(session, user))
    user.password_hash = hash_password(password)
    user.token_version += 1
    session.add(user)
    session.flush()
    audit.record(session=session, actor=actor, action="user.password", entity="user", entity_id=user.id,
                 client=client)
    end_all_sessions(session=session, user_id=user.id, reason="password", actor=actor, client=client)
    return password


def get_user(*, session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(code="user.unknown_id", user_id=user_id)
    return user


def authenticate(*, session: Session, username: str, password: str, client: str,
                 otp: str | None = None) -> User:
    """The active user with these credentials; every check is throttled per account-and-address.

    An account with two-factor sign-in also needs `otp` (a TOTP or recovery code): without it,
    SecondFactorRequired (the pages then ask for it on a second step)."""
    username = username.strip().lower()[:100]
    user = session.exec(select(User).where(User.username == username)).first()
    # A right password for a two-factor account is not forgiven until its code is right too: otherwise
    # every attempt would wipe the count its wrong code left, and the code could be guessed for ever.
    second_step = user is not None and two_factor.enabled(user)
    if not _throttled_check(session, username, password, user, client, action="auth.login", settle=not second_step):
        raise LoginFailed("wrong username or password")
    assert user is not None
    if second_step:
        if not otp:
            raise SecondFactorRequired(user)
        # One attempt, one slot: the password's slot stands for the code sent with it.
        complete_second_factor(session=session, user=user, code=otp, client=client, slot_taken=True)
        return user
    return _logged_in(session, user, client)


def complete_second_factor(*, session: Session, user: User, code: str, client: str,
                           slot_taken: bool = False) -> User:
    """The second step of a sign-in: the code must be right (throttled like a password; `slot_taken` when
    the same request's password check already took this attempt's slot)."""
    if not two_factor.check_code(session=session, user=user, code=code, client=client, slot_taken=slot_taken):
        _audit_now(cast(Engine, session.get_bind()), actor=f"user:{user.username}", action="auth.2fa_failed",
                   entity="user", entity_id=user.id, client=client)
        raise LoginFailed("wrong two-factor code")
    return _logged_in(session, user, client)


def check_enrolment(user: User) -> None:
    """TwoFactorEnrolmentRequired when the account's role needs two-factor sign-in it has not set up."""
    if two_factor.required(user) and not two_factor.enabled(user):
        raise TwoFactorEnrolmentRequired("two-factor sign-in is required for this account: set it up at /account")


def _logged_in(session: Session, user: User, client: str) -> User:
    user.last_login_at = utcnow()
    session.add(user)
    audit.record(session=session, actor=f"user:{user.username}", action="auth.login", entity="user",
                 entity_id=user.id, reason=f"from {client}", client=client)
    session.flush()
    return user


def confirm_password(*, session: Session, user: User, password: str, client: str) -> None:
    """Re-authentication (changing one's password, sensitive actions): throttled like a login."""
    if not _throttled_check(session, user.username, password, user, client, action="auth.reauth"):
        raise WrongPassword("the current password is wrong")


def principal_for_token(*, session: Session, token: str) -> Principal:
    """The caller behind a bearer token (a user's signed token or a device token)."""
    if token.startswith("dev_"):
        return _device_principal(session, token)
    claims = decode_access_token(token)
    user = session.get(User, claims.user_id)
    if user is None or not user.active or user.token_version != claims.version:
        raise InvalidToken("the token was revoked")
    try:
        auth_session = live_session(session=session, sid=claims.session_id, user_id=claims.user_id)
    except SessionEnded as err:
        raise InvalidToken(str(err)) from err
    return principal_for_user(session=session, user=user, auth_session=auth_session)


def principal_for_user(*, session: Session, user: User, auth_session: AuthSession | None = None) -> Principal:
    """A user's permissions and unit scope."""
    permissions = permissions_for(user.role, user.grants)
    if user.role in (Role.ADMIN, Role.PROVINCE) and user.unit_id is None:
        unit_ids: frozenset[int] | None = None
    elif user.role == Role.ADMIN:
        # An administrator with a unit administers its organisation: the whole tree of its top unit.
        unit = session.get(Unit, user.unit_id)
        top = organisation_of(session=session, unit=unit) if unit else None
        unit_ids = frozenset(subtree_ids(session=session, unit=top)) if top else frozenset()
    elif unit_scoped(user.role) and user.unit_id is not None:
        unit = session.get(Unit, user.unit_id)
        unit_ids = frozenset(subtree_ids(session=session, unit=unit)) if unit else frozenset()
    else:
        unit_ids = frozenset()
    return Principal(kind="user", actor=f"user:{user.username}", permissions=permissions, unit_ids=unit_ids,
                     user=user, auth_session=auth_session)


def issue_device_token(*, session: Session, name: str, scopes: list[str], device_id: int | None,
                       actor: str) -> IssuedDeviceToken:
    """A new device token with the given scopes; the secret is returned once and stored hashed."""
    name = name.strip()
    if not name:
        raise InvalidInput("a device token needs a name")
    try:
        wanted = {Permission(s) for s in scopes}
    except ValueError as err:
        raise InvalidInput(str(err)) from err
    if not wanted or not wanted <= DEVICE_SCOPES:
        allowed = ", ".join(sorted(p.value for p in DEVICE_SCOPES))
        raise InvalidInput(f"device token scopes must be among: {allowed}")
    if device_id is not None and session.get(Device, device_id) is None:
        raise NotFound(f"no device with id {device_id}")
    secret = new_device_secret()
    row = DeviceToken(name=name, token_hash=device_token_hash(secret), scopes=",".join(sorted(wanted)),
                      device_id=device_id, created_by=actor, created_at=utcnow())
    session.add(row)
    session.flush()
    audit.record(session=session, actor=actor, action="device_token.create", entity="device_token",
                 entity_id=row.id, after=user_snapshot(row))
    return IssuedDeviceToken(row, secret)


def revoke_device_token(*, session: Session, token: DeviceToken, actor: str) -> DeviceToken:
    """Stop a device token from working (kept for the record)."""
    if token.revoked_at is not None:
        raise Conflict(f"device token {token.id} is already revoked")
    before = user_snapshot(token)
    token.revoked_at = utcnow()
    session.add(token)
    session.flush()
    audit.record(session=session, actor=actor, action="device_token.revoke", entity="device_token",
                 entity_id=token.id, before=before, after=user_snapshot(token))
    return token


def user_snapshot(row: User | DeviceToken) -> dict[str, object]:
    """An audit snapshot without secrets."""
    data = audit.snapshot(row) or {}
    return {key: value for key, value in data.items() if key not in _SECRET_FIELDS}


def _device_principal(session: Session, token: str) -> Principal:
    row = session.exec(select(DeviceToken).where(DeviceToken.token_hash == device_token_hash(token))).first()
    if row is None or row.revoked_at is not None:
        raise InvalidToken("unknown or revoked device token")
    now = utcnow()
    if row.last_used_at is None or now - row.last_used_at > timedelta(minutes=1):
        row.last_used_at = now  # at most once a minute: a hot camera must not write on every call
        session.add(row)
    scopes = frozenset(Permission(s) for s in parse_grants(row.scopes))
    return Principal(kind="device", actor=f"device:{row.name}", permissions=scopes, unit_ids=frozenset(),
                     device_token=row)


def _throttled_check(session: Session, username: str, password: str, user: User | None, client: str, *,
                     action: str, settle: bool = True) -> bool:
    """Take a throttle slot, then check the password; failures and lockouts are audited at once. A right
    password gives the slot back unless `settle` is False (a second factor must follow)."""
    client = (client or "unknown")[:100]
    engine = cast(Engine, session.get_bind())
    verdict = throttle.take_slot(engine, username=username, client=client)
    if not verdict.allowed:
        if verdict.failures == _limit_for(verdict.key) + 1:  # the attempt that trips it, not every one after
            _audit_now(engine, actor=f"user:{username}", action="auth.lockout", entity="user",
                       entity_id=user.id if user else None, client=client,
                       after={"key": verdict.key.split(":", 1)[0], "retry_after": verdict.retry_after})
        raise TooManyAttempts("too many failed password checks; try again later", verdict.retry_after)
    if user is None:
        dummy_verify()
        ok, new_hash = False, None
    else:
        ok, new_hash = verify_password(password, user.password_hash)
    if not ok or user is None or not user.active:
        # Its own transaction: the request's unit of work rolls back on the error that follows.
        _audit_now(engine, actor=f"user:{username}", action=f"{action}_failed", entity="user",
                   entity_id=user.id if user else None, client=client)
        return False
    if settle:
        throttle.forgive(engine, username=username, client=client)
    if new_hash:
        user.password_hash = new_hash
        session.add(user)
    return True


def _limit_for(key: str) -> int:
    settings = get_auth_settings()
    return settings.max_failures_per_user if key.startswith("acct:") else settings.max_failures_per_client


def _audit_now(engine: Engine, **entry: Any) -> None:
    with Session(engine) as own:
        audit.record(session=own, **entry)
        own.commit()


def _person_name(session: Session, user: User) -> str:
    staff = session.get(Staff, user.staff_id) if user.staff_id else None
    return " ".join(part for part in (user.full_name, staff.full_name if staff else "") if part)


def _apply(session: Session, user: User, changes: dict[str, object]) -> None:
    unit_id = changes.get("unit_id")
    if unit_id is not None and session.get(Unit, unit_id) is None:
        raise UnknownUnit(code="unit.unknown_id", unit_id=unit_id)
    if "staff_id" in changes and changes["staff_id"] is not None:
        staff_id = changes["staff_id"]
        if session.get(Staff, staff_id) is None:
            raise UnknownStaff(code="staff.unknown_id", staff_id=staff_id)
        holder = session.exec(select(User.id).where(User.staff_id == staff_id)).first()
        if holder is not None and holder != user.id:
            raise Conflict(code="user.staff_has_account", staff_id=staff_id)
    if "grants" in changes:
        try:
            changes["grants"] = ",".join(parse_grants(str(changes["grants"] or "")))
        except ValueError as err:
            raise InvalidInput(str(err)) from err
    for key, value in changes.items():
        setattr(user, key, value)
    role = Role(user.role)
    if unit_scoped(role) and user.unit_id is None and role is not Role.PROVINCE:
        raise InvalidInput(code="user.needs_unit", role=role.value)
    if role is Role.STAFF and user.staff_id is None:
        raise InvalidInput(code="user.needs_staff")


def _clean_username(username: str) -> str:
    username = username.strip().lower()
    if not (3 <= len(username) <= 100) or not all(ch.isalnum() or ch in "._-@" for ch in username):
        raise InvalidInput(code="user.bad_username")
    return username


def _role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError as err:
        raise InvalidInput(code="user.unknown_role", role=role, roles=", ".join(r.value for r in Role)) from err
