"""Bodies of the login, account and device-token routes."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from api.auth.roles import Permission, Role

_ID = Field(None, ge=1, le=2_147_483_647)


class LoginIn(BaseModel):
    username: str = Field(min_length=1, max_length=100, examples=["admin"])
    password: str = Field(min_length=1, max_length=256, examples=["s3cret-password"])
    otp: str | None = Field(None, min_length=1, max_length=32, description="two-factor code, when the account has it")


class TwoFactorSetup(BaseModel):
    secret: str = Field(description="base32 seed, to type into an authenticator app by hand")
    uri: str = Field(description="otpauth:// URI (what the QR code holds)")
    qr_svg: str = Field(description="the QR code as SVG")


class TwoFactorCode(BaseModel):
    code: str = Field(min_length=1, max_length=32, examples=["123456"])


class RecoveryCodes(BaseModel):
    recovery_codes: list[str] = Field(description="one-time codes for a lost phone; shown once")


class PasswordConfirm(BaseModel):
    password: str = Field(min_length=1, max_length=256)


class UserPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str = Field(examples=["to.chuc"])
    full_name: str = Field(examples=["Phòng Tổ chức"])
    role: Role
    grants: str = Field(examples=[""])
    unit_id: int | None
    staff_id: int | None
    active: bool
    created_at: datetime
    last_login_at: datetime | None
    two_factor: bool = Field(False, description="two-factor sign-in is on")


class Me(UserPublic):
    permissions: list[str] = Field(examples=[["staff.read", "board.read"]])
    unit_ids: list[int] | None = Field(None, description="units in scope; null = all")


class TokenOut(BaseModel):
    access_token: str
    token_type: str = Field("bearer", examples=["bearer"])
    expires_at: datetime
    user: UserPublic


class SessionsEnded(BaseModel):
    ended: int = Field(description="how many sessions were ended", examples=[2])


class AuthSessionPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str = Field(examples=["cookie"])
    client: str = Field(examples=["10.0.0.7"])
    user_agent: str
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime


class PasswordChange(BaseModel):
    current_password: str = Field(min_length=1, max_length=256)
    new_password: str = Field(min_length=1, max_length=256, examples=["a-long-new-password"])


class UserCreate(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"username": "truong.phong", "role": "head", "unit_id": 2, "full_name": "Trần Thị Bình"}]})

    username: str = Field(min_length=3, max_length=100)
    role: Role
    full_name: str = Field("", max_length=200)
    password: str | None = Field(None, min_length=1, max_length=256, description="omit to generate one")
    unit_id: int | None = _ID
    staff_id: int | None = _ID
    grants: list[Permission] = Field([], description="extra permissions, e.g. biometrics.manage")


class UserUpdate(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"role": "personnel", "unit_id": 1}]})

    role: Role | None = None
    full_name: str | None = Field(None, max_length=200)
    unit_id: int | None = _ID
    staff_id: int | None = _ID
    grants: list[Permission] | None = None
    active: bool | None = None


class UserCreated(BaseModel):
    user: UserPublic
    password: str = Field(description="shown once")


class PasswordReset(BaseModel):
    password: str | None = Field(None, min_length=1, max_length=256, description="omit to generate one")


class PasswordOut(BaseModel):
    password: str = Field(description="shown once")


class DeviceTokenCreate(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"name": "camera cổng chính", "scopes": ["punches.ingest", "gallery.read", "device.heartbeat"]}]})

    name: str = Field(min_length=1, max_length=200)
    scopes: list[Permission] = Field(min_length=1)
    device_id: int | None = _ID


class DeviceTokenPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    scopes: str
    device_id: int | None
    created_by: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class DeviceTokenCreated(BaseModel):
    token: DeviceTokenPublic
    secret: str = Field(description="the bearer token; shown once, stored only as a hash")
