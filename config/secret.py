"""The installation's own secret key: generated on first start, kept in the data folder (0600)."""

from __future__ import annotations

import logging
import os
import secrets
import stat
from pathlib import Path

log = logging.getLogger(__name__)

SECRET_FILE = "secret.key"
MIN_PRODUCTION_LENGTH = 32

# Keys that were published (in this code or its documentation) or are common placeholders: a token
# signed with any of them must never be accepted, in any environment.
KNOWN_SECRETS = frozenset({
    "change-me-insecure-development-secret",
    "test-secret-key-not-for-production",
    "changeme", "change-me", "secret", "secret-key", "secretkey", "password", "development", "test",
})


class SecretUnusable(ValueError):
    """The configured or stored secret cannot be used."""


def secret_path(data_dir: Path) -> Path:
    return data_dir / SECRET_FILE


def load_or_create_secret(data_dir: Path, name: str = SECRET_FILE) -> str:
    """The key stored in `data_dir/name`, created (384 random bits, owner-only) when there is none."""
    path = data_dir / name
    if (data_dir / (name + ".new")).exists():
        log.warning("%s.new exists: a key rotation stopped half-way. If `attendance secret rotate` reported "
                    "success, the data is sealed with the new key: move %s.new over %s", path, path, path)
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    try:
        # O_EXCL: two processes starting together agree on one key (the loser reads the winner's).
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read(path)
    with os.fdopen(fd, "w") as out:
        out.write(key + "\n")
    log.warning("generated a new secret key in %s", path)
    return key


def pending_secret_path(data_dir: Path) -> Path:
    return data_dir / (SECRET_FILE + ".new")


def write_pending_secret(data_dir: Path, key: str) -> None:
    """Store the next key beside the live one (owner-only), before anything is re-encrypted with it."""
    data_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(pending_secret_path(data_dir), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(key + "\n")
        out.flush()
        os.fsync(out.fileno())


def promote_pending_secret(data_dir: Path) -> None:
    """Make the pending key the live one (atomically)."""
    os.replace(pending_secret_path(data_dir), secret_path(data_dir))


def new_secret() -> str:
    return secrets.token_urlsafe(48)


def check_secret(key: str, *, production: bool) -> None:
    """Refuse known keys always, and short ones in production."""
    if key.strip() in KNOWN_SECRETS and production:
        raise SecretUnusable("ATTENDANCE_SECRET_KEY is a published or placeholder key")
    if key.strip() == "change-me-insecure-development-secret":
        raise SecretUnusable("ATTENDANCE_SECRET_KEY is the old shipped default; remove it or set your own")
    if production and len(key) < MIN_PRODUCTION_LENGTH:
        raise SecretUnusable(f"ATTENDANCE_SECRET_KEY needs at least {MIN_PRODUCTION_LENGTH} characters in production")


def _read(path: Path) -> str:
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        # Someone copied the data folder carelessly: tighten it rather than keep serving a readable key.
        os.chmod(path, 0o600)
        log.warning("secret key file %s was readable by others; permissions reset to 0600", path)
    key = path.read_text().strip()
    if len(key) < MIN_PRODUCTION_LENGTH:
        raise SecretUnusable(f"the secret key file {path} is empty or too short; delete it to generate a new one")
    return key
