"""Password strength: long enough, not guessable (zxcvbn), not built from the account's own names."""

from __future__ import annotations

import unicodedata

from zxcvbn import zxcvbn

from api.auth.settings import get_auth_settings
from attendance.errors import InvalidInput

MAX_LENGTH = 256
ZXCVBN_MAX = 72
MIN_SCORE = 3  # zxcvbn: 3 = "safely unguessable: moderate protection from offline slow-hash attacks"

_REASONS = {
    "too_short": ("Mật khẩu cần ít nhất {minimum} ký tự.", "a password needs at least {minimum} characters"),
    "too_long": ("Mật khẩu dài tối đa {maximum} ký tự.", "a password has at most {maximum} characters"),
    "contains_name": ("Mật khẩu không được chứa tên đăng nhập hoặc họ tên.",
                      "a password must not contain the username or the person's name"),
    "guessable": ("Mật khẩu quá dễ đoán (mật khẩu phổ biến, ký tự lặp lại hoặc theo dãy); "
                  "hãy dùng một cụm vài từ ít gặp.",
                  "the password is too easy to guess (common, repeated or sequential); use a few uncommon words"),
}


class WeakPassword(InvalidInput):
    """A password the policy refuses; `reason` is one of the codes above, the message in both languages."""

    def __init__(self, reason: str, **params: object) -> None:
        vi, en = _REASONS[reason]
        super().__init__(f"{vi.format(**params)} ({en.format(**params)})")
        self.reason = reason
        self.params = params

    def message(self, language: str = "vi") -> str:
        vi, en = _REASONS[self.reason]
        return (en if language == "en" else vi).format(**self.params)


def check_password_strength(password: str, *, username: str = "", full_name: str = "") -> None:
    """Raise WeakPassword unless `password` is long, unguessable and free of the account's names."""
    minimum = get_auth_settings().min_password_length
    if len(password) < minimum:
        raise WeakPassword("too_short", minimum=minimum)
    if len(password) > MAX_LENGTH:
        raise WeakPassword("too_long", maximum=MAX_LENGTH)
    folded = _fold(password)
    names = [_fold(username)] if len(username) >= 3 else []
    if full_name.strip():
        parts = [_fold(part) for part in full_name.split()]
        names += ["".join(parts)] + [part for part in parts if len(part) >= 4]
    if any(name and name in folded for name in names):
        raise WeakPassword("contains_name")
    inputs = [username, full_name, *full_name.split()]
    # zxcvbn refuses more than 72 characters (its matching is quadratic); the rest only adds strength.
    if zxcvbn(password[:ZXCVBN_MAX], user_inputs=[i for i in inputs if i])["score"] < MIN_SCORE:
        raise WeakPassword("guessable")


def _fold(text: str) -> str:
    """Lower case, no diacritics, no separators: 'Nguyễn Văn-An' -> 'nguyenvanan'."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return "".join(ch for ch in decomposed if ch.isalnum() and not unicodedata.combining(ch))
