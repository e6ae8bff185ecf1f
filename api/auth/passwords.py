"""Password hashing (Argon2id through pwdlib) and random secrets."""

from __future__ import annotations

import os
import secrets
import threading
from functools import lru_cache

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

# Argon2id at one of OWASP's minimum profiles (Password Storage Cheat Sheet: m=19 MiB, t=2, p=1). The
# profiles are of equal strength, and this one costs the least CPU per check (m x t = 38 MiB-passes,
# about 25 ms on one core of the development machine): with the check bounded to one per core, ten
# people logging in at once on two cores wait about five checks. One lane, because the lanes would
# compete with the other logins for the same cores. Parameters are stored in each hash, so a hash made
# with others (older or stronger) is re-made with these at its next right password (verify_and_update).
ARGON2_MEMORY_KIB = 19_456
ARGON2_TIME_COST = 2
ARGON2_LANES = 1


@lru_cache
def _hasher() -> PasswordHash:
    return PasswordHash((Argon2Hasher(time_cost=ARGON2_TIME_COST, memory_cost=ARGON2_MEMORY_KIB,
                                      parallelism=ARGON2_LANES),))


def argon2_profile() -> str:
    """The parameters new hashes get, for figures and logs."""
    return f"Argon2id m={ARGON2_MEMORY_KIB // 1024} MiB, t={ARGON2_TIME_COST}, p={ARGON2_LANES}"


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
