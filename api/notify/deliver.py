"""Making notices and sending their e-mails at most once each.

A notice is claimed before its e-mail leaves: the row (recipient, kind, subject key) is inserted
and committed in state SENDING, and only then handed to the SMTP server. A second run, or a second
process, finds the row and sends nothing. A crash between the commit and the server's answer leaves
the row in SENDING, and it is never sent again: we chose at-most-once over at-least-once because a
reminder repeated twice a day teaches people to ignore them, while one that is lost still shows on
the person's "Thông báo" page and the month page. Refusals the server states before it has the
message (connection refused, a rejected address, a "no" to DATA) are known not to be delivered:
they become FAILED and a later run tries them again (MAX_ATTEMPTS in all).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col
from sqlmodel import select as model_select

from api.notify.mailer import Mailer, MailRefused, MailUncertain
from api.notify.message import Draft, email_message
from api.notify.models import Delivery, Notice
from attendance.timeutil import utcnow
from config.notify import MailSettings

MAX_ATTEMPTS = 3
_T = Notice.__table__  # type: ignore[attr-defined]


@dataclass(slots=True)
class RunReport:
    """What one run did; `already` counts drafts whose notice had been made before (nothing sent)."""

    made: int = 0
    already: int = 0
    sent: int = 0
    failed: int = 0
    unknown: int = 0
    not_emailed: int = 0

    def add(self, other: RunReport) -> None:
        for name in self.__slots__:  # type: ignore[attr-defined]
            setattr(self, name, getattr(self, name) + getattr(other, name))


def deliver(*, engine: Engine, drafts: Iterable[Draft], settings: MailSettings,
            now: datetime | None = None) -> RunReport:
    """Make each draft's notice unless it exists, and e-mail the new ones that want e-mail."""
    report = RunReport()
    outcomes: list[dict[str, Any]] = []
    drafts = list(drafts)
    with Session(engine) as session, Mailer(settings) as mailer:
        made = _existing(session, drafts)
        for draft in drafts:
            if (draft.recipient, draft.kind, draft.subject_key) in made:  # the claim would find it too, slower
                report.already += 1
                continue
            state = _first_state(draft, settings)
            notice_id = _claim(session, draft, state, now or utcnow())
            _record(session, outcomes)  # the previous outcome rides on this claim's commit
            session.commit()
            if notice_id is None:
                report.already += 1
                continue
            report.made += 1
            if state is not Delivery.SENDING:
                report.not_emailed += 1
                continue
            outcomes.append(_send(mailer, draft, notice_id, settings, report))
        _record(session, outcomes)
        session.commit()
    return report


def retry_failed(*, engine: Engine, settings: MailSettings) -> RunReport:
    """Send again the notices the server refused before (each claimed anew, so only one process does)."""
    report = RunReport()
    if not settings.enabled:
        return report
    with Session(engine) as session, Mailer(settings) as mailer:
        rows = list(session.exec(model_select(Notice).where(col(Notice.delivery) == Delivery.FAILED,
                                                      col(Notice.attempts) < MAX_ATTEMPTS)))
        for notice in rows:
            claimed = session.execute(
                update(_T).where(_T.c.id == notice.id, _T.c.delivery == Delivery.FAILED)
                .values(delivery=Delivery.SENDING, attempts=_T.c.attempts + 1)).rowcount  # type: ignore[attr-defined]
            session.commit()
            if claimed == 1:
                assert notice.id is not None
                outcome = _send(mailer, Draft.of(notice), notice.id, settings, report)
                _record(session, [outcome])
                session.commit()
    return report


def _existing(session: Session, drafts: list[Draft]) -> set[tuple[str, str, str]]:
    """The drafts' notices made before, read at once (a second run then costs one query, not one per draft)."""
    kinds, keys = {d.kind for d in drafts}, {d.subject_key for d in drafts}
    if not drafts or len(keys) > 500:
        return set()
    rows = session.execute(select(_T.c.recipient, _T.c.kind, _T.c.subject_key)
                           .where(_T.c.kind.in_(kinds), _T.c.subject_key.in_(keys)))
    found = {(r, k, key) for r, k, key in rows}
    session.commit()
    return found


def _first_state(draft: Draft, settings: MailSettings) -> Delivery:
    if not draft.wants_email:
        return Delivery.OPTED_OUT
    if not draft.email:
        return Delivery.NO_ADDRESS
    if not settings.enabled:
        return Delivery.MAIL_OFF
    return Delivery.SENDING


def _claim(session: Session, draft: Draft, state: Delivery, now: datetime) -> int | None:
    """Insert the notice unless it exists (one atomic statement); its id, or None when it existed."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = insert(_T).values(
        recipient=draft.recipient, kind=draft.kind, subject_key=draft.subject_key, name=draft.name[:200],
        subject=draft.subject[:300], summary="\n".join(draft.lines), link=draft.link[:500],
        link_label=draft.link_label[:100], email=draft.email, delivery=state,
        attempts=1 if state is Delivery.SENDING else 0, created_at=now,
    ).on_conflict_do_nothing(index_elements=["recipient", "kind", "subject_key"]).returning(_T.c.id)
    row = session.execute(stmt).first()
    return None if row is None else int(row[0])


def _send(mailer: Mailer, draft: Draft, notice_id: int, settings: MailSettings, report: RunReport) -> dict[str, Any]:
    assert draft.email is not None
    try:
        mailer.send(email_message(draft, notice_id=notice_id, settings=settings), draft.email)
    except MailRefused as err:
        report.failed += 1
        return {"id": notice_id, "delivery": Delivery.FAILED, "error": str(err)[:500]}
    except MailUncertain as err:
        report.unknown += 1
        return {"id": notice_id, "delivery": Delivery.UNKNOWN, "error": str(err)[:500]}
    report.sent += 1
    return {"id": notice_id, "delivery": Delivery.SENT, "sent_at": utcnow(), "error": None}


def _record(session: Session, outcomes: list[dict[str, Any]]) -> None:
    for outcome in outcomes:
        values = {k: v for k, v in outcome.items() if k != "id"}
        session.execute(update(_T).where(_T.c.id == outcome["id"]).values(**values))
    outcomes.clear()
