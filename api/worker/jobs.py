"""The worker's jobs, each safe to run again (notices are made once; a day's backup is taken once)."""

from __future__ import annotations

import logging
from datetime import date

from sqlalchemy import Engine

from api.cli import backups
from api.notify import retention, runs
from api.notify.deliver import RunReport
from attendance import backup as ledger_backup
from attendance import backup_retention
from attendance.rules import SessionName
from attendance.timeutil import utcnow
from config import get_settings

log = logging.getLogger("attendance.worker")


def morning_reminders(engine: Engine) -> RunReport:
    return _logged("nhắc buổi sáng", runs.remind(engine=engine, day=_today(), part=SessionName.MORNING))


def afternoon_reminders(engine: Engine) -> RunReport:
    return _logged("nhắc buổi chiều", runs.remind(engine=engine, day=_today(), part=SessionName.AFTERNOON))


def pending_digest(engine: Engine) -> RunReport:
    return _logged("tổng hợp đơn chờ duyệt", runs.pending_digest(engine=engine, day=_today()))


def terminal_notices(engine: Engine) -> RunReport:
    return _logged("cảnh báo máy chấm công", runs.terminal_notices(engine=engine))


def daily_backup(engine: Engine) -> list[str]:
    """Today's backup unless one was taken today (UTC day, as the file names say), then the retention."""
    settings = get_settings()
    folder = settings.data_dir / "backups"
    url = settings.sqlalchemy_url
    if not backup_retention.taken_on(folder, utcnow().date()):
        target = folder / ledger_backup.default_backup_name("sqlite" if url.startswith("sqlite") else "postgresql")
        manifest = backups.take_backup(url, target)
        log.info("sao lưu %s: %d lượt chấm công", target.name, manifest.summary.counts["punches"])
    removed = backup_retention.prune(folder, keep_days=settings.worker.backup_keep)
    for path in removed:
        log.info("xoá bản sao lưu cũ %s", path.name)
    return [p.name for p in removed]


def prune_notices(engine: Engine) -> int:
    removed = retention.prune(engine=engine, keep_days=get_settings().worker.notice_keep_days)
    log.info("xoá %d thông báo cũ", removed)
    return removed


def _today() -> date:
    return utcnow().astimezone(get_settings().zone).date()


def _logged(what: str, report: RunReport) -> RunReport:
    log.info("%s: %d thông báo mới, %d đã gửi, %d lỗi, %d chưa rõ, %d không gửi e-mail, %d đã có", what,
             report.made, report.sent, report.failed, report.unknown, report.not_emailed, report.already)
    return report
