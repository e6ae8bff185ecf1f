"""The day board as a server-side list: one snapshot per unit and day, then search, filter, sort and page.

Evaluating a 1,500-person day costs far more than a page request may, and every refresh of every
open board would pay it again. So the day is evaluated once into an in-process snapshot, keyed by
what can change it: the newest punch and audit entry (one tiny query, api.services.build_once's
`board_key`: requests, calendar and staff changes are all audited) and, for today, the minute
(sessions fall due as time passes). A page request filters the snapshot's rows in Python, sorts by
precomputed keys and renders only its 50 rows. One request builds a missing snapshot; the others
asking for it get the previous snapshot of the same board if there is one, else they wait for it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from markupsafe import Markup
from sqlmodel import Session, col, select

from api.pages.i18n import translator
from api.pages.render import format_time, session_class, session_label, templates
from api.services.build_once import BuildOnce, board_key
from attendance.calendar import day_schedule
from attendance.collation import name_key, text_key
from attendance.models import Unit
from attendance.queries import board_json, day_board
from attendance.search_text import fold, search_terms
from attendance.timeutil import utcnow

PAGE_SIZE = 50
LIST_PREVIEW = 10  # entries of the late / missing / absent lists shown above the full list
FILTERS = ("all", "late", "early", "missing", "absent", "excused", "present", "due")
SORTS = ("name", "code", "late", "unit")
MAX_SNAPSHOTS = 32
SESSIONS = ("morning", "afternoon")
_MISSING = ("missing_check_in", "missing_check_out")


@dataclass(frozen=True, slots=True)
class Person:
    """One row of the board with what the list needs precomputed."""

    data: dict[str, Any]  # board_json's row: staff_id, code, full_name, unit_id, morning, afternoon
    search: str
    flags: frozenset[str]
    name_order: tuple[bytes, bytes, bytes, str]
    late_minutes: int
    absent_sessions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Snapshot:
    unit_id: int
    day: date
    summary: dict[str, int]
    people: list[Person]
    orders: dict[str, list[int]]  # sort name -> indexes into people
    counts: dict[str, int]  # filter -> people matching it
    late: list[tuple[Person, str, int, str | None]]  # (person, session, minutes, check-in), most first
    early: list[tuple[Person, str, int, str | None]]
    missing: list[tuple[Person, str, str]]
    absent: list[Person]  # once per person, with the sessions missed
    schedule: Any
    unit_names: dict[int, str] = field(default_factory=dict)
    unit_paths: dict[int, str] = field(default_factory=dict)  # sub-units of the board (terminal outages read them)
    rows_html: dict[tuple[str, int], Markup] = field(default_factory=dict)  # filled as pages ask
    lists_html: dict[str, Markup] = field(default_factory=dict)  # language -> the short lists


SNAPSHOTS: BuildOnce[Snapshot] = BuildOnce(max_entries=MAX_SNAPSHOTS)


def snapshot(*, session: Session, unit: Unit, day: date, today: date | None = None,
             now: datetime | None = None) -> Snapshot:
    """The board of `unit` on `day` (`today`: the unit's local date, when the caller knows it), evaluated
    once per change of its inputs. While one request evaluates the day again, the others are served the
    previous state of the same board (a few hundred milliseconds old) rather than all waiting for it."""
    now = now or utcnow()
    key = board_key(session=session, unit=unit, day=day, now=now, today=today)
    return SNAPSHOTS.get(key, lambda: _build(session=session, unit=unit, day=day, now=now),
                         family=(unit.id, day))


@dataclass(frozen=True, slots=True)
class BoardPage:
    rows: list[Markup]  # this page's rows as HTML in the page's language
    total: int


def board_page(snap: Snapshot, *, query: str = "", status: str = "all", dept: int | None = None,
               sort: str = "name", page: int = 1, language: str = "vi") -> BoardPage:
    """One page of the snapshot's people matching the search, the status filter and the department."""
    terms = search_terms(query)
    wanted = status if status in FILTERS and status != "all" else None
    order = snap.orders[sort if sort in SORTS else "name"]
    people = snap.people
    matches = [people[i] for i in order
               if (wanted is None or wanted in people[i].flags)
               and (dept is None or people[i].data["unit_id"] == dept)
               and all(term in people[i].search for term in terms)]
    start = (page - 1) * PAGE_SIZE
    return BoardPage(rows=[row_html(snap, p, language) for p in matches[start:start + PAGE_SIZE]],
                     total=len(matches))


def row_html(snap: Snapshot, person: Person, language: str) -> Markup:
    """The person's row, rendered on first use per language and kept with the snapshot.

    Rendering is most of a page's cost; a row changes only when the snapshot does. Two requests may
    both render a missing row: they produce the same text, and a dict assignment is atomic."""
    key = (language, person.data["staff_id"])
    html = snap.rows_html.get(key)
    if html is None:
        html = Markup(templates.env.get_template("_board_row.html").render(
            row=_labelled(person.data, language), day=snap.day, unit_names=snap.unit_names,
            t=translator(language), format_time=format_time))
        snap.rows_html[key] = html
    return html


def lists_html(snap: Snapshot, language: str, filter_href: Any) -> Markup:
    """The late, missing and absent lists (first entries, each with a link to the full filtered list),
    rendered once per snapshot and language."""
    html = snap.lists_html.get(language)
    if html is None:
        html = Markup(templates.env.get_template("_board_lists.html").render(
            late=snap.late[:LIST_PREVIEW], missing=snap.missing[:LIST_PREVIEW], absent=snap.absent[:LIST_PREVIEW],
            late_total=len(snap.late), missing_total=len(snap.missing), absent_total=len(snap.absent),
            day=snap.day, t=translator(language), format_time=format_time, filter_href=filter_href, lang=language))
        snap.lists_html[language] = html
    return html


def clear() -> None:
    SNAPSHOTS.clear()


def _labelled(row: dict[str, Any], language: str) -> dict[str, Any]:
    """A copy of the row whose sessions carry their label and css (the snapshot is shared: never mutate it)."""
    copy = dict(row)
    for name in SESSIONS:
        cell = dict(row[name])
        cell["label"], cell["css"] = session_label(cell, language), session_class(cell)
        copy[name] = cell
    return copy


def _build(*, session: Session, unit: Unit, day: date, now: datetime) -> Snapshot:
    assert unit.id is not None
    rows = day_board(session=session, unit=unit, day=day, now=now)
    board = board_json(rows, unit, day)
    unit_ids = {row["unit_id"] for row in board["staff"]} - {unit.id}
    subunits = list(session.exec(select(Unit).where(col(Unit.id).in_(unit_ids)))) if unit_ids else []
    names = {u.id or 0: u.name for u in subunits}
    people = []
    for row, data in zip(rows, board["staff"], strict=True):
        for result in row.day.sessions:
            data[result.session.value]["punches"] = [p.strftime("%H:%M") for p in result.punches]
        people.append(_person(data))
    by_name = sorted(range(len(people)), key=lambda i: people[i].name_order)
    unit_sort = {uid: text_key(name) for uid, name in names.items()}
    orders = {
        "name": by_name,
        "code": sorted(range(len(people)), key=lambda i: people[i].data["code"]),
        "late": sorted(by_name, key=lambda i: -people[i].late_minutes),
        "unit": sorted(by_name, key=lambda i: unit_sort.get(people[i].data["unit_id"], b"")),
    }
    late, early, missing, absent = [], [], [], []
    for i in by_name:
        person = people[i]
        for name in SESSIONS:
            cell = person.data[name]
            if cell["late_minutes"]:
                late.append((person, name, cell["late_minutes"], cell["check_in"]))
            if cell["early_minutes"]:
                early.append((person, name, cell["early_minutes"], cell["check_out"]))
            if cell["status"] in _MISSING:
                missing.append((person, name, cell["status"]))
        if person.absent_sessions:
            absent.append(person)
    late.sort(key=lambda item: -item[2])
    counts = {f: sum(f in p.flags for p in people) for f in FILTERS if f != "all"} | {"all": len(people)}
    return Snapshot(unit_id=unit.id, day=day, summary=board["summary"], people=people, orders=orders, counts=counts,
                    late=late, early=early, missing=missing, absent=absent,
                    schedule=day_schedule(session=session, unit=unit, day=day), unit_names=names,
                    unit_paths={u.id or 0: u.path for u in subunits})


def _person(data: dict[str, Any]) -> Person:
    flags, late_total, absent = set(), 0, []
    for name in SESSIONS:
        cell = data[name]
        status = cell["status"]
        if cell["late_minutes"]:
            flags.add("late")
            late_total += cell["late_minutes"]
        if cell["early_minutes"]:
            flags.add("early")
        if status in _MISSING:
            flags.add("missing")
        if status == "absent":
            flags.add("absent")
            absent.append(name)
        if status == "excused":
            flags.add("excused")
        if status == "not_yet_due":
            flags.add("due")
        if cell.get("check_in") or cell.get("check_out") or status == "present":
            flags.add("present")
    return Person(data=data, search=f"{fold(data['full_name'])} {fold(data['code'])}", flags=frozenset(flags),
                  name_order=name_key(data["full_name"], data["code"]), late_minutes=late_total,
                  absent_sessions=tuple(absent))
