"""Which backups to keep: every backup of the newest N days that have one; older ones go, manifests too."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

# Only files `attendance db backup` names itself are ever removed; anything else in the folder stays.
_NAME = re.compile(r"^attendance-(\d{8})T\d{6}Z\.(?:sqlite3|pgdump)$")


def backups(directory: Path) -> list[tuple[date, Path]]:
    """The backups in `directory` with their (UTC) day, oldest first."""
    if not directory.is_dir():
        return []
    found = []
    for path in directory.iterdir():
        match = _NAME.match(path.name)
        if match and path.is_file():
            found.append((datetime.strptime(match.group(1), "%Y%m%d").date(), path))
    return sorted(found, key=lambda item: item[1].name)


def taken_on(directory: Path, day: date) -> bool:
    return any(taken == day for taken, _ in backups(directory))


def prune(directory: Path, *, keep_days: int) -> list[Path]:
    """Remove the backups older than the newest `keep_days` days with a backup; the removed files."""
    if keep_days < 1:
        raise ValueError("keep at least one day of backups")
    found = backups(directory)
    kept_days = sorted({day for day, _ in found}, reverse=True)[:keep_days]
    removed = []
    for day, path in found:
        if day not in kept_days:
            path.with_name(path.name + ".json").unlink(missing_ok=True)
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed
