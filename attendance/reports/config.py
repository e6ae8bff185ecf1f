"""The unit's report rules: discipline thresholds (R12) and the timesheet symbol set (R11)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from sqlmodel import Session, col, select

from attendance import audit
from attendance.errors import InvalidInput, UnknownUnit
from attendance.models import ExcuseKind, Unit
from attendance.org import ancestors
from attendance.reports.models import ReportRules
from attendance.reports.symbol_edit import check_symbol_codes


class Pay(StrEnum):
    """Which C01-HD totals column a session's symbol counts in: (32), (33) or (34)."""

    TIME = "time"
    UNPAID = "unpaid"
    INSURANCE = "insurance"
    NONE = "none"


class Thresholds(BaseModel):
    """A person is flagged when a monthly figure reaches its threshold; None = not checked."""

    model_config = ConfigDict(extra="forbid")

    late_count: int | None = Field(3, ge=1)
    late_minutes: int | None = Field(None, ge=1)
    early_count: int | None = Field(3, ge=1)
    early_minutes: int | None = Field(None, ge=1)
    missing_punches: int | None = Field(3, ge=1)
    absent_sessions: int | None = Field(1, ge=1)
    absent_days: int | None = Field(None, ge=1)


#: Monthly figures a deduction table may charge points for: unexcused violations only (R9a, R16).
DEDUCTIBLE = ("late_count", "late_minutes", "early_count", "early_minutes", "missing_punches",
              "absent_sessions", "absent_days")


class DeductionTable(BaseModel):
    """A unit's own rule (quy chế) for the discipline part of the monthly evaluation (Decree 335/2025):
    points deducted per counted violation, at most `cap`, from `max_points`. The result is only a
    suggestion for the head to confirm."""

    model_config = ConfigDict(extra="forbid")

    max_points: float = Field(gt=0, le=100, description="full marks of the discipline part")
    points: dict[str, float] = Field(description="figure -> points deducted per unit of it")
    cap: float | None = Field(None, ge=0, description="most points deducted in a month; None = max_points")
    note: str = Field("", max_length=300, description="e.g. the article of the unit's quy chế")

    @model_validator(mode="after")
    def _known_figures(self) -> DeductionTable:
        unknown = sorted(set(self.points) - set(DEDUCTIBLE))
        if unknown:
            raise ValueError(f"unknown figures: {', '.join(unknown)}; expected some of {', '.join(DEDUCTIBLE)}")
        if any(v < 0 for v in self.points.values()):
            raise ValueError("points per violation cannot be negative")
        return self

    def suggest(self, figures: dict[str, Any]) -> dict[str, Any]:
        """The suggested sub-score for one person's monthly figures, with how it was reached."""
        lines = {key: round(points * figures[key], 2) for key, points in self.points.items() if figures[key]}
        cap = self.max_points if self.cap is None else min(self.cap, self.max_points)
        deducted = round(min(cap, sum(lines.values())), 2)
        return {"suggestion": True, "max_points": self.max_points, "deducted": deducted,
                "score": round(self.max_points - deducted, 2), "by_figure": lines}


class SymbolDef(BaseModel):
    code: str = Field(min_length=1, max_length=8)
    label: str
    pay: Pay
    local: bool = Field(False, description="a unit's own code, not in the circular")


class SymbolSet(BaseModel):
    """The symbols of the timesheet and what each session maps to."""

    model_config = ConfigDict(extra="forbid")

    name: str = "Thông tư 107/2017/TT-BTC"
    form_code: str = Field("Mẫu số C01-HD", max_length=100, description="the form's code as printed")
    basis: str = Field("(Ban hành kèm theo Thông tư số 107/2017/TT-BTC ngày 10/10/2017 của Bộ Tài chính)",
                       max_length=300, description="the legal basis printed under the form code")
    symbols: list[SymbolDef]
    worked: str = "+"
    holiday: str | None = "L"
    absent: str = Field("", description="symbol of an unexcused absent session; '' = none")
    absent_pay: Pay = Pay.UNPAID
    excuses: dict[str, str] = Field(description="ExcuseKind value -> symbol code")

    @model_validator(mode="after")
    def _codes_known(self) -> SymbolSet:
        codes = {s.code for s in self.symbols}
        if len(codes) != len(self.symbols):
            raise ValueError("symbol codes must be unique")
        used = [self.worked, *self.excuses.values()] + ([self.holiday] if self.holiday else [])
        unknown = sorted({c for c in used if c not in codes})
        if unknown:
            raise ValueError(f"symbols used but not defined: {', '.join(unknown)}")
        kinds = {k.value for k in ExcuseKind}
        bad = sorted(set(self.excuses) - kinds)
        if bad:
            raise ValueError(f"unknown excuse kinds: {', '.join(bad)}")
        missing = sorted(kinds - set(self.excuses))
        if missing:
            raise ValueError(f"excuse kinds without a symbol: {', '.join(missing)}")
        return self

    def by_code(self) -> dict[str, SymbolDef]:
        return {s.code: s for s in self.symbols}


def _symbol(code: str, label: str, pay: Pay, local: bool = False) -> SymbolDef:
    return SymbolDef(code=code, label=label, pay=pay, local=local)


