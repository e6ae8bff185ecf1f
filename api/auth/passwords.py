"""Password hashing (Argon2id through pwdlib) and random secrets."""

from __future__ import annotations

import os
import secrets
import threading
from functools import lru_cache

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher


@lru_cache
def _hasher() -> PasswordHash:
    # Argon2id at OWASP's recommended minimum (19 MiB, 2 passes, 1 lane): a login stays well under a
    # second on a small shared server. Parameters are stored in each hash, so raising them later
    # upgrades old hashes at the next login (verify_and_update).
    return PasswordHash((Argon2Hasher(time_cost=2, memory_cost=19_456, parallelism=1),))


# Argon2 runs outside the GIL, so the thread pool would start one hash per waiting login: on a small
# server ten at once take ten times the memory and finish in a random order. As many as there are
# cores, first come first served, keeps every login near (queue length x hash time) instead.
_SLOTS = threading.BoundedSemaphore(max(1, os.cpu_count() or 1))


def hash_password(password: str) -> str:
    """An Argon2id hash of `password`."""
    with _SLOTS:
        return _hasher().hash(password)


def verify_password(password: str, password_hash: str) -> tuple[bool, str | None]:
    """(matches, new hash if the stored one should be upgraded)."""
    try:
        with _SLOTS:
            return _hasher().verify_and_update(password, password_hash)
    except Exception:  # an unknown or corrupt hash never matches
        return False, None


def dummy_verify() -> None:
    """Spend the time a real check takes, so unknown usernames cannot be told apart by timing."""
    verify_password("not the password", _dummy_hash())


def random_password(length: int = 16) -> str:
    """A random password that is easy to type: letters and digits, no look-alikes."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(length))


@lru_cache
def _dummy_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))