DEFAULT_SYMBOLS = SymbolSet(
    symbols=[
        _symbol("+", "Lương thời gian", Pay.TIME),
        _symbol("Ô", "Ốm, điều dưỡng", Pay.INSURANCE),
        _symbol("Cô", "Con ốm", Pay.INSURANCE),
        _symbol("Ts", "Thai sản", Pay.INSURANCE),
        _symbol("T", "Tai nạn", Pay.INSURANCE),
        _symbol("P", "Nghỉ phép", Pay.TIME),
        _symbol("H", "Hội nghị, học tập", Pay.TIME),
        _symbol("Nb", "Nghỉ bù", Pay.TIME),
        _symbol("No", "Nghỉ không lương", Pay.UNPAID),
        _symbol("N", "Ngừng việc", Pay.TIME),
        _symbol("LĐ", "Lao động nghĩa vụ", Pay.TIME),
        _symbol("L", "Nghỉ lễ, Tết", Pay.TIME, local=True),
        _symbol("CT", "Đi công tác", Pay.TIME, local=True),
        _symbol("R", "Nghỉ việc riêng có lương", Pay.TIME, local=True),
        _symbol("GT", "Vắng có giải trình được duyệt", Pay.TIME, local=True),
    ],
    excuses={
        ExcuseKind.ANNUAL_LEAVE: "P",
        ExcuseKind.PERSONAL_LEAVE: "R",
        ExcuseKind.SICK: "Ô",
        ExcuseKind.CHILD_SICK: "Cô",
        ExcuseKind.MATERNITY: "Ts",
        ExcuseKind.WORK_ACCIDENT: "T",
        ExcuseKind.TRAINING: "H",
        ExcuseKind.BUSINESS_TRIP: "CT",
        ExcuseKind.COMPENSATORY: "Nb",
        ExcuseKind.UNPAID: "No",
        # Only a whole absent session reaches the timesheet as explained (R9a): its own kind, not leave.
        # A session the person attended stays "+" whatever its explanation excused.
        ExcuseKind.EXPLANATION: "GT",
    },
)


#: Thông tư 24/2024/TT-BTC (the accounting regime of administrative and public service units) replaced
#: Circular 107/2017 for periods from 1/1/2025; its C01-HD keeps the letters of 107 as defaults, and
#: a unit whose regime differs (commune budgets, enterprises) sets its own with `set_report_rules`.
CIRCULAR_24_FROM = date(2025, 1, 1)
DEFAULT_SYMBOLS_24 = DEFAULT_SYMBOLS.model_copy(update={
    "name": "Thông tư 24/2024/TT-BTC",
    "basis": "(Ban hành kèm theo Thông tư số 24/2024/TT-BTC ngày 17/4/2024 của Bộ Tài chính)"})


def default_symbols(on: date) -> SymbolSet:
    """The symbol set and legal basis in force for a period starting `on`."""
    return DEFAULT_SYMBOLS_24 if on >= CIRCULAR_24_FROM else DEFAULT_SYMBOLS


class UnitReportRules(BaseModel):
    thresholds: Thresholds
    symbols: SymbolSet
    deductions: DeductionTable | None = None


def rules_for(*, session: Session, unit: Unit, on: date) -> UnitReportRules:
    """The rules in force for `unit` on `on`: the nearest unit's (then 'all units'), else defaults."""
    chain = ancestors(session=session, unit=unit)
    depth: dict[int | None, int] = {u.id: i for i, u in enumerate(chain)}
    depth[None] = len(chain)
    rows = session.exec(select(ReportRules).where(
        ReportRules.valid_from <= on,
        col(ReportRules.unit_id).in_([u.id for u in chain]) | col(ReportRules.unit_id).is_(None)))
    best = min(rows, key=lambda r: (depth[r.unit_id], -r.valid_from.toordinal(), -(r.id or 0)), default=None)
    return _merge(best.thresholds if best else None, best.symbols if best else None, on=on,
                  deductions=best.deductions if best else None)


def set_report_rules(*, session: Session, unit_id: int | None, valid_from: date,
                     thresholds: dict[str, Any] | None = None, symbols: dict[str, Any] | None = None,
                     deductions: dict[str, Any] | None = None, note: str = "", actor: str) -> ReportRules:
    """Record a unit's internal rules from `valid_from` (partial dicts override the defaults)."""
    if unit_id is not None and session.get(Unit, unit_id) is None:
        raise UnknownUnit(code="unit.unknown_id", unit_id=unit_id)
    if symbols and "symbols" in symbols:
        check_symbol_codes(symbols["symbols"])
    _merge(thresholds, symbols, on=valid_from, deductions=deductions)
    row = ReportRules(unit_id=unit_id, valid_from=valid_from, thresholds=thresholds, symbols=symbols,
                      deductions=deductions, note=note)
    session.add(row)
    session.flush()
    audit.record(session=session, actor=actor, action="report_rules.set", entity="report_rules",
                 entity_id=row.id, after=audit.snapshot(row))
    return row


def _merge(thresholds: dict[str, Any] | None, symbols: dict[str, Any] | None, *, on: date,
           deductions: dict[str, Any] | None = None) -> UnitReportRules:
    try:
        table = DeductionTable.model_validate(deductions) if deductions is not None else None
        merged_thresholds = Thresholds.model_validate({**Thresholds().model_dump(), **(thresholds or {})})
        merged_symbols = SymbolSet.model_validate({**default_symbols(on).model_dump(), **(symbols or {})})
    except ValidationError as err:
        raise InvalidInput(code="rules.invalid", detail=err) from err
    return UnitReportRules(thresholds=merged_thresholds, symbols=merged_symbols, deductions=table)
